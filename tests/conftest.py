"""Shared fixtures: a tiny random-walk world registered for engine tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import Field

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World, WorldConfig
from socium.core.registry import WORLDS
from socium.core.schedule import ActivitySpec


class WalkConfig(WorldConfig):
    """Config of the test world."""

    sigma: float = Field(1.0, gt=0)
    stop_at: float = Field(1e9, gt=0)


class RandomWalkWorld(World):
    """Each active agent takes a Gaussian step toward/away from a random neighbour's value."""

    name = "test_walk"
    Config = WalkConfig
    requires_network = False
    summary = "test world"

    def __init__(self, config, population, network, rng):
        super().__init__(config, population, network, rng)
        if "x" not in population:
            population["x"] = rng.normal(size=population.size)
        self.x = np.asarray(population["x"], dtype=float).copy()
        self.steps_done = 0

    def default_schedule(self):
        return ActivitySpec(p=0.5)

    def batches(self, ids):
        half = len(ids) // 2
        yield Batch(ids[:half], {"noise": self.rng.normal(size=half)})
        yield Batch(ids[half:], {"noise": self.rng.normal(size=len(ids) - half)})

    def observe(self, batch):
        return ObsBatch(batch.ids, {"x": self.x[batch.ids], "noise": batch.columns["noise"]}, batch)

    def rule_decide(self, obs, rng):
        step = self.config.sigma * obs["noise"] + 0.01 * rng.normal(size=len(obs))
        return ActionBatch(obs.ids, {"x": obs["x"] + step}, obs)

    def apply(self, actions):
        self.x[actions.ids] = actions["x"]
        return EventBatch.make("move", actions.ids, value=actions["x"])

    def end_step(self, step):
        self.steps_done = step

    def converged(self):
        return bool(np.abs(self.x).max() > self.config.stop_at)

    def step_metrics(self):
        return {"mean": float(self.x.mean()), "spread": float(self.x.std())}

    def final_metrics(self) -> dict[str, Any]:
        return {"mean": float(self.x.mean()), "max": float(self.x.max())}

    def get_state(self):
        return {"x": self.x.copy(), "steps_done": self.steps_done}

    def set_state(self, state):
        self.x = np.array(state["x"], dtype=float)
        self.steps_done = int(state["steps_done"])

    def agent_table(self):
        return {"x": self.x.copy()}


@pytest.fixture
def walk_world():
    """Register the test world for the duration of a test."""
    if "test_walk" in WORLDS:
        WORLDS.unregister("test_walk")
    WORLDS.register("test_walk", RandomWalkWorld)
    yield RandomWalkWorld
    WORLDS.unregister("test_walk")


@pytest.fixture
def walk_config():
    """A small config of the test world."""
    return {
        "run": {"seed": 3, "steps": 12, "checkpoint_every": 4},
        "population": {"size": 50},
        "world": {"name": "test_walk", "sigma": 0.5},
    }
