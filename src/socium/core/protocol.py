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

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population
    from socium.core.schedule import ScheduleSpec

__all__ = ["Policy", "PolicyContext", "Table", "World", "WorldConfig"]

#: Rows for a table of the run database: column name -> equal-length array.
Table = dict[str, np.ndarray]


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
    #: Typed actions (see :mod:`socium.core.actions`); LLM policies need them.
    action_specs: ClassVar[Sequence[type[ActionSpec]]] = ()
    #: The action taken when an LLM answer cannot be used (recorded as a fallback).
    fallback_action: ClassVar[str] = "do_nothing"
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

    # -- LLM interface ------------------------------------------------------------------------
    def action_menu(self) -> ActionMenu:
        """The actions agents may take in this configuration (e.g. X or Reddit actions)."""
        if not self.action_specs:
            raise NotImplementedError(f"world {self.name!r} declares no typed actions")
        return ActionMenu(self.action_specs)

    def llm_instructions(self) -> str:
        """The world's rules, as told to an LLM agent (the system prompt's task part)."""
        raise NotImplementedError(f"world {self.name!r} has no LLM instructions")

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """What each agent of ``obs`` sees, as text for a prompt (one string per agent)."""
        raise NotImplementedError(f"world {self.name!r} cannot render observations as text")

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """Turn validated actions (``None`` = :attr:`fallback_action`) into an action batch.

        The batch has the same columns as :meth:`rule_decide` returns, so rule and LLM agents
        can share one batch (mixed populations).
        """
        raise NotImplementedError(f"world {self.name!r} cannot decode typed actions")

    def supports_llm(self) -> bool:
        """Whether LLM policies can drive this world (it overrides the three methods above)."""
        cls = type(self)
        return bool(self.action_specs) and all(
            getattr(cls, m) is not getattr(World, m)
            for m in ("llm_instructions", "render_observations", "decode_actions")
        )

    # -- tables -------------------------------------------------------------------------------
    def drain_tables(self) -> dict[str, Table]:
        """Rows produced since the last call, by table name (written with the step, atomically).

        The engine adds a ``step`` column. Worlds with rich state (posts, messages) use this so
        the run database can be queried with SQL after the run.
        """
        return {}

    def final_tables(self) -> dict[str, Table]:
        """Whole tables describing the final state (replaced in the run database at the end)."""
        return {}

    # -- description and output -----------------------------------------------------------------
    @classmethod
    def actions(cls) -> dict[str, dict[str, Any]]:
        """Action names mapped to their JSON schema (used by LLM policies)."""
        return {spec.action_name(): spec.json_schema() for spec in cls.action_specs}

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


class PolicyContext:
    """What a policy may need beyond its own config: the run's population, named RNG streams,
    the run directory and the shared language model.

    Parameters
    ----------
    population : Population, optional
        The agents (persona attributes select groups and fill prompts).
    stream : callable, optional
        ``stream(name) -> numpy.random.Generator``: a named child stream of the run's seed.
    run_dir : Path, optional
        The run directory (it holds the LLM response cache), or ``None`` in memory.
    llm_config : LLMConfig, optional
        The validated ``[llm]`` section; the model is built on first use and shared.
    """

    def __init__(
        self,
        population: Population | None = None,
        stream: Any = None,
        run_dir: Path | None = None,
        llm_config: Any = None,
    ):
        self.population = population
        self._stream = stream
        self.run_dir = run_dir
        self.llm_config = llm_config
        #: Folder of the config file: relative template paths resolve against it.
        self.base_dir: Path | None = None
        self._model: Any = None

    def stream(self, name: str) -> np.random.Generator:
        """A named child stream of the run's seed."""
        if self._stream is None:
            raise RuntimeError("this policy context has no RNG streams")
        return self._stream(name)

    def language_model(self) -> Any:
        """The run's language model, built on first use (the offline default if unset)."""
        if self._model is None:
            from socium.llm.config import LLMConfig, build_language_model

            config = self.llm_config if self.llm_config is not None else LLMConfig()
            self._model = build_language_model(config, run_dir=self.run_dir, rng=self.stream("llm"))
        return self._model

    @property
    def has_language_model(self) -> bool:
        """Whether the language model has been built (nothing to drain or close otherwise)."""
        return self._model is not None

    def close(self) -> None:
        """Close the language model if one was built."""
        if self._model is not None:
            self._model.close()
            self._model = None


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
    context : PolicyContext, optional
        Population, named streams, run directory and language model.
    """

    name: ClassVar[str] = ""

    def __init__(
        self,
        world: World,
        config: Any,
        rng: np.random.Generator,
        context: PolicyContext | None = None,
    ):
        self.world = world
        self.config = config
        self.rng = rng
        self.context = context if context is not None else PolicyContext()

    @abstractmethod
    def decide(self, obs: ObsBatch) -> ActionBatch:
        """Actions for every agent in ``obs``."""

    def begin_step(self, step: int) -> None:  # noqa: B027 - optional hook
        """Called by the engine before the batches of step ``step`` (1-based) are decided.

        LLM policies use it to label memories and derive request seeds; rule policies ignore it.
        """

    def get_state(self) -> dict[str, Any]:
        """Mutable policy state (memories, caches) for checkpoints."""
        return {}

    def set_state(self, state: Mapping[str, Any]) -> None:  # noqa: B027 - optional hook
        """Restore :meth:`get_state`."""

    def drain_tables(self) -> dict[str, Table]:
        """Rows produced since the last call (LLM calls, messages), like ``World.drain_tables``."""
        return {}

    def step_metrics(self) -> dict[str, float]:
        """Scalar metrics of the policy (calls, fallbacks) recorded with the world's."""
        return {}

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics of the policy (token totals, fallback counts), added to the summary."""
        return {}

    def supports_interviews(self) -> bool:
        """Whether :meth:`interview` can answer (LLM-driven policies)."""
        return False

    def interview(self, ids: np.ndarray, question: str, step: int) -> list[str]:
        """Ask agents ``ids`` a question; one answer per agent (recorded by the engine)."""
        raise NotImplementedError(f"policy {self.name!r} cannot answer interview questions")

    def close(self) -> None:
        """Release resources (clients, threads) when the run ends."""
        self.context.close()
