"""Bad input of every kind: one line that names the field, and nothing half-written."""

import copy

import numpy as np
import pandas as pd
import pytest

import socium
from socium.errors import ConfigError

OPINION = {
    "run": {"seed": 1, "steps": 3},
    "network": {"kind": "erdos_renyi", "n": 40, "p": 0.2},
    "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.2, "mu": 0.5},
}
DIFFUSION = {
    "run": {"seed": 1, "steps": 3},
    "network": {"kind": "barabasi_albert", "n": 40, "m": 2},
    "world": {"name": "diffusion", "model": "sir", "beta": 0.2, "gamma": 0.1},
}


def _set(cfg, dotted, value):
    cfg = copy.deepcopy(cfg)
    node = cfg
    *parents, last = dotted.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    if value is _DELETE:
        node.pop(last)
    else:
        node[last] = value
    return cfg


_DELETE = object()

CASES = [
    # unknown keys
    (OPINION, "run.stepz", 3, "run.stepz"),
    (OPINION, "world.epsilom", 0.1, "world.epsilom"),
    (OPINION, "network.q", 0.1, "network.q"),
    (
        OPINION,
        "population.init.opinion",
        {"dist": "uniform", "lo": 0},
        "population.init.opinion.lo",
    ),
    (OPINION, "extra_section", {}, "extra_section"),
    # wrong types
    (OPINION, "run.steps", "ten", "run.steps"),
    (OPINION, "run.seed", 1.5, "run.seed"),
    (OPINION, "world.epsilon", "wide", "world.epsilon"),
    (OPINION, "network.n", [40], "network.n"),
    (DIFFUSION, "world.seeds", "top", "world.seeds"),
    # out of range
    (OPINION, "run.steps", -1, "run.steps"),
    (OPINION, "run.checkpoint_every", 0, "run.checkpoint_every"),
    (OPINION, "world.epsilon", 0.0, "world.epsilon"),
    (OPINION, "world.mu", 0.7, "world.mu"),
    (OPINION, "network.p", -0.1, "network.p"),
    (OPINION, "network.n", 0, "network.n"),
    (DIFFUSION, "world.beta", 1.5, "world.beta"),
    (DIFFUSION, "world.gamma", -0.5, "world.gamma"),
    (DIFFUSION, "world.seeds", [0, 99], "world.seeds"),
    (DIFFUSION, "network.m", 40, "network.m"),
    # unknown names
    (OPINION, "world.model", "deffuant2", "world.model"),
    (OPINION, "world.name", "opinions", "world.name"),
    (OPINION, "network.kind", "small_world", "network.kind"),
    # missing pieces
    (OPINION, "network", _DELETE, "population.size"),  # no network: a fully mixed population
    (DIFFUSION, "network", _DELETE, "network"),
    (OPINION, "world.name", _DELETE, "world.name"),
    # a key that belongs to another model
    (OPINION, "world.q", 3, "world.q"),
]


@pytest.mark.parametrize(("base", "key", "value", "field"), CASES, ids=[c[1] for c in CASES])
def test_bad_config_names_field_and_writes_nothing(base, key, value, field, tmp_path):
    out = tmp_path / "run"
    with pytest.raises(ConfigError) as info:
        socium.run(_set(base, key, value), out=out)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(field), message
    assert not out.exists()


def test_unknown_key_lists_the_allowed_ones():
    with pytest.raises(ConfigError, match=r"allowed keys: seed, steps, stop_on_convergence"):
        socium.run(_set(OPINION, "run.stepz", 3))


def test_enumeration_error_lists_allowed_values():
    with pytest.raises(ConfigError, match=r"'degroot'.*'sznajd'"):
        socium.run(_set(OPINION, "world.model", "nope"))


def test_missing_edgelist_file(tmp_path):
    cfg = _set(OPINION, "network", {"kind": "edgelist", "path": str(tmp_path / "none.csv")})
    with pytest.raises(ConfigError, match=r"^network: .*none\.csv"):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_empty_edgelist_file(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target\n")
    cfg = _set(OPINION, "network", {"kind": "edgelist", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^network: "):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_edgelist_with_text_ids(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target\nalice,bob\n")
    cfg = _set(OPINION, "network", {"kind": "edgelist", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^network: .*source"):
        socium.run(cfg)


def test_per_agent_values_out_of_range(tmp_path):
    path = tmp_path / "lam.csv"
    pd.DataFrame({"value": np.full(40, 1.5)}).to_csv(path, index=False)
    cfg = _set(OPINION, "world", {"name": "opinion", "model": "friedkin_johnsen"})
    cfg = _set(cfg, "population.init.stubbornness", {"from": "file", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^population\.init\.stubbornness"):
        socium.run(cfg, out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_per_agent_file_of_wrong_length(tmp_path):
    path = tmp_path / "x.csv"
    pd.DataFrame({"value": np.zeros(5)}).to_csv(path, index=False)
    cfg = _set(OPINION, "population.init.opinion", {"from": "file", "path": str(path)})
    with pytest.raises(ConfigError, match=r"^population\.init\.opinion: .*5 values.*40 agents"):
        socium.run(cfg)


def test_malformed_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("world: {name: opinion\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        socium.run(path)


# --- degenerate but valid graphs: they run, and the results say what happened -------------


def _two_cliques(tmp_path, directed=False):
    edges = [(u, v) for u in range(4) for v in range(u + 1, 4)]
    edges += [(u + 4, v + 4) for u, v in edges]
    path = tmp_path / "edges.csv"
    pd.DataFrame(edges, columns=["source", "target"]).to_csv(path, index=False)
    return {"kind": "edgelist", "path": str(path), "directed": directed}


def test_degroot_on_disconnected_graph_gives_one_average_per_component(tmp_path):
    x0 = np.array([0.0, 0.1, 0.2, 0.3, 0.8, 0.9, 1.0, 0.7])
    path = tmp_path / "x0.csv"
    pd.DataFrame({"value": x0}).to_csv(path, index=False)
    cfg = {
        "run": {"steps": 200, "stop_on_convergence": True},
        "network": _two_cliques(tmp_path),
        "population": {"init": {"opinion": {"from": "file", "path": str(path)}}},
        "world": {"name": "opinion", "model": "degroot"},
    }
    run = socium.run(cfg, seed=1)
    # a 4-clique with self weight 1 is regular, so the limit is the plain component mean
    assert run.final["clusters"] == 2
    np.testing.assert_allclose(run.final["cluster_centers"], [0.15, 0.85], atol=1e-6)
    assert run.final["consensus"] is False
    assert run.final["converged_step"] is not None


def test_voter_on_disconnected_graph_freezes_without_consensus(tmp_path):
    cfg = {
        "run": {"steps": 2000, "stop_on_convergence": True},
        "network": _two_cliques(tmp_path),
        "population": {"init": {"opinion": {"dist": "choice", "values": [0, 1]}}},
        "world": {"name": "opinion", "model": "voter"},
    }
    run = socium.run(cfg, seed=4)
    states = run.agents["opinion"].to_numpy()
    assert len(set(states[:4])) == 1 and len(set(states[4:])) == 1  # each clique agrees
    assert run.final["converged_step"] is not None
    assert run.summary["run"]["steps"] == run.final["converged_step"]


def test_epidemic_stays_in_its_component(tmp_path):
    cfg = {
        "run": {"steps": 20},
        "network": _two_cliques(tmp_path),
        "world": {"name": "diffusion", "model": "si", "beta": 1.0, "seeds": [0]},
    }
    run = socium.run(cfg, seed=1)
    assert run.final["spread"] == 0.5
    assert (run.agents["activated_at"].to_numpy()[4:] == -1).all()


def test_graph_with_isolated_nodes_runs(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target\n0,1\n")
    cfg = {
        "run": {"steps": 10},
        "network": {"kind": "edgelist", "path": str(path), "n": 5},
        "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.5},
    }
    run = socium.run(cfg, seed=2)
    x0 = run.agents["initial_opinion"].to_numpy()
    x = run.agents["opinion"].to_numpy()
    np.testing.assert_array_equal(x[2:], x0[2:])  # isolates never change


def test_unknown_network_kind_lists_kinds():
    with pytest.raises(
        ConfigError, match=r"^network\.kind: unknown kind 'ring'; allowed: .*watts_strogatz"
    ):
        socium.run(_set(OPINION, "network", {"kind": "ring", "n": 5}))


def test_event_recording_default_follows_the_world(tmp_path):
    import sqlite3

    base = {"run": {"seed": 1, "steps": 3}, "network": {"kind": "cycle", "n": 50}}
    sync = {**base, "world": {"name": "opinion", "model": "degroot"}}
    seq = {**base, "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.5}}
    counts = {}
    for name, cfg in [
        ("sync", sync),
        ("seq", seq),
        ("sync_forced", {**sync, "record": {"events": True}}),
    ]:
        socium.run(cfg, out=tmp_path / name)
        con = sqlite3.connect(tmp_path / name / "run.sqlite")
        counts[name] = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert counts["sync"] == 0
    assert counts["seq"] > 0
    assert counts["sync_forced"] == 3 * 50  # every agent moves every step
