"""A page her role does not allow answers 403 with a page in her language, not Django's bare
English "403 Forbidden"."""

import pytest

from schalter.accounts.roles import Role
from tests.conftest import german

pytestmark = pytest.mark.django_db


def test_a_refused_staff_page_speaks_german_and_leads_back(staff_client, office):
    client = staff_client(office, Role.CASEWORKER)
    response = client.get(f"/staff/{office.slug}/members/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="de"' in page
    assert german("No access to this page") in page
    assert 'href="/staff/"' in page
