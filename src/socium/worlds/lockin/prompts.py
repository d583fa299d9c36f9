"""What LLM agents of the lock-in world are told and shown."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from socium.core.batches import ObsBatch

__all__ = ["instructions", "render"]


def instructions(options: Sequence[str]) -> str:
    """The task for an LLM agent (human or AI node)."""
    listed = ", ".join(options)
    return (
        f"You form a belief about which of these options is right: {listed}. Every round you "
        "see your own current belief and the beliefs of the sources you trust, and you state "
        "your updated belief as one probability per option, in the order given, summing to 1."
    )


def _percent(p: np.ndarray, options: Sequence[str]) -> str:
    return ", ".join(f"{o} {100 * v:.0f}%" for o, v in zip(options, p.tolist(), strict=True))


def render(obs: ObsBatch, options: Sequence[str]) -> list[str]:
    """Per agent: its role, its belief and the trust-weighted belief of its sources."""
    out = []
    for row in range(len(obs)):
        ai = bool(obs["is_ai"][row])
        who = "an AI assistant that many people consult" if ai else "a person"
        source = "the people who talk to you" if ai else "the AI assistant (and people you trust)"
        lines = [
            f"Round {int(obs['round'][row])}. You are {who}.",
            f"Your belief: {_percent(obs['belief'][row], options)}.",
        ]
        trusted = obs["trusted_belief"][row]
        if np.isfinite(trusted).all():
            lines.append(f"What {source} believe: {_percent(trusted, options)}.")
        lines.append("State your updated belief (action 'believe').")
        out.append("\n".join(lines))
    return out
