"""Plots of the debate world (``matplotlib.figure.Figure``; no pyplot global state)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_convergence", "plot_group_trajectories"]

_MAX_GROUPS = 12


def _group_means(history: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """``(T, G)`` mean over each group's non-NaN values of every row of ``history``."""
    ok = ~np.isnan(history)
    v = np.where(ok, history, 0.0)
    out = np.full((history.shape[0], n_groups), np.nan)
    for t in range(history.shape[0]):
        total = np.bincount(group, weights=v[t], minlength=n_groups)
        count = np.bincount(group, weights=ok[t].astype(float), minlength=n_groups)
        out[t] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def plot_group_trajectories(
    opinions: np.ndarray, stances: np.ndarray, group: np.ndarray, path: Path
) -> Path | None:
    """Mean private opinion (solid, rounds 0..R) and mean public post stance (dashed, rounds
    1..R) of every group, one colour per group (at most 12 groups are drawn).

    Parameters
    ----------
    opinions : numpy.ndarray
        ``(R + 1, N)`` private reports.
    stances : numpy.ndarray
        ``(R, N)`` post stances.
    group : numpy.ndarray
        ``(N,)`` group of every agent.
    path : Path
        PNG file to write.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when there is nothing to draw.
    """
    if opinions.size == 0 or group.size == 0:
        return None
    n_groups = int(group.max()) + 1
    private = _group_means(opinions, group, n_groups)
    public = _group_means(stances, group, n_groups) if stances.size else None
    fig = Figure(figsize=(6.4, 3.8), layout="constrained")
    ax = fig.subplots()
    rounds = np.arange(opinions.shape[0])
    for g in range(min(n_groups, _MAX_GROUPS)):
        color = f"C{g % 10}"
        ax.plot(rounds, private[:, g], color=color, marker="o", ms=3, lw=1.2)
        if public is not None:
            ax.plot(rounds[1:], public[:, g], color=color, ls="--", lw=1.0)
    ax.plot([], [], color="0.3", marker="o", ms=3, label="private opinion")
    ax.plot([], [], color="0.3", ls="--", label="public stance")
    ax.set_ylim(0.8, 6.2)
    ax.set_xticks(rounds)
    ax.set_xlabel("round (0 = before the debate)")
    ax.set_ylabel("group mean (1-6)")
    shown = min(n_groups, _MAX_GROUPS)
    ax.set_title(f"opinion trajectories of {shown} of {n_groups} groups", fontsize=9)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path


def plot_convergence(metrics: pd.DataFrame, path: Path) -> Path | None:
    """Within-group SD of private opinions and of public stances per round.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Per-step metrics with ``step``, ``opinion_sd`` and ``stance_sd``.
    path : Path
        PNG file to write.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when the columns are missing or empty.
    """
    need = {"step", "opinion_sd", "stance_sd"}
    if metrics is None or metrics.empty or not need <= set(metrics.columns):
        return None
    step = metrics["step"].to_numpy()
    fig = Figure(figsize=(5.6, 3.4), layout="constrained")
    ax = fig.subplots()
    ax.plot(step, metrics["opinion_sd"].to_numpy(float), marker="o", label="private opinion")
    ax.plot(step, metrics["stance_sd"].to_numpy(float), marker="s", ls="--", label="public stance")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("round")
    ax.set_ylabel("within-group SD")
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.savefig(path, dpi=110)
    return path
