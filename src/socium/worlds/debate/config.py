"""The ``[world]`` config of the debate world (``name = "debate"``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from socium.core.protocol import WorldConfig

__all__ = ["DEFAULT_TOPICS", "LIKERT_HIGH", "LIKERT_LOW", "DebateConfig"]

#: The opinion scale: 1 = strongly disagree ... 6 = strongly agree (no neutral midpoint).
LIKERT_LOW = 1
LIKERT_HIGH = 6

#: Statements debated when ``topics`` is not set (the topics of the shipped sample CSV).
DEFAULT_TOPICS = (
    "A universal basic income should replace most existing welfare programs.",
    "Social media platforms should be legally responsible for misinformation they host.",
    "Nuclear power should be expanded to fight climate change.",
)


class DebateConfig(WorldConfig):
    r"""Config of the DEBATE-style group debate and of its rule agents.

    ``population.size`` agents are split into groups of ``group_size``; every group debates
    one statement of ``topics`` (group :math:`g` gets ``topics[g % len(topics)]``) for
    ``rounds`` rounds. One step is one round: a public post by everyone, ``chat_turns``
    one-on-one chat turns with an assigned partner, then a private opinion report on the 1-6
    scale. The rule model's weights are those of ``docs/worlds/debate.md``: conformity
    :math:`c`, group weight :math:`w_g`, partner weight :math:`w_p`, stubbornness
    :math:`\lambda` and model-default pull :math:`w_d`.
    """

    group_size: int = Field(4, ge=2, le=64, description="agents per group n")
    rounds: int = Field(3, ge=1, description="rounds R; later steps do nothing")
    chat_turns: int = Field(
        2, ge=0, le=10, description="messages each partner sends per one-on-one chat"
    )
    pairing: Literal["rotate", "random"] = Field(
        "rotate",
        description="'rotate': round-robin partners (a new partner each round while possible); "
        "'random': a new random matching every round",
    )
    grouping: Literal["random", "contiguous"] = Field(
        "random",
        description="'random': a random partition into groups; 'contiguous': ids 0..n-1 form "
        "group 0, and so on",
    )
    topics: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TOPICS),
        min_length=1,
        description="statements debated; group g debates topics[g % len(topics)]",
    )
    conformity: float = Field(
        0.3, ge=0.0, le=1.0, description="c: pull of the public stance toward the group's"
    )
    group_weight: float = Field(
        0.2, ge=0.0, le=1.0, description="w_g: weight of the group's posts in the private update"
    )
    partner_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="w_p: weight of the chat partner in the private update"
    )
    stubbornness: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="lambda: anchoring to the initial opinion (population field "
        "'stubbornness' overrides)",
    )
    noise: float = Field(
        0.3, ge=0.0, description="sigma: s.d. of the noise of the private update (scale points)"
    )
    default_stance: float | None = Field(
        None,
        ge=1.0,
        le=6.0,
        description="d: a language model's own default opinion on the topics (for the "
        "'default_drift' metric and the rule agents' default pull)",
    )
    default_pull: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        validate_default=True,
        description="w_d: pull of the rule agents toward default_stance",
    )
    rule_text: bool = Field(True, description="rule agents write templated messages")
    transcript_messages: int = Field(
        12, ge=1, description="most recent group posts and chat lines shown in an LLM prompt"
    )
    max_message_chars: int = Field(
        600, ge=20, description="LLM messages are cut to this many characters"
    )
    text_metrics: bool = Field(
        True, description="compute the text measures at the end (needs socium.metrics.text)"
    )
    embedder: Literal["hashing", "minilm", "auto"] = Field(
        "hashing", description="embedder of the similarity and on-topic measures"
    )
    on_topic_threshold: float | None = Field(
        None,
        ge=-1.0,
        le=1.0,
        description="cosine above which a message is on topic; unset: the text module's "
        "default for the embedder",
    )
    references: str | None = Field(
        None,
        description="path to a DEBATE-format CSV whose messages are the ROUGE-L references "
        "(matched by topic statement)",
    )

    @field_validator("topics")
    @classmethod
    def _topics(cls, value: list[str]) -> list[str]:
        if any(not t.strip() for t in value):
            raise ValueError("topics must be non-empty statements")
        return value

    @field_validator("default_pull")
    @classmethod
    def _weights(cls, value: float, info: ValidationInfo) -> float:
        total = info.data.get("group_weight", 0.0) + info.data.get("partner_weight", 0.0) + value
        if total > 1.0 + 1e-12:
            raise ValueError(
                "group_weight + partner_weight + default_pull must be <= 1 "
                f"(the rest weighs the agent's own opinion); the sum is {total:g}"
            )
        if value > 0 and info.data.get("default_stance") is None:
            raise ValueError("default_pull > 0 needs default_stance (the opinion pulled toward)")
        return value
