"""Tests for socium.metrics.polarization: closed forms for two-point and uniform distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from socium.metrics.opinion import opinion_clusters
from socium.metrics.polarization import (
    bimodality_coefficient,
    cluster_count,
    esteban_ray,
    gini,
    polarization_summary,
    variance,
)

# --------------------------------------------------------------------------- variance, gini


def test_variance_two_point_maximum():
    assert variance([0.0, 0.0, 1.0, 1.0]) == 0.25
    assert variance([0.3]) == 0.0


def test_variance_bad_input():
    with pytest.raises(ValueError, match="at least 1"):
        variance([])
    with pytest.raises(ValueError, match="finite"):
        variance([0.0, np.inf])


def test_gini_closed_forms():
    assert gini([0.0, 0.0, 0.0, 1.0]) == pytest.approx(0.75)  # one holds all: 1 - 1/n
    assert gini([2.0, 2.0, 2.0]) == 0.0
    assert math.isnan(gini([0.0, 0.0]))


def test_gini_matches_pairwise_definition():
    x = np.random.default_rng(3).exponential(size=200)
    pairwise = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini(x) == pytest.approx(pairwise)


def test_gini_negative_raises():
    with pytest.raises(ValueError, match="non-negative"):
        gini([1.0, -1.0])


# --------------------------------------------------------------------------- bimodality


@pytest.mark.parametrize("n", [4, 6, 10, 100, 1000])
@pytest.mark.parametrize(("a", "b"), [(0.0, 1.0), (-3.0, 5.5)])
def test_bimodality_two_equal_point_masses_closed_form(n, a, b):
    # m3 = 0 -> g = 0; m4/m2^2 = 1 -> k = -2(n-1)/(n-3);
    # BC = 1 / (3(n-1)^2/((n-2)(n-3)) - 2(n-1)/(n-3)) = (n-2)(n-3)/(n^2-1)
    x = np.repeat([a, b], n // 2)
    assert bimodality_coefficient(x) == pytest.approx((n - 2) * (n - 3) / (n * n - 1))


def test_bimodality_matches_scipy_moments_on_skewed_sample():
    x = np.random.default_rng(4).gamma(2.0, size=500)
    n = x.size
    g = stats.skew(x, bias=False)
    k = stats.kurtosis(x, bias=False)
    expected = (g**2 + 1) / (k + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    assert bimodality_coefficient(x) == pytest.approx(expected, rel=1e-10)


def test_bimodality_uniform_tends_to_five_ninths():
    x = np.linspace(0.0, 1.0, 200_001)
    assert bimodality_coefficient(x) == pytest.approx(5 / 9, abs=1e-4)


def test_bimodality_normal_about_one_third_and_bimodal_above_threshold():
    rng = np.random.default_rng(5)
    assert bimodality_coefficient(rng.normal(size=200_000)) == pytest.approx(1 / 3, abs=0.01)
    two_peaks = np.concatenate([rng.normal(0.1, 0.02, 5000), rng.normal(0.9, 0.02, 5000)])
    assert bimodality_coefficient(two_peaks) > 5 / 9


def test_bimodality_degenerate_and_bad_input():
    assert math.isnan(bimodality_coefficient([0.1] * 10))
    with pytest.raises(ValueError, match="at least 4"):
        bimodality_coefficient([0.0, 1.0, 0.5])


# --------------------------------------------------------------------------- Esteban-Ray


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0, 1.6])
def test_esteban_ray_two_equal_masses(alpha):
    # P = K * 2 * (1/2)^(1+alpha) * (1/2) * 1
    x = np.repeat([0.0, 1.0], 50)
    assert esteban_ray(x, alpha=alpha) == pytest.approx(2 * 0.5 ** (2 + alpha))
    assert esteban_ray(x, alpha=alpha, K=3.0) == pytest.approx(6 * 0.5 ** (2 + alpha))


def test_esteban_ray_alpha_zero_is_half_gini_mean_difference_example():
    assert esteban_ray([0.0, 0.0, 1.0, 1.0], alpha=0.0) == 0.5


def test_esteban_ray_point_mass_is_zero():
    assert esteban_ray(np.full(10, 0.37)) == 0.0
    assert esteban_ray(np.linspace(0, 1, 11), bins=1) == 0.0


def test_esteban_ray_three_groups_hand_worked():
    # shares (1/2, 1/4, 1/4) at y = (0, 1/2, 1), alpha = 1 (pi_i^2 pi_j |y_i - y_j|):
    # i=0: 1/4 * (1/4*1/2 + 1/4*1) = 3/32; i=1: 1/16 * (1/2*1/2 + 1/4*1/2) = 3/128;
    # i=2: 1/16 * (1/2*1 + 1/4*1/2) = 5/128  -> total 20/128 = 5/32
    x = np.array([0.0, 0.0, 0.5, 1.0])
    assert esteban_ray(x, alpha=1.0) == pytest.approx(5 / 32)
    assert esteban_ray(x, alpha=1.0, groups=np.array([4, 4, 0, 7])) == pytest.approx(5 / 32)


def test_esteban_ray_uses_group_mean_not_bin_centre():
    # bins=2 over (0,1): groups at means 0.02 and 0.98 -> 2 * 1/4 * 0.96 (centres would give 0.25)
    x = np.array([0.02, 0.02, 0.98, 0.98])
    assert esteban_ray(x, alpha=0.0, bins=2) == pytest.approx(0.48)


def test_esteban_ray_individual_groups_alpha_zero_is_mean_abs_difference():
    x = np.random.default_rng(6).random(300)
    expected = np.abs(x[:, None] - x[None, :]).mean()
    assert esteban_ray(x, alpha=0.0, groups=np.arange(x.size)) == pytest.approx(expected)


def test_esteban_ray_permutation_invariant_and_range():
    rng = np.random.default_rng(7)
    x = rng.uniform(-1.0, 1.0, 1000)
    p = esteban_ray(x, range=(-1.0, 1.0), bins=7)
    assert esteban_ray(rng.permutation(x), range=(-1.0, 1.0), bins=7) == pytest.approx(p)
    # range is inclusive at the top
    assert esteban_ray([0.0, 1.0], alpha=0.0, bins=4) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": -0.1}, "alpha"),
        ({"alpha": 1.7}, "alpha"),
        ({"K": 0.0}, "K must be"),
        ({"bins": 0}, "bins"),
        ({"range": (1.0, 0.0)}, "range"),
        ({"groups": np.array([0, 1])}, "groups must have shape"),
        ({"groups": np.array([0.0, 1.0, 1.0])}, "integer"),
        ({"groups": np.array([0, -1, 1])}, "non-negative"),
    ],
)
def test_esteban_ray_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        esteban_ray([0.1, 0.5, 0.9], **kwargs)


def test_esteban_ray_value_outside_range():
    with pytest.raises(ValueError, match="within range"):
        esteban_ray([0.5, 1.5])


# --------------------------------------------------------------------------- summary, clusters


def test_cluster_count_wraps_opinion_clusters():
    x = np.array([0.1, 0.1, 0.5, 0.9, 0.9])
    assert cluster_count(x, 0.05) == opinion_clusters(x, 0.05)[0] == 3
    assert cluster_count(x, 0.05, min_size=2) == 2


def test_polarization_summary_two_masses():
    x = np.repeat([0.0, 1.0], 5)
    s = polarization_summary(x, tol=0.1, bins=10, alpha=0.0)
    assert set(s) == {"variance", "bimodality", "esteban_ray", "clusters"}
    assert s["variance"] == 0.25
    assert s["bimodality"] == pytest.approx(8 * 7 / 99)
    assert s["esteban_ray"] == pytest.approx(0.5)
    assert s["clusters"] == 2


def test_polarization_summary_small_sample_bimodality_nan():
    s = polarization_summary([0.2, 0.8])
    assert math.isnan(s["bimodality"])
    assert s["clusters"] == 2
