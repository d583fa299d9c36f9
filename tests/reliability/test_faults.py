"""Fault suite: LLM agents against an OpenAI-compatible server that fails 30% of requests.

The server (``socium serve-llm --backend mock --fault-rate 0.3``, here in a thread) answers
with 500s, hangs past the client timeout, drops connections, sends truncated and garbage JSON,
and 429s with Retry-After. A social run with 150 LLM users among 400 must complete; every fault
the server injected must show up in the run's accounting (``llm_calls.retried_errors`` and
``error``) and in the summary (``llm_faults*``); every fallback must be counted; and the whole
run is bounded in time so a deadlock fails the test instead of hanging CI.
"""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

import socium
from socium.llm.server import start_server_in_thread

FAULT_RATE = 0.3
WALL_BOUND_S = 150.0


def _config(url: str) -> dict:
    return {
        "run": {"seed": 11, "steps": 3, "checkpoint_every": 1},
        "population": {"size": 400},
        "world": {"name": "social", "platform": "x", "feed_size": 5, "start_hour": 18},
        "policy": {
            "kind": "mixed",
            "groups": [{"select": {"ids": [0, 150]}, "policy": {"kind": "llm"}}],
        },
        "llm": {
            "backend": "openai",
            "base_url": url,
            "timeout_s": 1.0,
            "max_retries": 1,
            "backoff_s": 0.01,
            "concurrency": 64,
            "max_tokens": 64,
        },
    }


@pytest.mark.timeout(240)
def test_runs_survive_a_flaky_server_and_account_for_every_fault(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fault-suite")
    with start_server_in_thread(
        backend="mock", fault_rate=FAULT_RATE, fault_seed=5, hang_s=3.0, retry_after_s=0.02
    ) as server:
        start = time.perf_counter()
        run = socium.run(_config(server.url), out=tmp_path / "run")
        wall = time.perf_counter() - start
        stats = server.stats()
    assert wall < WALL_BOUND_S, f"the run took {wall:.0f} s: something waits too long"

    injected = stats["faults"]
    assert stats["requests"] > 50
    # every fault kind of the server was exercised
    assert set(injected) >= {"http_500", "hang", "drop", "truncated", "garbage", "rate_limited"}
    share = sum(injected.values()) / stats["requests"]
    assert 0.15 < share < 0.45

    final = run.final
    faults_seen = final["llm_faults"]
    # each injected fault is one failed attempt on the client side, recorded by kind
    assert faults_seen == sum(injected.values())
    assert final["llm_faults_timeout"] == injected["hang"]
    assert final["llm_faults_rate_limited"] == injected["rate_limited"]

    calls = run.table("llm_calls")
    retried = sum(len([e for e in s.split(",") if e]) for s in calls["retried_errors"].fillna(""))
    assert retried + int(calls["error"].notna().sum()) == faults_seen
    assert int(calls["attempts"].sum()) == stats["requests"]

    decisions = run.table("llm_decisions")
    assert len(decisions) == final["llm_decisions"]
    assert final["llm_fallbacks"] > 0  # one retry cannot recover every fault
    assert int((~decisions["ok"].astype(bool)).sum()) == final["llm_fallbacks"]
    fallbacks = {k: v for k, v in final.items() if k.startswith("llm_fallbacks_")}
    assert sum(fallbacks.values()) == final["llm_fallbacks"]

    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["final"]["llm_faults"] == faults_seen
    with sqlite3.connect(tmp_path / "run" / "run.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        steps = [r[0] for r in conn.execute("SELECT DISTINCT step FROM metrics ORDER BY step")]
    assert steps == [0, 1, 2, 3]
