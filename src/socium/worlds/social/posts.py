"""The post table: posts, reposts, quotes and comments as growable columns.

Every item a user writes is a row of one :class:`PostTable`, identified by its row index (the
post id, assigned in creation order, so ids also order posts by time). Reposts, quotes and
comments point to their ``parent`` (the item they share or answer) and to the ``root`` of
their tree (the original post), so every conversation or share cascade is a tree of rows.
Columns grow by capacity doubling: appending ``k`` rows is amortised :math:`O(k)`.
Free text (written by LLM agents) is kept in a list referenced by ``text_idx``, so rule-only
runs store no strings at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["KINDS", "KIND_NAMES", "PostTable"]

#: Post kinds (codes of the ``kind`` column).
KINDS = {"post": 0, "repost": 1, "quote": 2, "comment": 3}
#: Kind names by code.
KIND_NAMES = np.array(list(KINDS), dtype=str)

#: Scalar columns and their dtypes. ``treatment``: the herd-experiment first vote (+1, -1, 0).
_COLUMNS: dict[str, Any] = {
    "author": np.int64,
    "created_step": np.int32,
    "created_minute": np.int64,
    "kind": np.int8,
    "parent": np.int64,
    "root": np.int64,
    "depth": np.int32,
    "topic": np.int16,
    "stance": np.float32,
    "text_idx": np.int64,
    "seed": np.bool_,
    "treatment": np.int8,
    "likes": np.int32,
    "dislikes": np.int32,
    "reposts": np.int32,
    "quotes": np.int32,
    "comments": np.int32,
    "tree_size": np.int32,
}
#: Counters that start at zero for a new row.
_COUNTERS = ("likes", "dislikes", "reposts", "quotes", "comments")


class PostTable:
    """Columnar, growable table of posts.

    Parameters
    ----------
    n_topics : int
        Length of the topic vectors.
    capacity : int, default 1024
        Initial number of rows allocated.

    Attributes
    ----------
    n : int
        Number of rows in use (post ids are ``0..n-1``).
    topic_vec : numpy.ndarray, shape (capacity, n_topics), float32
        L2-normalised, non-negative topic vectors (the squared entries are the topic mixture).
    texts : list of str
        Texts written by LLM agents; row ``i`` has text ``texts[text_idx[i]]`` when
        ``text_idx[i] >= 0``.

    Examples
    --------
    >>> t = PostTable(2)
    >>> ids = t.append(author=[3], created_step=[1], created_minute=[0], kind=[0], parent=[-1],
    ...                root=[-1], topic=[1], stance=[0.5], topic_vec=[[0.0, 1.0]])
    >>> ids.tolist(), int(t.root[0]), int(t.tree_size[0])
    ([0], 0, 1)
    """

    def __init__(self, n_topics: int, capacity: int = 1024):
        self.n_topics = int(n_topics)
        self.n = 0
        self.texts: list[str] = []
        self._alloc(max(int(capacity), 16))

    def _alloc(self, capacity: int) -> None:
        old_n = self.n
        for name, dtype in _COLUMNS.items():
            new = np.zeros(capacity, dtype)
            if old_n:
                new[:old_n] = getattr(self, name)[:old_n]
            setattr(self, name, new)
        vec = np.zeros((capacity, self.n_topics), np.float32)
        if old_n:
            vec[:old_n] = self.topic_vec[:old_n]
        self.topic_vec = vec
        self.capacity = capacity

    def reserve(self, extra: int) -> None:
        """Make room for ``extra`` more rows (doubling the capacity as needed)."""
        need = self.n + int(extra)
        if need > self.capacity:
            cap = self.capacity
            while cap < need:
                cap *= 2
            self._alloc(cap)

    def append(
        self,
        *,
        author: Any,
        created_step: Any,
        created_minute: Any,
        kind: Any,
        parent: Any,
        root: Any,
        topic: Any,
        stance: Any,
        topic_vec: Any,
        texts: list[str] | None = None,
        seed: Any = False,
        treatment: Any = 0,
    ) -> np.ndarray:
        """Append rows; returns their new post ids.

        ``root = -1`` makes the row its own root (an original post). ``texts`` (one string
        per row, ``""`` for none) are stored only when non-empty. ``depth`` is the parent's
        depth plus one (0 for roots), and every ancestor's root gets ``tree_size += 1``.
        """
        author = np.asarray(author, dtype=np.int64)
        k = author.shape[0]
        self.reserve(k)
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        sl = slice(self.n, self.n + k)
        parent = np.asarray(parent, dtype=np.int64)
        root = np.asarray(root, dtype=np.int64)
        root = np.where(root < 0, ids, root)
        self.author[sl] = author
        self.created_step[sl] = created_step
        self.created_minute[sl] = created_minute
        self.kind[sl] = kind
        self.parent[sl] = parent
        self.root[sl] = root
        has_parent = parent >= 0
        self.depth[sl] = np.where(has_parent, self.depth[np.maximum(parent, 0)] + 1, 0)
        self.topic[sl] = topic
        self.stance[sl] = stance
        self.topic_vec[sl] = np.asarray(topic_vec, dtype=np.float32).reshape(k, self.n_topics)
        self.seed[sl] = seed
        self.treatment[sl] = treatment
        for name in _COUNTERS:
            getattr(self, name)[sl] = 0
        self.tree_size[sl] = 0
        self.text_idx[sl] = -1
        if texts is not None:
            has = np.flatnonzero(np.asarray([bool(t) for t in texts], dtype=bool))
            if has.size:
                start = len(self.texts)
                self.texts.extend(texts[i] for i in has.tolist())
                self.text_idx[self.n + has] = np.arange(start, start + has.size)
        self.n += k
        np.add.at(self.tree_size, root, 1)
        return ids

    def text_of(self, ids: np.ndarray) -> list[str]:
        """The text of each post (``""`` when it has none)."""
        idx = self.text_idx[np.asarray(ids, dtype=np.int64)]
        return [self.texts[i] if i >= 0 else "" for i in idx.tolist()]

    def column(self, name: str) -> np.ndarray:
        """The used part of a column (a view)."""
        return getattr(self, name)[: self.n]

    def engagement(self, ids: np.ndarray) -> np.ndarray:
        """Likes + dislikes + reposts + quotes + comments of each post (int64)."""
        return (
            self.likes[ids].astype(np.int64)
            + self.dislikes[ids]
            + self.reposts[ids]
            + self.quotes[ids]
            + self.comments[ids]
        )

    def score(self, ids: np.ndarray) -> np.ndarray:
        """Likes minus dislikes (Reddit's up- minus down-votes) of each post (int64)."""
        return self.likes[ids].astype(np.int64) - self.dislikes[ids]

    # -- checkpoints ---------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """The used rows of every column and the texts (as a ``str`` array)."""
        state: dict[str, Any] = {name: getattr(self, name)[: self.n].copy() for name in _COLUMNS}
        state["topic_vec"] = self.topic_vec[: self.n].copy()
        state["texts"] = np.array(self.texts, dtype=str) if self.texts else np.zeros(0, "<U1")
        state["n"] = int(self.n)
        return state

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state` (capacity: the next power of two)."""
        n = int(state["n"])
        cap = 16
        while cap < n:
            cap *= 2
        self.n = 0
        self._alloc(cap)
        for name, dtype in _COLUMNS.items():
            getattr(self, name)[:n] = np.asarray(state[name], dtype=dtype)
        self.topic_vec[:n] = np.asarray(state["topic_vec"], dtype=np.float32)
        self.texts = [str(t) for t in np.asarray(state["texts"]).tolist()]
        self.n = n
