"""The social world end to end: config errors, activity, opinions, following, LLM hooks,
column parity, tables, determinism and resume after SIGKILL."""

import sqlite3

import numpy as np
import pytest
from social_util import act, make_world

import socium
from killing import kill_run_and_resume
from socium.core.batches import ActionBatch, ObsBatch
from socium.errors import ConfigError
from socium.testing import check_determinism
from socium.worlds.social import SocialWorld
from socium.worlds.social.actions import (
    ACTION_NAMES,
    CreateComment,
    CreatePost,
    LikePost,
    SearchPosts,
)
from socium.worlds.social.activity import pareto_scale, sample_online, session_lengths
from socium.worlds.social.behaviour import update_opinions
from socium.worlds.social.config import OpinionConfig


def _cfg(**world):
    return {
        "population": {"size": 300},
        "run": {"steps": 6, "seed": 2},
        "world": {"name": "social", "minutes_per_step": 180, **world},
    }


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"world": {"name": "social", "platform": "tiktok"}}, "world.platform"),
        ({"world": {"name": "social", "recommender": "magic"}}, "world.recommender"),
        ({"world": {"name": "social", "feed_size": 0}}, "world.feed_size"),
        ({"world": {"name": "social", "activity": {"profiles": ["lunch"]}}}, "world.activity"),
        (
            {
                "world": {
                    "name": "social",
                    "opinion": {"repulsion": True, "epsilon": 0.9, "repulsion_threshold": 0.5},
                }
            },
            "world.opinion",
        ),
        ({"world": {"name": "social", "herd": {"p_up": 0.8, "p_down": 0.5}}}, "world.herd"),
        ({"world": {"name": "social", "seeds": {"count": 2, "topic": "cats"}}}, "seeds.topic"),
        ({"world": {"name": "social", "behaviour": {"like": -1}}}, "world.behaviour.like"),
        (
            {
                "population": {
                    "size": 10,
                    "init": {"opinion": {"dist": "uniform", "low": 0, "high": 2}},
                }
            },
            "population.init.opinion",
        ),
        (
            {"population": {"size": 10, "init": {"profile": {"dist": "constant", "value": 3}}}},
            "population.init.profile",
        ),
        (
            {"population": {"size": 10, "init": {"activity": {"dist": "constant", "value": 1.5}}}},
            "population.init.activity",
        ),
    ],
)
def test_bad_config_names_the_field(override, field):
    cfg = {"population": {"size": 10}, "run": {"steps": 1, "seed": 1}, "world": {"name": "social"}}
    cfg.update(override)
    with pytest.raises(ConfigError) as err:
        socium.run(cfg)
    assert field in str(err.value)


def test_online_probability_follows_the_profile():
    levels = np.ones(4)
    profiles = np.array([0, 0, 1, 1], np.int8)
    norm = np.zeros((2, 24))
    norm[0, 3] = 1.0  # profile 0 only at 03:00, profile 1 only at 15:00
    norm[1, 15] = 1.0
    rng = np.random.default_rng(0)
    ids = np.arange(4)
    assert sample_online(ids, levels, profiles, norm, 3, rng).tolist() == [0, 1]
    assert sample_online(ids, levels, profiles, norm, 15, rng).tolist() == [2, 3]
    assert sample_online(ids, levels, profiles, norm, 9, rng).tolist() == []
    half = sample_online(np.arange(20000), np.full(20000, 0.5), np.zeros(20000, np.int8),
                         norm, 3, rng)  # fmt: skip
    assert abs(half.size / 20000 - 0.5) < 0.02


def test_activity_levels_and_sessions_are_heavy_tailed():
    a = pareto_scale(0.1, 1.5)
    assert (1.5 * a - a**1.5) / 0.5 == pytest.approx(0.1)
    lengths = session_lengths(100_000, 2.0, 50, np.random.default_rng(1))
    assert lengths.min() == 1
    assert np.mean(lengths >= 2) == pytest.approx(0.25, abs=0.01)  # P(L >= l) = l^-2
    assert np.mean(lengths >= 4) == pytest.approx(1 / 16, abs=0.005)
    w = make_world(5000, activity={"mean_level": 0.2})
    assert w.level.mean() == pytest.approx(0.2, rel=0.05) and w.level.max() <= 1.0


def test_bounded_confidence_update_by_hand():
    cfg = OpinionConfig(epsilon=0.5, mu=0.5)
    x = np.array([0.0, 0.5, -1.0])
    consumer = np.array([0, 0, 1, 1])
    stance = np.array([0.4, 1.0, 0.3, 0.9])
    # user 0: (0.5 * 0.4) / 2 = 0.1; user 1: (0.5 * -0.2 + 0.5 * 0.4) / 2 = 0.05; user 2: none
    assert update_opinions(x, consumer, stance, cfg).tolist() == pytest.approx([0.1, 0.55, -1.0])
    rep = OpinionConfig(epsilon=0.5, mu=0.5, repulsion=True, repulsion_threshold=0.9,
                        mu_repulsion=0.25)  # fmt: skip
    # user 0 is also pushed away from 1.0: 0.1 - 0.25 * 1.0 / 2 = -0.025
    assert update_opinions(x, consumer, stance, rep)[0] == pytest.approx(-0.025)


def test_initial_follows_show_homophily_and_heavy_tails():
    w = make_world(4000, follow={"initial_following": 10, "homophily": 0.2})
    p = w.platform
    f, g = np.divmod(p.follows.keys(), 2**32)
    x = p.opinion
    assert np.abs(x[f] - x[g]).mean() < 0.5 * np.abs(x[f] - x[np.roll(g, 7)]).mean() + 0.2
    assert (
        np.abs(x[f] - x[g]).mean()
        < np.abs(x[f] - x[np.random.default_rng(0).permutation(g)]).mean()
    )
    assert p.followers.max() > 8 * p.followers.mean()
    assert (f != g).all()
    assert p.following.sum() == p.followers.sum() == len(p.follows)


def test_network_section_gives_initial_follows():
    cfg = {
        "network": {"kind": "star", "n": 5},
        "run": {"steps": 1, "seed": 1},
        "world": {"name": "social"},
    }
    from socium.experiment.config import load_config
    from socium.experiment.runner import build_simulation

    p = build_simulation(load_config(cfg)).world.platform
    assert p.followers.tolist() == [4, 1, 1, 1, 1]  # an undirected star: both directions


def _first_obs(world, ids):
    gen = world.batches(ids)
    return gen, world.observe(next(gen))


def test_rule_and_llm_columns_match_and_merge():
    w = make_world(40, activity={"profiles": ["flat"], "mean_level": 1.0},
                   follow={"initial_following": 3})  # fmt: skip
    act(w, [(0, "create_post", -1)])
    _, obs = _first_obs(w, np.arange(40))
    rules = w.rule_decide(obs, np.random.default_rng(0))
    llm = w.decode_actions(obs, [LikePost(post_id=0)] + [None] * (len(obs) - 1))
    assert set(rules.columns) == set(llm.columns)
    for k in rules.columns:
        assert rules[k].dtype.kind == llm[k].dtype.kind, k
        assert rules[k].shape == llm[k].shape
    half = np.arange(len(obs)) < len(obs) // 2
    rows_a, rows_b = np.flatnonzero(half), np.flatnonzero(~half)
    merged = ActionBatch.merge(
        [(rows_a, w.rule_decide(obs.take(rows_a), np.random.default_rng(1))),
         (rows_b, w.decode_actions(obs.take(rows_b), [None] * rows_b.size))],
        obs,
    )  # fmt: skip
    assert len(merged) == len(obs)
    w.apply(merged)


def test_decode_actions_fills_targets_stances_and_texts():
    w = make_world(5)
    obs = ObsBatch(np.arange(4), {})
    dec = [
        CreatePost(content="hi", stance=0.3),
        CreateComment(post_id=7, content="no", stance=-1.0),
        SearchPosts(query="climate"),
        None,
    ]
    out = w.decode_actions(obs, dec)
    assert out["action"].tolist() == [1, 7, 14, 0]
    assert out["target"].tolist() == [-1, 7, -1, -1]
    assert out["stance"][:2].tolist() == [0.3, -1.0] and np.isnan(out["stance"][2:]).all()
    assert out["content"].tolist() == ["hi", "no", "climate", ""]


def test_llm_post_text_appears_in_another_users_feed():
    w = make_world(30, activity={"profiles": ["flat"], "mean_level": 1.0},
                   follow={"initial_following": 0})  # fmt: skip
    text = "Stricter climate rules now, the evidence is overwhelming"
    act(w, [(4, "create_post", -1, {"content": text, "stance": 0.9})], source=["llm"])
    w.end_step(1)
    _, obs = _first_obs(w, np.arange(30))
    rendered = w.render_observations(obs)
    assert len(rendered) == len(obs)
    readers = [u for u, r in zip(obs.ids.tolist(), rendered, strict=True) if text in r]
    assert readers and 4 not in readers
    line = next(r for r in rendered if text in r)
    assert "post 0 by user 4" in line and "stance +0.90" in line
    assert w.platform.posts.topic[0] == w.config.topics.index("climate")
    assert all(len(r) < 4000 for r in rendered)
    assert "like_post" in w.llm_instructions()


def test_search_results_are_rendered_next_time():
    w = make_world(10, activity={"profiles": ["flat"], "mean_level": 1.0})
    act(w, [(1, "create_post", -1, {"content": "the football final", "stance": 0.0})])
    act(w, [(2, "search_posts", -1, {"content": "football"})], source=["llm"])
    w.end_step(1)
    _, obs = _first_obs(w, np.arange(10))
    text = dict(zip(obs.ids.tolist(), w.render_observations(obs), strict=True))[2]
    assert 'Results of your post search "football"' in text and "the football final" in text


def test_every_action_is_an_llm_action():
    menu_x = set(SocialWorld.actions())
    assert len(menu_x) == 18
    w = make_world(4)
    assert w.supports_llm()


def test_run_database_tables(tmp_path):
    cfg = _cfg(seeds={"count": 2})
    run = socium.run(cfg, out=tmp_path / "run")
    con = sqlite3.connect(tmp_path / "run" / "run.sqlite")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"posts", "actions", "post_stats", "users", "follows", "votes", "topics"} <= tables
    n_posts = con.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    assert (
        n_posts
        == run.final["posts_total"]
        == con.execute("SELECT COUNT(*) FROM post_stats").fetchone()[0]
    )
    ok = con.execute("SELECT COUNT(*) FROM actions WHERE ok = 1 AND action != 'do_nothing'")
    assert ok.fetchone()[0] == sum(
        v for k, v in run.final.items() if k.startswith("actions_") and k != "actions_do_nothing"
    )
    likes = con.execute("SELECT SUM(likes) FROM post_stats").fetchone()[0]
    assert likes == con.execute("SELECT COUNT(*) FROM votes WHERE value = 1").fetchone()[0]
    seeds = con.execute("SELECT post_id FROM posts WHERE seed = 1").fetchall()
    assert len(seeds) == 2
    assert len(run.agents) == 300 and "opinion" in run.agents
    plots = {p.name for p in (tmp_path / "run" / "plots").iterdir()}
    assert {"social_activity.png", "social_opinion.png", "social_spread.png"} <= plots


def test_determinism():
    check_determinism(_cfg(recommender="mixed", herd={"enabled": True}), steps=5, seed=3)


def test_kill_and_resume_is_identical(tmp_path):
    cfg = _cfg(recommender="interest", seeds={"count": 2}, herd={"enabled": True})
    cfg["run"] = {"seed": 9, "steps": 12, "checkpoint_every": 3}
    cfg["record"] = {"plots": False}
    queries = [
        "SELECT * FROM posts ORDER BY post_id",
        "SELECT * FROM actions ORDER BY step, rowid",
        "SELECT * FROM follows ORDER BY follower, followee",
        "SELECT * FROM users ORDER BY user",
    ]
    kill_run_and_resume(cfg, tmp_path, 8, delay=0.05, queries=queries, agents=False)


def test_refresh_gives_a_new_feed_before_the_next_slot():
    w = make_world(
        30,
        activity={"profiles": ["flat"], "mean_level": 1.0, "session_alpha": 0.01, "max_actions": 2},
        recommender="random",
        feed_size=3,
    )
    for u in range(30):
        act(w, [(u, "create_post", -1)])
    w.end_step(1)
    gen = w.batches(np.arange(30))
    batch = next(gen)
    obs = w.observe(batch)
    user = int(obs.ids[0])
    before = obs["feed"][0].copy()
    rows = [(int(u), "refresh" if u == user else "do_nothing", -1) for u in obs.ids]
    act(w, rows)
    obs2 = w.observe(next(gen))  # round 2: everyone has two slots
    after = obs2["feed"][obs2.ids.tolist().index(user)]
    assert not np.array_equal(before, after)
    assert w.session.consumed[-1].tolist() == [0]  # the refreshed feed counts as consumed
    w.apply(w.rule_decide(obs2, np.random.default_rng(0)))
    w.end_step(2)
    assert w.platform.consumed[user] == 6 and w.platform.consumed[int(obs.ids[1])] == 3


def test_default_rule_agents_mostly_lurk_with_heavy_tails():
    f = socium.run(
        {"population": {"size": 2000}, "run": {"steps": 24, "seed": 4}, "world": {"name": "social"}}
    ).final
    assert f["lurker_share"] > 0.5
    assert f["posting_share"] < 0.3
    assert f["gini_posts"] > 0.75 and f["gini_followers"] > 0.4
    assert f["invalid_actions"] <= 0.01 * f["posts_total"] + 2


def test_archetype_choices_become_valid_actions():
    w = make_world(60, activity={"profiles": ["flat"], "mean_level": 1.0},
                   follow={"initial_following": 3})  # fmt: skip
    for u in range(0, 60, 2):
        act(w, [(u, "create_post", -1)])
    w.end_step(1)
    _, obs = _first_obs(w, np.arange(60))
    options = w.archetype_choices()
    assert options == [
        "do_nothing",
        "create_post",
        "like",
        "dislike",
        "repost",
        "comment",
        "follow",
    ]
    choices = np.array([options[i % len(options)] for i in range(len(obs))])
    actions = w.archetype_actions(obs, choices)
    names = np.array(["do_nothing", "create_post", "like_post", "dislike_post", "repost",
                      "create_comment", "follow", "like_comment", "dislike_comment"])  # fmt: skip
    assert set(ACTION_NAMES[actions["action"]]) <= set(names)
    w.apply(actions)
    reasons = w.drain_tables()["actions"]["reason"].tolist()
    assert reasons == ["ok"] * len(obs)
    feats = w.archetype_features(obs)
    assert set(feats) == {"opinion", "feed_agreement", "feed_relevance"}
    assert all(v.shape == (len(obs),) for v in feats.values())
