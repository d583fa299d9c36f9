"""Deffuant-Weisbuch bounded confidence: invariants, cluster counts, exact sequential semantics."""

import numpy as np
import pytest
from opinion_util import Stepper, make_world

from socium.core.generators import barabasi_albert
from socium.core.network import Network


def major_clusters(x, share=0.05, gap=0.02):
    xs = np.sort(x)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(xs) > gap) + 1))
    sizes = np.diff(np.append(starts, xs.size))
    return int(np.sum(sizes >= share * xs.size))


def test_sum_of_opinions_is_conserved():
    net = barabasi_albert(500, 3, rng=np.random.default_rng(0))
    w = make_world("deffuant", net, seed=4, epsilon=0.3, mu=0.3)
    total = w.x.sum()
    s = Stepper(w)
    for _ in range(20):
        s.step()
        assert abs(w.x.sum() - total) < 1e-10
    assert w.final_metrics()["std"] < np.std(w.x0)  # and it did move


def test_large_epsilon_gives_one_cluster_on_complete_graph():
    w = make_world("deffuant", n=500, seed=1, epsilon=0.6, mu=0.5)
    Stepper(w).run(300)
    f = w.final_metrics()
    assert f["consensus"] and f["clusters"] == 1
    assert abs(f["cluster_centers"][0] - w.x0.mean()) < 1e-9  # the mean is invariant


@pytest.mark.parametrize(("eps", "band"), [(0.2, (2, 3)), (0.1, (4, 6))])
def test_cluster_count_band_on_complete_graph(eps, band):
    # Deffuant et al. (2000), Weisbuch et al. (2002): about floor(1/(2 eps)) major clusters
    counts = []
    for seed in range(3):
        w = make_world("deffuant", n=1000, seed=seed, epsilon=eps, mu=0.5, tolerance=1e-5)
        Stepper(w, seed=seed).run(600)
        assert w.converged()
        counts.append(major_clusters(w.x))
    assert all(band[0] <= c <= band[1] for c in counts), counts
    assert np.floor(1 / (2 * eps)) in counts


def replay_deffuant(x0, batches, eps, mu, two_sided=True):
    """Pure-Python one-event-at-a-time reference using the world's own draws."""
    x = [float(v) for v in x0]
    for b in batches:
        for i, j in zip(b.ids.tolist(), b.columns["partner"].tolist(), strict=True):
            xi, xj = x[i], x[j]
            d = xj - xi
            if abs(d) < (eps[i] if hasattr(eps, "__len__") else eps):
                x[i] = xi + mu * d
            if two_sided and abs(d) < (eps[j] if hasattr(eps, "__len__") else eps):
                x[j] = xj - mu * d
    return np.array(x)


@pytest.mark.parametrize("per_agent", [False, True])
def test_exact_sequential_semantics(per_agent):
    net = barabasi_albert(300, 2, rng=np.random.default_rng(1))
    rng = np.random.default_rng(9)
    fields = {"confidence": rng.uniform(0.1, 0.5, 300)} if per_agent else {}
    w = make_world("deffuant", net, seed=3, fields=fields, epsilon=0.3, mu=0.4)
    eps = fields.get("confidence", 0.3)
    s = Stepper(w)
    for _ in range(5):
        before = w.x.copy()
        batches = []
        s.step(record=batches)
        assert 1 < len(batches) < sum(len(b) for b in batches)  # really chunked
        np.testing.assert_array_equal(w.x, replay_deffuant(before, batches, eps, 0.4))


def test_directed_network_is_one_sided():
    # 0 -> 1 only: 1 listens to 0 and moves; 0 never moves
    net = Network.from_edges(2, [0], [1], directed=True)
    w = make_world("deffuant", net, fields={"opinion": np.array([0.2, 0.4])}, epsilon=0.5, mu=0.5)
    Stepper(w).run(3, until_converged=False)
    assert w.x[0] == 0.2
    assert w.x[1] == pytest.approx(0.2, abs=0.2 / 2**3 + 1e-12) and w.x[1] < 0.4
