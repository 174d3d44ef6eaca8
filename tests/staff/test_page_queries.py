"""The office overview asks the database a fixed number of questions: as many with a long menu
as with a short one (a query per menu item fails here)."""

from django.test import Client
from django.urls import reverse

from schalter.accounts.roles import Role
from tests.conftest import sign_in
from tests.knowledge.test_page_queries import queries

# The session, user, second factor (its device, every request), membership, and the overview's
# own reads (schedule, figures, the callbacks' open work for the menu).
OVERVIEW_QUERIES = 12


def test_office_overview_queries_do_not_grow_with_the_menu(office, make_staff):
    few = sign_in(Client(), make_staff(office, Role.CASEWORKER))
    many = sign_in(Client(), make_staff(office, Role.OFFICE_ADMIN))
    url = reverse("staff:office", kwargs={"office": office.slug})
    short_menu = len(few.get(url).context["navigation"])
    long_menu = len(many.get(url).context["navigation"])
    assert long_menu > short_menu
    assert queries(few, url) == queries(many, url) == OVERVIEW_QUERIES
