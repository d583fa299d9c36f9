"""LLM agents end to end: decisions per second counting render, call, parse and apply.

Where ``bench/llm_throughput.py`` measures the language-model layer alone, this runs whole
simulation steps with the LLM policy driving every agent, against ``serve-llm --backend mock``
in a subprocess over real HTTP:

(a) the opinion world (DeGroot, one synchronous batch per step) and the social world (X,
    interest feed) against the instant server: decisions/s = LLM decisions / step wall time,
    where a step renders every prompt (Jinja2), sends the batch, validates every answer against
    the world's action schema, and applies the actions. Target: >= 1,000 decisions/s on 2 cores.
(b) 10,000 opinion agents deciding one round against a server that sleeps 1 s per request.
    Target: <= 15 s.
(c) The archetype policy on 1,000,000 social users (mock model in-process): LLM calls per step.
    Target: <= 1,000.

The response cache is off, so every decision is a real HTTP request. Build time (network,
world, first connection) is measured with a 0-step run and subtracted.

Run::

    python bench/llm_policy_throughput.py [--quick]

Prints a table and writes ``bench/results/llm_policy_throughput.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import socium
from _common import markdown_table, write_results
from socium.llm.server import start_server_subprocess

__all__ = ["opinion_config", "run_archetype_bench", "run_policy_bench", "social_config"]


def _llm(url: str, concurrency: int) -> dict[str, Any]:
    return {
        "backend": "openai",
        "base_url": url,
        "cache": False,
        "concurrency": concurrency,
        "timeout_s": 60,
        "max_tokens": 32,
    }


def opinion_config(n: int, url: str, concurrency: int) -> dict[str, Any]:
    """DeGroot on a BA network, every agent decided by the LLM policy each step."""
    return {
        "run": {"seed": 3},
        "network": {"kind": "barabasi_albert", "n": n, "m": 2},
        "world": {"name": "opinion", "model": "degroot"},
        "policy": {"kind": "llm", "memory_items": 2},
        "llm": _llm(url, concurrency),
        "record": {"plots": False},
    }


def social_config(n: int, url: str, concurrency: int, embedder: str = "hashing") -> dict[str, Any]:
    """An X-like platform with every user driven by the LLM policy.

    LLM-written posts get topic vectors from their text: ``hashing`` embeds in microseconds,
    ``minilm`` costs about a millisecond per post plus a one-time model load of seconds.
    """
    return {
        "run": {"seed": 3},
        "population": {"size": n},
        "world": {
            "name": "social",
            "platform": "x",
            "start_hour": 18,
            "feed_size": 5,
            "embedder": embedder,
        },
        "policy": {"kind": "llm", "memory_items": 2},
        "llm": _llm(url, concurrency),
        "record": {"plots": False},
    }


def run_policy_bench(config: dict[str, Any], steps: int) -> dict[str, Any]:
    """Time ``steps`` steps of ``config`` minus its build; count LLM decisions."""
    start = time.perf_counter()
    socium.run(config, steps=0)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    run = socium.run(config, steps=steps)
    wall = time.perf_counter() - start - build_s
    final = run.final
    decisions = int(final["llm_decisions"])
    return {
        "world": config["world"]["name"],
        "agents": run.summary["run"]["n_agents"],
        "steps": steps,
        "decisions": decisions,
        "fallbacks": int(final["llm_fallbacks"]),
        "build_s": round(build_s, 3),
        "steps_wall_s": round(wall, 3),
        "decisions_per_s": round(decisions / wall, 1) if wall > 0 else None,
    }


def run_archetype_bench(n: int, steps: int = 2) -> dict[str, Any]:
    """The archetype policy on ``n`` social users: LLM calls per step and wall time."""
    config = {
        "run": {"seed": 3, "steps": steps},
        "population": {"size": n},
        "world": {"name": "social", "platform": "x", "start_hour": 18, "embedder": "hashing"},
        "policy": {"kind": "archetype", "max_groups": 1000},
        "llm": {"backend": "mock", "cache": False},
        "record": {"plots": False, "events": False},
    }
    start = time.perf_counter()
    run = socium.run(config)
    wall = time.perf_counter() - start
    calls = run.metrics["llm_calls"].iloc[1:]
    return {
        "users": n,
        "steps": steps,
        "wall_s_with_build": round(wall, 2),
        "llm_calls_per_step": [int(c) for c in calls],
        "member_decisions": int(run.final["archetype_members"]),
        "calls_saved_rate": round(float(run.final["archetype_calls_saved_rate"]), 5),
    }


def main(argv: list[str] | None = None) -> None:
    """Run (a) and (b), print a table and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller populations")
    args = parser.parse_args(argv)
    n_opinion = 2_000 if args.quick else 5_000
    n_social = 2_000 if args.quick else 5_000
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    with start_server_subprocess(backend="mock") as server:
        results["a_opinion"] = run_policy_bench(opinion_config(n_opinion, server.url, 256), 3)
        results["a_social"] = run_policy_bench(social_config(n_social, server.url, 256), 3)
        results["a_social_minilm"] = run_policy_bench(
            social_config(n_social, server.url, 256, "minilm"), 3
        )
    with start_server_subprocess(backend="mock", latency_s=1.0) as server:
        results["b_opinion_10k_sleep_1s"] = run_policy_bench(
            opinion_config(10_000, server.url, 2_000), 1
        )
    archetype = run_archetype_bench(200_000 if args.quick else 1_000_000)
    header = ["run", "world", "agents", "steps", "decisions", "fallbacks", "wall s", "decisions/s"]
    rows = [
        [
            name,
            r["world"],
            r["agents"],
            r["steps"],
            r["decisions"],
            r["fallbacks"],
            r["steps_wall_s"],
            r["decisions_per_s"],
        ]
        for name, r in results.items()
    ]
    print(markdown_table(rows, header))
    targets = {
        "a_decisions_per_s_at_least_1000": min(
            results["a_opinion"]["decisions_per_s"], results["a_social"]["decisions_per_s"]
        )
        >= 1000,
        "b_10k_round_within_15s": results["b_opinion_10k_sleep_1s"]["steps_wall_s"] <= 15.0,
        "c_archetype_calls_per_step_at_most_1000": max(archetype["llm_calls_per_step"]) <= 1000,
    }
    print(f"\narchetype on {archetype['users']:,} social users: {archetype}")
    load = {"before": load_before, "after": os.getloadavg()}
    print(f"\ntargets: {targets}\nload average before {load_before}, after {load['after']}")
    path = write_results(
        "llm_policy_throughput",
        {"runs": results, "archetype": archetype, "targets_met": targets, "load_average": load},
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
