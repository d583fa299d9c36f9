"""Plots of the flocking world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_order", "plot_snapshot"]

#: At most this many arrows are drawn in a snapshot (an evenly spaced subset of particles).
MAX_ARROWS = 4000


def plot_order(metrics: pd.DataFrame, path: Path, title: str = "") -> Path | None:
    r"""The order parameter :math:`\varphi(t)` against the step.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Per-step metrics with columns ``step`` and ``order``.
    path : Path
        PNG file to write.
    title : str, optional
        Figure title.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when the columns are missing or empty.
    """
    if metrics is None or metrics.empty or not {"step", "order"} <= set(metrics.columns):
        return None
    fig = Figure(figsize=(6.0, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.plot(metrics["step"].to_numpy(), metrics["order"].to_numpy(), color="C0")
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("step")
    ax.set_ylabel(r"order parameter $\varphi$")
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path


def plot_snapshot(pos: np.ndarray, theta: np.ndarray, box: float, path: Path) -> Path:
    """Particle positions with their headings as arrows (a quiver plot).

    Parameters
    ----------
    pos : numpy.ndarray
        ``(N, 2)`` positions.
    theta : numpy.ndarray
        Headings in radians.
    box : float
        Side of the periodic box.
    path : Path
        PNG file to write.

    Returns
    -------
    Path
        ``path``.
    """
    n = pos.shape[0]
    idx = np.linspace(0, n - 1, min(n, MAX_ARROWS)).astype(np.int64) if n else np.empty(0, int)
    fig = Figure(figsize=(5.0, 5.0), layout="constrained")
    ax = fig.subplots()
    ax.quiver(
        pos[idx, 0],
        pos[idx, 1],
        np.cos(theta[idx]),
        np.sin(theta[idx]),
        theta[idx],
        cmap="twilight",
        clim=(-np.pi, np.pi),
        angles="xy",
        scale_units="xy",
        scale=1.0 / max(box / 40.0, 1e-12),
        width=0.003,
    )
    ax.set_xlim(0.0, box)
    ax.set_ylim(0.0, box)
    ax.set_aspect("equal")
    ax.set_title(f"N = {n}, L = {box:.3g}")
    fig.savefig(path, dpi=110)
    return path
