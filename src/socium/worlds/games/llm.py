"""The games world's LLM interface: LLM players of repeated 2x2 games.

One action, ``play``: the player's ``move`` (one of the game's two move labels, e.g. ``"C"`` /
``"D"`` for dilemmas, ``"A"`` / ``"B"`` for the Battle of the Sexes). With
``[world] social_cot = true`` ("social chain-of-thought", Akata et al. 2023) the action also
carries a required ``prediction`` of the other player's move, placed *before* the move in the
schema, so a constrained decoder predicts first and chooses second; predictions are scored as
the final metric ``prediction_accuracy``.

The prompt gives the payoff matrix (both roles for asymmetric games) in the instructions and,
per match, the opponent, the round, the last two rounds of both players, whether the other has
played the second move, and the points so far. An unusable answer falls back to the agent's
own rule strategy (``fallback_action = "strategy"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, create_model

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, ObsBatch

if TYPE_CHECKING:
    from socium.worlds.games.world import GamesWorld

__all__ = [
    "Play",
    "archetype_actions",
    "archetype_features",
    "decode_actions",
    "instructions",
    "make_menu",
    "render_observations",
]


class Play(ActionSpec):
    """Play your move this round."""

    action: Literal["play"] = "play"
    move: Literal["C", "D"] = Field(description="your move this round")
    prediction: Literal["C", "D"] | None = Field(
        None, description="optional: the move you expect the other player to make"
    )


def make_menu(world: GamesWorld) -> ActionMenu:
    """``play`` with the game's move labels; with ``social_cot`` a required ``prediction``
    comes first."""
    labels = tuple(world.game.labels)
    move_type: Any = Literal[labels]  # type: ignore[valid-type]
    fields: dict[str, Any] = {"action": (Literal["play"], "play")}
    if world.config.social_cot:
        fields["prediction"] = (
            move_type,
            Field(description="first: the move you expect the other player to make"),
        )
    fields["move"] = (move_type, Field(description="then: your move this round"))
    spec = create_model("Play", __base__=ActionSpec, __doc__=Play.__doc__, **fields)
    return ActionMenu([spec])


def _matrix_lines(world: GamesWorld, role: int) -> list[str]:
    pay = world.game.payoffs
    a, b = world.game.labels
    lines = []
    for i, mine in enumerate((a, b)):
        for j, theirs in enumerate((a, b)):
            lines.append(
                f"- you {mine}, they {theirs}: you get {pay[role, i, j]:g}, "
                f"they get {pay[1 - role, j, i]:g}"
            )
    return lines


def instructions(world: GamesWorld) -> str:
    """The game, its payoffs (both roles when they differ), the match length and the answer."""
    a, b = world.game.labels
    cfg = world.config
    parts = [
        f"You are playing a repeated two-player game ({world.game.name.replace('_', ' ')}) "
        "against other people, one match at a time. In each round both players choose a move "
        f'at the same time: "{a}" or "{b}". Points per round:'
    ]
    if world.game.symmetric:
        parts.extend(_matrix_lines(world, 0))
    else:
        for role in (0, 1):
            parts.append(f"If you are player {role + 1}:")
            parts.extend(_matrix_lines(world, role))
    if cfg.continuation_probability is not None:
        parts.append(
            f"After each round the match continues with probability "
            f"{cfg.continuation_probability:g}."
        )
    else:
        parts.append(f"Each match lasts {cfg.match_turns} rounds.")
    parts.append("Earn as many points as you can.")
    if cfg.social_cot:
        parts.append(
            'First predict the move the other player will make ("prediction"), then choose '
            'your own move ("move").'
        )
    return "\n".join(parts)


def render_observations(world: GamesWorld, obs: ObsBatch) -> list[str]:
    """Per match side: opponent, role, round, the last two rounds of both players, whether the
    other has played the second move, and the points so far."""
    labels = world.game.labels
    c = {k: np.asarray(v) for k, v in obs.columns.items()}
    out = []
    for i in range(len(obs)):
        rnd = int(c["round"][i])
        lines = [
            f"Match against agent {int(c['opponent'][i])} (you are player "
            f"{int(c['role'][i]) + 1}), round {rnd + 1}."
        ]
        if rnd == 0:
            lines.append("This is the first round.")
        else:
            lines.append(
                f"Last round: you played {labels[c['my_last'][i]]}, they played "
                f"{labels[c['other_last'][i]]}; you got {c['my_last_payoff'][i]:g} points."
            )
            if rnd >= 2:
                lines.append(
                    f"The round before: you played {labels[c['my_prev'][i]]}, they played "
                    f"{labels[c['other_prev'][i]]}."
                )
            if c["other_defected"][i]:
                lines.append(f'They have played "{labels[1]}" in this match before.')
        lines.append(f"Your points in this match so far: {c['my_score'][i]:g}.")
        out.append("\n".join(lines))
    return out


def _codes(values: Sequence[str | None], labels: tuple[str, str]) -> np.ndarray:
    lookup = {labels[0]: 0, labels[1]: 1}
    return np.array([lookup.get(v, -1) if v is not None else -1 for v in values], np.int8)


def _columns(world: GamesWorld, move: np.ndarray, prediction: np.ndarray | None) -> dict:
    cols = {"move": move.astype(np.int8)}
    if world.config.social_cot:
        cols["prediction"] = (
            np.full(move.shape[0], -1, np.int8) if prediction is None else prediction
        )
    return cols


def decode_actions(
    world: GamesWorld, obs: ObsBatch, decisions: Sequence[ActionSpec | None]
) -> ActionBatch:
    """``move`` (int8, 0/1) and, with ``social_cot``, ``prediction`` (-1 = none); ``None``
    rows play their rule strategy's move (the world stream draws for stochastic ones)."""
    if len(decisions) != len(obs):
        raise ValueError(f"{len(decisions)} decisions for {len(obs)} observations")
    labels = world.game.labels
    move = _codes([getattr(d, "move", None) for d in decisions], labels)
    pred = _codes([getattr(d, "prediction", None) for d in decisions], labels)
    missing = np.flatnonzero(move < 0)
    if missing.size:
        rule = world.rule_decide(obs.take(missing), world.rng)
        move[missing] = np.asarray(rule["move"], dtype=np.int8)
    return ActionBatch(obs.ids, _columns(world, move, pred), obs)


def archetype_features(world: GamesWorld, obs: ObsBatch) -> dict[str, np.ndarray]:
    """``first_round``, ``my_last``, ``other_last`` and ``other_defected``."""
    return {
        "first_round": (np.asarray(obs["round"]) == 0).astype(np.int8),
        "my_last": np.asarray(obs["my_last"]),
        "other_last": np.asarray(obs["other_last"]),
        "other_defected": np.asarray(obs["other_defected"]).astype(np.int8),
    }


def archetype_actions(world: GamesWorld, obs: ObsBatch, choices: np.ndarray) -> ActionBatch:
    """Sampled move labels as the ``move`` column (no predictions)."""
    move = (np.asarray(choices).astype(str) == world.game.labels[1]).astype(np.int8)
    return ActionBatch(obs.ids, _columns(world, move, None), obs)
