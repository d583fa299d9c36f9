"""Plots of the games world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_cooperation", "plot_ranking"]


def plot_cooperation(metrics: pd.DataFrame, path: Path, title: str = "") -> Path | None:
    """Cooperation rate (left axis) and mean payoff (right axis) per step.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Per-step metrics with columns ``step``, ``cooperation_rate`` and ``mean_payoff``.
    path : Path
        PNG file to write.
    title : str, optional
        Figure title.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when the columns are missing or empty.
    """
    need = {"step", "cooperation_rate", "mean_payoff"}
    if metrics is None or metrics.empty or not need <= set(metrics.columns):
        return None
    step = metrics["step"].to_numpy()
    fig = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(
        step, metrics["cooperation_rate"].to_numpy(dtype=float), color="C0", label="cooperation"
    )
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("step (round)")
    ax.set_ylabel("cooperation rate", color="C0")
    ax2 = ax.twinx()
    ax2.plot(step, metrics["mean_payoff"].to_numpy(dtype=float), color="C1", lw=1.0)
    ax2.set_ylabel("mean payoff", color="C1")
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path


def plot_ranking(scores: Mapping[str, float], path: Path, title: str = "") -> Path:
    """Horizontal bar chart of the mean payoff per round of each strategy, best on top.

    Parameters
    ----------
    scores : mapping of str to float
        Strategy name to score per round (in ranking order).
    path : Path
        PNG file to write.
    title : str, optional
        Figure title.

    Returns
    -------
    Path
        ``path``.
    """
    names = list(scores)
    vals = np.array([scores[s] for s in names], dtype=float)
    fig = Figure(figsize=(6.0, 0.5 + 0.4 * max(len(names), 1)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(names))[::-1]
    ax.barh(y, vals, color="C0")
    ax.set_yticks(y, names)
    ax.set_xlabel("mean payoff per round")
    if title:
        ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    fig.savefig(path, dpi=110)
    return path
