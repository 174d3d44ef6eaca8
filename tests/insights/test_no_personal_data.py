"""No figure, export (CSV/XLSX), Bilanz PDF or survey answer contains a name, an e-mail address,
a phone number or a booking code: such values are seeded in the events (appointments, a walk-in's
note, survey comments), then every output of the insights is scanned for them."""

import io
import re
from datetime import timedelta

import time_machine
from openpyxl import load_workbook

from schalter.accounts.actors import CLIENT, COMMAND
from schalter.accounts.roles import Role
from schalter.appointments import services as booking
from schalter.appointments.models import Channel
from schalter.insights.feedback import feedback_answer, feedback_invite
from schalter.insights.models import FeedbackAnswer
from schalter.insights.rollups import day_rollup
from schalter.visits import services
from tests.conftest import german, make_bookable
from tests.insights.conftest import MONDAY_9, later, walk_in
from tests.printing.conftest import pdf_text

DAY = MONDAY_9.date()
PERIOD = f"first={DAY.isoformat()}&last={DAY.isoformat()}"
NAME = "Zarah Quellenbach"
EMAIL = "zarah.quellenbach@example.org"
PHONE = "+49 151 9876543"  # and a last digit per booking


def secrets_of(codes: list[str]) -> list[str]:
    """What must never appear, also as a number without separators or a code in lower case."""
    return [
        NAME,
        "Quellenbach",
        EMAIL,
        "zarah.quellenbach",
        PHONE,
        "9876543",
        *codes,
        # In lower case only with a digit: "dlhwapvn" cannot be told from a word (scrub.py).
        *(code.lower() for code in codes if any(c.isdigit() for c in code)),
        *(f"{code[:4]}-{code[4:]}" for code in codes),
    ]


def with_digit(codes: list[str]) -> str:
    return next(code for code in codes if any(c.isdigit() for c in code))


def seed(office, groups, sessions, now):
    week_before = now - timedelta(days=7)
    with time_machine.travel(week_before, tick=False):
        offered = make_bookable(office, days=14)
        appointments = [
            booking.appointment_book(
                office=office,
                service=offered["long"],
                start=MONDAY_9 + timedelta(minutes=30 * i),
                name=NAME,
                email=EMAIL.replace("@", f"{i}@"),
                phone=f"{PHONE}{i}",
                language="fa",
                channel=Channel.STAFF,
                now=week_before,
                acting_user=COMMAND,
            ).appointment
            for i in range(6)
        ]
    (desk,) = sessions(1)
    for i, appointment in enumerate(appointments):
        ticket = services.ticket_check_in(
            office=office,
            code=appointment.code,
            now=later(MONDAY_9, 30 * i - 2),
            acting_user=CLIENT,
        ).ticket
        services.ticket_call_next(
            desk_session=desk, now=later(MONDAY_9, 30 * i + 3), acting_user=COMMAND
        )
        services.ticket_start(
            desk_session=desk, ticket=ticket, now=later(MONDAY_9, 30 * i + 4), acting_user=COMMAND
        )
        services.ticket_finish(
            desk_session=desk,
            ticket=ticket,
            outcome="completed",
            now=later(MONDAY_9, 30 * i + 20),
            acting_user=COMMAND,
        )
    walk_in(office, groups["A"], later(MONDAY_9, 5), note=f"{NAME}, {PHONE}")
    codes = [a.code for a in appointments]
    comments = [
        f"Schreiben Sie mir: {EMAIL}",
        f"Rufen Sie {PHONE} an",
        f"Mein Code ist {codes[0]}, bitte melden.",
        f"Code {codes[1][:4]}-{codes[1][4:]} und {with_digit(codes).lower()}",
        "Freundlich, aber 45 Minuten gewartet.",
    ]
    for i, comment in enumerate(comments):
        token = feedback_invite(office=office, visit_token=f"visit-{i}")
        feedback_answer(
            office=office,
            token=token,
            scores={"waiting": 3, "friendliness": 5},
            comment=comment,
            now=MONDAY_9,
        )
    day_rollup(office=office, day=DAY, now=later(MONDAY_9, 300))
    return codes


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)


def test_no_output_of_the_insights_holds_personal_data(
    office, other_office, groups, sessions, now, staff_client, settings
):
    settings.SCHALTER_INSIGHTS_MIN_GROUP = 1  # show every figure: nothing hidden by suppression
    codes = seed(office, groups, sessions, now)
    lead = staff_client(office, Role.TEAM_LEAD)
    ministry = staff_client(None, Role.MINISTRY)
    base = f"/staff/{office.slug}/insights/"
    page = lead.get(f"{base}?{PERIOD}").content.decode()
    outputs = {
        "dashboard": page,
        "ministry page": ministry.get(f"/staff/figures/?{PERIOD}").content.decode(),
    }
    tables = sorted(set(re.findall(r"table=(\w+)&amp;kind=csv", page)))
    assert len(tables) >= 6
    for table in tables:
        response = lead.get(f"{base}export/?{PERIOD}&table={table}&kind=csv")
        outputs[f"{table}.csv"] = b"".join(response.streaming_content).decode()
        response = lead.get(f"{base}export/?{PERIOD}&table={table}&kind=xlsx")
        outputs[f"{table}.xlsx"] = xlsx_text(response.content)
    outputs["offices.csv"] = b"".join(
        ministry.get(f"/staff/figures/offices.csv?{PERIOD}").streaming_content
    ).decode()
    outputs["offices.xlsx"] = xlsx_text(
        ministry.get(f"/staff/figures/offices.xlsx?{PERIOD}").content
    )
    outputs["office Bilanz"] = pdf_text(lead.get(f"{base}bilanz.pdf?{PERIOD}").content)
    outputs["all offices' Bilanz"] = pdf_text(
        ministry.get(f"/staff/figures/bilanz.pdf?{PERIOD}").content
    )
    outputs["survey answers"] = " ".join(
        f"{a.comment} {a.month} {a.waiting} {a.friendliness}" for a in FeedbackAnswer.objects.all()
    )
    # The figures are there: six appointments and a walk-in, waits of 5 minutes.
    assert "Freundlich, aber 45 Minuten gewartet." in outputs["comments.csv"]
    # The all-offices Bilanz names an office only with its consent (comparison.py).
    anonymous = german("Office %(letter)s") % {"letter": "A"}
    assert f"{anonymous} 7" in outputs["all offices' Bilanz"]
    assert office.name_in("de") not in outputs["all offices' Bilanz"]
    for name, text in outputs.items():
        for secret in secrets_of(codes):
            assert secret not in text, (name, secret)
