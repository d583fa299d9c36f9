"""Diffusion kernels and the incremental bookkeeping behind one step, checked against brute force.

The world keeps the infected in-neighbour counts up to date incrementally and takes a fast path
for its own rule actions; these tests recompute everything from scratch (plain Python loops or
one sparse product) and run the same simulation through the general path.
"""

from __future__ import annotations

import numpy as np
import pytest

from socium.core.batches import ActionBatch, Batch
from socium.core.engine import Simulation
from socium.core.network import Network
from socium.core.population import Population
from socium.core.rng import RunRNG
from socium.core.schedule import build_schedule
from socium.policies.rules import RulePolicy
from socium.worlds.diffusion import DiffusionConfig, DiffusionWorld
from socium.worlds.diffusion.graph import DiffusionGraph
from socium.worlds.diffusion.kernels import (
    gather_rows,
    pick_infected_in_neighbour,
    pick_ranked_hit,
)

PARAMS = {
    "independent_cascade": {"p": 0.3},
    "linear_threshold": {},
    "si": {"beta": 0.2},
    "sis": {"beta": 0.3, "gamma": 0.3},
    "sir": {"beta": 0.3, "gamma": 0.2},
}


class CopyingPolicy(RulePolicy):
    """The rule policy, but handing the world a fresh copy of each action batch (as any other
    policy would), so the world cannot recognise its own rule output."""

    def decide(self, obs):
        a = super().decide(obs)
        return ActionBatch(np.array(a.ids), {k: np.array(v) for k, v in a.columns.items()}, obs)


def random_net(n: int, m: int, directed: bool, seed: int) -> Network:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    return Network.from_edges(n, src[keep], dst[keep], directed=directed)


def make_sim(net: Network, seed: int, policy=RulePolicy, **world) -> Simulation:
    rng = RunRNG(seed)
    pop = Population(net.n)
    w = DiffusionWorld(DiffusionConfig(**world), pop, net, rng.stream("world"))
    sched = build_schedule(w.default_schedule(), pop)
    return Simulation(rng, pop, net, w, sched, policy(w, {}, rng.stream("policy")))


def test_pick_ranked_hit_matches_a_loop():
    rng = np.random.default_rng(3)
    for _ in range(50):
        sizes = rng.integers(1, 8, rng.integers(1, 12))
        hit = rng.random(int(sizes.sum())) < 0.5
        dst = rng.integers(0, 1000, hit.size)
        ends = np.cumsum(sizes)
        k = np.array([hit[e - s : e].sum() for s, e in zip(sizes, ends, strict=True)])
        blocks = k > 0
        u = rng.random(int(blocks.sum()))
        got = pick_ranked_hit(dst, hit, k[blocks], u)
        expect = []
        j = 0
        for s, e, kv in zip(ends - sizes, ends, k, strict=True):
            if kv == 0:
                continue
            hits = [int(dst[i]) for i in range(s, e) if hit[i]]
            expect.append(hits[min(int(u[j] * kv), kv - 1)])
            j += 1
        assert got.tolist() == expect


def test_pick_infected_in_neighbour_without_counts_and_with_uninfected_rows():
    # in-rows: 0 <- {1, 2, 3}; 1 <- {}; 2 <- {0, 3}; 3 <- {0}
    indptr = np.array([0, 3, 3, 5, 6])
    indices = np.array([1, 2, 3, 0, 3, 0])
    state = np.array([0, 1, 0, 1])  # 1 and 3 infected
    nodes = np.array([0, 1, 2, 3])
    u = np.array([0.99, 0.5, 0.2, 0.5])
    # node 0: infected in-neighbours [1, 3], rank floor(0.99 * 2) = 1 -> 3; node 1: none;
    # node 2: [3] -> 3; node 3: none (0 is not infected)
    assert pick_infected_in_neighbour(indptr, indices, nodes, state, u).tolist() == [3, -1, 3, -1]
    k = np.array([2, 0, 1, 0])
    assert pick_infected_in_neighbour(indptr, indices, nodes, state, u, k=k).tolist() == [
        3,
        -1,
        3,
        -1,
    ]
    _, dst, _ = gather_rows(indptr, indices, nodes[[0, 2]])
    got = pick_infected_in_neighbour(indptr, indices, nodes[[0, 2]], state, u[[0, 2]], dst=dst)
    assert got.tolist() == [3, 3]


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("model", ["si", "sis", "sir"])
def test_observed_exposure_equals_a_fresh_count(model, directed):
    # the rows and k_I columns come from incrementally kept counts; recount them every step
    net = random_net(400, 1600, directed, seed=11)
    sim = make_sim(net, seed=4, model=model, seeds={"method": "random", "k": 8}, **PARAMS[model])
    w = sim.world
    a_in = net.adjacency.T.tocsr()
    seen_rows = 0
    for _ in range(25):
        obs = w.observe(Batch(np.arange(net.n)))
        infected = w.state == 1
        k = np.asarray(a_in @ infected.astype(float)).round().astype(int)
        exposed = np.flatnonzero((w.state == 0) & (k > 0))
        rows = exposed if model == "si" else np.union1d(exposed, np.flatnonzero(infected))
        assert np.array_equal(np.sort(obs.ids), rows)
        order = np.argsort(obs.ids)
        st = np.asarray(obs["state"])[order]
        kk = np.asarray(obs["infected_neighbours"])[order]
        assert np.array_equal(st, w.state[rows])
        assert np.array_equal(kk, np.where(w.state[rows] == 0, k[rows], 0))
        seen_rows += rows.size
        sim.advance()
    assert seen_rows > 500  # the epidemic did spread, so the check is not vacuous


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("model", list(PARAMS))
def test_foreign_action_batches_give_the_same_run(model, directed):
    # the world's shortcut for its own rule actions and the general path agree exactly
    net = random_net(500, 2000, directed, seed=2)
    kw = {"seeds": {"method": "random", "k": 6}, **PARAMS[model]}
    own = make_sim(net, seed=9, model=model, **kw)
    other = make_sim(net, seed=9, policy=CopyingPolicy, model=model, **kw)
    changed = 0
    for _ in range(20):
        ra, rb = own.advance(), other.advance()
        assert ra.metrics == rb.metrics
        assert [(e.kind, e.agent.tolist(), e.other.tolist()) for e in ra.events] == [
            (e.kind, e.agent.tolist(), e.other.tolist()) for e in rb.events
        ]
        changed += sum(len(e) for e in ra.events)
    for key in ("state", "activated_at", "parent"):
        assert np.array_equal(own.world.agent_table()[key], other.world.agent_table()[key])
    assert changed > 20


def test_parent_uniform_on_an_undirected_graph():
    # 5 infected seeds, each linked (both ways) to each of 8000 targets: the parent of an
    # infected target is one of the 5 with probability 1/5 each
    k, targets, beta = 5, 8000, 0.1
    src = np.repeat(np.arange(k), targets)
    dst = np.tile(np.arange(k, k + targets), k)
    net = Network.from_edges(k + targets, src, dst, directed=False)
    sim = make_sim(net, seed=6, model="si", beta=beta, seeds=list(range(k)))
    sim.advance()
    w = sim.world
    got = w.state[k:] == 1
    q = 1 - (1 - beta) ** k
    assert abs(got.mean() - q) < 5 * np.sqrt(q * (1 - q) / targets)
    counts = np.bincount(w.parent[k:][got], minlength=k)
    expect = got.sum() / k
    assert np.all(np.abs(counts - expect) < 5 * np.sqrt(expect))


def test_diffusion_graph_gather_out_matches_gather_rows():
    # the world's cached gather must read the same entries, in the same order, as the kernel
    for directed in (False, True):
        net = random_net(300, 1200, directed, seed=5)
        g = DiffusionGraph(net)
        adj = net.adjacency
        rng = np.random.default_rng(1)
        for size in (0, 1, 7, 300):
            rows = np.sort(rng.choice(net.n, size, replace=False)).astype(np.int64)
            dst, pos, lengths, ends = g.gather_out(rows)
            _, ref_dst, ref_pos = gather_rows(adj.indptr, adj.indices, rows, with_src=False)
            assert np.array_equal(dst, ref_dst) and np.array_equal(pos, ref_pos)
            assert np.array_equal(lengths, np.diff(adj.indptr)[rows])
            assert np.array_equal(ends, np.cumsum(lengths))
