"""Network metrics: friendship paradox, degree assortativity, degree statistics, transitivity.

Every function accepts a graph in any of these forms:

* a ``socium.core.network.Network`` (anything with ``.adjacency`` and ``.directed``;
  ``adjacency`` is a scipy CSR matrix whose row ``u`` holds the out-neighbours of ``u``);
* a scipy.sparse matrix or array, or a square 2-D numpy array, used as the adjacency matrix.
  It is treated as undirected when it is symmetric and as directed otherwise;
* a networkx ``Graph``/``DiGraph`` (node ``i`` of the metrics is the ``i``-th node in
  ``list(G)``).

Self-loops are ignored by every metric in this package. Degrees are unweighted (the sparsity
pattern of the adjacency) unless a function is called with ``weighted=True``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import scipy.sparse as sp

from socium.metrics.polarization import gini

__all__ = [
    "clustering_coefficient",
    "degree_assortativity",
    "degree_stats",
    "friendship_paradox",
]

# Upper bound on the number of sparse products formed at once by the triangle counter.
_TRIANGLE_CHUNK_WORK = 20_000_000


def _as_csr(graph: Any, weighted: bool = False) -> tuple[sp.csr_array, bool]:
    """Convert a graph to a canonical CSR adjacency matrix.

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        The graph. A ``Network`` is recognised by duck typing (it has ``adjacency`` and
        ``directed``), so ``socium.core`` is never imported here.
    weighted : bool, default False
        Keep edge weights. If False, every stored non-zero entry becomes 1 (the sparsity
        pattern), so parallel edges of a multigraph count once.

    Returns
    -------
    adjacency : scipy.sparse.csr_array
        ``n x n`` float64 adjacency, row ``u`` = out-neighbours of ``u``, with duplicate entries
        summed, explicit zeros and self-loops (the diagonal) removed, and sorted indices.
    directed : bool
        Whether the graph is directed. A bare sparse or dense matrix is directed exactly when it
        is not symmetric.

    Raises
    ------
    TypeError
        If ``graph`` is none of the accepted types.
    ValueError
        If the adjacency matrix is not square.
    """
    directed: bool | None
    if hasattr(graph, "adjacency") and hasattr(graph, "directed"):
        adj = graph.adjacency
        if callable(adj):
            adj = adj()
        mat = sp.csr_array(adj, dtype=np.float64)
        directed = bool(graph.directed)
    elif sp.issparse(graph):
        mat = sp.csr_array(graph, dtype=np.float64)
        directed = None
    elif hasattr(graph, "is_directed") and hasattr(graph, "adj"):
        import networkx as nx

        if len(graph) == 0:  # networkx refuses to convert a graph without nodes
            mat = sp.csr_array((0, 0), dtype=np.float64)
        else:
            mat = sp.csr_array(
                nx.to_scipy_sparse_array(
                    graph, weight="weight" if weighted else None, dtype=np.float64, format="csr"
                )
            )
        directed = bool(graph.is_directed())
    elif isinstance(graph, np.ndarray) and graph.ndim == 2:
        mat = sp.csr_array(graph.astype(np.float64, copy=False))
        directed = None
    else:
        raise TypeError(
            "graph must be a socium Network, a scipy.sparse adjacency matrix, a square 2-D "
            f"numpy array or a networkx graph; got {type(graph).__name__}"
        )
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1]:
        raise ValueError(f"graph adjacency must be square; got shape {mat.shape}")
    n = mat.shape[0]
    coo = mat.tocoo()
    keep = (coo.row != coo.col) & (coo.data != 0)
    row, col, data = coo.row[keep], coo.col[keep], coo.data[keep]
    out = sp.csr_array((data, (row, col)), shape=(n, n))  # sums duplicates
    out.sum_duplicates()
    out.eliminate_zeros()
    out.sort_indices()
    if not weighted:
        out.data = np.ones_like(out.data)
    if directed is None:
        directed = (out != out.T).nnz > 0
    return out, directed


def _undirected(adj: sp.csr_array, directed: bool) -> sp.csr_array:
    """Symmetrize a directed adjacency: ``w_uv = max(a_uv, a_vu)`` (the union of the patterns)."""
    if not directed:
        return adj
    sym = sp.csr_array(adj.maximum(adj.T))
    sym.sort_indices()
    return sym


def _row_index(adj: sp.csr_array) -> np.ndarray:
    """Row index of every stored entry of a CSR matrix (the COO ``row`` array)."""
    return np.repeat(np.arange(adj.shape[0], dtype=np.int64), np.diff(adj.indptr))


def _nonempty(adj: sp.csr_array) -> None:
    if adj.shape[0] == 0:
        raise ValueError("graph must have at least one node (n >= 1); got an empty graph")


def friendship_paradox(graph: Any, weighted: bool = False) -> dict[str, float | int]:
    r"""Measure the friendship paradox: your friends have, on average, more friends than you.

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        The graph. A directed graph is symmetrized first (``u`` and ``v`` are neighbours when
        either edge ``u -> v`` or ``v -> u`` exists, so a reciprocated pair counts once).
        Self-loops are ignored.
    weighted : bool, default False
        If False (the default) degrees are unweighted: edge weights, e.g. those of networkx's
        ``karate_club_graph``, are ignored and the sparsity pattern is used. If True, the degree
        :math:`k_u` is replaced by the strength :math:`s_u = \sum_v w_{uv}` and the neighbour
        mean by the weight-averaged neighbour strength :math:`\sum_v w_{uv} s_v / s_u`
        (note: ``networkx.average_neighbor_degree(G, weight=...)`` averages unweighted
        neighbour degrees instead, so the two differ on weighted graphs); for a directed
        graph the symmetrized weight is :math:`\max(w_{uv}, w_{vu})`.

    Returns
    -------
    dict
        ``n``
            Number of nodes.
        ``isolates``
            Number of nodes with degree 0.
        ``mean_degree``
            :math:`\langle k \rangle`, over all ``n`` nodes (isolates included).
        ``mean_neighbor_degree_edge``
            :math:`\langle k^2 \rangle / \langle k \rangle`, the mean degree of the node at the
            end of a uniformly chosen edge end (isolates included in both moments).
        ``mean_neighbor_degree_node``
            Mean over nodes with :math:`k_u > 0` of
            :math:`k^{nn}_u = \frac{1}{k_u}\sum_{v \in N(u)} k_v`.
        ``fraction_paradox``
            Share of nodes with :math:`k_u > 0` for which :math:`k_u < k^{nn}_u` (strictly).

    Raises
    ------
    ValueError
        If the graph has no nodes.

    Notes
    -----
    Feld's identity

    .. math:: \frac{\langle k^2 \rangle}{\langle k \rangle}
              = \langle k \rangle + \frac{\sigma_k^2}{\langle k \rangle} \ge \langle k \rangle

    says that the degree of a random neighbour (the edge average) is at least the mean degree,
    with equality only on regular graphs. The node-level view averages
    :math:`k^{nn}_u` over nodes and counts how many nodes are "paradoxical".

    Isolates (degree 0) have no neighbours, so they are excluded from
    ``mean_neighbor_degree_node`` and ``fraction_paradox``, but they are included in
    :math:`\langle k \rangle` and :math:`\langle k^2 \rangle` (they scale both moments by
    the same factor, so the ratio :math:`\langle k^2 \rangle / \langle k \rangle` is exactly
    unchanged).
    A graph with nodes but no edges returns ``mean_degree = 0`` and NaN for the three
    neighbour keys, which are undefined there.

    Cost: :math:`O(n + m)` time and memory (one sparse matrix-vector product).

    References
    ----------
    .. [1] Feld, S. L. (1991). Why your friends have more friends than you do. American
       Journal of Sociology, 96(6), 1464-1477.
    .. [2] Eom, Y.-H., & Jo, H.-H. (2014). Generalized friendship paradox in complex networks:
       the case of scientific collaboration. Scientific Reports, 4, 4603.

    Examples
    --------
    A star with 3 leaves: :math:`\langle k \rangle = 6/4`, and every leaf has fewer friends
    than its friend.

    >>> import networkx as nx
    >>> fp = friendship_paradox(nx.star_graph(3))
    >>> fp["mean_degree"], fp["mean_neighbor_degree_edge"], fp["fraction_paradox"]
    (1.5, 2.0, 0.75)
    """
    adj, directed = _as_csr(graph, weighted=weighted)
    _nonempty(adj)
    sym = _undirected(adj, directed)
    n = sym.shape[0]
    k = np.asarray(sym.sum(axis=1), dtype=np.float64).ravel()
    has_nb = np.diff(sym.indptr) > 0
    isolates = int(n - np.count_nonzero(has_nb))
    mean_k = float(k.mean())
    out: dict[str, float | int] = {"n": int(n), "isolates": isolates, "mean_degree": mean_k}
    if not has_nb.any():
        out.update(
            mean_neighbor_degree_edge=float("nan"),
            mean_neighbor_degree_node=float("nan"),
            fraction_paradox=float("nan"),
        )
        return out
    nb_sum = np.asarray(sym @ k, dtype=np.float64)[has_nb]  # sum_v w_uv k_v
    k_pos = k[has_nb]
    knn = nb_sum / k_pos
    out["mean_neighbor_degree_edge"] = float(np.mean(k * k) / mean_k)
    out["mean_neighbor_degree_node"] = float(knn.mean())
    # k_u < sum_v k_v / k_u  <=>  k_u^2 < sum_v k_v  (exact in floating point for integer degrees)
    out["fraction_paradox"] = float(np.mean(k_pos * k_pos < nb_sum))
    return out


def degree_assortativity(graph: Any) -> float:
    r"""Degree assortativity coefficient: Pearson correlation of degrees at the two ends of edges.

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        The graph; degrees are unweighted and self-loops are ignored.

    Returns
    -------
    float
        :math:`r \in [-1, 1]`; NaN when the graph has no edges or when all edge ends have the
        same degree (e.g. a regular graph), where the correlation is undefined.

    Raises
    ------
    ValueError
        If the graph has no nodes.

    Notes
    -----
    For an undirected graph with edges :math:`i = 1..M` joining degrees :math:`j_i, k_i`
    (Newman 2002, eq. 4)

    .. math:: r = \frac{M^{-1}\sum_i j_i k_i - \left[M^{-1}\sum_i \tfrac12 (j_i + k_i)\right]^2}
                       {M^{-1}\sum_i \tfrac12 (j_i^2 + k_i^2)
                        - \left[M^{-1}\sum_i \tfrac12 (j_i + k_i)\right]^2},

    which equals the Pearson correlation over both orientations of every edge. For a directed
    graph the correlation is between the out-degree of the source and the in-degree of the
    target of each edge (Newman 2003), the default of
    ``networkx.degree_assortativity_coefficient``. Cost :math:`O(n + m)`.

    References
    ----------
    .. [1] Newman, M. E. J. (2002). Assortative mixing in networks. Physical Review Letters,
       89(20), 208701.
    .. [2] Newman, M. E. J. (2003). Mixing patterns in networks. Physical Review E, 67(2),
       026126.

    Examples
    --------
    A star is perfectly disassortative:

    >>> import networkx as nx
    >>> degree_assortativity(nx.star_graph(4))
    -1.0
    """
    adj, directed = _as_csr(graph)
    _nonempty(adj)
    if adj.nnz == 0:
        return float("nan")
    k_out = np.diff(adj.indptr).astype(np.float64)
    k_in = (
        np.bincount(adj.indices, minlength=adj.shape[0]).astype(np.float64) if directed else k_out
    )
    x = k_out[_row_index(adj)]
    y = k_in[adj.indices]
    x -= x.mean()
    y -= y.mean()
    var_x = float(np.dot(x, x))
    var_y = float(np.dot(y, y))
    if var_x == 0.0 or var_y == 0.0:
        return float("nan")
    r = float(np.dot(x, y)) / np.sqrt(var_x * var_y)
    return float(np.clip(r, -1.0, 1.0))


def degree_stats(
    graph: Any, *, weighted: bool = False, mode: str = "total"
) -> dict[str, float | int]:
    r"""Summary statistics of the degree distribution.

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        The graph; self-loops are ignored.
    weighted : bool, default False
        Use strengths :math:`s_u = \sum_v w_{uv}` instead of unweighted degrees.
    mode : {"total", "out", "in"}, default "total"
        Which degree of a directed graph: out-degree (row sums), in-degree (column sums) or
        their sum (as ``networkx.DiGraph.degree``). Ignored for undirected graphs.

    Returns
    -------
    dict
        ``n``, ``mean``, ``std`` (population), ``min``, ``max`` and ``gini`` (Gini coefficient
        of the degrees, NaN when every degree is 0; see :func:`socium.metrics.gini`).

    Raises
    ------
    ValueError
        If the graph has no nodes or ``mode`` is not one of the allowed values.

    Notes
    -----
    The Gini coefficient of the sorted degrees :math:`k_{(1)} \le \dots \le k_{(n)}` is

    .. math:: G = \frac{2 \sum_{i=1}^n i\, k_{(i)}}{n \sum_i k_i} - \frac{n + 1}{n}.

    References
    ----------
    .. [1] Barabasi, A.-L. (2016). Network Science, ch. 2 and 4. Cambridge University Press.
    .. [2] Dorfman, R. (1979). A formula for the Gini coefficient. The Review of Economics and
       Statistics, 61(1), 146-149.

    Examples
    --------
    >>> import networkx as nx
    >>> degree_stats(nx.path_graph(3))["max"]
    2.0
    """
    if mode not in ("total", "out", "in"):
        raise ValueError(f"mode must be one of 'total', 'out', 'in'; got {mode!r}")
    adj, directed = _as_csr(graph, weighted=weighted)
    _nonempty(adj)
    out_k = np.asarray(adj.sum(axis=1), dtype=np.float64).ravel()
    if not directed:
        k = out_k
    else:
        in_k = np.asarray(adj.sum(axis=0), dtype=np.float64).ravel()
        k = {"out": out_k, "in": in_k, "total": out_k + in_k}[mode]
    return {
        "n": int(k.size),
        "mean": float(k.mean()),
        "std": float(k.std()),
        "min": float(k.min()),
        "max": float(k.max()),
        "gini": gini(k),
    }


def _triangle_count(sym: sp.csr_array) -> float:
    """Number of triangles of a simple undirected graph with symmetric 0/1 adjacency ``sym``.

    Orients every edge from the lower to the higher (degree, index) rank, so each triangle is
    counted once as ``(D @ D) * D`` and out-degrees are at most ``sqrt(2 m)`` (Latapy 2008).
    Rows are processed in chunks that bound the number of intermediate products.
    """
    n = sym.shape[0]
    deg = np.diff(sym.indptr)
    order = np.lexsort((np.arange(n), deg))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    row = _row_index(sym)
    col = sym.indices
    fwd = rank[row] < rank[col]
    dag = sp.csr_array(
        (np.ones(int(fwd.sum()), dtype=np.float64), (row[fwd], col[fwd])), shape=(n, n)
    )
    out_deg = np.diff(dag.indptr).astype(np.float64)
    work = np.asarray(dag @ out_deg, dtype=np.float64) + 1.0  # products per row (+1: row cost)
    cum = np.cumsum(work)
    n_chunks = int(np.ceil(cum[-1] / _TRIANGLE_CHUNK_WORK))
    cuts = np.searchsorted(cum, np.arange(1, n_chunks) * _TRIANGLE_CHUNK_WORK) + 1
    starts = np.unique(np.concatenate(([0], np.minimum(cuts, n), [n])))
    total = 0.0
    for lo, hi in itertools.pairwise(starts):
        block = dag[lo:hi]
        total += float(sp.csr_array(block @ dag).multiply(block).sum())
    return total


def clustering_coefficient(graph: Any) -> float:
    r"""Global clustering coefficient (transitivity) of the graph.

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        The graph; weights and self-loops are ignored, and a directed graph is symmetrized.

    Returns
    -------
    float
        :math:`T \in [0, 1]`; 0 when the graph has no connected triple (as ``networkx``).

    Raises
    ------
    ValueError
        If the graph has no nodes.

    Notes
    -----
    .. math:: T = \frac{3 \times \text{number of triangles}}{\text{number of connected triples}}
              = \frac{\operatorname{tr}(A^3)}{\sum_u k_u (k_u - 1)}.

    This is the global transitivity, not the average of local clustering coefficients.
    Triangles are counted with the degree-ordered "forward" algorithm in sparse
    matrix form (each edge oriented towards the endpoint of higher degree, then
    :math:`\sum ((D D) \circ D)`), in :math:`O(m^{3/2})` time and chunked memory, which
    handles graphs of :math:`10^5`-:math:`10^6` nodes in seconds.

    References
    ----------
    .. [1] Newman, M. E. J., Strogatz, S. H., & Watts, D. J. (2001). Random graphs with
       arbitrary degree distributions and their applications. Physical Review E, 64(2), 026118.
    .. [2] Latapy, M. (2008). Main-memory triangle computations for very large (sparse
       (power-law)) graphs. Theoretical Computer Science, 407(1-3), 458-473.

    Examples
    --------
    >>> import networkx as nx
    >>> clustering_coefficient(nx.complete_graph(4))
    1.0
    """
    adj, directed = _as_csr(graph)
    _nonempty(adj)
    sym = _undirected(adj, directed)
    deg = np.diff(sym.indptr).astype(np.float64)
    triples = float(np.dot(deg, deg - 1.0))  # 2 x connected triples
    if triples == 0.0:
        return 0.0
    return 6.0 * _triangle_count(sym) / triples
