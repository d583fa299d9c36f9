"""Typed actions of the debate world: a public post, a chat message, a private report.

Every message carries the position it argues for (``stance``, public) and the writer's own
opinion at the time (``opinion``, private: recorded, never shown to anyone). The three stages
of a round each allow exactly one of these actions (see :meth:`DebateWorld.action_menu
<socium.worlds.debate.world.DebateWorld.action_menu>`).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from socium.core.actions import ActionSpec

__all__ = ["Chat", "Post", "Report"]


class Post(ActionSpec):
    """Write your public post to your group (everyone in the group reads it)."""

    action: Literal["post"] = "post"
    message: str = Field(min_length=1, description="the post, in your words")
    stance: int = Field(
        ge=1, le=6, description="the position your post argues for, 1 (strongly disagree) to 6"
    )
    opinion: int = Field(
        ge=1, le=6, description="your private opinion now, 1 to 6 (nobody else sees it)"
    )
    text_fields: ClassVar[tuple[str, ...]] = ("message",)


class Chat(ActionSpec):
    """Send one message to your chat partner (only your partner reads it)."""

    action: Literal["chat"] = "chat"
    message: str = Field(min_length=1, description="your message to your partner")
    stance: int = Field(ge=1, le=6, description="the position your message argues for, 1 to 6")
    opinion: int = Field(
        ge=1, le=6, description="your private opinion now, 1 to 6 (nobody else sees it)"
    )
    text_fields: ClassVar[tuple[str, ...]] = ("message",)


class Report(ActionSpec):
    """Report your private opinion after this round (nobody else sees it)."""

    action: Literal["report"] = "report"
    opinion: int = Field(
        ge=1, le=6, description="1 = strongly disagree ... 6 = strongly agree with the statement"
    )
