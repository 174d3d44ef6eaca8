from django.core.management.base import BaseCommand
from django.utils import timezone

from schalter.demo.seed import DEMO_PASSWORD, DEMO_TOTP_BASE32, seed_demo
from schalter.offices.models import Office


class Command(BaseCommand):
    help = "Create the six Hessian demo offices, the catalogue and staff logins (once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when offices exist already (used by `make run`).",
        )
        parser.add_argument(
            "--history-weeks",
            type=int,
            default=2,
            help="Weeks of past visits and appointments for the planning page (0: none).",
        )

    def handle(self, *args, if_empty: bool = False, history_weeks: int = 2, **options):
        if Office.objects.exists():
            if if_empty:
                self.stdout.write(
                    "Demo data present; keeping the existing database. Kiosk links were "
                    "printed when it was seeded; giessen.admin makes a new one under Queues "
                    "and kiosks."
                )
                return
            self.stderr.write("Offices exist already; seed_demo only fills an empty database.")
            raise SystemExit(1)
        seeded = seed_demo(timezone.localdate(), history_weeks=history_weeks)
        self.stdout.write(self.style.SUCCESS("Demo data created. Staff logins:"))
        width = max(len(name) for name, _ in seeded.logins)
        for name, what in seeded.logins:
            self.stdout.write(f"  {name.ljust(width)}  {what}")
        self.stdout.write(f"Password for all: {DEMO_PASSWORD}")
        self.stdout.write(
            "Kiosks (the key unlocks a browser once; it is shown only now, an office admin "
            "makes a new one under Queues and kiosks) and call displays:"
        )
        for link in seeded.kiosk_links:
            office = link.split("/")[1]
            self.stdout.write(f"  {link}")
            self.stdout.write(f"  /{office}/display/{office}-wartebereich/")
        self.stdout.write(
            f"Second factor: TOTP key {DEMO_TOTP_BASE32} in any authenticator app, "
            "or `.venv/bin/python manage.py demo_totp` for the current code."
        )
