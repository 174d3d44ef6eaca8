"""The callback settings page (/staff/<office>/callbacks/settings/) for the office admin: the
rules, mailboxes and patterns through the page; bad input answered at its field in German with
400 and nothing saved; the password never shown back; another office's admin gets 404 for this
office's mailbox and pattern, leads and caseworkers 403; the menu item follows the part."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.callbacks import actions
from schalter.callbacks.models import CallbackMailbox, CallbackPolicy, VoicemailPattern
from schalter.callbacks.parts import CALLBACKS
from schalter.callbacks.settings import MailboxValues, PatternValues, mailbox_save, pattern_save
from schalter.offices.services import office_part_switch
from schalter.secrets import secret_open
from tests.callbacks.test_imap import PASSWORD, USER, dovecot  # noqa: F401 (fixture)
from tests.conftest import german

pytestmark = pytest.mark.django_db

POLICY = {
    "promise_kind": "working_days",
    "promise_working_days": "2",
    "promise_hours": "8",
    "max_failed_attempts": "4",
    "acknowledge": "on",
    "sms_per_number_per_day": "2",
    "sms_per_office_per_day": "300",
    "sms_countries": "DE, AT",
    "retention_days": "30",
}


@pytest.fixture
def on(office):
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    return office


def url(office, name: str, **kwargs) -> str:
    return reverse(f"staff:{name}", kwargs={"office": office.slug, **kwargs})


def test_the_admin_sets_the_rules_on_the_page(staff_client, on):
    client = staff_client(on, Role.OFFICE_ADMIN)
    page = client.get(url(on, "callback_settings"))
    assert page.status_code == 200
    html = page.content.decode()
    assert german("Callback settings") in html and german("Voicemail mailboxes") in html
    assert client.post(url(on, "callback_settings"), POLICY).status_code == 302
    policy = CallbackPolicy.objects.get(office=on)
    assert (policy.promise_working_days, policy.max_failed_attempts) == (2, 4)
    assert policy.sms_countries == ["DE", "AT"]
    assert 'value="DE, AT"' in client.get(url(on, "callback_settings")).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("promise_working_days", "0", None),
        ("promise_working_days", "-3", None),
        ("promise_hours", "99999999999999999999", None),
        ("retention_days", "1e9", None),
        ("max_failed_attempts", "<script>alert(1)</script>", None),
        ("sms_countries", "DE, ZZ", "Unknown country codes: %(codes)s."),
        ("promise_kind", "forever", None),
    ],
)
def test_impossible_rules_answer_400_in_german_and_save_nothing(
    staff_client, on, field, value, message
):
    client = staff_client(on, Role.OFFICE_ADMIN)
    client.post(url(on, "callback_settings"), POLICY)
    answer = client.post(
        url(on, "callback_settings"), {**POLICY, "retention_days": "9", field: value}
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'aria-invalid="true"' in html and "<script>alert(1)" not in html
    if message:
        assert german(message) % {"codes": "ZZ"} in html
    assert CallbackPolicy.objects.get(office=on).retention_days == 30


def test_a_mailbox_is_added_changed_switched_off_and_its_password_never_shown(staff_client, on):
    client = staff_client(on, Role.OFFICE_ADMIN)
    form = {
        "action": "save",
        "address": "voicemail-ar@giessen.example",
        "language": "ar",
        "imap_host": "mail.giessen.example",
        "imap_port": "993",
        "imap_tls": "on",
        "imap_folder": "INBOX",
        "imap_password": "Gehe1m!Passwort",
    }
    answer = client.post(url(on, "callback_mailbox_new"), form)
    assert answer.status_code == 302
    with scope(office=on):
        box = CallbackMailbox.objects.get()
    assert answer["Location"] == url(on, "callback_mailbox", pk=box.pk)
    page = client.get(answer["Location"]).content.decode()
    assert "Gehe1m" not in page and "mail.giessen.example" in page
    assert german("A password is kept.") in page
    # Saved again with the password field empty: the password stays.
    assert client.post(answer["Location"], {**form, "imap_password": ""}).status_code == 302
    box.refresh_from_db()
    assert secret_open(box.imap_password) == "Gehe1m!Passwort"
    with scopes_disabled():
        logged = list(AuditEvent.objects.filter(action__startswith="callbacks.mailbox"))
    assert len(logged) == 2 and all("Gehe1m" not in str(row.data) for row in logged)
    assert "Gehe1m" not in client.get(reverse("staff:audit", args=[on.slug])).content.decode()
    # Switched off and on again.
    assert client.post(answer["Location"], {"action": "disable"}).status_code == 302
    box.refresh_from_db()
    assert box.active is False
    assert german("off") in client.get(url(on, "callback_settings")).content.decode()
    client.post(answer["Location"], {"action": "enable"})
    box.refresh_from_db()
    assert box.active is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"imap_host": "not a host"}, "Enter a host name, such as mail.example.org."),
        ({"imap_host": "<script>x</script>"}, "Enter a host name, such as mail.example.org."),
        ({"imap_port": "70000"}, None),
        ({"imap_port": "0"}, None),
        ({"imap_port": "99999999999999999999999"}, None),
        ({"address": "zwei worte@example.org"}, "Enter an e-mail address or a mailbox name."),
        ({"imap_folder": 'a"b'}, "Enter a folder name without quotes or backslashes."),
        ({"language": "klingon"}, None),
    ],
)
def test_hostile_mailbox_input_answers_400_in_german_and_keeps_the_mailbox(
    staff_client, on, changes, message
):
    box = mailbox_save(
        office=on,
        mailbox=None,
        values=MailboxValues("vm@giessen.example", imap_host="mail.example", imap_password="p"),
        acting_user=COMMAND,
    )
    client = staff_client(on, Role.OFFICE_ADMIN)
    form = {"action": "save", "address": "vm@giessen.example", "imap_host": "mail.example"}
    answer = client.post(url(on, "callback_mailbox", pk=box.pk), {**form, **changes})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "<script>x" not in html
    if message:
        assert german(message) in html
    with scope(office=on):
        kept = CallbackMailbox.objects.get(pk=box.pk)
    assert (kept.imap_host, kept.imap_port, secret_open(kept.imap_password)) == (
        "mail.example",
        None,
        "p",
    )


def test_the_connection_test_on_the_page(staff_client, on, dovecot):  # noqa: F811
    box = mailbox_save(
        office=on,
        mailbox=None,
        values=MailboxValues(
            USER, imap_host="127.0.0.1", imap_port=dovecot, imap_tls=False, imap_password=PASSWORD
        ),
        acting_user=COMMAND,
    )
    client = staff_client(on, Role.OFFICE_ADMIN)
    page = client.post(url(on, "callback_mailbox", pk=box.pk), {"action": "test"})
    assert page.status_code == 200
    assert "INBOX" in page.content.decode() and "kern-alert--success" in page.content.decode()


def test_a_pattern_from_a_preset_is_saved_and_a_hostile_one_refused(staff_client, on):
    client = staff_client(on, Role.OFFICE_ADMIN)
    page = client.get(url(on, "callback_pattern_new") + "?preset=3cx")
    assert page.status_code == 200 and "3CX" in page.content.decode()
    form = {
        "action": "save",
        "name": "3CX",
        "subject": r"(?i)voicemail from (?P<name>.*?)\s*\((?P<number>[^()]*)\)",
        "body": "",
        "attachment": r"(?i)\.wav$",
        "headers": "X-Mailer: (?i)3cx",
        "recorded_format": "",
        "position": "0",
    }
    answer = client.post(url(on, "callback_pattern_new") + "?preset=3cx", form)
    assert answer.status_code == 302
    with scope(office=on):
        pattern = VoicemailPattern.objects.get()
    assert (pattern.preset, pattern.headers, pattern.verified) == (
        "3cx",
        {"X-Mailer": "(?i)3cx"},
        False,
    )
    slow = german(
        "This expression could take very long on some mails (a repetition inside a "
        "repetition). Please write it more simply."
    )
    for changes, message in (
        ({"subject": "(a+)+$"}, slow),
        ({"subject": "(unclosed"}, german("This is not a valid regular expression.")),
        ({"headers": "X-Bad: (\\w+\\s?)*$"}, slow),
        ({"name": "<script>alert(1)</script>", "subject": "(?P<evil>x)"}, None),
    ):
        answer = client.post(
            answer.get("Location", url(on, "callback_pattern", pk=pattern.pk)), {**form, **changes}
        )
        assert answer.status_code == 400, changes
        html = answer.content.decode()
        assert "<script>alert(1)</script>" not in html
        if message:
            assert message in html
    pattern.refresh_from_db()
    assert pattern.subject == form["subject"]
    assert (
        client.post(url(on, "callback_pattern", pk=pattern.pk), {"action": "delete"}).status_code
        == 302
    )
    with scopes_disabled():
        assert not VoicemailPattern.objects.exists()
        assert AuditEvent.objects.filter(action=actions.PATTERN_DELETED).count() == 1


def test_another_offices_admin_gets_404_and_leads_get_403(staff_client, on, other_office):
    office_part_switch(office=other_office, name=CALLBACKS, on=True, acting_user=COMMAND)
    box = mailbox_save(
        office=on, mailbox=None, values=MailboxValues("vm@giessen.example"), acting_user=COMMAND
    )
    pattern = pattern_save(
        office=on, pattern=None, values=PatternValues(name="P", subject="x"), acting_user=COMMAND
    )
    stranger = staff_client(other_office, Role.OFFICE_ADMIN)
    for name, pk in (("callback_mailbox", box.pk), ("callback_pattern", pattern.pk)):
        assert stranger.get(url(other_office, name, pk=pk)).status_code == 404
        assert (
            stranger.post(url(other_office, name, pk=pk), {"action": "delete"}).status_code == 404
        )
        assert (
            stranger.post(url(other_office, name, pk=pk), {"action": "disable"}).status_code == 404
        )
        assert stranger.get(url(on, name, pk=pk)).status_code == 404
    assert stranger.get(url(on, "callback_settings")).status_code == 404
    for role in (Role.TEAM_LEAD, Role.CASEWORKER, Role.CALLBACK_AGENT):
        client = staff_client(on, role)
        assert client.get(url(on, "callback_settings")).status_code == 403
        assert (
            client.post(url(on, "callback_mailbox", pk=box.pk), {"action": "disable"}).status_code
            == 403
        )
        assert client.get(url(on, "callback_pattern_new")).status_code == 403
        menu = client.get(reverse("staff:callbacks", args=[on.slug])).content.decode()
        assert url(on, "callback_settings") not in menu
    box.refresh_from_db()
    assert box.active is True
    with scope(office=on):
        assert VoicemailPattern.objects.filter(pk=pattern.pk).exists()


def test_the_menu_item_follows_the_part(staff_client, on):
    client = staff_client(on, Role.OFFICE_ADMIN)
    assert (
        url(on, "callback_settings")
        in client.get(reverse("staff:office", args=[on.slug])).content.decode()
    )
    office_part_switch(office=on, name=CALLBACKS, on=False, acting_user=COMMAND)
    assert (
        url(on, "callback_settings")
        not in client.get(reverse("staff:office", args=[on.slug])).content.decode()
    )
    assert client.get(url(on, "callback_settings")).status_code == 404


def test_an_action_the_page_does_not_offer_is_a_400(staff_client, on):
    """Found by the fuzz test: a button value of its own made a 500."""
    box = mailbox_save(
        office=on, mailbox=None, values=MailboxValues("vm@giessen.example"), acting_user=COMMAND
    )
    client = staff_client(on, Role.OFFICE_ADMIN)
    for target in (
        url(on, "callback_pattern_new"),
        url(on, "callback_mailbox_new"),
        url(on, "callback_mailbox", pk=box.pk),
    ):
        for action in ("<script>", "delete", "test"):
            if target.endswith(f"/{box.pk}/") and action == "test":
                continue  # a real action there
            answer = client.post(target, {"action": action})
            assert answer.status_code == 400, (target, action)
            assert german("This request cannot be processed.") in answer.content.decode()
