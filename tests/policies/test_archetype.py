"""The archetype policy: keys, the call budget, distributions, sampling, fallbacks."""

import json

import numpy as np
import pytest
from policy_helpers import (
    FeedConfig,
    WaveWorld,
    context_with,
    feed_world,
    is_reask,
    observe_all,
    scripted,
)

import socium
from socium.core.actions import ActionParseError
from socium.core.population import Population
from socium.errors import ConfigError
from socium.llm import MockLanguageModel
from socium.policies.archetype import (
    ArchetypePolicy,
    form_groups,
    parse_distribution,
    persona_codes,
)
from socium.policies.config import ArchetypePolicyConfig


def make_policy(model, world, pop=None, seed=0, **cfg):
    ctx = context_with(model, pop if pop is not None else world.population)
    return ArchetypePolicy(world, ArchetypePolicyConfig(**cfg), np.random.default_rng(seed), ctx)


def test_parse_distribution():
    assert parse_distribution('{"a": 20, "b": 60, "c": 20}', ["a", "b", "c"]).tolist() == [
        0.2,
        0.6,
        0.2,
    ]
    assert parse_distribution('{"b": 1}', ["a", "b"]).tolist() == [0.0, 1.0]
    for bad, why in [
        ('{"a": -1, "b": 2}', ">= 0"),
        ('{"a": 0, "b": 0}', "sum to 0"),
        ('{"a": "x"}', "number"),
        ('{"zap": 1}', "not an option"),
        ('{"a": true}', "number"),
        ("nothing", "no JSON"),
    ]:
        with pytest.raises(ActionParseError, match=why):
            parse_distribution(bad, ["a", "b"])


def test_form_groups_by_hand():
    keys = np.array([[0, 0], [0, 1], [0, 1], [1, 0], [1, 1], [1, 1], [1, 1]])
    g = form_groups(keys, 1, 10)
    assert len(g) == 4 and g.sizes.tolist() == [1, 2, 1, 3] and (g.level == 0).all()
    # budget 3: keep the largest full key [1, 1]; regroup the rest by persona: [0, *], [1, *]
    g = form_groups(keys, 1, 3)
    assert g.keys.tolist() == [[1, 1], [0, -1], [1, -1]] and g.sizes.tolist() == [3, 3, 1]
    assert g.inverse.tolist() == [1, 1, 1, 2, 0, 0, 0] and g.level.tolist() == [0, 1, 1]
    # budget 2 and two persona keys alone: one full key plus one coarse group does not fit,
    # so [1, 1] is kept and every other member joins the only persona-free group
    g = form_groups(keys, 0, 2)
    assert g.sizes.tolist() == [3, 4] and g.level.tolist() == [0, 1]
    # persona keys alone over budget: the largest is kept, the rest is "other"
    g = form_groups(np.array([[0], [1], [1], [2], [2], [2]]), 1, 2)
    assert g.sizes.tolist() == [3, 3] and g.level.tolist() == [1, 2]


def test_form_groups_never_exceeds_the_budget():
    rng = np.random.default_rng(3)
    keys = np.stack(
        [rng.integers(0, 7, 5000), rng.integers(0, 9, 5000), rng.integers(0, 3, 5000)], axis=1
    )
    for budget in (1, 2, 5, 8, 40, 100, 200):
        g = form_groups(keys, 1, budget)
        assert len(g) <= budget and g.sizes.sum() == 5000 and (g.sizes > 0).all()
    full = form_groups(keys, 1, 10_000)
    assert len(full) == len({tuple(r) for r in keys.tolist()})


def _population(n):
    role = np.array(["poster", "lurker"])[np.arange(n) % 2]
    return Population(n, personas={"role": role})


def test_groups_by_persona_and_observation_with_one_call_each():
    world = feed_world(40)
    model = scripted(lambda r: json.dumps({"post": 0.0, "like": 1.0, "do_nothing": 0.0}))
    policy = make_policy(model, world, _population(40), key=["role"], observation_bins=2)
    acts = policy.decide(observe_all(world))
    # role (2 values) x mood above/below the median (2 bins) = 4 groups, 4 calls
    assert model.calls == 4
    groups = policy.drain_tables()["archetype_groups"]
    assert sorted(groups["size"].tolist()) == [10, 10, 10, 10]
    keys = [json.loads(k) for k in groups["key"]]
    assert {k["role"] for k in keys} == {"poster", "lurker"}
    assert acts["code"].tolist() == [2] * 40 and acts.sources().tolist() == ["llm"] * 40
    step = policy.step_metrics()
    assert step["archetype_groups"] == 4 and step["archetype_calls_saved"] == 36
    final = policy.final_metrics()
    assert final["archetype_calls_saved"] == 36 and final["archetype_calls_saved_rate"] == 0.9


def test_at_most_max_groups_calls():
    world = feed_world(500)
    model = scripted(lambda r: json.dumps({"post": 1, "like": 1, "do_nothing": 1}))
    pop = Population(500, personas={"tribe": (np.arange(500) % 25).astype(str)})
    policy = make_policy(model, world, pop, key=["tribe"], observation_bins=8, max_groups=7)
    policy.decide(observe_all(world))
    assert model.calls <= 7
    groups = policy.drain_tables()["archetype_groups"]
    assert groups["size"].sum() == 500 and len(groups["size"]) <= 7
    assert "other" in set(groups["level"])


def test_members_sample_from_the_group_distribution():
    n = 20_000
    world = feed_world(n)
    p = {"post": 0.2, "like": 0.5, "do_nothing": 0.3}
    policy = make_policy(
        scripted(lambda r: json.dumps(p)), world, Population(n), features=[], seed=11
    )
    acts = policy.decide(observe_all(world))  # no key: one group
    counts = np.bincount(acts["code"], minlength=3)  # do_nothing, post, like
    expected = n * np.array([p["do_nothing"], p["post"], p["like"]])
    chi2 = float((((counts - expected) ** 2) / expected).sum())
    assert chi2 < 13.8  # chi-square, 2 degrees of freedom, p = 0.001
    assert policy.final_metrics()["llm_calls"] == 1


def test_invalid_distribution_is_reasked_then_falls_back_to_rules():
    world = feed_world(10)

    def fn(r):
        return json.dumps({"post": 1}) if is_reask(r) else '{"post": -1}'

    policy = make_policy(scripted(fn), world, observation_bins=1)
    acts = policy.decide(observe_all(world))
    assert acts["code"].tolist() == [1] * 10 and policy.final_metrics()["llm_reasks"] == 1

    policy = make_policy(
        scripted(lambda r: '{"hack": 1}'), world, observation_bins=1, fallback="rules"
    )
    acts = policy.decide(observe_all(world))
    assert acts["code"].tolist() == [2] * 10 and acts.sources().tolist() == ["fallback"] * 10
    groups = policy.drain_tables()["archetype_groups"]
    assert groups["fallback_reason"].tolist() == ["parse_error"] and groups["attempts"][0] == 2
    final = policy.final_metrics()
    assert final["llm_fallbacks"] == 10 and final["llm_fallbacks_parse_error"] == 10


def test_default_options_are_the_parameter_free_actions():
    world = WaveWorld(FeedConfig(), Population(50), None, np.random.default_rng(0))
    policy = make_policy(
        scripted(lambda r: '{"wave": 1, "do_nothing": 3}'), world, observation_bins=1, seed=2
    )
    assert policy.choices == ["wave", "do_nothing"]
    assert policy.dist_schema["required"] == ["wave", "do_nothing"]
    acts = policy.decide(observe_all(world))
    assert 3 <= int((acts["code"] == 1).sum()) <= 25  # about a quarter wave


def test_parameterised_actions_without_the_hook_are_rejected():
    world = feed_world(4)
    world.archetype_actions = None
    with pytest.raises(ConfigError, match="action 'post' needs parameters"):
        make_policy(MockLanguageModel(), world)


def test_unknown_key_attribute_is_a_config_error():
    with pytest.raises(ConfigError, match=r"policy\.key: unknown persona attribute 'age'"):
        persona_codes(Population(3, personas={"role": np.array(["a", "b", "a"])}), ["age"], 3)
    codes, labels = persona_codes(Population(6, {"income": np.linspace(0, 1, 6)}), ["income"], 3)
    assert codes[:, 0].tolist() == [0, 0, 1, 1, 2, 2] and len(labels[0]) == 3


def test_archetype_runs_on_games_and_opinion():
    games = {
        "population": {"size": 30},
        "run": {"seed": 2, "steps": 3},
        "world": {"name": "games", "pairing": "random"},
        "policy": {"kind": "archetype", "max_groups": 4},
        "llm": {"backend": "mock"},
    }
    run = socium.run(games)
    assert run.final["archetype_members"] == 90 and run.final["llm_calls"] <= 12
    opinion = {
        "network": {"kind": "erdos_renyi", "n": 60, "p": 0.1},
        "run": {"seed": 2, "steps": 2},
        "world": {"name": "opinion", "model": "degroot"},
        "policy": {"kind": "archetype"},
        "llm": {"backend": "mock"},
    }
    run = socium.run(opinion)
    assert run.final["archetype_members"] == 120 and run.final["llm_fallbacks"] == 0
