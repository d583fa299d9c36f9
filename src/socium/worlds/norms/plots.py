"""Plots of the norms world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_cooperation"]


def plot_cooperation(
    metrics: pd.DataFrame, path: Path, threshold: float | None = None
) -> Path | None:
    """Contribution rate, sanction rate and learned norm against the round.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Per-step metrics with columns ``step``, ``contribution``, ``sanction_rate``, ``norm``.
    path : Path
        PNG file to write.
    threshold : float, optional
        The norm threshold, drawn as a dashed line.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when the columns are missing or empty.
    """
    cols = {"step", "contribution", "sanction_rate", "norm"}
    if metrics is None or metrics.empty or not cols <= set(metrics.columns):
        return None
    fig = Figure(figsize=(6.4, 3.6), layout="constrained")
    ax = fig.subplots()
    step = metrics["step"].to_numpy()
    ax.plot(step, metrics["contribution"].to_numpy(), label="contribution rate", color="C0")
    ax.plot(step, metrics["sanction_rate"].to_numpy(), label="sanction rate", color="C3")
    ax.plot(step, metrics["norm"].to_numpy(), label="public norm / e", color="C2", ls=":")
    if threshold is not None:
        ax.axhline(threshold, color="0.5", ls="--", lw=0.8, label="norm threshold")
    ax.set_ylim(-0.02, 1.02)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("round")
    ax.set_ylabel("rate")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path
