"""The staff pages' skip link lands past the header and the office menu: <main> holds the menu,
so a keyboard user skipping to it would tab through the whole menu again on every page."""

import pytest

from schalter.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_the_skip_link_skips_the_office_menu(staff_client, office):
    page = staff_client(office, Role.CASEWORKER).get(f"/staff/{office.slug}/").content.decode()
    assert '<a class="skip-link kern-link" href="#content">' in page
    target = page.index('id="content"')
    assert page.index('class="staff-nav"') < target < page.index("<h1")
