"""Cross-check against the axelrod library (optional: ``pip install axelrod``; it pulls torch).

Every deterministic strategy that both libraries have must give identical match histories and
scores, with the classic and with the Akata et al. payoffs.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import socium.games as games

axl = pytest.importorskip("axelrod")  # importing axelrod (and torch) takes ~10 s

#: socium name -> axelrod class name (``defect_once`` has no axelrod counterpart).
DETERMINISTIC = {
    "cooperator": "Cooperator",
    "defector": "Defector",
    "tit_for_tat": "TitForTat",
    "tit_for_two_tats": "TitFor2Tats",
    "grudger": "Grudger",
    "alternator": "Alternator",
    "win_stay_lose_shift": "WinStayLoseShift",
    "suspicious_tit_for_tat": "SuspiciousTitForTat",
}


def axelrod_match(a: str, b: str, turns: int, game) -> tuple[np.ndarray, tuple[float, float]]:
    players = (getattr(axl, DETERMINISTIC[a])(), getattr(axl, DETERMINISTIC[b])())
    match = axl.Match(players, turns=turns, game=game)
    moves = match.play()
    hist = np.array([[int(x == axl.Action.D) for x in pair] for pair in moves], np.int8)
    return hist, tuple(float(s) for s in match.final_score())


@pytest.mark.parametrize(
    ("preset", "rstp"),
    [("prisoners_dilemma", (3, 0, 5, 1)), ("prisoners_dilemma_akata", (8, 0, 10, 5))],
)
def test_deterministic_matches_identical_to_axelrod(preset, rstp):
    r, s, t, p = rstp
    game = axl.Game(r=r, s=s, t=t, p=p)
    for a, b in itertools.product(DETERMINISTIC, repeat=2):
        hist, scores = axelrod_match(a, b, 25, game)
        ours = games.play_match(a, b, 25, payoffs=preset)
        np.testing.assert_array_equal(ours.history, hist, err_msg=f"{a} vs {b}")
        assert ours.scores == scores, f"{a} vs {b}"


def test_tournament_payoff_matrix_matches_axelrod_matches():
    # the lock-step tournament must give every pair the score of axelrod's own match
    names = list(DETERMINISTIC)
    game = axl.Game()
    expected = np.empty((len(names), len(names)))
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            expected[i, j] = axelrod_match(a, b, 30, game)[1][0] / 30
    ours = games.round_robin(names, turns=30, repetitions=2, self_play=True).payoff_matrix
    np.testing.assert_allclose(ours, expected, atol=1e-12)
