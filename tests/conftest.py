"""Fixtures shared by every test: offices with desks and staff, built through the services."""

import os
import sys
from datetime import time
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, transaction
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.accounts.services import membership_grant, staff_user_create
from schalter.catalog.models import Service
from schalter.offices import services
from schalter.offices.models import Office

# Property tests judge behaviour, not speed (that is `make bench`'s job): no per-example deadline,
# which a busy 2-core machine would otherwise turn into random failures.
hypothesis_settings.register_profile("schalter", deadline=None)
hypothesis_settings.load_profile("schalter")

# The live test server (one per worker, started by the first test that needs it) accepts at most
# Django's 10 waiting connections; the races open 40 at once, and the kernel resets the ones that
# overflow its accept queue (seen as "connection reset by peer"), which is the test harness
# failing, not the code under test. Room for every client of the largest race.
ThreadedWSGIServer.request_queue_size = 128

# Playwright's sync API keeps an event loop in the test thread; Django's ORM is still only
# touched synchronously from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"


def build_office(slug: str, *, desks: int = 3) -> Office:
    office = services.office_create(
        slug=slug,
        name={"de": f"Ausländerbehörde {slug.title()}", "en": f"Immigration office {slug}"},
        street="Berliner Platz 1",
        postcode="35390",
        city=slug.title(),
        phone="+496413060",
        email=f"abh@{slug}.example",
        directions={"de": "Bus 1 bis Rathaus."},
        languages_served=["de", "en", "ar", "ku"],
        acting_user=COMMAND,
    )
    morning = [(time(8, 0), time(12, 0))]
    services.opening_hours_set(
        office=office, weekly={0: morning, 1: morning, 3: morning, 4: morning}, acting_user=COMMAND
    )
    building = services.location_create(
        office=office,
        name={"de": "Hauptgebäude"},
        street="Berliner Platz 1",
        lowest_floor=0,
        highest_floor=2,
        acting_user=COMMAND,
    )
    service = Service.objects.get_or_create(
        slug="card-pick-up", defaults={"name": {"de": "eAT-Abholung"}}
    )[0]
    for number in range(1, desks + 1):
        services.desk_create(
            office=office,
            location=building,
            number=number,
            colour=("blue", "green", "red")[number % 3],
            floor=number % 3,
            room=f"{number % 3}.{number:02d}",
            services=[service],
            acting_user=COMMAND,
        )
    return office


def built_once(django_db_blocker, build):
    """For a module-scoped fixture (`yield from built_once(django_db_blocker, build)`): set-up built
    once per module, like Django's TestCase.setUpTestData. `build()` runs in a transaction that is
    rolled back after the module's last test; each test runs in a savepoint inside it (the `db`
    fixture), so whatever a test writes is undone before the next one sees the data."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            built = build()
            # The foreign keys checked now, in the module's transaction: left deferred, the
            # checks would wait in PostgreSQL's queue and run again at each test's end (Django's
            # TestCase checks constraints before it rolls back the test's savepoint, and the
            # rollback puts them back), seconds per test after a demo's hundred thousand rows.
            connection.check_constraints()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module", autouse=True)
def office_per_module(request):
    """Modules marked `office_per_module` share one `office` (and, with bookable=True, one
    `bookable` offer) built once per module; each test still gets fresh instances of them and
    sees them unchanged. Unmarked modules build them per test."""
    marker = request.node.get_closest_marker("office_per_module")
    if marker is None:
        yield None
        return
    request.getfixturevalue("django_db_setup")

    def build():
        built = build_office("giessen")
        offer = make_bookable(built) if marker.kwargs.get("bookable") else {}
        return SimpleNamespace(office=built.pk, bookable={key: s.pk for key, s in offer.items()})

    yield from built_once(request.getfixturevalue("django_db_blocker"), build)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = item.get_closest_marker("office_per_module")
        if marker is None:
            continue
        # One xdist worker runs the whole module (`--dist loadgroup`), so it builds the office once.
        item.add_marker(pytest.mark.xdist_group(item.module.__name__))
        db = item.get_closest_marker("django_db")
        transactional = {"transactional_db", "live_server"} & set(item.fixturenames)
        if transactional or (db is not None and db.kwargs.get("transaction")):
            raise pytest.UsageError(f"{item.nodeid}: office_per_module needs rolled-back tests")
        wants = set(item.fixturenames)
        if marker.kwargs.get("bookable") and "office" in wants and "bookable" not in wants:
            raise pytest.UsageError(f"{item.nodeid}: its module shares `bookable`; ask for it")
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        for item in items:
            group_by_xdist_mark(item)
    if hasattr(config, "workerinput"):  # an xdist worker: what it collects is the queue's order
        items[:] = slowest_first(items)


# Longest first (scripts/run-tests passes --no-loadscope-reorder, so xdist hands out the work in
# this order): a slow test or group that starts last keeps one worker busy while the other has
# nothing left. Seconds per test from `--durations` on a busy two-core machine (only the order
# matters); a test of a file not listed counts by its kind (SLOW_KINDS), else FAST_SECONDS.
SLOW_TESTS = {
    "tests/topology/test_proxy.py": 180,  # the group's first: it starts the topology (PostgreSQL)
    "tests/topology/test_backup.py": 50,
    "tests/staff/test_tenancy_walk.py::test_staff_walk": 170,
    # The demo with 4 weeks' history, seeded once for the module, then optimised per office.
    "tests/demo/test_seed.py::test_demo_has_the_offices": 110,
    "tests/demo/test_seed.py::test_the_recommended_plan": 12,
    "tests/printing/test_pdf_load.py::test_a_busy_render_slot": 60,
    "tests/test_production_settings.py::test_production_sends": 20,
    "tests/test_production_settings.py::test_https_redirect": 20,
    "tests/test_production_settings.py::test_check_deploy": 16,
    "tests/offices/test_office_admin.py::test_a_fresh_flyer": 45,
    "tests/staff/test_tenancy_walk.py": 38,
    "tests/staff/test_login_admin.py::test_local_settings": 26,
    "tests/staff/test_login_admin.py::test_production": 17,
    "tests/planning/test_validation.py": 15,
    "tests/test_architecture.py::test_import_cycles": 20,
    "tests/visits/test_wait_agreement.py": 18,
    "tests/fuzz/test_api_schema.py": 5,
}
SLOW_KINDS = {
    "tests/browser/": 15,  # Chromium, a live server, axe on every page
    "tests/topology/": 15,  # processes of their own
    "tests/faults/": 15,
    "tests/concurrency/": 8,
}
FAST_SECONDS = 0.5


def expected_seconds(nodeid: str) -> float:
    for prefix, seconds in SLOW_TESTS.items():
        if nodeid.startswith(prefix):
            return seconds
    for prefix, seconds in SLOW_KINDS.items():
        if nodeid.startswith(prefix):
            return seconds
    return FAST_SECONDS


def slowest_first(items: list) -> list:
    """The modules by the time their tests take, longest first, each module's tests in their
    own order (its module-scoped fixtures are built once). A module with tests of an xdist group
    counts the whole group's time, so that the group starts with its longest module."""
    modules: dict[str, float] = {}
    groups: dict[str, float] = {}
    for item in items:
        seconds = expected_seconds(item.nodeid)
        module = item.nodeid.split("::")[0]
        modules[module] = modules.get(module, 0) + seconds
        for mark in item.iter_markers("xdist_group"):
            name = str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            groups[name] = groups.get(name, 0) + seconds
    for item in items:
        module = item.nodeid.split("::")[0]
        for mark in item.iter_markers("xdist_group"):
            name = str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            modules[module] = max(modules[module], groups[name])
    order = {item: index for index, item in enumerate(items)}
    return sorted(items, key=lambda item: (-modules[item.nodeid.split("::")[0]], order[item]))


def group_by_xdist_mark(item) -> None:
    """xdist 3.8 tells the scheduler an item's `xdist_group` by appending `@group` to its node id,
    which pytest 9.2 no longer takes (pytest-dev/pytest-xdist#1386): set it where pytest keeps it.
    Does nothing once xdist has done it itself."""
    groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                     for m in item.iter_markers("xdist_group")})  # fmt: skip
    suffix = "@" + "_".join(groups)
    if groups and not item.nodeid.endswith(suffix):
        item._id = type(item._id).parse(item.nodeid + suffix)


@pytest.fixture
def office(db, office_per_module) -> Office:
    if office_per_module is not None:
        return Office.objects.get(pk=office_per_module.office)
    return build_office("giessen")


@pytest.fixture
def other_office(db) -> Office:
    return build_office("darmstadt")


def totp_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return (
        f"{TOTP(device.bin_key, step=device.step, digits=device.digits).token():0{device.digits}d}"
    )


@pytest.fixture
def make_staff(db):
    """make_staff(office, role) -> a user with password, enrolled authenticator and the role."""
    counter = iter(range(1, 10_000))

    def make(office: Office | None, role: str, *, enrolled: bool = True) -> User:
        user = staff_user_create(
            username=f"{role}-{next(counter)}",
            password=PASSWORD,
            full_name="Test Person",
            acting_user=COMMAND,
        )
        if enrolled:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        membership_grant(user=user, office=office, role=role, acting_user=COMMAND)
        return user

    return make


def sign_in(client: Client, user: User) -> Client:
    """The real two-step sign-in: password, then the current TOTP code."""
    response = client.post("/staff/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    response = client.post("/staff/login/code/", {"code": totp_code(user)})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def staff_client(make_staff):
    """staff_client(office, role) -> a Client signed in with two factors."""

    def make(office: Office | None, role: str = Role.OFFICE_ADMIN) -> Client:
        return sign_in(Client(), make_staff(office, role))

    return make


def german(msgid: str) -> str:
    """The German text of a message: staff pages speak German unless the browser asks otherwise."""
    from django.utils import translation

    with translation.override("de"):
        return translation.gettext(msgid)


def make_bookable(
    office: Office, *, capacity_online: int = 2, capacity_staff: int = 1, days: int = 21
) -> dict:
    """Offer two services (10 and 30 minutes) on weekday mornings and create the seats."""
    from datetime import date, timedelta

    from django.utils import timezone

    from schalter.appointments import services as booking

    short = Service.objects.get_or_create(
        slug="card-pick-up", defaults={"name": {"de": "eAT-Abholung"}}
    )[0]
    long = Service.objects.get_or_create(
        slug="residence-permit",
        defaults={
            "name": {"de": "Aufenthaltserlaubnis erteilen", "en": "Residence permit"},
            "base_fee": "100.00",
            "documents": [{"de": "Reisepass", "en": "Passport"}],
        },
    )[0]
    booking.office_service_set(
        office=office, service=short, duration_minutes=10, acting_user=COMMAND
    )
    booking.office_service_set(
        office=office, service=long, duration_minutes=30, max_persons=3, acting_user=COMMAND
    )
    today = timezone.localdate()
    for weekday in range(5):
        booking.availability_rule_add(
            office=office,
            weekday=weekday,
            start=time(8, 0),
            end=time(12, 0),
            capacity_online=capacity_online,
            capacity_staff=capacity_staff,
            services=[short, long],
            valid_from=date(2020, 1, 1),
            acting_user=COMMAND,
        )
    booking.seats_generate(office=office, first_day=today, last_day=today + timedelta(days=days))
    return {"short": short, "long": long}


@pytest.fixture
def bookable(office, office_per_module):
    if office_per_module is not None and office_per_module.bookable:
        return {key: Service.objects.get(pk=pk) for key, pk in office_per_module.bookable.items()}
    return make_bookable(office)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Availability is cached for a second per process; each test starts without it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def offices_language():
    """Each test starts in the offices' language (German), whatever an earlier test of its
    process left active (a request or a mail in Dari leaves Dari active in the thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def book_earliest_by_phone(office: Office, service: Service, **client):
    """Book the earliest free online time of a service as staff would for a caller (confirmed at
    once). `client` gives name, email, phone, language."""
    from datetime import timedelta

    from django.utils import timezone

    from schalter.appointments import selectors
    from schalter.appointments import services as booking
    from schalter.appointments.models import Channel

    now = timezone.now()
    free = selectors.free_times(
        office,
        selectors.offered_service(office, service.pk),
        now.date(),
        now.date() + timedelta(days=10),
        now=now,
        persons=1,
        channel=Channel.ONLINE,
        cached=False,
    )
    return booking.appointment_book(
        office=office,
        service=service,
        start=free[0].start,
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
        **client,
    ).appointment


@pytest.fixture
def sms_gateway(settings):
    """A real HTTP SMS gateway on this machine, with settings pointing `HttpSms` at it.
    `received` holds (Authorization header, JSON body) per message; set `status` to a 5xx to
    make the gateway refuse."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from types import SimpleNamespace

    gateway = SimpleNamespace(received=[], status=202)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length))
            if gateway.status < 300:
                gateway.received.append((self.headers["Authorization"], body))
            self.send_response(gateway.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    settings.SCHALTER_SMS_BACKEND = "schalter.sms.HttpSms"
    settings.SCHALTER_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/send"
    settings.SCHALTER_SMS_KEY = "k3y"
    yield gateway
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one per test process for every test that needs a
    browser (browser tests, the topology's flows): a second sync Playwright in the same process
    would fail inside the first one's event loop."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
