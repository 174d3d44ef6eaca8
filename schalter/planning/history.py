"""Office days recorded as event records from a known process, free of Django: the ground truth
the calibration is validated against (tests/planning/test_calibration.py) and a demo history."""

import random
from collections.abc import Callable
from datetime import date, timedelta

from schalter.planning.calibration import BookingRecord, VisitRecord
from schalter.planning.simulator import Scenario, clients_draw, run_events


def history_generate(
    scenario_of: Callable[[date], Scenario | None], *, first: date, days: int, seed: int = 1
) -> tuple[list[VisitRecord], list[BookingRecord]]:
    """Each day's visits and bookings as the real queue would record them: `scenario_of(day)`
    gives the day's true process (None: closed)."""
    visits: list[VisitRecord] = []
    bookings: list[BookingRecord] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        scenario = scenario_of(day)
        if scenario is None:
            continue
        drawn = clients_draw(scenario, random.Random(f"history/{seed}/{day.isoformat()}"))
        run_events(scenario, drawn.clients)
        for c in drawn.clients:
            served = c.start != float("inf")
            visits.append(
                VisitRecord(
                    day=day,
                    service=c.service,
                    arrival=c.arrival,
                    called=c.start if served else None,
                    finished=c.start + c.work if served else None,
                    appointment=c.appointment,
                    urgent=c.urgent,
                )
            )
            if c.appointment is not None:
                bookings.append(BookingRecord(day, c.service, c.appointment, kept=True))
        bookings.extend(BookingRecord(day, s, start, kept=False) for s, start in drawn.missed)
    return visits, bookings
