"""Polarization and inequality of a distribution of opinions (or any scalar agent state).

All functions are pure and vectorized; inputs may hold :math:`10^7` values.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "bimodality_coefficient",
    "cluster_count",
    "esteban_ray",
    "gini",
    "polarization_summary",
    "variance",
]

# Esteban & Ray (1994) show that their axioms bound the polarization sensitivity by ~1.6.
_ALPHA_MAX = 1.6


def _as_values(x: object, name: str = "x", *, min_size: int = 1) -> np.ndarray:
    """Validate a 1-D, finite, float array with at least ``min_size`` entries."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array; got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} value(s); got {arr.size}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or inf values)")
    return arr


def variance(x: object) -> float:
    r"""Population variance of the opinions.

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite opinions, ``n >= 1``.

    Returns
    -------
    float
        :math:`\sigma^2 = \frac{1}{n}\sum_i (x_i - \bar x)^2` (``ddof = 0``).

    Raises
    ------
    ValueError
        If ``x`` is empty, not 1-D, or holds NaN/inf.

    Notes
    -----
    The simplest dispersion measure of polarization; for opinions in :math:`[0, 1]` it is at
    most 1/4, reached by two equal masses at 0 and 1 (DiMaggio, Evans & Bryson 1996).

    References
    ----------
    .. [1] DiMaggio, P., Evans, J., & Bryson, B. (1996). Have Americans' social attitudes
       become more polarized? American Journal of Sociology, 102(3), 690-755.

    Examples
    --------
    >>> variance([0.0, 0.0, 1.0, 1.0])
    0.25
    """
    arr = _as_values(x)
    return float(np.var(arr))


def gini(x: object) -> float:
    r"""Gini coefficient of non-negative values (degrees, wealth, attention).

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite, non-negative values, ``n >= 1``.

    Returns
    -------
    float
        :math:`G \in [0, 1 - 1/n]`; NaN when every value is 0 (the ratio is undefined).

    Raises
    ------
    ValueError
        If ``x`` is empty, not 1-D, holds NaN/inf or negative values.

    Notes
    -----
    With the values sorted ascending, :math:`x_{(1)} \le \dots \le x_{(n)}`,

    .. math:: G = \frac{\sum_i \sum_j |x_i - x_j|}{2 n^2 \bar x}
              = \frac{2\sum_{i=1}^n i\,x_{(i)}}{n \sum_i x_i} - \frac{n+1}{n}.

    Cost :math:`O(n \log n)` (one sort).

    References
    ----------
    .. [1] Dorfman, R. (1979). A formula for the Gini coefficient. The Review of Economics and
       Statistics, 61(1), 146-149.

    Examples
    --------
    >>> gini([0.0, 0.0, 0.0, 1.0])
    0.75
    """
    arr = _as_values(x)
    if (arr < 0).any():
        raise ValueError("x must be non-negative for the Gini coefficient")
    total = float(arr.sum())
    if total == 0.0:
        return float("nan")
    n = arr.size
    srt = np.sort(arr)
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float(2.0 * np.dot(ranks, srt) / (n * total) - (n + 1.0) / n)


def bimodality_coefficient(x: object) -> float:
    r"""Sarle's bimodality coefficient of a sample.

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite values, ``n >= 4``.

    Returns
    -------
    float
        :math:`BC \in (0, 1]`; values above :math:`5/9 \approx 0.555` suggest a bimodal (or
        strongly skewed) distribution. NaN when all values are equal (zero variance).

    Raises
    ------
    ValueError
        If ``x`` has fewer than 4 values, is not 1-D, or holds NaN/inf.

    Notes
    -----
    .. math:: BC = \frac{g^2 + 1}{k + \dfrac{3 (n-1)^2}{(n-2)(n-3)}}

    with the bias-corrected sample skewness and excess kurtosis (as in SAS, and
    ``scipy.stats.skew``/``kurtosis`` with ``bias=False``)

    .. math:: g = \frac{\sqrt{n(n-1)}}{n-2}\,\frac{m_3}{m_2^{3/2}}, \qquad
              k = \frac{n-1}{(n-2)(n-3)}\left[(n+1)\left(\frac{m_4}{m_2^2} - 3\right) + 6\right],

    where :math:`m_r = \frac1n \sum_i (x_i - \bar x)^r`. The uniform distribution gives
    :math:`BC \to 1/(-6/5 + 3) = 5/9` as :math:`n \to \infty`, the normal distribution
    :math:`1/3`, and two equal point masses
    :math:`(n-2)(n-3)/(n^2-1) \to 1`.

    References
    ----------
    .. [1] Pfister, R., Schwarz, K. A., Janczyk, M., Dale, R., & Freeman, J. B. (2013). Good
       things peak in pairs: a note on the bimodality coefficient. Frontiers in Psychology, 4,
       700.
    .. [2] SAS Institute (1990). SAS/STAT User's Guide, Version 6, 4th ed., PROC CLUSTER.

    Examples
    --------
    >>> round(bimodality_coefficient([0.0, 0.0, 1.0, 1.0]), 6)  # (4-2)(4-3)/(16-1) = 2/15
    0.133333
    """
    arr = _as_values(x, min_size=4)
    n = float(arr.size)
    dev = arr - arr.mean()
    dev2 = dev * dev
    m2 = float(dev2.mean())
    if m2 == 0.0 or m2 <= 1e-28 * float(np.mean(arr * arr)):
        return float("nan")
    m3 = float(np.mean(dev2 * dev))
    m4 = float(np.mean(dev2 * dev2))
    g = np.sqrt(n * (n - 1.0)) / (n - 2.0) * m3 / m2**1.5
    k = (n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * (m4 / m2**2 - 3.0) + 6.0)
    return float((g * g + 1.0) / (k + 3.0 * (n - 1.0) ** 2 / ((n - 2.0) * (n - 3.0))))


def _group_means(
    arr: np.ndarray, labels: np.ndarray, n_labels: int
) -> tuple[np.ndarray, np.ndarray]:
    """Population share and mean value of each non-empty group."""
    counts = np.bincount(labels, minlength=n_labels).astype(np.float64)
    sums = np.bincount(labels, weights=arr, minlength=n_labels)
    keep = counts > 0
    return counts[keep] / arr.size, sums[keep] / counts[keep]


def esteban_ray(
    x: object,
    *,
    alpha: float = 1.6,
    K: float = 1.0,
    bins: int = 10,
    range: tuple[float, float] = (0.0, 1.0),
    groups: object = None,
) -> float:
    r"""Esteban-Ray polarization index of a distribution of opinions.

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite opinions, ``n >= 1``.
    alpha : float, default 1.6
        Polarization sensitivity :math:`\alpha \in [0, 1.6]`. With :math:`\alpha = 0` the index
        is the Gini mean difference :math:`\sum_i\sum_j \pi_i\pi_j|y_i - y_j|`; larger values
        reward group identification (mass concentrated in few groups).
    K : float, default 1.0
        Positive scale constant.
    bins : int, default 10
        Number of equal-width groups over ``range`` (ignored when ``groups`` is given). The last
        bin is closed, so ``x == range[1]`` falls in it.
    range : (float, float), default (0.0, 1.0)
        Opinion range ``(low, high)`` split into ``bins`` groups; every value must lie in it.
    groups : array_like of int, shape (n,), optional
        Explicit non-negative group label of every agent, used instead of binning.

    Returns
    -------
    float
        :math:`P \ge 0`; 0 when all agents are in one group.

    Raises
    ------
    ValueError
        If ``x`` is empty or not finite, ``alpha`` is outside ``[0, 1.6]``, ``K <= 0``,
        ``bins < 1``, ``range`` is not increasing, a value lies outside ``range``, or
        ``groups`` has the wrong shape or negative labels.

    Notes
    -----
    .. math:: P_{\alpha}(\pi, y) = K \sum_{i=1}^{G}\sum_{j=1}^{G}
              \pi_i^{1+\alpha}\, \pi_j\, |y_i - y_j|,

    where :math:`\pi_i` is the population share of group :math:`i` and :math:`y_i` is the
    **mean opinion of the agents in group** :math:`i` (not the bin centre, so a point mass
    gives the same value whatever the binning). Empty groups have :math:`\pi_i = 0` and drop
    out. The double sum is computed in :math:`O(G \log G)` after sorting the groups by
    :math:`y`: :math:`\sum_j \pi_j|y_i - y_j| = y_i \Pi_{<i} - S_{<i} + S_{>i} - y_i\Pi_{>i}`
    with cumulative shares :math:`\Pi` and cumulative :math:`\pi y` sums :math:`S`, so
    ``groups`` may have as many labels as agents.

    Closed forms: two groups of share 1/2 at distance :math:`d` give
    :math:`P = 2 K (1/2)^{2+\alpha} d`, i.e. :math:`d/2` for :math:`\alpha = 0`.

    References
    ----------
    .. [1] Esteban, J.-M., & Ray, D. (1994). On the measurement of polarization.
       Econometrica, 62(4), 819-851.

    Examples
    --------
    >>> esteban_ray([0.0, 0.0, 1.0, 1.0], alpha=0.0)
    0.5
    """
    arr = _as_values(x)
    alpha = float(alpha)
    if not 0.0 <= alpha <= _ALPHA_MAX:
        raise ValueError(f"alpha must be in [0, {_ALPHA_MAX}]; got {alpha}")
    if not K > 0:
        raise ValueError(f"K must be > 0; got {K}")
    if groups is not None:
        labels = np.asarray(groups)
        if labels.shape != arr.shape:
            raise ValueError(f"groups must have shape {arr.shape} like x; got {labels.shape}")
        if not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(f"groups must hold integer labels; got dtype {labels.dtype}")
        if (labels < 0).any():
            raise ValueError("groups must hold non-negative integer labels")
        shares, centres = _group_means(arr, labels.astype(np.int64), int(labels.max()) + 1)
    else:
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
            raise ValueError(f"bins must be an integer >= 1; got {bins!r}")
        low, high = (float(v) for v in range)
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"range must be (low, high) with finite low < high; got {range!r}")
        if arr.min() < low or arr.max() > high:
            raise ValueError(
                f"x must lie within range={range!r}; got values in [{arr.min()}, {arr.max()}]"
            )
        labels = np.floor((arr - low) / (high - low) * bins).astype(np.int64)
        np.minimum(labels, bins - 1, out=labels)
        shares, centres = _group_means(arr, labels, int(bins))
    order = np.argsort(centres, kind="stable")
    pi = shares[order]
    y = centres[order]
    cum_pi = np.cumsum(pi)
    cum_s = np.cumsum(pi * y)
    below_pi = cum_pi - pi
    below_s = cum_s - pi * y
    above_pi = cum_pi[-1] - cum_pi
    above_s = cum_s[-1] - cum_s
    dist = y * below_pi - below_s + above_s - y * above_pi
    return float(K * np.dot(pi ** (1.0 + alpha), np.maximum(dist, 0.0)))


def cluster_count(x: object, tol: float = 0.01, *, min_size: int = 1) -> int:
    r"""Number of opinion clusters (see :func:`socium.metrics.opinion_clusters`).

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite opinions.
    tol : float, default 0.01
        Maximum gap between consecutive sorted opinions inside one cluster.
    min_size : int, default 1
        Clusters with fewer agents are not counted.

    Returns
    -------
    int
        Number of clusters.

    Notes
    -----
    A cluster is a maximal run of sorted opinions whose consecutive gaps are all
    :math:`\le` ``tol`` (single linkage at threshold ``tol``), as used to count the final
    clusters of bounded-confidence models (Deffuant et al. 2000).

    References
    ----------
    .. [1] Deffuant, G., Neau, D., Amblard, F., & Weisbuch, G. (2000). Mixing beliefs among
       interacting agents. Advances in Complex Systems, 3, 87-98.

    Examples
    --------
    >>> cluster_count([0.1, 0.1, 0.9], tol=0.05)
    2
    """
    from socium.metrics.opinion import opinion_clusters

    return opinion_clusters(x, tol, min_size=min_size)[0]


def polarization_summary(
    x: object,
    tol: float = 0.01,
    bins: int = 10,
    *,
    alpha: float = 1.6,
    range: tuple[float, float] = (0.0, 1.0),
) -> dict[str, float | int]:
    r"""Several polarization measures of one opinion vector at once.

    Parameters
    ----------
    x : array_like, shape (n,)
        Finite opinions.
    tol : float, default 0.01
        Cluster gap tolerance for ``clusters`` (see :func:`cluster_count`).
    bins : int, default 10
        Number of groups for ``esteban_ray``.
    alpha : float, default 1.6
        Esteban-Ray sensitivity.
    range : (float, float), default (0.0, 1.0)
        Opinion range for the Esteban-Ray groups.

    Returns
    -------
    dict
        ``variance`` (:func:`variance`), ``bimodality`` (:func:`bimodality_coefficient`;
        NaN when ``n < 4``), ``esteban_ray`` (:func:`esteban_ray`) and ``clusters``
        (:func:`cluster_count`).

    Raises
    ------
    ValueError
        As the underlying functions (empty or non-finite ``x``, values outside ``range``, ...).

    Notes
    -----
    See the individual functions for the formulas. Variance and bimodality follow
    DiMaggio et al. (1996); the group-based index follows Esteban & Ray (1994).

    References
    ----------
    .. [1] Bramson, A., et al. (2017). Understanding polarization: meanings, measures, and
       model evaluation. Philosophy of Science, 84(1), 115-159.

    Examples
    --------
    >>> polarization_summary([0.0, 0.0, 1.0, 1.0], alpha=0.0)["esteban_ray"]
    0.5
    """
    arr = _as_values(x)
    return {
        "variance": variance(arr),
        "bimodality": bimodality_coefficient(arr) if arr.size >= 4 else float("nan"),
        "esteban_ray": esteban_ray(arr, alpha=alpha, bins=bins, range=range),
        "clusters": cluster_count(arr, tol),
    }
