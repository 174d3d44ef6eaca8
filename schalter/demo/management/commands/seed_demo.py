from django.core.management.base import BaseCommand
from django.utils import timezone

from schalter.demo.seed import DEMO_PASSWORD, DEMO_TOTP_BASE32, seed_demo
from schalter.offices.models import Office
from schalter.visits.services import kiosk_key_for


class Command(BaseCommand):
    help = "Create the six Hessian demo offices, the catalogue and staff logins (once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when offices exist already (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if Office.objects.exists():
            if if_empty:
                self.stdout.write("Demo data present; keeping the existing database.")
                return
            self.stderr.write("Offices exist already; seed_demo only fills an empty database.")
            raise SystemExit(1)
        logins = seed_demo(timezone.localdate())
        self.stdout.write(self.style.SUCCESS("Demo data created. Staff logins:"))
        width = max(len(name) for name, _ in logins)
        for name, what in logins:
            self.stdout.write(f"  {name.ljust(width)}  {what}")
        self.stdout.write(f"Password for all: {DEMO_PASSWORD}")
        self.stdout.write("Kiosks (the key unlocks a browser once) and call displays:")
        for office in Office.objects.order_by("slug"):
            kiosk = f"{office.slug}-eingang"
            self.stdout.write(f"  /{office.slug}/kiosk/{kiosk}/?key={kiosk_key_for(kiosk)}")
            self.stdout.write(f"  /{office.slug}/display/{office.slug}-wartebereich/")
        self.stdout.write(
            f"Second factor: TOTP key {DEMO_TOTP_BASE32} in any authenticator app, "
            "or `.venv/bin/python manage.py demo_totp` for the current code."
        )
