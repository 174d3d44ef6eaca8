import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.appointments.models import Urgency, WaitlistEntry, WaitlistStatus
from schalter.appointments.waitlist import waitlist_join

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(office, bookable):
    now = timezone.now()
    return [
        waitlist_join(
            office=office,
            service=bookable["long"],
            name=name,
            email=f"{name}@example.org",
            language="de",
            permit_expires=None,
            now=now,
            acting_user=COMMAND,
        )
        for name in ("anna", "bora")
    ]


def test_staff_see_the_list_in_offer_order_and_tune_it(staff_client, office, waiting):
    client = staff_client(office, Role.TEAM_LEAD)
    rows = BeautifulSoup(
        client.get("/staff/giessen/waitlist/").content.decode(), "html.parser"
    ).select("tbody tr")
    assert [r.select("td")[2].get_text() for r in rows] == ["anna", "bora"]
    bora = waiting[1]
    response = client.post(
        f"/staff/giessen/waitlist/{bora.pk}/update/", {"action": str(Urgency.URGENT.value)}
    )
    assert response.status_code == 302
    rows = BeautifulSoup(
        client.get("/staff/giessen/waitlist/").content.decode(), "html.parser"
    ).select("tbody tr")
    assert [r.select("td")[2].get_text() for r in rows] == ["bora", "anna"]
    client.post(f"/staff/giessen/waitlist/{waiting[0].pk}/update/", {"action": "withdraw"})
    with scopes_disabled():
        assert WaitlistEntry.objects.get(pk=waiting[0].pk).status == WaitlistStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="appointments.waitlist.updated").count() == 2
    assert (
        client.post(
            f"/staff/giessen/waitlist/{bora.pk}/update/", {"action": "<script>"}
        ).status_code
        == 400
    )
    assert client.post("/staff/giessen/waitlist/offer/").status_code == 302


def test_caseworkers_see_but_cannot_tune(staff_client, office, waiting):
    client = staff_client(office, Role.CASEWORKER)
    assert client.get("/staff/giessen/waitlist/").status_code == 200
    assert (
        client.post(
            f"/staff/giessen/waitlist/{waiting[0].pk}/update/", {"action": "withdraw"}
        ).status_code
        == 403
    )
