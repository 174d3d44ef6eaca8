"""Every staff page's form controls wear the design system (KERN UX) and no blank choice speaks
English in a German page (issue 12, "Fix the class": queue page selects, the desk picker's
radios, the "transfer to" select, "- Select an option -").

The pages are those of the tenancy walk (every staff route of an office), opened by an office
admin with her own office's objects, in German; the desk page in each of its states (picking a
desk, a called client, a client in service)."""

from __future__ import annotations

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from schalter.accounts.roles import Role
from tests.conftest import sign_in
from tests.staff.test_tenancy_walk import MONDAY_9, STAFF_WALK, world_of

pytestmark = pytest.mark.django_db

ENGLISH_BLANKS = ("Select an option", "---------")


def control_problems(html: str) -> list[str]:
    """Controls not styled by KERN UX, and English blank choices."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for select in soup.find_all("select"):
        classes = select.get("class") or []
        wrapper = select.parent.get("class") or []
        if "kern-form-input__select" not in classes:
            problems.append(f"select {select.get('name')} without kern-form-input__select")
        if "kern-form-input__select-wrapper" not in wrapper:
            problems.append(f"select {select.get('name')} outside kern-form-input__select-wrapper")
    for kind in ("radio", "checkbox"):
        for control in soup.find_all("input", attrs={"type": kind}):
            classes = control.get("class") or []
            if f"kern-form-check__{kind}" not in classes:
                problems.append(f"{kind} {control.get('name')} without kern-form-check__{kind}")
            elif "kern-form-check" not in (control.parent.get("class") or []):
                problems.append(f"{kind} {control.get('name')} outside kern-form-check")
    for option in soup.find_all("option"):
        if any(blank in option.get_text() for blank in ENGLISH_BLANKS):
            problems.append(f"English blank choice {option.get_text()!r}")
    text = soup.get_text()
    problems += [f"English text {blank!r}" for blank in ENGLISH_BLANKS if blank in text]
    return problems


def test_english_blank_choice_is_caught():
    page = '<div class="kern-form-input__select-wrapper"><select class="kern-form-input__select">'
    assert control_problems(page + '<option value="">- Select an option -</option></select></div>')
    assert control_problems('<select class="kern-form-input__select"></select>')
    assert control_problems('<div class="kern-form-check"><input type="radio"></div>')


def test_staff_pages_in_german_use_kern_controls(office, other_office, make_staff):
    with time_machine.travel(MONDAY_9, tick=True):
        own = world_of(office, make_staff)
        admin = make_staff(office, Role.OFFICE_ADMIN)
        client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="de"), admin)
        problems: dict[str, list[str]] = {}
        pages = 0

        def look(label: str, url: str) -> None:
            nonlocal pages
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                return
            pages += 1
            assert 'lang="de"' in response.text[:500], label
            found = control_problems(response.text)
            if found:
                problems[label] = found

        for route, walks in STAFF_WALK.items():
            for walk in walks:
                if "GET" in walk.methods:
                    url = reverse(route, kwargs={"office": office.slug, **walk.ids(own)})
                    look(route, url + walk.query)
        # The desk page in its other states: a desk taken, a client called, a client served.
        desk_url = reverse("staff:visit_desk", kwargs={"office": office.slug})
        assert client.post(desk_url, {"action": "take", "desk": own["other_desk"]}).status_code
        client.post(desk_url, {"action": "call_next"})
        look("desk with a called client", desk_url)
        client.post(desk_url, {"action": "start", "ticket": own["ticket"]})
        look("desk with a client in service", desk_url)
    assert pages > 30
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
