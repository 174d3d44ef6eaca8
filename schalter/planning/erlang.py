"""Erlang C for an M/M/c queue, free of Django: the probability that a client waits, the mean
wait, the share served within a target and the desks needed for one (docs/planning.md).

Erlang B is computed by its recurrence B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1)), which stays
between 0 and 1 and so never overflows, for hundreds of desks; Erlang C follows from it as
C = c·B / (c - A·(1 - B))."""

import math
from dataclasses import dataclass

# Desks beyond this are no office; the recurrence itself would manage far more.
MAX_SERVERS = 10_000


class UnstableQueue(ValueError):
    """Utilisation at or above 1: the queue grows without bound, there is no steady wait. (A
    ValueError: the pure core knows no Django; the audiences word it for people.)"""

    def __init__(self, utilisation: float) -> None:
        super().__init__(
            f"utilisation {utilisation:.4f} is at or above 1: the queue grows without bound, "
            "so there is no steady-state wait; add desks or lower the arrival rate"
        )
        self.utilisation = utilisation


@dataclass(frozen=True)
class ErlangC:
    """The steady state of an M/M/c queue. Times in the unit of `mean_service`."""

    servers: int
    offered_load: float  # A = λ·s, in Erlangs
    utilisation: float  # ρ = A / c, the share of time a desk is busy
    probability_of_waiting: float  # C(c, A): an arrival finds every desk busy
    mean_wait: float  # Wq over all arrivals, waiting or not
    mean_wait_of_those_waiting: float  # Wq given a wait: s / (c - A)
    mean_queue_length: float  # Lq = λ·Wq (Little)
    mean_in_system: float  # L = Lq + A

    def service_level(self, target: float) -> float:
        """The share of clients whose wait is at most `target` (same unit as the service time):
        1 - C·exp(-(c - A)·t / s)."""
        if target < 0:
            raise ValueError("target must not be negative")
        if self.probability_of_waiting == 0:
            return 1.0
        return 1.0 - self.probability_of_waiting * math.exp(
            -target / self.mean_wait_of_those_waiting
        )

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of the wait (0 when at least q of the clients do not wait)."""
        if not 0 < q < 1:
            raise ValueError("q must lie between 0 and 1")
        if 1 - q >= self.probability_of_waiting:
            return 0.0
        return self.mean_wait_of_those_waiting * math.log(self.probability_of_waiting / (1 - q))


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of M/M/c/c, by the recurrence (stable for any c)."""
    if servers < 0:
        raise ValueError("servers must not be negative")
    if offered_load < 0:
        raise ValueError("offered load must not be negative")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def erlang_c(*, servers: int, arrival_rate: float, mean_service: float) -> ErlangC:
    """The M/M/c steady state for arrivals at `arrival_rate` per unit time and exponential service
    of mean `mean_service` in the same unit. Raises UnstableQueue when λ·s / c ≥ 1."""
    if not isinstance(servers, int) or servers < 1:
        raise ValueError("at least one desk is needed")
    if servers > MAX_SERVERS:
        raise ValueError(f"at most {MAX_SERVERS} desks")
    if not (arrival_rate >= 0 and math.isfinite(arrival_rate)):
        raise ValueError("the arrival rate must be a finite number, not negative")
    if not (mean_service > 0 and math.isfinite(mean_service)):
        raise ValueError("the mean service time must be a positive finite number")
    load = arrival_rate * mean_service
    rho = load / servers
    if rho >= 1:
        raise UnstableQueue(rho)
    b = erlang_b(servers, load)
    c = servers * b / (servers - load * (1 - b)) if load > 0 else 0.0
    wait_if_waiting = mean_service / (servers - load)
    wq = c * wait_if_waiting
    lq = arrival_rate * wq
    return ErlangC(
        servers=servers,
        offered_load=load,
        utilisation=rho,
        probability_of_waiting=c,
        mean_wait=wq,
        mean_wait_of_those_waiting=wait_if_waiting,
        mean_queue_length=lq,
        mean_in_system=lq + load,
    )


def servers_for_service_level(
    *,
    arrival_rate: float,
    mean_service: float,
    target_wait: float,
    service_level: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
) -> int:
    """The fewest desks such that at least `service_level` of clients wait at most `target_wait`
    and no desk is busy more than `max_occupancy` of the time (pyworkforce's and call-center
    tools' cap against burn-out); with `shrinkage` (the share of paid time not at the desk:
    breaks, training, absence) the staff to roster for them, rounded up."""
    if not 0 < service_level < 1:
        raise ValueError("the service level must lie between 0 and 1")
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must lie in [0, 1)")
    if not 0 < max_occupancy <= 1:
        raise ValueError("the maximum occupancy must lie in (0, 1]")
    load = arrival_rate * mean_service
    c = max(1, math.floor(load) + 1, math.ceil(load / max_occupancy - 1e-9))
    while c <= MAX_SERVERS:
        if (
            erlang_c(servers=c, arrival_rate=arrival_rate, mean_service=mean_service).service_level(
                target_wait
            )
            >= service_level
        ):
            return math.ceil(c / (1 - shrinkage) - 1e-9)
        c += 1
    raise ValueError(f"more than {MAX_SERVERS} desks would be needed")
