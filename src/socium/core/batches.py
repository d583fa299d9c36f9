"""Columnar batches that flow through one engine step.

``schedule -> ids -> world.batches -> Batch -> world.observe -> ObsBatch -> policy.decide ->
ActionBatch -> world.apply -> EventBatch``. Every batch is struct-of-arrays: one array per column,
aligned with ``ids``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ActionBatch", "Batch", "EventBatch", "ObsBatch"]


def _check_columns(ids: np.ndarray, columns: Mapping[str, np.ndarray], what: str) -> None:
    n = ids.shape[0]
    for name, col in columns.items():
        if col.shape[0] != n:
            raise ValueError(f"{what} column {name!r} has {len(col)} rows, expected {len(ids)}")


@dataclass(frozen=True, slots=True)
class Batch:
    """A group of agents that act together, with world-specific columns (e.g. sampled partners).

    Within one batch the world guarantees that applying all actions at once gives the same result
    as applying them in the batch's order (no agent's update reads or writes what an earlier one
    in the batch wrote), so policies can decide for the whole batch concurrently.
    """

    ids: np.ndarray
    columns: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_columns(self.ids, self.columns, "batch")

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True)
class ObsBatch:
    """What each agent of a batch observes, one array per column, aligned with ``ids``."""

    ids: np.ndarray
    columns: Mapping[str, np.ndarray] = field(default_factory=dict)
    batch: Batch | None = None

    def __post_init__(self) -> None:
        _check_columns(self.ids, self.columns, "observation")

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def take(self, rows: np.ndarray) -> ObsBatch:
        """The sub-batch of the given row positions (an index array or a boolean mask)."""
        batch = None
        if self.batch is not None:
            batch = Batch(self.batch.ids[rows], {k: v[rows] for k, v in self.batch.columns.items()})
        return ObsBatch(self.ids[rows], {k: v[rows] for k, v in self.columns.items()}, batch)


@dataclass(frozen=True, slots=True)
class ActionBatch:
    """The actions chosen for the agents of a batch, aligned with ``ids``.

    ``source`` records who decided each action: ``"rules"``, ``"llm"`` or ``"fallback"``; rule
    policies leave it ``None`` (meaning all rules).
    """

    ids: np.ndarray
    columns: Mapping[str, np.ndarray] = field(default_factory=dict)
    obs: ObsBatch | None = None
    source: np.ndarray | None = None

    def __post_init__(self) -> None:
        _check_columns(self.ids, self.columns, "action")

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def sources(self) -> np.ndarray:
        """Who decided each action (``"rules"`` where :attr:`source` is unset)."""
        if self.source is None:
            return np.full(len(self.ids), "rules", dtype="<U8")
        return np.asarray(self.source)

    @staticmethod
    def merge(parts: Sequence[tuple[np.ndarray, ActionBatch]], obs: ObsBatch) -> ActionBatch:
        """Reassemble the actions of sub-batches into the row order of ``obs``.

        Parameters
        ----------
        parts : sequence of (rows, ActionBatch)
            Row positions in ``obs`` (covering every row exactly once) and the actions decided
            for them. Every part must have the same columns.
        obs : ObsBatch
            The observation batch the parts were taken from.
        """
        n = len(obs)
        parts = [(np.asarray(rows), acts) for rows, acts in parts if len(acts)]
        if not parts:
            return ActionBatch(obs.ids[:0], {}, obs)
        names = set(parts[0][1].columns)
        for _, acts in parts[1:]:
            if set(acts.columns) != names:
                raise ValueError(
                    f"policies returned different action columns: {sorted(names)} vs "
                    f"{sorted(acts.columns)}"
                )
        order = np.concatenate([rows for rows, _ in parts])
        if len(order) != n or len(np.unique(order)) != n:
            raise ValueError("merged action parts must cover every observation row exactly once")
        inverse = np.empty(n, np.int64)
        inverse[order] = np.arange(n)
        columns = {
            k: np.concatenate([acts.columns[k] for _, acts in parts])[inverse] for k in names
        }
        source = np.concatenate([acts.sources() for _, acts in parts])[inverse]
        return ActionBatch(obs.ids, columns, obs, source)


@dataclass(frozen=True, slots=True)
class EventBatch:
    """What happened in a step, as columns ``agent``, ``other`` (-1 if none) and ``value``.

    ``kind`` names the event type (``"update"``, ``"activate"``, ...). Worlds with richer events
    (posts, messages) keep those in their own tables and emit summary events here.
    """

    kind: str
    agent: np.ndarray
    other: np.ndarray
    value: np.ndarray

    @classmethod
    def make(
        cls,
        kind: str,
        agent: np.ndarray,
        other: np.ndarray | None = None,
        value: np.ndarray | None = None,
    ) -> EventBatch:
        """Build an event batch, filling ``other`` with -1 and ``value`` with NaN when absent."""
        agent = np.asarray(agent, dtype=np.int64)
        n = len(agent)
        other = np.full(n, -1, np.int64) if other is None else np.asarray(other, dtype=np.int64)
        value = np.full(n, np.nan) if value is None else np.asarray(value, dtype=np.float64)
        if len(other) != n or len(value) != n:
            raise ValueError("event columns agent, other and value must have equal length")
        return cls(kind, agent, other, value)

    @classmethod
    def empty(cls, kind: str = "none") -> EventBatch:
        """An event batch with no rows."""
        return _EMPTY if kind == "none" else cls.make(kind, np.empty(0, np.int64))

    def __len__(self) -> int:
        return len(self.agent)

    @staticmethod
    def concat(batches: Sequence[EventBatch]) -> list[EventBatch]:
        """Merge consecutive batches of the same kind (keeps order; linear time)."""
        runs: list[list[EventBatch]] = []
        for b in batches:
            if not len(b):
                continue
            if runs and runs[-1][0].kind == b.kind:
                runs[-1].append(b)
            else:
                runs.append([b])
        return [
            run[0]
            if len(run) == 1
            else EventBatch(
                run[0].kind,
                np.concatenate([b.agent for b in run]),
                np.concatenate([b.other for b in run]),
                np.concatenate([b.value for b in run]),
            )
            for run in runs
        ]


_EMPTY = EventBatch("none", np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
