r"""Who is online when, and how many actions a visit holds.

Each user :math:`i` has a 24-hour profile :math:`f_{c_i}` (one of a few archetypes, or chosen
per user with the population field ``profile``) and an activity level :math:`a_i \in (0, 1]`
(heavy-tailed, or the population field ``activity``). In a step that starts at hour
:math:`h` the user is online with probability

.. math:: P_i(h) = a_i \, \frac{f_{c_i}(h)}{\max_{h'} f_{c_i}(h')}.

Activity levels are truncated Pareto draws :math:`a_i = \min(1, a_m U^{-1/\alpha})`, with
:math:`a_m` solved so that :math:`E[a_i]` equals ``mean_level``:

.. math:: E[\min(1, X)] = \frac{\alpha a_m - a_m^{\alpha}}{\alpha - 1}
          \quad (X \sim \mathrm{Pareto}(\alpha, a_m),\ a_m \le 1).

An online user's visit holds :math:`L = \min(L_{\max}, \lfloor V^{-1/\alpha_s} \rfloor)`
action slots (:math:`V` uniform), so :math:`P(L \ge \ell) = \ell^{-\alpha_s}`: most visits
hold one action, a few hold many (bursty, heavy-tailed activity; Barabási 2005).
"""

from __future__ import annotations

import numpy as np

from socium.errors import ConfigError
from socium.worlds.social.config import BUILTIN_PROFILES, ActivityConfig

__all__ = [
    "pareto_scale",
    "profile_matrix",
    "sample_levels",
    "sample_online",
    "sample_profiles",
    "session_lengths",
]


def profile_matrix(config: ActivityConfig) -> np.ndarray:
    """Profiles as a (n_profiles, 24) array normalised by each row's maximum (f / max f)."""
    rows = [
        np.asarray(BUILTIN_PROFILES[p] if isinstance(p, str) else p, dtype=np.float64)
        for p in config.profiles
    ]
    mat = np.vstack(rows)
    return mat / mat.max(axis=1, keepdims=True)


def _mean_truncated(a_m: float, alpha: float) -> float:
    if abs(alpha - 1.0) < 1e-9:
        return a_m * (1.0 - np.log(a_m))
    return (alpha * a_m - a_m**alpha) / (alpha - 1.0)


def pareto_scale(mean: float, alpha: float) -> float:
    r"""The Pareto scale :math:`a_m \le 1` with :math:`E[\min(1, X)] = ` ``mean``.

    Examples
    --------
    >>> round(pareto_scale(1.0, 2.0), 6)
    1.0
    >>> a = pareto_scale(0.1, 1.5); round((1.5 * a - a**1.5) / 0.5, 6)
    0.1
    """
    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if _mean_truncated(mid, alpha) < mean:
            lo = mid
        else:
            hi = mid
    return hi


def sample_levels(
    n: int, config: ActivityConfig, rng: np.random.Generator, given: np.ndarray | None = None
) -> np.ndarray:
    """Activity levels :math:`a_i` (float64 in (0, 1]); ``given`` overrides (checked)."""
    if given is not None:
        levels = np.asarray(given, dtype=np.float64)
        if levels.size and (not np.isfinite(levels).all() or levels.min() < 0 or levels.max() > 1):
            raise ConfigError("population.init.activity", "activity levels must lie in [0, 1]")
        return levels
    a_m = pareto_scale(config.mean_level, config.level_alpha)
    u = 1.0 - rng.random(n)  # (0, 1]
    return np.minimum(1.0, a_m * u ** (-1.0 / config.level_alpha))


def sample_profiles(
    n: int, config: ActivityConfig, rng: np.random.Generator, given: np.ndarray | None = None
) -> np.ndarray:
    """Profile index of each user (int8); ``given`` overrides (checked)."""
    k = len(config.profiles)
    if given is not None:
        raw = np.asarray(given)
        codes = raw.astype(np.int64)
        if not np.array_equal(codes, raw) or (codes < 0).any() or (codes >= k).any():
            raise ConfigError(
                "population.init.profile",
                f"must be integer indices 0..{k - 1} into world.activity.profiles",
            )
        return codes.astype(np.int8)
    if k == 1:
        return np.zeros(n, np.int8)
    shares = np.ones(k) if config.shares is None else np.asarray(config.shares, dtype=np.float64)
    cum = np.cumsum(shares / shares.sum())
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), k - 1).astype(np.int8)


def sample_online(
    ids: np.ndarray,
    levels: np.ndarray,
    profiles: np.ndarray,
    norm_profiles: np.ndarray,
    hour: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The users of ``ids`` that are online at ``hour`` (one uniform draw per id)."""
    p = levels[ids] * norm_profiles[profiles[ids], hour]
    return ids[rng.random(ids.shape[0]) < p]


def session_lengths(n: int, alpha: float, max_actions: int, rng: np.random.Generator) -> np.ndarray:
    r"""Action slots per visit: :math:`\min(L_{\max}, \lfloor V^{-1/\alpha}\rfloor)` (int32)."""
    v = 1.0 - rng.random(n)
    raw = np.floor(v ** (-1.0 / alpha))
    return np.minimum(raw, max_actions).astype(np.int32)
