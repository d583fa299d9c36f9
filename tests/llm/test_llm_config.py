"""The [llm] config section and the composed stack."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from socium.llm import LLMConfig, build_language_model
from socium.llm.backends.mock import MockLanguageModel
from socium.llm.config import CACHE_FILE, resolve_cache_path, user_cache_path
from socium.llm.interface import LLMRequest
from socium.llm.wrappers import (
    AccountingModel,
    BudgetModel,
    CacheModel,
    LimitsModel,
    RetryModel,
)


def _errors(data):
    with pytest.raises(ValidationError) as err:
        LLMConfig.model_validate(data)
    return err.value


def test_defaults_and_frozen():
    config = LLMConfig()
    assert config.backend == "local" and config.cache and config.concurrency == 64
    with pytest.raises(ValidationError):
        config.backend = "mock"  # type: ignore[misc]


def test_api_key_is_rejected_without_echoing_it():
    err = _errors({"backend": "openai", "base_url": "http://x/v1", "api_key": "sk-live-XYZ"})
    (e,) = err.errors()
    assert e["loc"] == ("api_key",) and "api_key_env" in e["msg"]
    assert "sk-live-XYZ" not in str(err) and "sk-live-XYZ" not in str(err.errors())


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"backend": "vllm"}, "backend"),
        ({"backend": "openai"}, "base_url"),
        ({"base_url": "localhost:8000"}, "base_url"),
        ({"concurrency": 0}, "concurrency"),
        ({"timeout_s": 0}, "timeout_s"),
        ({"max_retries": -1}, "max_retries"),
        ({"temperature": -0.1}, "temperature"),
        ({"max_cost_usd": -1}, "max_cost_usd"),
        ({"rate_limit_rps": 0}, "rate_limit_rps"),
        ({"endpoints": [{"base_url": "http://a/v1", "weight": 0}]}, "endpoints"),
        ({"mock": {"mode": "cycle"}}, "mock"),
        ({"api_key_env": "not a name"}, "api_key_env"),
        ({"temprature": 0.5}, "temprature"),
        ({"http_client": "requests"}, "http_client"),
        ({"n_threads": 0}, "n_threads"),
    ],
)
def test_validation_errors_name_the_field(data, field):
    (e, *_) = _errors(data).errors()
    assert e["loc"][0] == field


def test_openai_with_endpoints_needs_no_base_url():
    config = LLMConfig(backend="openai", endpoints=[{"base_url": "http://a:1/v1", "model": "m"}])
    lm = build_language_model(config, rng=np.random.default_rng(0))
    assert lm.backend.name == "m"
    lm.close()


def test_stack_order_and_handles():
    config = LLMConfig(backend="mock", max_tokens_budget=10_000)
    lm = build_language_model(config, rng=np.random.default_rng(0))
    layers = []
    layer = lm.inner
    while layer is not None:
        layers.append(type(layer))
        layer = getattr(layer, "inner", None)
    assert layers == [
        AccountingModel,
        CacheModel,
        BudgetModel,
        RetryModel,
        LimitsModel,
        MockLanguageModel,
    ]
    assert lm.accounting is lm.inner and isinstance(lm.budget, BudgetModel)
    assert not lm.exhausted
    no_cache = build_language_model(
        LLMConfig(backend="mock", cache=False), rng=np.random.default_rng(0)
    )
    assert no_cache.cache is None and isinstance(no_cache.accounting.inner, BudgetModel)


def test_cache_hits_cost_no_budget_and_are_accounted(tmp_path):
    config = LLMConfig(backend="mock", max_tokens_budget=1_000, max_tokens=16)
    lm = build_language_model(config, run_dir=tmp_path, rng=np.random.default_rng(0))
    requests = [lm.request([("user", f"agent {i}")], tag="decide") for i in range(5)]
    first = lm.generate(requests)
    spent = lm.budget.tokens_used
    second = lm.generate(requests)
    assert [r.text for r in first] == [r.text for r in second]
    assert all(r.cached for r in second) and lm.budget.tokens_used == spent
    assert lm.totals()["cache_hits"] == 5 and lm.totals()["calls"] == 10
    assert (tmp_path / CACHE_FILE).is_file()
    assert requests[0].max_tokens == 16
    lm.close()


def test_budget_exhaustion_through_the_stack():
    config = LLMConfig(
        backend="mock", mock={"mode": "cycle", "texts": ["x" * 40]}, max_tokens_budget=40,
        max_tokens=10, cache=False,
    )  # fmt: skip
    lm = build_language_model(config, rng=np.random.default_rng(0))
    responses = lm.generate([lm.request([("user", "abcd")]) for _ in range(10)])
    assert sum(r.ok for r in responses) == 3  # 3 * 11 = 33; 44 > 40
    assert lm.exhausted and lm.totals()["errors_by_kind"] == {"budget_exhausted": 7}


def test_reruns_with_the_same_seed_are_identical(tmp_path):
    config = LLMConfig(backend="mock", cache=False, max_retries=2, backoff_s=0.001)
    texts = []
    for _ in range(2):
        lm = build_language_model(config, rng=np.random.default_rng(42))
        texts.append([r.text for r in lm.generate([LLMRequest.user(f"q{i}") for i in range(8)])])
    assert texts[0] == texts[1]


def test_cache_path_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_cache_path(LLMConfig(), tmp_path) == tmp_path / CACHE_FILE
    assert resolve_cache_path(LLMConfig(), None) is None  # out=None writes nothing
    assert resolve_cache_path(LLMConfig(cache_path="user"), None) == user_cache_path()
    assert user_cache_path() == tmp_path / "xdg" / "socium" / CACHE_FILE
    assert resolve_cache_path(LLMConfig(cache_path=":memory:"), tmp_path) is None
    assert (
        resolve_cache_path(LLMConfig(cache_path="~/c.sqlite"), tmp_path)
        == Path("~/c.sqlite").expanduser()
    )
