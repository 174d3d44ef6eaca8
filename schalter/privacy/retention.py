"""The retention report for the data-protection officer (issue 13, item 4): per kind of personal
data the office keeps, what it is, how long it is kept, how many records are past that period and
not yet cleared, and when the deletion last ran (offices/retention.py notes every run).

Each app that keeps personal data registers its eraser in offices/retention.py; here every
registered eraser has its kinds described (`KINDS`, a test fails for an eraser without one).
The counts repeat the erasers' own conditions, so they say what the next run will clear (a test
runs the erasers and compares). Counts only: no person is named, so reading it is not audited."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_scopes import scope

from schalter.appointments.models import Appointment, WaitlistEntry, WaitlistStatus
from schalter.appointments.selectors import policy_of
from schalter.callbacks.selectors import callback_policy_of, closed_before, retention_cutoff
from schalter.interpreters.selectors import assignments_due_for_erasure, retention_days_of
from schalter.offices.localtime import local_date
from schalter.offices.models import ErasureRun, Office
from schalter.visits.models import Ticket


@dataclass(frozen=True)
class RetentionRow:
    eraser: str  # the name its app registered its eraser under
    kind: str  # what is kept, in words
    period: str  # how long, in words
    due: int  # records past their period, not yet cleared
    last_run: datetime | None  # when the deletion last ran for this office
    last_cleared: datetime | None  # when it last cleared records of this app
    cleared: int  # how many it cleared then


def _days(days: int) -> str:
    return ngettext(
        "%(days)s day after the appointment",
        "%(days)s days after the appointment",
        days,
    ) % {"days": days}


def _appointments(office: Office, now: datetime) -> list[tuple[Promise | str, str, int]]:
    days = policy_of(office).retention_days
    cutoff = now - timedelta(days=days)
    with scope(office=office):
        appointments = Appointment.objects.filter(
            office=office, end__lt=cutoff, anonymised_at__isnull=True
        ).count()
        entries = (
            WaitlistEntry.objects.filter(office=office, created_at__lt=cutoff)
            .exclude(status__in=(WaitlistStatus.WAITING, WaitlistStatus.OFFERED))
            .count()
        )
    return [
        (_("Appointments: name, e-mail address and phone number"), _days(days), appointments),
        (
            _("Closed waiting-list entries"),
            ngettext(
                "%(days)s day after the entry was made",
                "%(days)s days after the entry was made",
                days,
            )
            % {"days": days},
            entries,
        ),
    ]


def _visits(office: Office, now: datetime) -> list[tuple[Promise | str, str, int]]:
    with scope(office=office):
        due = (
            Ticket.objects.filter(office=office, day__lt=local_date(office, now))
            .exclude(notify_phone="", note="")
            .count()
        )
    return [
        (
            _("Tickets: the number for the text message and staff's note"),
            str(_("Until the day after the visit")),
            due,
        )
    ]


def _callbacks(office: Office, now: datetime) -> list[tuple[Promise | str, str, int]]:
    days = callback_policy_of(office).retention_days
    due = closed_before(office, retention_cutoff(office, now)).count()
    return [
        (
            _("Callbacks: the recorded message, the caller's number and name, notes of calls"),
            ngettext(
                "%(days)s day after the callback was closed",
                "%(days)s days after the callback was closed",
                days,
            )
            % {"days": days},
            due,
        )
    ]


def _interpreters(office: Office, now: datetime) -> list[tuple[Promise | str, str, int]]:
    with scope(office=office):
        due = assignments_due_for_erasure(office, now).count()
    return [
        (
            _("Interpreting: the client's first name and the phone number or video link"),
            _days(retention_days_of(office)),
            due,
        )
    ]


# Every registered eraser's kinds of personal data: (what, how long, how many are due).
KINDS: dict[str, Callable[[Office, datetime], list[tuple[Promise | str, str, int]]]] = {
    "appointments": _appointments,
    "visits": _visits,
    "callbacks": _callbacks,
    "interpreters": _interpreters,
}


def retention_report(*, office: Office, now: datetime, erasers: list[str]) -> list[RetentionRow]:
    """One row per kind of personal data the office keeps, for the erasers named (those
    registered in offices/retention.py), in their order."""
    with scope(office=office):
        runs = {run.eraser: run for run in ErasureRun.objects.filter(office=office)}
    rows = []
    for eraser in erasers:
        run = runs.get(eraser)
        for kind, period, due in KINDS[eraser](office, now):
            rows.append(
                RetentionRow(
                    eraser=eraser,
                    kind=str(kind),
                    period=period,
                    due=due,
                    last_run=run.ran_at if run else None,
                    last_cleared=run.cleared_at if run else None,
                    cleared=run.cleared if run else 0,
                )
            )
    return rows
