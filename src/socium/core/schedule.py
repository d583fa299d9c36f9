"""Who acts in a step: synchronous, random-sequential, or per-agent activity probabilities."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from socium.core.population import Population

__all__ = [
    "ActivitySchedule",
    "ActivitySpec",
    "RandomSequentialSchedule",
    "RandomSequentialSpec",
    "Schedule",
    "ScheduleSpec",
    "SynchronousSchedule",
    "SynchronousSpec",
    "build_schedule",
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SynchronousSpec(_Spec):
    """Every agent acts in every step, all reading the state of the previous step."""

    kind: Literal["synchronous"] = "synchronous"


class RandomSequentialSpec(_Spec):
    """One step is one sweep of N single-agent updates in random order.

    ``replace = false`` visits each agent once per sweep in a random permutation;
    ``replace = true`` draws N agents uniformly with replacement (the Monte Carlo sweep
    of the voter and Ising literature).
    """

    kind: Literal["random_sequential"] = "random_sequential"
    replace: bool = False


class ActivitySpec(_Spec):
    """Each agent acts independently with its own probability per step.

    ``field`` names a population field of per-agent probabilities in [0, 1]; if absent from the
    population, every agent acts with probability ``p``.
    """

    kind: Literal["activity"] = "activity"
    field: str = "activity"
    p: float = Field(0.1, ge=0.0, le=1.0)


ScheduleSpec = Annotated[
    SynchronousSpec | RandomSequentialSpec | ActivitySpec, Field(discriminator="kind")
]


class Schedule(ABC):
    """Produces the ordered ids of the agents that act in step ``t``."""

    @abstractmethod
    def active(self, t: int, rng: np.random.Generator) -> np.ndarray:
        """Ids (int64) of the agents acting at step ``t``, in acting order."""


class SynchronousSchedule(Schedule):
    """All agents, in id order."""

    def __init__(self, n: int):
        self._ids = np.arange(n, dtype=np.int64)

    def active(self, t, rng):
        return self._ids


class RandomSequentialSchedule(Schedule):
    """N updates per step in random order (a permutation, or N draws with replacement)."""

    def __init__(self, n: int, replace: bool = False):
        self.n = n
        self.replace = replace

    def active(self, t, rng):
        if self.replace:
            return rng.integers(0, self.n, self.n, dtype=np.int64)
        return rng.permutation(self.n).astype(np.int64)


class ActivitySchedule(Schedule):
    """Agent ``i`` acts with probability ``prob[i]``, independently; ids in increasing order."""

    def __init__(self, prob: np.ndarray):
        prob = np.asarray(prob, dtype=float)
        if prob.size and (prob.min() < 0 or prob.max() > 1):
            raise ValueError("activity probabilities must lie in [0, 1]")
        self.prob = prob

    def active(self, t, rng):
        return np.flatnonzero(rng.random(self.prob.shape[0]) < self.prob).astype(np.int64)


def build_schedule(
    spec: SynchronousSpec | RandomSequentialSpec | ActivitySpec, population: Population
) -> Schedule:
    """Instantiate the schedule described by ``spec`` for ``population``."""
    n = population.size
    if isinstance(spec, SynchronousSpec):
        return SynchronousSchedule(n)
    if isinstance(spec, RandomSequentialSpec):
        return RandomSequentialSchedule(n, spec.replace)
    if isinstance(spec, ActivitySpec):
        prob = population[spec.field] if spec.field in population else np.full(n, spec.p)
        return ActivitySchedule(prob)
    raise TypeError(f"unknown schedule spec {spec!r}")
