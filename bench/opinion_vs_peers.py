"""socium vs ndlib vs Mesa on the same 10k-node Barabási–Albert graph.

Compares the cost of one FULL SWEEP (N agent updates) of the voter model (node update) and the
Deffuant model (epsilon = 0.2, mu = 0.5), and the cost of one synchronous step of SIR and of the
independent cascade. Every contender starts from the same graph and the same initial state.

Run::

    pip install -e ".[bench]"
    python bench/opinion_vs_peers.py            # about 3 minutes on a laptop core
    python bench/opinion_vs_peers.py --quick    # fewer repeats (about 1 minute)

Results: a markdown table on stdout and ``bench/results/opinion_vs_peers.json``. See
``docs/benchmarks.md`` for what one "iteration" of each peer means.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _kernels as K
import _peers
from _common import (
    Timing,
    build_ba,
    fmt_seconds,
    markdown_table,
    same_graph,
    socium_simulation,
    time_best,
    time_blocks,
    write_results,
    write_values,
)

TARGET_NDLIB = 100.0
TARGET_MESA = 20.0


def _network(args) -> dict[str, Any]:
    return {"kind": "barabasi_albert", "n": args.n, "m": args.m}


def _base_config(args, world: dict[str, Any], init: dict[str, Any] | None = None) -> dict:
    return {
        "run": {"steps": 10**6},
        "network": _network(args),
        "population": {"init": init or {}},
        "world": world,
        "record": {"events": False, "plots": False},
    }


def _time_socium_steps(sim, k: int, warmup: int) -> Timing:
    """Per-step timing of the engine path ``Simulation.advance`` (schedule, observe, decide,
    apply, step metrics), one step per sample."""
    return time_best(sim.advance, k=k, warmup=warmup, units=1.0)


def _time_socium_run(config: dict, seed: int, steps: int) -> float:
    """Seconds per step of a whole in-memory ``socium.run`` (loop only: ``summary.run.wall_s``)."""
    import socium

    r = socium.run(config, seed=seed, steps=steps)
    return r.summary["run"]["wall_s"] / max(r.summary["run"]["steps"], 1)


def _episodes(make, step, done, k: int, max_steps: int) -> dict[str, Any]:
    """Time ``k`` fresh episodes (build untimed); each step is timed on its own, and the
    stopping test ``done(obj)`` runs outside the timed region."""
    totals, counts = [], []
    for _ in range(k):
        obj = make()
        gc.collect()
        total, steps = 0.0, 0
        while steps < max_steps and not done(obj):
            gc.disable()
            t0 = time.perf_counter()
            step(obj)
            total += time.perf_counter() - t0
            gc.enable()
            steps += 1
        totals.append(total)
        counts.append(steps)
    per_step = [t / max(c, 1) for t, c in zip(totals, counts, strict=True)]
    return {
        "per_step_best_s": min(per_step),
        "per_step_median_s": float(np.median(per_step)),
        "episode_s": totals,
        "steps": counts,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--m", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--skip", nargs="*", default=[], help="rows to skip: voter deffuant sir ic")
    args = ap.parse_args(argv)
    k_peer = 2 if args.quick else 3
    k_soc = 10 if args.quick else 30
    voter_block = 500 if args.quick else 1000

    print(f"building BA graph n={args.n} m={args.m} seed={args.seed} with socium ...", flush=True)
    net = build_ba(args.n, args.m, args.seed)
    g = net.to_networkx()
    n = net.n
    rng = np.random.default_rng(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="socium-bench-"))
    rows: list[list[str]] = []
    results: dict[str, Any] = {
        "graph": {"kind": "barabasi_albert", "n": n, "m": args.m, "edges": net.num_edges},
        "rows": {},
    }

    at = net.adjacency.T.tocsr()  # in-adjacency, for the numpy kernels
    at.sort_indices()
    krng = np.random.default_rng(args.seed + 7)

    def kernel_draws(sim):
        replace = bool(getattr(sim.schedule, "replace", False))
        lis = krng.integers(0, n, n) if replace else krng.permutation(n)
        return (*K.draw_speakers(at.indptr, at.indices, lis, krng.random(n)), replace)

    def record(
        name,
        unit,
        soc: float,
        soc_run: float | None,
        peers: dict[str, float],
        extra,
        kernel: float | None = None,
    ):
        entry = {
            "unit": unit,
            "socium_s": soc,
            "socium_run_s": soc_run,
            "numpy_kernel_s": kernel,
            **extra,
        }
        ratios = []
        for peer, t in peers.items():
            entry[f"{peer}_s"] = t
            entry[f"{peer}_ratio"] = t / soc
            target = TARGET_NDLIB if peer == "ndlib" else TARGET_MESA
            ratios.append(f"{peer} {t / soc:,.0f}x (target {target:.0f}x)")
        results["rows"][name] = entry
        rows.append(
            [
                name,
                unit,
                fmt_seconds(soc),
                fmt_seconds(soc_run) if soc_run else "",
                f"{fmt_seconds(kernel)} ({soc / kernel:.1f}x)" if kernel else "",
                fmt_seconds(peers.get("ndlib")),
                fmt_seconds(peers.get("mesa")),
                "; ".join(ratios),
            ]
        )
        print(markdown_table([rows[-1]], HEADER).splitlines()[-1], flush=True)

    def check_graph(sim) -> None:
        if not same_graph(sim.network, net):
            raise RuntimeError("socium built a different graph than bench/_common.build_ba")

    # ------------------------------------------------------------------------------- voter
    if "voter" not in args.skip:
        x0 = rng.integers(0, 2, n)
        init = {"opinion": {"from": "file", "path": str(write_values(tmp / "voter.csv", x0))}}
        cfg = _base_config(args, {"name": "opinion", "model": "voter", "variant": "node"}, init)
        sim = socium_simulation(cfg, args.seed)
        check_graph(sim)
        soc = _time_socium_steps(sim, k_soc, warmup=2)
        soc_run = _time_socium_run(cfg, args.seed, k_soc)
        nd = _peers.ndlib_voter(g, x0, args.seed)
        nd_t = time_blocks(
            nd.step, block=voter_block, k=k_peer, warmup=0, units=voter_block * nd.units
        )
        me = _peers.mesa_voter(g, x0, args.seed)
        me_t = time_best(me.step, k=k_peer, warmup=1)

        def voter_kernel():
            lis, spk, replace = kernel_draws(sim)
            return K.voter_sequential(x0, lis, spk, unique=not replace)

        kt = time_best(voter_kernel, k=k_soc, warmup=2)
        record(
            "voter (node)",
            "sweep",
            soc.per_unit,
            soc_run,
            {"ndlib": nd_t.per_unit, "mesa": me_t.per_unit},
            {
                "socium": soc.as_dict(),
                "ndlib": {**nd_t.as_dict(), "note": nd.note, "iterations_per_block": voter_block},
                "mesa": {**me_t.as_dict(), "note": me.note},
                "kernel": kt.as_dict(),
            },
            kernel=kt.per_unit,
        )

    # ---------------------------------------------------------------------------- deffuant
    if "deffuant" not in args.skip:
        eps, mu = 0.2, 0.5
        x0 = rng.random(n)
        init = {"opinion": {"from": "file", "path": str(write_values(tmp / "deff.csv", x0))}}
        cfg = _base_config(
            args, {"name": "opinion", "model": "deffuant", "epsilon": eps, "mu": mu}, init
        )
        sim = socium_simulation(cfg, args.seed)
        check_graph(sim)
        soc = _time_socium_steps(sim, k_soc, warmup=2)
        soc_run = _time_socium_run(cfg, args.seed, k_soc)
        nd = _peers.ndlib_deffuant(g, x0, eps, args.seed)
        nd_t = time_best(nd.step, k=k_peer, warmup=0)
        me = _peers.mesa_deffuant(g, x0, eps, mu, args.seed)
        me_t = time_best(me.step, k=k_peer, warmup=1)
        xk = x0.copy()

        def deffuant_kernel():
            lis, spk, _ = kernel_draws(sim)
            return K.deffuant_sequential(xk, lis, spk, eps, mu)

        kt = time_best(deffuant_kernel, k=k_soc, warmup=2)
        # Deffuant conserves the mean opinion: a cheap check that every contender ran the model.
        means = {
            "x0": float(x0.mean()),
            "socium": float(np.mean(sim.world.agent_table()["opinion"])),
            "ndlib": float(nd.state().mean()),
            "mesa": float(me.state().mean()),
        }
        record(
            f"deffuant (eps={eps}, mu={mu})",
            "sweep",
            soc.per_unit,
            soc_run,
            {"ndlib": nd_t.per_unit, "mesa": me_t.per_unit},
            {
                "socium": soc.as_dict(),
                "ndlib": {**nd_t.as_dict(), "note": nd.note},
                "mesa": {**me_t.as_dict(), "note": me.note},
                "mean_opinion": means,
                "kernel": kt.as_dict(),
            },
            kernel=kt.per_unit,
        )

    # --------------------------------------------------------------------------------- SIR
    if "sir" not in args.skip:
        beta, gamma, steps = 0.05, 0.1, 20
        seeds = np.sort(rng.choice(n, size=max(1, n // 100), replace=False))
        world = {
            "name": "diffusion",
            "model": "sir",
            "beta": beta,
            "gamma": gamma,
            "seeds": [int(s) for s in seeds],
        }
        cfg = _base_config(args, world)
        check_graph(socium_simulation(cfg, args.seed))
        soc = _episodes(
            lambda: socium_simulation(cfg, args.seed),
            lambda s: s.advance(),
            lambda s: False,
            k_peer + 2,
            steps,
        )
        nd = _episodes(
            lambda: _peers.ndlib_sir(g, seeds, beta, gamma, args.seed),
            lambda p: p.step(),
            lambda p: False,
            k_peer,
            steps,
        )
        record(
            f"SIR (beta={beta}, gamma={gamma}, 1% seeds)",
            f"step (avg of {steps})",
            soc["per_step_best_s"],
            None,
            {"ndlib": nd["per_step_best_s"]},
            {"socium": soc, "ndlib": nd},
        )

    # ---------------------------------------------------------------------------------- IC
    if "ic" not in args.skip:
        p = 0.1
        seeds = np.sort(rng.choice(n, size=max(1, n // 100), replace=False))
        world = {
            "name": "diffusion",
            "model": "independent_cascade",
            "p": p,
            "seeds": [int(s) for s in seeds],
        }
        cfg = _base_config(args, world)
        check_graph(socium_simulation(cfg, args.seed))

        def ndlib_done(pm) -> bool:
            return 1 not in pm.model.status.values()

        soc = _episodes(
            lambda: socium_simulation(cfg, args.seed),
            lambda s: s.advance(),
            lambda s: s.converged_step is not None,
            k_peer + 2,
            200,
        )
        nd = _episodes(
            lambda: _peers.ndlib_ic(g, seeds, p, args.seed),
            lambda pm: pm.step(),
            ndlib_done,
            k_peer,
            200,
        )
        record(
            f"independent cascade (p={p}, 1% seeds)",
            "step (whole cascade)",
            soc["per_step_best_s"],
            None,
            {"ndlib": nd["per_step_best_s"]},
            {"socium": soc, "ndlib": nd},
        )

    table = markdown_table(rows, HEADER)
    print()
    print(table)
    path = write_results("opinion_vs_peers", {**results, "table_markdown": table})
    print(f"\nwrote {path}")
    return results


HEADER = [
    "model",
    "unit",
    "socium (advance)",
    "socium.run",
    "numpy kernel (socium/kernel)",
    "ndlib",
    "Mesa 3",
    "peer / socium",
]

if __name__ == "__main__":
    main()
