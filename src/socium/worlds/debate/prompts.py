"""What LLM agents of the debate world are told and shown.

:func:`instructions` is the task part of the system prompt; :func:`render` writes one
observation per agent: the statement, the round and stage, the agent's own last private
opinion, the latest group posts and the current chat. Only this module loops over agents, and
only for LLM-driven agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socium.core.batches import ObsBatch

if TYPE_CHECKING:
    from socium.worlds.debate.world import DebateWorld

__all__ = ["SCALE", "instructions", "render"]

#: Labels of the 1-6 opinion scale.
SCALE = (
    "strongly disagree",
    "disagree",
    "slightly disagree",
    "slightly agree",
    "agree",
    "strongly agree",
)

_STAGES = {
    0: "write your PUBLIC POST for the whole group (action 'post')",
    1: "send a CHAT message to your partner (action 'chat')",
    2: "REPORT your private opinion (action 'report')",
}


def instructions(rounds: int, group_size: int, chat_turns: int) -> str:
    """The debate's rules for an LLM agent."""
    scale = "; ".join(f"{i + 1} = {label}" for i, label in enumerate(SCALE))
    return (
        f"You take part in an online group debate with {group_size - 1} other people about "
        f"one statement. It lasts {rounds} round(s). In every round you (1) write a public "
        f"post that everyone in your group reads, (2) chat one-on-one with an assigned "
        f"partner ({chat_turns} message(s) each), and (3) report your private opinion. "
        f"Opinions use a 1-6 scale: {scale}. Your 'stance' is the position a message argues "
        "for and everyone who reads the message sees it; your 'opinion' is what you really "
        "think and is never shown to anyone. They may differ. Stay in character, write as a "
        "person would in a chat (one to four sentences), and answer the private opinion "
        "honestly: change it only if you were persuaded."
    )


def _name(world: DebateWorld, i: int) -> str:
    names = world.population.personas.get("name")
    return str(names[i]) if names is not None else f"Participant {i}"


def _label(v: float) -> str:
    k = int(v)
    return f"{k} ({SCALE[k - 1]})"


def render(world: DebateWorld, obs: ObsBatch) -> list[str]:
    """One observation text per agent of ``obs`` (any stage)."""
    cols = world.log.columns()
    is_post = cols["kind"] == "post"
    is_chat = cols["kind"] == "chat"
    keep = world.config.transcript_messages
    stage = int(obs["stage"][0]) if len(obs) else 0
    r = int(obs["round"][0]) if len(obs) else 0
    posts_by_group = {
        int(g): np.flatnonzero(is_post & (cols["group"] == g)) for g in np.unique(obs["group"])
    }
    out = []
    for row, i in enumerate(obs.ids.tolist()):
        g = int(obs["group"][row])
        partner = int(obs["partner"][row])
        lines = [
            f'Statement: "{world.statement(g)}"',
            f"Round {r} of {world.config.rounds}. Now {_STAGES[stage]}.",
            f"Your last private opinion: {_label(world.report_of(i))}.",
        ]
        posts = posts_by_group[g][-keep:]
        if posts.size:
            lines.append("Group posts so far (newest last):")
            lines.extend(
                f"- [round {cols['round'][k]}] {_name(world, int(cols['sender'][k]))}"
                f"{' (you)' if cols['sender'][k] == i else ''}: {cols['text'][k]}"
                for k in posts
            )
        else:
            lines.append("No posts yet.")
        if partner >= 0:
            lines.append(f"Your chat partner this round: {_name(world, partner)}.")
            chat = np.flatnonzero(
                is_chat
                & (cols["round"] == r)
                & (
                    ((cols["sender"] == i) & (cols["recipient"] == partner))
                    | ((cols["sender"] == partner) & (cols["recipient"] == i))
                )
            )[-keep:]
            lines.extend(
                f"- {'You' if cols['sender'][k] == i else _name(world, partner)}: {cols['text'][k]}"
                for k in chat
            )
        elif stage == 1:
            lines.append("You have no chat partner this round.")
        out.append("\n".join(lines))
    return out
