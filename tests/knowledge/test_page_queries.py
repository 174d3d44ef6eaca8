"""The knowledge search page asks the database a fixed number of questions: as many with many
results as with few (a per-row query fails here)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schalter.accounts.roles import Role
from schalter.appointments.models import OfficeService
from schalter.catalog.models import Service
from tests.conftest import sign_in
from tests.knowledge.conftest import write

# The gate's part check, session, user, second factor (its device, every request), membership,
# offices and services for the filters, the search, required reading, the callbacks' open work
# for the menu (their part is off).
SEARCH_QUERIES = 10


def queries(client: Client, url: str) -> int:
    client.get(url)  # once first: what a process reads once is not the page's cost
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("articles", [1, 12])
def test_search_page_queries_do_not_grow_with_results(office, other_office, make_staff, articles):
    editor = make_staff(office, Role.KNOWLEDGE_EDITOR)
    for number in range(articles):
        write(office, editor, title=f"Chancenkarte {number}", body="Die Chancenkarte gilt.")
    for number in range(articles):  # services in the filter, one query for all of them
        service = Service.objects.create(slug=f"dienst-{number}", name={"de": f"Dienst {number}"})
        OfficeService.objects.create(
            office=office, service=service, enabled=True, duration_minutes=15
        )
    client = sign_in(Client(), editor)
    url = reverse("staff:knowledge", kwargs={"office": office.slug})
    response = client.get(url, {"q": "Chancenkarte"})
    assert len(response.context["hits"]) == articles
    assert queries(client, f"{url}?q=Chancenkarte") == SEARCH_QUERIES
