"""Tests for socium.metrics.network: hand-worked graphs and networkx cross-checks."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import socium.metrics as metrics
from socium.metrics import network as netmod
from socium.metrics.network import (
    clustering_coefficient,
    degree_assortativity,
    degree_stats,
    friendship_paradox,
)


class FakeNetwork:
    """Duck-typed stand-in for socium.core.network.Network."""

    def __init__(self, adjacency, directed: bool):
        self.adjacency = sp.csr_array(adjacency)
        self.directed = directed
        self.n = self.adjacency.shape[0]

    def degree(self):
        return np.diff(self.adjacency.indptr)


def _expected_fp(mean_k, edge, node, frac):
    return {
        "mean_degree": mean_k,
        "mean_neighbor_degree_edge": edge,
        "mean_neighbor_degree_node": node,
        "fraction_paradox": frac,
    }


def _assert_fp(got, expected):
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key


# --------------------------------------------------------------------------- friendship paradox


@pytest.mark.parametrize("leaves", [1, 2, 3, 5, 10, 50])
def test_friendship_paradox_star_closed_form(leaves):
    # Hub of degree L, L leaves of degree 1, N = L + 1 nodes.
    # <k> = 2L/(L+1); <k^2> = (L^2 + L)/(L+1) = L; <k^2>/<k> = (L+1)/2.
    # knn(hub) = 1, knn(leaf) = L -> node mean (1 + L*L)/(L+1).
    # Paradox: every leaf (1 < L) when L > 1; for L = 1 (a single edge) nobody.
    fp = friendship_paradox(nx.star_graph(leaves))
    expected = _expected_fp(
        2 * leaves / (leaves + 1),
        (leaves + 1) / 2,
        (1 + leaves * leaves) / (leaves + 1),
        leaves / (leaves + 1) if leaves > 1 else 0.0,
    )
    _assert_fp(fp, expected)
    assert fp["n"] == leaves + 1
    assert fp["isolates"] == 0


def test_friendship_paradox_path_of_three():
    # degrees 1, 2, 1: <k> = 4/3, <k^2> = 2, ratio 3/2; knn = 2, 1, 2 -> 5/3; 2 of 3 paradoxical
    _assert_fp(friendship_paradox(nx.path_graph(3)), _expected_fp(4 / 3, 1.5, 5 / 3, 2 / 3))


def test_friendship_paradox_triangle_has_no_paradox():
    _assert_fp(friendship_paradox(nx.complete_graph(3)), _expected_fp(2.0, 2.0, 2.0, 0.0))


def test_friendship_paradox_regular_graph_edge_mean_equals_mean():
    fp = friendship_paradox(nx.cycle_graph(7))
    assert fp["mean_neighbor_degree_edge"] == fp["mean_degree"] == 2.0
    assert fp["fraction_paradox"] == 0.0


def test_friendship_paradox_isolates_excluded_from_node_averages_only():
    g = nx.path_graph(3)
    g.add_nodes_from([3, 4])
    fp = friendship_paradox(g)
    # <k> = 4/5, <k^2> = 6/5 -> ratio 3/2; node averages over the 3 non-isolates as for P3
    _assert_fp(fp, _expected_fp(4 / 5, 1.5, 5 / 3, 2 / 3))
    assert fp["isolates"] == 2
    assert fp["n"] == 5


def test_friendship_paradox_no_edges_gives_zero_and_nan():
    fp = friendship_paradox(nx.empty_graph(4))
    assert fp["mean_degree"] == 0.0
    assert fp["isolates"] == 4
    for key in ("mean_neighbor_degree_edge", "mean_neighbor_degree_node", "fraction_paradox"):
        assert math.isnan(fp[key])


def test_friendship_paradox_empty_graph_raises():
    with pytest.raises(ValueError, match="at least one node"):
        friendship_paradox(nx.Graph())
    with pytest.raises(ValueError, match="at least one node"):
        friendship_paradox(sp.csr_array((0, 0)))


def test_friendship_paradox_karate_matches_networkx_loop():
    g = nx.karate_club_graph()  # carries edge weights, which must be ignored by default
    deg = dict(g.degree())
    k = np.array([deg[v] for v in g], dtype=float)
    knn = np.array([np.mean([deg[u] for u in g[v]]) for v in g])
    expected = _expected_fp(k.mean(), (k**2).sum() / k.sum(), knn.mean(), np.mean(k < knn))
    fp = friendship_paradox(g)
    _assert_fp(fp, expected)
    assert fp["mean_degree"] == pytest.approx(2 * 78 / 34)
    assert fp["n"] == 34


def test_friendship_paradox_karate_weighted_uses_strengths():
    g = nx.karate_club_graph()
    s = dict(g.degree(weight="weight"))
    strength = np.array([s[v] for v in g], dtype=float)
    knn = np.array(
        [sum(d["weight"] * s[u] for u, d in g[v].items()) / s[v] for v in g], dtype=float
    )
    expected = _expected_fp(
        strength.mean(),
        (strength**2).sum() / strength.sum(),
        knn.mean(),
        np.mean(strength < knn),
    )
    got = friendship_paradox(g, weighted=True)
    _assert_fp(got, expected)
    assert got["mean_degree"] != pytest.approx(friendship_paradox(g)["mean_degree"])


def test_friendship_paradox_feld_identity_on_random_graph():
    g = nx.gnp_random_graph(300, 0.03, seed=7)
    k = np.array([d for _, d in g.degree()], dtype=float)
    fp = friendship_paradox(g)
    # <k^2>/<k> = <k> + var(k)/<k>
    assert fp["mean_neighbor_degree_edge"] == pytest.approx(k.mean() + k.var() / k.mean())
    assert fp["mean_neighbor_degree_edge"] > fp["mean_degree"]


def test_friendship_paradox_input_forms_agree():
    g = nx.barabasi_albert_graph(60, 2, seed=3)
    a = nx.to_scipy_sparse_array(g, format="csr")
    ref = friendship_paradox(g)
    for form in (a, sp.csr_matrix(a), a.toarray(), FakeNetwork(a, directed=False)):
        assert friendship_paradox(form) == pytest.approx(ref)


def test_friendship_paradox_directed_is_symmetrized():
    # 0 <-> 1 reciprocated (counted once), 2 -> 1: undirected path 0 - 1 - 2
    d = nx.DiGraph([(0, 1), (1, 0), (2, 1)])
    _assert_fp(friendship_paradox(d), _expected_fp(4 / 3, 1.5, 5 / 3, 2 / 3))
    a = nx.to_scipy_sparse_array(d, format="csr")
    _assert_fp(friendship_paradox(a), _expected_fp(4 / 3, 1.5, 5 / 3, 2 / 3))
    _assert_fp(
        friendship_paradox(FakeNetwork(a, directed=True)), _expected_fp(4 / 3, 1.5, 5 / 3, 2 / 3)
    )


def test_self_loops_and_parallel_edges_are_ignored():
    m = nx.MultiGraph([(0, 1), (1, 2), (2, 0), (0, 1)])
    m.add_edge(2, 2)
    _assert_fp(friendship_paradox(m), _expected_fp(2.0, 2.0, 2.0, 0.0))
    assert clustering_coefficient(m) == 1.0


def test_bad_graph_inputs():
    with pytest.raises(TypeError, match="graph must be"):
        friendship_paradox([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="square"):
        friendship_paradox(sp.csr_array(np.ones((2, 3))))


# --------------------------------------------------------------------------- assortativity


def test_assortativity_path_of_four_hand_worked():
    # Edge-end degree pairs (both orientations): (1,2),(2,1),(2,2),(2,2),(2,1),(1,2)
    # mean 5/3; cov sum = 4*(-2/3)(1/3) + 2*(1/3)^2 = -6/9; var sum = 2*(4/9) + 4*(1/9) = 12/9
    assert degree_assortativity(nx.path_graph(4)) == pytest.approx(-0.5)


def test_assortativity_star_is_minus_one_and_regular_is_nan():
    assert degree_assortativity(nx.star_graph(6)) == pytest.approx(-1.0)
    assert math.isnan(degree_assortativity(nx.cycle_graph(5)))
    assert math.isnan(degree_assortativity(nx.empty_graph(3)))


@pytest.mark.parametrize(
    "graph",
    [
        nx.karate_club_graph(),
        nx.barabasi_albert_graph(400, 3, seed=1),
        nx.watts_strogatz_graph(300, 6, 0.2, seed=2),
        nx.gnp_random_graph(200, 0.05, seed=4, directed=True),
    ],
    ids=["karate", "ba", "ws", "directed_gnp"],
)
def test_assortativity_matches_networkx(graph):
    expected = nx.degree_assortativity_coefficient(graph)
    assert degree_assortativity(graph) == pytest.approx(expected, abs=1e-10)


# --------------------------------------------------------------------------- degree stats


def test_degree_stats_star_hand_worked():
    # degrees 4,1,1,1,1: mean 8/5, max 4, min 1, Gini = 2*30/(5*8) - 6/5 = 0.3
    st = degree_stats(nx.star_graph(4))
    assert st["n"] == 5
    assert st["mean"] == pytest.approx(1.6)
    assert st["max"] == 4.0
    assert st["min"] == 1.0
    assert st["std"] == pytest.approx(np.std([4, 1, 1, 1, 1]))
    assert st["gini"] == pytest.approx(0.3)


def test_degree_stats_regular_gini_zero_and_no_edges_nan():
    assert degree_stats(nx.cycle_graph(6))["gini"] == 0.0
    assert math.isnan(degree_stats(nx.empty_graph(3))["gini"])


def test_degree_stats_directed_modes():
    d = nx.DiGraph([(0, 1), (0, 2)])  # out [2,0,0], in [0,1,1], total [2,1,1]
    assert degree_stats(d, mode="out")["max"] == 2.0
    assert degree_stats(d, mode="in")["mean"] == pytest.approx(2 / 3)
    assert degree_stats(d)["mean"] == pytest.approx(4 / 3)
    with pytest.raises(ValueError, match="mode must be one of"):
        degree_stats(d, mode="both")


def test_degree_stats_weighted():
    g = nx.Graph()
    g.add_edge(0, 1, weight=3.0)
    g.add_edge(1, 2, weight=1.0)
    assert degree_stats(g)["max"] == 2.0
    assert degree_stats(g, weighted=True)["max"] == 4.0


# --------------------------------------------------------------------------- transitivity


def test_transitivity_hand_worked_triangle_with_pendant():
    # 1 triangle; triples per centre: C(2,2)+C(2,2)+C(3,2)+0 = 5 -> T = 3/5
    g = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    assert clustering_coefficient(g) == pytest.approx(3 / 5)


def test_transitivity_extremes():
    assert clustering_coefficient(nx.complete_graph(6)) == pytest.approx(1.0)
    assert clustering_coefficient(nx.balanced_tree(2, 4)) == 0.0
    assert clustering_coefficient(nx.empty_graph(5)) == 0.0


@pytest.mark.parametrize(
    "graph",
    [
        nx.karate_club_graph(),
        nx.watts_strogatz_graph(500, 8, 0.1, seed=5),
        nx.barabasi_albert_graph(1000, 4, seed=6),
        nx.powerlaw_cluster_graph(800, 3, 0.5, seed=8),
    ],
    ids=["karate", "ws", "ba", "powerlaw_cluster"],
)
def test_transitivity_matches_networkx(graph):
    assert clustering_coefficient(graph) == pytest.approx(nx.transitivity(graph), rel=1e-12)


def test_transitivity_chunked_counting_matches(monkeypatch):
    g = nx.powerlaw_cluster_graph(600, 4, 0.6, seed=9)
    expected = nx.transitivity(g)
    monkeypatch.setattr(netmod, "_TRIANGLE_CHUNK_WORK", 50)
    assert clustering_coefficient(g) == pytest.approx(expected, rel=1e-12)


def test_transitivity_directed_graph_is_symmetrized():
    d = nx.DiGraph([(0, 1), (1, 2), (2, 0), (2, 3)])
    assert clustering_coefficient(d) == pytest.approx(3 / 5)


def test_reexported_from_package():
    assert metrics.friendship_paradox is friendship_paradox
    assert set(netmod.__all__) <= set(metrics.__all__)


def test_real_network_class_is_accepted():
    network_mod = pytest.importorskip("socium.core.network")
    g = nx.karate_club_graph()
    a = nx.to_scipy_sparse_array(g, format="csr")
    net = network_mod.Network(a, directed=False)
    assert friendship_paradox(net) == pytest.approx(friendship_paradox(g))
    assert clustering_coefficient(net) == pytest.approx(nx.transitivity(g))
    d = nx.gnp_random_graph(80, 0.08, seed=12, directed=True)
    dnet = network_mod.Network(nx.to_scipy_sparse_array(d, format="csr"), directed=True)
    assert degree_assortativity(dnet) == pytest.approx(nx.degree_assortativity_coefficient(d))
