"""The engine loop: schedule -> observe -> decide -> apply -> record.

:class:`Simulation` holds the built parts of one run and advances it one step at a time;
:func:`run_loop` drives it to the end, writing every step to a recorder and checkpointing every
``checkpoint_every`` steps. Nothing here knows about a particular world.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from socium.core.batches import EventBatch
from socium.core.network import Network
from socium.core.population import Population
from socium.core.protocol import Policy, World
from socium.core.rng import RunRNG
from socium.core.schedule import Schedule

__all__ = [
    "Simulation",
    "StepRecord",
    "StepSink",
    "decode_checkpoint",
    "encode_checkpoint",
    "run_loop",
]


@dataclass(slots=True)
class StepRecord:
    """What one step produced: its index, events, scalar metrics and table rows.

    ``tables`` maps a table name to columns of rows produced in the step (posts, LLM calls);
    recorders store them with a ``step`` column in the same transaction as the step.
    """

    step: int
    events: list[EventBatch]
    metrics: dict[str, float]
    tables: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


class StepSink(Protocol):
    """Where steps go (a SQLite recorder, or memory)."""

    wants_checkpoints: bool
    wants_events: bool

    def write_step(self, record: StepRecord, checkpoint: bytes | None) -> None: ...


@dataclass
class Simulation:
    """The built parts of one run.

    Attributes
    ----------
    step : int
        Number of completed steps (0 before the first update).
    converged_step : int or None
        First step after which the world reported convergence.
    """

    rng: RunRNG
    population: Population
    network: Network | None
    world: World
    schedule: Schedule
    policy: Policy
    step: int = 0
    converged_step: int | None = None
    collect_events: bool = True
    meta: dict[str, Any] = field(default_factory=dict)
    #: Interview specs (``question``, ``agents``, ``step``); those with ``step == t`` are asked
    #: right after step ``t`` and answered into the ``interviews`` table.
    interviews: list[Any] = field(default_factory=list)

    def initial_record(self) -> StepRecord:
        """Metrics of the initial state, recorded as step 0."""
        if self.converged_step is None and self.world.converged():
            self.converged_step = 0
        return StepRecord(0, [], self.metrics(), self.drain_tables())

    def metrics(self) -> dict[str, float]:
        """The world's step metrics plus the policy's (LLM calls, fallbacks)."""
        return {**self.world.step_metrics(), **self.policy.step_metrics()}

    def drain_tables(self) -> dict[str, dict[str, np.ndarray]]:
        """Table rows produced by the world and the policy since the last call."""
        tables = dict(self.world.drain_tables())
        for name, rows in self.policy.drain_tables().items():
            if name in tables:
                raise ValueError(f"world and policy both write table {name!r}")
            tables[name] = rows
        return tables

    def advance(self) -> StepRecord:
        """Run one step and return its record."""
        t = self.step + 1
        ids = self.schedule.active(t, self.rng.stream("schedule"))
        self.policy.begin_step(t)
        events: list[EventBatch] = []
        for batch in self.world.batches(ids):
            obs = self.world.observe(batch)
            actions = self.policy.decide(obs)
            out = self.world.apply(actions)
            if self.collect_events:
                events.extend(out if isinstance(out, list) else [out])
        self.world.end_step(t)
        self.step = t
        if self.converged_step is None and self.world.converged():
            self.converged_step = t
        merged = EventBatch.concat(events) if self.collect_events else []
        asked = [spec for spec in self.interviews if spec.step == t]
        answers = self.interview(asked, t) if asked else None
        tables = self.drain_tables()
        if answers is not None:
            tables["interviews"] = answers
        return StepRecord(t, merged, self.metrics(), tables)

    def interview(self, specs: list[Any], step: int) -> dict[str, np.ndarray]:
        """Ask each spec's agents its question; rows ``agent, question, answer``."""
        agents, questions, answers = [], [], []
        for spec in specs:
            ids = np.asarray(spec.agents, dtype=np.int64)
            agents.append(ids)
            questions.extend([spec.question] * len(ids))
            answers.extend(self.policy.interview(ids, spec.question, step))
        return {
            "agent": np.concatenate(agents),
            "question": np.array(questions, dtype=object),
            "answer": np.array(answers, dtype=object),
        }

    # -- checkpoints --------------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """Everything needed to continue exactly: world and policy state, RNG states, counters."""
        return {
            "world": self.world.get_state(),
            "policy": self.policy.get_state(),
            "rng": self.rng.get_state(),
            "step": self.step,
            "converged_step": self.converged_step,
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.world.set_state(state["world"])
        self.policy.set_state(state["policy"])
        self.rng.set_state(state["rng"])
        self.step = int(state["step"])
        cs = state["converged_step"]
        self.converged_step = None if cs is None else int(cs)


def _flatten(prefix: str, value: Any, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    if isinstance(value, Mapping) and value:
        for k, v in value.items():
            _flatten(f"{prefix}/{k}" if prefix else str(k), v, arrays, meta)
    elif isinstance(value, np.ndarray):
        arrays[prefix] = value
    else:
        meta[prefix] = dict(value) if isinstance(value, Mapping) else value


def _unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        parts = key.split("/")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    return out


def encode_checkpoint(state: Mapping[str, Any]) -> bytes:
    """Serialise a nested state dict: arrays go to an ``.npz`` archive, the rest to JSON.

    No pickle is used, so a checkpoint can be read safely and by other tools.
    """
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {}
    _flatten("", state, arrays, meta)
    for key, arr in arrays.items():
        if arr.dtype == object:
            raise TypeError(f"checkpoint array {key!r} has dtype object; use numeric or str arrays")
    buf = io.BytesIO()
    np.savez(buf, __meta__=np.array(json.dumps(meta, default=_json_default)), **arrays)
    return buf.getvalue()


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"cannot store {type(obj).__name__} in a checkpoint")


def decode_checkpoint(blob: bytes) -> dict[str, Any]:
    """Inverse of :func:`encode_checkpoint`."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        flat: dict[str, Any] = {k: data[k] for k in data.files if k != "__meta__"}
        flat.update(json.loads(str(data["__meta__"])))
    return _unflatten(flat)


def run_loop(
    sim: Simulation,
    sink: StepSink,
    *,
    steps: int,
    checkpoint_every: int,
    stop_on_convergence: bool,
    on_step: Callable[[int], None] | None = None,
) -> None:
    """Advance ``sim`` until ``steps`` steps are done (or convergence, when asked).

    Each step is written to ``sink`` in one call (one transaction), together with a checkpoint
    when ``step % checkpoint_every == 0`` or when the run ends, so a crash loses at most the step
    in flight and :func:`socium.resume` continues from the last checkpoint.
    """
    keep = sink.wants_checkpoints
    sim.collect_events = sim.world.collect_events = sink.wants_events
    if sim.step == 0 and not sim.meta.get("initial_written"):
        sink.write_step(sim.initial_record(), encode_checkpoint(sim.get_state()) if keep else None)
        sim.meta["initial_written"] = True
    while sim.step < steps:
        if stop_on_convergence and sim.converged_step is not None:
            break
        record = sim.advance()
        done = sim.step >= steps or (stop_on_convergence and sim.converged_step is not None)
        due = keep and (done or sim.step % checkpoint_every == 0)
        sink.write_step(record, encode_checkpoint(sim.get_state()) if due else None)
        if on_step is not None:
            on_step(sim.step)
