"""Plots: the ones written into ``DIR/plots`` at the end of a run, and the report's own.

The report's plots (metric curves, sweep metric-vs-parameter plots with confidence bands)
are rendered to PNG bytes in memory and inlined into ``report.html``; nothing is written.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from socium.core.protocol import World

__all__ = [
    "figure_png",
    "metrics_figure",
    "plot_metrics",
    "sweep_figure",
    "write_plots",
]


def metrics_figure(metrics: pd.DataFrame, title: str = "") -> Figure | None:
    """One small panel per per-step metric, against the step; ``None`` if there is nothing."""
    columns = [c for c in metrics.columns if c != "step" and metrics[c].notna().any()]
    if not columns or metrics.empty:
        return None
    ncols = min(3, len(columns))
    nrows = math.ceil(len(columns) / ncols)
    fig = Figure(figsize=(4.2 * ncols, 2.8 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, column in zip(axes.flat, columns, strict=False):
        ax.plot(metrics["step"], metrics[column], lw=1.5)
        ax.set_title(str(column), fontsize=10)
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(columns) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return fig


def plot_metrics(metrics: pd.DataFrame, path: Path, title: str = "") -> Path | None:
    """Write :func:`metrics_figure` to ``path``; returns the file or ``None``."""
    fig = metrics_figure(metrics, title)
    if fig is None:
        return None
    fig.savefig(path, dpi=110)
    return path


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (rendered in memory)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _is_number_like(values: pd.Series) -> bool:
    return values.dtype.kind in "biuf" and values.dtype.kind != "b"


def sweep_figure(
    summary: pd.DataFrame, param: str, metric: str, group: str | None = None
) -> Figure:
    """Metric against one swept parameter: mean with a confidence band across replicates.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`socium.report.sweep.summarise` grouped by ``param`` (and ``group``):
        columns ``param``, optionally ``group``, ``mean``, ``ci_low``, ``ci_high``, ``n``.
    param : str
        The x axis. Numeric parameters are drawn as lines with a shaded band; others as
        points with error bars at evenly spaced positions.
    metric : str
        The y label.
    group : str, optional
        Another swept parameter: one line (and band) per value.
    """
    fig = Figure(figsize=(5.6, 3.6), layout="constrained")
    ax = fig.subplots()
    numeric = _is_number_like(summary[param])
    categories = [] if numeric else sorted(summary[param].astype(str).unique())
    parts = [(None, summary)] if group is None else list(summary.groupby(group, sort=True))
    for i, (value, part) in enumerate(parts):
        part = part.sort_values(param) if numeric else part
        if numeric:
            x = part[param].to_numpy(dtype=float)
        else:
            x = np.array([categories.index(str(v)) for v in part[param]], dtype=float)
            x = x + (i - (len(parts) - 1) / 2) * 0.08  # dodge overlapping groups
        mean = part["mean"].to_numpy(dtype=float)
        low = part["ci_low"].to_numpy(dtype=float)
        high = part["ci_high"].to_numpy(dtype=float)
        label = None if group is None else f"{group} = {value}"
        if numeric:
            (line,) = ax.plot(x, mean, marker="o", lw=1.6, ms=4, label=label)
            ax.fill_between(x, low, high, alpha=0.25, color=line.get_color(), lw=0)
        else:
            ax.errorbar(x, mean, yerr=[mean - low, high - mean], fmt="o", capsize=4, label=label)
    if not numeric:
        ax.set_xticks(range(len(categories)), categories, rotation=20, ha="right")
    ax.set_xlabel(param)
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} vs {param} (mean, 95% CI)", fontsize=10)
    ax.grid(alpha=0.3)
    if group is not None:
        ax.legend(fontsize=8)
    return fig


def write_plots(world: World, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
    """Write the generic metrics plot and the world's own plots into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    generic = plot_metrics(metrics, outdir / "metrics.png", title=f"{world.name} world")
    if generic is not None:
        written.append(generic)
    written.extend(world.plots(metrics, outdir))
    return written
