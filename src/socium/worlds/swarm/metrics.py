r"""Group metrics of the swarm (after SwarmBench's behavioural analysis).

All are computed from one round's chosen moves and positions; see ``docs/worlds/swarm.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from socium.worlds.swarm.grid import DIRS, SWITCH

__all__ = [
    "adjacency",
    "adjacency_persistence",
    "direction_entropy",
    "mean_move_length",
    "message_similarity",
    "shape_distance",
    "stay_share",
]


def direction_entropy(moves: np.ndarray) -> float:
    r"""Shannon entropy (bits) of the chosen moves over {STAY, UP, DOWN, LEFT, RIGHT}.

    .. math:: H = -\sum_{m} p_m \log_2 p_m, \quad 0 \le H \le \log_2 5,

    with ``SWITCH`` counted as STAY. NaN for no moves.

    Examples
    --------
    >>> direction_entropy(np.array([1, 2, 3, 4]))
    2.0
    """
    moves = np.where(np.asarray(moves) == SWITCH, 0, moves)
    if len(moves) == 0:
        return float("nan")
    p = np.bincount(moves, minlength=5)[:5] / len(moves)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum() + 0.0)


def stay_share(moves: np.ndarray) -> float:
    """Fraction of agents that chose not to move (STAY or SWITCH); NaN for none."""
    moves = np.asarray(moves)
    return float(np.mean((moves == 0) | (moves == SWITCH))) if len(moves) else float("nan")


def mean_move_length(moves: np.ndarray) -> float:
    r"""Length of the mean chosen move vector :math:`\lVert \frac1n\sum_i v_i \rVert`.

    :math:`v_i` is the unit step of the move (0 for STAY/SWITCH); 1 when all move the same
    way, 0 when moves cancel (a polarization measure). NaN for no moves.

    Examples
    --------
    >>> mean_move_length(np.array([4, 4, 3, 0]))
    0.25
    """
    moves = np.asarray(moves)
    if len(moves) == 0:
        return float("nan")
    return float(np.linalg.norm(DIRS[moves].mean(axis=0)))


def adjacency(pos: np.ndarray) -> np.ndarray:
    r"""``(n, n)`` bool: pairs at Chebyshev distance 1 (the 8-neighbourhood), no self pairs.

    :math:`O(n^2)`; swarms here are small (tens of agents).
    """
    pos = np.asarray(pos, dtype=np.int64)
    d = np.abs(pos[:, None, :] - pos[None, :, :]).max(axis=2)
    return d == 1


def adjacency_persistence(before: np.ndarray, after: np.ndarray) -> float:
    r"""Share of last round's adjacent pairs that are still adjacent.

    .. math:: P_t = \frac{|E_{t-1} \cap E_t|}{|E_{t-1}|},

    NaN when :math:`E_{t-1}` is empty.

    Examples
    --------
    >>> a = np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], bool)
    >>> b = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], bool)
    >>> adjacency_persistence(a, b)
    0.5
    """
    n_before = before.sum()
    if n_before == 0:
        return float("nan")
    return float((before & after).sum() / n_before)


def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def message_similarity(messages: Sequence[str]) -> float:
    r"""Mean pairwise Jaccard similarity of the token sets of the round's messages.

    Tokens are lower-cased runs of letters and digits; for messages :math:`i \ne j`,

    .. math:: S = \binom{M}{2}^{-1} \sum_{i<j} \frac{|T_i \cap T_j|}{|T_i \cup T_j|}

    (two empty token sets count as identical). NaN for fewer than two messages.

    Examples
    --------
    >>> message_similarity(["box left", "box right", "box left"])
    0.5555555555555555
    """
    sets = [_tokens(m) for m in messages]
    m = len(sets)
    if m < 2:
        return float("nan")
    total = 0.0
    for i in range(m):
        for j in range(i + 1, m):
            union = len(sets[i] | sets[j])
            total += len(sets[i] & sets[j]) / union if union else 1.0
    return total / (m * (m - 1) / 2)


def _assignment_cost(pos: np.ndarray, cells: np.ndarray) -> int:
    cost = np.abs(pos[:, None, :] - cells[None, :, :]).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    return int(cost[rows, cols].sum())


#: Largest ``candidates * n * m`` searched exhaustively by :func:`shape_distance`.
EXACT_WORK = 4_000_000


def shape_distance(pos: np.ndarray, shape: np.ndarray) -> tuple[int, np.ndarray]:
    r"""Distance of the agents to a target shape, minimised over translations.

    .. math::

        D = \min_{\delta \in \mathbb{Z}^2} \min_{\pi} \sum_{j}
            \lVert p_{\pi(j)} - (s_j + \delta)\rVert_1,

    the minimum-cost assignment (Hungarian method) between the :math:`n` agents and the
    :math:`m` shape cells (:math:`\min(n, m)` pairs), over all translations (SwarmBench's
    flocking score).

    For a fixed assignment the cost is separable, :math:`f_\pi(\delta_r) + g_\pi(\delta_c)`,
    each piecewise linear with breakpoints at the coordinate differences, so the minimum lies
    on the grid :math:`\Delta = \{p_{i,r} - s_{j,r}\} \times \{p_{i,c} - s_{j,c}\}`, which is
    searched exhaustively. (SwarmBench searches only the translations that put a shape cell on
    an agent, a subset that can miss the minimum.) When :math:`|\Delta|\,n\,m` exceeds
    :data:`EXACT_WORK` (many agents), the minimum is searched locally instead: from the
    translation that aligns the coordinate medians, one-cell steps (8 neighbours) are taken
    while they lower the cost; that result is an upper bound of :math:`D`.

    Returns
    -------
    distance : int
        :math:`D`.
    offset : numpy.ndarray
        The best translation :math:`\delta` (row, column).

    Examples
    --------
    >>> shape_distance(np.array([[0, 0], [0, 3]]), np.array([[0, 0], [0, 1]]))[0]
    2
    """
    pos = np.asarray(pos, dtype=np.int64).reshape(-1, 2)
    shape = np.asarray(shape, dtype=np.int64).reshape(-1, 2)
    if len(pos) == 0 or len(shape) == 0:
        return 0, np.zeros(2, np.int64)
    rows = np.unique(pos[:, None, 0] - shape[None, :, 0])
    cols = np.unique(pos[:, None, 1] - shape[None, :, 1])
    if len(rows) * len(cols) * len(pos) * len(shape) > EXACT_WORK:
        off = (np.median(pos, axis=0) - np.median(shape, axis=0)).round().astype(np.int64)
        best = _assignment_cost(pos, shape + off)
        steps = np.array([(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1) if a or b])
        while True:
            costs = [_assignment_cost(pos, shape + off + st) for st in steps]
            k = int(np.argmin(costs))
            if costs[k] >= best:
                return best, off
            best, off = costs[k], off + steps[k]
    best, best_off = None, np.zeros(2, np.int64)
    for r in rows:
        for c in cols:
            total = _assignment_cost(pos, shape + np.array([r, c]))
            if best is None or total < best:
                best, best_off = total, np.array([r, c], dtype=np.int64)
    return int(best), best_off
