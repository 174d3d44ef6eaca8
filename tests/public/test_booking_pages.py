import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.appointments.challenge import challenge_new, solve_for_tests
from schalter.appointments.models import Appointment, Status
from tests.appointments.links import mail_token

pytestmark = [pytest.mark.django_db, pytest.mark.office_per_module(bookable=True)]


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def first_time_link(client, language="de", service="residence-permit", nth=0) -> str:
    response = client.get(f"/{language}/giessen/book/{service}/")
    assert response.status_code == 200
    return page(response).select("a.time-choice")[nth]["href"]


def details(**changes):
    data = {
        "name": "Olena Kovalenko",
        "email": "olena@example.org",
        "consent": "on",
        "script": "off",
    }
    data.update(changes)
    return data


def test_service_page_shows_documents_fees_and_earliest_times(client, office, bookable):
    response = client.get("/en/giessen/book/residence-permit/")
    soup = page(response)
    assert "Passport" in soup.select_one("#documents-heading").find_next("ul").get_text()
    assert "100.00 €" in soup.get_text() and "50.00 €" in soup.get_text()
    times = soup.select("a.time-choice")
    assert times and re.search(r"/book/residence-permit/\d{8}T0800/$", times[0]["href"])


def test_book_without_javascript_then_confirm_and_cancel(
    client, office, bookable, mailoutbox, django_capture_on_commit_callbacks
):
    link = first_time_link(client, "ar")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, details())
    assert response.status_code == 302 and "/ar/giessen/book/sent/" in response["Location"]
    assert page(client.get(response["Location"])).html["dir"] == "rtl"
    mail = mailoutbox[0]
    assert mail.extra_headers["Content-Language"] == "ar"
    confirm_url = re.search(r"http://\S+/book/confirm/\S+/", mail.body).group(0)
    path = confirm_url.split("8000", 1)[1]
    shown = client.get(path)
    assert shown.status_code == 200
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.PENDING  # a GET never confirms
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.CONFIRMED
    manage = client.get(confirmed["Location"])
    assert manage.status_code == 200
    assert client.post(path).status_code == 403  # the link works once
    # One tap on "cancel" only asks (a scarce time is gone at once); the answer cancels.
    asked = client.post(confirmed["Location"], {"action": "cancel"})
    assert asked.status_code == 200
    assert page(asked).select_one(".cancel-question input[name=confirmed]")["value"] == "yes"
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.CONFIRMED
    done = client.post(confirmed["Location"], {"action": "cancel", "confirmed": "yes"})
    assert done.status_code == 302
    with scopes_disabled():
        assert Appointment.objects.get().status == Status.CANCELLED
    # A second tap, or back and again: the same clear state, no error.
    again = client.post(confirmed["Location"], {"action": "cancel", "confirmed": "yes"})
    assert again.status_code == 302
    cancelled = page(client.get(confirmed["Location"]))
    assert not cancelled.select(".kern-alert--danger")
    book_again = cancelled.select_one("main a.kern-btn--primary")["href"]
    assert book_again == "/ar/giessen/book/residence-permit/"
    assert client.get(book_again).status_code == 200


def test_move_to_another_time(
    client, office, bookable, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(first_time_link(client), details())
    code = response["Location"].rstrip("/").rsplit("/", 1)[1]
    move_url = f"/de/giessen/book/move/{code}/{mail_token(mailoutbox[-1], 'manage')}/"
    choices = page(client.get(move_url)).select("input[name=start]")
    new_start = choices[3]["value"]
    assert client.post(move_url, {"start": new_start}).status_code == 302
    with scopes_disabled():
        moved = Appointment.objects.get(code=code)
    assert moved.start.astimezone(office.zone).strftime("%Y%m%dT%H%M") == new_start


def test_with_javascript_the_proof_of_work_is_required_and_used_once(
    client, office, bookable, settings
):
    link = first_time_link(client)
    refused = client.post(link, details(script="on"))
    assert refused.status_code == 400
    payload = solve_for_tests(challenge_new(timezone.now()))
    assert client.post(link, details(script="on", altcha=payload)).status_code == 302
    again = client.post(link, details(script="on", altcha=payload, email="b@example.org"))
    assert again.status_code == 400
    with scopes_disabled():
        assert Appointment.objects.count() == 1


def test_without_javascript_only_a_few_bookings_per_day(client, office, bookable):
    statuses = []
    for n in range(5):
        statuses.append(
            client.post(
                first_time_link(client, service="card-pick-up", nth=n),
                details(email=f"p{n}@example.org"),
            ).status_code
        )
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [400, 400]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 500}, "name"),
        ({"email": "nope"}, "email"),
        ({"consent": ""}, "consent"),
        ({"phone": "12"}, "phone"),
        ({"interpreter_language": "klingon"}, "interpreter_language"),
    ],
)
def test_bad_details_are_shown_next_to_the_field(client, office, bookable, changes, field):
    response = client.post(first_time_link(client), details(**changes))
    assert response.status_code in {400, 422}
    assert page(response).select_one(f"#id_{field}")["aria-invalid"] == "true"
    with scopes_disabled():
        assert not Appointment.objects.exists()


def test_a_taken_time_offers_other_times(client, office, bookable):
    link = first_time_link(client, service="card-pick-up")
    assert client.post(link, details(email="a@example.org")).status_code == 302
    assert Client().post(link, details(email="b@example.org")).status_code == 302
    response = Client().post(link, details(email="c@example.org"))
    assert response.status_code == 409
    assert page(response).select_one(".kern-alert a")["href"].endswith("/book/card-pick-up/")


@pytest.mark.parametrize(
    "path",
    [
        "/de/giessen/book/no-such-service/",
        "/de/giessen/book/residence-permit/2026-13-99/",
        "/de/giessen/book/residence-permit/%00/",
        "/de/giessen/book/manage/XXXX/nope/",
        "/de/giessen/book/confirm/XXXX/nope/",
        "/de/nowhere/book/",
    ],
)
def test_unknown_things_are_friendly_4xx(client, office, bookable, path):
    assert 400 <= client.get(path).status_code < 500


def test_past_times_cannot_be_booked(client, office, bookable):
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%Y%m%d")
    response = client.post(f"/de/giessen/book/residence-permit/{yesterday}T0800/", details())
    assert response.status_code == 422
