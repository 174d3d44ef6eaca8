"""Knowledge search bench (issue 16), standalone: a throw-away PostgreSQL cluster (unless
DATABASE_URL is given), 10,000 generated articles of realistic German text (1–3 KB each) written
through the services, then searches through the staff search page (`/staff/<office>/knowledge/
?q=…`, the whole Django stack, signed in with two factors) and the same ranked full-text query
with snippets as raw SQL over the same connection, in the same run. Prints figure, value,
ceiling, ratio, target and pass/FAIL; writes JSON to bench/results/knowledge-<time>.json.

    .venv/bin/python -m bench.knowledge [--articles 10000] [--requests 400]
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
P95_TARGET_MS = 50.0
BENCH_PASSWORD = "bench-password-16"  # noqa: S105 - a throw-away cluster's users

SENTENCES = [
    "Die Aufenthaltserlaubnis wird für höchstens zwei Jahre erteilt und kann verlängert werden.",
    "Für die Chancenkarte nach § 20a AufenthG müssen mindestens sechs Punkte erreicht werden.",
    "Die Blaue Karte EU setzt nach § 18g AufenthG ein Mindestgehalt voraus.",
    "Fachkräfte mit Berufsausbildung erhalten eine Aufenthaltserlaubnis nach 18a AufenthG.",
    "Die Zustimmung der Bundesagentur für Arbeit richtet sich nach § 39 AufenthG und der BeschV.",
    "Bei der Einbürgerung nach § 10 StAG wird der Lebensunterhalt geprüft.",
    "Die Fiktionsbescheinigung bestätigt, dass der Aufenthalt bis zur Entscheidung fortbesteht.",
    "Änderungen der Einstellungen im Terminsystem gelten ab dem ersten Werktag des Monats.",
    "Die Niederlassungserlaubnis ist unbefristet und berechtigt zur Erwerbstätigkeit.",
    "Familiennachzug zu Fachkräften erfordert ausreichenden Wohnraum und Sprachkenntnisse.",
    "Der elektronische Aufenthaltstitel wird etwa vier Wochen nach der Antragstellung abgeholt.",
    "Geflüchtete aus der Ukraine erhalten vorübergehenden Schutz nach § 24 AufenthG.",
    "Die Verpflichtungserklärung muss die Kosten des Lebensunterhalts vollständig abdecken.",
    "Studierende dürfen neben dem Studium bis zu 140 volle Arbeitstage im Jahr arbeiten.",
    "Für die Duldung nach § 60a AufenthG gelten besondere Beschäftigungsregeln.",
    "Die Anerkennung ausländischer Berufsabschlüsse erfolgt durch die zuständige Stelle.",
    "Der Antrag auf Verlängerung sollte spätestens sechs Wochen vor Ablauf gestellt werden.",
    "Ein Wechsel des Aufenthaltszwecks ist nach § 16b AufenthG nur eingeschränkt möglich.",
    "Die Gebühren richten sich nach der AufenthV und werden bei Antragstellung erhoben.",
    "Für Minderjährige gilt die Hälfte der Gebühr, Leistungsbezieher sind befreit.",
    "Dolmetscherinnen werden nach § 9 JVEG mit 93 Euro je Stunde vergütet.",
    "Die Sachbearbeitung prüft Reisepass, Meldebescheinigung und Krankenversicherung.",
    "Eine Beschäftigungserlaubnis kann mit Nebenbestimmungen versehen werden.",
    "Bei Verlust des Aufenthaltstitels ist eine Verlustanzeige der Polizei vorzulegen.",
]
TITLES = [
    "Chancenkarte", "Blaue Karte EU", "Aufenthaltserlaubnis verlängern", "Einbürgerung",
    "Fachkräfte", "Familiennachzug", "Niederlassungserlaubnis", "Duldung", "Studium",
    "Terminsystem", "Gebühren", "Fiktionsbescheinigung", "Ukraine", "Beschäftigung",
]  # fmt: skip
QUERIES = [
    "Chancenkarten", "Aufenthaltserlaubnisse", "Erlaubnis", "Änderungen", "Einstellungen",
    "§18g", "18g AufenthG", "Paragraph 18 g", "Niederlassungserlaubnis", "Familiennachzug",
    "Gebühren Minderjährige", "Duldung Beschäftigung", "Blaue Karte", "Verlängerung Antrag",
    "Fiktionsbescheinigung", "Dolmetscherinnen JVEG",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def article_text(rng: random.Random) -> str:
    size = rng.randint(1000, 3000)
    paragraphs, length = [], 0
    while length < size:
        paragraph = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        length += len(paragraph.encode()) + 2
    return "\n\n".join(paragraphs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    cluster = None
    if not os.environ.get("DATABASE_URL"):
        cluster = tempfile.mkdtemp(prefix="schalter-bench-knowledge-pg.")
        url = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [str(ROOT / "scripts" / "pg-cluster"), "start", cluster, str(free_port())],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        os.environ["DATABASE_URL"] = url
    try:
        return run(args)
    finally:
        if cluster:
            stop = [str(ROOT / "scripts" / "pg-cluster"), "stop", cluster]
            subprocess.run(stop, check=False)  # noqa: S603 - our own script


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schalter.config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_scopes import scopes_disabled

    from schalter.accounts.actors import COMMAND
    from schalter.accounts.roles import Role
    from schalter.accounts.services import membership_grant, staff_user_create
    from schalter.knowledge import analysis, search, services
    from schalter.knowledge.models import Visibility
    from schalter.offices import services as office_services

    assert connection.vendor == "postgresql", "the knowledge bench runs on PostgreSQL"
    call_command("migrate", verbosity=0)
    rng = random.Random(16)
    started = time.monotonic()
    with scopes_disabled():
        offices = [
            office_services.office_create(
                slug=slug,
                name={"de": f"Ausländerbehörde {slug.title()}"},
                street="Platz 1",
                postcode="35390",
                city=slug.title(),
                phone="+496413060",
                email=f"abh@{slug}.example",
                acting_user=COMMAND,
            )
            for slug in ("bench-giessen", "bench-darmstadt")
        ]
        editors = []
        for office in offices:
            editor = staff_user_create(
                username=f"editor-{office.slug}",
                password=BENCH_PASSWORD,
                full_name="Bench Editor",
                acting_user=COMMAND,
            )
            membership_grant(
                user=editor, office=office, role=Role.KNOWLEDGE_EDITOR, acting_user=COMMAND
            )
            editors.append(editor)
        reader = staff_user_create(
            username="reader",
            password=BENCH_PASSWORD,
            full_name="Bench Reader",
            acting_user=COMMAND,
        )
        membership_grant(user=reader, office=offices[0], role=Role.CASEWORKER, acting_user=COMMAND)
        device = TOTPDevice.objects.create(user=reader, name="bench", confirmed=True)
        for number in range(args.articles):
            which = number % 2
            services.article_create(
                office=offices[which],
                title=f"{rng.choice(TITLES)} {number}",
                body=article_text(rng),
                effective_from=date(2024, 1, 1) + timedelta(days=rng.randint(0, 900)),
                visibility=Visibility.SHARED if rng.random() < 0.5 else Visibility.PRIVATE,
                acting_user=editors[which],
            )
    seeded = time.monotonic() - started
    print(f"{args.articles} articles in {seeded:.0f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    client.post("/staff/login/", {"username": "reader", "password": BENCH_PASSWORD})
    code = f"{TOTP(device.bin_key, step=device.step, digits=device.digits).token():06d}"
    client.post("/staff/login/code/", {"code": code})
    office = offices[0]
    page = f"/staff/{office.slug}/knowledge/"
    assert client.get(page).status_code == 200, "sign-in failed"

    def through_page(query: str) -> None:
        response = client.get(page, {"q": query})
        assert response.status_code == 200

    where, params = search._where(office, search.Filters())
    sql = search.postgresql_sql(where)

    def raw(query: str) -> None:
        analysed = analysis.query(query)
        with connection.cursor() as cursor:
            cursor.execute(sql, [analysed.tsquery(), analysed.prefix_tsquery(), *params, 20])
            cursor.fetchall()

    def measure(call) -> tuple[list[float], float]:
        for query in QUERIES:  # warm up
            call(query)
        times = []
        begin = time.perf_counter()
        for number in range(args.requests):
            one = time.perf_counter()
            call(QUERIES[number % len(QUERIES)])
            times.append((time.perf_counter() - one) * 1000)
        return times, args.requests / (time.perf_counter() - begin)

    page_times, page_rate = measure(through_page)
    raw_times, raw_rate = measure(raw)
    p95 = percentile(page_times, 0.95)
    figures = [
        {
            "figure": "knowledge search p95 (staff page)",
            "value": f"{p95:.1f} ms",
            "ceiling": f"{percentile(raw_times, 0.95):.1f} ms (raw SQL)",
            "ratio": "",
            "target": f"<= {P95_TARGET_MS:.0f} ms",
            "result": "pass" if p95 <= P95_TARGET_MS else "FAIL",
        },
        {
            "figure": "knowledge search q/s (staff page)",
            "value": f"{page_rate:.0f}/s",
            "ceiling": f"{raw_rate:.0f}/s (raw SQL)",
            "ratio": f"{page_rate / raw_rate:.2f}",
            "target": "report",
            "result": "",
        },
    ]
    rows = [("figure", "value", "ceiling", "ratio", "target", "result")]
    rows += [tuple(f.values()) for f in figures]
    widths = [max(len(str(r[i])) for r in rows) for i in range(6)]
    for index, row in enumerate(rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))
    report = {
        "bench": "knowledge",
        "articles": args.articles,
        "requests": args.requests,
        "seed_seconds": round(seeded, 1),
        "page_ms": {"p50": statistics.median(page_times), "p95": p95, "max": max(page_times)},
        "raw_ms": {
            "p50": statistics.median(raw_times),
            "p95": percentile(raw_times, 0.95),
            "max": max(raw_times),
        },
        "page_per_second": page_rate,
        "raw_per_second": raw_rate,
        "figures": figures,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"knowledge-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
