"""What if the office had more desks, other hours, another walk-in policy or longer slots? The
day as it is and the day as changed, simulated with the same seeds (docs/planning.md,
"What-if"). Free of Django; the staff page and the task backend run it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from schalter.planning.optimiser import booked
from schalter.planning.simulator import (
    DeskSpec,
    Scenario,
    Summary,
    WalkIns,
    simulate,
)

WALK_IN_POLICIES = ("all_day", "morning", "none")
MORNING_MINUTES = 120  # "morning": walk-ins only in the first two hours


@dataclass(frozen=True)
class Knobs:
    desks: int
    open_minutes: int
    walk_ins: str  # one of WALK_IN_POLICIES
    slot_minutes: int  # 0: as booked today
    replications: int = 20


def knobs_of(base: Scenario) -> Knobs:
    """The knobs as the office is today."""
    return Knobs(len(base.desks), int(base.open_minutes), "all_day", 0, base.replications)


def whatif_scenario(base: Scenario, knobs: Knobs) -> Scenario:
    desks = list(base.desks[: knobs.desks])
    while len(desks) < knobs.desks:
        desks.append(DeskSpec(f"+{len(desks) + 1}"))
    close = float(knobs.open_minutes)
    walk_ins = []
    for stream in base.walk_ins:
        rates = list(stream.rates_per_hour)
        hours = max(1, -(-knobs.open_minutes // 60))
        rates = [rates[min(h, len(rates) - 1)] for h in range(hours)]
        if knobs.walk_ins == "none":
            continue
        if knobs.walk_ins == "morning":
            rates = [r if h * 60 < MORNING_MINUTES else 0.0 for h, r in enumerate(rates)]
        walk_ins.append(WalkIns(stream.service, tuple(rates), stream.urgent_share))
    appointments = []
    for block in base.appointments:
        starts = [s for s in block.starts if s < close]
        if knobs.slot_minutes and starts:
            parallel = max(starts.count(s) for s in set(starts))
            offered, at = [], min(starts)
            while at + knobs.slot_minutes <= close:
                offered.extend([at] * parallel)
                at += knobs.slot_minutes
            starts = booked(offered, len(starts))
        appointments.append(replace(block, starts=tuple(starts)))
    served = {w.service for w in walk_ins} | {a.service for a in appointments}
    if any(not any(d.services is None or s in d.services for d in desks) for s in served):
        desks = [replace(d, services=None) for d in desks]  # fewer desks: everyone serves all
    return replace(
        base,
        desks=tuple(desks),
        open_minutes=close,
        walk_ins=tuple(walk_ins),
        appointments=tuple(a for a in appointments if a.starts),
        replications=knobs.replications,
    )


@dataclass(frozen=True)
class Comparison:
    knobs: Knobs
    today: Summary
    changed: Summary


def compare(
    base: Scenario, knobs: Knobs, *, progress: Callable[[int, int], None] | None = None
) -> Comparison:
    """Both days with the same seed and replications; progress counts both."""
    total = 2 * knobs.replications
    today_base = replace(base, replications=knobs.replications)

    def second(done: int, _total: int) -> None:
        if progress:
            progress(knobs.replications + done, total)

    def first(done: int, _total: int) -> None:
        if progress:
            progress(done, total)

    today = simulate(today_base, progress=first)
    changed = simulate(whatif_scenario(base, knobs), progress=second)
    return Comparison(knobs, today, changed)


def is_long(base: Scenario, knobs: Knobs) -> bool:
    """Runs of more than this many simulated clients go to the task backend."""
    hourly = sum(sum(w.rates_per_hour) / max(1, len(w.rates_per_hour)) for w in base.walk_ins)
    clients = hourly * knobs.open_minutes / 60 + sum(len(a.starts) for a in base.appointments)
    return clients * knobs.replications * 2 > LONG_RUN_CLIENTS


LONG_RUN_CLIENTS = 40_000
