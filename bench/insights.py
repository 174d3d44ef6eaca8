"""Insights bench (issue 17), standalone: a throw-away PostgreSQL cluster (unless DATABASE_URL is
given), the six demo offices and a year of history, then

- the dashboard of the largest office (`/staff/<office>/insights/`, the whole Django stack,
  signed in with two factors as its team lead), for the default four weeks and for the whole
  year, beside a signed-in staff page (same guard) that runs the same roll-up queries as raw SQL
  over the same connection, in the same run: p95 ≤ 300 ms;
- the ministry's Bilanz PDF of all six offices for the year (`/staff/figures/bilanz.pdf`,
  rendered by WeasyPrint in the bounded render process): ≤ 10 s.

How the year is made, and why: the demo's own history process (demo/history.py: appointments
with no-shows and early/late arrivals, walk-ins peaking after opening, lognormal service times)
writes two weeks of events per office in bulk, and the REAL roll-up (insights/rollups.py
day_rollup) turns each of those days into its roll-up rows. Those rows are then bulk-inserted
for every day of the year (the template day of the same weekday), each copied once per client
language until an open day has about 400 visits. Rolling up 365 × 6 days of some 400 tickets
each through day_rollup would take many minutes of `make bench` and measure the roll-up, not the
dashboard; the dashboard and the Bilanz read only the roll-up rows, and these are exactly the
rows the real roll-up writes (same histograms, same shape, ≈ 400 visits a day). Survey answers
(one client in 20) are bulk-inserted too, and the free-day samples of the largest office (every
15 minutes for a year, per service; the dashboard reads only its own office's, the Bilanz none)
by one INSERT … SELECT generate_series. With DATABASE_URL of a database an earlier run seeded,
the seeding is skipped (for repeated runs while optimising).

Prints figure, value, ceiling, ratio, target and pass/FAIL; writes JSON to
bench/results/insights-<time>.json.

    .venv/bin/python -m bench.insights [--requests 60] [--visits 400]
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.cluster import own_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DASHBOARD_P95_MS = 300.0
BILANZ_SECONDS = 10.0
TEMPLATE_WEEKS = 2
YEAR_DAYS = 365
COMMENTS = ("", "", "", "Freundlich, aber lange gewartet.")
BENCH_PASSWORD = "bench-password-17"  # noqa: S105 - a throw-away cluster's users


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--visits", type=int, default=400, help="visits per open office day")
    args = parser.parse_args()
    with own_database("insights"):
        return run(args)


# The raw page's URLconf: the app's own, plus one bench page (set up in run()).
urlpatterns: list = []


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schalter.config.settings.test")
    # The demo books appointments: their e-mails go nowhere (as in run-bench).
    os.environ["SCHALTER_MAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Sum
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import path
    from django.utils import timezone
    from django.utils.module_loading import import_module
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_scopes import scopes_disabled

    from schalter.accounts.actors import COMMAND
    from schalter.accounts.roles import Capability, Role
    from schalter.accounts.services import membership_grant, staff_user_create
    from schalter.demo.seed import seed_demo
    from schalter.insights.models import DailyFigure, DeskDay, FeedbackAnswer
    from schalter.insights.rollups import day_rollup
    from schalter.languages import LANGUAGES
    from schalter.offices.localtime import local_date
    from schalter.offices.models import Office
    from schalter.staff.guards import office_view
    from schalter.visits.models import Ticket

    assert connection.vendor == "postgresql", "the insights bench runs on PostgreSQL"
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    now = timezone.now()
    with scopes_disabled():
        reuse = DailyFigure.objects.exists()  # a database seeded by an earlier run
        if not reuse:
            seed_demo(timezone.localdate(), history_weeks=TEMPLATE_WEEKS)
        offices = list(Office.objects.order_by("pk"))
        sizes = {o.pk: Ticket.objects.filter(office=o).count() for o in offices}
        if reuse:  # the largest by visits, as when seeded (not by roll-up rows)
            sizes = {
                o.pk: DailyFigure.objects.filter(office=o).aggregate(n=Sum("tickets"))["n"] or 0
                for o in offices
            }
        offices = [o for o in offices if sizes[o.pk]]
        largest = max(offices, key=lambda o: sizes[o.pk])
    seeded_events = time.monotonic() - started

    # The real roll-up of the template days, then the year from their rows.
    rng = random.Random(17)
    languages = [language.code for language in LANGUAGES]
    figures, desk_days, answers = [], [], []
    visits_per_day: dict[str, float] = {}
    with scopes_disabled():
        for office in [] if reuse else offices:
            today = local_date(office, now)
            template_days = [today - timedelta(days=n) for n in range(1, 7 * TEMPLATE_WEEKS + 1)]
            for day in template_days:
                day_rollup(office=office, day=day, now=now)
            rows = list(DailyFigure.objects.filter(office=office, day__in=template_days))
            desks = {d.day: d for d in DeskDay.objects.filter(office=office, day__in=template_days)}
            by_day: dict = {}
            for row in rows:
                by_day.setdefault(row.day, []).append(row)
            open_days = [day for day in template_days if by_day.get(day)]
            per_day = sum(r.tickets for r in rows) / max(1, len(open_days))
            copies = max(1, round(args.visits / per_day)) if per_day else 1
            visits_per_day[office.slug] = round(per_day * copies, 1)
            DailyFigure.objects.filter(office=office).delete()
            DeskDay.objects.filter(office=office).delete()
            for back in range(1, YEAR_DAYS + 1):
                day = today - timedelta(days=back)
                same_weekday = [d for d in template_days if d.weekday() == day.weekday()]
                template = same_weekday[back % len(same_weekday)]
                for row in by_day.get(template, []):
                    for copy in range(copies):
                        figures.append(
                            DailyFigure(
                                **{
                                    f.attname: getattr(row, f.attname)
                                    for f in DailyFigure._meta.concrete_fields
                                    if f.attname not in ("id", "day", "language")
                                },
                                day=day,
                                language=languages[copy % len(languages)],
                            )
                        )
                desk = desks.get(template)
                desk_days.append(
                    DeskDay(
                        office=office,
                        day=day,
                        desk_minutes_by_hour={
                            hour: minutes * copies
                            for hour, minutes in (desk.desk_minutes_by_hour if desk else {}).items()
                        },
                        rolled_at=now,
                    )
                )
                if by_day.get(template):  # about one client in 20 answers the survey
                    for _ in range(int(per_day * copies / 20)):
                        answers.append(
                            FeedbackAnswer(
                                office=office,
                                month=day.replace(day=1),
                                waiting=rng.randint(1, 5),
                                friendliness=rng.randint(2, 5),
                                found_way=rng.randint(2, 5),
                                information=rng.randint(1, 5),
                                comment=rng.choice(
                                    ("", "", "", "Freundlich, aber lange gewartet.")
                                ),
                            )
                        )
        if visits_per_day:  # the largest by the year's volume, as generated
            largest = max(offices, key=lambda o: visits_per_day[o.slug])
        with transaction.atomic():
            print(f"events rolled up at {time.monotonic() - started:.0f} s", file=sys.stderr)
            DailyFigure.objects.bulk_create(figures, batch_size=2000)
            DeskDay.objects.bulk_create(desk_days, batch_size=2000)
            FeedbackAnswer.objects.bulk_create(answers, batch_size=2000)
        print(f"roll-up rows written at {time.monotonic() - started:.0f} s", file=sys.stderr)
        with connection.cursor() as cursor:  # every 15 minutes of the year, per offered service
            cursor.execute(
                """
                INSERT INTO insights_freedaysample (office_id, service_id, sampled_at, days)
                SELECT os.office_id, os.service_id, at, (random() * 30)::int
                FROM appointments_officeservice os,
                     generate_series(%s::timestamptz - interval '365 days', %s::timestamptz,
                                     interval '15 minutes') AS at
                WHERE os.enabled AND os.bookable_online AND os.office_id = %s
                ON CONFLICT DO NOTHING
                """,
                [now.replace(second=0, microsecond=0)] * 2 + [largest.pk],
            ) if not reuse else None
            cursor.execute("ANALYZE")
        staff_rows = DailyFigure.objects.count()
        samples = connection.cursor()
        samples.execute("SELECT count(*) FROM insights_freedaysample")
        sample_rows = samples.fetchone()[0]
    seeded = time.monotonic() - started
    print(
        f"seeded in {seeded:.0f} s: {staff_rows} roll-up rows, {len(answers)} survey answers, "
        f"{sample_rows} free-day samples; visits per open day {visits_per_day}",
        file=sys.stderr,
    )

    # The raw page: the same SELECTs on the roll-ups as the dashboard, as raw SQL, same guard.
    raw_queries = (
        (
            "SELECT day, tickets, walk_ins, served, missed, booked, arrived, late, no_shows, "
            "cancelled, waiting, way, service_time, lateness, estimate_error, booked_by_lead, "
            "no_shows_by_lead, cancelled_by_lead, issued_by_hour FROM insights_dailyfigure "
            "WHERE office_id = %(office)s AND day BETWEEN %(first)s AND %(last)s"
        ),
        (
            "SELECT desk_minutes_by_hour FROM insights_deskday "
            "WHERE office_id = %(office)s AND day BETWEEN %(first)s AND %(last)s"
        ),
        (
            "SELECT day, waiting FROM insights_dailyfigure "
            "WHERE office_id = %(office)s AND day BETWEEN %(first)s AND %(last)s"
        ),
        (
            "SELECT service_id, days FROM insights_freedaysample WHERE office_id = %(office)s "
            "AND sampled_at = (SELECT max(sampled_at) FROM insights_freedaysample "
            "WHERE office_id = %(office)s)"
        ),
        (
            "SELECT count(waiting), avg(waiting), count(friendliness), avg(friendliness), "
            "count(found_way), avg(found_way), count(information), avg(information) "
            "FROM insights_feedbackanswer WHERE office_id = %(office)s "
            "AND month BETWEEN %(month)s AND %(last)s"
        ),
        (
            "SELECT month, comment FROM insights_feedbackanswer WHERE office_id = %(office)s "
            "AND month BETWEEN %(month)s AND %(last)s AND comment <> '' "
            "ORDER BY month DESC, id DESC LIMIT 50"
        ),
    )

    @office_view(Capability.VIEW_INSIGHTS)
    def raw_page(request, office):
        last = local_date(office, timezone.now())
        first = last - timedelta(days=int(request.GET.get("days", "28")) - 1)
        params = {"office": office.pk, "first": first, "last": last, "month": first.replace(day=1)}
        fetched = 0
        with connection.cursor() as cursor:
            for sql in raw_queries:
                cursor.execute(sql, params)
                fetched += len(cursor.fetchall())
        return HttpResponse(f"<p>{fetched} rows</p>")

    global urlpatterns
    urlpatterns = [
        path("bench/insights-raw/<slug:office>/", raw_page),
        *import_module(settings.ROOT_URLCONF).urlpatterns,
    ]
    settings.ROOT_URLCONF = __name__

    def signed_in(username: str, office, role: str) -> Client:
        with scopes_disabled():
            device = TOTPDevice.objects.filter(user__username=username).first()
            if device is None:  # a reused database has them already
                user = staff_user_create(
                    username=username,
                    password=BENCH_PASSWORD,
                    full_name=f"Bench {role}",
                    acting_user=COMMAND,
                )
                membership_grant(user=user, office=office, role=role, acting_user=COMMAND)
                device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        client = Client()
        client.post("/staff/login/", {"username": username, "password": BENCH_PASSWORD})
        code = f"{TOTP(device.bin_key, step=device.step, digits=device.digits).token():06d}"
        client.post("/staff/login/code/", {"code": code})
        return client

    lead = signed_in("bench-lead", largest, Role.TEAM_LEAD)
    ministry = signed_in("bench-ministry", None, Role.MINISTRY)
    today = local_date(largest, now)
    year_first = (today - timedelta(days=YEAR_DAYS - 1)).isoformat()
    year = f"?first={year_first}&last={today.isoformat()}"
    dashboard = f"/staff/{largest.slug}/insights/"
    raw = f"/bench/insights-raw/{largest.slug}/"
    first = lead.get(dashboard)
    assert first.status_code == 200, f"sign-in failed: {first.status_code} {first.get('Location')}"
    assert lead.get(raw).status_code == 200

    cpu_ms: dict[str, float] = {}  # this process's CPU per request (the database's not included)
    queries: dict[str, int] = {}

    def measure(name: str, url: str) -> list[float]:
        for _ in range(3):  # warm up
            assert lead.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert lead.get(url).status_code == 200
        queries[name] = len(captured.captured_queries)
        times, cpu = [], []
        for _ in range(args.requests):
            one, one_cpu = time.perf_counter(), time.process_time()
            response = lead.get(url)
            times.append((time.perf_counter() - one) * 1000)
            cpu.append((time.process_time() - one_cpu) * 1000)
            assert response.status_code == 200
        cpu_ms[name] = statistics.median(cpu)
        return times

    timings = {
        "dashboard_4_weeks": measure("dashboard_4_weeks", dashboard),
        "raw_4_weeks": measure("raw_4_weeks", raw + "?days=28"),
        "dashboard_year": measure("dashboard_year", dashboard + year),
        "raw_year": measure("raw_year", raw + f"?days={YEAR_DAYS}"),
    }

    # The Bilanz of all six offices for the year; a short one first starts the render process.
    assert ministry.get(f"/staff/figures/bilanz.pdf?first={today}&last={today}").status_code == 200
    bilanz_seconds = []
    pages = 0
    for _ in range(3):
        one = time.perf_counter()
        response = ministry.get(f"/staff/figures/bilanz.pdf{year}")
        bilanz_seconds.append(time.perf_counter() - one)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        pages = response.content.count(b"/Type /Page") - response.content.count(b"/Type /Pages")
    one = time.perf_counter()
    office_pdf = lead.get(f"/staff/{largest.slug}/insights/bilanz.pdf{year}")
    office_bilanz_seconds = time.perf_counter() - one
    assert office_pdf.status_code == 200

    def p95(name: str) -> float:
        return percentile(timings[name], 0.95)

    figures_out = []
    for period in ("4_weeks", "year"):
        value, ceiling = p95(f"dashboard_{period}"), p95(f"raw_{period}")
        figures_out.append(
            {
                "figure": f"insights dashboard p95, {period.replace('_', ' ')} ({largest.slug})",
                "value": f"{value:.1f} ms",
                "ceiling": f"{ceiling:.1f} ms (raw SQL page)",
                "ratio": f"{value / ceiling:.2f}",
                "target": f"<= {DASHBOARD_P95_MS:.0f} ms",
                "result": "pass" if value <= DASHBOARD_P95_MS else "FAIL",
            }
        )
    for period in ("4_weeks", "year"):
        value, ceiling = cpu_ms[f"dashboard_{period}"], cpu_ms[f"raw_{period}"]
        figures_out.append(
            {
                "figure": f"dashboard CPU per request, {period.replace('_', ' ')} (median)",
                "value": f"{value:.1f} ms, {queries[f'dashboard_{period}']} queries",
                "ceiling": f"{ceiling:.1f} ms, {queries[f'raw_{period}']} queries (raw SQL page)",
                "ratio": f"{value / ceiling:.2f}",
                "target": "report",
                "result": "",
            }
        )
    worst = max(bilanz_seconds)
    figures_out.append(
        {
            "figure": f"Bilanz PDF, {len(offices)} offices, a year (worst of 3)",
            "value": f"{worst:.2f} s (median {statistics.median(bilanz_seconds):.2f} s)",
            "ceiling": "",
            "ratio": "",
            "target": f"<= {BILANZ_SECONDS:.0f} s",
            "result": "pass" if worst <= BILANZ_SECONDS else "FAIL",
        }
    )
    figures_out.append(
        {
            "figure": f"Bilanz PDF, {largest.slug}, a year",
            "value": f"{office_bilanz_seconds:.2f} s",
            "ceiling": "",
            "ratio": "",
            "target": "report",
            "result": "",
        }
    )
    rows = [("figure", "value", "ceiling", "ratio", "target", "result")]
    rows += [tuple(f.values()) for f in figures_out]
    widths = [max(len(str(r[i])) for r in rows) for i in range(6)]
    for index, row in enumerate(rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))
    report = {
        "bench": "insights",
        "offices": len(offices),
        "largest": largest.slug,
        "visits_per_open_day": visits_per_day,
        "rollup_rows": staff_rows,
        "free_day_samples": sample_rows,
        "survey_answers": len(answers),
        "seed_seconds": round(seeded, 1),
        "event_seed_seconds": round(seeded_events, 1),
        "requests": args.requests,
        "ms": {
            name: {
                "p50": statistics.median(values),
                "p95": percentile(values, 0.95),
                "max": max(values),
            }
            for name, values in timings.items()
        },
        "cpu_ms_median": cpu_ms,
        "queries": queries,
        "load_average": os.getloadavg(),
        "bilanz_all_offices_seconds": bilanz_seconds,
        "bilanz_pages": pages,
        "bilanz_office_seconds": office_bilanz_seconds,
        "figures": figures_out,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"insights-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results: {path}; load average {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
