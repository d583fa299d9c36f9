r"""The platform's state: users, posts, relations and pending notices, as arrays.

Relations are :class:`~socium.worlds.social.keysets.KeySet` s of packed pairs:

``follows``
    key :math:`\kappa(f, g)`: user ``f`` follows user ``g`` (row ``f`` lists whom ``f``
    follows). In the [network] convention (edge ``u -> v`` = ``u`` influences ``v``) a follow
    ``f -> g`` is the network edge ``g -> f``: posts flow from ``g`` to ``f``.
``mutes``
    key :math:`\kappa(m, g)`: user ``m`` muted user ``g`` (``g`` 's posts leave ``m`` 's feed).
``likes``, ``dislikes``, ``reposts``
    key :math:`\kappa(u, p)`: user ``u`` liked / disliked / reposted post ``p`` (posts and
    comments alike; on Reddit likes are up-votes and dislikes down-votes).

Per-user counters are kept up to date by every change, so step metrics never scan a relation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from socium.worlds.social.keysets import KeySet
from socium.worlds.social.posts import PostTable

__all__ = ["NOTICE_KINDS", "NOTICE_WIDTH", "RELATIONS", "USER_COUNTERS", "Platform"]

#: Relation names (each a KeySet).
RELATIONS = ("follows", "mutes", "likes", "dislikes", "reposts")
#: Integer per-user counters.
USER_COUNTERS = (
    "followers",
    "following",
    "muting",
    "authored",
    "actions",
    "visits",
    "likes_received",
    "reposts_received",
    "consumed",
    "consumed_agree",
)
#: Kinds of notices (results shown to a user at their next observation).
NOTICE_KINDS = {"search_posts": 1, "search_user": 2, "trend": 3}
#: Results per notice.
NOTICE_WIDTH = 5


class Platform:
    """Users, posts and relations of one social platform.

    Parameters
    ----------
    n_users : int
        Number of users.
    n_topics : int
        Topic-vector length.
    opinion : numpy.ndarray
        Initial opinions in [-1, 1].
    interest : numpy.ndarray, shape (n_users, n_topics)
        Interest vectors (fixed during a run).

    Attributes
    ----------
    opinion, opinion0 : numpy.ndarray of float64
        Current and initial opinions.
    last_seen : numpy.ndarray of int64
        Simulated minute of each user's last visit (-1 = never); feed items created before it
        are not new to the user.
    topic_consumed : numpy.ndarray, shape (n_users, n_topics), int64
        Consumed feed items by dominant topic.
    """

    def __init__(self, n_users: int, n_topics: int, opinion: np.ndarray, interest: np.ndarray):
        self.n = int(n_users)
        self.n_topics = int(n_topics)
        self.opinion = np.asarray(opinion, dtype=np.float64).copy()
        self.opinion0 = self.opinion.copy()
        self.interest = np.asarray(interest, dtype=np.float32)
        self.posts = PostTable(n_topics)
        for rel in RELATIONS:
            setattr(self, rel, KeySet())
        for name in USER_COUNTERS:
            setattr(self, name, np.zeros(self.n, np.int64))
        self.last_seen = np.full(self.n, -1, np.int64)
        self.topic_consumed = np.zeros((self.n, self.n_topics), np.int64)
        self.clear_notices_all()

    # -- follows -----------------------------------------------------------------------------
    def set_follows(self, keys: np.ndarray) -> None:
        """Replace the follow relation with ``keys`` (packed (follower, followee)) and recount."""
        self.follows = KeySet(keys)
        base = self.follows.base
        self.following = np.bincount(base >> 32, minlength=self.n).astype(np.int64)
        self.followers = np.bincount(base & 0xFFFFFFFF, minlength=self.n).astype(np.int64)

    # -- notices -----------------------------------------------------------------------------
    def clear_notices_all(self) -> None:
        """Drop every pending notice."""
        self.notice_user = np.zeros(0, np.int64)
        self.notice_kind = np.zeros(0, np.int8)
        self.notice_items = np.zeros((0, NOTICE_WIDTH), np.int64)
        self.notice_query = np.zeros(0, "<U1")

    def clear_notices(self, users: np.ndarray) -> None:
        """Drop the notices of ``users`` (they have seen them)."""
        if self.notice_user.size == 0:
            return
        keep = ~np.isin(self.notice_user, users)
        if not keep.all():
            self.notice_user = self.notice_user[keep]
            self.notice_kind = self.notice_kind[keep]
            self.notice_items = self.notice_items[keep]
            self.notice_query = self.notice_query[keep]

    def add_notices(
        self, users: np.ndarray, kind: np.ndarray, items: np.ndarray, queries: np.ndarray
    ) -> None:
        """Set the pending notice of ``users`` (one each, replacing older ones)."""
        if users.size == 0:
            return
        self.clear_notices(users)
        self.notice_user = np.concatenate([self.notice_user, users.astype(np.int64)])
        self.notice_kind = np.concatenate([self.notice_kind, kind.astype(np.int8)])
        self.notice_items = np.concatenate([self.notice_items, items.astype(np.int64)])
        self.notice_query = np.concatenate([self.notice_query, np.asarray(queries, dtype=str)])

    def notices_of(self, users: np.ndarray) -> np.ndarray:
        """Row index into the notice arrays for each user (-1 = none)."""
        out = np.full(users.shape[0], -1, np.int64)
        if self.notice_user.size:
            order = np.argsort(self.notice_user, kind="stable")
            srt = self.notice_user[order]
            pos = np.minimum(np.searchsorted(srt, users), srt.size - 1)
            hit = srt[pos] == users
            out[hit] = order[pos[hit]]
        return out

    # -- windows -----------------------------------------------------------------------------
    def window_start(self, minute: int, window: int) -> int:
        """First post id created at or after ``minute - window`` (ids grow with time)."""
        created = self.posts.created_minute[: self.posts.n]
        return int(np.searchsorted(created, minute - window, side="left"))

    def compact(self) -> None:
        """Merge the change buffers of every relation (once per step)."""
        for rel in RELATIONS:
            getattr(self, rel).compact()

    # -- checkpoints -------------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """All mutable state (the interest vectors are fixed and rebuilt from the seed)."""
        return {
            "opinion": self.opinion.copy(),
            "opinion0": self.opinion0.copy(),
            "last_seen": self.last_seen.copy(),
            "topic_consumed": self.topic_consumed.copy(),
            "counters": {name: getattr(self, name).copy() for name in USER_COUNTERS},
            "relations": {rel: getattr(self, rel).get_state() for rel in RELATIONS},
            "posts": self.posts.get_state(),
            "notices": {
                "user": self.notice_user.copy(),
                "kind": self.notice_kind.copy(),
                "items": self.notice_items.copy(),
                "query": self.notice_query.copy(),
            },
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.opinion = np.array(state["opinion"], dtype=np.float64)
        self.opinion0 = np.array(state["opinion0"], dtype=np.float64)
        self.last_seen = np.array(state["last_seen"], dtype=np.int64)
        self.topic_consumed = np.array(state["topic_consumed"], dtype=np.int64).reshape(
            self.n, self.n_topics
        )
        for name in USER_COUNTERS:
            setattr(self, name, np.array(state["counters"][name], dtype=np.int64))
        for rel in RELATIONS:
            setattr(self, rel, KeySet.from_state(state["relations"][rel]))
        self.posts.set_state(state["posts"])
        notes = state["notices"]
        self.notice_user = np.array(notes["user"], dtype=np.int64)
        self.notice_kind = np.array(notes["kind"], dtype=np.int8)
        self.notice_items = np.array(notes["items"], dtype=np.int64).reshape(-1, NOTICE_WIDTH)
        self.notice_query = np.asarray(notes["query"]).astype(str)
