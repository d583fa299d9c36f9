"""Per-call accounting: one row per call, drained per step into the run database."""

from __future__ import annotations

import threading
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from socium.llm.interface import LanguageModel, LLMRequest, LLMResponse, messages_hash
from socium.llm.wrappers.base import LanguageModelWrapper

__all__ = ["ACCOUNTING_COLUMNS", "AccountingModel"]

#: The columns of :meth:`AccountingModel.drain` (the run database table ``llm_calls``).
ACCOUNTING_COLUMNS = (
    "tag",
    "model",
    "prompt_hash",
    "prompt_tokens",
    "completion_tokens",
    "latency_s",
    "cached",
    "attempts",
    "error",
    "retried_errors",
    "response_text",
)


class AccountingModel(LanguageModelWrapper):
    """Record every call that passes through, cache hits and errors included.

    A row holds the request's tag, the answering model, the sha256 of the messages (never the
    prompt itself), token counts, latency, whether it was cached, the attempts, the error
    code, and the response text truncated to ``response_chars``. Nothing from the transport
    (headers, keys, URLs) reaches this layer.

    Parameters
    ----------
    inner : LanguageModel
    response_chars : int
        Characters of each response text kept (0 keeps none).

    Examples
    --------
    >>> from socium.llm import LLMRequest, MockLanguageModel
    >>> lm = AccountingModel(MockLanguageModel(texts=["ok"]))
    >>> _ = lm.generate([LLMRequest.user("hi", tag="decide")])
    >>> lm.drain()["tag"], lm.totals()["calls"]
    (['decide'], 1)
    """

    def __init__(self, inner: LanguageModel, *, response_chars: int = 2000):
        super().__init__(inner)
        if response_chars < 0:
            raise ValueError("response_chars must be >= 0")
        self.response_chars = int(response_chars)
        self._lock = threading.Lock()
        self._rows: dict[str, list[Any]] = {c: [] for c in ACCOUNTING_COLUMNS}
        self._calls = 0
        self._cache_hits = 0
        self._prompt_tokens = 0
        self._completion_tokens = 0
        self._attempts = 0
        self._errors: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._latencies = array("d")

    def record(self, requests: Sequence[LLMRequest], responses: Sequence[LLMResponse]) -> None:
        """Add one row per (request, response) pair."""
        n = self.response_chars
        with self._lock:
            rows = self._rows
            for request, response in zip(requests, responses, strict=True):
                rows["tag"].append(request.tag)
                rows["model"].append(response.model)
                rows["prompt_hash"].append(messages_hash(request.messages))
                rows["prompt_tokens"].append(response.prompt_tokens)
                rows["completion_tokens"].append(response.completion_tokens)
                rows["latency_s"].append(response.latency_s)
                rows["cached"].append(response.cached)
                rows["attempts"].append(response.attempts)
                rows["error"].append(response.error)
                rows["retried_errors"].append(",".join(response.retried_errors))
                for fault in response.retried_errors:
                    self._faults[fault] += 1
                if response.error is not None:
                    self._faults[response.error] += 1
                rows["response_text"].append(response.text[:n])
                self._calls += 1
                self._prompt_tokens += response.prompt_tokens
                self._completion_tokens += response.completion_tokens
                self._attempts += response.attempts
                if response.cached:
                    self._cache_hits += 1
                else:
                    self._latencies.append(response.latency_s)
                if response.error is not None:
                    self._errors[response.error] += 1

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        responses = await self.inner.agenerate(requests)
        self.record(requests, responses)
        return responses

    def pending(self) -> int:
        """Rows recorded and not yet drained."""
        with self._lock:
            return len(self._rows["tag"])

    def drain(self) -> dict[str, list[Any]]:
        """The rows recorded since the last drain, as columns; then forget them.

        Returns
        -------
        dict of str to list
            Keys :data:`ACCOUNTING_COLUMNS`, lists of equal length.
        """
        with self._lock:
            rows = self._rows
            self._rows = {c: [] for c in ACCOUNTING_COLUMNS}
        return rows

    def totals(self) -> dict[str, Any]:
        """Running totals since creation (draining does not reset them).

        Returns
        -------
        dict
            ``calls``, ``ok``, ``errors`` (count), ``errors_by_kind`` (code → count),
            ``faults_by_kind`` (every failed attempt, retried or final, by code),
            ``cache_hits``, ``prompt_tokens``, ``completion_tokens``, ``total_tokens``,
            ``attempts``, and ``latency_mean_s`` / ``latency_p95_s`` over the calls that were
            not cache hits (None when there were none).
        """
        with self._lock:
            latencies = np.frombuffer(self._latencies, dtype=np.float64).copy()
            errors = dict(sorted(self._errors.items()))
            n_errors = sum(errors.values())
            return {
                "calls": self._calls,
                "ok": self._calls - n_errors,
                "errors": n_errors,
                "errors_by_kind": errors,
                "faults_by_kind": dict(sorted(self._faults.items())),
                "cache_hits": self._cache_hits,
                "prompt_tokens": self._prompt_tokens,
                "completion_tokens": self._completion_tokens,
                "total_tokens": self._prompt_tokens + self._completion_tokens,
                "attempts": self._attempts,
                "latency_mean_s": float(latencies.mean()) if latencies.size else None,
                "latency_p95_s": float(np.percentile(latencies, 95)) if latencies.size else None,
            }
