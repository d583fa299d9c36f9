"""Recorders: where each step's metrics, events and checkpoints go.

:class:`SQLiteRecorder` writes the run database ``run.sqlite`` (WAL mode), one transaction per
step. Tables (queryable with SQL or DuckDB after the run):

``run_info(key TEXT PRIMARY KEY, value TEXT)``
    seed, world, version, resolved config (JSON).
``metrics(step INTEGER, name TEXT, value REAL, PRIMARY KEY (step, name))``
    per-step scalar metrics, long format.
``events(step INTEGER, seq INTEGER, kind TEXT, agent INTEGER, other INTEGER, value REAL)``
    what happened; ``other`` is -1 and ``value`` NULL when not applicable.
``checkpoints(step INTEGER PRIMARY KEY, state BLOB)``
    engine state every ``checkpoint_every`` steps
    (see :func:`socium.core.engine.encode_checkpoint`).
world and policy tables
    rows a world or policy produces per step (``posts``, ``actions``, ``llm_calls`` ...), with a
    ``step`` column, written in the step's transaction; and whole final-state tables
    (``follows`` ...) written when the run ends. Their columns are the world's docs page's.

:class:`MemoryRecorder` keeps the metrics (and optionally the events) in memory, for runs with
``out=None``.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Mapping
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from socium.core.engine import StepRecord

__all__ = ["MemoryRecorder", "SQLiteRecorder", "metrics_frame"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS run_info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS metrics (
    step INTEGER NOT NULL, name TEXT NOT NULL, value REAL, PRIMARY KEY (step, name)
);
CREATE TABLE IF NOT EXISTS events (
    step INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    agent INTEGER NOT NULL, other INTEGER NOT NULL, value REAL
);
CREATE INDEX IF NOT EXISTS events_step ON events (step);
CREATE TABLE IF NOT EXISTS checkpoints (step INTEGER PRIMARY KEY, state BLOB NOT NULL);
"""


def metrics_frame(rows: dict[int, dict[str, float]]) -> pd.DataFrame:
    """Wide DataFrame (one row per step, ``step`` first) from ``{step: {name: value}}``."""
    if not rows:
        return pd.DataFrame({"step": pd.Series(dtype="int64")})
    df = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    df.index.name = "step"
    return df.reset_index()


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _sql_type(values: np.ndarray) -> str:
    kind = np.asarray(values).dtype.kind
    return {"i": "INTEGER", "u": "INTEGER", "b": "INTEGER", "f": "REAL"}.get(kind, "TEXT")


def _column_values(values: np.ndarray) -> list[Any]:
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return [None if math.isnan(v) else v for v in arr.tolist()]
    if arr.dtype.kind == "O":
        return [None if v is None else str(v) for v in arr.tolist()]
    return arr.tolist()


def _check_table(name: str, rows: Mapping[str, np.ndarray]) -> int:
    """Validate table and column names (they become SQL identifiers); return the row count."""
    if not _NAME.match(name) or name in {"run_info", "metrics", "events", "checkpoints"}:
        raise ValueError(f"invalid table name {name!r}")
    lengths = {len(v) for v in rows.values()}
    if len(lengths) > 1:
        raise ValueError(f"table {name!r}: columns have different lengths {sorted(lengths)}")
    for col in rows:
        if not _NAME.match(col):
            raise ValueError(f"table {name!r}: invalid column name {col!r}")
    return lengths.pop() if lengths else 0


def _clean(value: float) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


class SQLiteRecorder:
    """Write steps to ``run.sqlite``, one transaction per step.

    Parameters
    ----------
    path : Path
        Database file; created if missing.
    record_events : bool
        Whether to store events (metrics and checkpoints are always stored).
    """

    wants_checkpoints = True

    def __init__(self, path: Path, *, record_events: bool = True):
        self.path = Path(path)
        self.record_events = record_events
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        self._columns: dict[str, set[str]] = {}
        for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            cols = {row[1] for row in self.conn.execute(f'PRAGMA table_info("{name}")')}
            self._columns[name] = cols

    @property
    def wants_events(self) -> bool:
        """Whether steps should carry their events."""
        return self.record_events

    def set_info(self, info: dict[str, Any]) -> None:
        """Store run-level key/value pairs (values JSON-encoded)."""
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO run_info VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in info.items()],
            )

    def get_info(self) -> dict[str, Any]:
        """Run-level key/value pairs."""
        rows = self.conn.execute("SELECT key, value FROM run_info").fetchall()
        return {k: json.loads(v) for k, v in rows}

    def write_step(self, record: StepRecord, checkpoint: bytes | None) -> None:
        """Store one step's metrics, events and optional checkpoint atomically."""
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        try:
            cur.executemany(
                "INSERT INTO metrics VALUES (?, ?, ?)",
                [(record.step, k, _clean(v)) for k, v in record.metrics.items()],
            )
            if self.record_events:
                seq = 0
                for batch in record.events:
                    n = len(batch)
                    # NaN binds as NULL in SQLite, so values go in as plain floats
                    cur.executemany(
                        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
                        zip(
                            repeat(record.step, n),
                            range(seq, seq + n),
                            repeat(batch.kind, n),
                            batch.agent.tolist(),
                            batch.other.tolist(),
                            batch.value.tolist(),
                            strict=True,
                        ),
                    )
                    seq += n
            for name, rows in record.tables.items():
                n = _check_table(name, rows)
                if n:
                    self._insert(cur, name, {"step": np.full(n, record.step), **rows})
            if checkpoint is not None:
                cur.execute(
                    "INSERT OR REPLACE INTO checkpoints VALUES (?, ?)", (record.step, checkpoint)
                )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def _insert(self, cur: sqlite3.Cursor, name: str, rows: Mapping[str, np.ndarray]) -> None:
        """Append rows, creating the table or adding columns as needed (names are checked)."""
        known = self._columns.get(name)
        if known is None:
            cols = ", ".join(f'"{c}" {_sql_type(v)}' for c, v in rows.items())
            cur.execute(f'CREATE TABLE "{name}" ({cols})')
            if "step" in rows:
                cur.execute(f'CREATE INDEX "{name}_step" ON "{name}" (step)')
            known = self._columns[name] = set(rows)
        for col, values in rows.items():
            if col not in known:
                cur.execute(f'ALTER TABLE "{name}" ADD COLUMN "{col}" {_sql_type(values)}')
                known.add(col)
        names = list(rows)
        marks = ", ".join("?" * len(names))
        quoted = ", ".join(f'"{c}"' for c in names)
        cur.executemany(
            f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})',
            zip(*(_column_values(rows[c]) for c in names), strict=True),
        )

    def replace_tables(self, tables: Mapping[str, Mapping[str, np.ndarray]]) -> None:
        """Write whole tables (final state), replacing any earlier version, in one transaction."""
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        try:
            for name, rows in tables.items():
                _check_table(name, rows)
                cur.execute(f'DROP TABLE IF EXISTS "{name}"')
                self._columns.pop(name, None)
                self._insert(cur, name, rows)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def table(self, name: str) -> pd.DataFrame:
        """A world or policy table as a DataFrame (empty if the run never wrote it)."""
        if name not in self._columns:
            return pd.DataFrame()
        return pd.read_sql_query(f'SELECT * FROM "{name}"', self.conn)

    def last_checkpoint(self) -> tuple[int, bytes] | None:
        """The latest checkpoint as ``(step, blob)``, or ``None``."""
        row = self.conn.execute(
            "SELECT step, state FROM checkpoints ORDER BY step DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def truncate_after(self, step: int) -> None:
        """Delete everything recorded after ``step`` (used when resuming from a checkpoint)."""
        with self.conn:
            for table, cols in self._columns.items():
                if "step" in cols:
                    self.conn.execute(f'DELETE FROM "{table}" WHERE step > ?', (step,))

    def metrics(self) -> pd.DataFrame:
        """Per-step metrics as a wide DataFrame."""
        rows: dict[int, dict[str, float]] = {}
        for step, name, value in self.conn.execute(
            "SELECT step, name, value FROM metrics ORDER BY step"
        ):
            rows.setdefault(step, {})[name] = np.nan if value is None else value
        return metrics_frame(rows)

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()


class MemoryRecorder:
    """Keep steps in memory (``out=None`` runs); nothing touches the disk.

    Parameters
    ----------
    keep_events : bool
        Keep every step's events in :attr:`events` (off by default to stay cheap).
    """

    wants_checkpoints = False

    def __init__(self, *, keep_events: bool = False):
        self.keep_events = keep_events
        self.wants_events = keep_events
        self.rows: dict[int, dict[str, float]] = {}
        self.events: dict[int, list] = {}
        self.checkpoint: tuple[int, bytes] | None = None
        self.tables: dict[str, list[pd.DataFrame]] = {}

    def write_step(self, record: StepRecord, checkpoint: bytes | None) -> None:
        """Store one step (metrics, table rows and, when kept, events)."""
        self.rows[record.step] = dict(record.metrics)
        if self.keep_events:
            self.events[record.step] = record.events
        for name, rows in record.tables.items():
            n = _check_table(name, rows)
            if n:
                frame = pd.DataFrame({"step": np.full(n, record.step), **rows})
                self.tables.setdefault(name, []).append(frame)

    def replace_tables(self, tables: Mapping[str, Mapping[str, np.ndarray]]) -> None:
        """Keep whole final-state tables."""
        for name, rows in tables.items():
            _check_table(name, rows)
            self.tables[name] = [pd.DataFrame(dict(rows))]

    def table(self, name: str) -> pd.DataFrame:
        """A world or policy table as a DataFrame (empty if the run never wrote it)."""
        parts = self.tables.get(name)
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def metrics(self) -> pd.DataFrame:
        """Per-step metrics as a wide DataFrame."""
        return metrics_frame(self.rows)
