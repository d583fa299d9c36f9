"""The games world through the engine: hand-computed runs, state, actions, config errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import socium
from socium.core.batches import ActionBatch
from socium.core.population import Population
from socium.errors import ConfigError
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation
from socium.worlds.games import GamesConfig, GamesWorld
from socium.worlds.games.world import allocate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "games"


def cfg(size=4, steps=10, seed=1, **world) -> dict:
    return {
        "run": {"seed": seed, "steps": steps},
        "population": {"size": size},
        "world": {"name": "games", **world},
    }


def test_tit_for_tat_beats_one_defector_among_reciprocators():
    # 1 defector + 3 TFT, round robin, 10 turns: one period in 10 steps.
    # TFT: 2 x 30 (vs TFT) + 9 (vs ALLD) = 69 over 30 rounds = 2.3
    # ALLD: 3 x (5 + 9) = 42 over 30 rounds = 1.4
    r = socium.run(cfg(strategies=["defector", "tit_for_tat"], shares=[1, 3], turns=10))
    f = r.final
    assert f["score_tit_for_tat"] == pytest.approx(2.3)
    assert f["score_defector"] == pytest.approx(1.4)
    assert f["winner"] == "tit_for_tat" and f["ranking"] == ["tit_for_tat", "defector"]
    assert f["rank_tit_for_tat"] == 1 and f["rank_defector"] == 2
    assert f["rounds_played"] == 120 and f["periods"] == 1
    # each TFT cooperates 1 (vs ALLD: round 1 only) + 10 + 10 = 21 of 30 times, ALLD never
    assert f["cooperation_rate"] == pytest.approx(3 * 21 / 120)
    assert f["cooperation_rate_tit_for_tat"] == pytest.approx(21 / 30)
    assert f["cooperation_rate_defector"] == 0.0
    m = r.metrics
    # step 1: 3 x (D, C) and 3 x (C, C): 9 of 12 moves are C; payoffs 3 x 5 + 6 x 3 = 33
    # step 2: 3 x (D, D) and 3 x (C, C): 6 of 12; payoffs 6 x 1 + 6 x 3 = 24
    assert m["cooperation_rate"].iloc[1:3].tolist() == [0.75, 0.5]
    assert m["mean_payoff"].iloc[1:3].tolist() == [33 / 12, 2.0]
    assert m["active_matches"].iloc[1] == 6
    assert np.isnan(m["cooperation_rate"].iloc[0])
    agents = r.agents
    assert agents["strategy_name"].tolist() == ["defector"] + ["tit_for_tat"] * 3
    assert agents["score"].tolist() == [42.0, 69.0, 69.0, 69.0]


def test_periods_repeat_the_round_robin():
    # turns = 3, 7 steps: periods 1 (steps 1-3), 2 (4-6), 3 (step 7)
    r = socium.run(cfg(size=3, steps=7, strategies=["cooperator", "defector", "grudger"], turns=3))
    assert r.final["periods"] == 3
    assert r.final["rounds_played"] == 7 * 6
    assert r.metrics["period"].tolist() == [1, 1, 1, 2, 2, 2, 3, 3]
    # the grudger's history is reset each period: it cooperates with ALLD in rounds 1, 4, 7
    assert r.metrics["cooperation_rate"].iloc[1] == pytest.approx(4 / 6)
    assert r.metrics["cooperation_rate"].iloc[4] == pytest.approx(4 / 6)
    assert r.metrics["cooperation_rate"].iloc[2] == pytest.approx(3 / 6)


def test_random_pairing_with_an_odd_population():
    r = socium.run(cfg(size=5, steps=6, pairing="random", strategies=["tit_for_tat"], turns=2))
    assert (r.metrics["active_matches"].iloc[1:] == 2).all()
    assert r.final["rounds_played"] == 6 * 4
    assert r.final["cooperation_rate"] == 1.0
    # each agent sits out some period at most: rounds per agent 0..6, all even
    assert r.agents["rounds"].sum() == 24 and (r.agents["rounds"] % 2 == 0).all()


def test_battle_of_the_sexes_alternation_success():
    r = socium.run(cfg(size=2, steps=6, model="battle_of_the_sexes", strategies=["alternator"]))
    assert r.final["alternation_success"] == 1.0
    # AA BB AA BB AA BB: 3 x (10 + 7) + 3 x (7 + 10) over 12 moves = 8.5
    assert r.final["mean_payoff"] == pytest.approx(8.5)


def test_shares_and_population_field_assign_strategies():
    assert allocate(10, np.array([1.0, 1.0, 1.0])).tolist() == [4, 3, 3]
    # 3.5, 1.75, 1.75 -> floors 3, 1, 1; the two left go to the largest remainders (0.75)
    assert allocate(7, np.array([0.5, 0.25, 0.25])).tolist() == [3, 2, 2]
    pop = Population(3, {"strategy": np.array([2, 0, 1])})
    w = GamesWorld(
        GamesConfig(strategies=["cooperator", "defector", "grudger"]),
        pop,
        None,
        np.random.default_rng(0),
    )
    assert w.agent_table()["strategy_name"].tolist() == ["grudger", "cooperator", "defector"]


def _world(seed=0, **kw) -> GamesWorld:
    config = GamesConfig(**kw)
    return GamesWorld(config, Population(2), None, np.random.default_rng(seed))


def test_llm_style_actions_with_letters_and_predictions():
    w = _world(strategies=["cooperator"], turns=3)
    (batch,) = list(w.batches(np.arange(2)))
    obs = w.observe(batch)
    assert obs["round"].tolist() == [0, 0] and obs["opponent"].tolist() == [1, 0]
    acts = ActionBatch(
        obs.ids, {"move": np.array(["C", "d"]), "prediction": np.array(["D", "D"])}, obs
    )
    w.apply(acts)
    # agent 0 played C (0 points), agent 1 played D (5); agent 0 predicted D (right), 1 wrong
    assert w.matches.score.tolist() == [0.0, 5.0]
    assert w.final_metrics()["prediction_accuracy"] == 0.5
    obs = w.observe(next(iter(w.batches(np.arange(2)))))
    assert obs["other_last"].tolist() == [1, 0] and obs["my_score"].tolist() == [0.0, 5.0]
    bad = ActionBatch(obs.ids, {"move": np.array(["C", "maybe"])}, obs)
    with pytest.raises(ValueError, match="'C' or 'D'"):
        w.apply(bad)
    schema = GamesWorld.actions()["play"]["properties"]
    assert schema["move"]["enum"] == ["C", "D"] and "prediction" in schema


def test_get_state_set_state_resumes_bit_identically():
    config = cfg(
        size=9,
        steps=25,
        seed=4,
        pairing="random",
        continuation_probability=0.8,
        noise=0.1,
        strategies=["random", "generous_tit_for_tat", "win_stay_lose_shift"],
    )
    full = build_simulation(load_config(config))
    for _ in range(11):
        full.advance()
    state = full.get_state()
    other = build_simulation(load_config(config))
    other.set_state(state)
    a = [full.advance().metrics for _ in range(14)]
    b = [other.advance().metrics for _ in range(14)]
    assert a == b or str(a) == str(b)
    fa, fb = full.world.final_metrics(), other.world.final_metrics()
    assert str(fa) == str(fb)
    np.testing.assert_array_equal(full.world.matches.last, other.world.matches.last)
    assert full.world.period > 1  # several random matchings happened
    # a different seed changes the run
    diff = build_simulation(load_config(config, {"run.seed": 5}))
    for _ in range(25):
        diff.advance()
    assert str(diff.world.final_metrics()) != str(fa)


@pytest.mark.parametrize(
    ("world", "size", "field", "text"),
    [
        ({"strategies": ["tit_for_tat", "tft"]}, 4, "world.strategies", "allowed: cooperator"),
        ({"model": "custom", "payoffs": [[1, 2, 3], [4, 5, 6]]}, 4, "world.payoffs", "2x2"),
        ({"model": "custom", "payoffs": [[1, 2], [3, "x"]]}, 4, "world.payoffs", "numbers"),
        ({"model": "custom"}, 4, "world", "payoffs: required"),
        ({"payoffs": [[3, 0], [5, 1]]}, 4, "world", "only with model = 'custom'"),
        ({"model": "snowdrift"}, 4, "world.model", "prisoners_dilemma"),
        ({"strategies": ["grudger"], "shares": [0.5, 0.5]}, 4, "world", "shares"),
        ({"noise": 2.0}, 4, "world.noise", ""),
        ({"continuation_probability": 1.0}, 4, "world.continuation_probability", ""),
        ({"pairing": "swiss"}, 4, "world.pairing", "round_robin"),
        ({}, 1, "population.size", ">= 2"),
    ],
)
def test_bad_config_names_the_field(world, size, field, text):
    with pytest.raises(ConfigError) as err:
        socium.run(cfg(size=size, **world))
    assert str(err.value).startswith(field + ":")
    assert text in str(err.value)


def test_population_strategy_out_of_range():
    config = cfg(size=3, strategies=["grudger", "defector"])
    config["population"]["init"] = {"strategy": {"dist": "constant", "value": 2}}
    with pytest.raises(
        ConfigError, match=r"population.init.strategy: must be integer indices 0..1"
    ):
        socium.run(config)


def test_plots(tmp_path):
    socium.run(cfg(strategies=["defector", "tit_for_tat"], shares=[1, 3]), out=tmp_path / "r")
    names = sorted(p.name for p in (tmp_path / "r" / "plots").glob("games_*.png"))
    assert names == ["games_cooperation.png", "games_ranking.png"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_examples_run(path):
    r = socium.run(path, steps=20)
    f = r.final
    assert f["ranking"][0] == f["winner"]
    assert 0.0 <= f["cooperation_rate"] <= 1.0
    assert f["rounds_played"] > 0
