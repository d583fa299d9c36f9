r"""Plots of a social run: activity, opinions, cascades, spreading, herding, degrees, echo.

Every figure is written with :class:`matplotlib.figure.Figure` (no global pyplot state):

``social_activity.png``
    applied actions per step by kind, and online users.
``social_opinion.png``
    opinion variance, bimodality and extremity per step; initial and final histograms.
``social_cascades.png``
    CCDF of share-cascade sizes (log-log), depth and structural-virality distributions.
``social_spread.png`` (with seed posts)
    seed cascade reach, depth and structural virality per step.
``social_herd.png`` (with the herd experiment)
    mean final score (without the injected vote) by treatment group, with bootstrap CIs.
``social_degrees.png``
    CCDF of followers and followees (log-log).
``social_echo.png``
    echo-chamber share per step and its distribution over users.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from socium.metrics.social import cascade_summary, ccdf
from socium.worlds.social import metrics as M

if TYPE_CHECKING:
    import pandas as pd

    from socium.worlds.social.world import SocialWorld

__all__ = ["write_plots"]

_KINDS = ("posts_created", "likes", "dislikes", "reposts", "quotes", "comments", "follows")


def _save(fig: Figure, path: Path, left: float = 0.08, bottom: float = 0.14) -> Path:
    # fixed margins: much faster than a layout engine, and enough for these simple panels
    fig.subplots_adjust(left=left, right=0.96, bottom=bottom, top=0.9, wspace=0.3)
    fig.savefig(path, dpi=100)
    return path


def _activity(metrics: pd.DataFrame, path: Path) -> Path:
    fig = Figure(figsize=(10, 4), layout=None)
    ax1, ax2 = fig.subplots(1, 2)
    for col in _KINDS:
        if col in metrics and metrics[col].sum() > 0:
            ax1.plot(metrics["step"], metrics[col], label=col)
    ax1.set_xlabel("step")
    ax1.set_ylabel("applied actions")
    ax1.set_yscale("symlog")
    ax1.legend(fontsize=8)
    ax1.set_title("Actions per step")
    ax2.plot(metrics["step"], metrics["active_users"])
    ax2.set_xlabel("step")
    ax2.set_ylabel("users online")
    ax2.set_title("Online users (activity profiles)")
    return _save(fig, path)


def _opinion(world: SocialWorld, metrics: pd.DataFrame, path: Path) -> Path:
    fig = Figure(figsize=(10, 4), layout=None)
    ax1, ax2 = fig.subplots(1, 2)
    for col in ("opinion_variance", "opinion_bimodality", "opinion_extremity"):
        ax1.plot(metrics["step"], metrics[col], label=col.removeprefix("opinion_"))
    ax1.set_xlabel("step")
    ax1.set_title(f"Polarization ({world.config.effective_recommender()} feed)")
    ax1.legend(fontsize=8)
    bins = np.linspace(-1, 1, 41)
    ax2.hist(world.platform.opinion0, bins=bins, alpha=0.5, label="initial")
    ax2.hist(world.platform.opinion, bins=bins, alpha=0.5, label="final")
    ax2.set_xlabel("opinion")
    ax2.set_ylabel("users")
    ax2.legend(fontsize=8)
    ax2.set_title("Opinion distribution")
    return _save(fig, path)


def _cascades(world: SocialWorld, path: Path) -> Path:
    par, created = M.share_forest(world.platform.posts)
    summ = cascade_summary(par, created)
    fig = Figure(figsize=(12, 3.8), layout=None)
    ax1, ax2, ax3 = fig.subplots(1, 3)
    values, prob = ccdf(summ["size"])
    if values.size:
        ax1.loglog(values, prob, marker="o", ms=3, lw=1)
    ax1.set_xlabel("cascade size s")
    ax1.set_ylabel("P(S >= s)")
    ax1.set_title("Share-cascade sizes")
    depth = summ["depth"]
    counts = np.bincount(depth) if depth.size else np.zeros(1, np.int64)
    ax2.bar(np.arange(counts.size), np.maximum(counts, 0))
    ax2.set_yscale("log")
    ax2.set_xlabel("depth")
    ax2.set_ylabel("cascades")
    ax2.set_title("Cascade depth")
    vir = summ["structural_virality"][summ["size"] >= 2]
    if vir.size:
        ax3.hist(vir, bins=30)
    ax3.set_xlabel("structural virality")
    ax3.set_ylabel("cascades (size >= 2)")
    ax3.set_title("Structural virality")
    return _save(fig, path)


def _spread(metrics: pd.DataFrame, path: Path) -> Path:
    fig = Figure(figsize=(12, 3.8), layout=None)
    axes = fig.subplots(1, 3)
    for ax, col, label in zip(
        axes,
        ("seed_reach", "seed_depth", "seed_virality"),
        ("posts in seed cascades", "deepest seed cascade", "mean structural virality"),
        strict=True,
    ):
        ax.plot(metrics["step"], metrics[col], marker=".")
        ax.set_xlabel("step")
        ax.set_title(label)
    return _save(fig, path)


def _herd(final: dict, path: Path) -> Path:
    fig = Figure(figsize=(5, 4), layout=None)
    ax = fig.subplots()
    groups = ("down", "control", "up")
    mean = np.array([final[f"herd_mean_{g}"] for g in groups])
    lo = np.array([final[f"herd_mean_{g}_lo"] for g in groups])
    hi = np.array([final[f"herd_mean_{g}_hi"] for g in groups])
    ax.errorbar(range(3), mean, yerr=[mean - lo, hi - mean], fmt="o", capsize=5)
    ax.set_xticks(range(3), [f"{g}\n(n={int(final[f'herd_n_{g}'])})" for g in groups])
    ax.set_ylabel("final score without the injected vote")
    ax.set_title("Herd effect (mean, 95% bootstrap CI)")
    ax.grid(alpha=0.3)
    return _save(fig, path, left=0.16, bottom=0.18)


def _degrees(world: SocialWorld, path: Path) -> Path:
    fig = Figure(figsize=(5.5, 4), layout=None)
    ax = fig.subplots()
    for label, deg in (
        ("followers", world.platform.followers),
        ("following", world.platform.following),
    ):
        values, prob = ccdf(deg[deg > 0].astype(np.float64))
        if values.size:
            ax.loglog(values, prob, marker=".", lw=1, label=label)
    ax.set_xlabel("degree k")
    ax.set_ylabel("P(K >= k)")
    ax.set_title("Follow-graph degrees")
    ax.legend()
    return _save(fig, path, left=0.15, bottom=0.14)


def _echo(world: SocialWorld, metrics: pd.DataFrame, path: Path) -> Path:
    fig = Figure(figsize=(10, 4), layout=None)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(metrics["step"], metrics["echo_share"])
    ax1.set_xlabel("step")
    ax1.set_ylabel("share of consumed items on one's side")
    ax1.set_title("Echo-chamber share")
    p = world.platform
    has = p.consumed > 0
    if has.any():
        ax2.hist(p.consumed_agree[has] / p.consumed[has], bins=20)
    ax2.set_xlabel("per-user echo-chamber share")
    ax2.set_ylabel("users")
    ax2.set_title("Echo chambers by user")
    return _save(fig, path)


def write_plots(world: SocialWorld, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
    """Write the social plots into ``outdir``; returns the files written."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = [
        _activity(metrics, outdir / "social_activity.png"),
        _opinion(world, metrics, outdir / "social_opinion.png"),
        _cascades(world, outdir / "social_cascades.png"),
        _degrees(world, outdir / "social_degrees.png"),
        _echo(world, metrics, outdir / "social_echo.png"),
    ]
    if world.seed_ids.size:
        written.append(_spread(metrics, outdir / "social_spread.png"))
    if world.config.herd.enabled:
        final = M.herd_metrics(
            world.platform.posts,
            world.herd_kinds(),
            world.metrics_seed,
        )
        written.append(_herd(final, outdir / "social_herd.png"))
    return written
