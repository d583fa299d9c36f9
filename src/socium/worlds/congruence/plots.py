"""Plots of the congruence experiment (``matplotlib.figure.Figure``; no pyplot state)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_rates"]


def plot_rates(tally: np.ndarray, conditions: Sequence[str], path: Path) -> Path | None:
    """Grouped bars: belief- and identity-congruence rate of each condition, with binomial
    standard errors, and the chance level 0.5.

    Parameters
    ----------
    tally : numpy.ndarray
        ``(C, 4)`` choices per condition and cell (cells as in
        :data:`~socium.worlds.congruence.counterparts.CELLS`).
    conditions : sequence of str
        Condition names.
    path : Path
        PNG file to write.

    Returns
    -------
    Path or None
        ``path``, or ``None`` when no choice was made.
    """
    n = tally.sum(axis=1)
    if n.sum() == 0:
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        belief = (tally[:, 0] + tally[:, 2]) / n
        identity = (tally[:, 0] + tally[:, 1]) / n
    x = np.arange(len(conditions))
    fig = Figure(figsize=(1.6 + 1.3 * len(conditions), 3.6), layout="constrained")
    ax = fig.subplots()
    for offset, rate, label, color in (
        (-0.2, belief, "belief congruence", "C0"),
        (0.2, identity, "identity congruence", "C1"),
    ):
        se = np.sqrt(rate * (1 - rate) / np.maximum(n, 1))
        ax.bar(x + offset, rate, width=0.4, yerr=se, color=color, label=label, capsize=3)
    ax.axhline(0.5, color="0.4", ls="--", lw=0.8, label="chance")
    ax.set_xticks(x, [c.replace("_", " ") for c in conditions], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of choices")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    fig.savefig(path, dpi=110)
    return path
