"""The influence world: budget rule, conservation, dynamics by hand, judge, scenarios, hooks."""

import numpy as np
import pytest

import socium
from socium.errors import ConfigError
from socium.testing import run_steps
from socium.worlds.influence.actions import Broadcast, Respond, Score
from socium.worlds.influence.campaigns import MessageTiers, planned_potency, settle_budget
from socium.worlds.influence.dynamics import bias, update_opinions
from socium.worlds.influence.judge import rule_potency

NET = {"kind": "erdos_renyi", "n": 150, "p": 0.05}


def _cfg(steps=10, **world):
    return {
        "run": {"seed": 1, "steps": steps},
        "network": NET,
        "world": {"name": "influence", **world},
    }


def test_settle_budget_never_exceeds_what_is_left():
    rng = np.random.default_rng(0)
    potency = rng.uniform(-0.5, 1.5, 20000)
    remaining = rng.exponential(0.5, 20000)
    eff, cost = settle_budget(potency, remaining, 1.3, 0.2)
    assert (cost <= remaining + 1e-15).all() and (cost >= 0).all()
    assert (eff <= np.clip(potency, 0, 1) + 1e-15).all() and (eff >= 0).all()
    paid = cost > 0
    assert np.allclose(cost[paid], 0.2 + 1.3 * eff[paid])


def _drive(sim, steps, score=None):
    """Advance by hand; a judge agent (if any) answers ``score`` every round."""
    w = sim.world
    spent = []
    for t in range(1, steps + 1):
        ids = sim.schedule.active(t, sim.rng.stream("schedule"))
        for batch in w.batches(ids):
            obs = w.observe(batch)
            if score is not None and len(obs) and int(obs["stage"][0]) == 1:
                acts = w.decode_actions(obs, [score] * len(obs))
            else:
                acts = w.rule_decide(obs, sim.rng.stream("policy"))
            w.apply(acts)
            if int(obs["stage"][0] if len(obs) else -1) == 2:
                assert w.counts().sum() == w.resident.sum()
        w.end_step(t)
        spent.append(w.spent.copy())
    return np.array(spent)


def test_budget_is_never_exceeded_even_by_a_generous_judge():
    cfg = _cfg(
        judge_agent=2,
        budget_misinformation=1.7,
        budget_correction=0.35,
        strategy="adaptive",
        gain=50.0,
        horizon=2,
    )
    sim, _ = run_steps(cfg, 0)
    spent = _drive(sim, 25, score=Score(misinformation=1.0, correction=1.0))
    budgets = np.array([1.7, 0.35])
    assert (spent <= budgets + 1e-12).all()
    assert (np.diff(spent, axis=0) >= 0).all()
    assert spent[-1] == pytest.approx(budgets, abs=0.11)  # spent down to below one message
    run = socium.run(cfg, seed=2)
    assert run.metrics["spent_misinformation"].max() <= 1.7 + 1e-12
    assert run.metrics["spent_correction"].max() <= 0.35 + 1e-12


def test_population_counts_are_conserved():
    cfg = _cfg(steps=15, judge_agent=5, budget_correction=2.0)
    run = socium.run(cfg, seed=3)
    m = run.metrics
    total = m["share_misinformation"] + m["share_correction"] + m["share_undecided"]
    assert np.allclose(total, 1.0)
    sim, _ = run_steps(cfg, 0)
    _drive(sim, 10)  # asserts counts == residents after every population stage
    w = sim.world
    assert w.counts().sum() == 150 - 3
    assert w.x[w.campaigns].tolist() == [1.0, -1.0]  # the campaigns keep their side
    # an LLM answering the extremes cannot push anyone out of [-1, 1] or out of the count
    sim, _ = run_steps(cfg, 1)
    it = sim.world.batches(np.arange(150))
    for batch in it:
        obs = sim.world.observe(batch)
        if int(obs["stage"][0]) == 2:
            acts = sim.world.decode_actions(
                obs,
                [Respond(stance=3), Respond(stance=-3)] * (len(obs) // 2) + [None] * (len(obs) % 2),
            )
        else:
            acts = sim.world.rule_decide(obs, np.random.default_rng(0))
        sim.world.apply(acts)
    c = sim.world.counts()
    assert c.sum() == 147 and abs(c[0] - c[1]) <= 1


def test_update_rule_by_hand():
    kw = {"message_epsilon": 1.2, "message_mu": 0.5, "epsilon": 0.5, "mu": 0.5, "beta": 0.5}
    x = np.array([0.0, -0.8, 0.1, 0.1])
    exposed = np.array([[True, False], [True, False], [False, True], [False, False]])
    neighbour = np.array([np.nan, np.nan, np.nan, 0.4])
    got = update_opinions(x, exposed, np.array([1.0, 0.4]), neighbour, **kw)
    # 0: +1 message at distance 1 < 1.2 -> 0 + 0.5 * 1 * 1 = 0.5
    # 1: distance 1.8 > 1.2 -> ignored; 2: -1 against its leaning -> 0.5 * 0.4 * 0.5 * -1.1
    # 3: neighbour at distance 0.3 < 0.5, same side -> 0.1 + 0.5 * 0.3
    assert got.tolist() == pytest.approx([0.5, -0.8, 0.1 - 0.11, 0.25])
    assert bias(np.array([0.2]), np.array([-0.3]), 0.25).tolist() == [0.75]


def test_judge_scores_and_tiers():
    assert rule_potency(["data data data study report"])[0] == pytest.approx(0.2 * 5 / 30 + 0.4)
    tiers = MessageTiers("The moon is cheese.", "The moon is rock.")
    assert (np.diff(tiers.potencies, axis=1) > 0).all()  # higher tier, higher potency
    near = tiers.nearest(np.array([0, 1]), np.array([0.0, 1.0]))
    assert near == [tiers.table[0][0], tiers.table[1][3]]
    assert planned_potency(np.array([10.0]), 1, 10, 1.0, 0.1).tolist() == [pytest.approx(0.9)]
    # adaptive: losing by 0.5 with gain 2 doubles the spend
    assert planned_potency(np.array([2.0]), 1, 10, 1.0, 0.1, np.array([-0.5]), 2.0)[
        0
    ] == pytest.approx(0.3)


def test_who_wins_follows_the_budgets():
    only_mis = socium.run(_cfg(steps=40, budget_correction=0.0), seed=4).final
    only_cor = socium.run(_cfg(steps=40, budget_misinformation=0.0), seed=4).final
    assert only_mis["winner"] == "misinformation" and only_mis["share_misinformation"] > 0.8
    assert only_cor["winner"] == "correction" and only_cor["share_correction"] > 0.8
    assert only_mis["spent_correction"] == 0.0 and only_mis["messages_correction"] == 0


def test_confirmation_bias_polarizes_under_two_campaigns():
    biased = socium.run(_cfg(steps=40, confirmation_bias=0.9), seed=5).final
    open_minded = socium.run(_cfg(steps=40, confirmation_bias=0.0), seed=5).final
    assert biased["polarization"] > 2 * open_minded["polarization"]


@pytest.mark.parametrize(
    ("world", "field"),
    [
        ({"correction_agent": 0}, "world.correction_agent"),
        ({"judge_agent": 1}, "world.judge_agent"),
        ({"misinformation_agent": 500}, "world.misinformation_agent"),
        ({"reach": 1.5}, "world.reach"),
        ({"budget_correction": -1}, "world.budget_correction"),
    ],
)
def test_bad_config_names_the_field(world, field):
    with pytest.raises(ConfigError) as err:
        socium.run(_cfg(**world))
    assert err.value.field == field


def test_bad_initial_opinion():
    cfg = {**_cfg(), "population": {"init": {"opinion": {"dist": "constant", "value": 2.0}}}}
    with pytest.raises(ConfigError, match=r"population\.init\.opinion"):
        socium.run(cfg)


def test_llm_hooks():
    sim, _ = run_steps(_cfg(judge_agent=2), 0)
    w = sim.world
    assert w.supports_llm() and w.action_menu().names == ["broadcast", "score", "respond"]
    stages = w.batches(np.arange(150))
    obs = w.observe(next(stages))
    assert w.action_menu().names == ["broadcast"]  # during a stage: its own action
    assert obs.ids.tolist() == [0, 1] and "MISINFORMATION" in w.render_observations(obs)[0]
    acts = w.decode_actions(
        obs, [Broadcast(message="URGENT! Leaked truth!"), Score(misinformation=1, correction=1)]
    )
    assert acts["message"].tolist() == ["URGENT! Leaked truth!", ""]  # wrong action: silence
    w.apply(acts)
    obs = w.observe(next(stages))
    assert "Leaked truth" in w.render_observations(obs)[0]
    w.apply(w.decode_actions(obs, [None]))  # judge fallback -> the rule judge
    obs = w.observe(next(stages))
    assert w.effective[1] == 0.0 and w.effective[0] > 0  # correction sent nothing
    assert "claim" in w.render_observations(obs)[5]


def test_run_directory(tmp_path):
    run = socium.run(_cfg(steps=5), out=tmp_path / "r", seed=6)
    msgs = run.table("campaign_messages")
    assert len(msgs) == 10 and set(msgs["side"]) == {"misinformation", "correction"}
    assert set(msgs["judged_by"]) == {"rules"}
    assert np.allclose(msgs["potency"], msgs["potency_rule"])
    assert (msgs["cost"] <= msgs["remaining"] + msgs["cost"] + 1e-12).all()
    assert (run.dir / "plots" / "shares.png").exists()
    assert set(run.agents["role"]) == {"resident", "misinformation", "correction"}


@pytest.mark.parametrize(
    ("answer", "judged_by"),
    [('{"action": "score", "misinformation": 0.9, "correction": 0.05}', "judge"), ("no", "rules")],
)
def test_llm_judge_scores_are_recorded_and_used(tmp_path, answer, judged_by):
    """The judge agent's scores set the potency (and so the cost); a fallback is left to the
    rule judge, and the table says which judged each message, next to the rule's score."""
    cfg = {
        **_cfg(steps=3, judge_agent=2),
        "policy": {
            "kind": "mixed",
            "groups": [{"select": {"ids": [2, 3]}, "policy": {"kind": "llm", "reask": False}}],
        },
        "llm": {"backend": "mock", "mock": {"mode": "cycle", "texts": [answer]}},
    }
    run = socium.run(cfg, out=tmp_path / judged_by)
    msgs = run.table("campaign_messages")
    assert len(msgs) == 6 and set(msgs["judged_by"]) == {judged_by}
    assert np.allclose(msgs["potency_rule"], rule_potency(msgs["text"].tolist()))
    if judged_by == "judge":
        assert msgs.groupby("side")["potency"].agg(set).to_dict() == {
            "misinformation": {0.9},
            "correction": {0.05},
        }
        assert np.allclose(msgs["cost"], 0.1 + msgs["potency_effective"])
        assert (msgs.query("side == 'misinformation'")["potency_effective"] == 0.9).all()
        assert run.final["llm_fallbacks"] == 0
    else:
        assert np.allclose(msgs["potency"], msgs["potency_rule"])
        assert run.final["llm_fallbacks"] == 3
