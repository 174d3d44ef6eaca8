"""`make lint` fails when an import breaks a layer, when modules import each other in a circle and
when an old form of a rule with one home comes back: the real checks, run on a copy of the package
with one deliberate fault each."""

import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "lint-architecture"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _load_script():
    loader = importlib.machinery.SourceFileLoader("lint_architecture", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


lint_architecture = _load_script()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The schalter package (code only) and the contracts, in a directory of their own."""
    shutil.copytree(
        ROOT / "schalter",
        tmp_path / "schalter",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates", "migrations"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _write(root: Path, module: str, source: str, *, append: bool = False) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.read_text() if append and path.exists() else ""
    path.write_text(before + textwrap.dedent(source))


def _run(root: Path, *command: str) -> tuple[int, str]:
    environment = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "400"}
    result = subprocess.run(
        command, cwd=root, env=environment, capture_output=True, text=True, timeout=60
    )
    # One line per finding whatever the terminal: compare with whitespace collapsed.
    return result.returncode, " ".join((result.stdout + result.stderr).split())


def _lint_imports(root: Path, contract: str) -> tuple[int, str]:
    return _run(root, str(LINT_IMPORTS), "--no-cache", "--no-logo", "--contract", contract)


def _lint_architecture(root: Path) -> tuple[int, str]:
    return _run(root, sys.executable, str(SCRIPT), "--root", str(root))


def test_offices_importing_an_audience_breaks_the_bottom_and_the_layers(copy):
    _write(copy, "schalter.offices.selectors", "import schalter.public.views\n", append=True)

    for contract, name in [
        ("offices-accounts-bottom", "offices and accounts import no domain app and no audience"),
        ("domain-below-audiences", "Domain apps import no audience"),
        ("layers", "Layers: audiences above the domain apps"),
    ]:
        status, output = _lint_imports(copy, contract)
        assert status != 0, contract
        assert f"{name}" in output and "BROKEN" in output, output
        assert "schalter.offices.selectors -> schalter.public.views" in output, output


def test_a_selector_importing_services_breaks_its_contract(copy):
    _write(copy, "schalter.content.selectors", "import schalter.visits.services\n", append=True)

    status, output = _lint_imports(copy, "selectors-no-services")

    assert status != 0
    assert "Selectors (reads) never import services (writes) BROKEN" in output, output
    assert "schalter.content.selectors -> schalter.visits.services" in output, output


def test_a_lower_app_importing_a_higher_one_breaks_the_layers(copy):
    _write(copy, "schalter.catalog.fees", "import schalter.visits.models\n", append=True)

    status, output = _lint_imports(copy, "layers")

    assert status != 0
    assert "schalter.catalog is not allowed to import schalter.visits" in output, output
    assert "schalter.catalog.fees -> schalter.visits.models" in output, output


def test_import_cycles_are_found_deferred_imports_included(copy):
    _write(copy, "schalter.catalog.circle_a", "from schalter.catalog import circle_b\n")
    # Deferred into a function: still a cycle.
    _write(
        copy,
        "schalter.catalog.circle_b",
        """
        def later():
            from schalter.catalog import circle_a

            return circle_a
        """,
    )
    # Only for the type checker: no cycle.
    _write(copy, "schalter.catalog.typed_a", "from schalter.catalog import typed_b\n")
    _write(
        copy,
        "schalter.catalog.typed_b",
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from schalter.catalog import typed_a
        """,
    )
    # A package re-exporting its submodule's names is no cycle; a submodule importing the
    # package back is one.
    _write(copy, "schalter.catalog.fine.__init__", "from schalter.catalog.fine.part import x\n")
    _write(copy, "schalter.catalog.fine.part", "x = 1\n")
    _write(copy, "schalter.catalog.back.__init__", "from schalter.catalog.back.part import y\n")
    _write(copy, "schalter.catalog.back.part", "import schalter.catalog.back\n\ny = 1\n")

    status, output = _lint_architecture(copy)

    assert status == 1
    assert (
        "import cycle among 2 modules: schalter.catalog.circle_a, schalter.catalog.circle_b"
        in output
    ), output
    assert "schalter.catalog.circle_b -> schalter.catalog.circle_a (l.3)" in output, output
    assert (
        "import cycle among 2 modules: schalter.catalog.back, schalter.catalog.back.part" in output
    ), output
    assert "typed_a" not in output
    assert "schalter.catalog.fine" not in output


OLD_FORMS = """\
import hashlib
from datetime import datetime

from django.db import connection

from schalter.appointments.services import _claim


def handle(request, office, moment: datetime, token: str, acting_user=None):
    code = request.GET.get("code", "")[:20]
    day = moment.astimezone(office.zone).date()
    digest = hashlib.sha256(token.encode()).hexdigest()
    connection.cursor().execute("SET LOCAL lock_timeout = '3s'")
    book(code=code, acting_user=None)
    return day, digest, _claim


def book(*, code: str, acting_user: object = None) -> None:
    pass
"""


def test_each_old_form_is_reported_with_its_rule_and_home(tmp_path):
    _write(tmp_path, "schalter.__init__", "")
    _write(tmp_path, "schalter.old", OLD_FORMS)

    status, output = _lint_architecture(tmp_path)

    assert status == 1
    expected = {
        (10, "code-cut", "code_normalise"),
        (11, "local-date", "local_date"),
        (6, "private-import", "make it public"),
        (12, "token-hash", "token_hash"),
        (13, "lock-timeout", "bounded_lock_wait"),
        (9, "acting-user-optional", "required keyword"),
        (14, "acting-user-none", "named actor"),
        (18, "acting-user-optional", "required keyword"),
    }
    for line, rule, home in expected:
        assert f"schalter/old.py:{line}: [{rule}]" in output, (rule, output)
        assert home in output
    assert "8 old form(s)" in output


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("schalter/offices/localtime.py", "day = moment.astimezone(zone).date()\n"),
        ("schalter/appointments/codes.py", "code = raw[:20]\n"),
        ("schalter/tokens.py", "digest = hashlib.sha256(token.encode())\n"),
        ("schalter/locks.py", "cursor.execute(\"SET LOCAL lock_timeout = '3s'\")\n"),
        ("schalter/any.py", "reference = text[:20]\n"),
        ("schalter/any.py", "digest = hashlib.sha256(phrase.encode())\n"),
        ("schalter/any.py", "from __future__ import annotations\nfrom a import __version__\n"),
        ("schalter/any.py", "def f(*, acting_user):\n    pass\n"),
    ],
)
def test_the_one_home_and_lookalikes_are_not_reported(path, source):
    assert lint_architecture.old_forms(path, source) == []


def test_the_old_local_now_helper_counts_as_an_inline_local_date():
    findings = lint_architecture.old_forms(
        "schalter/any.py", "day = office_selectors.local_now(office, now).date()\n"
    )
    assert [finding.rule for finding in findings] == ["local-date"]
