"""Plots of the opinion world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_histogram", "plot_mean_std"]


def plot_histogram(
    initial: np.ndarray, final: np.ndarray, path: Path, n_states: int | None = None
) -> Path:
    """Initial vs final opinion distribution.

    Parameters
    ----------
    initial, final : numpy.ndarray
        Opinions (or integer states) at the start and at the end.
    path : Path
        PNG file to write.
    n_states : int, optional
        For discrete models: draw the state fractions as bars instead of a histogram.

    Returns
    -------
    Path
        ``path``.
    """
    fig = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = fig.subplots()
    if n_states is not None:
        states = np.arange(n_states)
        f0 = np.bincount(initial, minlength=n_states) / max(len(initial), 1)
        f1 = np.bincount(final, minlength=n_states) / max(len(final), 1)
        ax.bar(states - 0.2, f0, width=0.4, label="initial", color="0.6")
        ax.bar(states + 0.2, f1, width=0.4, label="final", color="C0")
        ax.set_xticks(states)
        ax.set_xlabel("state")
        ax.set_ylabel("fraction of agents")
    else:
        lo = min(0.0, float(np.min(initial)), float(np.min(final)))
        hi = max(1.0, float(np.max(initial)), float(np.max(final)))
        bins = np.linspace(lo, hi, 51)
        ax.hist(initial, bins=bins, alpha=0.5, label="initial", color="0.5")
        ax.hist(final, bins=bins, alpha=0.7, label="final", color="C0")
        ax.set_xlabel("opinion")
        ax.set_ylabel("agents")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path


def plot_mean_std(metrics: pd.DataFrame, path: Path, title: str = "") -> Path | None:
    """Mean opinion with a band of one standard deviation, against the step.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Per-step metrics with columns ``step``, ``mean`` and ``std``.
    path : Path
        PNG file to write.
    title : str, optional
        Figure title.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when the columns are missing or empty.
    """
    if metrics is None or metrics.empty or not {"step", "mean", "std"} <= set(metrics.columns):
        return None
    step = metrics["step"].to_numpy()
    mean = metrics["mean"].to_numpy(dtype=float)
    std = metrics["std"].to_numpy(dtype=float)
    fig = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(step, mean, color="C0", lw=1.5, label="mean")
    ax.fill_between(step, mean - std, mean + std, color="C0", alpha=0.25, label="± std")
    ax.set_xlabel("step")
    ax.set_ylabel("opinion")
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path
