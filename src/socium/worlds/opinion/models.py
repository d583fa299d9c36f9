r"""The opinion models' common interface: :class:`OpinionModel` and :class:`PairModel`.

:class:`~socium.worlds.opinion.world.OpinionWorld` owns the state (opinions, step counters),
the metrics and the checkpoint; everything that differs between models (how a sweep is drawn and
batched, what an agent observes, the update rule, how actions are written back) lives in one
:class:`OpinionModel` object, chosen once when the world is built. The concrete models are in
:mod:`socium.worlds.opinion.models_continuous` and :mod:`socium.worlds.opinion.models_discrete`;
they call the pure kernels of :mod:`~socium.worlds.opinion.continuous`,
:mod:`~socium.worlds.opinion.discrete` and :mod:`~socium.worlds.opinion.sampling`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.schedule import RandomSequentialSpec, ScheduleSpec, SynchronousSpec
from socium.core.sequential import sequential_schedule

if TYPE_CHECKING:
    from socium.core.population import Population
    from socium.worlds.opinion.config import OpinionConfig
    from socium.worlds.opinion.world import OpinionWorld

__all__ = ["OpinionModel", "PairModel"]


class OpinionModel(ABC):
    r"""One opinion model: the model-specific half of the opinion world's step.

    A model object is built once per world, after the initial opinions are drawn, and holds
    only the model's parameters and caches (never state that changes during a run: that lives
    in the world, so the world's checkpoint is complete). The world passes itself to the step
    methods.

    Parameters
    ----------
    world : OpinionWorld
        The world being built; its ``config``, ``population``, ``network``, ``n``,
        ``complete``, ``directed``, ``in_adjacency`` and ``neighborhood`` are set.

    Notes
    -----
    The default :meth:`apply` writes each acting agent's own new opinion (column ``opinion``;
    for discrete models ``-1`` means "keep") and reports ``update`` events for the agents that
    changed, with ``other`` from :meth:`event_partner`.
    """

    #: The ``[world] model`` value.
    name: ClassVar[str]
    #: Integer states (else float opinions).
    discrete: ClassVar[bool]
    #: Random-sequential (one sweep of ``N`` events per step), else synchronous.
    sequential: ClassVar[bool]

    #: Per-agent stubbornness (Friedkin-Johnsen) or ``None`` if the model has none.
    stubbornness: np.ndarray | float | None = None
    #: Per-agent confidence bound (Deffuant, Hegselmann-Krause) or ``None``.
    confidence: np.ndarray | float | None = None
    #: Whether a frozen configuration (consensus, no active link) is absorbing.
    absorbing: bool = True

    def __init__(self, world: OpinionWorld) -> None:
        self.n = world.n

    @classmethod
    @abstractmethod
    def initial_opinions(
        cls, population: Population, config: OpinionConfig, rng: np.random.Generator
    ) -> np.ndarray:
        """Initial opinions from ``population["opinion"]``, or drawn from ``rng``."""

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous models: everyone every step; else ``N`` random draws with replacement."""
        if self.sequential:
            return RandomSequentialSpec(replace=True)
        return SynchronousSpec()

    @abstractmethod
    def batches(self, world: OpinionWorld, ids: np.ndarray) -> Iterator[Batch]:
        """Split the step's ``ids`` (``int64``) into batches that can be applied at once."""

    @abstractmethod
    def observe(self, world: OpinionWorld, batch: Batch) -> ObsBatch:
        """What each acting agent of ``batch`` sees (column ``opinion`` always)."""

    @abstractmethod
    def decide(self, obs: ObsBatch) -> ActionBatch:
        """The update rule, vectorized over the batch; draws no randomness."""

    def event_partner(self, batch: Batch | None) -> np.ndarray | None:
        """Per acting agent, the ``other`` of its ``update`` event (``None``: -1 for all)."""
        return None

    def apply(self, world: OpinionWorld, actions: ActionBatch) -> EventBatch:
        """Write each acting agent's new opinion; events for those that changed."""
        ids = actions.ids
        x = world.x
        new = np.asarray(actions["opinion"])
        if self.discrete:
            new = new.astype(np.int64, copy=False)
            new = np.where(new >= 0, new, x[ids])
        if not world.collect_events:
            x[ids] = new
            return EventBatch.empty()
        old = x[ids]
        x[ids] = new
        ch = np.flatnonzero(new != old)
        other = self.event_partner(actions.obs.batch if actions.obs is not None else None)
        return EventBatch.make("update", ids[ch], None if other is None else other[ch], new[ch])

    def agent_columns(self) -> dict[str, np.ndarray]:
        """Per-agent parameters for the agent table (``stubbornness``, ``confidence``)."""
        out = {}
        if self.stubbornness is not None:
            out["stubbornness"] = np.broadcast_to(self.stubbornness, (self.n,)).astype(np.float64)
        if self.confidence is not None:
            out["confidence"] = np.broadcast_to(self.confidence, (self.n,)).astype(np.float64)
        return out

    @staticmethod
    def needs_batch(actions: ActionBatch, model: str) -> Batch:
        """The batch (partners, groups) the actions were decided on; error if not attached."""
        batch = actions.obs.batch if actions.obs is not None else None
        if batch is None:
            raise ValueError(f"model {model!r} needs the batch (partners) attached to the actions")
        return batch


class PairModel(OpinionModel):
    r"""Random-sequential pair interactions: an agent and one partner per event.

    Each event of the sweep is an acting agent :math:`i` (from the schedule) and a uniformly
    random in-neighbour :math:`j` (:meth:`draw_pairs`); events of agents without
    in-neighbours are dropped (they cannot change anything). The sweep is ordered and cut by
    :meth:`pair_schedule` (default: the event writes :math:`i` and reads :math:`j`), permuted
    once, and every batch is a pair of views with the column ``partner``.

    Notes
    -----
    Used by Deffuant, the voter model and Sznajd. All partner draws come from the world stream
    for the whole sweep, so the result does not depend on how the sweep is batched.
    """

    sequential: ClassVar[bool] = True

    def draw_pairs(self, world: OpinionWorld, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Acting agents and their partners (a random in-neighbour each)."""
        partner = world.neighborhood.sample(ids, 1, world.rng)[:, 0]
        keep = partner >= 0
        return ids[keep], partner[keep]

    def pair_schedule(
        self, world: OpinionWorld, agents: np.ndarray, partner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(order, bounds)`` of :func:`~socium.core.sequential.sequential_schedule`."""
        return sequential_schedule(agents, partner, n_nodes=world.n)

    def batches(self, world: OpinionWorld, ids: np.ndarray) -> Iterator[Batch]:
        """The sweep's pairs, in conflict-free batches with the column ``partner``."""
        agents, partner = self.draw_pairs(world, ids)
        order, bounds = self.pair_schedule(world, agents, partner)
        # permute once per sweep; every batch is then a pair of views
        agents, partner = agents[order], partner[order]
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            yield Batch(agents[a:b], {"partner": partner[a:b]})

    def observe(self, world: OpinionWorld, batch: Batch) -> ObsBatch:
        """Columns ``opinion`` and ``partner_opinion``."""
        x = world.x
        cols = {"opinion": x[batch.ids], "partner_opinion": x[batch.columns["partner"]]}
        return ObsBatch(batch.ids, cols, batch)
