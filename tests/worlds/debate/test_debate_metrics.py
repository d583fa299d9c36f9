"""Debate metrics on hand-built transcripts whose answers are worked out by hand."""

import math

import numpy as np
import pytest

from socium.worlds.debate.metrics import (
    default_drift,
    delta_sd,
    group_sd,
    opinion_shift,
    partner_slope,
    public_private_gap,
    regression_to_mean,
    summarize,
)


def test_delta_sd_by_hand():
    # group 0: 1,2,5,6 (SD sqrt(4.25)) -> 3,3,4,4 (SD 0.5); group 1: 2,2 -> 1,5 (0 -> 2)
    before = np.array([1.0, 2.0, 5.0, 6.0, 2.0, 2.0])
    after = np.array([3.0, 3.0, 4.0, 4.0, 1.0, 5.0])
    group = np.array([0, 0, 0, 0, 1, 1])
    got = delta_sd(before, after, group)
    assert got == pytest.approx([0.5 - math.sqrt(4.25), 2.0])


def test_delta_sd_uses_only_agents_with_both_reports():
    before = np.array([1.0, 5.0, 3.0])
    after = np.array([2.0, 4.0, np.nan])
    assert delta_sd(before, after, np.zeros(3, np.int64)).tolist() == [-1.0]


def test_group_sd_empty_group_is_nan():
    sd = group_sd(np.array([1.0, np.nan]), np.array([0, 1]), 3)
    assert sd[0] == 0.0 and np.isnan(sd[1]) and np.isnan(sd[2])


def test_regression_to_the_mean_by_hand():
    # x0 = 1,2,5,6; change = 1,0,0,-1: cov = -5, var(x0) = 17, var(change) = 2 (sums)
    got = regression_to_mean(np.array([1.0, 2.0, 5.0, 6.0]), np.array([2.0, 2.0, 5.0, 5.0]))
    assert got == pytest.approx(-5 / math.sqrt(17 * 2))
    # extremes moving outward is the opposite sign (polarisation)
    out = regression_to_mean(np.array([2.0, 3.0, 4.0, 5.0]), np.array([1.0, 3.0, 4.0, 6.0]))
    assert out > 0.9


def test_regression_to_the_mean_constant_change_is_nan():
    assert math.isnan(regression_to_mean(np.array([1.0, 4.0]), np.array([2.0, 5.0])))


def test_partner_slope_by_hand():
    # gaps 4,-4,4,-4 and changes 1,-1,1,-1: slope 16/64
    x = np.array([[1.0, 5.0, 2.0, 6.0], [2.0, 4.0, 3.0, 5.0]])
    assert partner_slope(x, np.array([[1, 0, 3, 2]])) == pytest.approx(0.25)


def test_partner_slope_full_adoption_and_unpaired_agents_ignored():
    # agents 0, 1 swap opinions (adopt the partner's: slope 1); agent 2 has no partner and a
    # change that would break the line if it were counted
    x = np.array([[1.0, 4.0, 6.0], [4.0, 1.0, 1.0], [1.0, 4.0, 1.0]])
    partners = np.array([[1, 0, -1], [1, 0, -1]])
    assert partner_slope(x, partners) == pytest.approx(1.0)
    by_group = partner_slope(x, partners, np.array([0, 0, 1]))
    assert by_group[0] == pytest.approx(1.0) and np.isnan(by_group[1])


def test_default_drift_shift_and_gap():
    assert default_drift(np.array([1.0, 6.0]), np.array([3.0, 5.0]), 4.0) == 1.5
    assert default_drift(np.array([4.0, 4.0]), np.array([1.0, 6.0]), 4.0) == -2.5
    assert opinion_shift(np.array([1.0, 5.0]), np.array([2.0, 3.0])) == (1.5, -0.5)
    assert public_private_gap(np.array([5.0, 2.0]), np.array([3.0, 2.0])) == 1.0


def test_summarize_hand_built_debate():
    # one group of 4, two rounds; partners (0,1),(2,3) then (0,2),(1,3)
    opinions = np.array(
        [[1.0, 3.0, 4.0, 6.0], [2.0, 3.0, 4.0, 5.0], [3.0, 3.0, 4.0, 4.0]], dtype=float
    )
    stances = np.array([[2.0, 3.0, 4.0, 5.0], [3.0, 3.0, 4.0, 4.0]])
    partners = np.array([[1, 0, 3, 2], [2, 3, 0, 1]])
    out = summarize(opinions, stances, partners, np.zeros(4, np.int64), default=3.0)
    sd0 = np.std([1, 3, 4, 6])
    assert out["delta_sd_private"] == pytest.approx(0.5 - sd0)
    assert out["delta_sd_public"] == pytest.approx(0.5 - np.std([2, 3, 4, 5]))
    assert out["shift_private"] == pytest.approx(1.0)
    assert out["shift_private_signed"] == pytest.approx(0.0)
    assert out["regression_to_mean"] < -0.9
    assert out["public_private_gap"] == 0.0
    # round 1: gaps 2,-2,2,-2 -> changes 1,0,0,-1; round 2: gaps 2,2,-2,-2 -> 1,0,0,-1
    assert out["partner_slope"] == pytest.approx(0.25)
    assert out["default_drift"] == pytest.approx(np.mean([2 - 0, 0 - 0, 1 - 1, 3 - 1]))
    assert out["rounds"] == 2 and out["groups"] == 1
    assert out["delta_sd_private_by_group"] == [pytest.approx(0.5 - sd0)]
