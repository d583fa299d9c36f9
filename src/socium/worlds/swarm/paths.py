r"""Shortest paths on the static board, for the rule baselines on irregular boards.

The floor graph has one node per cell and an edge between 4-neighbours that are both floor, or
a floor cell and a *target* cell (food, nest): targets are reachable but not walked through.
Walls and other static terrain are not in it; bodies (agents, objects) are ignored, as they
move. Distances are breadth-first hop counts (:func:`scipy.sparse.csgraph.dijkstra`, unweighted)
from each goal cell.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from socium.worlds.swarm.grid import DIRS, EMPTY, FOOD, NEST, RIGHT, STAY, UP, WALL

__all__ = ["GridPaths", "floor_paths"]

_MOVES = np.arange(UP, RIGHT + 1)


class GridPaths:
    r"""Geodesic distances on the floor graph of ``terrain``.

    Parameters
    ----------
    terrain : numpy.ndarray
        ``(H, W)`` static cell codes.

    Examples
    --------
    >>> t = np.array([[0, 1, 0], [0, 1, 0], [0, 0, 0]], np.int8)  # a wall in the middle column
    >>> GridPaths(t).distances(np.array([[0, 0]]))[0].reshape(3, 3)[0, 2]
    np.float64(6.0)
    """

    #: Goals whose distance rows are held at once by :meth:`toward`.
    CHUNK = 256
    #: Bytes of distance rows kept for repeated goal sets (the board never changes, so a
    #: row stays valid; the oldest rows are dropped first).
    CACHE_BYTES = 32 * 2**20

    def __init__(self, terrain: np.ndarray):
        self.shape = h, w = terrain.shape
        walk = terrain == EMPTY
        target = np.isin(terrain, (FOOD, NEST))
        idx = np.arange(h * w).reshape(h, w)
        rows, cols = [], []
        for a, b, wa, wb, ta, tb in (
            (idx[:, :-1], idx[:, 1:], walk[:, :-1], walk[:, 1:], target[:, :-1], target[:, 1:]),
            (idx[:-1], idx[1:], walk[:-1], walk[1:], target[:-1], target[1:]),
        ):
            ok = (wa & wb) | (wa & tb) | (ta & wb)
            rows.append(a[ok])
            cols.append(b[ok])
        r, c = np.concatenate(rows), np.concatenate(cols)
        self.graph = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(h * w, h * w)).maximum(
            sparse.csr_matrix((np.ones(len(r)), (c, r)), shape=(h * w, h * w))
        )
        self._cache: dict[bytes, np.ndarray] = {}
        self._cached_bytes = 0

    def distances(self, goals: np.ndarray) -> np.ndarray:
        """``(m, H * W)`` hop counts from each goal cell (``inf`` where unreachable).

        Results are kept per goal set (up to :attr:`CACHE_BYTES`, read-only): static goals
        such as the food and nest cells, or a flock's target cells, are searched once per run.
        """
        goals = np.asarray(goals, dtype=np.int64).reshape(-1, 2)
        flat = goals[:, 0] * self.shape[1] + goals[:, 1]
        key = flat.tobytes()
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        dist = np.atleast_2d(dijkstra(self.graph, directed=False, indices=flat, unweighted=True))
        dist.setflags(write=False)
        while self._cache and self._cached_bytes + dist.nbytes > self.CACHE_BYTES:
            self._cached_bytes -= self._cache.pop(next(iter(self._cache))).nbytes
        if dist.nbytes <= self.CACHE_BYTES:
            self._cache[key] = dist
            self._cached_bytes += dist.nbytes
        return dist

    def toward(
        self, pos: np.ndarray, goal: np.ndarray, u: np.ndarray, rand: np.ndarray
    ) -> np.ndarray:
        r"""Moves down the geodesic distance to each agent's goal.

        Among the moves UP, DOWN, LEFT, RIGHT (in that order) whose cell is one hop closer to
        the goal, the :math:`\lfloor u k\rfloor`-th of the :math:`k` is taken; an agent on its
        goal stays; ``rand`` is taken where there is no goal (``(-1, -1)``) or it is off the
        board or unreachable. On a board without interior walls this is the greedy Manhattan
        rule of :func:`~socium.worlds.swarm.tasks.toward` with the same draws.

        Parameters
        ----------
        pos, goal : numpy.ndarray
            ``(n, 2)`` cells.
        u, rand : numpy.ndarray
            ``(n,)`` uniform draws in [0, 1) and random moves.
        """
        pos = np.asarray(pos, dtype=np.int64).reshape(-1, 2)
        goal = np.asarray(goal, dtype=np.int64).reshape(-1, 2)
        out = np.asarray(rand, dtype=np.int64).copy()
        h, w = self.shape
        has = (goal[:, 0] >= 0) & (goal[:, 0] < h) & (goal[:, 1] >= 0) & (goal[:, 1] < w)
        if not has.any():
            return out
        uniq, which = np.unique(goal[has], axis=0, return_inverse=True)
        which = which.reshape(-1)
        rows = np.flatnonzero(has)
        here_flat = pos[rows, 0] * w + pos[rows, 1]
        nb = pos[rows][:, None, :] + DIRS[_MOVES][None]
        inside = (nb[..., 0] >= 0) & (nb[..., 0] < h) & (nb[..., 1] >= 0) & (nb[..., 1] < w)
        flat = np.clip(nb[..., 0], 0, h - 1) * w + np.clip(nb[..., 1], 0, w - 1)
        here = np.empty(len(rows))
        nd = np.empty((len(rows), len(_MOVES)))
        # distance rows of at most CHUNK goals at a time: memory CHUNK * H * W floats
        for start in range(0, len(uniq), self.CHUNK):
            dist = self.distances(uniq[start : start + self.CHUNK])
            sel = (which >= start) & (which < start + self.CHUNK)
            g = which[sel] - start
            here[sel] = dist[g, here_flat[sel]]
            nd[sel] = dist[g[:, None], flat[sel]]
        nd[~inside] = np.inf
        closer = nd < here[:, None]
        k = closer.sum(axis=1)
        pick = np.minimum((np.asarray(u)[rows] * k).astype(np.int64), np.maximum(k - 1, 0))
        rank = np.cumsum(closer, axis=1) - 1
        chosen = (closer & (rank == pick[:, None])).argmax(axis=1)
        move = np.where(k > 0, _MOVES[chosen], np.where(here == 0, STAY, out[rows]))
        move = np.where(np.isfinite(here), move, out[rows])
        out[rows] = move
        return out


def floor_paths(terrain: np.ndarray) -> GridPaths | None:
    """:class:`GridPaths` of ``terrain``, or ``None`` when its interior has no wall (the rule
    baselines then use Manhattan distances, which equal the geodesic ones there)."""
    return GridPaths(terrain) if (terrain[1:-1, 1:-1] == WALL).any() else None
