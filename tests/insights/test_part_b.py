"""Issue 17, part B: callback and interpreter figures from a known history (absent while their
part is off), practice notes on the timeline, naming only with consent, the survey offered by
e-mail and text message once, and the survey as a part an office switches off."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.callbacks.models import AttemptOutcome, Callback, CallbackAttempt, Outcome, State
from schalter.catalog.models import Service
from schalter.insights.comparison import letters, office_labels
from schalter.insights.feedback import FeedbackLinkInvalid, feedback_answer, feedback_link
from schalter.insights.models import FeedbackAnswer, FeedbackInvitation, SurveyOffer
from schalter.insights.part_figures import callback_figures, interpreter_months, part_tables
from schalter.insights.part_rollups import callbacks_day_rollup, interpreters_day_rollup
from schalter.insights.survey import survey_offers_send
from schalter.interpreters.models import (
    Assignment,
    AssignmentState,
    Interpreter,
    InterpreterBudget,
)
from schalter.interpreters.selectors import cost_report
from schalter.knowledge.models import PracticeNote
from schalter.offices.services import office_part_switch
from tests.appointments.test_mail_and_calendar import smtp  # noqa: F401 (a fixture)
from tests.conftest import book_earliest_by_phone, german, make_bookable
from tests.insights.conftest import MONDAY_9

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 3, 3)  # a Tuesday
SOON = MONDAY_9 + timedelta(minutes=40)  # the tick after the visit finished


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


def with_parts(office, *names):
    office.parts = [*office.parts, *names]
    office.save(update_fields=["parts"])
    return office


def callback(office, n, *, received, deadline, closed, outcome, attempts=()):
    with scopes_disabled():
        found = Callback.objects.create(
            office=office,
            source="voicemail",
            dedup_key=f"k{n}",
            received_at=received,
            deadline=deadline,
            state=State.CLOSED,
            outcome=outcome,
            closed_at=closed,
            language="ar",
        )
        for moment, result in attempts:
            CallbackAttempt.objects.create(office=office, callback=found, at=moment, outcome=result)
    return found


def callback_history(office):
    # Reached an hour after it came in, well before its deadline.
    callback(
        office,
        1,
        received=at(2, 9),
        deadline=at(2, 18),
        closed=at(3, 9),
        outcome=Outcome.REACHED,
        attempts=[(at(2, 10, 30), AttemptOutcome.REACHED)],
    )
    # First tried 26 hours after it came in, two hours after its deadline; never reached.
    callback(
        office,
        2,
        received=at(2, 12),
        deadline=at(3, 12),
        closed=at(3, 15),
        outcome=Outcome.UNREACHABLE,
        attempts=[(at(3, 14), AttemptOutcome.NO_ANSWER)],
    )
    # Withdrawn before anyone called: closed, neither tried nor timed.
    callback(
        office, 3, received=at(3, 8), deadline=at(3, 18), closed=at(3, 9), outcome=Outcome.WITHDRAWN
    )
    # Closed the next day: not this day's.
    callback(office, 4, received=at(3, 8), deadline=at(3, 18), closed=at(4, 9),
             outcome=Outcome.REACHED, attempts=[(at(4, 9), AttemptOutcome.REACHED)])  # fmt: skip


def test_callback_figures_from_a_known_history(office):
    callback_history(office)
    callbacks_day_rollup(office=office, day=DAY)
    assert callback_figures(office, DAY, DAY) is None  # the part is off: no figure at all
    assert "callbacks" not in part_tables(office, DAY, DAY)
    with_parts(office, "callbacks")
    got = callback_figures(office, DAY, DAY)
    assert got.counts == {"closed": 3, "tried": 2, "reached": 1, "timed": 2, "in_time": 1}
    assert got.rate("reached", "tried") == 50.0  # reach rate
    assert got.rate("in_time", "timed") == 50.0  # first attempt within the deadline
    assert (got.hours_median, got.hours_p90) == (1, 26)
    rows = dict(part_tables(office, DAY, DAY)["callbacks"]["rows"])
    assert rows[german("Reach rate")] == "50,0 %" and rows[german("Callbacks closed")] == 3
    callbacks_day_rollup(office=office, day=DAY)  # again: the same, not twice
    assert callback_figures(office, DAY, DAY).counts["closed"] == 3


def assignment(office, interpreter, start, end, **extra):
    with scopes_disabled():
        return Assignment.objects.create(
            office=office,
            interpreter=interpreter,
            language="fa",
            start=start,
            end=end,
            engaged_on=start.date(),
            reported_start=start,
            reported_end=end,
            **extra,
        )


def test_interpreter_hours_and_cost_against_the_budget(office):
    amina = Interpreter.objects.create(name="Amina", email="amina@example.org", languages=["fa"])
    # 60 minutes: 1 h × 93 € = 93.00; 80 minutes: 1 h 20 → 1.5 h × 93 € = 139.50 (JVEG § 8).
    assignment(office, amina, at(3, 9), at(3, 10), state=AssignmentState.REPORTED)
    assignment(office, amina, at(3, 11), at(3, 12, 20), state=AssignmentState.REPORTED)
    assignment(office, amina, at(3, 14), at(3, 15), state=AssignmentState.CONFIRMED)  # not yet
    with scopes_disabled():
        InterpreterBudget.objects.create(office=office, month=date(2026, 3, 1), amount=465)
    interpreters_day_rollup(office=office, day=DAY)
    assert interpreter_months(office, DAY, DAY) is None  # the part is off
    with_parts(office, "interpreters")
    (month,) = interpreter_months(office, DAY, DAY)
    assert (month.assignments, month.minutes, str(month.hours)) == (2, 140, "2.3")
    assert month.cost == Decimal("232.50") == cost_report(office, DAY).total
    assert (month.budget, month.remaining, month.used_percent) == (465, Decimal("232.50"), 50.0)
    row = part_tables(office, DAY, DAY)["interpreters"]["rows"][0]
    assert row == ("März 2026", 2, "2,3", "232,50 €", "465,00 €", "50,0 %")  # German


def test_a_practice_note_on_the_waiting_timeline(office, staff_client):
    service = Service.objects.get_or_create(slug="card-pick-up", defaults={"name": {"de": "x"}})[0]
    with scopes_disabled():
        PracticeNote.objects.create(
            office=office, service=service, since=DAY, text="Walk-ins only before 10:00"
        )
        PracticeNote.objects.create(  # outside the period: not shown
            office=office, service=service, since=DAY - timedelta(days=40), text="Older note"
        )
    client = staff_client(office, Role.TEAM_LEAD)
    first = (DAY - timedelta(days=3)).isoformat()
    page = client.get(f"/staff/{office.slug}/insights/?first={first}&last={DAY.isoformat()}")
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    svg = soup.select_one("figure svg[role=img]")
    mark = svg.select_one("g.chart-note")
    assert "N1" in mark.get_text() and "Walk-ins only before 10:00" in mark.title.get_text()
    assert "Walk-ins only before 10:00" in svg.desc.get_text()  # read out with the chart
    table = svg.find_parent("figure").table
    noted = [row for row in table.select("tbody tr") if "N1" in row.get_text()]
    assert len(noted) == 1 and DAY.strftime("%d.%m.%Y") in noted[0].th.get_text()  # German
    assert "Older note" not in page.content.decode()
    export = client.get(
        f"/staff/{office.slug}/insights/export/?first={first}&last={DAY.isoformat()}"
        "&table=days&kind=csv"
    )
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[-1][-1] == "N1: Walk-ins only before 10:00"


def test_offices_are_named_only_with_consent(office, other_office, staff_client):
    assert letters(0) == "A" and letters(25) == "Z" and letters(26) == "AA"
    ministry = staff_client(None, Role.MINISTRY)
    page = ministry.get("/staff/figures/").content.decode()
    office_a = german("Office %(letter)s") % {"letter": "A"}
    assert office_a in page and "Giessen" not in page and "Darmstadt" not in page
    csv_text = b"".join(ministry.get("/staff/figures/offices.csv").streaming_content).decode()
    assert "Giessen" not in csv_text and office_a in csv_text
    # The lead may not consent; the admin may, and it is audited.
    lead = staff_client(office, Role.TEAM_LEAD)
    assert lead.post(f"/staff/{office.slug}/insights/naming/", {"named": "1"}).status_code == 403
    admin = staff_client(office, Role.OFFICE_ADMIN)
    assert admin.post(f"/staff/{office.slug}/insights/naming/", {"named": "1"}).status_code == 302
    assert AuditEvent.objects.filter(action="insights.naming.consented", office=office).count() == 1
    page = ministry.get("/staff/figures/").content.decode()
    assert "Giessen" in page and "Darmstadt" not in page
    assert office_labels([office, other_office], "de")[other_office.pk] == german(
        "Office %(letter)s"
    ) % {"letter": "B"}  # letters do not move when another office consents
    # The other office's dashboard compares with Gießen by name now, small counts suppressed.
    other = staff_client(other_office, Role.TEAM_LEAD)
    soup = BeautifulSoup(other.get(f"/staff/{other_office.slug}/insights/").content, "html.parser")
    compared = soup.select_one("#table-comparison").get_text()
    assert "Giessen" in compared and german("This office") in compared
    assert german("fewer than %(minimum)s clients") % {"minimum": 5} in compared
    admin.post(f"/staff/{office.slug}/insights/naming/", {"named": "0"})
    assert AuditEvent.objects.filter(action="insights.naming.withdrawn").count() == 1
    assert "Giessen" not in ministry.get("/staff/figures/").content.decode()


def finished_ticket(office, groups, **extra):
    from tests.insights.conftest import walk_in

    ticket = walk_in(office, groups["A"], MONDAY_9)
    with scopes_disabled():
        for name, value in extra.items():
            setattr(ticket, name, value)
        ticket.state = "done"
        ticket.finished_at = MONDAY_9 + timedelta(minutes=25)
        ticket.save()
    return ticket


def test_the_survey_goes_by_text_message_once_in_the_clients_language(office, groups, sms_gateway):
    ticket = finished_ticket(office, groups, notify_phone="+4915112345678", language="fa")
    callback(office, 9, received=MONDAY_9 - timedelta(hours=2), deadline=None,
             closed=MONDAY_9, outcome=Outcome.REACHED)  # fmt: skip
    with scopes_disabled():
        Callback.objects.filter(dedup_key="k9").update(caller_number="+4917612345678")
    assert survey_offers_send(office=office, now=SOON) == 2
    assert survey_offers_send(office=office, now=SOON) == 0  # once
    texts = {body["to"]: body["text"] for _auth, body in sms_gateway.received}
    assert set(texts) == {"+4915112345678", "+4917612345678"}
    link = texts["+4915112345678"].split()[-1]
    assert f"/fa/{office.slug}/feedback/" in link
    assert "+49151" not in link and ticket.token_hash not in link
    token = link.rstrip("/").rsplit("/", 1)[1]
    # The page's own link for the same visit is spent once the text message's is used.
    page_link = feedback_link(office=office, visit_token="the-visit-token", ticket_id=ticket.pk)
    feedback_answer(
        office=office, token=token, scores={"waiting": 5}, comment="", now=timezone.now()
    )
    with pytest.raises(FeedbackLinkInvalid):
        feedback_answer(
            office=office,
            token=page_link.rstrip("/").rsplit("/", 1)[1],
            scores={"waiting": 1},
            comment="",
            now=timezone.now(),
        )
    assert FeedbackAnswer.objects.count() == 1
    assert SurveyOffer.objects.count() == 2


def test_the_survey_goes_by_e_mail_through_smtp(office, groups, smtp):  # noqa: F811
    offered = make_bookable(office)
    appointment = book_earliest_by_phone(
        office, offered["short"], name="Lina Haddad", email="lina@example.org", language="ar"
    )
    finished_ticket(office, groups, appointment=appointment, language="ar")
    assert survey_offers_send(office=office, now=SOON) == 1
    (message,) = smtp.messages
    assert message["To"] == "lina@example.org"
    body = message.get_content()
    assert f"/ar/{office.slug}/feedback/" in body
    assert "lina" not in body.split("http")[1]


def test_no_offer_without_contact_or_with_the_survey_off(office, groups, sms_gateway):
    finished_ticket(office, groups)  # no address, no number
    assert survey_offers_send(office=office, now=SOON) == 0
    finished_ticket(office, groups, notify_phone="+4915112345678")
    office_part_switch(office=office, name="feedback", on=False, acting_user=COMMAND)
    assert survey_offers_send(office=office, now=SOON) == 0
    assert sms_gateway.received == [] and FeedbackInvitation.objects.count() == 0


def test_the_survey_part_switched_off_hides_page_and_link(client, office, groups):
    ticket = finished_ticket(office, groups)
    path = feedback_link(office=office, visit_token="t", ticket_id=ticket.pk)
    assert client.get(f"/de{path[3:]}" if path.startswith("/de/") else path).status_code == 200
    office_part_switch(office=office, name="feedback", on=False, acting_user=COMMAND)
    office.refresh_from_db()
    assert feedback_link(office=office, visit_token="t2", ticket_id=ticket.pk) == ""
    assert client.get(path).status_code == 404
