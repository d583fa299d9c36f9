r"""Classic strategies of repeated 2x2 games, vectorized over many matches at once.

A strategy is a pure function of the history of a match, summarised in a few arrays
(:class:`History`: one row per player of each match), and of one uniform random number per row
(``u``, used only by stochastic strategies). It returns the *intended* move of every row: ``0``
(C) or ``1`` (D); trembles (noise) are applied afterwards by the caller. A tournament of many
pairs therefore advances all matches in lock step: one call per strategy per round, never a
Python loop over matches.

Definitions (round :math:`t = 1, 2, \dots`; :math:`a_t` my move, :math:`b_t` the other's):

=========================  ====================================================================
``cooperator``             always C
``defector``               always D
``tit_for_tat``            C at :math:`t = 1`, then :math:`b_{t-1}`
``tit_for_two_tats``       D iff :math:`b_{t-1} = b_{t-2} = D`, else C
``grudger``                C until the other has defected once, then D for ever
``alternator``             C at :math:`t = 1`, then the opposite of :math:`a_{t-1}`
``random``                 C with probability ``p`` (0.5)
``win_stay_lose_shift``    C at :math:`t = 1`; repeat :math:`a_{t-1}` if :math:`b_{t-1} = C`
                           ("win"), else switch: :math:`a_t = a_{t-1} \oplus b_{t-1}`
``generous_tit_for_tat``   C at :math:`t = 1`; C if :math:`b_{t-1} = C`, else C with
                           probability :math:`g` (``generosity``)
``suspicious_tit_for_tat`` D at :math:`t = 1`, then :math:`b_{t-1}`
``defect_once``            D at :math:`t = 1`, then C for ever
=========================  ====================================================================

These are the definitions of the axelrod library (Knight et al. 2016) for the strategies both
have; ``tests/worlds/test_games_axelrod.py`` checks that deterministic matches agree move for move.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

__all__ = [
    "STRATEGY_CLASSES",
    "Alternator",
    "Cooperator",
    "DefectOnce",
    "Defector",
    "GenerousTitForTat",
    "Grudger",
    "History",
    "RandomStrategy",
    "Strategy",
    "SuspiciousTitForTat",
    "TitForTat",
    "TitForTwoTats",
    "WinStayLoseShift",
    "decide_mixed",
    "make_strategies",
]

C, D = 0, 1


@dataclass(frozen=True, slots=True)
class History:
    """What a player knows about its match, one row per (match, player).

    Attributes
    ----------
    round : numpy.ndarray
        int64, the index of the round being played (0 = first round).
    my_last, my_prev : numpy.ndarray
        int8, my move one and two rounds ago (``-1`` when there is none).
    other_last, other_prev : numpy.ndarray
        int8, the other's move one and two rounds ago (``-1`` when there is none).
    other_defected : numpy.ndarray
        bool, whether the other has played D at least once in this match.
    my_last_payoff : numpy.ndarray
        float64, my payoff in the previous round (NaN in the first round).
    """

    round: np.ndarray
    my_last: np.ndarray
    my_prev: np.ndarray
    other_last: np.ndarray
    other_prev: np.ndarray
    other_defected: np.ndarray
    my_last_payoff: np.ndarray

    def __len__(self) -> int:
        return len(self.my_last)


class Strategy(ABC):
    """A vectorized strategy: intended moves of many players from their :class:`History`."""

    #: snake_case name used in configs and tables.
    name: ClassVar[str]
    #: Whether :meth:`decide` reads the uniform numbers ``u``.
    stochastic: ClassVar[bool] = False

    @abstractmethod
    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        """Intended moves (int8, 0 = C, 1 = D), one per row of ``h``."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _first(h: History) -> np.ndarray:
    return h.round == 0


class Cooperator(Strategy):
    """Always cooperates (ALLC)."""

    name: ClassVar[str] = "cooperator"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return np.zeros(len(h), np.int8)


class Defector(Strategy):
    """Always defects (ALLD)."""

    name: ClassVar[str] = "defector"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return np.ones(len(h), np.int8)


class TitForTat(Strategy):
    """Cooperates first, then copies the other's last move (Rapoport; Axelrod 1984)."""

    name: ClassVar[str] = "tit_for_tat"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return np.where(_first(h), C, h.other_last).astype(np.int8)


class SuspiciousTitForTat(Strategy):
    """Defects first, then copies the other's last move."""

    name: ClassVar[str] = "suspicious_tit_for_tat"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return np.where(_first(h), D, h.other_last).astype(np.int8)


class TitForTwoTats(Strategy):
    """Defects only after two consecutive defections of the other."""

    name: ClassVar[str] = "tit_for_two_tats"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return ((h.other_last == D) & (h.other_prev == D)).astype(np.int8)


class Grudger(Strategy):
    """Cooperates until the other defects once, then defects for ever (Friedman's trigger)."""

    name: ClassVar[str] = "grudger"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return h.other_defected.astype(np.int8)


class Alternator(Strategy):
    """Cooperates first, then plays the opposite of its own last move: C, D, C, D, ..."""

    name: ClassVar[str] = "alternator"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return np.where(_first(h), C, 1 - h.my_last).astype(np.int8)


class WinStayLoseShift(Strategy):
    """Pavlov (Nowak & Sigmund 1993): keep the last move if the other cooperated, else switch.

    For the Prisoner's Dilemma "the other cooperated" is the same as "my payoff was R or T".
    """

    name: ClassVar[str] = "win_stay_lose_shift"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return np.where(_first(h), C, h.my_last ^ h.other_last).astype(np.int8)


class DefectOnce(Strategy):
    """Defects in the first round, then cooperates for ever."""

    name: ClassVar[str] = "defect_once"

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return _first(h).astype(np.int8)


class RandomStrategy(Strategy):
    """Cooperates with probability ``p`` each round, independently.

    Parameters
    ----------
    p : float
        Probability of C (default 0.5).
    """

    name: ClassVar[str] = "random"
    stochastic: ClassVar[bool] = True

    def __init__(self, p: float = 0.5) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"random strategy: p must lie in [0, 1], got {p}")
        self.p = float(p)

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        return (u >= self.p).astype(np.int8)


class GenerousTitForTat(Strategy):
    r"""Tit-for-tat that forgives a defection with probability ``generosity``.

    Parameters
    ----------
    generosity : float
        :math:`g`, the probability of cooperating after the other defected (default 1/3, the
        value of Nowak & Sigmund 1992 for the classic payoffs; see
        :func:`~socium.worlds.games.payoffs.generosity`).
    """

    name: ClassVar[str] = "generous_tit_for_tat"
    stochastic: ClassVar[bool] = True

    def __init__(self, generosity: float = 1.0 / 3.0) -> None:
        if not 0.0 <= generosity <= 1.0:
            raise ValueError(f"generosity must lie in [0, 1], got {generosity}")
        self.generosity = float(generosity)

    def decide(self, h: History, u: np.ndarray | None) -> np.ndarray:
        punish = (h.other_last == D) & (u >= self.generosity)
        return punish.astype(np.int8)


#: Every strategy by its snake_case name.
STRATEGY_CLASSES: dict[str, type[Strategy]] = {
    cls.name: cls
    for cls in (
        Cooperator,
        Defector,
        TitForTat,
        TitForTwoTats,
        Grudger,
        Alternator,
        RandomStrategy,
        WinStayLoseShift,
        GenerousTitForTat,
        SuspiciousTitForTat,
        DefectOnce,
    )
}


def make_strategies(
    names: Sequence[str | Strategy], params: Mapping[str, float] | None = None
) -> list[Strategy]:
    """Strategy objects for ``names`` (names or ready :class:`Strategy` objects).

    Parameters
    ----------
    names : sequence of str or Strategy
        Names from :data:`STRATEGY_CLASSES`.
    params : mapping, optional
        ``generosity`` (generous tit-for-tat) and ``random_p`` (random), when given.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the allowed names.
    """
    params = dict(params or {})
    out: list[Strategy] = []
    for name in names:
        if isinstance(name, Strategy):
            out.append(name)
            continue
        cls = STRATEGY_CLASSES.get(name)
        if cls is None:
            raise ValueError(
                f"strategies: unknown strategy {name!r}; allowed: {', '.join(STRATEGY_CLASSES)}"
            )
        if cls is GenerousTitForTat and params.get("generosity") is not None:
            out.append(cls(params["generosity"]))
        elif cls is RandomStrategy and params.get("random_p") is not None:
            out.append(cls(params["random_p"]))
        else:
            out.append(cls())
    return out


def decide_mixed(
    strategies: Sequence[Strategy],
    codes: np.ndarray,
    h: History,
    u: np.ndarray | None,
    groups: Sequence[np.ndarray] | None = None,
) -> np.ndarray:
    """Intended moves of rows playing different strategies (``codes`` index ``strategies``).

    One vectorized call per strategy present (not per row). ``groups`` may give the rows of
    each code precomputed (``groups[k] = flatnonzero(codes == k)``).
    """
    moves = np.empty(len(h), np.int8)
    for k, strat in enumerate(strategies):
        rows = np.flatnonzero(codes == k) if groups is None else groups[k]
        if rows.size == 0:
            continue
        if rows.size == len(h):
            moves[:] = strat.decide(h, u)
        else:
            moves[rows] = strat.decide(h, u)[rows]
    return moves
