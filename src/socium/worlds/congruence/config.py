"""The ``[world]`` config of the congruence experiment (``name = "congruence"``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from socium.core.protocol import WorldConfig

__all__ = ["DEFAULT_EFFECTS", "MITIGATIONS", "CongruenceConfig", "Mitigation", "MitigationEffect"]

Mitigation = Literal["none", "contact", "accuracy", "global_citizenship"]
#: The conditions: no mitigation, and the three mitigation prompts.
MITIGATIONS: tuple[str, ...] = ("none", "contact", "accuracy", "global_citizenship")


class MitigationEffect(BaseModel):
    """Multipliers a mitigation applies to the rule agents' two weights."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    belief: float = Field(1.0, ge=0.0, description="multiplier of the belief weight w_b")
    identity: float = Field(1.0, ge=0.0, description="multiplier of the identity weight w_id")


#: Documented default effects of the mitigations on the rule agents (see the docs page).
DEFAULT_EFFECTS: dict[str, MitigationEffect] = {
    "none": MitigationEffect(),
    "contact": MitigationEffect(belief=0.7, identity=0.4),
    "accuracy": MitigationEffect(belief=0.6, identity=1.0),
    "global_citizenship": MitigationEffect(belief=0.8, identity=0.5),
}


class CongruenceConfig(WorldConfig):
    r"""Config of the Rokeach–Mezei partner choice experiment.

    Every trial (step) every agent sees four counterparts, one from each cell of
    {same, other identity} x {same, opposite belief on this trial's issue}, in random order, and
    chooses one to talk with. Rule agents choose by a logit on
    :math:`U = w_b\,[\text{same belief}] + w_{id}\,[\text{same identity}] + \text{Gumbel}`,
    with weights scaled by the agent's mitigation condition.
    """

    identities: list[str] = Field(
        default_factory=lambda: ["Democrat", "Republican"],
        min_length=2,
        description="identity group labels (population field 'identity' holds indices)",
    )
    issues: list[str] = Field(
        default_factory=lambda: [
            "The government should do more to fight climate change.",
            "Stricter gun laws would make the country safer.",
            "Immigration is good for the economy.",
            "The minimum wage should be raised.",
        ],
        min_length=1,
        description="statements; trial t asks about issues[(t - 1) % len(issues)]",
    )
    agree_share: float = Field(
        0.5, gt=0.0, lt=1.0, description="probability that an agent agrees with a statement"
    )
    alignment: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="how much beliefs follow identity: P(agree) = agree_share +/- alignment/2 "
        "by identity parity (clipped)",
    )
    belief_weight: float = Field(1.5, ge=0.0, description="w_b: utility of a same-belief partner")
    identity_weight: float = Field(
        0.5, ge=0.0, description="w_id: utility of a same-identity partner"
    )
    conditions: list[Mitigation] = Field(
        default_factory=lambda: ["none"],
        min_length=1,
        description="conditions compared between subjects (agents split evenly at random)",
    )
    effects: dict[Mitigation, MitigationEffect] = Field(
        default_factory=dict,
        description="overrides of the rule agents' mitigation multipliers",
    )
    prompts: dict[Mitigation, str] = Field(
        default_factory=dict, description="overrides of the mitigation prompt texts"
    )

    @field_validator("conditions")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("conditions must be distinct")
        return value

    @field_validator("identities")
    @classmethod
    def _labels(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value) or any(not v.strip() for v in value):
            raise ValueError("identities must be distinct, non-empty labels")
        return value

    def effect(self, condition: str) -> MitigationEffect:
        """The multipliers of ``condition`` (override, else the documented default)."""
        return self.effects.get(condition, DEFAULT_EFFECTS[condition])  # type: ignore[index]
