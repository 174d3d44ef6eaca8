"""Signs for the building: desk signs, floor directories and arrows, from the office's desks."""

import pytest
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.offices import palette, services
from schalter.offices.models import Desk, Location
from schalter.printing.render import MAX_PAGES
from tests.printing.conftest import (
    as_extracted,
    dominant_colour,
    hex_rgb,
    page_png,
    pdf_fonts,
    pdf_info,
    pdf_text,
)


def page_size(pdf: bytes) -> tuple[int, int]:
    width, _x, height = pdf_info(pdf)["Page size"].split()[:3]
    return round(float(width)), round(float(height))


def near(colour: tuple[int, int, int], expected: str, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, hex_rgb(expected), strict=True))


def desks(office) -> list[Desk]:
    with scopes_disabled():
        return list(Desk.objects.filter(office=office).order_by("number"))


def test_one_landscape_page_per_desk_without_signing_in(client, office):
    response = client.get("/giessen/signs/desks.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf_info(pdf)["Pages"] == str(len(desks(office)))
    assert page_size(pdf) == (842, 595)  # A4 landscape
    fonts = pdf_fonts(pdf)
    assert fonts and all(font["emb"] == "yes" for font in fonts)


def test_a_desk_sign_says_number_colour_shape_floor_room_and_services(client, office):
    first = desks(office)[0]  # desk 1: green, triangle, floor 1, room 1.01
    text = pdf_text(client.get("/giessen/signs/desks.pdf").content)
    page_one = text.split("eAT-Abholung")[0]

    assert first.colour == "green"
    assert "Grün, Dreieck" in page_one
    assert "1.01" in page_one
    assert "eAT-Abholung" in text
    # The office's website languages as small lines: English and Arabic (not Kurmancî).
    assert "green, triangle" in text
    assert as_extracted("أخضر") in text
    assert "Kurmancî" not in text


def test_the_desk_sign_shows_the_desk_s_colour(client, office):
    first = desks(office)[0]
    pdf = client.get("/giessen/signs/desks.pdf").content

    assert near(dominant_colour(page_png(pdf, 1)), first.palette_colour.background)


def test_changing_a_desk_s_colour_changes_its_sign(client, office):
    first = desks(office)[0]
    services.desk_update(desk=first, changes={"colour": "purple"}, acting_user=COMMAND)

    pdf = client.get("/giessen/signs/desks.pdf").content

    assert near(dominant_colour(page_png(pdf, 1)), palette.BY_KEY["purple"].background)
    assert "Lila, Raute" in pdf_text(pdf)


def test_inactive_desks_get_no_sign(client, office):
    services.desk_update(desk=desks(office)[0], changes={"active": False}, acting_user=COMMAND)

    pdf = client.get("/giessen/signs/desks.pdf").content

    assert pdf_info(pdf)["Pages"] == str(len(desks(office)) - 1)


def test_signs_can_carry_chosen_languages(client, office):
    text = pdf_text(client.get("/giessen/signs/desks.pdf?lang=tr,uk").content)

    assert "Türkçe" in text and "Українська" in text
    assert "English" not in text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/giessen/signs/desks.pdf?lang=ar,tr,uk,fa", 400),
        ("/giessen/signs/floors.pdf?lang=en,ar,tr,uk", 400),
        ("/giessen/signs/desks.pdf?lang=ar,xx", 404),
        ("/nowhere/signs/desks.pdf", 404),
        ("/nowhere/signs/floors.pdf", 404),
    ],
)
def test_bad_sign_requests(client, office, url, status):
    response = client.get(url)

    assert response.status_code == status
    if status == 400:
        assert "3" in response.content.decode()


def test_more_desks_than_a_request_may_print_are_refused(client, office):
    with scopes_disabled():
        building = Location.objects.get(office=office)
    for number in range(100, 100 + MAX_PAGES):
        services.desk_create(
            office=office, location=building, number=number, colour="blue", acting_user=COMMAND
        )

    response = client.get("/giessen/signs/desks.pdf")

    assert response.status_code == 413
    assert str(MAX_PAGES) in response.content.decode()


def test_the_floor_directory_lists_each_floor_from_the_top(client, office):
    response = client.get("/giessen/signs/floors.pdf")

    assert response.status_code == 200
    pdf = response.content
    assert pdf_info(pdf)["Pages"] == "1"  # one building
    assert page_size(pdf) == (595, 842)
    text = pdf_text(pdf)
    assert "Hauptgebäude" in text
    assert text.index("2.02") < text.index("1.01") < text.index("0.03")
    assert "Rot, Quadrat" in text and "Blau, Kreis" in text


def test_a_wayfinding_arrow_names_its_desk(client, office, other_office):
    desk = desks(office)[1]  # desk 2: red, square, room 2.02

    response = client.get(f"/giessen/signs/arrow.pdf?desk={desk.pk}&direction=left")

    assert response.status_code == 200
    pdf = response.content
    assert pdf_info(pdf)["Pages"] == "1"
    assert page_size(pdf) == (842, 595)
    text = pdf_text(pdf)
    assert "Rot, Quadrat" in text and "2.02" in text
    foreign = desks(other_office)[0]
    assert client.get(f"/giessen/signs/arrow.pdf?desk={foreign.pk}&direction=up").status_code == 404
    assert client.get(f"/giessen/signs/arrow.pdf?desk={desk.pk}&direction=north").status_code == 400
    assert client.get("/giessen/signs/arrow.pdf?direction=up").status_code == 400
    assert client.get("/giessen/signs/arrow.pdf?desk=²&direction=up").status_code == 400
