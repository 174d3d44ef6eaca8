"""`manage.py interpreter_fee FILE.json`: the issue's example, defaults, refusals."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schalter.interpreters.models import FeeRate

pytestmark = pytest.mark.django_db

EXAMPLE = {
    "date": "2026-03-03",
    "start": "09:00",
    "end": "10:10",
    "travel_before_minutes": 30,
    "travel_after_minutes": 30,
    "waiting_minutes": 15,
    "km": 40,
    "unfavourable_time_necessary": False,
    "cancelled_on": None,
    "cancelled_by_interpreter": False,
    "declared_loss": None,
    "engaged_on": None,
    "vat_liable": False,
}


def run(tmp_path, data) -> dict:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("interpreter_fee", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_the_example_gives_249_30(tmp_path):
    result = run(tmp_path, EXAMPLE)
    assert result["total"] == "249.30"
    assert [line["amount"] for line in result["lines"]] == ["232.50", "16.80"]
    assert "145 Minuten" in result["lines"][0]["text"]  # German, the offices' language


def test_missing_keys_take_their_defaults(tmp_path):
    # 09:00–10:10 alone = 70 min → 1.5 h × 93 = 139.50.
    assert (
        run(tmp_path, {"date": "2026-03-03", "start": "09:00", "end": "10:10"})["total"] == "139.50"
    )


def test_end_before_start_is_the_next_day(tmp_path):
    # 23:30–00:30 = 60 min → 1 h × 93 = 93.00.
    assert (
        run(tmp_path, {"date": "2026-03-03", "start": "23:30", "end": "00:30"})["total"] == "93.00"
    )


def test_rates_come_from_the_table(tmp_path):
    # An operator's new version from 2026-03-01 (100 €/h) wins: 2.5 × 100 + 16.80 = 266.80.
    FeeRate.objects.filter(office=None, valid_until=None).update(valid_until="2026-02-28")
    FeeRate.objects.create(valid_from="2026-03-01", hourly=Decimal(100), per_km=Decimal("0.42"))
    assert run(tmp_path, EXAMPLE)["total"] == "266.80"


def test_over_24_hours_is_refused(tmp_path):
    with pytest.raises(CommandError, match="höchstens 24 Stunden"):
        run(tmp_path, {**EXAMPLE, "start": "09:00", "end": "08:59", "travel_after_minutes": 30})


@pytest.mark.parametrize(
    "changes", [{"km": -1}, {"date": "soon"}, {"receipts": [{"kind": "rail"}]}, {"km": "many"}]
)
def test_bad_input_is_refused(tmp_path, changes):
    with pytest.raises(CommandError):
        run(tmp_path, {**EXAMPLE, **changes})
