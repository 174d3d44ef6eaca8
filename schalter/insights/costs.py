"""What the office's admin enters for the Bilanz's costs (docs/insights.md, "Costs"): the staff
hours of a period as the duty roster has them (normally a month), and the programme's budget for
a period (normally its year). Periods of one kind never overlap within an office, so a day's
hours or budget are counted once; a wrong entry is withdrawn and entered again. Every change is
audited."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.errors import Refusal
from schalter.insights import actions
from schalter.insights.models import ProgrammeBudget, StaffHours
from schalter.locks import bounded_lock_wait
from schalter.numbers import number_text
from schalter.offices.models import Office

# A period covers at most this many days (as the dashboard's and the Bilanz's).
MAX_DAYS = 3 * 366
# More than this many hours a day would be 100 people on duty around the clock: a typing error.
MOST_HOURS_A_DAY = 2400
# A programme budget beyond this is a typing error (the whole programme is far smaller).
MOST_BUDGET = Decimal("100000000")
NOTE_MAX = 200

CostEntry = StaffHours | ProgrammeBudget


class CostRefused(Refusal):
    code = "costs_invalid"


def _checked_period(first_day: date, last_day: date) -> int:
    if last_day < first_day:
        raise CostRefused(_("The end must not be before the start."), field="last_day")
    days = (last_day - first_day).days + 1
    if days > MAX_DAYS:
        raise CostRefused(_("Choose a period of at most three years."), field="last_day")
    return days


def _no_overlap(model: type[CostEntry], office: Office, first_day: date, last_day: date) -> None:
    """Refuse a period that shares a day with one already entered (the office row is locked,
    so two admins cannot enter overlapping periods at once)."""
    bounded_lock_wait()
    Office.objects.select_for_update().filter(pk=office.pk).first()
    clash = (
        model.objects.filter(office=office, first_day__lte=last_day, last_day__gte=first_day)
        .order_by("first_day")
        .first()
    )
    if clash is not None:
        raise CostRefused(
            _(
                "Figures for %(first)s to %(last)s are already entered. Withdraw that entry "
                "first if it is wrong."
            )
            % {
                "first": clash.first_day.strftime("%d.%m.%Y"),
                "last": clash.last_day.strftime("%d.%m.%Y"),
            },
            field="first_day",
        )


def staff_hours_add(
    *,
    office: Office,
    first_day: date,
    last_day: date,
    hours: Decimal,
    note: str = "",
    acting_user: Actor,
    now: datetime,
) -> StaffHours:
    """The hours the office's staff worked from first_day to last_day (both included)."""
    days = _checked_period(first_day, last_day)
    if hours < 0:
        raise CostRefused(_("Hours cannot be negative."), field="hours")
    if hours > days * MOST_HOURS_A_DAY:
        raise CostRefused(
            _("At most %(most)s hours can be entered for %(days)s days.")
            % {"most": days * MOST_HOURS_A_DAY, "days": days},
            field="hours",
        )
    return _entry_save(
        StaffHours(office=office, first_day=first_day, last_day=last_day, entered_at=now,
                   hours=hours.quantize(Decimal("0.1"))),
        note=note, action=actions.STAFF_HOURS_ENTERED, acting_user=acting_user, figure="hours",
    )  # fmt: skip


def programme_budget_add(
    *,
    office: Office,
    first_day: date,
    last_day: date,
    amount: Decimal,
    note: str = "",
    acting_user: Actor,
    now: datetime,
) -> ProgrammeBudget:
    """The programme's budget for the office from first_day to last_day (both included)."""
    _checked_period(first_day, last_day)
    if amount < 0:
        raise CostRefused(_("A budget cannot be negative."), field="amount")
    if amount > MOST_BUDGET:
        raise CostRefused(
            _("At most %(most)s € can be entered.") % {"most": number_text(MOST_BUDGET, places=0)},
            field="amount",
        )
    return _entry_save(
        ProgrammeBudget(office=office, first_day=first_day, last_day=last_day, entered_at=now,
                        amount=amount.quantize(Decimal("0.01"))),
        note=note, action=actions.BUDGET_ENTERED, acting_user=acting_user, figure="amount",
    )  # fmt: skip


def _entry_save[Entry: (StaffHours, ProgrammeBudget)](
    entry: Entry, *, note: str, action: str, acting_user: Actor, figure: str
) -> Entry:
    """Save a checked entry unless it overlaps one of its kind, with its audit row."""
    with transaction.atomic():
        _no_overlap(type(entry), entry.office, entry.first_day, entry.last_day)
        entry.note = " ".join(note.split())[:NOTE_MAX]
        entry.full_clean()
        entry.save()
        audit_record(
            office=entry.office,
            acting_user=acting_user,
            action=action,
            target=entry,
            data={
                "first": entry.first_day.isoformat(),
                "last": entry.last_day.isoformat(),
                figure: str(getattr(entry, figure)),
            },
        )
    return entry


def cost_entry_withdraw(*, office: Office, entry: CostEntry, acting_user: Actor) -> None:
    """Withdraw a wrong entry (the office's own: the caller fetched it with owned_by)."""
    with transaction.atomic():
        action = (
            actions.STAFF_HOURS_WITHDRAWN
            if isinstance(entry, StaffHours)
            else actions.BUDGET_WITHDRAWN
        )
        data = {"first": entry.first_day.isoformat(), "last": entry.last_day.isoformat()}
        audit_record(office=office, acting_user=acting_user, action=action, target=entry, data=data)
        entry.delete()
