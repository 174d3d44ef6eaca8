"""The waiting list: freed times are offered to waiting clients in a fixed, documented order
(urgent first, then first come), each offer held for a limited time (docs/waitlist.md)."""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import translation
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments import selectors
from schalter.appointments.errors import AlreadyBooked, AlreadyWaiting, BookingError
from schalter.appointments.identity import name_clean, normalise_email
from schalter.appointments.models import (
    Status,
    Urgency,
    WaitlistEntry,
    WaitlistStatus,
)
from schalter.appointments.selectors import policy_of
from schalter.appointments.services import appointment_book
from schalter.catalog.models import Service
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Office

MISSED_OFFERS_ALLOWED = 2  # then the entry ends, so one silent client cannot block the queue


def waitlist_join(
    *,
    office: Office,
    service: Service,
    name: str,
    email: str,
    language: str,
    permit_expires: date | None,
    now: datetime,
    acting_user: Actor,
) -> WaitlistEntry:
    if selectors.offered_service(office, service.pk) is None:
        raise BookingError(field="service")
    name = name_clean(name)
    email_key = normalise_email(email)
    policy = policy_of(office)
    today = local_date(office, now)
    urgent = permit_expires is not None and permit_expires <= today + timedelta(
        days=policy.waitlist_urgent_days
    )
    try:
        with transaction.atomic(), scope(office=office):
            entry = WaitlistEntry.objects.create(
                office=office,
                service=service,
                name=name,
                email=email.strip(),
                email_normalised=email_key,
                language=language,
                permit_expires=permit_expires,
                urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
                created_at=now,
            )
            audit_record(
                office=office,
                acting_user=acting_user,
                action="appointments.waitlist.joined",
                target=entry,
                data={"urgent": urgent},
            )
    except IntegrityError as error:
        raise AlreadyWaiting(field="email") from error
    return entry


def waiting_in_order(office: Office, service: Service | None = None) -> list[WaitlistEntry]:
    """Who is offered next: urgent before normal; among equals, whoever let fewer offers run
    out, then earlier before later."""
    with scope(office=office):
        entries = WaitlistEntry.objects.filter(office=office, status=WaitlistStatus.WAITING)
        if service is not None:
            entries = entries.filter(service=service)
        return list(
            entries.select_related("service").order_by(
                "-urgency", "offers_missed", "created_at", "id"
            )
        )


def _settle_offers(office: Office, now: datetime) -> None:
    """Offers that ran out go back to waiting (or end after too many misses)."""
    with scope(office=office):
        offered = WaitlistEntry.objects.filter(office=office, status=WaitlistStatus.OFFERED)
        for entry in offered.select_related("appointment"):
            appointment = entry.appointment
            if appointment is not None and appointment.status == Status.CONFIRMED:
                entry.status = WaitlistStatus.BOOKED
            elif (
                appointment is None
                or appointment.status != Status.PENDING
                or (appointment.hold_expires_at and appointment.hold_expires_at < now)
            ):
                if appointment is not None and appointment.status == Status.PENDING:
                    appointment.status = Status.EXPIRED
                    appointment.save(update_fields=["status"])
                entry.offers_missed += 1
                entry.status = (
                    WaitlistStatus.EXPIRED
                    if entry.offers_missed >= MISSED_OFFERS_ALLOWED
                    else WaitlistStatus.WAITING
                )
            else:
                continue
            entry.save(update_fields=["status", "offers_missed"])


def waitlist_offer_freed(*, office: Office, now: datetime, acting_user: Actor) -> int:
    """Offer the earliest free time of each service to the next waiting client. Returns how
    many offers went out."""
    _settle_offers(office, now)
    policy = policy_of(office)
    hold = timedelta(minutes=policy.waitlist_offer_minutes)
    offers = 0
    for offered in selectors.offered_services(office):
        queue = waiting_in_order(office, offered.service)
        if not queue:
            continue
        today = local_date(office, now)
        free = selectors.free_times(office, offered, today, now=now, cached=False)
        for entry, time in zip(queue, free, strict=False):
            offer_until = now + hold
            with translation.override(entry.language):
                extra = {"offer_until": local_time(office, offer_until)}
            try:
                booked = appointment_book(
                    office=office,
                    service=offered.service,
                    start=time.start,
                    name=entry.name,
                    email=entry.email,
                    language=entry.language,
                    now=now,
                    hold=hold,
                    notice="waitlist_offer",
                    notice_extra=extra,
                    acting_user=acting_user,
                )
            except AlreadyBooked:
                entry.status = WaitlistStatus.EXPIRED
                entry.save(update_fields=["status"])
                continue
            except BookingError:
                break  # the time went meanwhile; the next run tries again
            entry.status = WaitlistStatus.OFFERED
            entry.appointment = booked.appointment
            entry.save(update_fields=["status", "appointment"])
            offers += 1
    return offers


@transaction.atomic
def waitlist_entry_update(
    *,
    entry: WaitlistEntry,
    urgency: int | None = None,
    withdraw: bool = False,
    acting_user: Actor,
) -> WaitlistEntry:
    """Staff tune the list: raise or lower urgency, or take someone off it."""
    if urgency is not None:
        entry.urgency = urgency
    if withdraw:
        entry.status = WaitlistStatus.WITHDRAWN
    entry.save(update_fields=["urgency", "status"])
    audit_record(
        office=entry.office,
        acting_user=acting_user,
        action="appointments.waitlist.updated",
        target=entry,
        data={"urgency": entry.urgency, "status": entry.status},
    )
    return entry
