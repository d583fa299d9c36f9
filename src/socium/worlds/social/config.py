"""Config of the social world: the ``[world]`` section with ``name = "social"``.

Every key has a default; see ``docs/worlds/social.md`` for the model behind each one::

    [world]
    name = "social"
    platform = "x"                  # | "reddit"
    recommender = "auto"            # random | hot | interest | in_network | mixed | plugin
    minutes_per_step = 60
    feed_size = 10
    pool_size = 500
    topics = ["politics", "economy", ...]

    [world.activity]                # who is online when
    profiles = ["diurnal", "workday"]
    mean_level = 0.3

    [world.behaviour]               # rule agents' action weights
    [world.opinion]                 # bounded-confidence updates from consumed content
    [world.follow]                  # initial follow graph and follow suggestions
    [world.seeds]                   # seed posts for spreading experiments
    [world.herd]                    # random first vote (Muchnik et al. 2013)
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from socium.core.protocol import WorldConfig

__all__ = [
    "BUILTIN_PROFILES",
    "BUILTIN_RECOMMENDERS",
    "DEFAULT_TOPICS",
    "ActivityConfig",
    "BehaviourConfig",
    "FollowConfig",
    "HerdConfig",
    "OpinionConfig",
    "SeedConfig",
    "SocialConfig",
]

#: Built-in recommenders (``auto`` = ``interest`` on X, ``hot`` on Reddit).
BUILTIN_RECOMMENDERS: tuple[str, ...] = ("random", "hot", "interest", "in_network", "mixed")

#: Default topic names (``topics`` key).
DEFAULT_TOPICS: tuple[str, ...] = (
    "politics",
    "economy",
    "climate",
    "technology",
    "health",
    "sports",
    "culture",
    "science",
)

#: Archetypal 24-hour activity profiles f(h), h = 0..23 (relative; only f/max f matters).
# fmt: off
BUILTIN_PROFILES: dict[str, tuple[float, ...]] = {
    # evening peak, quiet night: the aggregate shape of Twitter/Reddit traffic
    "diurnal": (0.30, 0.20, 0.12, 0.08, 0.07, 0.10, 0.25, 0.45, 0.60, 0.65, 0.65, 0.70,
                0.75, 0.70, 0.65, 0.65, 0.70, 0.75, 0.85, 0.95, 1.00, 0.95, 0.80, 0.55),
    "morning": (0.10, 0.05, 0.03, 0.03, 0.05, 0.20, 0.60, 1.00, 0.95, 0.70, 0.50, 0.45,
                0.50, 0.40, 0.35, 0.35, 0.40, 0.45, 0.45, 0.40, 0.35, 0.30, 0.20, 0.15),
    "workday": (0.05, 0.03, 0.02, 0.02, 0.03, 0.05, 0.15, 0.40, 0.80, 1.00, 1.00, 0.95,
                0.85, 0.95, 1.00, 0.95, 0.85, 0.60, 0.40, 0.30, 0.25, 0.20, 0.15, 0.08),
    "night_owl": (0.90, 1.00, 0.90, 0.70, 0.45, 0.20, 0.08, 0.05, 0.05, 0.08, 0.12, 0.18,
                  0.25, 0.30, 0.30, 0.30, 0.35, 0.40, 0.50, 0.60, 0.70, 0.80, 0.85, 0.90),
    "flat": (1.0,) * 24,
}
# fmt: on


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ActivityConfig(_Section):
    r"""``[world.activity]``: when users are online and how much they do per visit.

    User :math:`i` with profile :math:`f_{c_i}` and activity level :math:`a_i` is online in
    a step starting at hour :math:`h` with probability
    :math:`P_i = a_i\, f_{c_i}(h) / \max_{h'} f_{c_i}(h')`.
    """

    profiles: list[str | list[float]] = Field(
        default_factory=lambda: ["diurnal"],
        description="24-hour activity profiles: built-in names (diurnal, morning, workday, "
        "night_owl, flat) or lists of 24 non-negative numbers",
    )
    shares: list[float] | None = Field(
        None,
        description="share of users per profile (default: equal); population field "
        "'profile' (index) overrides",
    )
    mean_level: float = Field(
        0.3,
        gt=0.0,
        le=1.0,
        description="mean probability of being online at one's peak hour (population field "
        "'activity' overrides per user)",
    )
    level_alpha: float = Field(
        1.5, gt=0.0, description="Pareto tail exponent of activity levels (smaller = heavier)"
    )
    session_alpha: float = Field(
        2.0, gt=0.0, description="Pareto tail exponent of the number of actions per visit"
    )
    max_actions: int = Field(10, ge=1, le=100, description="most actions per visit (step)")

    @field_validator("profiles")
    @classmethod
    def _check_profiles(cls, value: list[str | list[float]]) -> list[str | list[float]]:
        if not value:
            raise ValueError("give at least one profile")
        for p in value:
            if isinstance(p, str):
                if p not in BUILTIN_PROFILES:
                    raise ValueError(
                        f"unknown profile {p!r}; built-in: {', '.join(BUILTIN_PROFILES)}"
                    )
            elif len(p) != 24 or min(p) < 0 or max(p) <= 0:
                raise ValueError("a custom profile needs 24 non-negative numbers, not all 0")
        return value

    @model_validator(mode="after")
    def _check_shares(self) -> ActivityConfig:
        if self.shares is not None:
            if len(self.shares) != len(self.profiles):
                raise ValueError(
                    f"shares has {len(self.shares)} values for {len(self.profiles)} profiles"
                )
            if min(self.shares) < 0 or sum(self.shares) <= 0:
                raise ValueError("shares must be non-negative and not all 0")
        return self


class BehaviourConfig(_Section):
    r"""``[world.behaviour]``: weights of the rule agents' action choice (one per visit slot).

    Each action slot picks one option with probability proportional to its weight; the
    formulas are in ``docs/worlds/social.md`` (section "Rule agents").
    """

    idle: float = Field(8.0, ge=0, description="weight of do_nothing (reading only: lurking)")
    post: float = Field(0.15, ge=0, description="weight of create_post (times creator propensity)")
    like: float = Field(0.15, ge=0, description="like weight per feed item")
    dislike: float = Field(0.03, ge=0, description="dislike weight per feed item")
    unlike: float = Field(0.002, ge=0, description="unlike weight per liked feed item (X)")
    repost: float = Field(0.04, ge=0, description="repost weight per feed item (X)")
    quote: float = Field(0.01, ge=0, description="quote weight per feed item (X)")
    comment: float = Field(0.03, ge=0, description="comment weight per feed item")
    follow: float = Field(0.02, ge=0, description="weight of following a feed item's author")
    suggest_follow: float = Field(
        0.05, ge=0, description="weight of following the suggested user (who-to-follow)"
    )
    unfollow: float = Field(0.01, ge=0, description="unfollow weight per followed author (X)")
    mute: float = Field(0.003, ge=0, description="mute weight per non-followed author")
    refresh: float = Field(0.05, ge=0, description="weight of refresh (a new feed)")
    search: float = Field(0.0, ge=0, description="weight of search_posts on a top interest")
    trend: float = Field(0.0, ge=0, description="weight of looking at the trends")
    propensity_sigma: float = Field(
        2.0, ge=0, description="log-normal sigma of per-user propensities (heavy tails)"
    )
    topic_exponent: float = Field(2.0, ge=0, description="gamma: relevance = sim^gamma")
    agreement_exponent: float = Field(
        2.0, ge=0, description="kappa: like ~ agree^kappa, dislike ~ (1-agree)^kappa"
    )
    popularity: float = Field(0.3, ge=0, description="beta_pop: weight of log engagement")
    herding: float = Field(
        0.0, ge=0, description="h: vote herding on the visible score (Muchnik et al. 2013)"
    )
    herding_scale: float = Field(3.0, gt=0, description="score scale s_h of the herding term")
    tie_boost: float = Field(1.0, ge=0, description="extra weight for followed authors")
    novelty: float = Field(
        0.2, ge=0, le=1, description="weight factor of items older than one's last visit"
    )
    stance_noise: float = Field(0.15, ge=0, description="sd of written stance around opinion")


class OpinionConfig(_Section):
    r"""``[world.opinion]``: bounded-confidence updates from consumed feed items.

    With :math:`d_j = s_j - x_i` for the :math:`m_i` items consumed in a step,
    :math:`x_i \leftarrow \mathrm{clip}(x_i + \frac{1}{m_i}\sum_j [\mu d_j 1_{|d_j|<\epsilon}
    - \mu_r d_j 1_{|d_j| > \rho}], -1, 1)` (repulsion term only when ``repulsion``).
    """

    epsilon: float = Field(0.6, ge=0.0, le=2.0, description="confidence bound |s - x|")
    mu: float = Field(0.1, ge=0.0, le=1.0, description="assimilation rate")
    repulsion: bool = Field(False, description="push away from very distant content")
    repulsion_threshold: float = Field(
        1.2, ge=0.0, le=2.0, description="rho: distance beyond which content repels"
    )
    mu_repulsion: float = Field(0.05, ge=0.0, le=1.0, description="repulsion rate")

    @model_validator(mode="after")
    def _check(self) -> OpinionConfig:
        if self.repulsion and self.repulsion_threshold < self.epsilon:
            raise ValueError(
                f"repulsion_threshold ({self.repulsion_threshold}) must be >= epsilon "
                f"({self.epsilon})"
            )
        return self


class FollowConfig(_Section):
    """``[world.follow]``: initial follow graph and who-to-follow suggestions."""

    initial_following: float = Field(
        10.0, ge=0, description="mean followees per user at start (when there is no [network])"
    )
    preferential: float = Field(
        0.8, ge=0, le=1, description="share of suggestions drawn proportional to followers"
    )
    homophily: float = Field(
        0.3, gt=0, description="tau: follow acceptance exp(-|x_i - x_j| / tau)"
    )


class SeedConfig(_Section):
    """``[world.seeds]``: seed posts created at the start of a step (spreading experiments)."""

    count: int = Field(0, ge=0, description="number of seed posts")
    step: int = Field(1, ge=1, description="step at whose start they are posted")
    authors: Literal["top_followers", "random"] = Field(
        "top_followers", description="who posts them"
    )
    topic: str | int | None = Field(None, description="topic name or index (default: author's)")
    stance: float | None = Field(None, ge=-1, le=1, description="stance (default: author's)")


class HerdConfig(_Section):
    """``[world.herd]``: a random first vote on new items (Muchnik, Aral & Taylor 2013)."""

    enabled: bool = Field(False, description="treat new items with a random first vote")
    p_up: float = Field(1 / 3, ge=0, le=1, description="probability of a +1 first vote")
    p_down: float = Field(1 / 3, ge=0, le=1, description="probability of a -1 first vote")
    apply_to: Literal["all", "posts", "comments"] = Field("all", description="which items")

    @model_validator(mode="after")
    def _check(self) -> HerdConfig:
        if self.p_up + self.p_down > 1:
            raise ValueError(f"p_up + p_down must be <= 1 (got {self.p_up + self.p_down})")
        return self


def _recommender_names() -> list[str]:
    plugins = sorted(ep.name for ep in entry_points(group="socium.recommenders"))
    return ["auto", *BUILTIN_RECOMMENDERS, *plugins]


class SocialConfig(WorldConfig):
    """The ``[world]`` section of the social world (without ``name``)."""

    platform: Literal["x", "reddit"] = Field("x", description="which actions exist")
    recommender: str = Field(
        "auto",
        description="feed ranking: auto (interest on X, hot on Reddit) | random | hot | "
        "interest | in_network | mixed | an entry point of socium.recommenders | "
        "'pkg.module:Class'",
    )
    in_network_ratio: float = Field(
        0.5, ge=0, le=1, description="mixed: share of feed slots from followees"
    )
    out_of_network: Literal["random", "hot", "interest"] = Field(
        "interest", description="mixed: recommender of the other slots"
    )
    minutes_per_step: int = Field(60, ge=1, le=10080, description="simulated minutes per step")
    start_hour: int = Field(8, ge=0, le=23, description="hour of day at step 1")
    epoch_seconds: int = Field(
        1_700_000_000, ge=0, description="simulated Unix time (s) at step 1 (hot score clock)"
    )
    feed_size: int = Field(10, ge=1, le=100, description="posts per feed")
    pool_size: int = Field(500, ge=1, description="candidate posts ranked per step")
    pool_popular_share: float = Field(
        0.3, ge=0, le=1, description="share of the pool taken by the most engaged posts"
    )
    pool_window_minutes: int = Field(
        1440, ge=1, description="only posts this recent are candidates (and in-network)"
    )
    half_life_minutes: float = Field(180.0, gt=0, description="interest: recency half-life")
    popularity_weight: float = Field(0.2, ge=0, description="interest: popularity term weight")
    topics: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TOPICS), description="topic names"
    )
    issue: str = Field(
        "the main political issue of the day",
        description="what stance measures: -1 = strongly against, +1 = strongly for",
    )
    interest_coupling: float = Field(
        0.6, ge=0, le=1, description="how much topic interests follow opinion"
    )
    interest_concentration: float = Field(
        0.3, gt=0, description="Dirichlet concentration of interests (small = focused)"
    )
    embedder: Literal["auto", "minilm", "hashing"] = Field(
        "auto", description="text embedder for LLM-written posts (socium.text.embed)"
    )
    max_post_chars: int = Field(280, ge=1, le=10000, description="longer texts are cut")
    render_text_chars: int = Field(
        160, ge=10, le=2000, description="characters of each post shown to LLM agents"
    )
    record_graph: bool = Field(
        True, description="write the follows, mutes and votes tables at the end"
    )
    activity: ActivityConfig = Field(default_factory=ActivityConfig)
    behaviour: BehaviourConfig = Field(default_factory=BehaviourConfig)
    opinion: OpinionConfig = Field(default_factory=OpinionConfig)
    follow: FollowConfig = Field(default_factory=FollowConfig)
    seeds: SeedConfig = Field(default_factory=SeedConfig)
    herd: HerdConfig = Field(default_factory=HerdConfig)

    @field_validator("recommender")
    @classmethod
    def _check_recommender(cls, value: str) -> str:
        if ":" in value:
            module, _, attr = value.partition(":")
            if not module or not attr:
                raise ValueError(
                    f"a dotted recommender must read 'pkg.module:Class' (got {value!r})"
                )
            return value
        allowed = _recommender_names()
        if value not in allowed:
            raise ValueError(
                f"unknown recommender {value!r}; allowed: {', '.join(allowed)}, "
                "or 'pkg.module:Class'"
            )
        return value

    @field_validator("topics")
    @classmethod
    def _check_topics(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("give at least one topic")
        if len(set(value)) != len(value) or any(not t.strip() for t in value):
            raise ValueError("topic names must be distinct and non-empty")
        return value

    @model_validator(mode="after")
    def _check_seed_topic(self) -> SocialConfig:
        topic = self.seeds.topic
        if isinstance(topic, str) and topic not in self.topics:
            raise ValueError(
                f"seeds.topic {topic!r} is not one of the topics ({', '.join(self.topics)})"
            )
        if isinstance(topic, int) and not 0 <= topic < len(self.topics):
            raise ValueError(f"seeds.topic index {topic} is outside 0..{len(self.topics) - 1}")
        return self

    def effective_recommender(self) -> str:
        """``recommender`` with ``auto`` resolved for the platform."""
        if self.recommender == "auto":
            return "hot" if self.platform == "reddit" else "interest"
        return self.recommender
