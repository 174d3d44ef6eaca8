"""Demo knowledge base: the dated law changes of recent years (DOMAIN.md) as real articles with
references, effective dates and affected services, some shared between the offices, one
adopted, a discussion, practice notes, and a change of practice coming in a few days so the
desks show its banner."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django_scopes import scopes_disabled

from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from schalter.knowledge import selectors, services
from schalter.knowledge.models import Revision, Visibility
from schalter.offices.models import Office

SHARED, PRIVATE = Visibility.SHARED, Visibility.PRIVATE

# (office, title, effective from, until, services, shared, body, public summary (de, uk))
ARTICLES = [
    (
        "wiesbaden",
        "Fachkräfteeinwanderungsgesetz: Beschäftigung von Fachkräften",
        date(2020, 3, 1),
        None,
        ("skilled-worker", "employment-permission"),
        SHARED,
        "Seit dem 1.3.2020 gilt das Fachkräfteeinwanderungsgesetz. Fachkräfte mit Berufsausbildung "
        "(§ 18a AufenthG) und mit akademischer Ausbildung (§ 18b AufenthG) erhalten eine "
        "Aufenthaltserlaubnis zur Beschäftigung; die Vorrangprüfung entfällt. Die Zustimmung der "
        "Bundesagentur für Arbeit richtet sich nach § 39 AufenthG und der BeschV.",
        None,
    ),
    (
        "giessen",
        "Blaue Karte EU: Gehaltsgrenzen und neue Berufe",
        date(2023, 11, 18),
        None,
        ("eu-blue-card",),
        SHARED,
        "Mit der ersten Stufe der Reform (18.11.2023) sinken die Gehaltsgrenzen der Blauen Karte "
        "EU nach § 18g AufenthG. IT-Fachkräfte ohne Hochschulabschluss können sie mit "
        "Berufserfahrung erhalten. Berufsanfänger fallen unter die niedrigere Grenze.",
        None,
    ),
    (
        "darmstadt",
        "Ausbildung und Anerkennung: § 16g AufenthG",
        date(2024, 3, 1),
        None,
        ("vocational-training",),
        SHARED,
        "Seit dem 1.3.2024 (zweite Stufe) gibt es die Aufenthaltserlaubnis nach § 16g AufenthG "
        "für die Berufsausbildung von Geduldeten; Anerkennungspartnerschaften nach § 16d AufenthG "
        "werden erleichtert.",
        None,
    ),
    (
        "giessen",
        "Chancenkarte nach § 20a AufenthG",
        date(2024, 6, 1),
        None,
        ("opportunity-card",),
        SHARED,
        "Seit dem 1.6.2024 können Drittstaatsangehörige mit der Chancenkarte (§ 20a AufenthG) "
        "zur Arbeitsuche einreisen. Voraussetzung ist eine anerkannte Qualifikation oder eine "
        "Punktzahl von mindestens 6 Punkten (Sprache, Berufserfahrung, Alter, Deutschlandbezug). "
        "Der Lebensunterhalt muss gesichert sein; Nebenbeschäftigung bis 20 Stunden je Woche ist "
        "erlaubt.",
        (
            "Seit Juni 2024 gibt es die Chancenkarte für die Arbeitsuche in Deutschland.",
            "З червня 2024 року діє «картка шансів» для пошуку роботи в Німеччині.",
        ),
    ),
    (
        "offenbach",
        "Staatsangehörigkeitsrecht: Einbürgerung nach fünf Jahren",
        date(2024, 6, 27),
        None,
        ("naturalisation",),
        SHARED,
        "Seit dem 27.6.2024 ist die Einbürgerung nach § 10 StAG in der Regel nach fünf Jahren "
        "rechtmäßigem Aufenthalt möglich; Mehrstaatigkeit wird hingenommen. Bei besonderen "
        "Integrationsleistungen genügen drei Jahre (§ 10 Abs. 3 StAG).",
        (
            "Seit dem 27.6.2024 ist die Einbürgerung meist nach fünf Jahren möglich.",
            "З 27.6.2024 громадянство зазвичай можна отримати через п'ять років.",
        ),
    ),
    (
        "wiesbaden",
        "Vorübergehender Schutz für Geflüchtete aus der Ukraine (§ 24 AufenthG)",
        date(2024, 3, 5),
        date(2027, 3, 5),
        ("humanitarian",),
        SHARED,
        "Aufenthaltserlaubnisse nach § 24 AufenthG für Geflüchtete aus der Ukraine gelten kraft "
        "Verordnung fort, zuletzt bis zum 4.3.2027. Eine Vorsprache zur Verlängerung ist dafür "
        "nicht nötig; der eAT wird auf Antrag aktualisiert.",
        (
            "Aufenthaltserlaubnisse nach § 24 für Menschen aus der Ukraine gelten bis 4.3.2027.",
            "Дозволи на проживання за § 24 для людей з України діють до 4.3.2027.",
        ),
    ),
]


def _user(slug: str, suffix: str) -> User:
    return User.objects.get(username=f"{slug}.{suffix}")


def _publish(revision: Revision, approver: User) -> Revision:
    submitted = services.revision_submit(revision=revision, acting_user=revision.author)
    return services.revision_approve(
        revision=submitted, seen_head_id=submitted.pk, acting_user=approver
    )


def _revise(revision: Revision, **changes) -> Revision:
    values = {
        "title": revision.title,
        "body": revision.body,
        "effective_from": revision.effective_from,
        "effective_until": revision.effective_until,
        "public_summary": revision.public_summary,
    }
    values.update(changes)
    author = changes.pop("author", None) or revision.author
    values.pop("author", None)
    return services.article_revise(
        article=revision.article, base_id=revision.pk, acting_user=author, **values
    )


def seed_knowledge(today: date) -> None:
    with scopes_disabled():
        offices = {office.slug: office for office in Office.objects.all()}
        catalogue = {service.slug: service for service in Service.objects.all()}
        written: dict[str, Revision] = {}
        for slug, title, start, until, affected, visibility, body, summary in ARTICLES:
            revision = services.article_create(
                office=offices[slug],
                title=title,
                body=body,
                effective_from=start,
                effective_until=until,
                services=[catalogue[s] for s in affected if s in catalogue],
                visibility=visibility,
                tags=["Recht"],
                next_review=today + timedelta(days=180),
                public_summary={"de": summary[0], "uk": summary[1]} if summary else None,
                required_roles=[Role.CASEWORKER] if "Chancenkarte" in title else None,
                acting_user=_user(slug, "editor"),
            )
            written[title.split(":")[0].split(" nach")[0]] = _publish(revision, _user(slug, "lead"))
        # The history of a rule: the fast track ended in 2025; the Blue Card thresholds of 2026.
        naturalisation = written["Staatsangehörigkeitsrecht"]
        _publish(
            _revise(
                naturalisation,
                body=naturalisation.body.replace(
                    "Bei besonderen Integrationsleistungen genügen drei Jahre (§ 10 Abs. 3 StAG).",
                    "Die Einbürgerung nach drei Jahren bei besonderen Integrationsleistungen "
                    "(§ 10 Abs. 3 StAG) ist 2025 entfallen.",
                ),
                effective_from=date(2025, 10, 30),
                material=True,
            ),
            _user("offenbach", "lead"),
        )
        blue = written["Blaue Karte EU"]
        _publish(
            _revise(
                blue,
                body=blue.body
                + "\n\nGehaltsgrenzen 2026: 50.700 € brutto im Jahr, in Engpassberufen und für "
                "Berufsanfänger 45.934 €.",
                effective_from=date(2026, 1, 1),
            ),
            _user("giessen", "lead"),
        )
        # A change of practice coming in a few days: the desks of Gießen show its banner.
        coming = services.article_create(
            office=offices["giessen"],
            title="Chancenkarte: Vorsprache nur mit Termin",
            body="Ab dem genannten Datum nehmen wir Anträge auf die Chancenkarte (siehe "
            f"[Chancenkarte](article:{written['Chancenkarte'].article_id})) nur mit Termin an.",
            effective_from=today + timedelta(days=10),
            services=[catalogue["opportunity-card"]],
            required_roles=[Role.CASEWORKER, Role.FRONT_DESK],
            acting_user=_user("giessen", "editor"),
        )
        _publish(coming, _user("giessen", "lead"))
        # Darmstadt adopts Gießen's Chancenkarte article and asks; Gießen answers.
        chancenkarte = written["Chancenkarte"]
        adoption = services.article_adopt(
            original=chancenkarte.article,
            office=offices["darmstadt"],
            acting_user=_user("darmstadt", "editor"),
        )
        local = services.article_revise(
            article=adoption,
            base_id=None,
            title="Chancenkarte in Darmstadt",
            body="Bei uns: Nachweise zur Punktzahl bitte vollständig in Kopie mitbringen.",
            effective_from=date(2024, 6, 1),
            acting_user=_user("darmstadt", "editor"),
        )
        _publish(local, _user("darmstadt", "lead"))
        question = services.comment_post(
            article=chancenkarte.article,
            office=offices["darmstadt"],
            body="Wie prüft ihr die Sprachkenntnisse für die Punkte – reicht ein A2-Zertifikat?",
            question=True,
            acting_user=_user("darmstadt", "editor"),
        )
        services.comment_post(
            article=chancenkarte.article,
            office=offices["giessen"],
            body="Ja, A2 gibt einen Punkt; wir lassen uns das Original zeigen. "
            "@darmstadt.lead, bei euch auch?",
            parent=question,
            acting_user=_user("giessen", "editor"),
        )
        opportunity = catalogue["opportunity-card"]
        for slug, since, text in (
            ("giessen", date(2024, 6, 1), "Seit Juni 2024: eigene Terminschiene Chancenkarte."),
            (
                "darmstadt",
                date(2024, 9, 1),
                "Seit September: Vorprüfung der Unterlagen per E-Mail.",
            ),
            ("wiesbaden", date(2025, 3, 1), "Seit März: Vorsprache ohne Termin nur bis 10:00."),
        ):
            services.note_post(
                office=offices[slug],
                service=opportunity,
                since=since,
                text=text,
                acting_user=_user(slug, "editor"),
            )
        assert selectors.banners_for(offices["giessen"], [opportunity], on=today)
