"""Reads for appointments: free times, always scoped to an office."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from schalter.appointments import slots
from schalter.appointments.capabilities import link_opens
from schalter.appointments.codes import code_normalise
from schalter.appointments.errors import TokenInvalid
from schalter.appointments.models import (
    Appointment,
    BookingPolicy,
    Channel,
    LinkPurpose,
    OfficeService,
    Seat,
)
from schalter.appointments.parts import BOOKING
from schalter.appointments.seats import channels_for, free_seat_q
from schalter.catalog.models import Service
from schalter.catalog.selectors import office_wording_apply
from schalter.offices.localtime import local_date, local_midnight
from schalter.offices.models import SLUG_PATTERN, Office
from schalter.offices.parts import uses

# Availability may be this many seconds old: a booking still checks under lock.
AVAILABILITY_CACHE_SECONDS = 1
# The booking API keeps an office's offer (office, service, booking policy) this long per
# process, a third of a booking's work otherwise. A change is seen at once by the process that
# saved it and at most this late by the others; seats are never read from it (they decide
# under lock), so it cannot overbook.
OFFER_CACHE_SECONDS = 5
_offer_generation = 0


@dataclass(frozen=True)
class FreeTime:
    start: datetime
    available: int


def policy_of(office: Office) -> BookingPolicy:
    """The office's booking policy, read afresh (created with the office: `services.offer`)."""
    return BookingPolicy.objects.get(office_id=office.pk)


def _by_code(code: str) -> Appointment | None:
    with scopes_disabled():  # a capability link names no office; the code is unique
        return (
            Appointment.objects.filter(code=code_normalise(code))
            .select_related("office", "service")
            .first()
        )


def appointment_by_token(
    *, code: str, manage_token: str, now: datetime | None = None
) -> Appointment:
    """The appointment a manage link opens, until it has passed; the same error for a wrong
    code or token (`capabilities.link_opens`)."""
    appointment = _by_code(code)
    if appointment is None or not link_opens(
        appointment=appointment,
        purpose=LinkPurpose.MANAGE,
        token=manage_token,
        now=now or timezone.now(),
    ):
        raise TokenInvalid
    return appointment


def appointment_by_confirm_token(
    *, code: str, confirm_token: str, now: datetime | None = None
) -> Appointment:
    """The appointment an unused confirmation link opens (`appointment_confirm` spends it)."""
    appointment = _by_code(code)
    if appointment is None or not link_opens(
        appointment=appointment,
        purpose=LinkPurpose.CONFIRM,
        token=confirm_token,
        now=now or timezone.now(),
    ):
        raise TokenInvalid
    return appointment


def offer_is_open(offered: OfficeService | None, channel: str | None = Channel.ONLINE) -> bool:
    """The one rule of whether an office's offer of a service can be used: it is enabled, and
    for clients booking online (`channel` ONLINE) it is bookable online in an office that uses
    online booking (offices/parts.py). `channel=None`: offered
    at all (its page, its flyer, staff booking by phone)."""
    return (
        offered is not None
        and offered.enabled
        and (
            channel != Channel.ONLINE or (offered.bookable_online and uses(offered.office, BOOKING))
        )
    )


def _open_offers(office: Office, channel: str | None) -> QuerySet[OfficeService]:
    """`offer_is_open` as a query (keep the two in step: tests/appointments/test_offers.py)."""
    offers = OfficeService.objects.filter(office=office, enabled=True)
    if channel == Channel.ONLINE:
        if not uses(office, BOOKING):
            return offers.none()
        offers = offers.filter(bookable_online=True)
    return offers.select_related("service", "office")


def offered_services(office: Office, *, online_only: bool = True) -> list[OfficeService]:
    """The office's open offers (`offer_is_open`), online-bookable ones only unless told, each
    service in the office's own wording."""
    with scope(office=office):
        offers = list(_open_offers(office, Channel.ONLINE if online_only else None))
    office_wording_apply(office, [offered.service for offered in offers])
    return offers


def offer_of(
    office: Office,
    *,
    service_id: int | None = None,
    service_slug: str | None = None,
    channel: str | None = Channel.ONLINE,
) -> OfficeService | None:
    """The office's open offer (`offer_is_open`) of one service, by the service's id or slug,
    with the service in the office's own wording; None when the office does not offer it
    that way."""
    lookup: dict[str, object] = {}
    if service_id is not None:
        lookup["service_id"] = service_id
    if service_slug is not None:
        lookup["service__slug"] = service_slug
    if not lookup:
        raise TypeError("offer_of needs service_id or service_slug")
    with scope(office=office):
        offered = _open_offers(office, channel).filter(**lookup).first()
    if offered is not None:
        office_wording_apply(office, [offered.service])
    return offered


def offer_get(
    office: Office, *, service_slug: str, channel: str | None = Channel.ONLINE
) -> OfficeService:
    """`offer_of` by slug for a page: 404 when the office does not offer the service so."""
    offered = offer_of(office, service_slug=service_slug, channel=channel)
    if offered is None:
        raise Http404
    return offered


def offered_service(office: Office, service_id: int) -> OfficeService | None:
    """The office's offer of a service, bookable online or not (kept name: `offer_of`)."""
    return offer_of(office, service_id=service_id, channel=None)


def offered_for_booking(office_slug: str, service_id: int) -> OfficeService | None:
    """An office's offer of a service, found by the office's slug, with the office, the service
    and the booking policy: all the booking API reads before it books. Disabled offers are
    returned too (the booking refuses them). Kept OFFER_CACHE_SECONDS per process (see there)."""
    if len(office_slug) > 40 or not re.fullmatch(SLUG_PATTERN, office_slug):
        return None  # no office has such a name; and it never becomes a cache key
    key = f"offer:{_offer_generation}:{office_slug}:{service_id}"
    kept = cache.get(key)
    if kept is not None:
        return kept or None
    with scopes_disabled():  # scoped by the slug in the query itself
        offered = (
            OfficeService.objects.filter(office__slug=office_slug, service_id=service_id)
            .select_related("office", "service", "office__booking_policy")
            .first()
        )
    cache.set(key, offered or False, OFFER_CACHE_SECONDS)
    return offered


def offer_cache_clear(**_signal: object) -> None:
    """Forget every kept offer of this process (connected to the saves of offers, offices,
    services and booking policies)."""
    global _offer_generation
    _offer_generation += 1


def free_times(
    office: Office,
    offered: OfficeService,
    first_day: date,
    last_day: date = date.max,
    *,
    now: datetime,
    persons: int = 1,
    channel: str = Channel.ONLINE,
    cached: bool = True,
) -> list[FreeTime]:
    """Start times at which the whole service (all its consecutive units) fits, with how many
    more bookings would fit there, inside the booking window (to its end when no `last_day` is
    given). `cached`: the answer may be up to AVAILABILITY_CACHE_SECONDS old (False for a caller
    that keeps its own answer that long or must see its own change at once)."""
    if not cached:
        return _free_times(
            office, offered, first_day, last_day, now=now, persons=persons, channel=channel
        )
    key = f"free:{office.pk}:{offered.service_id}:{first_day}:{last_day}:{persons}:{channel}"
    kept = cache.get(key)
    if kept is not None:  # kept a little while: the times that have begun since are no choice
        return [free for free in kept if free.start > now]
    result = _free_times(
        office, offered, first_day, last_day, now=now, persons=persons, channel=channel
    )
    cache.set(key, result, AVAILABILITY_CACHE_SECONDS)
    return result


def _free_times(
    office: Office,
    offered: OfficeService,
    first_day: date,
    last_day: date,
    *,
    now: datetime,
    persons: int,
    channel: str,
) -> list[FreeTime]:
    today = local_date(office, now)
    first_day = max(first_day, today + timedelta(days=offered.booking_window_start_days))
    last_day = min(last_day, today + timedelta(days=offered.booking_window_end_days))
    if first_day > last_day:
        return []
    unit = policy_of(office).slot_minutes
    needed = slots.units_needed(
        duration_minutes=offered.duration_minutes, persons=persons, unit_minutes=unit
    )
    window_start = local_midnight(office, first_day)
    window_end = local_midnight(office, last_day + timedelta(days=1))
    with scope(office=office):
        rows = (
            Seat.objects.filter(
                free_seat_q(now),
                office=office,
                channel__in=channels_for(channel),
                rule__services=offered.service_id,
                start__gte=window_start,
                start__lt=window_end,
            )
            .values("start")
            .annotate(free=Count("id", distinct=True))
            .order_by("start")
        )
        free_by_start = {row["start"]: row["free"] for row in rows}
    step = timedelta(minutes=unit)
    result = []
    for start, free in free_by_start.items():
        if start <= now:
            continue
        fits = min([free] + [free_by_start.get(start + step * i, 0) for i in range(1, needed)])
        if fits > 0:
            result.append(FreeTime(start, fits))
    return result


def earliest_by_day(times: list[FreeTime], office: Office) -> dict[date, list[FreeTime]]:
    days: dict[date, list[FreeTime]] = defaultdict(list)
    for free in times:
        days[local_date(office, free.start)].append(free)
    return dict(days)


def service_by_id(service_id: int) -> Service | None:
    return Service.objects.filter(pk=service_id).first()
