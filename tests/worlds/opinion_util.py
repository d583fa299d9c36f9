"""Helpers for the opinion-world tests: build a world directly and step it like the engine."""

from __future__ import annotations

import numpy as np

from socium.core.network import Network
from socium.core.population import Population
from socium.core.schedule import build_schedule
from socium.worlds.opinion import OpinionConfig, OpinionWorld


def make_world(model, network=None, n=None, seed=0, fields=None, **params):
    cfg = OpinionConfig.model_validate({"model": model, **params})
    size = network.n if network is not None else n
    pop = Population(size, fields or {})
    return OpinionWorld(cfg, pop, network, np.random.default_rng(seed))


class Stepper:
    """Drive a world like ``Simulation.advance``, optionally recording every batch."""

    def __init__(self, world, seed=1):
        self.world = world
        self.schedule = build_schedule(world.default_schedule(), world.population)
        self.sched_rng = np.random.default_rng([seed, 1])
        self.policy_rng = np.random.default_rng([seed, 2])
        self.t = 0

    def step(self, record=None):
        self.t += 1
        ids = self.schedule.active(self.t, self.sched_rng)
        events = []
        for batch in self.world.batches(ids):
            if record is not None:
                record.append(batch)
            obs = self.world.observe(batch)
            actions = self.world.rule_decide(obs, self.policy_rng)
            events.append(self.world.apply(actions))
        self.world.end_step(self.t)
        return events

    def run(self, steps, until_converged=True):
        for _ in range(steps):
            self.step()
            if until_converged and self.world.converged():
                break
        return self.world


def union_of_copies(edges_src, edges_dst, size, copies, directed=False):
    """Disjoint union of ``copies`` copies of a small graph (node ``k*size + v``)."""
    src = np.asarray(edges_src)
    dst = np.asarray(edges_dst)
    off = (np.arange(copies) * size)[:, None]
    return Network.from_edges(
        size * copies, (src + off).ravel(), (dst + off).ravel(), directed=directed
    )


def complete_edges(size):
    iu, ju = np.triu_indices(size, 1)
    return iu, ju
