"""The simulator against queueing theory (docs/planning.md, "Validation"): mean waits of 20
replications within ±5 % of Erlang C at three utilisations for 1, 2 and 14 desks, the warm-up
discarded and the horizon long enough for the steady state to dominate; Little's law within 1 %;
and a day that starts empty waiting less than the steady state."""

import pytest

from schalter.planning.erlang import erlang_c
from schalter.planning.simulator import (
    DeskSpec,
    Scenario,
    ServiceTime,
    WalkIns,
    estimate,
    replication_run,
    simulate,
)

REPLICATIONS = 20
# (desks, utilisation): minutes per replication, warm-up minutes. The service time is 1 minute,
# so the horizon is in service times; higher utilisation relaxes more slowly and needs longer.
PLAN = {
    (1, 0.75): (20_000, 1_000),
    (1, 0.857): (40_000, 1_000),
    (1, 0.9): (80_000, 2_000),
    (2, 0.75): (15_000, 1_000),
    (2, 0.857): (25_000, 1_000),
    (2, 0.9): (50_000, 2_000),
    (14, 0.75): (8_000, 200),
    (14, 0.857): (5_000, 200),
    (14, 0.9): (8_000, 200),
}


def mmc(desks: int, utilisation: float, minutes: float, warmup: float, **more) -> Scenario:
    return Scenario(
        desks=tuple(DeskSpec(f"desk {i}") for i in range(desks)),
        open_minutes=minutes,
        service_times={"any": ServiceTime("exponential", 1.0)},
        walk_ins=(WalkIns("any", (utilisation * desks * 60,)),),
        replications=REPLICATIONS,
        warmup_minutes=warmup,
        **more,
    )


@pytest.mark.parametrize("desks, utilisation", list(PLAN))
def test_mean_wait_within_5_percent_of_erlang_c_and_littles_law(desks, utilisation):
    minutes, warmup = PLAN[(desks, utilisation)]
    scenario = mmc(desks, utilisation, minutes, warmup)
    runs = [replication_run(scenario, i) for i in range(REPLICATIONS)]
    steady = erlang_c(servers=desks, arrival_rate=utilisation * desks, mean_service=1.0)

    wait = estimate([r.mean_wait for r in runs])
    assert abs(wait.mean / steady.mean_wait - 1) < 0.05
    assert wait.low <= steady.mean_wait <= wait.high  # and the theory lies inside the 95 % CI
    assert wait.half_width / steady.mean_wait < 0.05  # the interval itself is narrow enough

    busy = estimate([r.utilisation for r in runs])
    assert busy.mean == pytest.approx(utilisation, rel=0.01)

    # Little's law, L = λ·W, over the measured window: the time-average number waiting against
    # the arrival rate times the mean wait, pooled over the replications.
    queue_length = sum(r.queue_length for r in runs) / REPLICATIONS
    rate = sum(r.arrival_rate for r in runs) / REPLICATIONS
    mean_wait = sum(r.window_mean_wait * r.arrival_rate for r in runs) / sum(
        r.arrival_rate for r in runs
    )
    assert queue_length == pytest.approx(rate * mean_wait, rel=0.01)
    # … and against the theory's Lq = λ·Wq.
    assert queue_length == pytest.approx(steady.mean_queue_length, rel=0.05)


def test_a_day_that_starts_empty_waits_less_than_the_steady_state():
    # The minimal scenario: 2 desks, 6 an hour, 16 minutes each (utilisation 0.8).
    day = Scenario(
        desks=(DeskSpec("a"), DeskSpec("b")),
        open_minutes=480,
        service_times={"any": ServiceTime("exponential", 16.0)},
        walk_ins=(WalkIns("any", (6.0,)),),
        replications=400,
    )
    steady = erlang_c(servers=2, arrival_rate=0.1, mean_service=16.0)
    summary = simulate(day)
    assert summary.mean_wait.high < steady.mean_wait
    # docs/planning.md: about 45 % less (15.6 against 28.4 minutes).
    assert 0.45 < summary.mean_wait.mean / steady.mean_wait < 0.65
