"""Staff managed by their office (issue 13, docs/staff-accounts.md): invitations by e-mail,
roles without escalation, never without an admin, languages, deactivation, unlocking, the reset
of a lost second factor, the staff language and the first operator."""

import datetime
import io
import re
from base64 import b32decode

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from schalter.accounts import actions, audit_words
from schalter.accounts.actors import COMMAND
from schalter.accounts.members import (
    INVITATION_WITHDRAWN,
    LinkInvalid,
    NotAllowed,
    invitation_create,
    operator_create,
)
from schalter.accounts.models import AccountLink, AuditEvent, Membership, SignInLock
from schalter.accounts.roles import Role
from schalter.accounts.selectors import is_operator, members_speaking, sign_in_name_key
from schalter.accounts.services import membership_grant, staff_user_create
from tests.conftest import PASSWORD, german, sign_in

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s/]+(/staff/link/\?token=[\w-]+)")


def link_in(mail) -> str:
    """The path of the account link a mail carries."""
    found = LINK.search(mail.body)
    assert found, mail.body
    return found.group(1)


def code_on(page_html: str) -> str:
    """The current code of the authenticator whose key the page shows (as a phone would)."""
    secret = BeautifulSoup(page_html, "html.parser").select_one(".totp-secret").text.strip()
    return f"{TOTP(b32decode(secret)).token():06d}"


def next_code_window():
    """Half a minute on: the code used to enrol is spent (no replay), the next one signs in."""
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=31))


def members_path(office, pk=None) -> str:
    return f"/staff/{office.slug}/members/" + (f"{pk}/" if pk else "")


def membership_of(user, office) -> Membership:
    return Membership.objects.filter(user=user, office=office).order_by("pk").first()


def invite(client, office, email, roles=("caseworker",), language="de", capture=None):
    body = {"email": email, "roles": list(roles), "language": language}
    return client.post(f"/staff/{office.slug}/members/invite/", body)


@pytest.fixture
def admin(make_staff, office):
    return make_staff(office, Role.OFFICE_ADMIN)


@pytest.fixture
def admin_client(admin):
    return sign_in(Client(), admin)


def test_a_new_person_accepts_once_with_password_and_authenticator(
    admin_client, office, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin_client, office, "Neu.Kollegin@example.org")
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["Neu.Kollegin@example.org"]
    # In the language the admin chose for her (German here).
    assert mail.subject == german("You are invited to Schalter")
    assert mail.extra_headers["Content-Language"] == "de"
    path = link_in(mail)
    link = AccountLink.objects.get()
    assert path.split("token=")[1] not in str(link.__dict__)  # only the hash is kept
    page = Client().get(path)
    assert page.status_code == 200
    body = {
        "full_name": "Nora Neu",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "code": code_on(page.content.decode()),
    }
    newcomer = Client()
    assert newcomer.post(path, body).status_code == 302
    user = User.objects.get(username="neu.kollegin@example.org")
    assert set(Membership.objects.filter(user=user).values_list("office", "role", "active")) == {
        (office.pk, Role.CASEWORKER, True)
    }
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    with next_code_window():
        sign_in(Client(), user)  # password and the authenticator she enrolled
    # Single use: the same link again opens nothing and changes nothing.
    again = Client().post(path, body)
    assert again.status_code == 404
    assert User.objects.filter(email__iexact="neu.kollegin@example.org").count() == 1
    events = set(AuditEvent.objects.filter(office=office).values_list("action", flat=True))
    assert {actions.INVITATION_SENT, actions.INVITATION_ACCEPTED} <= events


def test_a_wrong_code_or_weak_password_creates_nothing_and_the_link_stays_open(
    admin_client, office, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, office, "x@example.org")
    path = link_in(mailoutbox[0])
    page = Client().get(path).content.decode()
    wrong = f"{(int(code_on(page)) + 1) % 1_000_000:06d}"
    body = {"full_name": "X", "password": PASSWORD, "password_again": PASSWORD, "code": wrong}
    assert Client().post(path, body).status_code == 400
    weak = {**body, "password": "123", "password_again": "123", "code": code_on(page)}
    assert Client().post(path, weak).status_code == 400
    differ = {**body, "password_again": PASSWORD + "!", "code": code_on(page)}
    assert Client().post(path, differ).status_code == 400
    assert not User.objects.filter(username="x@example.org").exists()
    assert AccountLink.objects.get().used_at is None


def test_an_expired_invitation_opens_nothing(
    admin_client, office, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, office, "spaet@example.org")
    path = link_in(mailoutbox[0])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        response = Client().get(path)
    assert response.status_code == 404
    assert "nicht gültig" in response.content.decode() or "not valid" in response.content.decode()


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "x@@example.org", " ", "a" * 300])
def test_a_malformed_address_is_refused_next_to_the_field(admin_client, office, address):
    response = invite(admin_client, office, address)
    assert response.status_code == 400
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert page.select_one("[name=email]").get("aria-invalid") == "true"
    assert not AccountLink.objects.exists()


def test_an_existing_account_joins_after_signing_in_and_the_admin_learns_nothing(
    admin_client, office, other_office, make_staff, mailoutbox, django_capture_on_commit_callbacks
):
    springer = make_staff(other_office, Role.CASEWORKER)
    springer.email = "springer@example.org"
    springer.save()
    with django_capture_on_commit_callbacks(execute=True):
        known = invite(admin_client, office, "springer@example.org")
        unknown = invite(admin_client, office, "niemand@example.org")
    # The same answer, and the same list, for a known and an unknown address.
    assert known.status_code == unknown.status_code == 302
    listing = admin_client.get(members_path(office)).content.decode()
    assert "springer@example.org" in listing and "niemand@example.org" in listing
    assert other_office.name_in("de") not in listing
    path = link_in(next(m for m in mailoutbox if m.to == ["springer@example.org"]))
    her = Client()
    page = her.get(path)
    assert page.status_code == 200 and "/staff/login/" in page.content.decode()
    # She signs in and comes back to the link, its token kept in her session only.
    sign_in(her, springer)
    assert her.post("/staff/link/").status_code == 302
    assert set(Membership.objects.filter(user=springer).values_list("office", "role")) == {
        (other_office.pk, Role.CASEWORKER),
        (office.pk, Role.CASEWORKER),
    }
    detail = admin_client.get(members_path(office, membership_of(springer, office).pk))
    assert other_office.name_in("de") not in detail.content.decode()
    assert her.post(path).status_code == 404  # used


def test_an_admin_withdraws_an_open_invitation_and_its_link_says_so(
    admin_client, office, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, office, "zurueck@example.org")
    path = link_in(mailoutbox[0])
    link = AccountLink.objects.get()
    withdraw = f"/staff/{office.slug}/members/invitations/{link.pk}/withdraw/"
    listing = BeautifulSoup(admin_client.get(members_path(office)).content, "html.parser")
    assert listing.select_one(f"form[action='{withdraw}'] button")
    # Team leads see the list but do not withdraw; GET changes nothing.
    assert staff_client(office, Role.TEAM_LEAD).post(withdraw).status_code == 403
    assert admin_client.get(withdraw).status_code == 405
    response = admin_client.post(withdraw)
    assert response.status_code == 302
    after = BeautifulSoup(admin_client.get(members_path(office)).content, "html.parser")
    assert after.select_one(f"form[action='{withdraw}']") is None
    event = AuditEvent.objects.get(action=actions.INVITATION_WITHDRAWN)
    assert event.office == office and event.actor is not None
    assert audit_words.sentence_of(event.action) is not None
    assert audit_words.actor_name(event) in audit_words.in_words(event)
    # Whoever opens the link now is told it was withdrawn, and nothing is created.
    opened = Client().get(path)
    assert opened.status_code == 404
    assert german(str(INVITATION_WITHDRAWN)) in opened.content.decode()
    body = {"full_name": "Z", "password": PASSWORD, "password_again": PASSWORD, "code": "000000"}
    assert Client().post(path, body).status_code == 404
    assert not User.objects.filter(username="zurueck@example.org").exists()
    # Withdrawn once: a second withdrawal finds no open invitation.
    assert admin_client.post(withdraw).status_code == 404
    assert AuditEvent.objects.filter(action=actions.INVITATION_WITHDRAWN).count() == 1


def test_a_replaced_invitation_link_gets_the_general_message(
    admin_client, office, mailoutbox, django_capture_on_commit_callbacks
):
    for _time in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            invite(admin_client, office, "zweimal@example.org")
    assert len(mailoutbox) == 2
    opened = Client().get(link_in(mailoutbox[0]))
    assert opened.status_code == 404
    assert german(str(INVITATION_WITHDRAWN)) not in opened.content.decode()
    assert german(str(LinkInvalid.message)) in opened.content.decode()
    assert Client().get(link_in(mailoutbox[1])).status_code == 200


def test_an_invitation_for_another_account_is_refused(
    admin_client, office, make_staff, mailoutbox, django_capture_on_commit_callbacks
):
    invited = make_staff(None, Role.MINISTRY)
    invited.email = "gemeint@example.org"
    invited.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin_client, office, "gemeint@example.org")
    path = link_in(mailoutbox[0])
    stranger = sign_in(Client(), make_staff(office, Role.CASEWORKER))
    stranger.get(path)
    assert stranger.post(path).status_code == 403
    assert not Membership.objects.filter(user=invited, office=office).exists()


def test_an_admin_cannot_grant_or_take_a_role_with_rights_she_lacks(
    admin, admin_client, office, make_staff
):
    caseworker = make_staff(office, Role.CASEWORKER)
    pk = membership_of(caseworker, office).pk
    before = set(Membership.objects.values_list("user", "office", "role"))
    response = admin_client.post(
        members_path(office, pk), {"action": "roles", "roles": ["data_protection_officer"]}
    )
    assert response.status_code == 403
    dpo = make_staff(office, Role.DATA_PROTECTION_OFFICER)
    response = admin_client.post(
        members_path(office, membership_of(dpo, office).pk),
        {"action": "roles", "roles": ["caseworker"]},
    )
    assert response.status_code == 403
    assert set(Membership.objects.values_list("user", "office", "role")) - before == {
        (dpo.pk, office.pk, Role.DATA_PROTECTION_OFFICER)
    }
    # Nor by invitation: the role is not offered, and the service refuses it.
    form = admin_client.get(f"/staff/{office.slug}/members/invite/").content.decode()
    assert 'value="data_protection_officer"' not in form
    with pytest.raises(NotAllowed):
        invitation_create(
            office=office,
            email="x@example.org",
            roles={Role.DATA_PROTECTION_OFFICER},
            language="de",
            acting_user=admin,
            now=timezone.now(),
        )


def test_team_leads_see_staff_but_only_admins_change_them(staff_client, office, make_staff):
    lead = staff_client(office, Role.TEAM_LEAD)
    caseworker = make_staff(office, Role.CASEWORKER)
    pk = membership_of(caseworker, office).pk
    assert lead.get(members_path(office)).status_code == 200
    assert lead.get(members_path(office, pk)).status_code == 200
    for action in ("deactivate", "reset", "unlock", "languages"):
        assert lead.post(members_path(office, pk), {"action": action}).status_code == 403
    assert lead.get(f"/staff/{office.slug}/members/invite/").status_code == 403
    assert membership_of(caseworker, office).active
    assert TOTPDevice.objects.filter(user=caseworker).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"action": "roles", "roles": ["caseworker"]},
        {"action": "roles", "roles": []},
        {"action": "deactivate"},
    ],
)
def test_the_last_admin_cannot_remove_herself(admin, admin_client, office, body):
    pk = membership_of(admin, office).pk
    response = admin_client.post(members_path(office, pk), body)
    assert response.status_code == 400
    assert "admin" in response.content.decode().lower()
    assert set(Membership.objects.filter(user=admin).values_list("role", "active")) == {
        (Role.OFFICE_ADMIN, True)
    }
    assert admin_client.get(members_path(office)).status_code == 200  # still in


def test_an_admin_steps_down_once_another_admin_exists(admin, admin_client, office, make_staff):
    other = make_staff(office, Role.CASEWORKER)
    other_pk = membership_of(other, office).pk
    response = admin_client.post(
        members_path(office, other_pk), {"action": "roles", "roles": ["office_admin"]}
    )
    assert response.status_code == 302
    mine = membership_of(admin, office).pk
    body = {"action": "roles", "roles": ["caseworker"]}
    assert admin_client.post(members_path(office, mine), body).status_code == 302
    assert set(Membership.objects.filter(user=admin).values_list("role", flat=True)) == {
        Role.CASEWORKER
    }
    assert AuditEvent.objects.filter(office=office, action=actions.ROLES_CHANGED).count() == 2


def test_a_deactivated_member_cannot_open_the_office_and_loses_nothing(
    admin_client, office, other_office, make_staff
):
    person = make_staff(office, Role.FRONT_DESK)
    membership_grant(user=person, office=office, role=Role.CASEWORKER, acting_user=COMMAND)
    membership_grant(user=person, office=other_office, role=Role.CASEWORKER, acting_user=COMMAND)
    hers = sign_in(Client(), person)
    pk = membership_of(person, office).pk
    assert admin_client.post(members_path(office, pk), {"action": "deactivate"}).status_code == 302
    assert hers.get(f"/staff/{office.slug}/").status_code == 404
    assert hers.get(f"/staff/{other_office.slug}/").status_code == 200  # her other office
    assert set(Membership.objects.filter(user=person, office=office).values_list("role")) == {
        (Role.FRONT_DESK,),
        (Role.CASEWORKER,),
    }
    listing = admin_client.get(members_path(office)).content.decode()
    assert "Deaktiviert" in listing or "Deactivated" in listing
    assert admin_client.post(members_path(office, pk), {"action": "reactivate"}).status_code == 302
    assert hers.get(f"/staff/{office.slug}/").status_code == 200
    actions_done = list(
        AuditEvent.objects.filter(office=office, target_id=str(person.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.MEMBER_DEACTIVATED in actions_done and actions.MEMBER_REACTIVATED in actions_done


def test_an_admin_unlocks_a_locked_account_and_sees_the_last_sign_in(
    admin_client, office, make_staff
):
    person = make_staff(office, Role.CASEWORKER)
    sign_in(Client(), person)
    SignInLock.objects.create(
        name_key=sign_in_name_key(person.username),
        address="203.0.113.9",
        until=timezone.now() + datetime.timedelta(minutes=10),
    )
    pk = membership_of(person, office).pk
    page = admin_client.get(members_path(office, pk)).content.decode()
    assert "Gesperrt bis" in page or "Locked until" in page
    assert "Nie" not in page  # her last sign-in is shown
    assert admin_client.post(members_path(office, pk), {"action": "unlock"}).status_code == 302
    assert not SignInLock.objects.exists()
    assert AuditEvent.objects.filter(office=office, action=actions.LOGIN_UNLOCKED).exists()


def test_a_reset_second_factor_refuses_sign_in_until_the_mailed_link_is_used(
    admin_client, office, make_staff, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_staff(office, Role.CASEWORKER)
    person.email = "verloren@example.org"
    person.save()
    hers = sign_in(Client(), person)
    pk = membership_of(person, office).pk
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(members_path(office, pk), {"action": "reset"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()  # the old device stops at once
    assert hers.get(f"/staff/{office.slug}/").status_code == 302  # back to the sign-in
    refused = Client().post("/staff/login/", {"username": person.username, "password": PASSWORD})
    assert refused.status_code == 403
    assert "staff_pending_user" not in Client().session
    (mail,) = mailoutbox
    assert mail.to == ["verloren@example.org"]
    path = link_in(mail)
    page = Client().get(path)
    assert page.status_code == 200
    assert Client().post(path, {"code": code_on(page.content.decode())}).status_code == 302
    with next_code_window():
        sign_in(Client(), person)  # with the new authenticator
    assert Client().post(path, {"code": code_on(page.content.decode())}).status_code == 404
    assert AuditEvent.objects.filter(office=office, action=actions.SECOND_FACTOR_RESET).exists()
    assert AuditEvent.objects.filter(action=actions.SECOND_FACTOR_REENROLLED).exists()


def test_an_expired_reset_link_keeps_sign_in_refused_and_a_new_reset_replaces_it(
    admin_client, office, make_staff, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_staff(office, Role.CASEWORKER)
    person.email = "p@example.org"
    person.save()
    pk = membership_of(person, office).pk
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(members_path(office, pk), {"action": "reset"})
    first = link_in(mailoutbox[0])
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, minutes=1)):
        assert Client().get(first).status_code == 404
    assert (
        Client()
        .post("/staff/login/", {"username": person.username, "password": PASSWORD})
        .status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(members_path(office, pk), {"action": "reset"})
    assert Client().get(first).status_code == 404
    assert Client().get(link_in(mailoutbox[1])).status_code == 200


def test_languages_spoken_are_validated_and_route_callbacks(admin_client, office, make_staff):
    person = make_staff(office, Role.CALLBACK_AGENT)
    pk = membership_of(person, office).pk
    bad = admin_client.post(
        members_path(office, pk), {"action": "languages", "languages": "ar, <b>"}
    )
    assert bad.status_code == 400
    assert members_speaking(office=office, language="ar") == []
    good = admin_client.post(
        members_path(office, pk), {"action": "languages", "languages": "AR; apc kmr, ckb, prs"}
    )
    assert good.status_code == 302
    assert person.staff_profile.spoken_languages == ["ar", "apc", "kmr", "ckb", "prs"]
    assert members_speaking(office=office, language="apc") == [person]


def test_the_staff_language_is_remembered_per_person(staff_client, office, make_staff):
    person = make_staff(office, Role.CASEWORKER)
    client = sign_in(Client(), person)
    assert 'lang="de"' in client.get(f"/staff/{office.slug}/").content.decode()
    body = {"staff_language": "en", "next": f"/staff/{office.slug}/"}
    assert client.post("/staff/language/", body).status_code == 302
    page = client.get(f"/staff/{office.slug}/").content.decode()
    assert 'lang="en"' in page and "Overview" in page
    with next_code_window():
        again = sign_in(Client(), person)  # a new session: still English
        assert 'lang="en"' in again.get(f"/staff/{office.slug}/").content.decode()
    # Others are untouched, and public pages keep their language prefix.
    other = staff_client(office, Role.CASEWORKER)
    assert 'lang="de"' in other.get(f"/staff/{office.slug}/").content.decode()
    assert 'lang="tr"' in client.get(f"/tr/{office.slug}/").content.decode()
    client.post("/staff/language/", {"staff_language": "de", "next": "https://evil.example/"})
    assert 'lang="de"' in client.get(f"/staff/{office.slug}/").content.decode()


def test_create_operator_prints_a_single_use_enrolment_link():
    out = io.StringIO()
    call_command("create_operator", "Betrieb@Example.org", stdout=out)
    path = LINK.search(out.getvalue()).group(1)
    user = User.objects.get(email="Betrieb@Example.org")
    assert is_operator(user=user) and not user.is_superuser and not user.has_usable_password()
    page = Client().get(path)
    assert page.status_code == 200
    body = {"password": PASSWORD, "password_again": PASSWORD}
    assert Client().post(path, {**body, "code": code_on(page.content.decode())}).status_code == 302
    with next_code_window():
        sign_in(Client(), user)
    assert Client().get(path).status_code == 404
    # Again for the same address: the same account, a new link.
    call_command("create_operator", "betrieb@example.org", stdout=io.StringIO())
    assert User.objects.filter(email__iexact="betrieb@example.org").count() == 1
    assert Membership.objects.filter(user=user, role=Role.OPERATOR).count() == 1


def test_create_operator_refuses_a_malformed_address():
    with pytest.raises(CommandError):
        call_command("create_operator", "kein-postfach", stdout=io.StringIO())
    assert not User.objects.exists()


def test_an_existing_user_made_operator_keeps_her_password_until_she_enrols():
    user = staff_user_create(username="olga", password=PASSWORD, acting_user=COMMAND)
    user.email = "olga@example.org"
    user.save()
    operator_create(email="olga@example.org", acting_user=COMMAND, now=timezone.now())
    user.refresh_from_db()
    assert is_operator(user=user) and user.check_password(PASSWORD)


def test_a_reset_without_an_e_mail_address_is_refused_and_changes_nothing(
    admin_client, office, make_staff
):
    person = make_staff(office, Role.CASEWORKER)  # no address
    response = admin_client.post(
        members_path(office, membership_of(person, office).pk), {"action": "reset"}
    )
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    assert not AccountLink.objects.exists()
    sign_in(Client(), person)


def test_the_staff_list_costs_the_same_queries_for_many_members(admin_client, office, make_staff):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(members_path(office)).status_code == 200
        return len(captured)

    make_staff(office, Role.CASEWORKER)
    few = queries()
    for role in [Role.CASEWORKER, Role.FRONT_DESK, Role.TEAM_LEAD] * 3:
        make_staff(office, role)
    assert queries() == few
