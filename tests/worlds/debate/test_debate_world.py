"""The debate world: rounds and stages, the rule model, the LLM hooks, bad configs, output."""

import sqlite3

import numpy as np
import pytest

import socium
from socium.errors import ConfigError
from socium.testing import run_steps
from socium.worlds.debate.actions import Chat, Post, Report
from socium.worlds.debate.model import public_stance

BASE = {
    "run": {"seed": 1, "steps": 3},
    "population": {"size": 16},
    "world": {"name": "debate", "text_metrics": False},
}


def _cfg(**world):
    return {**BASE, "world": {**BASE["world"], **world}}


def test_round_structure_and_messages():
    run = socium.run(_cfg(chat_turns=2), seed=3)
    m = run.table("messages")
    per_round = m[m["round"] == 2]
    assert (per_round["kind"] == "post").sum() == 16
    assert (per_round["kind"] == "chat").sum() == 16 * 2
    assert (per_round["kind"] == "report").sum() == 16
    assert (m[m["round"] == 0]["kind"] == "report").sum() == 16  # the report before round 1
    chats = m[m["kind"] == "chat"]
    # chats stay inside the group, and a partner is never oneself
    group = dict(zip(m["sender"], m["group"], strict=False))
    assert (chats["recipient"].map(group) == chats["group"]).all()
    assert (chats["recipient"] != chats["sender"]).all()
    assert run.final["rounds"] == 3 and run.final["converged_step"] == 3


def test_rotating_partners_are_all_different():
    sim, _ = run_steps(_cfg(rounds=3), 3, seed=2)
    p = sim.world.partners  # (3, 16): groups of 4 meet 3 different partners
    for i in range(16):
        assert len(set(p[:, i].tolist())) == 3


def test_no_influence_means_no_change():
    run = socium.run(_cfg(group_weight=0.0, partner_weight=0.0, noise=0.0, conformity=0.0), seed=4)
    f = run.final
    assert f["delta_sd_private"] == 0.0 and f["shift_private"] == 0.0
    assert f["partner_slope"] == 0.0
    assert f["public_private_gap"] == 0.0  # no conformity: everyone says what they think


def test_partner_influence_recovers_the_weight():
    cfg = _cfg(
        group_weight=0.0, partner_weight=0.5, noise=0.0, stubbornness=0.0, conformity=0.0, rounds=3
    )
    cfg["population"] = {"size": 400}
    f = socium.run(cfg, seed=5).final
    assert f["partner_slope"] == pytest.approx(0.5, abs=0.12)  # rounding to the scale adds noise
    assert f["regression_to_mean"] < -0.3
    assert f["delta_sd_private"] < -0.4


def test_defaults_converge_and_conform_in_public():
    cfg = _cfg()
    cfg["population"] = {"size": 200}
    f = socium.run(cfg, seed=6).final
    assert f["delta_sd_private"] < 0 and f["delta_sd_public"] < 0
    assert f["regression_to_mean"] < 0
    assert 0 < f["partner_slope"] < 1


def test_conformity_pulls_the_public_stance_not_the_private_opinion():
    y = np.array([1.0, 6.0])
    assert public_stance(y, np.array([6.0, 1.0]), 0.0).tolist() == [1.0, 6.0]
    assert public_stance(y, np.array([6.0, 1.0]), 0.6).tolist() == [4.0, 3.0]


def test_default_pull_drifts_toward_the_default():
    base = _cfg(default_stance=5.0)
    pulled = _cfg(default_stance=5.0, default_pull=0.4)
    assert (
        socium.run(pulled, seed=7).final["default_drift"]
        > socium.run(base, seed=7).final["default_drift"]
    )
    assert socium.run(_cfg(), seed=7).final["default_drift"] is None


def test_inactive_agents_carry_their_report():
    cfg = {**_cfg(), "schedule": {"kind": "activity", "p": 0.5}}
    sim, _ = run_steps(cfg, 3, seed=8)
    assert not np.isnan(sim.world.opinions).any()


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("group_weight", 0.8, "world.default_pull"),  # 0.8 + 0.3 > 1
        ("default_pull", 0.2, "world.default_pull"),  # without default_stance
        ("conformity", 1.5, "world.conformity"),
        ("topics", [" "], "world.topics"),
        ("group_size", 1, "world.group_size"),
    ],
)
def test_bad_world_config_names_the_field(key, value, field):
    with pytest.raises(ConfigError) as err:
        socium.run(_cfg(**{key: value}))
    assert err.value.field == field


def test_bad_population_is_named():
    with pytest.raises(ConfigError, match=r"population.size"):
        socium.run({**_cfg(), "population": {"size": 10}})
    bad = {
        **_cfg(),
        "population": {"size": 16, "init": {"opinion": {"dist": "constant", "value": 7}}},
    }
    with pytest.raises(ConfigError, match=r"population.init.opinion"):
        socium.run(bad)


def _stage_obs(world, schedule_ids, stage_index):
    it = world.batches(schedule_ids)
    for _ in range(stage_index + 1):
        batch = next(it)
    return world.observe(batch)


def test_llm_hooks_decode_every_action_and_fallbacks():
    sim, _ = run_steps(_cfg(), 0, seed=9)
    w = sim.world
    assert w.supports_llm()
    assert w.action_menu().names == ["post"]  # before the first round, and in the post stage
    assert list(type(w).actions()) == ["post", "chat", "report"]
    obs = _stage_obs(w, np.arange(16), 0)  # the post stage of round 1
    texts = w.render_observations(obs)
    assert len(texts) == 16 and w.statement(int(obs["group"][0])) in texts[0]
    assert texts[0].endswith('<your post, one to three sentences>"}')
    assert "Now write your public post to the group" in texts[0]
    decisions = [
        Post(message="x" * 900, stance=2, opinion=5),
        Chat(message="hi", stance=3, opinion=4),
        Report(opinion=1),
        None,
    ] * 4
    acts = w.decode_actions(obs, decisions)
    assert set(acts.columns) == set(w.rule_decide(obs, np.random.default_rng(0)).columns)
    assert len(acts["message"][0]) == w.config.max_message_chars
    assert acts["message"][1] == "hi" and acts["message"][2] == "" and np.isnan(acts["stance"][2])
    assert acts["opinion"][:3].tolist() == [5.0, 4.0, 1.0]
    assert acts["opinion"][3] == obs["opinion"][3]  # fallback keeps the opinion
    w.apply(acts)
    assert np.isnan(w.stances[0, obs.ids[2::4]]).all()  # no post from report / fallback
    assert w.opinions[0, obs.ids[2]] == 1.0  # round 1's post opinion is the initial report


def test_action_menu_follows_the_stage():
    sim, _ = run_steps(_cfg(chat_turns=1), 0, seed=9)
    w = sim.world
    names = []
    for batch in w.batches(np.arange(16)):
        names.append(w.action_menu().names[0])
        obs = w.observe(batch)
        w.apply(w.rule_decide(obs, np.random.default_rng(0)))
    assert names == ["post", "chat", "report"]


def test_run_directory_tables_and_plots(tmp_path):
    run = socium.run(_cfg(), out=tmp_path / "r", seed=10)
    con = sqlite3.connect(run.dir / "run.sqlite")
    cols = [r[1] for r in con.execute("PRAGMA table_info(messages)")]
    assert cols == [
        "step",
        "round",
        "turn",
        "group",
        "topic",
        "sender",
        "recipient",
        "kind",
        "text",
        "stance",
        "opinion",
    ]
    kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM messages")}
    assert kinds == {"post", "chat", "report"}
    assert con.execute("SELECT count(*) FROM topics").fetchone()[0] == 3
    assert (run.dir / "plots" / "opinions.png").exists()
    assert (run.dir / "plots" / "convergence.png").exists()
    assert set(run.agents.columns) >= {"id", "group", "opinion", "opinion_initial", "stance"}
