"""Wrappers: each a :class:`~socium.llm.interface.LanguageModel` around another one.

The order :func:`socium.llm.config.build_language_model` composes them in, inside out::

    backend -> LimitsModel (timeout, concurrency, rate) -> RetryModel -> BudgetModel
            -> CacheModel -> AccountingModel
"""

from socium.llm.wrappers.accounting import ACCOUNTING_COLUMNS, AccountingModel
from socium.llm.wrappers.base import LanguageModelWrapper, find_layer
from socium.llm.wrappers.budget import BudgetModel
from socium.llm.wrappers.cache import CacheModel, is_cacheable
from socium.llm.wrappers.limits import LimitsModel
from socium.llm.wrappers.retry import RetryModel

__all__ = [
    "ACCOUNTING_COLUMNS",
    "AccountingModel",
    "BudgetModel",
    "CacheModel",
    "LanguageModelWrapper",
    "LimitsModel",
    "RetryModel",
    "find_layer",
    "is_cacheable",
]
