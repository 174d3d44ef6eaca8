"""The simulated office day: the engines agree, and the queue's rules hold client by client."""

import random

import pytest

from schalter.planning.simulator import (
    Appointments,
    Client,
    DeskSpec,
    Drawn,
    Interpreter,
    Punctuality,
    Scenario,
    ServiceTime,
    WalkIns,
    clients_draw,
    estimate,
    measure,
    replication_run,
    run_events,
    run_mmc,
    run_simpy,
    simulate,
    t975,
)

MMC = Scenario(
    desks=tuple(DeskSpec(f"d{i}") for i in range(3)),
    open_minutes=600,
    service_times={"any": ServiceTime("exponential", 10)},
    walk_ins=(WalkIns("any", (15.0,)),),
    replications=5,
)

OFFICE = Scenario(
    desks=tuple(
        DeskSpec(
            f"d{i}",
            frozenset({"permit", "visa"}) if i % 2 else None,
            start_minute=30.0 if i == 4 else 0.0,
            end_minute=300.0 if i == 5 else None,
            breaks=((240.0, 270.0),) if i % 3 == 0 else (),
        )
        for i in range(20)
    ),
    open_minutes=480,
    service_times={
        "permit": ServiceTime("lognormal", 12, 8),
        "visa": ServiceTime("exponential", 9),
        "passport": ServiceTime("empirical", values=(5.0, 10.0, 20.0)),
    },
    walk_ins=(
        WalkIns("permit", (120, 80, 60, 50, 40, 30, 30, 20), urgent_share=0.05),
        WalkIns("passport", (10,)),
    ),
    appointments=(
        Appointments(
            "visa",
            tuple(float(m) for m in range(0, 460, 2)),
            no_show=0.1,
            persons=((1, 0.8), (2, 0.2)),
        ),
    ),
    interpreter=Interpreter(0.1, 1.5),
    replications=5,
)


def starts(scenario, index, runner):
    drawn = clients_draw(scenario, random.Random(f"{scenario.seed}/{index}"))
    outcome = runner(scenario, drawn.clients)
    return [(c.id, c.start) for c in drawn.clients], measure(scenario, drawn, outcome)


@pytest.mark.parametrize("index", range(3))
def test_the_three_engines_agree_client_by_client_on_mmc(index):
    fast, fast_figures = starts(MMC, index, run_mmc)
    events, event_figures = starts(MMC, index, run_events)
    simpy, simpy_figures = starts(MMC, index, run_simpy)
    assert [c for c, _ in fast] == [c for c, _ in events]
    assert [t for _, t in fast] == pytest.approx([t for _, t in events])
    assert events == simpy
    assert fast_figures.utilisation == pytest.approx(event_figures.utilisation)
    assert fast_figures.idle_desk_minutes == pytest.approx(event_figures.idle_desk_minutes)
    assert event_figures == simpy_figures


@pytest.mark.parametrize("index", range(3))
def test_event_list_and_simpy_agree_on_a_full_office_day(index):
    events, event_figures = starts(OFFICE, index, run_events)
    simpy, simpy_figures = starts(OFFICE, index, run_simpy)
    assert events == simpy
    assert event_figures == simpy_figures
    assert 600 < event_figures.served < 900 and event_figures.no_shows > 0


def test_replications_are_reproducible_by_seed_and_differ_between_seeds():
    assert replication_run(OFFICE, 0).waits == replication_run(OFFICE, 0).waits
    assert replication_run(OFFICE, 0).waits != replication_run(OFFICE, 1).waits


def plain(desks, *clients, **scenario):
    base = Scenario(
        desks=desks,
        open_minutes=100,
        service_times={"a": ServiceTime("fixed", 10), "b": ServiceTime("fixed", 10)},
        walk_ins=(WalkIns("a", (1.0,)),),
        **scenario,
    )
    listed = list(clients)
    for i, c in enumerate(listed):
        c.id = i
    for runner in (run_events, run_simpy):
        for c in listed:
            c.start, c.desk = float("inf"), -1
        runner(base, listed)
        yield {c.id: c.start for c in listed}


def test_an_appointment_due_now_is_called_before_earlier_walk_ins():
    # One desk busy until 10; a walk-in came at 1, the appointment for 20 arrives at 2: at 10 the
    # appointment is due (within 15 minutes) and goes first, as in queue_order.queue_rank.
    for started in plain(
        (DeskSpec("d"),),
        Client(0.0, "a", 10.0),
        Client(1.0, "a", 10.0),
        Client(2.0, "a", 10.0, appointment=20.0),
    ):
        assert started == {0: 0.0, 1: 20.0, 2: 10.0}


def test_an_early_appointment_waits_in_arrival_order_until_due():
    for started in plain(
        (DeskSpec("d"),),
        Client(0.0, "a", 10.0),
        Client(1.0, "a", 10.0, appointment=60.0),  # 50 minutes early: not due at 10
        Client(2.0, "a", 10.0),
    ):
        assert started == {0: 0.0, 1: 10.0, 2: 20.0}


def test_urgent_clients_go_before_normal_ones_but_after_a_due_appointment():
    for started in plain(
        (DeskSpec("d"),),
        Client(0.0, "a", 10.0),
        Client(1.0, "a", 10.0),
        Client(2.0, "a", 10.0, urgent=True),
        Client(3.0, "a", 10.0, appointment=15.0),
    ):
        assert started == {0: 0.0, 3: 10.0, 2: 20.0, 1: 30.0}


def test_a_desk_calls_only_its_services_and_takes_its_breaks():
    desks = (DeskSpec("only b", frozenset({"b"}), breaks=((5.0, 30.0),)), DeskSpec("all"))
    for started in plain(
        desks,
        Client(0.0, "a", 10.0),  # "all" takes it
        Client(1.0, "a", 10.0),  # waits for "all": "only b" does not serve a
        Client(6.0, "b", 10.0),  # "only b" is on its break from 5 to 30 → "all" at 20
        Client(7.0, "b", 10.0),  # "only b" back at 30
    ):
        assert started == {0: 0.0, 1: 10.0, 2: 20.0, 3: 30.0}


def test_a_service_running_into_a_break_shortens_it_and_late_clients_are_still_served():
    desks = (DeskSpec("d", breaks=((5.0, 12.0),)),)
    for started in plain(
        desks, Client(0.0, "a", 20.0), Client(1.0, "a", 10.0), Client(99.0, "a", 10.0)
    ):
        assert started == {0: 0.0, 1: 20.0, 2: 99.0}


def test_a_desk_leaving_early_leaves_its_queue_unserved():
    desks = (DeskSpec("d", end_minute=15.0),)
    for started in plain(desks, Client(0.0, "a", 10.0), Client(1.0, "a", 10.0)):
        assert started == {0: 0.0, 1: 10.0}
    for started in plain(desks, Client(0.0, "a", 16.0), Client(1.0, "a", 10.0)):
        assert started[1] == float("inf")


def test_no_shows_persons_and_interpreters_change_the_work():
    base = Scenario(
        desks=(DeskSpec("d"),),
        open_minutes=480,
        service_times={"a": ServiceTime("fixed", 10)},
        appointments=(
            Appointments("a", tuple([0.0] * 4000), no_show=0.25, persons=((1, 0.5), (3, 0.5))),
        ),
    )
    drawn = clients_draw(base, random.Random(1))
    assert 900 < drawn.no_shows < 1100
    assert {c.work for c in drawn.clients} == {10.0, 30.0}
    with_interpreters = Scenario(**{**base.__dict__, "interpreter": Interpreter(1.0, 1.5)})
    assert {c.work for c in clients_draw(with_interpreters, random.Random(1)).clients} == {
        15.0,
        45.0,
    }


def test_punctuality_and_hourly_rates_shape_arrivals():
    scenario = Scenario(
        desks=(DeskSpec("d"),),
        open_minutes=180,
        service_times={"a": ServiceTime("fixed", 1)},
        walk_ins=(WalkIns("a", (600.0, 0.0, 60.0)),),
        appointments=(Appointments("a", (100.0,) * 2000, punctuality=Punctuality(-4.0, 2.0)),),
    )
    drawn = clients_draw(scenario, random.Random(3))
    walk_ins = [c for c in drawn.clients if c.appointment is None]
    by_hour = [sum(1 for c in walk_ins if c.hour == h) for h in range(3)]
    assert 500 < by_hour[0] < 700 and by_hour[1] == 0 and 30 < by_hour[2] < 95
    early = [c.arrival - c.appointment for c in drawn.clients if c.appointment is not None]
    assert -4.3 < sum(early) / len(early) < -3.7


def test_every_figure_comes_with_a_confidence_interval():
    summary = simulate(OFFICE)
    figures = summary.as_dict()
    for name in ("mean_wait_minutes", "p90_wait_minutes", "utilisation", "served"):
        low, high = figures[f"{name}_ci"]
        assert low <= figures[name] <= high and low < high
    assert figures["replications"] == 5
    assert set(figures["per_service"]) == {"permit", "visa", "passport"}
    assert "0" in figures["per_hour"]
    assert set(figures["per_hour"]["0"]) == {"mean_wait_minutes", "p90_wait_minutes", "served"}


def test_t_quantiles():
    assert t975(1) == 12.706 and t975(19) == 2.093 and t975(30) == 2.042
    assert t975(60) == pytest.approx(2.000, abs=1e-3)
    assert t975(120) == pytest.approx(1.980, abs=1e-3)
    assert t975(100000) == pytest.approx(1.95996, abs=1e-4)
    single = estimate([1.0, 2.0, 3.0])
    assert single.mean == 2.0 and single.half_width == pytest.approx(4.303 * 1 / 3**0.5)


def test_utilisation_and_idle_time_add_up():
    run = replication_run(OFFICE, 0)
    assert 0 < run.utilisation <= 1 and run.idle_desk_minutes >= 0
    unused = Drawn([], 0)
    empty = measure(OFFICE, unused, run_events(OFFICE, []))
    staffed = sum(min(e, 480) - s for d in OFFICE.desks for s, e in d.shifts(480))
    assert empty.idle_desk_minutes == pytest.approx(staffed) and empty.served == 0
    assert measure(OFFICE, unused, run_simpy(OFFICE, [])).idle_desk_minutes == pytest.approx(
        staffed
    )
