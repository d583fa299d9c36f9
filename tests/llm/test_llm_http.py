"""Real HTTP: the OpenAI-compatible backend against ``serve-llm --backend mock``."""

from __future__ import annotations

import collections
import json
import time
import urllib.request

import numpy as np
import pytest
from pydantic import BaseModel, Field

from socium.llm import LLMConfig, build_language_model
from socium.llm.backends.openai_compat import Endpoint, OpenAICompatModel
from socium.llm.interface import LLMRequest
from socium.llm.server import FAULT_KINDS, start_server_in_thread, start_server_subprocess

CLIENTS = ["aiohttp", "openai"]


class Vote(BaseModel):
    choice: int = Field(ge=1, le=3)
    reason: str = Field(max_length=30)


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, json.loads(response.read())


def test_server_routes(mock_server):
    root = mock_server.url.removesuffix("/v1")
    assert _get(root + "/health") == (200, {"status": "ok"})
    status, models = _get(mock_server.url + "/models")
    assert status == 200 and models["data"][0]["id"] == "mock"
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(root + "/nope")
    assert err.value.code == 404


@pytest.mark.parametrize("client", CLIENTS)
def test_openai_backend_json_schema_over_http(mock_server, client):
    lm = OpenAICompatModel(base_url=mock_server.url, http_client=client)
    try:
        requests = [
            LLMRequest.user(f"agent {i} votes", schema=Vote.model_json_schema()) for i in range(40)
        ]
        responses = lm.generate(requests)
        assert all(r.ok for r in responses), {r.error for r in responses}
        for response in responses:
            Vote.model_validate_json(response.text)
            assert response.model == "mock" and response.completion_tokens > 0
        # The server's model was discovered from /v1/models.
        assert lm.name == "mock"
        # Same answers as the mock backend in-process: the request went through intact.
        again = lm.generate(requests[:3])
        assert [r.text for r in again] == [r.text for r in responses[:3]]
        plain = lm.generate([LLMRequest.user("no schema")])[0]
        assert plain.ok and plain.text.startswith("mock reply")
    finally:
        lm.close()


def test_two_key_switch_from_local_to_http(mock_server):
    config = LLMConfig.model_validate({"backend": "openai", "base_url": mock_server.url})
    lm = build_language_model(config, rng=np.random.default_rng(0))
    try:
        assert lm.generate([LLMRequest.user("hi")])[0].ok
        assert lm.backend.name == "mock"
    finally:
        lm.close()


@pytest.mark.parametrize("client", CLIENTS)
def test_pool_balances_across_two_servers(mock_server_pair, client):
    a, b = mock_server_pair
    lm = OpenAICompatModel([Endpoint(a.url), Endpoint(b.url)], http_client=client)
    try:
        a0, b0 = a.stats()["requests"], b.stats()["requests"]
        responses = lm.generate([LLMRequest.user(f"q{i}") for i in range(60)])
        assert all(r.ok for r in responses)
        served_a = a.stats()["requests"] - a0
        served_b = b.stats()["requests"] - b0
        assert served_a + served_b == 60 and abs(served_a - served_b) <= 2
        assert {r.model for r in responses} == {"m-a", "m-b"}
        assert [s["served"] for s in lm.endpoint_stats()] == [served_a, served_b]
    finally:
        lm.close()


def test_pool_weights_and_least_outstanding(mock_server_pair):
    a, b = mock_server_pair
    lm = OpenAICompatModel([Endpoint(a.url, weight=3.0), Endpoint(b.url, weight=1.0)])
    try:
        lm.generate([LLMRequest.user(f"w{i}") for i in range(80)])
        served = [s["served"] for s in lm.endpoint_stats()]
        assert served[0] == pytest.approx(60, abs=3) and sum(served) == 80
    finally:
        lm.close()


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.timeout(30)
def test_each_fault_maps_to_its_error(client):
    expected = {
        "http_500": "http_500",
        "hang": "timeout",
        "drop": "connection",
        "truncated": "bad_response",
        "garbage": "bad_response",
        "rate_limited": "rate_limited",
    }
    assert set(expected) == set(FAULT_KINDS)
    for kind, error in expected.items():
        with start_server_in_thread(
            backend="mock", fault_rate=1.0, fault_kinds=[kind], hang_s=5, retry_after_s=0.25
        ) as server:
            lm = OpenAICompatModel(
                base_url=server.url, model="mock", timeout_s=0.5, http_client=client
            )
            try:
                (response,) = lm.generate([LLMRequest.user("x")])
            finally:
                lm.close()
        assert response.error == error, (kind, response)
        assert response.text == ""
        if kind == "rate_limited":
            assert response.retry_after_s == pytest.approx(0.25)


@pytest.mark.timeout(60)
def test_fault_server_with_retries_ends_bounded_and_explicit(secret_key, tmp_path):
    n = 200
    with start_server_in_thread(
        backend="mock", fault_rate=0.3, fault_seed=11, hang_s=10, retry_after_s=0.05
    ) as server:
        config = LLMConfig(
            backend="openai",
            base_url=server.url,
            model="mock",
            http_client="aiohttp",
            timeout_s=0.5,
            max_retries=4,
            backoff_s=0.02,
            concurrency=64,
            cache_path=str(tmp_path / "cache.sqlite"),
            api_key_env="SOCIUM_TEST_KEY",
        )
        lm = build_language_model(config, run_dir=tmp_path, rng=np.random.default_rng(5))
        start = time.perf_counter()
        responses = lm.generate([LLMRequest.user(f"agent {i}", tag="decide") for i in range(n)])
        elapsed = time.perf_counter() - start
        stats = server.stats()
        rows = lm.drain()
        totals = lm.totals()
        reprs = [repr(lm), repr(lm.backend), repr(lm.cache), repr(lm.retry), repr(config)]
        lm.close()
    assert elapsed < 30
    assert len(responses) == n
    for r in responses:
        assert (r.ok and r.text) or (not r.ok and r.error and r.text == "")
    ok = sum(r.ok for r in responses)
    assert ok >= n - 5  # a request fails only after 5 faults in a row (0.3**5)
    # The server injected every kind, and every fault cost the client a failed attempt (on a
    # loaded machine a slow normal answer may time out too, hence >=).
    faults = stats["faults"]
    assert set(faults) == set(FAULT_KINDS)
    assert sum(rows["attempts"]) == totals["attempts"]
    assert stats["requests"] <= totals["attempts"]
    assert totals["attempts"] - ok >= sum(faults.values()) > 0
    assert collections.Counter(r.attempts for r in responses)[1] < n
    # The key leaks nowhere: rows, totals, reprs, errors, the cache file.
    blob = json.dumps([rows, totals], default=str) + "".join(reprs)
    blob += "".join(str(r) for r in responses)
    assert secret_key not in blob
    for path in tmp_path.iterdir():
        assert secret_key.encode() not in path.read_bytes()


@pytest.mark.timeout(60)
def test_subprocess_server_and_high_concurrency():
    with start_server_subprocess(backend="mock", latency_s=0.5) as server:
        config = LLMConfig(backend="openai", base_url=server.url, concurrency=500, cache=False)
        lm = build_language_model(config, rng=np.random.default_rng(0))
        try:
            start = time.perf_counter()
            responses = lm.generate([LLMRequest.user(f"q{i}") for i in range(1000)])
            elapsed = time.perf_counter() - start
        finally:
            lm.close()
        _, stats = _get(server.url.removesuffix("/v1") + "/stats")
    assert all(r.ok for r in responses)
    # 1000 requests of 0.5 s: in waves of up to 500, not one by one (500 s).
    assert 250 <= stats["max_in_flight"] <= 500
    assert stats["requests"] == 1000
    assert elapsed < 20.0
    assert server.process.returncode is not None  # closed


@pytest.mark.parametrize("client", CLIENTS)
def test_api_key_is_sent_from_the_named_variable(secret_key, monkeypatch, client):
    from socium.llm.backends.mock import MockLanguageModel
    from socium.llm.server import LLMServerApp, ServerHandle

    seen: list[bytes] = []
    app = LLMServerApp(MockLanguageModel())

    async def recording(scope, receive, send):
        if scope["type"] == "http":
            seen.append(dict(scope["headers"]).get(b"authorization", b""))
        await app(scope, receive, send)

    with ServerHandle(recording, "127.0.0.1", 0, "critical")._start(10) as server:
        lm = OpenAICompatModel(
            base_url=server.url, model="m", api_key_env="SOCIUM_TEST_KEY", http_client=client
        )
        assert lm.generate([LLMRequest.user("x")])[0].ok
        monkeypatch.delenv("SOCIUM_TEST_KEY")
        unset = OpenAICompatModel(
            base_url=server.url, model="m", api_key_env="SOCIUM_TEST_KEY", http_client=client
        )
        assert unset.generate([LLMRequest.user("x")])[0].ok
        assert secret_key not in repr(lm) and secret_key not in str(vars(lm))
        lm.close()
        unset.close()
    assert seen == [f"Bearer {secret_key}".encode(), b"Bearer EMPTY"]


def test_serve_llm_command_is_a_typer_command():
    import typer
    from typer.testing import CliRunner

    from socium.llm.server import serve_llm_command

    app = typer.Typer()
    app.command("serve-llm")(serve_llm_command)
    app.command("noop")(lambda: None)  # two commands: serve-llm is addressed by name
    result = CliRunner().invoke(app, ["serve-llm", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--backend", "--model-path", "--latency-s",
                   "--fault-rate", "--fault-seed"):  # fmt: skip
        assert option in result.output
    bad = CliRunner().invoke(app, ["serve-llm", "--backend", "vllm"])
    assert bad.exit_code != 0
