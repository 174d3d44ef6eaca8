"""Writes for offices, buildings, desks, hours and closures: one transaction, one audit row."""

import itertools
import secrets
from datetime import date, datetime, time
from typing import Any

import phonenumbers
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scope, scopes_disabled

from schalter.accounts.members import enrolment_mail_send
from schalter.accounts.models import Membership
from schalter.accounts.roles import Role
from schalter.accounts.services import Actor, audit_record, membership_grant, staff_user_create
from schalter.languages import BY_CODE, OTHER_SPOKEN_LANGUAGES
from schalter.offices import audit_actions as actions
from schalter.offices.errors import OfficeDataRefused, PartRequirementMissing, PartUnknown
from schalter.offices.localtime import local_date
from schalter.offices.logo import logo_reencode
from schalter.offices.models import (
    Closure,
    Desk,
    Location,
    Office,
    OpeningHours,
    SpecialHours,
)
from schalter.offices.parts import default_parts, missing_for, part_named
from schalter.text import one_line

# Fields of the office its admin edits in the details form (texts clients read in many
# languages go through the content app's editor instead).
DETAIL_FIELDS = (
    "street",
    "postcode",
    "city",
    "phone",
    "email",
    "languages_served",
    "step_free_access",
    "hearing_loop",
    "accessible_toilet",
)
SPOKEN_LANGUAGES = frozenset(BY_CODE) | frozenset(OTHER_SPOKEN_LANGUAGES)


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
    audit_record(office=office, acting_user=acting_user, action=actions.CREATED, target=office)
    return office


@transaction.atomic
def office_first_admin_assign(*, office: Office, email: str, acting_user: Actor) -> Membership:
    """Make the person with this e-mail address the office's admin. Someone without an account
    gets one without a usable password and a mail with a single-use link to set it and enrol her
    second factor (accounts.members.enrolment_mail_send)."""
    address = email.strip()
    try:
        validate_email(address)
    except ValidationError:
        raise OfficeDataRefused(_("Enter a valid e-mail address."), field="email") from None
    user = User.objects.filter(email__iexact=address).order_by("pk").first()
    if user is None:
        user = staff_user_create(
            username=address.lower(),
            password=secrets.token_urlsafe(32),
            email=address,
            acting_user=acting_user,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        enrolment_mail_send(user=user, acting_user=acting_user, now=timezone.now())
    membership = membership_grant(
        user=user, office=office, role=Role.OFFICE_ADMIN, acting_user=acting_user
    )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.FIRST_ADMIN_ASSIGNED,
        target=membership,
        data={"user": user.username},
    )
    return membership


def office_touch(office: Office) -> None:
    """Count a change of what clients see of the office: printouts kept for it are made anew."""
    Office.objects.filter(pk=office.pk).update(revision=F("revision") + 1)


def phone_normalise(raw: str) -> str:
    """A German or international number as E.164 (+4961112345); refuses one that does not parse."""
    refused = OfficeDataRefused(
        _("This phone number cannot be read. Write it like 0611 123456 or +49 611 123456."),
        field="phone",
    )
    try:
        number = phonenumbers.parse(raw, "DE")
    except phonenumbers.NumberParseException:
        raise refused from None
    if not phonenumbers.is_valid_number(number):
        raise refused
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def office_details_update(*, office: Office, changes: dict[str, Any], acting_user: Actor) -> Office:
    """Change the office's address, contacts, spoken languages and accessibility facts."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not office details: {sorted(unknown)}")
    if "phone" in changes:
        changes["phone"] = phone_normalise(changes["phone"])
    if "languages_served" in changes:
        codes = list(dict.fromkeys(changes["languages_served"]))
        if set(codes) - SPOKEN_LANGUAGES:
            raise OfficeDataRefused(_("Choose languages from the list."), field="languages_served")
        changes["languages_served"] = codes
    locked = Office.objects.select_for_update().get(pk=office.pk)
    before = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    try:
        locked.full_clean(exclude=["slug", "name", "parts"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise OfficeDataRefused(messages[0], field=field) from None
    changed = [name for name in changes if before[name] != getattr(locked, name)]
    if not changed:
        return locked
    locked.revision += 1
    locked.save(update_fields=[*changed, "revision"])
    audit_record(
        office=locked,
        acting_user=acting_user,
        action=actions.DETAILS_UPDATED,
        target=locked,
        data={
            "fields": changed,
            "before": {name: before[name] for name in changed},
            "after": {name: getattr(locked, name) for name in changed},
        },
    )
    for name in changed:
        setattr(office, name, getattr(locked, name))
    office.revision = locked.revision
    return locked


@transaction.atomic
def office_logo_set(*, office: Office, data: bytes, acting_user: Actor) -> Office:
    """Store the office's logo for documents (a PNG re-encoded from a PNG or JPEG upload)."""
    png = logo_reencode(data)
    Office.objects.filter(pk=office.pk).update(logo_png=png, revision=F("revision") + 1)
    office.refresh_from_db(fields=["logo_png", "revision"])
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.LOGO_SET,
        target=office,
        data={"bytes": len(png)},
    )
    return office


@transaction.atomic
def office_logo_remove(*, office: Office, acting_user: Actor) -> Office:
    Office.objects.filter(pk=office.pk).update(logo_png=b"", revision=F("revision") + 1)
    office.refresh_from_db(fields=["logo_png", "revision"])
    audit_record(office=office, acting_user=acting_user, action=actions.LOGO_REMOVED, target=office)
    return office


@transaction.atomic
def office_suspend(*, office: Office, now: datetime, acting_user: Actor) -> Office:
    """Stop public booking and staff work in the office; every record is kept. Telling the
    clients of its appointments is the caller's (appointments.services.suspension)."""
    locked = Office.objects.select_for_update().get(pk=office.pk)
    if locked.suspended_at is None:
        locked.suspended_at = now
        locked.revision += 1
        locked.save(update_fields=["suspended_at", "revision"])
        audit_record(
            office=locked, acting_user=acting_user, action=actions.SUSPENDED, target=locked
        )
    office.suspended_at, office.revision = locked.suspended_at, locked.revision
    return locked


@transaction.atomic
def office_resume(*, office: Office, acting_user: Actor) -> Office:
    locked = Office.objects.select_for_update().get(pk=office.pk)
    if locked.suspended_at is not None:
        locked.suspended_at = None
        locked.revision += 1
        locked.save(update_fields=["suspended_at", "revision"])
        audit_record(office=locked, acting_user=acting_user, action=actions.RESUMED, target=locked)
    office.suspended_at, office.revision = locked.suspended_at, locked.revision
    return locked


def periods_check(periods: list[tuple[time, time]], *, field: str) -> list[tuple[time, time]]:
    """The periods of one day in order; refuses one that ends before it starts and overlaps."""
    ordered = sorted(periods)
    for opens, closes in ordered:
        if not opens < closes:
            raise OfficeDataRefused(
                _("%(opens)s–%(closes)s ends before it starts.")
                % {"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"},
                field=field,
            )
    for (_opens, closes), (next_opens, next_closes) in itertools.pairwise(ordered):
        if next_opens < closes:
            raise OfficeDataRefused(
                _("%(first)s and %(second)s overlap.")
                % {
                    "first": f"{_opens:%H:%M}–{closes:%H:%M}",
                    "second": f"{next_opens:%H:%M}–{next_closes:%H:%M}",
                },
                field=field,
            )
    return ordered


@transaction.atomic
def opening_hours_set(
    *,
    office: Office,
    weekly: dict[int, list[tuple[time, time]]],
    location: Location | None = None,
    acting_user: Actor,
) -> None:
    """Replace the weekly opening hours of the office (or of one of its locations):
    {weekday: [(opens, closes), …]}. Periods of a day may not overlap nor end before they start."""
    if location is not None and location.office_id != office.pk:
        raise OfficeDataRefused(field="location")
    weekly = {
        int(day): periods_check(list(periods), field=f"day_{int(day)}")
        for day, periods in weekly.items()
    }
    Office.objects.select_for_update().filter(pk=office.pk).first()  # one editor at a time
    with scopes_disabled():
        OpeningHours.objects.filter(office=office, location=location).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(
                office=office, location=location, weekday=weekday, opens=opens, closes=closes
            )
            for weekday, periods in weekly.items()
            for opens, closes in periods
        )
    office_touch(office)
    data: dict[str, Any] = {
        str(day): [[o.isoformat(), c.isoformat()] for o, c in periods]
        for day, periods in weekly.items()
    }
    if location is not None:
        data["location"] = location.pk
    audit_record(
        office=office, acting_user=acting_user, action=actions.HOURS_SET, target=office, data=data
    )


@transaction.atomic
def special_hours_set(
    *,
    office: Office,
    day: date,
    periods: list[tuple[time, time]],
    note: dict[str, str],
    location: Location | None = None,
    now: datetime,
    acting_user: Actor,
) -> list[SpecialHours]:
    """Give one date its own hours instead of its weekday's (replacing earlier ones of it)."""
    if location is not None and location.office_id != office.pk:
        raise OfficeDataRefused(field="location")
    if day < local_date(office, now):
        raise OfficeDataRefused(_("This day has already passed."), field="day")
    if not periods:
        raise OfficeDataRefused(_("Give at least one opening time."), field="opens")
    ordered = periods_check(periods, field="opens")
    clean_note = {language: one_line(text) for language, text in note.items() if text.strip()}
    with scopes_disabled():
        SpecialHours.objects.filter(office=office, location=location, day=day).delete()
        made = SpecialHours.objects.bulk_create(
            SpecialHours(
                office=office,
                location=location,
                day=day,
                opens=opens,
                closes=closes,
                note=clean_note,
            )
            for opens, closes in ordered
        )
    office_touch(office)
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.SPECIAL_HOURS_SET,
        target=office,
        data={
            "day": day.isoformat(),
            "periods": [[o.isoformat(), c.isoformat()] for o, c in ordered],
        },
    )
    return made


@transaction.atomic
def special_hours_remove(*, special: SpecialHours, acting_user: Actor) -> None:
    office = special.office
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.SPECIAL_HOURS_REMOVED,
        target=office,
        data={"day": special.day.isoformat()},
    )
    with scopes_disabled():
        SpecialHours.objects.filter(
            office=office, location=special.location, day=special.day
        ).delete()
    office_touch(office)


@transaction.atomic
def closure_add(
    *,
    office: Office,
    first_day: date,
    last_day: date,
    reason: dict[str, str],
    now: datetime | None = None,
    acting_user: Actor,
) -> Closure:
    """A closure from first_day to last_day. Given `now` (as staff pages do), a closure that
    begins before the office's today is refused: the past is not planned any more."""
    if now is not None and first_day < local_date(office, now):
        raise OfficeDataRefused(_("This day has already passed."), field="first_day")
    if last_day < first_day:
        raise OfficeDataRefused(_("The last day cannot be before the first."), field="last_day")
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
        action=actions.CLOSURE_ADDED,
        target=closure,
        data={"first_day": str(first_day), "last_day": str(last_day)},
    )
    office_touch(office)
    return closure


@transaction.atomic
def closure_remove(*, closure: Closure, acting_user: Actor) -> None:
    audit_record(
        office=closure.office,
        acting_user=acting_user,
        action=actions.CLOSURE_REMOVED,
        target=closure,
        data={"first_day": str(closure.first_day)},
    )
    with scopes_disabled():
        closure.delete()
    office_touch(closure.office)


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
        office=office, acting_user=acting_user, action=actions.LOCATION_CREATED, target=location
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
        action=actions.DESK_CREATED,
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
        action=actions.DESK_UPDATED,
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
        action=actions.PART_SWITCHED_ON if on else actions.PART_SWITCHED_OFF,
        target=locked,
        data={"part": name},
    )
    office.parts = locked.parts
    return locked
