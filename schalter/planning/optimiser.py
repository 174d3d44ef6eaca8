"""Slot templates searched for the plan with the shortest waits, free of Django
(docs/planning.md, "Optimiser").

A plan says, per service taking appointments, how long a slot is, how many seats per slot are
booked online, how many are kept back for emergencies and the counter (not booked ahead, so the
desks serve urgent clients and walk-ins then), whether the first slot is booked twice (the
Bailey–Welch rule) and the hours appointments are given; the desks left over serve walk-ins. A
plan maps one to one onto availability rules (`rules_from_plan`, `plan_from_rules`): capacity
online, capacity kept for staff, start and end. Every candidate is simulated
with the same seeds (common random numbers, so differences between plans are not noise of
different draws), scored on mean and p90 wait, idle desk time and overtime, and a plan that
cannot take the demanded bookings is not a candidate. `plans_evaluate` spreads candidates over
processes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from schalter.planning.simulator import (
    Appointments,
    Estimate,
    Punctuality,
    Scenario,
    Summary,
    estimate,
    simulate,
)

# Minutes of waiting a plan is charged per unit: p90 counts half as much as the mean, an idle
# desk hour like 1.2 minutes of mean wait, an hour of overtime like 6.
WEIGHTS = {"mean": 1.0, "p90": 0.5, "idle_hour": 1.2, "overtime_hour": 6.0}
LAST_SLOT_BEFORE_CLOSE = 30  # minutes: the last slot ends this long before closing


@dataclass(frozen=True)
class ServicePlan:
    slot_minutes: int
    appointment_desks: int  # seats per slot booked online (the rule's capacity_online)
    reserve: int = 0  # seats per slot kept for emergencies and the counter (capacity_staff)
    opening_double: bool = False  # Bailey–Welch: two bookings at opening, one fewer at the end
    from_minute: int = 0
    until_minute: int | None = None  # None: `LAST_SLOT_BEFORE_CLOSE` before closing
    # Fewer seats online in the walk-in peak: slots starting before `peak_until_minute` offer
    # `peak_seats` (a rule of its own from `from_minute`; none at all when 0).
    peak_until_minute: int | None = None
    peak_seats: int = 0

    def seats_at(self, minute: float) -> int:
        if self.peak_until_minute is not None and minute < self.peak_until_minute:
            return self.peak_seats
        return self.appointment_desks

    def until(self, open_minutes: float) -> float:
        if self.until_minute is not None:
            return self.until_minute
        return open_minutes - LAST_SLOT_BEFORE_CLOSE


@dataclass(frozen=True)
class RuleSpec:
    """An availability rule of one weekday in the planning core's terms."""

    start_minute: int
    end_minute: int
    capacity_online: int
    capacity_staff: int
    services: frozenset[str]


@dataclass(frozen=True)
class Plan:
    services: Mapping[str, ServicePlan]
    label: str = ""

    def describe(self) -> str:
        parts = []
        for name, p in sorted(self.services.items()):
            extra = ""
            if p.from_minute:
                extra += f", from minute {p.from_minute}"
            if p.opening_double:
                extra += ", 2 at opening"
            if p.reserve:
                extra += f", {p.reserve} kept back"
            if p.peak_until_minute is not None:
                extra += f", {p.peak_seats} online before minute {p.peak_until_minute}"
            parts.append(
                f"{name}: {p.slot_minutes}-min slots × {p.appointment_desks} online{extra}"
            )
        return "; ".join(parts)


@dataclass(frozen=True)
class Demand:
    """What the office has to serve on a day, besides the walk-ins of the base scenario."""

    bookings: Mapping[str, int]  # appointments wanted per day per service
    no_show: Mapping[str, float] = field(default_factory=dict)
    punctuality: Punctuality = field(default_factory=Punctuality)
    persons: tuple[tuple[int, float], ...] = ((1, 1.0),)


def slot_starts(plan: ServicePlan, open_minutes: float) -> list[float]:
    """Every bookable slot's start, one entry per seat booked online."""
    until = plan.until(open_minutes)
    starts: list[float] = []
    at = float(plan.from_minute)
    while at + plan.slot_minutes <= until:
        starts.extend([at] * plan.seats_at(at))
        at += plan.slot_minutes
    if plan.opening_double and starts:
        starts.insert(0, float(plan.from_minute))  # the rule of one seat over the first slot
        starts.pop()
    return starts


def booked(starts: list[float], wanted: int) -> list[float]:
    """The slots taken when `wanted` bookings spread evenly over what is offered."""
    if wanted >= len(starts):
        return list(starts)
    if wanted <= 0:
        return []
    step = len(starts) / wanted
    return [starts[int(i * step)] for i in range(wanted)]


def scenario_for(base: Scenario, demand: Demand, plan: Plan) -> tuple[Scenario, int]:
    """The base scenario (desks, walk-ins, service times) with the plan's appointments; and how
    many bookings the plan could not take."""
    blocks, unmet = [], 0
    for service, wanted in sorted(demand.bookings.items()):
        sp = plan.services.get(service)
        offered = slot_starts(sp, base.open_minutes) if sp else []
        taken = booked(offered, wanted)
        unmet += max(0, wanted - len(taken))
        if taken:
            blocks.append(
                Appointments(
                    service,
                    tuple(taken),
                    no_show=demand.no_show.get(service, 0.0),
                    persons=demand.persons,
                    punctuality=demand.punctuality,
                )
            )
    return replace(base, appointments=tuple(blocks)), unmet


@dataclass(frozen=True)
class Evaluated:
    plan: Plan
    summary: Summary
    unmet_bookings: int

    @property
    def score(self) -> float:
        s = self.summary
        return (
            WEIGHTS["mean"] * s.mean_wait.mean
            + WEIGHTS["p90"] * s.p90_wait.mean
            + WEIGHTS["idle_hour"] * s.idle_desk_minutes.mean / 60
            + WEIGHTS["overtime_hour"] * s.overtime_minutes.mean / 60
        )


def plan_evaluate(base: Scenario, demand: Demand, plan: Plan) -> Evaluated:
    scenario, unmet = scenario_for(base, demand, plan)
    return Evaluated(plan, simulate(scenario), unmet)


def _evaluate_one(job: tuple[Scenario, Demand, Plan]) -> Evaluated:
    return plan_evaluate(*job)


def plans_evaluate(
    base: Scenario,
    demand: Demand,
    plans: Iterable[Plan],
    *,
    processes: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[Evaluated]:
    """Every plan simulated with the base scenario's seed and replications, in order."""
    jobs = [(base, demand, plan) for plan in plans]
    results: list[Evaluated] = []
    if processes <= 1:
        for job in jobs:
            results.append(_evaluate_one(job))
            if progress:
                progress(len(results), len(jobs))
        return results
    with ProcessPoolExecutor(max_workers=processes) as pool:
        for result in pool.map(_evaluate_one, jobs, chunksize=max(1, len(jobs) // (processes * 4))):
            results.append(result)
            if progress:
                progress(len(results), len(jobs))
    return results


def candidates(
    base: Scenario,
    demand: Demand,
    *,
    slot_lengths: Iterable[int] = (10, 15, 20, 25, 30, 40),
    limit: int = 100,
) -> list[Plan]:
    """Slot templates that can take the demanded bookings, varied per service over slot length,
    desks taking appointments, Bailey–Welch and the emergency reserve; at most `limit`, spread
    over the space rather than the first ones found."""
    lengths = tuple(slot_lengths)
    per_service: dict[str, list[ServicePlan]] = {}
    for service, wanted in sorted(demand.bookings.items()):
        desks = [d for d in base.desks if d.services is None or service in d.services]
        options = []
        for minutes, at_desks, double, reserve in itertools.product(
            lengths, range(1, len(desks) + 1), (False, True), (0, 1)
        ):
            if at_desks + reserve > len(desks):
                continue
            sp = ServicePlan(minutes, at_desks, reserve, double)
            if len(slot_starts(sp, base.open_minutes)) >= wanted:
                options.append(sp)
        per_service[service] = options
    names = [n for n in sorted(per_service) if per_service[n]]
    sizes = [len(per_service[n]) for n in names]
    total = math.prod(sizes)
    # Evenly spaced over the product, decoded as mixed-radix numbers: never the whole product
    # in memory (ten services of a hundred options each are 10^20 combinations).
    picks = range(total) if total <= limit else (i * total // limit for i in range(limit))
    plans = []
    for index in picks:
        combo = {}
        for name, size in zip(reversed(names), reversed(sizes), strict=True):
            index, digit = divmod(index, size)
            combo[name] = per_service[name][digit]
        plans.append(Plan(dict(sorted(combo.items()))))
    return plans


def neighbours(today: Plan, *, open_minutes: float) -> list[Plan]:
    """Today's plan changed the same way for every service: the first slot up to an hour later
    (out of a morning walk-in peak), seats per slot one fewer or more, one seat more or fewer
    kept back, Bailey–Welch on or off, the last slot up to an hour earlier. A local search
    around what the office knows works, where the whole space (tens of services) is too large
    to sample well. The most promising changes (later starts, more seats) come first."""
    found = []
    for later, seats, earlier, double, reserve in itertools.product(
        (30, 60, 0), (1, 0, -1), (0, 30, 60), (False, True), (0, 1, -1)
    ):
        services = {}
        for name, p in today.services.items():
            until = p.until(open_minutes) - earlier
            begins = p.from_minute + later
            if p.appointment_desks + seats < 1 or p.reserve + reserve < 0:
                break
            if until - begins < p.slot_minutes:
                break
            services[name] = replace(
                p,
                appointment_desks=p.appointment_desks + seats,
                reserve=p.reserve + reserve,
                opening_double=double,
                from_minute=int(begins),
                until_minute=int(until),
            )
        else:
            if services and services != dict(today.services):
                found.append(Plan(services))
    return found


PEAK_ENDS = (90, 120, 150)  # minutes after opening: where the walk-in peak's fewer seats end
PEAK_SEATS = (1, 2)


def peak_variants(plan: Plan, *, open_minutes: float) -> list[Plan]:
    """The plan with fewer seats online in the walk-in peak (the first hours after opening,
    when the demo's and most offices' queues are longest) and the seats it gives up offered
    later the same day: the bookings move out of the peak rather than away. A peak shorter
    than two slots is left alone (it would read back as the Bailey–Welch rule)."""
    found = []
    for ends, seats in itertools.product(PEAK_ENDS, PEAK_SEATS):
        services = {}
        for name, p in plan.services.items():
            if (
                ends - p.from_minute < 2 * p.slot_minutes
                or ends >= p.until(open_minutes)
                or seats >= p.appointment_desks
            ):
                services[name] = p
                continue
            services[name] = replace(p, peak_until_minute=ends, peak_seats=seats)
        if services != dict(plan.services):
            found.append(Plan(services))
    return found


def paired(one: Summary, other: Summary, runs: str = "p90_runs") -> Estimate:
    """`one` − `other` replication by replication with the same seeds (common random numbers),
    with its 95 % interval: far narrower than the two intervals apart."""
    first, second = getattr(one, runs), getattr(other, runs)
    return estimate([a - b for a, b in zip(first, second, strict=True)])


def best_plans(results: list[Evaluated], count: int = 5) -> list[Evaluated]:
    feasible = [r for r in results if r.unmet_bookings == 0 and r.summary.unserved.mean == 0]
    return sorted(feasible, key=lambda r: r.score)[:count]


def rules_from_plan(plan: Plan, open_minutes: float) -> list[RuleSpec]:
    """The availability rules of one weekday that give the plan's slots; the Bailey–Welch
    double booking at opening is a second rule of one seat for the first slot."""
    rules = []
    for service, p in sorted(plan.services.items()):
        until = int(p.until(open_minutes))
        main_from = p.from_minute
        if p.peak_until_minute is not None:
            main_from = p.peak_until_minute
            if p.peak_seats:
                rules.append(
                    RuleSpec(
                        p.from_minute, main_from, p.peak_seats, p.reserve, frozenset({service})
                    )
                )
        seats = p.appointment_desks
        rules.append(RuleSpec(main_from, until, seats, p.reserve, frozenset({service})))
        if p.opening_double:
            first_end = p.from_minute + p.slot_minutes
            rules.append(RuleSpec(p.from_minute, first_end, 1, 0, frozenset({service})))
    return rules


def plan_from_rules(
    rules: Iterable[RuleSpec], slot_minutes: Mapping[str, int], *, label: str = ""
) -> Plan:
    """Today's plan from the rules in force: per service its widest rule (a one-slot rule at its
    start on top of it is read as Bailey–Welch)."""
    by_service: dict[str, list[RuleSpec]] = {}
    for rule in rules:
        for service in rule.services:
            by_service.setdefault(service, []).append(rule)
    services = {}
    for service, found in by_service.items():
        length = slot_minutes.get(service)
        if not length:
            continue
        found.sort(key=lambda r: r.end_minute - r.start_minute, reverse=True)
        main, peak = found[0], None
        # Two rules longer than a slot, the first ending where the second begins: the first
        # is the walk-in peak's (fewer seats), the second the plan's main rule.
        longer = sorted(
            (r for r in found if r.end_minute - r.start_minute > length),
            key=lambda r: r.start_minute,
        )
        for early, late in itertools.pairwise(longer):
            if early.end_minute == late.start_minute:
                main, peak = late, early
                break
        begins = peak.start_minute if peak else main.start_minute
        double = any(
            r is not main
            and r is not peak
            and r.start_minute == begins
            and r.end_minute - r.start_minute <= length
            for r in found
        )
        services[service] = ServicePlan(
            slot_minutes=length,
            appointment_desks=main.capacity_online,
            reserve=main.capacity_staff,
            opening_double=double,
            from_minute=begins,
            until_minute=main.end_minute,
            peak_until_minute=main.start_minute if peak else None,
            peak_seats=peak.capacity_online if peak else 0,
        )
    return Plan(services, label=label)


def plan_to_data(plan: Plan) -> dict[str, dict[str, object]]:
    """A plan as plain JSON data (for a signed form field), and back with `plan_from_data`."""
    return {
        name: {
            "slot_minutes": p.slot_minutes,
            "appointment_desks": p.appointment_desks,
            "reserve": p.reserve,
            "opening_double": p.opening_double,
            "from_minute": p.from_minute,
            "until_minute": p.until_minute,
            "peak_until_minute": p.peak_until_minute,
            "peak_seats": p.peak_seats,
        }
        for name, p in sorted(plan.services.items())
    }


def plan_from_data(data: Mapping[str, Mapping[str, object]]) -> Plan:
    return Plan({name: ServicePlan(**dict(fields)) for name, fields in data.items()})  # type: ignore[arg-type]


def _row(label: str, result: Evaluated) -> dict[str, object]:
    s = result.summary
    return {
        "label": label,
        "plan": result.plan.describe(),
        "plan_data": plan_to_data(result.plan),
        "score": round(result.score, 3),
        "mean_wait_minutes": round(s.mean_wait.mean, 2),
        "mean_wait_minutes_ci": [round(s.mean_wait.low, 2), round(s.mean_wait.high, 2)],
        "p90_wait_minutes": round(s.p90_wait.mean, 2),
        "p90_wait_minutes_ci": [round(s.p90_wait.low, 2), round(s.p90_wait.high, 2)],
        "idle_desk_hours": round(s.idle_desk_minutes.mean / 60, 2),
        "overtime_minutes": round(s.overtime_minutes.mean, 1),
        "unmet_bookings": result.unmet_bookings,
    }


def optimise(
    scenario: Scenario,
    today: Plan,
    *,
    limit: int = 100,
    replications: int = 20,
    processes: int = 1,
    best: int = 5,
) -> dict[str, object]:
    """Today's plan and the best candidates for the same demand (the bookings of `scenario`
    and its walk-ins), all with the same seeds. Today's plan is a candidate too: a plan is
    recommended only when its p90 wait is shorter than today's beyond the noise (the paired
    95 % interval of the difference below zero) and its mean wait no longer; otherwise the
    report recommends no change and says why. Two rounds: slot templates around today's plan
    and over the space, then the walk-in peak's seats of the best of them."""
    demand = Demand(
        bookings={a.service: len(a.starts) for a in scenario.appointments},
        no_show={a.service: a.no_show for a in scenario.appointments},
        punctuality=scenario.appointments[0].punctuality
        if scenario.appointments
        else Punctuality(),
    )
    base = replace(scenario, appointments=(), replications=replications)
    today = replace(today, label="today")
    near = neighbours(today, open_minutes=base.open_minutes)
    peaks = peak_variants(today, open_minutes=base.open_minutes)
    first_round = limit - min(limit // 3, 3 * len(PEAK_ENDS) * len(PEAK_SEATS))
    near = [*peaks, *near][: first_round - first_round // 3]  # a third over the space
    spare = first_round - len(near)
    wide = candidates(base, demand, limit=spare) if spare > 0 else []
    plans = [today, *near, *wide]
    results = plans_evaluate(base, demand, plans, processes=processes)
    current = results[0]
    # Second round: the peak's seats of the three best so far.
    leaders = best_plans(results[1:], 3)
    tried = {tuple(sorted(r.plan.services.items())) for r in results}
    more = [
        p
        for r in leaders
        for p in peak_variants(r.plan, open_minutes=base.open_minutes)
        if tuple(sorted(p.services.items())) not in tried
    ][: max(0, limit - len(plans) + 1)]
    if more:
        results += plans_evaluate(base, demand, more, processes=processes)
    feasible = best_plans(results[1:], len(results))

    def beats(r: Evaluated) -> bool:
        return (
            paired(r.summary, current.summary).high < 0
            and r.summary.mean_wait.mean <= current.summary.mean_wait.mean
        )

    found = [r for r in feasible if beats(r)][:best]

    def compared(label: str, r: Evaluated) -> dict[str, object]:
        row = _row(label, r)
        gain = paired(r.summary, current.summary)
        row["p90_change_minutes"] = round(gain.mean, 2)
        row["p90_change_minutes_ci"] = [round(gain.low, 2), round(gain.high, 2)]
        row["p90_change_share"] = (
            round(gain.mean / current.summary.p90_wait.mean, 3)
            if current.summary.p90_wait.mean
            else 0.0
        )
        return row

    rows = [compared(f"plan {i + 1}", r) for i, r in enumerate(found)]
    # For comparison only, never recommended: the best-scored plans that do not beat today's.
    others = [r for r in feasible if all(r is not f for f in found)][: max(0, best - len(found))]
    alternatives = [compared(f"alternative {i + 1}", r) for i, r in enumerate(others)]
    if found:
        gain = paired(found[0].summary, current.summary)
        verdict = (
            f"The best plan's p90 wait is {found[0].summary.p90_wait.mean:.1f} minutes against "
            f"{current.summary.p90_wait.mean:.1f} today ({-gain.mean:.1f} minutes shorter, "
            f"95 % interval {-gain.high:.1f} to {-gain.low:.1f})."
        )
        reason = ""
    elif feasible:
        reason = "no_gain"
        verdict = (
            "No change recommended: no plan of the search shortens today's p90 wait "
            f"({current.summary.p90_wait.mean:.1f} minutes) beyond the noise without "
            "lengthening the mean wait."
        )
    else:
        reason = "no_candidate"
        verdict = "No change recommended: no candidate takes today's bookings."
    return {
        "today": _row("today", current),
        "best": rows,
        "recommended": rows[0] if rows else None,
        "alternatives": alternatives,
        "no_change_reason": reason,
        "candidates": len(results) - 1,
        "replications": replications,
        "verdict": verdict,
    }
