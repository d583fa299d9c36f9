"""End-to-end runs of the opinion world: examples, determinism, resume, outputs."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import socium
from socium.core.engine import decode_checkpoint, encode_checkpoint
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "opinion"
MODELS = [
    "degroot",
    "friedkin_johnsen",
    "deffuant",
    "hegselmann_krause",
    "voter",
    "majority",
    "qvoter",
    "sznajd",
]


@pytest.mark.parametrize("model", MODELS)
def test_example_runs(model):
    r = socium.run(EXAMPLES / f"{model}.toml")
    final = r.final
    for key in ("mean", "std", "clusters", "cluster_centers", "consensus", "converged_step"):
        assert key in final
    assert r.summary["run"]["wall_s"] < 20
    assert len(final["cluster_centers"]) == final["clusters"]


def test_friedkin_johnsen_example_reads_per_agent_csv():
    r = socium.run(EXAMPLES / "friedkin_johnsen.toml")
    lam = pd.read_csv(EXAMPLES / "data" / "karate_stubbornness.csv")
    np.testing.assert_allclose(r.agents["stubbornness"].to_numpy(), lam["value"].to_numpy())
    x0 = pd.read_csv(EXAMPLES / "data" / "karate_opinion.csv")["value"].to_numpy()
    np.testing.assert_allclose(r.agents["initial_opinion"].to_numpy(), x0)
    # the two stubborn leaders stay close to their prejudices, on opposite sides
    assert r.agents["opinion"][0] < 0.2 and r.agents["opinion"][33] > 0.8


CASES = [
    ("deffuant", {"epsilon": 0.3}, {"kind": "barabasi_albert", "n": 300, "m": 2}),
    ("voter", {"variant": "edge"}, {"kind": "erdos_renyi", "n": 300, "p": 0.02}),
    ("majority", {"group_size": 5}, {"kind": "watts_strogatz", "n": 300, "k": 6, "p": 0.1}),
    ("qvoter", {"q": 3, "independence": 0.1}, {"kind": "complete", "n": 200}),
    ("sznajd", {}, {"kind": "cycle", "n": 300}),
    ("friedkin_johnsen", {}, {"kind": "karate_club"}),
    ("hegselmann_krause", {"epsilon": 0.1}, {"kind": "erdos_renyi", "n": 300, "p": 0.05}),
]


def config(model, params, network, steps=15):
    return {
        "run": {"steps": steps},
        "network": network,
        "world": {"name": "opinion", "model": model, **params},
    }


@pytest.mark.parametrize(("model", "params", "network"), CASES)
def test_same_seed_same_result(model, params, network):
    cfg = config(model, params, network)
    a = socium.run(cfg, seed=7)
    b = socium.run(cfg, seed=7)
    c = socium.run(cfg, seed=8)
    np.testing.assert_array_equal(a.agents["opinion"], b.agents["opinion"])
    pd.testing.assert_frame_equal(a.metrics, b.metrics)
    assert not np.array_equal(a.agents["initial_opinion"], c.agents["initial_opinion"])


@pytest.mark.parametrize(("model", "params", "network"), CASES)
def test_checkpoint_continuation_is_bit_identical(model, params, network):
    cfg = load_config(config(model, params, network), {"run.seed": 3})
    full = build_simulation(cfg)
    events_full = []
    for _ in range(10):
        events_full.append(full.advance().events)
    half = build_simulation(cfg)
    for _ in range(4):
        half.advance()
    blob = encode_checkpoint(half.get_state())
    resumed = build_simulation(cfg)
    resumed.set_state(decode_checkpoint(blob))
    events_resumed = [resumed.advance().events for _ in range(6)]
    np.testing.assert_array_equal(full.world.x, resumed.world.x)
    for ea, eb in zip(events_full[4:], events_resumed, strict=True):
        assert [len(e) for e in ea] == [len(e) for e in eb]
        for x, y in zip(ea, eb, strict=True):
            np.testing.assert_array_equal(x.agent, y.agent)
            np.testing.assert_array_equal(x.value, y.value)


def test_run_directory_outputs(tmp_path):
    cfg = config("voter", {}, {"kind": "barabasi_albert", "n": 200, "m": 2}, steps=5)
    r = socium.run(cfg, seed=1, out=tmp_path / "run")
    plots = {p.name for p in (tmp_path / "run" / "plots").glob("*.png")}
    assert {"opinion_hist.png", "opinion_mean_std.png"} <= plots
    agents = pd.read_parquet(tmp_path / "run" / "agents.parquet")
    assert list(agents.columns) == ["id", "opinion", "initial_opinion"]
    assert abs(sum(r.final["fractions"]) - 1) < 1e-12
    assert r.final["fraction_1"] == pytest.approx(agents["opinion"].mean())
    metrics = pd.read_csv(tmp_path / "run" / "metrics.csv")
    for col in ("mean", "std", "max_change", "fraction_0", "fraction_1", "active_link_density"):
        assert col in metrics.columns
    again = socium.resume(tmp_path / "run")
    assert again.summary["final"] == r.summary["final"]  # a finished run loads as is


def test_events_report_real_changes():
    net = {"kind": "barabasi_albert", "n": 500, "m": 2}
    cfg = load_config(config("voter", {}, net), {"run.seed": 2})
    sim = build_simulation(cfg)
    before = sim.world.x.copy()
    rec = sim.advance()
    ev = rec.events[0]
    assert ev.kind == "update"
    changed_final = np.flatnonzero(sim.world.x != before)
    assert set(changed_final) <= set(ev.agent.tolist())  # every net change was reported
    # the last event of each agent carries its final state
    last = {}
    for a, v in zip(ev.agent.tolist(), ev.value.tolist(), strict=True):
        last[a] = v
    assert all(sim.world.x[a] == v for a, v in last.items())
    adj = sim.network.in_adjacency
    for a, o in zip(ev.agent[:50].tolist(), ev.other[:50].tolist(), strict=True):
        assert o in adj.indices[adj.indptr[a] : adj.indptr[a + 1]]  # copied an in-neighbour
