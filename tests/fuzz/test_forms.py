"""Nasty input into every public and staff form and raw parameter (issue 11, "Hostile input
everywhere"). Each page is fetched as the person who uses it (anonymous, an unlocked kiosk, a
signed-in office admin); the forms on it are read from its HTML, so a form or field added later is
fuzzed without touching this file. Each example posts one of them with one field (or the pressed
button, or an extra field) replaced by a nasty value or left out, or fetches the page with a nasty
query parameter. No answer may be a 5xx, and a refused request (4xx) changes nothing saved."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.models import Membership
from schalter.accounts.roles import Role
from schalter.appointments import selectors
from schalter.appointments import services as booking
from schalter.appointments.models import (
    Appointment,
    AvailabilityRule,
    Channel,
    TimeBlock,
    WaitlistEntry,
)
from schalter.appointments.waitlist import waitlist_join
from schalter.callbacks.models import Callback, CallbackMailbox, CallbackPolicy, VoicemailPattern
from schalter.callbacks.parts import CALLBACKS
from schalter.callbacks.requests import callback_request
from schalter.callbacks.settings import MailboxValues, PatternValues, mailbox_save, pattern_save
from schalter.content.models import OfficeNotice
from schalter.content.services import office_notice_create
from schalter.insights.costs import staff_hours_add
from schalter.insights.models import ProgrammeBudget, StaffHours
from schalter.interpreters import services as interpreters
from schalter.interpreters.models import (
    Assignment,
    AvailabilityException,
    AvailabilityWindow,
    Interpreter,
    InterpreterBudget,
)
from schalter.interpreters.signin import sign_in_link_issue
from schalter.offices.models import Closure, Desk, Location, Office, OpeningHours, SpecialHours
from schalter.offices.services import closure_add, office_part_switch
from schalter.visits import services as visits
from schalter.visits.models import Kiosk, Screen, ServiceGroup, Ticket
from tests.conftest import sign_in
from tests.fuzz.conftest import tally
from tests.nasty import examples, nasty_value

pytestmark = [pytest.mark.django_db, pytest.mark.office_per_module(bookable=True)]

# Query parameters views read by hand, besides the fields of the GET forms found on each page.
QUERY_PARAMETERS = [
    "lang", "day", "week", "service", "page", "from", "persons", "start", "after", "desk",
    "group", "print", "key", "direction", "next", "q", "status", "date", "kind",
]  # fmt: skip


def next_monday_nine(office) -> datetime:
    """The coming Monday at 09:00 at the office: open (tests/conftest.py) and within the days
    that have seats, so desks, the front desk and bookings all do real work."""
    today = timezone.localdate()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime.combine(monday, time(9, 0), tzinfo=office.zone)


@dataclass
class World:
    """One office with something of every kind, and the links that reach them."""

    office: object
    now: datetime
    kiosk_key: str
    kiosk: str
    screen: str
    code: str
    manage_token: str
    confirm_token: str
    ticket_token: str
    short_service: int
    ids: dict = field(default_factory=dict)
    callback_token: str = ""
    interpreter: object = None  # in the pool, with a confirmed assignment to report (issue 15)


def build_world(office, bookable, now) -> World:
    card, permit = bookable["short"], bookable["long"]
    group = visits.service_group_create(
        office=office, name={"de": "Abholung"}, prefix="A", services=[card], acting_user=COMMAND
    )
    visits.service_group_create(
        office=office, name={"de": "Aufenthalt"}, prefix="B", services=[permit], acting_user=COMMAND
    )
    kiosk, kiosk_key = visits.kiosk_create(office=office, name="Eingang", acting_user=COMMAND)
    screen = visits.screen_create(office=office, name="Wartebereich", acting_user=COMMAND)
    notice = office_notice_create(office=office, texts={"de": "Hinweis"}, acting_user=COMMAND)
    closure = closure_add(
        office=office,
        first_day=now.date() + timedelta(days=60),
        last_day=now.date() + timedelta(days=60),
        reason={"de": "Betriebsausflug"},
        acting_user=COMMAND,
    )
    offered = selectors.offered_service(office, card.pk)
    free = selectors.free_times(
        office, offered, now.date(), now.date() + timedelta(days=14), now=now, cached=False
    )
    staff_booked = booking.appointment_book(
        office=office,
        service=card,
        start=free[0].start,
        name="Ayşe Yılmaz",
        email="ayse@example.org",
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
    )
    online = booking.appointment_book(
        office=office,
        service=card,
        start=free[-1].start,
        name="Ali Veli",
        email="ali@example.org",
        now=now,
        acting_user=CLIENT,
    )
    block = booking.time_block_add(
        office=office,
        start=now + timedelta(days=30),
        end=now + timedelta(days=30, hours=1),
        reason="Schulung",
        now=now,
        acting_user=COMMAND,
    ).block
    entry = waitlist_join(
        office=office,
        service=permit,
        name="Warte Person",
        email="warte@example.org",
        language="de",
        permit_expires=None,
        now=now,
        acting_user=CLIENT,
    )
    issued = visits.ticket_issue_walk_in(office=office, group=group, now=now, acting_user=CLIENT)
    # Last month's staff hours for the Bilanz: the figures page shows its withdraw button.
    month_last = now.date().replace(day=1) - timedelta(days=1)
    staff_hours_add(
        office=office, first_day=month_last.replace(day=1), last_day=month_last,
        hours=Decimal("310"), acting_user=COMMAND, now=now,
    )  # fmt: skip
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    requested = callback_request(
        office=office,
        number="0151 23456789",
        language="ar",
        service_id=None,
        windows=[],
        now=now,
        acting_user=CLIENT,
    )
    # The callback settings: an IMAP mailbox (nothing listens at its port) and a pattern.
    mailbox = mailbox_save(
        office=office,
        mailbox=None,
        values=MailboxValues(
            "voicemail-fuzz@giessen.example", imap_host="127.0.0.1", imap_port=9,
            imap_tls=False, imap_password="geheim",
        ),
        acting_user=COMMAND,
    )  # fmt: skip
    pattern = pattern_save(
        office=office,
        pattern=None,
        values=PatternValues(name="Fuzz", subject=r"from (?P<number>[\d ]+)"),
        acting_user=COMMAND,
    )
    # An interpreter of the pool with a confirmed assignment tomorrow (her view, the pool pages).
    amina = interpreters.interpreter_create(
        name="Amina",
        email="amina@example.org",
        languages=["prs", "fa"],
        modes=["on_site", "phone"],
        offices={office: 12},
        acting_user=COMMAND,
    )
    interpreters.availability_window_add(
        interpreter=amina,
        weekday=now.weekday() + 1,
        start=time(7),
        end=time(20),
        acting_user=COMMAND,
    )
    need = interpreters.assignment_request(
        office=office,
        language="prs",
        mode="on_site",
        start=now + timedelta(days=1),
        end=now + timedelta(days=1, hours=1),
        now=now,
        acting_user=COMMAND,
    )
    interpreters.assignment_propose(
        assignment=need, interpreter=amina, now=now, acting_user=COMMAND
    )
    interpreters.assignment_accept(
        interpreter=amina, assignment_id=need.pk, now=now, acting_user=CLIENT
    )
    with scopes_disabled():
        ids = {
            "interpreter": amina.pk,
            "assignment": need.pk,
            "desk": Desk.objects.filter(office=office).first().pk,
            "location": Location.objects.filter(office=office).first().pk,
            "closure": closure.pk,
            "group": group.pk,
            "kiosk": kiosk.pk,
            "screen": screen.pk,
            "notice": notice.pk,
            "appointment": staff_booked.appointment.pk,
            "rule": AvailabilityRule.objects.filter(office=office).first().pk,
            "block": block.pk,
            "entry": entry.pk,
            "member": Membership.objects.filter(office=office).first().pk,
            "callback": requested.callback.pk,
            "mailbox": mailbox.pk,
            "pattern": pattern.pk,
        }
    return World(
        office=office,
        now=now,
        kiosk_key=kiosk_key,
        kiosk=kiosk.public_id,
        screen=screen.public_id,
        code=online.appointment.code,
        manage_token=online.manage_token,
        confirm_token=online.confirm_token,
        ticket_token=issued.token,
        short_service=card.pk,
        ids=ids,
        callback_token=requested.token,
        interpreter=amina,
    )


def public_pages(w: World) -> dict[str, str]:
    slot = selectors.free_times(
        w.office,
        selectors.offered_service(w.office, w.short_service),
        w.now.date(),
        w.now.date() + timedelta(days=14),
        now=w.now,
        cached=False,
    )[1]
    start = slot.start.astimezone(w.office.zone).strftime("%Y%m%dT%H%M")
    book = "/de/giessen/book/"
    return {
        "office": "/de/giessen/",
        "offices": "/ar/",
        "first-visit": "/de/giessen/first-visit/",
        "service": "/fa/giessen/services/card-pick-up/",
        "book": book,
        "book-service": f"{book}card-pick-up/",
        "book-details": f"{book}card-pick-up/{start}/",
        "waitlist": f"{book}residence-permit/waitlist/",
        "confirm": f"{book}confirm/{w.code}/{w.confirm_token}/",
        "manage": f"{book}manage/{w.code}/{w.manage_token}/",
        "move": f"{book}move/{w.code}/{w.manage_token}/",
        "sent": f"{book}sent/{w.code}/",
        "queue": "/tr/giessen/queue/",
        "ticket": f"/de/giessen/ticket/{w.ticket_token}/",
        "kiosk": f"/giessen/kiosk/{w.kiosk}/",
        "display": f"/giessen/display/{w.screen}/",
        "display-calls": f"/giessen/display/{w.screen}/calls.json",
        "callback": "/ar/giessen/callback/",
        "callback-status": f"/ar/giessen/callback/{w.callback_token}/",
        "callback-withdraw": f"/de/giessen/callback/{w.callback_token}/withdraw/",
        # The interpreter's own view before she is signed in (issue 15).
        "interpreter": "/fa/interpreter/",
        "interpreter-sign-in": "/de/interpreter/sign-in/not-a-token/",
        # Staff sign-in is public until it succeeds: its forms take the same nasty input.
        "sign-in": "/staff/login/",
    }


STAFF_PAGES = {
    # URL name: the id it takes (a key of World.ids), or None.
    "office": None,
    "desks": None,
    "desk": "desk",
    "location": "location",
    "closures": None,
    "queue_setup": None,
    "group_create": None,
    "group": "group",
    "kiosk_create": None,
    "kiosk": "kiosk",
    "screens": None,
    "screen_create": None,
    "screen": "screen",
    "notices": None,
    "notice_create": None,
    "notice": "notice",
    "members": None,
    "audit": None,
    "privacy": None,
    "retention": None,  # issue 13: a report, GET only
    # Switching parts: a nasty value is refused; a valid switch of a part (possible when
    # hypothesis leaves the form as it is) only hides pages later examples then see as 404.
    "parts": None,
    "content": None,
    "content_import": None,
    "appointments": None,
    "appointment_week": None,
    "appointment_book": None,
    "appointment": "appointment",
    "appointment_blocks": None,
    "appointment_mass_cancel": None,
    "appointment_conflicts": None,
    "availability_rule": "rule",
    "visit_desk": None,
    "visit_queue": None,
    "waitlist": None,
    "content_text": "office",
    "member": "member",
    "member_invite": None,
    "planning": None,
    "interpreters": None,
    "knowledge": None,
    "knowledge_new": None,
    "knowledge_reading": None,
    "knowledge_notes": None,
    "insights": None,
    "office_settings": None,
    "hours": None,
    "callbacks": None,
    "callback": "callback",
    "callback_audio": "callback",
    # The office admin's callback settings: rules, a mailbox, a pattern (and new ones).
    "callback_settings": None,
    "callback_mailbox_new": None,
    "callback_mailbox": "mailbox",
    "callback_pattern_new": None,
    "callback_pattern": "pattern",
    "interpreter_pool": None,  # the pool and one interpreter's availability (issue 15)
    "interpreter_pool_member": "interpreter",
    "planning_plans": None,  # its review buttons post signed plans to planning_apply
}
# Pages whose forms post elsewhere (the delete and update buttons) are reached through these.
POST_ONLY = [
    "closure_delete", "notice_delete", "appointment_block_delete", "waitlist_entry_update",
    "waitlist_offer", "language", "planning_apply", "office_logo", "special_hours_delete",
    "callback_claim", "callback_release", "callback_attempt", "callback_book",
    "insights_naming",  # the consent button on the figures page
    "interpreter_budget_update", "interpreter_callback_request",
    "invitation_withdraw",  # its button sits on the members page
    "insights_costs", "insights_cost_delete",  # the Bilanz's costs forms on the figures page
]  # fmt: skip
PUBLIC_PAGES = [
    "office", "offices", "first-visit", "service", "book", "book-service", "book-details",
    "waitlist", "confirm", "manage", "move", "sent", "queue", "ticket", "kiosk", "display",
    "display-calls", "sign-in", "callback", "callback-status", "callback-withdraw",
    "interpreter", "interpreter-sign-in",
]  # fmt: skip


def staff_url(w: World, name: str) -> str:
    key = STAFF_PAGES[name]
    if name == "content_text":  # the office's own directions
        kwargs = {"kind": "office", "pk": w.office.pk, "field": "directions"}
    else:
        kwargs = {"pk": w.ids[key]} if key else {}
    return reverse(f"staff:{name}", kwargs={"office": "giessen", **kwargs})


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]]
    buttons: list[tuple[str, str]]


def forms_on(html: str, page: str) -> tuple[list[Form], set[str]]:
    """The POST forms of a page, with the values a browser would send, and the names of the
    fields of its GET forms (they arrive as query parameters)."""
    soup = BeautifulSoup(html, "html.parser")
    posts, query = [], set()
    for form in soup.find_all("form"):
        controls = form.find_all(["input", "select", "textarea", "button"])
        if (form.get("method") or "get").lower() != "post":
            query |= {c["name"] for c in controls if c.get("name")}
            continue
        fields, buttons = [], []
        for control in controls:
            name = control.get("name")
            kind = (control.get("type") or "").lower()
            if not name or name == "csrfmiddlewaretoken":
                continue
            if control.name == "button" or kind == "submit":
                buttons.append((name, control.get("value", "")))
            elif control.name == "select":
                chosen = control.find("option", selected=True) or control.find("option")
                fields.append((name, chosen.get("value", chosen.text) if chosen else ""))
            elif control.name == "textarea":
                fields.append((name, control.text))
            elif kind in ("checkbox", "radio"):
                if control.has_attr("checked") or kind == "checkbox":
                    fields.append((name, control.get("value", "on")))
            else:
                fields.append((name, control.get("value", "")))
        posts.append(Form(urlsplit(form.get("action") or page).path or page, fields, buttons))
    return posts, query


def snapshot() -> dict:
    """What a refused request must leave as it was."""
    with scopes_disabled():
        return {
            model.__name__: sorted(model.objects.values_list("pk", flat=True))
            for model in (
                Appointment, WaitlistEntry, Ticket, Closure, TimeBlock, Desk, ServiceGroup,
                Kiosk, Screen, OfficeNotice, AvailabilityRule, OpeningHours, SpecialHours,
            )
        } | {
            "office": sorted(Office.objects.values_list("pk", "phone", "email", "street")),
            "hours": sorted(OpeningHours.objects.values_list("pk", "weekday", "opens", "closes")),
            "statuses": sorted(Appointment.objects.values_list("pk", "status")),
            "names": sorted(Appointment.objects.values_list("pk", "name")),
            "callbacks": sorted(Callback.objects.values_list("pk", "state", "outcome")),
            "interpreters": sorted(Interpreter.objects.values_list("pk", "active", "languages")),
            "windows": sorted(AvailabilityWindow.objects.values_list("pk", flat=True)),
            "exceptions": sorted(AvailabilityException.objects.values_list("pk", flat=True)),
            "budgets": sorted(InterpreterBudget.objects.values_list("pk", "amount")),
            "staff_hours": sorted(StaffHours.objects.values_list("pk", "hours", "first_day")),
            "programme": sorted(ProgrammeBudget.objects.values_list("pk", "amount", "first_day")),
            "assignments": sorted(
                Assignment.across_offices.values_list("pk", "state", "reported_end", "km")
            ),
            "callback_settings": [
                sorted(CallbackMailbox.objects.values_list(
                    "pk", "address", "active", "imap_host", "imap_port", "imap_password"
                )),
                sorted(VoicemailPattern.objects.values_list("pk", "name", "subject", "headers")),
                sorted(CallbackPolicy.objects.values_list(
                    "pk", "promise_working_days", "promise_hours", "retention_days"
                )),
            ],
        }  # fmt: skip


@pytest.fixture
def world(office, bookable, settings, make_staff):
    settings.SCHALTER_CAPTCHA = False
    settings.SCHALTER_RATE_LIMITS = False
    now = next_monday_nine(office)
    with time_machine.travel(now, tick=True):
        make_staff(office, Role.CASEWORKER)  # a member to show
        # Parts off by default, switched on so that their forms are fuzzed too.
        office_part_switch(office=office, name="planning", on=True, acting_user=COMMAND)
        office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
        yield build_world(office, bookable, now)


def fuzz_page(client: Client, url: str, data) -> None:
    """One example: a nasty post into one of the page's forms, or a nasty query parameter."""
    page = client.get(url)
    assert tally(page.status_code) < 500, (url, page.content[:1000])
    html = page.content.decode() if page.get("Content-Type", "").startswith("text/html") else ""
    forms, query = forms_on(html, url)
    forms = [f for f in forms if not f.action.endswith(("/logout/", "/sign-out/"))]  # stay in
    # The same draws in the same order whatever the page shows now (an earlier example may have
    # cancelled the appointment it manages): choices are indices taken modulo what is there.
    value = data.draw(nasty_value(), label="value")
    post = data.draw(st.booleans(), label="post")
    form_at, button_at, field_at, param_at = (
        data.draw(st.integers(0, 999), label=label)
        for label in ("form", "button", "field", "param")
    )
    drop = data.draw(st.integers(0, 9), label="drop") == 0
    if forms and post:
        form = forms[form_at % len(forms)]
        fields = dict(form.fields)
        if form.buttons:
            name, pressed = form.buttons[button_at % len(form.buttons)]
            fields[name] = pressed
        targets = [*fields, "lang", "extra"]
        target = targets[field_at % len(targets)]
        if drop:
            fields.pop(target, None)
        else:
            fields[target] = value
        before = snapshot()
        response = client.post(form.action, fields)
        where = ("POST", form.action, target)
    else:
        names = sorted({*QUERY_PARAMETERS, *query})
        name = names[param_at % len(names)]
        before = snapshot()
        response = client.get(url, {name: value})
        where = ("GET", url, name)
    assert tally(response.status_code) < 500, (*where, value, response.content[:2000])
    if response.status_code >= 400:
        assert snapshot() == before, where  # refused: nothing saved was changed or lost


FUZZ = settings(max_examples=examples(5), suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("page", PUBLIC_PAGES)
@FUZZ
@given(data=st.data())
def test_public_pages_take_nasty_input_without_a_5xx(world, page, data):
    client = Client()
    if page == "kiosk":  # unlocked, as the office's kiosk is
        client.get(f"/giessen/kiosk/{world.kiosk}/", {"key": world.kiosk_key})
    fuzz_page(client, public_pages(world)[page], data)


INTERPRETER_PAGES = ["home", "report"]


@pytest.mark.parametrize("page", INTERPRETER_PAGES)
@FUZZ
@given(data=st.data())
def test_the_interpreters_own_view_takes_nasty_input_without_a_5xx(world, page, data):
    """Her own view, signed in by her magic link: answering requests and reporting times."""
    client = Client()
    token = sign_in_link_issue(interpreter=world.interpreter, now=timezone.now())
    client.post(f"/de/interpreter/sign-in/{token}/")
    url = {
        "home": "/de/interpreter/",
        "report": f"/de/interpreter/{world.ids['assignment']}/report/",
    }[page]
    fuzz_page(client, url, data)


@pytest.fixture
def admin(world, make_staff, office):
    """An office admin (who may do everything in the office), signed in with two factors."""
    return sign_in(Client(), make_staff(office, Role.OFFICE_ADMIN))


@pytest.mark.parametrize("page", sorted(STAFF_PAGES))
@FUZZ
@given(data=st.data())
def test_staff_pages_take_nasty_input_without_a_5xx(world, admin, page, data):
    fuzz_page(admin, staff_url(world, page), data)


def test_every_staff_page_is_fuzzed():
    """A new staff URL fails here until it is added to STAFF_PAGES (or POST_ONLY, whose forms
    sit on the pages listed)."""
    staff = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "staff"
    )
    names = {p.name for p in staff.url_patterns if isinstance(p, URLPattern)}
    # Sign-in has tests of its own; figures are the ministry's; the export takes no input.
    # Account links (a token in the query) have theirs too (tests/staff/test_members.py).
    outside = {"login", "login_code", "login_setup", "logout", "home", "figures", "content_export"}
    outside |= {"account_link"}
    # The audit export reads the audit page's filters (fuzzed there) and streams its answer;
    # the operator's pages are the operator's (tests/staff/test_operator.py).
    outside |= {"audit_export", "installation", "installation_office_create"}
    outside |= {"installation_office", "installation_office_suspension"}
    outside |= {"installation_catalogue", "installation_catalogue_text"}
    # Pages of one article, revision or service (their kwargs are not `pk`) and the
    # interpreters' downloads: hostile input there is tests/fuzz/test_knowledge.py's and
    # tests/interpreters' (Markdown with scripts, huge pastes; reports, mode switches).
    outside |= {"knowledge_article", "knowledge_edit", "knowledge_submit", "knowledge_revision"}
    outside |= {"knowledge_approve", "knowledge_compare", "knowledge_read", "knowledge_adopt"}
    outside |= {"knowledge_comment", "knowledge_others", "knowledge_note_create"}
    outside |= {"interpreter_costs_csv", "interpreter_costs_xlsx", "interpreter_statement"}
    outside |= {"interpreter_mode_update"}
    # The figures' exports read their page's filters (fuzzed there) and stream their answer.
    outside |= {"insights_export", "figures_export"}
    # The Bilanz PDFs read the same filters; bad periods: tests/insights/test_bilanz.py.
    outside |= {"insights_bilanz", "figures_bilanz"}
    assert names - outside - set(POST_ONLY) == set(STAFF_PAGES)
