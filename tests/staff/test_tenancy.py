"""Staff of one office get a 404 for another office's objects, on every staff URL with an id."""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AccountLink, Membership
from schalter.accounts.roles import Role
from schalter.appointments.models import (
    Appointment,
    AvailabilityRule,
    Channel,
    TimeBlock,
    WaitlistEntry,
    WaitlistStatus,
)
from schalter.callbacks.parts import CALLBACKS
from schalter.callbacks.settings import MailboxValues, PatternValues, mailbox_save, pattern_save
from schalter.insights.costs import staff_hours_add
from schalter.insights.models import StaffHours
from schalter.offices.models import Closure, Desk, Location, SpecialHours
from schalter.offices.services import closure_add, office_part_switch, special_hours_set

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


# URL arguments besides the office and the id, per URL name.
OTHER_KWARGS = {
    "staff:content_text": {"kind": "office", "field": "directions"},
    "staff:insights_cost_delete": {"kind": "hours"},  # the Bilanz's staff hours (issue 17)
}


def id_kwargs(url_name: str, pk: int) -> dict:
    return {"pk": pk, **OTHER_KWARGS.get(url_name, {})}


def object_of(office, url_name: str) -> int:
    """An object of `office` for each kind of id a staff URL takes."""
    with scopes_disabled():
        if url_name == "staff:content_text":  # the office's own texts (directions)
            return office.pk
        if url_name == "staff:desk":
            return Desk.objects.filter(office=office).first().pk
        if url_name == "staff:location":
            return Location.objects.filter(office=office).first().pk
        if url_name == "staff:closure_delete":
            if not Closure.objects.filter(office=office).exists():
                day = datetime.date(2030, 1, 2)
                closure_add(
                    office=office,
                    first_day=day,
                    last_day=day,
                    reason={"de": "x"},
                    acting_user=COMMAND,
                )
            return Closure.objects.filter(office=office).first().pk
        if url_name == "staff:special_hours_delete":
            if not SpecialHours.objects.filter(office=office).exists():
                special_hours_set(
                    office=office,
                    day=datetime.date(2030, 1, 3),
                    periods=[(datetime.time(8), datetime.time(12))],
                    note={},
                    now=datetime.datetime(2029, 1, 1, tzinfo=datetime.UTC),
                    acting_user=COMMAND,
                )
            return SpecialHours.objects.filter(office=office).first().pk
        if url_name == "staff:member":
            return Membership.objects.filter(office=office).first().pk
        if url_name == "staff:invitation_withdraw":  # an open invitation into the office
            return AccountLink.objects.create(
                kind=AccountLink.Kind.INVITATION,
                office=office,
                email=f"eingeladen@{office.slug}.example",
                roles=["caseworker"],
                totp_key="00" * 20,
                created_at=datetime.datetime(2029, 1, 1, tzinfo=datetime.UTC),
                expires_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC),
            ).pk
        if url_name == "staff:insights_cost_delete":  # staff hours entered for the Bilanz
            entry = StaffHours.objects.filter(office=office).first() or staff_hours_add(
                office=office,
                first_day=datetime.date(2030, 1, 1),
                last_day=datetime.date(2030, 1, 31),
                hours=Decimal(310),
                acting_user=COMMAND,
                now=datetime.datetime(2030, 2, 1, tzinfo=datetime.UTC),
            )
            return entry.pk
        if url_name == "staff:screen":
            from schalter.visits.services import screen_create

            return screen_create(office=office, name="Wartebereich", acting_user=COMMAND).pk
        if url_name == "staff:group":
            from schalter.visits.services import service_group_create

            return service_group_create(
                office=office, name={"de": "x"}, prefix="Q", services=[], acting_user=COMMAND
            ).pk
        if url_name == "staff:kiosk":
            from schalter.visits.services import kiosk_create

            return kiosk_create(office=office, name="Eingang", acting_user=COMMAND)[0].pk
        if url_name in ("staff:notice", "staff:notice_delete"):
            from schalter.content.services import office_notice_create

            return office_notice_create(office=office, texts={"de": "x"}, acting_user=COMMAND).pk
        if url_name == "staff:appointment":
            return _appointment_of(office).pk
        if url_name == "staff:availability_rule":
            _appointment_of(office)
            return AvailabilityRule.objects.filter(office=office).first().pk
        if url_name == "staff:appointment_block_delete":
            from django.utils import timezone

            from schalter.appointments.services import time_block_add

            start = timezone.now() + datetime.timedelta(days=400)
            block = time_block_add(
                office=office,
                start=start,
                end=start + datetime.timedelta(hours=1),
                reason="",
                now=timezone.now(),
                acting_user=COMMAND,
            ).block
            return block.pk
        if url_name == "staff:waitlist_entry_update":
            from django.utils import timezone

            from schalter.appointments.waitlist import waitlist_join

            service = _appointment_of(office).service
            return waitlist_join(
                office=office,
                service=service,
                name="W",
                email=f"w@{office.slug}.example",
                language="de",
                permit_expires=None,
                now=timezone.now(),
                acting_user=COMMAND,
            ).pk
        if url_name in ("staff:callback_mailbox", "staff:callback_pattern"):
            return _callback_setting_of(office, url_name)
        if url_name.startswith("staff:callback"):
            return _callback_of(office).pk
        if url_name in (
            "staff:interpreter_mode_update",
            "staff:interpreter_statement",
            "staff:interpreter_pool_member",
        ):
            return _interpreter_request_of(office, url_name)
        if url_name == "staff:interpreter_callback_request":  # the button on a callback
            from schalter.offices.services import office_part_switch

            office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
            return _callback_of(office).pk
    raise AssertionError(f"{url_name} takes an id: add its objects to object_of()")


def _interpreter_request_of(office, url_name: str) -> int:
    """Interpreters switched on, one interpreter of the office and an open request (issue 15)."""
    from decimal import Decimal

    from django.utils import timezone

    from schalter.interpreters import services
    from schalter.offices.services import office_part_switch

    office_part_switch(office=office, name="interpreters", on=True, acting_user=COMMAND)
    interpreter = services.interpreter_create(
        name="T",
        email=f"t-{office.slug}-{url_name[-6:]}@example.org",
        languages=["prs"],
        modes=["on_site"],
        offices={office: Decimal(5)},
        acting_user=COMMAND,
    )
    if url_name in ("staff:interpreter_statement", "staff:interpreter_pool_member"):
        return interpreter.pk
    start = timezone.now() + datetime.timedelta(days=3)
    return services.assignment_request(
        office=office,
        language="prs",
        mode="on_site",
        start=start,
        end=start + datetime.timedelta(hours=1),
        now=timezone.now(),
        acting_user=COMMAND,
    ).pk


def _callback_setting_of(office, url_name: str) -> int:
    """A voicemail mailbox or pattern of the office's callback settings (the part on)."""
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    if url_name == "staff:callback_mailbox":
        values = MailboxValues(f"voicemail@{office.slug}.example")
        return mailbox_save(office=office, mailbox=None, values=values, acting_user=COMMAND).pk
    values = PatternValues(name="P", subject="(?P<number>[0-9]+)")
    return pattern_save(office=office, pattern=None, values=values, acting_user=COMMAND).pk


def _callback_of(office):
    """An open voicemail callback of the office, with its recording."""
    from django.utils import timezone

    from schalter.callbacks.incoming import Audio, Incoming
    from schalter.callbacks.services import callback_receive

    return callback_receive(
        office=office,
        incoming=Incoming(
            source="voicemail",
            dedup_key=f"msgid:<{office.slug}@pbx>",
            caller_number="+4961112345",
            audio=Audio(data=b"RIFF....WAVE", content_type="audio/wav"),
        ),
        now=timezone.now(),
        acting_user=COMMAND,
    ).callback


def _appointment_of(office) -> Appointment:
    """A booked appointment of the office (offering services and seats first)."""
    from django.utils import timezone

    from schalter.appointments import selectors, services
    from tests.conftest import make_bookable

    if not Appointment.objects.filter(office=office).exists():
        offered = make_bookable(office)["short"]
        now = timezone.now()
        free = selectors.free_times(
            office,
            selectors.offered_service(office, offered.pk),
            now.date(),
            now.date() + datetime.timedelta(days=14),
            now=now,
        )
        services.appointment_book(
            office=office,
            service=offered,
            start=free[0].start,
            name="Test Client",
            email=f"client@{office.slug}.example",
            channel=Channel.STAFF,
            now=now,
            acting_user=COMMAND,
        )
    return Appointment.objects.filter(office=office).first()


# Callback steps answer POST only.
CALLBACK_POSTS = {
    "staff:callback_attempt",
    "staff:callback_book",
    "staff:callback_claim",
    "staff:callback_release",
    "staff:interpreter_callback_request",
}


def test_every_staff_url_with_an_id_is_covered():
    assert staff_patterns_with_ids() == [
        "staff:appointment",
        "staff:appointment_block_delete",
        "staff:availability_rule",
        "staff:callback",
        "staff:callback_attempt",
        "staff:callback_audio",
        "staff:callback_book",
        "staff:callback_claim",
        "staff:callback_mailbox",
        "staff:callback_pattern",
        "staff:callback_release",
        "staff:closure_delete",
        "staff:content_text",
        "staff:desk",
        "staff:group",
        "staff:insights_cost_delete",
        "staff:interpreter_callback_request",
        "staff:interpreter_mode_update",
        "staff:interpreter_pool_member",
        "staff:interpreter_statement",
        "staff:invitation_withdraw",
        "staff:kiosk",
        "staff:location",
        "staff:member",
        "staff:notice",
        "staff:notice_delete",
        "staff:screen",
        "staff:special_hours_delete",
        "staff:waitlist_entry_update",
    ]


@pytest.mark.parametrize("url_name", staff_patterns_with_ids())
def test_other_offices_objects_are_404(staff_client, make_staff, office, other_office, url_name):
    make_staff(other_office, Role.CASEWORKER)  # so the other office has a member
    client = staff_client(office, Role.OFFICE_ADMIN)
    own = reverse(
        url_name, kwargs={"office": office.slug, **id_kwargs(url_name, object_of(office, url_name))}
    )
    foreign_pk = object_of(other_office, url_name)
    foreign = reverse(url_name, kwargs={"office": office.slug, **id_kwargs(url_name, foreign_pk)})
    through_other_slug = reverse(
        url_name, kwargs={"office": other_office.slug, **id_kwargs(url_name, foreign_pk)}
    )
    post_only = url_name.endswith(("_delete", "_update", "_withdraw")) or url_name in CALLBACK_POSTS
    if post_only:  # POST-only views

        def method(url):
            return client.post(url, {"action": "withdraw"})
    else:
        method = client.get
    assert method(foreign).status_code == 404
    assert method(through_other_slug).status_code == 404
    missing = reverse(url_name, kwargs={"office": office.slug, **id_kwargs(url_name, 987654)})
    assert method(missing).status_code == 404
    # A callback's POST with an empty form is refused on the page (400): found, not 404.
    assert method(own).status_code in (
        {200, 302, 400} if url_name in CALLBACK_POSTS else {200, 302}
    )
    with scopes_disabled():  # nothing of the other office was changed
        assert Closure.objects.filter(office=other_office).count() == (
            1 if url_name == "staff:closure_delete" else 0
        )
        assert TimeBlock.objects.filter(office=other_office).count() == (
            1 if url_name == "staff:appointment_block_delete" else 0
        )
        assert (
            not WaitlistEntry.objects.filter(office=other_office)
            .exclude(status=WaitlistStatus.WAITING)
            .exists()
        )


def test_office_pages_of_other_offices_are_404(staff_client, office, other_office):
    client = staff_client(office, Role.OFFICE_ADMIN)
    for name in ("staff:office", "staff:desks", "staff:closures", "staff:members", "staff:audit"):
        assert client.get(reverse(name, kwargs={"office": other_office.slug})).status_code == 404
        assert client.get(reverse(name, kwargs={"office": office.slug})).status_code == 200
