"""Plots of the influence world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_shares"]


def plot_shares(metrics: pd.DataFrame, path: Path, budgets: np.ndarray) -> Path | None:
    """Top: share aligned with each side, undecided and polarization per round; bottom:
    resources spent by each campaign, with its budget dashed.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when the columns are missing or empty.
    """
    need = {
        "step",
        "share_misinformation",
        "share_correction",
        "share_undecided",
        "polarization",
        "spent_misinformation",
        "spent_correction",
    }
    if metrics is None or metrics.empty or not need <= set(metrics.columns):
        return None
    step = metrics["step"].to_numpy()
    fig = Figure(figsize=(6.4, 5.2), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(
        step,
        metrics["share_misinformation"].to_numpy(float),
        color="C3",
        label="aligned: misinformation",
    )
    top.plot(
        step, metrics["share_correction"].to_numpy(float), color="C0", label="aligned: correction"
    )
    top.plot(step, metrics["share_undecided"].to_numpy(float), color="0.5", label="undecided")
    top.plot(
        step,
        metrics["polarization"].to_numpy(float),
        color="C2",
        ls=":",
        label="polarization (variance)",
    )
    top.set_ylim(-0.02, 1.02)
    top.set_ylabel("share of residents")
    top.legend(loc="best", fontsize=8)
    top.grid(alpha=0.3)
    for col, color, budget in (
        ("spent_misinformation", "C3", budgets[0]),
        ("spent_correction", "C0", budgets[1]),
    ):
        bottom.plot(step, metrics[col].to_numpy(float), color=color, label=col.replace("_", " "))
        bottom.axhline(budget, color=color, ls="--", lw=0.8)
    bottom.set_xlabel("round")
    bottom.set_ylabel("resources spent")
    bottom.legend(loc="best", fontsize=8)
    bottom.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path
