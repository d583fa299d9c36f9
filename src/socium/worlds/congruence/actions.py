"""The typed action of the congruence experiment: choose a conversation partner."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from socium.core.actions import ActionSpec

__all__ = ["Choose"]


class Choose(ActionSpec):
    """Choose the person you would most like to talk with (by their option number)."""

    action: Literal["choose"] = "choose"
    option: int = Field(ge=1, le=4, description="the number of the person you choose")
