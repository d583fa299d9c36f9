"""Round-robin tournaments: rankings and payoff matrices worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

import socium.games as games

FIELD = ["cooperator", "defector", "tit_for_tat"]


def scores(table):
    return dict(zip(table["strategy"], table["score_per_turn"], strict=True))


@pytest.mark.parametrize("turns", [1, 2, 5, 50])
def test_without_self_play_the_defector_wins(turns):
    # T turns per match, classic payoffs:
    #   C vs D: 0 / 5T;  C vs TFT: 3T / 3T;  D vs TFT: 5 + (T - 1) / (T - 1)
    # totals over 2T rounds each: C 3T, D 6T + 4, TFT 4T - 1
    t = turns
    table = games.tournament(FIELD, turns=t, repetitions=2, seed=0)
    s = scores(table)
    assert s["cooperator"] == pytest.approx(3 * t / (2 * t))
    assert s["defector"] == pytest.approx((6 * t + 4) / (2 * t))
    assert s["tit_for_tat"] == pytest.approx((4 * t - 1) / (2 * t))
    assert table["strategy"].iloc[0] == "defector"
    # TFT (2 - 1/(2T)) beats the cooperator (1.5) for T > 1 and ties it in a one-shot game
    assert table["rank"].tolist() == ([1, 2, 2] if t == 1 else [1, 2, 3])
    assert list(table.columns[:4]) == ["rank", "strategy", "score_per_turn", "cooperation_rate"]


@pytest.mark.parametrize(
    ("turns", "winner"), [(1, "defector"), (2, "defector"), (3, "tit_for_tat"), (10, "tit_for_tat")]
)
def test_with_self_play_tit_for_tat_wins_once_the_future_matters(turns, winner):
    # self-play adds C vs C (3T each side), D vs D (T each side), TFT vs TFT (3T each side);
    # over 4T rounds: C 9T / 4T = 2.25;  D (8T + 4) / 4T = 2 + 1/T;  TFT (10T - 1) / 4T.
    # D beats TFT iff 2 + 1/T > 2.5 - 1/(4T) iff T < 2.5.
    t = turns
    table = games.tournament(FIELD, turns=t, self_play=True, seed=0)
    s = scores(table)
    assert s["cooperator"] == pytest.approx(2.25)
    assert s["defector"] == pytest.approx(2 + 1 / t)
    assert s["tit_for_tat"] == pytest.approx((10 * t - 1) / (4 * t))
    assert table["strategy"].iloc[0] == winner


def test_payoff_and_cooperation_matrices():
    res = games.round_robin(FIELD, turns=10, self_play=True)
    expected = np.array(
        [
            [3.0, 0.0, 3.0],
            [5.0, 1.0, 1.4],  # D vs TFT: (5 + 9) / 10
            [3.0, 0.9, 3.0],  # TFT vs D: 9 / 10
        ]
    )
    np.testing.assert_allclose(res.payoff_matrix, expected)
    np.testing.assert_allclose(res.cooperation_matrix[2], [1.0, 0.1, 1.0])
    no_self = games.round_robin(FIELD, turns=10).payoff_matrix
    assert np.isnan(np.diag(no_self)).all()
    assert res.strategies == FIELD


def test_ties_share_a_rank():
    table = games.tournament(["cooperator", "tit_for_tat", "grudger"], turns=5)
    assert table["rank"].tolist() == [1, 1, 1]
    assert table["score_per_turn"].tolist() == [3.0, 3.0, 3.0]


def test_asymmetric_games_play_both_orders():
    # Battle of the Sexes: every ordered pair plays, so roles are balanced.
    res = games.round_robin(["cooperator", "defector"], turns=1, payoffs="battle_of_the_sexes")
    # cooperator (always A) vs defector (always B): miscoordination, 0 both ways
    np.testing.assert_array_equal(res.payoff_matrix, [[np.nan, 0.0], [0.0, np.nan]])
    assert res.ranking["matches"].tolist() == [2, 2]
    res = games.round_robin(["alternator"], turns=4, self_play=True, payoffs="battle_of_the_sexes")
    # AA BB AA BB: (10 + 7 + 10 + 7 both sides) / 8 rounds = 8.5
    assert res.payoff_matrix[0, 0] == pytest.approx(8.5)
    assert res.metrics["alternation_success"] == 1.0


def test_tournament_is_deterministic_and_vectorized_across_repetitions():
    field = ["random", "generous_tit_for_tat", "tit_for_tat", "win_stay_lose_shift"]
    a = games.tournament(field, turns=50, repetitions=5, noise=0.05, seed=9)
    b = games.tournament(field, turns=50, repetitions=5, noise=0.05, seed=9)
    c = games.tournament(field, turns=50, repetitions=5, noise=0.05, seed=10)
    assert a.equals(b)
    assert not a.equals(c)


def test_tournament_bad_input():
    with pytest.raises(ValueError, match="distinct"):
        games.tournament(["grudger", "grudger"], turns=3)
    with pytest.raises(ValueError, match="repetitions"):
        games.tournament(["grudger", "defector"], turns=3, repetitions=0)
    with pytest.raises(ValueError, match="allowed: cooperator"):
        games.tournament(["grudger", "tft"], turns=3)
