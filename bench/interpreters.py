"""Interpreter bench (standalone; one line in scripts/run-bench): matching a day of 400
appointments of which 60 need an interpreter, over a pool of 200, in at most 2 s; and how many
fee computations a second the pure engine does. Runs in one transaction that it rolls back, so
it leaves nothing behind in the bench's database.

    DJANGO_SETTINGS_MODULE=... DATABASE_URL=... python -m bench.interpreters"""

import json
import os
import random
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
POOL = 200
APPOINTMENTS = 400
NEEDING = 60
MATCH_TARGET_S = 2.0
LANGUAGES = ["prs", "fa", "apc", "ar", "ar-SY", "kmr", "ckb", "ti", "ps", "tr", "uk", "ru", "so"]


class Rollback(Exception):
    pass


def bench_matching() -> dict:
    from django.db import transaction

    from schalter.accounts.actors import COMMAND, SCHEDULER
    from schalter.interpreters.models import AvailabilityWindow, Interpreter, InterpreterOffice
    from schalter.interpreters.services import assignment_request, assignments_match_open
    from schalter.offices.services import office_create

    rng = random.Random(15)
    day = date(2031, 3, 4)  # a Tuesday, far from any real data
    figures: dict = {}
    try:
        with transaction.atomic():
            office = office_create(
                slug=f"bench-interpreters-{os.getpid()}",
                name={"de": "Bench Dolmetschen"},
                street="Bench 1",
                postcode="63571",
                city="Gelnhausen",
                phone="+49 6051 0",
                email="bench@example.org",
                acting_user=COMMAND,
            )
            interpreters = Interpreter.objects.bulk_create(
                Interpreter(
                    name=f"Interpreter {n}",
                    email=f"bench-interpreter-{os.getpid()}-{n}@example.org",
                    languages=rng.sample(LANGUAGES, rng.randint(1, 3)),
                    modes=rng.sample(["on_site", "phone", "video"], rng.randint(1, 3)),
                )
                for n in range(POOL)
            )
            InterpreterOffice.across_offices.bulk_create(
                InterpreterOffice(
                    interpreter=i, office=office, distance_km=Decimal(rng.randint(1, 80))
                )
                for i in interpreters
            )
            AvailabilityWindow.objects.bulk_create(
                AvailabilityWindow(
                    interpreter=i, weekday=weekday, start=time(rng.choice([7, 8, 12])), end=time(18)
                )
                for i in interpreters
                for weekday in range(5)
            )
            zone = office.zone
            now = datetime(2031, 3, 1, 8, tzinfo=UTC)
            # 400 appointments in 10-minute steps over the day; every 400/60-th needs an
            # interpreter (only those reach matching).
            starts = [
                datetime.combine(day, time(8), tzinfo=zone) + timedelta(minutes=10 * (n % 54))
                for n in range(APPOINTMENTS)
            ]
            for n in rng.sample(range(APPOINTMENTS), NEEDING):
                assignment_request(
                    office=office,
                    language=rng.choice(LANGUAGES),
                    mode=rng.choice(["on_site", "on_site", "phone", "video"]),
                    start=starts[n],
                    end=starts[n] + timedelta(minutes=rng.choice([30, 45, 60, 90])),
                    now=now,
                    acting_user=COMMAND,
                )
            began = clock.perf_counter()
            result = assignments_match_open(
                office=office,
                first=datetime.combine(day, time.min, tzinfo=zone),
                last=datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
                now=now,
                acting_user=SCHEDULER,
            )
            figures["matching_s"] = clock.perf_counter() - began
            figures["matched"] = sum(1 for v in result.values() if v is not None)
            figures["needs"] = len(result)
            raise Rollback
    except Rollback:
        pass
    return figures


def valid(item) -> bool:
    from schalter.interpreters.fees import FeeInputError, fee_compute

    try:
        fee_compute(item)
    except FeeInputError:
        return False
    return True


def bench_fees(seconds: float = 2.0) -> float:
    from schalter.interpreters.fees import Assignment, fee_compute

    rng = random.Random(7)
    inputs = [
        Assignment(
            day=date(2026, 1, 1) + timedelta(days=rng.randint(0, 700)),
            start=time(rng.randint(0, 23), rng.choice([0, 15, 30, 45])),
            end=time(rng.randint(0, 23), rng.choice([0, 10, 40])),
            engaged_on=date(2025, 1, 1) + timedelta(days=rng.randint(0, 700)),
            travel_before_minutes=rng.randint(0, 90),
            travel_after_minutes=rng.randint(0, 90),
            waiting_minutes=rng.randint(0, 30),
            km=Decimal(rng.randint(0, 200)),
            unfavourable_time_necessary=rng.random() < 0.5,
            vat_liable=rng.random() < 0.3,
        )
        for _ in range(1000)
    ]
    inputs = [item for item in inputs if valid(item)]
    done = 0
    began = clock.perf_counter()
    while clock.perf_counter() - began < seconds:
        for item in inputs[:100]:
            fee_compute(item)
        done += 100
        inputs.append(inputs.pop(0))
    return done / (clock.perf_counter() - began)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schalter.config.settings.test")
    import django

    django.setup()
    from django.test.utils import override_settings

    # Mails go out after commit in a worker (the task backend); the bench measures matching, so
    # tasks are only recorded here, as a database backend would queue them.
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    ):
        matching = bench_matching()
    per_second = bench_fees()
    rows = [
        {
            "figure": (
                f"interpreter matching, {NEEDING} of {APPOINTMENTS} appointments, pool {POOL}"
            ),
            "value": round(matching["matching_s"], 3),
            "unit": "s",
            "ceiling": MATCH_TARGET_S,
            "ratio": round(matching["matching_s"] / MATCH_TARGET_S, 3),
            "target": f"<= {MATCH_TARGET_S} s",
            "passed": matching["matching_s"] <= MATCH_TARGET_S,
            "matched": matching["matched"],
        },
        {
            "figure": "interpreter fee computations",
            "value": round(per_second),
            "unit": "/s",
            "ceiling": None,
            "ratio": None,
            "target": "",
            "passed": None,
        },
    ]
    print("figure  value  ceiling  ratio  target  result")
    for row in rows:
        result = {True: "pass", False: "FAIL", None: ""}[row["passed"]]
        print(
            f"{row['figure']}  {row['value']}{row['unit']}  {row['ceiling'] or ''}  "
            f"{row['ratio'] or ''}  {row['target']}  {result}"
        )
    print(f"({matching['matched']} of {matching['needs']} needs matched)")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"interpreters-{stamp}.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
