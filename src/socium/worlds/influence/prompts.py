"""What LLM agents of the influence world are told and shown (one text per agent; only this
module loops over agents, and only for LLM-driven agents)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socium.core.batches import ObsBatch

if TYPE_CHECKING:
    from socium.worlds.influence.world import InfluenceWorld

__all__ = ["instructions", "render_campaigns", "render_judge", "render_residents"]

_SIDE = ("MISINFORMATION", "CORRECTION")
_GOAL = ("make people believe the claim", "make people reject the claim")


def instructions(claim: str, correction: str) -> str:
    """The influence world's rules for an LLM agent (every role)."""
    return (
        f'A town is discussing the claim: "{claim}" (the facts: "{correction}"). Two campaigns '
        "broadcast one message per round: one spreads the claim, one corrects it. A judge "
        "scores how persuasive each message is (its potency, 0 to 1); sending costs the "
        "campaign resources that grow with the potency, and a campaign cannot spend more than "
        "its budget. Residents read the messages that reach them and talk with a neighbour. "
        "Answer only with the action you are asked for."
    )


def _stance_text(x: float) -> str:
    k = int(np.rint(x * 3))
    return f"{k:+d}" if k else "0"


def _campaign(world: InfluenceWorld, obs: ObsBatch, row: int) -> str:
    side = int(obs["side"][row])
    cfg = world.config
    return "\n".join(
        [
            f"You run the {_SIDE[side]} campaign: {_GOAL[side]}.",
            f"Round {int(obs['round'][row])}. Resources left: {obs['remaining'][row]:.2f} of "
            f"{world.budgets[side]:.2f}.",
            f"A message costs {cfg.message_cost:g} + {cfg.cost_per_potency:g} x potency; if "
            "you cannot afford its potency, it is weakened to what you can pay.",
            f"Residents on your side: {100 * obs['share_own'][row]:.0f}%; on the other side: "
            f"{100 * obs['share_other'][row]:.0f}%.",
            "Write this round's message (action 'broadcast').",
        ]
    )


def _judge(obs: ObsBatch, row: int) -> str:
    mis = str(obs["message_misinformation"][row]) or "(none)"
    cor = str(obs["message_correction"][row]) or "(none)"
    return (
        f"Round {int(obs['round'][row])}. Score how persuasive each message is, from 0 (not at "
        "all) to 1 (extremely), whatever its truth (action 'score').\n"
        f"First message: {mis}\nSecond message: {cor}"
    )


def _resident(world: InfluenceWorld, obs: ObsBatch, row: int) -> str:
    lines = [
        f'The claim: "{world.config.claim}"',
        f"Round {int(obs['round'][row])}. Your view so far: {_stance_text(obs['opinion'][row])} "
        "(-3 surely false ... 0 unsure ... +3 surely true).",
    ]
    seen = [world.messages[c] for c in range(2) if obs["exposed"][row][c] and world.messages[c]]
    lines.extend(f"You read: {m}" for m in seen)
    if not seen:
        lines.append("No campaign message reached you this round.")
    nb = obs["neighbour"][row]
    if not np.isnan(nb):
        lines.append(f"A neighbour you talked with said: {_stance_text(nb)}.")
    lines.append("What do you think now (action 'respond')?")
    return "\n".join(lines)


def render_campaigns(world: InfluenceWorld, obs: ObsBatch) -> list[str]:
    """The campaign agents' observations."""
    return [_campaign(world, obs, r) for r in range(len(obs))]


def render_judge(world: InfluenceWorld, obs: ObsBatch) -> list[str]:
    """The judge's observation (both messages)."""
    return [_judge(obs, r) for r in range(len(obs))]


def render_residents(world: InfluenceWorld, obs: ObsBatch) -> list[str]:
    """The residents' observations (messages received, the neighbour, their own view)."""
    return [_resident(world, obs, r) for r in range(len(obs))]
