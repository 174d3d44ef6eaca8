"""Form furniture in right-to-left pages: a group's legend sits on the start (right) side, as its
boxes do. KERN floats legends left; schalter.css puts them right in RTL pages."""

import pytest

from schalter.accounts.actors import COMMAND
from schalter.callbacks.parts import CALLBACKS
from schalter.offices.services import office_part_switch
from tests.conftest import build_office, make_bookable


@pytest.fixture
def taking(transactional_db):
    office = build_office("giessen")
    make_bookable(office)
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    return office


def test_a_checkbox_groups_legend_sits_on_the_right_in_arabic(open_page, taking):
    page = open_page("/ar/giessen/callback/", "phone")
    group = page.locator("fieldset").filter(has=page.locator("input[name=windows]"))
    legend, box = group.locator("legend").bounding_box(), group.bounding_box()
    assert legend and box
    assert abs((legend["x"] + legend["width"]) - (box["x"] + box["width"])) < 20
