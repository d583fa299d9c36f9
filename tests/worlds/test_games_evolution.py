"""Replicator dynamics and the Moran process against closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import socium.games as games

PD = np.array([[3.0, 0.0], [5.0, 1.0]])


def test_replicator_one_shot_prisoners_dilemma_defection_takes_over():
    for x0 in ([0.99, 0.01], [0.5, 0.5], [0.01, 0.99]):
        _, x = games.replicator(PD, x0, t_max=60)
        assert x[-1, 1] == pytest.approx(1.0, abs=1e-6)
    # all-C is a fixed point, but unstable: it stays only if no defector is present
    _, x = games.replicator(PD, [1.0, 0.0], t_max=10)
    assert x[-1].tolist() == [1.0, 0.0]


def test_replicator_matches_the_logistic_closed_form():
    # A = [[1, 1], [0, 0]]: (Ax)_1 - x'Ax = 1 - x1, so dx1/dt = x1 (1 - x1)
    # x1(t) = x0 e^t / (1 - x0 + x0 e^t)
    a = np.array([[1.0, 1.0], [0.0, 0.0]])
    t, x = games.replicator(a, [0.1, 0.9], t_max=5.0, dt=0.01)
    exact = 0.1 * np.exp(t) / (0.9 + 0.1 * np.exp(t))
    np.testing.assert_allclose(x[:, 0], exact, atol=1e-8)
    np.testing.assert_allclose(x.sum(axis=1), 1.0)


def test_replicator_interior_fixed_points():
    # x* = (a22 - a12) / (a11 - a12 - a21 + a22)
    chicken = games.PRESETS["chicken"].matrix()  # [[3, 1], [5, 0]] -> x* = -1 / -3 = 1/3
    for x0 in (0.05, 0.9):
        _, x = games.replicator(chicken, [x0, 1 - x0], t_max=80)
        assert x[-1, 0] == pytest.approx(1 / 3, abs=1e-6)  # stable (anti-coordination)
    stag = games.PRESETS["stag_hunt"].matrix()  # [[4, 0], [3, 3]] -> x* = 3 / 4, unstable
    _, up = games.replicator(stag, [0.8, 0.2], t_max=80)
    _, down = games.replicator(stag, [0.7, 0.3], t_max=80)
    assert up[-1, 0] == pytest.approx(1.0, abs=1e-6)
    assert down[-1, 0] == pytest.approx(0.0, abs=1e-6)
    _, rest = games.replicator(stag, [0.75, 0.25], t_max=20)
    assert rest[-1, 0] == pytest.approx(0.75, abs=1e-9)


def test_replicator_on_repeated_game_tournament_payoffs():
    # 10 turns, TFT vs ALLD: A = [[3, 0.9], [1.4, 1]] -> bistable, x* = 0.1 / 1.7
    res = games.round_robin(["tit_for_tat", "defector"], turns=10, self_play=True)
    a = res.payoff_matrix
    np.testing.assert_allclose(a, [[3.0, 0.9], [1.4, 1.0]])
    xs = 0.1 / 1.7
    _, hi = games.replicator(a, [xs + 0.01, 1 - xs - 0.01], t_max=200)
    _, lo = games.replicator(a, [xs - 0.01, 1 - xs + 0.01], t_max=200)
    assert hi[-1, 0] == pytest.approx(1.0, abs=1e-6)
    assert lo[-1, 0] == pytest.approx(0.0, abs=1e-6)


def test_moran_neutral_mutant_fixes_with_probability_one_over_n():
    n = 10
    assert games.moran_fixation_probability(np.ones((2, 2)), n) == pytest.approx(1 / n)
    # any matrix at zero intensity is neutral
    assert games.moran_fixation_probability(PD, n, intensity=0.0) == pytest.approx(1 / n)
    res = games.moran_process(
        np.ones((2, 2)), [1, n - 1], np.random.default_rng(0), replicates=20_000
    )
    assert (res.fixed >= 0).all()
    # sd sqrt(0.1 * 0.9 / 20000) = 0.0021
    assert res.fixation_probability(0) == pytest.approx(0.1, abs=0.0085)


def test_moran_constant_fitness_closed_form():
    # mutant fitness r, resident 1: rho = (1 - 1/r) / (1 - 1/r^N)
    r, n = 1.5, 8
    a = np.array([[r, r], [1.0, 1.0]])
    exact = (1 - 1 / r) / (1 - r**-n)
    assert games.moran_fixation_probability(a, n) == pytest.approx(exact)
    sim = games.moran_process(a, [1, n - 1], np.random.default_rng(1), replicates=20_000)
    # sd sqrt(0.34 * 0.66 / 20000) = 0.0034
    assert sim.fixation_probability(0) == pytest.approx(exact, abs=0.014)


def test_moran_simulation_matches_exact_frequency_dependent_fixation():
    a = games.round_robin(["tit_for_tat", "defector"], turns=10, self_play=True).payoff_matrix
    n = 12
    exact = games.moran_fixation_probability(a, n, mutant=0, resident=1, intensity=0.5)
    sim = games.moran_process(
        a, [1, n - 1], np.random.default_rng(2), replicates=20_000, intensity=0.5
    )
    sd = np.sqrt(exact * (1 - exact) / 20_000)
    assert sim.fixation_probability(0) == pytest.approx(exact, abs=4 * sd)
    # a defector invading TFT does worse than neutral (TFT is a strict Nash equilibrium)
    assert games.moran_fixation_probability(a, n, mutant=1, resident=0) < 1 / n


def test_evolution_bad_input():
    with pytest.raises(ValueError, match="square"):
        games.replicator(np.ones((2, 3)), [0.5, 0.5])
    with pytest.raises(ValueError, match="self_play"):
        games.replicator(games.round_robin(["defector", "grudger"], 3).payoff_matrix, [0.5, 0.5])
    with pytest.raises(ValueError, match="x0"):
        games.replicator(PD, [0.5, 0.6])
    with pytest.raises(ValueError, match="positive"):
        games.moran_process(-PD, [1, 1], np.random.default_rng(0))
