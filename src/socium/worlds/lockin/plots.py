"""Plots of the lock-in world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_entropy"]


def plot_entropy(metrics: pd.DataFrame, path: Path, title: str = "") -> Path | None:
    """Normalised belief entropy per step: humans (mean), the collective (entropy of the mean
    human belief) and the AI nodes.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when the columns are missing or empty.
    """
    need = {"step", "entropy", "entropy_collective", "entropy_ai"}
    if metrics is None or metrics.empty or not need <= set(metrics.columns):
        return None
    step = metrics["step"].to_numpy()
    fig = Figure(figsize=(6.0, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(step, metrics["entropy"].to_numpy(float), label="humans (mean)", color="C0")
    ax.plot(
        step, metrics["entropy_collective"].to_numpy(float), label="collective", color="C1", ls="--"
    )
    ax.plot(step, metrics["entropy_ai"].to_numpy(float), label="AI", color="C3", ls=":")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("step")
    ax.set_ylabel("normalised entropy")
    if title:
        ax.set_title(title, fontsize=9)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path
