"""Token and cost budgets: once spent, requests fail with ``budget_exhausted``."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from socium.llm.interface import (
    LanguageModel,
    LLMError,
    LLMRequest,
    LLMResponse,
    estimate_tokens,
)
from socium.llm.runtime import PerLoop
from socium.llm.wrappers.base import LanguageModelWrapper

__all__ = ["BudgetModel"]


class BudgetModel(LanguageModelWrapper):
    """Stop calling the inner model when a token or cost budget is spent.

    Each request reserves its worst case (estimated prompt tokens + ``max_tokens``, and the
    matching cost) before it is sent, and is charged its real usage when it returns. A
    request is admitted only while ``spent + reserved + its reservation`` fits the budget;
    when it does not fit it waits for the requests in flight to settle, and when it cannot
    fit even with nothing in flight the budget is exhausted: :attr:`exhausted` becomes True
    and this and every further request is answered at once with
    ``error="budget_exhausted"``, without calling the inner model.

    The spend thus never exceeds the budget, however large the batch or the concurrency,
    unless a prompt has more tokens than its estimate (``len(text) // 4`` per message). The
    price is that the run stops up to one request's worst case before the limit.

    Parameters
    ----------
    inner : LanguageModel
    max_tokens : int, optional
        Most prompt + completion tokens in all; None for no token limit.
    max_cost_usd : float, optional
        Most spend in US dollars; None for no cost limit.
    price_prompt_per_mtok, price_completion_per_mtok : float
        Prices per million prompt / completion tokens.

    Attributes
    ----------
    tokens_used : int
    cost_usd : float
    exhausted : bool
    """

    def __init__(
        self,
        inner: LanguageModel,
        *,
        max_tokens: int | None = None,
        max_cost_usd: float | None = None,
        price_prompt_per_mtok: float = 0.0,
        price_completion_per_mtok: float = 0.0,
    ):
        super().__init__(inner)
        if max_tokens is not None and max_tokens < 0:
            raise ValueError("max_tokens must be >= 0")
        if max_cost_usd is not None and max_cost_usd < 0:
            raise ValueError("max_cost_usd must be >= 0")
        if price_prompt_per_mtok < 0 or price_completion_per_mtok < 0:
            raise ValueError("prices must be >= 0")
        self.max_tokens = max_tokens
        self.max_cost_usd = max_cost_usd
        self.price_prompt = float(price_prompt_per_mtok) / 1e6
        self.price_completion = float(price_completion_per_mtok) / 1e6
        self.tokens_used = 0
        self.cost_usd = 0.0
        self.exhausted = False
        self._reserved_tokens = 0
        self._reserved_cost = 0.0
        self._in_flight = 0
        self._condition: PerLoop[asyncio.Condition] = PerLoop(asyncio.Condition)

    @property
    def limited(self) -> bool:
        """Whether any limit is set."""
        return self.max_tokens is not None or self.max_cost_usd is not None

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """US dollars of a call with this usage."""
        return prompt_tokens * self.price_prompt + completion_tokens * self.price_completion

    def _spent(self) -> bool:
        return (self.max_tokens is not None and self.tokens_used >= self.max_tokens) or (
            self.max_cost_usd is not None and self.cost_usd >= self.max_cost_usd
        )

    def _fits(self, tokens: int, cost: float) -> bool:
        ok_tokens = (
            self.max_tokens is None
            or self.tokens_used + self._reserved_tokens + tokens <= self.max_tokens
        )
        ok_cost = (
            self.max_cost_usd is None
            or self.cost_usd + self._reserved_cost + cost <= self.max_cost_usd
        )
        return ok_tokens and ok_cost

    def _exhausted_response(self) -> LLMResponse:
        self.exhausted = True
        return LLMResponse.failure(LLMError.BUDGET_EXHAUSTED, model=self.name, attempts=0)

    async def _one(self, request: LLMRequest) -> LLMResponse:
        prompt = sum(estimate_tokens(m.content) for m in request.messages)
        tokens = prompt + int(request.max_tokens)
        cost = self.cost(prompt, int(request.max_tokens))
        condition = self._condition.get()
        async with condition:
            while True:
                if self.exhausted or self._spent():
                    return self._exhausted_response()
                if self._fits(tokens, cost):
                    break
                if self._in_flight == 0:  # it cannot fit, even alone
                    return self._exhausted_response()
                await condition.wait()
            self._reserved_tokens += tokens
            self._reserved_cost += cost
            self._in_flight += 1
        response: LLMResponse | None = None
        try:
            (response,) = await self.inner.agenerate([request])
            return response
        finally:
            async with condition:
                self._reserved_tokens -= tokens
                self._reserved_cost -= cost
                self._in_flight -= 1
                if response is not None:
                    self.tokens_used += response.total_tokens
                    self.cost_usd += self.cost(response.prompt_tokens, response.completion_tokens)
                    if self._spent():
                        self.exhausted = True
                condition.notify_all()

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        if not self.limited:
            responses = await self.inner.agenerate(requests)
            for r in responses:
                self.tokens_used += r.total_tokens
                self.cost_usd += self.cost(r.prompt_tokens, r.completion_tokens)
            return responses
        if self.exhausted:
            return [self._exhausted_response() for _ in requests]
        return list(await asyncio.gather(*(self._one(r) for r in requests)))

    def summary(self) -> dict[str, float | int | bool | None]:
        """Spend so far and the limits."""
        return {
            "tokens_used": self.tokens_used,
            "cost_usd": self.cost_usd,
            "max_tokens": self.max_tokens,
            "max_cost_usd": self.max_cost_usd,
            "exhausted": self.exhausted,
        }
