"""Office admins set up queues (prefix, services, walk-ins, waiting zone per language, when the
wait-anywhere text goes) and kiosks (with the link that unlocks each), through the staff pages."""

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.visits.models import Kiosk, ServiceGroup
from tests.conftest import make_bookable

pytestmark = pytest.mark.django_db


def group_data(offered, **changes) -> dict:
    data = {
        "name_de": "Abholung",
        "name_tr": "Teslim alma",
        "prefix": "c",
        "services": [offered["short"].pk],
        "walk_ins_allowed": "on",
        "daily_walk_in_quota": 40,
        "notify_when_ahead": 2,
        "position": 1,
        "zone_de": "Wartebereich C, Erdgeschoss",
        "zone_ar": "منطقة الانتظار C",
    }
    return {**data, **changes}


def test_an_admin_sets_up_a_queue(staff_client, office):
    offered = make_bookable(office)
    admin = staff_client(office, Role.OFFICE_ADMIN)
    created = admin.post("/staff/giessen/queues/new/", group_data(offered))
    assert created.status_code == 302
    with scopes_disabled():
        group = ServiceGroup.objects.get(office=office)
        services = [s.pk for s in group.services.all()]
    assert (group.prefix, group.daily_walk_in_quota, group.notify_when_ahead) == ("C", 40, 2)
    assert group.name == {"de": "Abholung", "tr": "Teslim alma"}
    assert group.waiting_zone == {"de": "Wartebereich C, Erdgeschoss", "ar": "منطقة الانتظار C"}
    assert services == [offered["short"].pk]
    page = admin.get("/staff/giessen/queues/").content.decode()
    assert "Abholung" in page and "Wartebereich C" in page

    changed = admin.post(
        f"/staff/giessen/queues/{group.pk}/",
        group_data(offered, walk_ins_allowed="", services=[offered["long"].pk], name_tr=""),
    )
    assert changed.status_code == 302
    group.refresh_from_db()
    assert not group.walk_ins_allowed and group.name == {"de": "Abholung"}
    with scopes_disabled():
        assert [s.pk for s in group.services.all()] == [offered["long"].pk]
        assert AuditEvent.objects.filter(action="visits.group.updated").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"prefix": "ABCD"}, "prefix"),
        ({"prefix": "Ä1"}, "prefix"),
        ({"prefix": ""}, "prefix"),
        ({"name_de": ""}, "name_de"),
        ({"daily_walk_in_quota": -1}, "daily_walk_in_quota"),
        ({"notify_when_ahead": "drei"}, "notify_when_ahead"),
        ({"services": ["999999"]}, "services"),
        ({"name_fr": "x" * 500}, "name_fr"),
    ],
)
def test_bad_queue_input_is_refused_with_a_message(staff_client, office, changes, field):
    offered = make_bookable(office)
    admin = staff_client(office, Role.OFFICE_ADMIN)
    response = admin.post("/staff/giessen/queues/new/", group_data(offered, **changes))
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    with scopes_disabled():
        assert not ServiceGroup.objects.exists()


def test_a_prefix_is_used_once_per_office_and_markup_is_stripped(staff_client, office):
    offered = make_bookable(office)
    admin = staff_client(office, Role.OFFICE_ADMIN)
    first = admin.post(
        "/staff/giessen/queues/new/",
        group_data(offered, name_de="<b>Abholung</b><script>x</script>"),
    )
    assert first.status_code == 302
    again = admin.post("/staff/giessen/queues/new/", group_data(offered, prefix="C"))
    assert again.status_code == 400
    assert "prefix" in again.content.decode().lower() or "Präfix" in again.content.decode()
    with scopes_disabled():
        (group,) = ServiceGroup.objects.all()
    assert "<" not in group.name["de"] and "Abholung" in group.name["de"]


def test_a_kiosk_is_unlocked_by_its_link_until_taken_out_of_use(staff_client, office):
    make_bookable(office)
    admin = staff_client(office, Role.OFFICE_ADMIN)
    assert (
        admin.post("/staff/giessen/kiosks/new/", {"name": "Eingang", "active": "on"}).status_code
        == 302
    )
    with scopes_disabled():
        kiosk = Kiosk.objects.get(office=office)
    page = admin.get("/staff/giessen/queues/").content.decode()
    start = page.index(f"/giessen/kiosk/{kiosk.public_id}/?key=")
    link = page[start : page.index("<", start)]
    device = Client()
    device.get(link)
    assert (
        "nicht freigeschaltet"
        not in device.get(f"/giessen/kiosk/{kiosk.public_id}/?lang=de").content.decode()
    )
    guesser = Client()
    guesser.get(link[:-1] + "0" if not link.endswith("0") else link[:-1] + "1")
    assert (
        "nicht freigeschaltet"
        in guesser.get(f"/giessen/kiosk/{kiosk.public_id}/?lang=de").content.decode()
    )

    admin.post(f"/staff/giessen/kiosks/{kiosk.pk}/", {"name": "Eingang"})  # "in use" unticked
    kiosk.refresh_from_db()
    assert not kiosk.active
    assert device.get(f"/giessen/kiosk/{kiosk.public_id}/?lang=de").status_code == 404


def unlock_link(admin, public_id: str, page: str = "/staff/giessen/queues/") -> str:
    text = admin.get(page).content.decode()
    start = text.index(f"/giessen/kiosk/{public_id}/?key=")
    return text[start : text.index("<", start)]


def issues_tickets(device: Client, public_id: str) -> bool:
    page = device.get(f"/giessen/kiosk/{public_id}/?lang=de").content.decode()
    return "nicht freigeschaltet" not in page


def test_a_new_key_locks_the_old_link_and_the_browsers_it_unlocked(staff_client, office):
    make_bookable(office)
    admin = staff_client(office, Role.OFFICE_ADMIN)
    admin.post("/staff/giessen/kiosks/new/", {"name": "Eingang", "active": "on"})
    with scopes_disabled():
        kiosk = Kiosk.objects.get(office=office)
    old_link = unlock_link(admin, kiosk.public_id)
    device = Client()
    device.get(old_link)
    assert issues_tickets(device, kiosk.public_id)

    # The key is random and kept only as its hash: shown once, on the first page after it was
    # made, then never again.
    assert f"/giessen/kiosk/{kiosk.public_id}/?key=" not in (
        admin.get("/staff/giessen/queues/").content.decode()
        + admin.get(f"/staff/giessen/kiosks/{kiosk.pk}/").content.decode()
    )
    renewed = admin.post(f"/staff/giessen/kiosks/{kiosk.pk}/", {"action": "renew_key"})
    assert renewed.status_code == 302
    page = admin.get(renewed["Location"]).content.decode()
    assert "Neuer Schlüssel für Eingang." in page
    start = page.index(f"/giessen/kiosk/{kiosk.public_id}/?key=")
    new_link = page[start : page.index("<", start)]
    assert "?key=" not in admin.get(renewed["Location"]).content.decode()  # shown once
    assert not issues_tickets(device, kiosk.public_id)  # the unlocked browser is locked again
    thief = Client()
    thief.get(old_link)
    assert not issues_tickets(thief, kiosk.public_id)
    assert new_link != old_link
    device.get(new_link)
    assert issues_tickets(device, kiosk.public_id)
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="visits.kiosk.key_renewed").count() == 1
    # Only admins renew keys.
    caseworker = staff_client(office, Role.CASEWORKER)
    refused = caseworker.post(f"/staff/giessen/kiosks/{kiosk.pk}/", {"action": "renew_key"})
    assert refused.status_code == 403


def test_only_admins_set_up_queues(staff_client, office):
    for role in (Role.CASEWORKER, Role.FRONT_DESK, Role.TEAM_LEAD):
        client = staff_client(office, role)
        for url in (
            "/staff/giessen/queues/",
            "/staff/giessen/queues/new/",
            "/staff/giessen/kiosks/new/",
        ):
            assert client.get(url).status_code == 403
