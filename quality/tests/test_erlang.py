from __future__ import annotations

import math

import pytest

from quality.staffing.erlang import (
    compound_shrinkage,
    erlang_c,
    probability_wait,
    service_level,
)


def test_the_published_example_needs_fourteen_agents():
    # 100 calls per 30 minutes, AHT 180 s: 10 Erlangs; 80 % answered within 20 s.
    result = erlang_c(contacts=100, interval_s=1800, aht_s=180, target_sl=0.8, target_s=20)
    assert result.traffic == pytest.approx(10.0)
    assert result.agents == 14
    # The published worked example: 13 agents reach 79.6 % (just short), 14 reach 88.8 %
    # with P(wait) 17.4 %.
    assert service_level(10.0, 13, 20, 180) == pytest.approx(0.7956, abs=1e-3)
    assert result.service_level == pytest.approx(0.8884, abs=1e-3)
    assert probability_wait(10.0, 14) == pytest.approx(0.1741, abs=1e-3)
    assert probability_wait(10.0, 13) == pytest.approx(0.2853, abs=1e-3)
    assert result.average_wait_s == pytest.approx(0.1741 * 180 / 4, abs=0.1)
    assert result.occupancy == pytest.approx(10 / 14)


def test_very_large_traffic_does_not_overflow():
    # 2,000 calls per 30 minutes: 200 Erlangs; A^N/N! alone would overflow a float.
    result = erlang_c(contacts=2000, interval_s=1800, aht_s=180, target_sl=0.8, target_s=20)
    assert result.traffic == pytest.approx(200.0)
    assert 200 < result.agents < 230
    assert result.service_level >= 0.8
    assert service_level(200.0, result.agents - 1, 20, 180) < 0.8
    big = erlang_c(contacts=200_000, interval_s=1800, aht_s=180, target_sl=0.8, target_s=20)
    assert math.isfinite(big.average_wait_s)
    assert big.agents > 20_000


def _erlang_b_then_c(traffic, agents):
    """The textbook recursion, an independent check of the log-space formula."""
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


@pytest.mark.parametrize(("traffic", "agents"), [(10.0, 14), (200.0, 215), (3.5, 5), (950.0, 990)])
def test_log_space_matches_the_erlang_b_recursion(traffic, agents):
    assert probability_wait(traffic, agents) == pytest.approx(_erlang_b_then_c(traffic, agents))


def test_shrinkage_is_compounded_and_grosses_up_the_staff():
    assert compound_shrinkage([0.3, 0.1]) == pytest.approx(0.37)
    result = erlang_c(
        contacts=100,
        interval_s=1800,
        aht_s=180,
        target_sl=0.8,
        target_s=20,
        shrinkage=compound_shrinkage([0.3, 0.1]),
    )
    assert result.staff == math.ceil(14 / 0.63)


def test_no_traffic_needs_no_one_and_bad_input_is_refused():
    assert erlang_c(contacts=0, interval_s=900, aht_s=180, target_sl=0.8, target_s=20).agents == 0
    with pytest.raises(ValueError, match="interval"):
        erlang_c(contacts=10, interval_s=0, aht_s=180, target_sl=0.8, target_s=20)
    with pytest.raises(ValueError, match="service level"):
        erlang_c(contacts=10, interval_s=900, aht_s=180, target_sl=1.5, target_s=20)
    with pytest.raises(ValueError, match="fraction"):
        compound_shrinkage([1.2])
