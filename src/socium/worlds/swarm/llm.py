"""The swarm world's LLM interface: SwarmBench agents that read their rendered view.

One action per round, ``act``: a ``move`` (UP, DOWN, LEFT, RIGHT, STAY; SWITCH in
synchronization) and an optional anonymous ``message`` of at most ``message_limit``
characters, as in SwarmBench (Ruan et al. 2025). The system prompt (:func:`instructions`) gives
the board's symbols, the push physics, the message rules and the task; the per-round prompt
(:meth:`SwarmWorld.render`) gives the round, the score, the agent's :math:`k \\times k` view as a
text grid, the messages heard and its last moves. An unusable answer stays put and says nothing
(``fallback_action = "stay"``, SwarmBench's behaviour on a parse failure).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, create_model

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, ObsBatch
from socium.worlds.swarm.grid import MOVE_NAMES, STAY

if TYPE_CHECKING:
    from socium.worlds.swarm.world import SwarmWorld

__all__ = ["Act", "decode_actions", "instructions", "make_menu"]


class Act(ActionSpec):
    """Move one cell (pushing what is in front of you) or stay, and optionally say something."""

    action: Literal["act"] = "act"
    move: Literal["UP", "DOWN", "LEFT", "RIGHT", "STAY", "SWITCH"] = Field(
        description="UP/DOWN/LEFT/RIGHT move one cell, STAY stays; SWITCH flips your light "
        "(synchronization only)"
    )
    message: str = Field(
        "", max_length=120, description="a short note to the robots near you, or empty"
    )
    text_fields = ("message",)


def make_menu(world: SwarmWorld) -> ActionMenu:
    """``act`` with the task's moves (SWITCH only in synchronization) and the message limit."""
    moves = (
        "UP",
        "DOWN",
        "LEFT",
        "RIGHT",
        "STAY",
        *(MOVE_NAMES[m] for m in world.task.extra_moves),
    )
    fields: dict[str, Any] = {
        "action": (Literal["act"], "act"),
        "move": (
            Literal[moves],  # type: ignore[valid-type]
            Field(
                description="UP/DOWN/LEFT/RIGHT move one cell (pushing), STAY stays"
                + ("; SWITCH flips your light" if world.task.extra_moves else "")
            ),
        ),
        "message": (
            str,
            Field(
                "",
                max_length=world.config.message_limit,
                description="a short note to the robots near you, or empty",
            ),
        ),
    }
    spec = create_model("Act", __base__=ActionSpec, __doc__=Act.__doc__, **fields)
    spec.text_fields = ("message",)
    return ActionMenu([spec])


def instructions(world: SwarmWorld) -> str:
    """The agent's situation, the symbols, the physics, the messages and the task."""
    cfg = world.config
    lines = [
        f"You are one of {world.n} robots on a {cfg.height} x {cfg.width} grid. You only see "
        f"the {cfg.view} x {cfg.view} cells around you; you are @ at the centre of your view. "
        "Row 0 of the view is the top: UP moves toward it.",
        "Symbols: . floor, W wall, A robot (a: light off / not carrying food), P prey, B box, "
        "F food, N nest, * outside the map, O movable object.",
        f"Physics: a moving robot pushes with force {cfg.agent_force:g}; what is in front of it "
        f"moves only if the total force pushing it that way is at least its mass (robots "
        f"{cfg.agent_mass:g}, an object of c cells floor(sqrt(c)), the box {cfg.box_mass:g}). "
        "Nothing can be pulled, walls never move, pushes from opposite sides cancel, and two "
        "robots moving into the same cell both stay.",
        f"Messages: you may say up to {cfg.message_limit} characters; robots that see you hear "
        "it next round without knowing who said it.",
        f"Task: {world.task.description}",
        "Each round answer with your move and, if useful, a short message.",
    ]
    return "\n".join(lines)


def decode_actions(
    world: SwarmWorld, obs: ObsBatch, decisions: Sequence[ActionSpec | None]
) -> ActionBatch:
    """``move`` (int64 move codes) and ``message`` (str); ``None`` rows stay and say nothing.

    Raises
    ------
    ValueError
        If there is not one decision per observation.
    """
    if len(decisions) != len(obs):
        raise ValueError(f"{len(decisions)} decisions for {len(obs)} observations")
    code = {name: i for i, name in enumerate(MOVE_NAMES)}
    move = np.array([code.get(getattr(d, "move", ""), STAY) for d in decisions], dtype=np.int64)
    message = np.array([getattr(d, "message", "") or "" for d in decisions], dtype=str)
    if not len(message):
        message = np.zeros(0, dtype="<U1")
    return ActionBatch(obs.ids, {"move": move, "message": message}, obs)
