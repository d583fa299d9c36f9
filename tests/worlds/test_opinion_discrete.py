"""Voter, majority-rule, q-voter and Sznajd models: theory checks and exact sequential semantics."""

from math import comb

import numpy as np
import pytest
from opinion_util import Stepper, complete_edges, make_world, union_of_copies

from socium.core.generators import barabasi_albert
from socium.metrics import active_link_density


def binomial_band(p, n, z=4.0):
    half = z * np.sqrt(p * (1 - p) / n)
    return p - half, p + half


def run_to_absorption(world, max_steps):
    s = Stepper(world, seed=5)
    for _ in range(max_steps):
        s.step()
        if world.converged():
            return
    raise AssertionError("not absorbed")


def star_union(copies, leaves):
    size = leaves + 1
    hub_state = np.zeros(size * copies, dtype=np.int64)
    hub_state[::size] = 1  # hub in state 1, leaves in state 0
    net = union_of_copies(np.zeros(leaves, int), np.arange(1, size), size, copies)
    return net, hub_state


@pytest.mark.parametrize(("variant", "p"), [("node", 0.5), ("edge", 0.1)])
def test_voter_exit_probability_on_star(variant, p):
    # node update conserves the degree-weighted density: hub (degree 9 of 18) -> P = 1/2
    # (Sood & Redner 2005); link update conserves the plain density: P = 1/10
    copies, leaves = 3000, 9
    net, x0 = star_union(copies, leaves)
    w = make_world("voter", net, seed=2, fields={"opinion": x0}, variant=variant)
    run_to_absorption(w, 3000)
    winners = w.x.reshape(copies, leaves + 1)
    assert np.all(winners == winners[:, :1])  # every star is in consensus
    lo, hi = binomial_band(p, copies)
    assert lo < winners[:, 0].mean() < hi


def majority_exit_probability(n, k0):
    """Exact exit probability of majority rule (G = 3) on K_n.

    The number k of agents in state 1 is a birth-death chain: a uniformly random group of three
    distinct agents with two 1s converts its 0 (k -> k+1), with two 0s converts its 1 (k -> k-1).
    Solve E(k) = (up_k E(k+1) + down_k E(k-1)) / (up_k + down_k), E(0) = 0, E(n) = 1.
    """
    a = np.zeros((n + 1, n + 1))
    b = np.zeros(n + 1)
    a[0, 0] = a[n, n] = 1.0
    b[n] = 1.0
    for k in range(1, n):
        up = comb(k, 2) * (n - k)
        down = k * comb(n - k, 2)
        a[k, k] = up + down
        a[k, k + 1] = -up
        a[k, k - 1] = -down
    return float(np.linalg.solve(a, b)[k0])


@pytest.mark.parametrize("k0", [5, 6])
def test_majority_rule_exit_probability_on_complete_graphs(k0):
    n, copies = 12, 2000
    iu, ju = complete_edges(n)
    net = union_of_copies(iu, ju, n, copies)
    x0 = np.zeros((copies, n), dtype=np.int64)
    x0[:, :k0] = 1
    w = make_world("majority", net, seed=1, fields={"opinion": x0.ravel()})
    run_to_absorption(w, 500)
    winners = w.x.reshape(copies, n)
    assert np.all(winners == winners[:, :1])
    p = majority_exit_probability(n, k0)
    if k0 * 2 == n:
        assert p == pytest.approx(0.5)  # symmetric start
    lo, hi = binomial_band(p, copies)
    assert lo < winners[:, 0].mean() < hi


def test_majority_rule_reaches_consensus_on_complete_graph():
    w = make_world("majority", n=2000, seed=3, group_size=5)
    run_to_absorption(w, 200)
    assert w.final_metrics()["consensus"]


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("voter", {}),
        ("voter", {"variant": "edge"}),
        ("majority", {}),
        ("qvoter", {"q": 3}),
        ("sznajd", {}),
    ],
)
@pytest.mark.parametrize("state", [0, 2])
def test_consensus_is_absorbing(model, params, state):
    net = barabasi_albert(300, 2, rng=np.random.default_rng(0))
    x0 = np.full(300, state)
    w = make_world(model, net, fields={"opinion": x0}, n_states=3, **params)
    assert w.converged()
    s = Stepper(w)
    for _ in range(3):
        assert all(len(e) == 0 for e in s.step())
    np.testing.assert_array_equal(w.x, x0)


def test_qvoter_full_independence_randomises_one_sweep():
    # p = 1: each draw sets a uniform random state; after N draws an agent was drawn with
    # probability 1 - (1 - 1/N)^N, so E[fraction_1] = (1 - (1 - 1/N)^N) / 2 from all-zero
    n = 50_000
    w = make_world("qvoter", n=n, fields={"opinion": np.zeros(n, int)}, q=2, independence=1.0)
    Stepper(w).step()
    expected = 0.5 * (1 - (1 - 1 / n) ** n)
    assert abs(w.step_metrics()["fraction_1"] - expected) < 4 * np.sqrt(0.25 / n)
    assert not w.converged()  # independence keeps the model fluctuating


def replay(model, x0, batches, world):
    """Pure-Python one-event-at-a-time reference using the world's own draws."""
    x = [int(v) for v in x0]
    adj = world.network.adjacency
    for b in batches:
        for k, i in enumerate(b.ids.tolist()):
            if model == "voter":
                x[i] = x[int(b.columns["partner"][k])]
            elif model == "majority":
                group = [i, *b.columns["group"][k].tolist()]
                votes = [x[g] for g in group]
                ones = sum(votes)
                state = 1 if 2 * ones > len(votes) else 0
                for g in group:
                    x[g] = state
            elif model == "qvoter":
                nb = b.columns["neighbors"][k].tolist()
                states = {x[j] for j in nb}
                if len(states) == 1:
                    x[i] = states.pop()
            elif model == "sznajd":
                j = int(b.columns["partner"][k])
                if x[i] == x[j]:
                    targets = set(adj.indices[adj.indptr[i] : adj.indptr[i + 1]].tolist())
                    targets |= set(adj.indices[adj.indptr[j] : adj.indptr[j + 1]].tolist())
                    for t in targets:
                        x[t] = x[i]
    return np.array(x)


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("voter", {}),
        ("voter", {"variant": "edge"}),
        ("majority", {"group_size": 5}),
        ("qvoter", {"q": 2}),
        ("sznajd", {}),
    ],
)
def test_exact_sequential_semantics(model, params):
    net = barabasi_albert(400, 2, rng=np.random.default_rng(2))
    w = make_world(model, net, seed=8, **params)
    s = Stepper(w)
    for _ in range(3):
        before = w.x.copy()
        batches = []
        s.step(record=batches)
        assert len(batches) > 1
        np.testing.assert_array_equal(w.x, replay(model, before, batches, w))


def test_active_link_density_matches_metrics_module():
    net = barabasi_albert(500, 3, rng=np.random.default_rng(1))
    w = make_world("voter", net, seed=1)
    Stepper(w).step()
    assert w.step_metrics()["active_link_density"] == pytest.approx(
        active_link_density(net, w.x), abs=1e-12
    )
    m = make_world("voter", n=40, seed=1)  # well mixed: closed form
    x = m.x
    ones = x.sum()
    expected = 2 * ones * (40 - ones) / (40 * 39)
    assert m.step_metrics()["active_link_density"] == pytest.approx(expected)
