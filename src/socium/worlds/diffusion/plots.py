"""Plots of a diffusion run: spread over time and nodes per cascade generation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plot_generations", "plot_spread"]


def plot_spread(metrics: pd.DataFrame, path: Path, model: str = "") -> Path:
    r"""Fractions ``active`` and ``ever_active`` (and ``recovered``) against the step.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Per-step metrics with columns ``step``, ``active``, ``ever_active`` (``recovered`` is
        drawn when present).
    path : Path
        PNG file to write.
    model : str
        Model name for the title.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    ``ever_active`` is the spread curve :math:`F(t) = \frac1n \#\{i : 0 \le t_i \le t\}`
    (Rogers 2003); ``active`` the prevalence :math:`I(t)/n`.

    References
    ----------
    .. [1] Rogers, E. M. (2003). Diffusion of Innovations, 5th ed. Free Press.
    """
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    x = metrics["step"] if "step" in metrics else np.arange(len(metrics))
    ax.plot(x, metrics["ever_active"], label="ever active (spread)")
    ax.plot(x, metrics["active"], label="active / infected")
    if "recovered" in metrics:
        ax.plot(x, metrics["recovered"], label="recovered")
    ax.set_xlabel("step")
    ax.set_ylabel("fraction of nodes")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Spread over time ({model})" if model else "Spread over time")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return Path(path)


def plot_generations(gen: np.ndarray, path: Path, model: str = "") -> Path:
    r"""Bar chart of the number of activated nodes in each cascade generation.

    Parameters
    ----------
    gen : numpy.ndarray of int
        Generation of every node (``-1`` for never activated), e.g. from
        :func:`socium.metrics.cascades.generation`.
    path : Path
        PNG file to write.
    model : str
        Model name for the title.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Bar :math:`g` is :math:`\#\{i : g_i = g\}`; its maximum is the cascade's ``max_breadth``
    and the last non-empty bar its ``cascade_depth`` (Vosoughi, Roy & Aral 2018).

    References
    ----------
    .. [1] Vosoughi, S., Roy, D., & Aral, S. (2018). The spread of true and false news online.
       Science, 359(6380), 1146-1151.
    """
    g = np.asarray(gen)
    counts = np.bincount(g[g >= 0]) if np.any(g >= 0) else np.zeros(1, np.int64)
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    ax.bar(np.arange(counts.size), counts)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("generation (0 = seeds)")
    ax.set_ylabel("activated nodes")
    ax.set_title(f"Nodes per cascade generation ({model})" if model else "Nodes per generation")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return Path(path)
