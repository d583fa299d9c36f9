"""The stages of an influence round: the campaigns broadcast, the judge scores (when a judge
agent is set), the population responds.

Each stage has ``observe``, ``decide`` (the rule agents), ``decode`` (typed LLM actions into
the same columns) and ``apply``; the world keeps all state and yields one batch per stage.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from socium.core.actions import ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.worlds.influence import prompts
from socium.worlds.influence.actions import Broadcast, Respond, Score
from socium.worlds.influence.campaigns import planned_potency
from socium.worlds.influence.dynamics import update_opinions
from socium.worlds.influence.judge import rule_potency

if TYPE_CHECKING:
    from socium.worlds.influence.world import InfluenceWorld

__all__ = ["CampaignStage", "JudgeStage", "PopulationStage", "Stage"]

#: Scale of the ``respond`` action: stance k in -3..3 is the opinion k / 3.
STANCE_SCALE = 3.0


def _check(obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> None:
    if len(decisions) != len(obs):
        raise ValueError(f"{len(decisions)} decisions for {len(obs)} agents")


class Stage(ABC):
    """One decision stage of a round."""

    #: The ``stage`` observation column.
    code: ClassVar[int]
    #: The action this stage asks for (the LLM menu holds all three).
    spec: ClassVar[type[ActionSpec]]

    @abstractmethod
    def observe(self, world: InfluenceWorld, batch: Batch) -> ObsBatch:
        """What each acting agent sees."""

    @abstractmethod
    def decide(self, world: InfluenceWorld, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The rule agents' decision, vectorized."""

    @abstractmethod
    def decode(
        self, world: InfluenceWorld, obs: ObsBatch, decisions: Sequence[ActionSpec | None]
    ) -> ActionBatch:
        """Typed actions (``None`` = fallback) as the rule columns."""

    @abstractmethod
    def apply(self, world: InfluenceWorld, actions: ActionBatch) -> EventBatch:
        """Write the decisions into the world."""

    @abstractmethod
    def render(self, world: InfluenceWorld, obs: ObsBatch) -> list[str]:
        """The observations as text for LLM agents."""


class CampaignStage(Stage):
    """The two campaign agents write this round's message."""

    code = 0
    spec = Broadcast

    def observe(self, world, batch):
        """Columns ``stage`` (0), ``round``, ``side`` (0 misinformation, 1 correction),
        ``remaining`` (resources left), ``spent``, ``share_own`` and ``share_other`` (shares
        of the population aligned with each side)."""
        ids = batch.ids
        side = world.side_of(ids)
        shares = world.shares()[:2]
        cols = {
            "stage": np.full(len(ids), self.code, np.int64),
            "round": np.full(len(ids), world.round, np.int64),
            "side": side,
            "remaining": world.remaining()[side],
            "spent": world.spent[side],
            "share_own": shares[side],
            "share_other": shares[1 - side],
        }
        return ObsBatch(ids, cols, batch)

    def decide(self, world, obs, rng):
        """Column ``message``: the tier nearest to the planned potency
        (:func:`~socium.worlds.influence.campaigns.planned_potency`); draws nothing."""
        cfg = world.config
        lead = None
        if cfg.strategy == "adaptive":
            lead = np.asarray(obs["share_own"]) - np.asarray(obs["share_other"])
        target = planned_potency(
            np.asarray(obs["remaining"], dtype=np.float64),
            world.round,
            cfg.horizon,
            cfg.cost_per_potency,
            cfg.message_cost,
            lead,
            cfg.gain,
        )
        message = np.array(world.tiers.nearest(np.asarray(obs["side"]), target), dtype=np.str_)
        return ActionBatch(obs.ids, {"message": message}, obs)

    def decode(self, world, obs, decisions):
        """Column ``message``; anything but a ``broadcast`` (or a fallback) sends nothing."""
        _check(obs, decisions)
        cut = world.max_message_chars
        text = [d.message[:cut] if isinstance(d, Broadcast) else "" for d in decisions]
        return ActionBatch(obs.ids, {"message": np.array(text, dtype=np.str_)}, obs)

    def apply(self, world, actions):
        """Store the messages (an empty message is not sent); no events."""
        world.set_messages(world.side_of(actions.ids), np.asarray(actions["message"], np.str_))
        return EventBatch.empty()

    def render(self, world, obs):
        """See :func:`~socium.worlds.influence.prompts.render_campaigns`."""
        return prompts.render_campaigns(world, obs)


class JudgeStage(Stage):
    """The judge agent scores both messages (only when ``judge_agent`` is set)."""

    code = 1
    spec = Score

    def observe(self, world, batch):
        """Columns ``stage`` (1), ``round``, ``message_misinformation`` and
        ``message_correction`` (this round's texts; empty = not sent)."""
        ids = batch.ids
        n = len(ids)
        cols = {
            "stage": np.full(n, self.code, np.int64),
            "round": np.full(n, world.round, np.int64),
            "message_misinformation": np.array([world.messages[0]] * n, dtype=np.str_),
            "message_correction": np.array([world.messages[1]] * n, dtype=np.str_),
        }
        return ObsBatch(ids, cols, batch)

    def decide(self, world, obs, rng):
        """Columns ``potency_misinformation`` and ``potency_correction``: the rule judge
        (:func:`~socium.worlds.influence.judge.rule_potency`)."""
        mis = rule_potency(np.asarray(obs["message_misinformation"]).tolist())
        cor = rule_potency(np.asarray(obs["message_correction"]).tolist())
        return ActionBatch(obs.ids, {"potency_misinformation": mis, "potency_correction": cor}, obs)

    def decode(self, world, obs, decisions):
        """The two scores of a ``score`` action; otherwise NaN (the rule judge decides)."""
        _check(obs, decisions)
        mis = [d.misinformation if isinstance(d, Score) else np.nan for d in decisions]
        cor = [d.correction if isinstance(d, Score) else np.nan for d in decisions]
        return ActionBatch(
            obs.ids,
            {"potency_misinformation": np.array(mis), "potency_correction": np.array(cor)},
            obs,
        )

    def apply(self, world, actions):
        """Set this round's judged potencies (NaN scores are left to the rule judge)."""
        mis = np.asarray(actions["potency_misinformation"], dtype=np.float64)
        cor = np.asarray(actions["potency_correction"], dtype=np.float64)
        if len(mis):
            world.set_potency(np.array([mis[-1], cor[-1]]))
        return EventBatch.empty()

    def render(self, world, obs):
        """See :func:`~socium.worlds.influence.prompts.render_judge`."""
        return prompts.render_judge(world, obs)


class PopulationStage(Stage):
    """Every acting individual updates its opinion from what it received and a neighbour."""

    code = 2
    spec = Respond

    def observe(self, world, batch):
        """Columns ``stage`` (2), ``round``, ``opinion``, ``exposed`` (``(B, 2)`` bool:
        received the misinformation / correction message), ``potency`` (``(B, 2)``
        effective potencies) and ``neighbour`` (opinion of the neighbour talked to; NaN: no
        talk)."""
        ids = batch.ids
        n = len(ids)
        cols = {
            "stage": np.full(n, self.code, np.int64),
            "round": np.full(n, world.round, np.int64),
            "opinion": world.x[ids],
            "exposed": world.exposed[ids],
            "potency": np.broadcast_to(world.effective, (n, 2)),
            "neighbour": world.neighbour_opinion[ids],
        }
        return ObsBatch(ids, cols, batch)

    def decide(self, world, obs, rng):
        """Column ``opinion``: :func:`~socium.worlds.influence.dynamics.update_opinions`."""
        cfg = world.config
        new = update_opinions(
            np.asarray(obs["opinion"], dtype=np.float64),
            np.asarray(obs["exposed"], dtype=bool),
            world.effective,
            np.asarray(obs["neighbour"], dtype=np.float64),
            message_epsilon=cfg.message_epsilon,
            message_mu=cfg.message_mu,
            epsilon=cfg.epsilon,
            mu=cfg.mu,
            beta=cfg.confirmation_bias,
        )
        return ActionBatch(obs.ids, {"opinion": new}, obs)

    def decode(self, world, obs, decisions):
        """Column ``opinion`` = stance / 3 of a ``respond`` action; otherwise unchanged."""
        _check(obs, decisions)
        x = np.array(
            [
                d.stance / STANCE_SCALE if isinstance(d, Respond) else v
                for d, v in zip(decisions, obs["opinion"], strict=True)
            ],
            dtype=np.float64,
        )
        return ActionBatch(obs.ids, {"opinion": x}, obs)

    def apply(self, world, actions):
        """Write the opinions (clipped into [-1, 1]); ``respond`` events carry the new
        opinion when it changed."""
        return world.set_opinions(actions.ids, np.asarray(actions["opinion"], np.float64))

    def render(self, world, obs):
        """See :func:`~socium.worlds.influence.prompts.render_residents`."""
        return prompts.render_residents(world, obs)
