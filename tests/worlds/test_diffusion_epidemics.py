"""SI, SIS and SIR: closed forms on paths, BFS distances, the geometric recovery law."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csgraph

from socium.core.engine import Simulation
from socium.core.network import Network
from socium.core.population import Population
from socium.core.rng import RunRNG
from socium.core.schedule import build_schedule
from socium.policies.rules import RulePolicy
from socium.worlds.diffusion import DiffusionConfig, DiffusionWorld
from socium.worlds.diffusion.kernels import infection_probability


def make_sim(net: Network, seed: int = 0, **world) -> Simulation:
    """A simulation of the diffusion world on ``net``, built as the runner does."""
    rng = RunRNG(seed)
    pop = Population(net.n)
    w = DiffusionWorld(DiffusionConfig(**world), pop, net, rng.stream("world"))
    sched = build_schedule(w.default_schedule(), pop)
    return Simulation(rng, pop, net, w, sched, RulePolicy(w, {}, rng.stream("policy")))


def run_to_end(sim: Simulation, max_steps: int = 10_000) -> list:
    records = [sim.initial_record()]
    while not sim.world.converged() and sim.step < max_steps:
        records.append(sim.advance())
    return records


def path(n: int) -> Network:
    return Network.from_edges(n, np.arange(n - 1), np.arange(1, n), directed=False)


def test_sir_beta_gamma_one_on_path_reaches_everyone_in_n_minus_1_steps():
    n = 12
    sim = make_sim(path(n), model="sir", beta=1.0, gamma=1.0, seeds=[0])
    records = run_to_end(sim)
    w = sim.world
    assert w.activated_at.tolist() == list(range(n))
    assert w.parent.tolist() == [-1, *range(n - 1)]
    # one infected at a time: node t is infected at step t and removed at step t + 1
    assert [r.metrics["active"] for r in records[:n]] == [1 / n] * n
    assert records[n - 1].metrics["recovered"] == pytest.approx((n - 1) / n)
    assert sim.step == n and w.state.tolist() == [2] * n
    final = w.final_metrics()
    assert final["spread"] == 1.0 and final["cascade_depth"] == n - 1
    assert final["spread_curve"] == pytest.approx([(t + 1) / n for t in range(n)] + [1.0])
    assert final["structural_virality"] == pytest.approx((n + 1) / 3)  # path of n nodes


def test_si_beta_one_is_bfs_from_seeds():
    rng = np.random.default_rng(7)
    n = 400
    src, dst = rng.integers(0, n, 1200), rng.integers(0, n, 1200)
    net = Network.from_edges(n, src, dst, directed=True)
    seeds = [3, 50, 222]
    sim = make_sim(net, seed=1, model="si", beta=1.0, seeds=seeds)
    run_to_end(sim)
    dist = csgraph.shortest_path(net.adjacency, directed=True, unweighted=True, indices=seeds)
    dist = dist.min(axis=0)
    expect = np.where(np.isinf(dist), -1, dist).astype(np.int64)
    assert (expect > 3).any() and (expect == -1).any()  # deep enough and not all reachable
    assert np.array_equal(sim.world.activated_at.astype(np.int64), expect)
    # the parent of every non-seed is an in-neighbour one step closer
    w = sim.world
    kids = np.flatnonzero(w.activated_at > 0)
    assert np.all(w.activated_at[w.parent[kids]] == w.activated_at[kids] - 1)
    assert np.all(net.adjacency[w.parent[kids], kids] == 1.0)


def test_si_converges_when_no_infected_has_a_susceptible_neighbour():
    # two components; the seed's component fills up, the other never gets infected
    net = Network.from_edges(6, [0, 1, 3, 4], [1, 2, 4, 5], directed=False)
    sim = make_sim(net, seed=0, model="si", beta=0.5, seeds=[1])
    run_to_end(sim)
    assert sim.world.converged()
    assert sim.world.state.tolist() == [1, 1, 1, 0, 0, 0]


def test_sis_beta_zero_recovery_is_geometric():
    n, gamma = 20000, 0.2
    net = path(n)  # edges exist, but beta = 0: nobody is ever infected by a contact
    sim = make_sim(net, seed=4, model="sis", beta=0.0, gamma=gamma, seeds=list(range(n)))
    records = run_to_end(sim)
    durations = np.concatenate([e.value for r in records for e in r.events if e.kind == "recover"])
    assert durations.size == n  # everyone recovers exactly once
    assert not any(e.kind == "activate" and len(e) for r in records for e in r.events)
    sd = np.sqrt((1 - gamma) / gamma**2)  # standard deviation of a geometric(gamma) time
    assert abs(durations.mean() - 1 / gamma) < 5 * sd / np.sqrt(n)
    # the infected fraction decays as (1 - gamma)^t
    for t in (1, 3, 8):
        expect = (1 - gamma) ** t
        assert abs(records[t].metrics["active"] - expect) < 5 * np.sqrt(expect * (1 - expect) / n)
    assert sim.world.state.max() == 0  # SIS: recovered nodes are susceptible again
    assert sim.world.final_metrics()["spread"] == 1.0  # ever infected


def test_sis_reinfection_events_and_first_infection_kept():
    # two nodes infecting each other with beta = 1, gamma = 1: they swap every step
    net = Network.from_edges(2, [0], [1], directed=False)
    sim = make_sim(net, model="sis", beta=1.0, gamma=1.0, seeds=[0])
    records = [sim.advance() for _ in range(4)]
    states = [r.metrics["active"] for r in records]
    assert states == [0.5, 0.5, 0.5, 0.5]
    acts = [int(e.agent[0]) for r in records for e in r.events if e.kind == "activate"]
    assert acts == [1, 0, 1, 0]
    assert sim.world.activated_at.tolist() == [0, 1]  # first infection only
    assert sim.world.parent.tolist() == [-1, 0]
    assert not sim.world.converged()


def test_single_contact_infection_probability_is_beta():
    # a star of 20000 leaves each with one infected in-neighbour (the hub): fraction ~ beta
    n, beta = 20001, 0.3
    net = Network.from_edges(n, np.zeros(n - 1, int), np.arange(1, n), directed=True)
    sim = make_sim(net, seed=8, model="sir", beta=beta, gamma=0.5, seeds=[0])
    rec = sim.advance()
    frac = rec.metrics["new"] * n / (n - 1)
    assert abs(frac - beta) < 5 * np.sqrt(beta * (1 - beta) / (n - 1))


def test_multi_contact_infection_probability_and_uniform_parent():
    # 5 infected seeds all point at each of 8000 targets: P(infected) = 1 - (1 - beta)^5
    k, targets, beta = 5, 8000, 0.1
    src = np.repeat(np.arange(k), targets)
    dst = np.tile(np.arange(k, k + targets), k)
    net = Network.from_edges(k + targets, src, dst, directed=True)
    sim = make_sim(net, seed=6, model="si", beta=beta, seeds=list(range(k)))
    sim.advance()
    w = sim.world
    got = w.state[k:] == 1
    q = 1 - (1 - beta) ** k
    assert abs(got.mean() - q) < 5 * np.sqrt(q * (1 - q) / targets)
    par = w.parent[k:][got]
    counts = np.bincount(par, minlength=k)
    expect = got.sum() / k
    assert np.all(np.abs(counts - expect) < 5 * np.sqrt(expect))


def test_infection_probability_formula():
    k = np.array([0, 1, 2, 10])
    assert np.allclose(infection_probability(k, 0.2), 1 - 0.8**k)
    assert infection_probability(k, 1.0).tolist() == [0.0, 1.0, 1.0, 1.0]
    assert infection_probability(k, 0.0).tolist() == [0.0] * 4


def test_sir_step_metrics_are_consistent():
    rng = np.random.default_rng(1)
    n = 3000
    net = Network.from_edges(n, rng.integers(0, n, 9000), rng.integers(0, n, 9000), directed=False)
    sim = make_sim(
        net, seed=2, model="sir", beta=0.3, gamma=0.2, seeds={"method": "random", "k": 5}
    )
    records = run_to_end(sim)
    for r in records:
        m = r.metrics
        assert m["active"] + m["susceptible"] + m["recovered"] == pytest.approx(1.0)
        assert m["ever_active"] == pytest.approx(m["active"] + m["recovered"])
    final = sim.world.final_metrics()
    peak = max(r.metrics["active"] for r in records)
    assert final["peak_active"] == pytest.approx(peak)
    assert records[final["peak_step"]].metrics["active"] == pytest.approx(peak)
    assert final["final_active"] == 0.0 and sim.world.converged()
    assert final["spread"] == pytest.approx(records[-1].metrics["ever_active"])
    assert final["spread_curve"] == pytest.approx([r.metrics["ever_active"] for r in records])
