import json

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.catalog.models import Service

pytestmark = pytest.mark.django_db

FALLBACK_NOTE = "This text is not yet available in your language; here it is in German."


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def json_ld(soup: BeautifulSoup) -> dict:
    scripts = soup.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def in_language(code: str, msgid: str) -> str:
    with translation.override(code):
        return translation.gettext(msgid)


@pytest.fixture
def described(office, bookable):
    Service.objects.filter(slug="residence-permit").update(
        summary={"de": "Eine Aufenthaltserlaubnis.", "en": "A residence permit."},
        audience={"de": "Für Menschen von außerhalb der EU.", "en": "For non-EU citizens."},
        legal_basis="§§ 16–38a AufenthG",
    )
    invited = Service.objects.create(
        slug="naturalisation",
        name={"de": "Einbürgerung", "en": "Naturalisation"},
        base_fee="255.00",
        summary={"de": "Deutsche Staatsangehörigkeit."},
    )
    booking.office_service_set(
        office=office,
        service=invited,
        duration_minutes=60,
        bookable_online=False,
        acting_user=COMMAND,
    )
    return bookable


def test_service_page_shows_what_who_checklist_fees_law_and_booking(client, described):
    response = client.get("/en/giessen/services/residence-permit/")
    assert response.status_code == 200
    soup = page(response)
    text = soup.get_text()
    assert soup.h1.get_text() == "Residence permit"
    assert "A residence permit." in text and "For non-EU citizens." in text
    boxes = soup.select('.document-checklist input[type="checkbox"]')
    assert len(boxes) == 1
    label = soup.select_one(f'label[for="{boxes[0]["id"]}"]')
    assert label.get_text() == "Passport"
    assert "100.00 €" in text and "50.00 €" in text
    assert "§§ 16–38a AufenthG" in text
    assert "30 minutes" in text
    assert soup.select_one('a[href="/en/giessen/book/residence-permit/"]')
    assert FALLBACK_NOTE not in text
    assert any("@media print" in style.string for style in soup.select("style"))


def test_missing_translation_falls_back_to_german_with_a_note(client, described):
    soup = page(client.get("/ar/giessen/services/residence-permit/"))
    note = in_language("ar", FALLBACK_NOTE)
    assert soup.get_text().count(note) == 3  # summary, audience, documents
    summary = soup.find(string="Eine Aufenthaltserlaubnis.").parent
    assert summary["lang"] == "de"
    assert soup.select_one(".document-checklist label")["lang"] == "de"
    assert soup.html["dir"] == "rtl"


def test_leichte_sprache_without_its_own_text_shows_german_marked(client, described):
    soup = page(client.get("/de-x-ls/giessen/services/residence-permit/"))
    assert soup.find(string="Eine Aufenthaltserlaubnis.").parent["lang"] == "de"
    assert in_language("de-x-ls", FALLBACK_NOTE) in soup.get_text()


def test_service_booked_only_by_invitation_says_so_and_gives_the_phone(client, described):
    soup = page(client.get("/en/giessen/services/naturalisation/"))
    assert not soup.select('a[href*="/book/"]')
    booking_text = soup.select_one("#book-heading").parent.get_text()
    assert "invites you" in booking_text and "+496413060" in booking_text
    assert "255.00 €" in soup.get_text()


@pytest.mark.parametrize(
    "path",
    [
        "/en/giessen/services/no-such-service/",
        "/en/giessen/services/eu-blue-card/",  # in the catalogue, not offered here
        "/en/nowhere/services/residence-permit/",
        "/en/nowhere/first-visit/",
        "/xx/giessen/services/residence-permit/",
    ],
)
def test_unknown_or_not_offered_is_a_friendly_404(client, described, path):
    Service.objects.create(slug="eu-blue-card", name={"de": "Blaue Karte EU"})
    response = client.get(path)
    assert response.status_code == 404
    assert page(response).h1  # the site's own 404 page, not a bare error


def test_service_page_has_government_service_structured_data(client, described):
    soup = page(client.get("/en/giessen/services/residence-permit/"))
    data = json_ld(soup)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Residence permit"
    assert data["description"] == "A residence permit."
    assert data["provider"]["@type"] == "GovernmentOffice"
    assert data["provider"]["name"] == "Immigration office giessen"
    assert data["provider"]["telephone"] == "+496413060"
    assert data["url"].endswith("/en/giessen/services/residence-permit/")
    script = soup.select_one('script[type="application/ld+json"]')
    assert script.get("nonce")


def test_office_page_has_government_office_structured_data_with_opening_hours(client, office):
    soup = page(client.get("/de/giessen/"))
    data = json_ld(soup)
    assert data["@type"] == "GovernmentOffice"
    assert data["name"] == "Ausländerbehörde Giessen"
    assert data["telephone"] == "+496413060"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Berliner Platz 1",
        "postalCode": "35390",
        "addressLocality": "Giessen",
        "addressCountry": "DE",
    }
    hours = data["openingHoursSpecification"]
    assert [h["dayOfWeek"].rsplit("/", 1)[1] for h in hours] == [
        "Monday",
        "Tuesday",
        "Thursday",
        "Friday",
    ]
    assert hours[0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:00",
        "closes": "12:00",
    }


def test_script_in_data_cannot_break_out_of_the_structured_data(client, described):
    attack = "</script><script>alert(1)</script>"
    Service.objects.filter(slug="residence-permit").update(summary={"en": attack})
    response = client.get("/en/giessen/services/residence-permit/")
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert json_ld(page(response))["description"] == attack


def test_service_pages_load_no_javascript(client, described):
    soup = page(client.get("/de/giessen/services/residence-permit/"))
    scripts = soup.select("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert not soup.select("[src*=altcha], altcha-widget")
    assert len(client.get("/de/giessen/services/residence-permit/").content) < 50_000


def test_office_page_lists_every_offered_service(client, described, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        soup = page(client.get("/en/giessen/"))
    links = {a.get_text(): a["href"] for a in soup.select(".service-list a")}
    assert links == {
        "Naturalisation": "/en/giessen/services/naturalisation/",
        "Residence permit": "/en/giessen/services/residence-permit/",
        "eAT-Abholung": "/en/giessen/services/card-pick-up/",
    }
    assert soup.select_one('a[href="/en/giessen/first-visit/"]')


def test_first_visit_guide(client, office):
    soup = page(client.get("/en/giessen/first-visit/"))
    text = soup.get_text()
    assert "10 minutes" in text and "take a number" in text
    assert "Hauptgebäude can be reached without steps." in text
    assert soup.select_one('a[href="tel:+496413060"]')


def test_booking_page_still_shows_the_documents(client, described):
    soup = page(client.get("/ar/giessen/book/residence-permit/"))
    item = soup.select_one("#documents-heading").find_next("ul").li
    assert item.get_text() == "Reisepass" and item["lang"] == "de"
