"""The state of one step's visits: who is online, their feeds and what they know about them.

Built at the start of a step (after the feeds are ranked) and dropped at its end, so it is
never part of a checkpoint. Rows are the online users in increasing id order; each action
batch of the step addresses them by row. The flags (``follow``, ``liked``, ``disliked``,
``reposted``) are looked up once per feed and then kept current by the step's own actions,
so a user never sees a stale "you liked this".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from socium.worlds.social.actions import ACTION_CODES as C
from socium.worlds.social.keysets import pack
from socium.worlds.social.platform import Platform

__all__ = ["Session"]


@dataclass
class Session:
    """Online users of a step, with their feeds and per-item flags.

    Attributes
    ----------
    users : numpy.ndarray of int64, shape (b,)
        Online users, ascending.
    lengths : numpy.ndarray of int32, shape (b,)
        Action slots of each visit.
    feed : numpy.ndarray of int64, shape (b, k)
        Post ids shown, best first (-1 = empty slot).
    sim : numpy.ndarray of float32, shape (b, k)
        Cosine of the user's interests and the item's topic vector.
    new : numpy.ndarray of bool, shape (b, k)
        Item created in or after the user's last visit step.
    follow, liked, disliked, reposted : numpy.ndarray of bool, shape (b, k)
        Whether the user follows the author / liked / disliked / reposted the item.
    suggest : numpy.ndarray of int64, shape (b,)
        Suggested user to follow (-1 = none, or one the user already follows).
    consumed : list of numpy.ndarray
        Row indices whose feed was shown, one array per (re)computation, with the feeds in
        :attr:`consumed_feeds`.
    refresh : numpy.ndarray of int64
        Rows that asked for a new feed before their next slot.
    """

    users: np.ndarray
    lengths: np.ndarray
    feed: np.ndarray
    suggest: np.ndarray
    sim: np.ndarray = field(init=False)
    new: np.ndarray = field(init=False)
    follow: np.ndarray = field(init=False)
    liked: np.ndarray = field(init=False)
    disliked: np.ndarray = field(init=False)
    reposted: np.ndarray = field(init=False)
    consumed: list = field(default_factory=list)
    consumed_feeds: list = field(default_factory=list)
    refresh: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def init_flags(self, platform: Platform) -> None:
        """Allocate and fill every per-item flag."""
        shape = self.feed.shape
        self.sim = np.zeros(shape, np.float32)
        self.new = np.zeros(shape, bool)
        self.follow = np.zeros(shape, bool)
        self.liked = np.zeros(shape, bool)
        self.disliked = np.zeros(shape, bool)
        self.reposted = np.zeros(shape, bool)
        known = platform.follows.contains(pack(self.users, np.maximum(self.suggest, 0)))
        self.suggest = np.where(known, -1, self.suggest)
        self.fill(platform, np.arange(self.users.shape[0]))

    def fill(self, platform: Platform, rows: np.ndarray) -> None:
        """(Re)compute the flags of ``rows`` from the platform and record the feeds as seen."""
        posts = platform.posts
        feed = self.feed[rows]
        valid = feed >= 0
        safe = np.maximum(feed, 0)
        users = self.users[rows]
        interest = platform.interest[users]
        self.sim[rows] = np.einsum("bk,bjk->bj", interest, posts.topic_vec[safe]) * valid
        self.new[rows] = valid & (posts.created_step[safe] >= platform.last_seen[users, None])
        u = users[:, None]
        self.follow[rows] = valid & platform.follows.contains(pack(u, posts.author[safe]))
        keys = pack(u, safe)
        self.liked[rows] = valid & platform.likes.contains(keys)
        self.disliked[rows] = valid & platform.dislikes.contains(keys)
        self.reposted[rows] = valid & platform.reposts.contains(keys)
        self.consumed.append(np.asarray(rows, dtype=np.int64))
        self.consumed_feeds.append(feed)

    def consumption(self, platform: Platform) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Everything shown this step: ``(row, stance, topic)`` per shown item (the topic is
        the item's dominant topic index)."""
        posts = platform.posts
        rows, stance, topic = [], [], []
        for r, feed in zip(self.consumed, self.consumed_feeds, strict=True):
            valid = feed >= 0
            shown = feed[valid]
            rows.append(np.broadcast_to(r[:, None], feed.shape)[valid])
            stance.append(posts.stance[shown].astype(np.float64))
            topic.append(posts.topic[shown].astype(np.int64))
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)
        return np.concatenate(rows), np.concatenate(stance), np.concatenate(topic)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Row of each user id (-1 when the user is not online)."""
        if self.users.size == 0:
            return np.full(ids.shape, -1, np.int64)
        pos = np.minimum(np.searchsorted(self.users, ids), self.users.size - 1)
        return np.where(self.users[pos] == ids, pos, -1)

    def update(
        self, platform: Platform, rows: np.ndarray, action: np.ndarray, target: np.ndarray
    ) -> None:
        """Keep the flags current after applied actions (rows, codes, targets)."""
        posts = platform.posts
        feed = self.feed[rows]
        on_item = feed == target[:, None]
        authors = np.where(feed >= 0, posts.author[np.maximum(feed, 0)], -1)
        by_target = authors == target[:, None]
        for codes, flag, value, hits in (
            ((C["like_post"], C["like_comment"]), self.liked, True, on_item),
            ((C["like_post"], C["like_comment"]), self.disliked, False, on_item),
            ((C["dislike_post"], C["dislike_comment"]), self.disliked, True, on_item),
            ((C["dislike_post"], C["dislike_comment"]), self.liked, False, on_item),
            ((C["unlike_post"],), self.liked, False, on_item),
            ((C["repost"],), self.reposted, True, on_item),
            ((C["follow"],), self.follow, True, by_target),
            ((C["unfollow"],), self.follow, False, by_target),
        ):
            sel = np.isin(action, codes)
            if not sel.any():
                continue
            r = rows[sel]
            if value:
                flag[r] |= hits[sel]
            else:
                flag[r] &= ~hits[sel]
        followed = np.isin(action, (C["follow"],)) & (self.suggest[rows] == target)
        self.suggest[rows[followed]] = -1
        asked = rows[action == C["refresh"]]
        if asked.size:
            self.refresh = np.union1d(self.refresh, asked)
