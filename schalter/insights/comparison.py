"""Offices compared: each is named only where it agreed to be (insights/consent.py), else
"Office A", "Office B", … by a fixed order; groups below the minimum stay suppressed
(dashboard.suppressed). The ministry's view uses the same labels."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from schalter.insights.dashboard import Table, offices_table, suppressed
from schalter.insights.models import NamingConsent
from schalter.insights.part_figures import (
    money_text,
    offices_callback_figures,
    offices_interpreter_periods,
    share_text,
)
from schalter.insights.selectors import PeriodFigures
from schalter.numbers import day_text, number_text
from schalter.offices import selectors as office_selectors
from schalter.offices.models import Office


def letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA, …"""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def named_office_ids() -> set[int]:
    return set(NamingConsent.objects.filter(named=True).values_list("office_id", flat=True))


def office_labels(offices: list[Office], language: str) -> dict[int, str]:
    """Each office's name where it consented, else its letter (by id: a letter does not move
    when another office consents or a new one comes)."""
    named = named_office_ids()
    labels = {}
    for n, office in enumerate(sorted(offices, key=lambda o: o.pk)):
        labels[office.pk] = (
            office.name_in(language)
            if office.pk in named
            else _("Office %(letter)s") % {"letter": letters(n)}
        )
    return labels


def compared_offices(language: str) -> list[tuple[str, Office]]:
    """Every office with its label, in the order of the labels."""
    offices = list(office_selectors.office_list())
    labels = office_labels(offices, language)
    return sorted(((labels[o.pk], o) for o in offices), key=lambda pair: pair[1].pk)


def earlier_period(first_day: date, last_day: date) -> tuple[date, date]:
    """The period of the same length just before."""
    length = (last_day - first_day).days + 1
    return first_day - timedelta(days=length), first_day - timedelta(days=1)


def office_comparison(
    office: Office,
    first_day: date,
    last_day: date,
    language: str,
    *,
    own: PeriodFigures | None = None,
) -> Table:
    """The office's figures beside its own earlier period and beside the other offices (named
    where they agreed, small groups suppressed). `own`: the office's unfiltered figures of the
    period where the caller has them already (the dashboard without a filter), not read again."""
    others = [(label, o) for label, o in compared_offices(language) if o.pk != office.pk]
    # All offices of the period in one grouped query, the earlier period in one more.
    now = offices_table(
        [(_("This office"), office), *others],
        first_day,
        last_day,
        known={office.pk: own} if own is not None else None,
    )
    before_first, before_last = earlier_period(first_day, last_day)
    earlier = offices_table(
        [(_("This office, %(first)s to %(last)s") % {
            "first": day_text(before_first), "last": day_text(before_last)
        }, office)],
        before_first,
        before_last,
    )  # fmt: skip
    own, *rest = now["rows"]  # type: ignore[misc]
    return {
        "caption": _("Compared with the earlier period and the other offices"),
        "header": now["header"],
        "rows": [own, *earlier["rows"], *rest],  # type: ignore[misc]
    }


# --- The ministry's comparison with the later parts' figures (callbacks, interpreters) ---


def part_header() -> tuple[str, ...]:
    return (
        _("Callbacks closed"),
        _("Reach rate"),
        _("First attempt within the deadline"),
        _("Interpreting hours"),
        _("Interpreting cost"),
        _("Interpreter budget"),
        _("Budget used"),
    )


def offices_part_cells(
    offices: list[Office], first_day: date, last_day: date
) -> dict[int, tuple[object, ...]]:
    """Each office's callback and interpreter figures of the period (read for all offices at
    once), each suppressed below the minimum by the count it is made of; a part the office has
    off shows "not in use" (it did not take part: no zeros)."""
    off = _("not in use")
    all_calls = offices_callback_figures(offices, first_day, last_day)
    periods = offices_interpreter_periods(offices, first_day, last_day)
    cells = {}
    for office in offices:
        calls = all_calls[office.pk]
        if calls is None:
            callbacks: tuple[object, ...] = (off, off, off)
        else:
            counts = calls.counts
            callbacks = (
                suppressed(counts["closed"], counts["closed"]),
                suppressed(share_text(calls.rate("reached", "tried")), counts["tried"]),
                suppressed(share_text(calls.rate("in_time", "timed")), counts["timed"]),
            )
        period = periods[office.pk]
        if period is None:
            interpreting: tuple[object, ...] = (off, off, off, off)
        else:
            n = period.assignments
            interpreting = (
                suppressed(number_text(period.hours, "", 1), n),
                suppressed(money_text(period.cost), n),
                money_text(period.budget),  # what the office entered: no group of people
                suppressed(share_text(period.used_percent), n),
            )
        cells[office.pk] = (*callbacks, *interpreting)
    return cells


def part_cells(office: Office, first_day: date, last_day: date) -> tuple[object, ...]:
    """One office's callback and interpreter figures of the period (`offices_part_cells`)."""
    return offices_part_cells([office], first_day, last_day)[office.pk]


def ministry_table(offices: list[tuple[str, Office]], first_day: date, last_day: date) -> Table:
    """The ministry's comparison (dashboard.offices_table) with each office's callback and
    interpreter figures beside its own (the page, its chart and both exports read it)."""
    table = offices_table(offices, first_day, last_day)
    rows = table["rows"]
    cells = offices_part_cells([office for _label, office in offices], first_day, last_day)
    return {
        **table,
        "header": (*table["header"], *part_header()),  # type: ignore[misc]
        "rows": [
            (*row, *cells[office.pk])
            for row, (_label, office) in zip(rows, offices, strict=True)  # type: ignore[call-overload]
        ],
    }
