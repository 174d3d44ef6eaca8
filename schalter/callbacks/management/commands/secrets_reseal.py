"""Seal every stored mailbox password again with the first of SCHALTER_SECRETS_KEYS, the step of a
key rotation between putting the new key first and dropping the old one:

    SCHALTER_SECRETS_KEYS=NEW,OLD manage.py secrets_reseal   (then SCHALTER_SECRETS_KEYS=NEW)

Prints how many were sealed again; a password no key opens is named and left as it is (its
office's admin enters it again), and the command then exits non-zero."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from schalter.callbacks.models import CallbackMailbox
from schalter.secrets import SecretUnreadable, secret_reseal


class Command(BaseCommand):
    help = "Seal the stored mailbox passwords again with the first of SCHALTER_SECRETS_KEYS."

    def handle(self, *args, **options):
        resealed, unreadable = 0, []
        with scopes_disabled(), transaction.atomic():
            for mailbox in CallbackMailbox.objects.select_for_update().exclude(imap_password=""):
                try:
                    mailbox.imap_password = secret_reseal(mailbox.imap_password)
                except SecretUnreadable:
                    unreadable.append(mailbox.address)
                    continue
                mailbox.save(update_fields=["imap_password"])
                resealed += 1
        self.stdout.write(f"{resealed} mailbox passwords sealed again")
        if unreadable:
            raise CommandError(
                f"no key opens the passwords of {', '.join(unreadable)}: enter them again"
            )
