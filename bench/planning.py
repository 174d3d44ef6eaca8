"""The planning simulator's speed (issue 18), standalone: no server, no database.

- events per second of the simulator's own engine on an M/M/c day, as a ratio to a bare SimPy
  M/M/c loop (a Resource, a process per client) measured in the same run; goal ≥ 0.5;
- one office day of about 1,000 clients at 20 desks (appointments, hourly walk-in rates,
  breaks, priorities, interpreters): ≤ 100 ms;
- 100 candidate slot plans × 20 replications over 2 processes: ≤ 3 minutes.
Prints the table like bench/load.py and writes JSON to bench/results/planning-<time>.json."""

import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import Figure, table
from schalter.planning.optimiser import Demand, candidates, plans_evaluate
from schalter.planning.simulator import (
    Appointments,
    DeskSpec,
    Interpreter,
    Punctuality,
    Scenario,
    ServiceTime,
    WalkIns,
    replication_run,
)

RESULTS = Path(__file__).resolve().parent / "results"
DESKS, RHO, MEAN = 20, 0.85, 10.0
MMC_MINUTES = 3000.0


def bare_simpy(seed: int) -> tuple[int, float]:
    """The textbook SimPy M/M/c: events (arrivals and departures) and seconds."""
    rng = random.Random(seed)
    env = simpy.Environment()
    desks = simpy.Resource(env, capacity=DESKS)
    rate = RHO * DESKS / MEAN
    count = [0]

    def client():
        with desks.request() as turn:
            yield turn
            yield env.timeout(rng.expovariate(1 / MEAN))
        count[0] += 1

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(rate))
            count[0] += 1
            env.process(client())

    env.process(arrivals())
    started = time.perf_counter()
    env.run(until=MMC_MINUTES)
    return count[0], time.perf_counter() - started


def mmc_scenario() -> Scenario:
    return Scenario(
        desks=tuple(DeskSpec(str(i)) for i in range(DESKS)),
        open_minutes=MMC_MINUTES,
        service_times={"any": ServiceTime("exponential", MEAN)},
        walk_ins=(WalkIns("any", (RHO * DESKS / MEAN * 60,)),),
        replications=1,
    )


def office_day(replications: int = 20) -> Scenario:
    desks = tuple(
        DeskSpec(
            str(i),
            None if i < 8 else frozenset({"permit", "visa"}) if i < 16 else frozenset({"passport"}),
            breaks=((210.0 + 30 * (i % 3), 240.0 + 30 * (i % 3)),),
        )
        for i in range(20)
    )
    return Scenario(
        desks=desks,
        open_minutes=480,
        service_times={
            "permit": ServiceTime("lognormal", 10, 6),
            "visa": ServiceTime("exponential", 8),
            "passport": ServiceTime("lognormal", 5, 2.5),
        },
        walk_ins=(
            WalkIns("passport", (130, 100, 80, 60, 50, 40, 35, 25), urgent_share=0.05),
            WalkIns("permit", (15,), urgent_share=0.1),
        ),
        appointments=(
            Appointments(
                "permit",
                tuple(float(m) for m in range(0, 450, 2)),
                no_show=0.12,
                persons=((1, 0.85), (2, 0.15)),
                punctuality=Punctuality(-5, 6),
            ),
            Appointments("visa", tuple(float(m) for m in range(0, 450, 3)), no_show=0.1),
        ),
        interpreter=Interpreter(0.08, 1.6),
        replications=replications,
    )


def main() -> int:
    started = datetime.now(UTC)
    figures: list[Figure] = []

    bare = [bare_simpy(seed) for seed in range(3)]
    bare_rate = statistics.median(n / s for n, s in bare)
    mmc = mmc_scenario()
    own = []
    for index in range(3):
        t0 = time.perf_counter()
        run = replication_run(mmc, index, "events")
        own.append(run.events / (time.perf_counter() - t0))
    own_rate = statistics.median(own)
    simpy_model = []
    for index in range(3):
        t0 = time.perf_counter()
        run = replication_run(mmc, index, "simpy")
        simpy_model.append(run.events / (time.perf_counter() - t0))
    figures.append(
        Figure(
            "simulator events/s (own event list)",
            round(own_rate),
            "/s",
            round(bare_rate),
            "bare SimPy M/M/c",
            "ratio ≥ 0.5",
            own_rate / bare_rate >= 0.5,
        )
    )
    figures.append(
        Figure(
            "simulator events/s (SimPy engine)",
            round(statistics.median(simpy_model)),
            "/s",
            round(bare_rate),
            "bare SimPy M/M/c",
            "",
            None,
        )
    )

    day = office_day()
    clients = replication_run(day, 0).served
    timings = []
    for index in range(7):
        t0 = time.perf_counter()
        replication_run(day, index)
        timings.append(time.perf_counter() - t0)
    day_seconds = statistics.median(timings)
    figures.append(
        Figure(
            f"one office day ({clients} clients, 20 desks)",
            day_seconds,
            "s",
            target="≤ 100 ms",
            passed=day_seconds <= 0.1,
        )
    )

    base = replace(day, appointments=())
    demand = Demand(bookings={"permit": 200, "visa": 140}, no_show={"permit": 0.12, "visa": 0.1})
    plans = candidates(base, demand, limit=100)
    t0 = time.perf_counter()
    evaluated = plans_evaluate(base, demand, plans, processes=2)
    plans_seconds = time.perf_counter() - t0
    figures.append(
        Figure(
            f"{len(evaluated)} plans × {base.replications} replications, 2 processes",
            plans_seconds,
            "s",
            target="≤ 180 s",
            passed=plans_seconds <= 180,
        )
    )

    report = {
        "bench": "planning",
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
        "figures": [f.as_dict() for f in figures],
        "bare_simpy_events_per_s": [round(n / s) for n, s in bare],
        "own_events_per_s": [round(r) for r in own],
        "office_day_seconds": [round(t, 4) for t in timings],
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"planning-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(table(figures))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {path}")
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
