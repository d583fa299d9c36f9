"""Bad input: every error is one line naming the field; nothing is written."""

import pytest

import socium
from socium.errors import ConfigError
from socium.experiment.config import apply_overrides, load_config, parse_override


def _err(cfg) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(cfg)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


BASE = {
    "network": {"kind": "erdos_renyi", "n": 30, "p": 0.2},
    "world": {"name": "opinion", "model": "deffuant"},
}


def test_unknown_top_level_key():
    msg = _err({**BASE, "wrold": {}})
    assert msg.startswith("wrold: unknown key") and "world" in msg


def test_unknown_world_key_lists_allowed():
    msg = _err({**BASE, "world": {"name": "opinion", "model": "deffuant", "epsilonn": 0.2}})
    assert msg.startswith("world.epsilonn: unknown key") and "epsilon" in msg


def test_unknown_world_name():
    msg = _err({**BASE, "world": {"name": "nope"}})
    assert msg.startswith("world.name") and "opinion" in msg


def test_wrong_type_names_field():
    msg = _err({**BASE, "run": {"steps": "many"}})
    assert msg.startswith("run.steps:") and "'many'" in msg


def test_out_of_range_network_param():
    msg = _err({**BASE, "network": {"kind": "erdos_renyi", "n": 30, "p": 1.5}})
    assert msg.startswith("network.p:")


def test_unknown_network_kind_lists_kinds():
    msg = _err({**BASE, "network": {"kind": "smallworld", "n": 3}})
    assert msg.startswith("network") and "watts_strogatz" in msg


def test_bad_init_distribution():
    cfg = {**BASE, "population": {"init": {"opinion": {"dist": "uniform", "low": 1, "high": 0}}}}
    msg = _err(cfg)
    assert msg.startswith("population.init.opinion") and "high" in msg


def test_unknown_init_dist():
    cfg = {**BASE, "population": {"init": {"opinion": {"dist": "cauchy"}}}}
    assert _err(cfg).startswith("population.init.opinion")


def test_missing_world_section():
    assert _err({"network": BASE["network"]}).startswith("world:")


def test_malformed_toml(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[run\nsteps = 3")
    msg = _err(p)
    assert "invalid TOML" in msg


def test_missing_config_file(tmp_path):
    assert "file not found" in _err(tmp_path / "nope.toml")


def test_yaml_config(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("network: {kind: complete, n: 5}\nworld: {name: opinion, model: degroot}\n")
    cfg = load_config(p)
    assert cfg.world_name == "opinion"


def test_missing_per_agent_file_writes_nothing(tmp_path):
    cfg = {
        **BASE,
        "population": {"init": {"opinion": {"from": "file", "path": str(tmp_path / "x.csv")}}},
    }
    with pytest.raises(ConfigError, match=r"^population\.init\.opinion: .*not found"):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_size_mismatch(tmp_path):
    cfg = {**BASE, "population": {"size": 10}}
    with pytest.raises(ConfigError, match=r"^population\.size: is 10 but the network has 30"):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_parse_override_types():
    assert parse_override("a.b=3") == ("a.b", 3)
    assert parse_override("a.b=true") == ("a.b", True)
    assert parse_override("a.b=[1, 2]") == ("a.b", [1, 2])
    assert parse_override("a.b=hello") == ("a.b", "hello")
    with pytest.raises(ConfigError, match="--set"):
        parse_override("novalue")


def test_apply_overrides_does_not_mutate():
    base = {"world": {"name": "x"}}
    out = apply_overrides(base, {"world.epsilon": 0.1, "run.steps": 4})
    assert base == {"world": {"name": "x"}}
    assert out == {"world": {"name": "x", "epsilon": 0.1}, "run": {"steps": 4}}
