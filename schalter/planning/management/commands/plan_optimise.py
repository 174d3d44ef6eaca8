import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.offices.models import Office
from schalter.planning import selectors
from schalter.planning.optimiser import optimise


class Command(BaseCommand):
    help = (
        "Search slot plans for an office's weekday (docs/planning.md, 'Optimiser') and print the "
        "best against today's plan, each with its simulated waits and 95 % intervals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="the office's slug")
        parser.add_argument("--weekday", type=int, default=0, help="0 is Monday")
        parser.add_argument("--plans", type=int, default=100, help="candidates to simulate")
        parser.add_argument("--replications", type=int, default=20)
        parser.add_argument("--processes", type=int, default=1)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, office: str, weekday: int, plans: int, replications: int,
               processes: int, **options):  # fmt: skip
        with scopes_disabled():
            found = Office.objects.filter(slug=office).first()
        if found is None:
            raise CommandError(f"no office {office!r}")
        if not 1 <= plans <= 1000 or not 2 <= replications <= 1000:
            raise CommandError("plans must lie in 1–1000 and replications in 2–1000")
        baseline = selectors.office_baseline(found, weekday, timezone.localdate())
        if baseline is None:
            raise CommandError(f"{office} is closed on weekday {weekday}")
        report = optimise(
            baseline.scenario,
            baseline.plan,
            limit=plans,
            replications=replications,
            processes=processes,
        )
        report["office"] = office
        report["weekday"] = weekday
        report["calibrated"] = baseline.calibrated
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        for row in [report["today"], *report["best"], *report["alternatives"]]:
            change = (
                f"  p90 change {row['p90_change_minutes']} {row['p90_change_minutes_ci']}"
                if "p90_change_minutes" in row
                else ""
            )
            self.stdout.write(
                f"{row['label']:<8} mean {row['mean_wait_minutes']} {row['mean_wait_minutes_ci']}"
                f"  p90 {row['p90_wait_minutes']} {row['p90_wait_minutes_ci']}{change}"
                f"  idle h {row['idle_desk_hours']}  {row['plan']}"
            )
        self.stdout.write(report["verdict"])
