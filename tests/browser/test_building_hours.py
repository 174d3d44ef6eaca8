"""The public office page of an office with two buildings that keep different hours: each
building's week is its own table, on a phone in Arabic and on a desktop in German, and the page
passes axe."""

from datetime import time

import pytest

from schalter.accounts.actors import COMMAND
from schalter.offices import services
from tests.browser.conftest import assert_accessible
from tests.conftest import build_office

ANNEX = {"de": "Nebengebäude Ost", "ar": "المبنى الشرقي"}


@pytest.fixture
def office_with_two_buildings(transactional_db):
    office = build_office("giessen")
    annex = services.location_create(
        office=office, name=ANNEX, street="Ostanlage 7", acting_user=COMMAND
    )
    services.opening_hours_set(
        office=office,
        weekly={0: [(time(8), time(12))], 5: [(time(9, 5), time(12, 55))]},
        location=annex,
        acting_user=COMMAND,
    )
    return office


@pytest.mark.parametrize(
    ("language", "viewport", "annex_name"),
    [("ar", "phone", ANNEX["ar"]), ("de", "desktop", ANNEX["de"])],
)
def test_each_building_has_its_hours_table(
    open_page, office_with_two_buildings, language, viewport, annex_name
):
    page = open_page(f"/{language}/giessen/", viewport)
    tables = page.locator("table.opening-hours")
    assert tables.count() == 2
    captions = [tables.nth(i).locator("caption").inner_text().strip() for i in range(2)]
    assert captions[1] == annex_name
    for i in range(2):
        assert tables.nth(i).locator("tbody tr").count() == 7  # the week from today
    main_text, annex_text = (tables.nth(i).inner_text() for i in range(2))
    assert main_text != annex_text  # the annex keeps its own hours
    # The annex opens on Saturday morning (09:05-12:55); the main building does not.
    assert "12:55" in annex_text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    assert "12:55" not in main_text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    # On a phone the tables fit the screen: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
