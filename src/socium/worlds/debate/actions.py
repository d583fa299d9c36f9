"""Typed actions of the debate world: a public post, a chat message, a private report.

Every message carries the position it argues for (``stance``, public) and the writer's own
opinion at the time (``opinion``, private: recorded, never shown to anyone). The three stages
of a round each allow exactly one of these actions (see :meth:`DebateWorld.action_menu
<socium.worlds.debate.world.DebateWorld.action_menu>`).

The fields are ordered for small models under constrained decoding, which writes them in
schema order: the private ``opinion`` first (the model commits to what it thinks before it
writes), then ``stance``, then the ``message``. The 1-6 scales are also an ``enum`` in the
schema, so a grammar admits only the six values (llama.cpp ignores ``minimum``/``maximum``,
and SmolLM2-135M then wrote stances such as 16). The descriptions read as placeholders: the
prompt shows them in ``<...>`` and a tiny model that copies one copies a hint, not a sentence
that looks like an answer. The message's schema carries a ``pattern`` (:data:`MESSAGE_PATTERN`:
starts with a letter; no quotes, backslashes, brackets, braces or line breaks) that only
constrained decoders see: under it SmolLM2 can no longer close the JSON inside its message
("]\\n\\nI'm a chatbot...") or copy a ``<...>`` placeholder. Answers are not validated against
it, so a model without a grammar may still quote.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from socium.core.actions import ActionSpec

__all__ = ["LIKERT_ENUM", "MESSAGE_PATTERN", "Chat", "Post", "Report"]

#: The allowed values of the 1-6 fields, as a JSON schema ``enum``.
LIKERT_ENUM: dict[str, Any] = {"enum": [1, 2, 3, 4, 5, 6]}
#: The messages' schema ``pattern`` (for grammars only; answers are not checked against it).
MESSAGE_PATTERN = r'^[A-Za-z][^"\\{}\[\]<>\n]*$'


def _likert(description: str) -> Any:
    return Field(ge=1, le=6, description=description, json_schema_extra=LIKERT_ENUM)


def _message(description: str) -> Any:
    return Field(
        min_length=1, description=description, json_schema_extra={"pattern": MESSAGE_PATTERN}
    )


class Post(ActionSpec):
    """Write your public post to your group (everyone in the group reads it)."""

    action: Literal["post"] = "post"
    opinion: int = _likert("your private opinion now, from 1 to 6")
    stance: int = _likert("the position your post argues for, from 1 to 6")
    message: str = _message("your post, one to three sentences")
    text_fields: ClassVar[tuple[str, ...]] = ("message",)


class Chat(ActionSpec):
    """Send one message to your chat partner (only your partner reads it)."""

    action: Literal["chat"] = "chat"
    opinion: int = _likert("your private opinion now, from 1 to 6")
    stance: int = _likert("the position your message argues for, from 1 to 6")
    message: str = _message("your reply, one to three sentences")
    text_fields: ClassVar[tuple[str, ...]] = ("message",)


class Report(ActionSpec):
    """Report your private opinion after this round (nobody else sees it)."""

    action: Literal["report"] = "report"
    opinion: int = _likert("your private opinion now, from 1 to 6")
