"""A new office from a template: the services it offers from the shared catalogue (with durations
and booking windows), its walk-in queues and its booking policy, copied from an existing office
or from the built-in template (every catalogue service, one queue for all). The copy goes through
each app's own services, so every row is audited in the new office; nothing of the template
office's clients, staff, desks or hours is copied.

It lives in the staff audience because it spans offices, appointments and visits, which do not
know each other from below."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import Actor
from schalter.appointments.models import BookingPolicy, OfficeService
from schalter.appointments.services import office_service_set
from schalter.catalog.models import Service
from schalter.offices import services as office_services
from schalter.offices.models import Office
from schalter.visits.models import ServiceGroup
from schalter.visits.services import service_group_create

BUILT_IN = "built-in"
# The booking policy's fields a template passes on (not the office it belongs to).
POLICY_FIELDS = tuple(
    field.name
    for field in BookingPolicy._meta.concrete_fields
    if field.name not in {"id", "office"}
)
OFFER_FIELDS = (
    "enabled",
    "max_persons",
    "bookable_online",
    "booking_window_start_days",
    "booking_window_end_days",
    "urgency",
)


@dataclass(frozen=True)
class NewOffice:
    slug: str
    name: str
    street: str
    postcode: str
    city: str
    phone: str
    email: str


def _offers_of(template: Office | None) -> list[tuple[Service, int, dict[str, Any]]]:
    if template is None:
        return [(s, s.default_duration_minutes, {}) for s in Service.objects.order_by("slug")]
    with scope(office=template):
        offered = OfficeService.objects.filter(office=template).select_related("service")
        return [
            (o.service, o.duration_minutes, {f: getattr(o, f) for f in OFFER_FIELDS})
            for o in offered
        ]


def _groups_of(template: Office | None) -> list[dict[str, Any]]:
    if template is None:
        return [
            {
                "name": {"de": "Allgemein", "en": "General"},
                "prefix": "A",
                "services": list(Service.objects.order_by("slug")),
            }
        ]
    with scope(office=template):
        return [
            {
                "name": dict(group.name),
                "prefix": group.prefix,
                "services": list(group.services.all()),
                "walk_ins_allowed": group.walk_ins_allowed,
                "daily_walk_in_quota": group.daily_walk_in_quota,
                "waiting_zone": dict(group.waiting_zone or {}),
                "notify_when_ahead": group.notify_when_ahead,
                "position": group.position,
            }
            for group in ServiceGroup.objects.filter(office=template).prefetch_related("services")
        ]


@transaction.atomic
def office_from_template(*, new: NewOffice, template: Office | None, acting_user: Actor) -> Office:
    office = office_services.office_create(
        slug=new.slug,
        name={"de": new.name},
        street=new.street,
        postcode=new.postcode,
        city=new.city,
        phone=office_services.phone_normalise(new.phone),
        email=new.email,
        parts=list(template.parts) if template is not None else None,
        acting_user=acting_user,
    )
    if template is not None:
        with scopes_disabled():
            policy = BookingPolicy.objects.filter(office=template).first()
            if policy is not None:
                BookingPolicy.objects.filter(office=office).update(
                    **{name: getattr(policy, name) for name in POLICY_FIELDS}
                )
    for service, duration, options in _offers_of(template):
        office_service_set(
            office=office,
            service=service,
            duration_minutes=duration,
            acting_user=acting_user,
            **options,
        )
    for group in _groups_of(template):
        service_group_create(office=office, acting_user=acting_user, **group)
    return office
