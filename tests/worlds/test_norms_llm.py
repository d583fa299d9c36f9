"""The norms world's LLM interface: per-stage menus, prompts, decoding, fallbacks, whole runs
with the scripted mock backend (hand-checked outcomes), mixed populations and resume."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import pytest

import socium
from socium.core.actions import ActionParseError
from socium.core.batches import ActionBatch
from socium.core.population import Population
from socium.testing import check_world
from socium.worlds.norms import NormsConfig, NormsWorld
from socium.worlds.norms.llm import Punish

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from killing import kill_run_and_resume, rows

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "norms" / "llm_mock.toml"

#: Keys of the scripted mock: the "Allowed actions" line of each stage's prompt (memory items
#: are flattened to one line, so a key starting with a line break only matches the menu).
CONTRIBUTE_KEY = "\n- contribute:"
PUNISH_KEY = "\n- punish:"


def make_world(n: int = 8, seed: int = 0, **world) -> NormsWorld:
    return NormsWorld(NormsConfig(**world), Population(n), None, np.random.default_rng(seed))


def scripted(contribute: str, punish: str) -> dict:
    """An ``[llm]`` section whose mock answers ``contribute`` then ``punish`` in each round."""
    return {
        "backend": "mock",
        "mock": {"mode": "map", "responses": {CONTRIBUTE_KEY: contribute, PUNISH_KEY: punish}},
    }


def config(n: int = 8, steps: int = 3, seed: int = 1, llm: dict | None = None, **world) -> dict:
    return {
        "run": {"seed": seed, "steps": steps},
        "population": {"size": n},
        "world": {"name": "norms", "fine": 4.0, **world},
        "policy": {"kind": "llm"},
        "llm": llm or {"backend": "mock"},
        "record": {"plots": False},
    }


FULL_COOPERATION = scripted(
    '{"action": "contribute", "amount": 20}', '{"action": "punish", "targets": []}'
)


# ---------------------------------------------------------------- the interface
def test_supports_llm_and_declares_both_actions():
    world = make_world()
    assert world.supports_llm()
    assert list(NormsWorld.actions()) == ["contribute", "punish"]
    assert NormsWorld.fallback_action == "rules"


def test_menu_follows_the_stage_and_bounds_the_answers():
    world = make_world(n=8, endowment=10.0, group_size=4)
    stages = world.batches(np.arange(8))
    next(stages)
    menu = world.action_menu()
    assert menu.names == ["contribute"]
    amount = menu.schema()["properties"]["amount"]
    assert (amount["minimum"], amount["maximum"]) == (0.0, 10.0)
    assert amount["enum"] == list(range(11))  # whole amounts, for grammar-constrained decoders
    assert menu.parse('{"action": "contribute", "amount": 2.5}').amount == 2.5
    for bad in ('{"action": "contribute", "amount": 10.5}', '{"action": "punish", "targets": []}'):
        with pytest.raises(ActionParseError):
            menu.parse(bad)
    next(stages)
    menu = world.action_menu()
    assert menu.names == ["punish"]
    targets = menu.schema()["properties"]["targets"]
    assert targets["maxItems"] == 3 and targets["items"]["maximum"] == 7
    assert menu.parse('{"action": "punish", "targets": [1, 2]}').targets == [1, 2]
    for bad in ('{"action": "punish", "targets": [1, 2, 3, 4]}', '{"action": "punish"}'):
        with pytest.raises(ActionParseError):
            menu.parse(bad)
    assert world.action_menu() is menu  # built once per stage


def test_fractional_endowment_has_bounds_but_no_enum():
    world = make_world(endowment=7.5)
    amount = world.action_menu().schema()["properties"]["amount"]
    assert amount["maximum"] == 7.5 and "enum" not in amount


def test_instructions_state_the_rules():
    text = make_world(endowment=20.0, r=1.6, group_size=4, cost=1.0, fine=3.0).llm_instructions()
    for part in (
        "in groups of 4",
        "drawn anew at random every round",
        "receive 20 points",
        "multiplied by 1.6",
        "returns 0.4 points to you",
        "costs you 1 point and the punished member 3 points",
        "Sanctions are public",
        '"action": "punish"',
    ):
        assert part in text, part
    quiet = make_world(punishment=False, matching="partner").llm_instructions()
    assert "same group every round" in quiet
    assert "punish" not in quiet


def _play_hand_round(world: NormsWorld) -> None:
    """One group of 4: contributions 10, 0, 20, 10; agent 2 punishes agent 1."""
    ids = np.arange(4)
    stages = world.batches(ids)
    obs = world.observe(next(stages))
    world.apply(ActionBatch(ids, {"contribute": np.array([10.0, 0.0, 20.0, 10.0])}, obs))
    obs = world.observe(next(stages))
    punish = np.full((4, 4), -1)
    punish[2, 0] = 1
    world.apply(ActionBatch(ids, {"punish": punish}, obs))
    world.end_step(1)


def test_rendered_observations_by_hand():
    world = make_world(n=4, group_size=4, endowment=20.0, r=2.0, cost=1.0, fine=3.0)
    stages = world.batches(np.arange(4))
    first = world.render_observations(world.observe(next(stages)))
    assert first[0].startswith("Round 1, contribution stage. You have 20 points.")
    assert "This is the first round." in first[0]
    assert "no contribution has been punished so far" in first[0]
    _play_hand_round(world)  # payoffs 30, 37, 19, 30 (see test_norms_game)
    stages = world.batches(np.arange(4))
    text = world.render_observations(world.observe(next(stages)))
    assert text[1].startswith("Round 2, contribution stage.")
    assert (
        "Last round you put in 0, the others in your group put in 13.3 on average, "
        "and your payoff was 37." in text[1]
    )
    # the public table: the one contribution of 0 got one punishment; 10 and 20 none
    assert "0: 1.00, 2: 0.00" in text[1] and "10: 0.00" in text[1] and "20: 0.00." in text[1]
    world.apply(ActionBatch(np.arange(4), {"contribute": np.array([5.0, 20.0, 0.0, 12.25])}, None))
    text = world.render_observations(world.observe(next(stages)))
    assert text[3].splitlines()[1:5] == [
        "- agent 0: 5",
        "- agent 1: 20",
        "- agent 2: 0",
        "- agent 3 (you): 12.2",
    ]
    assert "costs you 1 point and the punished member 3 points" in text[3]


def test_rendering_without_punishment_has_no_sanction_record():
    world = make_world(n=4, group_size=4, punishment=False)
    text = world.render_observations(world.observe(next(world.batches(np.arange(4)))))
    assert "sanction" not in text[0]


def test_decode_matches_rule_columns_and_falls_back_to_the_rules():
    world = make_world(n=8)
    stages = world.batches(np.arange(8))
    obs = world.observe(next(stages))
    menu = world.action_menu()
    answer = menu.parse('{"action": "contribute", "amount": 7}')
    decisions = [answer, None, answer, None, None, answer, answer, answer]
    rng = copy.deepcopy(world.rng)
    acts = world.decode_actions(obs, decisions)
    rule = world.rule_decide(obs.take(np.array([1, 3, 4])), rng)
    assert set(acts.columns) == {"contribute"}
    assert acts["contribute"].dtype == np.float64
    np.testing.assert_array_equal(acts["contribute"][[0, 2, 5, 6, 7]], 7.0)
    np.testing.assert_array_equal(acts["contribute"][[1, 3, 4]], rule["contribute"])
    world.apply(acts)
    obs = world.observe(next(stages))
    acts = world.decode_actions(obs, [None] * 8)
    rule = world.rule_decide(obs, np.random.default_rng(0))
    assert acts["punish"].shape == rule["punish"].shape == (8, 4)
    np.testing.assert_array_equal(acts["punish"], rule["punish"])  # the rule draws nothing
    empty = world.decode_actions(obs.take(np.array([], np.int64)), [])
    assert empty["punish"].shape == (0, 4)


def test_invalid_targets_are_ignored():
    world = make_world(n=8, group_size=4, matching="partner", punishment=True)
    stages = world.batches(np.arange(8))
    world.apply(world.rule_decide(world.observe(next(stages)), np.random.default_rng(0)))
    obs = world.observe(next(stages))
    group0 = world.members[world.group_of[0]]
    member = int(group0[group0 != 0][0])
    outsider = int(np.setdiff1d(np.arange(8), group0)[0])
    # agent 0: itself, an outsider, a member twice (kept once); everyone else: nobody
    decisions = [Punish(targets=[0, outsider, member, member])] + [Punish(targets=[])] * 7
    acts = world.decode_actions(obs, decisions)
    assert acts["punish"][0].tolist() == [0, outsider, member, -1]
    events = world.apply(acts)
    assert events.agent.tolist() == [0] and events.other.tolist() == [member]
    world.end_step(1)
    assert world.received.sum() == 1 and world.received[member] == 1
    assert world.given.tolist() == [1, 0, 0, 0, 0, 0, 0, 0]


# ---------------------------------------------------------------- whole runs (mock backend)
def test_full_cooperation_by_hand():
    run = socium.run(config(n=8, steps=3, llm=FULL_COOPERATION))
    final = run.final
    assert final["contribution"] == final["contribution_mean"] == 1.0
    assert final["sanctions_total"] == 0 and final["sanction_rate"] == 0.0
    # everyone keeps 0 and gets r/g * (4 * 20) = 1.6 * 20 = 32 per round
    assert final["payoff"] == pytest.approx(32.0)
    assert final["payoff_total"] == pytest.approx(96.0)
    assert final["llm_decisions"] == 8 * 2 * 3 and final["llm_fallbacks"] == 0
    table = run.table("llm_decisions")
    assert len(table) == 48 and table["ok"].all()
    assert table.groupby("batch")["action"].unique().map(list).to_dict() == {
        1: ["contribute"],
        2: ["punish"],
    }


def test_scripted_invalid_targets_in_a_run():
    # everyone contributes 10 and names agent 3: only its three group mates' punishments count
    llm = scripted('{"action": "contribute", "amount": 10}', '{"action": "punish", "targets": [3]}')
    run = socium.run(config(n=8, steps=4, llm=llm))
    final = run.final
    assert final["llm_fallbacks"] == 0
    assert final["sanctions_total"] == 3 * 4
    assert final["punishments"] == pytest.approx(3 / 8)
    assert final["sanction_rate"] == pytest.approx(1 / 8)
    agents = run.agents.set_index("id")
    assert agents.loc[3, "punished"] == 3 and agents.loc[3, "punishments_given"] == 0
    # agent 3: 20 - 10 + 0.4 * 40 - 3 * 4 = 14 per round
    assert agents.loc[3, "payoff"] == pytest.approx(14.0)
    assert agents["punishments_given"].sum() == 3


def test_same_seed_same_run_and_the_seed_matters():
    first = socium.run(config(seed=5, steps=4))
    second = socium.run(config(seed=5, steps=4))
    assert first.final == second.final
    assert first.final["llm_decisions"] == 8 * 2 * 4 and first.final["llm_fallbacks"] == 0
    decisions = [run.table("llm_decisions").drop(columns="latency_s") for run in (first, second)]
    assert decisions[0].equals(decisions[1])
    other = socium.run(config(seed=6, steps=4))
    assert other.final["contribution_mean"] != first.final["contribution_mean"]


@pytest.mark.parametrize("fallback", ["do_nothing", "rules"])
def test_unparsable_answers_fall_back_to_the_rules_and_are_counted(fallback):
    cfg = config(
        n=8, steps=2, llm={"backend": "mock", "mock": {"mode": "cycle", "texts": ["I pass."]}}
    )
    cfg["policy"] = {"kind": "llm", "fallback": fallback}
    run = socium.run(cfg)
    final = run.final
    assert final["llm_decisions"] == final["llm_fallbacks"] == 32
    assert final["llm_fallbacks_parse_error"] == 32 and final["llm_reasks"] == 32
    table = run.table("llm_decisions")
    assert not table["ok"].any() and set(table["action"]) == {"rules"}
    assert 0.0 <= final["contribution"] <= 1.0


def test_mixed_population_llm_and_rule_agents():
    cfg = config(n=12, steps=3, llm=FULL_COOPERATION)
    cfg["policy"] = {
        "kind": "mixed",
        "groups": [{"select": {"ids": [0, 4]}, "policy": {"kind": "llm"}}],
    }
    run = socium.run(cfg)
    assert run.final["llm_decisions"] == 4 * 2 * 3 and run.final["llm_fallbacks"] == 0
    assert set(run.table("llm_decisions")["agent"]) == {0, 1, 2, 3}
    contribution = run.agents.set_index("id")["contribution"]
    assert (contribution.loc[0:3] == 20.0).all()
    assert (contribution.loc[4:] < 20.0).any()  # the rule agents decide for themselves
    assert run.agents.set_index("id").loc[0:3, "punishments_given"].sum() == 0


def test_example_config_runs():
    run = socium.run(EXAMPLE, steps=2)
    assert run.final["llm_decisions"] == 8 * 2 * 2 and run.final["llm_fallbacks"] == 0


# ---------------------------------------------------------------- checkpoints and resume
def test_checkpoint_round_trip_of_an_llm_run():
    cfg = config(n=8, steps=6)
    cfg["policy"] = {"kind": "llm", "memory_items": 2}
    check_world(cfg, steps=6, seed=3)


def test_resume_after_sigkill_reproduces_the_uninterrupted_run(tmp_path):
    cfg = config(n=8, steps=10, seed=9)
    cfg["policy"] = {"kind": "llm", "memory_items": 2}
    cfg["run"]["checkpoint_every"] = 3
    query = "SELECT step, agent, batch, ok, action FROM llm_decisions ORDER BY rowid"
    _, killed, _ = kill_run_and_resume(cfg, tmp_path, 5, delay=0.05, queries=[query])
    assert len(rows(killed, query)) == 8 * 2 * 10
