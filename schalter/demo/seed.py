"""Demo data for the six Hessian offices of the 2015–2017 programme. Addresses and phone numbers
are illustrative, not the offices' real contacts."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from schalter.accounts.actors import COMMAND
from schalter.accounts.roles import Role
from schalter.accounts.services import membership_grant, staff_user_create
from schalter.appointments import selectors as booking_selectors
from schalter.appointments import services as booking
from schalter.appointments import slots
from schalter.appointments.models import Channel
from schalter.callbacks.parts import CALLBACKS
from schalter.catalog.catalogue import (
    CATALOGUE,
    DOCUMENTS,
    SERVICE_DOCUMENTS,
    SERVICE_FEE_EXEMPTIONS,
    SERVICE_TEXTS,
)
from schalter.catalog.models import Service
from schalter.content import services as content
from schalter.demo.callbacks import seed_callbacks
from schalter.demo.history import history_seed
from schalter.demo.interpreters import seed_interpreters
from schalter.demo.knowledge import seed_knowledge
from schalter.languages import BY_CODE, LANGUAGE_CODES
from schalter.offices import palette, parts, services
from schalter.offices.models import Office
from schalter.visits import services as visits

DEMO_PASSWORD = "schalter-demo-2026"  # noqa: S105 (printed for the demo on purpose)
# RFC 6238's test key, so any authenticator app (or `manage.py demo_totp`) gives the codes.
DEMO_TOTP_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def in_every_language(msgid: str, **params: object) -> dict[str, str]:
    texts = {}
    for code in LANGUAGE_CODES:
        values = params
        if BY_CODE[code].bidi:
            # A German name inside right-to-left text is isolated (FSI … PDI), so that a line
            # break at a hyphen ("Main-Kinzig-Kreis") cannot reorder its parts.
            values = {k: f"\u2068{v}\u2069" if isinstance(v, str) else v for k, v in params.items()}
        with translation.override(code):
            texts[code] = gettext(msgid) % values if values else gettext(msgid)
    return texts


@dataclass(frozen=True)
class DemoOffice:
    slug: str
    place: str
    street: str
    postcode: str
    city: str
    phone: str
    stop: str
    minutes_on_foot: int
    floors: int
    desks_per_floor: int
    languages_served: tuple[str, ...]
    afternoon: bool  # open on Thursday afternoon
    # The practice office: open every day around the clock, so that a newcomer can try the
    # kiosk, the desk and the display whenever she runs `make run`.
    always_open: bool = False


# The parts each demo office uses, as the offices chose their projects in the Hessian programme:
# Main-Kinzig-Kreis takes walk-ins only (no online booking), Kreis Bergstraße books appointments
# only (no walk-in queue); Wiesbaden, which let callers leave a message after five rings, and the
# practice office take callbacks; Gießen and Main-Kinzig-Kreis (which hired interpreters on a fee
# basis) use interpreters; every office keeps a knowledge base. Parts not built yet follow.
DEMO_PARTS = {
    "giessen": ("booking", "queue", "interpreters", "knowledge", "planning"),
    "darmstadt": ("booking", "queue", "knowledge", "planning"),
    "wiesbaden": ("booking", "queue", "callbacks", "knowledge"),
    "offenbach": ("booking", "queue", "knowledge", "planning"),
    "main-kinzig-kreis": ("queue", "interpreters", "knowledge"),
    "kreis-bergstrasse": ("booking", "knowledge"),
    "uebungsbehoerde": ("booking", "queue", "callbacks", "knowledge"),
}
# Issue 17: every demo office offers the client survey (insights/parts.py).
DEMO_PARTS = {slug: (*names, "feedback") for slug, names in DEMO_PARTS.items()}

OFFICES = (
    DemoOffice(
        "giessen",
        "Gießen",
        "Berliner Platz 1",
        "35390",
        "Gießen",
        "+496413060",
        "Berliner Platz",
        2,
        3,
        4,
        ("de", "en", "ar", "tr", "fa", "ru"),
        True,
    ),
    DemoOffice(
        "darmstadt",
        "Darmstadt",
        "Grafenstraße 30",
        "64283",
        "Darmstadt",
        "+496151130",
        "Luisenplatz",
        6,
        3,
        5,
        ("de", "en", "tr", "ar", "it", "pl"),
        True,
    ),
    DemoOffice(
        "wiesbaden",
        "Wiesbaden",
        "Alcide-de-Gasperi-Straße 2",
        "65197",
        "Wiesbaden",
        "+49611310",
        "Wiesbaden Hauptbahnhof",
        8,
        4,
        5,
        ("de", "en", "tr", "ar", "ru", "uk"),
        True,
    ),
    DemoOffice(
        "offenbach",
        "Offenbach am Main",
        "Berliner Straße 100",
        "63065",
        "Offenbach am Main",
        "+49698065",
        "Marktplatz",
        4,
        2,
        6,
        ("de", "en", "tr", "ro", "bg", "ar"),
        False,
    ),
    DemoOffice(
        "main-kinzig-kreis",
        "Main-Kinzig-Kreis",
        "Barbarossastraße 24",
        "63571",
        "Gelnhausen",
        "+4960518500",
        "Gelnhausen Bahnhof",
        10,
        3,
        4,
        ("de", "en", "tr", "ru", "uk", "ar", "fa-af"),
        True,
    ),
    DemoOffice(
        "kreis-bergstrasse",
        "Kreis Bergstraße",
        "Gräffstraße 5",
        "64646",
        "Heppenheim",
        "+4962522701",
        "Heppenheim Bahnhof",
        7,
        2,
        4,
        ("de", "en", "tr", "ar", "fa", "fr"),
        False,
    ),
    DemoOffice(
        "uebungsbehoerde",
        "Übungsbehörde",
        "Berliner Platz 1",
        "35390",
        "Gießen",
        "+496413060",
        "Berliner Platz",
        2,
        2,
        4,
        ("de", "en", "ar", "tr", "uk", "fa-af"),
        False,
        always_open=True,
    ),
)

ROLES_PER_OFFICE = (
    ("admin", Role.OFFICE_ADMIN, "Alex Admin"),
    ("lead", Role.TEAM_LEAD, "Lena Leitung"),
    ("case1", Role.CASEWORKER, "Cem Sachbearbeiter"),
    ("case2", Role.CASEWORKER, "Carla Sachbearbeiterin"),
    ("front", Role.FRONT_DESK, "Fatma Empfang"),
    ("callback", Role.CALLBACK_AGENT, "Rafael Rückruf"),
    ("editor", Role.KNOWLEDGE_EDITOR, "Wiebke Wissen"),
    ("dpo", Role.DATA_PROTECTION_OFFICER, "Dana Datenschutz"),
)


def _demo_user(username: str, full_name: str) -> User:
    user = staff_user_create(
        username=username,
        password=DEMO_PASSWORD,
        full_name=full_name,
        email=f"{username}@demo.schalter.example",
        acting_user=COMMAND,
    )
    TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_HEX, confirmed=True)
    return user


def _opening_hours(demo: DemoOffice) -> dict[int, list[tuple[time, time]]]:
    if demo.always_open:
        return {weekday: [(time(0, 0), time(23, 59))] for weekday in range(7)}
    return _appointment_hours(demo)


def _appointment_hours(demo: DemoOffice) -> dict[int, list[tuple[time, time]]]:
    """Mornings (and a Thursday afternoon): also the practice office's appointment hours."""
    morning = [(time(7, 30), time(12, 0))]
    weekly: dict[int, list[tuple[time, time]]] = {
        0: morning,
        1: morning,
        3: list(morning),
        4: [(time(7, 30), time(11, 30))],
    }
    if demo.afternoon:
        weekly[3].append((time(14, 0), time(18, 0)))
    return weekly


def _seed_office(
    demo: DemoOffice, catalogue: list[Service], today: date
) -> tuple[list[str], str | None]:
    """The office with its staff; returns the usernames and the kiosk's unlock link
    (None where the office takes no walk-ins)."""
    office = services.office_create(
        slug=demo.slug,
        name=in_every_language(
            gettext_noop("Practice office, open around the clock")
            if demo.always_open
            else gettext_noop("Immigration office %(place)s"),
            **({} if demo.always_open else {"place": demo.place}),
        ),
        street=demo.street,
        postcode=demo.postcode,
        city=demo.city,
        phone=demo.phone,
        email=f"auslaenderbehoerde@{demo.slug}.demo.schalter.example",
        directions=in_every_language(
            gettext_noop(
                "Take the bus or train to the stop %(stop)s. From there it is "
                "%(minutes)s minutes on foot."
            ),
            stop=demo.stop,
            minutes=demo.minutes_on_foot,
        ),
        languages_served=list(demo.languages_served),
        acting_user=COMMAND,
    )
    services.opening_hours_set(office=office, weekly=_opening_hours(demo), acting_user=COMMAND)
    if not demo.always_open:
        services.closure_add(
            office=office,
            first_day=today + timedelta(days=12),
            last_day=today + timedelta(days=12),
            reason=in_every_language(gettext_noop("Staff training")),
            acting_user=COMMAND,
        )
    building = services.location_create(
        office=office,
        name=in_every_language(gettext_noop("Main building")),
        street=demo.street,
        lowest_floor=0,
        highest_floor=demo.floors - 1,
        acting_user=COMMAND,
    )
    counter_services = [
        s for s, entry in zip(catalogue, CATALOGUE, strict=True) if entry.desk_counter
    ]
    case_services = [
        s for s, entry in zip(catalogue, CATALOGUE, strict=True) if not entry.desk_counter
    ]
    colour_index = 0
    for floor in range(demo.floors):
        for seat in range(demo.desks_per_floor):
            number = (floor * 10 + seat + 1) if floor else seat + 1
            served = (
                counter_services
                if floor == 0
                else case_services[(seat * 5) % len(case_services) :][:8] or case_services[:8]
            )
            services.desk_create(
                office=office,
                location=building,
                number=number,
                colour=palette.PALETTE[colour_index % len(palette.PALETTE)].key,
                floor=floor,
                room=f"{floor}.{seat + 1:02d}",
                services=served,
                acting_user=COMMAND,
            )
            colour_index += 1
    usernames = []
    for suffix, role, full_name in ROLES_PER_OFFICE:
        user = _demo_user(f"{demo.slug}.{suffix}", full_name)
        membership_grant(user=user, office=office, role=role, acting_user=COMMAND)
        usernames.append(user.username)
    _seed_appointments(demo, office, catalogue, today)
    kiosk_link = _seed_visits(demo, office, counter_services, case_services)
    # Parts an office does not use are switched off last: what was seeded stays, as after a
    # real switch (the kept appointments of an office that stopped booking online).
    for part in parts.registered():
        wanted = part.name in DEMO_PARTS[demo.slug]
        if wanted != parts.uses(office, part.name):  # parts off by default are switched on
            office = services.office_part_switch(
                office=office, name=part.name, on=wanted, acting_user=COMMAND
            )
    return usernames, kiosk_link if "queue" in DEMO_PARTS[demo.slug] else None


def _seed_visits(
    demo: DemoOffice, office: Office, counter_services: list[Service], case_services: list[Service]
) -> str:
    """Two queues, one kiosk and one call display per office (`/<office>/display/<office>-
    wartebereich/`). Returns the kiosk's unlock link, `/<office>/kiosk/<office>-eingang/?key=…`:
    its key is random and kept only as a hash, so this is the one time it is known (an admin
    makes a new one under "Queues and kiosks")."""
    visits.service_group_create(
        office=office,
        name=in_every_language(gettext_noop("Pick-up and short matters")),
        prefix="A",
        services=counter_services,
        daily_walk_in_quota=80,
        waiting_zone=in_every_language(gettext_noop("Waiting area A, ground floor")),
        acting_user=COMMAND,
    )
    visits.service_group_create(
        office=office,
        name=in_every_language(gettext_noop("Residence matters")),
        prefix="B",
        services=case_services,
        walk_ins_allowed=demo.slug != "wiesbaden",  # appointment-only since 2014
        daily_walk_in_quota=20,
        waiting_zone=in_every_language(gettext_noop("Waiting area B, first floor")),
        position=1,
        acting_user=COMMAND,
    )
    kiosk, key = visits.kiosk_create(
        office=office, name="Eingang", public_id=f"{demo.slug}-eingang", acting_user=COMMAND
    )
    visits.screen_create(
        office=office,
        name="Wartebereich",
        public_id=f"{demo.slug}-wartebereich",
        acting_user=COMMAND,
    )
    _seed_notices(office)
    return f"/{office.slug}/kiosk/{kiosk.public_id}/?key={key}"


# The display's ticker: notices as staff would type them, in the languages they have.
DEMO_NOTICES = (
    {
        "de": "Bitte halten Sie Ihren Pass und Ihre Wartenummer bereit.",
        "en": "Please have your passport and your waiting number ready.",
        "ar": "يرجى تجهيز جواز سفرك ورقم الانتظار.",
        "tr": "Lütfen pasaportunuzu ve sıra numaranızı hazır bulundurun.",
        "uk": "Будь ласка, тримайте напоготові паспорт і номер черги.",
        "fa": "لطفاً گذرنامه و شماره نوبت خود را آماده داشته باشید.",
    },
    {
        "de": "Sie können die Warteschlange auch auf Ihrem Handy verfolgen: QR-Code scannen.",
        "en": "You can also follow the queue on your phone: scan the QR code.",
        "ar": "يمكنك أيضًا متابعة الدور على هاتفك: امسح رمز QR.",
        "tr": "Sırayı telefonunuzdan da takip edebilirsiniz: QR kodunu tarayın.",
        "ru": "Следить за очередью можно и на телефоне: отсканируйте QR-код.",
    },
)


def _seed_notices(office: Office) -> None:
    for position, texts in enumerate(DEMO_NOTICES):
        content.office_notice_create(
            office=office, texts=texts, position=position, acting_user=COMMAND
        )


# Services only staff book (the office invites), as in many offices.
STAFF_ONLY_SERVICES = {"duldung", "humanitarian", "naturalisation"}


def _seed_appointments(
    demo: DemoOffice, office: Office, catalogue: list[Service], today: date
) -> None:
    """Appointment hours on the mornings the office opens, seats for the horizon, and some
    bookings made by phone so calendars and figures have something to show."""
    for service in catalogue:
        booking.office_service_set(
            office=office,
            service=service,
            duration_minutes=service.default_duration_minutes,
            max_persons=3 if service.slug == "family-reunification" else 1,
            bookable_online=service.slug not in STAFF_ONLY_SERVICES,
            acting_user=COMMAND,
        )
    policy = booking.policy_for(office)
    policy.slot_minutes = slots.unit_minutes_for([s.default_duration_minutes for s in catalogue])
    policy.save()
    for weekday, periods in _appointment_hours(demo).items():
        for opens, closes in periods:
            booking.availability_rule_add(
                office=office,
                weekday=weekday,
                start=max(opens, time(8, 0)),
                end=closes,
                capacity_online=demo.desks_per_floor,
                capacity_staff=1,
                services=catalogue,
                valid_from=today,
                acting_user=COMMAND,
            )
    booking.seats_generate(
        office=office, first_day=today, last_day=today + timedelta(days=policy.horizon_days)
    )
    now = timezone.now()
    callers = ("Olena Kovalenko", "Mehmet Demir", "Ahmad Karimi", "Ioana Popescu", "Lina Haddad")
    for number, name in enumerate(callers):
        service = catalogue[number * 4]
        for offered in booking_selectors.offered_services(office, online_only=False):
            if offered.service_id != service.pk:
                continue
            free = booking_selectors.free_times(
                office, offered, today, today + timedelta(days=21), now=now, channel=Channel.STAFF
            )
            if free:
                booking.appointment_book(
                    office=office,
                    service=service,
                    start=free[number * 3 % len(free)].start,
                    name=name,
                    email="",
                    phone=f"+4915112345{number:03d}"[:14],
                    language=("uk", "tr", "fa-af", "ro", "ar")[number],
                    channel=Channel.STAFF,
                    now=now,
                    acting_user=COMMAND,
                )


@transaction.atomic
@dataclass(frozen=True)
class Seeded:
    logins: list[tuple[str, str]]  # (username, what the login is for)
    kiosk_links: list[str]  # one unlock link per office; its key is known only now


def seed_demo(today: date, *, history_weeks: int = 0) -> Seeded:
    """Create the demo; returns the logins and the kiosks' unlock links."""
    catalogue = [
        Service.objects.create(
            slug=entry.slug,
            name=in_every_language(entry.name),
            summary=in_every_language(SERVICE_TEXTS[entry.slug][0]),
            audience=in_every_language(SERVICE_TEXTS[entry.slug][1]),
            leika_key=entry.leika_key,
            legal_basis=entry.legal_basis,
            default_duration_minutes=entry.duration_minutes,
            base_fee=entry.base_fee,
            exempt_groups=list(SERVICE_FEE_EXEMPTIONS.get(entry.slug, ())),
            documents=[in_every_language(DOCUMENTS[key]) for key in SERVICE_DOCUMENTS[entry.slug]],
        )
        for entry in CATALOGUE
    ]
    logins: list[tuple[str, str]] = []
    offices = []
    kiosk_links: list[str] = []
    for demo in OFFICES:
        usernames, kiosk_link = _seed_office(demo, catalogue, today)
        if kiosk_link is not None:  # offices without the walk-in queue have no working kiosk
            kiosk_links.append(kiosk_link)
        offices.append(Office.objects.get(slug=demo.slug))
        logins += [
            (name, f"{demo.slug}: {role.label}")
            for name, (_, role, _n) in zip(usernames, ROLES_PER_OFFICE, strict=True)
        ]
    seed_callbacks([o for o in offices if CALLBACKS in DEMO_PARTS[o.slug]], timezone.now())
    for office in offices:  # past office days for the planning page (demo/history.py)
        history_seed(office, today=today, weeks=history_weeks)
    floater = _demo_user("springer", "Sam Springer")
    membership_grant(user=floater, office=offices[0], role=Role.CASEWORKER, acting_user=COMMAND)
    membership_grant(user=floater, office=offices[1], role=Role.FRONT_DESK, acting_user=COMMAND)
    logins.append(("springer", "giessen: caseworker, darmstadt: front desk"))
    ministry = _demo_user("ministerium", "Mira Ministerium")
    membership_grant(user=ministry, office=None, role=Role.MINISTRY, acting_user=COMMAND)
    logins.append(("ministerium", "ministry: figures of all offices"))
    operator = _demo_user("betrieb", "Bo Betrieb")
    membership_grant(user=operator, office=None, role=Role.OPERATOR, acting_user=COMMAND)
    logins.append(("betrieb", "operator: offices and the shared catalogue, no client data"))
    seed_interpreters(offices, today)  # issue 15: a pool for the first two offices
    seed_knowledge(today)
    return Seeded(logins, kiosk_links)
