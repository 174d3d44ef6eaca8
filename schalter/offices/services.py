"""Writes for offices, buildings, desks, hours and closures: one transaction, one audit row."""

from datetime import date, time
from typing import Any

from django.db import transaction
from django_scopes import scope, scopes_disabled

from schalter.accounts.services import Actor, audit_record
from schalter.offices.errors import PartRequirementMissing, PartUnknown
from schalter.offices.models import Closure, Desk, Location, Office, OpeningHours
from schalter.offices.parts import default_parts, missing_for, part_named
from schalter.text import one_line


@transaction.atomic
def office_create(
    *,
    slug: str,
    name: dict[str, str],
    street: str,
    postcode: str,
    city: str,
    phone: str,
    email: str,
    directions: dict[str, str] | None = None,
    languages_served: list[str] | None = None,
    parts: list[str] | None = None,
    acting_user: Actor,
) -> Office:
    """A new office, with the parts given or those every office starts with."""
    office = Office(
        slug=slug,
        name=name,
        street=street,
        postcode=postcode,
        city=city,
        phone=phone,
        email=email,
        directions=directions or {},
        languages_served=languages_served or [],
        parts=default_parts() if parts is None else parts,
    )
    office.full_clean()
    office.save()
    audit_record(
        office=office, acting_user=acting_user, action="offices.office.created", target=office
    )
    return office


@transaction.atomic
def opening_hours_set(
    *, office: Office, weekly: dict[int, list[tuple[time, time]]], acting_user: Actor
) -> None:
    """Replace the office's weekly opening hours: {weekday: [(opens, closes), …]}."""
    with scopes_disabled():
        OpeningHours.objects.filter(office=office).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(office=office, weekday=weekday, opens=opens, closes=closes)
            for weekday, periods in weekly.items()
            for opens, closes in periods
        )
    audit_record(
        office=office,
        acting_user=acting_user,
        action="offices.hours.set",
        target=office,
        data={
            str(day): [[o.isoformat(), c.isoformat()] for o, c in periods]
            for day, periods in weekly.items()
        },
    )


@transaction.atomic
def closure_add(
    *,
    office: Office,
    first_day: date,
    last_day: date,
    reason: dict[str, str],
    acting_user: Actor,
) -> Closure:
    closure = Closure(
        office=office,
        first_day=first_day,
        last_day=last_day,
        reason={language: one_line(text) for language, text in reason.items()},
    )
    closure.full_clean()
    closure.save()
    audit_record(
        office=office,
        acting_user=acting_user,
        action="offices.closure.added",
        target=closure,
        data={"first_day": str(first_day), "last_day": str(last_day)},
    )
    return closure


@transaction.atomic
def closure_remove(*, closure: Closure, acting_user: Actor) -> None:
    audit_record(
        office=closure.office,
        acting_user=acting_user,
        action="offices.closure.removed",
        target=closure,
        data={"first_day": str(closure.first_day)},
    )
    with scopes_disabled():
        closure.delete()


@transaction.atomic
def location_create(
    *,
    office: Office,
    name: dict[str, str],
    street: str,
    lowest_floor: int = 0,
    highest_floor: int = 0,
    step_free: bool = True,
    acting_user: Actor,
) -> Location:
    location = Location(
        office=office,
        name=name,
        street=street,
        lowest_floor=lowest_floor,
        highest_floor=highest_floor,
        step_free=step_free,
    )
    location.full_clean()
    location.save()
    audit_record(
        office=office, acting_user=acting_user, action="offices.location.created", target=location
    )
    return location


@transaction.atomic
def desk_create(
    *,
    office: Office,
    location: Location,
    number: int,
    colour: str,
    floor: int = 0,
    room: str = "",
    services: list[Any] | None = None,
    acting_user: Actor,
) -> Desk:
    desk = Desk(
        office=office, location=location, number=number, colour=colour, floor=floor, room=room
    )
    with scope(office=office):  # the unique-number check queries the office's desks
        desk.full_clean()
    desk.save()
    if services:
        desk.services.set(services)
    audit_record(
        office=office,
        acting_user=acting_user,
        action="offices.desk.created",
        target=desk,
        data={"number": number, "colour": colour},
    )
    return desk


@transaction.atomic
def desk_update(*, desk: Desk, changes: dict[str, Any], acting_user: Actor) -> Desk:
    """Apply validated field changes (`services` is a list of services)."""
    services = changes.pop("services", None)
    before = {name: str(getattr(desk, name)) for name in changes}
    for name, value in changes.items():
        setattr(desk, name, value)
    desk.save()
    if services is not None:
        desk.services.set(services)
    audit_record(
        office=desk.office,
        acting_user=acting_user,
        action="offices.desk.updated",
        target=desk,
        data={"before": before, "after": {k: str(v) for k, v in changes.items()}},
    )
    return desk


@transaction.atomic
def office_part_switch(*, office: Office, name: str, on: bool, acting_user: Actor) -> Office:
    """Switch one part of Schalter on or off for the office. On only when nothing it requires
    is missing (PartRequirementMissing says what); off keeps every record. The office row is
    locked, so two admins switching different parts at once both keep their change."""
    part = part_named(name)
    if part is None:
        raise PartUnknown
    locked = Office.objects.select_for_update().get(pk=office.pk)
    if on and (missing := missing_for(locked, part)):
        raise PartRequirementMissing(missing)
    if (name in locked.parts) == on:
        return locked
    locked.parts = [p for p in locked.parts if p != name] + ([name] if on else [])
    locked.save(update_fields=["parts"])
    audit_record(
        office=locked,
        acting_user=acting_user,
        action=f"offices.part.{'switched_on' if on else 'switched_off'}",
        target=locked,
        data={"part": name},
    )
    office.parts = locked.parts
    return locked
