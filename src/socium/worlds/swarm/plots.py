"""Plots of the swarm world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from socium.worlds.swarm.grid import SYMBOLS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_score", "plot_visits"]


def plot_visits(visits: np.ndarray, codes: np.ndarray, path: Path) -> Path:
    """Heatmap of agent visits per cell, with the final board's symbols written on top.

    Parameters
    ----------
    visits : numpy.ndarray
        ``(H, W)`` visit counts.
    codes : numpy.ndarray
        ``(H, W)`` final cell codes (walls, agents, objects).
    path : Path
        PNG file to write.
    """
    fig = Figure(figsize=(5, 4.5), layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(visits, cmap="viridis", origin="upper")
    fig.colorbar(im, ax=ax, label="visits")
    for (r, c), code in np.ndenumerate(codes):
        if code:
            ax.text(c, r, SYMBOLS[code], ha="center", va="center", color="w", fontsize=8)
    ax.set_title("cells visited (final board overlaid)")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.savefig(path, dpi=110)
    return path


def plot_score(metrics: pd.DataFrame, path: Path) -> Path | None:
    """Score and group metrics against the round; ``None`` when the columns are missing."""
    cols = {"step", "score", "stay_share", "move_length", "cells_explored"}
    if metrics is None or metrics.empty or not cols <= set(metrics.columns):
        return None
    fig = Figure(figsize=(6.4, 5), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    step = metrics["step"].to_numpy()
    top.plot(step, metrics["score"].to_numpy(), color="C0")
    top.set_ylabel("score")
    top.grid(alpha=0.3)
    for name in ("stay_share", "move_length", "cells_explored"):
        bottom.plot(step, metrics[name].to_numpy(), label=name)
    bottom.set_xlabel("round")
    bottom.set_ylim(-0.02, 1.02)
    bottom.legend(fontsize=8)
    bottom.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path
