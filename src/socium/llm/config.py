"""The ``[llm]`` config section and :func:`build_language_model`.

Switching from the offline default to any OpenAI-compatible server is two keys::

    [llm]
    backend = "openai"
    base_url = "http://127.0.0.1:8000/v1"

API keys are never read from config files: name an environment variable with
``api_key_env`` (default ``OPENAI_API_KEY``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from socium.llm.interface import LanguageModel
from socium.llm.stack import LLMStack
from socium.llm.wrappers.accounting import AccountingModel
from socium.llm.wrappers.budget import BudgetModel
from socium.llm.wrappers.cache import CacheModel
from socium.llm.wrappers.limits import LimitsModel
from socium.llm.wrappers.retry import RetryModel

__all__ = [
    "CACHE_FILE",
    "EndpointConfig",
    "LLMConfig",
    "MockConfig",
    "build_backend",
    "build_language_model",
    "resolve_cache_path",
    "user_cache_path",
]

#: The cache file name inside a run directory.
CACHE_FILE = "llm_cache.sqlite"
_REDACTED = "<redacted>"
_URL = r"^https?://\S+$"
_API_KEY_MESSAGE = (
    "API keys are not read from config files; put the key in an environment variable and "
    "name it with api_key_env (default OPENAI_API_KEY)"
)


class EndpointConfig(BaseModel):
    """One server of an endpoint pool."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(pattern=_URL, description="e.g. http://127.0.0.1:8000/v1")
    model: str | None = Field(None, min_length=1, description="model on this server")
    weight: float = Field(1.0, gt=0, description="relative share of the load")


class MockConfig(BaseModel):
    """Settings of the scripted mock backend (tests, benchmarks, dry runs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["schema", "cycle", "map"] = Field(
        "schema",
        description="schema: valid JSON of the request's schema; cycle: texts in turn; "
        "map: responses keyed by a substring of the last user message",
    )
    texts: list[str] = Field(default_factory=list, description="answers of mode cycle")
    responses: dict[str, str] = Field(default_factory=dict, description="answers of mode map")
    latency_s: float = Field(0.0, ge=0, description="seconds each request sleeps")

    @model_validator(mode="after")
    def _mode_has_data(self) -> MockConfig:
        if self.mode == "cycle" and not self.texts:
            raise PydanticCustomError("mock_texts", "texts: mode 'cycle' needs at least one text")
        if self.mode == "map" and not self.responses:
            raise PydanticCustomError("mock_responses", "responses: mode 'map' needs a mapping")
        return self


class LLMConfig(BaseModel):
    """The ``[llm]`` section: which language model a run uses and how it is called.

    See ``docs/llm.md`` for the table of keys.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    backend: Literal["openai", "local", "mock"] = Field(
        "local", description="openai (any OpenAI-compatible server), local (llama.cpp), mock"
    )
    model: str | None = Field(
        None,
        min_length=1,
        description="model name; default: the server's first model (openai), "
        "SmolLM2-135M-Instruct (local), mock (mock)",
    )
    endpoints: list[EndpointConfig] = Field(
        default_factory=list, description="a pool of servers, load-balanced"
    )
    base_url: str | None = Field(
        None, pattern=_URL, validate_default=True, description="server URL, e.g. .../v1"
    )
    api_key_env: str = Field(
        "OPENAI_API_KEY",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="environment variable holding the API key (EMPTY when unset)",
    )
    api_key: None = Field(None, exclude=True, repr=False, description="not allowed")
    http_client: Literal["auto", "aiohttp", "openai"] = Field(
        "auto",
        description="HTTP client of backend openai: aiohttp (fast), openai (the SDK); "
        "auto picks aiohttp when installed",
    )
    extra_body: dict[str, Any] = Field(
        default_factory=dict, description="extra JSON fields sent with every request"
    )
    temperature: float = Field(0.0, ge=0, le=2, description="sampling temperature")
    max_tokens: int = Field(256, ge=1, description="most completion tokens per request")
    timeout_s: float = Field(60.0, gt=0, description="seconds one request may take")
    max_retries: int = Field(3, ge=0, le=100, description="retries of a failed request")
    backoff_s: float = Field(0.5, ge=0, description="base of the exponential backoff")
    concurrency: int = Field(64, ge=1, le=100_000, description="requests in flight at once")
    rate_limit_rps: float | None = Field(None, gt=0, description="most requests per second")
    max_tokens_budget: int | None = Field(None, ge=0, description="stop after this many tokens")
    max_cost_usd: float | None = Field(None, ge=0, description="stop after this spend")
    price_prompt_per_mtok: float = Field(0.0, ge=0, description="USD per 1M prompt tokens")
    price_completion_per_mtok: float = Field(0.0, ge=0, description="USD per 1M completion tokens")
    cache: bool = Field(True, description="reuse answers to identical requests")
    cache_path: str | None = Field(
        None,
        min_length=1,
        description="cache file; default <run dir>/llm_cache.sqlite, in memory without a "
        "run dir; 'user' for the user cache dir, ':memory:' for memory",
    )
    n_ctx: int = Field(2048, ge=64, le=1_048_576, description="context window (local)")
    n_threads: int | None = Field(
        None, ge=1, le=1024, description="llama.cpp threads (local); default half the cores"
    )
    model_path: str | None = Field(
        None, min_length=1, description="GGUF file (local); default SmolLM2-135M-Instruct"
    )
    mock: MockConfig = Field(default_factory=MockConfig, description="mock backend settings")
    record_response_chars: int = Field(
        2000, ge=0, description="characters of each response kept in llm_calls"
    )

    @model_validator(mode="before")
    @classmethod
    def _redact_api_key(cls, data: Any) -> Any:
        # The key must not reach an error message: replace it before validation reports it.
        if isinstance(data, Mapping) and data.get("api_key") is not None:
            data = {**data, "api_key": _REDACTED}
        return data

    @field_validator("api_key", mode="before")
    @classmethod
    def _reject_api_key(cls, value: Any) -> None:
        if value is not None:
            raise PydanticCustomError("api_key_not_allowed", _API_KEY_MESSAGE)
        return None

    @field_validator("base_url")
    @classmethod
    def _openai_needs_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if (
            value is None
            and info.data.get("backend") == "openai"
            and not info.data.get("endpoints")
        ):
            raise PydanticCustomError(
                "base_url_required",
                "backend 'openai' needs base_url (or endpoints), e.g. http://127.0.0.1:8000/v1",
            )
        return value


def user_cache_path() -> Path:
    """``$XDG_CACHE_HOME/socium/llm_cache.sqlite`` (``~/.cache`` when unset)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "socium" / CACHE_FILE


def resolve_cache_path(config: LLMConfig, run_dir: Path | None) -> Path | None:
    """Where the response cache lives: a file, or None for memory.

    ``cache_path`` wins: ``"user"`` is :func:`user_cache_path`, ``":memory:"`` memory, any
    other value a file path. Unset: ``<run_dir>/llm_cache.sqlite``, or memory when there is
    no run directory (``socium.run(..., out=None)`` writes nothing to disk).
    """
    if config.cache_path is not None:
        if config.cache_path == ":memory:":
            return None
        if config.cache_path == "user":
            return user_cache_path()
        return Path(config.cache_path).expanduser()
    if run_dir is not None:
        return Path(run_dir) / CACHE_FILE
    return None


def build_backend(config: LLMConfig, *, rng: np.random.Generator) -> LanguageModel:
    """The bare backend of ``config`` (no wrappers).

    Raises
    ------
    socium.llm.backends.LocalModelUnavailable
        For ``backend = "local"`` when llama-cpp-python or the model file is missing.
    """
    if config.backend == "mock":
        from socium.llm.backends.mock import MockLanguageModel

        mock = config.mock
        return MockLanguageModel(
            texts=mock.texts if mock.mode == "cycle" else None,
            responses=mock.responses if mock.mode == "map" else None,
            name=config.model or "mock",
            latency_s=mock.latency_s,
        )
    if config.backend == "local":
        from socium.llm.backends.local import LocalLlamaModel

        return LocalLlamaModel(
            config.model_path,
            n_ctx=config.n_ctx,
            n_threads=config.n_threads,
            rng=rng,
            name=config.model,
        )
    from socium.llm.backends.openai_compat import Endpoint, OpenAICompatModel

    endpoints = [Endpoint(e.base_url, e.model, e.weight) for e in config.endpoints]
    if not endpoints and config.base_url:
        endpoints = [Endpoint(config.base_url)]
    return OpenAICompatModel(
        endpoints,
        model=config.model,
        api_key_env=config.api_key_env,
        extra_body=config.extra_body,
        timeout_s=config.timeout_s,
        max_connections=config.concurrency + 16,
        http_client=None if config.http_client == "auto" else config.http_client,
    )


def build_language_model(
    config: LLMConfig, *, run_dir: Path | None = None, rng: np.random.Generator
) -> LLMStack:
    """Compose the language model of a run.

    Inside out: backend → limits (per-request timeout, concurrency, rate) → retry → budget →
    cache → accounting. So each retry attempt has its own timeout and concurrency slot and a
    request waiting to retry holds no slot; the budget is charged once per request, whatever
    its retries; cache hits cost no budget and no backend call; and accounting sees every
    call, cache hits and errors included.

    Parameters
    ----------
    config : LLMConfig
    run_dir : Path, optional
        The run directory (holds the cache file by default).
    rng : numpy.random.Generator
        The LLM stream of the run: spawned into the retry jitter and the local backend's
        sampling seeds.

    Returns
    -------
    LLMStack
        With ``.accounting``, ``.budget``, ``.cache`` (None when off), ``.retry``,
        ``.limits`` and ``.backend``.

    Examples
    --------
    >>> import numpy as np
    >>> from socium.llm import LLMRequest
    >>> lm = build_language_model(LLMConfig(backend="mock"), rng=np.random.default_rng(0))
    >>> lm.generate([LLMRequest.user("hi", tag="t")])[0].ok
    True
    >>> lm.totals()["calls"]
    1
    """
    retry_rng, backend_rng = rng.spawn(2)
    backend = build_backend(config, rng=backend_rng)
    limits = LimitsModel(
        backend,
        timeout_s=config.timeout_s,
        concurrency=config.concurrency,
        rate_limit_rps=config.rate_limit_rps,
    )
    retry = RetryModel(
        limits, rng=retry_rng, max_retries=config.max_retries, backoff_s=config.backoff_s
    )
    budget = BudgetModel(
        retry,
        max_tokens=config.max_tokens_budget,
        max_cost_usd=config.max_cost_usd,
        price_prompt_per_mtok=config.price_prompt_per_mtok,
        price_completion_per_mtok=config.price_completion_per_mtok,
    )
    cache = CacheModel(budget, resolve_cache_path(config, run_dir)) if config.cache else None
    accounting = AccountingModel(
        cache if cache is not None else budget, response_chars=config.record_response_chars
    )
    return LLMStack(
        backend=backend,
        limits=limits,
        retry=retry,
        budget=budget,
        cache=cache,
        accounting=accounting,
        max_tokens=config.max_tokens,
        temperature=config.temperature,
    )
