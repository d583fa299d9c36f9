r"""Pure, vectorized kernels of the public-goods game with punishment and of the rule agents.

References
----------
E. Fehr and S. Gächter, "Cooperation and punishment in public goods experiments", American
Economic Review 90(4), 980-994 (2000).
U. Fischbacher, S. Gächter and E. Fehr, "Are people conditionally cooperative? Evidence from a
public goods experiment", Economics Letters 71, 397-404 (2001).
E. Vinitsky, R. Köster, J. P. Agapiou, E. Duéñez-Guzmán, A. S. Vezhnevets and J. Z. Leibo,
"A learning agent that acquires social norms from public sanctions in decentralized multi-agent
settings", Collective Intelligence 2(2) (2023).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "conditional_contribution",
    "draw_groups",
    "group_index",
    "learn_from_sanctions",
    "payoffs",
    "public_norm",
    "punishment_targets",
    "valid_punishments",
]


def draw_groups(n: int, g: int, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random partition of ``n`` agents into ``n // g`` groups of ``g``.

    Returns
    -------
    numpy.ndarray
        ``(n // g, g)`` int64 member ids (each row sorted).
    """
    return np.sort(rng.permutation(n).astype(np.int64).reshape(-1, g), axis=1)


def group_index(members: np.ndarray, n: int) -> np.ndarray:
    """Per agent, the row of ``members`` that holds it."""
    out = np.empty(n, np.int64)
    out[members.ravel()] = np.repeat(np.arange(members.shape[0], dtype=np.int64), members.shape[1])
    return out


def payoffs(
    contribution: np.ndarray,
    members: np.ndarray,
    group_of: np.ndarray,
    punisher: np.ndarray,
    target: np.ndarray,
    endowment: float,
    r: float,
    cost: float,
    fine: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Payoffs of one round.

    .. math::

        \pi_i = e - c_i + \frac{r}{g} \sum_{j \in G(i)} c_j - c\,P^{\text{given}}_i
        - f\,P^{\text{received}}_i

    Parameters
    ----------
    contribution : numpy.ndarray
        Contributions :math:`c_i \in [0, e]`.
    members : numpy.ndarray
        ``(G, g)`` group members.
    group_of : numpy.ndarray
        Per agent, its group (row of ``members``).
    punisher, target : numpy.ndarray
        One entry per punishment (already validated: same group, not self, no duplicates).
    endowment, r, cost, fine : float
        :math:`e`, :math:`r`, :math:`c`, :math:`f`.

    Returns
    -------
    payoff, given, received : numpy.ndarray
        :math:`\pi_i`, and the number of punishments each agent gave and received.

    References
    ----------
    Fehr & Gächter (2000), with linear punishment as in Fehr & Gächter (2002, Nature 415, 137).

    Examples
    --------
    >>> c = np.array([10.0, 0.0, 20.0, 10.0])
    >>> m = np.array([[0, 1, 2, 3]])
    >>> pay, giv, rec = payoffs(c, m, np.zeros(4, np.int64), np.array([2]), np.array([1]),
    ...                         20.0, 2.0, 1.0, 3.0)
    >>> pay.tolist()
    [30.0, 37.0, 19.0, 30.0]
    """
    n = contribution.shape[0]
    g = members.shape[1]
    pool = contribution[members].sum(axis=1)
    given = np.bincount(punisher, minlength=n).astype(np.int64)
    received = np.bincount(target, minlength=n).astype(np.int64)
    pay = endowment - contribution + (r / g) * pool[group_of] - cost * given - fine * received
    return pay, given, received


def conditional_contribution(
    contribution: np.ndarray,
    others_mean: np.ndarray,
    sanctions: np.ndarray,
    *,
    endowment: float,
    mpcr: float,
    fine: float,
    slope: float,
    alpha: float,
    exploration: float,
    rng: np.random.Generator,
) -> np.ndarray:
    r"""The rule agents' contribution: imperfect conditional cooperation, raised to the level
    that the public sanctions make cheapest.

    With levels :math:`\ell_k = k e / (K-1)`, :math:`k = 0..K-1`, and the public sanction table
    :math:`\hat s_k` (mean punishments received at level :math:`k`, see
    :func:`learn_from_sanctions`; :math:`\hat s(x)` is its linear interpolation):

    .. math::

        b_i = \rho\, \bar c_{-i}, \qquad
        L_i(x) = (1 - r/g)(x - b_i) + f\, \hat s(x),

        T_i = \operatorname*{arg\,min}_{x \in \{b_i\} \cup \{\ell_k \ge b_i\}} L_i(x), \qquad
        c_i' = \operatorname{clip}\big((1-\alpha) c_i + \alpha T_i + \sigma e z_i,\ 0,\ e\big),

    with :math:`z_i \sim N(0, 1)` from ``rng`` (one per agent; ties go to the lowest
    :math:`x`). :math:`\bar c_{-i}` is the mean contribution of the other members of the
    agent's last group. :math:`(1 - r/g)(x - b_i)` is what contributing :math:`x` instead of
    :math:`b_i` costs the agent; :math:`f \hat s(x)` the fine it expects at :math:`x`.

    Notes
    -----
    Without sanctions (:math:`\hat s = 0`, and :math:`r < g`) :math:`T_i = b_i`, and the mean
    contribution shrinks by the factor :math:`1 - \alpha(1-\rho)` per round in expectation
    (away from the bounds): the decay seen in public-goods experiments, explained by conditional
    cooperators who match others imperfectly (Fischbacher, Gächter & Fehr 2001; Fischbacher &
    Gächter 2010, AER 100, 541).
    """
    k = sanctions.shape[0]
    levels = np.linspace(0.0, endowment, k)
    base = slope * others_mean
    loss_base = fine * np.interp(base, levels, sanctions)
    loss = (1.0 - mpcr) * (levels[None, :] - base[:, None]) + fine * sanctions[None, :]
    loss = np.where(levels[None, :] >= base[:, None], loss, np.inf)
    best = np.argmin(loss, axis=1)
    best_loss = loss[np.arange(base.shape[0]), best]
    target = np.where(best_loss < loss_base, levels[best], base)
    z = rng.standard_normal(contribution.shape[0])
    new = (1.0 - alpha) * contribution + alpha * target + exploration * endowment * z
    return np.clip(new, 0.0, endowment)


def public_norm(sanctions: np.ndarray, endowment: float, mpcr: float, fine: float) -> float:
    r"""The norm that the public sanctions define: the lowest level above which sanctions no
    longer pay to avoid.

    .. math::

        \nu = \min\{\ell_k : f \hat s_j \le (1 - r/g)\,\Delta \ \ \forall j \ge k\},
        \qquad \Delta = e / (K - 1),

    i.e. at and above :math:`\nu` the expected fine at every level is smaller than the cost of
    giving one level more. 0 when nothing is sanctioned; :math:`e` when even the top level is
    (for :math:`r \ge g` giving costs nothing and the bound is 0).

    Examples
    --------
    >>> public_norm(np.array([2.0, 1.0, 0.0]), 20.0, 0.4, 10.0)
    20.0
    >>> public_norm(np.array([2.0, 0.0, 0.0]), 20.0, 0.4, 10.0)
    10.0
    >>> public_norm(np.zeros(3), 20.0, 0.4, 3.0)
    0.0
    """
    k = sanctions.shape[0]
    levels = np.linspace(0.0, endowment, k)
    bad = fine * sanctions > max(1.0 - mpcr, 0.0) * endowment / (k - 1)
    hits = np.flatnonzero(bad)
    if hits.size == 0:
        return 0.0
    return float(levels[min(int(hits[-1]) + 1, k - 1)])


def punishment_targets(
    group: np.ndarray,
    group_contributions: np.ndarray,
    ids: np.ndarray,
    punisher: np.ndarray,
    norm: np.ndarray,
    margin: float,
) -> np.ndarray:
    r"""Whom each punisher punishes: the group members who gave clearly less than its norm.

    Agent :math:`i` (a punisher, with personal norm :math:`\nu_i`) punishes :math:`j \in G(i)`,
    :math:`j \ne i`, iff :math:`c_j < \nu_i - \delta e` (``margin`` :math:`= \delta e`).
    Fehr & Gächter (2000) found punishment aimed at low contributors, and harsher the further
    below the punisher's standard they were.

    Returns
    -------
    numpy.ndarray
        ``(B, g)`` int64 target ids, ``-1`` where no punishment.

    Examples
    --------
    >>> punishment_targets(np.array([[0, 1, 2]]), np.array([[10.0, 3.0, 9.0]]), np.array([0]),
    ...                    np.array([True]), np.array([10.0]), 2.0).tolist()
    [[-1, 1, -1]]
    """
    hit = (
        (group_contributions < (norm - margin)[:, None])
        & (group != ids[:, None])
        & punisher[:, None]
    )
    return np.where(hit, group, -1).astype(np.int64)


def valid_punishments(
    punisher: np.ndarray, target: np.ndarray, group_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Keep punishments of another member of the punisher's group, each pair once.

    Targets ``< 0`` (padding), outside the group, or the punisher itself are dropped; a
    repeated ``(punisher, target)`` pair counts once. Pairs are returned sorted by punisher,
    then target.
    """
    n = group_of.shape[0]
    ok = (target >= 0) & (target < n) & (target != punisher)
    p, t = punisher[ok], target[ok]
    same = group_of[p] == group_of[t]
    key = np.unique(p[same] * n + t[same])
    return key // n, key % n


def learn_from_sanctions(
    sanctions: np.ndarray,
    seen: np.ndarray,
    contribution: np.ndarray,
    received: np.ndarray,
    endowment: float,
    rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Update the public sanction table from one round's public record.

    The round's contributions and sanctions are public: every agent sees, for each contribution
    level, how often the agents who gave about that much were punished. With :math:`A_k` the
    agents whose contribution is nearest to level :math:`\ell_k` this round,

    .. math::

        \hat s_k \leftarrow (1 - w_k)\,\hat s_k + w_k\,
            \frac{1}{|A_k|}\sum_{j \in A_k} P^{\text{received}}_j,
        \qquad w_k = \max(\lambda, 1 / n_k) \quad (\text{if } |A_k| > 0),

    where :math:`n_k` counts the rounds in which level :math:`k` was observed (so the first
    observation replaces the prior 0). Levels nobody chose keep their value: the memory of past
    sanctions that makes a norm persist once it is obeyed. This is the classifier of sanctioned
    behaviour of Vinitsky et al. (2023), on a one-dimensional behaviour.

    Returns
    -------
    sanctions, seen
        The updated table and counts (new arrays).

    Examples
    --------
    >>> s, n = learn_from_sanctions(np.zeros(3), np.zeros(3, np.int64),
    ...                             np.array([0.0, 1.0, 10.0, 20.0]), np.array([2, 0, 1, 0]),
    ...                             20.0, 0.5)
    >>> s.tolist(), n.tolist()
    ([1.0, 1.0, 0.0], [1, 1, 1])
    """
    k = sanctions.shape[0]
    level = np.rint(contribution / endowment * (k - 1)).astype(np.int64)
    count = np.bincount(level, minlength=k)
    total = np.bincount(level, received.astype(np.float64), minlength=k)
    sanctions = sanctions.copy()
    seen = seen.copy()
    obs = count > 0
    seen[obs] += 1
    w = np.maximum(rate, 1.0 / np.maximum(seen[obs], 1))
    sanctions[obs] = (1.0 - w) * sanctions[obs] + w * total[obs] / count[obs]
    return sanctions, seen
