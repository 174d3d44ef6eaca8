"""`make bench` starts its seed and load scripts as plain modules before Django is set up: they
must import without the app registry (a top-level model import there broke the bench once)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "module", ["bench.seed", "bench.load", "bench.verify", "bench.cold", "bench.callbacks"]
)
def test_a_bench_script_imports_before_django_is_set_up(module):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    imported = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
