"""Read-only access to a finished run's database for the report.

The report never writes to ``run.sqlite``: it opens the file with SQLite's ``immutable`` flag,
which takes no locks and creates no ``-wal``/``-shm`` files. That is safe for finished runs,
whose recorder checkpointed the WAL into the main file when it closed.

Every table is optional: worlds and policies create the ones they need (``posts``,
``messages``, ``llm_calls``, ``llm_decisions`` ...), and a missing table reads as empty.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TEXT_TABLES", "RunDatabase", "llm_accounting", "text_sample"]

#: Tables whose ``text`` column holds what agents wrote, in the order the report looks for them.
TEXT_TABLES = ("posts", "messages")

#: Columns shown next to a message's text, when the table has them.
_CONTEXT_COLUMNS = (
    "step",
    "agent",
    "author",
    "group",
    "sender",
    "speaker",
    "user",
    "round",
    "kind",
    "action",
    "role",
    "topic",
    "recipient",
    "to",
    "parent",
    "reply_to",
)


class RunDatabase:
    """A read-only view of ``run.sqlite``.

    Parameters
    ----------
    path : Path
        The database file. A missing file behaves as a database with no tables.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.conn: sqlite3.Connection | None = None
        if self.path.exists():
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            self.conn = sqlite3.connect(uri, uri=True)
        self._tables = self._names()

    def _names(self) -> set[str]:
        if self.conn is None:
            return set()
        try:
            rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            return {name for (name,) in rows}
        except sqlite3.DatabaseError:
            return set()

    def __enter__(self) -> RunDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def has(self, table: str) -> bool:
        """Whether ``table`` exists."""
        return table in self._tables

    def columns(self, table: str) -> list[str]:
        """Column names of ``table`` (empty if it does not exist)."""
        if not self.has(table) or self.conn is None:
            return []
        return [row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')]

    def count(self, table: str) -> int:
        """Row count of ``table`` (0 if it does not exist)."""
        if not self.has(table) or self.conn is None:
            return 0
        return int(self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])

    def query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a read query; an empty frame when there is no database."""
        if self.conn is None:
            return pd.DataFrame()
        return pd.read_sql_query(sql, self.conn, params=list(params))

    def metrics(self) -> pd.DataFrame:
        """Per-step metrics as a wide frame (``step`` first), from the ``metrics`` table."""
        if not self.has("metrics"):
            return pd.DataFrame({"step": pd.Series(dtype="int64")})
        long = self.query("SELECT step, name, value FROM metrics ORDER BY step")
        if long.empty:
            return pd.DataFrame({"step": pd.Series(dtype="int64")})
        wide = long.pivot(index="step", columns="name", values="value").sort_index()
        wide.columns.name = None
        return wide.reset_index()


def _spaced_rows(db: RunDatabase, table: str, k: int, text_col: str) -> pd.DataFrame:
    """Up to ``k`` rows of ``table`` with a non-empty ``text_col``, spread evenly over the run."""
    where = f"WHERE coalesce(\"{text_col}\", '') != ''"
    if db.conn is None or not db.has(table):
        return pd.DataFrame()
    (n,) = db.conn.execute(f'SELECT count(*) FROM "{table}" {where}').fetchone()
    if n == 0:
        return pd.DataFrame()
    positions = np.unique(np.linspace(0, n - 1, min(k, n)).round().astype(int))
    sql = f'SELECT * FROM "{table}" {where} ORDER BY rowid LIMIT 1 OFFSET ?'
    return pd.concat([db.query(sql, [int(p)]) for p in positions], ignore_index=True)


def text_sample(db: RunDatabase, k: int = 20, max_chars: int = 600) -> tuple[str, pd.DataFrame]:
    """A sample of what agents wrote: ``k`` rows of ``posts`` or ``messages``.

    Falls back to the LLM's raw answers (``llm_calls.response_text``) when the run has neither
    table. Texts are cut to ``max_chars`` characters. Nothing is escaped here: the page does it.

    Returns
    -------
    (table name, frame)
        ``("", empty frame)`` when the run holds no text.
    """
    candidates = [(t, "text") for t in TEXT_TABLES] + [("llm_calls", "response_text")]
    for table, text_col in candidates:
        if text_col not in db.columns(table):
            continue
        rows = _spaced_rows(db, table, k, text_col)
        if rows.empty:
            continue
        context = [c for c in _CONTEXT_COLUMNS if c in rows.columns and c != text_col][:5]
        if table == "llm_calls":
            context = [c for c in ("step", "tag", "model", "error") if c in rows.columns]
        out = rows[[*context, text_col]].copy()
        out[text_col] = [_cut(v, max_chars) for v in out[text_col]]
        return table, out.rename(columns={text_col: "text"})
    return "", pd.DataFrame()


def _cut(value: Any, max_chars: int) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def _truthy(series: pd.Series) -> pd.Series:
    if series.dtype.kind in "biuf":
        return series.fillna(0).astype(float) != 0
    return series.astype(str).str.lower().isin({"1", "true", "yes"})


_CALL_COLUMNS = (
    "tag",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "latency_s",
    "cached",
    "attempts",
    "error",
)


def _calls(db: RunDatabase) -> pd.DataFrame:
    cols = set(db.columns("llm_calls"))
    wanted = [c for c in _CALL_COLUMNS if c in cols]
    if not wanted:
        return pd.DataFrame()
    quoted = ", ".join(f'"{c}"' for c in wanted)
    return db.query(f"SELECT {quoted} FROM llm_calls")


def llm_accounting(db: RunDatabase | Sequence[RunDatabase]) -> dict[str, Any] | None:
    """Token, latency, error, cache and fallback accounting of an LLM run (or of several).

    Reads the ``llm_calls`` table (``tag, model, prompt_tokens, completion_tokens, latency_s,
    cached, attempts, error``; any column may be missing) and, for fallbacks, the
    ``llm_decisions`` table (rows whose ``source`` is ``"fallback"`` or whose ``fallback``
    column is true). Given several databases (the runs of a sweep), the calls are pooled.

    Returns
    -------
    dict or None
        ``None`` when no LLM call was recorded. Otherwise ``totals`` (a flat dict),
        ``latency`` (percentiles in seconds, over calls that reached a model), ``errors``
        (``{code: count}``), ``by_tag`` and ``by_model`` (frames), and ``fallbacks``
        (``{reason: count}``, empty when none were recorded).
    """
    dbs = [db] if isinstance(db, RunDatabase) else list(db)
    frames = [f for f in (_calls(d) for d in dbs) if not f.empty]
    if not frames:
        return None
    calls = pd.concat(frames, ignore_index=True)
    fallbacks: dict[str, int] = {}
    for d in dbs:
        for reason, count in _fallbacks(d).items():
            fallbacks[reason] = fallbacks.get(reason, 0) + count
    return _account(calls, dict(sorted(fallbacks.items())))


def _account(calls: pd.DataFrame, fallbacks: dict[str, int]) -> dict[str, Any]:
    n = len(calls)
    errors = pd.Series(dtype=object)
    if "error" in calls:
        err = calls["error"].fillna("").astype(str).str.strip()
        errors = err[err != ""]
    cached = _truthy(calls["cached"]) if "cached" in calls else pd.Series(False, index=calls.index)
    totals: dict[str, Any] = {"calls": n}
    for col in ("prompt_tokens", "completion_tokens"):
        if col in calls:
            totals[col] = int(pd.to_numeric(calls[col], errors="coerce").fillna(0).sum())
    if "prompt_tokens" in totals and "completion_tokens" in totals:
        totals["total_tokens"] = totals["prompt_tokens"] + totals["completion_tokens"]
    totals["cache_hits"] = int(cached.sum())
    totals["cache_hit_rate"] = float(cached.mean()) if n else 0.0
    if "attempts" in calls:
        attempts = pd.to_numeric(calls["attempts"], errors="coerce").fillna(1)
        totals["attempts"] = int(attempts.sum())
        totals["retries"] = int((attempts - 1).clip(lower=0).sum())
    totals["errors"] = len(errors)
    totals["error_rate"] = len(errors) / n if n else 0.0
    totals["fallbacks"] = int(sum(fallbacks.values()))
    latency: dict[str, float] = {}
    if "latency_s" in calls:
        lat = pd.to_numeric(calls["latency_s"], errors="coerce")
        lat = lat[~cached & lat.notna()].to_numpy(dtype=float)
        if lat.size:
            for q in (50, 90, 95, 99):
                latency[f"p{q}"] = float(np.percentile(lat, q))
            latency["mean"] = float(lat.mean())
            latency["max"] = float(lat.max())
            latency["total"] = float(lat.sum())
    by: dict[str, pd.DataFrame] = {}
    for key in ("tag", "model"):
        if key not in calls:
            continue
        frame = calls.assign(_err=calls.index.isin(errors.index), _cached=cached, _one=1).fillna(
            {key: ""}
        )
        agg: dict[str, tuple[str, str]] = {"calls": ("_one", "sum")}
        for col in ("prompt_tokens", "completion_tokens"):
            if col in frame:
                agg[col] = (col, "sum")
        agg["cache_hits"] = ("_cached", "sum")
        agg["errors"] = ("_err", "sum")
        by[key] = frame.groupby(key, sort=True).agg(**agg).reset_index()
    return {
        "totals": totals,
        "latency": latency,
        "errors": {str(k): int(v) for k, v in errors.value_counts().sort_index().items()},
        "by_tag": by.get("tag", pd.DataFrame()),
        "by_model": by.get("model", pd.DataFrame()),
        "fallbacks": fallbacks,
    }


def _fallbacks(db: RunDatabase) -> dict[str, int]:
    """``{reason: count}`` of decisions that fell back (from ``llm_decisions``).

    A decision fell back when its ``fallback_reason`` is set, or (older layouts) when its
    ``source`` is ``"fallback"`` or its ``fallback`` column is true.
    """
    cols = set(db.columns("llm_decisions"))
    if not cols:
        return {}
    if "fallback_reason" in cols:
        where = "coalesce(fallback_reason, '') != ''"
        reason: str | None = "fallback_reason"
    elif "source" in cols:
        where = "source = 'fallback'"
        reason = next((c for c in ("reason", "error") if c in cols), None)
    elif "fallback" in cols:
        where = "fallback IN (1, '1', 'true', 'True')"
        reason = next((c for c in ("reason", "error") if c in cols), None)
    else:
        return {}
    if reason is None:
        n = int(db.query(f"SELECT count(*) AS n FROM llm_decisions WHERE {where}")["n"].iloc[0])
        return {"fallback": n} if n else {}
    frame = db.query(
        f"SELECT coalesce(\"{reason}\", '') AS reason, count(*) AS n FROM llm_decisions "
        f"WHERE {where} GROUP BY 1 ORDER BY 1"
    )
    return {
        (str(r) or "unspecified"): int(n) for r, n in zip(frame["reason"], frame["n"], strict=True)
    }
