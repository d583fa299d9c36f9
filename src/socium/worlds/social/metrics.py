r"""Final metrics of the social world: cascades, polarization, echo chambers, herding,
the friendship paradox and activity statistics.

Every function reads the platform's arrays and returns a flat dict; the formulas are in
``docs/worlds/social.md`` (section "Metrics") and in :mod:`socium.metrics.social`,
:mod:`socium.metrics.cascades`, :mod:`socium.metrics.polarization` and
:mod:`socium.metrics.network`, which compute them.

**Share cascades.** The cascade of an original post is the tree of its reposts and quotes
(and reposts of those, ...): a repost's parent is the item it shares, as seen in a feed, so the
tree is the diffusion path (Goel et al. 2016). Comments start conversation threads, not share
cascades, and are left out (with whatever shares them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from socium.metrics.cascades import generation
from socium.metrics.network import friendship_paradox
from socium.metrics.polarization import bimodality_coefficient, esteban_ray, gini, variance
from socium.metrics.social import (
    cascade_stats,
    cascade_summary,
    extremity,
    friendship_paradox_by,
    herd_effect,
    topic_entropy,
)
from socium.worlds.social.actions import ACTION_CODES, ACTION_NAMES, REASON_NAMES
from socium.worlds.social.platform import Platform
from socium.worlds.social.posts import KINDS, PostTable

__all__ = [
    "METRIC_DESCRIPTIONS",
    "activity_metrics",
    "cascade_metrics",
    "echo_metrics",
    "follow_matrix",
    "herd_metrics",
    "opinion_metrics",
    "paradox_metrics",
    "seed_cascades",
    "share_forest",
    "step_metrics",
]


#: Final metric names (patterns) and their meaning, for ``socium scenarios social``.
METRIC_DESCRIPTIONS = {
    "cascade_n_cascades": "original posts (share cascades)",
    "cascade_share_single": "share of original posts never reposted or quoted",
    "cascade_<size|depth|max_breadth|virality>_<mean|median|max>": "share-cascade size, depth, "
    "largest generation and structural virality (Goel et al. 2016; virality over cascades of "
    ">= 2 posts)",
    "cascade_size_ccdf": "list of [size, P(S >= size)] over share cascades",
    "seed_cascade_<size|depth|max_breadth>": "lists: the cascade of each seed post",
    "seed_structural_virality": "list: structural virality of each seed post's cascade",
    "seed_reach_mean": "mean share-cascade size of the seed posts",
    "opinion_<mean|variance|bimodality|extremity|esteban_ray>": "final opinions (extremity = "
    "mean |x|; Esteban-Ray over 10 bins of [-1, 1])",
    "opinion_<...>_initial": "the same for the initial opinions",
    "opinion_mean_abs_change": "mean |x_final - x_initial|",
    "echo_chamber_share": "share of consumed feed items on the user's side (x * s > 0)",
    "echo_chamber_share_user_mean": "per-user echo-chamber share, averaged over users",
    "topic_entropy": "mean Shannon entropy (bits) of the topics of each user's consumed items",
    "topic_entropy_normalized": "topic_entropy / log2(number of topics)",
    "consumed_items": "feed items shown in total",
    "herd_<n|mean>_<up|down|control>": "herd experiment (when enabled): items and mean final "
    "score without the injected vote per treatment group, with bootstrap CIs _lo/_hi",
    "herd_diff_<up|down>": "mean score difference to control, with _lo/_hi CIs, p_<up|down> "
    "and relative_<up|down> (Muchnik et al. 2013)",
    "fp_degree_<mean_degree|mean_neighbor_degree_edge|fraction_paradox>": "friendship paradox "
    "of the (symmetrized) follow graph",
    "fp_<followers|activity|influence>_<mean_value_non_isolated|mean_neighbor_value_node|"
    "fraction_paradox>": "generalized friendship paradox over followees for followers, "
    "applied actions and likes received",
    "posts_total": "items written (posts, reposts, quotes, comments)",
    "items_<post|repost|quote|comment>": "items of each kind",
    "likes_total, dislikes_total": "votes standing at the end (herd votes included)",
    "follow_edges, mute_edges": "follow and mute relations at the end",
    "visited_share": "users online at least once",
    "lurker_share": "users online at least once who never acted",
    "posting_share": "users who wrote at least one item",
    "gini_posts, gini_actions, gini_followers": "Gini coefficients (heavy tails)",
    "top1_share_items": "share of items written by the top 1% of writers",
    "actions_<name>": "applied actions of each kind",
    "invalid_actions": "rejected actions; invalid_<reason> per reason",
    "converged_step": "added by the engine (the world never reports convergence)",
}


def share_forest(posts: PostTable) -> tuple[np.ndarray, np.ndarray]:
    """Parent links and creation steps of the share forest (``-1`` = left out).

    Members are original posts and the reposts/quotes whose whole chain up to an original
    post consists of reposts and quotes.
    """
    n = posts.n
    kind = posts.kind[:n]
    shares = (kind == KINDS["repost"]) | (kind == KINDS["quote"])
    par = np.where(shares, posts.parent[:n], -1)
    member = generation(par) == posts.depth[:n]
    return np.where(member, par, -1), np.where(member, posts.created_step[:n], -1).astype(np.int64)


def seed_cascades(posts: PostTable, seeds: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`socium.metrics.social.cascade_summary` of the share cascades of ``seeds``
    (ascending post ids), in seed order."""
    par, created = share_forest(posts)
    keep = np.isin(posts.root[: posts.n], seeds)
    summ = cascade_summary(np.where(keep, par, -1), np.where(keep, created, -1))
    pos = np.searchsorted(summ["root"], seeds)
    return {k: v[pos] for k, v in summ.items()}


def cascade_metrics(posts: PostTable, seeds: np.ndarray) -> dict[str, Any]:
    """``cascade_*`` statistics of all share cascades and ``seed_*`` lists for seed posts."""
    par, created = share_forest(posts)
    out: dict[str, Any] = {}
    for key, value in cascade_stats(par, created).items():
        out[f"cascade_{key}"] = value
    out["cascade_size_ccdf"] = _ccdf_pairs(cascade_summary(par, created)["size"])
    seed = seed_cascades(posts, seeds)
    out["seed_cascade_size"] = seed["size"].tolist()
    out["seed_cascade_depth"] = seed["depth"].tolist()
    out["seed_cascade_max_breadth"] = seed["max_breadth"].tolist()
    out["seed_structural_virality"] = seed["structural_virality"].tolist()
    out["seed_reach_mean"] = float(seed["size"].mean()) if seeds.size else float("nan")
    return out


def _ccdf_pairs(sizes: np.ndarray) -> list[list[float]]:
    """``[[size, P(S >= size)], ...]`` for the distinct sizes."""
    values, counts = np.unique(sizes, return_counts=True)
    if values.size == 0:
        return []
    tail = np.cumsum(counts[::-1])[::-1] / float(sizes.size)
    return [[float(v), float(p)] for v, p in zip(values, tail, strict=True)]


def opinion_metrics(platform: Platform) -> dict[str, float]:
    """Polarization of the final and the initial opinions."""
    out: dict[str, float] = {}
    for suffix, x in (("", platform.opinion), ("_initial", platform.opinion0)):
        out[f"opinion_mean{suffix}"] = float(x.mean())
        out[f"opinion_variance{suffix}"] = variance(x)
        out[f"opinion_bimodality{suffix}"] = (
            bimodality_coefficient(x) if x.size >= 4 else float("nan")
        )
        out[f"opinion_extremity{suffix}"] = extremity(x)
        out[f"opinion_esteban_ray{suffix}"] = esteban_ray(x, range=(-1.0, 1.0))
    out["opinion_mean_abs_change"] = float(np.abs(platform.opinion - platform.opinion0).mean())
    return out


def echo_metrics(platform: Platform) -> dict[str, float]:
    """Echo-chamber share of consumption and topic entropy of consumption."""
    consumed = platform.consumed.astype(np.float64)
    agree = platform.consumed_agree.astype(np.float64)
    total = consumed.sum()
    has = consumed > 0
    _, h_mean = topic_entropy(platform.topic_consumed)
    k = platform.n_topics
    return {
        "echo_chamber_share": float(agree.sum() / total) if total else float("nan"),
        "echo_chamber_share_user_mean": float((agree[has] / consumed[has]).mean())
        if has.any()
        else float("nan"),
        "topic_entropy": h_mean,
        "topic_entropy_normalized": h_mean / np.log2(k) if k > 1 else float("nan"),
        "consumed_items": float(total),
    }


def herd_metrics(posts: PostTable, kinds: tuple[int, ...], seed: int) -> dict[str, float]:
    """``herd_*``: :func:`socium.metrics.social.herd_effect` on treated-eligible items.

    The outcome is the final score without the injected vote,
    :math:`S = \\text{likes} - \\text{dislikes} - \\text{treatment}`.
    """
    n = posts.n
    eligible = np.isin(posts.kind[:n], kinds)
    score = posts.likes[:n].astype(np.float64) - posts.dislikes[:n] - posts.treatment[:n]
    res = herd_effect(
        score[eligible],
        posts.treatment[:n][eligible].astype(np.int64),
        rng=np.random.default_rng(seed),
        n_boot=1000,
    )
    return {f"herd_{k}": float(v) for k, v in res.items()}


def follow_matrix(platform: Platform) -> sp.csr_array:
    """The follow graph as a CSR matrix, row ``f`` = whom ``f`` follows."""
    keys = platform.follows.keys()
    n = platform.n
    ptr = platform.follows.row_pointer(n)
    cols = (keys & 0xFFFFFFFF).astype(np.int64)
    return sp.csr_array((np.ones(keys.size), cols, ptr), shape=(n, n))


def paradox_metrics(platform: Platform) -> dict[str, float]:
    """Friendship paradox on the follow graph: degree, followers, activity and influence.

    ``fp_degree_*``: :func:`socium.metrics.network.friendship_paradox` (undirected).
    ``fp_<attr>_*`` for ``followers``, ``activity`` (applied actions) and ``influence`` (likes
    received): :func:`socium.metrics.social.friendship_paradox_by` over the followees
    (``direction="out"``): "the people you follow have more ... than you".
    """
    adj = follow_matrix(platform)
    out: dict[str, float] = {}
    fp = friendship_paradox(adj)
    for key in ("mean_degree", "mean_neighbor_degree_edge", "fraction_paradox"):
        out[f"fp_degree_{key}"] = float(fp[key])
    for name, values in (
        ("followers", platform.followers),
        ("activity", platform.actions),
        ("influence", platform.likes_received),
    ):
        res = friendship_paradox_by(adj, values.astype(np.float64), direction="out")
        for key in ("mean_value_non_isolated", "mean_neighbor_value_node", "fraction_paradox"):
            out[f"fp_{name}_{key}"] = float(res[key])
    return out


def activity_metrics(
    platform: Platform, totals: np.ndarray, invalid: np.ndarray
) -> dict[str, float]:
    """Counts of items and actions, heavy tails of activity, and rejected actions."""
    posts = platform.posts
    kind = posts.kind[: posts.n]
    visited = platform.visits > 0
    authored = platform.authored.astype(np.float64)
    out: dict[str, float] = {
        "posts_total": float(posts.n),
        **{f"items_{name}": float(np.count_nonzero(kind == code)) for name, code in KINDS.items()},
        "likes_total": float(posts.likes[: posts.n].sum()),
        "dislikes_total": float(posts.dislikes[: posts.n].sum()),
        "follow_edges": float(len(platform.follows)),
        "mute_edges": float(len(platform.mutes)),
        "visited_share": float(visited.mean()),
        "lurker_share": float(np.mean(platform.actions[visited] == 0))
        if visited.any()
        else float("nan"),
        "posting_share": float(np.mean(authored > 0)),
        "gini_posts": gini(authored),
        "gini_actions": gini(platform.actions.astype(np.float64)),
        "gini_followers": gini(platform.followers.astype(np.float64)),
        "top1_share_items": _top_share(authored, 0.01),
        "invalid_actions": float(invalid[1:].sum()),
    }
    for code, name in enumerate(ACTION_NAMES.tolist()):
        out[f"actions_{name}"] = float(totals[code])
    for code, name in enumerate(REASON_NAMES.tolist()):
        if code:
            out[f"invalid_{name}"] = float(invalid[code])
    return out


def _top_share(x: np.ndarray, fraction: float) -> float:
    total = x.sum()
    if total <= 0:
        return float("nan")
    k = max(1, int(np.ceil(fraction * x.size)))
    return float(np.partition(x, x.size - k)[x.size - k :].sum() / total)


def step_metrics(
    platform: Platform, counts: np.ndarray, stats: np.ndarray, seeds: np.ndarray
) -> dict[str, float]:
    """The cheap per-step metrics (see ``docs/worlds/social.md``).

    Parameters
    ----------
    platform : Platform
    counts : numpy.ndarray
        Applied actions of the step by action code.
    stats : numpy.ndarray
        ``[online users, rejected actions, consumed items, agreeing consumed items]``.
    seeds : numpy.ndarray
        Seed post ids (their cascades are measured when there are any: O(posts)).
    """
    c = counts
    code = ACTION_CODES
    x = platform.opinion
    active, invalid, consumed, agree = (int(v) for v in stats)
    nan = float("nan")
    out = {
        "active_users": float(active),
        "actions": float(c.sum() - c[code["do_nothing"]]),
        "idle": float(c[code["do_nothing"]]),
        "invalid_actions": float(invalid),
        "posts_created": float(c[code["create_post"]]),
        "reposts": float(c[code["repost"]]),
        "quotes": float(c[code["quote_post"]]),
        "comments": float(c[code["create_comment"]]),
        "likes": float(c[code["like_post"]] + c[code["like_comment"]]),
        "dislikes": float(c[code["dislike_post"]] + c[code["dislike_comment"]]),
        "unlikes": float(c[code["unlike_post"]]),
        "follows": float(c[code["follow"]]),
        "unfollows": float(c[code["unfollow"]]),
        "mutes": float(c[code["mute"]] + c[code["unmute"]]),
        "searches": float(c[code["search_posts"]] + c[code["search_user"]] + c[code["trend"]]),
        "refreshes": float(c[code["refresh"]]),
        "total_posts": float(platform.posts.n),
        "follow_edges": float(len(platform.follows)),
        "opinion_mean": float(x.mean()),
        "opinion_variance": float(x.var()),
        "opinion_bimodality": bimodality_coefficient(x) if x.size >= 4 else nan,
        "opinion_extremity": float(np.abs(x).mean()),
        "echo_share": agree / consumed if consumed else nan,
        "seed_reach": nan,
        "seed_depth": nan,
        "seed_virality": nan,
    }
    if seeds.size:
        seed = seed_cascades(platform.posts, seeds)
        vir = seed["structural_virality"][seed["size"] >= 2]
        out["seed_reach"] = float(seed["size"].sum())
        out["seed_depth"] = float(seed["depth"].max())
        out["seed_virality"] = float(vir.mean()) if vir.size else nan
    return out
