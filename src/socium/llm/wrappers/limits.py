"""Per-request timeout, a concurrency limit and an optional requests-per-second rate limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from socium.llm.interface import LanguageModel, LLMError, LLMRequest, LLMResponse
from socium.llm.runtime import PerLoop
from socium.llm.wrappers.base import LanguageModelWrapper

__all__ = ["LimitsModel"]


class LimitsModel(LanguageModelWrapper):
    """Send each request on its own, at most ``concurrency`` at once, each within a timeout.

    The timeout covers one call to the inner model (not the wait for a free slot), so a
    request queued behind others does not time out. A request that times out is cancelled and
    answered with ``error="timeout"``. An exception escaping the inner model (a bug in a
    backend) becomes ``error="backend_error"`` instead of failing the whole batch.

    Parameters
    ----------
    inner : LanguageModel
    timeout_s : float, optional
        Seconds one call may take; None for no timeout.
    concurrency : int, optional
        Most calls in flight at once; None for no limit.
    rate_limit_rps : float, optional
        Most calls started per second (evenly spaced); None for no limit.
    """

    def __init__(
        self,
        inner: LanguageModel,
        *,
        timeout_s: float | None = 60.0,
        concurrency: int | None = 64,
        rate_limit_rps: float | None = None,
    ):
        super().__init__(inner)
        if timeout_s is not None and timeout_s <= 0:
            raise ValueError("timeout_s must be > 0")
        if concurrency is not None and concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        if rate_limit_rps is not None and rate_limit_rps <= 0:
            raise ValueError("rate_limit_rps must be > 0")
        self.timeout_s = timeout_s
        self.concurrency = concurrency
        self.rate_limit_rps = rate_limit_rps
        self._semaphore: PerLoop[asyncio.Semaphore] | None = (
            PerLoop(lambda: asyncio.Semaphore(concurrency)) if concurrency else None
        )
        self._interval = 1.0 / rate_limit_rps if rate_limit_rps else 0.0
        self._next_start = 0.0

    async def _throttle(self) -> None:
        now = time.monotonic()
        start = max(now, self._next_start)
        self._next_start = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)

    async def _call(self, request: LLMRequest) -> LLMResponse:
        if self._interval:
            await self._throttle()
        start = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                (response,) = await self.inner.agenerate([request])
        except TimeoutError:
            return LLMResponse.failure(
                LLMError.TIMEOUT, model=self.name, latency_s=time.perf_counter() - start
            )
        except Exception:
            return LLMResponse.failure(
                LLMError.BACKEND, model=self.name, latency_s=time.perf_counter() - start
            )
        return response

    async def _one(self, request: LLMRequest) -> LLMResponse:
        if self._semaphore is None:
            return await self._call(request)
        async with self._semaphore.get():
            return await self._call(request)

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        if len(requests) == 1:
            return [await self._one(requests[0])]
        return list(await asyncio.gather(*(self._one(r) for r in requests)))
