"""Opinion-dynamics metrics: clusters, consensus, state fractions, convergence and disagreement.

All functions are pure and vectorized; inputs may hold :math:`10^7` values. Graph arguments
accept the same forms as :mod:`socium.metrics.network` (a ``Network``, a scipy.sparse adjacency
or a networkx graph); agent ``i`` is row ``i`` of the adjacency (for networkx, the ``i``-th node
of ``list(G)``). Self-loops are ignored.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from socium.metrics.network import _as_csr, _row_index
from socium.metrics.polarization import _as_values

__all__ = [
    "active_link_density",
    "consensus",
    "disagreement",
    "max_abs_change",
    "mean_abs_change",
    "opinion_clusters",
    "state_fractions",
]


def opinion_clusters(x: object, tol: float = 0.01, *, min_size: int = 1) -> tuple[int, np.ndarray]:
    r"""Count opinion clusters by splitting the sorted opinions at gaps larger than ``tol``.

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite opinions (NaN or inf raise ``ValueError``). An empty array has 0 clusters.
    tol : float, default 0.01
        Maximum within-cluster gap: two consecutive sorted opinions belong to the same cluster
        when they differ by at most ``tol`` (a gap strictly greater than ``tol`` splits).
        Must be ``>= 0``.
    min_size : int, default 1
        Clusters with fewer than ``min_size`` agents are not counted (and their centres are not
        returned), e.g. to ignore isolated extremists.

    Returns
    -------
    count : int
        Number of clusters with at least ``min_size`` agents.
    centres : numpy.ndarray, shape (count,)
        Mean opinion of each counted cluster, ascending.

    Raises
    ------
    ValueError
        If ``x`` is not 1-D or not finite, ``tol < 0`` or ``min_size < 1``.

    Notes
    -----
    With sorted opinions :math:`x_{(1)} \le \dots \le x_{(n)}`, a new cluster starts at
    :math:`x_{(i+1)}` whenever :math:`x_{(i+1)} - x_{(i)} > \text{tol}`. This is single-linkage
    clustering at threshold ``tol``, the usual way to count the final opinion clusters of the
    bounded-confidence models of Deffuant et al. (2000) and Hegselmann & Krause (2002). Note the
    chaining: a cluster may span more than ``tol`` if its consecutive gaps are small. Gaps are
    compared in floating point, so a gap that is "exactly" ``tol`` in decimal may fall on either
    side (``0.91 - 0.9 > 0.01``); choose ``tol`` away from the gaps you expect.
    Cost :math:`O(n \log n)`.

    References
    ----------
    .. [1] Deffuant, G., Neau, D., Amblard, F., & Weisbuch, G. (2000). Mixing beliefs among
       interacting agents. Advances in Complex Systems, 3, 87-98.
    .. [2] Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence:
       models, analysis and simulation. JASSS, 5(3).

    Examples
    --------
    >>> opinion_clusters([0.9, 0.1, 0.11, 0.5], tol=0.05)
    (3, array([0.105, 0.5  , 0.9  ]))
    """
    arr = _as_values(x, min_size=0)
    tol = float(tol)
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0; got {tol}")
    if isinstance(min_size, bool) or not isinstance(min_size, (int, np.integer)) or min_size < 1:
        raise ValueError(f"min_size must be an integer >= 1; got {min_size!r}")
    if arr.size == 0:
        return 0, np.empty(0, dtype=np.float64)
    srt = np.sort(arr)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(srt) > tol) + 1))
    sizes = np.diff(np.append(starts, srt.size))
    centres = np.add.reduceat(srt, starts) / sizes
    keep = sizes >= min_size
    return int(np.count_nonzero(keep)), centres[keep]


def consensus(x: object, tol: float = 0.0) -> bool:
    r"""Whether the population has reached consensus.

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite opinions or discrete (integer) states, ``n >= 1``.
    tol : float, default 0.0
        Largest allowed spread. The default 0 means "all values equal", the consensus notion of
        discrete-state models (voter, majority, q-voter, Sznajd).

    Returns
    -------
    bool
        :math:`\max_i x_i - \min_i x_i \le \text{tol}`.

    Raises
    ------
    ValueError
        If ``x`` is empty, not 1-D or not finite, or ``tol < 0``.

    Notes
    -----
    For continuous opinions choose ``tol`` at least the convergence precision; for bounded
    confidence models, consensus is a single cluster, i.e. spread below the confidence bound
    (Lorenz 2007).

    References
    ----------
    .. [1] Lorenz, J. (2007). Continuous opinion dynamics under bounded confidence: a survey.
       International Journal of Modern Physics C, 18(12), 1819-1838.

    Examples
    --------
    >>> consensus([1, 1, 1]), consensus([0.50, 0.52], tol=0.05)
    (True, True)
    """
    tol = float(tol)
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0; got {tol}")
    arr = np.asarray(x)
    if arr.dtype.kind in "biu":  # discrete states: exact integer spread
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"x must be a non-empty 1-D array; got shape {arr.shape}")
        return bool(int(arr.max()) - int(arr.min()) <= tol)
    arr = _as_values(arr)
    return bool(float(arr.max()) - float(arr.min()) <= tol)


def state_fractions(states: object, n_states: int | None = None) -> np.ndarray:
    r"""Fraction of agents in each discrete state.

    Parameters
    ----------
    states : array_like of int, shape (n,)
        Non-negative integer state of every agent, ``n >= 1``.
    n_states : int, optional
        Number of states; defaults to ``max(states) + 1``. Must exceed every state.

    Returns
    -------
    numpy.ndarray, shape (n_states,)
        :math:`f_s = \frac{1}{n}\#\{i : \sigma_i = s\}`, summing to 1.

    Raises
    ------
    ValueError
        If ``states`` is empty, not 1-D, not integer or negative, or ``n_states`` is too small.

    Notes
    -----
    Computed with one ``numpy.bincount``, :math:`O(n)`. In the voter model the magnetization
    is :math:`m = f_1 - f_0` (Castellano, Fortunato & Loreto 2009).

    References
    ----------
    .. [1] Castellano, C., Fortunato, S., & Loreto, V. (2009). Statistical physics of social
       dynamics. Reviews of Modern Physics, 81(2), 591-646.

    Examples
    --------
    >>> state_fractions([0, 2, 2, 0], n_states=4)
    array([0.5, 0. , 0.5, 0. ])
    """
    arr = np.asarray(states)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"states must be a non-empty 1-D array; got shape {arr.shape}")
    if arr.dtype.kind not in "biu":
        raise ValueError(f"states must hold integers; got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise ValueError(f"states must be non-negative; got minimum {lo}")
    if n_states is None:
        n_states = hi + 1
    elif n_states <= hi:
        raise ValueError(f"n_states must be > max(states) = {hi}; got {n_states}")
    return np.bincount(arr, minlength=int(n_states)) / arr.size


def _paired(x_old: object, x_new: object) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(x_old, dtype=np.float64)
    b = np.asarray(x_new, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"x_old and x_new must have the same shape; got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("x_old and x_new must be non-empty")
    return a, b


def mean_abs_change(x_old: object, x_new: object) -> float:
    r"""Mean absolute change of the agents' state between two steps.

    Parameters
    ----------
    x_old, x_new : array_like, same shape
        States before and after; any shape (e.g. ``(n,)`` or ``(n, d)``).

    Returns
    -------
    float
        :math:`\frac{1}{N}\sum_i |x^{new}_i - x^{old}_i|` over all ``N`` entries (NaN
        propagates).

    Raises
    ------
    ValueError
        If the shapes differ or the arrays are empty.

    Notes
    -----
    A convergence criterion for continuous opinion dynamics; see :func:`max_abs_change` for
    the stricter sup-norm version (Lorenz 2007).

    References
    ----------
    .. [1] Lorenz, J. (2007). Continuous opinion dynamics under bounded confidence: a survey.
       International Journal of Modern Physics C, 18(12), 1819-1838.

    Examples
    --------
    >>> mean_abs_change([0.0, 1.0], [0.5, 1.0])
    0.25
    """
    a, b = _paired(x_old, x_new)
    return float(np.mean(np.abs(b - a)))


def max_abs_change(x_old: object, x_new: object) -> float:
    r"""Largest absolute change of any agent's state between two steps.

    Parameters
    ----------
    x_old, x_new : array_like, same shape
        States before and after; any shape.

    Returns
    -------
    float
        :math:`\|x^{new} - x^{old}\|_\infty = \max_i |x^{new}_i - x^{old}_i|` (NaN propagates).

    Raises
    ------
    ValueError
        If the shapes differ or the arrays are empty.

    Notes
    -----
    The usual stopping rule of the Hegselmann-Krause and DeGroot models is
    :math:`\|x(t+1) - x(t)\|_\infty < \varepsilon` (Hegselmann & Krause 2002).

    References
    ----------
    .. [1] Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence:
       models, analysis and simulation. JASSS, 5(3).

    Examples
    --------
    >>> max_abs_change([0.0, 1.0], [0.5, 0.9])
    0.5
    """
    a, b = _paired(x_old, x_new)
    return float(np.max(np.abs(b - a)))


def _edge_ends(graph: Any, values: np.ndarray, name: str, weighted: bool = False):
    adj, _ = _as_csr(graph, weighted=weighted)
    n = adj.shape[0]
    if values.ndim not in (1, 2) or values.shape[0] != n:
        raise ValueError(
            f"{name} must have shape (n,) or (n, d) with n = {n} graph nodes; got {values.shape}"
        )
    return adj, _row_index(adj), adj.indices


def disagreement(graph: Any, x: object, *, weighted: bool = False) -> float:
    r"""Network disagreement: mean squared opinion difference across edges.

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        Who is linked to whom; self-loops are ignored.
    x : array_like, shape (n,) or (n, d)
        Finite opinion of every node (a vector of ``d`` opinions per node uses the squared
        Euclidean distance).
    weighted : bool, default False
        Weight every edge by :math:`w_{uv}` (numerator and denominator).

    Returns
    -------
    float
        :math:`D = \frac{1}{|E|}\sum_{(u,v) \in E} (x_u - x_v)^2`, or with weights
        :math:`\sum_E w_{uv}(x_u - x_v)^2 / \sum_E w_{uv}`. NaN when the graph has no edges.

    Raises
    ------
    ValueError
        If ``x`` does not have one row per node or is not finite.

    Notes
    -----
    The unnormalised sum :math:`\sum_E w_{uv}(x_u - x_v)^2 = x^\top L x` is the disagreement of
    Musco, Musco & Tsourakakis (2018); dividing by the number (total weight) of edges makes it
    comparable across graph sizes. For an undirected graph each edge is counted once (stored
    both ways, numerator and denominator double alike); for a directed graph each directed
    edge counts. Cost :math:`O(m)`.

    References
    ----------
    .. [1] Musco, C., Musco, C., & Tsourakakis, C. E. (2018). Minimizing polarization and
       disagreement in social networks. Proceedings of the 2018 World Wide Web Conference,
       369-378.

    Examples
    --------
    >>> import networkx as nx
    >>> disagreement(nx.path_graph(3), [0.0, 1.0, 1.0])
    0.5
    """
    vals = np.asarray(x, dtype=np.float64)
    adj, row, col = _edge_ends(graph, vals, "x", weighted=weighted)
    if not np.isfinite(vals).all():
        raise ValueError("x must be finite (no NaN or inf values)")
    if adj.nnz == 0:
        return float("nan")
    diff = vals[row] - vals[col]
    sq = diff * diff if diff.ndim == 1 else np.einsum("ij,ij->i", diff, diff)
    if weighted:
        return float(np.dot(adj.data, sq) / adj.data.sum())
    return float(sq.mean())


def active_link_density(graph: Any, states: object) -> float:
    r"""Density of active links: fraction of edges joining agents in different states.

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        Who is linked to whom; weights and self-loops are ignored.
    states : array_like, shape (n,)
        Discrete state of every node (any dtype compared with ``!=``; float states must not
        be NaN).

    Returns
    -------
    float
        :math:`\rho = \frac{1}{|E|}\#\{(u, v) \in E : \sigma_u \ne \sigma_v\}`; NaN when the
        graph has no edges. :math:`\rho = 0` exactly at consensus (an absorbing state).

    Raises
    ------
    ValueError
        If ``states`` does not have one entry per node or holds NaN.

    Notes
    -----
    The order parameter of the voter model: on uncorrelated networks :math:`\rho` decays to
    a plateau :math:`\rho^* \approx \frac{\mu - 2}{2(\mu - 1)}(1 - m_0^2)` (:math:`\mu` the
    mean degree, :math:`m_0` the initial magnetization) before the finite-size ordering
    (Vazquez & Eguiluz 2008).
    Undirected edges are counted once; directed edges each count. Cost :math:`O(m)`.

    References
    ----------
    .. [1] Vazquez, F., & Eguiluz, V. M. (2008). Analytical solution of the voter model on
       uncorrelated networks. New Journal of Physics, 10(6), 063011.

    Examples
    --------
    >>> import networkx as nx
    >>> active_link_density(nx.path_graph(3), [0, 0, 1])
    0.5
    """
    vals = np.asarray(states)
    adj, row, col = _edge_ends(graph, vals, "states")
    if vals.ndim != 1:
        raise ValueError(f"states must be 1-D; got shape {vals.shape}")
    if vals.dtype.kind in "fc" and np.isnan(vals).any():
        raise ValueError("states must not contain NaN")
    if adj.nnz == 0:
        return float("nan")
    return float(np.mean(vals[row] != vals[col]))
