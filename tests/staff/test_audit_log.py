"""The audit log in words (issue 13, item 6): one sentence per action name, filters by person,
kind and date, pages, links to records that still exist, and a streamed CSV export."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

import schalter
from schalter.accounts import audit_words
from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.accounts.services import audit_record
from schalter.appointments import services as booking
from schalter.appointments.models import Appointment
from tests.conftest import book_earliest_by_phone

pytestmark = pytest.mark.django_db

APPS = "accounts|offices|appointments|visits|content|insights|privacy|callbacks|interpreters"
APPS += "|knowledge|planning|catalog"
ACTION_LITERAL = re.compile(rf"[\"']((?:{APPS})\.[a-z_]+\.[a-z_]+)[\"']")
# Action names built from a variable, with every value they take.
BUILT_ACTIONS = {
    "appointments.appointment.arrived",
    "appointments.appointment.no_show",
    "accounts.login.password_failed",
    "accounts.login.code_failed",
    "offices.part.switched_on",
    "offices.part.switched_off",
}
# Dotted strings of that shape that are no audit action.
NOT_ACTIONS: set[str] = set()


def written_actions() -> set[str]:
    """Every action name the code writes: dotted string literals of the apps' shape."""
    found: set[str] = set()
    for path in Path(schalter.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        found |= set(ACTION_LITERAL.findall(path.read_text(encoding="utf-8")))
    return (found | BUILT_ACTIONS) - NOT_ACTIONS


def test_every_action_written_has_a_sentence():
    missing = sorted(written_actions() - set(audit_words.sentences()))
    assert missing == [], (
        f"give these audit actions a sentence in their app's audit_words: {missing}"
    )


def test_every_sentence_uses_named_placeholders_only():
    for action, sentence in audit_words.sentences().items():
        text = str(sentence.template)
        assert "%s" not in text and "%d" not in text, action
        assert "%(actor)s" in text or not text.startswith("%"), action


def test_an_action_without_a_sentence_still_reads(office):
    event = audit_record(office=office, acting_user=COMMAND, action="nowhere.thing.done")
    with translation.override("en"):
        assert audit_words.in_words(event) == "An administrator (command line): nowhere.thing.done"


@pytest.fixture
def cancelled(office, bookable, make_staff):
    anna = make_staff(office, Role.OFFICE_ADMIN)
    anna.first_name, anna.last_name = "Anna", "Berg"
    anna.save()
    appointment = book_earliest_by_phone(
        office, bookable["short"], name="Amal", email="amal@example.org"
    )
    booking.appointment_cancel(appointment=appointment, now=timezone.now(), acting_user=anna)
    return anna, appointment


def test_a_cancellation_reads_as_a_sentence_with_a_shortened_code(office, cancelled):
    _anna, appointment = cancelled
    event = AuditEvent.objects.get(action="appointments.appointment.cancelled")
    with translation.override("en"):
        words = audit_words.in_words(
            event, audit_words.targets_of([event]).get((event.target_type, event.target_id))
        )
    assert words.startswith(f"Anna Berg cancelled appointment {appointment.code[:3]}… of ")
    assert appointment.code not in words


def test_the_log_page_shows_words_links_and_filters(office, cancelled, staff_client):
    anna, appointment = cancelled
    admin = staff_client(office, Role.OFFICE_ADMIN)
    page = BeautifulSoup(admin.get("/staff/giessen/audit/").content, "html.parser")
    rows = [row.get_text(" ", strip=True) for row in page.select("table.audit-log tbody tr")]
    assert any("Anna Berg" in row and f"{appointment.code[:3]}…" in row for row in rows)
    link = page.select_one(f'a[href="/staff/giessen/appointments/{appointment.pk}/"]')
    assert link is not None

    by_anna = admin.get("/staff/giessen/audit/", {"person": anna.pk})
    texts = BeautifulSoup(by_anna.content, "html.parser").select("table.audit-log tbody tr")
    assert texts and all("Anna Berg" in row.get_text() for row in texts)
    kind = admin.get("/staff/giessen/audit/", {"kind": "offices"})
    rows = BeautifulSoup(kind.content, "html.parser").select("table.audit-log tbody tr")
    assert rows and not any("Anna Berg" in row.get_text() for row in rows)
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    empty = admin.get("/staff/giessen/audit/", {"since": tomorrow})
    assert len(BeautifulSoup(empty.content, "html.parser").select("tbody tr td[colspan]")) == 1
    assert admin.get("/staff/giessen/audit/", {"since": "yesterday"}).status_code == 400

    # The record gone, the entry stays, without its link.
    with scopes_disabled():
        Appointment.objects.filter(pk=appointment.pk).delete()
    page = BeautifulSoup(admin.get("/staff/giessen/audit/").content, "html.parser")
    assert page.select_one(f'a[href="/staff/giessen/appointments/{appointment.pk}/"]') is None


def test_the_log_pages_by_fifty(office, staff_client):
    for _number in range(70):
        audit_record(office=office, acting_user=COMMAND, action="offices.hours.set", data={})
    admin = staff_client(office, Role.OFFICE_ADMIN)
    first = BeautifulSoup(admin.get("/staff/giessen/audit/").content, "html.parser")
    assert len(first.select("table.audit-log tbody tr")) == 50
    assert first.select_one('a[rel="next"]')["href"].endswith("page=2")
    second = BeautifulSoup(admin.get("/staff/giessen/audit/", {"page": 2}).content, "html.parser")
    assert 20 <= len(second.select("table.audit-log tbody tr")) <= 50


def test_another_offices_entries_are_not_shown(office, other_office, staff_client):
    audit_record(office=other_office, acting_user=COMMAND, action="offices.logo.set")
    admin = staff_client(office, Role.OFFICE_ADMIN)
    page = admin.get("/staff/giessen/audit/", {"kind": "offices"}).content.decode()
    export = b"".join(admin.get("/staff/giessen/audit/export.csv").streaming_content).decode()
    assert "offices.logo.set" not in export
    assert "logo" not in page.lower() or "uploaded" not in page


def test_the_csv_export_is_streamed_with_the_same_sentences(office, cancelled, staff_client):
    anna, appointment = cancelled
    anna.first_name = "=HYPERLINK(1)"
    anna.save()
    admin = staff_client(office, Role.OFFICE_ADMIN)
    response = admin.get("/staff/giessen/audit/export.csv", {"person": anna.pk})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) >= 2
    cancelled_row = next(r for r in rows if r[3] == "appointments.appointment.cancelled")
    assert cancelled_row[1].startswith("'=")  # never a formula in a spreadsheet
    assert f"{appointment.code[:3]}…" in cancelled_row[2]
    assert all(r[1].startswith("'=") for r in rows[1:])  # only her entries
    assert AuditEvent.objects.filter(office=office, action="offices.audit.exported").exists()


def test_the_export_records_only_its_filters_and_bounded(office, staff_client):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    query = {"kind": "", "since": "2026-03-01", **{f"x{n}": "y" * 5000 for n in range(50)}}
    assert admin.get("/staff/giessen/audit/export.csv", query).status_code == 200
    assert admin.get("/staff/giessen/audit/export.csv", {"until": "9" * 5000}).status_code == 400
    event = AuditEvent.objects.filter(office=office, action="offices.audit.exported").get()
    assert event.data == {"since": "2026-03-01"}


def test_a_caseworker_reads_no_audit_log(office, staff_client):
    caseworker = staff_client(office, Role.CASEWORKER)
    assert caseworker.get("/staff/giessen/audit/").status_code == 403
    assert caseworker.get("/staff/giessen/audit/export.csv").status_code == 403


def test_dates_at_the_ends_of_the_calendar_are_refused_not_an_error(office, staff_client):
    client = staff_client(office)
    for since, until in (("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-05")):
        for url in (f"/staff/{office.slug}/audit/", f"/staff/{office.slug}/audit/export.csv"):
            assert client.get(f"{url}?since={since}&until={until}").status_code == 400, url
