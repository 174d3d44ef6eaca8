"""Worked examples for the fee engine, each computed by hand in the comment beside it (JVEG by
analogy: 93 €/h from 1 June 2025, 85 €/h before, 0.42 €/km, +20 % at unfavourable times)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.utils import translation

from schalter.interpreters.fees import (
    Assignment,
    FeeInputError,
    Receipt,
    billed_hours,
    fee_compute,
)


def assignment(day="2026-03-03", start="09:00", end="10:00", **changes) -> Assignment:
    values = {
        "day": date.fromisoformat(day),
        "start": time.fromisoformat(start),
        "end": time.fromisoformat(end),
        "engaged_on": date.fromisoformat(day),
    }
    values.update(changes)
    return Assignment(**values)


def total(**kwargs) -> str:
    return f"{fee_compute(assignment(**kwargs)).total:.2f}"


def test_the_issue_example():
    # 30 travel + 15 waiting + 70 visit + 30 travel = 145 min = 2 h 25 min; 25 <= 30 → 2.5 h.
    # 2.5 × 93 = 232.50; 40 km × 0.42 = 16.80; 232.50 + 16.80 = 249.30.
    fee = fee_compute(
        assignment(
            start="09:00",
            end="10:10",
            travel_before_minutes=30,
            travel_after_minutes=30,
            waiting_minutes=15,
            km=Decimal(40),
        )
    )
    assert f"{fee.total:.2f}" == "249.30"
    assert [(line.code, line.amount) for line in fee.lines] == [
        ("time", Decimal("232.50")),
        ("km", Decimal("16.80")),
    ]
    assert fee.minutes == 145 and fee.billed_hours == Decimal("2.5")


def test_exactly_thirty_minutes_of_the_last_hour_count_half():
    # 09:00–10:30 = 90 min = 1 h + 30 min; 30 is not more than 30 → 1.5 h × 93 = 139.50.
    assert total(end="10:30") == "139.50"


def test_thirty_one_minutes_of_the_last_hour_count_in_full():
    # 09:00–10:31 = 91 min = 1 h + 31 min → 2 h × 93 = 186.00.
    assert total(end="10:31") == "186.00"


def test_full_hours_are_not_rounded_up():
    # 09:00–11:00 = 120 min = 2 h exactly → 2 × 93 = 186.00.
    assert total(end="11:00") == "186.00"


def test_the_rate_is_the_one_in_force_on_the_day_she_was_engaged():
    # Worked 10 June 2025 (93 €), engaged 20 May 2025 (85 €): 1 h × 85 = 85.00;
    # 10 km × 0.42 = 4.20; 85.00 + 4.20 = 89.20.
    assert total(day="2025-06-10", engaged_on=date(2025, 5, 20), km=Decimal(10)) == "89.20"
    # Engaged on the day itself: 1 h × 93 + 4.20 = 97.20.
    assert total(day="2025-06-10", km=Decimal(10)) == "97.20"


def test_a_night_across_midnight_with_the_surcharge():
    # Tue 22:00 – Wed 01:00 (end before start: the next day) = 180 min → 3 h.
    # Unfavourable 23:00–01:00 = 120 min → 2 h at 93 × 1.2 = 111.60 → 223.20;
    # the rest 3 − 2 = 1 h × 93 = 93.00; 93.00 + 223.20 = 316.20.
    fee = fee_compute(assignment(start="22:00", end="01:00", unfavourable_time_necessary=True))
    assert f"{fee.total:.2f}" == "316.20"
    assert fee.unfavourable_minutes == 120 and fee.unfavourable_hours == Decimal(2)


def test_no_surcharge_unless_the_office_states_it_was_necessary():
    # Tue 22:00 – Wed 01:00 = 3 h × 93 = 279.00.
    assert total(start="22:00", end="01:00") == "279.00"


def test_a_sunday_counts_all_day_with_travel():
    # Sun 8 March 2026, 20 min travel before 10:00, visit to 11:10: 09:40–11:10 = 90 min → 1.5 h,
    # all of it unfavourable → 1.5 h × 111.60 = 167.40; normal part 0 h → 0.00.
    assert (
        total(
            day="2026-03-08",
            start="10:00",
            end="11:10",
            travel_before_minutes=20,
            unfavourable_time_necessary=True,
        )
        == "167.40"
    )


def test_a_hessian_holiday_counts_like_a_sunday():
    # Corpus Christi (Thu 4 June 2026) is a public holiday in Hesse: 14:00–14:40 = 40 min → 1 h,
    # unfavourable 40 min → 1 h × 111.60 = 111.60.
    assert (
        total(day="2026-06-04", start="14:00", end="14:40", unfavourable_time_necessary=True)
        == "111.60"
    )
    # The Thursday before is an ordinary day: 1 h × 93 = 93.00.
    assert (
        total(day="2026-05-28", start="14:00", end="14:40", unfavourable_time_necessary=True)
        == "93.00"
    )


def test_the_unfavourable_part_is_rounded_on_its_own():
    # Tue 05:40–07:05 = 85 min → 1.5 h; unfavourable 05:40–06:00 = 20 min → 0.5 h.
    # 1 h × 93 = 93.00 + 0.5 h × 111.60 = 55.80 → 148.80.
    assert total(start="05:40", end="07:05", unfavourable_time_necessary=True) == "148.80"
    # Tue 05:20–07:00 = 100 min → 2 h; unfavourable 40 min → 1 h: 1 × 93 + 1 × 111.60 = 204.60.
    assert total(start="05:20", end="07:00", unfavourable_time_necessary=True) == "204.60"


def test_overlapping_windows_count_once():
    # Sat 7 March 22:00 – Sun 02:00 = 240 min → 4 h. Unfavourable: Sat 23:00–24:00 (60) and
    # Sunday 00:00–02:00 (120; night and Sunday at once, counted once) = 180 min → 3 h.
    # 1 h × 93 = 93.00 + 3 h × 111.60 = 334.80 → 427.80.
    assert (
        total(day="2026-03-07", start="22:00", end="02:00", unfavourable_time_necessary=True)
        == "427.80"
    )


def test_a_night_when_the_clocks_go_forward_counts_real_minutes():
    # Sat 28 March 2026 23:00 – Sun 03:30: the clocks skip 02:00–03:00, so 3 h 30 min passed
    # = 210 min → 3.5 h, all unfavourable → 3.5 × 111.60 = 390.60.
    assert (
        total(day="2026-03-28", start="23:00", end="03:30", unfavourable_time_necessary=True)
        == "390.60"
    )


def test_cancellation_pays_the_declared_loss_up_to_two_hours():
    # Cancelled the day before, not by her; loss 250 € > 2 h × 93 = 186 → 186.00.
    assert total(cancelled_on=date(2026, 3, 2), declared_loss=Decimal(250)) == "186.00"
    # Two days before, loss 120.00 ≤ 186 → 120.00.
    assert total(cancelled_on=date(2026, 3, 1), declared_loss=Decimal(120)) == "120.00"
    # Three days before: outside the window → 0.00.
    assert total(cancelled_on=date(2026, 2, 28), declared_loss=Decimal(120)) == "0.00"
    # On the day, but she cancelled → 0.00.
    assert (
        total(
            cancelled_on=date(2026, 3, 3), declared_loss=Decimal(120), cancelled_by_interpreter=True
        )
        == "0.00"
    )


def test_vat_on_top_where_she_is_liable():
    # 1 h × 93 = 93.00 + 10 km × 0.42 = 4.20 → net 97.20; 19 % = 18.468 → 18.47; 115.67.
    fee = fee_compute(assignment(km=Decimal(10), vat_liable=True))
    assert f"{fee.total:.2f}" == "115.67"
    assert fee.lines[-1].code == "vat" and fee.lines[-1].amount == Decimal("18.47")


def test_rail_fares_and_parking_from_receipts():
    # 09:00–09:20 = 20 min → 0.5 h × 93 = 46.50; rail 23.80 + parking 4.50 → 74.80.
    receipts = (
        Receipt(kind="rail", amount=Decimal("23.80")),
        Receipt(kind="parking", amount=Decimal("4.50")),
    )
    assert total(end="09:20", receipts=receipts) == "74.80"


def test_kilometres_are_rounded_once_to_the_cent():
    # 1 h × 93 = 93.00; 33.3 km × 0.42 = 13.986 → 13.99; 106.99.
    assert total(km=Decimal("33.3")) == "106.99"


@pytest.mark.parametrize(
    "changes",
    [
        {"travel_before_minutes": 23 * 60 + 1},  # 09:00–10:00 with 23 h 01 min travel: 24 h 1 min
        {"km": Decimal(-1)},
        {"waiting_minutes": -5},
        {"receipts": (Receipt(kind="rail", amount=Decimal(-1)),)},
        {"engaged_on": date(2019, 1, 1)},  # no rate in force
    ],
)
def test_bad_input_is_refused_with_a_message(changes):
    with pytest.raises(FeeInputError) as refusal:
        fee_compute(assignment(**changes))
    assert refusal.value.message


def test_every_line_reads_in_words():
    with translation.override("en"):
        fee = fee_compute(
            assignment(start="22:00", end="01:00", km=Decimal(12), unfavourable_time_necessary=True)
        )
        texts = [line.text() for line in fee.lines]
        assert texts[0].startswith(
            "Time with travel and waiting: 180 minutes, billed as 3 hours; 1 hours × 93.00 €"
        )
        assert "111.60" in texts[1] and "+20 %" in texts[1]
        assert texts[2] == "Travel by car: 12 km × 0.42 €"


def test_billed_hours_rule():
    assert [billed_hours(m) for m in (0, 1, 30, 31, 60, 61, 90, 91)] == [
        Decimal(0),
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal(1),
        Decimal(1),
        Decimal("1.5"),
        Decimal("1.5"),
        Decimal(2),
    ]
