r"""Who interacts with whom: vectorized sampling of in-neighbours, groups and links.

All functions draw from an explicit :class:`numpy.random.Generator` and work on a
:class:`Neighborhood`, a thin view of the network's in-adjacency (row ``v`` lists the agents that
influence ``v``), or on the complete graph without storing it (mean-field).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["Neighborhood", "gather_rows"]


def gather_rows(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the CSR rows ``rows`` of a sparse structure, vectorized.

    Parameters
    ----------
    indptr, indices : numpy.ndarray
        CSR structure.
    rows : numpy.ndarray of int
        Rows to gather (repeats allowed).

    Returns
    -------
    nodes : numpy.ndarray of int64
        ``indices[indptr[r]:indptr[r+1]]`` for every ``r`` in ``rows``, concatenated.
    owner : numpy.ndarray of int64
        Position in ``rows`` that each entry of ``nodes`` came from.

    Examples
    --------
    >>> import numpy as np
    >>> nodes, owner = gather_rows(np.array([0, 2, 3]), np.array([5, 6, 7]), np.array([1, 0]))
    >>> nodes.tolist(), owner.tolist()
    ([7, 5, 6], [0, 1, 1])
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = indptr[rows].astype(np.int64)
    lens = indptr[rows + 1].astype(np.int64) - starts
    total = int(lens.sum())
    owner = np.repeat(np.arange(rows.shape[0], dtype=np.int64), lens)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
    nodes = indices[np.repeat(starts, lens) + offsets].astype(np.int64)
    return nodes, owner


class Neighborhood:
    r"""In-neighbourhoods of a network (or of the complete graph) for sampling partners.

    Parameters
    ----------
    n : int
        Number of agents.
    in_adjacency : scipy.sparse.csr_array or None
        Row ``v`` lists the in-neighbours of ``v`` (who influences ``v``). ``None`` means the
        complete graph (every other agent is a neighbour), sampled without storing it.

    Notes
    -----
    A uniformly random in-neighbour of :math:`v` is ``indices[indptr[v] + floor(u d_v)]`` with
    :math:`u \sim U[0, 1)` and :math:`d_v` the in-degree. On the complete graph it is
    :math:`k + [k \ge v]` with :math:`k` uniform on :math:`0..n-2`.
    """

    def __init__(self, n: int, in_adjacency: sp.csr_array | None):
        self.n = int(n)
        self.complete = in_adjacency is None
        if in_adjacency is None:
            self.indptr = None
            self.indices = None
            self.degree = np.full(self.n, max(self.n - 1, 0), dtype=np.int64)
        else:
            self.indptr = np.asarray(in_adjacency.indptr, dtype=np.int64)
            self.indices = np.asarray(in_adjacency.indices)
            self.degree = np.diff(self.indptr)
        self._entry_rows: np.ndarray | None = None

    @property
    def nnz(self) -> int:
        """Number of (directed) influence links."""
        if self.complete:
            return self.n * (self.n - 1)
        return int(self.indptr[-1])

    def sample(self, agents: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
        """``m`` uniformly random in-neighbours of each agent, drawn with replacement.

        Parameters
        ----------
        agents : numpy.ndarray of int64, shape (k,)
        m : int
            Neighbours per agent.
        rng : numpy.random.Generator

        Returns
        -------
        numpy.ndarray of int64, shape (k, m)
            Neighbour ids; ``-1`` for agents without in-neighbours.
        """
        agents = np.asarray(agents, dtype=np.int64)
        k = agents.shape[0]
        u = rng.random((k, m))
        deg = self.degree[agents][:, None]
        pick = np.minimum((u * deg).astype(np.int64), np.maximum(deg - 1, 0))
        if self.complete:
            out = pick + (pick >= agents[:, None])
        else:
            # agents without in-neighbours (possibly the last rows, where indptr == nnz)
            # point at entry 0 and are masked below
            pos = np.where(deg > 0, self.indptr[agents][:, None] + pick, 0)
            out = self.indices[pos].astype(np.int64) if self.nnz else np.zeros(pos.shape, np.int64)
        out[np.broadcast_to(deg == 0, out.shape)] = -1
        return out

    def sample_distinct(self, agents: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
        r"""``m`` in-neighbours per agent, distinct when the in-degree allows it.

        Agents with in-degree :math:`d \ge m` get :math:`m` distinct neighbours, uniform over the
        :math:`\binom{d}{m}` subsets (Floyd's algorithm, vectorized over agents: for
        :math:`j = d-m, \dots, d-1` draw :math:`t` uniform on :math:`0..j` and take :math:`t`,
        or :math:`j` if :math:`t` was already taken). Agents with :math:`0 < d < m` draw with
        replacement; agents with :math:`d = 0` get ``-1``.

        References
        ----------
        .. [1] Bentley, J., & Floyd, R. (1987). Programming pearls: a sample of brilliance.
           Communications of the ACM, 30(9), 754-757.
        """
        agents = np.asarray(agents, dtype=np.int64)
        k = agents.shape[0]
        deg = self.degree[agents]
        u = rng.random((k, m))
        pos = np.empty((k, m), dtype=np.int64)
        for step in range(m):
            j = deg - m + step
            t = np.minimum((u[:, step] * np.maximum(j + 1, 1)).astype(np.int64), np.maximum(j, 0))
            taken = (pos[:, :step] == t[:, None]).any(axis=1) if step else np.zeros(k, bool)
            pos[:, step] = np.where(taken, j, t)
        small = deg < m
        if small.any():  # with replacement
            pos[small] = np.minimum(
                (u[small] * deg[small, None]).astype(np.int64), np.maximum(deg[small, None] - 1, 0)
            )
        if self.complete:
            out = pos + (pos >= agents[:, None])
        else:
            base = self.indptr[agents][:, None]
            if self.nnz:
                out = self.indices[np.minimum(base + pos, self.nnz - 1)].astype(np.int64)
            else:
                out = np.zeros(pos.shape, dtype=np.int64)
        out[deg == 0] = -1
        return out

    def sample_links(self, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``count`` uniformly random influence links ``u -> v``.

        For an undirected network every edge is stored in both directions, so this is a uniform
        edge with a uniform orientation.

        Returns
        -------
        listener, influencer : numpy.ndarray of int64
            ``v`` and ``u`` of every drawn link (empty when there are no links).
        """
        if self.nnz == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        if self.complete:
            v = rng.integers(0, self.n, count, dtype=np.int64)
            k = rng.integers(0, self.n - 1, count, dtype=np.int64)
            return v, k + (k >= v)
        if self._entry_rows is None:
            rows = np.repeat(np.arange(self.n, dtype=np.int64), self.degree)
            self._entry_rows = rows.astype(self.indices.dtype)
        e = rng.integers(0, self.nnz, count, dtype=np.int64)
        return self._entry_rows[e].astype(np.int64), self.indices[e].astype(np.int64)
