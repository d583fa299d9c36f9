"""The games world's LLM interface: move labels, social chain-of-thought, rendering, decoding."""

import json

import numpy as np
import pytest

import socium
from socium.core.actions import ActionParseError
from socium.core.population import Population
from socium.worlds.games import GamesConfig, GamesWorld


def _world(size=2, seed=0, **kw):
    return GamesWorld(GamesConfig(**kw), Population(size), None, np.random.default_rng(seed))


def _obs(world):
    return world.observe(next(iter(world.batches(np.arange(world.n)))))


def test_menu_uses_the_game_labels_and_prediction_comes_first():
    world = _world(model="battle_of_the_sexes", strategies=["alternator"])
    menu = world.action_menu()
    assert menu.parse('{"action": "play", "move": "B"}').move == "B"
    with pytest.raises(ActionParseError):
        menu.parse('{"action": "play", "move": "C"}')
    with pytest.raises(ActionParseError):  # no prediction without social_cot
        menu.parse('{"action": "play", "move": "A", "prediction": "A"}')
    cot = _world(social_cot=True).action_menu()
    props = list(cot.schema()["properties"])
    assert props == ["action", "prediction", "move"]
    with pytest.raises(ActionParseError, match="prediction"):
        cot.parse('{"action": "play", "move": "C"}')
    # the class-level spec documents both fields
    assert set(GamesWorld.actions()["play"]["properties"]) == {"action", "move", "prediction"}


def test_instructions_show_the_payoffs_of_both_roles():
    text = _world(model="battle_of_the_sexes", strategies=["alternator"]).llm_instructions()
    assert "If you are player 1:" in text and "If you are player 2:" in text
    assert "- you A, they A: you get 10, they get 7" in text
    text = _world(social_cot=True, turns=4).llm_instructions()
    assert "- you D, they C: you get 5, they get 0" in text
    assert "Each match lasts 4 rounds." in text and "predict" in text


def test_rendering_shows_both_histories():
    world = _world(strategies=["cooperator", "defector"], turns=5)
    for _ in range(2):
        obs = _obs(world)
        world.apply(world.rule_decide(obs, np.random.default_rng(0)))
    text = world.render_observations(_obs(world))
    assert text[0].startswith("Match against agent 1 (you are player 1), round 3.")
    assert "Last round: you played C, they played D; you got 0 points." in text[0]
    assert "The round before: you played C, they played D." in text[0]
    assert 'They have played "D" in this match before.' in text[0]
    assert "Your points in this match so far: 10." in text[1]


def test_decode_and_fallback_to_the_strategy():
    world = _world(strategies=["cooperator", "defector"], social_cot=True)
    obs = _obs(world)
    menu = world.action_menu()
    acts = world.decode_actions(
        obs, [menu.parse('{"action":"play","prediction":"D","move":"D"}'), None]
    )
    rule = world.rule_decide(obs, np.random.default_rng(0))
    assert set(acts.columns) == set(rule.columns) == {"move", "prediction"}
    assert acts["move"].tolist() == [1, 1]  # agent 1 fell back to its defector strategy
    assert acts["prediction"].tolist() == [1, -1]
    world.apply(acts)
    assert world.final_metrics()["prediction_accuracy"] == 1.0


def test_rule_columns_unchanged_without_social_cot():
    world = _world(strategies=["cooperator", "defector"])
    obs = _obs(world)
    assert set(world.rule_decide(obs, np.random.default_rng(0)).columns) == {"move"}
    assert set(world.decode_actions(obs, [None, None]).columns) == {"move"}


def test_social_cot_players_among_rule_players():
    def fn(request):  # predict and play C; the others are cooperators
        return json.dumps({"action": "play", "prediction": "C", "move": "C"})

    cfg = {
        "population": {"size": 6},
        "world": {"name": "games", "strategies": ["cooperator"], "social_cot": True, "turns": 3},
        "policy": {
            "kind": "mixed",
            "groups": [{"select": {"ids": [0, 2]}, "policy": {"kind": "llm"}}],
        },
        "llm": {"backend": "mock", "mock": {"mode": "cycle", "texts": [fn(None)]}},
        "run": {"seed": 1, "steps": 3},
    }
    run = socium.run(cfg)
    assert run.final["prediction_accuracy"] == 1.0
    assert run.final["cooperation_rate"] == 1.0
    # two LLM players x 5 matches x 3 rounds each
    assert run.final["llm_decisions"] == 30 and run.final["llm_fallbacks"] == 0


def test_archetype_hooks():
    world = _world(size=4, strategies=["cooperator"], pairing="random")
    obs = _obs(world)
    assert world.archetype_choices() == ["C", "D"]
    assert set(world.archetype_features(obs)) == {
        "first_round",
        "my_last",
        "other_last",
        "other_defected",
    }
    acts = world.archetype_actions(obs, np.array(["D", "C", "C", "D"]))
    assert acts["move"].tolist() == [1, 0, 0, 1]
