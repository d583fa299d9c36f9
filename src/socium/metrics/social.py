"""Social-platform metrics: echo chambers, consumption diversity, herding, attribute paradoxes,
cascades of reposts.

Consumption inputs are event logs: one entry per consumed (seen, read, liked) item, as
parallel 1-D arrays (the consuming user, the consumer's opinion at that moment, the item's
stance or topic). Opinions and stances live on the ``[-1, 1]`` scale (``-1`` one side, ``0``
neutral, ``+1`` the other side). Every function is vectorized (``bincount``, sparse products,
chunked resampling), with no Python loop over events, users or posts.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from socium.metrics.cascades import _trees, structural_virality
from socium.metrics.network import _as_csr, _nonempty, _undirected

__all__ = [
    "cascade_stats",
    "cascade_summary",
    "ccdf",
    "consumption_entropy",
    "echo_chamber_share",
    "echo_chamber_share_by_user",
    "extremity",
    "friendship_paradox_by",
    "herd_effect",
    "topic_entropy",
]

# Bound on the number of int64 resampling indices held at once by herd_effect (about 32 MB).
_BOOT_CHUNK_ELEMENTS = 4_000_000


def _float_1d(a: object, name: str, *, allow_empty: bool = True) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array; got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def _ids(a: object, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D integer array; got shape {arr.shape}")
    if arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integers; got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and int(arr.min()) < 0:
        raise ValueError(f"{name} must be >= 0; got minimum {int(arr.min())}")
    return arr


def _n_users(user: np.ndarray, n_users: int | None) -> int:
    need = int(user.max()) + 1 if user.size else 0
    if n_users is None:
        return need
    if isinstance(n_users, bool) or not isinstance(n_users, (int, np.integer)) or n_users < need:
        raise ValueError(f"n_users must be an integer >= max(user) + 1 = {need}; got {n_users!r}")
    return int(n_users)


def _agreement(opinion: np.ndarray, stance: np.ndarray, threshold: float | None) -> np.ndarray:
    if opinion.shape != stance.shape:
        raise ValueError(
            "consumer_opinion and item_stance must have the same shape; "
            f"got {opinion.shape} and {stance.shape}"
        )
    if threshold is None:
        return opinion * stance > 0.0
    if not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be None or a finite number >= 0; got {threshold!r}")
    return np.abs(opinion - stance) <= threshold


def echo_chamber_share(
    consumer_opinion: object, item_stance: object, *, threshold: float | None = None
) -> float:
    r"""Share of consumed items whose stance agrees with the consumer's opinion.

    Parameters
    ----------
    consumer_opinion : array_like of float, shape (m,)
        Opinion of the consumer, in ``[-1, 1]``, for each of the ``m`` consumption events.
    item_stance : array_like of float, shape (m,)
        Stance of the consumed item, in ``[-1, 1]``.
    threshold : float, optional
        ``None`` (default): agreement means the same side, :math:`o\,s > 0`; a neutral
        opinion or stance (exactly 0) agrees with nothing. A number :math:`\delta \ge 0`:
        agreement means :math:`|o - s| \le \delta` (bounded-confidence style).

    Returns
    -------
    float
        :math:`E = \frac{1}{m} \sum_{e} a_e` in ``[0, 1]``; NaN when ``m = 0``.

    Raises
    ------
    ValueError
        If the arrays are not 1-D of equal shape, are not finite, or ``threshold < 0``.

    Notes
    -----
    With the agreement indicator :math:`a_e = [o_e s_e > 0]` (or :math:`[|o_e - s_e| \le
    \delta]`), :math:`E` is the share of like-minded exposure. Under exposure that ignores
    opinions, with a fraction :math:`q` of users and a fraction :math:`r` of items on the
    positive side, the sign rule gives :math:`E = q r + (1-q)(1-r)` (1/2 when :math:`r = 1/2`);
    values well above this baseline indicate an echo chamber (Cinelli et al. 2021). Cost
    :math:`O(m)`.

    References
    ----------
    .. [1] Cinelli, M., De Francisci Morales, G., Galeazzi, A., Quattrociocchi, W., &
       Starnini, M. (2021). The echo chamber effect on social media. PNAS, 118(9),
       e2023301118.
    .. [2] Bakshy, E., Messing, S., & Adamic, L. A. (2015). Exposure to ideologically diverse
       news and opinion on Facebook. Science, 348(6239), 1130-1132.

    Examples
    --------
    Same side for events 0 and 2 only (a neutral stance agrees with nothing); within 0.3 for
    event 3 only:

    >>> echo_chamber_share([0.5, 0.5, -0.2, -0.2], [0.9, -0.1, -0.8, 0.0])
    0.5
    >>> echo_chamber_share([0.5, 0.5, -0.2, -0.2], [0.9, -0.1, -0.8, 0.0], threshold=0.3)
    0.25
    """
    o = _float_1d(consumer_opinion, "consumer_opinion")
    s = _float_1d(item_stance, "item_stance")
    agree = _agreement(o, s, threshold)
    return float(agree.mean()) if agree.size else float("nan")


def echo_chamber_share_by_user(
    user: object,
    consumer_opinion: object,
    item_stance: object,
    n_users: int | None = None,
    *,
    threshold: float | None = None,
) -> np.ndarray:
    r"""Per-user share of consumed items that agree with the user's opinion.

    Parameters
    ----------
    user : array_like of int, shape (m,)
        Consuming user of each event, ids ``>= 0``.
    consumer_opinion, item_stance : array_like of float, shape (m,)
        As in :func:`echo_chamber_share`.
    n_users : int, optional
        Length of the result; defaults to ``max(user) + 1``.
    threshold : float, optional
        Agreement rule, as in :func:`echo_chamber_share`.

    Returns
    -------
    numpy.ndarray of float64, shape (n_users,)
        :math:`E_u = \#\{e : u_e = u,\ a_e\} / \#\{e : u_e = u\}`; NaN for a user with no
        consumption. ``np.nanmean`` of it weighs users equally, whereas
        :func:`echo_chamber_share` weighs events equally.

    Raises
    ------
    ValueError
        As :func:`echo_chamber_share`; also if ``user`` is not a non-negative integer array
        of the same shape, or ``n_users <= max(user)``.

    Notes
    -----
    Two ``bincount`` calls over the user ids, :math:`O(m + n)`.

    References
    ----------
    .. [1] Cinelli, M., et al. (2021). The echo chamber effect on social media. PNAS, 118(9),
       e2023301118.

    Examples
    --------
    >>> echo_chamber_share_by_user([0, 0, 2], [0.5, 0.5, -1.0], [0.9, -0.1, -0.8])
    array([0.5, nan, 1. ])
    """
    u = _ids(user, "user")
    o = _float_1d(consumer_opinion, "consumer_opinion")
    s = _float_1d(item_stance, "item_stance")
    if u.shape != o.shape:
        raise ValueError(
            f"user and consumer_opinion must have the same shape; got {u.shape} and {o.shape}"
        )
    agree = _agreement(o, s, threshold)
    n = _n_users(u, n_users)
    total = np.bincount(u, minlength=n).astype(np.float64)
    hits = np.bincount(u, weights=agree.astype(np.float64), minlength=n)
    return np.divide(hits, total, out=np.full(n, np.nan), where=total > 0)


def consumption_entropy(
    user: object,
    topic: object,
    n_topics: int,
    *,
    n_users: int | None = None,
    base: float = 2.0,
) -> tuple[np.ndarray, float]:
    r"""Shannon entropy of the topics each user consumed, and its mean over users.

    Parameters
    ----------
    user : array_like of int, shape (m,)
        Consuming user of each event, ids ``>= 0``.
    topic : array_like, shape (m,) of int, or (m, n_topics) of float
        Topic of each consumed item: an id in ``[0, n_topics)``, or a non-negative weight
        vector over the topics (e.g. from :func:`socium.text.topic_vectors`), whose mass is
        spread over the topics.
    n_topics : int
        Number of topics ``K >= 1``.
    n_users : int, optional
        Length of the per-user result; defaults to ``max(user) + 1``.
    base : float, default 2
        Logarithm base: 2 gives bits, ``e`` nats.

    Returns
    -------
    per_user : numpy.ndarray of float64, shape (n_users,)
        :math:`H_u`; NaN for a user who consumed nothing (or only zero weights).
    mean : float
        Mean of :math:`H_u` over users with consumption; NaN if there are none.

    Raises
    ------
    ValueError
        On bad shapes, negative or out-of-range ids, negative or non-finite weights,
        ``n_topics < 1``, ``base <= 0`` or ``base == 1``.

    Notes
    -----
    With :math:`c_{uk}` the number of items of topic :math:`k` that user :math:`u` consumed
    (or the summed weights) and :math:`p_{uk} = c_{uk} / \sum_j c_{uj}`,

    .. math:: H_u = -\sum_{k} p_{uk} \log_b p_{uk}, \qquad 0 \le H_u \le \log_b K,

    with :math:`0 \log 0 = 0`. :math:`H_u = 0` for a user who saw one topic only and
    :math:`\log_b K` for a user with uniform consumption, so low values indicate a filter
    bubble. The counts are one ``bincount`` over ``user * K + topic`` (one sparse product
    for weight vectors), :math:`O(m + nK)`.

    References
    ----------
    .. [1] Shannon, C. E. (1948). A mathematical theory of communication. Bell System
       Technical Journal, 27(3), 379-423.
    .. [2] Nguyen, T. T., Hui, P.-M., Harper, F. M., Terveen, L., & Konstan, J. A. (2014).
       Exploring the filter bubble: the effect of using recommender systems on content
       diversity. Proceedings of WWW 2014, 677-686.

    Examples
    --------
    User 0 reads four topics once each (2 bits), user 1 one topic twice (0 bits):

    >>> h, mean = consumption_entropy([0, 0, 0, 0, 1, 1], [0, 1, 2, 3, 2, 2], 4)
    >>> h, mean
    (array([2., 0.]), 1.0)
    """
    u = _ids(user, "user")
    if isinstance(n_topics, bool) or not isinstance(n_topics, (int, np.integer)) or n_topics < 1:
        raise ValueError(f"n_topics must be an integer >= 1; got {n_topics!r}")
    if not np.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be > 0 and != 1; got {base!r}")
    k = int(n_topics)
    tarr = np.asarray(topic)
    n = _n_users(u, n_users)
    if tarr.ndim == 1:
        t = _ids(tarr, "topic")
        if t.shape != u.shape:
            raise ValueError(f"user and topic must have the same length; got {u.size}, {t.size}")
        if t.size and int(t.max()) >= k:
            raise ValueError(f"topic ids must be < n_topics = {k}; got {int(t.max())}")
        counts = np.bincount(u * k + t, minlength=n * k).astype(np.float64).reshape(n, k)
    elif tarr.ndim == 2:
        w = np.asarray(tarr, dtype=np.float64)
        if w.shape != (u.size, k):
            raise ValueError(f"topic weights must have shape (m, n_topics) = {(u.size, k)}")
        if not np.isfinite(w).all() or (w < 0).any():
            raise ValueError("topic weights must be finite and >= 0")
        onehot = sp.csr_array((np.ones(u.size), (u, np.arange(u.size))), shape=(n, u.size))
        counts = np.asarray(onehot @ w, dtype=np.float64).reshape(n, k)
    else:
        raise ValueError(f"topic must be 1-D ids or 2-D weights; got shape {tarr.shape}")
    return topic_entropy(counts, base=base)


def topic_entropy(counts: object, *, base: float = 2.0) -> tuple[np.ndarray, float]:
    r"""Shannon entropy of each row of a user-by-topic count (or mass) matrix.

    Parameters
    ----------
    counts : array_like of float, shape (n_users, n_topics)
        Non-negative consumption per user and topic (counts, or summed topic mixtures such as
        a platform's running ``topic_consumed`` table).
    base : float, default 2
        Logarithm base.

    Returns
    -------
    per_user : numpy.ndarray of float64, shape (n_users,)
        :math:`H_u = -\sum_k p_{uk} \log_b p_{uk}` with :math:`p_{uk} = c_{uk} / \sum_j
        c_{uj}`; NaN for an all-zero row.
    mean : float
        Mean over the rows that are not all zero; NaN if there are none.

    Raises
    ------
    ValueError
        If ``counts`` is not 2-D with at least one column, holds negative or non-finite
        values, or ``base <= 0`` or ``base == 1``.

    Notes
    -----
    The row-wise part of :func:`consumption_entropy`, :math:`O(nK)`, with :math:`0 \log 0 = 0`.

    References
    ----------
    .. [1] Shannon, C. E. (1948). A mathematical theory of communication. Bell System
       Technical Journal, 27(3), 379-423.

    Examples
    --------
    >>> topic_entropy([[1.0, 1.0, 1.0, 1.0], [0.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    (array([ 2.,  0., nan]), 1.0)
    """
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] < 1:
        raise ValueError(f"counts must be a 2-D (n_users, n_topics >= 1) array; got {c.shape}")
    if not np.isfinite(c).all() or (c < 0).any():
        raise ValueError("counts must be finite and >= 0")
    if not np.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be > 0 and != 1; got {base!r}")
    total = c.sum(axis=1)
    has = total > 0
    p = c[has] / total[has, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    h = np.full(c.shape[0], np.nan)
    h[has] = np.maximum(-plogp.sum(axis=1) / np.log(base), 0.0)
    mean = float(h[has].mean()) if has.any() else float("nan")
    return h, mean


def extremity(x: object, *, centre: float = 0.0) -> float:
    r"""Mean distance of opinions from the centre of the scale.

    Parameters
    ----------
    x : array_like of float, shape (n,)
        Opinions, on the ``[-1, 1]`` scale by default.
    centre : float, default 0.0
        The neutral point: 0 for ``[-1, 1]``, 0.5 for ``[0, 1]``.

    Returns
    -------
    float
        :math:`X = \frac{1}{n}\sum_i |x_i - c|`: 0 when everyone is neutral, 1 when everyone
        sits at an end of ``[-1, 1]`` (1/2 for ``[0, 1]`` with ``centre=0.5``).

    Raises
    ------
    ValueError
        If ``x`` is empty, not 1-D or not finite.

    Notes
    -----
    Extremity grows under "group polarization", the drift of everyone towards the pole their
    side already leans to, even when the spread of opinions (variance) does not.

    References
    ----------
    .. [1] Sunstein, C. R. (2002). The law of group polarization. Journal of Political
       Philosophy, 10(2), 175-195.

    Examples
    --------
    >>> extremity([-1.0, -0.5, 0.0, 0.5])
    0.5
    """
    arr = _float_1d(x, "x", allow_empty=False)
    return float(np.abs(arr - float(centre)).mean())


# ---------------------------------------------------------------------------------------------
# Herd effect

_GROUP_NAMES = ("up", "down", "control")


def _group_codes(group: object, n: int) -> np.ndarray:
    """Map group labels to codes 0 = up, 1 = down, 2 = control."""
    g = np.asarray(group)
    if g.shape != (n,):
        raise ValueError(f"group must have shape ({n},) like final_score; got {g.shape}")
    if g.size == 0:
        return np.empty(0, dtype=np.int64)
    if g.dtype.kind in "iub":
        gi = g.astype(np.int64)
        if not np.isin(gi, (-1, 0, 1)).all():
            raise ValueError("integer group labels must be +1 (up), -1 (down) or 0 (control)")
        return np.select([gi == 1, gi == -1], [0, 1], 2)
    if g.dtype.kind in "UO":
        gs = g.astype(str)
        ok = np.isin(gs, _GROUP_NAMES)
        if not ok.all():
            bad = gs[~ok][0]
            raise ValueError(f"group labels must be 'up', 'down' or 'control'; got {bad!r}")
        return np.select([gs == "up", gs == "down"], [0, 1], 2)
    raise ValueError(f"group must hold +1/-1/0 or 'up'/'down'/'control'; got dtype {g.dtype}")


def _boot_means(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` resamples of ``x`` with replacement, in bounded-memory chunks."""
    n = x.size
    if n == 0:
        return np.full(n_boot, np.nan)
    chunk = max(1, _BOOT_CHUNK_ELEMENTS // n)
    out = np.empty(n_boot)
    for lo in range(0, n_boot, chunk):
        hi = min(lo + chunk, n_boot)
        out[lo:hi] = x[rng.integers(0, n, size=(hi - lo, n))].mean(axis=1)
    return out


def _boot_pvalue(boot_diff: np.ndarray, diff: float) -> float:
    """Two-sided bootstrap p-value of ``H0: diff = 0`` from the centred bootstrap distribution.

    ``(1 + #{b : |d*_b - d| >= |d|}) / (1 + B)`` (Hall & Wilson 1991): the spread of the
    bootstrap differences around the estimate stands in for the null distribution.
    """
    if np.isnan(diff):
        return float("nan")
    dev = np.abs(boot_diff - diff)
    # tolerance so that ties with the observed statistic count as extreme
    extreme = int(np.count_nonzero(dev >= abs(diff) - 1e-12 * max(1.0, abs(diff))))
    return (1.0 + extreme) / (1.0 + boot_diff.size)


def herd_effect(
    final_score: object,
    group: object,
    *,
    rng: np.random.Generator,
    n_boot: int = 2000,
    ci: float = 0.95,
) -> dict[str, float]:
    r"""Herd effect of a random first vote (Muchnik, Aral & Taylor 2013).

    Parameters
    ----------
    final_score : array_like of float, shape (n,)
        Outcome of each post at the end of the run, e.g. its net score (ups minus downs) or
        its share of positive votes. To measure herding rather than the mechanical effect of
        the injected vote, leave that vote out of the score (subtract it from a net score).
    group : array_like, shape (n,)
        Treatment of each post: ``+1``/``"up"`` (random first up-vote), ``-1``/``"down"``
        (random first down-vote) or ``0``/``"control"`` (no manipulation).
    rng : numpy.random.Generator
        Source of the resampling randomness (required; no global RNG is used).
    n_boot : int, default 2000
        Number of bootstrap resamples of each group.
    ci : float, default 0.95
        Level of the percentile confidence intervals, in ``(0, 1)``.

    Returns
    -------
    dict of str to float
        For each group ``g`` in ``up``, ``down``, ``control``: ``n_g``, ``mean_g`` and its
        interval ``mean_g_lo``, ``mean_g_hi``. For ``t`` in ``up``, ``down``: ``diff_t =
        mean_t - mean_control`` with interval ``diff_t_lo``, ``diff_t_hi``, the two-sided
        bootstrap p-value ``p_t``, and the relative effect ``relative_t = diff_t /
        |mean_control|``. Statistics that need an empty group are NaN, and ``relative_t`` is
        NaN when ``mean_control = 0``.

    Raises
    ------
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``.
    ValueError
        On bad shapes or labels, non-finite scores, ``n_boot < 1`` or ``ci`` outside (0, 1).

    Notes
    -----
    Muchnik et al. gave comments on a news site a random up-vote, a random down-vote or
    nothing, and compared later ratings: up-treated comments ended with mean final ratings
    25% higher than controls (positive herding), while down-votes were offset by corrective
    up-votes (no lasting negative herding). Here, with :math:`\bar y_g` the group means,

    .. math:: \Delta_t = \bar y_t - \bar y_c, \qquad
              \rho_t = \Delta_t / |\bar y_c| \quad (t \in \{\mathrm{up}, \mathrm{down}\}).

    Confidence intervals are bootstrap percentile intervals: each group is resampled with
    replacement ``n_boot`` times (independently, stratified by group), giving
    :math:`\bar y_g^{*b}` and :math:`\Delta_t^{*b} = \bar y_t^{*b} - \bar y_c^{*b}`, and the
    interval is the :math:`(1 \mp \mathrm{ci})/2` quantiles (Efron & Tibshirani 1993). The
    two-sided p-value of :math:`H_0: \Delta_t = 0` uses the centred bootstrap distribution as
    the null (Hall & Wilson 1991),
    :math:`p = (1 + \#\{b : |\Delta_t^{*b} - \Delta_t| \ge |\Delta_t|\}) / (1 + n_{boot})`,
    which is never 0 (Phipson & Smyth 2010) and needs no extra resampling. Resample indices
    are drawn as ``(chunk, n_g)`` integer matrices of at most about 4 million entries, so
    memory stays bounded. The chunking depends only on the group sizes, so a given ``rng``
    state always gives the same result. Cost :math:`O(n_{boot}\, n)`: about 4 s for
    300,000 posts and 2,000 resamples.

    References
    ----------
    .. [1] Muchnik, L., Aral, S., & Taylor, S. J. (2013). Social influence bias: a randomized
       experiment. Science, 341(6146), 647-651.
    .. [2] Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman &
       Hall.
    .. [3] Hall, P., & Wilson, S. R. (1991). Two guidelines for bootstrap hypothesis testing.
       Biometrics, 47(2), 757-762.
    .. [4] Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never be zero.
       Statistical Applications in Genetics and Molecular Biology, 9(1), 39.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> score = np.array([3.0, 5.0, 4.0, 2.0, 1.0, 3.0, 2.0, 4.0, 3.0])
    >>> res = herd_effect(score, ["up"] * 3 + ["down"] * 3 + ["control"] * 3, rng=rng)
    >>> res["mean_up"], res["mean_control"], res["diff_up"], res["relative_up"]
    (4.0, 3.0, 1.0, 0.3333333333333333)
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    y = _float_1d(final_score, "final_score")
    codes = _group_codes(group, y.size)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ValueError(f"n_boot must be an integer >= 1; got {n_boot!r}")
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be in (0, 1); got {ci!r}")
    n_boot = int(n_boot)
    q = [(1.0 - ci) / 2.0, (1.0 + ci) / 2.0]
    values = [y[codes == c] for c in range(3)]
    boots = [_boot_means(v, n_boot, rng) for v in values]
    out: dict[str, float] = {}
    for name, v, b in zip(_GROUP_NAMES, values, boots, strict=True):
        out[f"n_{name}"] = float(v.size)
        out[f"mean_{name}"] = float(v.mean()) if v.size else float("nan")
        lo, hi = np.quantile(b, q) if v.size else (np.nan, np.nan)
        out[f"mean_{name}_lo"], out[f"mean_{name}_hi"] = float(lo), float(hi)
    control, mean_c = values[2], out["mean_control"]
    for c, name in ((0, "up"), (1, "down")):
        diff = out[f"mean_{name}"] - mean_c
        out[f"diff_{name}"] = float(diff)
        if values[c].size and control.size:
            lo, hi = np.quantile(boots[c] - boots[2], q)
        else:
            lo = hi = np.nan
        out[f"diff_{name}_lo"], out[f"diff_{name}_hi"] = float(lo), float(hi)
        out[f"p_{name}"] = _boot_pvalue(boots[c] - boots[2], diff)
        ok = control.size and values[c].size and mean_c != 0
        out[f"relative_{name}"] = float(diff / abs(mean_c)) if ok else float("nan")
    return out


# ---------------------------------------------------------------------------------------------
# Friendship paradox for any attribute


def _neighbour_matrix(graph: Any, direction: str, weighted: bool) -> sp.csr_array:
    adj, directed = _as_csr(graph, weighted=weighted)
    _nonempty(adj)
    if not directed or direction == "out":
        return adj
    if direction == "in":
        out = sp.csr_array(adj.T)
        out.sort_indices()
        return out
    return _undirected(adj, directed)


def friendship_paradox_by(
    graph: Any,
    values: object,
    *,
    direction: Literal["out", "in", "both"] = "out",
    weighted: bool = False,
) -> dict[str, float | int]:
    r"""Generalized friendship paradox: do your neighbours score higher than you on ``values``?

    Parameters
    ----------
    graph : Network, scipy.sparse matrix/array, numpy.ndarray or networkx.Graph
        The graph, in any form accepted by :mod:`socium.metrics.network` (row ``u`` of the
        adjacency holds the out-neighbours of ``u``; self-loops are ignored).
    values : array_like of float, shape (n,), or {"degree", "in_degree", "out_degree"}
        The node attribute :math:`x` (activity, followers, received likes, ...), or the name
        of an unweighted degree of this graph (``"degree"`` counts the neighbours of the
        symmetrized graph, as :func:`~socium.metrics.network.friendship_paradox`).
    direction : {"out", "in", "both"}, default "out"
        Who the neighbours :math:`N(u)` of a directed graph are: ``"out"`` the nodes ``u``
        points to (whom ``u`` follows, when an edge ``u -> v`` means "``u`` follows ``v``"),
        ``"in"`` the nodes that point to ``u`` (its followers), ``"both"`` either (the graph is
        symmetrized, as in ``friendship_paradox``). Ignored for undirected graphs.
    weighted : bool, default False
        Average neighbours with the edge weights :math:`w_{uv}` instead of equally.

    Returns
    -------
    dict
        ``n``
            Number of nodes.
        ``isolates``
            Nodes with no neighbour in this direction.
        ``mean_value``
            :math:`\langle x \rangle` over all ``n`` nodes.
        ``mean_neighbor_value_edge``
            :math:`\sum_u \sum_{v \in N(u)} w_{uv} x_v / \sum_u \sum_{v \in N(u)} w_{uv}`:
            the attribute at the end of a uniformly chosen (weighted) edge.
        ``mean_neighbor_value_node``
            Mean over non-isolated ``u`` of :math:`x^{nn}_u = \sum_{v \in N(u)} w_{uv} x_v /
            \sum_{v \in N(u)} w_{uv}`.
        ``mean_value_non_isolated``
            :math:`\langle x \rangle` over the same non-isolated nodes, the fair baseline for
            the node view.
        ``fraction_paradox``
            Share of non-isolated nodes with :math:`x_u < x^{nn}_u` (strict).

        The three neighbour keys and ``mean_value_non_isolated`` are NaN when every node is
        isolated.

    Raises
    ------
    ValueError
        If the graph has no nodes, ``values`` has the wrong shape or is not finite, or
        ``direction`` (or a degree name) is unknown.

    Notes
    -----
    With :math:`d_u = \sum_{v \in N(u)} w_{uv}` (the number of neighbours when unweighted),
    :math:`x^{nn}_u = (A x)_u / d_u` for the neighbour matrix :math:`A`, one sparse
    matrix-vector product, :math:`O(n + m)`. The paradox holds in the edge view when
    :math:`\langle x \rangle_{\mathrm{edge}} > \langle x \rangle`; for the undirected degree
    this is Feld's :math:`\langle k^2 \rangle / \langle k \rangle \ge \langle k \rangle`,
    and in general the gap is :math:`\mathrm{Cov}(x, k) / \langle k \rangle` for the degree
    :math:`k` that counts how often a node is someone's neighbour. So
    ``friendship_paradox_by(G, "degree", direction="both")`` reproduces the keys of
    ``friendship_paradox(G)``. The strict comparison is computed as
    :math:`x_u d_u < (A x)_u`.

    References
    ----------
    .. [1] Feld, S. L. (1991). Why your friends have more friends than you do. American
       Journal of Sociology, 96(6), 1464-1477.
    .. [2] Eom, Y.-H., & Jo, H.-H. (2014). Generalized friendship paradox in complex networks:
       the case of scientific collaboration. Scientific Reports, 4, 4603.
    .. [3] Hodas, N. O., Kooti, F., & Lerman, K. (2013). Friendship paradox redux: your
       friends are more interesting than you. Proceedings of ICWSM 2013, 225-233.

    Examples
    --------
    A star whose centre posts 10 times and whose 3 leaves post once each:

    >>> import networkx as nx
    >>> r = friendship_paradox_by(nx.star_graph(3), [10.0, 1.0, 1.0, 1.0])
    >>> r["mean_value"], r["mean_neighbor_value_node"], r["fraction_paradox"]
    (3.25, 7.75, 0.75)
    """
    if direction not in ("out", "in", "both"):
        raise ValueError(f"direction must be 'out', 'in' or 'both'; got {direction!r}")
    nb = _neighbour_matrix(graph, direction, weighted)
    n = nb.shape[0]
    if isinstance(values, str):
        pattern, directed = _as_csr(graph)
        if values == "degree":
            x = np.diff(_undirected(pattern, directed).indptr).astype(np.float64)
        elif values == "out_degree":
            x = np.diff(pattern.indptr).astype(np.float64)
        elif values == "in_degree":
            x = np.bincount(pattern.indices, minlength=n).astype(np.float64)
        else:
            raise ValueError(
                f"values must be an array or 'degree', 'in_degree', 'out_degree'; got {values!r}"
            )
    else:
        x = _float_1d(values, "values")
        if x.size != n:
            raise ValueError(f"values must have one entry per node (n = {n}); got {x.size}")
    d = np.asarray(nb.sum(axis=1), dtype=np.float64).ravel()
    has = np.diff(nb.indptr) > 0
    out: dict[str, float | int] = {
        "n": int(n),
        "isolates": int(n - np.count_nonzero(has)),
        "mean_value": float(x.mean()),
    }
    if not has.any():
        nan = float("nan")
        out.update(
            mean_neighbor_value_edge=nan,
            mean_neighbor_value_node=nan,
            mean_value_non_isolated=nan,
            fraction_paradox=nan,
        )
        return out
    nb_sum = np.asarray(nb @ x, dtype=np.float64)
    out["mean_neighbor_value_edge"] = float(nb_sum.sum() / d.sum())
    out["mean_neighbor_value_node"] = float((nb_sum[has] / d[has]).mean())
    out["mean_value_non_isolated"] = float(x[has].mean())
    out["fraction_paradox"] = float(np.mean(x[has] * d[has] < nb_sum[has]))
    return out


# ---------------------------------------------------------------------------------------------
# Cascades of reposts


def cascade_summary(parent: object, created: object = None) -> dict[str, np.ndarray]:
    r"""Size, depth, breadth and structural virality of every cascade at once.

    Parameters
    ----------
    parent : array_like of int, shape (n,)
        For each post, the id of the earlier post it reposts, quotes or comments on, or ``-1``
        for an original post (the root of a cascade).
    created : array_like of int, shape (n,), optional
        Creation step of each post, ``>= 0``. When given, every parent must be created no
        later than its child (checked). ``-1`` marks a post to leave out (e.g. deleted); its
        children must then be left out too.

    Returns
    -------
    dict of str to numpy.ndarray, each of shape (number of cascades,)
        ``root`` (root post id, ascending), ``size`` (posts in the tree, root included),
        ``depth`` (largest distance from the root; 0 for a lone post), ``max_breadth``
        (largest number of posts at one distance from the root; 1 for a lone post) and
        ``structural_virality`` (NaN for a lone post). Sizes, depths and breadths are int64,
        virality float64.

    Raises
    ------
    ValueError
        As :func:`socium.metrics.cascades.generation`: ``parent`` must be a forest of ids in
        ``[-1, n-1]``, and ``created`` consistent with it.

    Notes
    -----
    A cascade is the tree of posts that descend from one original post (Goel et al. 2016).
    With :math:`g_i` the distance of post :math:`i` from its root :math:`r(i)`,
    :math:`\mathrm{depth}_r = \max_{r(i) = r} g_i` and
    :math:`\mathrm{breadth}_r = \max_g \#\{i : r(i) = r, g_i = g\}`. Structural virality
    :math:`\nu = W(T) / \binom{N}{2}` (mean distance between pairs, :math:`W` the Wiener index)
    comes from :func:`socium.metrics.cascades.structural_virality`; generations and roots
    from the same pointer jumping. All trees are handled together, :math:`O(n \log n)`.

    References
    ----------
    .. [1] Goel, S., Anderson, A., Hofman, J., & Watts, D. J. (2016). The structural virality
       of online diffusion. Management Science, 62(1), 180-196.
    .. [2] Vosoughi, S., Roy, D., & Aral, S. (2018). The spread of true and false news online.
       Science, 359(6380), 1146-1151.

    Examples
    --------
    Post 0 is reposted by 1 and 2, and 1 by 3; post 4 is never reposted:

    >>> s = cascade_summary([-1, 0, 0, 1, -1])
    >>> s["root"], s["size"], s["depth"], s["max_breadth"]
    (array([0, 4]), array([4, 1]), array([2, 0]), array([2, 1]))
    >>> s["structural_virality"]  # (1+1+2+2+3+1) / 6 pairs
    array([1.66666667,        nan])
    """
    par, gen, root_of, member = _trees(parent, created)
    roots = np.flatnonzero(member & (par < 0))
    idx = np.flatnonzero(member)
    r, g = root_of[idx], gen[idx]
    size = np.bincount(r, minlength=par.size)[roots].astype(np.int64)
    depth = np.zeros(par.size, dtype=np.int64)
    np.maximum.at(depth, r, g)
    # breadth: count the (root, generation) pairs, then the largest count per root
    span = int(g.max()) + 1 if g.size else 1
    keys, counts = np.unique(r * span + g, return_counts=True)
    breadth = np.zeros(par.size, dtype=np.int64)
    np.maximum.at(breadth, keys // span, counts)
    virality = structural_virality(par, created, per_tree=True)
    return {
        "root": roots.astype(np.int64),
        "size": size,
        "depth": depth[roots],
        "max_breadth": breadth[roots],
        "structural_virality": np.asarray(virality, dtype=np.float64),
    }


def ccdf(x: object) -> tuple[np.ndarray, np.ndarray]:
    r"""Empirical complementary cumulative distribution :math:`P(X \ge v)`.

    Parameters
    ----------
    x : array_like of float, shape (n,)
        Sample (e.g. cascade sizes); NaN entries are dropped.

    Returns
    -------
    values : numpy.ndarray of float64
        The distinct values, ascending.
    prob : numpy.ndarray of float64
        :math:`\hat F^c(v) = \#\{i : x_i \ge v\} / n` for each value: starts at 1 and
        decreases. Both arrays are empty when there is no (non-NaN) value.

    Raises
    ------
    ValueError
        If ``x`` is not 1-D or holds an infinite value.

    Notes
    -----
    Plotted on log-log axes, a power-law tail :math:`P(X \ge v) \propto v^{-(\alpha - 1)}` is
    a straight line (Clauset, Shalizi & Newman 2009). Uses ``>=`` so that the smallest value
    has probability 1. Cost :math:`O(n \log n)`.

    References
    ----------
    .. [1] Clauset, A., Shalizi, C. R., & Newman, M. E. J. (2009). Power-law distributions in
       empirical data. SIAM Review, 51(4), 661-703.

    Examples
    --------
    >>> ccdf([1, 1, 2, 5])
    (array([1., 2., 5.]), array([1.  , 0.5 , 0.25]))
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"x must be a 1-D array; got shape {arr.shape}")
    arr = arr[~np.isnan(arr)]
    if np.isinf(arr).any():
        raise ValueError("x must not hold inf")
    values, counts = np.unique(arr, return_counts=True)
    if arr.size == 0:
        return values, np.empty(0)
    tail = np.cumsum(counts[::-1])[::-1]
    return values, tail / float(arr.size)


def cascade_stats(parent: object, created: object = None) -> dict[str, float]:
    r"""Distribution summary of the cascades: a flat dict of floats for run metrics.

    Parameters
    ----------
    parent, created
        As in :func:`cascade_summary`.

    Returns
    -------
    dict of str to float
        ``n_cascades``, ``share_single`` (share of cascades that are a lone post), and for
        each of ``size``, ``depth``, ``max_breadth`` and ``virality`` the keys
        ``<name>_mean``, ``<name>_median`` and ``<name>_max``. The virality statistics are
        over cascades of at least 2 posts (NaN if none); all are NaN with no cascade.

    Raises
    ------
    ValueError
        As :func:`cascade_summary`.

    Notes
    -----
    Cascade sizes online are heavy-tailed: most posts are never reposted, so medians are
    small and means are driven by rare large cascades; the maxima and the CCDF
    (:func:`ccdf`) show the tail (Goel, Watts & Goldstein 2012).

    References
    ----------
    .. [1] Goel, S., Watts, D. J., & Goldstein, D. G. (2012). The structure of online
       diffusion networks. Proceedings of the 13th ACM Conference on Electronic Commerce,
       623-638.

    Examples
    --------
    >>> s = cascade_stats([-1, 0, 0, 1, -1])
    >>> s["n_cascades"], s["share_single"], s["size_mean"], s["virality_max"]
    (2.0, 0.5, 2.5, 1.6666666666666667)
    """
    summ = cascade_summary(parent, created)
    n = summ["root"].size
    out: dict[str, float] = {"n_cascades": float(n)}
    out["share_single"] = float(np.mean(summ["size"] == 1)) if n else float("nan")
    columns = {
        "size": summ["size"].astype(np.float64),
        "depth": summ["depth"].astype(np.float64),
        "max_breadth": summ["max_breadth"].astype(np.float64),
        "virality": summ["structural_virality"][summ["size"] >= 2],
    }
    for name, col in columns.items():
        if col.size:
            out[f"{name}_mean"] = float(col.mean())
            out[f"{name}_median"] = float(np.median(col))
            out[f"{name}_max"] = float(col.max())
        else:
            out[f"{name}_mean"] = out[f"{name}_median"] = out[f"{name}_max"] = float("nan")
    return out
