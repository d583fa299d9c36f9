"""The ``[policy]`` section: which policy drives which agents.

``kind`` selects the policy:

``rules``
    the world's vectorized rule model (the default);
``llm``
    one LLM call per agent and step (prompts rendered from templates, answers validated
    against the world's action schema, a re-ask, then a recorded fallback);
``archetype``
    one LLM call per group of agents that share a key (persona attributes plus a discretised
    observation); members sample their actions from the group's distribution;
``mixed``
    different policies for different agent groups, chosen by id range, persona attribute or
    fraction.

The language model itself is configured once, in the top-level ``[llm]`` section
(:class:`socium.llm.config.LLMConfig`), and shared by every LLM-driven group.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AgentSelector",
    "ArchetypePolicyConfig",
    "LLMPolicyConfig",
    "MixedPolicyConfig",
    "PolicyConfig",
    "PolicyGroup",
    "RulesPolicyConfig",
    "SinglePolicyConfig",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RulesPolicyConfig(_Section):
    """``kind = "rules"``: the world's own rule model."""

    kind: Literal["rules"] = "rules"


class LLMPolicyConfig(_Section):
    """``kind = "llm"``: one LLM decision per agent and step."""

    kind: Literal["llm"] = "llm"
    template: str | None = Field(
        None, description="path to a Jinja2 prompt template; default: the built-in template"
    )
    memory_items: int = Field(8, ge=0, description="recent memory items kept per agent")
    memory_tokens: int = Field(
        600, ge=0, description="token budget of the memory shown in a prompt (recent + summary)"
    )
    memory_item_chars: int = Field(
        240, ge=16, le=10_000, description="characters of one memory item (what was seen and done)"
    )
    observation_tokens: int = Field(
        800, ge=16, description="token budget of the observation shown in a prompt"
    )
    reask: bool = Field(True, description="re-ask once with the parse error before falling back")
    fallback: Literal["do_nothing", "rules"] = Field(
        "do_nothing", description="what a failed answer becomes (always recorded as a fallback)"
    )
    interview_tokens: int = Field(200, ge=1, description="most tokens of an interview answer")


class ArchetypePolicyConfig(_Section):
    """``kind = "archetype"``: one LLM call per group of agents sharing a key."""

    kind: Literal["archetype"] = "archetype"
    key: list[str] = Field(
        default_factory=list, description="persona attributes that make up the group key"
    )
    observation_bins: int = Field(
        3, ge=1, le=64, description="bins per discretised observation feature in the key"
    )
    max_groups: int = Field(1000, ge=1, description="upper bound on LLM calls per step")
    features: list[str] | None = Field(
        None,
        description="observation features in the key; default: the world's archetype_features "
        "(or every numeric observation column)",
    )
    template: str | None = Field(
        None, description="path to a Jinja2 prompt template; default: the built-in template"
    )
    observation_tokens: int = Field(
        800, ge=16, description="token budget of the typical member's observation in a prompt"
    )
    reask: bool = Field(True, description="re-ask once with the parse error before falling back")
    fallback: Literal["do_nothing", "rules"] = Field(
        "do_nothing", description="what the members of a failed group do (recorded as fallback)"
    )
    interview_tokens: int = Field(200, ge=1, description="most tokens of an interview answer")


SinglePolicyConfig = Annotated[
    RulesPolicyConfig | LLMPolicyConfig | ArchetypePolicyConfig, Field(discriminator="kind")
]


class AgentSelector(_Section):
    """Which agents a group covers: exactly one of ``ids``, ``where`` or ``fraction``.

    ``ids = [start, stop]`` is a half-open id range; ``where = {attr = value}`` matches a
    persona attribute (or numeric field); ``fraction`` takes a seeded random share of the
    agents not claimed by earlier groups.
    """

    ids: tuple[int, int] | None = None
    where: dict[str, Any] | None = None
    fraction: float | None = Field(None, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _exactly_one(self) -> AgentSelector:
        chosen = [k for k in ("ids", "where", "fraction") if getattr(self, k) is not None]
        if len(chosen) != 1:
            raise ValueError("set exactly one of ids, where or fraction")
        if self.ids is not None and not 0 <= self.ids[0] <= self.ids[1]:
            raise ValueError("ids must be [start, stop] with 0 <= start <= stop")
        return self


class PolicyGroup(_Section):
    """One group of a mixed population: a selector and the policy for it."""

    select: AgentSelector
    policy: SinglePolicyConfig


class MixedPolicyConfig(_Section):
    """``kind = "mixed"``: groups in order; an agent belongs to the first group that selects it.

    Agents selected by no group use ``default`` (the rule policy unless set).
    """

    kind: Literal["mixed"] = "mixed"
    groups: list[PolicyGroup] = Field(min_length=1)
    default: SinglePolicyConfig = Field(default_factory=RulesPolicyConfig)


PolicyConfig = Annotated[
    RulesPolicyConfig | LLMPolicyConfig | ArchetypePolicyConfig | MixedPolicyConfig,
    Field(discriminator="kind"),
]
