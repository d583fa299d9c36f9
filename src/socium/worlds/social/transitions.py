"""Applying a batch of actions to the platform: validation, effects and counters.

Every row is checked against the state at the start of the batch (plus the rows before it in
the same batch, for repeated pairs). Invalid rows are not raised: they get a reason code
(:data:`~socium.worlds.social.actions.REASONS`) and change nothing. Valid rows change the
relations, the post counters and the per-user counters; new items (posts, reposts, quotes,
comments) are appended to the post table in row order, so post ids are deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from socium.worlds.social.actions import ACTION_CODES as C
from socium.worlds.social.actions import ALL_SPECS, REASONS
from socium.worlds.social.config import SocialConfig
from socium.worlds.social.keysets import first_occurrence, pack
from socium.worlds.social.platform import NOTICE_KINDS, NOTICE_WIDTH, Platform
from socium.worlds.social.posts import KINDS
from socium.worlds.social.topics import TextTopics, post_topic_vectors

__all__ = ["HERD_KINDS", "Outcome", "Transitions"]

R = REASONS
_N_ACTIONS = len(ALL_SPECS)
_ON_POST = np.array(
    [C[a] for a in ("like_post", "unlike_post", "dislike_post", "repost", "quote_post",
                    "create_comment", "like_comment", "dislike_comment")]
)  # fmt: skip
_ON_USER = np.array([C[a] for a in ("follow", "unfollow", "mute", "unmute")])
_NEEDS_COMMENT = np.array([C["like_comment"], C["dislike_comment"]])
_NEEDS_POST = np.array([C["like_post"], C["unlike_post"], C["dislike_post"]])
_CREATES = {
    C["create_post"]: KINDS["post"],
    C["repost"]: KINDS["repost"],
    C["quote_post"]: KINDS["quote"],
    C["create_comment"]: KINDS["comment"],
}
_KIND_OF = np.full(_N_ACTIONS, -1, np.int8)
for _code, _kind in _CREATES.items():
    _KIND_OF[_code] = _kind
HERD_KINDS = {
    "all": (KINDS["post"], KINDS["quote"], KINDS["comment"]),
    "posts": (KINDS["post"], KINDS["quote"]),
    "comments": (KINDS["comment"],),
}


@dataclass
class Outcome:
    """What a batch did, row by row.

    Attributes
    ----------
    reason : numpy.ndarray of int8
        0 = applied, otherwise the rejection reason code.
    post : numpy.ndarray of int64
        The post acted on, or the new post's id (-1 = none).
    other : numpy.ndarray of int64
        The other user concerned: the target post's author or the target user (-1 = none).
    """

    reason: np.ndarray
    post: np.ndarray
    other: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        """Which rows were applied."""
        return self.reason == 0


class Transitions:
    """Validates and applies action batches to a :class:`Platform`.

    Parameters
    ----------
    platform : Platform
    config : SocialConfig
    allowed : numpy.ndarray of bool
        Which action codes the platform offers.
    rng : numpy.random.Generator
        World stream (herd treatments).
    topics : TextTopics
        Embeds texts written by LLM agents (used only when texts arrive).
    user_names : numpy.ndarray of str, optional
        Persona names, for ``search_user``.
    """

    def __init__(
        self,
        platform: Platform,
        config: SocialConfig,
        allowed: np.ndarray,
        rng: np.random.Generator,
        topics: TextTopics,
        user_names: np.ndarray | None = None,
    ):
        self.platform = platform
        self.config = config
        self.allowed = allowed
        self.rng = rng
        self.topics = topics
        self.user_names = user_names

    # ------------------------------------------------------------------ validation
    def validate(self, users: np.ndarray, cols) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Reason code of every row (0 = valid), the codes and the packed (user, target) keys."""
        p = self.platform
        posts = p.posts
        a = np.asarray(cols["action"]).astype(np.int64)
        t = np.asarray(cols["target"]).astype(np.int64)
        reason = np.zeros(a.shape[0], np.int8)
        known = (a >= 0) & (a < _N_ACTIONS)
        reason[~known | ~self.allowed[np.clip(a, 0, _N_ACTIONS - 1)]] = R["not_available"]
        live = reason == 0
        on_post = live & np.isin(a, _ON_POST)
        reason[on_post & ((t < 0) | (t >= posts.n))] = R["no_such_post"]
        tp = np.clip(t, 0, max(posts.n - 1, 0))
        comment = posts.kind[tp] == KINDS["comment"]
        wrong = (np.isin(a, _NEEDS_COMMENT) & ~comment) | (np.isin(a, _NEEDS_POST) & comment)
        reason[on_post & (reason == 0) & wrong] = R["wrong_kind"]
        on_user = live & np.isin(a, _ON_USER)
        reason[on_user & ((t < 0) | (t >= p.n))] = R["no_such_user"]
        reason[on_user & (reason == 0) & (t == users)] = R["self_action"]
        query = live & (a == C["search_user"])
        query |= live & (a == C["search_posts"]) & (np.asarray(cols["topic"]) < 0)
        if query.any():
            empty = np.char.str_len(np.char.strip(np.asarray(cols["content"]).astype(str))) == 0
            reason[query & empty] = R["empty_query"]
        keys = pack(users, np.maximum(t, 0))
        checks = (
            (("like_post", "like_comment"), p.likes, "duplicate", True),
            (("dislike_post", "dislike_comment"), p.dislikes, "duplicate", True),
            (("unlike_post",), p.likes, "not_liked", False),
            (("repost",), p.reposts, "duplicate", True),
            (("follow",), p.follows, "already_following", True),
            (("unfollow",), p.follows, "not_following", False),
            (("mute",), p.mutes, "already_muted", True),
            (("unmute",), p.mutes, "not_muted", False),
        )
        for names, rel, why, reject_present in checks:
            rows = np.flatnonzero((reason == 0) & np.isin(a, [C[x] for x in names]))
            if rows.size == 0:
                continue
            inside = rel.contains(keys[rows])
            reason[rows[inside if reject_present else ~inside]] = R[why]
            rows = rows[reason[rows] == 0]
            again = ~first_occurrence(keys[rows])  # a repeated pair in one batch
            reason[rows[again]] = R["duplicate"] if reject_present else R[why]
        return reason, a, keys

    # ------------------------------------------------------------------ effects
    def apply(self, users: np.ndarray, cols, step: int, minute: int) -> Outcome:
        """Validate and apply; returns the per-row outcome."""
        p = self.platform
        posts = p.posts
        users = np.asarray(users, dtype=np.int64)
        p.clear_notices(users)
        reason, a, keys = self.validate(users, cols)
        t = np.asarray(cols["target"]).astype(np.int64)
        ok = reason == 0
        tp = np.clip(t, 0, max(posts.n - 1, 0))
        post_out = np.where(ok & np.isin(a, _ON_POST), t, -1)
        other = np.full(a.shape[0], -1, np.int64)
        on_post = ok & np.isin(a, _ON_POST)
        other[on_post] = posts.author[tp[on_post]]
        on_user = ok & np.isin(a, _ON_USER)
        other[on_user] = t[on_user]

        def rows(*names: str) -> np.ndarray:
            return np.flatnonzero(ok & np.isin(a, [C[x] for x in names]))

        self._votes(rows("like_post", "like_comment"), keys, t, p.likes, p.dislikes, +1)
        self._votes(rows("dislike_post", "dislike_comment"), keys, t, p.dislikes, p.likes, -1)
        r = rows("unlike_post")
        p.likes.remove(keys[r])
        np.subtract.at(posts.likes, t[r], 1)
        np.subtract.at(p.likes_received, posts.author[t[r]], 1)
        r = rows("repost")
        p.reposts.add(keys[r])
        np.add.at(posts.reposts, t[r], 1)
        np.add.at(p.reposts_received, posts.author[t[r]], 1)
        np.add.at(posts.quotes, t[rows("quote_post")], 1)
        np.add.at(posts.comments, t[rows("create_comment")], 1)
        self._relation(rows("follow"), keys, users, t, +1, "follows", "following", "followers")
        self._relation(rows("unfollow"), keys, users, t, -1, "follows", "following", "followers")
        self._relation(rows("mute"), keys, users, t, +1, "mutes", "muting", None)
        self._relation(rows("unmute"), keys, users, t, -1, "mutes", "muting", None)
        new_rows = np.flatnonzero(ok & (_KIND_OF[np.clip(a, 0, _N_ACTIONS - 1)] >= 0) & (a >= 0))
        if new_rows.size:
            post_out[new_rows] = self._create(new_rows, users, a, t, cols, step, minute)
        self._notices(users, a, ok, cols, minute)
        acted = users[ok & (a != C["do_nothing"])]
        np.add.at(p.actions, acted, 1)
        return Outcome(reason, post_out, other)

    def _votes(self, r, keys, t, mine, theirs, sign: int) -> None:
        """Likes (sign +1) or dislikes (-1); a vote replaces the opposite vote."""
        if r.size == 0:
            return
        p = self.platform
        posts = p.posts
        k = keys[r]
        switch = theirs.contains(k)
        theirs.remove(k[switch])
        mine.add(k)
        mine_col, theirs_col = (
            (posts.likes, posts.dislikes) if sign > 0 else (posts.dislikes, posts.likes)
        )
        np.add.at(mine_col, t[r], 1)
        np.subtract.at(theirs_col, t[r[switch]], 1)
        authors = posts.author[t[r]]
        if sign > 0:
            np.add.at(p.likes_received, authors, 1)
        else:
            np.subtract.at(p.likes_received, authors[switch], 1)

    def _relation(self, r, keys, users, t, sign: int, rel: str, mine: str, theirs) -> None:
        """Follow/unfollow (sign +1/-1) or mute/unmute, with both users' counters."""
        if r.size == 0:
            return
        p = self.platform
        if sign > 0:
            getattr(p, rel).add(keys[r])
        else:
            getattr(p, rel).remove(keys[r])
        np.add.at(getattr(p, mine), users[r], sign)
        if theirs is not None:
            np.add.at(getattr(p, theirs), t[r], sign)

    def _create(self, r, users, a, t, cols, step: int, minute: int) -> np.ndarray:
        """Append the new items of rows ``r`` (in row order); returns their ids."""
        p = self.platform
        posts = p.posts
        cfg = self.config
        k = r.size
        code = a[r]
        kind = _KIND_OF[code]
        author = users[r]
        is_post = code == C["create_post"]
        is_repost = code == C["repost"]
        parent = np.where(is_post, -1, t[r])
        par = np.maximum(parent, 0)
        root = np.where(is_post, -1, posts.root[par])
        content = np.asarray(cols["content"]).astype(str)[r]
        has_text = (np.char.str_len(content) > 0) & ~is_repost
        texts = None  # rule agents write no text: no per-item Python work for them
        if has_text.any():
            texts = [
                s[: cfg.max_post_chars] if h else ""
                for s, h in zip(content.tolist(), has_text.tolist(), strict=True)
            ]
        stance = np.asarray(cols["stance"], dtype=np.float64)[r]
        stance = np.where(np.isfinite(stance), stance, p.opinion[author])
        stance = np.where(is_repost, posts.stance[par], np.clip(stance, -1.0, 1.0))
        topic = np.asarray(cols["topic"]).astype(np.int64)[r]
        vec = posts.topic_vec[par].copy()
        top = posts.topic[par].astype(np.int64)
        chosen = is_post & ~has_text
        if chosen.any():
            own = np.where(
                topic[chosen] >= 0, topic[chosen], np.argmax(p.interest[author[chosen]], axis=1)
            )
            own = np.minimum(own, p.n_topics - 1)
            vec[chosen] = post_topic_vectors(own, p.interest[author[chosen]])
            top[chosen] = own
        if has_text.any():
            idx = np.flatnonzero(has_text)
            tv, tt = self.topics.vectors([texts[i] for i in idx.tolist()])
            vec[idx] = tv
            top[idx] = tt
        treatment = np.zeros(k, np.int8)
        herd = cfg.herd
        if herd.enabled:
            eligible = np.flatnonzero(np.isin(kind, HERD_KINDS[herd.apply_to]))
            u = self.rng.random(eligible.size)
            treatment[eligible] = np.where(
                u < herd.p_up, 1, np.where(u < herd.p_up + herd.p_down, -1, 0)
            )
        ids = posts.append(
            author=author,
            created_step=step,
            created_minute=minute,
            kind=kind,
            parent=parent,
            root=root,
            topic=top,
            stance=stance,
            topic_vec=vec,
            texts=texts,
            treatment=treatment,
        )
        posts.likes[ids] += treatment > 0
        posts.dislikes[ids] += treatment < 0
        np.add.at(p.authored, author, 1)
        return ids

    def _notices(self, users, a, ok, cols, minute: int) -> None:
        """Search and trend results, shown to the user at their next observation."""
        p = self.platform
        sp_rows = np.flatnonzero(ok & (a == C["search_posts"]))
        su_rows = np.flatnonzero(ok & (a == C["search_user"]))
        tr_rows = np.flatnonzero(ok & (a == C["trend"]))
        if not (sp_rows.size or su_rows.size or tr_rows.size):
            return
        start = p.window_start(minute, self.config.pool_window_minutes)
        window = np.arange(start, p.posts.n, dtype=np.int64)
        content = np.asarray(cols["content"]).astype(str)
        parts = []
        if sp_rows.size:
            parts.append((sp_rows, "search_posts", self._search_posts(window, cols, sp_rows)))
        if su_rows.size:
            queries = content[su_rows].tolist()
            parts.append(
                (su_rows, "search_user", np.vstack([self._search_user(q) for q in queries]))
            )
        if tr_rows.size:
            eng = p.posts.engagement(window)
            order = np.lexsort((-window, -eng))[:NOTICE_WIDTH]
            items = np.full(NOTICE_WIDTH, -1, np.int64)
            items[: order.size] = window[order]
            parts.append((tr_rows, "trend", np.tile(items, (tr_rows.size, 1))))
        for r, kind, items in parts:
            p.add_notices(users[r], np.full(r.size, NOTICE_KINDS[kind]), items, content[r])

    def _search_posts(self, window: np.ndarray, cols, r: np.ndarray) -> np.ndarray:
        """Top window posts by topic similarity to each query (topic index or text)."""
        p = self.platform
        out = np.full((r.size, NOTICE_WIDTH), -1, np.int64)
        if window.size == 0:
            return out
        topic = np.asarray(cols["topic"]).astype(np.int64)[r]
        q = np.zeros((r.size, p.n_topics), np.float32)
        by_topic = topic >= 0
        q[np.flatnonzero(by_topic), topic[by_topic]] = 1.0
        if (~by_topic).any():
            content = np.asarray(cols["content"]).astype(str)[r]
            q[~by_topic] = self.topics.vectors(content[~by_topic].tolist())[0]
        sims = q @ p.posts.topic_vec[window].T
        m = min(NOTICE_WIDTH, window.size)
        order = np.argsort(-sims, axis=1, kind="stable")  # ties: older first within window
        out[:, :m] = window[order[:, :m]]
        return out

    def _search_user(self, query: str) -> np.ndarray:
        """Users matching a query: ids named in it, else persona names containing it."""
        p = self.platform
        out = np.full(NOTICE_WIDTH, -1, np.int64)
        ids = [int(d) for d in re.findall(r"\d+", query) if int(d) < p.n]
        if not ids and self.user_names is not None:
            hit = np.flatnonzero(
                np.char.find(np.char.lower(self.user_names), query.lower().strip()) >= 0
            )
            ids = hit[np.argsort(-p.followers[hit], kind="stable")].tolist()
        ids = ids[:NOTICE_WIDTH]
        out[: len(ids)] = ids
        return out
