"""The scenario protocol every world implements, and the policy protocol.

A world owns its state as arrays and exposes five parts (config, state, observe/apply,
metrics, default rules). The engine knows nothing of any particular world: it only calls the
methods below. See ``docs/architecture.md``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population
    from socium.core.schedule import ScheduleSpec

__all__ = ["Policy", "World", "WorldConfig"]


class WorldConfig(BaseModel):
    """Base of every world's config model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class World(ABC):
    """A registered simulation type.

    Subclasses set the class attributes and implement the abstract methods. Methods must be
    vectorized over agents: a batch may hold a million ids.

    Parameters
    ----------
    config : WorldConfig
        The validated ``[world]`` section (without ``name``).
    population : Population
        Agents and their initial fields; the world may add fields with defaults.
    network : Network or None
        Who sees whom. ``None`` only for worlds with ``requires_network = False``.
    rng : numpy.random.Generator
        The world's own random stream.
    """

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    Config: ClassVar[type[WorldConfig]] = WorldConfig
    requires_network: ClassVar[bool] = True
    summary: ClassVar[str] = ""
    #: Final metric names mapped to one-line descriptions (see :meth:`metric_names`).
    metric_descriptions: ClassVar[Mapping[str, str]] = {}
    #: The world's model variants (see :meth:`models`).
    model_names: ClassVar[Sequence[str]] = ()
    #: Set by the engine: whether :meth:`apply` must describe what happened. When False (events
    #: are not recorded), a world may return :meth:`EventBatch.empty` and skip building them.
    collect_events: bool = True

    def __init__(
        self,
        config: WorldConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        self.config = config
        self.population = population
        self.network = network
        self.rng = rng

    # -- the step ---------------------------------------------------------------------------
    @abstractmethod
    def default_schedule(self) -> ScheduleSpec:
        """The schedule the world's model is defined with (synchronous, random-sequential...)."""

    def batches(self, ids: np.ndarray) -> Iterable[Batch]:
        """Split the active agents into batches that can be decided concurrently.

        The default is one batch. Worlds with asynchronous (sequential) semantics split the
        sequence into conflict-free chunks so that the result equals one-at-a-time updates.
        """
        yield Batch(ids)

    @abstractmethod
    def observe(self, batch: Batch) -> ObsBatch:
        """What each agent in ``batch`` sees, as columns."""

    @abstractmethod
    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The world's default rule policy, vectorized over the batch."""

    @abstractmethod
    def apply(self, actions: ActionBatch) -> EventBatch | list[EventBatch]:
        """Apply the actions to the state and return what happened."""

    def end_step(self, step: int) -> None:  # noqa: B027 - optional hook
        """Called once after all batches of a step (e.g. to advance clocks)."""

    # -- metrics ------------------------------------------------------------------------------
    @abstractmethod
    def step_metrics(self) -> dict[str, float]:
        """Cheap scalar metrics recorded every step (O(N) at most)."""

    @abstractmethod
    def final_metrics(self) -> dict[str, Any]:
        """Final metrics: a flat dict of scalars and lists, named as in the world's docs page."""

    def converged(self) -> bool:
        """Whether the state no longer changes (used by ``stop_on_convergence``)."""
        return False

    def records_events_by_default(self) -> bool:
        """Whether events are recorded when ``record.events`` is not set.

        Event-driven models (interactions, activations) record them. Worlds whose every agent
        updates every step (synchronous averaging) return False: their events would be the
        full trajectory, N rows per step, which per-step metrics and the final state already
        summarise; ``record.events = true`` still records them.
        """
        return True

    # -- state --------------------------------------------------------------------------------
    @abstractmethod
    def get_state(self) -> dict[str, Any]:
        """All mutable state, as arrays and scalars (the checkpoint)."""

    @abstractmethod
    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore state saved by :meth:`get_state`."""

    @abstractmethod
    def agent_table(self) -> dict[str, np.ndarray]:
        """Final per-agent state, one array per column (without ``id``)."""

    # -- description and output -----------------------------------------------------------------
    @classmethod
    def actions(cls) -> dict[str, dict[str, Any]]:
        """Action names mapped to their JSON schema (used by LLM policies)."""
        return {}

    @classmethod
    def metric_names(cls) -> dict[str, str]:
        """Final metric names mapped to one-line descriptions."""
        return dict(cls.metric_descriptions)

    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """Small complete configs (at least one per model) used by the conformance suite."""
        return []

    @classmethod
    def models(cls) -> list[str]:
        """The world's model variants."""
        return list(cls.model_names)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Config keys, actions, metrics and models, for ``socium scenarios NAME``."""
        schema = cls.Config.model_json_schema()
        keys = {
            key: {
                "type": _type_text(prop),
                "default": prop.get("default"),
                "description": prop.get("description", ""),
            }
            for key, prop in schema.get("properties", {}).items()
        }
        return {
            "name": cls.name,
            "version": cls.version,
            "summary": cls.summary,
            "models": cls.models(),
            "config": keys,
            "actions": cls.actions(),
            "metrics": cls.metric_names(),
        }

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """World-specific plots written into ``outdir``; returns the files written."""
        return []


def _type_text(prop: dict[str, Any]) -> str:
    """A short human-readable type of a JSON-schema property (``number in [0, 1] | none``)."""
    if "anyOf" in prop:
        parts = [_type_text(p) for p in prop["anyOf"] if p.get("type") != "null"]
        if any(p.get("type") == "null" for p in prop["anyOf"]):
            parts.append("unset")
        return " | ".join(parts)
    if "enum" in prop:
        return " | ".join(str(v) for v in prop["enum"])
    if "const" in prop:
        return repr(prop["const"])
    if "$ref" in prop:
        return "table"
    kind = str(prop.get("type", "any"))
    if kind == "array":
        return f"list of {_type_text(prop.get('items', {}))}"
    low = prop.get("minimum", prop.get("exclusiveMinimum"))
    high = prop.get("maximum", prop.get("exclusiveMaximum"))
    if low is not None or high is not None:
        left = "(" if "exclusiveMinimum" in prop else "["
        right = ")" if "exclusiveMaximum" in prop else "]"
        low_text = "-inf" if low is None else low
        high_text = "inf" if high is None else high
        return f"{kind} in {left}{low_text}, {high_text}{right}"
    return kind


class Policy(ABC):
    """Chooses actions for a batch of observations.

    Parameters
    ----------
    world : World
        The world the policy acts in.
    config : Mapping
        The policy's config section.
    rng : numpy.random.Generator
        The policy's own random stream.
    """

    name: ClassVar[str] = ""

    def __init__(self, world: World, config: Mapping[str, Any], rng: np.random.Generator):
        self.world = world
        self.config = config
        self.rng = rng

    @abstractmethod
    def decide(self, obs: ObsBatch) -> ActionBatch:
        """Actions for every agent in ``obs``."""

    def get_state(self) -> dict[str, Any]:
        """Mutable policy state (memories, caches) for checkpoints."""
        return {}

    def set_state(self, state: Mapping[str, Any]) -> None:  # noqa: B027 - optional hook
        """Restore :meth:`get_state`."""
