"""The typed action of the lock-in world: state a belief distribution over the options."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from socium.core.actions import ActionSpec

__all__ = ["Believe"]


class Believe(ActionSpec):
    """State how likely you think each option is (one number per option, in order)."""

    action: Literal["believe"] = "believe"
    probabilities: list[float] = Field(
        min_length=2, max_length=64, description="one probability in [0, 1] per option"
    )
