"""The callback settings' services (callbacks/settings.py): the policy, mailboxes and patterns an
office admin keeps. Hostile or impossible values are refused at their field and nothing is
saved; every change is audited, never with a password; a mailbox switched off decides no office
any more; a pattern from the page reads a real mail; the connection test and the poller of
configured mailboxes talk to a real Dovecot (tests/callbacks/test_imap.py)."""

import importlib
import json
import re
import time
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.audit_words import sentence_of
from schalter.accounts.models import AuditEvent
from schalter.callbacks import actions
from schalter.callbacks.formats.generic import PRESETS
from schalter.callbacks.ingest import message_ingest
from schalter.callbacks.models import Callback, CallbackMailbox, CallbackPolicy, VoicemailPattern
from schalter.callbacks.selectors import callback_policy_of, deadline_for, mailbox_by_address
from schalter.callbacks.settings import (
    MailboxValues,
    PatternValues,
    SettingRefused,
    expression_check,
    expression_is_slow,
    headers_parse,
    mailbox_active_set,
    mailbox_connection_check,
    mailbox_save,
    pattern_delete,
    pattern_save,
    policy_update,
)
from schalter.secrets import secret_open, secret_seal
from tests.callbacks.conftest import ADDRESS, callbacks_on
from tests.callbacks.mails import asterisk_mail, generic_mail
from tests.callbacks.test_imap import PASSWORD, USER, dovecot, mailbox  # noqa: F401 (fixture)
from tests.conftest import german

pytestmark = pytest.mark.django_db


def audit_rows(action: str) -> list[AuditEvent]:
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action).order_by("id"))


# --- the policy ---------------------------------------------------------------------------------


def test_the_policy_is_made_on_the_first_change_and_each_change_is_audited(office):
    policy_update(
        office=office,
        values={"promise_working_days": 2, "sms_countries": "de, at;CH", "acknowledge": False},
        acting_user=COMMAND,
    )
    policy = callback_policy_of(office)
    assert (policy.promise_working_days, policy.sms_countries) == (2, ["DE", "AT", "CH"])
    assert policy.acknowledge is False
    [row] = audit_rows(actions.POLICY_CHANGED)
    assert row.data["changed"] == ["acknowledge", "promise_working_days", "sms_countries"]
    # The same values again change nothing and write no row.
    policy_update(office=office, values={"promise_working_days": 2}, acting_user=COMMAND)
    assert len(audit_rows(actions.POLICY_CHANGED)) == 1
    assert sentence_of(actions.POLICY_CHANGED) is not None


def test_the_promise_set_on_the_page_moves_the_deadline(office):
    from datetime import UTC, datetime

    received = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)  # a Friday afternoon in Giessen
    one_day = deadline_for(office, received)
    policy_update(office=office, values={"promise_working_days": 3}, acting_user=COMMAND)
    assert deadline_for(office, received) > one_day


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("promise_working_days", 0),
        ("promise_working_days", -1),
        ("promise_hours", 0),
        ("promise_hours", 10**12),
        ("max_failed_attempts", 0),
        ("retention_days", 100_000),
        ("sms_per_office_per_day", -5),
        ("promise_working_days", "3"),
        ("promise_working_days", True),
        ("promise_kind", "<script>"),
        ("sms_countries", "DE, XX"),
        ("sms_countries", "<script>alert(1)</script>"),
        ("no_such_rule", 1),
    ],
)
def test_impossible_rules_are_refused_at_their_field_and_nothing_is_saved(office, field, value):
    policy_update(office=office, values={"promise_working_days": 2}, acting_user=COMMAND)
    with pytest.raises(SettingRefused) as refused:
        policy_update(
            office=office, values={"max_failed_attempts": 5, field: value}, acting_user=COMMAND
        )
    assert refused.value.field == field and refused.value.status == 400
    policy = CallbackPolicy.objects.get(office=office)
    assert (policy.promise_working_days, policy.max_failed_attempts) == (2, 3)
    assert len(audit_rows(actions.POLICY_CHANGED)) == 1


# --- mailboxes ----------------------------------------------------------------------------------


def imap_values(**changes) -> MailboxValues:
    values = {
        "address": "Voicemail-AR@Giessen.example",
        "language": "ar",
        "imap_host": "mail.giessen.example",
        "imap_port": 993,
        "imap_tls": True,
        "imap_folder": "INBOX",
        "imap_password": "s3cret pass",
    }
    return MailboxValues(**{**values, **changes})


def test_a_mailbox_password_is_kept_write_only_and_never_audited(office):
    box = mailbox_save(office=office, mailbox=None, values=imap_values(), acting_user=COMMAND)
    assert (box.address, secret_open(box.imap_password)) == (
        "voicemail-ar@giessen.example",
        "s3cret pass",
    )
    # The column holds only the sealed password (schalter/secrets.py), which opens to it.
    with scope(office=office):
        [stored] = CallbackMailbox.objects.filter(pk=box.pk).values_list("imap_password", flat=True)
    assert "s3cret" not in stored and secret_open(stored) == "s3cret pass"
    # Changed without a password: the one there is stays.
    box = mailbox_save(
        office=office,
        mailbox=box,
        values=imap_values(imap_password=None, imap_folder="Voicemail"),
        acting_user=COMMAND,
    )
    assert (box.imap_folder, secret_open(box.imap_password)) == ("Voicemail", "s3cret pass")
    box = mailbox_save(
        office=office, mailbox=box, values=imap_values(imap_password="new"), acting_user=COMMAND
    )
    assert secret_open(box.imap_password) == "new"
    rows = audit_rows(actions.MAILBOX_ADDED) + audit_rows(actions.MAILBOX_CHANGED)
    assert [row.data["password_changed"] for row in rows] == [True, False, True]
    assert not any("s3cret" in json.dumps(row.data) or "new" in row.data.values() for row in rows)
    # Made an SMTP receiving address: nothing of the server is kept, the password neither.
    box = mailbox_save(
        office=office,
        mailbox=box,
        values=MailboxValues(address=box.address, language="ar"),
        acting_user=COMMAND,
    )
    assert (box.imap_host, box.imap_password, box.imap_port) == ("", "", None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"address": "two words@example.org"}, "address"),
        ({"address": "<script>alert(1)</script>"}, "address"),
        ({"address": "a\r\nBcc: x@evil.example"}, "address"),
        ({"address": ""}, "address"),
        ({"language": "xx-evil"}, "language"),
        ({"imap_host": "bad host.example"}, "imap_host"),
        ({"imap_host": "-dash.example"}, "imap_host"),
        ({"imap_host": "a" * 64 + ".example"}, "imap_host"),
        ({"imap_host": "x." * 130 + "de"}, "imap_host"),
        ({"imap_host": "<script>"}, "imap_host"),
        ({"imap_host": "mail.example/../x"}, "imap_host"),
        ({"imap_port": 0}, "imap_port"),
        ({"imap_port": 65536}, "imap_port"),
        ({"imap_port": 10**20}, "imap_port"),
        ({"imap_folder": 'IN"BOX'}, "imap_folder"),
        ({"imap_folder": "INBOX\r\nA1 LOGOUT"}, "imap_folder"),
        ({"imap_password": "x" * 201}, "imap_password"),
        ({"imap_password": "line\nbreak"}, "imap_password"),
    ],
)
def test_hostile_mailbox_values_are_refused_and_nothing_changes(office, changes, field):
    box = mailbox_save(office=office, mailbox=None, values=imap_values(), acting_user=COMMAND)
    with pytest.raises(SettingRefused) as refused:
        mailbox_save(office=office, mailbox=box, values=imap_values(**changes), acting_user=COMMAND)
    assert refused.value.field == field
    with scope(office=office):
        kept = CallbackMailbox.objects.get(pk=box.pk)
    assert (kept.address, kept.imap_host, kept.imap_port, kept.imap_folder) == (
        "voicemail-ar@giessen.example",
        "mail.giessen.example",
        993,
        "INBOX",
    )
    assert secret_open(kept.imap_password) == "s3cret pass"
    assert audit_rows(actions.MAILBOX_CHANGED) == []


def test_ip_addresses_are_host_names_too(office):
    for host, kept in (("192.0.2.7", "192.0.2.7"), ("[2001:db8::1]", "2001:db8::1")):
        box = mailbox_save(
            office=office,
            mailbox=None,
            values=imap_values(address=f"vm-{len(host)}", imap_host=host),
            acting_user=COMMAND,
        )
        assert box.imap_host == kept


def test_an_address_is_one_offices_only(office, other_office):
    mailbox_save(office=office, mailbox=None, values=MailboxValues(ADDRESS), acting_user=COMMAND)
    with pytest.raises(SettingRefused) as refused:
        mailbox_save(
            office=other_office,
            mailbox=None,
            values=MailboxValues(ADDRESS.upper()),
            acting_user=COMMAND,
        )
    assert refused.value.field == "address"
    with scopes_disabled():
        assert CallbackMailbox.objects.filter(office=other_office).count() == 0


def test_a_mailbox_switched_off_no_longer_takes_mails_in(office, recordings):
    callbacks_on(office)
    with scope(office=office):
        box = CallbackMailbox.objects.get(address=ADDRESS)
    mailbox_active_set(office=office, mailbox=box, active=False, acting_user=COMMAND)
    assert mailbox_by_address(ADDRESS) is None
    outcome = message_ingest(asterisk_mail(recordings["wav"], to=ADDRESS).as_bytes())
    assert (outcome.status, outcome.reason) == ("rejected", "unknown_mailbox")
    mailbox_active_set(office=office, mailbox=box, active=True, acting_user=COMMAND)
    outcome = message_ingest(asterisk_mail(recordings["wav"], to=ADDRESS).as_bytes())
    assert outcome.status == "created"
    assert [row.data["address"] for row in audit_rows(actions.MAILBOX_DISABLED)] == [ADDRESS]
    assert len(audit_rows(actions.MAILBOX_ENABLED)) == 1


# --- patterns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        r"(a+)+$",
        r"(a*)*b",
        r"(a|ab)*c",
        r"(?P<number>(\d+\s*){2,})",
        r"(?:\w+)+@",
        r"(a?a?)+",
        r"((x+))+",
        r"x{5000}",
        r"(?:a{1,3}){2,}",
        r"\s*" * 13,
    ],
)
def test_expressions_that_could_run_for_ever_are_refused(expression):
    assert expression_is_slow(expression)
    with pytest.raises(SettingRefused) as refused:
        expression_check(expression, "subject")
    assert refused.value.field == "subject"


def test_refused_expressions_are_in_fact_slow_and_the_presets_are_not():
    """The check is about real time: the refused (a+)+ takes long on 24 characters, which
    the accepted expressions (every preset's) read in no time."""
    hostile = "a" * 21 + "!"
    started = time.perf_counter()
    assert expression_is_slow(r"(a+)+$")
    re.search(r"(a+)+$", hostile)
    slow = time.perf_counter() - started
    started = time.perf_counter()
    for preset in PRESETS.values():
        for expression in (preset.subject, preset.body, preset.attachment):
            assert expression_check(expression, "subject") == expression
            re.search(expression, hostile * 40)
    assert time.perf_counter() - started < slow / 10


@pytest.mark.parametrize(
    ("expression", "accepted"),
    [
        (r"(?P<number>\+?\d[\d ]+)", True),
        (r"(?i)voicemail (?:von|from) (?P<name>.*?) \((?P<number>[^)]*)\)", True),
        (r"\(a+\)+", True),  # escaped brackets are no group
        (r"[(a+)+]", True),  # nor inside a class
        (r"(\w{2})+", True),  # a fixed length repeated is harmless
        (r"(unclosed", False),
        (r"(?P<evil>x)", False),  # only the groups the format reads
        (r"*", False),
    ],
)
def test_expressions_compile_and_name_known_groups(expression, accepted):
    if accepted:
        assert expression_check(expression, "body") == expression
    else:
        with pytest.raises(SettingRefused):
            expression_check(expression, "body")


def test_a_pattern_from_a_preset_reads_a_real_mail_and_is_audited(office, recordings):
    callbacks_on(office)
    preset = PRESETS["starface"]
    pattern = pattern_save(
        office=office,
        pattern=None,
        values=PatternValues(
            name=preset.name, subject=preset.subject, attachment=preset.attachment,
            preset="starface",
        ),
        acting_user=COMMAND,
    )  # fmt: skip
    outcome = message_ingest(generic_mail(recordings["mp3"], to=ADDRESS).as_bytes())
    assert (outcome.status, outcome.caller) == ("created", "+491701234567")
    with scopes_disabled():
        assert Callback.objects.get(pk=outcome.callback).vendor == "STARFACE"
    pattern = pattern_save(
        office=office,
        pattern=pattern,
        values=PatternValues(
            name="STARFACE (checked)", subject=preset.subject, verified=True,
            headers={"X-Mailer": "(?i)starface"}, recorded_format="%d.%m.%Y %H:%M", position=2,
        ),
        acting_user=COMMAND,
    )  # fmt: skip
    assert (pattern.verified, pattern.headers, pattern.position) == (
        True,
        {"X-Mailer": "(?i)starface"},
        2,
    )
    pattern_delete(office=office, pattern=pattern, acting_user=COMMAND)
    with scopes_disabled():
        assert not VoicemailPattern.objects.exists()
    names = [
        row.data["name"]
        for action in (actions.PATTERN_ADDED, actions.PATTERN_CHANGED, actions.PATTERN_DELETED)
        for row in audit_rows(action)
    ]
    assert names == ["STARFACE", "STARFACE (checked)", "STARFACE (checked)"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "subject": "x"}, "name"),
        ({"name": "n" * 81, "subject": "x"}, "name"),
        ({"name": "Nothing"}, "subject"),
        ({"name": "Bad", "body": "(x"}, "body"),
        ({"name": "Slow", "attachment": r"(\w+)+\.wav"}, "attachment"),
        ({"name": "Hdr", "headers": {"X-Bad Name": "x"}}, "headers"),
        ({"name": "Hdr", "headers": {"X-Ok": "(a+)+"}}, "headers"),
        ({"name": "Hdr", "headers": {f"X-{n}": "x" for n in range(11)}}, "headers"),
        ({"name": "Date", "subject": "x", "recorded_format": "no format"}, "recorded_format"),
        ({"name": "Date", "subject": "x", "recorded_format": "%Q%"}, "recorded_format"),
        ({"name": "Pos", "subject": "x", "position": 10**9}, "position"),
    ],
)
def test_bad_patterns_are_refused_and_the_saved_one_is_kept(office, values, field):
    kept = pattern_save(
        office=office,
        pattern=None,
        values=PatternValues(name="Kept", subject=r"(?P<number>\d+)"),
        acting_user=COMMAND,
    )
    with pytest.raises(SettingRefused) as refused:
        pattern_save(
            office=office, pattern=kept, values=PatternValues(**values), acting_user=COMMAND
        )
    assert refused.value.field == field
    with scope(office=office):
        assert VoicemailPattern.objects.get(pk=kept.pk).name == "Kept"


def test_header_lines_are_read_and_bad_ones_refused():
    assert headers_parse("X-Mailer: (?i)3cx\n\nX-Box:  (?P<mailbox>\\d+)\n") == {
        "X-Mailer": "(?i)3cx",
        "X-Box": "(?P<mailbox>\\d+)",
    }
    with pytest.raises(SettingRefused):
        headers_parse("no colon here")


# --- a real IMAP server -------------------------------------------------------------------------


def dovecot_box(office, port: int, **changes) -> CallbackMailbox:
    values = {
        "address": USER,
        "imap_host": "127.0.0.1",
        "imap_port": port,
        "imap_tls": False,
        "imap_folder": "INBOX",
        "imap_password": PASSWORD,
    }
    return mailbox_save(
        office=office,
        mailbox=None,
        values=MailboxValues(**{**values, **changes}),
        acting_user=COMMAND,
    )


def test_the_connection_test_signs_in_and_says_what_went_wrong(dovecot, office, recordings):  # noqa: F811
    box = dovecot_box(office, dovecot)
    with mailbox(dovecot) as connection:
        connection.append("INBOX", None, None, asterisk_mail(recordings["wav"], to=USER).as_bytes())
    check = mailbox_connection_check(box)
    assert check.ok and "1" in check.message and "INBOX" in check.message
    box = mailbox_save(
        office=office,
        mailbox=box,
        values=MailboxValues(
            address=USER, imap_host="127.0.0.1", imap_port=dovecot, imap_tls=False,
            imap_password="wrong",
        ),
        acting_user=COMMAND,
    )  # fmt: skip
    refused = german("The server refused the user name or password.")
    assert mailbox_connection_check(box).message == refused
    box.imap_password, box.imap_folder = secret_seal(PASSWORD), "Nowhere"
    assert not mailbox_connection_check(box).ok
    box.imap_tls = True  # the test server speaks no TLS
    assert mailbox_connection_check(box).message == german("The secure connection failed.")
    box.imap_tls, box.imap_port = False, 1
    assert mailbox_connection_check(box).message == german("The server could not be reached.")
    box.imap_host = ""
    assert mailbox_connection_check(box).message == german("This mailbox has no IMAP server.")


def test_the_poller_reads_the_mailboxes_set_up_on_the_page(dovecot, office, recordings):  # noqa: F811
    callbacks_on(office)
    with scope(office=office):
        CallbackMailbox.objects.filter(address=ADDRESS).delete()  # the IMAP user's own address
    box = dovecot_box(office, dovecot, language="ar")
    with mailbox(dovecot) as connection:
        connection.append("INBOX", None, None, asterisk_mail(recordings["wav"], to=USER).as_bytes())
    out = StringIO()
    call_command("ingest_voicemail", "--imap-mailboxes", "--once", stdout=out)
    [line] = [json.loads(text) for text in out.getvalue().splitlines()]
    assert (line["status"], line["office"]) == ("created", office.slug)
    with scopes_disabled():
        assert Callback.objects.get(pk=line["callback"]).language == "ar"
    # Switched off, it is not polled: the next mail stays in the box.
    mailbox_active_set(office=office, mailbox=box, active=False, acting_user=COMMAND)
    with mailbox(dovecot) as connection:
        connection.append("INBOX", None, None, asterisk_mail(recordings["wav"], to=USER).as_bytes())
    out = StringIO()
    call_command("ingest_voicemail", "--imap-mailboxes", "--once", stdout=out)
    assert out.getvalue() == ""


def test_a_password_no_key_opens_skips_its_mailbox_and_the_poller_goes_on(
    dovecot,  # noqa: F811
    office,
    recordings,
    capsys,
):
    """A password sealed with a key since dropped (or written around the page): that mailbox is
    named and skipped, the next one is polled; its connection test asks for it again."""
    callbacks_on(office)
    with scope(office=office):
        CallbackMailbox.objects.filter(address=ADDRESS).delete()  # the IMAP user's own address
    lost = dovecot_box(office, dovecot, address="lost@giessen.example")
    dovecot_box(office, dovecot)  # polled after the lost one (by id)
    other_key = [Fernet.generate_key().decode()]
    with override_settings(SCHALTER_SECRETS_KEYS=other_key), scope(office=office):
        CallbackMailbox.objects.filter(pk=lost.pk).update(imap_password=secret_seal(PASSWORD))
    with mailbox(dovecot) as connection:
        connection.append("INBOX", None, None, asterisk_mail(recordings["wav"], to=USER).as_bytes())
    out = StringIO()
    call_command("ingest_voicemail", "--imap-mailboxes", "--once", stdout=out)
    [line] = [json.loads(text) for text in out.getvalue().splitlines()]
    assert line["status"] == "created"
    error = capsys.readouterr().err
    assert "lost@giessen.example skipped" in error and "SCHALTER_SECRETS_KEYS" in error
    lost.refresh_from_db()
    check = mailbox_connection_check(lost)
    assert not check.ok
    assert check.message == german(
        "The saved password cannot be read any more. Please enter it again."
    )


def test_the_migration_seals_the_passwords_saved_before_and_back(office):
    """0004 on rows saved in plain text by the release before; backwards it opens them again."""
    migration = importlib.import_module(
        "schalter.callbacks.migrations.0004_mailbox_password_sealed"
    )
    box = mailbox_save(office=office, mailbox=None, values=imap_values(), acting_user=COMMAND)
    smtp = mailbox_save(
        office=office,
        mailbox=None,
        values=MailboxValues(address="vm-smtp@giessen.example"),
        acting_user=COMMAND,
    )
    with scope(office=office):
        CallbackMailbox.objects.filter(pk=box.pk).update(imap_password="plain pass")

    def stored() -> dict[str, str]:
        with scope(office=office):
            return dict(CallbackMailbox.objects.values_list("address", "imap_password"))

    with scopes_disabled():  # the migration's own (historical) models have no scopes
        migration.passwords_seal(django_apps, None)
    sealed = stored()
    assert sealed[smtp.address] == ""  # no password: nothing sealed
    assert "plain" not in sealed[box.address]
    assert secret_open(sealed[box.address]) == "plain pass"
    with scopes_disabled():
        migration.passwords_open(django_apps, None)
    assert stored() == {box.address: "plain pass", smtp.address: ""}


def test_a_rotation_seals_the_stored_passwords_again_with_the_new_key(office):
    """`manage.py secrets_reseal` between putting the new key first and dropping the old one."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(SCHALTER_SECRETS_KEYS=[old]):
        box = mailbox_save(office=office, mailbox=None, values=imap_values(), acting_user=COMMAND)
    out = StringIO()
    with override_settings(SCHALTER_SECRETS_KEYS=[new, old]):
        call_command("secrets_reseal", stdout=out)
    assert out.getvalue().startswith("1 ")
    box.refresh_from_db()
    with override_settings(SCHALTER_SECRETS_KEYS=[new]):
        assert secret_open(box.imap_password) == "s3cret pass"
    # A password no key opens is named, kept as it is, and the command fails.
    with (
        override_settings(SCHALTER_SECRETS_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(CommandError, match=re.escape("voicemail-ar@giessen.example")),
    ):
        call_command("secrets_reseal", stdout=StringIO())
    sealed = box.imap_password
    box.refresh_from_db()
    assert box.imap_password == sealed
