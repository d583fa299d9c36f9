"""Conformance and determinism checks that every registered world must pass.

Shipped with the package (as PettingZoo does) so that authors of third-party worlds can run the
same checks: ``check_world(config)`` and ``check_determinism(config)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from socium.core.batches import EventBatch
from socium.core.engine import decode_checkpoint, encode_checkpoint
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation

__all__ = ["check_determinism", "check_world", "event_bytes", "run_steps"]


def run_steps(config: Mapping[str, Any], steps: int, seed: int = 0):
    """Build a simulation from ``config`` and advance it ``steps`` steps; return (sim, records)."""
    cfg = load_config(config, {"run.seed": seed, "run.steps": steps})
    sim = build_simulation(cfg)
    records = [sim.initial_record()]
    for _ in range(steps):
        records.append(sim.advance())
    return sim, records


def event_bytes(records) -> bytes:
    """All events of ``records`` serialised to bytes (for byte-identity comparisons)."""
    chunks = []
    for rec in records:
        for ev in rec.events:
            chunks.append(f"{rec.step}:{ev.kind}:".encode())
            chunks.extend((ev.agent.tobytes(), ev.other.tobytes(), ev.value.tobytes()))
    return b"".join(chunks)


def _assert_state_equal(a: Any, b: Any, path: str = "state") -> None:
    if isinstance(a, Mapping):
        assert isinstance(b, Mapping) and set(a) == set(b), f"{path}: keys differ"
        for k in a:
            _assert_state_equal(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), f"{path}: array became {type(b).__name__}"
        assert a.dtype == b.dtype and a.shape == b.shape, f"{path}: dtype/shape differ"
        assert a.tobytes() == b.tobytes(), f"{path}: values differ"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def check_world(config: Mapping[str, Any], steps: int = 6, seed: int = 0) -> None:
    """Check that a world honours the scenario protocol.

    Checks: step metrics are finite-or-NaN floats with stable names; events are well-formed;
    final metrics are a flat JSON-serialisable dict; the agent table has one row per agent; the
    checkpoint round-trips through :func:`encode_checkpoint` and continuing from it reproduces the
    uninterrupted run bit for bit; ``describe()`` is JSON-serialisable.
    """
    sim, records = run_steps(config, steps, seed)
    world = sim.world
    names = set(records[0].metrics)
    assert names, "step_metrics() returned no metrics"
    for rec in records:
        assert set(rec.metrics) == names, f"step {rec.step}: metric names changed"
        for k, v in rec.metrics.items():
            assert isinstance(v, (float, int, np.floating, np.integer)), f"metric {k} is {type(v)}"
        for ev in rec.events:
            assert isinstance(ev, EventBatch)
            assert ev.agent.dtype == np.int64 and ev.other.dtype == np.int64
            assert ev.value.dtype == np.float64
            n = sim.population.size
            assert ((ev.agent >= 0) & (ev.agent < n)).all(), "event agent id out of range"
            assert ((ev.other >= -1) & (ev.other < n)).all(), "event other id out of range"
    final = world.final_metrics()
    json.dumps(final, default=lambda o: o.item() if isinstance(o, np.generic) else o.tolist())
    for k, v in final.items():
        assert not isinstance(v, dict), f"final metric {k} is nested; final must be flat"
    table = world.agent_table()
    for k, col in table.items():
        assert len(col) == sim.population.size, f"agent column {k} has wrong length"
        assert k != "id", "agent_table must not include id (the runner adds it)"
    json.dumps(type(world).describe(), default=str)

    # checkpoint round trip: stop half-way, restore into a fresh simulation, continue
    half = steps // 2
    sim_a, _rec_a = run_steps(config, half, seed)
    blob = encode_checkpoint(sim_a.get_state())
    cfg = load_config(config, {"run.seed": seed, "run.steps": steps})
    sim_b = build_simulation(cfg)
    sim_b.set_state(decode_checkpoint(blob))
    _assert_state_equal(sim_a.get_state(), sim_b.get_state())
    cont = [sim_b.advance() for _ in range(steps - half)]
    full = records[half + 1 :]
    assert event_bytes(cont) == event_bytes(full), "resumed events differ from uninterrupted run"
    for r1, r2 in zip(cont, full, strict=True):
        assert json.dumps(r1.metrics) == json.dumps(r2.metrics), f"metrics differ at {r1.step}"
    _assert_state_equal(sim_b.get_state(), sim.get_state())


def check_determinism(config: Mapping[str, Any], steps: int = 6, seed: int = 0) -> None:
    """Same seed -> byte-identical events, metrics and state."""
    sim1, rec1 = run_steps(config, steps, seed)
    sim2, rec2 = run_steps(config, steps, seed)
    assert event_bytes(rec1) == event_bytes(rec2), "same seed gave different events"
    assert [r.metrics for r in rec1] == [r.metrics for r in rec2] or all(
        json.dumps(a.metrics) == json.dumps(b.metrics) for a, b in zip(rec1, rec2, strict=True)
    ), "same seed gave different metrics"
    _assert_state_equal(sim1.get_state(), sim2.get_state())
