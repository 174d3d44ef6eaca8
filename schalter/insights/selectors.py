"""Figures about offices. Anonymised: counts only, never a person."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.models import Membership
from schalter.offices.models import Desk, Office
from schalter.visits import selectors as visit_selectors

ESTIMATE_DAYS = 7  # the expected-wait figures cover the last week, today included


def office_figures(office: Office) -> dict[str, object]:
    with scopes_disabled():
        desks = Desk.objects.filter(office=office, active=True).count()
        services = Desk.objects.filter(office=office, active=True).aggregate(
            n=Count("services", distinct=True)
        )["n"]
    staff = Membership.objects.filter(office=office).values("user").distinct().count()
    today = visit_selectors.local_day(office, timezone.now())
    estimates = visit_selectors.wait_estimates(
        office, today - timedelta(days=ESTIMATE_DAYS - 1), today
    )
    return {"desks": desks, "services": services, "staff": staff, "estimates": estimates}
