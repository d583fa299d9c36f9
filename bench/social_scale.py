"""Scale of the social world: seconds per step and peak memory at 10k, 100k and 1M users.

Each size runs in a fresh subprocess (so its peak RSS is its own): the child builds the run
exactly as ``socium run`` does (the config of ``examples/social/x_1m.toml`` with the size
changed: rule agents, interest feeds from a 300-post pool, a flat activity profile with mean
level 0.1, i.e. 10% of the users online per step, events off), advances one warm-up step, then
times ``steps`` steps with :func:`time.perf_counter` (wall) and :func:`time.process_time`
(CPU of the process), and reports its ``ru_maxrss`` and the machine's load average (on a
shared machine the wall time grows with the load; the CPU time much less). A step includes
everything the engine does per step: activity sampling, the feeds, every slot round of rule
decisions and transitions, the opinion update and the step's table rows.

Targets at 1M users: median wall time per step <= 2 s on a 2-core machine, peak RSS <= 6 GB.

Run::

    python bench/social_scale.py [--sizes 10000 100000 1000000] [--steps 8]

Writes ``bench/results/social_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fmt_bytes, fmt_seconds, markdown_table, peak_rss_subprocess, write_results

TARGET_STEP_S = 2.0
TARGET_RSS_BYTES = 6 * 10**9
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "social" / "x_1m.toml"


def _child(n: int, steps: int, seed: int) -> None:
    """Build, warm up, time ``steps`` steps; print one JSON line."""
    import numpy as np

    from socium.experiment.config import load_config
    from socium.experiment.runner import build_simulation

    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    cfg = load_config(EXAMPLE, {"population.size": n, "run.seed": seed, "run.steps": steps + 1})
    sim = build_simulation(cfg)
    sim.collect_events = sim.world.collect_events = False
    build_s = time.perf_counter() - t0
    sim.initial_record()
    sim.advance()  # warm-up: the first step has no posts to rank yet
    wall, cpu, active, posts = [], [], [], []
    for _ in range(steps):
        w0, c0 = time.perf_counter(), time.process_time()
        rec = sim.advance()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        active.append(rec.metrics["active_users"])
        posts.append(rec.metrics["total_posts"])
    report = {
        "n": n,
        "steps": steps,
        "build_s": build_s,
        "wall_s": wall,
        "cpu_s": cpu,
        "median_wall_s": float(np.median(wall)),
        "median_cpu_s": float(np.median(cpu)),
        "active_per_step": float(np.mean(active)),
        "active_share": float(np.mean(active) / n),
        "posts_total": posts[-1],
        "follow_edges": len(sim.world.platform.follows),
        "maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        # 1-minute load average before and after: wall times on a shared machine inflate with
        # it, CPU times much less
        "load_average": [load_before, os.getloadavg()[0]],
        "niceness": os.nice(0),
    }
    print(json.dumps(report))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--name", default="social_scale", help="results file name")
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.steps, args.seed)
        return
    results: list[dict[str, Any]] = []
    for n in sorted(args.sizes, reverse=True):  # largest first: exact RUSAGE_CHILDREN peak
        out = peak_rss_subprocess(
            [__file__, "--child", str(n), "--steps", str(args.steps), "--seed", str(args.seed)]
        )
        if out["returncode"] != 0 or out["report"] is None:
            raise SystemExit(f"size {n} failed:\n{out['stderr']}")
        rep = out["report"]
        rep["peak_rss_bytes"] = out["peak_rss_bytes"] or rep["maxrss_bytes"]
        results.append(rep)
        print(
            f"n={n:>9,}: {fmt_seconds(rep['median_wall_s'])}/step wall, "
            f"{fmt_seconds(rep['median_cpu_s'])} CPU, build {fmt_seconds(rep['build_s'])}, "
            f"peak {fmt_bytes(rep['peak_rss_bytes'])}",
            flush=True,
        )
    results.sort(key=lambda r: r["n"])
    big = max(results, key=lambda r: r["n"])
    payload = {
        "config": str(EXAMPLE.relative_to(EXAMPLE.parents[2])),
        "targets": {"median_step_s_at_1m": TARGET_STEP_S, "peak_rss_bytes_at_1m": TARGET_RSS_BYTES},
        "sizes": results,
        "met": {
            "median_step": big["median_wall_s"] <= TARGET_STEP_S,
            "peak_rss": big["peak_rss_bytes"] <= TARGET_RSS_BYTES,
        }
        if big["n"] >= 1_000_000
        else None,
    }
    path = write_results(args.name, payload)
    rows = [
        [
            f"{r['n']:,}",
            f"{r['active_per_step']:,.0f}",
            fmt_seconds(r["median_wall_s"]),
            fmt_seconds(r["median_cpu_s"]),
            fmt_seconds(r["build_s"]),
            fmt_bytes(r["peak_rss_bytes"]),
        ]
        for r in results
    ]
    header = [
        "users",
        "online/step",
        "median step (wall)",
        "median step (CPU)",
        "build",
        "peak RSS",
    ]
    print(markdown_table(rows, header))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
