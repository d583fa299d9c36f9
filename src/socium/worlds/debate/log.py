"""The debate's message log: every post, chat line and opinion report, as columns.

The log is append-only and struct-of-arrays. It is part of the world state (checkpoints hold
it as numeric and fixed-width ``str`` arrays, no pickle), and the rows added during a step are
handed to the run database as the ``messages`` table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["COLUMNS", "MessageLog"]

#: Column names and dtypes of the log (and of the ``messages`` table, which adds ``step``).
COLUMNS: dict[str, Any] = {
    "round": np.int64,
    "turn": np.int64,
    "group": np.int64,
    "topic": np.int64,
    "sender": np.int64,
    "recipient": np.int64,
    "kind": np.str_,
    "text": np.str_,
    "stance": np.float64,
    "opinion": np.float64,
}


def _as_column(name: str, values: Any, n: int) -> np.ndarray:
    dtype = COLUMNS[name]
    if dtype is np.str_:
        arr = np.asarray(values if n else [], dtype=np.str_)
    else:
        arr = np.asarray(values, dtype=dtype)
    if arr.ndim == 0:
        arr = np.full(n, arr.item(), dtype=arr.dtype)
    if arr.shape != (n,):
        raise ValueError(f"message column {name!r} has shape {arr.shape}, expected ({n},)")
    return arr


class MessageLog:
    """Append-only columns of the debate's messages.

    Examples
    --------
    >>> log = MessageLog()
    >>> log.append(round=1, turn=0, group=0, topic=0, sender=[0, 1], recipient=-1, kind="post",
    ...            text=["yes", "no"], stance=[5.0, 2.0], opinion=[5.0, 3.0])
    >>> len(log), log.column("text").tolist()
    (2, ['yes', 'no'])
    >>> sorted(log.drain())[:3], len(log.drain()["text"])
    (['group', 'kind', 'opinion'], 0)
    """

    def __init__(self) -> None:
        self._chunks: list[dict[str, np.ndarray]] = []
        self._cache: dict[str, np.ndarray] | None = None
        self._drained = 0

    def __len__(self) -> int:
        return sum(len(c["sender"]) for c in self._chunks)

    def append(self, **columns: Any) -> None:
        """Add rows; scalars are broadcast to the length of ``sender``."""
        n = int(np.size(columns["sender"]))
        if set(columns) != set(COLUMNS):
            raise ValueError(f"message rows need exactly the columns {sorted(COLUMNS)}")
        if n:
            self._chunks.append({k: _as_column(k, columns[k], n) for k in COLUMNS})
            self._cache = None

    def columns(self) -> dict[str, np.ndarray]:
        """All rows, one array per column (cached until the next append)."""
        if self._cache is None:
            if not self._chunks:
                self._cache = {k: _as_column(k, [], 0) for k in COLUMNS}
            else:
                self._cache = {k: np.concatenate([c[k] for c in self._chunks]) for k in COLUMNS}
                self._chunks = [dict(self._cache)]
        return self._cache

    def column(self, name: str) -> np.ndarray:
        """One column of all rows."""
        return self.columns()[name]

    def drain(self) -> dict[str, np.ndarray]:
        """Rows added since the last call (for the ``messages`` table)."""
        cols = self.columns()
        start, self._drained = self._drained, len(cols["sender"])
        return {k: v[start:] for k, v in cols.items()}

    def get_state(self) -> dict[str, Any]:
        """All rows and the drain position."""
        return {**{k: v.copy() for k, v in self.columns().items()}, "drained": self._drained}

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        n = len(np.asarray(state["sender"]))
        self._chunks = [{k: _as_column(k, np.asarray(state[k]), n) for k in COLUMNS}]
        self._cache = None
        self._drained = int(state["drained"])
