r"""The social world: an X- or Reddit-like platform with recommenders, at up to 1M users.

One step is ``minutes_per_step`` simulated minutes. At its start the world posts the seed
posts (when due), samples who is online from each user's 24-hour activity profile, draws the
number of action slots of each visit, builds the candidate pool and ranks one feed per online
user with the recommender, and draws one who-to-follow suggestion per online user. Then it
yields one batch per slot round: round ``r`` holds the users whose visit has more than ``r``
slots, so each user acts at most once per batch and later rounds see the effects of earlier
ones (sequential semantics; a ``refresh`` re-ranks the user's feed before their next slot).
At the end of the step every online user's opinion moves by the bounded-confidence rule over
the items their feeds showed, and the consumption statistics are updated.

The schedule decides who is *eligible*; the world's activity model decides who is *online*
among them. The default schedule is synchronous (everyone eligible), so the engine stays
world-agnostic and the activity profiles apply; a ``[schedule]`` section restricts the
eligible users further.

See ``docs/worlds/social.md`` for the rules, the behavioural model, the recommenders, the
metrics and the run-database tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import ScheduleSpec, SynchronousSpec
from socium.errors import ConfigError
from socium.worlds.social import metrics as M
from socium.worlds.social.actions import (
    ACTION_CODES,
    ACTION_NAMES,
    ALL_SPECS,
    REASONS,
    allowed_mask,
    empty_columns,
    platform_menu,
)
from socium.worlds.social.activity import (
    profile_matrix,
    sample_levels,
    sample_online,
    sample_profiles,
    session_lengths,
)
from socium.worlds.social.behaviour import (
    archetype_options,
    decide,
    initial_follows,
    lognormal_propensity,
    realise_choices,
    suggest_users,
    update_opinions,
)
from socium.worlds.social.config import SocialConfig
from socium.worlds.social.feeds import FeedContext, build_pool
from socium.worlds.social.keysets import pack, sorted_unique
from socium.worlds.social.platform import Platform
from socium.worlds.social.posts import KINDS
from socium.worlds.social.recommenders import load_recommender
from socium.worlds.social.recording import action_rows, final_tables, post_rows
from socium.worlds.social.render import instructions, render_feeds
from socium.worlds.social.session import Session
from socium.worlds.social.topics import TextTopics, init_interests, post_topic_vectors
from socium.worlds.social.transitions import HERD_KINDS, Transitions

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["SocialWorld"]

_C = ACTION_CODES


class SocialWorld(World):
    """X and Reddit platforms: posts, votes, follows, recommenders and rule/LLM users.

    Parameters
    ----------
    config : SocialConfig
        The ``[world]`` section.
    population : Population
        Users; optional fields ``opinion`` (in [-1, 1]), ``activity`` (online probability at
        the peak hour, in [0, 1]) and ``profile`` (index into ``activity.profiles``); an
        optional persona column ``name`` is searchable with ``search_user``.
    network : Network or None
        Initial follow graph: edge ``u -> v`` (``u`` influences ``v``) means ``v`` follows
        ``u``. Without one, an initial graph is drawn (``[world.follow]``).
    rng : numpy.random.Generator
        World stream.

    Examples
    --------
    >>> import socium
    >>> cfg = {"population": {"size": 200}, "run": {"steps": 3},
    ...        "world": {"name": "social", "platform": "reddit"}}
    >>> r = socium.run(cfg, seed=1)
    >>> r.final["posts_total"] > 0
    True
    """

    name: ClassVar[str] = "social"
    version: ClassVar[int] = 1
    Config: ClassVar[type[SocialConfig]] = SocialConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = (
        "X and Reddit platforms: posts, reposts, quotes, comments, votes, follows and mutes; "
        "recommenders random, hot, interest, in_network, mixed or plugins; rule or LLM users"
    )
    metric_descriptions = M.METRIC_DESCRIPTIONS
    action_specs: ClassVar[Sequence[type[ActionSpec]]] = ALL_SPECS

    config: SocialConfig

    def __init__(
        self,
        config: SocialConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n = population.size
        if n < 2:
            raise ConfigError("population.size", f"must be >= 2 for the social world (got {n})")
        k = len(config.topics)
        opinion = (
            self._initial_opinion(population)
            if "opinion" in population
            else rng.uniform(-1.0, 1.0, n)
        )
        interest = init_interests(
            opinion, k, config.interest_coupling, config.interest_concentration, rng
        )
        act = config.activity
        self.norm_profiles = profile_matrix(act)
        self.profile = sample_profiles(n, act, rng, population.get("profile"))
        self.level = sample_levels(n, act, rng, population.get("activity"))
        sigma = config.behaviour.propensity_sigma
        self.p_engage = lognormal_propensity(n, sigma, rng)
        self.p_post = lognormal_propensity(n, sigma, rng)
        self.p_follow = lognormal_propensity(n, sigma, rng)
        self.platform = Platform(n, k, opinion, interest)
        if network is not None:
            coo = network.adjacency.tocoo()
            keys = pack(coo.col, coo.row)  # u -> v: v follows u
        else:
            keys = initial_follows(
                opinion,
                self.p_post,
                config.follow.initial_following,
                config.follow.homophily,
                rng,
            )
        self.platform.set_follows(keys)
        self.recommender = load_recommender(config)
        self.allowed = allowed_mask(config.platform)
        self.topic_names = np.array(config.topics, dtype=str)
        self.text_topics = TextTopics(config.topics, config.embedder)
        names = population.personas.get("name")
        self.transitions = Transitions(
            self.platform,
            config,
            self.allowed,
            rng,
            self.text_topics,
            None if names is None else np.asarray(names).astype(str),
        )
        self.metrics_seed = int(rng.integers(2**62))
        self.step = 0
        self.totals = np.zeros(len(ALL_SPECS), np.int64)
        self.invalid = np.zeros(len(REASONS), np.int64)
        self.seed_ids = np.zeros(0, np.int64)
        self.posts_drained = 0
        self.session: Session | None = None
        self._rows: dict[str, list[dict[str, np.ndarray]]] = {}
        self._reset_step_counters()

    @staticmethod
    def _initial_opinion(population: Population) -> np.ndarray:
        x = np.asarray(population["opinion"], dtype=np.float64)
        if not np.isfinite(x).all() or x.min() < -1 or x.max() > 1:
            raise ConfigError(
                "population.init.opinion",
                "social opinions must lie in [-1, 1] (e.g. dist = 'uniform', low = -1, high = 1)",
            )
        return x.copy()

    # ------------------------------------------------------------------ clock
    def minute_of(self, step: int) -> int:
        """Simulated minute at which step ``step`` (1-based) happens (step 1 = minute 0)."""
        return (max(step, 1) - 1) * self.config.minutes_per_step

    def hour_of(self, step: int) -> int:
        """Hour of day (0-23) at the start of step ``step``."""
        return (self.config.start_hour + self.minute_of(step) // 60) % 24

    # ------------------------------------------------------------------ the step
    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: everyone is eligible; the activity profiles pick who is online."""
        return SynchronousSpec()

    def _reset_step_counters(self) -> None:
        self.step_counts = np.zeros(len(ALL_SPECS), np.int64)
        self.step_stats = np.zeros(4, np.int64)  # active, invalid, consumed, agreeing

    def _context(self, minute: int) -> FeedContext:
        cfg = self.config
        pool, start = build_pool(
            self.platform, minute, cfg.pool_window_minutes, cfg.pool_size, cfg.pool_popular_share
        )
        return FeedContext(self.platform, minute, pool, start, cfg.epoch_seconds)

    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """Seed posts, online users, feeds, then one batch per slot round (column ``row``)."""
        cfg = self.config
        step = self.step + 1
        minute = self.minute_of(step)
        self._reset_step_counters()
        p = self.platform
        p.compact()
        if cfg.seeds.count and step == cfg.seeds.step:
            self._post_seeds(step, minute)
        eligible = sorted_unique(np.asarray(ids, dtype=np.int64))
        online = sample_online(
            eligible, self.level, self.profile, self.norm_profiles, self.hour_of(step), self.rng
        )
        self.step_stats[0] = online.size
        self.session = None
        if online.size == 0:
            return
        p.visits[online] += 1
        lengths = session_lengths(
            online.size, cfg.activity.session_alpha, cfg.activity.max_actions, self.rng
        )
        feed = self.recommender.recommend(self._context(minute), online, cfg.feed_size, self.rng)
        suggest = suggest_users(p.follows, p.n, online, cfg.follow.preferential, self.rng)
        session = self.session = Session(online, lengths, feed, suggest)
        session.init_flags(p)
        for r in range(int(lengths.max())):
            if r and session.refresh.size:
                self._refresh(session, minute)
            rows = np.flatnonzero(lengths > r)
            yield Batch(online[rows], {"row": rows})

    def _refresh(self, session: Session, minute: int) -> None:
        rows = session.refresh
        session.refresh = np.zeros(0, np.int64)
        ctx = self._context(minute)
        session.feed[rows] = self.recommender.recommend(
            ctx, session.users[rows], self.config.feed_size, self.rng
        )
        session.fill(self.platform, rows)

    def _post_seeds(self, step: int, minute: int) -> None:
        """Create the seed posts (authors by followers or at random)."""
        cfg = self.config.seeds
        p = self.platform
        count = min(cfg.count, p.n)
        if cfg.authors == "top_followers":
            authors = np.argsort(-p.followers, kind="stable")[:count]
        else:
            authors = np.sort(self.rng.choice(p.n, size=count, replace=False))
        authors = authors.astype(np.int64)
        if cfg.topic is None:
            topic = np.argmax(p.interest[authors], axis=1)
        else:
            t = cfg.topic if isinstance(cfg.topic, int) else self.config.topics.index(cfg.topic)
            topic = np.full(count, t)
        stance = p.opinion[authors] if cfg.stance is None else np.full(count, cfg.stance)
        ids = p.posts.append(
            author=authors,
            created_step=step,
            created_minute=minute,
            kind=KINDS["post"],
            parent=np.full(count, -1),
            root=np.full(count, -1),
            topic=topic,
            stance=stance,
            topic_vec=post_topic_vectors(topic, p.interest[authors]),
            seed=True,
        )
        np.add.at(p.authored, authors, 1)
        self.seed_ids = np.concatenate([self.seed_ids, ids])

    def observe(self, batch: Batch) -> ObsBatch:
        """Per row: the feed and its item features, the user's state and a suggestion.

        Columns: ``row`` (session row), ``feed`` (k post ids, -1 = empty), ``f_author``,
        ``f_kind``, ``f_stance``, ``f_sim`` (interest-topic cosine), ``f_pop``
        (:math:`\\ln(1 + \\text{engagement})`), ``f_score`` (likes - dislikes), flags
        ``f_follow``, ``f_new``, ``f_liked``, ``f_disliked``, ``f_reposted``; ``opinion``,
        ``interest`` (topic vector), ``suggest`` and ``suggest_opinion``, and the
        propensities ``p_engage``, ``p_post``, ``p_follow``.
        """
        s = self.session
        p = self.platform
        posts = p.posts
        rows = np.asarray(batch.columns["row"])
        users = batch.ids
        feed = s.feed[rows]
        valid = feed >= 0
        safe = np.maximum(feed, 0)
        sugg = s.suggest[rows]
        cols = {
            "row": rows,
            "feed": feed,
            "f_author": np.where(valid, posts.author[safe], -1),
            "f_kind": posts.kind[safe],
            "f_stance": posts.stance[safe],
            "f_sim": s.sim[rows],
            "f_pop": np.log1p(posts.engagement(safe)).astype(np.float32),
            "f_score": posts.score(safe),
            "f_follow": s.follow[rows],
            "f_new": s.new[rows],
            "f_liked": s.liked[rows],
            "f_disliked": s.disliked[rows],
            "f_reposted": s.reposted[rows],
            "opinion": p.opinion[users],
            "interest": p.interest[users],
            "suggest": sugg,
            "suggest_opinion": p.opinion[np.maximum(sugg, 0)],
            "p_engage": self.p_engage[users],
            "p_post": self.p_post[users],
            "p_follow": self.p_follow[users],
        }
        return ObsBatch(users, cols, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The behavioural model (:func:`~socium.worlds.social.behaviour.decide`)."""
        cols = decide(
            obs,
            rng,
            self.config.behaviour,
            self.config.follow.homophily,
            self.allowed,
            self.topic_names,
        )
        return ActionBatch(obs.ids, cols, obs)

    def apply(self, actions: ActionBatch) -> list[EventBatch]:
        """Validate and apply (see :class:`~socium.worlds.social.transitions.Transitions`).

        Events: one batch per applied action kind, ``agent``, ``other`` = the target post's
        author or the target user, ``value`` = the post acted on or created (NaN if none).
        """
        step = self.step + 1
        minute = self.minute_of(step)
        users = np.asarray(actions.ids, dtype=np.int64)
        cols = actions.columns
        out = self.transitions.apply(users, cols, step, minute)
        ok = out.ok
        code = np.asarray(cols["action"]).astype(np.int64)
        n_codes = len(ALL_SPECS)
        counts = np.bincount(code[ok], minlength=n_codes)[:n_codes]
        self.step_counts += counts
        self.totals += counts
        self.invalid += np.bincount(out.reason, minlength=len(REASONS))
        self.step_stats[1] += int(np.count_nonzero(~ok))
        source = actions.sources()
        self._reveal_stances(users, code, cols, ok, source)
        if self.session is not None:
            rows = self.session.rows_of(users)
            seen = ok & (rows >= 0)
            self.session.update(
                self.platform,
                rows[seen],
                code[seen],
                np.asarray(cols["target"]).astype(np.int64)[seen],
            )
        if not self.collect_events:
            return []
        self._add_rows("actions", action_rows(users, code, cols["target"], out.reason, source))
        self._record_follows(users, code, cols["target"], ok)
        events = []
        value = np.where(out.post >= 0, out.post.astype(np.float64), np.nan)
        for c in np.unique(code[ok]).tolist():
            sel = ok & (code == c)
            events.append(
                EventBatch.make(str(ACTION_NAMES[c]), users[sel], out.other[sel], value[sel])
            )
        return events

    def _reveal_stances(self, users, code, cols, ok, source) -> None:
        """An LLM user's opinion becomes the stance of what it writes (its revealed view)."""
        writes = ok & np.isin(code, [_C["create_post"], _C["quote_post"], _C["create_comment"]])
        writes &= np.asarray(source) == "llm"
        stance = np.asarray(cols["stance"], dtype=np.float64)
        writes &= np.isfinite(stance)
        if writes.any():
            self.platform.opinion[users[writes]] = np.clip(stance[writes], -1.0, 1.0)

    def _record_follows(self, users, code, target, ok) -> None:
        sel = ok & np.isin(code, [_C["follow"], _C["unfollow"]])
        if sel.any():
            self._add_rows(
                "follows_changes",
                {
                    "follower": users[sel],
                    "followee": np.asarray(target).astype(np.int64)[sel],
                    "change": np.where(code[sel] == _C["follow"], 1, -1).astype(np.int64),
                },
            )

    def _add_rows(self, table: str, rows: dict[str, np.ndarray]) -> None:
        self._rows.setdefault(table, []).append(rows)

    def end_step(self, step: int) -> None:
        """Opinion updates and consumption statistics from the feeds shown; compaction."""
        s = self.session
        p = self.platform
        if s is not None:
            users = s.users
            x = p.opinion[users]
            rows, stance, topic = s.consumption(p)
            agree = x[rows] * stance > 0
            m = np.bincount(rows, minlength=users.size)
            p.consumed[users] += m
            p.consumed_agree[users] += np.bincount(
                rows, weights=agree, minlength=users.size
            ).astype(np.int64)
            k = p.n_topics
            counts = np.bincount(rows * k + topic, minlength=users.size * k)
            p.topic_consumed[users] += counts.reshape(users.size, k)
            p.opinion[users] = update_opinions(x, rows, stance, self.config.opinion)
            p.last_seen[users] = step
            self.step_stats[2] += int(m.sum())
            self.step_stats[3] += int(agree.sum())
        self.session = None
        p.compact()
        self.step = step

    # ------------------------------------------------------------------ LLM interface
    def action_menu(self) -> ActionMenu:
        """The platform's actions (all of them on X; votes, posts, comments... on Reddit)."""
        return platform_menu(self.config.platform)

    def llm_instructions(self) -> str:
        """The platform's rules for an LLM agent."""
        return instructions(self.config)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Each user's clock, own stats, feed (ids, authors, topic, stance, text, counts),
        suggestion and pending search/trend results, as bounded text."""
        minute = self.minute_of(self.step + 1)
        return render_feeds(self.platform, self.config, obs, minute, self.config.topics)

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """Typed actions to the rule policy's columns (``None`` = ``do_nothing``)."""
        n = len(obs)
        cols = empty_columns(n)
        content = [""] * n
        for i, d in enumerate(decisions):
            if d is None:
                continue
            cols["action"][i] = _C[d.action]
            target = next(
                (getattr(d, f) for f in ("post_id", "comment_id", "user_id") if hasattr(d, f)),
                -1,
            )
            cols["target"][i] = target
            stance = getattr(d, "stance", None)
            if stance is not None:
                cols["stance"][i] = stance
            content[i] = getattr(d, "content", None) or getattr(d, "query", None) or ""
        if any(content):
            cols["content"] = np.array(content, dtype=str)
        return ActionBatch(obs.ids, cols, obs)

    def archetype_choices(self) -> list[str]:
        """Options of an archetype group: do_nothing, create_post, like, dislike, repost (X),
        comment and follow; targets come from the rule model (see :meth:`archetype_actions`)."""
        return archetype_options(self.allowed)

    def archetype_features(self, obs: ObsBatch) -> dict[str, np.ndarray]:
        """``opinion``, ``feed_agreement`` (mean 1 - |x - s|/2 over the feed) and
        ``feed_relevance`` (mean interest-topic cosine): what makes users act alike."""
        valid = obs["feed"] >= 0
        m = np.maximum(valid.sum(axis=1), 1)
        dist = np.abs(obs["opinion"][:, None] - obs["f_stance"]) * valid
        return {
            "opinion": obs["opinion"],
            "feed_agreement": 1.0 - dist.sum(axis=1) / (2.0 * m),
            "feed_relevance": (obs["f_sim"] * valid).sum(axis=1) / m,
        }

    def archetype_actions(self, obs: ObsBatch, choices: np.ndarray) -> ActionBatch:
        """Sampled archetype options as action columns (:func:`~socium.worlds.social.
        behaviour.realise_choices`)."""
        cols = realise_choices(
            obs, choices, self.config.behaviour, self.config.follow.homophily, self.allowed
        )
        return ActionBatch(obs.ids, cols, obs)

    # ------------------------------------------------------------------ tables
    def drain_tables(self) -> dict[str, dict[str, np.ndarray]]:
        """New ``posts`` rows and, with events on, ``actions`` and ``follows_changes``."""
        tables: dict[str, dict[str, np.ndarray]] = {}
        posts = self.platform.posts
        if posts.n > self.posts_drained:
            tables["posts"] = post_rows(posts, self.posts_drained, posts.n)
            self.posts_drained = posts.n
        for name, parts in self._rows.items():
            if parts:
                tables[name] = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        self._rows = {}
        return tables

    def final_tables(self) -> dict[str, dict[str, np.ndarray]]:
        """``post_stats``, ``users``, ``topics`` (+ ``follows``, ``mutes``, ``votes``)."""
        return final_tables(
            self.platform, self.agent_table(), self.config.topics, self.config.record_graph
        )

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        """Counts of the step's applied actions by kind, active users, rejected actions,
        totals, opinion moments, the step's echo-chamber share and seed-cascade growth
        (:func:`~socium.worlds.social.metrics.step_metrics`)."""
        return M.step_metrics(self.platform, self.step_counts, self.step_stats, self.seed_ids)

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :attr:`metric_descriptions` and ``docs/worlds/social.md``)."""
        p = self.platform
        out: dict[str, Any] = {}
        out.update(M.activity_metrics(p, self.totals, self.invalid))
        out.update(M.opinion_metrics(p))
        out.update(M.echo_metrics(p))
        out.update(M.cascade_metrics(p.posts, self.seed_ids))
        if self.config.herd.enabled:
            out.update(M.herd_metrics(p.posts, self.herd_kinds(), self.metrics_seed))
        out.update(M.paradox_metrics(p))
        return out

    def herd_kinds(self) -> tuple[int, ...]:
        """Post kinds that receive the herd treatment (``herd.apply_to``)."""
        return HERD_KINDS[self.config.herd.apply_to]

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Platform state, clock, counters and seed ids (step-local caches are empty)."""
        return {
            "platform": self.platform.get_state(),
            "step": int(self.step),
            "totals": self.totals.copy(),
            "invalid": self.invalid.copy(),
            "step_counts": self.step_counts.copy(),
            "step_stats": self.step_stats.copy(),
            "seed_ids": self.seed_ids.copy(),
            "posts_drained": int(self.posts_drained),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.platform.set_state(state["platform"])
        self.step = int(state["step"])
        self.totals = np.array(state["totals"], dtype=np.int64)
        self.invalid = np.array(state["invalid"], dtype=np.int64)
        self.step_counts = np.array(state["step_counts"], dtype=np.int64)
        self.step_stats = np.array(state["step_stats"], dtype=np.int64)
        self.seed_ids = np.array(state["seed_ids"], dtype=np.int64)
        self.posts_drained = int(state["posts_drained"])
        self.session = None
        self._rows = {}

    def agent_table(self) -> dict[str, np.ndarray]:
        """Per user: opinion (final, initial), followers, following, posts, actions, visits,
        likes and reposts received, muting, consumption and echo share, activity level,
        profile, propensities and top interest topic."""
        p = self.platform
        consumed = p.consumed.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            echo = np.where(consumed > 0, p.consumed_agree / np.maximum(consumed, 1), np.nan)
        return {
            "opinion": p.opinion.copy(),
            "opinion_initial": p.opinion0.copy(),
            "followers": p.followers.copy(),
            "following": p.following.copy(),
            "posts": p.authored.copy(),
            "actions": p.actions.copy(),
            "visits": p.visits.copy(),
            "likes_received": p.likes_received.copy(),
            "reposts_received": p.reposts_received.copy(),
            "muting": p.muting.copy(),
            "consumed": p.consumed.copy(),
            "echo_share": echo,
            "activity": self.level.copy(),
            "profile": self.profile.astype(np.int64),
            "p_engage": self.p_engage.astype(np.float64),
            "p_post": self.p_post.astype(np.float64),
            "p_follow": self.p_follow.astype(np.float64),
            "top_topic": np.argmax(p.interest, axis=1).astype(np.int64),
        }

    # ------------------------------------------------------------------ description
    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """Small configs on both platforms with several recommenders."""
        base = {"run": {"steps": 6}, "population": {"size": 300}}
        worlds = [
            {"platform": "x", "recommender": "interest", "seeds": {"count": 3}},
            {"platform": "x", "recommender": "in_network", "opinion": {"repulsion": True}},
            {"platform": "x", "recommender": "mixed", "out_of_network": "random"},
            {
                "platform": "x",
                "recommender": "random",
                "behaviour": {"search": 0.05, "trend": 0.05},
            },
            {"platform": "reddit", "recommender": "hot", "herd": {"enabled": True}},
        ]
        return [{**base, "world": {"name": "social", "minutes_per_step": 180, **w}} for w in worlds]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """Activity, opinions, cascades, degrees, echo chambers; spread and herd when used."""
        from socium.worlds.social.plots import write_plots

        return write_plots(self, metrics, Path(outdir))
