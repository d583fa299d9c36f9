"""A SQLite response cache: reruns are free and reproducible."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from socium.llm.interface import LanguageModel, LLMRequest, LLMResponse, request_key
from socium.llm.wrappers.base import LanguageModelWrapper

__all__ = ["CacheModel", "is_cacheable"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_cache (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created REAL NOT NULL
)
"""
_CHUNK = 500


def is_cacheable(request: LLMRequest) -> bool:
    """Whether the answer to ``request`` may be reused.

    Greedy requests (temperature 0) and seeded ones are; an unseeded sampling request is not,
    since asking it twice is meant to give two independent samples.
    """
    return request.temperature == 0.0 or request.seed is not None


class CacheModel(LanguageModelWrapper):
    """Answer repeated requests from a SQLite table instead of calling the inner model.

    The key is :func:`socium.llm.interface.request_key`: the sha256 of the canonical JSON of
    (model name, messages, schema, max_tokens, temperature, seed). Only successful responses
    are stored. A hit is returned with ``cached=True``, the stored text and token counts, and
    ``latency_s=0``. Identical cacheable requests inside one batch are sent once.

    The database uses WAL journaling and a busy timeout, so several processes (a sweep) can
    share one cache file. It stores the key, the model name and the response, never the
    prompt, headers or keys.

    Parameters
    ----------
    inner : LanguageModel
    path : str or Path, optional
        The database file (parents are created); None or ``":memory:"`` keeps it in memory.
    busy_timeout_s : float
        How long a write waits for another process's lock.

    Attributes
    ----------
    hits, misses : int
    """

    def __init__(
        self,
        inner: LanguageModel,
        path: str | Path | None = None,
        *,
        busy_timeout_s: float = 30.0,
    ):
        super().__init__(inner)
        in_memory = path is None or str(path) == ":memory:"
        if not in_memory:
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.path = None if in_memory else Path(path).expanduser()
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            ":memory:" if self.path is None else str(self.path),
            timeout=busy_timeout_s,
            check_same_thread=False,
        )
        with self._lock:
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            with self._conn:
                self._conn.execute(_SCHEMA)
        self.hits = 0
        self.misses = 0

    def _lookup(self, keys: Iterable[str]) -> dict[str, tuple[str, int, int, str]]:
        keys = list(keys)
        found: dict[str, tuple[str, int, int, str]] = {}
        with self._lock:
            for lo in range(0, len(keys), _CHUNK):
                chunk = keys[lo : lo + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    "SELECT key, text, prompt_tokens, completion_tokens, model "
                    f"FROM llm_cache WHERE key IN ({marks})",
                    chunk,
                ).fetchall()
                for key, text, prompt, completion, model in rows:
                    found[key] = (text, prompt, completion, model)
        return found

    def _store(self, rows: list[tuple[str, str, str, int, int, float]]) -> None:
        if not rows:
            return
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO llm_cache "
                "(key, model, text, prompt_tokens, completion_tokens, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        await self.inner.aprepare()
        model = self.inner.name
        keys = [request_key(r, model) if is_cacheable(r) else None for r in requests]
        found = self._lookup({k for k in keys if k is not None})
        out: list[LLMResponse | None] = [None] * len(requests)
        pending: dict[object, list[int]] = {}
        for i, key in enumerate(keys):
            if key is not None and key in found:
                text, prompt, completion, stored_model = found[key]
                out[i] = LLMResponse(
                    text=text,
                    prompt_tokens=prompt,
                    completion_tokens=completion,
                    latency_s=0.0,
                    model=stored_model,
                    cached=True,
                    attempts=0,
                )
                self.hits += 1
            else:
                pending.setdefault(key if key is not None else ("uncached", i), []).append(i)
        if pending:
            groups = list(pending.items())
            self.misses += len(groups)
            fresh = await self.inner.agenerate([requests[idx[0]] for _, idx in groups])
            now = time.time()
            rows = []
            for (key, indices), response in zip(groups, fresh, strict=True):
                out[indices[0]] = response
                if len(indices) > 1:
                    copy = (
                        dataclasses.replace(response, cached=True, latency_s=0.0, attempts=0)
                        if response.ok
                        else response
                    )
                    for i in indices[1:]:
                        out[i] = copy
                    if response.ok:
                        self.hits += len(indices) - 1
                if response.ok and isinstance(key, str):
                    rows.append(
                        (
                            key,
                            response.model,
                            response.text,
                            response.prompt_tokens,
                            response.completion_tokens,
                            now,
                        )
                    )
            self._store(rows)
        return out  # type: ignore[return-value]

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM llm_cache").fetchone()[0])

    async def aclose(self) -> None:
        await self.inner.aclose()

    def close(self) -> None:
        self.inner.close()
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        where = ":memory:" if self.path is None else str(self.path)
        return f"CacheModel({self.inner!r}, path={where!r})"
