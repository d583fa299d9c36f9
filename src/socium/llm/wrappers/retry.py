"""Retries with exponential backoff and full jitter, honouring Retry-After."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from socium.llm.interface import LanguageModel, LLMRequest, LLMResponse, is_retryable
from socium.llm.wrappers.base import LanguageModelWrapper

__all__ = ["RetryModel"]


class RetryModel(LanguageModelWrapper):
    """Send failed requests again, after a randomised exponential backoff.

    The whole batch goes to the inner model once; each request that failed with a retryable
    error (see :func:`socium.llm.interface.is_retryable`) is then retried on its own, up to
    ``max_retries`` times, after sleeping

    .. math:: d_k \\sim U\\big(0, \\min(c, b\\,2^{k-1})\\big), \\qquad k = 1, 2, \\dots

    ("full jitter"), or at least the server's Retry-After when it sent one (capped at ``c``).
    Other errors (bad request, budget exhausted...) are returned at once.

    Parameters
    ----------
    inner : LanguageModel
    rng : numpy.random.Generator
        The jitter stream (no global randomness).
    max_retries : int
        Retries after the first attempt (0 disables retrying).
    backoff_s : float
        ``b``, the base delay.
    max_backoff_s : float
        ``c``, the cap of one delay (and of an honoured Retry-After).
    retry_on : callable
        ``retry_on(error) -> bool``; default :func:`is_retryable`.

    Notes
    -----
    The returned response carries ``attempts`` (1 + retries made) and a ``latency_s`` that sums
    the attempts and the sleeps between them. Full jitter is from M. Brooker, "Exponential
    Backoff And Jitter", AWS Architecture Blog, 2015.
    """

    def __init__(
        self,
        inner: LanguageModel,
        *,
        rng: np.random.Generator,
        max_retries: int = 3,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        retry_on: Callable[[str | None], bool] = is_retryable,
    ):
        super().__init__(inner)
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if backoff_s < 0 or max_backoff_s < 0:
            raise ValueError("backoff_s and max_backoff_s must be >= 0")
        self.rng = rng
        self.max_retries = int(max_retries)
        self.backoff_s = float(backoff_s)
        self.max_backoff_s = float(max_backoff_s)
        self.retry_on = retry_on
        #: Retries made so far (all requests together).
        self.retries = 0

    def delay(self, attempt: int, retry_after_s: float | None = None) -> float:
        """Seconds to sleep before retry number ``attempt`` (1-based)."""
        ceiling = min(self.max_backoff_s, self.backoff_s * 2.0 ** (attempt - 1))
        jitter = float(self.rng.uniform(0.0, ceiling)) if ceiling > 0 else 0.0
        if retry_after_s is not None and retry_after_s > 0:
            return max(jitter, min(float(retry_after_s), self.max_backoff_s))
        return jitter

    async def _finish(self, request: LLMRequest, response: LLMResponse) -> LLMResponse:
        attempts = 1
        latency = response.latency_s
        retried: list[str] = []
        while attempts <= self.max_retries and self.retry_on(response.error):
            retried.append(str(response.error))
            pause = self.delay(attempts, response.retry_after_s)
            await asyncio.sleep(pause)
            (response,) = await self.inner.agenerate([request])
            self.retries += 1
            attempts += 1
            latency += pause + response.latency_s
        if attempts == 1:
            return response
        return dataclasses.replace(
            response, attempts=attempts, latency_s=latency, retried_errors=tuple(retried)
        )

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        responses = list(await self.inner.agenerate(requests))
        if self.max_retries == 0:
            return responses
        failed = [i for i, r in enumerate(responses) if self.retry_on(r.error)]
        if failed:
            redone = await asyncio.gather(
                *(self._finish(requests[i], responses[i]) for i in failed)
            )
            for i, response in zip(failed, redone, strict=True):
                responses[i] = response
        return responses
