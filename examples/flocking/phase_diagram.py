"""The order-disorder transition of the Vicsek model: stationary order vs noise.

Runs a grid of noise amplitudes eta (and two interaction radii r) with a few seeds each,
in memory with ``socium.run(cfg, seed=...)``, and plots the time-averaged order parameter
<phi> (the mean over the last `window` steps) against eta, with the spread over seeds.
Expected: <phi> ~ 1 at low noise, falling through the transition to ~ 1/sqrt(N) at eta = 2 pi;
a larger radius (more neighbours) moves the transition to higher noise (Vicsek et al. 1995,
Fig. 2). Runs in well under a minute on two cores.

Usage: python examples/flocking/phase_diagram.py [OUT.png]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

import socium

N = 400
STEPS = 300
SEEDS = (1, 2, 3)
ETAS = np.linspace(0.0, 2 * np.pi, 14)
RADII = (0.5, 1.0)


def stationary_order(eta: float, r: float, seed: int) -> float:
    """Mean order parameter over the last 100 of STEPS steps."""
    cfg = {
        "run": {"steps": STEPS},
        "population": {"size": N},
        "world": {
            "name": "flocking",
            "density": 4.0,
            "v0": 0.1,
            "r": r,
            "eta": float(eta),
            "window": 100,
        },
    }
    return socium.run(cfg, seed=seed).final["order_mean"]


def main(out: Path) -> None:
    start = time.perf_counter()
    fig = Figure(figsize=(6.0, 4.0), layout="constrained")
    ax = fig.subplots()
    for r, color in zip(RADII, ("C1", "C0"), strict=True):
        phi = np.array([[stationary_order(eta, r, s) for s in SEEDS] for eta in ETAS])
        mean, std = phi.mean(axis=1), phi.std(axis=1)
        ax.errorbar(
            ETAS, mean, yerr=std, marker="o", ms=4, capsize=2, color=color, label=f"r = {r}"
        )
        for eta, m in zip(ETAS, mean, strict=True):
            print(f"r={r:<4} eta={eta:5.2f}  <phi>={m:.3f}")
    ax.axhline(np.sqrt(np.pi / (4 * N)), color="0.5", ls=":", label=r"$\sqrt{\pi/4N}$ (random)")
    ax.set_xlabel(r"noise $\eta$")
    ax.set_ylabel(r"stationary order $\langle\varphi\rangle$")
    ax.set_title(f"Vicsek model: N = {N}, density 4, v0 = 0.1, {len(SEEDS)} seeds")
    ax.set_ylim(0.0, 1.02)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.savefig(out, dpi=120)
    print(f"wrote {out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("phase_diagram.png"))
