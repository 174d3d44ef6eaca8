"""Flyers: the same office and catalogue data as the website, in the client's language, as PDF."""

import sys

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from schalter.appointments import selectors as booking_selectors
from schalter.catalog.catalogue import DOCUMENTS
from schalter.demo.seed import in_every_language
from schalter.languages import BY_CODE
from schalter.printing import content
from tests.printing.conftest import as_extracted, has_words, pdf_fonts, pdf_info, pdf_text

FLYER = "/{lang}/giessen/services/residence-permit/flyer.pdf"


def page_size(pdf: bytes) -> tuple[int, int]:
    width, _x, height = pdf_info(pdf)["Page size"].split()[:3]
    return round(float(width)), round(float(height))


@pytest.mark.parametrize("lang", ["ar", "fa", "fa-af", "uk", "tr"])
def test_service_flyer_speaks_the_client_language(client, office, residence_permit, lang):
    response = client.get(FLYER.format(lang=lang))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = pdf_text(pdf)
    assert as_extracted(residence_permit.name_in(lang)) in text
    for document in residence_permit.documents_in(lang):
        assert has_words(text, document)
    assert "Berliner Platz 1" in text and "+496413060" in text
    assert f"http://127.0.0.1:8000/{lang}/giessen/services/residence-permit/" in text
    assert pdf_info(pdf)["Pages"] == "1"
    assert page_size(pdf) == (595, 842)  # A4 portrait
    fonts = pdf_fonts(pdf)
    assert fonts and all(font["emb"] == "yes" for font in fonts)
    if BY_CODE[lang].bidi:
        assert any("Noto-Sans-Arabic" in font["name"] for font in fonts)


def test_the_arabic_flyer_is_shaped_right_to_left(client, office, residence_permit):
    """pdftotext gives back the logical Arabic text only if the glyphs were shaped and
    ordered right to left; unshaped or left-to-right text comes back reversed or isolated."""
    text = pdf_text(client.get(FLYER.format(lang="ar")).content)

    assert "إصدار تصريح إقامة" in text
    assert "ةماقإ حيرصت رادصإ" not in text


def test_a_pair_puts_german_beside_the_client_language_on_a5(client, office, residence_permit):
    response = client.get(FLYER.format(lang="de") + "?lang=ar&size=A5&pair=1")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Aufenthaltserlaubnis erteilen" in text
    assert as_extracted(residence_permit.name_in("ar")) in text
    assert pdf_info(response.content)["Pages"] == "1"
    assert page_size(response.content) == (420, 595)  # A5 portrait


def test_each_column_of_a_pair_has_its_own_lang_and_dir(office, residence_permit):
    offered = booking_selectors.offer_get(office, service_slug="residence-permit", channel=None)
    languages = content.flyer_languages("fa", pair=True)
    with translation.override("de"):
        html = render_to_string(
            "printing/flyer_service.html",
            content.service_flyer(office, offered, languages, "A4"),
        )

    assert '<section class="column" lang="de" dir="ltr">' in html
    assert '<section class="column" lang="fa" dir="rtl">' in html
    assert html.index('lang="de" dir="ltr"') < html.index('lang="fa" dir="rtl"')


def test_the_office_flyer_has_what_a_first_visit_needs(client, office, residence_permit):
    response = client.get("/uk/giessen/flyer.pdf")

    assert response.status_code == 200
    text = pdf_text(response.content)
    with translation.override("uk"):
        monday = translation.gettext("Monday")
    for expected in (
        office.name_in("uk"),
        "Berliner Platz 1, 35390 Giessen",
        "+496413060",
        "abh@giessen.example",
        monday,
        "08:00–12:00",
        "Bus 1 bis Rathaus.",  # no Ukrainian directions stored: German stands in
        "Kurmancî",  # a language staff speak beyond the website's
        residence_permit.name_in("uk"),
        "http://127.0.0.1:8000/uk/giessen/",
    ):
        assert expected in text, expected
    assert pdf_info(response.content)["Pages"] == "1"


def test_changing_a_service_s_documents_changes_the_flyer_and_the_page(
    client, office, residence_permit
):
    page_url = "/tr/giessen/services/residence-permit/"
    before = pdf_text(client.get(FLYER.format(lang="tr")).content)
    passport = residence_permit.documents_in("tr")[0]
    assert passport in before
    assert passport in client.get(page_url).content.decode()

    # The catalogue is edited in the admin: the row itself changes.
    residence_permit.documents = [in_every_language(DOCUMENTS["health-insurance"])]
    residence_permit.save()
    after = pdf_text(client.get(FLYER.format(lang="tr")).content)

    assert passport not in after
    assert residence_permit.documents_in("tr")[0] in after
    page = client.get(page_url).content.decode()
    assert passport not in page
    assert residence_permit.documents_in("tr")[0] in page


@pytest.mark.parametrize(
    "url",
    [
        "/xx/giessen/services/residence-permit/flyer.pdf",
        "/de/giessen/services/residence-permit/flyer.pdf?lang=xx",
        "/de/giessen/services/no-such-service/flyer.pdf",
        "/de/giessen/services/card-pick-up/flyer.pdf",  # in the catalogue, not offered here
        "/de/nowhere/services/residence-permit/flyer.pdf",
        "/de/nowhere/flyer.pdf",
        "/de/giessen/flyer.pdf?lang=klingon",
    ],
)
def test_unknown_languages_services_and_offices_are_not_found(
    client, office, residence_permit, url
):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [("size=A3", "A3"), ("size=A4;A5", "A4"), ("lang=ar,fa,uk", "pair=1")],
)
def test_combinations_we_do_not_print_are_refused_politely(
    client, office, residence_permit, query, message
):
    response = client.get(FLYER.format(lang="de") + "?" + query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_flyers_answer_503_when_weasyprint_cannot_load(
    client, office, residence_permit, monkeypatch
):
    # The third-party module is made unimportable, as on a machine without pango.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = client.get(FLYER.format(lang="ar"))

    assert response.status_code == 503
    assert "WeasyPrint" in response.content.decode()
