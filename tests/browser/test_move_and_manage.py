"""Issue 12 in a browser, on a phone in German and Arabic: the manage page's QR code decodes to
the page itself at the size it is shown and the page is axe-clean; the move page shows its first
button on the first screens, moves without JavaScript, and is axe-clean."""

from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.appointments.models import Appointment, Channel
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office, make_bookable
from tests.qr_decoding import decoded


@pytest.fixture
def booked(transactional_db):
    office = build_office("giessen")
    services = make_bookable(office, days=28)
    now = timezone.now()
    day = now.date() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    made = booking.appointment_book(
        office=office,
        service=services["short"],
        start=datetime.combine(day, time(9, 0), tzinfo=office.zone),
        name="Amina Haidari",
        email="amina@example.org",
        language="ar",
        channel=Channel.STAFF,
        now=now,
        acting_user=COMMAND,
    )
    return made.appointment, made.manage_token


@pytest.mark.parametrize("language", ["de", "ar"])
def test_manage_page_qr_code_reads_back_and_move_works_without_javascript(
    open_page, booked, language
):
    appointment, token = booked
    manage = f"/{language}/giessen/book/manage/{appointment.code}/{token}/"
    page = open_page(manage, "phone")
    qr = page.locator("main .manage-qr svg")
    qr.scroll_into_view_if_needed()
    assert decoded(qr.screenshot()) == [settings.SCHALTER_PUBLIC_URL.rstrip("/") + manage]
    assert page.locator("a[type='text/calendar']").is_visible()
    assert_accessible(page)

    move_path = f"/{language}/giessen/book/move/{appointment.code}/{token}/"
    checked = open_page(move_path, "phone")
    assert_accessible(checked)
    # Without JavaScript: the first day's button within three screens of a phone, and it moves.
    move = open_page(move_path, "phone", java_script_enabled=False)
    first_button = move.locator("form.move-day button[type=submit]").first
    box = first_button.bounding_box()
    assert box is not None and box["y"] < 3 * 844, box
    choice = move.locator("form.move-day").first.locator("input[name=start]").nth(1)
    chosen = choice.get_attribute("value")
    move.locator(f"label[for={choice.get_attribute('id')}]").click()
    first_button.click()
    move.wait_for_url(f"**{manage}")
    with scopes_disabled():
        moved = Appointment.objects.get(pk=appointment.pk)
    assert f"{moved.start.astimezone(moved.office.zone):%Y%m%dT%H%M}" == chosen
