r"""Vectorized kernels of the diffusion models (CSR slicing, no per-node Python loops).

The model classes (:mod:`~socium.worlds.diffusion.cascades`,
:mod:`~socium.worlds.diffusion.epidemics`) call these pure functions; each one works on whole
frontiers or infected sets at once, so a step costs :math:`O(n_{\text{touched}} +
e_{\text{touched}})` array work plus, for large frontiers, one :math:`O(n)` ``bincount``.

Conventions: a CSR structure ``(indptr, indices)`` has row ``u`` = the neighbours of ``u``; for
the out-adjacency of a :class:`~socium.core.network.Network` an entry ``u -> v`` means that ``u``
can activate (infect) ``v``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "count_by_target",
    "first_per_group",
    "gather_rows",
    "infection_probability",
    "is_sorted",
    "lt_parents",
    "pick_infected_in_neighbour",
    "pick_ranked_hit",
    "row_positions",
    "scatter_add",
]


def row_positions(indptr: np.ndarray, rows: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    r"""Positions in ``indices`` of all stored entries of the given CSR rows, row by row.

    Parameters
    ----------
    indptr : numpy.ndarray
        CSR row pointers.
    rows : numpy.ndarray of int
        Rows to read (any order; repeated rows are read repeatedly).
    lengths : numpy.ndarray of int64
        Length of each row, :math:`\ell_r = \mathrm{indptr}[r+1] - \mathrm{indptr}[r]`
        (callers keep the degree array and pass ``deg[rows]``).

    Returns
    -------
    numpy.ndarray of int64
        ``concat([indptr[r] + arange(l_r) for r in rows])``.

    Notes
    -----
    With :math:`s_r = \mathrm{indptr}[r]` and :math:`o_r = \sum_{r' < r} \ell_{r'}` the
    position of the row's block in the output, entry ``j`` of the block is
    :math:`s_r - o_r + j'` with :math:`j'` the global output index:
    ``repeat(s - o, l) + arange(sum(l))``. Cost :math:`O(|rows| + \sum_r \ell_r)`.

    Examples
    --------
    >>> row_positions(np.array([0, 2, 3, 3]), np.array([1, 0]), np.array([1, 2])).tolist()
    [2, 0, 1]
    """
    ends = np.cumsum(lengths)
    shift = indptr[rows] - (ends - lengths)  # start of each row minus start of its block
    return np.repeat(shift, lengths) + np.arange(int(ends[-1]) if ends.size else 0)


def gather_rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    rows: np.ndarray,
    *,
    with_src: bool = True,
    lengths: np.ndarray | None = None,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    r"""All stored entries of the given CSR rows, row by row, in storage order.

    Parameters
    ----------
    indptr, indices : numpy.ndarray
        CSR row pointers and column indices.
    rows : numpy.ndarray of int
        Rows to read (any order; repeated rows are read repeatedly).
    with_src : bool, default True
        Whether to build ``src`` (``None`` otherwise, saving one pass).
    lengths : numpy.ndarray of int64, optional
        Row lengths of ``rows`` when the caller has them (saves two gathers).

    Returns
    -------
    src : numpy.ndarray of int64 or None
        The row of each entry (``rows`` repeated by row length).
    dst : numpy.ndarray of int
        The column of each entry (dtype of ``indices``).
    pos : numpy.ndarray of int64
        The entry's position in ``indices`` (to read edge data).

    Notes
    -----
    Positions from :func:`row_positions`. Cost :math:`O(|rows| + \sum_r \ell_r)`.

    Examples
    --------
    >>> indptr, indices = np.array([0, 2, 3, 3]), np.array([1, 2, 0])
    >>> [a.tolist() for a in gather_rows(indptr, indices, np.array([1, 0]))]
    [[1, 0, 0], [0, 1, 2], [2, 0, 1]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    if lengths is None:
        lengths = (indptr[rows + 1] - indptr[rows]).astype(np.int64)
    pos = row_positions(indptr, rows, lengths)
    src = np.repeat(rows, lengths) if with_src else None
    return src, indices[pos], pos


def count_by_target(dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Distinct targets and how often each occurs.

    Parameters
    ----------
    dst : numpy.ndarray of int
        Target node of each exposure (edge).
    n : int
        Number of nodes (bounds the ids).

    Returns
    -------
    targets : numpy.ndarray of int64
        Distinct ids, ascending.
    counts : numpy.ndarray of int64
        :math:`k(v) = \#\{j : \mathrm{dst}_j = v\}` for each target.

    Notes
    -----
    Uses ``bincount`` (:math:`O(n + m)`) when the exposure list is long compared with ``n``,
    else a sort (:math:`O(m \log m)`), so a small outbreak on a huge graph stays cheap.

    Examples
    --------
    >>> [a.tolist() for a in count_by_target(np.array([3, 1, 3]), 5)]
    [[1, 3], [1, 2]]
    """
    dst = np.asarray(dst, dtype=np.int64)
    if dst.size * 8 >= n:
        counts = np.bincount(dst, minlength=n)
        targets = np.flatnonzero(counts)
        return targets.astype(np.int64), counts[targets].astype(np.int64)
    targets, counts = np.unique(dst, return_counts=True)
    return targets.astype(np.int64), counts.astype(np.int64)


def infection_probability(k: np.ndarray, beta: float) -> np.ndarray:
    r"""Probability that a susceptible node with ``k`` infected in-neighbours is infected.

    Parameters
    ----------
    k : numpy.ndarray of int
        Number of infected in-neighbours :math:`k_I(v)`.
    beta : float
        Transmission probability per infected contact per step, in [0, 1].

    Returns
    -------
    numpy.ndarray of float64
        :math:`q(v) = 1 - (1 - \beta)^{k_I(v)}`, computed as
        :math:`-\operatorname{expm1}(k \operatorname{log1p}(-\beta))` for accuracy at small
        :math:`\beta`.

    Notes
    -----
    Each infected in-neighbour transmits independently with probability :math:`\beta`; the
    node escapes only if all :math:`k` contacts fail. This is the discrete-time rule of ndlib's
    ``EpidemicModels`` (Rossetti et al. 2018) with ``tp_rate = 1``.

    References
    ----------
    .. [1] Rossetti, G., Milli, L., Rinzivillo, S., Sirbu, A., Pedreschi, D., & Giannotti, F.
       (2018). NDlib: a python library to model and analyze diffusion processes over complex
       networks. International Journal of Data Science and Analytics, 5(1), 61-79.

    Examples
    --------
    >>> infection_probability(np.array([0, 1, 2]), 0.5).tolist()
    [0.0, 0.5, 0.75]
    """
    k = np.asarray(k, dtype=np.float64)
    if beta >= 1.0:
        return (k > 0).astype(np.float64)
    with np.errstate(invalid="ignore"):
        return -np.expm1(k * np.log1p(-beta))


def first_per_group(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    r"""Index of the row with the smallest ``key`` in each group (ties: the earlier row).

    Parameters
    ----------
    group : numpy.ndarray of int
        Group label of each row.
    key : numpy.ndarray
        Sort key; the smallest wins.

    Returns
    -------
    numpy.ndarray of int64
        One row index per distinct group, ordered by increasing group label.

    Examples
    --------
    >>> first_per_group(np.array([5, 2, 5, 2]), np.array([0.9, 0.4, 0.1, 0.7])).tolist()
    [1, 2]
    """
    order = np.lexsort((key, group))  # stable: equal keys keep row order
    if order.size < 2:
        return order
    g = group.take(order)
    head = np.empty(g.size, dtype=bool)
    head[0] = True
    np.not_equal(g[1:], g[:-1], out=head[1:])
    return order[head]


def scatter_add(target: np.ndarray, idx: np.ndarray, weights: np.ndarray) -> None:
    r"""In place :math:`\mathrm{target}[i_j] \mathrel{+}= w_j` for every ``j`` (repeats add up).

    Parameters
    ----------
    target : numpy.ndarray of float64
        Array updated in place.
    idx : numpy.ndarray of int
        Positions.
    weights : numpy.ndarray of float
        Increments.

    Notes
    -----
    ``bincount`` (:math:`O(n)`) for long update lists, ``numpy.add.at`` otherwise; both add the
    increments of one position in row order, so the result is deterministic.

    Examples
    --------
    >>> x = np.zeros(3); scatter_add(x, np.array([2, 0, 2]), np.array([1.0, 2.0, 3.0])); x
    array([2., 0., 4.])
    """
    if idx.size * 8 >= target.size:
        target += np.bincount(idx, weights=weights, minlength=target.size)
    else:
        np.add.at(target, idx, weights)


def pick_infected_in_neighbour(
    in_indptr: np.ndarray,
    in_indices: np.ndarray,
    nodes: np.ndarray,
    state: np.ndarray,
    u: np.ndarray,
    infected_state: int = 1,
    *,
    k: np.ndarray | None = None,
    dst: np.ndarray | None = None,
) -> np.ndarray:
    r"""For each node, a uniformly random infected in-neighbour (chosen by a given uniform).

    Parameters
    ----------
    in_indptr, in_indices : numpy.ndarray
        CSR of the in-adjacency (row ``v`` = in-neighbours of ``v``).
    nodes : numpy.ndarray of int
        Nodes to find a parent for.
    state : numpy.ndarray of int, shape (n,)
        Node states; ``state == infected_state`` marks the infected.
    u : numpy.ndarray of float
        One uniform number in :math:`[0, 1)` per node.
    infected_state : int, default 1
        The state value that counts as infected.
    k : numpy.ndarray of int, optional
        :math:`k_I(v)`, the number of infected in-neighbours of each node, when the caller
        keeps it (saves a segmented count); it must be exact.
    dst : numpy.ndarray of int, optional
        The in-rows of ``nodes`` already gathered (``gather_rows(in_indptr, in_indices,
        nodes)[1]``), e.g. the out-rows of an undirected graph.

    Returns
    -------
    numpy.ndarray of int64
        The parent of each node: its :math:`r_v`-th infected in-neighbour in storage (id)
        order with :math:`r_v = \min(\lfloor u_v k_I(v) \rfloor, k_I(v) - 1)`, so a uniform
        :math:`u_v` gives a uniformly random infected in-neighbour; ``-1`` if it has none.

    Notes
    -----
    One gather of the rows of ``nodes``; ``h`` = positions of the infected entries in the
    gathered block (ascending). The infected entries of row ``v`` are ``h[b_v : b_v + k_v]``
    with :math:`b_v = \sum_{v' < v} k_{v'}`, so the parent is ``dst[h[b_v + r_v]]``.
    Cost :math:`O(\sum_v d^{in}_v)`.

    Examples
    --------
    >>> indptr, indices = np.array([0, 0, 0, 3]), np.array([0, 1, 2])
    >>> state = np.array([1, 0, 1])
    >>> pick_infected_in_neighbour(indptr, indices, np.array([2]), state, np.array([0.7])).tolist()
    [2]
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    if nodes.size == 0:
        return np.empty(0, np.int64)
    if dst is None:
        _, dst, _ = gather_rows(in_indptr, in_indices, nodes, with_src=False)
    hit = state[dst] == infected_state
    if k is None:
        lengths = (in_indptr[nodes + 1] - in_indptr[nodes]).astype(np.int64)
        csum = np.concatenate(([0], np.cumsum(hit)))
        ends = np.cumsum(lengths)
        k = csum[ends] - csum[ends - lengths]
    k = np.asarray(k, dtype=np.int64)
    none = k == 0
    if not none.any():
        return pick_ranked_hit(dst, hit, k, u)
    out = np.full(nodes.size, -1, dtype=np.int64)
    some = ~none
    if hit.any():
        out[some] = pick_ranked_hit(dst, hit, k[some], np.asarray(u)[some])
    return out


def pick_ranked_hit(dst: np.ndarray, hit: np.ndarray, k: np.ndarray, u: np.ndarray) -> np.ndarray:
    r"""In consecutive blocks of ``dst`` holding ``k_v >= 1`` hits each, the :math:`r_v`-th hit.

    Parameters
    ----------
    dst : numpy.ndarray of int
        Concatenated blocks (e.g. the in-neighbours of several nodes, row by row).
    hit : numpy.ndarray of bool
        Which entries of ``dst`` count (e.g. the infected in-neighbours).
    k : numpy.ndarray of int
        Number of hits in each block, all :math:`\ge 1`, in block order; blocks without a hit
        must be left out (the entries themselves may stay, as they hold no hit).
    u : numpy.ndarray of float
        One number in :math:`[0, 1)` per block.

    Returns
    -------
    numpy.ndarray of int64
        ``dst`` at the :math:`r_v`-th hit of block ``v``,
        :math:`r_v = \min(\lfloor u_v k_v \rfloor, k_v - 1)`: a uniformly random hit when
        :math:`u_v` is uniform.

    Notes
    -----
    With ``h`` the positions of all hits (ascending) and :math:`e_v = \sum_{v' \le v} k_{v'}`,
    the hits of block ``v`` are ``h[e_v - k_v : e_v]``, so the answer is
    ``dst[h[e_v - k_v + r_v]]``: a ``flatnonzero``, a ``cumsum`` and three gathers.

    Examples
    --------
    >>> dst = np.array([7, 8, 9, 4, 5])
    >>> hit = np.array([True, False, True, False, True])
    >>> pick_ranked_hit(dst, hit, np.array([2, 1]), np.array([0.6, 0.2])).tolist()
    [9, 5]
    """
    h = hit.nonzero()[0]
    k = np.asarray(k, dtype=np.int64)
    at = (np.asarray(u, dtype=np.float64) * k).astype(np.int64)
    at -= k
    np.minimum(at, -1, out=at)  # r_v - k_v, in [-k_v, -1]
    at += np.add.accumulate(k)
    return dst.take(h.take(at)).astype(np.int64, copy=False)


def lt_parents(
    in_indptr: np.ndarray,
    in_indices: np.ndarray,
    in_weight: np.ndarray | None,
    nodes: np.ndarray,
    activated_at: np.ndarray,
    step: int,
) -> np.ndarray:
    r"""Parent of each newly activated node of the linear threshold model.

    Parameters
    ----------
    in_indptr, in_indices : numpy.ndarray
        CSR of the in-adjacency.
    in_weight : numpy.ndarray of float or None
        Influence weight :math:`b_{uv}` of each in-adjacency entry; ``None`` when all in-edges
        of a node weigh the same (unweighted: :math:`b_{uv} = 1/d^{in}_v`).
    nodes : numpy.ndarray of int
        Nodes activated at ``step`` (distinct).
    activated_at : numpy.ndarray of int
        Activation step of every node, ``-1`` for never.
    step : int
        The current step; only in-neighbours activated strictly before it count.

    Returns
    -------
    numpy.ndarray of int64
        The most recently activated active in-neighbour; among those activated at the same
        step the one with the largest weight :math:`b_{uv}`; remaining ties go to the lowest id.
        ``-1`` for a node without an active in-neighbour.

    Examples
    --------
    >>> indptr, indices = np.array([0, 0, 0, 0, 3]), np.array([0, 1, 2])
    >>> act = np.array([0, 1, 1, -1])
    >>> lt_parents(indptr, indices, None, np.array([3]), act, 2).tolist()
    [1]
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    out = np.full(nodes.size, -1, dtype=np.int64)
    if nodes.size == 0:
        return out
    _, dst, pos = gather_rows(in_indptr, in_indices, nodes, with_src=False)
    t = activated_at[dst]
    ok = (t >= 0) & (t < step)
    lengths = (in_indptr[nodes + 1] - in_indptr[nodes]).astype(np.int64)
    row_of = np.repeat(np.arange(nodes.size, dtype=np.int64), lengths)[ok]
    w = np.zeros(int(ok.sum())) if in_weight is None else in_weight[pos[ok]]
    # smallest key wins: latest step first, then largest weight, then lowest id (storage order)
    key_order = np.lexsort((dst[ok], -w, -t[ok].astype(np.int64), row_of))
    r = row_of[key_order]
    head = np.ones(r.size, dtype=bool)
    head[1:] = r[1:] != r[:-1]
    out[r[head]] = dst[ok][key_order][head]
    return out


def is_sorted(a: np.ndarray) -> bool:
    """Whether ``a`` is strictly increasing (distinct and ascending)."""
    return bool(a.size < 2 or np.all(a[1:] > a[:-1]))
