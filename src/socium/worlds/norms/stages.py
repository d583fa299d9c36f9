"""The two stages of a round: contributing, then punishing.

Each stage is one object with ``observe``, ``decide`` (the rule) and ``apply``, and the LLM
interface of its decision: ``llm_spec`` (the typed action), ``render`` (the observation as
text) and ``decode`` (validated actions to the action column); the world yields one batch per
stage and hands the batch to the stage it belongs to, so no step dispatches on a name. The
world keeps all state.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from socium.core.actions import ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.worlds.norms import llm
from socium.worlds.norms.game import (
    conditional_contribution,
    punishment_targets,
    valid_punishments,
)

if TYPE_CHECKING:
    from socium.worlds.norms.world import NormsWorld

__all__ = ["ContributionStage", "PunishmentStage", "Stage"]


class Stage(ABC):
    """One decision stage of a round."""

    #: Index of the stage in the round (the ``stage`` observation column).
    index: ClassVar[int]
    #: The action it asks for (a key of :meth:`NormsWorld.actions`).
    action: ClassVar[str]

    @abstractmethod
    def observe(self, world: NormsWorld, batch: Batch) -> ObsBatch:
        """What each acting agent sees in this stage."""

    @abstractmethod
    def decide(self, world: NormsWorld, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The rule agents' decision, vectorized."""

    @abstractmethod
    def apply(self, world: NormsWorld, actions: ActionBatch) -> EventBatch:
        """Write the decisions into the world."""

    @abstractmethod
    def llm_spec(self, world: NormsWorld) -> type[ActionSpec]:
        """The typed action of this stage, constrained to the world's configuration."""

    @abstractmethod
    def render(self, world: NormsWorld, obs: ObsBatch) -> list[str]:
        """The observation of each agent as prompt text."""

    @abstractmethod
    def decode(
        self, world: NormsWorld, decisions: Sequence[ActionSpec | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The action column of validated actions, and a mask of the rows that have one."""


class ContributionStage(Stage):
    """Stage 1: every acting agent chooses a contribution in ``[0, e]``."""

    index = 0
    action = "contribute"

    def observe(self, world: NormsWorld, batch: Batch) -> ObsBatch:
        """Columns ``stage`` (0), ``contribution`` (own, last round), ``others_mean`` (mean
        contribution of the other members of the last group), ``payoff`` (own, last round; NaN
        before the first), ``sanctions_by_level`` (the public sanction table, ``(B, K)``, the
        same row for everyone), ``norm`` (own personal norm, used by punishers) and
        ``punisher``."""
        ids = batch.ids
        table = np.broadcast_to(world.sanctions, (len(ids), world.sanctions.shape[0]))
        cols = {
            "stage": np.zeros(len(ids), np.int64),
            "contribution": world.contribution[ids],
            "others_mean": world.others_mean[ids],
            "payoff": world.payoff[ids],
            "sanctions_by_level": table,
            "norm": world.norm[ids],
            "punisher": world.punisher[ids],
        }
        return ObsBatch(ids, cols, batch)

    def decide(self, world: NormsWorld, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Column ``contribute``: :func:`~socium.worlds.norms.game.conditional_contribution`."""
        cfg = world.config
        new = conditional_contribution(
            np.asarray(obs["contribution"], dtype=np.float64),
            np.asarray(obs["others_mean"], dtype=np.float64),
            world.sanctions,
            endowment=cfg.endowment,
            mpcr=cfg.mpcr,
            fine=cfg.fine,
            slope=cfg.slope,
            alpha=cfg.alpha,
            exploration=cfg.exploration,
            rng=rng,
        )
        return ActionBatch(obs.ids, {"contribute": new}, obs)

    def apply(self, world: NormsWorld, actions: ActionBatch) -> EventBatch:
        """Write the contributions, clipped into ``[0, e]``; no events.

        Raises
        ------
        ValueError
            If a contribution is not finite.
        """
        new = np.asarray(actions["contribute"], dtype=np.float64)
        if not np.isfinite(new).all():
            raise ValueError("action contribute: must be a finite number in [0, endowment]")
        world.contribution[actions.ids] = np.clip(new, 0.0, world.config.endowment)
        return EventBatch.empty()

    def llm_spec(self, world: NormsWorld) -> type[ActionSpec]:
        """``contribute`` with ``amount`` in ``[0, e]``
        (:func:`~socium.worlds.norms.llm.contribute_spec`)."""
        return llm.contribute_spec(world.config)

    def render(self, world: NormsWorld, obs: ObsBatch) -> list[str]:
        """See :func:`~socium.worlds.norms.llm.render_contribution`."""
        return llm.render_contribution(world, obs)

    def decode(
        self, world: NormsWorld, decisions: Sequence[ActionSpec | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The amounts (NaN where no answer); see :func:`~socium.worlds.norms.llm.contributions`."""
        return llm.contributions(decisions)


class PunishmentStage(Stage):
    """Stage 2: every acting agent sees its group's contributions and may punish members."""

    index = 1
    action = "punish"

    def observe(self, world: NormsWorld, batch: Batch) -> ObsBatch:
        """Columns ``stage`` (1), ``contribution`` (own, this round), ``group`` (``(B, g)``
        member ids, the agent included), ``group_contributions`` (``(B, g)``, this round),
        ``norm`` (own personal norm) and ``punisher``."""
        ids = batch.ids
        group = world.members[world.group_of[ids]]
        cols = {
            "stage": np.ones(len(ids), np.int64),
            "contribution": world.contribution[ids],
            "group": group,
            "group_contributions": world.contribution[group],
            "norm": world.norm[ids],
            "punisher": world.punisher[ids],
        }
        return ObsBatch(ids, cols, batch)

    def decide(self, world: NormsWorld, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Column ``punish``: ``(B, g)`` target ids (``-1`` = none), from
        :func:`~socium.worlds.norms.game.punishment_targets`; draws no randomness."""
        targets = punishment_targets(
            np.asarray(obs["group"], dtype=np.int64),
            np.asarray(obs["group_contributions"], dtype=np.float64),
            obs.ids,
            np.asarray(obs["punisher"], dtype=bool),
            np.asarray(obs["norm"], dtype=np.float64),
            world.config.margin * world.config.endowment,
        )
        return ActionBatch(obs.ids, {"punish": targets}, obs)

    def apply(self, world: NormsWorld, actions: ActionBatch) -> EventBatch:
        """Record the round's punishments; ``sanction`` events (public): ``agent`` = punisher,
        ``other`` = target, ``value`` = the target's contribution.

        The ``punish`` column is ``(B, k)`` target ids (any ``k``; ``-1`` pads). Targets outside
        the punisher's group, the punisher itself and repeats are ignored
        (:func:`~socium.worlds.norms.game.valid_punishments`).
        """
        tg = np.asarray(actions["punish"], dtype=np.int64)
        if tg.ndim == 1:
            tg = tg[:, None]
        src = np.repeat(actions.ids, tg.shape[1])
        p, t = valid_punishments(src, tg.ravel(), world.group_of)
        world.add_punishments(p, t)
        if not world.collect_events:
            return EventBatch.empty()
        return EventBatch.make("sanction", p, t, world.contribution[t])

    def llm_spec(self, world: NormsWorld) -> type[ActionSpec]:
        """``punish`` with at most ``g - 1`` target ids
        (:func:`~socium.worlds.norms.llm.punish_spec`)."""
        return llm.punish_spec(world.config, world.n)

    def render(self, world: NormsWorld, obs: ObsBatch) -> list[str]:
        """See :func:`~socium.worlds.norms.llm.render_punishment`."""
        return llm.render_punishment(world, obs)

    def decode(
        self, world: NormsWorld, decisions: Sequence[ActionSpec | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(B, g)`` target ids, ``-1`` pads (the width of the rule decision, so rule and LLM
        rows merge); see :func:`~socium.worlds.norms.llm.punishment_targets_of`."""
        return llm.punishment_targets_of(decisions, world.config.group_size)
