r"""The rule agents of the debate world: public stance, chat stance and private opinion.

An agent holds a latent private opinion :math:`y_i \in [1, 6]` (continuous) and reports it
rounded, :math:`x_i = \operatorname{clip}(\operatorname{rint}(y_i), 1, 6)`. What it says in
public can differ from what it thinks: the post stance is pulled toward the group (Asch
conformity, normative influence), while the one-on-one chat, which nobody else sees, states the
private opinion (conformity drops when responses are private: Asch 1956, Deutsch & Gerard
1955). After every round the private opinion moves by a Friedkin–Johnsen step toward the
group's posts and the partner's chat messages, anchored to the initial opinion.

References
----------
S. E. Asch, "Studies of independence and conformity: I. A minority of one against a unanimous
majority", *Psychological Monographs* 70(9), 1-70 (1956).
M. Deutsch and H. B. Gerard, "A study of normative and informational social influences upon
individual judgment", *J. Abnormal and Social Psychology* 51(3), 629-636 (1955).
M. H. DeGroot, "Reaching a consensus", *JASA* 69(345), 118-121 (1974).
N. E. Friedkin and E. C. Johnsen, "Social influence and opinions", *J. Mathematical Sociology*
15(3-4), 193-206 (1990).
Y.-S. Chuang et al., "DEBATE: A Large-Scale Benchmark for Role-Playing LLM Agents in
Multi-Agent, Long-Form Debates", arXiv:2510.25110 (2025).
"""

from __future__ import annotations

import numpy as np

from socium.worlds.debate.config import LIKERT_HIGH, LIKERT_LOW

__all__ = ["chat_stance", "likert", "private_update", "public_stance"]


def likert(y: np.ndarray) -> np.ndarray:
    """The reported opinion: ``clip(rint(y), 1, 6)`` as floats (NaN stays NaN).

    Examples
    --------
    >>> likert(np.array([0.2, 3.5, 4.49, 7.0])).tolist()
    [1.0, 4.0, 4.0, 6.0]
    """
    return np.clip(np.rint(np.asarray(y, dtype=np.float64)), LIKERT_LOW, LIKERT_HIGH)


def public_stance(y: np.ndarray, others_mean: np.ndarray, conformity: float) -> np.ndarray:
    r"""The stance of a public post: the private opinion pulled toward the group.

    .. math::

        s_i = \operatorname{clip}\big(\operatorname{rint}((1 - c)\,y_i + c\,\bar s_{-i}),
        1, 6\big)

    where :math:`\bar s_{-i}` is the mean stance of the other members' posts of the previous
    round (the group norm the agent has seen); before any post (NaN) :math:`\bar s_{-i} = y_i`.

    Examples
    --------
    >>> public_stance(np.array([2.0, 2.0]), np.array([5.0, np.nan]), 0.5).tolist()
    [4.0, 2.0]
    """
    m = np.where(np.isnan(others_mean), y, others_mean)
    return likert((1.0 - conformity) * y + conformity * m)


def chat_stance(y: np.ndarray) -> np.ndarray:
    r"""The stance stated in a one-on-one chat: the private opinion, :math:`k_i = x_i`."""
    return likert(y)


def private_update(
    y: np.ndarray,
    y0: np.ndarray,
    stubbornness: np.ndarray,
    group_mean: np.ndarray,
    partner_mean: np.ndarray,
    *,
    group_weight: float,
    partner_weight: float,
    default_pull: float = 0.0,
    default_stance: float | None = None,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    r"""The private opinion after a round (a Friedkin–Johnsen step with partner influence).

    .. math::

        y_i' = \operatorname{clip}\Big(\lambda_i y_i^{(0)} + (1 - \lambda_i)\big[
        (1 - w_g - w_p - w_d)\, y_i + w_g\, \bar s_{-i} + w_p\, \bar k_{p(i)} + w_d\, d\big]
        + \sigma \varepsilon_i,\ 1,\ 6\Big)

    with :math:`\bar s_{-i}` the mean stance of the other group members' posts this round,
    :math:`\bar k_{p(i)}` the mean stance of the partner's chat messages this round and
    :math:`d` the model default (``default_stance``); :math:`\varepsilon_i \sim N(0, 1)`. A
    missing source (no other posts, no partner: NaN) gives its weight to :math:`y_i`. With
    :math:`\sigma = 0` and :math:`\lambda = 0` the group-and-partner part is a DeGroot step:
    extreme agents move most, toward the others (regression to the mean), and the change is
    proportional to the partner-self gap with slope :math:`(1-\lambda) w_p`.

    Parameters
    ----------
    y, y0, stubbornness : numpy.ndarray
        Current and initial latent opinions, and :math:`\lambda_i \in [0, 1]`.
    group_mean, partner_mean : numpy.ndarray
        :math:`\bar s_{-i}` and :math:`\bar k_{p(i)}` (NaN when absent).
    group_weight, partner_weight, default_pull : float
        :math:`w_g`, :math:`w_p`, :math:`w_d` (sum at most 1).
    default_stance : float, optional
        :math:`d`; required when ``default_pull > 0``.
    noise : float
        :math:`\sigma`; draws ``len(y)`` normals from ``rng`` when positive.
    rng : numpy.random.Generator, optional
        Needed when ``noise > 0``.

    Examples
    --------
    >>> private_update(np.array([1.0, 6.0]), np.array([1.0, 6.0]), np.zeros(2),
    ...                np.array([3.0, 3.0]), np.array([np.nan, 4.0]),
    ...                group_weight=0.5, partner_weight=0.25).tolist()
    [2.0, 4.0]
    """
    g = np.where(np.isnan(group_mean), y, group_mean)
    p = np.where(np.isnan(partner_mean), y, partner_mean)
    target = (1.0 - group_weight - partner_weight) * y + group_weight * g + partner_weight * p
    if default_pull > 0.0:
        if default_stance is None:
            raise ValueError("default_pull > 0 needs default_stance")
        target = target + default_pull * (default_stance - y)
    new = stubbornness * y0 + (1.0 - stubbornness) * target
    if noise > 0.0:
        if rng is None:
            raise ValueError("noise > 0 needs an rng")
        new = new + noise * rng.standard_normal(new.shape[0])
    return np.clip(new, LIKERT_LOW, LIKERT_HIGH)
