"""Swarm rule baselines by board layout, and the cost of a round on large irregular boards.

Part 1 (scores): each task's rule baseline (10 agents, 10 x 10, 100 rounds, SwarmBench's
defaults) on the open arena, SwarmBench's foraging maze and random walls (``wall_density``
0.15), mean and standard deviation of the final score over ``--seeds`` seeds. Transport runs on
the open board only (its lane baseline is made for the east gap).

Part 2 (speed): seconds per round of the whole run loop (observe, decide, push physics, task
scoring) at 1,000 agents on 100 x 100 boards, open vs maze vs random walls with 50 movable
objects, side by side in one process: the ratio is the cost of irregular boards (geodesic
paths for the baselines).

Run::

    python bench/swarm_boards.py            # about a minute
    python bench/swarm_boards.py --seeds 3  # quicker

Results: markdown tables on stdout and ``bench/results/swarm_boards.json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import socium
from _common import environment, markdown_table, write_results

TASKS = ("pursuit", "synchronization", "foraging", "flocking", "transport")
LAYOUTS = ("open", "maze", "obstacles")


def scores(seeds: int) -> list[dict]:
    rows = []
    for task in TASKS:
        for layout in LAYOUTS:
            if task == "transport" and layout != "open":
                continue
            cfg = {
                "run": {"steps": 100},
                "population": {"size": 10},
                "world": {"name": "swarm", "model": task, "rounds": 100, "layout": layout},
                "record": {"plots": False},
            }
            vals = [socium.run(cfg, seed=s).final["score"] for s in range(seeds)]
            rows.append(
                {
                    "task": task,
                    "layout": layout,
                    "mean": float(np.mean(vals)),
                    "sd": float(np.std(vals, ddof=1)) if seeds > 1 else 0.0,
                }
            )
    return rows


def speed(agents: int, side: int, steps: int) -> list[dict]:
    rows = []
    for task in ("foraging", "pursuit"):
        for layout, extra in (("open", {}), ("maze", {}), ("obstacles", {"objects": 50})):
            cfg = {
                "run": {"steps": steps},
                "population": {"size": agents},
                "world": {
                    "name": "swarm",
                    "model": task,
                    "width": side,
                    "height": side,
                    "layout": layout,
                    "render_text": False,
                    **extra,
                },
                "record": {"plots": False},
            }
            t0 = time.perf_counter()
            socium.run(cfg, seed=1)
            rows.append(
                {
                    "task": task,
                    "layout": layout,
                    "seconds_per_round": (time.perf_counter() - t0) / steps,
                }
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--side", type=int, default=100)
    ap.add_argument("--steps", type=int, default=10)
    args = ap.parse_args()
    score_rows = scores(args.seeds)
    print(f"## Baseline scores (10 agents, 10 x 10, 100 rounds, {args.seeds} seeds)\n")
    print(
        markdown_table(
            [(r["task"], r["layout"], f"{r['mean']:.1f} ± {r['sd']:.1f}") for r in score_rows],
            ["task", "layout", "score"],
        )
    )
    speed_rows = speed(args.agents, args.side, args.steps)
    base = {r["task"]: r["seconds_per_round"] for r in speed_rows if r["layout"] == "open"}
    print(f"\n## Seconds per round ({args.agents} agents, {args.side} x {args.side})\n")
    print(
        markdown_table(
            [
                (
                    r["task"],
                    r["layout"],
                    f"{r['seconds_per_round']:.3f}",
                    f"{r['seconds_per_round'] / base[r['task']]:.2f}x",
                )
                for r in speed_rows
            ],
            ["task", "layout", "s / round", "vs open"],
        )
    )
    write_results(
        "swarm_boards",
        {
            "environment": environment(),
            "args": vars(args),
            "scores": score_rows,
            "speed": speed_rows,
        },
    )


if __name__ == "__main__":
    main()
