"""The ``[world]`` config of the influence world (``name = "influence"``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from socium.core.protocol import WorldConfig

__all__ = ["InfluenceConfig"]


class InfluenceConfig(WorldConfig):
    r"""Config of the two-campaign influence world and of its rule agents.

    Two campaign agents (misinformation and correction) broadcast one message per round under
    a resource budget; a judge scores each message's potency :math:`p \in [0, 1]`; sending it
    costs :math:`c_0 + c\,p`. The population (every other agent) updates its opinion
    :math:`x \in [-1, 1]` (:math:`+1`: believes the claim) by bounded confidence with
    confirmation bias, from the messages it receives and from a network neighbour. Names follow
    the Deffuant model (``epsilon``, ``mu``) where they can.
    """

    claim: str = Field(
        "Drinking the town's tap water causes memory loss.",
        min_length=1,
        description="the misinformation claim",
    )
    correction: str = Field(
        "Independent tests found the town's tap water safe to drink.",
        min_length=1,
        description="the correction's central fact",
    )
    misinformation_agent: int = Field(0, ge=0, description="id of the misinformation campaign")
    correction_agent: int = Field(1, ge=0, description="id of the correction campaign")
    judge_agent: int | None = Field(
        None,
        ge=0,
        description="id of an agent that judges potency (through the policy, e.g. an LLM); "
        "unset: the built-in rule judge",
    )
    budget_misinformation: float = Field(
        10.0, ge=0.0, description="resources B of the misinformation campaign"
    )
    budget_correction: float = Field(
        10.0, ge=0.0, description="resources B of the correction campaign"
    )
    cost_per_potency: float = Field(1.0, gt=0.0, description="c: cost per unit of potency")
    message_cost: float = Field(0.1, ge=0.0, description="c0: fixed cost of sending a message")
    reach: float = Field(
        0.3, ge=0.0, le=1.0, description="probability that an agent receives a broadcast"
    )
    strategy: Literal["steady", "adaptive"] = Field(
        "steady",
        description="rule campaigns: 'steady' spends the budget evenly over the horizon; "
        "'adaptive' spends more while losing",
    )
    horizon: int = Field(20, ge=1, description="rounds over which rule campaigns plan to spend")
    gain: float = Field(2.0, ge=0.0, description="adaptive strategy: extra spend per unit of lead")
    message_epsilon: float = Field(
        1.2, gt=0.0, le=2.0, description="confidence bound for campaign messages (distance < it)"
    )
    message_mu: float = Field(
        0.3, ge=0.0, le=1.0, description="persuasion rate of a message of potency 1"
    )
    epsilon: float = Field(0.6, gt=0.0, le=2.0, description="confidence bound of neighbour talk")
    mu: float = Field(0.2, ge=0.0, le=0.5, description="convergence rate of neighbour talk")
    confirmation_bias: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="beta: discount of information against the agent's current leaning",
    )
    threshold: float = Field(
        0.2, ge=0.0, lt=1.0, description="|x| above which an agent is aligned with a side"
    )

    @field_validator("correction_agent")
    @classmethod
    def _distinct(cls, value: int, info: ValidationInfo) -> int:
        if value == info.data.get("misinformation_agent"):
            raise ValueError("the two campaigns need different agents")
        return value

    @field_validator("judge_agent")
    @classmethod
    def _judge(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and value in (
            info.data.get("misinformation_agent"),
            info.data.get("correction_agent"),
        ):
            raise ValueError("the judge must not be a campaign agent")
        return value

    @property
    def budgets(self) -> tuple[float, float]:
        """``(misinformation, correction)`` budgets."""
        return (self.budget_misinformation, self.budget_correction)

    @property
    def roles(self) -> tuple[int, ...]:
        """Ids of the role agents (campaigns, then the judge if any)."""
        judge = () if self.judge_agent is None else (self.judge_agent,)
        return (self.misinformation_agent, self.correction_agent, *judge)
