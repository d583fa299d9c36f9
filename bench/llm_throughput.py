"""LLM layer throughput: decisions per second over real HTTP, and of the local SmolLM2 backend.

(a) End to end against the instant mock server (``serve-llm --backend mock`` in a subprocess)
    over real HTTP: the full stack of :func:`socium.llm.build_language_model` (accounting,
    cache, budget, retry, timeout/concurrency) with the OpenAI-compatible backend at high
    concurrency; plus the bare backend, and the ``openai`` SDK client for comparison.
    Target: >= 1,000 requests/s on 2 cores.
(b) 10,000 requests against a server that sleeps 1 s per request. Target: <= 15 s.
(c) The local backend (SmolLM2-135M-Instruct, llama.cpp, in-process): decisions/s and
    tokens/s for a short JSON-schema decision.

Every request is a decision: a system prompt, a user prompt naming the agent, and a JSON
schema (a discriminated union of actions) that the answer follows.

Run::

    python bench/llm_throughput.py [--quick] [--skip-local]

Prints a table and writes ``bench/results/llm_throughput.json``. :func:`run_http_bench` is
reusable (the LLM policy bench adds render + parse + apply on top of it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import markdown_table, write_results
from socium.llm import LLMConfig, LLMRequest, build_language_model
from socium.llm.backends.openai_compat import OpenAICompatModel
from socium.llm.server import start_server_subprocess
from socium.llm.wrappers import LimitsModel

__all__ = ["DECISION_SCHEMA", "decision_requests", "run_http_bench", "run_local_bench"]

DECISION_SCHEMA: dict[str, Any] = {
    "$defs": {
        "Post": {
            "type": "object",
            "properties": {
                "action": {"const": "post"},
                "text": {"type": "string", "maxLength": 80},
            },
            "required": ["action", "text"],
        },
        "Follow": {
            "type": "object",
            "properties": {
                "action": {"const": "follow"},
                "target": {"type": "integer", "minimum": 0, "maximum": 999},
            },
            "required": ["action", "target"],
        },
        "Idle": {
            "type": "object",
            "properties": {"action": {"const": "idle"}},
            "required": ["action"],
        },
    },
    "type": "object",
    "properties": {
        "decision": {
            "oneOf": [
                {"$ref": "#/$defs/Post"},
                {"$ref": "#/$defs/Follow"},
                {"$ref": "#/$defs/Idle"},
            ],
            "discriminator": {"propertyName": "action"},
        },
        "opinion": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["decision", "opinion"],
}

_SYSTEM = (
    "You are an agent on a social platform. You read your feed and decide what to do next: "
    "post, follow someone, or stay idle. Answer with JSON only."
)


def decision_requests(n: int, *, schema: dict[str, Any] | None = None, max_tokens: int = 64):
    """``n`` distinct decision requests (agent ``i`` with its own opinion)."""
    rng = np.random.default_rng(0)
    opinions = rng.uniform(size=n)
    return [
        LLMRequest.user(
            f"You are agent {i}. Your opinion is {opinions[i]:.3f}. Your feed: agent {i + 1} "
            f"posted 'prices are rising'. What do you do?",
            system=_SYSTEM,
            schema=DECISION_SCHEMA if schema is None else schema,
            max_tokens=max_tokens,
            tag="decide",
        )
        for i in range(n)
    ]


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def run_http_bench(
    n_requests: int,
    concurrency: int,
    latency_s: float = 0.0,
    *,
    stack: str = "full",
    http_client: str | None = None,
    warmup: int | None = None,
    base_url: str | None = None,
) -> dict[str, Any]:
    """Send ``n_requests`` decisions over HTTP at ``concurrency`` in flight; time them.

    Parameters
    ----------
    n_requests : int
        Requests in the timed batch (one ``generate`` call).
    concurrency : int
        Most requests in flight (the stack's ``concurrency``).
    latency_s : float
        Seconds the mock server sleeps per request.
    stack : {"full", "bare"}
        ``full``: :func:`build_language_model` (accounting, in-memory cache, budget, retry,
        limits); ``bare``: the backend behind a concurrency limit only.
    http_client : {"aiohttp", "openai"}, optional
        The backend's HTTP client (default: aiohttp when installed).
    warmup : int, optional
        Requests sent before timing (opens the connections); default ``concurrency`` when
        ``latency_s == 0``, else 0.
    base_url : str, optional
        An already running server; default: start ``serve-llm --backend mock`` in a
        subprocess for this run.

    Returns
    -------
    dict
        ``n``, ``concurrency``, ``latency_s``, ``stack``, ``http_client``, ``wall_s``,
        ``rps``, ``ok``, ``errors`` (code -> count), ``client_cpu_us_per_request``,
        ``server_cpu_us_per_request`` (None for an external server), ``latency_p50_s``,
        ``latency_p95_s``.
    """
    server = None
    if base_url is None:
        server = start_server_subprocess(backend="mock", latency_s=latency_s)
        base_url = server.url
    try:
        if stack == "full":
            config = LLMConfig(
                backend="openai",
                base_url=base_url,
                model="mock",
                concurrency=concurrency,
                timeout_s=max(60.0, 10 * latency_s),
                cache_path=":memory:",
            )
            config = config.model_copy(update={"http_client": http_client or "auto"})
            lm = build_language_model(config, rng=np.random.default_rng(0))
            backend = lm.backend
        else:
            backend = OpenAICompatModel(
                base_url=base_url,
                model="mock",
                max_connections=concurrency + 16,
                http_client=http_client,  # type: ignore[arg-type]
                timeout_s=max(60.0, 10 * latency_s),
            )
            lm = LimitsModel(backend, timeout_s=None, concurrency=concurrency)
        n_warm = warmup if warmup is not None else (concurrency if latency_s == 0 else 0)
        if n_warm:
            lm.generate(decision_requests(n_warm, max_tokens=32))
        requests = decision_requests(n_requests + n_warm)[n_warm:]
        server_cpu0 = _cpu_of(server.process.pid) if server else None
        cpu0 = _own_cpu()
        start = time.perf_counter()
        responses = lm.generate(requests)
        wall = time.perf_counter() - start
        cpu = _own_cpu() - cpu0
        server_cpu = _cpu_of(server.process.pid) - server_cpu0 if server else None
        kind = backend.http_client  # type: ignore[attr-defined]
        lm.close()
    finally:
        if server is not None:
            server.close()
    errors: dict[str, int] = {}
    for r in responses:
        if r.error:
            errors[r.error] = errors.get(r.error, 0) + 1
    latencies = np.array([r.latency_s for r in responses])
    return {
        "n": n_requests,
        "concurrency": concurrency,
        "latency_s": latency_s,
        "stack": stack,
        "http_client": kind,
        "wall_s": round(wall, 3),
        "rps": round(n_requests / wall, 1),
        "ok": sum(r.ok for r in responses),
        "errors": errors,
        "client_cpu_us_per_request": round(cpu / n_requests * 1e6, 1),
        "server_cpu_us_per_request": (
            round(server_cpu / n_requests * 1e6, 1) if server_cpu is not None else None
        ),
        "latency_p50_s": round(float(np.percentile(latencies, 50)), 4),
        "latency_p95_s": round(float(np.percentile(latencies, 95)), 4),
    }


def run_local_bench(n_requests: int = 10, max_tokens: int = 64) -> dict[str, Any]:
    """Decisions/s and tokens/s of the local SmolLM2 backend (in-process, sequential).

    Returns
    -------
    dict
        ``n``, ``wall_s``, ``decisions_per_s``, ``completion_tokens_per_s``,
        ``prompt_tokens``, ``completion_tokens``, ``ok``, ``load_s``, ``n_threads``; or
        ``{"skipped": reason}`` when the local backend is unavailable.
    """
    from socium.llm.backends.local import LocalLlamaModel, local_backend_available

    reason = local_backend_available()
    if reason is not None:
        return {"skipped": reason}
    model = LocalLlamaModel()
    start = time.perf_counter()
    model.generate(decision_requests(1, max_tokens=8))  # load the model
    load_s = time.perf_counter() - start
    requests = decision_requests(n_requests + 1, max_tokens=max_tokens)[1:]
    start = time.perf_counter()
    responses = model.generate(requests)
    wall = time.perf_counter() - start
    prompt = sum(r.prompt_tokens for r in responses)
    completion = sum(r.completion_tokens for r in responses)
    return {
        "n": n_requests,
        "wall_s": round(wall, 3),
        "decisions_per_s": round(n_requests / wall, 2),
        "completion_tokens_per_s": round(completion / wall, 1),
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "ok": sum(r.ok for r in responses),
        "load_s": round(load_s, 2),
        "n_threads": model.n_threads,
        "example": responses[0].text,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the three benchmarks, print a table, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    parser.add_argument("--skip-local", action="store_true", help="skip (c)")
    args = parser.parse_args(argv)
    n_fast = 5_000 if args.quick else 20_000
    n_slow = 10_000
    load_before = os.getloadavg()

    runs = {
        "a_full_c64": run_http_bench(n_fast, 64),
        "a_full_c256": run_http_bench(n_fast, 256),
        "a_full_c1024": run_http_bench(n_fast, 1024),
        "a_bare_c256": run_http_bench(n_fast, 256, stack="bare"),
        "a_sdk_client_c64": run_http_bench(2_000, 64, http_client="openai"),
        "b_sleep_1s_c1000": run_http_bench(n_slow, 1_000, latency_s=1.0),
        "b_sleep_1s_c2000": run_http_bench(n_slow, 2_000, latency_s=1.0),
    }
    local = {"skipped": "--skip-local"} if args.skip_local else run_local_bench()

    rows = [
        [
            name,
            r["stack"],
            r["http_client"],
            r["n"],
            r["concurrency"],
            r["latency_s"],
            r["wall_s"],
            r["rps"],
            r["client_cpu_us_per_request"],
            r["server_cpu_us_per_request"],
            f"{r['ok']}/{r['n']}",
        ]
        for name, r in runs.items()
    ]
    print(
        markdown_table(
            rows,
            [
                "run",
                "stack",
                "client",
                "requests",
                "concurrency",
                "server sleep s",
                "wall s",
                "requests/s",
                "client CPU µs/req",
                "server CPU µs/req",
                "ok",
            ],
        )
    )
    if "skipped" in local:
        print(f"\nlocal SmolLM2: skipped ({local['skipped']})")
    else:
        print(
            f"\nlocal SmolLM2-135M (llama.cpp, {local['n_threads']} threads): "
            f"{local['decisions_per_s']} decisions/s, "
            f"{local['completion_tokens_per_s']} completion tokens/s "
            f"({local['n']} decisions, {local['ok']} ok, load {local['load_s']} s)"
        )
    best_b = min((runs["b_sleep_1s_c1000"], runs["b_sleep_1s_c2000"]), key=lambda r: r["wall_s"])
    targets = {
        "a_rps_at_least_1000": runs["a_full_c256"]["rps"] >= 1000,
        "b_10k_at_1s_within_15s": best_b["wall_s"] <= 15.0 and best_b["ok"] == n_slow,
    }
    load = {"before": load_before, "after": os.getloadavg()}
    # CPU per request is what the wall clock shows on idle cores (client and server on one
    # core each); on shared cores (a high load average) the wall clock says less.
    capacity = {
        name: round(
            1e6 / max(r["client_cpu_us_per_request"], r["server_cpu_us_per_request"] or 0.0)
        )
        for name, r in runs.items()
    }
    print(f"\ntargets: {targets}")
    print(f"load average (1, 5, 15 min) before {load_before}, after {load['after']}")
    print(f"requests/s one core each could sustain (1e6 / CPU us per request): {capacity}")
    path = write_results(
        "llm_throughput",
        {
            "http": runs,
            "local": local,
            "targets_met": targets,
            "load_average": load,
            "cpu_bound_capacity_rps": capacity,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
