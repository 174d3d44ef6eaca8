"""Erlang C against published examples and closed forms (docs/planning.md)."""

import math

import pytest

from schalter.planning.erlang import (
    UnstableQueue,
    erlang_b,
    erlang_c,
    servers_for_service_level,
)


def test_the_published_call_centre_example_to_1e_6():
    # 100 calls per 30 minutes, 180 s handling time, 14 agents (pyworkforce's README example,
    # the textbook Erlang C illustration): P(wait) 0.1741319, ASA 7.8359 s, 88.8 % within 20 s.
    result = erlang_c(servers=14, arrival_rate=100 / 1800, mean_service=180)
    assert result.offered_load == pytest.approx(10.0, abs=1e-12)
    assert abs(result.probability_of_waiting - 0.1741319) < 1e-6
    assert abs(result.mean_wait - 7.8359) < 1e-4
    assert abs(result.mean_wait - 0.1741319 * 180 / 4) < 1e-4
    assert round(result.service_level(20), 3) == 0.888
    assert result.utilisation == pytest.approx(10 / 14)


def test_staffing_examples_with_occupancy_cap_and_shrinkage():
    # pyworkforce: the same example needs 14 raw positions, 20 with 30 % shrinkage.
    example = dict(arrival_rate=100 / 1800, mean_service=180, target_wait=20, service_level=0.8)
    assert servers_for_service_level(**example) == 14
    assert servers_for_service_level(**example, shrinkage=0.3, max_occupancy=0.85) == 20
    # call-center-tools: 1,000 calls/h at 120 s, 80/20 → 40 agents; 58 with 30 % shrinkage.
    calls = dict(arrival_rate=1000 / 3600, mean_service=120, target_wait=20, service_level=0.8)
    assert servers_for_service_level(**calls, max_occupancy=0.85) == 40
    assert servers_for_service_level(**calls, max_occupancy=0.85, shrinkage=0.3) == 58


def test_one_desk_matches_the_mm1_closed_form():
    for rho in (0.1, 0.5, 0.75, 0.9, 0.99):
        result = erlang_c(servers=1, arrival_rate=rho, mean_service=1.0)
        assert result.probability_of_waiting == pytest.approx(rho, rel=1e-12)
        assert result.mean_wait == pytest.approx(rho / (1 - rho), rel=1e-12)
        assert result.mean_queue_length == pytest.approx(rho**2 / (1 - rho), rel=1e-12)


def test_two_desks_match_the_mm2_closed_form():
    rho = 0.857
    result = erlang_c(servers=2, arrival_rate=2 * rho, mean_service=1.0)
    assert result.probability_of_waiting == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)
    assert result.mean_wait == pytest.approx(rho**2 / (1 - rho**2), rel=1e-12)


def test_erlang_b_recursion_against_the_factorial_formula():
    for c, a in ((1, 0.5), (5, 3.0), (14, 10.0), (30, 25.0)):
        direct = (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))
        assert erlang_b(c, a) == pytest.approx(direct, rel=1e-12)


def test_hundreds_of_desks_stay_finite_and_sensible():
    result = erlang_c(servers=400, arrival_rate=390.0, mean_service=1.0)
    assert 0 < result.probability_of_waiting < 1
    assert math.isfinite(result.mean_wait)
    # Bigger pools at the same utilisation wait less (economies of scale).
    small = erlang_c(servers=4, arrival_rate=3.9, mean_service=1.0)
    assert result.probability_of_waiting < small.probability_of_waiting


def test_quantile_inverts_the_service_level():
    result = erlang_c(servers=14, arrival_rate=100 / 1800, mean_service=180)
    p90 = result.wait_quantile(0.9)
    assert result.service_level(p90) == pytest.approx(0.9, abs=1e-12)
    assert result.wait_quantile(0.5) == 0.0  # most do not wait at all


@pytest.mark.parametrize("servers, rate", [(1, 1.0), (2, 2.5), (14, 14.0)])
def test_utilisation_of_one_or_more_is_refused_as_unbounded(servers, rate):
    with pytest.raises(UnstableQueue, match="grows without bound"):
        erlang_c(servers=servers, arrival_rate=rate, mean_service=1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(servers=0, arrival_rate=1.0, mean_service=1.0),
        dict(servers=2, arrival_rate=-1.0, mean_service=1.0),
        dict(servers=2, arrival_rate=1.0, mean_service=0.0),
        dict(servers=2, arrival_rate=float("nan"), mean_service=1.0),
    ],
)
def test_bad_input_is_refused(kwargs):
    with pytest.raises(ValueError):
        erlang_c(**kwargs)
