"""Issue 15's whole story in the browser. A client books in Dari on a phone and asks for an
interpreter ("interpreter: Dari"); staff see the proposal on the interpreters' page and on the
appointment; the interpreter signs in with the link from her mail and accepts in her own view;
the appointment shows her as confirmed and the client is told in Dari; after the visit she
reports her times, and the statement PDF (read with pdftotext) and the office's cost report (CSV,
and XLSX read with openpyxl), all downloaded in the browser, give the issue's fee of 249.30 €.
axe-core checks every new page: her view, the staff's interpreters page, the pool and one
interpreter's availability."""

import csv
import io
import re
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.interpreters.models import Assignment, AssignmentState
from schalter.offices.localtime import local_time
from schalter.offices.services import office_part_switch
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_office, make_bookable, totp_code
from tests.interpreters.conftest import make_interpreter

FEE = "249.30"  # 2 h 25 min → 2.5 h × 93 € + 40 km × 0.42 €


@pytest.fixture
def office_with_pool(transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    make_interpreter({office: Decimal(20)}, name="Amina", languages=("prs",))
    return office


def staff_signed_in(open_page, user, path):
    page = open_page(path, "desktop", locale="de-DE")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="Weiter").click()
    page.wait_for_url("**/staff/login/code/")
    page.locator("#id_code").fill(totp_code(user))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(f"**{path}")
    return page


def download(page, link) -> bytes:
    with page.expect_download() as started:
        link.click(modifiers=["Alt"])  # Alt-click: save the link's target, whatever its type
    return Path(started.value.path()).read_bytes()


def test_from_a_booking_in_dari_to_the_fee_on_statement_and_cost_report(
    open_page, office_with_pool, make_staff
):
    office = office_with_pool
    admin = make_staff(office, Role.OFFICE_ADMIN)

    # The client books in Dari on her phone and asks for an interpreter for Dari.
    page = open_page("/fa-af/giessen/book/card-pick-up/", "phone")
    page.locator("a.time-choice").first.click()
    page.wait_for_url("**/book/card-pick-up/*/")
    page.locator("#id_name").fill("Farid Ahmadi")
    page.locator("#id_email").fill("farid@example.org")
    page.locator("#id_interpreter_language").select_option("fa-af")  # "interpreter: Dari"
    page.locator("#id_consent").check()
    page.locator("altcha-widget input[type=checkbox]").focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "document.querySelector('input[name=altcha]') && "
        "document.querySelector('input[name=altcha]').value.length > 20",
        timeout=30000,
    )
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/book/sent/*/")
    with scopes_disabled():
        assignment = Assignment.objects.select_related("interpreter", "office").get()
    assert assignment.language == "prs" and assignment.state == AssignmentState.PROPOSED
    appointment_url = f"/staff/giessen/appointments/{assignment.appointment_id}/"

    # Staff see the proposal: on the interpreters' page and on the appointment.
    staff = staff_signed_in(open_page, admin, "/staff/giessen/interpreters/")
    assert_accessible(staff)
    row = staff.locator("tbody tr").filter(has_text="Amina")
    assert "vorgeschlagen" in row.inner_text() and "Dari (دری)" in row.inner_text()
    staff.get_by_role("link", name="Dolmetscherpool").click()
    staff.wait_for_url("**/interpreters/pool/")
    assert_accessible(staff)
    staff.get_by_role("link", name="Amina").click()
    staff.wait_for_url("**/interpreters/pool/*/")
    assert_accessible(staff)
    staff.goto(staff.url.split("/staff/")[0] + appointment_url)
    assert "vorgeschlagen: Amina" in staff.content()

    # She signs in with the link from her mail and accepts in her own view.
    request = next(m for m in mail.outbox if m.to == ["amina@example.org"])
    link = re.search(r"/de/interpreter/sign-in/\S+/", request.body).group(0)
    her = open_page(link, "phone")
    assert_accessible(her)
    her.locator("form button[type=submit]").click()
    her.wait_for_url("**/de/interpreter/")
    assert_accessible(her)
    assert "Farid" in her.content() and "Ahmadi" not in her.content()
    her.locator("button[value=accept]").click()
    her.wait_for_url("**/de/interpreter/")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED

    # The appointment shows the confirmed interpreter; the client is told, in Dari.
    staff.reload()
    assert "bestätigt: Amina" in staff.content()
    told = [m for m in mail.outbox if m.to == ["farid@example.org"] and "ترجمان" in m.subject]
    assert told and told[0].extra_headers["Content-Language"] == "fa-af"

    # After the visit she reports her times, travel, waiting and kilometres.
    her.locator(f"a[href$='/interpreter/{assignment.pk}/report/']").click()
    assert_accessible(her)
    start = local_time(assignment.office, assignment.start)
    her.locator("#id_start").fill(start.strftime("%Y-%m-%dT%H:%M"))
    her.locator("#id_end").fill((start + timedelta(minutes=70)).strftime("%Y-%m-%dT%H:%M"))
    her.locator("#id_travel_before_minutes").fill("30")
    her.locator("#id_travel_after_minutes").fill("30")
    her.locator("#id_waiting_minutes").fill("15")
    her.locator("#id_km").fill("40")
    her.locator("form button[type=submit]").click()
    her.wait_for_url("**/de/interpreter/")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.REPORTED

    # Staff choose the month of the visit and download the statement and the cost report.
    staff.goto(staff.url.split("/staff/")[0] + "/staff/giessen/interpreters/")
    staff.locator("#report-month").fill(start.strftime("%Y-%m"))
    staff.get_by_role("button", name="Anzeigen").click()
    staff.wait_for_url(f"**/interpreters/?month={start:%Y-%m}")
    assert_accessible(staff)

    pdf = download(staff, staff.locator("tbody a").filter(has_text="Amina"))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Amina" in text and FEE.replace(".", ",") in text

    rows = list(
        csv.reader(
            io.StringIO(download(staff, staff.get_by_role("link", name="CSV")).decode()),
            delimiter=";",
        )
    )
    assert rows[1][3] == "Amina" and rows[1][-1] == FEE
    assert next(r for r in rows if r and r[0] == "Gesamt")[-1] == FEE

    book = load_workbook(io.BytesIO(download(staff, staff.get_by_role("link", name="XLSX"))))
    sheet = book.active
    amounts = [row for row in sheet.iter_rows(values_only=True) if row and row[3] == "Amina"]
    assert [Decimal(str(row[-1])).quantize(Decimal("0.01")) for row in amounts] == [Decimal(FEE)]


def test_the_sign_in_page_is_accessible(open_page, transactional_db):
    for language in ("de", "ar", "fa-af"):
        assert_accessible(open_page(f"/{language}/interpreter/", "phone"))
