"""Typed actions of the influence world: a campaign's broadcast, the judge's scores, and an
agent's response."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from socium.core.actions import ActionSpec

__all__ = ["Broadcast", "Respond", "Score"]


class Broadcast(ActionSpec):
    """Broadcast this round's campaign message to the population."""

    action: Literal["broadcast"] = "broadcast"
    message: str = Field(min_length=1, description="the message everyone you reach reads")
    text_fields: ClassVar[tuple[str, ...]] = ("message",)


class Score(ActionSpec):
    """Score how persuasive (potent) each campaign's message is, from 0 to 1."""

    action: Literal["score"] = "score"
    misinformation: float = Field(ge=0.0, le=1.0, description="potency of the first message")
    correction: float = Field(ge=0.0, le=1.0, description="potency of the second message")


class Respond(ActionSpec):
    """Say what you now think of the claim, from -3 (surely false) to +3 (surely true)."""

    action: Literal["respond"] = "respond"
    stance: int = Field(ge=-3, le=3, description="-3 surely false ... 0 unsure ... +3 surely true")
