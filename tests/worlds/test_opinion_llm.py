"""The opinion world's LLM interface: menus, rendering, decoding, archetype hooks."""

import numpy as np
import pytest
from opinion_util import make_world

from socium.core.actions import ActionParseError
from socium.core.batches import Batch
from socium.core.network import Network
from socium.worlds.opinion.config import MODELS

PATH3 = Network.from_edges(3, np.array([0, 1]), np.array([1, 2]), directed=False)
PARAMS = {"majority": {"group_size": 3}, "qvoter": {"q": 2}}


def _first_batch(world):
    ids = np.arange(world.n, dtype=np.int64)
    return next(iter(world.batches(ids)))


def _ring(n=12):
    src = np.arange(n)
    return Network.from_edges(n, src, (src + 1) % n, directed=False)


@pytest.mark.parametrize("model", MODELS)
def test_decode_matches_rule_columns_and_doing_nothing_changes_nothing(model):
    world = make_world(model, _ring(), seed=2, **PARAMS.get(model, {}))
    assert world.supports_llm()
    obs = world.observe(_first_batch(world))
    rule = world.rule_decide(obs, np.random.default_rng(0))
    none = world.decode_actions(obs, [None] * len(obs))
    assert set(none.columns) == set(rule.columns)
    for name in rule.columns:
        assert none[name].dtype == rule[name].dtype, name
    before = world.x.copy()
    world.apply(none)
    assert (world.x == before).all()


def test_continuous_update_and_range():
    world = make_world("degroot", PATH3, fields={"opinion": np.array([0.1, 0.5, 0.9])})
    menu = world.action_menu()
    assert menu.names == ["update", "do_nothing"]
    with pytest.raises(ActionParseError, match="opinion"):
        menu.parse('{"action": "update", "opinion": 1.2}')
    obs = world.observe(Batch(np.array([0, 1, 2])))
    decisions = [
        menu.parse('{"action": "update", "opinion": 0.3}'),
        None,
        menu.parse('{"action": "do_nothing"}'),
    ]
    acts = world.decode_actions(obs, decisions)
    assert acts["opinion"].tolist() == [0.3, 0.5, 0.9]


def test_discrete_menu_is_constrained_to_the_states():
    world = make_world("voter", _ring(), n_states=3)
    menu = world.action_menu()
    assert menu.parse('{"action": "update", "opinion": 2}').opinion == 2
    for bad in (
        '{"action": "update", "opinion": 3}',
        '{"action": "update", "opinion": 1.5}',
        '{"action": "update", "opinion": -1}',
    ):
        with pytest.raises(ActionParseError):
            menu.parse(bad)
    obs = world.observe(_first_batch(world))
    acts = world.decode_actions(obs, [menu.parse('{"action":"update","opinion":2}')] * len(obs))
    assert (acts["opinion"] == 2).all() and acts["opinion"].dtype == np.int64


def test_deffuant_partner_follows_the_rule_only_when_the_agent_acts():
    x0 = np.array([0.2, 0.4, 0.9])
    world = make_world("deffuant", PATH3, epsilon=0.3, mu=0.5, fields={"opinion": x0})
    batch = Batch(np.array([0, 2]), {"partner": np.array([1, 1])})
    obs = world.observe(batch)
    menu = world.action_menu()
    acts = world.decode_actions(obs, [menu.parse('{"action":"update","opinion":0.25}'), None])
    # agent 0 chose 0.25; its partner 1 moves by the rule towards 0's old opinion 0.2
    assert acts["opinion"].tolist() == [0.25, 0.9]
    assert acts["partner_opinion"].tolist() == pytest.approx([0.3, 0.4])


def test_rendering_summarises_the_neighbours():
    world = make_world("degroot", PATH3, fields={"opinion": np.array([0.1, 0.5, 0.9])})
    obs = world.observe(Batch(np.array([1, 0])))
    text = world.render_observations(obs)
    assert "Your opinion: 0.500." in text[0]
    assert (
        "You listen to 2 people; their opinions: mean 0.500, lowest 0.100, highest 0.900."
        in text[0]
    )
    assert "You listen to 1 people; their opinions: mean 0.500" in text[1]
    assert "Opinions are numbers from 0 to 1." in world.llm_instructions()


def test_rendering_discrete_counts_and_groups():
    world = make_world("majority", PATH3, fields={"opinion": np.array([1, 0, 1])})
    obs = world.observe(Batch(np.array([1]), {"group": np.array([[0, 2]])}))
    (text,) = world.render_observations(obs)
    assert "Your position: 0." in text
    assert "Your discussion group (you first) holds positions: 0, 1, 1." in text
    assert "Of the 2 people you listen to, 2 hold 1." in text
    assert "adopted by the whole group" in world.llm_instructions()


def test_archetype_hooks():
    world = make_world("voter", _ring(), n_states=2)
    assert world.archetype_choices() == ["state_0", "state_1", "keep"]
    obs = world.observe(_first_batch(world))
    feats = world.archetype_features(obs)
    assert set(feats) == {"opinion", "others"}
    choices = np.array(["state_1", "keep"] * (len(obs) // 2) + ["state_0"] * (len(obs) % 2))
    acts = world.archetype_actions(obs, choices)
    expected = np.where(choices == "keep", -1, np.where(choices == "state_1", 1, 0))
    assert acts["opinion"].tolist() == expected.tolist()
    world = make_world("degroot", PATH3, fields={"opinion": np.array([0.1, 0.5, 0.9])})
    obs = world.observe(Batch(np.array([0, 1, 2])))
    acts = world.archetype_actions(obs, np.array(["listen", "keep", "listen"]))
    rule = world.rule_decide(obs, np.random.default_rng(0))["opinion"]
    assert acts["opinion"].tolist() == [rule[0], 0.5, rule[2]]
