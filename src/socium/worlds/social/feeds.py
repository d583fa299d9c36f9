r"""Candidate pools, the feed context handed to recommenders, and vectorized top-k helpers.

Feeds are computed once per step, in batch, for the users who are online, against a bounded
**candidate pool** (never against every post, and never for every user):

* the **window** is every post created in the last ``pool_window_minutes``;
* the **pool** is the window when it holds at most ``pool_size`` posts, otherwise the
  ``(1 - pool_popular_share) * pool_size`` most recent posts of the window, plus the
  ``pool_popular_share * pool_size`` most engaged other posts of the window (likes +
  dislikes + reposts + quotes + comments), plus every seed post of the window.

A user never sees their own posts, nor posts by users they muted. Recommenders rank the pool
(or, for ``in_network``, the window) and return ``k`` post ids per user, best first, padded
with -1.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from socium.worlds.social.keysets import pack, sorted_unique
from socium.worlds.social.platform import Platform

__all__ = [
    "FeedContext",
    "build_pool",
    "compact_rows",
    "dedupe_rows",
    "exclusion_mask",
    "top_k",
]

_CHUNK_CELLS = 1_000_000  # scores computed at once (rows x pool): cache-sized chunks


def build_pool(
    platform: Platform, minute: int, window: int, size: int, popular_share: float
) -> tuple[np.ndarray, int]:
    """The candidate pool (ascending post ids) and the first post id of the window."""
    posts = platform.posts
    start = platform.window_start(minute, window)
    n = posts.n
    if n - start <= size:
        return np.arange(start, n, dtype=np.int64), start
    n_pop = round(size * popular_share)
    n_recent = size - n_pop
    recent = np.arange(n - n_recent, n, dtype=np.int64)
    rest = np.arange(start, n - n_recent, dtype=np.int64)
    parts = [recent]
    if n_pop and rest.size:
        eng = posts.engagement(rest)
        if rest.size > n_pop:
            top = np.argpartition(-eng, n_pop - 1)[:n_pop]
            parts.append(rest[top])
        else:
            parts.append(rest)
    seeds = start + np.flatnonzero(posts.seed[start:n])
    parts.append(seeds)
    return sorted_unique(np.concatenate(parts)), start


@dataclass
class FeedContext:
    """What a recommender may read: the platform, the clock and the step's candidates.

    Attributes
    ----------
    platform : Platform
        Users, posts and relations (read only).
    minute : int
        Current simulated minute (since step 1 began).
    seconds : float
        Current simulated Unix time in seconds.
    pool : numpy.ndarray of int64
        Candidate post ids (ascending).
    window_start : int
        First post id of the recent window (``in_network`` ranks the whole window).
    epoch_seconds : int
        Simulated Unix time of minute 0.
    """

    platform: Platform
    minute: int
    pool: np.ndarray
    window_start: int
    epoch_seconds: int
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def seconds(self) -> float:
        """Current simulated Unix time (s)."""
        return float(self.epoch_seconds + 60 * self.minute)

    def post_seconds(self, ids: np.ndarray) -> np.ndarray:
        """Creation time of posts in simulated Unix seconds (float64)."""
        return self.epoch_seconds + 60.0 * self.platform.posts.created_minute[ids]

    def follow_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(ptr, followees)``: CSR of the follow relation as of the step's start."""
        if "follow_rows" not in self._cache:
            follows = self.platform.follows
            follows.compact()
            base = follows.base
            counts = np.bincount(base >> 32, minlength=self.platform.n)
            ptr = np.zeros(self.platform.n + 1, np.int64)
            np.cumsum(counts, out=ptr[1:])
            self._cache["follow_rows"] = (ptr, base & 0xFFFFFFFF)
        return self._cache["follow_rows"]

    def window_by_author(self) -> tuple[np.ndarray, np.ndarray]:
        """``(authors, ids)``: the window's posts sorted by author (then by id)."""
        if "window_by_author" not in self._cache:
            posts = self.platform.posts
            ids = np.arange(self.window_start, posts.n, dtype=np.int64)
            authors = posts.author[ids]
            order = np.argsort(authors, kind="stable")
            self._cache["window_by_author"] = (authors[order], ids[order])
        return self._cache["window_by_author"]


def exclusion_mask(ctx: FeedContext, users: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Which candidates (rows = users, -1 = empty) may be shown: not own, not muted."""
    valid = cand >= 0
    authors = ctx.platform.posts.author[np.maximum(cand, 0)]
    valid &= authors != users[:, None]
    rows = np.flatnonzero(ctx.platform.muting[users] > 0)
    if rows.size:
        muted = ctx.platform.mutes.contains(pack(users[rows, None], authors[rows]))
        valid[rows] &= ~muted
    return valid


def compact_rows(cand: np.ndarray, valid: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` valid entries of each row, in order, padded with -1."""
    order = np.argsort(~valid, axis=1, kind="stable")[:, :k]
    out = np.take_along_axis(cand, order, axis=1)
    ok = np.take_along_axis(valid, order, axis=1)
    out = np.where(ok, out, -1)
    if out.shape[1] < k:
        out = np.pad(out, ((0, 0), (0, k - out.shape[1])), constant_values=-1)
    return out


def dedupe_rows(cand: np.ndarray) -> np.ndarray:
    """Mask of entries that do not repeat an earlier entry of the same row."""
    if cand.shape[1] < 2:
        return np.ones(cand.shape, dtype=bool)
    order = np.argsort(cand, axis=1, kind="stable")
    srt = np.take_along_axis(cand, order, axis=1)
    dup_sorted = np.zeros(cand.shape, dtype=bool)
    dup_sorted[:, 1:] = srt[:, 1:] == srt[:, :-1]
    first = np.ones(cand.shape, dtype=bool)
    np.put_along_axis(first, order, ~dup_sorted, axis=1)
    return first


class _OwnIndex:
    """The pool's authors sorted once, to find each user's own posts by binary search."""

    def __init__(self, authors: np.ndarray):
        self.order = np.argsort(authors, kind="stable")
        self.sorted = authors[self.order]

    def positions(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""``(row, col)`` of every pool entry written by ``users[row]``: two binary searches
        per user, :math:`O(b \log C)`, instead of comparing every user with every post."""
        lo = np.searchsorted(self.sorted, users, side="left")
        counts = np.searchsorted(self.sorted, users, side="right") - lo
        rows = np.repeat(np.arange(users.size), counts)
        offs = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
        return rows, self.order[np.repeat(lo, counts) + offs]


def _top_chunk(ctx, pool, authors, own, u, k, score_fn) -> np.ndarray:
    """Top ``k`` pool posts of the users ``u`` (one chunk)."""
    c = pool.shape[0]
    neg = np.negative(score_fn(u))  # a fresh array: smallest = best
    r, col = own.positions(u)
    neg[r, col] = np.inf
    rows = np.flatnonzero(ctx.platform.muting[u] > 0)
    if rows.size:
        muted = ctx.platform.mutes.contains(pack(u[rows, None], authors[None, :]))
        neg[rows] = np.where(muted, np.inf, neg[rows])
    if c > k:
        part = np.argpartition(neg, k - 1, axis=1)[:, :k]
        part.sort(axis=1)  # pool order first, so the stable sort breaks ties by it
    else:
        part = np.broadcast_to(np.arange(c), (u.shape[0], c))
    sub = np.take_along_axis(neg, part, axis=1)
    order = np.argsort(sub, axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    best = np.take_along_axis(sub, order, axis=1)
    out = np.full((u.shape[0], k), -1, np.int64)
    out[:, : idx.shape[1]] = np.where(np.isfinite(best), pool[idx], -1)
    return out


def top_k(
    ctx: FeedContext,
    users: np.ndarray,
    k: int,
    score_fn,
    *,
    threads: int = 1,
) -> np.ndarray:
    """Rank the pool for each user by ``score_fn(users_chunk) -> (b, C)`` and keep the top k.

    Own and muted posts are excluded. Rows are processed in chunks of about a million scores
    (so the work stays in cache and memory stays bounded). Among equal scores the lower pool
    position (the older post) comes first. With ``threads > 1`` the chunks are ranked
    concurrently (numpy releases the GIL); only for a ``score_fn`` that draws no random
    numbers, so the result does not depend on the thread schedule.
    """
    pool = ctx.pool
    c = pool.shape[0]
    if c == 0 or users.size == 0:
        return np.full((users.shape[0], k), -1, np.int64)
    authors = ctx.platform.posts.author[pool]
    own = _OwnIndex(authors)
    step = max(1, _CHUNK_CELLS // c)
    chunks = [users[lo : lo + step] for lo in range(0, users.shape[0], step)]
    if threads > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool_exec:
            parts = list(
                pool_exec.map(lambda u: _top_chunk(ctx, pool, authors, own, u, k, score_fn), chunks)
            )
    else:
        parts = [_top_chunk(ctx, pool, authors, own, u, k, score_fn) for u in chunks]
    return np.concatenate(parts)
