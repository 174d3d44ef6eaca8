"""Demo interpreters (issue 15): a small pool serving the demo offices that use the part
(DEMO_PARTS), a month's budget, and one request matched so the staff overview shows one: asked
and proposed at the moment of seeding (on any weekday: a proposal dated before a weekend seeding
would already be past its answer time and expire at the first tick)."""

from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from schalter.accounts.actors import COMMAND
from schalter.interpreters import services
from schalter.interpreters.parts import INTERPRETERS
from schalter.offices.localtime import local_midnight
from schalter.offices.models import Office
from schalter.offices.parts import uses

POOL = [
    ("Amina Rahimi", ["prs", "fa"], ["on_site", "phone"], 12),
    ("Yousef Haddad", ["apc", "ar"], ["on_site", "video"], 25),
    ("Rojda Aydın", ["kmr", "tr"], ["on_site", "phone", "video"], 8),
    ("Hêmin Karim", ["ckb", "ar-IQ"], ["phone", "video"], 40),
    ("Semhar Tesfay", ["ti", "am"], ["on_site"], 30),
    ("Olena Koval", ["uk", "ru"], ["on_site", "video"], 15),
]


def seed_interpreters(offices: list[Office], today: date) -> None:
    served = [office for office in offices if uses(office, INTERPRETERS)]
    for office in served:
        services.interpreter_budget_set(
            office=office, month=today, amount=Decimal(4000), acting_user=COMMAND
        )
    for number, (name, languages, modes, km) in enumerate(POOL):
        interpreter = services.interpreter_create(
            name=name,
            email=f"dolmetschen-{number + 1}@example.org",
            languages=languages,
            modes=modes,
            offices={office: Decimal(km + 10 * index) for index, office in enumerate(served)},
            acting_user=COMMAND,
        )
        for weekday in range(5):
            services.availability_window_add(
                interpreter=interpreter,
                weekday=weekday,
                start=time(8),
                end=time(17),
                acting_user=COMMAND,
            )
    office = served[0]
    day = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    start = local_midnight(office, day) + timedelta(hours=10)
    now = max(timezone.now(), start - timedelta(days=2))  # two days ahead, or right away
    assignment = services.assignment_request(
        office=office,
        language="prs",
        mode="on_site",
        start=start,
        end=start + timedelta(hours=1),
        now=timezone.now(),
        client_first_name="Farid",
        acting_user=COMMAND,
    )
    services.assignment_match(assignment=assignment, now=now, acting_user=COMMAND)
