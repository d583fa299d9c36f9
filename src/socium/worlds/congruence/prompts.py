"""What LLM agents of the congruence experiment are told and shown, and the mitigation
prompts (contact hypothesis, accuracy nudge, global citizenship)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from socium.core.batches import ObsBatch

__all__ = ["MITIGATION_PROMPTS", "instructions", "render"]

#: Default texts of the mitigation prompts (``none`` adds nothing).
MITIGATION_PROMPTS: dict[str, str] = {
    "none": "",
    "contact": (
        "Research on intergroup contact shows that getting to know people from other groups, "
        "and people who see things differently, reduces prejudice and builds understanding. "
        "Think of good conversations you have had with such people."
    ),
    "accuracy": (
        "Before you choose, think about accuracy: which conversation would help you most to "
        "form accurate, well-informed views?"
    ),
    "global_citizenship": (
        "Think of yourself as a global citizen: one member of a single human community whose "
        "members share common goals, whatever their group or their opinions."
    ),
}


def instructions(mitigation: str) -> str:
    """The task; with one shared mitigation condition its prompt is appended."""
    base = (
        "You are a participant in a study of conversations. In every round you see a few "
        "people, each described by their group and by their view on a statement, and you "
        "choose the one you would most like to talk with about it. Answer with the number of "
        "the person you choose."
    )
    return f"{base}\n\n{mitigation}" if mitigation else base


def _view(agree: bool) -> str:
    return "agrees" if agree else "disagrees"


def render(
    obs: ObsBatch,
    identities: Sequence[str],
    issues: Sequence[str],
    belief_of: np.ndarray,
    identity_of: np.ndarray,
    condition_prompts: Mapping[int, str],
) -> list[str]:
    """One text per chooser: own identity and view, the mitigation prompt of its condition
    (when conditions differ between agents), and the available options, numbered from 1."""
    out = []
    for row, i in enumerate(obs.ids.tolist()):
        issue = issues[int(obs["issue"][row])]
        own = "agree" if obs["belief"][row] else "disagree"
        lines = []
        prompt = condition_prompts.get(int(obs["condition"][row]), "")
        if prompt:
            lines.append(prompt)
        lines.append(f"You are a {identities[int(identity_of[i])]}. You {own} that: {issue}")
        lines.append("Who would you most like to talk with about it?")
        for k, other in enumerate(obs["options"][row].tolist()):
            if other < 0:
                break
            lines.append(
                f"{k + 1}. A {identities[int(identity_of[other])]} who "
                f"{_view(bool(belief_of[other]))} that {issue[0].lower()}{issue[1:]}"
            )
        out.append("\n".join(lines))
    return out
