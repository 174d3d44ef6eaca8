from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from schalter.demo.seed import DEMO_TOTP_HEX


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo logins (local settings only)."

    def handle(self, *args, **options):
        if not settings.SCHALTER_DEMO_TOTP:
            raise CommandError("Only available with the local demo settings.")
        self.stdout.write(f"{TOTP(bytes.fromhex(DEMO_TOTP_HEX)).token():06d}")
