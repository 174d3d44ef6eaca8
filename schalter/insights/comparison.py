"""Offices compared: each is named only where it agreed to be (insights/consent.py), else
"Office A", "Office B", … by a fixed order; groups below the minimum stay suppressed
(dashboard.suppressed). The ministry's view uses the same labels."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from schalter.insights.dashboard import Table, offices_table
from schalter.insights.models import NamingConsent
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


def office_comparison(office: Office, first_day: date, last_day: date, language: str) -> Table:
    """The office's figures beside its own earlier period and beside the other offices (named
    where they agreed, small groups suppressed)."""
    own = offices_table([(_("This office"), office)], first_day, last_day)
    before_first, before_last = earlier_period(first_day, last_day)
    earlier = offices_table(
        [(_("This office, %(first)s to %(last)s") % {
            "first": before_first.isoformat(), "last": before_last.isoformat()
        }, office)],
        before_first,
        before_last,
    )  # fmt: skip
    others = offices_table(
        [(label, o) for label, o in compared_offices(language) if o.pk != office.pk],
        first_day,
        last_day,
    )
    return {
        "caption": _("Compared with the earlier period and the other offices"),
        "header": own["header"],
        "rows": [*own["rows"], *earlier["rows"], *others["rows"]],  # type: ignore[misc]
    }
