import json

import numpy as np
import pytest

import socium
from socium.core.engine import decode_checkpoint, encode_checkpoint
from socium.testing import check_determinism, check_world


def test_checkpoint_roundtrip_nested_state():
    state = {
        "world": {"x": np.arange(5.0), "flags": np.array([True, False]), "n": 3},
        "rng": {"seed": 1, "streams": {"w": {"state": {"state": 2**100, "inc": 5}}}},
        "step": 7,
        "converged_step": None,
    }
    back = decode_checkpoint(encode_checkpoint(state))
    assert np.array_equal(back["world"]["x"], state["world"]["x"])
    assert back["world"]["flags"].dtype == bool
    assert back["rng"]["streams"]["w"]["state"]["state"] == 2**100
    assert back["step"] == 7 and back["converged_step"] is None


def test_checkpoint_rejects_object_arrays():
    with pytest.raises(TypeError, match="object"):
        encode_checkpoint({"x": np.array([{"a": 1}], dtype=object)})


def test_in_memory_run_writes_nothing(walk_world, walk_config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = socium.run(walk_config)
    assert run.dir is None
    assert list(tmp_path.iterdir()) == []
    assert len(run.metrics) == walk_config["run"]["steps"] + 1
    assert list(run.agents.columns) == ["id", "x"]


def test_same_seed_same_result_different_seed_differs(walk_world, walk_config):
    a = socium.run(walk_config)
    b = socium.run(walk_config)
    c = socium.run(walk_config, seed=4)
    assert a.agents.equals(b.agents)
    assert not a.agents.equals(c.agents)


def test_stop_on_convergence_records_step(walk_world, walk_config):
    cfg = dict(walk_config, run={"seed": 3, "steps": 200, "stop_on_convergence": True})
    cfg["world"] = {"name": "test_walk", "sigma": 1.0, "stop_at": 4.0}
    run = socium.run(cfg)
    cs = run.final["converged_step"]
    assert cs is not None and run.summary["run"]["steps"] == cs < 200
    assert len(run.metrics) == cs + 1


def test_conformance_of_test_world(walk_world, walk_config):
    check_world(walk_config, steps=6)
    check_determinism(walk_config, steps=6)


def test_run_directory_contract(walk_world, walk_config, tmp_path):
    out = tmp_path / "r"
    run = socium.run(walk_config, out=out)
    for name in ("config.toml", "run.sqlite", "metrics.csv", "summary.json", "agents.parquet"):
        assert (out / name).exists(), name
    assert (out / "plots" / "metrics.png").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == {"run", "final"}
    assert {"seed", "steps", "wall_s", "version"} <= set(summary["run"])
    assert summary["run"]["seed"] == 3
    assert run.agents["id"].tolist() == list(range(50))


def test_out_dir_not_empty_is_refused(walk_world, walk_config, tmp_path):
    (tmp_path / "junk").write_text("x")
    with pytest.raises(socium.errors.ConfigError, match="not empty"):
        socium.run(walk_config, out=tmp_path)


def test_overrides_and_shortcuts(walk_world, walk_config):
    run = socium.run(walk_config, steps=3, world__sigma=0.1)
    assert run.summary["run"]["steps"] == 3
    assert run.world.config.sigma == 0.1
