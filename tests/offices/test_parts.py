"""Parts of Schalter switched per office: off hides a part and stops its new work, keeps what
exists; on brings everything back; a part is not switched on while something it needs is missing."""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments import services as booking
from schalter.appointments.errors import ServiceNotOffered
from schalter.appointments.models import Channel
from schalter.catalog.models import Service
from schalter.offices import services
from schalter.offices.errors import PartRequirementMissing
from schalter.offices.models import Office
from schalter.offices.parts import default_parts, part_named, registered
from schalter.visits import services as visits
from schalter.visits.errors import WalkInsNotAllowed
from tests.conftest import book_earliest_by_phone, build_office, german

pytestmark = pytest.mark.django_db


def view_names_with_office() -> set[str]:
    """Every route whose URL names an office, read from the URL configuration itself."""
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and "office" in p.pattern.converters and p.name:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return names


# Routes of every office whatever parts it uses: its pages, its settings, its staff work.
CORE = {
    *(f"public:{n}" for n in ("office", "first_visit", "service", "office_flyer", "service_flyer")),
    "signs_desks",
    "signs_floors",
    "signs_arrow",
    "api-v1:office_services",
    *(
        f"staff:{n}"
        for n in (
            *("office", "desks", "desk", "location", "closures", "closure_delete", "parts"),
            *("queue_setup", "group_create", "group", "kiosk_create", "kiosk", "visit_desk"),
            *("members", "member", "member_invite", "audit", "privacy", "content"),
            "content_export",
            *("content_import", "content_text", "appointments", "appointment_week"),
            *("appointment_book", "appointment", "appointment_blocks", "availability_rule"),
            *("appointment_block_delete", "appointment_mass_cancel", "appointment_conflicts"),
            *("audit_export", "office_settings", "office_logo", "hours", "special_hours_delete"),
            *("insights", "insights_export", "insights_naming"),  # issue 17: every office's figures
            *("insights_bilanz", "insights_costs", "insights_cost_delete"),  # issue 17: Bilanz
            *("invitation_withdraw", "retention"),  # issue 13: staff, the retention report
        )
    ),
}


def test_every_route_of_an_office_belongs_to_a_part_or_to_every_office():
    """A new app's route must say whether a switch governs it (register it with its part)."""
    claimed = {route for part in registered() for route in part.routes | part.kept_routes}
    unclaimed = view_names_with_office() - claimed - CORE
    assert unclaimed == set(), f"add these routes to a part (offices/parts.py) or CORE: {unclaimed}"
    url_names = view_names_with_office() | {"api-v1:appointment", "api-v1:cancel", "api-v1:ics"}
    url_names |= {"api-v1:confirm", "api-v1:reschedule"}
    assert claimed - url_names == set(), "a part claims a route that does not exist"


def test_the_api_lists_each_offices_parts(office):
    services.office_part_switch(office=office, name="queue", on=False, acting_user=COMMAND)
    listed = {o["slug"]: o["parts"] for o in Client().get("/api/v1/offices").json()}
    # Every part on by default but the queue (the knowledge base, issue 16, is on by default too).
    assert listed["giessen"] == [name for name in default_parts() if name != "queue"]


def _switch(client, name: str, switch: str):
    return client.post("/staff/giessen/parts/", {"part": name, "switch": switch})


def test_online_booking_off_hides_booking_keeps_appointments_and_comes_back(
    staff_client, office, bookable
):
    kept = book_earliest_by_phone(office, bookable["long"], name="Amal", email="amal@example.org")
    admin = staff_client(office, Role.OFFICE_ADMIN)
    assert _switch(admin, "booking", "off").status_code == 302
    assert AuditEvent.objects.filter(action="offices.part.switched_off", data__part="booking")

    public = Client()
    home = BeautifulSoup(public.get("/ar/giessen/").content, "html.parser")
    assert not home.select('a[href^="/ar/giessen/book/"]')
    assert home.select_one(".no-online-booking bdi").get_text() == office.phone
    service = "/ar/giessen/services/residence-permit/"
    assert not BeautifulSoup(public.get(service).content, "html.parser").select('a[href*="/book/"]')
    for url in ("/de/giessen/book/", "/de/giessen/book/residence-permit/"):
        assert public.get(url).status_code == 404, url
    # A booking page left open: its next step says what the office offers instead.
    left_open = public.get("/ar/giessen/book/residence-permit/")
    notice = BeautifulSoup(left_open.content, "html.parser").select_one(".part-off")
    assert left_open.status_code == 404 and notice.select_one("bdi").get_text() == office.phone
    slots = f"/api/v1/offices/giessen/availability?service={bookable['long'].pk}"
    refused = public.get(slots)
    assert refused.status_code == 404
    assert refused.json()["error"] == "part_off" and refused.json()["message"]  # the API's form
    assert (
        public.post("/api/v1/offices/giessen/appointments", "{}", "application/json").status_code
        == 404
    )
    # No new online work through the services either; staff still book for callers.
    with pytest.raises(ServiceNotOffered):
        book_online(office, bookable["short"])
    book_earliest_by_phone(office, bookable["short"], name="Bo", email="bo@example.org")
    # What exists stays: the staff calendar and the appointment's own page.
    calendar = admin.get(f"/staff/giessen/appointments/{kept.pk}/")
    assert calendar.status_code == 200 and "Amal" in calendar.content.decode()
    parts_page = admin.get("/staff/giessen/parts/").content.decode()
    assert (
        "2"
        in BeautifulSoup(parts_page, "html.parser").select_one("#part-booking").parent.get_text()
    )

    assert _switch(admin, "booking", "on").status_code == 302
    assert public.get("/de/giessen/book/residence-permit/").status_code == 200
    assert book_online(office, bookable["short"]).appointment.channel == Channel.ONLINE


def book_online(office, service):
    from schalter.appointments import selectors

    now = timezone.now()
    free = selectors.free_times(
        office,
        selectors.offered_service(office, service.pk),
        now.date(),
        now.date() + timezone.timedelta(days=10),
        now=now,
        persons=1,
        channel=Channel.ONLINE,
        cached=False,
    )
    return booking.appointment_book(
        office=office,
        service=service,
        start=free[0].start if free else now,
        channel=Channel.ONLINE,
        name="Online",
        email=f"online-{now.timestamp()}@example.org",
        now=now,
        acting_user=COMMAND,
    )


def test_walk_in_queue_off_hides_kiosks_and_displays_and_stops_tickets(staff_client, office):
    from tests.visits.conftest import walk_in

    with scopes_disabled():
        group = visits.service_group_create(
            office=office,
            name={"de": "Abholung"},
            prefix="A",
            services=list(Service.objects.filter(slug="card-pick-up")),
            acting_user=COMMAND,
        )
    screen = visits.screen_create(office=office, name="Wartebereich", acting_user=COMMAND)
    admin = staff_client(office, Role.OFFICE_ADMIN)

    def menu():
        page = BeautifulSoup(admin.get("/staff/giessen/").content, "html.parser")
        return [a["href"] for a in page.select(".staff-nav a")]

    assert "/staff/giessen/screens/" in menu()
    assert Client().get("/de/giessen/queue/").status_code == 200

    assert _switch(admin, "queue", "off").status_code == 302
    office.refresh_from_db()
    for url in (
        "/de/giessen/queue/",
        f"/giessen/display/{screen.public_id}/",
        "/giessen/kiosk/anything/",
        "/staff/giessen/screens/",
    ):
        assert Client().get(url).status_code in {404} or url.startswith("/staff"), url
    assert admin.get("/staff/giessen/screens/").status_code == 404
    assert "/staff/giessen/screens/" not in menu()
    assert "/staff/giessen/queue/" not in menu()  # nothing open today
    with pytest.raises(WalkInsNotAllowed):
        walk_in(office, group, timezone.now())

    services.office_part_switch(office=office, name="queue", on=True, acting_user=COMMAND)
    assert "/staff/giessen/screens/" in menu()
    assert Client().get(f"/giessen/display/{screen.public_id}/").status_code == 200


def test_a_part_is_not_switched_on_while_something_it_needs_is_missing(staff_client):
    bare = build_office("offenbach", desks=1)
    services.office_part_switch(office=bare, name="queue", on=False, acting_user=COMMAND)
    services.office_part_switch(office=bare, name="booking", on=False, acting_user=COMMAND)
    with pytest.raises(PartRequirementMissing) as refused:
        services.office_part_switch(office=bare, name="queue", on=True, acting_user=COMMAND)
    assert refused.value.missing
    admin = staff_client(bare, Role.OFFICE_ADMIN)
    page = admin.post("/staff/offenbach/parts/", {"part": "booking", "switch": "on"})
    assert page.status_code == 409
    alert = BeautifulSoup(page.content, "html.parser").select_one('[role="alert"]').get_text()
    assert german("No service is offered for online booking yet.") in alert
    assert Office.objects.get(pk=bare.pk).parts == [
        name for name in default_parts() if name not in ("queue", "booking")
    ]
    assert (
        admin.post("/staff/offenbach/parts/", {"part": "nonsense", "switch": "on"}).status_code
        == 400
    )
    assert (
        admin.post("/staff/offenbach/parts/", {"part": "queue", "switch": "\x00"}).status_code
        == 400
    )


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.CASEWORKER, Role.FRONT_DESK])
def test_only_the_office_admin_switches_parts(staff_client, office, role):
    assert _switch(staff_client(office, role), "booking", "off").status_code == 403
    office.refresh_from_db()
    assert office.parts == default_parts()


def test_every_registered_part_has_a_label_and_routes():
    for part in registered():
        assert part_named(part.name) is part
        assert str(part.label) and part.routes
        assert all(reverse is not None for _ in part.routes)
    assert json.dumps([p.name for p in registered()])


def _dummy_kwargs(pattern) -> dict:
    """Arguments for any route: the gate answers before the view looks at them."""
    samples = {"int": 1, "slug": "x", "str": "x", "path": "x"}
    return {
        name: samples.get(type(converter).__name__.removesuffix("Converter").lower(), "x")
        for name, converter in pattern.converters.items()
    }


def gated_routes() -> list[tuple[str, object]]:
    names = {route for part in registered() for route in part.routes}
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif (
                isinstance(p, URLPattern)
                and namespace + str(p.name) in names
                and "office" in p.pattern.converters
            ):
                found.append((namespace + p.name, p.pattern))

    walk(get_resolver().url_patterns)
    return sorted(found, key=lambda item: item[0])


@pytest.mark.parametrize("role", [None, Role.OFFICE_ADMIN, Role.CASEWORKER, Role.FRONT_DESK])
def test_every_route_of_a_switched_off_part_answers_404_to_everyone(staff_client, office, role):
    """The walk with the parts off: every role, GET and POST, each part's every route."""
    for part in registered():
        services.office_part_switch(office=office, name=part.name, on=False, acting_user=COMMAND)
    client = Client() if role is None else staff_client(office, role)
    checked = 0
    for name, pattern in gated_routes():
        kwargs = {**_dummy_kwargs(pattern), "office": office.slug}
        url = reverse(name, kwargs=kwargs)
        for method in (client.get, client.post):
            # A URL without a language is sent on to the language's (LocaleMiddleware), then 404.
            status = method(url, follow=True).status_code
            assert status == 404, (name, url, method.__name__, status)
            checked += 1
    assert checked >= 2 * 20  # both parts' routes with an office in their URL


def test_mails_of_an_office_without_online_booking_point_to_its_page(office, bookable):
    from schalter.appointments.notifications import render_appointment_mail

    appointment = book_earliest_by_phone(office, bookable["long"], name="Amal", email="a@x.org")
    services.office_part_switch(office=office, name="booking", on=False, acting_user=COMMAND)
    appointment.office.refresh_from_db()
    mail = render_appointment_mail(appointment, "cancelled_by_office", {"reason": "Umzug"})
    assert "/giessen/book/" not in mail.body and "/giessen/" in mail.body
    services.office_part_switch(office=office, name="booking", on=True, acting_user=COMMAND)
    appointment.office.refresh_from_db()
    assert "/giessen/book/" in render_appointment_mail(appointment, "cancelled_by_office").body
