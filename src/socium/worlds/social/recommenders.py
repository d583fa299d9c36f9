r"""Recommenders: who sees which posts.

Every recommender implements :meth:`Recommender.recommend`, called once per step with the
users that are online (and again for users who ``refresh``), and returns a ``(len(users), k)``
array of post ids, best first, padded with -1. Built-ins:

``random``
    ``k`` distinct posts drawn uniformly from the pool (world random stream).
``hot``
    Reddit's hot ranking of the pool (same for every user):
    :math:`\mathrm{hot}(u, d, t) = \mathrm{sign}(u - d)\,\log_{10}\max(|u - d|, 1)
    + (t - t_0) / 45000`, with up-votes :math:`u` (likes), down-votes :math:`d` (dislikes),
    :math:`t` the post's creation time in simulated Unix seconds and
    :math:`t_0 = 1134028003` (Reddit's epoch, 2005-12-08).
``interest``
    :math:`r_j\,(\cos(\theta_i, v_j) + w\,\pi_j + 10^{-6})` with the user's interest vector
    :math:`\theta_i`, the post's topic vector :math:`v_j`, popularity
    :math:`\pi_j = \log(1 + e_j) / \log(1 + \max_{\text{pool}} e)` (engagement :math:`e`) and
    recency :math:`r_j = 2^{-(a_j - a_{\min}) / h}` (age :math:`a_j` in minutes relative to the
    newest candidate, half-life :math:`h`), i.e. ranking by the log score
    :math:`-\ln 2\, a_j / h + \ln(\cos + w\pi_j + 10^{-6})`. Ages relative to the newest
    candidate (the pool lies within the window) keep it finite for runs of any length;
    candidates more than about 115 half-lives older than the newest (possible only with a
    window that long) tie at the bottom.
``in_network``
    The newest posts (of any kind) written by the users one follows, from the whole window.
``mixed``
    :math:`\lfloor \rho k \rceil` slots from ``in_network`` and the rest from
    ``out_of_network`` (``random``, ``hot`` or ``interest``); slots one side cannot fill are
    filled by the other; no post appears twice.

User recommenders subclass :class:`Recommender` (or :class:`ScoreRecommender`, which only asks
for a score matrix) and are named in ``world.recommender`` by an entry point of the group
``socium.recommenders`` or by a dotted path ``"pkg.module:Class"``.
"""

from __future__ import annotations

import importlib
import os
from abc import ABC, abstractmethod
from importlib.metadata import entry_points
from typing import ClassVar

import numpy as np

from socium.errors import ConfigError
from socium.worlds.social.config import SocialConfig
from socium.worlds.social.feeds import (
    FeedContext,
    compact_rows,
    dedupe_rows,
    exclusion_mask,
    top_k,
)

__all__ = [
    "HOT_EPOCH",
    "HotRecommender",
    "InNetworkRecommender",
    "InterestRecommender",
    "MixedRecommender",
    "RandomRecommender",
    "Recommender",
    "ScoreRecommender",
    "hot_score",
    "load_recommender",
]

#: Reddit's hot-ranking epoch t0 (Unix seconds, 2005-12-08 07:46:43 UTC).
HOT_EPOCH = 1134028003
_EXTRA = 8  # spare candidates drawn per row by the sampling recommenders
_MIN_LOG_RECENCY = -80.0  # e^-80 is still a normal float32: older candidates tie at the bottom
_THREADS = min(2, os.cpu_count() or 1)  # threads ranking chunks of deterministic scores


def hot_score(up: np.ndarray, down: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    r"""Reddit's hot score :math:`\mathrm{sign}(u-d)\log_{10}\max(|u-d|,1) + (t-t_0)/45000`.

    Parameters
    ----------
    up, down : array_like of int
        Up- and down-votes.
    seconds : array_like of float
        Creation time in Unix seconds.

    Returns
    -------
    numpy.ndarray of float64

    References
    ----------
    .. [1] Salihefendic, A. (2010). How Reddit ranking algorithms work.
       (``_sorts.pyx`` of the open-source reddit code, ``hot()``.)

    Examples
    --------
    >>> float(hot_score(11, 1, 1134028003 + 45000))   # log10(10) + 1
    2.0
    """
    s = np.asarray(up, dtype=np.int64) - np.asarray(down, dtype=np.int64)
    order = np.log10(np.maximum(np.abs(s), 1).astype(np.float64))
    return np.sign(s) * order + (np.asarray(seconds, dtype=np.float64) - HOT_EPOCH) / 45000.0


class Recommender(ABC):
    """Ranks posts for users.

    Parameters
    ----------
    config : SocialConfig
        The world's config (feed size, half-life, weights...).
    """

    name: ClassVar[str] = ""

    def __init__(self, config: SocialConfig):
        self.config = config

    @abstractmethod
    def recommend(
        self, ctx: FeedContext, users: np.ndarray, k: int, rng: np.random.Generator
    ) -> np.ndarray:
        """``(len(users), k)`` post ids, best first, -1 padded; no own or muted posts."""


class ScoreRecommender(Recommender):
    """A recommender defined by a score per (user, pool post); the top ``k`` are shown."""

    @abstractmethod
    def scores(self, ctx: FeedContext, users: np.ndarray) -> np.ndarray:
        """Scores, shape ``(len(users), len(ctx.pool))``; higher is better."""

    def recommend(self, ctx, users, k, rng):
        return top_k(ctx, users, k, lambda u: self.scores(ctx, u))


class RandomRecommender(Recommender):
    """``k`` distinct pool posts uniformly at random."""

    name = "random"

    def recommend(self, ctx, users, k, rng):
        pool = ctx.pool
        b = users.shape[0]
        if pool.size == 0 or b == 0:
            return np.full((b, k), -1, np.int64)
        cand = pool[rng.integers(0, pool.size, size=(b, k + _EXTRA))]
        valid = exclusion_mask(ctx, users, cand) & dedupe_rows(cand)
        out = compact_rows(cand, valid, k)
        short = np.flatnonzero((out < 0).any(axis=1))
        if short.size:  # rare: too many repeats, own or muted posts among the draws
            out[short] = top_k(ctx, users[short], k, lambda u: rng.random((len(u), pool.size)))
        return out


class HotRecommender(Recommender):
    """Reddit's hot ranking (one order for everyone)."""

    name = "hot"

    def post_scores(self, ctx: FeedContext) -> np.ndarray:
        """Hot score of every pool post."""
        posts = ctx.platform.posts
        pool = ctx.pool
        return hot_score(posts.likes[pool], posts.dislikes[pool], ctx.post_seconds(pool))

    def recommend(self, ctx, users, k, rng):
        pool = ctx.pool
        b = users.shape[0]
        if pool.size == 0 or b == 0:
            return np.full((b, k), -1, np.int64)
        score = self.post_scores(ctx)
        order = np.lexsort((np.arange(pool.size), -score))  # best first, ties by pool order
        m = min(pool.size, k + _EXTRA)
        cand = np.broadcast_to(pool[order[:m]], (b, m))
        out = compact_rows(cand, exclusion_mask(ctx, users, cand), k)
        short = np.flatnonzero((out < 0).any(axis=1))
        if short.size and pool.size > m:
            out[short] = top_k(
                ctx, users[short], k, lambda u: np.broadcast_to(score, (len(u), pool.size))
            )
        return out


class InterestRecommender(ScoreRecommender):
    """Topic similarity times recency, plus popularity (see the module notes)."""

    name = "interest"

    def post_matrix(self, ctx: FeedContext) -> np.ndarray:
        r"""``(K + 1, C)`` float32 so that ``[theta, 1] @ P`` is the score of every pool post.

        Rows ``0..K-1``: :math:`r_j v_j`; row ``K``: :math:`r_j (w \pi_j + 10^{-6})`.
        """
        posts = ctx.platform.posts
        pool = ctx.pool
        age = ctx.minute - posts.created_minute[pool].astype(np.float64)
        rel = -np.log(2.0) * (age - age.min()) / self.config.half_life_minutes
        recency = np.exp(np.maximum(rel, _MIN_LOG_RECENCY))
        eng = np.log1p(posts.engagement(pool).astype(np.float64))
        top = eng.max()
        pop = eng / top if top > 0 else np.zeros_like(eng)
        mat = np.empty((posts.n_topics + 1, pool.size), np.float32)
        mat[:-1] = (posts.topic_vec[pool] * recency[:, None]).T
        mat[-1] = recency * (self.config.popularity_weight * pop + 1e-6)
        return mat

    def recommend(self, ctx, users, k, rng):
        if ctx.pool.size == 0:
            return np.full((users.shape[0], k), -1, np.int64)
        mat = self._matrix(ctx)  # once, before the chunks are ranked (on two threads)
        return top_k(
            ctx, users, k, lambda u: ctx.platform.interest[u] @ mat[:-1] + mat[-1], threads=_THREADS
        )

    def _matrix(self, ctx: FeedContext) -> np.ndarray:
        if "interest_matrix" not in ctx._cache:
            ctx._cache["interest_matrix"] = self.post_matrix(ctx)
        return ctx._cache["interest_matrix"]

    def scores(self, ctx, users):
        mat = self._matrix(ctx)
        return ctx.platform.interest[users] @ mat[:-1] + mat[-1]


class InNetworkRecommender(Recommender):
    """The newest window posts by followees."""

    name = "in_network"

    def recommend(self, ctx, users, k, rng):
        b = users.shape[0]
        out = np.full((b, k), -1, np.int64)
        ptr, followees = ctx.follow_rows()
        authors, ids = ctx.window_by_author()
        if b == 0 or ids.size == 0:
            return out
        start, stop = ptr[users], ptr[users + 1]
        counts = stop - start
        total = int(counts.sum())
        if total == 0:
            return out
        row = np.repeat(np.arange(b, dtype=np.int64), counts)
        offs = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        whom = followees[np.repeat(start, counts) + offs]
        lo = np.searchsorted(authors, whom, side="left")
        hi = np.searchsorted(authors, whom, side="right")
        n_posts = hi - lo
        m = int(n_posts.sum())
        if m == 0:
            return out
        crow = np.repeat(row, n_posts)
        coff = np.arange(m, dtype=np.int64) - np.repeat(np.cumsum(n_posts) - n_posts, n_posts)
        cpost = ids[np.repeat(lo, n_posts) + coff]
        keep = exclusion_mask(ctx, users[crow], cpost[:, None])[:, 0]
        crow, cpost = crow[keep], cpost[keep]
        order = np.lexsort((-cpost, crow))  # by row, newest first
        crow, cpost = crow[order], cpost[order]
        first = np.searchsorted(crow, crow, side="left")
        rank = np.arange(crow.size) - first
        take = rank < k
        out[crow[take], rank[take]] = cpost[take]
        return out


_OUT_OF_NETWORK: dict[str, type[Recommender]] = {
    "random": RandomRecommender,
    "hot": HotRecommender,
    "interest": InterestRecommender,
}


class MixedRecommender(Recommender):
    """``in_network_ratio`` of the slots from followees, the rest from ``out_of_network``."""

    name = "mixed"

    def __init__(self, config: SocialConfig):
        super().__init__(config)
        self.inside = InNetworkRecommender(config)
        self.outside = _OUT_OF_NETWORK[config.out_of_network](config)

    def recommend(self, ctx, users, k, rng):
        k_in = round(self.config.in_network_ratio * k)
        inside = self.inside.recommend(ctx, users, k, rng)
        outside = self.outside.recommend(ctx, users, k, rng)
        cand = np.concatenate([inside[:, :k_in], outside, inside[:, k_in:]], axis=1)
        valid = (cand >= 0) & dedupe_rows(cand)
        return compact_rows(cand, valid, k)


BUILTINS: dict[str, type[Recommender]] = {
    "random": RandomRecommender,
    "hot": HotRecommender,
    "interest": InterestRecommender,
    "in_network": InNetworkRecommender,
    "mixed": MixedRecommender,
}


def load_recommender(config: SocialConfig) -> Recommender:
    """Instantiate ``config.recommender``: a built-in, an entry point or ``"pkg.mod:Class"``.

    Raises
    ------
    ConfigError
        ``world.recommender`` when the name cannot be imported or is not a Recommender.
    """
    name = config.effective_recommender()
    if name in BUILTINS:
        return BUILTINS[name](config)
    try:
        if ":" in name:
            module, _, attr = name.partition(":")
            cls = getattr(importlib.import_module(module), attr)
        else:
            (ep,) = [e for e in entry_points(group="socium.recommenders") if e.name == name]
            cls = ep.load()
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigError("world.recommender", f"cannot load {name!r}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Recommender)):
        raise ConfigError(
            "world.recommender",
            f"{name!r} is not a subclass of socium.worlds.social.recommenders.Recommender",
        )
    return cls(config)
