"""Daily roll-ups computed from what the offices record (tickets, their call events, desk
sessions, appointments): anonymous rows per office, day, queue, service and client language
(`DailyFigure`), the desks' open minutes per hour (`DeskDay`), and every 15 minutes the days
until the next free appointment per service (`FreeDaySample`). Recomputing a day replaces its
rows, so it may run again at any time; the scheduled tick rolls up each closed day once and the
dashboard rolls up today on demand. How each figure is counted: docs/insights.md."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Min, Q
from django_scopes import scopes_disabled

from schalter.appointments.models import Appointment, OfficeService, Status
from schalter.appointments.selectors import free_times
from schalter.insights.histograms import histogram_of
from schalter.insights.models import DailyFigure, DeskDay, FreeDaySample
from schalter.insights.part_rollups import (
    interpreters_day_rollup,
    parts_day_rollup,
    parts_first_day,
)
from schalter.insights.reroll import due_done, due_release, dues_claim
from schalter.offices.localtime import local_date, local_midnight, local_time
from schalter.offices.models import Office
from schalter.visits.models import CallEvent, CallKind, DeskSession, Ticket, TicketState

# How far ahead an appointment was booked, in days from booking to the appointment's day.
LEAD_BUCKETS = ((0, 1, "0-1"), (2, 7, "2-7"), (8, 30, "8-30"), (31, None, "31+"))
BOOKED_STATES = (Status.CONFIRMED, Status.ARRIVED, Status.NO_SHOW, Status.CANCELLED)
SAMPLE_MINUTES = 15
BACKFILL_DAYS = 400  # a first run rolls up at most this far back …
DAYS_PER_TICK = 31  # … a few weeks per tick, so that a tick stays short


def lead_bucket(days: int) -> str:
    for low, high, name in LEAD_BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return LEAD_BUCKETS[0][2]  # booked "after" the day: a staff correction; counts as short


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from start to end (rounded down), never below 0."""
    return max(0, int((end - start).total_seconds() // 60))


def waiting_minutes(ticket: Ticket, booked_start: datetime | None) -> int | None:
    """Call minus the later of arrival and booked start: an appointment that came early waits
    from its booked start, a late one from its arrival. Only the first call counts: time parked
    or waiting again after a transfer is part of the visit (docs/insights.md)."""
    if ticket.first_called_at is None:
        return None
    begins = max(ticket.created_at, booked_start) if booked_start else ticket.created_at
    return minutes_between(begins, ticket.first_called_at)


class _Row:
    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)
        self.values: dict[str, list[int]] = defaultdict(list)
        self.leads: dict[str, list[str]] = defaultdict(list)
        self.hours: list[int] = []


def _last_calls(office: Office, ticket_ids: list[int]) -> dict[int, list[datetime]]:
    calls: dict[int, list[datetime]] = defaultdict(list)
    for ticket_id, at in (
        CallEvent.objects.filter(
            office=office, ticket_id__in=ticket_ids, kind__in=(CallKind.CALL, CallKind.RECALL)
        )
        .order_by("at")
        .values_list("ticket_id", "at")
    ):
        calls[ticket_id].append(at)
    return calls


def _desk_minutes(office: Office, day: date, now: datetime) -> dict[str, int]:
    begins, ends = local_midnight(office, day), local_midnight(office, day + timedelta(days=1))
    minutes: dict[int, int] = defaultdict(int)
    sessions = DeskSession.objects.filter(office=office, started_at__lt=ends).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=begins)
    )
    for started, ended in sessions.values_list("started_at", "ended_at"):
        moment = max(started, begins)
        stop = min(ended or now, ends, now)
        while moment < stop:  # hour by hour in local time, right across a clock change
            hour_start = local_time(office, moment).replace(minute=0, second=0, microsecond=0)
            following = hour_start + timedelta(hours=1)
            step_end = min(stop, following)
            minutes[local_time(office, moment).hour] += minutes_between(moment, step_end)
            moment = step_end
    return {str(hour): count for hour, count in sorted(minutes.items()) if count}


def day_rollup(*, office: Office, day: date, now: datetime) -> int:
    """Compute (again) one office's day; returns how many figure rows it has."""
    begins, ends = local_midnight(office, day), local_midnight(office, day + timedelta(days=1))
    rows: dict[tuple[int | None, int | None, str], _Row] = defaultdict(_Row)
    with scopes_disabled():
        tickets = list(Ticket.objects.filter(office=office, day=day).select_related("appointment"))
        calls = _last_calls(office, [t.pk for t in tickets])
        with_ticket = set()
        for ticket in tickets:
            appointment = ticket.appointment
            row = rows[(ticket.group_id, ticket.service_id, ticket.language)]
            row.counts["tickets"] += 1
            row.hours.append(local_time(office, ticket.created_at).hour)
            if appointment is None:
                row.counts["walk_ins"] += 1
            else:
                with_ticket.add(appointment.pk)
            waited = waiting_minutes(ticket, appointment.start if appointment else None)
            if waited is not None:
                row.values["waiting"].append(waited)
            if ticket.started_at is not None:
                before = [at for at in calls.get(ticket.pk, ()) if at <= ticket.started_at]
                if before:
                    row.values["way"].append(minutes_between(before[-1], ticket.started_at))
            if ticket.state == TicketState.DONE:
                row.counts["served"] += 1
                if ticket.started_at and ticket.finished_at:
                    row.values["service_time"].append(
                        minutes_between(ticket.started_at, ticket.finished_at)
                    )
            elif ticket.state == TicketState.MISSED:
                row.counts["missed"] += 1
            if ticket.predicted_wait_minutes is not None and ticket.first_called_at:
                waited_all = minutes_between(ticket.created_at, ticket.first_called_at)
                row.values["estimate_error"].append(waited_all - ticket.predicted_wait_minutes)
        appointments = Appointment.objects.filter(
            office=office, start__gte=begins, start__lt=ends, status__in=BOOKED_STATES
        ).select_related("ticket")
        for appointment in appointments:
            ticket = getattr(appointment, "ticket", None)
            if ticket is not None:
                key = (ticket.group_id, ticket.service_id, ticket.language)
            else:
                key = (None, appointment.service_id, appointment.language)
            row = rows[key]
            lead = lead_bucket((day - local_date(office, appointment.created_at)).days)
            row.counts["booked"] += 1
            row.leads["booked_by_lead"].append(lead)
            if appointment.status == Status.CANCELLED:
                row.counts["cancelled"] += 1
                row.leads["cancelled_by_lead"].append(lead)
            elif ticket is not None or appointment.status == Status.ARRIVED:
                row.counts["arrived"] += 1
                if ticket is not None and ticket.created_at > appointment.start:
                    row.counts["late"] += 1
                    row.values["lateness"].append(
                        minutes_between(appointment.start, ticket.created_at)
                    )
            elif appointment.status == Status.NO_SHOW or appointment.end <= now:
                row.counts["no_shows"] += 1
                row.leads["no_shows_by_lead"].append(lead)
        desk_minutes = _desk_minutes(office, day, now)
    figures = [
        DailyFigure(
            office=office,
            day=day,
            group_id=group_id,
            service_id=service_id,
            language=language,
            **row.counts,
            **{name: histogram_of(values) for name, values in row.values.items()},
            **{name: dict(sorted(_count(leads).items())) for name, leads in row.leads.items()},
            issued_by_hour=histogram_of(row.hours),
        )
        for (group_id, service_id, language), row in rows.items()
    ]
    with transaction.atomic():
        DailyFigure.objects.filter(office=office, day=day).delete()
        DailyFigure.objects.bulk_create(figures)
        DeskDay.objects.update_or_create(
            office=office,
            day=day,
            defaults={"desk_minutes_by_hour": desk_minutes, "rolled_at": now},
        )
        parts_day_rollup(office=office, day=day)  # callbacks and interpreters
    return len(figures)


TODAY_FRESH_SECONDS = 60


def today_rollup(*, office: Office, now: datetime) -> None:
    """Today rolled up on demand, at most once a minute: a dashboard opened again and again (or
    by several leads) reads the same roll-up rather than recomputing the day each time."""
    fresh = DeskDay.objects.filter(
        office=office,
        day=local_date(office, now),
        rolled_at__gt=now - timedelta(seconds=TODAY_FRESH_SECONDS),
        rolled_at__lte=now,
    )
    if not fresh.exists():
        day_rollup(office=office, day=local_date(office, now), now=now)


def _count(names: list[str]) -> dict[str, int]:
    counted: dict[str, int] = defaultdict(int)
    for name in names:
        counted[name] += 1
    return counted


def closed_days_rollup(*, office: Office, now: datetime) -> int:
    """Roll up the office's closed days not rolled up yet (a few weeks per call, oldest first);
    returns how many days it rolled up."""
    today = local_date(office, now)
    first = _first_open_day(office, today)
    if first is None:
        with scopes_disabled():
            earliest = Ticket.objects.filter(office=office).aggregate(day=Min("day"))["day"]
            booked = Appointment.objects.filter(office=office).aggregate(at=Min("start"))["at"]
        # Appointments, callbacks and interpreting count too: an office may have them before
        # any ticket (no-shows and cancellations are figures of their own).
        first_booked = local_date(office, booked) if booked is not None else None
        starts = [day for day in (earliest, first_booked, parts_first_day(office)) if day]
        if not starts:
            return 0
        first = max(min(starts), today - timedelta(days=BACKFILL_DAYS))
    days = 0
    day = first
    while day < today and days < DAYS_PER_TICK:
        day_rollup(office=office, day=day, now=now)
        day += timedelta(days=1)
        days += 1
    return days


def _first_open_day(office: Office, today: date) -> date | None:
    """The day after the last one rolled up once it had closed. A day the dashboard rolled up
    on demand while it was still open is rolled up again (what happened after, callbacks
    closed in the evening included, would be missing otherwise). None: nothing rolled up yet."""
    first = None
    recent = DeskDay.objects.filter(office=office, day__lt=today).order_by("-day")
    for day, rolled_at in recent.values_list("day", "rolled_at")[:DAYS_PER_TICK]:
        if rolled_at >= local_midnight(office, day + timedelta(days=1)):
            return day + timedelta(days=1)
        first = day
    return first


def sample_time(now: datetime) -> datetime:
    """The quarter hour a sample taken now belongs to."""
    return now.replace(minute=now.minute - now.minute % SAMPLE_MINUTES, second=0, microsecond=0)


def free_days_sample(*, office: Office, now: datetime) -> int:
    """Days until the next free online appointment of each offered service, once per quarter
    hour (a repeated call in the same quarter adds nothing); returns the rows added."""
    at = sample_time(now)
    if FreeDaySample.objects.filter(office=office, sampled_at=at).exists():
        return 0
    today = local_date(office, now)
    with scopes_disabled():
        offers = list(
            OfficeService.objects.filter(office=office, enabled=True, bookable_online=True)
        )
    samples = []
    for offered in offers:
        free = free_times(office, offered, today, now=now)
        days = (local_date(office, free[0].start) - today).days if free else None
        samples.append(
            FreeDaySample(office=office, service_id=offered.service_id, sampled_at=at, days=days)
        )
    FreeDaySample.objects.bulk_create(samples, ignore_conflicts=True)
    return len(samples)


def dues_rollup(*, office: Office, now: datetime) -> int:
    """Roll up again the office's closed days that changed after their roll-up (a report filed
    late: insights/reroll.py); returns how many it rolled up. A day not rolled up yet waits for
    its first roll-up (rolling it here first would end the backfill of the days before it,
    `_first_open_day`), unless it lies beyond the backfill and never will be."""
    dues = dues_claim(office=office, now=now)
    rolled = set(
        DeskDay.objects.filter(office=office, day__in=[due.day for due in dues]).values_list(
            "day", flat=True
        )
    )
    oldest = local_date(office, now) - timedelta(days=BACKFILL_DAYS)
    again = 0
    for due in dues:
        if due.day not in rolled and due.day >= oldest:
            due_release(due)
            continue
        if due.day in rolled:
            if due.kind == "interpreters":
                interpreters_day_rollup(office=office, day=due.day)
            else:  # "visits": tickets and appointments, and with them the whole day
                day_rollup(office=office, day=due.day, now=now)
            again += 1
        due_done(due)
    return again


def insights_tick(*, office: Office, now: datetime) -> int:
    """What the scheduled tick runs for insights, per office: closed days rolled up, closed days
    that changed since rolled up again, and the free-days sample. (Erasing personal data keeps
    what the roll-ups read: tickets and appointments keep their times and states.) Returns how
    many days were rolled up."""
    rolled = closed_days_rollup(office=office, now=now)
    rolled += dues_rollup(office=office, now=now)
    free_days_sample(office=office, now=now)
    return rolled


def insights_minute(*, now: datetime) -> str:
    """The insights' share of the minute's tick (offices/ticks.py), for every office."""
    rolled = sum(insights_tick(office=office, now=now) for office in Office.objects.all())
    return f"{rolled} days rolled up"
