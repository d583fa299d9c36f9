r"""Debate metrics on opinion histories: convergence, shift, regression to the mean, partner
influence, drift toward a model's default, and the public-private gap.

The same functions measure simulated debates and human transcripts
(:mod:`socium.worlds.debate.data`). Inputs are arrays over rounds and agents:

``opinions``
    ``(R + 1, N)`` private opinion reports on the 1-6 scale; row 0 is the report before
    round 1, row :math:`r` the report after round :math:`r`. NaN where missing.
``stances``
    ``(R, N)`` stance of each agent's public post in rounds 1..R (NaN where missing).
``partners``
    ``(R, N)`` chat partner in rounds 1..R, ``-1`` for none.
``group``
    ``(N,)`` group index ``0..G-1``.

Standard deviations are population SDs (``ddof = 0``) over the agents of one group that have
both values; group-level numbers are averaged over groups with equal weight.

References
----------
Y.-S. Chuang et al., "DEBATE: A Large-Scale Benchmark for Role-Playing LLM Agents in
Multi-Agent, Long-Form Debates", arXiv:2510.25110 (2025).
A. Taubenfeld, Y. Dover, R. Reichart and A. Goldstein, "Systematic biases in LLM simulations of
debates", arXiv:2402.04049 (2024).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "default_drift",
    "delta_sd",
    "group_sd",
    "nanmean",
    "none_if_nan",
    "opinion_shift",
    "partner_slope",
    "public_private_gap",
    "regression_to_mean",
    "summarize",
]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _sums(group: np.ndarray, n_groups: int, *values: np.ndarray) -> list[np.ndarray]:
    return [np.bincount(group, weights=v, minlength=n_groups) for v in values]


def group_sd(x: np.ndarray, group: np.ndarray, n_groups: int | None = None) -> np.ndarray:
    r"""Population SD of ``x`` within every group, ignoring NaN.

    .. math:: \mathrm{SD}_g = \sqrt{\tfrac{1}{n_g}\sum_{i \in g} (x_i - \bar x_g)^2}

    NaN for groups with no value.

    Examples
    --------
    >>> group_sd(np.array([1.0, 3.0, 5.0, np.nan]), np.array([0, 0, 1, 1])).tolist()
    [1.0, 0.0]
    """
    x = np.asarray(x, dtype=np.float64)
    group = np.asarray(group, dtype=np.int64)
    n_groups = int(group.max()) + 1 if n_groups is None else n_groups
    ok = ~np.isnan(x)
    g, v = group[ok], x[ok]
    n, s, ss = _sums(g, n_groups, np.ones_like(v), v, v * v)
    mean = _ratio(s, n)
    var = _ratio(ss, n) - mean**2
    return np.sqrt(np.maximum(var, 0.0))


def delta_sd(
    before: np.ndarray, after: np.ndarray, group: np.ndarray, n_groups: int | None = None
) -> np.ndarray:
    r"""Convergence of every group: :math:`\Delta SD_g = SD_g(\text{after}) - SD_g(\text{before})`.

    Only agents with both values count. Negative = the group converged.

    Examples
    --------
    >>> delta_sd(np.array([1.0, 5.0, 2.0, 4.0]), np.array([2.0, 4.0, 3.0, 3.0]),
    ...          np.array([0, 0, 1, 1])).tolist()
    [-1.0, -1.0]
    """
    before = np.asarray(before, dtype=np.float64)
    after = np.asarray(after, dtype=np.float64)
    both = ~(np.isnan(before) | np.isnan(after))
    b = np.where(both, before, np.nan)
    a = np.where(both, after, np.nan)
    n_groups = int(np.asarray(group).max()) + 1 if n_groups is None else n_groups
    return group_sd(a, group, n_groups) - group_sd(b, group, n_groups)


def opinion_shift(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    r"""Mean absolute and mean signed change, :math:`\frac1n\sum|a_i - b_i|` and
    :math:`\frac1n\sum(a_i - b_i)`, over agents with both values (NaN if none).

    Examples
    --------
    >>> opinion_shift(np.array([1.0, 5.0]), np.array([2.0, 3.0]))
    (1.5, -0.5)
    """
    d = np.asarray(after, dtype=np.float64) - np.asarray(before, dtype=np.float64)
    d = d[~np.isnan(d)]
    if d.size == 0:
        return float("nan"), float("nan")
    return float(np.abs(d).mean()), float(d.mean())


def _corr(x: np.ndarray, y: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    n, sx, sy, sxx, syy, sxy = _sums(group, n_groups, np.ones_like(x), x, y, x * x, y * y, x * y)
    cov = sxy - _ratio(sx * sy, n)
    vx = sxx - _ratio(sx * sx, n)
    vy = syy - _ratio(sy * sy, n)
    den = np.sqrt(np.maximum(vx, 0.0) * np.maximum(vy, 0.0))
    return _ratio(cov, np.where(den > 1e-12, den, 0.0))


def regression_to_mean(
    before: np.ndarray, after: np.ndarray, group: np.ndarray | None = None
) -> float | np.ndarray:
    r"""Pearson correlation between the initial opinion and its change.

    .. math:: \rho = \operatorname{corr}_i\big(x_i^{(0)},\ x_i^{(R)} - x_i^{(0)}\big)

    Negative values mean regression to the mean (extreme agents moved back). NaN when either
    variable is constant. With ``group``, one correlation per group.

    Examples
    --------
    >>> round(regression_to_mean(np.array([1.0, 2.0, 5.0, 6.0]),
    ...                          np.array([2.0, 2.0, 5.0, 5.0])), 3)
    -0.857
    """
    b = np.asarray(before, dtype=np.float64)
    d = np.asarray(after, dtype=np.float64) - b
    ok = ~np.isnan(d)
    if group is None:
        return float(_corr(b[ok], d[ok], np.zeros(int(ok.sum()), np.int64), 1)[0])
    group = np.asarray(group, dtype=np.int64)
    return _corr(b[ok], d[ok], group[ok], int(group.max()) + 1)


def partner_slope(
    opinions: np.ndarray, partners: np.ndarray, group: np.ndarray | None = None
) -> float | np.ndarray:
    r"""Partner influence: the OLS slope of an agent's change on the partner-self gap.

    Over every round :math:`r` and agent :math:`i` with a partner :math:`j = p_r(i)`:

    .. math::

        \Delta_{ir} = x_i^{(r)} - x_i^{(r-1)}, \qquad
        \delta_{ir} = x_j^{(r-1)} - x_i^{(r-1)}, \qquad
        \beta = \frac{\operatorname{cov}(\delta, \Delta)}{\operatorname{var}(\delta)}

    (with an intercept). :math:`\beta = 0`: partners do not matter; :math:`\beta = 1`: agents
    adopt their partner's opinion. NaN when the gaps do not vary.

    Parameters
    ----------
    opinions : numpy.ndarray
        ``(R + 1, N)`` private reports.
    partners : numpy.ndarray
        ``(R, N)`` partner ids, ``-1`` for none.
    group : numpy.ndarray, optional
        Per agent, its group: then one slope per group.

    Examples
    --------
    >>> x = np.array([[1.0, 5.0, 2.0, 6.0], [2.0, 4.0, 3.0, 5.0]])
    >>> partner_slope(x, np.array([[1, 0, 3, 2]]))
    0.25
    """
    x = np.asarray(opinions, dtype=np.float64)
    p = np.asarray(partners, dtype=np.int64)
    r_idx, i_idx = np.nonzero(p >= 0)
    j_idx = p[r_idx, i_idx]
    gap = x[r_idx, j_idx] - x[r_idx, i_idx]
    change = x[r_idx + 1, i_idx] - x[r_idx, i_idx]
    ok = ~(np.isnan(gap) | np.isnan(change))
    if group is None:
        g, n_groups = np.zeros(int(ok.sum()), np.int64), 1
    else:
        group = np.asarray(group, dtype=np.int64)
        g, n_groups = group[i_idx[ok]], int(group.max()) + 1
    gap, change = gap[ok], change[ok]
    m, sx, sy, sxx, sxy = _sums(
        g, n_groups, np.ones_like(gap), gap, change, gap * gap, gap * change
    )
    cov = sxy - _ratio(sx * sy, m)
    var = sxx - _ratio(sx * sx, m)
    slope = _ratio(cov, np.where(var > 1e-12, var, 0.0))
    return float(slope[0]) if group is None else slope


def default_drift(before: np.ndarray, after: np.ndarray, default: float) -> float:
    r"""Drift toward a model's own default opinion :math:`d` (Taubenfeld et al. 2024).

    .. math:: D = \frac1n \sum_i \big(|x_i^{(0)} - d| - |x_i^{(R)} - d|\big)

    Positive: agents ended closer to :math:`d` than they started, whatever their persona.

    Examples
    --------
    >>> default_drift(np.array([1.0, 6.0]), np.array([3.0, 5.0]), 4.0)
    1.5
    """
    b = np.asarray(before, dtype=np.float64)
    a = np.asarray(after, dtype=np.float64)
    d = np.abs(b - default) - np.abs(a - default)
    d = d[~np.isnan(d)]
    return float(d.mean()) if d.size else float("nan")


def public_private_gap(stance: np.ndarray, opinion: np.ndarray) -> float:
    r"""Mean distance between what agents say in public and what they report in private,
    :math:`\frac1n\sum_i |s_i - x_i|` (NaN if no pair).

    Examples
    --------
    >>> public_private_gap(np.array([4.0, 2.0, np.nan]), np.array([3.0, 2.0, 1.0]))
    0.5
    """
    d = np.abs(np.asarray(stance, dtype=np.float64) - np.asarray(opinion, dtype=np.float64))
    d = d[~np.isnan(d)]
    return float(d.mean()) if d.size else float("nan")


def none_if_nan(v: float | None) -> float | None:
    """``v`` as a float, or ``None`` when it is missing or not finite (for JSON summaries)."""
    return None if v is None or not np.isfinite(v) else float(v)


def nanmean(values: np.ndarray) -> float:
    """Mean of the non-NaN values; NaN (without a warning) when there is none."""
    values = np.asarray(values, dtype=np.float64)
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else float("nan")


def _listed(values: np.ndarray) -> list[float | None]:
    return [none_if_nan(v) for v in np.asarray(values, dtype=np.float64).tolist()]


def _last_rows(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per agent, the first and the last non-NaN value of ``(T, N)`` ``history``."""
    ok = ~np.isnan(history)
    has = ok.any(axis=0)
    first = np.argmax(ok, axis=0)
    last = history.shape[0] - 1 - np.argmax(ok[::-1], axis=0)
    cols = np.arange(history.shape[1])
    a = np.where(has, history[first, cols], np.nan)
    b = np.where(has, history[last, cols], np.nan)
    return a, b


def summarize(
    opinions: np.ndarray,
    stances: np.ndarray,
    partners: np.ndarray,
    group: np.ndarray,
    default: float | None = None,
) -> dict[str, Any]:
    """All opinion metrics of a debate, overall and per group (a flat dict).

    Keys (see ``docs/worlds/debate.md``): ``groups``, ``rounds``, ``opinion_mean_initial``,
    ``opinion_mean_final``, ``opinion_sd_initial``, ``opinion_sd_final``,
    ``delta_sd_private``, ``delta_sd_public``, ``shift_private``, ``shift_public``,
    ``shift_private_signed``, ``regression_to_mean``, ``partner_slope``,
    ``public_private_gap``, ``default_drift``, and the per-group lists
    ``delta_sd_private_by_group``, ``delta_sd_public_by_group``, ``shift_private_by_group``,
    ``regression_to_mean_by_group`` and ``partner_slope_by_group``. Public stances compare
    each agent's first and last post. Non-finite values are ``None``.
    """
    x = np.asarray(opinions, dtype=np.float64)
    s = np.asarray(stances, dtype=np.float64)
    group = np.asarray(group, dtype=np.int64)
    n_groups = int(group.max()) + 1 if group.size else 0
    x0, xr = x[0], x[-1]
    s1, sr = _last_rows(s) if s.shape[0] else (np.full_like(x0, np.nan),) * 2
    dsd_priv = delta_sd(x0, xr, group, n_groups)
    dsd_pub = delta_sd(s1, sr, group, n_groups)
    shift, signed = opinion_shift(x0, xr)
    shift_pub, _ = opinion_shift(s1, sr)
    d = np.abs(xr - x0)
    ok = ~np.isnan(d)
    n_by, d_by = _sums(group[ok], n_groups, np.ones(int(ok.sum())), d[ok])
    last_s = s[-1] if s.shape[0] else np.full_like(x0, np.nan)
    return {
        "groups": n_groups,
        "rounds": int(x.shape[0] - 1),
        "opinion_mean_initial": none_if_nan(nanmean(x0)),
        "opinion_mean_final": none_if_nan(nanmean(xr)),
        "opinion_sd_initial": none_if_nan(nanmean(group_sd(x0, group, n_groups))),
        "opinion_sd_final": none_if_nan(nanmean(group_sd(xr, group, n_groups))),
        "delta_sd_private": none_if_nan(nanmean(dsd_priv)),
        "delta_sd_public": none_if_nan(nanmean(dsd_pub)),
        "shift_private": none_if_nan(shift),
        "shift_private_signed": none_if_nan(signed),
        "shift_public": none_if_nan(shift_pub),
        "regression_to_mean": none_if_nan(regression_to_mean(x0, xr)),
        "partner_slope": none_if_nan(partner_slope(x, partners)),
        "public_private_gap": none_if_nan(public_private_gap(last_s, xr)),
        "default_drift": None if default is None else none_if_nan(default_drift(x0, xr, default)),
        "delta_sd_private_by_group": _listed(dsd_priv),
        "delta_sd_public_by_group": _listed(dsd_pub),
        "shift_private_by_group": _listed(_ratio(d_by, n_by)),
        "regression_to_mean_by_group": _listed(regression_to_mean(x0, xr, group)),
        "partner_slope_by_group": _listed(partner_slope(x, partners, group)),
    }
