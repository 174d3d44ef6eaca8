"""Scenario files: the minimal form as-is, and every bad input refused before any work."""

import json

import pytest

from schalter.planning.scenario import (
    MAX_REPLICATIONS,
    ScenarioError,
    scenario_load,
    scenario_parse,
)

MINIMAL = {
    "desks": 2,
    "open_minutes": 480,
    "replications": 20,
    "seed": 1,
    "walk_ins": [{"service": "any", "rate_per_hour": 6.0}],
    "service_times": {"any": {"distribution": "exponential", "mean_minutes": 16}},
}


def with_(**changes):
    raw = json.loads(json.dumps(MINIMAL))
    raw.update(changes)
    return raw


def problems(raw) -> str:
    with pytest.raises(ScenarioError) as caught:
        scenario_parse(raw)
    return str(caught.value)


def test_the_minimal_form_is_a_plain_mmc_queue():
    scenario = scenario_load(json.dumps(MINIMAL))
    assert len(scenario.desks) == 2 and scenario.open_minutes == 480
    assert scenario.replications == 20 and scenario.seed == 1
    assert scenario.is_plain_fcfs() and scenario.engine_for_run() == "mmc"


def test_a_full_office_day_parses():
    scenario = scenario_parse(
        {
            "desks": [
                {"name": "A", "services": ["permit"], "breaks": [[240, 270]]},
                {"name": "B", "from_minute": 60, "until_minute": 300},
            ],
            "open_minutes": 360,
            "walk_ins": [{"service": "permit", "rates_per_hour": [12, 6, 3], "urgent_share": 0.1}],
            "appointments": [
                {
                    "service": "permit",
                    "from_minute": 0,
                    "until_minute": 120,
                    "every_minutes": 20,
                    "per_slot": 2,
                    "no_show": 0.1,
                    "persons": {"1": 0.8, "2": 0.2},
                    "punctuality": {"mean_minutes": -3, "sd_minutes": 4},
                }
            ],
            "service_times": {
                "permit": {"distribution": "lognormal", "mean_minutes": 12, "sd_minutes": 6}
            },
            "interpreter": {"share": 0.1, "time_factor": 1.6},
        }
    )
    assert len(scenario.appointments[0].starts) == 12  # 6 slots × 2
    assert scenario.desks[0].shifts(360) == [(0.0, 240.0), (270.0, float("inf"))]
    assert scenario.desks[1].shifts(360) == [(60.0, 300.0)]
    assert scenario.engine_for_run() == "events"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (with_(walk_ins=[{"service": "any"}]), "walk_ins[0].rate_per_hour: is missing"),
        (with_(walk_ins=[{"service": "any", "rate_per_hour": -1}]), "must be at least 0"),
        (with_(walk_ins=[{"service": "any", "rate_per_hour": "6"}]), "must be a number"),
        (with_(desks=0), "desks: at least one desk is needed"),
        (with_(walk_ins=[{"service": "visa", "rate_per_hour": 1}]), "unknown service 'visa'"),
        (with_(desks=[{"services": ["visa"]}]), "desks[0].services: unknown service 'visa'"),
        (with_(replications=MAX_REPLICATIONS + 1), f"must be at most {MAX_REPLICATIONS}"),
        (with_(replications=10**9), "asked for 1000000000"),
        (with_(rate=1), "rate: unknown field"),
        (with_(open_minutes=0), "open_minutes: must be above 0"),
        (with_(service_times={"any": {"distribution": "normal"}}), "must be one of"),
        (
            with_(desks=1, walk_ins=[{"service": "any", "rate_per_hour": 3.75}]),
            "grows without bound",
        ),
        (
            with_(desks=2, walk_ins=[{"service": "any", "rate_per_hour": 7.5}]),
            "grows without bound",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(raw, expected):
    assert expected in problems(raw)


def test_every_problem_is_listed_at_once():
    message = problems(with_(desks=0, open_minutes=-5, walk_ins=[{"service": "x"}]))
    assert "desks" in message and "open_minutes" in message and "walk_ins[0].service" in message


def test_too_much_work_is_refused_before_it_starts():
    raw = with_(replications=1000, walk_ins=[{"service": "any", "rate_per_hour": 6000}], desks=500)
    assert "exceed the bound" in problems(raw)


def test_not_json_is_refused():
    with pytest.raises(ScenarioError, match="not JSON"):
        scenario_load("{desks: 2")
