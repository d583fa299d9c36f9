"""Rows of the run-database tables written by the social world.

Per step (with a ``step`` column added by the engine):

``posts``
    ``post_id, author, created_step, created_minute, kind (post | repost | quote | comment),
    parent, root, topic, stance, text, treatment, seed``.
``actions`` (only when events are recorded)
    ``agent, action, target, ok, reason, source``: every action taken, valid or not.
``follows_changes`` (only when events are recorded)
    ``follower, followee, change`` (+1 follow, -1 unfollow).

At the end of the run: ``post_stats``, ``users``, ``topics`` and, with ``record_graph``,
``follows``, ``mutes`` and ``votes``.
"""

from __future__ import annotations

import numpy as np

from socium.worlds.social.actions import ACTION_NAMES, REASON_NAMES
from socium.worlds.social.keysets import unpack
from socium.worlds.social.platform import Platform
from socium.worlds.social.posts import KIND_NAMES, PostTable

__all__ = ["action_rows", "final_tables", "post_rows"]


def post_rows(posts: PostTable, start: int, stop: int) -> dict[str, np.ndarray]:
    """Rows ``start..stop-1`` of the post table."""
    ids = np.arange(start, stop, dtype=np.int64)
    tidx = posts.text_idx[ids]
    has = np.flatnonzero(tidx >= 0)
    if has.size:
        text = np.zeros(ids.size, dtype=object)
        text[:] = ""
        text[has] = [posts.texts[i] for i in tidx[has].tolist()]
        text = text.astype(str)
    else:
        text = np.zeros(ids.size, "<U1")
    return {
        "post_id": ids,
        "author": posts.author[ids],
        "created_step": posts.created_step[ids].astype(np.int64),
        "created_minute": posts.created_minute[ids],
        "kind": KIND_NAMES[posts.kind[ids]],
        "parent": posts.parent[ids],
        "root": posts.root[ids],
        "topic": posts.topic[ids].astype(np.int64),
        "stance": posts.stance[ids].astype(np.float64),
        "text": text,
        "treatment": posts.treatment[ids].astype(np.int64),
        "seed": posts.seed[ids].astype(np.int64),
    }


def action_rows(
    users: np.ndarray,
    action: np.ndarray,
    target: np.ndarray,
    reason: np.ndarray,
    source: np.ndarray,
) -> dict[str, np.ndarray]:
    """One row per action taken (unknown codes are named ``"unknown"``)."""
    a = np.asarray(action).astype(np.int64)
    known = (a >= 0) & (a < ACTION_NAMES.size)
    names = np.where(known, ACTION_NAMES[np.clip(a, 0, ACTION_NAMES.size - 1)], "unknown")
    return {
        "agent": np.asarray(users, dtype=np.int64),
        "action": names,
        "target": np.asarray(target).astype(np.int64),
        "ok": (reason == 0).astype(np.int64),
        "reason": REASON_NAMES[reason],
        "source": np.asarray(source).astype(str),
    }


def final_tables(
    platform: Platform,
    users: dict[str, np.ndarray],
    topics: list[str],
    record_graph: bool,
) -> dict[str, dict[str, np.ndarray]]:
    """``post_stats``, ``users``, ``topics`` and optionally ``follows``, ``mutes``, ``votes``."""
    posts = platform.posts
    n = posts.n
    likes = posts.likes[:n].astype(np.int64)
    dislikes = posts.dislikes[:n].astype(np.int64)
    tables: dict[str, dict[str, np.ndarray]] = {
        "post_stats": {
            "post_id": np.arange(n, dtype=np.int64),
            "likes": likes,
            "dislikes": dislikes,
            "reposts": posts.reposts[:n].astype(np.int64),
            "quotes": posts.quotes[:n].astype(np.int64),
            "comments": posts.comments[:n].astype(np.int64),
            "score": likes - dislikes,
            "treatment": posts.treatment[:n].astype(np.int64),
            "thread_size": posts.tree_size[:n].astype(np.int64),
            "depth": posts.depth[:n].astype(np.int64),
        },
        "users": {"user": np.arange(platform.n, dtype=np.int64), **users},
        "topics": {"topic": np.arange(len(topics), dtype=np.int64), "name": np.array(topics)},
    }
    if record_graph:
        f, g = unpack(platform.follows.keys())
        tables["follows"] = {"follower": f, "followee": g}
        m, g = unpack(platform.mutes.keys())
        tables["mutes"] = {"muter": m, "muted": g}
        lu, lp = unpack(platform.likes.keys())
        du, dp = unpack(platform.dislikes.keys())
        tables["votes"] = {
            "user": np.concatenate([lu, du]),
            "post": np.concatenate([lp, dp]),
            "value": np.concatenate([np.ones(lu.size, np.int64), -np.ones(du.size, np.int64)]),
        }
    return tables
