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
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.cluster import own_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
P95_TARGET_MS = 50.0
OFFICES = ["bench-giessen", "bench-darmstadt", "bench-offenbach", "bench-kassel",
           "bench-marburg", "bench-fulda"]  # fmt: skip
BENCH_PASSWORD = "bench-password-16"  # noqa: S105 - a throw-away cluster's users

# Realistic articles: each is about one topic (its own sentences, legal references and terms)
# and mixes in sentences every office writes about its procedures; names, days and figures vary.
TOPICS = {
    "Chancenkarte": [
        "Für die Chancenkarte nach § 20a AufenthG müssen mindestens sechs Punkte erreicht werden.",
        "Punkte gibt es für Sprachkenntnisse, Berufserfahrung, Alter und einen Bezug zu Deutschland.",  # noqa: E501
        "Mit der Chancenkarte darf bis zu 20 Stunden in der Woche gearbeitet werden.",
        "Die Chancenkarte wird für höchstens ein Jahr erteilt; Probebeschäftigungen sind erlaubt.",
        "Antragstellende aus dem Ausland beantragen die Chancenkarte bei der Auslandsvertretung.",
    ],
    "Blaue Karte EU": [
        "Die Blaue Karte EU setzt nach § 18g AufenthG ein Mindestgehalt voraus.",
        "In Engpassberufen und für Berufsanfänger gilt eine niedrigere Gehaltsgrenze.",
        "IT-Fachkräfte ohne Hochschulabschluss können mit Berufserfahrung eine Blaue Karte erhalten.",  # noqa: E501
        "Nach 21 Monaten mit Sprachniveau B1 ist eine Niederlassungserlaubnis möglich.",
        "Der Arbeitsvertrag und die Gehaltsbestätigung des Arbeitgebers werden geprüft.",
    ],
    "Aufenthaltserlaubnis verlängern": [
        "Die Aufenthaltserlaubnis wird für höchstens zwei Jahre erteilt und kann verlängert werden.",  # noqa: E501
        "Der Antrag auf Verlängerung sollte spätestens sechs Wochen vor Ablauf gestellt werden.",
        "Die Fiktionsbescheinigung bestätigt, dass der Aufenthalt bis zur Entscheidung fortbesteht.",  # noqa: E501
        "Ein Wechsel des Aufenthaltszwecks ist nach § 16b AufenthG nur eingeschränkt möglich.",
        "Verlängerungen ohne Änderungen können schriftlich beantragt werden.",
    ],
    "Einbürgerung": [
        "Bei der Einbürgerung nach § 10 StAG wird der Lebensunterhalt geprüft.",
        "Seit der Reform genügen in der Regel fünf Jahre rechtmäßiger Aufenthalt.",
        "Mehrstaatigkeit wird hingenommen; die bisherige Staatsangehörigkeit muss nicht aufgegeben werden.",  # noqa: E501
        "Der Einbürgerungstest und Sprachkenntnisse auf dem Niveau B1 sind nachzuweisen.",
        "Die Einbürgerungsurkunde wird in einem feierlichen Termin ausgehändigt.",
    ],
    "Fachkräfte": [
        "Fachkräfte mit Berufsausbildung erhalten eine Aufenthaltserlaubnis nach 18a AufenthG.",
        "Die Zustimmung der Bundesagentur für Arbeit richtet sich nach § 39 AufenthG und der BeschV.",  # noqa: E501
        "Das beschleunigte Fachkräfteverfahren nach § 81a AufenthG beantragt der Arbeitgeber.",
        "Die Anerkennung ausländischer Berufsabschlüsse erfolgt durch die zuständige Stelle.",
        "Die Anerkennungspartnerschaft erlaubt die Arbeit während der Anerkennung.",
    ],
    "Familiennachzug": [
        "Familiennachzug zu Fachkräften erfordert ausreichenden Wohnraum und Sprachkenntnisse.",
        "Ehegatten weisen einfache Deutschkenntnisse nach, soweit keine Ausnahme greift.",
        "Minderjährige ledige Kinder erhalten eine Aufenthaltserlaubnis nach § 32 AufenthG.",
        "Der Nachzug der Eltern von Fachkräften ist seit März möglich.",
        "Die Auslandsvertretung beteiligt die Ausländerbehörde am Visumverfahren.",
    ],
    "Niederlassungserlaubnis": [
        "Die Niederlassungserlaubnis ist unbefristet und berechtigt zur Erwerbstätigkeit.",
        "Für die Niederlassungserlaubnis nach § 9 AufenthG sind 60 Monate Rentenbeiträge nötig.",
        "Der Integrationskurs und Kenntnisse der Rechts- und Gesellschaftsordnung werden geprüft.",
        "Fachkräfte können die Niederlassungserlaubnis nach § 18c AufenthG früher erhalten.",
    ],
    "Duldung": [
        "Für die Duldung nach § 60a AufenthG gelten besondere Beschäftigungsregeln.",
        "Die Ausbildungsduldung setzt einen Ausbildungsvertrag in einem anerkannten Beruf voraus.",
        "Die Beschäftigungsduldung verlangt 18 Monate sozialversicherungspflichtige Arbeit.",
        "Eine Duldung wird bei Passlosigkeit nur nach Mitwirkung an der Passbeschaffung verlängert.",  # noqa: E501
    ],
    "Studium": [
        "Studierende dürfen neben dem Studium bis zu 140 volle Arbeitstage im Jahr arbeiten.",
        "Die Aufenthaltserlaubnis zum Studium nach § 16b AufenthG setzt eine Zulassung voraus.",
        "Nach dem Abschluss gibt es bis zu 18 Monate zur Arbeitsplatzsuche.",
        "Ein Sperrkonto sichert den Lebensunterhalt für das erste Jahr.",
    ],
    "Terminsystem": [
        "Änderungen der Einstellungen im Terminsystem gelten ab dem ersten Werktag des Monats.",
        "Die Terminbuchung für Vorsprachen ist ab sofort nur noch online möglich.",
        "Kurzfristig freie Termine werden morgens um sieben Uhr freigeschaltet.",
        "Wer ohne Termin kommt, wird nur in dringenden Fällen vor zehn Uhr bedient.",
    ],
    "Gebühren": [
        "Die Gebühren richten sich nach der AufenthV und werden bei Antragstellung erhoben.",
        "Für Minderjährige gilt die Hälfte der Gebühr, Leistungsbezieher sind befreit.",
        "Die Gebühr für den elektronischen Aufenthaltstitel beträgt 100 Euro.",
        "Gebühren können an der Kasse mit Karte oder vorab per Überweisung gezahlt werden.",
    ],
    "Ukraine": [
        "Geflüchtete aus der Ukraine erhalten vorübergehenden Schutz nach § 24 AufenthG.",
        "Die Aufenthaltserlaubnisse nach § 24 AufenthG gelten bis zum 4. März des Folgejahres.",
        "Eine Verlängerung erfolgt ohne erneute Prüfung durch einen Vermerk.",
        "Die Erwerbstätigkeit ist ohne Zustimmung der Bundesagentur erlaubt.",
    ],
    "Dolmetschen": [
        "Dolmetscherinnen werden nach § 9 JVEG mit 93 Euro je Stunde vergütet.",
        "Für seltene Sprachen wird ein Videodolmetschdienst eingesetzt.",
        "Der Bedarf an Sprachmittlung wird bei der Terminbuchung erfragt.",
    ],
    "Verlust des Aufenthaltstitels": [
        "Bei Verlust des Aufenthaltstitels ist eine Verlustanzeige der Polizei vorzulegen.",
        "Ein Ersatzdokument wird mit einer neuen Seriennummer hergestellt.",
        "Bis zur Ausgabe dient eine Bescheinigung über den Aufenthalt als Nachweis.",
    ],
}
GENERAL = [
    "Die Sachbearbeitung prüft Reisepass, Meldebescheinigung und Krankenversicherung.",
    "Der elektronische Aufenthaltstitel wird etwa vier Wochen nach der Antragstellung abgeholt.",
    "Die Verpflichtungserklärung muss die Kosten des Lebensunterhalts vollständig abdecken.",
    "Eine Beschäftigungserlaubnis kann mit Nebenbestimmungen versehen werden.",
    "Unvollständige Anträge werden mit einer Frist von zwei Wochen nachgefordert.",
    "Bei Rückfragen hilft das Team am Empfang von Montag bis Freitag.",
    "Bitte vermerken Sie in der Akte, welche Unterlagen fehlen.",
    "Die Entscheidung wird schriftlich bekanntgegeben und enthält eine Rechtsbehelfsbelehrung.",
    "Kopien der Nachweise werden nach der Prüfung zurückgegeben.",
    "Biometrische Lichtbilder dürfen nicht älter als sechs Monate sein.",
    "Die Abholung ist auch durch eine bevollmächtigte Person möglich.",
    "In Zweifelsfällen wird die Teamleitung hinzugezogen.",
]
PLACES = ["Gießen", "Darmstadt", "Offenbach", "Kassel", "Marburg", "Fulda", "Wetzlar", "Hanau"]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]  # fmt: skip
VARIABLE = [
    "In {place} gilt das seit dem {day}. {month} {year}.",
    "Die Außenstelle {place} bearbeitet etwa {count} Anträge im Monat.",
    "Laut Rundschreiben vom {day}. {month} {year} ist die Praxis einheitlich.",
    "Rückfragen zur Akte {count}/{year} bitte an die Stelle in {place}.",
]
TITLE_FORMS = ["{topic}", "{topic}: Hinweise", "{topic} – Praxis in {place}",
               "{topic} ab {month} {year}", "Neu: {topic}", "{topic} (Checkliste)"]  # fmt: skip
QUERIES = [
    "Chancenkarten", "Aufenthaltserlaubnisse", "Erlaubnis", "Änderungen", "Einstellungen",
    "§18g", "18g AufenthG", "Paragraph 18 g", "Niederlassungserlaubnis", "Familiennachzug",
    "Gebühren Minderjährige", "Duldung Beschäftigung", "Blaue Karte", "Verlängerung Antrag",
    "Fiktionsbescheinigung", "Dolmetscherinnen JVEG",
]  # fmt: skip


def _variable(rng: random.Random) -> str:
    return rng.choice(VARIABLE).format(
        place=rng.choice(PLACES),
        day=rng.randint(1, 28),
        month=rng.choice(MONTHS),
        year=rng.randint(2023, 2026),
        count=rng.randint(20, 900),
    )


def article(rng: random.Random) -> tuple[str, str]:
    """A title and a Markdown body of 1–3 KB about one topic."""
    topic = rng.choice(list(TOPICS))
    title = rng.choice(TITLE_FORMS).format(
        topic=topic,
        place=rng.choice(PLACES),
        month=rng.choice(MONTHS),
        year=rng.randint(2024, 2026),
    )
    size = rng.randint(1000, 3000)
    paragraphs, length = [], 0
    while length < size:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            roll = rng.random()
            if roll < 0.55:
                sentences.append(rng.choice(TOPICS[topic]))
            elif roll < 0.85:
                sentences.append(rng.choice(GENERAL))
            else:
                sentences.append(_variable(rng))
        paragraph = " ".join(sentences)
        if rng.random() < 0.2:
            paragraph = "- " + paragraph
        paragraphs.append(paragraph)
        length += len(paragraph.encode()) + 2
    return title, "\n\n".join(paragraphs)


def bulk_load(rng: random.Random, offices: list, editors: list, count: int) -> None:
    """`count` articles over the offices: most published (a tenth with an earlier version that
    ended), some drafts, in review or archived; half shared. Rows and search terms in bulk."""
    from schalter.knowledge import services
    from schalter.knowledge.legal import references_in
    from schalter.knowledge.models import Article, Revision, RevisionState, SearchEntry, Visibility

    states = [RevisionState.PUBLISHED] * 14 + [RevisionState.DRAFT] * 3
    states += [RevisionState.IN_REVIEW, RevisionState.ARCHIVED, RevisionState.ARCHIVED]
    batch = 1000
    for first in range(0, count, batch):
        size = min(batch, count - first)
        which = [rng.randrange(len(offices)) for _ in range(size)]
        articles = Article.objects.bulk_create(
            Article(
                office=offices[w],
                owner=editors[w],
                visibility=Visibility.SHARED if rng.random() < 0.5 else Visibility.PRIVATE,
                tags=rng.sample(["Praxis", "Gesetz", "Checkliste", "Neu", "Team"], 2),
            )
            for w in which
        )
        revisions = []
        for entry, w in zip(articles, which, strict=True):
            start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))
            versions = 2 if rng.random() < 0.1 else 1
            for number in range(1, versions + 1):
                title, body = article(rng)
                later = number < versions
                revisions.append(
                    Revision(
                        article=entry,
                        number=number,
                        title=title,
                        body=body,
                        legal_references=[r.as_dict() for r in references_in(body + "\n" + title)],
                        effective_from=start + timedelta(days=(number - 1) * 120),
                        effective_until=start + timedelta(days=number * 120) if later else None,
                        author=editors[w],
                        state=RevisionState.PUBLISHED if later else rng.choice(states),
                    )
                )
        Revision.objects.bulk_create(revisions)
        SearchEntry.objects.bulk_create(
            SearchEntry(
                revision=revision,
                terms=services.index_terms(revision),
                article=revision.article,
                office_id=revision.article.office_id,
                shared=services.index_shared(revision),
            )
            for revision in revisions
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with own_database("knowledge"):
        return run(args)


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
            for slug in OFFICES
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
        # A few through the services (the path editors take), the rest loaded in bulk with
        # the very terms the services store (services.index_terms).
        through_services = min(args.articles, 2 * len(offices))
        for number in range(through_services):
            which = number % len(offices)
            title, body = article(rng)
            services.article_create(
                office=offices[which],
                title=title,
                body=body,
                effective_from=date(2024, 1, 1) + timedelta(days=rng.randint(0, 900)),
                visibility=Visibility.SHARED if number % 2 else Visibility.PRIVATE,
                acting_user=editors[which],
            )
        bulk_load(rng, offices, editors, args.articles - through_services)
    seeded = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"{args.articles} articles in {seeded:.0f} s", file=sys.stderr)

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

    # The page and the raw query take turns, query by query, so that both meet the same load of
    # a shared machine; a rate is the requests over the time spent in them.
    for query in QUERIES:  # warm up
        through_page(query)
        raw(query)
    load_before = os.getloadavg()[0]
    page_times, raw_times = [], []
    page_cpu = 0.0  # the Django process's own CPU time for the pages (the database's aside)
    for number in range(args.requests):
        query = QUERIES[number % len(QUERIES)]
        for call, times in ((through_page, page_times), (raw, raw_times)):
            one, cpu = time.perf_counter(), time.process_time()
            call(query)
            times.append((time.perf_counter() - one) * 1000)
            if call is through_page:
                page_cpu += time.process_time() - cpu
    load = max(load_before, os.getloadavg()[0])
    page_rate = 1000 * len(page_times) / sum(page_times)
    raw_rate = 1000 * len(raw_times) / sum(raw_times)
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
    print(
        f"load average while measuring: {load:.1f} on {os.cpu_count()} cores; the page's own CPU"
        f" time {1000 * page_cpu / args.requests:.1f} ms a request",
        file=sys.stderr,
    )
    for index, row in enumerate(rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))
    report = {
        "bench": "knowledge",
        "articles": args.articles,
        "requests": args.requests,
        "seed_seconds": round(seeded, 1),
        "page_cpu_ms": 1000 * page_cpu / args.requests,
        "load_average": load,  # of the machine while measuring (2 cores: above 2 it queues)
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
