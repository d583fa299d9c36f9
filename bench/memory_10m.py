"""Peak memory of a DeGroot run on a 10M-node sparse graph (target: <= 4 GB peak RSS).

Two fresh subprocesses:

1. ``run``: ``socium.run(config, steps=S)`` in memory, events and plots off -- the headline
   number (the child's ``ru_maxrss``). A sampler thread watches the RSS and, each time it reaches
   a new high, records the Python stack of the main thread, so the file:line that was running at
   the peak is known.
2. ``stages``: the same build as :func:`socium.experiment.runner.build_simulation`, one part at a
   time (network, population, world, schedule/policy, steps, final tables), with the RSS after
   each part and, under :mod:`tracemalloc` (numpy reports its buffers to it), the peak of traced
   memory within the part and its largest live allocation sites.

Run::

    python bench/memory_10m.py [--n 10000000] [--kind watts_strogatz] [--steps 3]

Writes ``bench/results/memory_10m.json`` (``memory_10m_<kind>.json`` for another ``--kind``).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    fmt_bytes,
    markdown_table,
    peak_rss_subprocess,
    rss_bytes,
    write_results,
)

TARGET_BYTES = 4 * 10**9


def _config(args) -> dict[str, Any]:
    if args.kind == "watts_strogatz":
        network = {"kind": "watts_strogatz", "n": args.n, "k": args.k, "p": 0.1}
    elif args.kind == "barabasi_albert":
        network = {"kind": "barabasi_albert", "n": args.n, "m": args.k // 2}
    else:
        network = {"kind": "erdos_renyi", "n": args.n, "p": args.k / args.n}
    return {
        "run": {"steps": args.steps},
        "network": network,
        "population": {"init": {"opinion": {"dist": "uniform", "low": 0.0, "high": 1.0}}},
        "world": {"name": "opinion", "model": "degroot"},
        "record": {"events": False, "plots": False},
    }


def _maxrss() -> int:
    v = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(v) if sys.platform == "darwin" else int(v) * 1024


class PeakSampler:
    """Background thread: RSS every ``interval`` s; at each new high (by ``step`` bytes) keeps
    the main thread's stack (innermost frames first)."""

    def __init__(self, interval: float = 0.02, step: int = 32 * 2**20):
        self.interval, self.step = interval, step
        self.main = threading.main_thread().ident
        self.peak = 0
        self.peak_stack: list[str] = []
        self.peak_label = ""
        self.label = ""
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            r = rss_bytes()
            if r > self.peak + self.step or (r > self.peak and not self.peak_stack):
                frame = sys._current_frames().get(self.main)
                stack = []
                while frame is not None and len(stack) < 12:
                    stack.append(
                        f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})"
                    )
                    frame = frame.f_back
                self.peak, self.peak_stack, self.peak_label = r, stack, self.label
            elif r > self.peak:
                self.peak = r
            time.sleep(self.interval)

    def __enter__(self) -> PeakSampler:
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def _short(path_line: str) -> str:
    for marker in ("site-packages/", "src/"):
        i = path_line.find(marker)
        if i >= 0:
            return path_line[i + len(marker) :]
    i = path_line.find("socium/")
    return path_line[i:] if i >= 0 else path_line


# ------------------------------------------------------------------------------------ children
def child_run(args) -> dict[str, Any]:
    import socium

    base = rss_bytes()
    with PeakSampler() as sampler:
        t0 = time.perf_counter()
        r = socium.run(_config(args), seed=args.seed)
        wall = time.perf_counter() - t0
    return {
        "mode": "run",
        "rss_after_import": base,
        "peak_rss_bytes": _maxrss(),
        "sampled_peak_rss_bytes": sampler.peak,
        "stack_at_peak": [_short(s) for s in sampler.peak_stack],
        "wall_s": wall,
        "loop_wall_s": r.summary["run"]["wall_s"],
        "steps": r.summary["run"]["steps"],
        "edges": r.simulation.network.num_edges if r.simulation else None,
    }


def child_stages(args) -> dict[str, Any]:
    import tracemalloc

    from socium.core.engine import Simulation
    from socium.core.network_spec import build_network
    from socium.core.population import Population
    from socium.core.registry import POLICIES, WORLDS
    from socium.core.rng import RunRNG
    from socium.core.schedule import build_schedule
    from socium.experiment.config import load_config

    cfg = load_config(_config(args), {"run.seed": args.seed})
    stages: list[dict[str, Any]] = []
    tracemalloc.start(8)
    snap = tracemalloc.take_snapshot()

    def stage(name: str, fn):
        nonlocal snap
        tracemalloc.reset_peak()
        t0 = time.perf_counter()
        out = fn()
        wall = time.perf_counter() - t0
        cur, peak = tracemalloc.get_traced_memory()
        new = tracemalloc.take_snapshot()
        top = [
            {
                "where": _short(f"{s.traceback[0].filename}:{s.traceback[0].lineno}"),
                "bytes": s.size_diff,
            }
            for s in new.compare_to(snap, "lineno")[:6]
            if s.size_diff > 8 * 2**20
        ]
        snap = new
        stages.append(
            {
                "stage": name,
                "wall_s": wall,
                "rss_bytes": rss_bytes(),
                "traced_bytes": cur,
                "traced_peak_bytes": peak,
                "top_new_live": top,
            }
        )
        print(json.dumps({"progress": name, "rss": rss_bytes()}), file=sys.stderr, flush=True)
        return out

    rng = RunRNG(cfg.run.seed)
    net = stage("network", lambda: build_network(cfg.sections.network, rng.stream("network")))
    pop = Population(net.n)

    def init():
        for field, spec in cfg.sections.population.init.items():
            pop[field] = spec.sample(net.n, rng.stream(f"population.{field}"), None)

    stage("population", init)
    world = stage(
        "world", lambda: WORLDS.get(cfg.world_name)(cfg.world, pop, net, rng.stream("world"))
    )

    def parts():
        schedule = build_schedule(cfg.sections.schedule or world.default_schedule(), pop)
        policy = POLICIES.get(cfg.sections.policy.kind)(
            world, cfg.sections.policy.model_dump(), rng.stream("policy")
        )
        return Simulation(rng, pop, net, world, schedule, policy)

    sim = stage("schedule+policy", parts)
    stage("initial metrics", sim.initial_record)
    for i in range(args.steps):
        stage(f"step {i + 1}", sim.advance)
    stage("final metrics", world.final_metrics)
    stage("agent table", world.agent_table)
    tracemalloc.stop()
    return {"mode": "stages", "stages": stages, "peak_rss_bytes": _maxrss()}


# -------------------------------------------------------------------------------------- parent
def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument(
        "--kind",
        default="watts_strogatz",
        choices=["watts_strogatz", "barabasi_albert", "erdos_renyi"],
    )
    ap.add_argument("--k", type=int, default=4, help="mean degree (ws k; ba m = k/2)")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", choices=["run", "stages"])
    ap.add_argument("--no-stages", action="store_true", help="skip the stage breakdown")
    args = ap.parse_args(argv)

    if args.child:
        out = child_run(args) if args.child == "run" else child_stages(args)
        print(json.dumps(out))
        return out

    common = [
        "--n",
        str(args.n),
        "--kind",
        args.kind,
        "--k",
        str(args.k),
        "--steps",
        str(args.steps),
        "--seed",
        str(args.seed),
    ]
    me = str(Path(__file__).resolve())
    print(
        f"DeGroot, {args.kind} n={args.n:,} k={args.k}, {args.steps} steps: socium.run in a "
        "subprocess ...",
        flush=True,
    )
    run = peak_rss_subprocess([me, "--child", "run", *common])
    if run["returncode"] != 0 or run["report"] is None:
        print(run["stderr"])
        raise SystemExit(f"child run failed with code {run['returncode']}")
    rep = run["report"]
    peak = rep["peak_rss_bytes"]
    verdict = "OK" if peak <= TARGET_BYTES else "OVER TARGET"
    print(
        f"peak RSS {fmt_bytes(peak)} ({peak / 1e9:.2f} GB; target <= 4 GB: {verdict}); "
        f"run wall {rep['wall_s']:.1f} s, loop {rep['loop_wall_s']:.2f} s"
    )
    print("stack at the RSS peak (innermost first):")
    for s in rep["stack_at_peak"][:8]:
        print("   ", s)
    result: dict[str, Any] = {
        "config": _config(args),
        "run": rep,
        "target_bytes": TARGET_BYTES,
        "within_target": peak <= TARGET_BYTES,
        "parent_rusage_children_peak": run["peak_rss_bytes"],
    }
    if not args.no_stages:
        print("stage breakdown (tracemalloc) ...", flush=True)
        st = peak_rss_subprocess([me, "--child", "stages", *common])
        if st["returncode"] == 0 and st["report"]:
            rows = []
            for s in st["report"]["stages"]:
                top = ", ".join(f"{t['where']} {fmt_bytes(t['bytes'])}" for t in s["top_new_live"])
                rows.append(
                    [
                        s["stage"],
                        f"{s['wall_s']:.2f} s",
                        fmt_bytes(s["rss_bytes"]),
                        fmt_bytes(s["traced_peak_bytes"]),
                        top,
                    ]
                )
            table = markdown_table(
                rows,
                [
                    "stage",
                    "wall",
                    "RSS after",
                    "traced peak in stage",
                    "largest new live allocations",
                ],
            )
            print(table)
            result["stages"] = st["report"]["stages"]
            result["stages_table_markdown"] = table
        else:
            print(st["stderr"])
    name = "memory_10m" if args.kind == "watts_strogatz" else f"memory_10m_{args.kind}"
    path = write_results(name, result)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
