"""The office's own data, edited by its admin (issue 13, item 2): details, hours, special hours,
closures, logo; every rule refused with a clear message, nothing half-saved, every change
audited, and the public page and a fresh flyer show a change at once."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.offices import selectors, services
from schalter.offices.errors import LogoTooLarge, OfficeDataRefused
from schalter.offices.logo import MAX_BYTES, logo_reencode
from schalter.offices.models import Office, OpeningHours, SpecialHours
from schalter.offices.reserved import reserved_slugs
from tests.conftest import build_office

pytestmark = pytest.mark.django_db


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=kind)
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


# --- reserved names -----------------------------------------------------------------------------


RESERVED_EXAMPLES = (
    *("figures", "login", "logout", "help", "api", "staff", "admin", "installation", "ar"),
    *("de-x-ls", "fa-af", "en", "privacy", "imprint", "accessibility", "healthz", "metrics"),
)


@pytest.mark.parametrize("slug", RESERVED_EXAMPLES)
def test_a_slug_that_clashes_with_a_path_or_a_language_is_refused(slug):
    with pytest.raises(ValidationError) as refused:
        build_office(slug)
    assert "slug" in refused.value.message_dict
    assert not Office.objects.filter(slug=slug).exists()


def test_the_reserved_names_come_from_the_urlconf():
    """Every literal first segment beside an office slug, at every level, is reserved: a page
    added to the URLconf later is reserved without editing a list."""
    from django.urls import get_resolver

    from schalter.offices.reserved import _taken

    taken = _taken(get_resolver().url_patterns)
    assert {"staff", "api", "healthz", "login", "figures", "installation", "help"} <= taken
    assert taken <= reserved_slugs()


# --- details ------------------------------------------------------------------------------------


def test_a_phone_number_that_does_not_parse_is_refused_and_nothing_changes(office):
    with pytest.raises(OfficeDataRefused) as refused:
        services.office_details_update(
            office=office, changes={"phone": "call me maybe", "city": "X"}, acting_user=COMMAND
        )
    assert refused.value.field == "phone"
    office.refresh_from_db()
    assert office.phone == "+496413060" and office.city == "Giessen"


def test_a_phone_number_that_does_not_parse_is_refused_on_the_page_next_to_its_field(
    office, staff_client
):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    body = {
        "street": "Neue Straße 5",
        "postcode": "35390",
        "city": "Gießen",
        "phone": "call me maybe",
        "email": "abh@giessen.example",
        "languages_served": ["de", "ar"],
    }
    response = admin.post("/staff/giessen/settings/", body)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("[name=phone]").get("aria-invalid") == "true"
    assert page.select_one("#id_phone-error").get_text(strip=True)
    office.refresh_from_db()  # nothing half-saved: the street stays too
    assert (office.phone, office.street) == ("+496413060", "Berliner Platz 1")
    assert not AuditEvent.objects.filter(action="offices.office.updated").exists()


def test_details_are_saved_normalised_and_audited(office):
    services.office_details_update(
        office=office,
        changes={"phone": "0611 1234567", "languages_served": ["de", "ku", "de"]},
        acting_user=COMMAND,
    )
    office.refresh_from_db()
    assert office.phone == "+496111234567"
    assert office.languages_served == ["de", "ku"]
    event = AuditEvent.objects.get(action="offices.office.updated")
    assert event.data["before"]["phone"] == "+496413060"
    assert event.data["after"]["phone"] == "+496111234567"


def test_unknown_spoken_languages_are_refused(office):
    with pytest.raises(OfficeDataRefused):
        services.office_details_update(
            office=office, changes={"languages_served": ["klingon"]}, acting_user=COMMAND
        )


# --- hours --------------------------------------------------------------------------------------


def test_hours_that_end_before_they_start_or_overlap_are_refused(office):
    with scopes_disabled():
        before = list(OpeningHours.objects.filter(office=office).values_list("weekday", "opens"))
    for periods in (
        [(time(12), time(8))],
        [(time(8), time(8))],
        [(time(8), time(12)), (time(11), time(14))],
    ):
        with pytest.raises(OfficeDataRefused):
            services.opening_hours_set(office=office, weekly={5: periods}, acting_user=COMMAND)
    with scopes_disabled():
        after = list(OpeningHours.objects.filter(office=office).values_list("weekday", "opens"))
    assert after == before


def test_special_hours_replace_a_days_weekday_hours(office):
    now = timezone.now()
    monday = selectors.week_schedule(office, now.date() + timedelta(days=7), "de")
    day = next(d.day for d in monday if d.day.weekday() == 0)
    services.special_hours_set(
        office=office,
        day=day,
        periods=[(time(7), time(19))],
        note={"de": "Langer Montag"},
        now=now,
        acting_user=COMMAND,
    )
    shown = selectors.week_schedule(office, day, "de", days=1)[0]
    assert [(p.opens, p.closes) for p in shown.periods] == [(time(7), time(19))]
    assert shown.special == "Langer Montag"
    with pytest.raises(OfficeDataRefused):
        services.special_hours_set(
            office=office,
            day=now.date() - timedelta(days=1),
            periods=[(time(8), time(9))],
            note={},
            now=now,
            acting_user=COMMAND,
        )


def test_a_closure_in_the_past_is_refused_from_the_staff_page(office, staff_client):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = admin.post(
        "/staff/giessen/closures/",
        {"first_day": yesterday, "last_day": yesterday, "reason": "Umzug"},
    )
    assert response.status_code == 400
    assert "bereits vorbei" in response.content.decode() or "already passed" in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not office.closures.exists()


def test_the_admin_changes_saturday_hours_and_the_public_page_shows_them(office, staff_client):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    response = admin.post(
        "/staff/giessen/hours/",
        {"action": "weekly", "day_0": "08:00-12:00", "day_5": "09:30-12:45"},
    )
    assert response.status_code == 302
    assert selectors.weekly_hours_of(office)[5][0].opens == time(9, 30)
    page = Client().get("/de/giessen/").content.decode()
    assert "09:30" in page and "12:45" in page
    assert AuditEvent.objects.filter(action="offices.hours.set", office=office).exists()


def test_overlapping_hours_from_the_staff_page_answer_400_with_a_message(office, staff_client):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    response = admin.post(
        "/staff/giessen/hours/", {"action": "weekly", "day_5": "08:00-12:00, 11:00-13:00"}
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_day_5-error")
    assert selectors.weekly_hours_of(office)[5] == []
    response = admin.post("/staff/giessen/hours/", {"action": "weekly", "day_5": "nine to five"})
    assert response.status_code == 400
    # Wall-clock times only: a zone or seconds is refused like any other text (once a 500).
    for written in ("09:00Z-12:00", "09:00:30-12:00", "09:00+01:00-12:00"):
        response = admin.post("/staff/giessen/hours/", {"action": "weekly", "day_5": written})
        assert response.status_code == 400, written


def test_a_caseworker_cannot_edit_the_office(office, staff_client):
    caseworker = staff_client(office, Role.CASEWORKER)
    assert caseworker.get("/staff/giessen/settings/").status_code == 403
    assert caseworker.post("/staff/giessen/hours/", {"day_5": "09:00-10:00"}).status_code == 403


# --- logo ---------------------------------------------------------------------------------------


def test_a_png_or_jpeg_logo_is_re_encoded_as_png():
    for kind in ("PNG", "JPEG"):
        stored = logo_reencode(image_bytes(kind))
        assert stored.startswith(b"\x89PNG\r\n\x1a\n")
        assert Image.open(io.BytesIO(stored)).size == (60, 30)


@pytest.mark.parametrize(
    "data",
    [SVG, b"GIF89a" + b"\0" * 40, b"not an image", image_bytes("PNG")[:60]],
    ids=["svg-with-script", "gif", "text", "truncated-png"],
)
def test_anything_but_a_whole_png_or_jpeg_is_refused(data):
    with pytest.raises(OfficeDataRefused) as refused:
        logo_reencode(data)
    assert refused.value.field == "logo"


def test_a_logo_with_too_many_pixels_or_bytes_is_refused():
    with pytest.raises(OfficeDataRefused):
        logo_reencode(image_bytes("PNG", (4100, 4000)))
    with pytest.raises(LogoTooLarge):
        logo_reencode(b"\x89PNG" + b"\0" * (MAX_BYTES + 1))


def test_the_logo_page_refuses_svg_and_takes_png(office, staff_client):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    svg = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    response = admin.post("/staff/giessen/settings/logo/", {"logo": svg})
    assert response.status_code == 400
    assert "SVG" in response.content.decode()
    office.refresh_from_db()
    assert bytes(office.logo_png) == b""
    png = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")
    assert admin.post("/staff/giessen/settings/logo/", {"logo": png}).status_code == 302
    office.refresh_from_db()
    assert bytes(office.logo_png).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="offices.logo.set").exists()


def test_a_50_mb_upload_is_refused_from_its_length_before_it_is_read(office, staff_client):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    png = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")
    # The announced length is what the server sees first; the view answers before reading.
    response = admin.post(
        "/staff/giessen/settings/logo/", {"logo": png}, CONTENT_LENGTH=str(50 * 1024 * 1024)
    )
    assert response.status_code == 413
    office.refresh_from_db()
    assert bytes(office.logo_png) == b""


# --- printouts pick up a change at once ----------------------------------------------------------


def test_a_fresh_flyer_shows_new_hours_at_once(office, staff_client, settings, tmp_path):
    pytest.importorskip("weasyprint")
    from tests.printing.conftest import pdf_text

    settings.SCHALTER_PDF_CACHE_DIR = tmp_path / "pdf"
    settings.SCHALTER_PDF_FRESH_SECONDS = 600
    public = Client()
    first = pdf_text(public.get("/de/giessen/flyer.pdf").content)
    assert "09:15" not in first
    services.opening_hours_set(
        office=office, weekly={5: [(time(9, 15), time(11, 45))]}, acting_user=COMMAND
    )
    again = pdf_text(public.get("/de/giessen/flyer.pdf").content)
    assert "Samstag" in again and "09:15" in again and "11:45" in again
    services.office_logo_set(office=office, data=image_bytes(), acting_user=COMMAND)
    with_logo = public.get("/de/giessen/flyer.pdf").content
    assert with_logo != public.get("/de/giessen/flyer.pdf?size=A5").content
    assert b"/Subtype /Image" in with_logo or b"/Subtype/Image" in with_logo


def test_the_revision_rises_with_every_change_clients_see(office):
    start = Office.objects.get(pk=office.pk).revision
    services.opening_hours_set(office=office, weekly={}, acting_user=COMMAND)
    services.closure_add(
        office=office,
        first_day=date(2031, 1, 2),
        last_day=date(2031, 1, 2),
        reason={"de": "x"},
        acting_user=COMMAND,
    )
    services.office_details_update(office=office, changes={"city": "Gießen"}, acting_user=COMMAND)
    assert Office.objects.get(pk=office.pk).revision == start + 3


def test_special_hours_are_owned_by_the_office(office):
    other = build_office("darmstadt")
    now = datetime(2030, 1, 1, tzinfo=office.zone)
    made = services.special_hours_set(
        office=other,
        day=date(2030, 2, 1),
        periods=[(time(8), time(9))],
        note={},
        now=now,
        acting_user=COMMAND,
    )[0]
    with pytest.raises(Http404):
        selectors.special_hours_get(office, made.pk)
    with scopes_disabled():
        assert SpecialHours.objects.filter(office=other).count() == 1


# --- buildings with hours of their own ----------------------------------------------------------


def annex_with_own_saturday(office) -> None:
    """A second building that opens on Saturday, while the office's main building does not."""
    annex = services.location_create(
        office=office, name={"de": "Nebengebäude Ost"}, street="Ostanlage 7", acting_user=COMMAND
    )
    morning = [(time(8), time(12))]
    services.opening_hours_set(
        office=office,
        weekly={0: morning, 5: [(time(9, 5), time(12, 55))]},
        location=annex,
        acting_user=COMMAND,
    )


def test_the_public_page_shows_each_buildings_own_hours(office):
    single = BeautifulSoup(Client().get("/de/giessen/").content, "html.parser")
    assert len(single.select("table.opening-hours")) == 1
    annex_with_own_saturday(office)
    page = BeautifulSoup(Client().get("/de/giessen/").content, "html.parser")
    tables = page.select("table.opening-hours")
    captions = [t.caption.get_text(strip=True) for t in tables]
    assert captions == ["Hauptgebäude", "Nebengebäude Ost"]
    main, annex = (
        {
            row.th.get_text(" ", strip=True).split()[0]: row.td.get_text(" ", strip=True)
            for row in t.tbody.select("tr")
        }
        for t in tables
    )
    saturday = next(name for name in main if name.startswith("Sa"))
    assert "09:05" in annex[saturday] and "12:55" in annex[saturday]
    assert "09:05" not in main[saturday]  # the main building keeps the office's hours
    tuesday = next(name for name in main if name.startswith("Di"))
    assert "08:00" in main[tuesday] and "08:00" not in annex[tuesday]
    assert "Ostanlage 7" in page.get_text()


def test_the_first_visit_page_names_each_buildings_hours(office):
    assert "opening-hours" not in Client().get("/de/giessen/first-visit/").content.decode()
    annex_with_own_saturday(office)
    page = BeautifulSoup(Client().get("/de/giessen/first-visit/").content, "html.parser")
    captions = [t.caption.get_text(strip=True) for t in page.select("table.opening-hours")]
    assert captions == ["Hauptgebäude", "Nebengebäude Ost"]
    assert "09:05" in page.select("table.opening-hours")[1].get_text()


def test_a_building_keeps_the_offices_special_hours_unless_it_has_its_own(office):
    annex_with_own_saturday(office)
    annex = selectors.locations_of(office)[1]
    now = timezone.now()
    day = now.date() + timedelta(days=(7 - now.weekday()) % 7 or 7)  # next Monday
    services.special_hours_set(
        office=office, day=day, periods=[(time(7), time(9))], note={}, now=now, acting_user=COMMAND
    )
    for building in selectors.building_weeks(office, day, "de", days=1):
        assert [(p.opens, p.closes) for p in building.days[0].periods] == [(time(7), time(9))]
    services.special_hours_set(
        office=office,
        day=day,
        periods=[(time(10), time(11))],
        note={},
        location=annex,
        now=now,
        acting_user=COMMAND,
    )
    main, own = selectors.building_weeks(office, day, "de", days=1)
    assert [(p.opens, p.closes) for p in main.days[0].periods] == [(time(7), time(9))]
    assert [(p.opens, p.closes) for p in own.days[0].periods] == [(time(10), time(11))]


def test_a_fresh_flyer_shows_each_buildings_hours(office, settings, tmp_path):
    pytest.importorskip("weasyprint")
    from tests.printing.conftest import pdf_text

    settings.SCHALTER_PDF_CACHE_DIR = tmp_path / "pdf"
    settings.SCHALTER_PDF_FRESH_SECONDS = 600
    public = Client()
    assert "Nebengebäude Ost" not in pdf_text(public.get("/de/giessen/flyer.pdf").content)
    annex_with_own_saturday(office)
    text = pdf_text(public.get("/de/giessen/flyer.pdf").content)
    assert "Hauptgebäude" in text and "Nebengebäude Ost" in text
    assert "09:05–12:55" in text
    assert text.index("Hauptgebäude") < text.index("Nebengebäude Ost") < text.index("09:05")
