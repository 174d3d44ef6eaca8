"""The interpreter's own view (German by default, so messages are checked in German): the magic
link (single use, expiry), what she sees (her own assignments only, no case data beyond the first
name), answering, late acceptances, reports. Also her tenancy walk: every interpreter route with
an id, aimed at another interpreter's assignment, answers 404 or 409 and changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from schalter.accounts.actors import COMMAND
from schalter.interpreters import services
from schalter.interpreters.models import Assignment, AssignmentEvent, AssignmentState
from schalter.interpreters.signin import (
    LINK_LIFETIME,
    LINK_REQUESTS_PER_ADDRESS,
    LINK_REQUESTS_PER_MAILBOX,
    sign_in_link_issue,
)
from tests.interpreters.conftest import NOW, TUESDAY_9, make_interpreter
from tests.staff.test_tenancy_walk import every_route

pytestmark = pytest.mark.django_db
HOME = "/de/interpreter/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in_client(client, interpreter):
    token = sign_in_link_issue(interpreter=interpreter, now=NOW)
    response = client.post(f"/de/interpreter/sign-in/{token}/")
    assert response.status_code == 302
    return client


@pytest.fixture
def two(office, other_office):
    amina = make_interpreter({office: Decimal(5), other_office: Decimal(8)}, name="Amina")
    bahar = make_interpreter({office: Decimal(40)}, name="Bahar")
    return amina, bahar


def proposed(office, interpreter, start=TUESDAY_9, mode="on_site"):
    assignment = services.assignment_request(
        office=office,
        language="prs",
        mode=mode,
        start=start,
        end=start + timedelta(hours=1),
        now=NOW,
        client_first_name="Farid Ahmadi",
        joining_details="https://video.example.org/room-17" if mode == "video" else "",
        acting_user=COMMAND,
    )
    return services.assignment_propose(
        assignment=assignment, interpreter=interpreter, now=NOW, acting_user=COMMAND
    )


def test_a_magic_link_works_once(client, two):
    amina, _ = two
    token = sign_in_link_issue(interpreter=amina, now=NOW)
    path = f"/de/interpreter/sign-in/{token}/"
    assert client.get(path).status_code == 200  # a mail scanner following it spends nothing
    assert client.post(path).status_code == 302
    assert client.get(HOME).context["interpreter"] == amina
    other = client.__class__()
    used = other.post(path)
    assert used.status_code == 403
    assert "schon benutzt oder ist abgelaufen" in used.content.decode()


def test_a_magic_link_expires(client, two):
    amina, _ = two
    token = sign_in_link_issue(interpreter=amina, now=NOW)
    with time_machine.travel(NOW + LINK_LIFETIME + timedelta(seconds=1), tick=False):
        assert client.post(f"/de/interpreter/sign-in/{token}/").status_code == 403


def test_a_link_is_mailed_only_to_an_interpreter(client, two, mailoutbox):
    assert client.post(HOME, {"email": "amina@example.org"}).status_code == 200
    assert client.post(HOME, {"email": "nobody@example.org"}).status_code == 200
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["amina@example.org"]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/interpreter/sign-in/" in line)
    assert client.post(link[link.index("/de/") :]).status_code == 302


def test_a_flood_of_link_requests_mails_her_a_few_times_only(client, two, mailoutbox):
    """Asking for her link again and again (from many addresses) must not flood her mailbox; the
    page answers alike, so it still tells nobody who is in the pool."""
    for n in range(LINK_REQUESTS_PER_ADDRESS + 5):
        answer = client.post(HOME, {"email": "amina@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")
        assert answer.status_code == 200 and answer.context["sent"] is True
    assert len(mailoutbox) == LINK_REQUESTS_PER_MAILBOX


def test_one_address_asking_for_many_links_is_turned_away(client, two, mailoutbox):
    for n in range(LINK_REQUESTS_PER_ADDRESS):
        assert client.post(HOME, {"email": f"x{n}@example.org"}).status_code == 200
    answer = client.post(HOME, {"email": "amina@example.org"})
    assert answer.status_code == 429 and mailoutbox == []


def test_she_sees_her_assignments_across_offices_and_nothing_of_the_case(
    client, two, office, other_office
):
    amina, bahar = two
    proposed(office, amina)
    proposed(other_office, amina, start=TUESDAY_9 + timedelta(hours=3), mode="video")
    proposed(office, bahar, start=TUESDAY_9 + timedelta(hours=6))
    page = signed_in_client(client, amina).get(HOME)
    assert len(page.context["rows"]) == 2
    text = page.content.decode()
    assert "Farid" in text and "Ahmadi" not in text
    assert "https://video.example.org/room-17" in text
    assert "15:00" not in text  # Bahar's assignment at 15:00 is not hers


def test_accepting_and_a_late_acceptance(client, two, office):
    amina, bahar = two
    assignment = proposed(office, amina)
    signed_in_client(client, amina)
    response = client.post(
        reverse("public:interpreter_answer", kwargs={"pk": assignment.pk}), {"action": "decline"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.interpreter == bahar
    late = client.post(
        reverse("public:interpreter_answer", kwargs={"pk": assignment.pk}), {"action": "accept"}
    )
    assert late.status_code == 409
    assert "nicht mehr offen" in late.content.decode()
    assignment.refresh_from_db()
    assert assignment.interpreter == bahar and assignment.state == AssignmentState.PROPOSED


def test_reports_are_checked_in_her_language(client, two, office):
    amina, _ = two
    assignment = proposed(office, amina)
    signed_in_client(client, amina)
    client.post(
        reverse("public:interpreter_answer", kwargs={"pk": assignment.pk}), {"action": "accept"}
    )
    path = reverse("public:interpreter_report", kwargs={"pk": assignment.pk})
    body = {
        "start": "2026-03-03T09:00",
        "end": "2026-03-03T10:10",
        "travel_before_minutes": 30,
        "travel_after_minutes": 30,
        "waiting_minutes": 15,
        "km": "40",
    }
    too_long = client.post(path, {**body, "end": "2026-03-04T09:30"})
    assert too_long.status_code == 400 and "mehr als 24 Stunden" in too_long.content.decode()
    negative = client.post(path, {**body, "km": "-5"})
    assert negative.status_code == 400 and "nicht negativ sein" in negative.content.decode()
    no_amount = client.post(path, {**body, "receipt_missing_amount": "on"})
    assert no_amount.status_code == 400 and "braucht einen Betrag" in no_amount.content.decode()
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED  # nothing lost, nothing half-written
    assert client.post(path, {**body, "rail_fare": "12,40"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.REPORTED
    assert assignment.receipts == [{"kind": "rail", "amount": "12.40"}]


def test_she_is_told_what_happened_and_her_card_reads_right_to_left(client, two, office):
    amina, _ = two
    assignment = proposed(office, amina)
    signed_in_client(client, amina)
    home = client.get("/fa-af/interpreter/").content.decode()
    # The time range stays "09:00–10:00" in an RTL page (as the office's hours do), and the
    # office's German name and address are marked German for her screen reader.
    assert '<span class="period" dir="ltr">09:00–10:00</span>' in home
    assert f'<span lang="de" dir="ltr">{office.name_in("de")}, ' in home
    answer = f"/fa-af/interpreter/{assignment.pk}/answer/"
    accepted = client.post(answer, {"action": "accept"}, follow=True)
    assert "این مأموریت را پذیرفتید." in accepted.content.decode()
    body = {
        "start": "2026-03-03T09:00",
        "end": "2026-03-03T10:00",
        "travel_before_minutes": 0,
        "travel_after_minutes": 0,
        "waiting_minutes": 0,
        "km": "1",
    }
    reported = client.post(f"/fa-af/interpreter/{assignment.pk}/report/", body, follow=True)
    assert "تشکر: گزارش شما فرستاده شد." in reported.content.decode()


INTERPRETER_ROUTES = {
    "public:interpreter_answer": [{"action": "accept"}, {"action": "decline"}],
    "public:interpreter_report": [
        {"start": "2026-03-03T09:00", "end": "2026-03-03T10:00", "km": "1"},
    ],
}


def test_the_interpreter_tenancy_walk(client, two, office):
    """Every interpreter route with an id (read from the URLconf), by GET and POST, signed in as
    Bahar and aimed at Amina's assignments in every state: never 2xx with her data, never a
    change."""
    routes = [r for r in every_route() if r.startswith("public:interpreter_")]
    with_ids = [r for r in routes if _takes_an_id(r)]
    assert sorted(with_ids) == sorted(INTERPRETER_ROUTES)
    amina, bahar = two
    hers = [proposed(office, amina)]
    confirmed = proposed(office, amina, start=TUESDAY_9 + timedelta(hours=2))
    services.assignment_accept(
        interpreter=amina, assignment_id=confirmed.pk, now=NOW, acting_user=COMMAND
    )
    hers.append(confirmed)
    signed_in_client(client, bahar)
    before = _snapshot()
    for route, bodies in INTERPRETER_ROUTES.items():
        for assignment in hers:
            path = reverse(route, kwargs={"pk": assignment.pk})
            answers = [client.get(path).status_code]
            answers += [client.post(path, body).status_code for body in bodies]
            assert all(code in (404, 405, 409) for code in answers), (route, answers)
            assert "Farid" not in client.get(path).content.decode()
    assert _snapshot() == before


def _takes_an_id(route: str) -> bool:
    try:
        reverse(route, kwargs={"pk": 1})
    except NoReverseMatch:
        return False
    return True


def _snapshot():
    return (
        list(Assignment.across_offices.order_by("pk").values()),
        AssignmentEvent.across_offices.count(),
    )
