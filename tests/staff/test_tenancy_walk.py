"""The tenancy walk: every staff URL, by GET and by POST with real form data, as every role of
one office, aimed at another office's objects (ids in the path and ids in the form); every API
route with another office's codes and services. The answer is 403 or 404 (a form naming a
foreign id may also answer 400), never a 5xx, and nothing changes: the database is compared
before and after each request, and no row of one office may point at another office's object.

`test_every_route_is_walked_or_listed` reads every URL pattern (Django's resolver, django-ninja's
routes included) and fails naming a route that neither the walk tables nor the list of public
or object-free routes cover, so a new route cannot escape (issue 11, "Tenancy and roles").
"""

from __future__ import annotations

import datetime
import functools
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled
from PIL import Image

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import INSTALLATION_ROLES, Role, capabilities_of
from schalter.accounts.roles import Capability as C
from schalter.accounts.services import membership_grant
from schalter.appointments import selectors as booking_selectors
from schalter.appointments import services as booking
from schalter.appointments.models import Channel, RateLimit
from schalter.callbacks import services as callback_services
from schalter.callbacks import settings as callback_settings
from schalter.callbacks.incoming import Audio, Incoming
from schalter.callbacks.requests import callback_request
from schalter.catalog.models import Service
from schalter.insights import costs as insights_costs
from schalter.interpreters import services as interpreter_services
from schalter.knowledge import services as knowledge_services
from schalter.offices import selectors as office_selectors
from schalter.offices import services as office_services
from schalter.offices.localtime import local_date, local_time
from schalter.offices.models import Desk, Office
from schalter.staff.planning_views import PLAN_SALT
from schalter.visits import services as visit_services
from schalter.visits.models import Screen, ServiceGroup
from tests.conftest import make_bookable, sign_in
from tests.staff.test_tenancy import object_of

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
# A Monday morning: both test offices are open (tests/conftest.py: build_office), tickets can
# be issued and appointments booked from the next day on.
MONDAY_9 = datetime.datetime(2031, 3, 3, 9, 0, tzinfo=BERLIN)

World = dict[str, object]  # one office's objects: "desk" -> pk, "appointment_code" -> code, …


# --- the world: one of each office-owned object, in each office ---------------------------------


def world_of(office: Office, make_staff) -> World:
    """Objects of every kind a staff URL or form names, made through the services."""
    make_staff(office, Role.CASEWORKER)  # a membership to look at
    make_bookable(office, days=1)
    # Parts off by default, switched on so that their pages are walked too.
    office_services.office_part_switch(office=office, name="planning", on=True, acting_user=COMMAND)
    today = MONDAY_9.date()
    # A service only this office offers (the other office's staff cannot book or edit it).
    only = Service.objects.create(
        slug=f"only-{office.slug}", name={"de": f"Nur {office.slug}"}, summary={"de": "x"}
    )
    booking.office_service_set(
        office=office, service=only, duration_minutes=10, acting_user=COMMAND
    )
    for weekday in range(5):
        booking.availability_rule_add(
            office=office,
            weekday=weekday,
            start=datetime.time(8, 0),
            end=datetime.time(12, 0),
            capacity_online=2,
            capacity_staff=2,
            services=[only],
            valid_from=datetime.date(2020, 1, 1),
            acting_user=COMMAND,
        )
    booking.seats_generate(office=office, first_day=today, last_day=today + datetime.timedelta(1))
    offered = booking_selectors.offered_service(office, only.pk)
    free = booking_selectors.free_times(
        office, offered, today + datetime.timedelta(days=1), now=MONDAY_9, channel=Channel.STAFF
    )
    booked = booking.appointment_book(
        office=office,
        service=only,
        start=free[0].start,
        name="Test Client",
        email=f"client@{office.slug}.example",
        channel=Channel.STAFF,
        now=MONDAY_9,
        acting_user=COMMAND,
    )
    world: World = {
        "office": office,
        "slug": office.slug,
        "service": only.pk,
        "free_day": local_date(office, free[1].start).isoformat(),
        "free_time": local_time(office, free[1].start).strftime("%H:%M"),
        "free_start": free[1].start.isoformat(),
        "free_local": local_time(office, free[1].start).strftime("%Y%m%dT%H%M"),
        "service_slug": only.slug,
        "appointment": booked.appointment.pk,
        "appointment_code": booked.appointment.code,
        "manage_token": booked.manage_token,
        # Booked by staff, so confirmed already: no confirm link was issued. The confirm page
        # is still reached with one (and refuses it), as it was before links became random.
        "confirm_token": booked.confirm_token or "no-confirm-link-was-issued",
    }
    for kind, url_name in [
        ("desk", "staff:desk"),
        ("location", "staff:location"),
        ("closure", "staff:closure_delete"),
        ("member", "staff:member"),
        ("screen", "staff:screen"),
        ("group", "staff:group"),
        ("kiosk", "staff:kiosk"),
        ("notice", "staff:notice"),
        ("rule", "staff:availability_rule"),
        ("block", "staff:appointment_block_delete"),
        ("waitlist", "staff:waitlist_entry_update"),
        ("special", "staff:special_hours_delete"),
        ("invitation", "staff:invitation_withdraw"),
    ]:
        world[kind] = object_of(office, url_name)
    # The Bilanz's costs (issue 17): January's staff hours.
    world["staff_hours"] = insights_costs.staff_hours_add(
        office=office,
        first_day=datetime.date(2031, 1, 1),
        last_day=datetime.date(2031, 1, 31),
        hours=Decimal(310),
        acting_user=COMMAND,
        now=MONDAY_9,
    ).pk
    # Knowledge (issue 16): a private draft article of the office.
    draft = knowledge_services.article_create(
        office=office, title="Intern", body="Nur hier.", effective_from=today, acting_user=COMMAND
    )
    world.update(article=draft.article_id, revision=draft.pk)
    with scopes_disabled():
        desks = list(Desk.objects.filter(office=office).order_by("number"))
        desk = desks[0]
        world.update(
            desk_number=desk.number,
            desk_colour=desk.colour,
            desk_floor=desk.floor,
            location=desk.location_id,
            other_desk=desks[1].pk,
            screen_public_id=Screen.objects.get(pk=world["screen"]).public_id,
        )
        group = ServiceGroup.objects.get(pk=world["group"])
    issued = visit_services.ticket_issue_walk_in(
        office=office, group=group, now=MONDAY_9, acting_user=COMMAND
    )
    world["ticket"] = issued.ticket.pk
    world["ticket_token"] = issued.token
    kiosk, key = visit_services.kiosk_create(office=office, name="Eingang", acting_user=COMMAND)
    world.update(kiosk_public_id=kiosk.public_id, kiosk_key=key)
    # Interpreters (issue 15): one who serves only this office, and an open request.
    office_services.office_part_switch(
        office=office, name="interpreters", on=True, acting_user=COMMAND
    )
    interpreter = interpreter_services.interpreter_create(
        name="Walk",
        email=f"walk-{office.slug}@example.org",
        languages=["prs"],
        modes=["on_site"],
        offices={office: Decimal(5)},
        acting_user=COMMAND,
    )
    world["interpreter"] = interpreter.pk
    world["interpreter_assignment"] = interpreter_services.assignment_request(
        office=office,
        language="prs",
        mode="on_site",
        start=MONDAY_9 + datetime.timedelta(days=1),
        end=MONDAY_9 + datetime.timedelta(days=1, hours=1),
        now=MONDAY_9,
        acting_user=COMMAND,
    ).pk
    # Two callbacks: a request from the website (with its status link) and a voicemail.
    requested = callback_request(
        office=office,
        number="0151 23456789",
        language="ar",
        service_id=None,
        windows=[],
        now=MONDAY_9,
        acting_user=COMMAND,
    )
    voicemail = callback_services.callback_receive(
        office=office,
        incoming=Incoming(
            source="voicemail",
            dedup_key=f"msgid:<{office.slug}@pbx>",
            caller_number="+4961112345",
            audio=Audio(data=b"RIFF....WAVE", content_type="audio/wav"),
        ),
        now=MONDAY_9,
        acting_user=COMMAND,
    )
    world.update(
        callback=requested.callback.pk,
        callback_token=requested.token,
        voicemail=voicemail.callback.pk,
    )
    # The callback settings (the part on): a voicemail mailbox and a pattern.
    office_services.office_part_switch(
        office=office, name="callbacks", on=True, acting_user=COMMAND
    )
    world["callback_mailbox"] = callback_settings.mailbox_save(
        office=office,
        mailbox=None,
        values=callback_settings.MailboxValues(f"voicemail@{office.slug}.example"),
        acting_user=COMMAND,
    ).pk
    world["callback_pattern"] = callback_settings.pattern_save(
        office=office,
        pattern=None,
        values=callback_settings.PatternValues(name="PBX", subject="(?P<number>[0-9]+)"),
        acting_user=COMMAND,
    ).pk
    return world


# --- what the database holds, and the one invariant across offices ------------------------------

# Rows a request may write without acting: who read what (audit) and how often an address
# asked (rate limits) are written on purpose.
NOT_EFFECTS = {AuditEvent, RateLimit}


def schalter_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("schalter.") or model._meta.app_label in SCHALTER_APPS
    ]


SCHALTER_APPS = {
    config.label for config in apps.get_app_configs() if config.name.startswith("schalter.")
}


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of every Schalter table (audit rows aside), by table: each row as the database
    returns it, its columns in the order of the model's concrete fields (what `values_list()`
    gives, without the ORM's query building and value conversion: the walk takes ~180 of
    these)."""
    with connection.cursor() as cursor:
        found = {}
        for label, sql in fingerprint_queries():
            cursor.execute(sql)
            found[label] = cursor.fetchall()
        return found


@functools.cache
def fingerprint_queries() -> list[tuple[str, str]]:
    quote = connection.ops.quote_name
    queries = []
    for model in schalter_models():
        if model in NOT_EFFECTS:
            continue
        assert not model._meta.parents, f"{model._meta.label}: its parent's columns are elsewhere"
        columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        queries.append((model._meta.label, f"SELECT {columns} FROM {table} ORDER BY {pk}"))  # noqa: S608
    return queries


def changed_tables(before: dict, after: dict) -> list[str]:
    """The tables that changed; an office's rows named `<table>@<office id>`."""
    changed = []
    for label, rows in after.items():
        if before[label] == rows:
            continue
        model = apps.get_model(label)
        if _office_of(model) is None:
            changed.append(label)
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        pk, column = columns.index(model._meta.pk.attname), columns.index("office_id")
        old, new = ({row[pk]: row for row in table} for table in (before[label], rows))
        offices = {
            (new.get(key) or old[key])[column]
            for key in set(old) | set(new)
            if old.get(key) != new.get(key)
        }
        changed += [f"{label}@{office}" for office in sorted(offices)]
    return changed


def _office_of(model: type[models.Model]) -> str | None:
    names = {f.name for f in model._meta.get_fields()}
    return "office" if "office" in names and model is not Office else None


def cross_office_links() -> list[str]:
    """Rows of one office that point at another office's object (FK, many-to-many, id lists)."""
    found: list[str] = []
    with scopes_disabled():
        for model in schalter_models():
            if model._meta.auto_created:  # a many-to-many table: compare its two ends
                ends = [
                    f
                    for f in model._meta.get_fields()
                    if f.many_to_one and _office_of(f.related_model)
                ]
                if len(ends) == 2:
                    a, b = ends[0].name, ends[1].name
                    bad = model._base_manager.exclude(
                        **{f"{a}__office_id": models.F(f"{b}__office_id")}
                    )
                    found += [f"{model._meta.label} {row}" for row in bad.values_list()]
                continue
            if _office_of(model) is None:
                continue
            for f in model._meta.get_fields():
                if not (f.many_to_one and f.concrete) or f.name == "office":
                    continue
                if _office_of(f.related_model) is None:
                    continue
                bad = model._base_manager.filter(**{f"{f.name}__isnull": False}).exclude(
                    **{f"{f.name}__office_id": models.F("office_id")}
                )
                found += [f"{model._meta.label}.{f.name} {pk}" for pk in bad.values_list("pk")]
        # Screens keep the ids of the queues they show in a list.
        groups = dict(ServiceGroup.objects.values_list("pk", "office_id"))
        for screen in Screen.objects.all():
            found += [
                f"visits.Screen.groups {screen.pk}"
                for pk in screen.groups or []
                if groups.get(pk) != screen.office_id
            ]
    return found


# --- the walk tables ----------------------------------------------------------------------------


def _none(_w: World) -> dict:
    return {}


@dataclass(frozen=True)
class Walk:
    """How one staff URL is walked.

    `ids`: the URL's arguments besides the office, from a world (none: the URL names no object).
    `bodies`: POST bodies that act on the world's objects when sent for its own office; None
    when the view does nothing on POST. `form_ids`: the bodies name objects by id (a foreign id
    is refused with a 4xx). `methods`: what the view answers (others: 405)."""

    capability: str
    ids: Callable[[World], dict] = _none
    bodies: Callable[[World], list[dict]] | None = None
    methods: frozenset[str] = frozenset({"GET", "POST"})
    form_ids: bool = False
    query: str = ""
    has_ids: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "has_ids", self.ids is not _none)


GET_ONLY = frozenset({"GET"})
POST_ONLY = frozenset({"POST"})


def _knowledge_form(w: World) -> list[dict]:
    return [
        {
            "base": w["revision"],
            "title": "Neu",
            "body": "Text",
            "effective_from": "2031-03-03",
            "visibility": "private",
            "services": [w["service"]],
        }
    ]


def _desk_form(w: World) -> list[dict]:
    return [
        {
            "number": w["desk_number"],
            "colour": w["desk_colour"],
            "location": w["location"],
            "floor": w["desk_floor"],
            "room": "Raum 99",
            "active": "on",
        }
    ]


def _group_form(prefix: str) -> Callable[[World], list[dict]]:
    def bodies(w: World) -> list[dict]:
        return [
            {
                "name_de": "Neue Schlange",
                "prefix": prefix,
                "services": [w["service"]],
                "walk_ins_allowed": "on",
                "daily_walk_in_quota": 0,
                "notify_when_ahead": 3,
                "position": 5,
            }
        ]

    return bodies


def _screen_form(w: World) -> list[dict]:
    return [{"name": "Neuer Bildschirm", "groups": [w["group"]], "active": "on"}]


def _po_file(w: World) -> list[dict]:
    """A translator's file naming the world's office text by its id."""
    office = w["office"]
    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: tr\\n"\n\n'
        f'msgctxt "office:{office.pk}:directions"\n'
        f'msgid "{office.directions["de"]}"\nmsgstr "Otobüs 1"\n'
    )
    upload = SimpleUploadedFile("texts.po", text.encode(), content_type="text/x-gettext")
    return [{"file": upload}]


def _desk_actions(w: World) -> list[dict]:
    ticket = w["ticket"]
    return [
        {"action": "take", "desk": w["other_desk"]},
        {"action": "note", "ticket": ticket, "note": "Unterlagen fehlen"},
        {"action": "recall", "ticket": ticket},
        {"action": "start", "ticket": ticket},
        {"action": "park", "ticket": ticket},
        {"action": "no_show", "ticket": ticket},
        {"action": "finish", "ticket": ticket, "outcome": "done"},
        {"action": "transfer", "ticket": ticket, "to": f"desk:{w['other_desk']}"},
        {"action": "transfer", "ticket": ticket, "to": f"group:{w['group']}"},
    ]


def _front_desk(w: World) -> list[dict]:
    return [
        {"action": "walk_in", "group": w["group"], "priority": 0, "language": "de"},
        {"action": "check_in", "code": w["appointment_code"], "language": "de"},
    ]


def _booking_form(w: World) -> list[dict]:
    return [
        {
            "service": w["service"],
            "day": w["free_day"],
            "time": w["free_time"],
            "persons": 1,
            "name": "Anruferin",
            "email": "anruf@example.org",
            "language": "de",
        }
    ]


def _in_a_week(_w: World) -> str:
    return (MONDAY_9.date() + datetime.timedelta(days=7)).isoformat()


def _png_upload(_w: World) -> list[dict]:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    return [{"logo": SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")}]


def _details_form(_w: World) -> list[dict]:
    return [
        {
            "street": "Neue Straße 2",
            "postcode": "35390",
            "city": "Gießen",
            "phone": "0611 1234567",
            "email": "neu@amt.example",
            "languages_served": ["de", "ar"],
            "step_free_access": "on",
        }
    ]


def _hours_forms(w: World) -> list[dict]:
    """Hours of the world's building (its id in the form): the week and one special day."""
    return [
        {"action": "weekly", "location": w["location"], "day_5": "09:00-12:00"},
        {
            "action": "special",
            "location": w["location"],
            "day": _in_a_week(w),
            "periods": "09:00-11:00",
        },
    ]


def _callback_booking(w: World) -> list[dict]:
    return [{**_booking_form(w)[0], "email": "rueckruf@example.org"}]


def _callback_policy(_w: World) -> list[dict]:
    return [
        {
            "promise_kind": "working_days",
            "promise_working_days": "2",
            "promise_hours": "8",
            "max_failed_attempts": "4",
            "sms_per_number_per_day": "2",
            "sms_per_office_per_day": "300",
            "sms_countries": "DE",
            "retention_days": "30",
        }
    ]


def _callback_mailbox(w: World) -> list[dict]:
    return [{"action": "save", "address": f"vm-{w['slug']}@example.org", "language": "ar"}]


def _callback_pattern(w: World) -> list[dict]:
    return [{"action": "save", "name": f"PBX {w['slug']}", "subject": "x", "position": "1"}]


STAFF_WALK: dict[str, tuple[Walk, ...]] = {
    # Callbacks, in the order the control can act on them: take the next (the request), a
    # failed call gives it back, take and give back the voicemail, book for the request's caller
    # (which takes it again). The audio is a read.
    "staff:callbacks": (Walk(C.WORK_CALLBACKS, bodies=lambda w: [{}]),),
    "staff:callback": (
        Walk(C.WORK_CALLBACKS, ids=lambda w: {"pk": w["callback"]}, methods=GET_ONLY),
    ),
    "staff:callback_audio": (
        Walk(C.WORK_CALLBACKS, ids=lambda w: {"pk": w["voicemail"]}, methods=GET_ONLY),
    ),
    "staff:callback_attempt": (
        Walk(
            C.WORK_CALLBACKS,
            ids=lambda w: {"pk": w["callback"]},
            bodies=lambda w: [{"outcome": "busy", "note": "", "follow_up_at": ""}],
            methods=POST_ONLY,
        ),
    ),
    "staff:callback_claim": (
        Walk(
            C.WORK_CALLBACKS,
            ids=lambda w: {"pk": w["voicemail"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:callback_release": (
        Walk(
            C.WORK_CALLBACKS,
            ids=lambda w: {"pk": w["voicemail"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:callback_book": (
        Walk(
            C.MANAGE_APPOINTMENTS,
            ids=lambda w: {"pk": w["callback"]},
            bodies=_callback_booking,
            methods=POST_ONLY,
            form_ids=True,
        ),
    ),
    # The callback settings (office admins): the rules, a mailbox, a pattern.
    "staff:callback_settings": (Walk(C.MANAGE_OFFICE, bodies=_callback_policy),),
    "staff:callback_mailbox_new": (Walk(C.MANAGE_OFFICE, bodies=_callback_mailbox),),
    "staff:callback_mailbox": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"pk": w["callback_mailbox"]},
            bodies=lambda w: [{"action": "disable"}],
        ),
    ),
    "staff:callback_pattern_new": (Walk(C.MANAGE_OFFICE, bodies=_callback_pattern),),
    "staff:callback_pattern": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"pk": w["callback_pattern"]},
            bodies=_callback_pattern,
        ),
    ),
    "staff:office": (Walk(C.VIEW_OFFICE),),
    "staff:desks": (Walk(C.VIEW_DESKS),),
    "staff:desk": (Walk(C.VIEW_DESKS, ids=lambda w: {"pk": w["desk"]}, bodies=_desk_form),),
    "staff:location": (Walk(C.VIEW_DESKS, ids=lambda w: {"pk": w["location"]}),),
    "staff:closures": (
        Walk(
            C.MANAGE_OFFICE,
            bodies=lambda w: [
                {"first_day": _in_a_week(w), "last_day": _in_a_week(w), "reason": "Betriebsausflug"}
            ],
        ),
    ),
    "staff:closure_delete": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"pk": w["closure"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:queue_setup": (Walk(C.MANAGE_OFFICE),),
    "staff:group_create": (Walk(C.MANAGE_OFFICE, bodies=_group_form("Z"), form_ids=True),),
    "staff:group": (
        Walk(C.MANAGE_OFFICE, ids=lambda w: {"pk": w["group"]}, bodies=_group_form("Q")),
    ),
    "staff:kiosk_create": (
        Walk(C.MANAGE_OFFICE, bodies=lambda w: [{"name": "Foyer", "active": "on"}]),
    ),
    "staff:kiosk": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"pk": w["kiosk"]},
            bodies=lambda w: [{"name": "Foyer Ost", "active": "on"}, {"action": "renew_key"}],
        ),
    ),
    "staff:screens": (Walk(C.MANAGE_OFFICE),),
    "staff:screen_create": (Walk(C.MANAGE_OFFICE, bodies=_screen_form, form_ids=True),),
    "staff:screen": (
        Walk(C.MANAGE_OFFICE, ids=lambda w: {"pk": w["screen"]}, bodies=_screen_form),
    ),
    "staff:notices": (Walk(C.MANAGE_OFFICE),),
    "staff:notice_create": (
        Walk(C.MANAGE_OFFICE, bodies=lambda w: [{"text_de": "Kasse bis 12 Uhr", "position": 0}]),
    ),
    "staff:notice": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"pk": w["notice"]},
            bodies=lambda w: [{"text_de": "Geändert", "position": 1}],
        ),
    ),
    "staff:notice_delete": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"pk": w["notice"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:members": (Walk(C.VIEW_STAFF),),
    "staff:member_invite": (
        Walk(
            C.MANAGE_STAFF,
            bodies=lambda w: [
                {"email": "neu@example.org", "roles": ["caseworker"], "language": "de"}
            ],
        ),
    ),
    "staff:invitation_withdraw": (
        Walk(
            C.MANAGE_STAFF,
            ids=lambda w: {"pk": w["invitation"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    # Counts only, no object named (tests/privacy/test_retention_report.py).
    "staff:retention": (Walk(C.VIEW_RETENTION, methods=GET_ONLY),),
    # A read: the export of what the office holds about a person, named by her booking code.
    "staff:privacy": (
        Walk(C.VIEW_PRIVACY, bodies=lambda w: [{"code": w["appointment_code"], "email": ""}]),
    ),
    # Office-wide switches name no object; switching on a part that is on changes nothing.
    # Switching for real is tests/offices/test_parts.py (and the races file): the walk's world
    # would not survive it, a part switched off hides its routes from the rest of the walk.
    "staff:parts": (Walk(C.MANAGE_OFFICE, bodies=lambda w: [{"part": "booking", "switch": "on"}]),),
    # Seen by team leads, changed by admins only (403 for a team lead on her own office's
    # member; another office's member is 404 for everyone).
    "staff:member": (
        Walk(
            C.VIEW_STAFF,
            ids=lambda w: {"pk": w["member"]},
            bodies=lambda w: [
                {"action": "languages", "languages": "ar, apc"},
                {"action": "roles", "roles": ["caseworker", "front_desk"]},
                {"action": "unlock"},
                {"action": "deactivate"},
                {"action": "reactivate"},
                {"action": "reset"},
            ],
        ),
    ),
    "staff:audit": (Walk(C.VIEW_AUDIT, methods=GET_ONLY),),
    "staff:audit_export": (Walk(C.VIEW_AUDIT, methods=GET_ONLY),),
    "staff:office_settings": (Walk(C.MANAGE_OFFICE, bodies=_details_form),),
    "staff:office_logo": (Walk(C.MANAGE_OFFICE, bodies=_png_upload, methods=POST_ONLY),),
    "staff:hours": (Walk(C.MANAGE_OFFICE, bodies=_hours_forms, form_ids=True),),
    "staff:special_hours_delete": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"pk": w["special"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:content": (Walk(C.EDIT_CONTENT),),
    "staff:content_export": (Walk(C.EDIT_CONTENT, query="?lang=tr"),),
    "staff:content_import": (
        Walk(C.EDIT_CONTENT, bodies=_po_file, methods=POST_ONLY, form_ids=True),
    ),
    "staff:content_text": (
        Walk(
            C.EDIT_CONTENT,
            ids=lambda w: {"kind": "office", "pk": w["office"].pk, "field": "directions"},
            bodies=lambda w: [{"text_de": "Geändert: Bus 9."}],
        ),
        Walk(
            C.EDIT_CONTENT,
            ids=lambda w: {"kind": "service", "pk": w["service"], "field": "summary"},
            bodies=lambda w: [{"text_de": "Geändert."}],
        ),
    ),
    "staff:appointments": (Walk(C.VIEW_APPOINTMENTS, methods=GET_ONLY),),
    "staff:appointment_week": (Walk(C.VIEW_APPOINTMENTS, methods=GET_ONLY),),
    "staff:appointment_book": (Walk(C.MANAGE_APPOINTMENTS, bodies=_booking_form, form_ids=True),),
    "staff:appointment": (
        Walk(
            C.VIEW_APPOINTMENTS,
            ids=lambda w: {"pk": w["appointment"]},
            bodies=lambda w: [
                {"action": "move", "move-day": w["free_day"], "move-time": w["free_time"]},
                {"action": "no_show"},
                {"action": "arrived"},
                {"action": "cancel"},
            ],
        ),
    ),
    "staff:appointment_blocks": (
        Walk(
            C.MANAGE_APPOINTMENTS,
            bodies=lambda w: [
                {
                    "day": _in_a_week(w),
                    "start_time": "08:00",
                    "end_time": "09:00",
                    "reason": "Teamsitzung",
                }
            ],
        ),
    ),
    "staff:appointment_block_delete": (
        Walk(
            C.MANAGE_APPOINTMENTS,
            ids=lambda w: {"pk": w["block"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:appointment_mass_cancel": (
        Walk(
            C.PLAN_APPOINTMENTS,
            bodies=lambda w: [{"day": w["free_day"], "reason": "illness", "confirm": "yes"}],
        ),
    ),
    "staff:appointment_conflicts": (Walk(C.VIEW_APPOINTMENTS, methods=GET_ONLY),),
    "staff:availability_rule": (
        Walk(
            C.PLAN_APPOINTMENTS,
            ids=lambda w: {"pk": w["rule"]},
            bodies=lambda w: [{"last_day": _in_a_week(w)}],
        ),
    ),
    "staff:visit_desk": (Walk(C.WORK_AT_DESK, bodies=_desk_actions, form_ids=True),),
    "staff:visit_queue": (Walk(C.RUN_QUEUE, bodies=_front_desk, form_ids=True),),
    # Insights (issue 17): figures of one's own office, no object ids.
    "staff:insights": (Walk(C.VIEW_INSIGHTS, methods=GET_ONLY),),
    "staff:insights_export": (
        Walk(C.VIEW_INSIGHTS, methods=GET_ONLY, query="?table=minutes&kind=csv"),
    ),
    "staff:insights_naming": (
        Walk(C.MANAGE_OFFICE, bodies=lambda w: [{"named": "1"}], methods=POST_ONLY),
    ),
    "staff:insights_bilanz": (Walk(C.VIEW_INSIGHTS, methods=GET_ONLY),),
    # The Bilanz's costs: entered by the office's admin; a withdraw names the entry by id.
    "staff:insights_costs": (
        Walk(
            C.MANAGE_OFFICE,
            bodies=lambda w: [
                {
                    "kind": "hours",
                    "hours-first_day": "2031-02-01",
                    "hours-last_day": "2031-02-28",
                    "hours-hours": "300",
                }
            ],
            methods=POST_ONLY,
        ),
    ),
    "staff:insights_cost_delete": (
        Walk(
            C.MANAGE_OFFICE,
            ids=lambda w: {"kind": "hours", "pk": w["staff_hours"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    # Planning (issue 18): the what-if page takes no ids; its form names a weekday only.
    "staff:planning": (
        Walk(
            C.PLAN_APPOINTMENTS,
            bodies=lambda w: [
                {
                    "weekday": 0,
                    "desks": 2,
                    "open_minutes": 240,
                    "walk_ins": "all_day",
                    "slot_minutes": 0,
                }
            ],
        ),
    ),
    # The optimiser's plans (a computation) and applying one: the plan comes signed by the
    # plans page for one office (tests/staff/test_planning_apply.py); another office's is refused.
    "staff:planning_plans": (Walk(C.PLAN_APPOINTMENTS, methods=GET_ONLY),),
    "staff:planning_apply": (
        Walk(
            C.PLAN_APPOINTMENTS,
            bodies=lambda w: [
                {
                    "payload": signing.dumps(
                        {"office": w["office"].pk, "weekday": 0, "plan": {}, "rules": ""},
                        salt=PLAN_SALT,
                    )
                }
            ],
            methods=POST_ONLY,
            form_ids=True,
        ),
    ),
    "staff:waitlist": (Walk(C.VIEW_APPOINTMENTS),),
    # Interpreters (issue 15)
    "staff:interpreters": (Walk(C.VIEW_APPOINTMENTS, methods=GET_ONLY),),
    "staff:interpreter_mode_update": (
        Walk(
            C.MANAGE_APPOINTMENTS,
            ids=lambda w: {"pk": w["interpreter_assignment"]},
            bodies=lambda w: [{"mode": "video"}],
            methods=POST_ONLY,
        ),
    ),
    "staff:interpreter_costs_csv": (Walk(C.VIEW_APPOINTMENTS, methods=GET_ONLY),),
    "staff:interpreter_costs_xlsx": (Walk(C.VIEW_APPOINTMENTS, methods=GET_ONLY),),
    "staff:interpreter_statement": (
        Walk(C.VIEW_APPOINTMENTS, ids=lambda w: {"pk": w["interpreter"]}, methods=GET_ONLY),
    ),
    "staff:interpreter_pool": (
        Walk(
            C.PLAN_APPOINTMENTS,
            bodies=lambda w: [
                {
                    "name": "Neu",
                    "email": "neu@example.org",
                    "languages": ["apc"],
                    "modes": ["phone"],
                    "distance_km": "3",
                    "fee_agreement": "jveg",
                    "contact_preference": "email",
                    "confidentiality": "on",
                }
            ],
        ),
    ),
    "staff:interpreter_pool_member": (
        Walk(
            C.PLAN_APPOINTMENTS,
            ids=lambda w: {"pk": w["interpreter"]},
            bodies=lambda w: [
                {
                    "action": "window",
                    "window-weekday": "6",
                    "window-start": "21:00",
                    "window-end": "22:00",
                },
            ],
        ),
    ),
    "staff:interpreter_budget_update": (
        Walk(
            C.PLAN_APPOINTMENTS,
            bodies=lambda w: [{"month": "2031-03", "amount": "100"}],
            methods=POST_ONLY,
        ),
    ),
    "staff:interpreter_callback_request": (
        Walk(
            C.WORK_CALLBACKS,
            ids=lambda w: {"pk": w["callback"]},
            bodies=lambda w: [{"language": "apc", "start": "2031-03-03T11:00", "minutes": "30"}],
            methods=POST_ONLY,
        ),
    ),
    "staff:waitlist_offer": (Walk(C.PLAN_APPOINTMENTS, bodies=lambda w: [{}], methods=POST_ONLY),),
    "staff:waitlist_entry_update": (
        Walk(
            C.PLAN_APPOINTMENTS,
            ids=lambda w: {"pk": w["waitlist"]},
            bodies=lambda w: [{"action": "withdraw"}, {"action": "1"}],
            methods=POST_ONLY,
        ),
    ),
    # Knowledge (issue 16): another office's private draft answers 404; forms naming a service
    # the office does not offer are refused.
    "staff:knowledge": (Walk(C.READ_KNOWLEDGE, methods=GET_ONLY, query="?q=Intern"),),
    "staff:knowledge_new": (Walk(C.EDIT_KNOWLEDGE, bodies=_knowledge_form, form_ids=True),),
    "staff:knowledge_reading": (Walk(C.APPROVE_KNOWLEDGE, methods=GET_ONLY),),
    "staff:knowledge_notes": (Walk(C.READ_KNOWLEDGE, methods=GET_ONLY),),
    "staff:knowledge_note_create": (
        Walk(
            C.EDIT_KNOWLEDGE,
            bodies=lambda w: [{"service": w["service"], "since": "2031-03-01", "text": "x"}],
            methods=POST_ONLY,
            form_ids=True,
        ),
    ),
    "staff:knowledge_others": (
        Walk(C.READ_KNOWLEDGE, ids=lambda w: {"service": w["service"]}, methods=GET_ONLY),
    ),
    "staff:knowledge_article": (
        Walk(C.READ_KNOWLEDGE, ids=lambda w: {"article": w["article"]}, methods=GET_ONLY),
    ),
    "staff:knowledge_edit": (
        Walk(C.EDIT_KNOWLEDGE, ids=lambda w: {"article": w["article"]}, bodies=_knowledge_form),
    ),
    "staff:knowledge_submit": (
        Walk(
            C.EDIT_KNOWLEDGE,
            ids=lambda w: {"article": w["article"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:knowledge_revision": (
        Walk(
            C.READ_KNOWLEDGE,
            ids=lambda w: {"article": w["article"], "revision": w["revision"]},
            methods=GET_ONLY,
        ),
    ),
    "staff:knowledge_approve": (
        Walk(
            C.APPROVE_KNOWLEDGE,
            ids=lambda w: {"article": w["article"], "revision": w["revision"]},
            bodies=lambda w: [{"seen_head": w["revision"]}],
            methods=POST_ONLY,
        ),
    ),
    "staff:knowledge_compare": (
        Walk(C.READ_KNOWLEDGE, ids=lambda w: {"article": w["article"]}, methods=GET_ONLY),
    ),
    "staff:knowledge_read": (
        Walk(
            C.READ_KNOWLEDGE,
            ids=lambda w: {"article": w["article"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:knowledge_adopt": (
        Walk(
            C.EDIT_KNOWLEDGE,
            ids=lambda w: {"article": w["article"]},
            bodies=lambda w: [{}],
            methods=POST_ONLY,
        ),
    ),
    "staff:knowledge_comment": (
        Walk(
            C.READ_KNOWLEDGE,
            ids=lambda w: {"article": w["article"]},
            bodies=lambda w: [{"body": "Eine Frage", "question": "on"}],
            methods=POST_ONLY,
        ),
    ),
}

# Forms of one's own objects that name another office's object in a field: refused (4xx).
MIXED: dict[str, tuple[Callable[[World], dict], Callable[[World, World], list[dict]]]] = {
    "staff:desk": (
        lambda w: {"pk": w["desk"]},
        lambda own, other: (
            _desk_form(own) and [{**_desk_form(own)[0], "location": other["location"]}]
        ),
    ),
    "staff:screen": (lambda w: {"pk": w["screen"]}, lambda own, other: _screen_form(other)),
    "staff:group": (lambda w: {"pk": w["group"]}, lambda own, other: _group_form("Q")(other)),
    "staff:visit_desk": (
        _none,
        lambda own, other: [
            {"action": "transfer", "ticket": own["ticket"], "to": f"desk:{other['desk']}"},
            {"action": "transfer", "ticket": own["ticket"], "to": f"group:{other['group']}"},
        ],
    ),
}

# Routes outside the walk, each with the reason; a new route must join a table or this list.
NOT_WALKED = {
    "staff:login": "sign-in, no office object (tests/staff/test_login.py)",
    "staff:login_code": "sign-in, no office object (tests/staff/test_login.py)",
    "staff:login_setup": "sign-in, no office object (tests/staff/test_login.py)",
    "staff:logout": "sign-out, no office object",
    "staff:account_link": "a single-use link's token in the query, no office object "
    "(tests/staff/test_members.py)",
    "staff:language": "the signed-in person's own page language, no office object",
    "staff:home": "lists the signed-in person's own offices only",
    "staff:figures": "counts of all offices for the ministry role, no object ids",
    "staff:figures_export": "the same counts as CSV or XLSX, no object ids",
    "staff:figures_bilanz": "the ministry's Bilanz PDF of all offices: aggregates, no object ids",
    "public:feedback": "a single-use survey token, no object id; another office's token is "
    "refused (tests/insights/test_feedback.py)",
    "healthz": "public, no object",
    # The interpreter's own view (issue 15): her session, not an office's; walked with another
    # interpreter's assignments in tests/public/test_interpreter_view.py (the interpreter walk).
    "public:interpreter": "her own assignments only, or the sign-in form",
    "public:interpreter_sign_in": "a magic link of her own; single use, expiry tested",
    "public:interpreter_sign_out": "ends her session, no object",
    "public:interpreter_answer": "interpreter walk (tests/public/test_interpreter_view.py)",
    "public:interpreter_report": "interpreter walk (tests/public/test_interpreter_view.py)",
    "metrics": "token-protected counters, no object",
    "api-v1:openapi-json": "the API's description, no object",
    "api-v1:openapi-view": "the API's description, no object",
    "api-v1:api-root": "the API's index, no object",
    "api-v1:offices": "public list of offices, no object",
    "api-v1:challenge": "anti-bot challenge, no object",
    "queue_any_language": "redirect to the public queue page",
    "public:offices": "public page, no object",
    "public:help": "public page, no object",
    "public:accessibility": "public page, no object",
    "public:imprint": "public page, no object",
    "public:privacy": "public page, no object",
    "public:office": "public page of an office (its slug is public)",
    "public:first_visit": "public page of an office",
    "public:callback_request": "public form of an office; another office's topic is refused "
    "(tests/callbacks/test_requests.py)",
    "public:queue": "public queue status of an office",
    "public:office_flyer": "public printout of an office",
    "signs_desks": "public printout of an office",
    "signs_floors": "public printout of an office",
    "signs_arrow": "public printout of an office",
    "public:book": "public booking start of an office",
    "public:book_sent": "echoes the code it is given; reads no appointment",
    "public:service": "public page; another office's service: PUBLIC_WALK",
    "public:service_flyer": "public printout; another office's service: PUBLIC_WALK",
    "public:book_service": "public booking; another office's service: PUBLIC_WALK",
    "public:waitlist_join": "public waiting list; another office's service: PUBLIC_WALK",
    "public:book_details": "public booking; another office's service: PUBLIC_WALK",
}
# Django's own admin: superusers only, no office scope (issue 11, item 7 decides its mounting).
NOT_WALKED_NAMESPACES = {"admin": "Django's admin: superusers only (issue 11, item 7)"}

# The API, by route name: called with another office's codes, tokens and services.
API_WALK = {
    "api-v1:office_services",
    "api-v1:availability",
    "api-v1:book",
    "api-v1:appointment",
    "api-v1:cancel",
    "api-v1:ics",
    "api-v1:confirm",
    "api-v1:reschedule",
    "api-v1:callback_request",
}

# Public routes with a capability or object in the path, tried with another office's one.
PUBLIC_WALK = {
    "kiosk",
    "kiosk_ticket",
    "display",
    "display_calls",
    "display_announcement",
    "public:ticket",
    "public:ticket_notify",
    "public:ticket_pdf",
    "public:ticket_escpos",
    "public:booking_confirm",
    "public:booking_manage",
    "public:booking_move",
    "public:booking_calendar",
    "public:service",
    "public:service_flyer",
    "public:book_service",
    "public:waitlist_join",
    "public:book_details",
    "public:callback_status",
    "public:callback_withdraw",
}


def every_route() -> list[str]:
    """Every URL pattern's name (namespaced), from the resolver, django-ninja's included."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                yield from walk(
                    pattern.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace
                )
            elif isinstance(pattern, URLPattern):
                name = pattern.name or str(pattern.pattern)
                yield f"{namespace}:{name}" if namespace else name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_route_is_walked_or_listed():
    covered = set(STAFF_WALK) | set(NOT_WALKED) | API_WALK | PUBLIC_WALK | set(OPERATOR_WALK)
    missing = [
        route
        for route in every_route()
        if route not in covered and route.split(":")[0] not in NOT_WALKED_NAMESPACES
    ]
    assert missing == [], (
        f"routes neither walked nor listed as public or object-free: {missing} "
        "(add them to STAFF_WALK, API_WALK, PUBLIC_WALK or NOT_WALKED in this file)"
    )
    stale = sorted(covered - set(every_route()))
    assert stale == [], f"routes in the tables that no longer exist: {stale}"
    # Every staff route with an office in its path is walked, not merely listed.
    staff_office_routes = {
        f"staff:{p.name}"
        for p in next(
            r
            for r in get_resolver().url_patterns
            if isinstance(r, URLResolver) and r.namespace == "staff"
        ).url_patterns
        if "office" in p.pattern.converters
    }
    assert staff_office_routes <= set(STAFF_WALK)


# The operator's pages (issue 13), by the office they name: only the operator reaches them, and
# they show an office's name, address and state, never its clients.
OPERATOR_WALK: dict[str, Callable[[World], dict]] = {
    "staff:installation": _none,
    "staff:installation_office_create": _none,
    "staff:installation_office": lambda w: {"slug": w["slug"]},
    "staff:installation_office_suspension": lambda w: {"slug": w["slug"]},
    "staff:installation_catalogue": _none,
    "staff:installation_catalogue_text": lambda w: {"service": w["service"], "field": "summary"},
}


# --- walking ------------------------------------------------------------------------------------

ROLES = [role for role in Role if role not in INSTALLATION_ROLES]


@dataclass
class Tally:
    requests: int = 0
    routes: set = field(default_factory=set)
    roles: set = field(default_factory=set)
    methods: set = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def worlds(office, other_office, make_staff):
    with time_machine.travel(MONDAY_9, tick=True):
        yield world_of(office, make_staff), world_of(other_office, make_staff)


def _send(client: Client, method: str, url: str, body: dict | None) -> int:
    if method == "GET":
        return client.get(url).status_code
    for value in (body or {}).values():  # an upload is read once: rewind it for each request
        if hasattr(value, "seek"):
            value.seek(0)
    return client.post(url, body or {}).status_code


OWN_EFFECT = set(range(200, 400))
# A form naming another office's object: refused (a 4xx, or the page again or a redirect with
# the refusal as a message), and nothing changes.
FORM_REFUSED = set(range(200, 400)) | {400, 404, 409, 422}


def _expected(walk: Walk, method: str, role: str | None, *, foreign_ids: bool) -> set[int]:
    """The answers allowed for one request aimed at another office."""
    if method not in walk.methods:
        return {405}
    if role is None or role in INSTALLATION_ROLES:  # signed in without a role in this office
        return {404}
    if walk.capability not in capabilities_of(role):
        return {403}
    if walk.has_ids:
        return {404}
    if foreign_ids:
        return FORM_REFUSED
    return OWN_EFFECT  # an object-free request of one's own office


def _answer(tally: Tally, label: str, status: int, allowed: set[int]) -> None:
    """One answer: one of those allowed, never a 5xx."""
    tally.requests += 1
    if status >= 500 or status not in allowed:
        tally.problems.append(f"{label}: {status}, expected one of {sorted(allowed)[:6]}")


def _effects(tally: Tally, label: str, before, *, own_effect: bool, other: Office):
    """After a batch of requests: nothing changed but (for object-free requests of one's own
    office) the own office's rows, and no row points across offices."""
    after = fingerprint()
    changed = changed_tables(before, after)
    if changed and (not own_effect or any(key.endswith(f"@{other.pk}") for key in changed)):
        tally.problems.append(f"{label}: changed {changed}")
    links = cross_office_links() if changed else []  # none before the walk (checked there)
    if links:
        tally.problems.append(f"{label}: links across offices {links[:3]}")
    return after


def test_staff_walk_with_another_offices_objects(worlds, make_staff, capsys):
    own, other = worlds
    office, other_office = own["office"], other["office"]
    tally = Tally()
    with time_machine.travel(MONDAY_9, tick=True):
        users = {role: make_staff(office, role) for role in ROLES}
        clients: dict[str | None, Client] = {role: sign_in(Client(), users[role]) for role in ROLES}
        clients[None] = sign_in(Client(), make_staff(None, Role.MINISTRY))
        # The operator runs the installation but is no member of the office: 404 everywhere.
        clients[Role.OPERATOR] = sign_in(Client(), make_staff(None, Role.OPERATOR))
        # Staff who work at a desk hold one, so ticket actions reach the ticket lookup.
        at_desks = [role for role in ROLES if C.WORK_AT_DESK in capabilities_of(role)]
        for number, role in enumerate(at_desks, start=10):
            desk = office_services.desk_create(
                office=office,
                location=office_selectors.location_get(office, own["location"]),
                number=number,
                colour="blue",
                floor=0,
                room="0.10",
                services=[],
                acting_user=COMMAND,
            )
            visit_services.desk_session_open(
                office=office, desk=desk, user=users[role], now=MONDAY_9, acting_user=COMMAND
            )
        assert cross_office_links() == []
        before = fingerprint()
        for route, walks in STAFF_WALK.items():
            for walk in walks:
                for method in ("GET", "POST"):
                    posting = method == "POST" and walk.bodies is not None
                    bodies = walk.bodies(other) if posting else [None]
                    url = (
                        reverse(route, kwargs={"office": office.slug, **walk.ids(other)})
                        + walk.query
                    )
                    own_effect = False
                    for role, client in clients.items():
                        allowed = _expected(
                            walk, method, role, foreign_ids=posting and walk.form_ids
                        )
                        own_effect = own_effect or allowed == OWN_EFFECT
                        for body in bodies:
                            status = _send(client, method, url, body)
                            label = f"{method} {route} as {role or 'no role'} {body or ''}"
                            _answer(tally, label, status, allowed)
                        tally.routes.add(route)
                        tally.roles.add(role)
                        tally.methods.add(method)
                    if walk.has_ids:
                        # Through the other office's slug: not a member there, 404 (or 405).
                        url = reverse(
                            route, kwargs={"office": other_office.slug, **walk.ids(other)}
                        )
                        for body in bodies:
                            status = _send(clients[Role.OFFICE_ADMIN], method, url, body)
                            allowed = {405} if method not in walk.methods else {404}
                            _answer(
                                tally, f"{method} {route} via {other_office.slug}", status, allowed
                            )
                    before = _effects(
                        tally,
                        f"{method} {route}",
                        before,
                        own_effect=own_effect,
                        other=other_office,
                    )
        # One's own objects, with a form naming another office's object.
        for route, (ids, bodies_of) in MIXED.items():
            walk = STAFF_WALK[route][0]
            url = reverse(route, kwargs={"office": office.slug, **ids(own)})
            for role, client in clients.items():
                allowed = _expected(walk, "POST", role, foreign_ids=True)
                if allowed == {404} and role is not None:
                    # The object is one's own: the form refuses the field (or the role may
                    # only look at the object: 403).
                    allowed = FORM_REFUSED | {403}
                for body in bodies_of(own, other):
                    status = _send(client, "POST", url, body)
                    label = f"POST {route} (own object, foreign in the form) as {role} {body}"
                    _answer(tally, label, status, allowed)
            before = _effects(
                tally,
                f"POST {route} (foreign in the form)",
                before,
                own_effect=False,
                other=other_office,
            )
    with capsys.disabled():
        print(
            f"\ntenancy walk (staff): {len(tally.routes)} routes × {len(tally.roles)} roles × "
            f"{len(tally.methods)} methods, {tally.requests} requests"
        )
    assert tally.problems == [], "\n".join(tally.problems)


# Object-free POSTs whose effect depends on the day's state (nothing to offer is no error).
CONTROL_MAY_DO_NOTHING = {
    "staff:waitlist_offer": "offers only when a seat is free",
    "staff:privacy": "a read: it writes only its audit row",
    "staff:parts": "the walk switches on a part that is on (see STAFF_WALK)",
    "staff:planning": "a simulation: it reads and computes, it writes nothing",
    "staff:knowledge_approve": "the walk's edit made a newer revision: approving is refused",
    "staff:knowledge_read": "confirms only a published article (the world's is a draft)",
    "staff:knowledge_adopt": "adopts only another office's shared article",
    "staff:planning_apply": "without `confirm` it shows the review of the plan, writing nothing",
}


def test_the_walks_forms_act_on_ones_own_objects(worlds, make_staff):
    """The control: the same bodies aimed at one's own objects are found (no 404) and act, so
    the walk's 404s and unchanged tables come from tenancy, not from broken forms."""
    own, _other = worlds
    office = own["office"]
    problems = []
    with time_machine.travel(MONDAY_9, tick=True):
        admin = make_staff(office, Role.OFFICE_ADMIN)
        # Writing knowledge is an editor's (issue 16): the control's person is one, too.
        membership_grant(user=admin, office=office, role=Role.KNOWLEDGE_EDITOR, acting_user=COMMAND)
        client = sign_in(Client(), admin)
        # Deleting comes last: the edits before it use the same objects.
        ordered = sorted(STAFF_WALK.items(), key=lambda item: item[0].endswith("_delete"))
        for route, walks in ordered:
            for walk in walks:
                if walk.bodies is None:
                    continue
                url = reverse(route, kwargs={"office": office.slug, **walk.ids(own)})
                before = fingerprint()
                statuses = [_send(client, "POST", url, body) for body in walk.bodies(own)]
                if any(status == 404 or status >= 500 for status in statuses):
                    problems.append(f"{route}: {statuses}")
                if fingerprint() == before and route not in CONTROL_MAY_DO_NOTHING:
                    problems.append(f"{route}: no effect ({statuses})")
    assert problems == [], "\n".join(problems)


# --- the API and the public routes, with another office's codes, tokens and objects ------------


def _api_requests(own: World, other: World) -> list[tuple[str, str, str, dict, dict]]:
    """(route, method, path, body, headers): each names another office's object or capability."""
    manage = {"HTTP_AUTHORIZATION": f"Bearer {own['manage_token']}"}
    foreign_manage = {"HTTP_AUTHORIZATION": f"Bearer {other['manage_token']}"}
    day = MONDAY_9.date() + datetime.timedelta(days=1)
    api = "/api/v1"
    return [
        (
            "api-v1:availability",
            "GET",
            f"{api}/offices/{own['slug']}/availability?service={other['service']}"
            f"&start={day}&end={day}",
            {},
            {},
        ),
        (
            "api-v1:book",
            "POST",
            f"{api}/offices/{own['slug']}/appointments",
            {"service": other["service"], "start": other["free_start"], "name": "Eve"}
            | {"email": "eve@example.org"},
            {},
        ),
        # One's own token with another office's code, and the reverse.
        (
            "api-v1:appointment",
            "GET",
            f"{api}/appointments/{other['appointment_code']}",
            {},
            manage,
        ),
        (
            "api-v1:appointment",
            "GET",
            f"{api}/appointments/{own['appointment_code']}",
            {},
            foreign_manage,
        ),
        ("api-v1:cancel", "DELETE", f"{api}/appointments/{other['appointment_code']}", {}, manage),
        ("api-v1:ics", "GET", f"{api}/appointments/{other['appointment_code']}/ics", {}, manage),
        (
            "api-v1:confirm",
            "POST",
            f"{api}/appointments/{other['appointment_code']}/confirm",
            {"token": own["confirm_token"]},
            {},
        ),
        (
            "api-v1:reschedule",
            "POST",
            f"{api}/appointments/{other['appointment_code']}/reschedule",
            {"start": other["free_start"]},
            manage,
        ),
        (
            "api-v1:callback_request",
            "POST",
            f"{api}/offices/{own['slug']}/callbacks",
            {"number": "0151 23456789", "topic": other["service"]},
            {},
        ),
    ]


def test_api_with_another_offices_codes_and_services(worlds, client, settings, capsys):
    settings.SCHALTER_CAPTCHA = False
    own, other = worlds
    problems, routes = [], set()
    with time_machine.travel(MONDAY_9, tick=True):
        # The office's service list names only its own offers.
        listed = client.get(f"/api/v1/offices/{own['slug']}/services").json()
        routes.add("api-v1:office_services")
        if other["service"] in {entry["id"] for entry in listed}:
            problems.append("api-v1:office_services lists another office's service")
        before = fingerprint()
        for route, method, path, body, headers in _api_requests(own, other):
            routes.add(route)
            response = client.generic(
                method,
                path,
                data=json.dumps(body) if body else "",
                content_type="application/json",
                **headers,
            )
            if response.status_code not in {400, 403, 404, 409, 422}:
                problems.append(f"{method} {path}: {response.status_code}")
            after = fingerprint()
            if changed := changed_tables(before, after):
                problems.append(f"{method} {path}: changed {changed}")
            before = after
    assert routes == API_WALK
    # The control: one's own code with one's own token opens the appointment.
    own_auth = {"HTTP_AUTHORIZATION": f"Bearer {own['manage_token']}"}
    assert (
        client.get(f"/api/v1/appointments/{own['appointment_code']}", **own_auth).status_code == 200
    )
    with capsys.disabled():
        print(f"\ntenancy walk (API): {len(routes)} routes, {len(_api_requests(own, other)) + 1}")
    assert problems == [], "\n".join(problems)


def _public_requests(own: World, other: World) -> list[tuple[str, str]]:
    """(route, path) on one's own office's address with another office's object in it."""
    o, lang = own["slug"], f"/de/{own['slug']}"
    code, manage, confirm = other["appointment_code"], other["manage_token"], other["confirm_token"]
    ticket, kiosk, screen = (
        other["ticket_token"],
        other["kiosk_public_id"],
        other["screen_public_id"],
    )
    service = other["service_slug"]
    return [
        ("kiosk", f"/{o}/kiosk/{kiosk}/?key={other['kiosk_key']}"),
        ("kiosk_ticket", f"/{o}/kiosk/{kiosk}/ticket/{ticket}/"),
        ("kiosk_ticket", f"/{o}/kiosk/{own['kiosk_public_id']}/ticket/{ticket}/"),
        ("display", f"/{o}/display/{screen}/"),
        ("display_calls", f"/{o}/display/{screen}/calls.json"),
        ("display_announcement", f"/{o}/display/{screen}/announce/1.wav"),
        ("public:ticket", f"{lang}/ticket/{ticket}/"),
        ("public:ticket_notify", f"{lang}/ticket/{ticket}/notify/"),
        ("public:ticket_pdf", f"{lang}/ticket/{ticket}/ticket.pdf"),
        ("public:ticket_escpos", f"{lang}/ticket/{ticket}/ticket.escpos"),
        ("public:booking_confirm", f"{lang}/book/confirm/{code}/{confirm}/"),
        ("public:booking_manage", f"{lang}/book/manage/{code}/{manage}/"),
        ("public:booking_move", f"{lang}/book/move/{code}/{manage}/"),
        ("public:booking_calendar", f"{lang}/book/calendar/{code}/{manage}/termin.ics"),
        ("public:service", f"{lang}/services/{service}/"),
        ("public:service_flyer", f"{lang}/services/{service}/flyer.pdf"),
        ("public:book_service", f"{lang}/book/{service}/"),
        ("public:waitlist_join", f"{lang}/book/{service}/waitlist/"),
        ("public:book_details", f"{lang}/book/{service}/{other['free_local']}/"),
        ("public:callback_status", f"{lang}/callback/{other['callback_token']}/"),
        ("public:callback_withdraw", f"{lang}/callback/{other['callback_token']}/withdraw/"),
    ]


def test_public_routes_with_another_offices_objects(worlds, client, settings, capsys):
    settings.SCHALTER_CAPTCHA = False
    own, other = worlds
    problems, routes, requests = [], set(), 0
    bodies = {"action": "cancel", "name": "Eve", "email": "eve@example.org", "phone": ""}
    with time_machine.travel(MONDAY_9, tick=True):
        before = fingerprint()
        for route, path in _public_requests(own, other):
            routes.add(route)
            for method in ("GET", "POST"):
                requests += 1
                response = client.get(path) if method == "GET" else client.post(path, bodies)
                if response.status_code not in {400, 403, 404, 405}:
                    problems.append(f"{method} {path}: {response.status_code}")
                after = fingerprint()
                if changed := changed_tables(before, after):
                    problems.append(f"{method} {path}: changed {changed}")
                before = after
    assert routes == PUBLIC_WALK
    # The control: the same addresses with the office's own objects are found.
    with time_machine.travel(MONDAY_9, tick=True):
        for route, path in _public_requests(own, own):
            if route == "display_announcement":  # no call announced yet: 404 either way
                continue
            if client.get(path).status_code == 404:
                problems.append(f"control {route} {path}: 404 with the office's own object")
    with capsys.disabled():
        print(f"\ntenancy walk (public): {len(routes)} routes × 2 methods, {requests} requests")
    assert problems == [], "\n".join(problems)


def test_operator_pages_only_for_the_operator_and_without_client_data(worlds, make_staff):
    own, other = worlds
    with time_machine.travel(MONDAY_9, tick=True):
        operator = sign_in(Client(), make_staff(None, Role.OPERATOR))
        others: dict[str | None, Client] = {
            role: sign_in(Client(), make_staff(own["office"], role)) for role in ROLES
        }
        others[None] = sign_in(Client(), make_staff(None, Role.MINISTRY))
        client_data = [
            w[key]
            for w in (own, other)
            for key in ("appointment_code", "manage_token", "ticket_token")
        ] + ["Test Client", f"client@{own['slug']}.example", f"client@{other['slug']}.example"]
        before = fingerprint()
        problems = []
        for route, ids in OPERATOR_WALK.items():
            for world in (own, other):
                url = reverse(route, kwargs=ids(world))
                for role, client in others.items():
                    for method in ("GET", "POST"):
                        status = _send(client, method, url, {"action": "suspend"})
                        if status not in {404, 405}:
                            problems.append(f"{method} {route} as {role}: {status}")
                if route.endswith("_suspension"):
                    continue
                page = operator.get(url)
                if page.status_code != 200:
                    problems.append(f"GET {route} as operator: {page.status_code}")
                text = page.content.decode()
                problems += [
                    f"{route} shows {secret!r}" for secret in client_data if secret in text
                ]
        assert fingerprint() == before
    assert problems == [], "\n".join(problems)
