"""DeGroot, Friedkin-Johnsen and Hegselmann-Krause against closed forms and hand calculations."""

import numpy as np
import pytest
import scipy.sparse as sp
from opinion_util import Stepper, make_world

from socium.core.generators import erdos_renyi
from socium.core.network import Network


def connected_er(n, p, seed):
    for s in range(seed, seed + 50):
        net = erdos_renyi(n, p, rng=np.random.default_rng(s))
        ncomp, _ = sp.csgraph.connected_components(net.adjacency, directed=False)
        if ncomp == 1 and net.degree().min() > 0:
            return net
    raise RuntimeError("no connected graph found")


@pytest.mark.parametrize("self_weight", [1.0, 0.5])
def test_degroot_undirected_consensus_is_degree_weighted_mean(self_weight):
    net = connected_er(30, 0.15, seed=4)
    w = make_world("degroot", net, seed=2, self_weight=self_weight, tolerance=1e-13)
    x0 = w.x0.copy()
    Stepper(w).run(5000)
    pi = net.degree() + self_weight  # reversible chain: pi_i ∝ d_i + s
    target = pi @ x0 / pi.sum()
    np.testing.assert_allclose(w.x, target, atol=1e-10)
    assert abs(x0.mean() - target) > 1e-4  # the plain mean would be wrong


def test_degroot_directed_consensus_is_left_eigenvector_average():
    src = [0, 1, 2, 3, 0, 3, 2]
    dst = [1, 2, 3, 0, 2, 1, 0]  # cycle 0->1->2->3->0 plus chords: strongly connected
    net = Network.from_edges(4, src, dst, directed=True)
    x0 = np.array([0.9, 0.1, 0.4, 0.0])
    w = make_world("degroot", net, fields={"opinion": x0}, tolerance=1e-14)
    Stepper(w).run(10_000)
    a_in = np.zeros((4, 4))
    a_in[dst, src] = 1.0  # row v: who influences v
    W = a_in + np.eye(4)
    W /= W.sum(axis=1, keepdims=True)
    vals, vecs = np.linalg.eig(W.T)
    pi = np.real(vecs[:, np.argmin(np.abs(vals - 1))])
    pi /= pi.sum()
    np.testing.assert_allclose(w.x, pi @ x0, atol=1e-10)


def test_degroot_isolated_agent_keeps_opinion_even_without_self_weight():
    net = Network.from_edges(3, [0], [1], directed=True)  # 2 is isolated, 0 has no in-links
    x0 = np.array([0.2, 0.8, 0.5])
    w = make_world("degroot", net, fields={"opinion": x0}, self_weight=0.0)
    Stepper(w).step()
    np.testing.assert_allclose(w.x, [0.2, 0.2, 0.5])


def test_friedkin_johnsen_matches_closed_form():
    rng = np.random.default_rng(11)
    net = connected_er(25, 0.2, seed=1)
    lam = rng.uniform(0.05, 0.9, 25)
    x0 = rng.random(25)
    w = make_world(
        "friedkin_johnsen", net, fields={"opinion": x0, "stubbornness": lam}, tolerance=1e-14
    )
    Stepper(w).run(5000)
    A = net.in_adjacency.toarray() + np.eye(25)
    W = A / A.sum(axis=1, keepdims=True)
    L = np.diag(lam)
    expected = np.linalg.solve(np.eye(25) - (np.eye(25) - L) @ W, L @ x0)
    np.testing.assert_allclose(w.x, expected, atol=1e-10)


def test_friedkin_johnsen_fully_stubborn_never_moves():
    net = connected_er(10, 0.4, seed=0)
    w = make_world("friedkin_johnsen", net, stubbornness=1.0)
    x0 = w.x0.copy()
    Stepper(w).run(10)
    np.testing.assert_array_equal(w.x, x0)


def k3(flag):
    return Network(np.ones((3, 3)) - np.eye(3), directed=False, complete=flag)


@pytest.mark.parametrize("network", [None, "graph", "flagged"])
def test_hk_three_agents_by_hand(network):
    net = {None: None, "graph": k3(False), "flagged": k3(True)}[network]
    x0 = np.array([0.0, 0.3, 0.7])
    w = make_world("hegselmann_krause", net, n=3, fields={"opinion": x0}, epsilon=0.45)
    s = Stepper(w)
    s.step()
    # 0 sees {0, 0.3}; 0.3 sees all (|0.7-0.3| = 0.4 <= 0.45); 0.7 sees {0.3, 0.7}
    np.testing.assert_allclose(w.x, [0.15, 1.0 / 3.0, 0.5], atol=1e-15)
    s.step()
    # now everybody sees everybody: mean of (0.15, 1/3, 0.5) = 59/180
    np.testing.assert_allclose(w.x, np.full(3, 59.0 / 180.0), atol=1e-15)
    s.step()
    assert w.converged()


def equally_spaced(n):
    return np.arange(n) / (n - 1)


def off_grid(eps, n):
    """eps moved by an irrational fraction of the grid spacing h. Averages of grid opinions are
    rational multiples of h, so no two opinions are ever exactly eps apart, and floating-point
    rounding of |x_i - x_j| <= eps cannot break the left-right symmetry."""
    return eps + (1 / np.pi) / (n - 1)


def test_hk_equally_spaced_large_epsilon_reaches_consensus_at_one_half():
    opinions = {"opinion": equally_spaced(1001)}
    w = make_world("hegselmann_krause", n=1001, fields=opinions, epsilon=off_grid(0.3, 1001))
    Stepper(w).run(200)
    f = w.final_metrics()
    assert f["consensus"] and f["clusters"] == 1
    assert abs(f["cluster_centers"][0] - 0.5) < 1e-9


@pytest.mark.parametrize("eps", [0.05, 0.08])
def test_hk_equally_spaced_cluster_structure(eps):
    n = 2001
    opinions = {"opinion": equally_spaced(n)}
    w = make_world("hegselmann_krause", n=n, fields=opinions, epsilon=off_grid(eps, n))
    Stepper(w).run(500)
    assert w.converged()
    count, centers = w.final_metrics()["clusters"], np.array(w.final_metrics()["cluster_centers"])
    # clusters end up slightly more than 2*eps apart (Lorenz 2006): about 1/(2 eps) of them
    assert np.floor(1 / (2 * eps)) - 2 <= count <= np.floor(1 / (2 * eps)) + 1
    # symmetric initial profile -> symmetric cluster pattern about 0.5
    np.testing.assert_allclose(centers + centers[::-1], 1.0, atol=1e-9)
    assert np.all(np.diff(centers) > eps)  # stable clusters cannot see each other


def test_hk_graph_path_equals_complete_fast_path():
    rng = np.random.default_rng(5)
    x0 = rng.random(60)
    eps = rng.uniform(0.05, 0.3, 60)  # per-agent confidence
    graph = Network(np.ones((60, 60)) - np.eye(60), directed=False)  # not flagged complete
    a = make_world("hegselmann_krause", graph, fields={"opinion": x0, "confidence": eps})
    b = make_world("hegselmann_krause", n=60, fields={"opinion": x0, "confidence": eps})
    assert not a.complete and b.complete
    sa, sb = Stepper(a), Stepper(b)
    for _ in range(20):
        sa.step()
        sb.step()
    np.testing.assert_allclose(a.x, b.x, atol=1e-12)


def test_hk_complete_scales_to_1e5_agents():
    w = make_world("hegselmann_krause", n=100_000, seed=3, epsilon=0.1)
    Stepper(w).run(60)
    assert w.converged()
    assert 3 <= w.final_metrics()["major_clusters"] <= 6
