"""Availability rules and the seats they make: adding a rule, generating its seats day by day,
and ending a rule without dropping what is booked."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import OperationalError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_scopes import scope, scopes_disabled

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import calendar_selectors, slots
from schalter.appointments.errors import Busy, PlanningError
from schalter.appointments.models import AvailabilityRule, Channel, Seat
from schalter.appointments.seats import unheld_seat_q
from schalter.appointments.selectors import policy_of
from schalter.catalog.models import Service
from schalter.locks import bounded_lock_wait
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_date
from schalter.offices.models import Office


@transaction.atomic
def availability_rule_add(
    *,
    office: Office,
    weekday: int,
    start: time,
    end: time,
    capacity_online: int,
    capacity_staff: int,
    services: list[Service],
    valid_from: date,
    valid_until: date | None = None,
    acting_user: Actor,
) -> AvailabilityRule:
    rule = AvailabilityRule(
        office=office,
        weekday=weekday,
        start=start,
        end=end,
        capacity_online=capacity_online,
        capacity_staff=capacity_staff,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    rule.full_clean()
    rule.save()
    rule.services.set(services)
    audit_record(
        office=office,
        acting_user=acting_user,
        action="appointments.rule.added",
        target=rule,
        data={"weekday": weekday, "start": str(start), "end": str(end)},
    )
    return rule


def seats_generate(*, office: Office, first_day: date, last_day: date) -> int:
    """Create the seats of every rule for these days (idempotent); skips holidays and closures.
    Returns how many seats were created. Seats inside a time block are blocked by
    `time_blocks_reapply`, run after this."""
    policy = policy_of(office)
    zone = office.zone
    with scope(office=office):
        rules = list(AvailabilityRule.objects.filter(office=office))
    schedule = office_selectors.week_schedule(
        office, first_day, "de", days=(last_day - first_day).days + 1
    )
    seats = []
    for day in schedule:
        if day.holiday or day.closure:
            continue
        for rule in rules:
            if (
                rule.weekday != day.day.weekday()
                or day.day < rule.valid_from
                or (rule.valid_until and day.day > rule.valid_until)
            ):
                continue
            for start in slots.unit_starts(
                day.day, rule.start, rule.end, policy.slot_minutes, zone
            ):
                released = slots.release_time(
                    day.day,
                    horizon_days=policy.horizon_days,
                    release_hour=policy.release_hour,
                    spread_minutes=policy.release_spread_minutes,
                    zone=zone,
                    salt=f"{rule.pk}:{start.isoformat()}",
                )
                for channel, capacity in (
                    (Channel.ONLINE, rule.capacity_online),
                    (Channel.STAFF, rule.capacity_staff),
                ):
                    seats += [
                        Seat(
                            office=office,
                            rule=rule,
                            start=start,
                            channel=channel,
                            index=index,
                            released_at=released,
                        )
                        for index in range(capacity)
                    ]
    with scopes_disabled():
        created = Seat.objects.bulk_create(seats, ignore_conflicts=True, batch_size=2000)
    return len(created)


@dataclass(frozen=True)
class RuleEnded:
    seats_deleted: int
    seats_kept: int  # booked: their appointments now show as conflicts


def availability_rule_end(
    *, rule: AvailabilityRule, last_day: date, now: datetime, acting_user: Actor
) -> RuleEnded:
    """Let a rule end after last_day. Its free seats after that day go; booked seats stay with
    their appointments, which the conflict list then shows until staff move or cancel them."""
    office = rule.office
    today = local_date(office, now)
    if last_day < today - timedelta(days=1):
        raise PlanningError(_("A rule can end yesterday at the earliest."), field="last_day")
    try:
        with transaction.atomic(), scope(office=office):
            bounded_lock_wait()
            locked = AvailabilityRule.objects.select_for_update().get(pk=rule.pk)
            if locked.valid_until is not None and locked.valid_until <= last_day:
                raise PlanningError(
                    _("This rule already ends on %(day)s.")
                    % {"day": date_format(locked.valid_until, "SHORT_DATE_FORMAT")},
                    field="last_day",
                )
            cutoff = max(
                now, calendar_selectors.day_bounds(office, last_day + timedelta(days=1))[0]
            )
            later = Seat.objects.filter(rule=locked, start__gte=cutoff)
            # Lock them first: a booking that claims one meanwhile either finished (and its
            # seat is kept) or waits and then finds the seat gone.
            list(later.select_for_update().values_list("pk", flat=True))
            _total, by_model = later.filter(unheld_seat_q(now)).delete()
            deleted = by_model.get(Seat._meta.label, 0)
            kept = later.count()
            locked.valid_until = last_day
            locked.save(update_fields=["valid_until"])
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.rule.ended",
                target=locked,
                data={"last_day": last_day.isoformat(), "deleted": deleted, "kept": kept},
            )
    except OperationalError as error:
        raise Busy from error
    rule.refresh_from_db()
    return RuleEnded(deleted, kept)
