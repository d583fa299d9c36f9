"""The flocking world (Vicsek model): kernels on hand-built configurations, the known limits of
the order parameter, periodic boundaries, convergence, determinism, checkpoints, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import socium
from socium.core.batches import Batch
from socium.core.engine import decode_checkpoint, encode_checkpoint
from socium.core.population import Population
from socium.errors import ConfigError
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation
from socium.testing import check_determinism, check_world, run_steps
from socium.worlds.flocking import FlockingConfig, FlockingWorld
from socium.worlds.flocking.vicsek import (
    neighbor_pairs,
    neighbor_sums,
    order_parameter,
    wrap_angle,
)
from socium.worlds.flocking.world import stable_window


def make_world(x, y, heading, **world) -> FlockingWorld:
    pop = Population(len(x), {"x": x, "y": y, "heading": heading})
    return FlockingWorld(FlockingConfig(**world), pop, None, np.random.default_rng(0))


def step(world: FlockingWorld, rng: np.random.Generator) -> None:
    """One engine step by hand (synchronous: one batch of everyone)."""
    ids = np.arange(world.n, dtype=np.int64)
    obs = world.observe(Batch(ids))
    world.apply(world.rule_decide(obs, rng))
    world.end_step(world.steps + 1)


def cfg(n: int, steps: int, **world) -> dict:
    return {
        "run": {"steps": steps},
        "population": {"size": n},
        "world": {"name": "flocking", **world},
    }


# ---------------------------------------------------------------- kernels by hand
def test_three_particle_alignment_step():
    # 0 and 1 are 0.5 apart (neighbours); 2 is 1.5 from 1 and alone; eta = 0: no noise
    w = make_world(
        [1.0, 1.5, 3.0], [1.0, 1.0, 1.0], [0.0, math.pi / 2, math.pi], L=10.0, v0=0.1, eta=0.0
    )
    step(w, np.random.default_rng(1))
    # arg(e^{i0} + e^{i pi/2}) = pi/4 for both 0 and 1; 2 keeps pi, wrapped to -pi
    np.testing.assert_allclose(w.theta, [math.pi / 4, math.pi / 4, -math.pi], atol=1e-12)
    d = 0.1 / math.sqrt(2.0)
    np.testing.assert_allclose(w.pos[:, 0], [1.0 + d, 1.5 + d, 2.9], atol=1e-12)
    np.testing.assert_allclose(w.pos[:, 1], [1.0 + d, 1.0 + d, 1.0], atol=1e-12)
    assert w.phi == pytest.approx(abs(2 * np.exp(1j * math.pi / 4) - 1) / 3)


def test_neighbour_sums_include_self_and_both_ends():
    theta = np.array([0.0, math.pi / 2, math.pi, -math.pi / 2])
    pairs = np.array([[0, 1], [1, 2]])
    c, s = neighbor_sums(theta, pairs)
    # 0: {0,1}; 1: {0,1,2}; 2: {1,2}; 3: {3}
    np.testing.assert_allclose(c, [1.0, 0.0, -1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(s, [1.0, 1.0, 1.0, -1.0], atol=1e-12)


def test_neighbours_found_across_the_periodic_boundary():
    pos = np.array([[0.1, 5.0], [9.9, 5.0], [5.0, 0.05], [5.0, 9.95], [5.0, 5.0]])
    pairs = {tuple(p) for p in neighbor_pairs(pos, 10.0, 0.5).tolist()}
    assert pairs == {(0, 1), (2, 3)}


def test_alignment_across_the_boundary_and_wrapping():
    # particle 0 at x = 9.98 moving right, particle 1 at x = 0.2 moving up: 0.22 apart through
    # the boundary, so both take heading pi/4; particle 0 then crosses x = L
    w = make_world([9.98, 0.2], [5.0, 5.0], [0.0, math.pi / 2], L=10.0, v0=0.05, r=0.5, eta=0.0)
    step(w, np.random.default_rng(0))
    np.testing.assert_allclose(w.theta, [math.pi / 4, math.pi / 4], atol=1e-12)
    d = 0.05 / math.sqrt(2.0)
    np.testing.assert_allclose(w.pos[0], [9.98 + d - 10.0, 5.0 + d], atol=1e-12)
    assert (w.pos >= 0).all() and (w.pos < 10.0).all()


def test_order_parameter_closed_forms():
    assert order_parameter(np.zeros(7)) == 1.0
    assert order_parameter(np.array([0.0, math.pi])) == pytest.approx(0.0, abs=1e-15)
    three = np.array([0.0, 2 * math.pi / 3, -2 * math.pi / 3])
    assert order_parameter(three) == pytest.approx(0.0, abs=1e-15)
    assert order_parameter(np.array([0.0, math.pi / 2])) == pytest.approx(math.sqrt(0.5))
    assert wrap_angle(np.array([math.pi]))[0] == pytest.approx(-math.pi)


def test_noise_is_uniform_of_width_eta():
    # one isolated particle: its heading changes by exactly the noise xi ~ U[-eta/2, eta/2]
    eta = 1.2
    w = make_world([5.0], [5.0], [0.0], L=10.0, eta=eta)
    rng = np.random.default_rng(4)
    obs = w.observe(Batch(np.zeros(1, np.int64)))
    draws = np.concatenate([w.rule_decide(obs, rng)["heading"] for _ in range(4000)])
    assert draws.min() >= -eta / 2 and draws.max() <= eta / 2
    assert draws.mean() == pytest.approx(0.0, abs=0.02)
    assert draws.var() == pytest.approx(eta**2 / 12, rel=0.08)


# ---------------------------------------------------------------- known limits
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_zero_noise_orders_completely(seed):
    run = socium.run(cfg(300, 150, eta=0.0, v0=0.05, density=4.0), seed=seed)
    phi = run.metrics["order"].to_numpy()
    assert phi[0] < 0.2  # random initial headings
    assert phi[-1] > 0.97


def test_full_noise_gives_order_of_one_over_sqrt_n():
    # eta = 2 pi: new headings are independent uniform angles, so E[phi] = sqrt(pi / (4 N))
    n = 2000
    run = socium.run(cfg(n, 60, eta=2 * math.pi), seed=3)
    phi = run.metrics["order"].to_numpy()[1:]
    expected = math.sqrt(math.pi / (4 * n))
    assert phi.mean() == pytest.approx(expected, rel=0.2)
    assert phi.max() < 4.0 / math.sqrt(n)


def test_order_decreases_with_noise():
    finals = [
        socium.run(cfg(400, 150, eta=eta, v0=0.1, window=20), seed=1).final["order_mean"]
        for eta in (0.5, 2.5, 5.5)
    ]
    # ordered at low noise, disordered (phi ~ 1/sqrt(N) = 0.05) near full noise
    assert finals[0] > 0.9 and finals[0] > finals[1] > finals[2]
    assert finals[2] < 0.15


# ---------------------------------------------------------------- convergence
def test_stable_window():
    assert stable_window(np.array([0.3, 0.3, 0.3]), 1e-9)
    assert not stable_window(np.array([0.1, 0.3]), 0.05)


def test_convergence_time_at_full_noise_is_the_first_window():
    # phi fluctuates by ~0.01 around 0.01 for N = 5000; with tolerance 0.05 the first window
    # (steps 0..4) is already stable: detected at step 4, convergence_time 0
    run = socium.run(cfg(5000, 10, eta=2 * math.pi, window=5, tolerance=0.05), seed=1)
    assert run.final["convergence_time"] == 0
    assert run.final["converged_step"] == 4


def test_not_converged_while_ordering():
    run = socium.run(cfg(300, 30, eta=0.0, v0=0.05, window=10, tolerance=1e-4), seed=1)
    assert run.final["convergence_time"] is None
    assert run.final["converged_step"] is None


# ---------------------------------------------------------------- protocol
def test_determinism_and_seeds():
    config = cfg(200, 8, eta=1.0)
    check_determinism(config, steps=8, seed=5)
    _, a = run_steps(config, 5, seed=1)
    _, b = run_steps(config, 5, seed=2)
    assert [r.metrics["order"] for r in a] != [r.metrics["order"] for r in b]


def test_checkpoint_round_trip():
    config = cfg(200, 12, eta=1.5, window=4, tolerance=0.5)
    check_world(config, steps=12, seed=3)
    sim, _ = run_steps(config, 6, seed=3)
    blob = encode_checkpoint(sim.get_state())
    sim2 = build_simulation(load_config(config, {"run.seed": 3, "run.steps": 12}))
    sim2.set_state(decode_checkpoint(blob))
    for _ in range(6):
        r1, r2 = sim.advance(), sim2.advance()
        assert r1.metrics == r2.metrics
    assert sim.world.pos.tobytes() == sim2.world.pos.tobytes()
    assert sim.world.convergence_time == sim2.world.convergence_time


def test_box_size_from_density_or_l():
    sim, _ = run_steps(cfg(400, 0, density=4.0), 0)
    assert sim.world.box == pytest.approx(10.0)
    sim, _ = run_steps(cfg(400, 0, L=8.0), 0)
    assert sim.world.final_metrics()["density"] == pytest.approx(400 / 64)


def test_agent_table_and_actions():
    sim, _ = run_steps(cfg(50, 3), 3)
    table = sim.world.agent_table()
    assert set(table) == {"x", "y", "heading"}
    assert all(len(v) == 50 for v in table.values())
    assert FlockingWorld.actions()["move"]["properties"]["heading"]["type"] == "number"


@pytest.mark.parametrize(
    ("world", "field"),
    [
        ({"eta": 7.0}, "world.eta"),
        ({"eta": -0.1}, "world.eta"),
        ({"v0": 0.0}, "world.v0"),
        ({"r": 0.0}, "world.r"),
        ({"r": 6.0, "L": 10.0}, "world.r"),
        ({"L": 10.0, "density": 2.0}, "world"),
        ({"window": 1}, "world.window"),
        ({"radius": 1.0}, "world.radius"),
        ({"model": "boids"}, "world.model"),
    ],
)
def test_bad_config(world, field):
    with pytest.raises(ConfigError) as err:
        build_simulation(load_config(cfg(100, 5, **world), {"run.seed": 1}))
    assert str(err.value).startswith(field)


def test_bad_initial_positions_and_actions():
    config = cfg(3, 1, L=10.0)
    config["population"]["init"] = {"x": {"dist": "constant", "value": 12.0}}
    with pytest.raises(ConfigError, match=r"population\.init\.x"):
        build_simulation(load_config(config, {"run.seed": 1}))
    w = make_world([1.0], [1.0], [0.0], L=10.0)
    obs = w.observe(Batch(np.zeros(1, np.int64)))
    act = w.rule_decide(obs, np.random.default_rng(0))
    act.columns["heading"][0] = np.nan
    with pytest.raises(ValueError, match="heading"):
        w.apply(act)


def test_plots_written(tmp_path):
    run = socium.run(cfg(100, 5, eta=1.0), seed=1, out=tmp_path / "run")
    plots = sorted(p.name for p in (tmp_path / "run" / "plots").glob("*.png"))
    assert {"order.png", "snapshot.png"} <= set(plots)
    assert len(run.metrics) == 6
