"""Wrappers: cache, retry, limits (timeout, concurrency, rate), budget, accounting."""

from __future__ import annotations

import sqlite3
import time

import numpy as np
import pytest

from socium.llm.backends.mock import MockLanguageModel
from socium.llm.interface import LLMRequest
from socium.llm.wrappers import (
    ACCOUNTING_COLUMNS,
    AccountingModel,
    BudgetModel,
    CacheModel,
    LimitsModel,
    RetryModel,
    find_layer,
)

SCHEMA = {
    "type": "object",
    "properties": {"action": {"enum": ["post", "skip"]}, "x": {"type": "integer"}},
    "required": ["action", "x"],
}


def _requests(n, prefix="agent", **kwargs):
    return [LLMRequest.user(f"{prefix} {i}", schema=SCHEMA, **kwargs) for i in range(n)]


# -- cache ------------------------------------------------------------------------------------
def test_cache_rerun_is_free_and_identical(tmp_path):
    path = tmp_path / "c" / "cache.sqlite"
    backend = MockLanguageModel()
    first = CacheModel(backend, path).generate(_requests(20))
    assert backend.calls == 20 and not any(r.cached for r in first)
    # A new process would open the same file: a fresh wrapper and a fresh backend.
    backend2 = MockLanguageModel()
    cache2 = CacheModel(backend2, path)
    second = cache2.generate(_requests(20))
    assert backend2.calls == 0
    assert [r.text for r in second] == [r.text for r in first]
    assert all(r.cached and r.latency_s == 0.0 for r in second)
    assert [r.prompt_tokens for r in second] == [r.prompt_tokens for r in first]
    assert cache2.hits == 20 and len(cache2) == 20
    journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_cache_stores_only_successes_and_dedupes(tmp_path):
    backend = MockLanguageModel(texts=["ok"], failures=["http_500"])
    cache = CacheModel(backend, tmp_path / "c.sqlite")
    bad = cache.generate([LLMRequest.user("a")])
    assert bad[0].error == "http_500"
    again = cache.generate([LLMRequest.user("a")])
    assert again[0].ok and not again[0].cached and backend.calls == 2
    # Identical requests in one batch are sent once.
    batch = cache.generate([LLMRequest.user("b")] * 3)
    assert backend.calls == 3
    assert [r.cached for r in batch] == [False, True, True]


def test_cache_skips_unseeded_sampling():
    backend = MockLanguageModel()
    cache = CacheModel(backend)
    sampled = LLMRequest.user("x", temperature=0.7)
    cache.generate([sampled, sampled])
    cache.generate([sampled])
    assert backend.calls == 3 and cache.hits == 0
    seeded = LLMRequest.user("x", temperature=0.7, seed=5)
    cache.generate([seeded])
    assert cache.generate([seeded])[0].cached


def test_cache_key_includes_model_name(tmp_path):
    path = tmp_path / "c.sqlite"
    CacheModel(MockLanguageModel(name="a"), path).generate(_requests(2))
    other = MockLanguageModel(name="b")
    CacheModel(other, path).generate(_requests(2))
    assert other.calls == 2


# -- retry ------------------------------------------------------------------------------------
def test_retry_until_success_counts_attempts():
    backend = MockLanguageModel(
        texts=["ok"], failures=["http_500", "timeout", "connection", "bad_response"]
    )
    retry = RetryModel(backend, rng=np.random.default_rng(0), max_retries=5, backoff_s=0.001)
    (response,) = retry.generate([LLMRequest.user("x")])
    assert response.ok and response.text == "ok"
    assert response.attempts == 5 and backend.calls == 5 and retry.retries == 4


def test_retry_gives_up_after_max_retries():
    backend = MockLanguageModel(failures=lambda r, i: "http_503")
    retry = RetryModel(backend, rng=np.random.default_rng(0), max_retries=2, backoff_s=0.001)
    (response,) = retry.generate([LLMRequest.user("x")])
    assert response.error == "http_503" and response.attempts == 3 and backend.calls == 3


@pytest.mark.parametrize("error", ["http_400", "http_401", "budget_exhausted", "context_length"])
def test_non_retryable_errors_are_not_retried(error):
    backend = MockLanguageModel(failures=[error])
    retry = RetryModel(backend, rng=np.random.default_rng(0), max_retries=3, backoff_s=0.001)
    (response,) = retry.generate([LLMRequest.user("x")])
    assert response.error == error and response.attempts == 1 and backend.calls == 1


def test_retry_honours_retry_after():
    backend = MockLanguageModel(texts=["ok"], failures=["rate_limited"], retry_after_s=0.3)
    retry = RetryModel(backend, rng=np.random.default_rng(0), max_retries=1, backoff_s=0.0)
    start = time.perf_counter()
    (response,) = retry.generate([LLMRequest.user("x")])
    assert response.ok and response.attempts == 2
    assert time.perf_counter() - start >= 0.3
    assert response.latency_s >= 0.3


def test_backoff_is_full_jitter_from_the_seeded_stream():
    a = RetryModel(
        MockLanguageModel(), rng=np.random.default_rng(7), backoff_s=1.0, max_backoff_s=5
    )
    b = RetryModel(
        MockLanguageModel(), rng=np.random.default_rng(7), backoff_s=1.0, max_backoff_s=5
    )
    delays_a = [a.delay(k) for k in range(1, 8) for _ in range(50)]
    delays_b = [b.delay(k) for k in range(1, 8) for _ in range(50)]
    assert delays_a == delays_b
    caps = np.repeat([min(5.0, 2.0 ** (k - 1)) for k in range(1, 8)], 50)
    assert np.all(np.asarray(delays_a) <= caps) and np.all(np.asarray(delays_a) >= 0)
    assert a.delay(1, retry_after_s=2.5) >= 2.5
    assert a.delay(1, retry_after_s=100.0) == 5.0  # capped


# -- limits -----------------------------------------------------------------------------------
@pytest.mark.timeout(20)
def test_timeout_cancels_slow_requests():
    backend = MockLanguageModel(latency_s=5.0)
    limits = LimitsModel(backend, timeout_s=0.1, concurrency=10)
    start = time.perf_counter()
    responses = limits.generate(_requests(5))
    assert time.perf_counter() - start < 2.0
    assert [r.error for r in responses] == ["timeout"] * 5
    assert backend.in_flight == 0


def test_concurrency_limit_limits():
    backend = MockLanguageModel(latency_s=0.02)
    responses = LimitsModel(backend, concurrency=5).generate(_requests(40))
    assert all(r.ok for r in responses)
    assert backend.max_in_flight == 5
    unlimited = MockLanguageModel(latency_s=0.02)
    LimitsModel(unlimited, concurrency=None).generate(_requests(40))
    assert unlimited.max_in_flight == 40


def test_rate_limit_spaces_requests():
    limits = LimitsModel(MockLanguageModel(), rate_limit_rps=100.0, concurrency=None)
    start = time.perf_counter()
    limits.generate(_requests(21))
    assert time.perf_counter() - start >= 0.19  # 20 gaps of 10 ms


def test_backend_exception_becomes_an_error():
    def boom(request):
        raise RuntimeError("bug")

    responses = LimitsModel(MockLanguageModel(fn=boom)).generate(_requests(2))
    assert [r.error for r in responses] == ["backend_error"] * 2


# -- budget -----------------------------------------------------------------------------------
def test_token_budget_stops_calls():
    backend = MockLanguageModel(texts=["x" * 40])  # 10 completion tokens each
    budget = BudgetModel(backend, max_tokens=100)
    requests = [LLMRequest.user("abcdefgh", max_tokens=10) for _ in range(30)]  # 2 + 10
    responses = budget.generate(requests)
    ok = [r for r in responses if r.ok]
    assert len(ok) == 8 and backend.calls == 8  # 8 * 12 = 96; a 9th would reach 108
    assert budget.tokens_used == 96 and budget.tokens_used <= 100
    assert [r.error for r in responses[8:]] == ["budget_exhausted"] * 22
    assert budget.exhausted
    later = budget.generate(requests[:3])
    assert all(r.error == "budget_exhausted" for r in later) and backend.calls == 8


def test_cost_budget_stops_calls():
    backend = MockLanguageModel(texts=["y" * 400])  # 100 completion tokens
    budget = BudgetModel(
        backend,
        max_cost_usd=0.01,
        price_prompt_per_mtok=1.0,
        price_completion_per_mtok=30.0,  # 100 tokens = $0.003
    )
    responses = budget.generate([LLMRequest.user("abcd", max_tokens=100) for _ in range(10)])
    assert sum(r.ok for r in responses) == 3
    assert budget.cost_usd == pytest.approx(3 * (1 * 1e-6 + 100 * 30e-6))
    assert budget.exhausted and budget.cost_usd <= 0.01


def test_budget_is_never_overshot_under_concurrency():
    backend = MockLanguageModel(texts=["z" * 40], latency_s=0.01)  # 1 + 10 tokens each
    budget = BudgetModel(backend, max_tokens=50)
    responses = budget.generate([LLMRequest.user("abcd", max_tokens=10) for _ in range(20)])
    assert sum(r.ok for r in responses) == backend.calls == 4  # 4 * 11 = 44; 55 > 50
    assert backend.max_in_flight == 4
    assert budget.tokens_used == 44 and budget.exhausted


def test_budget_smaller_than_one_request_refuses_at_once():
    backend = MockLanguageModel()
    budget = BudgetModel(backend, max_tokens=100)
    (response,) = budget.generate([LLMRequest.user("x", max_tokens=256)])
    assert response.error == "budget_exhausted" and backend.calls == 0


# -- accounting -------------------------------------------------------------------------------
def test_accounting_rows_and_totals():
    backend = MockLanguageModel(texts=["hello world"], failures=[None, "http_400"])
    acct = AccountingModel(CacheModel(backend), response_chars=5)
    acct.generate([LLMRequest.user("a", tag="decide"), LLMRequest.user("b", tag="interview")])
    acct.generate([LLMRequest.user("a", tag="decide")])  # a cache hit
    rows = acct.drain()
    assert list(rows) == list(ACCOUNTING_COLUMNS)
    assert rows["tag"] == ["decide", "interview", "decide"]
    assert rows["error"] == [None, "http_400", None]
    assert rows["cached"] == [False, False, True]
    assert rows["response_text"] == ["hello", "", "hello"]
    assert rows["prompt_hash"][0] == rows["prompt_hash"][2] != rows["prompt_hash"][1]
    assert all(len(v) == 3 for v in rows.values())
    assert acct.drain()["tag"] == []
    totals = acct.totals()
    assert totals["calls"] == 3 and totals["errors"] == 1 and totals["cache_hits"] == 1
    assert totals["errors_by_kind"] == {"http_400": 1}
    assert totals["latency_p95_s"] is not None


def test_find_layer():
    inner = MockLanguageModel()
    stack = AccountingModel(RetryModel(inner, rng=np.random.default_rng(0)))
    assert find_layer(stack, MockLanguageModel) is inner
    assert find_layer(stack, BudgetModel) is None
