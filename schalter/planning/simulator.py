"""A simulated office day, free of the database and of Django (docs/planning.md).

An office day: desks and the services each serves, with their hours and breaks; appointments
(punctuality, no-shows, persons per booking), walk-ins whose rate changes by the hour, service
times per service (exponential, lognormal, empirical, fixed), interpreter-mediated visits taking
longer, and the calling order of the real queue (visits/queue_order.py, mirrored here by its
parameters: an appointment due within `due_now_minutes` first, then urgent clients, then everyone
else in order of arrival). Desks stay after closing until everyone present is served.

Every client of a replication is drawn first (`clients_draw`), with their service time, so that
the engines below consume the same random draws and can be compared client by client:
- `run_events`: this module's own event list (heapq), the general model; the default.
- `run_simpy`: the same model as SimPy processes, the reference the event list is tested against.
- `run_mmc`: first come first served at identical desks open all day (the M/M/c case and any
  G/G/c like it) as the recursion "start = max(arrival, earliest free desk)", no events at all.
Replications use their own seeded generator each; `simulate` summarises them with 95 %
confidence intervals (Student t over the replication means)."""

from __future__ import annotations

import heapq
import math
import random
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import simpy

INF = math.inf
ENGINES = ("auto", "events", "simpy", "mmc")


# --- The scenario ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceTime:
    """Minutes one person takes at the desk."""

    distribution: str  # "exponential", "lognormal", "empirical" or "fixed"
    mean_minutes: float = 0.0
    sd_minutes: float = 0.0  # lognormal only
    values: tuple[float, ...] = ()  # empirical only: observed durations, drawn with replacement

    def sampler(self, rng: random.Random) -> Callable[[], float]:
        if self.distribution == "exponential":
            rate = 1.0 / self.mean_minutes
            return lambda: rng.expovariate(rate)
        if self.distribution == "lognormal":
            sigma2 = math.log(1.0 + (self.sd_minutes / self.mean_minutes) ** 2)
            mu, sigma = math.log(self.mean_minutes) - sigma2 / 2, math.sqrt(sigma2)
            return lambda: rng.lognormvariate(mu, sigma)
        if self.distribution == "empirical":
            values = self.values
            return lambda: values[int(rng.random() * len(values))]
        fixed = self.mean_minutes
        return lambda: fixed

    @property
    def mean(self) -> float:
        if self.distribution == "empirical":
            return statistics.fmean(self.values)
        return self.mean_minutes


@dataclass(frozen=True)
class WalkIns:
    """Walk-ins for one service: Poisson arrivals, `rates_per_hour[h]` in the h-th hour after
    opening (the last rate holds for the rest of the day), none after closing."""

    service: str
    rates_per_hour: tuple[float, ...]
    urgent_share: float = 0.0  # share of clients with a priority above normal


@dataclass(frozen=True)
class Punctuality:
    """Minutes a client arrives after the appointment's start (negative: early)."""

    mean_minutes: float = -5.0
    sd_minutes: float = 5.0
    values: tuple[float, ...] = ()  # observed offsets; when given, drawn instead of the normal

    def sampler(self, rng: random.Random) -> Callable[[], float]:
        if self.values:
            values = self.values
            return lambda: values[int(rng.random() * len(values))]
        mean, sd = self.mean_minutes, self.sd_minutes
        return lambda: rng.gauss(mean, sd) if sd > 0 else mean


@dataclass(frozen=True)
class Appointments:
    """Bookings for one service, one start (minutes after opening) per booking."""

    service: str
    starts: tuple[float, ...]
    no_show: float = 0.0  # probability a booking is not kept
    persons: tuple[tuple[int, float], ...] = ((1, 1.0),)  # (persons, probability)
    punctuality: Punctuality = Punctuality()


@dataclass(frozen=True)
class DeskSpec:
    name: str
    services: frozenset[str] | None = None  # None: every service
    start_minute: float = 0.0
    end_minute: float | None = None  # None: closing; at or after closing it stays until done
    breaks: tuple[tuple[float, float], ...] = ()  # (from, until) minutes after opening

    def shifts(self, open_minutes: float) -> list[tuple[float, float]]:
        """The stretches the desk calls clients, in order; the last is open-ended when the desk
        stays to closing (everyone present is served)."""
        end = self.end_minute if self.end_minute is not None else open_minutes
        last = INF if end >= open_minutes else end
        stretches, at = [], self.start_minute
        for begin, until in sorted(self.breaks):
            if until <= at or begin >= last:
                continue
            if begin > at:
                stretches.append((at, begin))
            at = max(at, until)
        if at < last:
            stretches.append((at, last))
        return stretches


@dataclass(frozen=True)
class QueueRule:
    """The calling order's parameters (visits/queue_order.py: DUE_NOW and the ranks)."""

    due_now_minutes: float = 15.0


@dataclass(frozen=True)
class Interpreter:
    share: float = 0.0  # share of visits with an interpreter
    time_factor: float = 1.5  # such a visit takes this many times as long


@dataclass(frozen=True)
class Scenario:
    desks: tuple[DeskSpec, ...]
    open_minutes: float
    service_times: Mapping[str, ServiceTime]
    walk_ins: tuple[WalkIns, ...] = ()
    appointments: tuple[Appointments, ...] = ()
    replications: int = 20
    seed: int = 1
    warmup_minutes: float = 0.0  # arrivals before this are served but not measured
    rule: QueueRule = QueueRule()
    interpreter: Interpreter = Interpreter()
    engine: str = "auto"

    def is_plain_fcfs(self) -> bool:
        """Identical desks open all day serving everything, one class of walk-ins: first come
        first served, which `run_mmc` computes without events."""
        return (
            not self.appointments
            and self.interpreter.share == 0
            and all(w.urgent_share == 0 for w in self.walk_ins)
            and all(
                d.services is None
                and d.start_minute == 0
                and not d.breaks
                and (d.end_minute is None or d.end_minute >= self.open_minutes)
                for d in self.desks
            )
        )

    def engine_for_run(self) -> str:
        if self.engine != "auto":
            return self.engine
        return "mmc" if self.is_plain_fcfs() else "events"


# --- One replication ------------------------------------------------------------------------


class Client:
    __slots__ = (
        "appointment",
        "arrival",
        "desk",
        "hour",
        "id",
        "service",
        "start",
        "urgent",
        "work",
    )

    def __init__(
        self,
        arrival: float,
        service: str,
        work: float,
        urgent: bool = False,
        appointment: float | None = None,
    ) -> None:
        self.arrival = arrival
        self.service = service
        self.work = work  # minutes at the desk, all persons of the booking together
        self.urgent = urgent
        self.appointment = appointment  # the booked start, minutes after opening
        self.start = INF  # when a desk called the client (INF: never)
        self.desk = -1
        self.id = 0
        self.hour = 0


@dataclass
class Drawn:
    clients: list[Client]
    no_shows: int
    missed: list[tuple[str, float]] = field(default_factory=list)  # (service, booked start)


def clients_draw(scenario: Scenario, rng: random.Random) -> Drawn:
    """Every client of one day, in order of arrival, each with a service time."""
    samplers = {name: st.sampler(rng) for name, st in scenario.service_times.items()}
    interpreted = scenario.interpreter.share
    factor = scenario.interpreter.time_factor
    clients: list[Client] = []
    close = scenario.open_minutes
    for stream in scenario.walk_ins:
        draw = samplers[stream.service]
        hours = math.ceil(close / 60)
        for hour in range(hours):
            rate = stream.rates_per_hour[min(hour, len(stream.rates_per_hour) - 1)] / 60.0
            if rate <= 0:
                continue
            t, end = hour * 60.0, min((hour + 1) * 60.0, close)
            while True:
                t += rng.expovariate(rate)
                if t >= end:
                    break
                work = draw()
                if interpreted and rng.random() < interpreted:
                    work *= factor
                urgent = bool(stream.urgent_share) and rng.random() < stream.urgent_share
                clients.append(Client(t, stream.service, work, urgent))
    no_shows = 0
    missed: list[tuple[str, float]] = []
    for block in scenario.appointments:
        draw = samplers[block.service]
        late = block.punctuality.sampler(rng)
        for start in block.starts:
            if block.no_show and rng.random() < block.no_show:
                no_shows += 1
                missed.append((block.service, start))
                continue
            persons = _persons(block.persons, rng)
            work = sum(draw() for _ in range(persons))
            if interpreted and rng.random() < interpreted:
                work *= factor
            clients.append(Client(max(0.0, start + late()), block.service, work, False, start))
    clients.sort(key=lambda c: c.arrival)
    for i, c in enumerate(clients):
        c.id = i
        c.hour = int(c.arrival // 60)
    return Drawn(clients, no_shows, missed)


def _persons(weights: tuple[tuple[int, float], ...], rng: random.Random) -> int:
    if len(weights) == 1:
        return weights[0][0]
    u, acc = rng.random() * sum(p for _, p in weights), 0.0
    for persons, p in weights:
        acc += p
        if u < acc:
            return persons
    return weights[-1][0]


@dataclass
class Outcome:
    """What an engine reports besides each client's `start`."""

    busy_open: float = 0.0  # desk minutes serving before closing
    busy_after: float = 0.0  # desk minutes serving after closing (overtime)
    idle_open: float = 0.0  # desk minutes before closing at a desk waiting for a client
    last_finish: float = 0.0
    events: int = 0  # arrivals and departures


def _book(outcome: Outcome, start: float, end: float, close: float) -> None:
    if end <= close:
        outcome.busy_open += end - start
    elif start >= close:
        outcome.busy_after += end - start
    else:
        outcome.busy_open += close - start
        outcome.busy_after += end - close
    if end > outcome.last_finish:
        outcome.last_finish = end


class _Queue:
    """The waiting clients in order of arrival, and the calling rule over them."""

    def __init__(self, scenario: Scenario) -> None:
        self.waiting: list[Client] = []
        self.special = 0  # waiting clients with an appointment or urgent
        self.due = scenario.rule.due_now_minutes

    def add(self, c: Client) -> None:
        self.waiting.append(c)
        if c.appointment is not None or c.urgent:
            self.special += 1

    def take(self, serves: frozenset[str] | None, now: float) -> Client | None:
        """The client this desk calls: an appointment due now, else urgent, else the earliest
        arrival (queue_order.queue_rank: ranks 1, 2, 3; ties by arrival)."""
        waiting = self.waiting
        if not waiting:
            return None
        best = -1
        if not self.special:
            if serves is None:
                best = 0
            else:
                for i, c in enumerate(waiting):
                    if c.service in serves:
                        best = i
                        break
        else:
            best_rank, due = 4, self.due
            for i, c in enumerate(waiting):
                if serves is not None and c.service not in serves:
                    continue
                if c.appointment is not None and abs(c.appointment - now) <= due:
                    best = i
                    break
                rank = 2 if c.urgent else 3
                if rank < best_rank:
                    best_rank, best = rank, i
        if best < 0:
            return None
        c = waiting.pop(best)
        if c.appointment is not None or c.urgent:
            self.special -= 1
        return c


def run_events(scenario: Scenario, clients: list[Client]) -> Outcome:
    """The general model on this module's own event list."""
    close = scenario.open_minutes
    desks = scenario.desks
    shifts = [d.shifts(close) for d in desks]
    serves = [d.services for d in desks]
    out = Outcome()
    queue = _Queue(scenario)
    heap: list[tuple[float, int, int, int]] = []  # (time, seq, kind, desk)
    finish, on, off = 0, 1, 2
    seq = 0
    state = [0] * len(desks)  # 0 away, 1 idle, 2 busy
    stretch = [0] * len(desks)  # index of the desk's current or next stretch
    idle: list[int] = []  # idle desks, longest idle first
    idle_since = [0.0] * len(desks)

    def idle_end(d: int, now: float) -> None:
        if now > close:
            now = close
        if now > idle_since[d]:
            out.idle_open += now - idle_since[d]

    def begin(d: int, c: Client, now: float) -> None:
        nonlocal seq
        if state[d] == 1:
            idle_end(d, now)
        c.start, c.desk = now, d
        state[d] = 2
        end = now + c.work
        _book(out, now, end, close)
        seq += 1
        heapq.heappush(heap, (end, seq, finish, d))

    def available(d: int, now: float) -> None:
        """The desk is free at `now`: call someone, wait idle, or go away until its next
        stretch (a service that ran into a break shortens the break)."""
        nonlocal seq
        k = stretch[d]
        mine = shifts[d]
        while k < len(mine) and mine[k][1] <= now:
            k += 1
        stretch[d] = k
        if k == len(mine):
            state[d] = 0
            return
        begin_at, end_at = mine[k]
        if begin_at > now:
            state[d] = 0
            seq += 1
            heapq.heappush(heap, (begin_at, seq, on, d))
            return
        c = queue.take(serves[d], now)
        if c is not None:
            begin(d, c, now)
            return
        if state[d] != 1:
            state[d] = 1
            idle_since[d] = now
            idle.append(d)
            if end_at < INF:
                seq += 1
                heapq.heappush(heap, (end_at, seq, off, d))

    for d in range(len(desks)):
        available(d, 0.0)
    i, n = 0, len(clients)
    while i < n or heap:
        if heap and (i == n or heap[0][0] <= clients[i].arrival):
            now, _, kind, d = heapq.heappop(heap)
            if kind == finish:
                out.events += 1
                state[d] = 0  # free; `available` decides what next
                available(d, now)
            elif kind == on:
                if state[d] == 0:
                    available(d, now)
            elif state[d] == 1 and shifts[d][stretch[d]][1] <= now:
                idle.remove(d)
                idle_end(d, now)
                state[d] = 0
                available(d, now)
            continue
        c = clients[i]
        i += 1
        out.events += 1
        now = c.arrival
        s = c.service
        for j, d in enumerate(idle):
            sv = serves[d]
            if sv is None or s in sv:
                del idle[j]
                begin(d, c, now)
                break
        else:
            queue.add(c)
    for d in idle:
        idle_end(d, close)
    return out


def run_simpy(scenario: Scenario, clients: list[Client]) -> Outcome:
    """The same model as SimPy processes: one per desk and one for the arrivals."""
    env = simpy.Environment()
    close = scenario.open_minutes
    desks = scenario.desks
    out = Outcome()
    queue = _Queue(scenario)
    idle: list[int] = []
    wake: list[simpy.Event | None] = [None] * len(desks)
    idle_since_of = [0.0] * len(desks)

    def idle_for(since: float) -> None:
        now = min(env.now, close)
        if now > since:
            out.idle_open += now - since

    def desk(d: int, stretches: list[tuple[float, float]], serves: frozenset[str] | None):
        for begin_at, end_at in stretches:
            if env.now < begin_at:
                yield env.timeout(begin_at - env.now)
            while env.now < end_at:
                c = queue.take(serves, env.now)
                if c is None:
                    called = wake[d] = env.event()
                    idle.append(d)
                    since = idle_since_of[d] = env.now
                    if end_at == INF:
                        c = yield called
                    else:
                        fired = yield called | env.timeout(end_at - env.now)
                        if called not in fired:
                            idle.remove(d)
                            idle_for(since)
                            break
                        c = fired[called]
                    idle_for(since)
                now = env.now
                c.start, c.desk = now, d
                _book(out, now, now + c.work, close)
                yield env.timeout(c.work)
                out.events += 1

    def arrivals():
        for c in clients:
            if c.arrival > env.now:
                yield env.timeout(c.arrival - env.now)
            out.events += 1
            for j, d in enumerate(idle):
                sv = desks[d].services
                if sv is None or c.service in sv:
                    del idle[j]
                    event = wake[d]
                    assert event is not None
                    event.succeed(c)
                    break
            else:
                queue.add(c)

    for d, spec in enumerate(desks):
        env.process(desk(d, spec.shifts(close), spec.services))
    env.process(arrivals())
    env.run()
    for d in idle:  # still waiting for a client at the end of the day
        out.idle_open += max(0.0, close - min(close, idle_since_of[d]))
    return out


def run_mmc(scenario: Scenario, clients: list[Client]) -> Outcome:
    """First come first served at identical desks always open: each client starts at the later
    of their arrival and the earliest moment a desk is free."""
    close = scenario.open_minutes
    out = Outcome()
    free = [0.0] * len(scenario.desks)  # a heap of the moments each desk is next free
    for c in clients:
        at = free[0]
        start = c.arrival if c.arrival > at else at
        c.start = start
        end = start + c.work
        heapq.heapreplace(free, end)
        _book(out, start, end, close)
    out.events = 2 * len(clients)
    out.idle_open = len(scenario.desks) * close - out.busy_open
    return out


RUNNERS: dict[str, Callable[[Scenario, list[Client]], Outcome]] = {
    "events": run_events,
    "simpy": run_simpy,
    "mmc": run_mmc,
}


# --- Measuring ------------------------------------------------------------------------------


def quantile(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted values, linear between order statistics (Hyndman-Fan type 7,
    numpy's default); 0 for no values."""
    if not ordered:
        return 0.0
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


@dataclass
class Replication:
    """One simulated day's figures; waits in minutes."""

    waits: list[float]
    services: list[str]
    hours: list[int]
    served: int
    unserved: int  # present at the end with no desk left for their service
    no_shows: int
    utilisation: float
    idle_desk_minutes: float  # staffed desk time before closing without a client
    overtime_minutes: float  # after closing until the last client leaves
    queue_length: float  # time-average number waiting over the measured window
    arrival_rate: float  # arrivals per minute in the measured window
    window_mean_wait: float  # mean wait of the arrivals in that window
    events: int

    @property
    def mean_wait(self) -> float:
        return statistics.fmean(self.waits) if self.waits else 0.0

    @property
    def p90_wait(self) -> float:
        return quantile(sorted(self.waits), 0.9)


def replication_run(scenario: Scenario, index: int, engine: str | None = None) -> Replication:
    rng = random.Random(f"{scenario.seed}/{index}")
    chosen = engine or scenario.engine_for_run()
    if chosen == "mmc" and len(scenario.walk_ins) == 1:
        return mmc_fused(scenario, rng)
    drawn = clients_draw(scenario, rng)
    outcome = RUNNERS[engine or scenario.engine_for_run()](scenario, drawn.clients)
    return measure(scenario, drawn, outcome)


def mmc_fused(scenario: Scenario, rng: random.Random) -> Replication:
    """`clients_draw`, `run_mmc` and `measure` in one loop without a client object, for one
    stream of walk-ins at identical desks (the validation's long M/M/c runs): the same draws in
    the same order, so the same figures as the three steps, at a fraction of the cost."""
    (stream,) = scenario.walk_ins
    close, warm = scenario.open_minutes, scenario.warmup_minutes
    draw = scenario.service_times[stream.service].sampler(rng)
    expovariate = rng.expovariate
    free = [0.0] * len(scenario.desks)
    waits: list[float] = []
    hours: list[int] = []
    busy_open = busy_after = area = window_waits = 0.0
    in_window = 0
    replace = heapq.heapreplace
    for hour in range(math.ceil(close / 60)):
        rate = stream.rates_per_hour[min(hour, len(stream.rates_per_hour) - 1)] / 60.0
        if rate <= 0:
            continue
        t, end = hour * 60.0, min((hour + 1) * 60.0, close)
        while True:
            t += expovariate(rate)
            if t >= end:
                break
            work = draw()
            at = free[0]
            start = t if t > at else at
            finish = start + work
            replace(free, finish)
            if finish <= close:
                busy_open += work
            elif start >= close:
                busy_after += work
            else:
                busy_open += close - start
                busy_after += finish - close
            overlap = (start if start < close else close) - (t if t > warm else warm)
            if overlap > 0:
                area += overlap
            if t >= warm:
                waits.append(start - t)
                hours.append(hour)
                in_window += 1
                window_waits += start - t
    window = close - warm
    idle = len(free) * close - busy_open
    busy = busy_open + busy_after
    return Replication(
        waits=waits,
        services=[stream.service] * len(waits),
        hours=hours,
        served=len(waits),
        unserved=0,
        no_shows=0,
        utilisation=busy / (busy + idle) if busy + idle else 0.0,
        idle_desk_minutes=idle,
        overtime_minutes=max(0.0, max(free) - close),
        queue_length=area / window,
        arrival_rate=in_window / window,
        window_mean_wait=window_waits / in_window if in_window else 0.0,
        events=2 * len(waits),
    )


def measure(scenario: Scenario, drawn: Drawn, outcome: Outcome) -> Replication:
    close, warm = scenario.open_minutes, scenario.warmup_minutes
    window = close - warm
    waits, services, hours = [], [], []
    area, in_window, window_waits, unserved = 0.0, 0, 0.0, 0
    for c in drawn.clients:
        if c.start == INF:
            unserved += 1
        # Time spent waiting inside [warm, close]: the integral of the queue length.
        overlap = min(c.start, close) - max(c.arrival, warm)
        if overlap > 0:
            area += overlap
        if c.arrival < warm:
            continue
        if c.start != INF:
            wait = c.start - c.arrival
            waits.append(wait)
            services.append(c.service)
            hours.append(c.hour)
            if c.arrival < close:
                in_window += 1
                window_waits += wait
    busy = outcome.busy_open + outcome.busy_after
    staffed = busy + outcome.idle_open
    return Replication(
        waits=waits,
        services=services,
        hours=hours,
        served=len(waits),
        unserved=unserved,
        no_shows=drawn.no_shows,
        utilisation=busy / staffed if staffed else 0.0,
        idle_desk_minutes=outcome.idle_open,
        overtime_minutes=max(0.0, outcome.last_finish - close),
        queue_length=area / window if window > 0 else 0.0,
        arrival_rate=in_window / window if window > 0 else 0.0,
        window_mean_wait=window_waits / in_window if in_window else 0.0,
        events=outcome.events,
    )


# --- Confidence intervals -------------------------------------------------------------------

# Two-sided 95 % quantiles of Student's t, t(0.975; df), df = 1…30.
T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
Z975 = 1.959963984540054


def t975(df: int) -> float:
    """t(0.975; df): the table to 30, then the Cornish-Fisher expansion (error < 1e-4)."""
    if df < 1:
        return INF
    if df <= len(T975):
        return T975[df - 1]
    z = Z975
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its 95 % confidence interval."""

    mean: float
    half_width: float

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width

    def as_dict(self, digits: int = 3) -> dict[str, float]:
        return {
            "mean": round(self.mean, digits),
            "ci_low": round(self.low, digits),
            "ci_high": round(self.high, digits),
        }


def estimate(values: list[float]) -> Estimate:
    if not values:
        return Estimate(0.0, 0.0)
    mean = statistics.fmean(values)
    if len(values) < 2:
        return Estimate(mean, INF)
    return Estimate(mean, t975(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values)))


@dataclass
class Summary:
    replications: int
    engine: str
    mean_wait: Estimate
    p90_wait: Estimate
    utilisation: Estimate
    served: Estimate
    unserved: Estimate
    no_shows: Estimate
    idle_desk_minutes: Estimate
    overtime_minutes: Estimate
    queue_length: Estimate
    arrival_rate: Estimate
    window_mean_wait: Estimate
    per_service: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    per_hour: dict[int, dict[str, Estimate]] = field(default_factory=dict)
    events: int = 0
    # Each replication's p90 and mean wait, in order: two plans simulated with the same seeds
    # compare replication by replication (a paired interval, docs/planning.md "Optimiser").
    p90_runs: tuple[float, ...] = ()
    mean_runs: tuple[float, ...] = ()

    def as_dict(self) -> dict[str, object]:
        def flat(name: str, e: Estimate) -> dict[str, object]:
            return {name: round(e.mean, 3), f"{name}_ci": [round(e.low, 3), round(e.high, 3)]}

        result: dict[str, object] = {"replications": self.replications, "engine": self.engine}
        result |= flat("mean_wait_minutes", self.mean_wait)
        result |= flat("p90_wait_minutes", self.p90_wait)
        result |= flat("utilisation", self.utilisation)
        result |= flat("served", self.served)
        result |= flat("unserved", self.unserved)
        result |= flat("no_shows", self.no_shows)
        result |= flat("idle_desk_minutes", self.idle_desk_minutes)
        result |= flat("overtime_minutes", self.overtime_minutes)
        result["per_service"] = {
            name: {k: v.as_dict() for k, v in figures.items()}
            for name, figures in sorted(self.per_service.items())
        }
        result["per_hour"] = {
            str(hour): {k: v.as_dict() for k, v in figures.items()}
            for hour, figures in sorted(self.per_hour.items())
        }
        return result


def summarise(scenario: Scenario, runs: list[Replication], engine: str) -> Summary:
    def over(get: Callable[[Replication], float]) -> Estimate:
        return estimate([get(r) for r in runs])

    def grouped(keys_of: Callable[[Replication], list], keys: set) -> dict:
        figures: dict = {}
        split: list[dict] = []
        for r in runs:
            by_key: dict = {}
            for w, k in zip(r.waits, keys_of(r), strict=True):
                by_key.setdefault(k, []).append(w)
            split.append(by_key)
        for key in sorted(keys):
            means, p90s, counts = [], [], []
            for by_key in split:
                waits = sorted(by_key.get(key, ()))
                counts.append(float(len(waits)))
                if waits:
                    means.append(statistics.fmean(waits))
                    p90s.append(quantile(waits, 0.9))
            figures[key] = {
                "mean_wait_minutes": estimate(means),
                "p90_wait_minutes": estimate(p90s),
                "served": estimate(counts),
            }
        return figures

    services = {s for r in runs for s in r.services}
    hours = {h for r in runs for h in r.hours}
    return Summary(
        replications=len(runs),
        engine=engine,
        mean_wait=over(lambda r: r.mean_wait),
        p90_wait=over(lambda r: r.p90_wait),
        utilisation=over(lambda r: r.utilisation),
        served=over(lambda r: float(r.served)),
        unserved=over(lambda r: float(r.unserved)),
        no_shows=over(lambda r: float(r.no_shows)),
        idle_desk_minutes=over(lambda r: r.idle_desk_minutes),
        overtime_minutes=over(lambda r: r.overtime_minutes),
        queue_length=over(lambda r: r.queue_length),
        arrival_rate=over(lambda r: r.arrival_rate),
        window_mean_wait=over(lambda r: r.window_mean_wait),
        per_service=grouped(lambda r: r.services, services),
        per_hour=grouped(lambda r: r.hours, hours),
        events=sum(r.events for r in runs),
        p90_runs=tuple(r.p90_wait for r in runs),
        mean_runs=tuple(r.mean_wait for r in runs),
    )


def simulate(
    scenario: Scenario,
    *,
    engine: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Every replication of the scenario, summarised with confidence intervals."""
    chosen = engine or scenario.engine_for_run()
    runs = []
    for index in range(scenario.replications):
        runs.append(replication_run(scenario, index, chosen))
        if progress is not None:
            progress(index + 1, scenario.replications)
    return summarise(scenario, runs, chosen)
