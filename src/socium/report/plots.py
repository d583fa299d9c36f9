"""Plots written into ``DIR/plots`` at the end of a run."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from socium.core.protocol import World

__all__ = ["plot_metrics", "write_plots"]


def plot_metrics(metrics: pd.DataFrame, path: Path, title: str = "") -> Path | None:
    """One small panel per per-step metric, against the step; returns the file or ``None``."""
    columns = [c for c in metrics.columns if c != "step" and metrics[c].notna().any()]
    if not columns or metrics.empty:
        return None
    ncols = min(3, len(columns))
    nrows = math.ceil(len(columns) / ncols)
    fig = Figure(figsize=(4.2 * ncols, 2.8 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, column in zip(axes.flat, columns, strict=False):
        ax.plot(metrics["step"], metrics[column], lw=1.5)
        ax.set_title(column, fontsize=10)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(columns) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=110)
    return path


def write_plots(world: World, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
    """Write the generic metrics plot and the world's own plots into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    generic = plot_metrics(metrics, outdir / "metrics.png", title=f"{world.name} world")
    if generic is not None:
        written.append(generic)
    written.extend(world.plots(metrics, outdir))
    return written
