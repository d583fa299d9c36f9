"""A scripted, deterministic language model for tests and benchmarks.

Modes, chosen by the arguments (at most one of ``texts``, ``responses``, ``fn``):

- ``texts``: a list of canned texts, cycled over calls in request order;
- ``responses``: a mapping from a substring of the last user message to a text (the first
  matching key wins; unmatched requests fall back to the schema-aware mode);
- ``fn``: a callable ``(request) -> str``;
- none of them: **schema-aware** mode. A request with a schema gets a valid JSON instance of
  it, drawn from a generator seeded by the sha256 of (messages, seed), so the same request
  always gets the same answer; a request without one gets a short deterministic text.

Token counts are approximated as ``len(text) // 4``. Optional artificial latency (an async
sleep per request, concurrent across a batch) and scripted failures.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

import numpy as np

from socium.llm.interface import (
    LanguageModel,
    LLMError,
    LLMRequest,
    LLMResponse,
    estimate_tokens,
    messages_hash,
)
from socium.llm.schema_sample import sample_json

__all__ = ["MockLanguageModel", "MockMode", "mock_text"]

FailureScript = Sequence[str | None] | Callable[[LLMRequest, int], str | None]


class MockMode(StrEnum):
    """How a :class:`MockLanguageModel` picks its answers."""

    SCHEMA = "schema"
    CYCLE = "cycle"
    MAP = "map"
    CALLABLE = "callable"


def _request_rng(request: LLMRequest) -> np.random.Generator:
    digest = hashlib.sha256(f"{messages_hash(request.messages)}|{request.seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def mock_text(request: LLMRequest) -> str:
    """The schema-aware mock answer of ``request`` (deterministic).

    Parameters
    ----------
    request : LLMRequest

    Returns
    -------
    str
        Compact JSON valid under ``request.schema`` when it has one, else a short text.

    Examples
    --------
    >>> r = LLMRequest.user("hi", schema={"type": "object", "properties":
    ...     {"ok": {"type": "boolean"}}, "required": ["ok"]})
    >>> mock_text(r) == mock_text(r)
    True
    """
    rng = _request_rng(request)
    if request.schema is not None:
        value = sample_json(request.schema, rng)
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return f"mock reply {int(rng.integers(1 << 30)):08x}"


class MockLanguageModel(LanguageModel):
    """A deterministic scripted backend.

    Parameters
    ----------
    texts : sequence of str, optional
        Canned answers, cycled over calls (mode ``cycle``).
    responses : mapping of str to str, optional
        Substring of the last user message → answer (mode ``map``).
    fn : callable, optional
        ``fn(request) -> str`` (mode ``callable``).
    name : str
        The model name reported in responses.
    latency_s : float
        Seconds each request sleeps (asynchronously) before answering.
    failures : sequence or callable, optional
        Scripted errors: ``failures[i]`` is the error code (or None) of the i-th call this
        model receives (calls past the end succeed); or a callable
        ``(request, call_index) -> error | None``.
    retry_after_s : float, optional
        Sent with scripted ``rate_limited`` errors.

    Attributes
    ----------
    calls : int
        Requests received so far (failed ones included).
    in_flight, max_in_flight : int
        Requests being answered now, and the most at once so far.

    Examples
    --------
    >>> lm = MockLanguageModel(responses={"weather": "sunny"}, texts=None)
    >>> lm.generate([LLMRequest.user("how is the weather?")])[0].text
    'sunny'
    """

    def __init__(
        self,
        texts: Sequence[str] | None = None,
        responses: Mapping[str, str] | None = None,
        fn: Callable[[LLMRequest], str] | None = None,
        *,
        name: str = "mock",
        latency_s: float = 0.0,
        failures: FailureScript | None = None,
        retry_after_s: float | None = None,
    ):
        given = [x is not None for x in (texts, responses, fn)]
        if sum(given) > 1:
            raise ValueError("give at most one of texts, responses and fn")
        if texts is not None and len(texts) == 0:
            raise ValueError("texts must not be empty")
        if latency_s < 0:
            raise ValueError("latency_s must be >= 0")
        self.mode = (
            MockMode.CYCLE
            if texts is not None
            else MockMode.MAP
            if responses is not None
            else MockMode.CALLABLE
            if fn is not None
            else MockMode.SCHEMA
        )
        self._texts = tuple(texts) if texts is not None else ()
        self._responses = dict(responses) if responses is not None else {}
        self._fn = fn
        self._name = name
        self.latency_s = float(latency_s)
        self._failures = failures
        self.retry_after_s = retry_after_s
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def name(self) -> str:
        return self._name

    def _text(self, request: LLMRequest, index: int) -> str:
        if self.mode is MockMode.CYCLE:
            return self._texts[index % len(self._texts)]
        if self.mode is MockMode.MAP:
            last = request.last_user_message
            for key, text in self._responses.items():
                if key in last:
                    return text
            return mock_text(request)
        if self.mode is MockMode.CALLABLE:
            assert self._fn is not None
            return str(self._fn(request))
        return mock_text(request)

    def _failure(self, request: LLMRequest, index: int) -> str | None:
        script = self._failures
        if script is None:
            return None
        if callable(script):
            return script(request, index)
        return script[index] if index < len(script) else None

    async def _one(self, request: LLMRequest, index: int) -> LLMResponse:
        start = time.perf_counter()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency_s > 0:
                await asyncio.sleep(self.latency_s)
            error = self._failure(request, index)
            if error is not None:
                retry_after = self.retry_after_s if error == LLMError.RATE_LIMITED else None
                return LLMResponse.failure(
                    error,
                    model=self._name,
                    latency_s=time.perf_counter() - start,
                    retry_after_s=retry_after,
                )
            text = self._text(request, index)
            prompt = sum(estimate_tokens(m.content) for m in request.messages)
            return LLMResponse(
                text=text,
                prompt_tokens=prompt,
                completion_tokens=estimate_tokens(text),
                latency_s=time.perf_counter() - start,
                model=self._name,
            )
        finally:
            self.in_flight -= 1

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        # Call indices are assigned in request order before anything awaits: deterministic.
        first = self.calls
        self.calls += len(requests)
        if self.latency_s <= 0:
            return [await self._one(r, first + i) for i, r in enumerate(requests)]
        return list(
            await asyncio.gather(*(self._one(r, first + i) for i, r in enumerate(requests)))
        )
