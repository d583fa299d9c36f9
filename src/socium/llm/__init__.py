"""The language-model layer: a small batched interface, backends and wrappers.

>>> import numpy as np
>>> from socium.llm import LLMConfig, LLMRequest, build_language_model
>>> lm = build_language_model(LLMConfig(backend="mock"), rng=np.random.default_rng(0))
>>> schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
>>> response = lm.generate([LLMRequest.user("Decide.", schema=schema, tag="decide")])[0]
>>> response.ok, sorted(lm.drain())[:3]
(True, ['attempts', 'cached', 'completion_tokens'])

See ``docs/llm.md``.
"""

from socium.llm.backends import (
    DEFAULT_LOCAL_MODEL,
    Endpoint,
    LocalLlamaModel,
    LocalModelUnavailable,
    MockLanguageModel,
    OpenAICompatModel,
)
from socium.llm.config import (
    EndpointConfig,
    LLMConfig,
    MockConfig,
    build_backend,
    build_language_model,
)
from socium.llm.interface import (
    ChatMessage,
    LanguageModel,
    LLMError,
    LLMRequest,
    LLMResponse,
    is_retryable,
    messages_hash,
    request_key,
)
from socium.llm.stack import LLMStack
from socium.llm.wrappers import (
    ACCOUNTING_COLUMNS,
    AccountingModel,
    BudgetModel,
    CacheModel,
    LimitsModel,
    RetryModel,
)

__all__ = [
    "ACCOUNTING_COLUMNS",
    "DEFAULT_LOCAL_MODEL",
    "AccountingModel",
    "BudgetModel",
    "CacheModel",
    "ChatMessage",
    "Endpoint",
    "EndpointConfig",
    "LLMConfig",
    "LLMError",
    "LLMRequest",
    "LLMResponse",
    "LLMStack",
    "LanguageModel",
    "LimitsModel",
    "LocalLlamaModel",
    "LocalModelUnavailable",
    "MockConfig",
    "MockLanguageModel",
    "OpenAICompatModel",
    "RetryModel",
    "build_backend",
    "build_language_model",
    "is_retryable",
    "messages_hash",
    "request_key",
]
