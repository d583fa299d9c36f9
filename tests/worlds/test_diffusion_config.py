"""Config of the diffusion world: seeds, model parameters, weights, thresholds; bad input."""

from __future__ import annotations

import numpy as np
import pytest

import socium
from socium.core.network import Network
from socium.core.population import Population
from socium.errors import ConfigError
from socium.experiment.config import load_config
from socium.worlds.diffusion import (
    MODELS,
    DiffusionConfig,
    DiffusionWorld,
    SeedSpec,
    select_seeds,
)
from socium.worlds.diffusion.cascades import IndependentCascade, LinearThreshold
from socium.worlds.diffusion.epidemics import SI, SIR, SIS
from socium.worlds.diffusion.world import MODEL_CLASSES


def world_on(net: Network, seed: int = 0, fields=None, **world) -> DiffusionWorld:
    pop = Population(net.n, fields)
    return DiffusionWorld(DiffusionConfig(**world), pop, net, np.random.default_rng(seed))


def star_and_path() -> Network:
    # 0 is a hub with 3 leaves (1, 2, 3); 4-5-6-7 is a path: degrees 3,1,1,1,1,2,2,1
    return Network.from_edges(8, [0, 0, 0, 4, 5, 6], [1, 2, 3, 5, 6, 7], directed=False)


def base(**world) -> dict:
    return {
        "run": {"seed": 1, "steps": 3},
        "network": {"kind": "path", "n": 6},
        "world": {"name": "diffusion", **world},
    }


# -- seeds ---------------------------------------------------------------------------------------


def test_seed_list_is_used_as_given():
    w = world_on(star_and_path(), model="si", seeds=[6, 2])
    assert w.seeds.tolist() == [2, 6]
    assert w.state.tolist() == [0, 0, 1, 0, 0, 0, 1, 0]
    assert w.activated_at[[2, 6]].tolist() == [0, 0]


def test_top_degree_breaks_ties_by_lowest_id():
    net = star_and_path()
    assert select_seeds(SeedSpec(method="top_degree", k=1), net, None).tolist() == [0]
    # degree 2: nodes 5 and 6; then degree 1: 1, 2, 3, 4, 7 -> lowest ids first
    assert select_seeds(SeedSpec(method="top_degree", k=3), net, None).tolist() == [0, 5, 6]
    assert select_seeds(SeedSpec(method="top_degree", k=5), net, None).tolist() == [0, 1, 2, 5, 6]


def test_top_degree_uses_out_degree_on_directed_graphs():
    # node 3 has in-degree 3 but out-degree 0; node 1 has out-degree 2
    net = Network.from_edges(4, [0, 1, 1, 2], [3, 3, 2, 3], directed=True)
    assert select_seeds(SeedSpec(method="top_degree", k=1), net, None).tolist() == [1]


def test_random_seeds_k_and_fraction():
    net = Network.from_edges(1000, np.arange(999), np.arange(1, 1000), directed=False)
    a = select_seeds(SeedSpec(method="random", k=25), net, np.random.default_rng(3))
    b = select_seeds(SeedSpec(method="random", k=25), net, np.random.default_rng(3))
    c = select_seeds(SeedSpec(method="random", k=25), net, np.random.default_rng(4))
    assert a.size == 25 and np.unique(a).size == 25 and a.min() >= 0 and a.max() < 1000
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    f = select_seeds(SeedSpec(method="random", fraction=0.013), net, np.random.default_rng(0))
    assert f.size == 13
    tiny = select_seeds(SeedSpec(method="random", fraction=0.0001), net, np.random.default_rng(0))
    assert tiny.size == 1  # at least one seed


def test_default_seeds_are_one_percent_at_random():
    cfg = load_config(base(model="sir", beta=0.1, gamma=0.1))
    assert cfg.world.seeds == SeedSpec(method="random", fraction=0.01)
    r = socium.run({**base(), "network": {"kind": "path", "n": 500}}, seed=3)
    assert r.final["n_seeds"] == 5


@pytest.mark.parametrize(
    ("seeds", "message"),
    [
        ([], "empty"),
        ([1, 1], "twice"),
        ([-1], ">= 0"),
        ([6], "out of range"),
        ([0, 99], "out of range"),
        ([0.5], "integers"),
        ("3", "expected a list"),
        ({"method": "random", "k": 7}, "6 nodes"),
        ({"method": "top_degree", "k": 0}, "k"),
        ({"method": "random"}, "exactly one of k or fraction"),
        ({"method": "random", "k": 2, "fraction": 0.5}, "exactly one of k or fraction"),
        ({"method": "random", "fraction": 1.5}, "fraction"),
        ({"method": "central", "k": 2}, "method"),
        ({"method": "random", "k": 2, "extra": 1}, "unknown key 'extra'"),
    ],
)
def test_bad_seeds_are_config_errors_naming_world_seeds(seeds, message):
    with pytest.raises(ConfigError, match=message) as info:
        socium.run(base(model="independent_cascade", seeds=seeds))
    assert info.value.field == "world.seeds"


# -- model parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "key", "value"),
    [
        ("sir", "p", 0.1),
        ("linear_threshold", "p", 0.1),
        ("independent_cascade", "beta", 0.1),
        ("independent_cascade", "gamma", 0.1),
        ("linear_threshold", "beta", 0.2),
        ("si", "gamma", 0.1),
        ("si", "use_weights", True),
        ("sir", "use_weights", False),
    ],
)
def test_parameter_of_another_model_is_rejected(model, key, value):
    with pytest.raises(ConfigError, match=f"does not apply to model '{model}'") as info:
        load_config(base(model=model, **{key: value}))
    assert info.value.field == f"world.{key}"


@pytest.mark.parametrize(
    ("key", "value"), [("p", 1.5), ("p", -0.1), ("beta", 2.0), ("gamma", -1.0)]
)
def test_probabilities_out_of_range(key, value):
    model = "independent_cascade" if key == "p" else "sir"
    with pytest.raises(ConfigError) as info:
        load_config(base(model=model, **{key: value}))
    assert info.value.field == f"world.{key}"


def test_unknown_key_and_model():
    with pytest.raises(ConfigError) as info:
        load_config(base(model="sir", lambda_=0.1))
    assert info.value.field == "world.lambda_"
    with pytest.raises(ConfigError, match="independent_cascade") as info:
        load_config(base(model="seir"))
    assert info.value.field == "world.model"


def test_defaults_and_dump_roundtrip():
    cfg = load_config(base(model="sis"))
    assert (cfg.world.beta_value, cfg.world.gamma_value) == (0.1, 0.1)
    dumped = cfg.to_dict()["world"]
    assert dumped == {
        "name": "diffusion",
        "model": "sis",
        "seeds": {"method": "random", "fraction": 0.01},
    }
    again = load_config({**base(), "world": dumped})
    assert again.world == cfg.world
    assert load_config(base()).world.model == "independent_cascade"
    assert load_config(base()).world.p_value == 0.1


def test_use_weights_needs_a_weighted_network_with_probabilities():
    with pytest.raises(ConfigError, match="unweighted") as info:
        socium.run(base(model="independent_cascade", use_weights=True))
    assert info.value.field == "world.use_weights"
    net = Network.from_edges(3, [0, 1], [1, 2], [0.5, 2.0], directed=True, weighted=True)
    with pytest.raises(ConfigError, match=r"\[0, 1\]") as info:
        world_on(net, model="independent_cascade", use_weights=True, seeds=[0])
    assert info.value.field == "world.use_weights"


def test_edge_weights_replace_p_only_with_use_weights():
    # weights 1.0 along 0 -> 1 -> 2 -> 3: certain with use_weights; p = 0 ignores the weights
    net = Network.from_edges(4, [0, 1, 2], [1, 2, 3], [1.0, 1.0, 1.0], directed=True, weighted=True)
    w = world_on(net, model="independent_cascade", use_weights=True, seeds=[0])
    for _ in range(4):
        w.apply(
            w.rule_decide(w.observe(next(iter(w.batches(np.arange(4))))), np.random.default_rng(0))
        )
        w.end_step(w._t + 1)
    assert w.activated_at.tolist() == [0, 1, 2, 3]
    w = world_on(net, model="independent_cascade", p=0.0, seeds=[0])
    ids = np.arange(4)
    for _ in range(4):
        w.apply(w.rule_decide(w.observe(next(iter(w.batches(ids)))), np.random.default_rng(0)))
        w.end_step(w._t + 1)
    assert w.activated_at.tolist() == [0, -1, -1, -1]


def test_bad_thresholds():
    net = Network.from_edges(3, [0, 1], [1, 2], directed=True)
    with pytest.raises(ConfigError) as info:
        world_on(net, fields={"threshold": [0.5, -0.1, 0.2]}, model="linear_threshold", seeds=[0])
    assert info.value.field == "population.init.threshold"


def test_describe_lists_models_metrics_and_keys():
    d = DiffusionWorld.describe()
    assert d["models"] == ["independent_cascade", "linear_threshold", "si", "sis", "sir"]
    assert {"spread", "spread_curve", "structural_virality", "n_seeds"} <= set(d["metrics"])
    assert {"model", "p", "beta", "gamma", "seeds", "use_weights"} == set(d["config"])


def test_each_model_name_builds_its_model_class():
    expected = {
        "independent_cascade": IndependentCascade,
        "linear_threshold": LinearThreshold,
        "si": SI,
        "sis": SIS,
        "sir": SIR,
    }
    assert expected == MODEL_CLASSES and list(MODEL_CLASSES) == list(MODELS)
    net = star_and_path()
    for name, cls in expected.items():
        assert type(world_on(net, model=name, seeds=[0]).dynamics) is cls
