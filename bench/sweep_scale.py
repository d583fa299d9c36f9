"""Sweep throughput: runs per second of the local, process and Ray executors, side by side.

The workload is 1,000 small opinion runs: Deffuant (``epsilon`` x ``mu`` = 5 x 4 grid points,
50 replicates each) on a 100-node Erdős–Rényi graph for 20 steps (``--workload tiny``: 50 nodes,
5 steps, where the per-run overhead dominates), kept in memory
(``keep = "memory"``: each run leaves one index row; the journal and ``index.parquet`` are
written as in any sweep). Every executor must produce the same index table (timing aside); the
script checks it.

Rows:

* ``local``: in-process, one run after the other.
* ``process``: a process pool with the default workers (the CPU count); while the workers start,
  the driver runs runs itself (see :class:`socium.experiment.executors.PoolExecutor`).
* ``process, exact workers``: the same with ``--workers`` given, so no driver assistance.
* ``ray (starts Ray)``: ``ray.init()`` and ``ray.shutdown()`` inside the timing, as
  ``socium sweep --executor ray`` does on a laptop.
* ``ray (Ray up)``: Ray already initialised (a cluster), only the sweep is timed.

Run::

    python bench/sweep_scale.py                 # best of 3 per executor: a few minutes on 2 cores
    python bench/sweep_scale.py --repeats 1     # one pass
    python bench/sweep_scale.py --runs 200      # a quicker look

Results: a markdown table on stdout and ``bench/results/sweep_scale.json``
(``sweep_scale_tiny.json`` for the tiny workload).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import markdown_table, write_results
from socium.experiment.sweep import sweep

GRID = {"world.epsilon": [0.1, 0.2, 0.3, 0.4, 0.5], "world.mu": [0.2, 0.3, 0.4, 0.5]}
WORKLOADS: dict[str, dict[str, Any]] = {
    # the default: about 9 ms per run on an idle core
    "small": {
        "run": {"steps": 20},
        "network": {"kind": "erdos_renyi", "n": 100, "p": 0.05},
        "world": {"name": "opinion", "model": "deffuant"},
        "record": {"plots": False},
    },
    # the per-run overhead dominates: about 2 ms per run
    "tiny": {
        "run": {"steps": 5},
        "network": {"kind": "erdos_renyi", "n": 50, "p": 0.1},
        "world": {"name": "opinion", "model": "deffuant"},
        "record": {"plots": False},
    },
}


def _values(index: pd.DataFrame) -> list[list]:
    df = index.drop(columns=["wall_s"]).astype(object)
    return [
        [
            None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v
            for v in r
        ]
        for r in df.itertuples(index=False)
    ]


def _time_sweep(
    config: dict[str, Any], replicates: int, executor: str, workers: int | None
) -> tuple[float, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = sweep(
            config,
            GRID,
            replicates=replicates,
            seed=2024,
            executor=executor,
            workers=workers,
            out=Path(tmp) / "sweep",
            keep="memory",
        )
        wall = time.perf_counter() - start
    assert result.stats["failed"] == 0, result.failed["error"].iloc[0]
    return wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs per executor (x20 grid)")
    parser.add_argument("--repeats", type=int, default=3, help="best of k per executor")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="exact workers")
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray rows")
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="small")
    args = parser.parse_args()
    config = WORKLOADS[args.workload]
    replicates = max(1, args.runs // 20)
    runs = 20 * replicates
    cases: list[tuple[str, str, int | None]] = [
        ("local", "local", None),
        ("process", "process", None),
        (f"process, exact workers ({args.workers})", "process", args.workers),
    ]
    ray = None
    if not args.no_ray:
        try:
            import ray
        except ImportError:
            print("ray is not installed: skipping the Ray rows (pip install 'socium[ray]')")
    if ray is not None:
        cases += [("ray (starts Ray)", "ray", args.workers), ("ray (Ray up)", "ray", None)]

    # repeats go round robin over the executors, so a burst of load on a shared machine hits
    # them alike; each executor keeps its best repeat
    load_start = os.getloadavg()  # the benchmark is only as quiet as the machine
    samples: dict[str, list[tuple[float, Any]]] = {label: [] for label, _, _ in cases}
    ray_init: list[float] = []
    for repeat in range(args.repeats):
        for label, executor, workers in cases:
            if label == "ray (Ray up)":
                start = time.perf_counter()
                ray.init(num_cpus=args.workers, include_dashboard=False, logging_level="WARNING")
                ray_init.append(time.perf_counter() - start)
            try:
                wall, result = _time_sweep(config, replicates, executor, workers)
            finally:
                if label == "ray (Ray up)":
                    ray.shutdown()
            samples[label].append((wall, result))
            print(f"[{repeat + 1}/{args.repeats}] {label}: {runs / wall:.1f} runs/s", flush=True)

    rows, records, reference = [], [], None
    for label, _, _ in cases:
        wall, result = min(samples[label], key=lambda s: s[0])
        values = _values(result.index)
        if reference is None:
            reference = values
        identical = values == reference
        assert identical, f"{label}: the index differs from the local executor's"
        stats = result.stats
        records.append(
            {
                "executor": label,
                "runs": runs,
                "workers": stats["workers"],
                "wall_s": [round(s[0], 4) for s in samples[label]],
                "best_wall_s": round(wall, 4),
                "runs_per_s": round(runs / wall, 2),
                "startup_s": stats["startup_s"],
                "ray_init_s": [round(t, 3) for t in ray_init] if label == "ray (Ray up)" else None,
                "mean_run_s": round(float(result.index["wall_s"].mean()), 5),
                "identical_to_local": identical,
            }
        )
    local_rate = records[0]["runs_per_s"]
    for r in records:
        rows.append(
            [
                r["executor"],
                r["workers"],
                r["runs"],
                f"{r['best_wall_s']:.2f}",
                f"{r['runs_per_s']:.1f}",
                f"{r['runs_per_s'] / local_rate:.2f}x",
                f"{r['startup_s']:.2f}",
                f"{r['mean_run_s'] * 1000:.1f}",
            ]
        )
    header = ["executor", "workers", "runs", "wall s", "runs/s", "vs local", "start s", "ms/run"]
    print()
    print(markdown_table(rows, header))
    print(f"load average (1 min): {load_start[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end")
    versions = {"ray": getattr(ray, "__version__", None)}
    name = "sweep_scale" if args.workload == "small" else f"sweep_scale_{args.workload}"
    path = write_results(
        name,
        {
            "workload": {
                "name": args.workload,
                "config": config,
                "grid": GRID,
                "replicates": replicates,
                "keep": "memory",
            },
            "repeats": args.repeats,
            "load_average_1m": {"start": load_start[0], "end": os.getloadavg()[0]},
            "extra_versions": versions,
            "results": records,
        },
    )
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
