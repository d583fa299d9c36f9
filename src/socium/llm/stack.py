"""The composed language model a run uses, with handles on its layers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socium.llm.interface import ChatMessage, LanguageModel, LLMRequest, LLMResponse
from socium.llm.wrappers.accounting import AccountingModel
from socium.llm.wrappers.base import LanguageModelWrapper
from socium.llm.wrappers.budget import BudgetModel
from socium.llm.wrappers.cache import CacheModel
from socium.llm.wrappers.limits import LimitsModel
from socium.llm.wrappers.retry import RetryModel

__all__ = ["LLMStack"]


class LLMStack(LanguageModelWrapper):
    """backend → limits → retry → budget → cache → accounting, as one language model.

    Calls go through the outermost layer (accounting). The layers are attributes, so a
    runner can drain the accounting rows each step and stop when the budget is spent.

    Parameters
    ----------
    backend : LanguageModel
    limits : LimitsModel
    retry : RetryModel
    budget : BudgetModel
    cache : CacheModel or None
    accounting : AccountingModel
        The outermost layer.
    max_tokens, temperature : int, float
        Defaults of :meth:`request`.
    """

    def __init__(
        self,
        *,
        backend: LanguageModel,
        limits: LimitsModel,
        retry: RetryModel,
        budget: BudgetModel,
        cache: CacheModel | None,
        accounting: AccountingModel,
        max_tokens: int = 256,
        temperature: float = 0.0,
    ):
        super().__init__(accounting)
        self.backend = backend
        self.limits = limits
        self.retry = retry
        self.budget = budget
        self.cache = cache
        self.accounting = accounting
        self.max_tokens = int(max_tokens)
        self.temperature = float(temperature)

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        return await self.inner.agenerate(requests)

    def request(
        self,
        messages: Sequence[ChatMessage | dict[str, str] | tuple[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        tag: str = "",
        seed: int | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> LLMRequest:
        """An :class:`LLMRequest` with the configured ``max_tokens`` / ``temperature``."""
        return LLMRequest(
            tuple(messages),  # type: ignore[arg-type]
            schema=schema,
            max_tokens=self.max_tokens if max_tokens is None else max_tokens,
            temperature=self.temperature if temperature is None else temperature,
            seed=seed,
            tag=tag,
        )

    @property
    def exhausted(self) -> bool:
        """Whether the budget is spent (the run should stop or fall back to rules)."""
        return self.budget.exhausted

    def drain(self) -> dict[str, list[Any]]:
        """:meth:`AccountingModel.drain`: the ``llm_calls`` rows since the last drain."""
        return self.accounting.drain()

    def totals(self) -> dict[str, Any]:
        """:meth:`AccountingModel.totals` plus the budget's spend."""
        totals = self.accounting.totals()
        totals["cost_usd"] = self.budget.cost_usd
        totals["budget_exhausted"] = self.budget.exhausted
        return totals

    def close(self) -> None:
        self.accounting.close()

    def __repr__(self) -> str:
        cache = "off" if self.cache is None else repr(self.cache.path or ":memory:")
        return f"LLMStack(backend={self.backend!r}, cache={cache})"
