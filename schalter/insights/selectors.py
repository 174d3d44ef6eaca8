"""Figures about offices. Anonymised: counts only, never a person."""

from django.db.models import Count
from django_scopes import scopes_disabled

from schalter.accounts.models import Membership
from schalter.offices.models import Desk, Office


def office_figures(office: Office) -> dict[str, int]:
    with scopes_disabled():
        desks = Desk.objects.filter(office=office, active=True).count()
        services = Desk.objects.filter(office=office, active=True).aggregate(
            n=Count("services", distinct=True)
        )["n"]
    staff = Membership.objects.filter(office=office).values("user").distinct().count()
    return {"desks": desks, "services": services, "staff": staff}
