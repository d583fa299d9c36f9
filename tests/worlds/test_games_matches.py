"""Matches of the games world: hand-computed scores, metrics, lengths, noise, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import socium.games as games
from socium.worlds.games.matches import draw_lengths
from socium.worlds.games.payoffs import PRESETS, generosity, make_game
from socium.worlds.games.strategies import STRATEGY_CLASSES

# Classic Prisoner's Dilemma: R = 3 (CC), S = 0 (C vs D), T = 5 (D vs C), P = 1 (DD).
# Tit-for-tat (first player) against every deterministic classic strategy, 10 turns, no noise.
TFT_VS = {
    # all CC: 10 * 3 = 30 each
    "cooperator": (30.0, 30.0),
    # TFT: C then D x9 -> 0 + 9 * 1 = 9;  ALLD: 5 + 9 * 1 = 14
    "defector": (9.0, 14.0),
    "tit_for_tat": (30.0, 30.0),
    "tit_for_two_tats": (30.0, 30.0),
    "grudger": (30.0, 30.0),
    # Alt: C D C D C D C D C D;  TFT: C C D C D C D C D C
    # round 1 CC 3/3; even rounds TFT C vs D 0/5 (x5); odd rounds 3..9 TFT D vs C 5/0 (x4)
    # TFT: 3 + 4 * 5 = 23;  Alt: 3 + 5 * 5 = 28
    "alternator": (23.0, 28.0),
    "win_stay_lose_shift": (30.0, 30.0),
    # STFT: D C D C ...;  TFT: C D C D ... -> odd rounds 0/5, even rounds 5/0: 25 each
    "suspicious_tit_for_tat": (25.0, 25.0),
    # DO: D C C ...; TFT: C D C ... -> 0/5, 5/0, then 8 x CC: 29 each
    "defect_once": (29.0, 29.0),
    # GTFT never meets a defection: all CC
    "generous_tit_for_tat": (30.0, 30.0),
}


@pytest.mark.parametrize(("other", "expected"), list(TFT_VS.items()))
def test_tit_for_tat_against_every_classic_strategy(other, expected):
    r = games.play_match("tit_for_tat", other, 10)
    assert r.scores == expected
    assert r.history.shape == (10, 2)
    assert r.history.dtype == np.int8
    # TFT copies the other's previous move
    np.testing.assert_array_equal(r.history[1:, 0], r.history[:-1, 1])
    assert r.payoffs.sum(axis=0).tolist() == list(expected)


def test_histories_of_hand_checked_matches():
    alt = games.play_match("tit_for_tat", "alternator", 6).history
    assert alt[:, 1].tolist() == [0, 1, 0, 1, 0, 1]
    assert alt[:, 0].tolist() == [0, 0, 1, 0, 1, 0]
    # TF2T defects only after two consecutive defections: against ALLD, C C D D ...
    assert games.play_match("tit_for_two_tats", "defector", 5).history[:, 0].tolist() == [
        0,
        0,
        1,
        1,
        1,
    ]
    # WSLS vs ALLD: C (sucker, shift) D (DD: shift) C D ...
    assert games.play_match("win_stay_lose_shift", "defector", 5).history[:, 0].tolist() == [
        0,
        1,
        0,
        1,
        0,
    ]
    # grudger vs defect_once: C D D D / D C C C -> grudger never forgives
    h = games.play_match("grudger", "defect_once", 4).history
    assert h.tolist() == [[0, 1], [1, 0], [1, 0], [1, 0]]
    assert games.play_match("grudger", "defect_once", 4).moves()[0] == ("C", "D")


def test_random_against_tit_for_tat_is_copied_and_deterministic():
    a = games.play_match("random", "tit_for_tat", 200, seed=5)
    b = games.play_match("random", "tit_for_tat", 200, seed=5)
    c = games.play_match("random", "tit_for_tat", 200, seed=6)
    np.testing.assert_array_equal(a.history, b.history)
    assert not np.array_equal(a.history, c.history)
    np.testing.assert_array_equal(a.history[1:, 1], a.history[:-1, 0])
    assert 0.35 < a.metrics["cooperation_rate"][0] < 0.65


def test_generous_tft_forgives_with_its_generosity():
    assert generosity(PRESETS["prisoners_dilemma"]) == pytest.approx(1 / 3)
    # Akata 8/0/10/5: min(1 - 2/8, 3/5) = 0.6
    assert generosity(PRESETS["prisoners_dilemma_akata"]) == pytest.approx(0.6)
    r = games.play_match("generous_tit_for_tat", "defector", 3001, seed=1)
    # 3000 rounds after a defection, each forgiven with probability 1/3 (sd ~ 0.0086)
    assert r.metrics["forgiveness"][0] == pytest.approx(1 / 3, abs=0.035)
    always = games.play_match("generous_tit_for_tat", "defector", 20, generosity=1.0)
    assert always.metrics["cooperation_rate"][0] == 1.0


def test_forgiveness_retaliation_and_cooperation_by_hand():
    # DO: D C C C C;  TFT: C D C C C
    r = games.play_match("tit_for_tat", "defect_once", 5)
    m = r.metrics
    assert m["cooperation_rate"] == (4 / 5, 4 / 5)
    # TFT: one round after the other's defection (t = 2), it defected -> forgiveness 0/1
    # DO: one round after TFT's defection (t = 3), it cooperated -> 1/1
    assert m["forgiveness"] == (0.0, 1.0)
    # TFT: C at t-1 = 1 and the other D -> D at t = 2: retaliation 1/1
    # DO: C at t-1 = 2 while TFT played D -> C at 3: retaliation 0/1
    assert m["retaliation"] == (1.0, 0.0)
    # ALLD never sees a defection: forgiveness undefined
    assert np.isnan(games.play_match("defector", "cooperator", 5).metrics["forgiveness"][0])


def test_battle_of_the_sexes_payoffs_and_alternation():
    # AA pays 10 to the first player and 7 to the second; BB the reverse; else 0
    r = games.play_match("alternator", "alternator", 5, payoffs="battle_of_the_sexes")
    # A A | B B | A A | B B | A A -> first: 3 * 10 + 2 * 7 = 44; second: 3 * 7 + 2 * 10 = 41
    assert r.scores == (44.0, 41.0)
    assert r.metrics["alternation_success"] == (1.0, 1.0)
    assert r.labels == ("A", "B")
    stuck = games.play_match("alternator", "cooperator", 5, payoffs="battle_of_the_sexes")
    # A/A 10, B/A 0, A/A 10, B/A 0, A/A 10 -> 30; the cooperator never switches: 0 success
    assert stuck.scores == (30.0, 21.0)
    assert stuck.metrics["alternation_success"] == (0.0, 0.0)


def test_custom_and_akata_payoffs():
    r = games.play_match("tit_for_tat", "defector", 4, payoffs="prisoners_dilemma_akata")
    # 0 + 3 * 5 = 15 against 10 + 3 * 5 = 25
    assert r.scores == (15.0, 25.0)
    r = games.play_match("cooperator", "defector", 2, payoffs=[[2, -1], [4, 0]])
    assert r.scores == (-2.0, 8.0)
    g = make_game(np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]))
    assert not g.symmetric and g.name == "custom"
    assert games.play_match("cooperator", "cooperator", 1, payoffs=g).scores == (1.0, 5.0)


def test_continuation_probability_gives_geometric_lengths():
    rng = np.random.default_rng(0)
    w = 0.9
    lengths = draw_lengths(40_000, rng, None, w)
    assert lengths.min() == 1
    # mean 1 / (1 - w) = 10, sd sqrt(w) / (1 - w) = 9.49, standard error 0.047
    assert lengths.mean() == pytest.approx(10.0, abs=0.2)
    # P(L = 1) = 1 - w = 0.1 (standard error 0.0015)
    assert np.mean(lengths == 1) == pytest.approx(0.1, abs=0.007)
    assert draw_lengths(10_000, rng, 5, w).max() == 5
    r = games.play_match("cooperator", "cooperator", continuation_probability=0.0, seed=3)
    assert r.turns == 1
    lens = [
        games.play_match("tit_for_tat", "grudger", continuation_probability=0.5, seed=s).turns
        for s in range(400)
    ]
    # mean 2, sd sqrt(0.5) / 0.5 = 1.41; standard error 0.07
    assert np.mean(lens) == pytest.approx(2.0, abs=0.3)


def test_noise_flips_moves_at_the_given_rate():
    res = games.round_robin(["cooperator", "defector"], 10, 10_000, noise=0.1, seed=0)
    coop = dict(zip(res.ranking["strategy"], res.ranking["cooperation_rate"], strict=True))
    # 100 000 intended moves each: sd of the rate sqrt(0.09 / 1e5) = 0.00095
    assert coop["cooperator"] == pytest.approx(0.9, abs=0.004)
    assert coop["defector"] == pytest.approx(0.1, abs=0.004)
    r = games.play_match("cooperator", "cooperator", 20, noise=1.0)
    assert (r.history == 1).all()


def test_every_strategy_is_named_in_snake_case():
    expected = {
        "cooperator",
        "defector",
        "tit_for_tat",
        "tit_for_two_tats",
        "grudger",
        "alternator",
        "random",
        "win_stay_lose_shift",
        "generous_tit_for_tat",
        "suspicious_tit_for_tat",
        "defect_once",
    }
    assert set(STRATEGY_CLASSES) == expected


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"a": "nice", "b": "defector", "turns": 3}, "unknown strategy 'nice'; allowed: coop"),
        ({"a": "cooperator", "b": "defector", "turns": 3, "payoffs": [[1, 2, 3]]}, "shape"),
        ({"a": "cooperator", "b": "defector", "turns": 3, "payoffs": "snowdrift"}, "allowed"),
        ({"a": "cooperator", "b": "defector", "turns": 0}, "turns"),
        ({"a": "cooperator", "b": "defector"}, "turns"),
        ({"a": "cooperator", "b": "defector", "turns": 3, "noise": 1.5}, "noise"),
        (
            {"a": "cooperator", "b": "defector", "continuation_probability": 1.0},
            "continuation_probability",
        ),
    ],
)
def test_bad_input_names_the_problem(kwargs, match):
    with pytest.raises(ValueError, match=match):
        games.play_match(**kwargs)
