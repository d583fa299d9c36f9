r"""The rule agents' behavioural model, vectorized over a batch of users.

**Action choice.** Each action slot of an online user picks exactly one option with
probability proportional to its weight (``[world.behaviour]`` holds the base rates
:math:`r_\cdot`). For feed item :math:`j` with stance :math:`s_j`, topic vector :math:`v_j`,
engagement :math:`e_j` and score :math:`S_j` (likes minus dislikes), seen by user :math:`i`
with opinion :math:`x_i` and interests :math:`\theta_i`:

.. math::

   A_{ij} &= 1 - |x_i - s_j| / 2 \quad\text{(stance agreement)}, \qquad
   R_{ij} = \cos(\theta_i, v_j)^{\gamma} \quad\text{(topic relevance)},\\
   B_{ij} &= \eta_i\, R_{ij}\, \nu_{ij}\, (1 + \beta_{tie} F_{ij})\, (1 + \beta_{pop} \ln(1 + e_j)),
   \qquad H_j = \exp(h \tanh(S_j / s_h)),

with engagement propensity :math:`\eta_i`, novelty :math:`\nu_{ij} = 1` for items newer than
the user's last visit and ``novelty`` otherwise, and :math:`F_{ij} = 1` when :math:`i` follows
the author. Then

* like :math:`r_{like} B A^{\kappa} H`, dislike :math:`r_{dislike} B (1 - A)^{\kappa} / H`
  (herding: a visible positive score draws more up-votes; Muchnik, Aral & Taylor 2013);
* repost :math:`r_{repost} B A^{\kappa}`, quote :math:`r_{quote} B (1 - A)^{\kappa}`,
  comment :math:`r_{comment} B`, unlike :math:`r_{unlike}` (items one liked);
* follow the author :math:`r_{follow} \phi_i e^{-|x_i - s_j| / \tau}` (homophily), unfollow a
  followed author :math:`r_{unfollow} (1 - A)^{\kappa}`, mute a non-followed author
  :math:`r_{mute} (1 - A)^{\kappa}`;
* do nothing :math:`r_{idle}`; create a post :math:`r_{post} c_i`; follow the suggested user
  :math:`r_{suggest} \phi_i e^{-|x_i - x_s|/\tau}`; refresh, search and trend at their rates.

Already liked, disliked or reposted items get weight 0 for that action, as do actions the
platform lacks. The propensities :math:`\eta_i, c_i, \phi_i` are log-normal with mean 1 and
``propensity_sigma``, so a few users do most of the posting, liking and following.
Written stances are :math:`\mathrm{clip}(x_i + \sigma_s \xi, -1, 1)`; a new post's topic is
drawn from the user's interest mixture.

**Opinion update** (after each step, from the feed items consumed):
bounded confidence (Deffuant et al. 2000; Hegselmann & Krause 2002) with optional repulsion
(Jager & Amblard 2005), see :func:`update_opinions`.

**Following.** Who-to-follow suggestions are drawn by preferential attachment (proportional
to followers, Barabási & Albert 1999) and accepted with a homophily factor (McPherson,
Smith-Lovin & Cook 2001); see :func:`suggest_users` and :func:`initial_follows`.
"""

from __future__ import annotations

import numpy as np

from socium.worlds.social.actions import ACTION_CODES, empty_columns
from socium.worlds.social.config import BehaviourConfig, OpinionConfig
from socium.worlds.social.keysets import KeySet, pack, sorted_unique
from socium.worlds.social.posts import KINDS

__all__ = [
    "ARCHETYPE_OPTIONS",
    "ITEM_OPTIONS",
    "SLOT_OPTIONS",
    "archetype_options",
    "decide",
    "initial_follows",
    "lognormal_propensity",
    "realise_choices",
    "suggest_users",
    "update_opinions",
]

#: Options not tied to a feed item, with their action names.
SLOT_OPTIONS = ("do_nothing", "create_post", "follow", "refresh", "search_posts", "trend")
#: Options per feed item.
ITEM_OPTIONS = (
    "like",
    "dislike",
    "unlike",
    "repost",
    "quote",
    "comment",
    "follow",
    "unfollow",
    "mute",
)
_C = ACTION_CODES
_COMMENT = KINDS["comment"]


def lognormal_propensity(n: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    r"""Log-normal propensities with mean 1: :math:`\exp(\sigma \xi - \sigma^2 / 2)` (float32)."""
    if sigma == 0:
        return np.ones(n, np.float32)
    return np.exp(sigma * rng.standard_normal(n) - 0.5 * sigma * sigma).astype(np.float32)


def _slot_weights(obs, b: BehaviourConfig, tau: float, allowed: np.ndarray) -> np.ndarray:
    x = obs["opinion"]
    sugg = obs["suggest"]
    w = np.empty((x.shape[0], len(SLOT_OPTIONS)), np.float64)
    w[:, 0] = b.idle
    w[:, 1] = b.post * obs["p_post"]
    homo = np.exp(-np.abs(x - obs["suggest_opinion"]) / tau)
    w[:, 2] = np.where(sugg >= 0, b.suggest_follow * obs["p_follow"] * homo, 0.0)
    w[:, 3] = b.refresh
    w[:, 4] = b.search
    w[:, 5] = b.trend
    w[:, ~allowed[[_C[name] for name in SLOT_OPTIONS]]] = 0.0
    return w


def _item_weights(obs, b: BehaviourConfig, tau: float, allowed: np.ndarray) -> np.ndarray:
    """Weights (b, k, len(ITEM_OPTIONS)), float32."""
    f32 = np.float32
    feed = obs["feed"]
    valid = feed >= 0
    x = obs["opinion"].astype(f32)[:, None]
    dist = np.abs(x - obs["f_stance"].astype(f32))
    agree = 1 - dist / 2
    agree_k = agree ** f32(b.agreement_exponent)
    disagree_k = (dist / 2) ** f32(b.agreement_exponent)
    follow = obs["f_follow"]
    rel = np.maximum(obs["f_sim"], 0) ** f32(b.topic_exponent)
    base = rel * obs["p_engage"].astype(f32)[:, None]
    base *= np.where(obs["f_new"], f32(1), f32(b.novelty))
    base *= 1 + f32(b.tie_boost) * follow
    base *= 1 + f32(b.popularity) * obs["f_pop"]
    base *= valid
    herd = np.exp(f32(b.herding) * np.tanh(obs["f_score"].astype(f32) / f32(b.herding_scale)))
    comment = obs["f_kind"] == _COMMENT
    liked, disliked = obs["f_liked"], obs["f_disliked"]
    homo = np.exp(-dist / f32(tau))
    w = np.empty((*feed.shape, len(ITEM_OPTIONS)), f32)
    w[..., 0] = f32(b.like) * base * agree_k * herd * ~liked
    w[..., 1] = f32(b.dislike) * base * disagree_k / herd * ~disliked
    w[..., 2] = f32(b.unlike) * (liked & valid & ~comment)
    w[..., 3] = f32(b.repost) * base * agree_k * ~obs["f_reposted"]
    w[..., 4] = f32(b.quote) * base * disagree_k
    w[..., 5] = f32(b.comment) * base
    w[..., 6] = f32(b.follow) * obs["p_follow"].astype(f32)[:, None] * homo * (valid & ~follow)
    w[..., 7] = f32(b.unfollow) * disagree_k * (valid & follow)
    w[..., 8] = f32(b.mute) * disagree_k * (valid & ~follow)
    # a comment's like/dislike are like_comment/dislike_comment, a post's like_post/...
    w[..., 0] *= np.where(comment, allowed[_C["like_comment"]], allowed[_C["like_post"]])
    w[..., 1] *= np.where(comment, allowed[_C["dislike_comment"]], allowed[_C["dislike_post"]])
    for col, name in enumerate(ITEM_OPTIONS):
        if name in _ITEM_ACTION and not allowed[_C[_ITEM_ACTION[name]]]:
            w[..., col] = 0
    return w


_ITEM_ACTION = {
    "unlike": "unlike_post",
    "repost": "repost",
    "quote": "quote_post",
    "comment": "create_comment",
    "follow": "follow",
    "unfollow": "unfollow",
    "mute": "mute",
}
_ITEM_CODES = np.array([_C[_ITEM_ACTION.get(o, "like_post")] for o in ITEM_OPTIONS], np.int8)
_SLOT_CODES = np.array([_C[a] for a in SLOT_OPTIONS], np.int8)


def _pick(cum: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index of the bin of ``u`` in each row's cumulative weights (last bin at most)."""
    return np.minimum((cum <= u[:, None]).sum(axis=1), cum.shape[1] - 1)


def decide(
    obs,
    rng: np.random.Generator,
    b: BehaviourConfig,
    tau: float,
    allowed: np.ndarray,
    topic_names: np.ndarray,
) -> dict[str, np.ndarray]:
    """Choose one action per row (see the module notes); returns the action columns.

    Draws, in order: one uniform per row (the option), one uniform per row (a new post's
    topic) and one standard normal per row (the written stance). The option is chosen in two
    stages with the same uniform: first among the slot options and the feed items (by each
    item's total weight), then, rescaling the uniform within the chosen item's share, among
    that item's options; this is exactly a draw proportional to the weights.
    """
    n = len(obs)
    cols = empty_columns(n)
    if n == 0:
        return cols
    slot = _slot_weights(obs, b, tau, allowed)
    item = _item_weights(obs, b, tau, allowed)
    n_slot = slot.shape[1]
    top = np.concatenate([slot, item.sum(axis=2, dtype=np.float64)], axis=1)
    cum = np.cumsum(top, axis=1)
    u = rng.random(n) * cum[:, -1]
    choice = np.where(cum[:, -1] > 0, _pick(cum, u), 0)
    u_topic = rng.random(n)
    noise = rng.standard_normal(n)
    x = obs["opinion"]
    action = cols["action"]
    target = cols["target"]
    is_slot = choice < n_slot
    action[is_slot] = _SLOT_CODES[choice[is_slot]]
    sug = is_slot & (choice == SLOT_OPTIONS.index("follow"))
    target[sug] = obs["suggest"][sug]
    rows = np.flatnonzero(~is_slot)
    j = choice[rows] - n_slot
    below = cum[rows, choice[rows] - 1]  # the item's bin starts after every earlier bin
    inner = np.cumsum(item[rows, j].astype(np.float64), axis=1)
    opt = _pick(inner, u[rows] - below)
    post = obs["feed"][rows, j]
    is_comment = obs["f_kind"][rows, j] == _COMMENT
    a = _ITEM_CODES[opt]
    a = np.where((opt == 0) & is_comment, _C["like_comment"], a)
    a = np.where(opt == 1, np.where(is_comment, _C["dislike_comment"], _C["dislike_post"]), a)
    action[rows] = a
    on_user = opt >= ITEM_OPTIONS.index("follow")
    target[rows] = np.where(on_user, obs["f_author"][rows, j], post)
    # written content: stance and topic
    writes = np.isin(action, [_C["create_post"], _C["quote_post"], _C["create_comment"]])
    cols["stance"][writes] = np.clip(x[writes] + b.stance_noise * noise[writes], -1.0, 1.0)
    new = np.flatnonzero(action == _C["create_post"])
    mix = obs["interest"][new].astype(np.float64) ** 2
    cdf = np.cumsum(mix, axis=1)
    cols["topic"][new] = _pick(cdf, u_topic[new] * cdf[:, -1]).astype(np.int16)
    search = action == _C["search_posts"]
    if search.any():
        top_topic = np.argmax(obs["interest"], axis=1).astype(np.int16)
        cols["topic"][search] = top_topic[search]
        cols["content"] = np.where(search, topic_names[top_topic], cols["content"])
    return cols


#: Options of an archetype group (the LLM picks a distribution over them).
ARCHETYPE_OPTIONS = ("do_nothing", "create_post", "like", "dislike", "repost", "comment", "follow")


def archetype_options(allowed: np.ndarray) -> list[str]:
    """The archetype options the platform allows (Reddit has no repost)."""
    return [o for o in ARCHETYPE_OPTIONS if o != "repost" or allowed[_C["repost"]]]


def realise_choices(
    obs, choices: np.ndarray, b: BehaviourConfig, tau: float, allowed: np.ndarray
) -> dict[str, np.ndarray]:
    """Action columns for archetype choices, with the targets the rule model likes best.

    ``like``, ``dislike``, ``repost`` and ``comment`` act on the feed item with the largest
    rule weight for that action (``do_nothing`` when no item qualifies); ``follow`` follows
    the suggested user (else the best feed author); ``create_post`` writes on the user's top
    interest with their opinion as stance. Deterministic (no random draws).
    """
    n = len(obs)
    cols = empty_columns(n)
    if n == 0:
        return cols
    choices = np.asarray(choices).astype(str)
    item = _item_weights(obs, b, tau, allowed)
    feed = obs["feed"]
    is_comment = obs["f_kind"] == _COMMENT
    for name, col in (("like", 0), ("dislike", 1), ("repost", 3), ("comment", 5), ("follow", 6)):
        rows = np.flatnonzero(choices == name)
        if rows.size == 0:
            continue
        w = item[rows, :, col]
        j = np.argmax(w, axis=1)
        ok = w[np.arange(rows.size), j] > 0
        if name == "follow":
            sugg = obs["suggest"][rows]
            cols["action"][rows] = np.where((sugg >= 0) | ok, _C["follow"], _C["do_nothing"])
            cols["target"][rows] = np.where(sugg >= 0, sugg, obs["f_author"][rows, j])
            continue
        comment = is_comment[rows, j]
        code = {
            "like": np.where(comment, _C["like_comment"], _C["like_post"]),
            "dislike": np.where(comment, _C["dislike_comment"], _C["dislike_post"]),
            "repost": np.full(rows.size, _C["repost"]),
            "comment": np.full(rows.size, _C["create_comment"]),
        }[name]
        cols["action"][rows] = np.where(ok, code, _C["do_nothing"])
        cols["target"][rows] = np.where(ok, feed[rows, j], -1)
    new = np.flatnonzero(choices == "create_post")
    cols["action"][new] = _C["create_post"]
    cols["topic"][new] = np.argmax(obs["interest"][new], axis=1)
    writes = np.isin(cols["action"], [_C["create_post"], _C["create_comment"]])
    cols["stance"][writes] = obs["opinion"][writes]
    return cols


def update_opinions(
    x: np.ndarray, consumer: np.ndarray, stance: np.ndarray, cfg: OpinionConfig
) -> np.ndarray:
    r"""Bounded-confidence update from consumed items, with optional repulsion.

    Parameters
    ----------
    x : numpy.ndarray, shape (b,)
        Opinions of the consumers, in [-1, 1].
    consumer : numpy.ndarray of int, shape (m,)
        Index into ``x`` of the consumer of each consumed item.
    stance : numpy.ndarray, shape (m,)
        Stance of each consumed item.
    cfg : OpinionConfig

    Returns
    -------
    numpy.ndarray, shape (b,)
        :math:`x_i' = \mathrm{clip}\big(x_i + \frac{1}{m_i}\sum_j [\mu\, d_j\,
        1\{|d_j| < \epsilon\} - \mu_r\, d_j\, 1\{|d_j| > \rho\}], -1, 1\big)` with
        :math:`d_j = s_j - x_i` over the :math:`m_i` items user :math:`i` consumed (no change
        when :math:`m_i = 0`); the repulsion term only with ``repulsion = true``.

    Notes
    -----
    The assimilation term is the Deffuant et al. (2000) update averaged over the consumed
    items (the Hegselmann & Krause 2002 form: a step toward the mean of the close items); the
    repulsion term is the rejection zone of Jager & Amblard (2005). All items of a step act
    on the opinion held at the start of the step.

    References
    ----------
    .. [1] Deffuant, G., Neau, D., Amblard, F., & Weisbuch, G. (2000). Mixing beliefs among
       interacting agents. Advances in Complex Systems, 3, 87-98.
    .. [2] Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence.
       JASSS, 5(3).
    .. [3] Jager, W., & Amblard, F. (2005). Uniformity, bipolarization and pluriformity
       captured as generic stylized behavior with an agent-based simulation model of attitude
       change. Computational & Mathematical Organization Theory, 10(4), 295-303.

    Examples
    --------
    One user at 0 reads stances 0.4 (within epsilon = 0.5) and 1.0 (too far):
    :math:`x' = 0 + \tfrac12 (0.5 \cdot 0.4) = 0.1`.

    >>> from socium.worlds.social.config import OpinionConfig
    >>> cfg = OpinionConfig(epsilon=0.5, mu=0.5)
    >>> update_opinions(np.array([0.0]), np.array([0, 0]), np.array([0.4, 1.0]), cfg)
    array([0.1])
    """
    b = x.shape[0]
    d = stance.astype(np.float64) - x[consumer]
    m = np.bincount(consumer, minlength=b).astype(np.float64)
    pull = np.where(np.abs(d) < cfg.epsilon, cfg.mu * d, 0.0)
    if cfg.repulsion:
        pull -= np.where(np.abs(d) > cfg.repulsion_threshold, cfg.mu_repulsion * d, 0.0)
    delta = np.bincount(consumer, weights=pull, minlength=b)
    return np.clip(x + np.divide(delta, m, out=np.zeros(b), where=m > 0), -1.0, 1.0)


def suggest_users(
    follows: KeySet, n: int, users: np.ndarray, preferential: float, rng: np.random.Generator
) -> np.ndarray:
    """One who-to-follow suggestion per user (-1 = none).

    With probability ``preferential`` the followee of a uniformly drawn follow edge
    (so a user is drawn with probability proportional to their followers: preferential
    attachment); otherwise a uniformly drawn user. Self-suggestions become -1. Draws two
    uniforms-worth per user (a choice and an index) regardless of the outcome.
    """
    b = users.shape[0]
    base = follows.base
    use_pa = rng.random(b) < preferential
    uniform = rng.integers(0, n, size=b)
    edge = base[rng.integers(0, base.size, size=b)] & 0xFFFFFFFF if base.size else uniform
    out = np.where(use_pa, edge, uniform).astype(np.int64)
    out[out == users] = -1
    return out


def initial_follows(
    opinion: np.ndarray,
    fitness: np.ndarray,
    mean_following: float,
    tau: float,
    rng: np.random.Generator,
    chunk: int = 200_000,
) -> np.ndarray:
    r"""Initial follow keys (packed (follower, followee)) with homophily and heavy-tailed fame.

    Each user :math:`i` wants :math:`m_i \sim \mathrm{Poisson}(\bar m)` followees. Candidates
    :math:`j` are drawn with probability proportional to the fitness :math:`\phi_j` (fame:
    heavy-tailed, so in-degrees are heavy-tailed as under preferential attachment; Bianconi &
    Barabási 2001) and accepted with probability :math:`e^{-|x_i - x_j|/\tau}` (homophily);
    :math:`4\bar m + 4` candidates per user are tried, in chunks of users. The candidates of
    a chunk are one multinomial draw over all users, randomly permuted, so the cost is
    :math:`O(n)` per chunk instead of a binary search per candidate.
    """
    n = opinion.shape[0]
    if n < 2 or mean_following <= 0:
        return np.zeros(0, np.int64)
    p = fitness.astype(np.float64)
    p /= p.sum()
    want = rng.poisson(mean_following, size=n)
    tries = 4 * int(np.ceil(mean_following)) + 4
    keys = []
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        b = hi - lo
        counts = rng.multinomial(b * tries, p)
        cand = rng.permutation(np.repeat(np.arange(n, dtype=np.int64), counts)).reshape(b, tries)
        me = np.arange(lo, hi, dtype=np.int64)[:, None]
        accept = rng.random((b, tries)) < np.exp(-np.abs(opinion[me] - opinion[cand]) / tau)
        accept &= cand != me
        rank = np.cumsum(accept, axis=1)
        accept &= rank <= want[lo:hi, None]
        keys.append(pack(np.broadcast_to(me, cand.shape)[accept], cand[accept]))
    return sorted_unique(np.concatenate(keys))
