import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import CAPABILITIES, INSTALLATION_ROLES, Role
from schalter.offices.models import Desk
from schalter.staff.navigation import navigation_entries

pytestmark = pytest.mark.django_db


def menu(client, office, path: str = "") -> list[str]:
    """The menu on `path` (the office's overview unless given)."""
    response = client.get(path or f"/staff/{office.slug}/")
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return [a["href"] for a in page.select(".staff-nav a")]


OFFICE_ROLES = [role for role in Role if role not in INSTALLATION_ROLES]


@pytest.mark.parametrize("role", OFFICE_ROLES)
def test_menu_shows_exactly_what_the_role_may_do(staff_client, office, role):
    client = staff_client(office, role)
    expected = [
        reverse(entry.url_name, kwargs={"office": "giessen"})
        # The office's own menu: parts it does not use (callbacks, off by default) have none.
        for entry in navigation_entries(office)
        if entry.capability in CAPABILITIES[role]
    ]
    # Read on the first page of her menu: the data-protection officer has no overview.
    assert menu(client, office, expected[0]) == expected
    for entry in navigation_entries(office):
        url = reverse(entry.url_name, kwargs={"office": "giessen"})
        status = client.get(url).status_code
        assert status == (200 if entry.capability in CAPABILITIES[role] else 403), (url, status)


def test_caseworker_sees_desks_but_cannot_change_them(staff_client, office):
    client = staff_client(office, Role.CASEWORKER)
    with scopes_disabled():
        desk = Desk.objects.filter(office=office).first()
    assert client.get(f"/staff/giessen/desks/{desk.pk}/").status_code == 200
    response = client.post(f"/staff/giessen/desks/{desk.pk}/", {"number": 99})
    assert response.status_code == 403
    with scopes_disabled():
        assert Desk.objects.get(pk=desk.pk).number == desk.number


def test_someone_in_two_offices_switches_between_them(
    staff_client, make_staff, office, other_office
):
    from schalter.accounts.services import membership_grant
    from tests.conftest import sign_in

    user = make_staff(office, Role.CASEWORKER)
    membership_grant(user=user, office=other_office, role=Role.FRONT_DESK, acting_user=COMMAND)
    from django.test import Client

    client = sign_in(Client(), user)
    page = BeautifulSoup(client.get("/staff/").content.decode(), "html.parser")
    assert {a["href"] for a in page.select("main a")} == {"/staff/giessen/", "/staff/darmstadt/"}
    assert client.get("/staff/darmstadt/").status_code == 200


def test_ministry_sees_anonymised_figures_of_all_offices(staff_client, office, other_office):
    client = staff_client(None, Role.MINISTRY)
    response = client.get("/staff/figures/")
    assert response.status_code == 200
    rows = BeautifulSoup(response.content.decode(), "html.parser").select("#offices-now tbody tr")
    assert len(rows) == 2
    assert rows[0].select("td")[0].get_text() == "3"  # desks in use
    assert client.get("/staff/giessen/").status_code == 404


def test_office_staff_cannot_see_ministry_figures(staff_client, office):
    assert staff_client(office, Role.OFFICE_ADMIN).get("/staff/figures/").status_code == 404


def desk_form(desk, **changes):
    data = {
        "number": desk.number,
        "colour": desk.colour,
        "location": desk.location_id,
        "floor": desk.floor,
        "room": desk.room,
        "active": "on",
    }
    data.update(changes)
    return data


def test_admin_changes_a_desk_and_it_is_audited(staff_client, office):
    client = staff_client(office, Role.OFFICE_ADMIN)
    with scopes_disabled():
        desk = Desk.objects.filter(office=office, number=1).get()
    response = client.post(
        f"/staff/giessen/desks/{desk.pk}/", desk_form(desk, colour="purple", room="2.14", floor=2)
    )
    assert response.status_code == 302
    with scopes_disabled():
        desk.refresh_from_db()
    assert (desk.colour, desk.room, desk.floor) == ("purple", "2.14", 2)
    event = AuditEvent.objects.get(action="offices.desk.updated")
    assert event.office == office and event.target_id == str(desk.pk)
    assert event.data["after"]["colour"] == "purple"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"number": 2}, "number"),  # taken by another desk
        ({"number": -1}, "number"),
        ({"number": "٣"}, None),  # Arabic-Indic digit: Django accepts it as 3, which is taken
        ({"floor": 7}, "floor"),  # the building has floors 0 to 2
        ({"colour": "chartreuse"}, "colour"),
        ({"room": "x" * 500}, "room"),
        ({"location": 999999}, "location"),
        ({"number": "1e9"}, "number"),
    ],
)
def test_bad_desk_input_is_a_400_and_changes_nothing(staff_client, office, changes, field):
    client = staff_client(office, Role.OFFICE_ADMIN)
    with scopes_disabled():
        desk = Desk.objects.filter(office=office, number=1).get()
    response = client.post(f"/staff/giessen/desks/{desk.pk}/", desk_form(desk, **changes))
    assert response.status_code == 400
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert page.select(".kern-error")
    if field:
        assert page.select_one(f"#id_{field}")["aria-invalid"] == "true"
    with scopes_disabled():
        assert Desk.objects.get(pk=desk.pk).number == 1
    assert not AuditEvent.objects.filter(action="offices.desk.updated").exists()


def test_closures_added_and_removed_by_the_admin(staff_client, office):
    client = staff_client(office, Role.OFFICE_ADMIN)
    response = client.post(
        "/staff/giessen/closures/",
        {"first_day": "2030-03-01", "last_day": "2030-03-02", "reason": "Umzug"},
    )
    assert response.status_code == 302
    assert "Umzug" in client.get("/de/giessen/").content.decode()
    bad = client.post(
        "/staff/giessen/closures/",
        {"first_day": "2030-03-05", "last_day": "2030-03-01", "reason": "x"},
    )
    assert bad.status_code == 400
    bad = client.post(
        "/staff/giessen/closures/", {"first_day": "not a date", "last_day": "", "reason": ""}
    )
    assert bad.status_code == 400
    assert AuditEvent.objects.filter(action="offices.closure.added").count() == 1
