"""Independent cascade and linear threshold: exact values on tiny graphs, hand traces, trees."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from socium.core.engine import Simulation
from socium.core.network import Network
from socium.core.population import Population
from socium.core.rng import RunRNG
from socium.core.schedule import build_schedule
from socium.policies.rules import RulePolicy
from socium.worlds.diffusion import DiffusionConfig, DiffusionWorld


def make_sim(net: Network, seed: int = 0, fields=None, **world) -> Simulation:
    """A simulation of the diffusion world on ``net``, built as the runner does."""
    rng = RunRNG(seed)
    pop = Population(net.n, fields)
    w = DiffusionWorld(DiffusionConfig(**world), pop, net, rng.stream("world"))
    sched = build_schedule(w.default_schedule(), pop)
    return Simulation(rng, pop, net, w, sched, RulePolicy(w, {}, rng.stream("policy")))


def run_to_end(sim: Simulation, max_steps: int = 1000) -> list:
    records = [sim.initial_record()]
    while not sim.world.converged() and sim.step < max_steps:
        records.append(sim.advance())
    return records


def replicate(n: int, src, dst, copies: int, prob=None):
    """``copies`` disjoint copies of a small directed graph (independent replicas in one run)."""
    src, dst = np.asarray(src), np.asarray(dst)
    off = np.repeat(np.arange(copies) * n, len(src))
    s, d = np.tile(src, copies) + off, np.tile(dst, copies) + off
    if prob is None:
        return Network.from_edges(n * copies, s, d, directed=True)
    w = np.tile(np.asarray(prob, float), copies)
    return Network.from_edges(n * copies, s, d, w, directed=True, weighted=True)


def live_edge_distribution(n: int, edges, probs, seeds) -> tuple[float, float]:
    """Exact mean and variance of the number of nodes reached, by enumerating all 2^E
    live-edge graphs (Kempe, Kleinberg & Tardos 2003, Claim 2.3)."""
    mean = second = 0.0
    for live in itertools.product([False, True], repeat=len(edges)):
        weight = 1.0
        for keep, q in zip(live, probs, strict=True):
            weight *= q if keep else 1.0 - q
        reached = set(seeds)
        frontier = list(seeds)
        while frontier:
            u = frontier.pop()
            for (a, b), keep in zip(edges, live, strict=True):
                if keep and a == u and b not in reached:
                    reached.add(b)
                    frontier.append(b)
        mean += weight * len(reached)
        second += weight * len(reached) ** 2
    return mean, second - mean**2


DIAMOND = (4, [(0, 1), (0, 2), (1, 3), (2, 3)])
TRIANGLE = (3, [(0, 1), (1, 0), (1, 2), (2, 1), (0, 2), (2, 0)])  # undirected, both directions


@pytest.mark.parametrize(
    ("graph", "probs"),
    [
        (DIAMOND, [0.5, 0.5, 0.5, 0.5]),
        (DIAMOND, [0.9, 0.2, 0.35, 0.7]),
        (TRIANGLE, [0.3, 0.6, 0.45, 0.1, 0.25, 0.8]),
    ],
)
def test_ic_expected_spread_matches_live_edge_enumeration(graph, probs):
    n, edges = graph
    mean, var = live_edge_distribution(n, edges, probs, [0])
    copies = 20000
    src, dst = zip(*edges, strict=True)
    uniform = len(set(probs)) == 1
    net = replicate(n, src, dst, copies, None if uniform else probs)
    seeds = list(range(0, n * copies, n))
    world = {"p": probs[0]} if uniform else {"use_weights": True}
    sim = make_sim(net, seed=11, model="independent_cascade", seeds=seeds, **world)
    run_to_end(sim)
    reached = np.bincount(np.arange(n * copies) // n, weights=sim.world.activated_at >= 0)
    assert abs(reached.mean() - mean) < 5 * np.sqrt(var / copies)
    # every replica reaches between 1 and n nodes; the variance matches the exact one too
    assert abs(reached.var() - var) < 0.1 * var


def test_ic_expected_spread_over_independent_seeds():
    n, edges = DIAMOND
    mean, var = live_edge_distribution(n, edges, [0.5] * 4, [0])
    src, dst = zip(*edges, strict=True)
    net = Network.from_edges(n, src, dst, directed=True)
    sizes = []
    for seed in range(600):
        sim = make_sim(net, seed=seed, model="independent_cascade", p=0.5, seeds=[0])
        run_to_end(sim)
        sizes.append(int((sim.world.activated_at >= 0).sum()))
    assert abs(np.mean(sizes) - mean) < 5 * np.sqrt(var / len(sizes))


def test_ic_parent_uniform_among_successful_activators():
    # two seeds both point at node 2 with p = 1: both succeed, the parent is a fair coin
    copies = 20000
    net = replicate(3, [0, 1], [2, 2], copies)
    seeds = sorted(list(range(0, 3 * copies, 3)) + list(range(1, 3 * copies, 3)))
    sim = make_sim(net, seed=5, model="independent_cascade", p=1.0, seeds=seeds)
    run_to_end(sim)
    par = sim.world.parent[2::3]
    offset = np.arange(copies) * 3
    assert set(np.unique(par - offset)) == {0, 1}
    frac = np.mean(par - offset == 0)
    assert abs(frac - 0.5) < 5 * np.sqrt(0.25 / copies)


def test_ic_each_edge_gets_one_chance():
    # 0 -> 1 with p = 0.5 and no other path: after node 0's single attempt, 1 is never retried
    copies = 20000
    net = replicate(2, [0], [1], copies)
    sim = make_sim(
        net, seed=2, model="independent_cascade", p=0.5, seeds=list(range(0, 2 * copies, 2))
    )
    for _ in range(5):
        sim.advance()
    act = sim.world.activated_at[1::2]
    assert set(np.unique(act)) == {-1, 1}
    assert abs(np.mean(act == 1) - 0.5) < 5 * np.sqrt(0.25 / copies)


def test_ic_parent_is_in_neighbour_activated_one_step_earlier():
    rng = np.random.default_rng(0)
    n = 3000
    src, dst = rng.integers(0, n, 15000), rng.integers(0, n, 15000)
    net = Network.from_edges(n, src, dst, directed=True)
    sim = make_sim(
        net, seed=3, model="independent_cascade", p=0.3, seeds={"method": "top_degree", "k": 5}
    )
    run_to_end(sim)
    w = sim.world
    act, par = w.activated_at.astype(np.int64), w.parent.astype(np.int64)
    children = np.flatnonzero(act > 0)
    assert children.size > 100  # the cascade took off, so the check is not vacuous
    assert np.all(par[children] >= 0)
    assert np.all(act[par[children]] == act[children] - 1)
    a = net.adjacency
    assert np.all(a[par[children], children] == 1.0)  # parent -> child is an edge
    assert np.all(par[w.seeds] == -1) and np.all(act[w.seeds] == 0)
    assert np.all(par[act < 0] == -1)
    # generation in the cascade forest equals the activation step for IC
    from socium.metrics.cascades import generation

    assert np.array_equal(generation(par, act)[act >= 0], act[act >= 0])


def test_ic_events_match_state():
    net = Network.from_edges(5, [0, 0, 1, 2, 3], [1, 2, 3, 3, 4], directed=True)
    sim = make_sim(net, seed=1, model="independent_cascade", p=1.0, seeds=[0])
    records = run_to_end(sim)
    events = [
        (int(a), int(o), int(v))
        for r in records
        for e in r.events
        for a, o, v in zip(e.agent, e.other, e.value, strict=True)
        if e.kind == "activate"
    ]
    # p = 1: 1 and 2 at step 1 (parent 0), 3 at step 2 (parent 1 or 2), 4 at step 3 (parent 3)
    assert [(a, v) for a, _, v in events] == [(1, 1), (2, 1), (3, 2), (4, 3)]
    assert events[0][1] == 0 and events[1][1] == 0 and events[2][1] in (1, 2)
    assert events[3][1] == 3
    assert sim.converged_step is None or sim.converged_step == 4
    assert sim.world.converged() and sim.step == 4  # step 4 activated nobody


def test_ic_p_zero_and_one():
    net = Network.from_edges(6, [0, 1, 2, 3, 4], [1, 2, 3, 4, 5], directed=True)
    sim = make_sim(net, model="independent_cascade", p=0.0, seeds=[0])
    run_to_end(sim)
    assert sim.world.activated_at.tolist() == [0, -1, -1, -1, -1, -1]
    sim = make_sim(net, model="independent_cascade", p=1.0, seeds=[0])
    run_to_end(sim)
    assert sim.world.activated_at.tolist() == [0, 1, 2, 3, 4, 5]
    assert sim.world.parent.tolist() == [-1, 0, 1, 2, 3, 4]


# -- linear threshold ------------------------------------------------------------------------


def test_lt_hand_trace_fan_in():
    # edges 0->2, 1->2, 2->3, 1->3, 3->4; in-degrees 2, 2, 1 so b = 1/2, 1/2, 1
    net = Network.from_edges(5, [0, 1, 2, 1, 3], [2, 2, 3, 3, 4], directed=True)
    theta = np.array([0.5, 0.5, 0.4, 0.6, 0.99])
    # seeds {0, 1}: step 1 node 2 has 1/2 + 1/2 >= 0.4; node 3 has 1/2 (from 1) < 0.6.
    # step 2 node 3 has 1/2 + 1/2 >= 0.6 (parent 2, the latest); step 3 node 4 has 1 >= 0.99.
    sim = make_sim(net, fields={"threshold": theta}, model="linear_threshold", seeds=[0, 1])
    run_to_end(sim)
    w = sim.world
    assert w.activated_at.tolist() == [0, 0, 1, 2, 3]
    # node 2: both seeds activated at step 0 with equal weight -> the lowest id, 0
    assert w.parent.tolist() == [-1, -1, 0, 2, 3]
    assert sim.step == 4 and w.converged()
    # seed {0} only: node 2 has 1/2 >= 0.4 at step 1, node 3 then has 1/2 < 0.6: stops
    sim = make_sim(net, fields={"threshold": theta}, model="linear_threshold", seeds=[0])
    run_to_end(sim)
    assert sim.world.activated_at.tolist() == [0, -1, 1, -1, -1]
    assert sim.step == 2


def test_lt_star_thresholds():
    net = Network.from_edges(5, [0, 0, 0, 0], [1, 2, 3, 4], directed=True)
    theta = np.array([0.5, 0.2, 1.0, 1.5, 0.7])  # b = 1 for every leaf
    sim = make_sim(net, fields={"threshold": theta}, model="linear_threshold", seeds=[0])
    run_to_end(sim)
    assert sim.world.activated_at.tolist() == [0, 1, 1, -1, 1]
    assert sim.world.final_metrics()["spread"] == pytest.approx(4 / 5)


def test_lt_weighted_influence_is_normalised():
    # weights 3 (0->2) and 1 (1->2): b_02 = 3/4, b_12 = 1/4
    net = Network.from_edges(3, [0, 1], [2, 2], [3.0, 1.0], directed=True, weighted=True)
    for theta2, seeds, expect in [(0.7, [0], 1), (0.8, [0], -1), (0.25, [1], 1), (0.3, [1], -1)]:
        theta = np.array([0.5, 0.5, theta2])
        sim = make_sim(
            net,
            fields={"threshold": theta},
            model="linear_threshold",
            use_weights=True,
            seeds=seeds,
        )
        run_to_end(sim)
        assert sim.world.activated_at[2] == expect, (theta2, seeds)


def test_lt_is_deterministic_given_thresholds_and_thresholds_come_from_world_rng():
    rng = np.random.default_rng(4)
    n = 2000
    net = Network.from_edges(n, rng.integers(0, n, 8000), rng.integers(0, n, 8000), directed=False)
    a = make_sim(net, seed=9, model="linear_threshold", seeds={"method": "top_degree", "k": 40})
    b = make_sim(net, seed=9, model="linear_threshold", seeds={"method": "top_degree", "k": 40})
    c = make_sim(net, seed=10, model="linear_threshold", seeds={"method": "top_degree", "k": 40})
    assert np.array_equal(a.world.threshold, b.world.threshold)
    assert not np.array_equal(a.world.threshold, c.world.threshold)
    assert a.population["threshold"].min() >= 0 and a.population["threshold"].max() < 1
    run_to_end(a)
    run_to_end(b)
    assert np.array_equal(a.world.activated_at, b.world.activated_at)
    # the LT rule: every inactive node is below threshold, every non-seed active one reached it
    w = a.world
    active = w.state == 1
    b_in = 1.0 / np.maximum(net.in_degree(), 1)
    pressure = np.asarray(net.in_adjacency @ active.astype(float)) * b_in
    assert np.all(pressure[~active] < w.threshold[~active])
    nonseed = active.copy()
    nonseed[w.seeds] = False
    assert np.all(pressure[nonseed] >= w.threshold[nonseed] - 1e-12)
