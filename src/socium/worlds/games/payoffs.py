r"""Payoff matrices of repeated 2x2 games, and the named presets.

A game is stored as an array ``payoffs[role, my_move, other_move]`` of shape ``(2, 2, 2)``: the
payoff to the player in ``role`` (0 = first player, 1 = second player) when it plays ``my_move``
and its opponent plays ``other_move``. Moves are ``0`` (``"C"``: cooperate, or the game's first
action) and ``1`` (``"D"``: defect, or the second action). A symmetric game is given by one 2x2
matrix ``[[R, S], [T, P]]`` seen by the row player, and both roles use it.

Presets (see ``docs/worlds/games.md`` for the sources):

========================== ====================================== ==========================
name                       payoffs (first player; second player)  source
========================== ====================================== ==========================
prisoners_dilemma          R=3, S=0, T=5, P=1                     Axelrod (1984)
prisoners_dilemma_akata    R=8, S=0, T=10, P=5                    Akata et al. (2023)
battle_of_the_sexes        AA: 10/7, BB: 7/10, AB = BA: 0/0       Akata et al. (2023)
stag_hunt                  SS=4, SH=0, HS=3, HH=3                 Skyrms (2004)
chicken                    R=3, S=1, T=5, P=0                     Rapoport & Chammah (1966)
matching_pennies           match: +1/-1, mismatch: -1/+1          von Neumann & Morgenstern
========================== ====================================== ==========================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["PRESETS", "Game", "generosity", "make_game"]


@dataclass(frozen=True, eq=False)
class Game:
    """A two-player game with two moves per player.

    Parameters
    ----------
    name : str
        Preset name, or ``"custom"``.
    payoffs : numpy.ndarray
        Shape ``(2, 2, 2)``: ``payoffs[role, my_move, other_move]``.
    labels : tuple of str
        Display names of moves 0 and 1 (``("C", "D")`` for dilemmas).

    Examples
    --------
    >>> g = make_game("prisoners_dilemma")
    >>> float(g.payoffs[0, 1, 0])  # temptation T: I defect, the other cooperates
    5.0
    """

    name: str
    payoffs: np.ndarray
    labels: tuple[str, str] = ("C", "D")
    source: str = field(default="")

    def __post_init__(self) -> None:
        arr = np.asarray(self.payoffs, dtype=np.float64)
        if arr.shape != (2, 2, 2) or not np.isfinite(arr).all():
            raise ValueError(
                f"payoffs must be a finite array of shape (2, 2, 2); got shape {arr.shape}"
            )
        arr = arr.copy()
        arr.setflags(write=False)
        object.__setattr__(self, "payoffs", arr)

    @property
    def symmetric(self) -> bool:
        """Whether both roles have the same payoff matrix (then roles do not matter)."""
        return bool(np.array_equal(self.payoffs[0], self.payoffs[1]))

    def matrix(self, role: int = 0) -> np.ndarray:
        """The 2x2 payoff matrix ``[my_move, other_move]`` of ``role``."""
        return self.payoffs[role]


def _sym(r: float, s: float, t: float, p: float) -> np.ndarray:
    m = np.array([[r, s], [t, p]], dtype=np.float64)
    return np.stack([m, m])


#: The named games (``[world] model = ...`` and ``payoffs=...`` of the Python API).
PRESETS: dict[str, Game] = {
    g.name: g
    for g in (
        Game("prisoners_dilemma", _sym(3, 0, 5, 1), ("C", "D"), "Axelrod (1984)"),
        Game("prisoners_dilemma_akata", _sym(8, 0, 10, 5), ("C", "D"), "Akata et al. (2023)"),
        Game(
            "battle_of_the_sexes",
            np.array([[[10, 0], [0, 7]], [[7, 0], [0, 10]]], dtype=np.float64),
            ("A", "B"),
            "Akata et al. (2023)",
        ),
        Game("stag_hunt", _sym(4, 0, 3, 3), ("S", "H"), "Skyrms (2004)"),
        Game("chicken", _sym(3, 1, 5, 0), ("S", "T"), "Rapoport & Chammah (1966)"),
        Game(
            "matching_pennies",
            np.array([[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]], dtype=np.float64),
            ("H", "T"),
            "von Neumann & Morgenstern (1944)",
        ),
    )
}


def make_game(spec: str | Game | Sequence | np.ndarray | None = None) -> Game:
    """A :class:`Game` from a preset name, a 2x2 matrix, a 2x2x2 array or a :class:`Game`.

    Parameters
    ----------
    spec : str, Game, array-like or None
        ``None`` = the classic Prisoner's Dilemma; a preset name from :data:`PRESETS`; a 2x2
        matrix ``[[R, S], [T, P]]`` (symmetric game, row player's payoffs); or a
        ``(2, 2, 2)`` array ``[role][my_move][other_move]``.

    Raises
    ------
    ValueError
        Unknown preset (the message lists the allowed names), or a matrix of another shape.
    """
    if spec is None:
        return PRESETS["prisoners_dilemma"]
    if isinstance(spec, Game):
        return spec
    if isinstance(spec, str):
        if spec not in PRESETS:
            raise ValueError(f"payoffs: unknown game {spec!r}; allowed: {', '.join(PRESETS)}")
        return PRESETS[spec]
    try:
        arr = np.asarray(spec, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("payoffs: must be a 2x2 matrix or a 2x2x2 array of numbers") from None
    if arr.shape == (2, 2):
        arr = np.stack([arr, arr])
    if arr.shape != (2, 2, 2):
        raise ValueError(
            f"payoffs: must be a 2x2 matrix [[R, S], [T, P]] or a 2x2x2 array "
            f"[role][my_move][other_move]; got shape {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise ValueError("payoffs: values must be finite")
    return Game("custom", arr)


def generosity(game: Game) -> float:
    r"""The generosity of generous tit-for-tat for ``game`` (Nowak & Sigmund 1992).

    Notes
    -----
    With the first player's payoffs :math:`R, S, T, P`,

    .. math:: g = \min\left(1 - \frac{T - R}{R - S}, \frac{R - P}{T - P}\right),

    clipped to :math:`[0, 1]`; :math:`1/3` when the formula is undefined (not a dilemma).
    For the classic 3/0/5/1 game :math:`g = \min(1/3, 1/2) = 1/3`.

    References
    ----------
    .. [1] Nowak, M. A., & Sigmund, K. (1992). Tit for tat in heterogeneous populations.
       Nature, 355, 250-253.
    """
    (r, s), (t, p) = game.payoffs[0]
    if r - s <= 0 or t - p <= 0:
        return 1.0 / 3.0
    g = min(1.0 - (t - r) / (r - s), (r - p) / (t - p))
    return float(np.clip(g, 0.0, 1.0))
