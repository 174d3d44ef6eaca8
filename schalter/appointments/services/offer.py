"""An office's offer: which services it books and how, and its booking policy."""

from typing import Any

from django.db import transaction
from django_scopes import scope

from schalter.accounts.services import Actor, audit_record
from schalter.appointments.models import BookingPolicy, OfficeService
from schalter.catalog.models import Service
from schalter.offices.models import Office


@transaction.atomic
def office_service_set(
    *,
    office: Office,
    service: Service,
    duration_minutes: int,
    acting_user: Actor,
    **options: Any,
) -> OfficeService:
    with scope(office=office):
        offered, _ = OfficeService.objects.update_or_create(
            office=office,
            service=service,
            defaults={"duration_minutes": duration_minutes, **options},
        )
    audit_record(
        office=office,
        acting_user=acting_user,
        action="appointments.service.set",
        target=offered,
        data={"service": service.slug, "duration": duration_minutes},
    )
    return offered


def booking_policy_create(
    sender: type[Office], instance: Office, created: bool, raw: bool = False, **_signal: object
) -> None:
    """Every office gets its booking policy (the defaults) when it is set up. Connected to the
    office's post_save in `AppointmentsConfig.ready`: offices sit below appointments and do not
    know them. Fixtures loaded raw bring their own policy."""
    if created and not raw:
        BookingPolicy.objects.get_or_create(office=instance)
