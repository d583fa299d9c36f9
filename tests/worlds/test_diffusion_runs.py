"""Whole runs of the diffusion world: determinism, checkpoints, outputs, examples, plots."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import socium
from socium.core.engine import decode_checkpoint, encode_checkpoint
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "diffusion"
MODELS = ["independent_cascade", "linear_threshold", "si", "sis", "sir"]
PARAMS = {
    "independent_cascade": {"p": 0.2},
    "linear_threshold": {},
    "si": {"beta": 0.1},
    "sis": {"beta": 0.15, "gamma": 0.3},
    "sir": {"beta": 0.2, "gamma": 0.2},
}


def config(model: str, seed: int = 5, n: int = 3000) -> dict:
    low_thresholds = {"threshold": {"dist": "uniform", "low": 0.0, "high": 0.4}}
    return {
        "run": {"seed": seed, "steps": 40},
        "population": {"init": low_thresholds if model == "linear_threshold" else {}},
        "network": {"kind": "barabasi_albert", "n": n, "m": 2},
        "world": {
            "name": "diffusion",
            "model": model,
            "seeds": {"method": "random", "k": 5},
            **PARAMS[model],
        },
    }


def trace(sim, steps: int) -> list:
    """Events of ``steps`` steps as plain tuples."""
    out = []
    for _ in range(steps):
        rec = sim.advance()
        out.append(
            (
                rec.step,
                [
                    (e.kind, e.agent.tolist(), e.other.tolist(), e.value.tolist())
                    for e in rec.events
                ],
                rec.metrics,
            )
        )
    return out


@pytest.mark.parametrize("model", MODELS)
def test_same_seed_same_run(model):
    a = build_simulation(load_config(config(model)))
    b = build_simulation(load_config(config(model)))
    ta, tb = trace(a, 25), trace(b, 25)
    assert ta == tb
    n_events = sum(len(agents) for _, events, _ in ta for _, agents, _, _ in events)
    assert n_events > 20  # something happened
    for key in ("state", "activated_at", "parent"):
        assert np.array_equal(a.world.agent_table()[key], b.world.agent_table()[key])
    c = build_simulation(load_config(config(model, seed=6)))
    tc = trace(c, 25)
    assert tc != ta


@pytest.mark.parametrize("model", MODELS)
def test_checkpoint_mid_run_continues_identically(model):
    full = build_simulation(load_config(config(model)))
    trace(full, 6)
    blob = encode_checkpoint(full.get_state())
    rest_full = trace(full, 19)

    resumed = build_simulation(load_config(config(model)))
    resumed.set_state(decode_checkpoint(blob))
    rest_resumed = trace(resumed, 19)
    assert rest_resumed == rest_full
    for key in ("state", "activated_at", "parent"):
        assert np.array_equal(full.world.agent_table()[key], resumed.world.agent_table()[key])
    fa, fb = full.world.final_metrics(), resumed.world.final_metrics()
    assert fa.keys() == fb.keys()
    for key in fa:
        assert np.array_equal(np.asarray(fa[key]), np.asarray(fb[key]), equal_nan=True), key


def test_resume_from_run_directory(tmp_path):
    cfg = config("sir")
    cfg["run"].update(steps=30, checkpoint_every=7)
    cfg["record"] = {"plots": False}
    whole = socium.run(cfg, out=tmp_path / "whole")
    # simulate a crash: run with a progress callback that stops after step 17
    broken = tmp_path / "broken"

    class Stop(Exception):
        pass

    def stop(step):
        if step == 17:
            raise Stop

    with pytest.raises(Stop):
        socium.run(cfg, out=broken, progress=stop)
    resumed = socium.resume(broken)
    assert resumed.final == whole.final
    assert resumed.agents.equals(whole.agents)
    assert resumed.metrics.equals(whole.metrics)


@pytest.mark.parametrize("model", MODELS)
def test_outputs_follow_the_contract(model):
    r = socium.run(config(model), steps=60)
    assert {"id", "state", "activated_at", "parent"} <= set(r.agents.columns)
    act = r.agents["activated_at"].to_numpy()
    f = r.final
    assert f["spread"] == pytest.approx(np.mean(act >= 0))
    assert f["spread_curve"][-1] == pytest.approx(f["spread"])
    assert len(f["spread_curve"]) == r.summary["run"]["steps"] + 1
    assert np.all(np.diff(f["spread_curve"]) >= 0)
    assert f["n_seeds"] == 5 == int(np.sum(act == 0))
    assert f["final_active"] == pytest.approx(np.mean(r.agents["state"] == 1))
    assert f["peak_active"] == pytest.approx(r.metrics["active"].max())
    assert {"active", "ever_active", "new", "susceptible"} <= set(r.metrics.columns)
    assert ("recovered" in r.metrics.columns) == (model == "sir")
    assert set(socium.core.registry.WORLDS.get("diffusion").metric_names()) <= set(f)


def test_stop_on_convergence_for_cascades():
    cfg = config("independent_cascade")
    cfg["run"].update(steps=500, stop_on_convergence=True)
    r = socium.run(cfg)
    steps = r.summary["run"]["steps"]
    assert steps < 500 and r.final["converged_step"] == steps
    # the last step activated nobody, the one before did
    assert r.metrics["new"].iloc[-1] == 0 and r.metrics["new"].iloc[-2] > 0


def test_partial_schedule_only_scheduled_nodes_change():
    # activity schedule: a node that is not scheduled in a step keeps its state in that step
    cfg = config("si")
    cfg["world"]["beta"] = 1.0
    bfs = build_simulation(load_config(cfg))
    cfg["schedule"] = {"kind": "activity", "p": 0.5}
    sim = build_simulation(load_config(cfg))
    for _ in range(10):
        before = sim.world.state.copy()
        peek = np.random.Generator(np.random.PCG64())
        peek.bit_generator.state = sim.rng.stream("schedule").bit_generator.state
        ids = sim.schedule.active(sim.step + 1, peek)
        rec = sim.advance()
        changed = np.flatnonzero(sim.world.state != before)
        newly = np.concatenate([e.agent for e in rec.events if e.kind == "activate"])
        assert np.array_equal(changed, np.sort(newly))
        assert np.isin(changed, ids).all()
        assert 0.3 < ids.size / sim.world.n < 0.7
    trace(bfs, 10)
    # beta = 1 with every node scheduled is a BFS; with half scheduled per step it is slower
    assert sim.world.final_metrics()["spread"] < bfs.world.final_metrics()["spread"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_examples_run_quickly(path):
    start = time.perf_counter()
    r = socium.run(path)
    assert time.perf_counter() - start < 20
    model = load_config(path).world.model
    assert r.summary["run"]["world"] == "diffusion" and r.summary["run"]["n_agents"] == 10000
    assert 0 < r.final["spread"] <= 1
    assert r.final["spread"] > r.final["n_seeds"] / 10000  # it spread beyond the seeds
    assert model in path.stem


def test_all_models_have_an_example():
    assert sorted(p.stem for p in EXAMPLES.glob("*.toml")) == sorted(MODELS)


@pytest.mark.parametrize("model", ["independent_cascade", "sir"])
def test_plots_written(model, tmp_path):
    r = socium.run(config(model), steps=30)
    paths = r.world.plots(r.metrics, tmp_path)
    names = sorted(p.name for p in paths)
    expect = ["spread.png"] + (["cascade_generations.png"] if model != "sir" else [])
    assert names == sorted(expect)
    import matplotlib.image as mpimg

    for p in paths:
        img = mpimg.imread(p)
        assert img.shape[0] > 100 and img.shape[1] > 100
        assert img[..., :3].std() > 0  # not a blank canvas
