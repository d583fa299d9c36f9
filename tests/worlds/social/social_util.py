"""Helpers for the social-world tests: tiny worlds and hand-made action batches."""

from __future__ import annotations

import numpy as np

from socium.core.batches import ActionBatch
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation
from socium.worlds.social.actions import ACTION_CODES, empty_columns
from socium.worlds.social.topics import mixture_vectors


def make_world(n: int = 6, seed: int = 1, **world):
    """A social world of ``n`` users with no initial follows (unless given)."""
    world.setdefault("follow", {"initial_following": 0})
    world.setdefault("embedder", "hashing")
    cfg = load_config(
        {
            "population": {"size": n},
            "run": {"seed": seed, "steps": 1},
            "world": {"name": "social", **world},
        }
    )
    return build_simulation(cfg).world


def act(world, rows, source=None):
    """Apply ``rows`` = [(user, action name, target, extra dict), ...]; returns the outcome
    reasons (as names) and the events."""
    n = len(rows)
    cols = empty_columns(n)
    content = [""] * n
    for i, row in enumerate(rows):
        _, name, target = row[:3]
        extra = row[3] if len(row) > 3 else {}
        cols["action"][i] = ACTION_CODES.get(name, 99) if name != "bogus" else 99
        cols["target"][i] = target
        cols["stance"][i] = extra.get("stance", np.nan)
        cols["topic"][i] = extra.get("topic", -1)
        content[i] = extra.get("content", "")
    if any(content):
        cols["content"] = np.array(content, dtype=str)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    src = None if source is None else np.array(source, dtype="<U8")
    events = world.apply(ActionBatch(ids, cols, None, src))
    tables = world.drain_tables()
    reasons = tables["actions"]["reason"].tolist() if "actions" in tables else []
    return reasons, events, tables


def add_posts(world, authors, topics_vec, minutes=None, kind=0, parent=None, stance=None):
    """Append original posts (or given kind/parent) directly to the post table."""
    posts = world.platform.posts
    authors = np.asarray(authors, dtype=np.int64)
    k = authors.size
    minutes = np.zeros(k, np.int64) if minutes is None else np.asarray(minutes)
    parent = np.full(k, -1) if parent is None else np.asarray(parent)
    root = np.where(parent >= 0, posts.root[np.maximum(parent, 0)], -1)
    vec = mixture_vectors(np.asarray(topics_vec, dtype=np.float64))
    return posts.append(
        author=authors,
        created_step=np.zeros(k, np.int64),
        created_minute=minutes,
        kind=kind,
        parent=parent,
        root=root,
        topic=np.argmax(vec, axis=1),
        stance=np.zeros(k) if stance is None else np.asarray(stance),
        topic_vec=vec,
    )
