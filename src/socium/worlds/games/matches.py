r"""Many repeated 2x2 matches played in lock step, matches between two strategies, tournaments.

:class:`MatchSet` holds ``M`` matches as arrays of ``2M`` *sides* (one per player of a match):
side ``m`` is the first player (role 0) of match ``m`` and side ``m + M`` the second (role 1).
Each round, every ongoing match advances at once: one
:class:`~socium.worlds.games.strategies.History` for all sides, one vectorized call per
strategy, one payoff lookup. No Python loop runs over matches; the only loop is over rounds.

Metric counters per side follow ``docs/worlds/games.md`` (round :math:`t = 1, 2, \dots`,
:math:`a_t` my move, :math:`b_t` the other's, C = 0, D = 1):

* cooperation rate: :math:`\#\{t: a_t = C\} / \#\{t\}`;
* forgiveness: :math:`P(a_t = C \mid b_{t-1} = D)`;
* retaliation: :math:`P(a_t = D \mid b_{t-1} = D, a_{t-1} = C)`;
* alternation success (Battle of the Sexes): the share of rounds :math:`t \ge 3` in which
  :math:`a_t = b_t`, :math:`a_t \ne a_{t-1}` and :math:`b_t \ne b_{t-1}` (the players coordinate,
  and both switch from the previous round: they take turns).

Randomness: match lengths (continuation probability) are drawn first, then per round one uniform
number per ongoing side for stochastic strategies (only if the field has one) and one for the
trembles (only if ``noise > 0``), all from the one ``rng``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socium.worlds.games.payoffs import Game, generosity, make_game
from socium.worlds.games.strategies import History, Strategy, decide_mixed, make_strategies

__all__ = [
    "COUNTERS",
    "MatchResult",
    "MatchSet",
    "TournamentResult",
    "draw_lengths",
    "play_match",
    "rate",
    "round_robin",
    "tournament",
]

C, D = 0, 1

#: The integer counters kept per side (besides the float ``score``).
COUNTERS = (
    "rounds",
    "coop",
    "forgive_num",
    "forgive_den",
    "retal_num",
    "retal_den",
    "alt_num",
    "alt_den",
)


def rate(num: Any, den: Any) -> float:
    """``num / den`` as a float, NaN when ``den == 0``."""
    num, den = float(np.sum(num)), float(np.sum(den))
    return num / den if den > 0 else float("nan")


def draw_lengths(
    n: int,
    rng: np.random.Generator | None,
    turns: int | None,
    continuation_probability: float | None,
) -> np.ndarray:
    r"""Lengths of ``n`` matches: ``turns`` each, or geometric with a continuation probability.

    Notes
    -----
    With continuation probability :math:`w`, after every round the match goes on with
    probability :math:`w`, so the length :math:`L` is geometric,
    :math:`P(L = k) = w^{k-1} (1 - w)` for :math:`k \ge 1`, with mean :math:`1 / (1 - w)`
    (Axelrod 1984, the "shadow of the future"). ``turns``, if given, caps :math:`L`.
    """
    if continuation_probability is None:
        if turns is None or turns < 1:
            raise ValueError("turns: must be an integer >= 1 (or give continuation_probability)")
        return np.full(n, int(turns), np.int64)
    w = float(continuation_probability)
    if not 0.0 <= w < 1.0:
        raise ValueError(f"continuation_probability: must lie in [0, 1), got {w}")
    if rng is None:
        raise ValueError("continuation_probability needs a random generator")
    lengths = rng.geometric(1.0 - w, n).astype(np.int64)
    if turns is not None:
        if turns < 1:
            raise ValueError("turns: must be an integer >= 1")
        np.minimum(lengths, int(turns), out=lengths)
    return lengths


class MatchSet:
    """``M`` matches of one game, played in lock step (all start together).

    Parameters
    ----------
    game : Game
        The payoffs.
    lengths : numpy.ndarray
        Number of rounds of each match (int, >= 1).
    record : bool
        Keep every round's moves and payoffs (for :func:`play_match`; costs memory).

    Attributes
    ----------
    round : int
        Rounds played so far (the index of the next round).
    last, prev : numpy.ndarray
        int8 per side: the side's move one and two rounds ago (-1: none).
    defected : numpy.ndarray
        bool per side: whether the side has defected in this match.
    last_payoff : numpy.ndarray
        float64 per side: payoff of the previous round (NaN before the first).
    score : numpy.ndarray
        float64 per side: total payoff so far.
    counters : dict of numpy.ndarray
        int64 per side, see :data:`COUNTERS`.
    """

    def __init__(self, game: Game, lengths: np.ndarray, record: bool = False) -> None:
        self.game = game
        self.lengths = np.asarray(lengths, dtype=np.int64).copy()
        m = self.m = int(self.lengths.shape[0])
        s = 2 * m
        self.round = 0
        self.last = np.full(s, -1, np.int8)
        self.prev = np.full(s, -1, np.int8)
        self.defected = np.zeros(s, bool)
        self.last_payoff = np.full(s, np.nan)
        self.score = np.zeros(s)
        self.counters = {k: np.zeros(s, np.int64) for k in COUNTERS}
        self.roles = np.repeat(np.array([0, 1], np.int8), m)
        self.partner = np.concatenate([np.arange(m, s), np.arange(m)]).astype(np.int64)
        self.record = record
        self.moves_log: list[np.ndarray] = []
        self.payoff_log: list[np.ndarray] = []
        self._all = np.arange(s, dtype=np.int64)

    @property
    def finished(self) -> bool:
        """Whether every match has played all its rounds."""
        return self.m == 0 or self.round >= int(self.lengths.max())

    def active_sides(self) -> np.ndarray:
        """Sides of the ongoing matches: first players, then their partners in the same order."""
        if self.m and self.round < int(self.lengths.min()):
            return self._all
        on = np.flatnonzero(self.lengths > self.round)
        return np.concatenate([on, on + self.m])

    def history(self, sides: np.ndarray) -> History:
        """What the players of ``sides`` know (see :class:`History`)."""
        p = self.partner[sides]
        return History(
            round=np.full(sides.shape[0], self.round, np.int64),
            my_last=self.last[sides],
            my_prev=self.prev[sides],
            other_last=self.last[p],
            other_prev=self.prev[p],
            other_defected=self.defected[p],
            my_last_payoff=self.last_payoff[sides],
        )

    def play(
        self, sides: np.ndarray, intended: np.ndarray, flip: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Play one round of the matches of ``sides`` (as returned by :meth:`active_sides`).

        Parameters
        ----------
        sides : numpy.ndarray
            First players then their partners, in the same match order.
        intended : numpy.ndarray
            Intended moves (0 = C, 1 = D), aligned with ``sides``.
        flip : numpy.ndarray of bool, optional
            Trembles: where True the intended move is replaced by the other one.

        Returns
        -------
        moves, payoffs : numpy.ndarray
            The moves actually played (int8) and each side's payoff, aligned with ``sides``.
        """
        moves = np.asarray(intended, dtype=np.int8)
        if flip is not None:
            moves = moves ^ flip.astype(np.int8)
        half = sides.shape[0] // 2
        other = np.concatenate([moves[half:], moves[:half]])
        pay = self.game.payoffs[self.roles[sides], moves, other]
        my_last = self.last[sides]
        other_last = np.concatenate([my_last[half:], my_last[:half]])
        c = self.counters
        if self.round >= 1:
            od = other_last == D
            c["forgive_den"][sides] += od
            c["forgive_num"][sides] += od & (moves == C)
            rc = od & (my_last == C)
            c["retal_den"][sides] += rc
            c["retal_num"][sides] += rc & (moves == D)
        if self.round >= 2:
            c["alt_den"][sides] += 1
            c["alt_num"][sides] += (moves == other) & (moves != my_last) & (other != other_last)
        c["rounds"][sides] += 1
        c["coop"][sides] += moves == C
        self.score[sides] += pay
        self.defected[sides] |= moves == D
        self.prev[sides] = my_last
        self.last[sides] = moves
        self.last_payoff[sides] = pay
        self.round += 1
        if self.record:
            self.moves_log.append(moves.copy())
            self.payoff_log.append(pay.copy())
        return moves, pay

    def run(
        self,
        strategies: Sequence[Strategy],
        codes: np.ndarray,
        rng: np.random.Generator | None,
        noise: float = 0.0,
    ) -> None:
        """Play every match to its end; side ``s`` plays ``strategies[codes[s]]``."""
        stochastic = any(s.stochastic for s in strategies)
        if (stochastic or noise > 0) and rng is None:
            raise ValueError("a random generator is needed for stochastic strategies or noise")
        sides = groups = None
        while not self.finished:
            now = self.active_sides()
            if sides is None or now.shape[0] != sides.shape[0]:
                sides = now
                sub = codes[sides]
                groups = [np.flatnonzero(sub == k) for k in range(len(strategies))]
            h = self.history(sides)
            u = rng.random(sides.shape[0]) if stochastic else None
            intended = decide_mixed(strategies, codes[sides], h, u, groups)
            flip = rng.random(sides.shape[0]) < noise if noise > 0 else None
            self.play(sides, intended, flip)


@dataclass(frozen=True)
class MatchResult:
    """The outcome of :func:`play_match`.

    Attributes
    ----------
    scores : tuple of float
        Total payoffs of the two players.
    history : numpy.ndarray
        int8, shape ``(turns, 2)``: the moves actually played, column 0 = first player,
        ``0`` = C (the game's first action), ``1`` = D.
    payoffs : numpy.ndarray
        float64, shape ``(turns, 2)``: each round's payoffs.
    labels : tuple of str
        Names of moves 0 and 1 in this game.
    metrics : dict
        ``cooperation_rate``, ``forgiveness``, ``retaliation`` and ``alternation_success``, each
        a pair (first player, second player).
    """

    scores: tuple[float, float]
    history: np.ndarray
    payoffs: np.ndarray
    labels: tuple[str, str] = ("C", "D")
    metrics: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def turns(self) -> int:
        """Number of rounds played."""
        return int(self.history.shape[0])

    def moves(self) -> list[tuple[str, str]]:
        """The history as pairs of move labels, e.g. ``[("C", "D"), ...]``."""
        lab = self.labels
        return [(lab[a], lab[b]) for a, b in self.history.tolist()]


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _params(game: Game, gen: float | None, random_p: float | None) -> dict[str, float]:
    return {"generosity": generosity(game) if gen is None else gen, "random_p": random_p}


def _check_noise(noise: float) -> float:
    noise = float(noise)
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise: must lie in [0, 1], got {noise}")
    return noise


def play_match(
    a: str | Strategy,
    b: str | Strategy,
    turns: int | None = None,
    *,
    payoffs: str | Game | Sequence | np.ndarray | None = None,
    seed: int | np.random.Generator | None = None,
    noise: float = 0.0,
    continuation_probability: float | None = None,
    generosity: float | None = None,
) -> MatchResult:
    r"""Play one repeated match between strategies ``a`` (first player) and ``b``.

    Parameters
    ----------
    a, b : str or Strategy
        Strategy names (see :data:`~socium.worlds.games.strategies.STRATEGY_CLASSES`).
    turns : int, optional
        Number of rounds; with ``continuation_probability`` an optional cap.
    payoffs : str, Game or array-like, optional
        A preset name, a 2x2 matrix ``[[R, S], [T, P]]`` or a 2x2x2 array
        (see :func:`~socium.worlds.games.payoffs.make_game`); default the classic Prisoner's
        Dilemma (R=3, S=0, T=5, P=1).
    seed : int or numpy.random.Generator, optional
        Seed of the match's random stream (random strategies, noise, length).
    noise : float
        Trembles: each intended move is replaced by the other move with this probability.
    continuation_probability : float, optional
        :math:`w`: the match length is geometric with mean :math:`1/(1-w)`.
    generosity : float, optional
        Generous tit-for-tat's probability of forgiving; default the Nowak-Sigmund value.

    Returns
    -------
    MatchResult
        ``.scores`` (the two totals) and ``.history`` (shape ``(turns, 2)``, 0 = C, 1 = D).

    Examples
    --------
    >>> r = play_match("tit_for_tat", "defector", turns=10)
    >>> r.scores  # 0 + 9 * 1 = 9 against 5 + 9 * 1 = 14
    (9.0, 14.0)
    >>> r.history[:2].tolist()
    [[0, 1], [1, 1]]
    """
    game = make_game(payoffs)
    rng = _rng(seed)
    noise = _check_noise(noise)
    lengths = draw_lengths(1, rng, turns, continuation_probability)
    strategies = make_strategies([a, b], _params(game, generosity, None))
    ms = MatchSet(game, lengths, record=True)
    ms.run(strategies, np.array([0, 1], np.int64), rng, noise)
    c = ms.counters
    metrics = {
        "cooperation_rate": tuple(rate(c["coop"][i], c["rounds"][i]) for i in (0, 1)),
        "forgiveness": tuple(rate(c["forgive_num"][i], c["forgive_den"][i]) for i in (0, 1)),
        "retaliation": tuple(rate(c["retal_num"][i], c["retal_den"][i]) for i in (0, 1)),
        "alternation_success": tuple(rate(c["alt_num"][i], c["alt_den"][i]) for i in (0, 1)),
    }
    return MatchResult(
        scores=(float(ms.score[0]), float(ms.score[1])),
        history=np.array(ms.moves_log, dtype=np.int8).reshape(-1, 2),
        payoffs=np.array(ms.payoff_log, dtype=np.float64).reshape(-1, 2),
        labels=game.labels,
        metrics=metrics,
    )


@dataclass(frozen=True)
class TournamentResult:
    """The outcome of :func:`round_robin`.

    Attributes
    ----------
    strategies : list of str
        The field, in the order given.
    ranking : pandas.DataFrame
        One row per strategy, best first: ``rank``, ``strategy``, ``score_per_turn`` (mean
        payoff per round over all its matches), ``cooperation_rate``, ``forgiveness``,
        ``retaliation``, ``matches``.
    payoff_matrix : numpy.ndarray
        ``(K, K)``: mean payoff per round of strategy ``i`` against ``j`` (NaN on the diagonal
        without self-play). The input of :func:`~socium.worlds.games.evolution.replicator` and
        the Moran functions.
    cooperation_matrix : numpy.ndarray
        ``(K, K)``: cooperation rate of ``i`` against ``j``.
    metrics : dict
        Field-wide ``cooperation_rate``, ``forgiveness``, ``retaliation``,
        ``alternation_success``.
    """

    strategies: list[str]
    ranking: pd.DataFrame
    payoff_matrix: np.ndarray
    cooperation_matrix: np.ndarray
    metrics: dict[str, float]


def _pairs(k: int, self_play: bool, ordered: bool) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    keep = (i != j) if ordered else (i < j)
    if self_play:
        keep |= i == j
    return i[keep].astype(np.int64), j[keep].astype(np.int64)


def ranking_table(
    names: Sequence[str],
    score: np.ndarray,
    rounds: np.ndarray,
    counters: Mapping[str, np.ndarray],
    matches: np.ndarray,
) -> pd.DataFrame:
    """The ranking DataFrame from per-strategy totals (rank 1 = highest score per turn)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        per_turn = np.where(rounds > 0, score / np.maximum(rounds, 1), np.nan)

        def ratio(num: str, den: str) -> np.ndarray:
            n, d = counters[num], counters[den]
            return np.where(d > 0, n / np.maximum(d, 1), np.nan)

        df = pd.DataFrame(
            {
                "strategy": list(names),
                "score_per_turn": per_turn,
                "cooperation_rate": np.where(
                    rounds > 0, counters["coop"] / np.maximum(rounds, 1), np.nan
                ),
                "forgiveness": ratio("forgive_num", "forgive_den"),
                "retaliation": ratio("retal_num", "retal_den"),
                "matches": np.asarray(matches, dtype=np.int64),
            }
        )
    key = df["score_per_turn"].round(10)
    df.insert(0, "rank", key.rank(method="min", ascending=False).fillna(len(df)).astype(int))
    return df.sort_values(["rank", "strategy"], kind="stable").reset_index(drop=True)


def round_robin(
    strategies: Sequence[str | Strategy],
    turns: int | None = 200,
    repetitions: int = 1,
    *,
    self_play: bool = False,
    payoffs: str | Game | Sequence | np.ndarray | None = None,
    noise: float = 0.0,
    continuation_probability: float | None = None,
    seed: int | np.random.Generator | None = None,
    generosity: float | None = None,
) -> TournamentResult:
    r"""A round-robin tournament: every pair of strategies plays ``repetitions`` matches.

    All matches of all pairs run in lock step (:class:`MatchSet`). In an asymmetric game
    (Battle of the Sexes, Matching Pennies) every ordered pair plays, so each strategy is first
    player as often as second.

    Parameters
    ----------
    strategies : sequence of str or Strategy
        The field (distinct names).
    turns : int, optional
        Rounds per match (a cap with ``continuation_probability``).
    repetitions : int
        Matches per pair.
    self_play : bool
        Also play each strategy against a copy of itself.
    payoffs, noise, continuation_probability, seed, generosity
        As in :func:`play_match`.

    Returns
    -------
    TournamentResult

    Notes
    -----
    The score of strategy :math:`i` is its mean payoff per round over every round it played,
    :math:`\bar s_i = \sum_{\text{its sides}} \text{payoff} / \sum_{\text{its sides}} \text{rounds}`
    (self-play matches count both sides). Ties share the best rank.

    References
    ----------
    .. [1] Axelrod, R. (1984). The Evolution of Cooperation. Basic Books.
    """
    game = make_game(payoffs)
    rng = _rng(seed)
    noise = _check_noise(noise)
    if repetitions < 1:
        raise ValueError(f"repetitions: must be >= 1, got {repetitions}")
    strats = make_strategies(strategies, _params(game, generosity, None))
    names = [s.name for s in strats]
    if len(set(names)) != len(names):
        raise ValueError(f"strategies: names must be distinct, got {names}")
    k = len(strats)
    pi, pj = _pairs(k, self_play, ordered=not game.symmetric)
    first = np.tile(pi, repetitions)
    second = np.tile(pj, repetitions)
    m = first.shape[0]
    lengths = draw_lengths(m, rng, turns, continuation_probability)
    ms = MatchSet(game, lengths)
    codes = np.concatenate([first, second])
    ms.run(strats, codes, rng, noise)

    opp = np.concatenate([second, first])
    flat = codes * k + opp
    c = ms.counters
    pair_score = np.bincount(flat, ms.score, k * k).reshape(k, k)
    pair_rounds = np.bincount(flat, c["rounds"], k * k).reshape(k, k)
    pair_coop = np.bincount(flat, c["coop"], k * k).reshape(k, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        pm = np.where(pair_rounds > 0, pair_score / np.maximum(pair_rounds, 1), np.nan)
        cm = np.where(pair_rounds > 0, pair_coop / np.maximum(pair_rounds, 1), np.nan)
    per = {key: np.bincount(codes, c[key], k) for key in COUNTERS}
    table = ranking_table(
        names,
        np.bincount(codes, ms.score, k),
        per["rounds"],
        per,
        np.bincount(codes, minlength=k),
    )
    metrics = {
        "cooperation_rate": rate(c["coop"], c["rounds"]),
        "forgiveness": rate(c["forgive_num"], c["forgive_den"]),
        "retaliation": rate(c["retal_num"], c["retal_den"]),
        "alternation_success": rate(c["alt_num"], c["alt_den"]),
    }
    return TournamentResult(names, table, pm, cm, metrics)


def tournament(
    strategies: Sequence[str | Strategy],
    turns: int | None = 200,
    repetitions: int = 1,
    *,
    self_play: bool = False,
    seed: int | np.random.Generator | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """The ranking table of :func:`round_robin` (same parameters).

    Returns
    -------
    pandas.DataFrame
        Columns ``rank``, ``strategy``, ``score_per_turn``, ``cooperation_rate``,
        ``forgiveness``, ``retaliation``, ``matches``; best first.

    Examples
    --------
    >>> tournament(["cooperator", "defector", "tit_for_tat"], turns=1)["strategy"].tolist()[0]
    'defector'
    """
    return round_robin(
        strategies, turns, repetitions, self_play=self_play, seed=seed, **kwargs
    ).ranking
