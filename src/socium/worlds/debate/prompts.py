"""What LLM agents of the debate world are told and shown.

:func:`instructions` is the task part of the system prompt; :func:`render` writes one prompt
per agent: the statement, the round, the latest group posts, the current chat, what to write
now, the agent's own last private opinion and, last, a one-line answer format with ``<...>``
placeholders (:func:`answer_format`). :data:`PROMPT_TEMPLATE` makes that text the whole user
message (no schema dump, no policy memory: the text already holds the transcript and the
agent's own opinion). Only this module loops over agents, and only for LLM-driven agents.

The layout was tuned on SmolLM2-135M-Instruct (the offline default). Shown the schema's
parameter JSON, it copied the field descriptions as its message ("The post, in your words")
and answered 1 for every number. It either keeps the opinion it is shown or answers 1 (the
scale's first value); it kept it most often with the opinion as the last line before the
answer format and repeated in the placeholder, after the word "now" and before the scale
(``<your private opinion now (so far 5), from 1 to 6>``): in a report stage with a
transcript, 21 of 24 answers kept it, against 15 with ``<..., 1-6; so far 5>`` (the model
copies the first digit it sees there), 12 with the opinion above the task and no repeat, and
3 of 12 before this layout. In whole debates it still drops to 1 now and then and stays
there (``docs/worlds/debate.md``, "Rule vs LLM groups"): a 135M model does not weigh
arguments.

The text stays under :data:`OBSERVATION_CHARS` characters (oldest posts dropped first, every
shown message cut to :data:`SHOWN_CHARS`), so an LLM policy's default ``observation_tokens``
(800, about 3 200 characters, cut from the end) never removes the task and the format; an
``observation_tokens`` below about 750 can.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from socium.core.batches import ObsBatch
from socium.worlds.debate.actions import Chat, Post, Report

if TYPE_CHECKING:
    from socium.core.actions import ActionSpec
    from socium.worlds.debate.world import DebateWorld

__all__ = [
    "OBSERVATION_CHARS",
    "PROMPT_TEMPLATE",
    "SCALE",
    "SHOWN_CHARS",
    "answer_format",
    "instructions",
    "opinion_text",
    "render",
]

#: Labels of the 1-6 opinion scale.
SCALE = (
    "strongly disagree",
    "disagree",
    "slightly disagree",
    "slightly agree",
    "agree",
    "strongly agree",
)

#: Most characters of one rendered prompt text (oldest posts are dropped to fit).
OBSERVATION_CHARS = 3000
#: Most characters of one message as shown to others in a prompt.
SHOWN_CHARS = 300

#: The debate world's prompt blocks (see :mod:`socium.policies.prompts`): the ``decide`` block
#: is the rendered text alone (:func:`render` ends with the answer format).
PROMPT_TEMPLATE = """\
{%- block decide -%}
{{ observation }}
{%- endblock -%}
"""


def instructions(rounds: int, group_size: int, chat_turns: int) -> str:
    """The debate's rules for an LLM agent."""
    scale = ", ".join(f"{i + 1} = {label}" for i, label in enumerate(SCALE))
    chat = f"chat one-on-one with a partner ({chat_turns} message(s) each), " if chat_turns else ""
    return (
        f"You take part in an online debate with {group_size - 1} other people about one "
        f"statement, over {rounds} round(s). Each round you write a public post to the group, "
        f"{chat}and report your private opinion. Opinions use a 1-6 scale: {scale}. The "
        "'stance' of a message is the position it argues for; your 'opinion' is what you "
        "really think, and nobody sees it. Write as a person would in a chat, in your own "
        "words, and change your opinion only if you were persuaded."
    )


def _name(world: DebateWorld, i: int) -> str:
    names = world.population.personas.get("name")
    return str(names[i]) if names is not None else f"Participant {i}"


def opinion_text(value: float) -> str:
    """A 1-6 opinion in words.

    Examples
    --------
    >>> opinion_text(5.0)
    '5 = you agree with the statement'
    """
    k = int(np.clip(np.rint(value), 1, 6))
    return f"{k} = you {SCALE[k - 1]} with the statement"


def _task(stage: int, turn: int, partner: str) -> str:
    if stage == 0:
        return (
            "Now write your public post to the group: say in one to three sentences of your "
            "own what you think about the statement and why."
        )
    if stage == 1:
        start = "reply to" if turn > 1 else "write to"
        return (
            f"Now {start} {partner} in your one-on-one chat (only they read it), in one to "
            "three sentences of your own."
        )
    return "Now report your private opinion after this round's discussion (nobody sees it), 1-6."


def answer_format(spec: type[ActionSpec], opinion: float) -> str:
    """The one-line answer format of an action: every field as a ``<description>``
    placeholder, in schema order; the opinion's placeholder also says its value so far (before
    the scale: SmolLM2 copies the first digit in it).

    Examples
    --------
    >>> from socium.worlds.debate.actions import Report
    >>> answer_format(Report, 5.0)
    '{"action": "report", "opinion": <your private opinion now (so far 5), from 1 to 6>}'
    """
    parts = [f'"action": "{spec.action_name()}"']
    props: dict[str, Any] = spec.model_json_schema()["properties"]
    for key, p in props.items():
        if key == "action":
            continue
        hint = str(p.get("description", key))
        if key == "opinion":
            now = int(np.clip(np.rint(opinion), 1, 6))
            hint = hint.replace("now,", f"now (so far {now}),", 1)
        parts.append(f'"{key}": "<{hint}>"' if p.get("type") == "string" else f'"{key}": <{hint}>')
    return "{" + ", ".join(parts) + "}"


def _shown(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 2].rstrip() + " …"


def _fit(head: list[str], posts: list[str], chat: list[str], tail: list[str]) -> list[str]:
    """``head + posts + chat + tail``, dropping the oldest posts (then chat lines) to stay
    under :data:`OBSERVATION_CHARS`."""
    posts, chat = list(posts), list(chat)

    def size() -> int:
        return sum(len(x) + 1 for x in (*head, *posts, *chat, *tail))

    while size() > OBSERVATION_CHARS and len(posts) > 1:
        posts.pop(1)  # posts[0] is the heading
    while size() > OBSERVATION_CHARS and len(chat) > 1:
        chat.pop(1)
    if len(posts) == 1 and posts[0].startswith("Group posts"):
        posts = []
    return [*head, *posts, *chat, *tail]


def render(world: DebateWorld, obs: ObsBatch) -> list[str]:
    """One prompt text per agent of ``obs`` (any stage).

    Statement, round, the group's recent posts (newest last), this round's chat with the
    partner, the stage's task, the agent's latest private opinion (the one it gave last, in
    any stage) and the answer format
    (:func:`answer_format`). Other agents' stances and opinions are never shown, only their
    words. At most :data:`OBSERVATION_CHARS` characters.
    """
    cols = world.log.columns()
    is_post = cols["kind"] == "post"
    is_chat = cols["kind"] == "chat"
    keep = world.config.transcript_messages
    stage = int(obs["stage"][0]) if len(obs) else 0
    turn = int(obs["turn"][0]) if len(obs) and "turn" in obs.columns else 0
    r = int(obs["round"][0]) if len(obs) else 0
    spec = (Post, Chat, Report)[stage]
    posts_by_group = {
        int(g): np.flatnonzero(is_post & (cols["group"] == g)) for g in np.unique(obs["group"])
    }
    out = []
    for row, i in enumerate(obs.ids.tolist()):
        g = int(obs["group"][row])
        partner = int(obs["partner"][row])
        name = _name(world, partner) if partner >= 0 else ""
        head = [f'Statement: "{world.statement(g)}"', f"Round {r} of {world.config.rounds}."]
        posts: list[str] = []
        shown = posts_by_group[g][-keep:]
        if shown.size:
            posts.append("Group posts so far (newest last):")
            posts.extend(
                f"- [round {cols['round'][k]}] {_name(world, int(cols['sender'][k]))}"
                f"{' (you)' if cols['sender'][k] == i else ''}: {_shown(cols['text'][k])}"
                for k in shown
            )
        else:
            head.append("No posts yet.")
        chat: list[str] = []
        if partner >= 0:
            lines = np.flatnonzero(
                is_chat
                & (cols["round"] == r)
                & (
                    ((cols["sender"] == i) & (cols["recipient"] == partner))
                    | ((cols["sender"] == partner) & (cols["recipient"] == i))
                )
            )[-keep:]
            if lines.size:
                chat.append(f"Your chat with {name} this round:")
                chat.extend(
                    f"- {'You' if cols['sender'][k] == i else name}: {_shown(cols['text'][k])}"
                    for k in lines
                )
            elif stage != 1:
                chat.append(f"Your chat partner this round: {name}.")
        elif stage == 1:
            chat.append("You have no chat partner this round.")
        opinion = float(np.clip(np.rint(obs["opinion"][row]), 1, 6))
        tail = [
            "",
            _task(stage, turn, name),
            f"Your private opinion so far: {opinion_text(opinion)}.",
            "",
            "Answer with one JSON object and no other text:",
            answer_format(spec, opinion),
        ]
        out.append("\n".join(_fit(head, posts, chat, tail)))
    return out
