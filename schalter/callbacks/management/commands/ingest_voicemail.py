"""Voicemails into callbacks: from .eml files, as an SMTP receiver, or by polling a mailbox.

    manage.py ingest_voicemail message.eml [more.eml ...] [--office SLUG]
    manage.py ingest_voicemail --smtp 0.0.0.0:2525 [--office SLUG]
    manage.py ingest_voicemail --imap imap://user:password@host/INBOX [--office SLUG] [--once]
    manage.py ingest_voicemail --imap-mailboxes [--once]  (every IMAP mailbox of the offices'
                                                           callback settings that is on)

Prints one JSON line per message (schalter/callbacks/ingest.py) and exits non-zero only when it
could not run at all (a file that cannot be opened is a `rejected` line, not a failure)."""

import imaplib
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from schalter.callbacks.imap import DONE_FOLDER, REJECTED_FOLDER, imap_poll
from schalter.callbacks.ingest import TemporaryFailure, message_ingest, rejected
from schalter.callbacks.receiver import smtp_serve
from schalter.callbacks.selectors import imap_mailboxes
from schalter.callbacks.settings import mailbox_url
from schalter.offices.models import Office
from schalter.secrets import SecretUnreadable


class Command(BaseCommand):
    help = "Turn voicemail e-mails into callbacks (files, an SMTP receiver or an IMAP mailbox)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help=".eml files")
        parser.add_argument("--office", help="the office's slug, when no receiving address says")
        parser.add_argument("--smtp", metavar="HOST:PORT", help="run the SMTP receiver")
        parser.add_argument("--imap", metavar="URL", help="poll this mailbox")
        parser.add_argument(
            "--imap-mailboxes",
            action="store_true",
            help="poll every IMAP mailbox set up on the offices' callback settings pages",
        )
        parser.add_argument("--once", action="store_true", help="poll the mailbox once")
        parser.add_argument("--interval", type=float, default=60, help="seconds between polls")
        parser.add_argument("--done-folder", default=DONE_FOLDER)
        parser.add_argument("--rejected-folder", default=REJECTED_FOLDER)

    def handle(self, *args, **options):
        modes = [bool(options["files"]), bool(options["smtp"]), bool(options["imap"])]
        modes.append(options["imap_mailboxes"])
        if sum(modes) != 1:
            raise CommandError(
                "give .eml files, or --smtp HOST:PORT, or --imap URL, or --imap-mailboxes"
            )
        office = None
        if options["office"]:
            try:
                office = Office.objects.get(slug=options["office"])
            except Office.DoesNotExist as error:
                raise CommandError(f"no office {options['office']!r}") from error
            except DatabaseError as error:
                raise CommandError(f"the database does not answer: {error}") from error
        if options["smtp"]:
            host, _, port = options["smtp"].rpartition(":")
            if not port.isdigit():
                raise CommandError("--smtp takes HOST:PORT")
            try:
                smtp_serve(host or "127.0.0.1", int(port), office=office, out=self.stdout)
            except OSError as error:
                raise CommandError(f"cannot listen on {options['smtp']}: {error}") from error
            return
        if options["imap"]:
            self.poll(options, office)
            return
        if options["imap_mailboxes"]:
            self.poll_configured(options)
            return
        for name in options["files"]:
            try:
                raw = Path(name).read_bytes()
            except OSError:
                self.stdout.write(rejected("unreadable_file", office).line())
                continue
            try:
                outcome = message_ingest(raw, office=office)
            except TemporaryFailure:
                outcome = rejected("temporary_failure", office)
            self.stdout.write(outcome.line())

    def poll(self, options, office) -> None:
        while True:
            try:
                imap_poll(
                    options["imap"],
                    office=office,
                    report=lambda outcome: self.stdout.write(outcome.line()),
                    done=options["done_folder"],
                    rejected=options["rejected_folder"],
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            except OSError as error:  # the mail server away: tried again at the next poll
                if options["once"]:
                    raise CommandError(f"mailbox not reachable: {error}") from error
                print(f"mailbox not reachable: {error}", file=sys.stderr)
            if options["once"]:
                return
            time.sleep(options["interval"])

    def poll_configured(self, options) -> None:
        """Each round, every IMAP mailbox that is on, for its office; one that does not
        answer is tried again in the next round and keeps the others going."""
        while True:
            for mailbox in imap_mailboxes():
                try:
                    imap_poll(
                        mailbox_url(mailbox),
                        office=mailbox.office,
                        report=lambda outcome: self.stdout.write(outcome.line()),
                        done=options["done_folder"],
                        rejected=options["rejected_folder"],
                    )
                except SecretUnreadable as error:  # this mailbox only: the others go on
                    print(f"mailbox {mailbox.address} skipped: {error}", file=sys.stderr)
                except (OSError, ValueError, imaplib.IMAP4.error) as error:
                    print(f"mailbox {mailbox.address} not reachable: {error}", file=sys.stderr)
            if options["once"]:
                return
            time.sleep(options["interval"])
