"""Staff of one office get a 404 for another office's objects, on every staff URL with an id."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from schalter.accounts.models import Membership
from schalter.accounts.roles import Role
from schalter.offices.models import Closure, Desk, Location
from schalter.offices.services import closure_add

pytestmark = pytest.mark.django_db


def staff_patterns_with_ids() -> list[str]:
    """Names of staff URLs that take an object id, read from the URL configuration itself."""
    staff = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "staff"
    )
    return sorted(
        f"staff:{p.name}"
        for p in staff.url_patterns
        if isinstance(p, URLPattern) and "pk" in p.pattern.converters
    )


def object_of(office, url_name: str) -> int:
    """An object of `office` for each kind of id a staff URL takes."""
    with scopes_disabled():
        if url_name == "staff:desk":
            return Desk.objects.filter(office=office).first().pk
        if url_name == "staff:location":
            return Location.objects.filter(office=office).first().pk
        if url_name == "staff:closure_delete":
            if not Closure.objects.filter(office=office).exists():
                import datetime

                day = datetime.date(2030, 1, 2)
                closure_add(office=office, first_day=day, last_day=day, reason={"de": "x"})
            return Closure.objects.filter(office=office).first().pk
        if url_name == "staff:member":
            return Membership.objects.filter(office=office).first().pk
    raise AssertionError(f"{url_name} takes an id: add its objects to object_of()")


def test_every_staff_url_with_an_id_is_covered():
    assert staff_patterns_with_ids() == [
        "staff:closure_delete",
        "staff:desk",
        "staff:location",
        "staff:member",
    ]


@pytest.mark.parametrize("url_name", staff_patterns_with_ids())
def test_other_offices_objects_are_404(staff_client, make_staff, office, other_office, url_name):
    make_staff(other_office, Role.CASEWORKER)  # so the other office has a member
    client = staff_client(office, Role.OFFICE_ADMIN)
    own = reverse(url_name, kwargs={"office": office.slug, "pk": object_of(office, url_name)})
    foreign_pk = object_of(other_office, url_name)
    foreign = reverse(url_name, kwargs={"office": office.slug, "pk": foreign_pk})
    through_other_slug = reverse(url_name, kwargs={"office": other_office.slug, "pk": foreign_pk})
    method = client.post if url_name.endswith("_delete") else client.get
    assert method(foreign).status_code == 404
    assert method(through_other_slug).status_code == 404
    missing = reverse(url_name, kwargs={"office": office.slug, "pk": 987654})
    assert method(missing).status_code == 404
    assert method(own).status_code in {200, 302}
    with scopes_disabled():  # nothing of the other office was changed
        assert Closure.objects.filter(office=other_office).count() == (
            1 if url_name == "staff:closure_delete" else 0
        )


def test_office_pages_of_other_offices_are_404(staff_client, office, other_office):
    client = staff_client(office, Role.OFFICE_ADMIN)
    for name in ("staff:office", "staff:desks", "staff:closures", "staff:members", "staff:audit"):
        assert client.get(reverse(name, kwargs={"office": other_office.slug})).status_code == 404
        assert client.get(reverse(name, kwargs={"office": office.slug})).status_code == 200
