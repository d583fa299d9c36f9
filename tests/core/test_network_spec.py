"""Tests for socium.core.network_spec: validation errors name the field, specs build networks."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from socium.core.generators import NAMED_GRAPHS
from socium.core.network_spec import (
    NETWORK_KINDS,
    BarabasiAlbertSpec,
    EdgelistSpec,
    ErdosRenyiSpec,
    NamedGraphSpec,
    StochasticBlockSpec,
    WattsStrogatzSpec,
    build_network,
    parse_network_spec,
)

#: one valid config per non-named kind, with the expected (nodes, edges) of the built graph
VALID = {
    "complete": ({"n": 5}, (5, 10)),
    "star": ({"n": 5}, (5, 4)),
    "path": ({"n": 5}, (5, 4)),
    "cycle": ({"n": 5}, (5, 5)),
    "lattice": ({"rows": 2, "cols": 3}, (6, 7)),
    "erdos_renyi": ({"n": 30, "p": 1.0}, (30, 435)),
    "barabasi_albert": ({"n": 30, "m": 2}, (30, 56)),
    "watts_strogatz": ({"n": 30, "k": 4, "p": 0.5}, (30, 60)),
    "stochastic_block": ({"sizes": [2, 3], "p": [[1.0, 0.0], [0.0, 1.0]]}, (5, 4)),
}


def _errors(data):
    with pytest.raises(ValidationError) as info:
        parse_network_spec(data)
    return info.value.errors()


def test_kinds_list_is_complete():
    assert set(VALID) | set(NAMED_GRAPHS) | {"edgelist"} == set(NETWORK_KINDS)
    assert "karate_club" in NETWORK_KINDS
    assert len(NETWORK_KINDS) == len(set(NETWORK_KINDS))


@pytest.mark.parametrize("kind", sorted(VALID))
def test_each_kind_builds(kind):
    params, (n, edges) = VALID[kind]
    spec = parse_network_spec({"kind": kind, **params})
    assert spec.kind == kind
    net = build_network(spec, np.random.default_rng(0))
    assert (net.n, net.num_edges) == (n, edges)
    assert net.name == kind
    assert not net.weighted


def test_raw_mapping_is_accepted_and_weighted_flag_applies():
    net = build_network({"kind": "cycle", "n": 4, "weighted": True}, np.random.default_rng(0))
    assert net.weighted
    assert net.strength().tolist() == [2.0] * 4
    karate = build_network({"kind": "karate_club", "weighted": True}, np.random.default_rng(0))
    assert karate.strength()[0] == pytest.approx(42.0)


def test_named_kinds_parse_to_named_spec():
    spec = parse_network_spec({"kind": "karate_club"})
    assert isinstance(spec, NamedGraphSpec)
    net = build_network(spec, np.random.default_rng(0))
    assert (net.n, net.num_edges, int(net.degree()[0])) == (34, 78, 16)


def test_spec_classes_have_public_names():
    assert isinstance(parse_network_spec({"kind": "erdos_renyi", "n": 3, "p": 0}), ErdosRenyiSpec)
    assert ErdosRenyiSpec(n=10, p=0.5).directed is False
    assert BarabasiAlbertSpec(n=10, m=2).kind == "barabasi_albert"


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"kind": "erdos_renyi", "n": 10, "p": 2}, ("erdos_renyi", "p")),
        ({"kind": "erdos_renyi", "n": 10, "p": -0.1}, ("erdos_renyi", "p")),
        ({"kind": "erdos_renyi", "n": 0, "p": 0.5}, ("erdos_renyi", "n")),
        ({"kind": "complete", "n": 0}, ("complete", "n")),
        ({"kind": "complete", "n": True}, ("complete", "n")),
        ({"kind": "complete", "n": 2.5}, ("complete", "n")),
        ({"kind": "path"}, ("path", "n")),
        ({"kind": "lattice", "rows": 3, "cols": 0}, ("lattice", "cols")),
        ({"kind": "barabasi_albert", "n": 5, "m": 5}, ("barabasi_albert", "m")),
        ({"kind": "barabasi_albert", "n": 5, "m": 0}, ("barabasi_albert", "m")),
        ({"kind": "watts_strogatz", "n": 10, "k": 3, "p": 0.1}, ("watts_strogatz", "k")),
        ({"kind": "watts_strogatz", "n": 10, "k": 10, "p": 0.1}, ("watts_strogatz", "k")),
        ({"kind": "watts_strogatz", "n": 10, "k": 2, "p": 1.1}, ("watts_strogatz", "p")),
        ({"kind": "stochastic_block", "sizes": [], "p": []}, ("stochastic_block", "sizes")),
        (
            {"kind": "stochastic_block", "sizes": [2, 0], "p": [[0, 0], [0, 0]]},
            ("stochastic_block", "sizes", 1),
        ),
        (
            {"kind": "stochastic_block", "sizes": [2, 2], "p": [[0.5, 0.1]]},
            ("stochastic_block", "p"),
        ),
        (
            {"kind": "stochastic_block", "sizes": [2, 2], "p": [[0.5, 0.1], [0.2, 0.5]]},
            ("stochastic_block", "p"),
        ),
        (
            {"kind": "stochastic_block", "sizes": [1], "p": [[1.5]]},
            ("stochastic_block", "p", 0, 0),
        ),
        ({"kind": "edgelist", "path": ""}, ("edgelist", "path")),
        ({"kind": "edgelist", "path": "e.csv", "n": 0}, ("edgelist", "n")),
        ({"kind": "karate_club", "n": 34}, ("karate_club", "n")),
        ({"kind": "erdos_renyi", "n": 10, "p": 0.1, "q": 1}, ("erdos_renyi", "q")),
    ],
)
def test_errors_name_the_field(data, loc):
    locs = [tuple(e["loc"]) for e in _errors(data)]
    assert loc in locs


def test_asymmetric_p_allowed_when_directed():
    spec = parse_network_spec(
        {
            "kind": "stochastic_block",
            "sizes": [2, 2],
            "p": [[0.5, 0.1], [0.2, 0.5]],
            "directed": True,
        }
    )
    assert isinstance(spec, StochasticBlockSpec)
    assert build_network(spec, np.random.default_rng(0)).directed


def test_unknown_or_missing_kind_rejected():
    (err,) = _errors({"kind": "small_world", "n": 10})
    assert err["type"] == "union_tag_invalid"
    assert "kind" in err["msg"] and "small_world" in err["msg"]
    (err,) = _errors({"n": 10})
    assert "kind" in err["msg"]


def test_watts_strogatz_spec_accepts_valid_k():
    assert WattsStrogatzSpec(n=10, k=0, p=0.3).k == 0
    assert WattsStrogatzSpec(n=11, k=10, p=0.3).k == 10


def test_edgelist_relative_path_resolves_against_base_dir(tmp_path):
    (tmp_path / "edges.csv").write_text("source,target,weight\n0,1,2.5\n1,2,1.0\n")
    spec = parse_network_spec({"kind": "edgelist", "path": "edges.csv", "n": 4, "weighted": True})
    assert isinstance(spec, EdgelistSpec)
    net = build_network(spec, np.random.default_rng(0), base_dir=tmp_path)
    assert net.n == 4
    assert not net.directed
    assert net.strength().tolist() == [2.5, 3.5, 1.0, 0.0]
    directed = build_network(
        {"kind": "edgelist", "path": str(tmp_path / "edges.csv"), "directed": True},
        np.random.default_rng(0),
    )
    assert directed.directed and directed.n == 3 and directed.num_edges == 2


def test_edgelist_missing_file_names_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.csv"):
        build_network(
            {"kind": "edgelist", "path": "missing.csv"}, np.random.default_rng(0), tmp_path
        )


def test_build_is_deterministic():
    spec = {"kind": "barabasi_albert", "n": 300, "m": 2}
    a = build_network(spec, np.random.default_rng(5)).adjacency
    b = build_network(spec, np.random.default_rng(5)).adjacency
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)


def test_specs_are_frozen():
    spec = ErdosRenyiSpec(n=10, p=0.5)
    with pytest.raises(ValidationError):
        spec.n = 20
