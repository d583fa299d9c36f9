"""socium's engine vs hand-written numpy/scipy kernels of the SAME dynamics at 1M nodes.

* DeGroot: ``x <- (A^T x + s x) / (d_in + s)`` with scipy's CSR mat-vec (``s = self_weight``).
  socium's step is checked to give the same vector as the kernel (to 1e-12).
* voter (node update, random-sequential sweep): the exact vectorized kernel of
  :func:`_kernels.voter_sequential` (same semantics as the one-at-a-time loop), the plain Python
  list loop, and -- clearly labelled, a DIFFERENT (synchronous) model -- the one-gather
  synchronous voter as a lower bound.

The socium side is the engine path: ``Simulation.advance()`` of a simulation built exactly as
``socium.run`` builds it (in memory, no events, no plots), timed per step after warm-up; the
per-step time of a whole in-memory ``socium.run`` is reported alongside.

Run::

    python bench/kernel_1m.py [--n 1000000] [--m 3]

Writes ``bench/results/kernel_1m.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _kernels as K
from _common import (
    build_ba,
    fmt_seconds,
    markdown_table,
    same_graph,
    socium_simulation,
    time_best,
    write_results,
)

TARGET = 2.0


def _config(args, world: dict[str, Any], init: dict[str, Any]) -> dict[str, Any]:
    return {
        "run": {"steps": 10**6},
        "network": {"kind": "barabasi_albert", "n": args.n, "m": args.m},
        "population": {"init": init},
        "world": world,
        "record": {"events": False, "plots": False},
    }


def _opinions(sim) -> np.ndarray:
    return np.asarray(sim.world.agent_table()["opinion"])


def _run_per_step(cfg: dict, seed: int, steps: int) -> float:
    import socium

    r = socium.run(cfg, seed=seed, steps=steps)
    return r.summary["run"]["wall_s"] / max(r.summary["run"]["steps"], 1)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--m", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--k", type=int, default=7, help="timed repeats")
    ap.add_argument("--skip", nargs="*", default=[], help="degroot, voter and/or deffuant")
    args = ap.parse_args(argv)
    k = args.k

    print(f"building BA graph n={args.n:,} m={args.m} with socium ...", flush=True)
    net = build_ba(args.n, args.m, args.seed)
    n = net.n
    at = net.adjacency.T.tocsr()  # in-adjacency: row v lists the nodes that influence v
    at.sort_indices()
    indptr, indices = at.indptr, at.indices
    deg_in = np.diff(indptr)
    rng = np.random.default_rng(args.seed + 1)
    rows: list[list[str]] = []
    results: dict[str, Any] = {"graph": {"n": n, "m": args.m, "edges": net.num_edges}}

    def row(model, kernel, t_soc, t_run, t_hand, note=""):
        ratio = t_soc / t_hand
        rows.append(
            [
                model,
                kernel,
                fmt_seconds(t_soc),
                fmt_seconds(t_run) if t_run else "",
                fmt_seconds(t_hand),
                f"{ratio:.2f}x",
                note,
            ]
        )
        print(markdown_table([rows[-1]], HEADER).splitlines()[-1], flush=True)
        return ratio

    # ------------------------------------------------------------------------------ DeGroot
    if "degroot" not in args.skip:
        s = 1.0
        cfg = _config(
            args,
            {"name": "opinion", "model": "degroot", "self_weight": s},
            {"opinion": {"dist": "uniform", "low": 0.0, "high": 1.0}},
        )
        sim = socium_simulation(cfg, args.seed)
        if not same_graph(sim.network, net):
            raise RuntimeError("socium built a different graph")
        # exactness: one socium step == one kernel step from the same state
        x = _opinions(sim).copy()
        denom = deg_in + s
        want = K.degroot_step(at, x, s, denom)
        sim.advance()
        err = float(np.max(np.abs(_opinions(sim) - want)))
        soc = time_best(sim.advance, k=k, warmup=1)
        xk = want.copy()
        hand = time_best(lambda: K.degroot_step(at, xk, s, denom), k=k, warmup=1)
        t_run = _run_per_step(cfg, args.seed, 5)
        ratio = row(
            "DeGroot (s=1)",
            "scipy CSR mat-vec",
            soc.per_unit,
            t_run,
            hand.per_unit,
            f"max |socium - kernel| after 1 step = {err:.1e}",
        )
        results["degroot"] = {
            "socium": soc.as_dict(),
            "socium_run_per_step_s": t_run,
            "hand": hand.as_dict(),
            "ratio": ratio,
            "max_abs_diff_one_step": err,
            "target_ratio": TARGET,
        }
        del sim

    # -------------------------------------------------------------------------------- voter
    if "voter" not in args.skip:
        x0 = rng.integers(0, 2, n)
        cfg = _config(
            args,
            {"name": "opinion", "model": "voter", "variant": "node"},
            {"opinion": {"dist": "choice", "values": [0, 1]}},
        )
        sim = socium_simulation(cfg, args.seed)
        replace = bool(getattr(sim.schedule, "replace", False))
        soc = time_best(sim.advance, k=k, warmup=1)
        t_run = _run_per_step(cfg, args.seed, 5)
        x = x0.copy()

        def draw():
            lis = rng.integers(0, n, n) if replace else rng.permutation(n)
            return K.draw_speakers(indptr, indices, lis, rng.random(n))

        def exact():
            lis, spk = draw()
            return K.voter_sequential(x, lis, spk, unique=not replace)

        def pylist():
            lis, spk = draw()
            return K.voter_sequential_pylist(x, lis, spk)

        def sync():
            return K.voter_synchronous(x, indptr, indices, deg_in, rng.random(n))

        t_exact = time_best(exact, k=k, warmup=1)
        t_py = time_best(pylist, k=max(3, k // 2), warmup=0)
        t_sync = time_best(sync, k=k, warmup=1)
        sched = "N draws with replacement" if replace else "random permutation"
        best_exact = min(t_exact.per_unit, t_py.per_unit)
        ratio = row(
            "voter (node), sequential",
            f"exact vectorized ({sched})",
            soc.per_unit,
            t_run,
            t_exact.per_unit,
            "same dynamics",
        )
        row(
            "voter (node), sequential",
            "exact Python list loop",
            soc.per_unit,
            None,
            t_py.per_unit,
            "same dynamics",
        )
        row(
            "voter, SYNCHRONOUS (lower bound)",
            "one gather",
            soc.per_unit,
            None,
            t_sync.per_unit,
            "different model: lower bound only",
        )
        results["voter"] = {
            "schedule": sched,
            "socium": soc.as_dict(),
            "socium_run_per_step_s": t_run,
            "hand_exact_vectorized": t_exact.as_dict(),
            "hand_exact_pylist": t_py.as_dict(),
            "hand_synchronous_lower_bound": t_sync.as_dict(),
            "ratio_vs_exact_vectorized": ratio,
            "ratio_vs_best_exact": soc.per_unit / best_exact,
            "ratio_vs_synchronous": soc.per_unit / t_sync.per_unit,
            "target_ratio": TARGET,
        }

    # ------------------------------------------------------------------------------ Deffuant
    if "deffuant" not in args.skip:
        eps, mu = 0.2, 0.5
        cfg = _config(
            args,
            {"name": "opinion", "model": "deffuant", "epsilon": eps, "mu": mu},
            {"opinion": {"dist": "uniform", "low": 0.0, "high": 1.0}},
        )
        sim = socium_simulation(cfg, args.seed)
        replace = bool(getattr(sim.schedule, "replace", False))
        soc = time_best(sim.advance, k=max(3, k // 2), warmup=1)
        xk = rng.random(n)

        def deffuant_kernel():
            lis = rng.integers(0, n, n) if replace else rng.permutation(n)
            lis, spk = K.draw_speakers(indptr, indices, lis, rng.random(n))
            return K.deffuant_sequential(xk, lis, spk, eps, mu)

        hand = time_best(deffuant_kernel, k=max(3, k // 2), warmup=1)
        ratio = row(
            "Deffuant (eps=0.2, mu=0.5), sequential",
            "conflict-free chunks + fused update",
            soc.per_unit,
            None,
            hand.per_unit,
            "same dynamics (extra row; no target)",
        )
        results["deffuant"] = {"socium": soc.as_dict(), "hand": hand.as_dict(), "ratio": ratio}
        del sim

    table = markdown_table(rows, HEADER)
    print()
    print(table)
    path = write_results("kernel_1m", {**results, "table_markdown": table})
    print(f"\nwrote {path}")
    return results


HEADER = ["model", "hand kernel", "socium (advance)", "socium.run", "hand", "socium / hand", "note"]

if __name__ == "__main__":
    main()
