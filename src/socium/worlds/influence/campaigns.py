r"""Campaigns: the rule campaigns' spending plan and messages, and the budget rule.

Budget rule (the budget is never exceeded). A message judged at potency :math:`p` costs
:math:`c_0 + c\,p`. With :math:`R` resources left, the message goes out at the effective potency

.. math::

    p_{\text{eff}} = \begin{cases}
        \min\big(p,\ (R - c_0)/c\big) & R \ge c_0 \\
        0 \text{ (not sent, nothing paid)} & R < c_0
    \end{cases}

and costs :math:`c_0 + c\,p_{\text{eff}} \le R`.

Rule campaigns plan to spread their budget over ``horizon`` rounds: in round :math:`t` the
planned spend is :math:`S_t = R_t / \max(H - t + 1, 1)`; the ``adaptive`` strategy scales it by
:math:`1 + \gamma\,(a_{\text{other}} - a_{\text{own}})` (:math:`a`: share aligned with each
side), spending more while losing. It aims for the potency
:math:`p^* = \operatorname{clip}((S_t - c_0)/c, 0, 1)` and sends the message of the intensity
tier whose rule-judge potency is nearest to :math:`p^*` (ties: the lower tier). Higher tiers
carry more emotional cues (misinformation) or evidence cues (correction).
"""

from __future__ import annotations

import numpy as np

from socium.worlds.debate.templates import statement_clause
from socium.worlds.influence.judge import rule_potency

__all__ = ["MessageTiers", "planned_potency", "settle_budget"]

_MISINFORMATION = (
    "Some people say that {claim}.",
    "I keep hearing that {claim}. Makes you think, doesn't it?",
    "Shocking: {claim}! Nobody is talking about it.",
    "URGENT! A leaked report shows that {claim}! They are hiding the truth, share before it "
    "is deleted!",
)
_CORRECTION = (
    "Not everything you read about this is true.",
    "Check the facts: {correction}, according to the official record.",
    "According to independent data, {correction}. The study is public.",
    "Evidence from three independent studies and official test reports: {correction}. "
    "100% of samples passed; sources are linked. Don't be fooled!",
)


class MessageTiers:
    """The rule campaigns' messages: four intensity tiers per side.

    Parameters
    ----------
    claim, correction : str
        The claim and the correction's central fact.

    Examples
    --------
    >>> t = MessageTiers("The moon is cheese.", "The moon is rock.")
    >>> t.message(0, 2)
    'Shocking: the moon is cheese! Nobody is talking about it.'
    >>> t.message(1, 1)
    'Check the facts: the moon is rock, according to the official record.'
    """

    def __init__(self, claim: str, correction: str):
        c, f = statement_clause(claim), statement_clause(correction)
        self.table = (
            tuple(m.format(claim=c) for m in _MISINFORMATION),
            tuple(m.format(correction=f) for m in _CORRECTION),
        )
        #: ``(2, 4)`` rule-judge potency of every tier of both sides.
        self.potencies = np.array([rule_potency(list(side)) for side in self.table])

    def message(self, side: int, tier: int) -> str:
        """The message of ``side`` (0 misinformation, 1 correction) at ``tier`` (0..3)."""
        return self.table[side][int(tier)]

    def nearest(self, side: np.ndarray, target: np.ndarray) -> list[str]:
        """Per campaign, the message whose rule-judge potency is nearest to ``target``."""
        scores = self.potencies[side]
        tier = np.argmin(np.abs(scores - target[:, None]), axis=1)
        return [self.table[s][k] for s, k in zip(side.tolist(), tier.tolist(), strict=True)]


def planned_potency(
    remaining: np.ndarray,
    round_index: int,
    horizon: int,
    cost_per_potency: float,
    message_cost: float,
    lead: np.ndarray | None = None,
    gain: float = 0.0,
) -> np.ndarray:
    r"""The potency :math:`p^*` a rule campaign aims for this round (see the module notes).

    Parameters
    ----------
    remaining : numpy.ndarray
        Resources left per campaign.
    round_index : int
        :math:`t`, 1-based.
    horizon : int
        :math:`H`.
    cost_per_potency, message_cost : float
        :math:`c` and :math:`c_0`.
    lead : numpy.ndarray, optional
        :math:`a_{\text{own}} - a_{\text{other}}` per campaign (adaptive strategy).
    gain : float
        :math:`\gamma`.

    Examples
    --------
    >>> planned_potency(np.array([10.0, 2.0]), 1, 10, 1.0, 0.1).tolist()
    [0.9, 0.1]
    """
    spend = remaining / max(horizon - round_index + 1, 1)
    if lead is not None:
        spend = spend * np.maximum(1.0 - gain * lead, 0.0)
    return np.clip((spend - message_cost) / cost_per_potency, 0.0, 1.0)


def settle_budget(
    potency: np.ndarray, remaining: np.ndarray, cost_per_potency: float, message_cost: float
) -> tuple[np.ndarray, np.ndarray]:
    """Effective potencies and costs under the budget rule (see the module notes).

    Returns
    -------
    effective, cost : numpy.ndarray
        ``cost <= remaining`` always; a campaign that cannot pay ``message_cost`` sends
        nothing (potency 0, cost 0).

    Examples
    --------
    >>> eff, cost = settle_budget(np.array([0.8, 0.8, 0.5]), np.array([5.0, 0.5, 0.05]),
    ...                           1.0, 0.1)
    >>> eff.tolist(), cost.tolist()
    ([0.8, 0.4, 0.0], [0.9, 0.5, 0.0])
    """
    potency = np.clip(np.nan_to_num(potency, nan=0.0), 0.0, 1.0)
    can = remaining >= message_cost
    affordable = np.maximum(remaining - message_cost, 0.0) / cost_per_potency
    effective = np.where(can, np.minimum(potency, affordable), 0.0)
    cost = np.where(can, message_cost + cost_per_potency * effective, 0.0)
    return effective, np.minimum(cost, remaining)
