"""The swarm world's LLM interface: menu per task, instructions, rendered views, decoding."""

import json

import numpy as np
import pytest

import socium
from socium.core.actions import ActionParseError
from socium.core.batches import Batch
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation
from socium.worlds.swarm import SwarmWorld
from socium.worlds.swarm.grid import RIGHT, STAY, SWITCH


def make(model, n=4, **world):
    cfg = {"run": {"steps": 10}, "population": {"size": n}, "world": {"name": "swarm"}}
    cfg["world"].update(model=model, **world)
    return build_simulation(load_config(cfg, {"run.seed": 1})).world


def test_menu_has_the_task_moves_and_the_message_limit():
    w = make("pursuit", message_limit=20)
    assert w.supports_llm()
    menu = w.action_menu()
    assert menu is w.action_menu()  # built once
    assert menu.parse('{"action": "act", "move": "LEFT", "message": "prey east"}').move == "LEFT"
    with pytest.raises(ActionParseError):
        menu.parse('{"action": "act", "move": "SWITCH"}')  # synchronization only
    with pytest.raises(ActionParseError):
        menu.parse('{"action": "act", "move": "UP", "message": "' + "x" * 21 + '"}')
    props = menu.schema()["properties"]
    assert props["message"]["maxLength"] == 20
    sync = make("synchronization").action_menu()
    assert sync.parse('{"action": "act", "move": "SWITCH"}').move == "SWITCH"
    assert "SWITCH" in SwarmWorld.actions()["move"]["properties"]["move"]["enum"]


def test_instructions_and_rendered_view():
    w = make("transport", n=3)
    text = w.llm_instructions()
    assert "3 robots on a 10 x 10 grid" in text and "5 x 5 cells around you" in text
    assert "force 2" in text and "the box 5" in text and "floor(sqrt(c))" in text
    assert "Task: The map is walled" in text
    obs = w.observe(Batch(np.arange(3)))
    rendered = w.render_observations(obs)
    assert len(rendered) == 3 and not rendered[0].startswith("Task:")
    grid = rendered[0].split("\n")[2:7]  # the 5 x 5 view, the agent at the centre
    assert all(len(row.split()) == 5 for row in grid) and grid[2].split()[2] == "@"
    assert "Messages heard: none" in rendered[0]
    assert str(obs["text"][0]).startswith("Task:")  # the text column stays self-contained


def test_decode_and_silent_stay_fallback():
    w = make("synchronization", n=3)
    obs = w.observe(Batch(np.arange(3)))
    menu = w.action_menu()
    acts = w.decode_actions(
        obs,
        [
            menu.parse('{"action": "act", "move": "SWITCH", "message": "all on"}'),
            None,
            menu.parse('{"action": "act", "move": "RIGHT"}'),
        ],
    )
    rule = w.rule_decide(obs, np.random.default_rng(0))
    assert set(acts.columns) == set(rule.columns) == {"move", "message"}
    assert acts["move"].tolist() == [SWITCH, STAY, RIGHT]
    assert acts["message"].tolist() == ["all on", "", ""]
    with pytest.raises(ValueError, match="2 decisions for 3"):
        w.decode_actions(obs, [None, None])


def _cfg(texts, **world):
    return {
        "run": {"seed": 3, "steps": 4},
        "population": {"size": 4},
        "world": {"name": "swarm", "model": "pursuit", "rounds": 4, **world},
        "policy": {"kind": "llm"},
        "llm": {"backend": "mock", "mock": {"mode": "cycle", "texts": texts}},
    }


def test_llm_agents_move_and_talk_through_the_engine():
    go_left = json.dumps({"action": "act", "move": "LEFT", "message": "going west"})
    run = socium.run(_cfg([go_left]))
    assert run.final["llm_decisions"] == 16 and run.final["llm_fallbacks"] == 0
    assert run.final["messages_sent"] == 16
    assert run.final["stay_share"] < 1.0
    # every chosen move was LEFT: the mean move vector has length 1 in every round
    assert run.final["move_length"] == pytest.approx(1.0)
    again = socium.run(_cfg([go_left]))
    assert again.final == run.final


def test_unusable_answers_stay_and_are_counted():
    run = socium.run(_cfg(["move left please", json.dumps({"action": "act", "move": "FLY"})]))
    assert run.final["llm_fallbacks"] == 16
    assert run.final["stay_share"] == 1.0 and run.final["messages_sent"] == 0


def test_mixed_llm_and_rule_agents_on_an_irregular_board():
    cfg = _cfg([json.dumps({"action": "act", "move": "UP"})], layout="obstacles", objects=2)
    cfg["policy"] = {
        "kind": "mixed",
        "groups": [{"select": {"ids": [0, 2]}, "policy": {"kind": "llm"}}],  # agents 0, 1
    }
    run = socium.run(cfg)
    assert run.final["llm_decisions"] == 8 and run.final["rounds"] == 4
