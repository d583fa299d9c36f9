"""Config validation of the opinion world."""

import numpy as np
import pytest

import socium
from socium.errors import ConfigError
from socium.experiment.config import load_config
from socium.worlds.opinion import MODELS, OpinionWorld

BASE = {"network": {"kind": "complete", "n": 12}, "run": {"steps": 2}}


def run_world(seed=1, population=None, **world):
    cfg = {**BASE, "world": {"name": "opinion", **world}}
    if population is not None:
        cfg["population"] = population
    return socium.run(cfg, seed=seed)


@pytest.mark.parametrize(
    ("world", "field", "fragment"),
    [
        ({"model": "foo"}, "world.model", "'deffuant'"),
        ({"model": "deffuant", "epsilon": 0.0}, "world.epsilon", "greater than 0"),
        ({"model": "hegselmann_krause", "epsilon": -0.1}, "world.epsilon", "greater than 0"),
        ({"model": "deffuant", "mu": 0.6}, "world.mu", "0.5"),
        ({"model": "friedkin_johnsen", "stubbornness": 1.5}, "world.stubbornness", "1"),
        ({"model": "voter", "mu": 0.3}, "world.mu", "not a parameter of model 'voter'"),
        ({"model": "sznajd", "q": 3}, "world.q", "not a parameter of model 'sznajd'"),
        ({"model": "degroot", "epsilon": 0.2}, "world.epsilon", "deffuant, hegselmann_krause"),
        ({"model": "voter", "variant": "link"}, "world.variant", "'node' or 'edge'"),
        ({"model": "majority", "group_size": 4}, "world.group_size", "odd"),
        ({"model": "qvoter", "independence": 1.2}, "world.independence", "1"),
        ({"model": "deffuant", "epsilonn": 0.2}, "world.epsilonn", "unknown key"),
    ],
)
def test_bad_world_config(world, field, fragment):
    with pytest.raises(ConfigError) as info:
        run_world(**world)
    assert info.value.field == field
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_model_lists_all_models():
    with pytest.raises(ConfigError) as info:
        run_world(model="galam")
    for m in MODELS:
        assert m in str(info.value)


def test_per_agent_values_out_of_range():
    bad_lam = {"init": {"stubbornness": {"dist": "uniform", "low": 0.5, "high": 1.5}}}
    with pytest.raises(ConfigError) as info:
        run_world(model="friedkin_johnsen", population=bad_lam)
    assert info.value.field == "population.init.stubbornness"
    bad_eps = {"init": {"confidence": {"dist": "constant", "value": 0.0}}}
    with pytest.raises(ConfigError) as info:
        run_world(model="deffuant", population=bad_eps)
    assert info.value.field == "population.init.confidence"
    bad_state = {"init": {"opinion": {"dist": "choice", "values": [0, 1, 2]}}}
    with pytest.raises(ConfigError) as info:
        run_world(model="voter", population=bad_state)
    assert info.value.field == "population.init.opinion"
    assert "0..1" in str(info.value)


def test_written_config_keeps_only_model_params_and_round_trips():
    cfg = load_config({**BASE, "world": {"name": "opinion", "model": "voter", "variant": "edge"}})
    world = cfg.to_dict()["world"]
    assert world == {"name": "opinion", "model": "voter", "variant": "edge", "n_states": 2}
    again = load_config({**BASE, "world": world})  # what resume reads back must validate
    assert again.world == cfg.world


def test_describe_lists_models_metrics_and_keys():
    d = OpinionWorld.describe()
    assert d["models"] == list(MODELS)
    for key in ("mean", "std", "clusters", "cluster_centers", "consensus", "fractions"):
        assert key in d["metrics"]
    for key in ("model", "epsilon", "mu", "variant", "q", "independence", "group_size"):
        assert key in d["config"]


def test_defaults_fill_population_fields():
    r = run_world(model="qvoter", n_states=3)
    assert set(np.unique(r.agents["initial_opinion"])) <= {0, 1, 2}
    r = run_world(model="friedkin_johnsen")
    assert np.all(r.agents["stubbornness"] == 0.5)
