"""Fast, vectorized graph generators returning :class:`~socium.core.network.Network`.

Every generator works on numpy arrays only (no Python loop over nodes or edges and no networkx),
so a graph with a million nodes takes seconds. Random generators take an explicit
``numpy.random.Generator`` (``rng``); deterministic ones accept ``rng`` too, and ignore it, so
that all generators can be called the same way. The only generator built through networkx is
:func:`named`, for the small classic graphs that networkx ships.

All generated graphs are simple: no self-loops and no multi-edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from socium.core.network import Network, _index_dtype, _make_csr

__all__ = [
    "NAMED_GRAPHS",
    "barabasi_albert",
    "complete",
    "cycle",
    "erdos_renyi",
    "lattice",
    "named",
    "path",
    "star",
    "stochastic_block",
    "watts_strogatz",
]

#: Zero-argument networkx graphs available through :func:`named` (``name`` -> ``nx.<name>_graph``).
NAMED_GRAPHS: tuple[str, ...] = (
    "karate_club",
    "davis_southern_women",
    "florentine_families",
    "les_miserables",
    "krackhardt_kite",
    "petersen",
    "tutte",
    "bull",
    "chvatal",
    "cubical",
    "desargues",
    "diamond",
    "dodecahedral",
    "frucht",
    "heawood",
    "hoffman_singleton",
    "house",
    "house_x",
    "icosahedral",
    "moebius_kantor",
    "octahedral",
    "pappus",
    "sedgewick_maze",
    "tetrahedral",
    "truncated_cube",
    "truncated_tetrahedron",
)

_MAX_COMPLETE_ENTRIES = int(np.iinfo(np.int32).max)
_WS_MAX_ROUNDS = 200


# ---------------------------------------------------------------------- helpers
def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def _check_prob(value: Any, name: str) -> float:
    p = float(value)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1]; got {value!r}")
    return p


def _check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    return rng


def _csr_from_entries(n: int, rows: np.ndarray, cols: np.ndarray) -> sp.csr_array:
    """Canonical unweighted CSR from entry arrays (duplicates merged, no self-loop removal)."""
    idx = _index_dtype(n, rows.size)
    coo = sp.coo_array(
        (
            np.ones(rows.size, dtype=np.float64),
            (rows.astype(idx, copy=False), cols.astype(idx, copy=False)),
        ),
        shape=(n, n),
    )
    a = coo.tocsr()
    del coo
    a.sum_duplicates()
    a.data[:] = 1.0
    return _make_csr(a.indptr, a.indices, a.data, n)


def _undirected(n: int, us: list[np.ndarray], vs: list[np.ndarray], name: str) -> Network:
    """Network from distinct unordered pairs ``{u, v}``, ``u != v`` (trusted), given in pieces.

    Both directions are written straight into index-dtype arrays, without int64 temporaries.
    """
    m = sum(int(x.size) for x in us)
    idx = _index_dtype(n, 2 * m)
    rows = np.empty(2 * m, dtype=idx)
    cols = np.empty(2 * m, dtype=idx)
    pos = 0
    for a, b in zip(us, vs, strict=True):
        size = a.size
        rows[pos : pos + size] = a
        cols[pos : pos + size] = b
        rows[m + pos : m + pos + size] = b
        cols[m + pos : m + pos + size] = a
        pos += size
    us.clear()  # drop our references to the pieces as early as possible
    vs.clear()
    return Network._from_trusted(_csr_from_entries(n, rows, cols), directed=False, name=name)


def _directed(n: int, u: np.ndarray, v: np.ndarray, name: str) -> Network:
    """Network from distinct ordered pairs ``u[i] -> v[i]`` with ``u != v`` (trusted)."""
    return Network._from_trusted(_csr_from_entries(n, u, v), directed=True, name=name)


def _sample_distinct(rng: np.random.Generator, population: int, p: float) -> np.ndarray:
    """Each of ``population`` items independently with probability ``p``; returns their indices.

    Draws the count ``M ~ Binomial(population, p)``, then ``M`` distinct indices uniformly;
    conditional on ``M`` every subset of size ``M`` is equally likely, so each item is included
    independently with probability ``p``.
    """
    if population <= 0 or p <= 0.0:
        return np.zeros(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(population, dtype=np.int64)
    m = int(rng.binomial(population, p))
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(rng.choice(population, size=m, replace=False, shuffle=False)).astype(np.int64)


def _pair_from_index(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map pair index ``k`` to ``(i, j)``, ``i > j``, where ``k = i(i-1)/2 + j``."""
    i = np.floor((1.0 + np.sqrt(1.0 + 8.0 * k.astype(np.float64))) / 2.0).astype(np.int64)
    # correct floating-point rounding for very large k
    i -= (i * (i - 1) // 2) > k
    i += ((i + 1) * i // 2) <= k
    j = k - i * (i - 1) // 2
    return i, j


def _decode_pairs(k: np.ndarray, n: int, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_pair_from_index` in chunks, writing into ``dtype`` arrays (bounded temporaries)."""
    i_out = np.empty(k.size, dtype=dtype)
    j_out = np.empty(k.size, dtype=dtype)
    step = 1 << 22
    for start in range(0, k.size, step):
        i, j = _pair_from_index(k[start : start + step])
        i_out[start : start + step] = i
        j_out[start : start + step] = j
    return i_out, j_out


# ---------------------------------------------------------------------- deterministic graphs
def complete(n: int, *, rng: np.random.Generator | None = None) -> Network:
    """Complete graph :math:`K_n` (every pair of distinct nodes linked).

    Parameters
    ----------
    n : int
        Number of nodes, ``n >= 1``.
    rng : numpy.random.Generator, optional
        Ignored (deterministic).

    Returns
    -------
    Network
        Undirected, ``n(n-1)/2`` edges, flagged ``complete=True``.

    Notes
    -----
    The adjacency stores ``n(n-1)`` entries, so ``n`` is limited to about 46 000; worlds with a
    mean-field model should rather use the ``complete`` flag than the adjacency.

    Examples
    --------
    >>> complete(4).num_edges
    6
    """
    n = _check_int(n, "n", 1)
    nnz = n * (n - 1)
    if nnz > _MAX_COMPLETE_ENTRIES:
        raise ValueError(
            f"n={n} is too large for an explicit complete graph ({nnz} adjacency entries); "
            f"the limit is {_MAX_COMPLETE_ENTRIES}"
        )
    idx = _index_dtype(n, nnz)
    k = np.arange(nnz, dtype=np.int64)
    row = k // max(n - 1, 1)
    j = k - row * (n - 1)
    indices = (j + (j >= row)).astype(idx)
    indptr = np.arange(n + 1, dtype=np.int64) * (n - 1)
    adj = _make_csr(indptr, indices, np.ones(nnz), n)
    return Network._from_trusted(adj, directed=False, name="complete", complete=True)


def star(n: int, *, rng: np.random.Generator | None = None) -> Network:
    """Star graph on ``n`` nodes: hub ``0`` linked to leaves ``1..n-1``.

    Parameters
    ----------
    n : int
        Number of nodes (hub included), ``n >= 1``.
    rng : numpy.random.Generator, optional
        Ignored (deterministic).

    Returns
    -------
    Network
        Undirected, ``n - 1`` edges; the hub has degree ``n - 1``, leaves degree 1.

    Examples
    --------
    >>> star(4).degree().tolist()
    [3, 1, 1, 1]
    """
    n = _check_int(n, "n", 1)
    leaves = np.arange(1, n, dtype=np.int64)
    return _undirected(n, [np.zeros_like(leaves)], [leaves], "star")


def path(n: int, *, rng: np.random.Generator | None = None) -> Network:
    """Path graph ``0 - 1 - ... - (n-1)``.

    Parameters
    ----------
    n : int
        Number of nodes, ``n >= 1``.
    rng : numpy.random.Generator, optional
        Ignored (deterministic).

    Returns
    -------
    Network
        Undirected, ``n - 1`` edges.

    Examples
    --------
    >>> path(4).degree().tolist()
    [1, 2, 2, 1]
    """
    n = _check_int(n, "n", 1)
    u = np.arange(n - 1, dtype=np.int64)
    return _undirected(n, [u], [u + 1], "path")


def cycle(n: int, *, rng: np.random.Generator | None = None) -> Network:
    """Cycle graph ``0 - 1 - ... - (n-1) - 0``.

    Parameters
    ----------
    n : int
        Number of nodes, ``n >= 1``. For ``n < 3`` the closing edge would be a self-loop or a
        duplicate, so the result is the path on ``n`` nodes.
    rng : numpy.random.Generator, optional
        Ignored (deterministic).

    Returns
    -------
    Network
        Undirected, ``n`` edges for ``n >= 3``; every node has degree 2.

    Examples
    --------
    >>> cycle(5).degree().tolist()
    [2, 2, 2, 2, 2]
    """
    n = _check_int(n, "n", 1)
    if n < 3:
        net = path(n)
        net._name = "cycle"
        return net
    u = np.arange(n, dtype=np.int64)
    return _undirected(n, [u], [(u + 1) % n], "cycle")


def lattice(
    rows: int, cols: int, periodic: bool = False, *, rng: np.random.Generator | None = None
) -> Network:
    """Two-dimensional square grid with 4-neighbour (von Neumann) links.

    Parameters
    ----------
    rows, cols : int
        Grid size (each ``>= 1``); node ``r * cols + c`` sits at row ``r``, column ``c``.
    periodic : bool, default False
        Wrap around both dimensions (a torus). The wrap link is only added along dimensions of
        length ``>= 3``; for shorter ones it would be a self-loop or a duplicate edge.
    rng : numpy.random.Generator, optional
        Ignored (deterministic).

    Returns
    -------
    Network
        Undirected, ``rows (cols - 1) + cols (rows - 1)`` edges when not periodic and
        ``2 rows cols`` on a torus with both sides ``>= 3`` (every degree 4).

    Examples
    --------
    >>> lattice(2, 3).degree().tolist()
    [2, 3, 2, 2, 3, 2]
    """
    rows = _check_int(rows, "rows", 1)
    cols = _check_int(cols, "cols", 1)
    n = rows * cols
    node = np.arange(n, dtype=np.int64).reshape(rows, cols)
    us = [node[:, :-1].ravel(), node[:-1, :].ravel()]
    vs = [node[:, 1:].ravel(), node[1:, :].ravel()]
    if periodic and cols >= 3:
        us.append(node[:, -1])
        vs.append(node[:, 0])
    if periodic and rows >= 3:
        us.append(node[-1, :])
        vs.append(node[0, :])
    return _undirected(n, us, vs, "lattice")


# ---------------------------------------------------------------------- random graphs
def erdos_renyi(n: int, p: float, directed: bool = False, *, rng: np.random.Generator) -> Network:
    """Erdős–Rényi random graph :math:`G(n, p)`: each pair linked independently with prob. ``p``.

    Parameters
    ----------
    n : int
        Number of nodes, ``n >= 1``.
    p : float
        Edge probability in ``[0, 1]``.
    directed : bool, default False
        If True, each ordered pair ``(u, v)``, ``u != v``, is an edge independently.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Network

    Notes
    -----
    Exact sampling without a loop over pairs: with :math:`N = n(n-1)/2` possible pairs
    (:math:`n(n-1)` when directed) draw :math:`M \\sim \\mathrm{Binomial}(N, p)`, then :math:`M`
    distinct pair indices uniformly at random, and decode each index into a pair. Conditional on
    :math:`M` the graph is uniform among graphs with :math:`M` edges, which is exactly
    :math:`G(n, p)`. Cost is :math:`O(n + M)` time and memory. The expected number of edges is
    :math:`pN` and its variance :math:`Np(1-p)`.

    References: P. Erdős and A. Rényi, "On random graphs I", Publ. Math. Debrecen 6 (1959);
    E. N. Gilbert, "Random graphs", Ann. Math. Statist. 30 (1959).

    Examples
    --------
    >>> import numpy as np
    >>> g = erdos_renyi(100, 0.05, rng=np.random.default_rng(0))
    >>> g.n
    100
    """
    n = _check_int(n, "n", 1)
    p = _check_prob(p, "p")
    rng = _check_rng(rng)
    if directed:
        k = _sample_distinct(rng, n * (n - 1), p)
        u = k // max(n - 1, 1)
        r = k - u * (n - 1)
        v = r + (r >= u)
        return _directed(n, u, v, "erdos_renyi")
    k = _sample_distinct(rng, n * (n - 1) // 2, p)
    i, j = _decode_pairs(k, n, _index_dtype(n, 0))
    del k
    return _undirected(n, [i], [j], "erdos_renyi")


def _ba_source_values(e: np.ndarray, m: int) -> np.ndarray:
    """Source node of BA edge ``e``: the hub ``0`` for seed edges, else the node that added it."""
    return np.where(e < m, 0, m + 1 + (e - m) // m)


def barabasi_albert(n: int, m: int, *, rng: np.random.Generator) -> Network:
    """Barabási–Albert preferential-attachment graph.

    Parameters
    ----------
    n : int
        Number of nodes, ``n >= 2``.
    m : int
        Edges added with each new node, ``1 <= m < n``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Network
        Undirected and simple, with exactly ``m (n - m)`` edges.

    Notes
    -----
    Variant (the same model as ``networkx.barabasi_albert_graph``): start from a star on nodes
    ``0..m`` (hub ``0``, ``m`` edges). Each new node ``v = m+1, ..., n-1`` links to ``m``
    *distinct* existing nodes, each chosen with probability proportional to its current degree
    :math:`k_w / \\sum_x k_x` (linear preferential attachment). So the edge count is
    :math:`m + m(n - m - 1) = m(n - m)` and there are no multi-edges or self-loops. The degree
    distribution tends to :math:`P(k) = 2m(m+1) / (k(k+1)(k+2))`, a power law with exponent 3
    (Bollobás et al. 2001); e.g. a fraction :math:`2/(m+2)` of nodes keep degree ``m``.

    Implementation: the edge-list copying model of Batagelj and Brandes. Edge ``e`` owns two
    endpoint slots; the target slot of a new edge copies a uniformly random earlier slot (the
    slots of all edges that existed before the new node arrived), which picks node ``w`` with
    probability proportional to its degree. The copies are resolved with vectorized pointer
    jumping. When a node draws the same target twice, the later draw is redrawn until the
    ``m`` targets are distinct (rather than dropping the multi-edge), so the edge count is exact.
    Nodes are processed in chunks of doubling size so that a chunk's slots only copy from earlier
    chunks (already final) or from inside the chunk. Cost is :math:`O(nm)` time and memory.

    References: A.-L. Barabási and R. Albert, "Emergence of scaling in random networks",
    Science 286 (1999); V. Batagelj and U. Brandes, "Efficient generation of large random
    networks", Phys. Rev. E 71, 036113 (2005); B. Bollobás, O. Riordan, J. Spencer and
    G. Tusnády, "The degree sequence of a scale-free random graph process", Random Structures &
    Algorithms 18 (2001).

    Examples
    --------
    >>> import numpy as np
    >>> g = barabasi_albert(100, 2, rng=np.random.default_rng(0))
    >>> g.num_edges == 2 * (100 - 2)
    True
    """
    n = _check_int(n, "n", 2)
    m = _check_int(m, "m", 1)
    if m >= n:
        raise ValueError(f"m must satisfy 1 <= m < n (n={n}); got m={m}")
    rng = _check_rng(rng)
    t_new = n - m - 1  # number of nodes added after the seed star
    e_total = m + t_new * m
    vdt = np.int32 if n <= np.iinfo(np.int32).max else np.int64
    # val[s]: node stored in endpoint slot s (2e: source of edge e, 2e+1: its target).
    val = np.empty(2 * e_total, dtype=vdt)
    e_all = np.arange(e_total, dtype=np.int64)
    val[0::2] = _ba_source_values(e_all, m)
    val[1 : 2 * m : 2] = np.arange(1, m + 1)  # seed star targets
    start = 0
    chunk = 64
    while start < t_new:
        stop = min(t_new, start + chunk)
        chunk *= 2
        e0 = m + start * m
        e1 = m + stop * m
        # new edge e belongs to node t = (e - m) // m; it may copy slots [0, 2(m + t m))
        hi = 2 * (m + ((np.arange(e0, e1) - m) // m) * m)
        r = rng.integers(0, hi)
        while True:
            ptr = r.copy()
            inside = np.flatnonzero((ptr >= 2 * e0) & ((ptr & 1) == 1))
            while inside.size:
                ptr[inside] = ptr[(ptr[inside] >> 1) - e0]
                inside = inside[(ptr[inside] >= 2 * e0) & ((ptr[inside] & 1) == 1)]
            val[2 * e0 + 1 : 2 * e1 : 2] = val[ptr]
            if m == 1:
                break
            targets = val[2 * e0 + 1 : 2 * e1 : 2].reshape(-1, m)
            order = np.argsort(targets, axis=1, kind="stable")
            srt = np.take_along_axis(targets, order, axis=1)
            dup = srt[:, 1:] == srt[:, :-1]
            if not dup.any():
                break
            rows_d, cols_d = np.nonzero(dup)
            redo = rows_d * m + order[rows_d, cols_d + 1]
            r[redo] = rng.integers(0, hi[redo])
        start = stop
    return _undirected(n, [val[0::2]], [val[1::2]], "barabasi_albert")


def watts_strogatz(n: int, k: int, p: float, *, rng: np.random.Generator) -> Network:
    """Watts–Strogatz small-world graph.

    Parameters
    ----------
    n : int
        Number of nodes, ``n >= 1``.
    k : int
        Each node is linked to its ``k`` nearest ring neighbours (``k/2`` on each side); ``k``
        even with ``0 <= k < n``.
    p : float
        Rewiring probability in ``[0, 1]``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Network
        Undirected and simple with exactly ``n k / 2`` edges.

    Notes
    -----
    Start from the ring lattice with edges :math:`(i, i + j \\bmod n)`, :math:`1 \\le j \\le k/2`.
    Each edge independently, with probability ``p``, keeps its near end ``i`` and moves its far
    end to a node ``w`` drawn uniformly among nodes other than ``i``; draws that would give a
    self-loop, the edge's original far end, or a duplicate of another edge (kept or already
    rewired, or the lattice position of an edge still being rewired) are redrawn until they land
    on a free pair. So ``p = 0`` gives the ring lattice (every degree ``k``) and any ``p`` keeps
    exactly ``n k / 2`` edges; every node keeps at least ``k/2`` edges. In nearly complete graphs
    an edge that finds no free pair within 200 rounds of redraws stays where it was. This is the
    model of ``networkx.watts_strogatz_graph`` with all edges rewired at once instead of one ring
    layer after another. When ``k = n - 1`` the lattice is already complete and nothing can be
    rewired.

    Reference: D. J. Watts and S. H. Strogatz, "Collective dynamics of 'small-world' networks",
    Nature 393 (1998).

    Examples
    --------
    >>> import numpy as np
    >>> watts_strogatz(6, 2, 0.0, rng=np.random.default_rng(0)).degree().tolist()
    [2, 2, 2, 2, 2, 2]
    """
    n = _check_int(n, "n", 1)
    k = _check_int(k, "k", 0)
    if k % 2 or k >= n:
        raise ValueError(f"k must be even with 0 <= k < n (n={n}); got k={k}")
    p = _check_prob(p, "p")
    rng = _check_rng(rng)
    half = k // 2
    vdt = _index_dtype(n + half, 0)
    base = np.arange(n, dtype=vdt)
    u = np.tile(base, half)
    v = np.empty_like(u)
    for j in range(1, half + 1):  # k/2 ring layers, each vectorized over all nodes
        np.remainder(base + j, n, out=v[(j - 1) * n : j * n])
    if half == 0 or p == 0.0 or k == n - 1:
        return _undirected(n, [u], [v], "watts_strogatz")
    rew = np.flatnonzero(rng.random(u.size) < p)
    # occupied[e]: lattice pair e is taken, by its kept edge or reserved for its pending edge
    occupied = np.ones(u.size, dtype=bool)
    kept = np.ones(u.size, dtype=bool)
    kept[rew] = False
    ru, rv = u[rew].astype(np.int64), v[rew].astype(np.int64)
    rw = rv.copy()

    def lattice_index(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Index in the ring lattice of the pair {a, b}, or -1 when it is not a lattice pair."""
        d = (b - a) % n  # b = a + d
        out = np.full(a.size, -1, dtype=np.int64)
        fwd = (d >= 1) & (d <= half)
        out[fwd] = (d[fwd] - 1) * n + a[fwd]
        bwd = (d >= n - half) & ~fwd  # a = b + (n - d)
        out[bwd] = (n - d[bwd] - 1) * n + b[bwd]
        return out

    settled = np.zeros(0, dtype=np.int64)  # sorted keys min*n+max of placed rewired edges
    pending = np.arange(ru.size)
    for _ in range(_WS_MAX_ROUNDS):
        if not pending.size:
            break
        a = ru[pending]
        w = rng.integers(0, n - 1, size=pending.size)
        w += w >= a
        key = np.minimum(a, w) * n + np.maximum(a, w)
        lat = lattice_index(a, w)
        bad = (lat >= 0) & occupied[np.maximum(lat, 0)]
        if settled.size:
            at = np.searchsorted(settled, key)
            bad |= settled[np.minimum(at, settled.size - 1)] == key
        ok = np.flatnonzero(~bad)
        order = ok[np.argsort(key[ok], kind="stable")]
        first = np.ones(order.size, dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        accepted = order[first]
        acc_keys = key[accepted]  # sorted and distinct
        settled = np.insert(settled, np.searchsorted(settled, acc_keys), acc_keys)
        rw[pending[accepted]] = w[accepted]
        occupied[rew[pending[accepted]]] = False  # the old lattice pair is free again
        done = np.zeros(pending.size, dtype=bool)
        done[accepted] = True
        pending = pending[~done]
    # edges still pending (only in nearly complete graphs) keep their reserved lattice pair
    return _undirected(n, [u[kept], ru], [v[kept], rw], "watts_strogatz")


def stochastic_block(
    sizes: Sequence[int],
    p: Any,
    directed: bool = False,
    *,
    rng: np.random.Generator,
) -> Network:
    """Stochastic block model: nodes ``i`` in block ``a`` and ``j`` in block ``b`` are linked
    independently with probability ``p[a][b]``.

    Parameters
    ----------
    sizes : sequence of int
        Block sizes (each ``>= 1``); block ``a`` holds the consecutive nodes
        ``sum(sizes[:a]) .. sum(sizes[:a+1]) - 1``.
    p : array_like, shape (B, B)
        Link probabilities in ``[0, 1]``; symmetric when undirected.
    directed : bool, default False
        If True, ordered pairs are drawn independently with ``p[a][b]`` for ``a -> b``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Network
        The block of each node is stored in ``network.attrs["block"]`` (int32 array).

    Notes
    -----
    Each block pair is an independent exact :math:`G(n, p)`-style draw (binomial count of
    links, then distinct pair indices, see :func:`erdos_renyi`): within block ``a`` there are
    :math:`s_a(s_a-1)/2` candidate pairs and between blocks ``a < b`` there are :math:`s_a s_b`.
    The expected within-block density is ``p[a][a]``.

    Reference: P. W. Holland, K. B. Laskey and S. Leinhardt, "Stochastic blockmodels: first
    steps", Social Networks 5 (1983).

    Examples
    --------
    >>> import numpy as np
    >>> g = stochastic_block([3, 3], [[1.0, 0.0], [0.0, 1.0]], rng=np.random.default_rng(0))
    >>> g.num_edges, g.connected_components()
    (6, 2)
    """
    sz = [_check_int(s, f"sizes[{i}]", 1) for i, s in enumerate(sizes)]
    if not sz:
        raise ValueError("sizes must list at least one block size")
    probs = np.asarray(p, dtype=np.float64)
    nb = len(sz)
    if probs.shape != (nb, nb):
        raise ValueError(f"p must be a {nb} x {nb} matrix (one row per block); got {probs.shape}")
    if not np.all((probs >= 0) & (probs <= 1)):
        raise ValueError("p entries must be probabilities in [0, 1]")
    if not directed and not np.array_equal(probs, probs.T):
        raise ValueError("p must be symmetric for an undirected stochastic block model")
    rng = _check_rng(rng)
    off = np.concatenate([[0], np.cumsum(sz)]).astype(np.int64)
    n = int(off[-1])
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    for a in range(nb):
        for b in range(nb):
            if not directed and b < a:
                continue
            sa, sb, pab = sz[a], sz[b], float(probs[a, b])
            if a == b and directed:
                kk = _sample_distinct(rng, sa * (sa - 1), pab)
                i = kk // max(sa - 1, 1)
                r = kk - i * (sa - 1)
                j = r + (r >= i)
            elif a == b:
                i, j = _pair_from_index(_sample_distinct(rng, sa * (sa - 1) // 2, pab))
            else:
                kk = _sample_distinct(rng, sa * sb, pab)
                i, j = kk // sb, kk % sb
            us.append(off[a] + i)
            vs.append(off[b] + j)
    if directed:
        net = _directed(n, np.concatenate(us), np.concatenate(vs), "stochastic_block")
    else:
        net = _undirected(n, us, vs, "stochastic_block")
    net.attrs["block"] = np.repeat(np.arange(nb, dtype=np.int32), sz)
    return net


def named(name: str, *, weighted: bool = False, rng: np.random.Generator | None = None) -> Network:
    """One of the classic small graphs that ship with networkx.

    Parameters
    ----------
    name : str
        Snake-case name from :data:`NAMED_GRAPHS`, e.g. ``"karate_club"`` for
        ``networkx.karate_club_graph()``.
    weighted : bool, default False
        Keep the ``"weight"`` edge attribute (karate_club and les_miserables carry one). By
        default weights are ignored and every edge has weight 1.
    rng : numpy.random.Generator, optional
        Ignored (deterministic).

    Returns
    -------
    Network
        Nodes are numbered in networkx's node order; original node names (e.g. the women of
        ``davis_southern_women``) are kept in :attr:`Network.labels`.

    Examples
    --------
    >>> g = named("karate_club")
    >>> g.n, g.num_edges, int(g.degree()[0])
    (34, 78, 16)
    """
    if name not in NAMED_GRAPHS:
        raise ValueError(f"unknown named graph {name!r}; choose one of {', '.join(NAMED_GRAPHS)}")
    import networkx as nx

    factory = getattr(nx, f"{name}_graph", None)
    if factory is None:  # pragma: no cover - depends on the networkx version
        raise ValueError(f"networkx {nx.__version__} has no {name}_graph()")
    return Network.from_networkx(factory(), weighted=weighted, name=name)
