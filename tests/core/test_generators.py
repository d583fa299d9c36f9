"""Tests for socium.core.generators: closed forms, hand-checked graphs and determinism."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from socium.core import generators as gen
from socium.core.generators import _pair_from_index
from socium.core.network import Network


def _assert_simple_undirected(net: Network) -> None:
    adj = net.adjacency
    assert (adj != adj.T).nnz == 0, "adjacency must be symmetric"
    assert np.count_nonzero(adj.diagonal()) == 0, "no self-loops"
    assert set(adj.data.tolist()) <= {1.0}, "no merged multi-edges"
    assert adj.has_sorted_indices


# ---------------------------------------------------------------------- deterministic graphs
@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
def test_complete(n):
    net = gen.complete(n)
    assert net.num_edges == n * (n - 1) // 2
    assert net.degree().tolist() == [n - 1] * n
    assert net.complete
    _assert_simple_undirected(net)


def test_complete_too_large_is_refused():
    with pytest.raises(ValueError, match="n=50000"):
        gen.complete(50_000)


def test_star_path_cycle_by_hand():
    assert gen.star(5).degree().tolist() == [4, 1, 1, 1, 1]
    assert gen.star(5).neighbors(0).tolist() == [1, 2, 3, 4]
    assert gen.star(1).num_edges == 0
    assert gen.path(4).degree().tolist() == [1, 2, 2, 1]
    assert gen.path(4).num_edges == 3
    assert gen.path(1).num_edges == 0
    cyc = gen.cycle(5)
    assert cyc.degree().tolist() == [2] * 5
    assert cyc.num_edges == 5
    assert cyc.neighbors(0).tolist() == [1, 4]
    assert gen.cycle(2).num_edges == 1  # degenerates to a path
    for net in (gen.star(6), gen.path(6), cyc):
        _assert_simple_undirected(net)
        assert net.is_connected()


def test_lattice_open_by_hand():
    # 3 x 4 grid:  0  1  2  3
    #              4  5  6  7
    #              8  9 10 11
    net = gen.lattice(3, 4)
    assert net.num_edges == 3 * 3 + 4 * 2
    assert net.degree().tolist() == [2, 3, 3, 2, 3, 4, 4, 3, 2, 3, 3, 2]
    assert net.neighbors(5).tolist() == [1, 4, 6, 9]
    _assert_simple_undirected(net)


def test_lattice_periodic():
    torus = gen.lattice(3, 4, periodic=True)
    assert torus.num_edges == 2 * 3 * 4
    assert torus.degree().tolist() == [4] * 12
    assert torus.neighbors(0).tolist() == [1, 3, 4, 8]
    # rows = 2: no vertical wrap (it would duplicate the vertical edges)
    narrow = gen.lattice(2, 3, periodic=True)
    assert narrow.degree().tolist() == [3] * 6
    _assert_simple_undirected(narrow)


def test_deterministic_generators_validate_input():
    with pytest.raises(ValueError, match="n must be"):
        gen.path(0)
    with pytest.raises(ValueError, match="cols"):
        gen.lattice(2, 0)
    with pytest.raises(ValueError, match="n must be"):
        gen.star(2.5)


# ---------------------------------------------------------------------- Erdős–Rényi
def test_pair_index_decoding_is_a_bijection():
    n = 40
    k = np.arange(n * (n - 1) // 2)
    i, j = _pair_from_index(k)
    assert np.all(i > j) and np.all(j >= 0) and np.all(i < n)
    assert len(set(zip(i.tolist(), j.tolist(), strict=True))) == k.size
    big = 10_000_000
    last = np.array([big * (big - 1) // 2 - 1, big * (big - 1) // 2 - big + 1])
    i, j = _pair_from_index(last)
    assert i.tolist() == [big - 1, big - 1] and j.tolist() == [big - 2, 0]


@pytest.mark.parametrize("directed", [False, True])
def test_erdos_renyi_edge_count_in_binomial_band(directed):
    n, p = 2000, 0.004
    pairs = n * (n - 1) if directed else n * (n - 1) // 2
    mean, sd = pairs * p, np.sqrt(pairs * p * (1 - p))
    for seed in range(3):
        net = gen.erdos_renyi(n, p, directed, rng=np.random.default_rng(seed))
        assert net.directed == directed
        assert abs(net.num_edges - mean) < 5 * sd
        assert np.count_nonzero(net.adjacency.diagonal()) == 0
        if not directed:
            _assert_simple_undirected(net)


def test_erdos_renyi_degrees_are_binomial():
    n, p = 20_000, 5e-4
    deg = gen.erdos_renyi(n, p, rng=np.random.default_rng(3)).degree()
    # Degree ~ Binomial(n - 1, p): mean 9.9995, variance ~ 9.995
    assert abs(deg.mean() - (n - 1) * p) < 0.1
    assert abs(deg.var() - (n - 1) * p * (1 - p)) < 0.6


def test_erdos_renyi_extremes_and_scale():
    rng = np.random.default_rng(0)
    assert gen.erdos_renyi(50, 0.0, rng=rng).num_edges == 0
    assert gen.erdos_renyi(50, 1.0, rng=rng).num_edges == 50 * 49 // 2
    assert gen.erdos_renyi(20, 1.0, True, rng=rng).num_edges == 20 * 19
    big = gen.erdos_renyi(1_000_000, 1e-5, rng=rng)
    assert abs(big.num_edges - 5e6) < 5 * np.sqrt(5e6)
    assert big.adjacency.indices.dtype == np.int32


def test_erdos_renyi_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="p must be"):
        gen.erdos_renyi(10, 1.5, rng=rng)
    with pytest.raises(ValueError, match="rng"):
        gen.erdos_renyi(10, 0.5, rng=42)


# ---------------------------------------------------------------------- Barabási–Albert
@pytest.mark.parametrize(("n", "m"), [(2, 1), (10, 1), (50, 3), (100, 7), (60, 59)])
def test_barabasi_albert_exact_edge_count(n, m):
    net = gen.barabasi_albert(n, m, rng=np.random.default_rng(n + m))
    assert net.num_edges == m * (n - m)
    _assert_simple_undirected(net)
    assert net.is_connected()
    # every node added after the seed star has degree >= m
    assert net.degree()[m + 1 :].min(initial=m) >= m


def test_barabasi_albert_m1_is_a_tree():
    net = gen.barabasi_albert(500, 1, rng=np.random.default_rng(0))
    assert net.num_edges == 499
    assert net.is_connected()


def test_barabasi_albert_degree_distribution():
    n, m = 200_000, 3
    deg = gen.barabasi_albert(n, m, rng=np.random.default_rng(11)).degree()
    # Bollobás et al.: P(k) = 2 m (m + 1) / (k (k + 1) (k + 2)) for k >= m
    for k in (3, 4, 5, 6):
        expected = 2 * m * (m + 1) / (k * (k + 1) * (k + 2))
        assert abs(np.mean(deg == k) - expected) < 0.01, k
    # tail exponent (discrete power-law MLE, Clauset et al. 2009) close to 3
    kmin = 20
    tail = deg[deg >= kmin]
    alpha = 1 + tail.size / np.log(tail / (kmin - 0.5)).sum()
    assert 2.75 < alpha < 3.25
    # far heavier tail than an Erdős–Rényi graph with the same mean degree (about 20 there)
    er = gen.erdos_renyi(n, 2 * m / (n - 1), rng=np.random.default_rng(11)).degree()
    assert deg.max() > 10 * er.max()


def test_barabasi_albert_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="m must"):
        gen.barabasi_albert(5, 5, rng=rng)
    with pytest.raises(ValueError, match="m must"):
        gen.barabasi_albert(5, 0, rng=rng)


# ---------------------------------------------------------------------- Watts–Strogatz
def test_watts_strogatz_p0_is_the_ring_lattice():
    n, k = 12, 4
    net = gen.watts_strogatz(n, k, 0.0, rng=np.random.default_rng(0))
    assert net.degree().tolist() == [k] * n
    assert net.num_edges == n * k // 2
    for i in range(n):
        expected = sorted({(i + d) % n for d in (-2, -1, 1, 2)})
        assert net.neighbors(i).tolist() == expected


@pytest.mark.parametrize(("n", "k"), [(1000, 10), (30, 6), (9, 6), (50, 46), (7, 6)])
def test_watts_strogatz_rewiring_keeps_edge_count(n, k):
    for p in (0.3, 1.0):
        net = gen.watts_strogatz(n, k, p, rng=np.random.default_rng(1))
        assert net.num_edges == n * k // 2
        _assert_simple_undirected(net)
        assert net.degree().min() >= k // 2  # each node keeps its near ends


def test_watts_strogatz_rewired_fraction():
    n, k, p = 20_000, 10, 0.2
    net = gen.watts_strogatz(n, k, p, rng=np.random.default_rng(2))
    src, dst = net.edges()
    ring_dist = np.minimum((dst - src) % n, (src - dst) % n)
    e = n * k // 2
    # an edge stays a ring edge iff it is not rewired (a rewired end lands on a ring
    # neighbour with probability ~k/n, negligible here)
    frac = np.mean(ring_dist <= k // 2)
    assert abs(frac - (1 - p)) < 5 * np.sqrt(p * (1 - p) / e) + k / n


def test_watts_strogatz_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="k must be even"):
        gen.watts_strogatz(10, 3, 0.1, rng=rng)
    with pytest.raises(ValueError, match="k must be even"):
        gen.watts_strogatz(10, 10, 0.1, rng=rng)
    assert gen.watts_strogatz(5, 0, 0.5, rng=rng).num_edges == 0


# ---------------------------------------------------------------------- stochastic block model
def test_stochastic_block_densities():
    sizes = [300, 500]
    p = [[0.1, 0.01], [0.01, 0.05]]
    net = gen.stochastic_block(sizes, p, rng=np.random.default_rng(4))
    block = net.attrs["block"]
    assert block.tolist() == [0] * 300 + [1] * 500
    src, dst = net.edges()
    ba, bb = block[src], block[dst]
    for a, b, pairs in [(0, 0, 300 * 299 / 2), (1, 1, 500 * 499 / 2), (0, 1, 300 * 500)]:
        count = np.sum(((ba == a) & (bb == b)) | ((ba == b) & (bb == a)))
        q = p[a][b]
        assert abs(count - pairs * q) < 5 * np.sqrt(pairs * q * (1 - q)), (a, b)
    _assert_simple_undirected(net)


def test_stochastic_block_extremes_and_directed():
    rng = np.random.default_rng(5)
    two = gen.stochastic_block([3, 4], [[1.0, 0.0], [0.0, 1.0]], rng=rng)
    assert two.num_edges == 3 + 6
    assert two.connected_components() == 2
    bip = gen.stochastic_block([2, 3], [[0.0, 1.0], [1.0, 0.0]], rng=rng)
    assert bip.num_edges == 6
    d = gen.stochastic_block([3, 2], [[1.0, 1.0], [0.0, 0.0]], True, rng=rng)
    assert d.directed
    # within block 0: 3*2 ordered pairs; block 0 -> block 1: 3*2; nothing out of block 1
    assert d.num_edges == 12
    assert d.out_degree().tolist() == [4, 4, 4, 0, 0]


def test_stochastic_block_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="2 x 2"):
        gen.stochastic_block([2, 2], [[0.5]], rng=rng)
    with pytest.raises(ValueError, match="symmetric"):
        gen.stochastic_block([2, 2], [[0.5, 0.1], [0.2, 0.5]], rng=rng)
    with pytest.raises(ValueError, match="sizes"):
        gen.stochastic_block([2, 0], [[0.5, 0.1], [0.1, 0.5]], rng=rng)


# ---------------------------------------------------------------------- named graphs
def test_karate_club():
    net = gen.named("karate_club")
    assert (net.n, net.num_edges) == (34, 78)
    assert net.degree()[0] == 16
    assert net.degree()[33] == 17
    assert not net.weighted
    assert gen.named("karate_club", weighted=True).strength()[0] == pytest.approx(42.0)


@pytest.mark.parametrize("name", gen.NAMED_GRAPHS)
def test_named_graphs_match_networkx(name):
    g = getattr(nx, f"{name}_graph")()
    net = gen.named(name)
    assert net.n == g.number_of_nodes()
    assert net.num_edges == g.number_of_edges() - nx.number_of_selfloops(g)
    assert net.name == name


def test_named_keeps_labels_and_rejects_unknown():
    women = gen.named("davis_southern_women")
    assert women.labels[0] == "Evelyn Jefferson"
    with pytest.raises(ValueError, match="unknown named graph"):
        gen.named("zachary")


# ---------------------------------------------------------------------- determinism
@pytest.mark.parametrize(
    ("factory", "args"),
    [
        (gen.erdos_renyi, (500, 0.02)),
        (gen.barabasi_albert, (500, 3)),
        (gen.watts_strogatz, (500, 6, 0.3)),
        (gen.stochastic_block, ([200, 300], [[0.05, 0.01], [0.01, 0.04]])),
    ],
)
def test_same_seed_same_graph(factory, args):
    a = factory(*args, rng=np.random.default_rng(123)).adjacency
    b = factory(*args, rng=np.random.default_rng(123)).adjacency
    c = factory(*args, rng=np.random.default_rng(124)).adjacency
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    assert not (np.array_equal(a.indptr, c.indptr) and np.array_equal(a.indices, c.indices))


def test_million_node_generators_use_compact_indices():
    # Speed is measured by bench/, not here; this checks the 1M-node path works and stays int32.
    rng = np.random.default_rng(9)
    for factory, args in [
        (gen.barabasi_albert, (1_000_000, 3)),
        (gen.watts_strogatz, (1_000_000, 10, 0.1)),
    ]:
        net = factory(*args, rng=rng)
        assert net.n == 1_000_000
        assert net.adjacency.indices.dtype == np.int32
