"""Sweep the lock-in threshold: one AI, 10 humans, lambda1 = 0.5, products (N-1) l1 l2 from
0.5 to 2, several seeds. Prints the table and writes ``threshold.png`` (final entropy and
measured growth rate against the product) next to this script.

Run from the repository root::

    python examples/lockin/threshold_sweep.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import socium

HERE = Path(__file__).resolve().parent
PRODUCTS = (0.5, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.25, 1.5, 2.0)


def sweep(seeds: int = 5) -> pd.DataFrame:
    rows = []
    for product in PRODUCTS:
        lambda2 = product / (10 * 0.5)
        for seed in range(seeds):
            f = socium.run(HERE / "threshold.toml", seed=seed, world__lambda2=lambda2).final
            rows.append(
                {
                    "product": product,
                    "seed": seed,
                    **{
                        k: f[k]
                        for k in (
                            "spectral_radius",
                            "lockin",
                            "growth_rate",
                            "entropy_final",
                            "entropy_collective_final",
                            "converged_step",
                        )
                    },
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    table = sweep()
    summary = table.groupby("product").agg(
        rho=("spectral_radius", "first"),
        lockin_rate=("lockin", "mean"),
        growth=("growth_rate", "mean"),
        entropy=("entropy_final", "mean"),
        entropy_collective=("entropy_collective_final", "mean"),
    )
    print(summary.to_string(float_format=lambda v: f"{v:.4g}"))
    fig = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(summary.index, summary["entropy"], "o-", label="final entropy (humans)")
    ax.plot(summary.index, summary["lockin_rate"], "s--", label="share of runs locked in")
    ax.axvline(1.0, color="0.4", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("(N - 1) lambda1 lambda2")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.savefig(HERE / "threshold.png", dpi=110)
    print(
        f"wrote {HERE / 'threshold.png'}; mean growth per step -> rho(W): "
        f"{np.round(summary['growth'].to_numpy(), 4).tolist()}"
    )


if __name__ == "__main__":
    main()
