"""The norms world (public-goods game with punishment and public sanctions): payoffs and rules
worked out by hand, the known regimes (free-riding decay, punishment sustains cooperation),
norm emergence, determinism, checkpoints, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import socium
from socium.core.batches import ActionBatch
from socium.core.population import Population
from socium.errors import ConfigError
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation
from socium.testing import check_determinism, check_world, run_steps
from socium.worlds.norms import NormsConfig, NormsWorld
from socium.worlds.norms.game import (
    conditional_contribution,
    draw_groups,
    learn_from_sanctions,
    payoffs,
    public_norm,
    punishment_targets,
    valid_punishments,
)


def make_world(n: int, fields: dict | None = None, seed: int = 0, **world) -> NormsWorld:
    pop = Population(n, fields or {})
    return NormsWorld(NormsConfig(**world), pop, None, np.random.default_rng(seed))


def play_round(world: NormsWorld, contribute, punish=None) -> list:
    """One round with scripted actions, driven as the engine does."""
    ids = np.arange(world.n, dtype=np.int64)
    events = []
    for batch in world.batches(ids):
        obs = world.observe(batch)
        if obs["stage"][0] == 0:
            act = ActionBatch(ids, {"contribute": np.asarray(contribute, float)}, obs)
        else:
            act = ActionBatch(ids, {"punish": np.asarray(punish, np.int64)}, obs)
        events.append(world.apply(act))
    world.end_step(world.steps + 1)
    return events


def cfg(n: int, steps: int, **world) -> dict:
    return {"run": {"steps": steps}, "population": {"size": n}, "world": {"name": "norms", **world}}


# ---------------------------------------------------------------- payoffs by hand
def test_payoff_closed_form_hand_built_round():
    # one group of 4: e = 20, r = 2 (share = 0.5 * pool), c = 1, f = 3
    w = make_world(4, endowment=20.0, group_size=4, r=2.0, cost=1.0, fine=3.0)
    punish = [
        [1, -1, 0, 1],  # agent 0 punishes 1 (self and the repeat of 1 are ignored)
        [-1, -1, -1, -1],
        [1, 3, -1, -1],  # agent 2 punishes 1 and 3
        [-1, -1, -1, -1],
    ]
    events = play_round(w, [10.0, 0.0, 20.0, 10.0], punish)
    # pool 40 -> share 20 each; pi_i = 20 - c_i + 20 - 1 * given - 3 * received
    np.testing.assert_allclose(w.payoff, [29.0, 34.0, 18.0, 27.0])
    assert w.given.tolist() == [1, 0, 2, 0]
    assert w.received.tolist() == [0, 2, 0, 1]
    sanction = next(e for e in events if e.kind == "sanction")
    assert list(zip(sanction.agent.tolist(), sanction.other.tolist(), strict=True)) == [
        (0, 1),
        (2, 1),
        (2, 3),
    ]
    assert sanction.value.tolist() == [0.0, 0.0, 10.0]  # the targets' contributions
    m = w.step_metrics()
    assert m["contribution"] == pytest.approx(40.0 / 80.0)
    assert m["sanction_rate"] == pytest.approx(0.5)
    assert m["punishments"] == pytest.approx(3 / 4)
    assert m["payoff"] == pytest.approx((29 + 34 + 18 + 27) / 4)


def test_payoffs_two_groups_and_no_cross_group_punishment():
    c = np.array([4.0, 8.0, 0.0, 20.0])
    members = np.array([[0, 1], [2, 3]])
    group_of = np.array([0, 0, 1, 1])
    p, t = valid_punishments(np.array([0, 0, 3, 3]), np.array([1, 2, 2, 3]), group_of)
    assert (p.tolist(), t.tolist()) == ([0, 3], [1, 2])  # 0 -> 2 is another group; 3 -> 3 self
    pay, given, received = payoffs(c, members, group_of, p, t, 20.0, 1.5, 2.0, 5.0)
    # group 0: pool 12 * 1.5 / 2 = 9; group 1: pool 20 * 0.75 = 15
    np.testing.assert_allclose(pay, [20 - 4 + 9 - 2, 20 - 8 + 9 - 5, 20 + 15 - 5, 0 + 15 - 2])
    assert (given.tolist(), received.tolist()) == ([1, 0, 0, 1], [0, 1, 1, 0])


def test_contributions_clipped_and_nan_rejected():
    w = make_world(4, punishment=False)
    play_round(w, [-5.0, 30.0, 5.0, 20.0])
    assert w.contribution.tolist() == [0.0, 20.0, 5.0, 20.0]
    with pytest.raises(ValueError, match="contribute"):
        play_round(w, [np.nan, 1.0, 1.0, 1.0])


# ---------------------------------------------------------------- groups
def test_stranger_regroups_and_partner_keeps_groups():
    w = make_world(40, matching="stranger", group_size=4)
    seen = []
    for _ in range(3):
        play_round(w, np.full(40, 5.0), np.full((40, 4), -1))
        assert sorted(w.members.ravel().tolist()) == list(range(40))
        assert (w.members[w.group_of] == np.arange(40)[:, None]).any(axis=1).all()
        seen.append(w.members.copy())
    assert not np.array_equal(seen[0], seen[1])
    p = make_world(40, matching="partner", group_size=4)
    first = p.members.copy()
    for _ in range(3):
        play_round(p, np.full(40, 5.0), np.full((40, 4), -1))
    assert np.array_equal(first, p.members)


def test_draw_groups_is_a_partition():
    m = draw_groups(12, 3, np.random.default_rng(1))
    assert m.shape == (4, 3) and sorted(m.ravel().tolist()) == list(range(12))


# ---------------------------------------------------------------- rules by hand
def test_conditional_cooperation_without_sanctions_is_rho_times_others():
    c = conditional_contribution(
        np.array([10.0, 4.0]),
        np.array([15.0, 5.0]),
        np.zeros(11),
        endowment=20.0,
        mpcr=0.4,
        fine=3.0,
        slope=0.8,
        alpha=1.0,
        exploration=0.0,
        rng=np.random.default_rng(0),
    )
    np.testing.assert_allclose(c, [12.0, 4.0])


def test_contribution_rises_to_the_cheapest_sanction_free_level():
    # levels 0, 2, ..., 20; contributions below 16 draw one punishment on average
    table = np.where(np.linspace(0, 20, 11) < 16, 1.0, 0.0)
    kw = {"endowment": 20.0, "mpcr": 0.4, "slope": 1.0, "alpha": 1.0, "exploration": 0.0}
    rng = np.random.default_rng(0)
    # b = 10: staying costs f * 1 = 10 > (1 - 0.4) * (16 - 10) = 3.6: go to 16
    high = conditional_contribution(np.zeros(1), np.array([10.0]), table, fine=10.0, rng=rng, **kw)
    # with f = 2: staying costs 2 < 3.6: stay at b = 10
    low = conditional_contribution(np.zeros(1), np.array([10.0]), table, fine=2.0, rng=rng, **kw)
    assert high.tolist() == [16.0] and low.tolist() == [10.0]


def test_punishment_targets_below_norm_minus_margin():
    group = np.array([[0, 1, 2, 3], [0, 1, 2, 3]])
    gc = np.array([[12.0, 7.9, 8.0, 2.0]] * 2)
    out = punishment_targets(
        group, gc, np.array([0, 1]), np.array([True, False]), np.array([10.0, 10.0]), 2.0
    )
    # punisher 0 with norm 10, margin 2: punishes c < 8 -> agents 1 (7.9) and 3 (2.0)
    assert out.tolist() == [[-1, 1, -1, 3], [-1, -1, -1, -1]]


def test_learning_from_public_sanctions():
    c = np.array([0.0, 1.0, 9.0, 10.0, 20.0])
    received = np.array([2, 1, 1, 0, 0])
    s, n = learn_from_sanctions(np.zeros(3), np.zeros(3, np.int64), c, received, 20.0, 0.25)
    # levels 0, 10, 20: agents {0, 1} -> 0, {2, 3} -> 10, {4} -> 20; first observation replaces
    np.testing.assert_allclose(s, [1.5, 0.5, 0.0])
    s, n = learn_from_sanctions(s, n, np.array([0.0, 20.0]), np.array([0, 0]), 20.0, 0.25)
    # second observation: weight max(0.25, 1/2) = 0.5; level 10 unobserved keeps 0.5
    np.testing.assert_allclose(s, [0.75, 0.5, 0.0])
    assert n.tolist() == [2, 1, 2]


def test_public_norm():
    # f * s > (1 - r/g) * e / (K - 1) = 0.6 * 2 = 1.2 at levels 0..14 -> norm 16
    table = np.where(np.linspace(0, 20, 11) < 16, 1.0, 0.0)
    assert public_norm(table, 20.0, 0.4, 3.0) == 16.0
    assert public_norm(table, 20.0, 0.4, 1.0) == 0.0  # fines too small to matter
    assert public_norm(np.zeros(11), 20.0, 0.4, 3.0) == 0.0


# ---------------------------------------------------------------- known regimes
def test_free_riding_decay_closed_form():
    # no noise, no punishment: mean contribution shrinks by 1 - alpha (1 - rho) per round
    n, alpha, rho = 200, 0.5, 0.8
    _, recs = run_steps(
        cfg(n, 0, punishment=False, exploration=0.0, alpha=alpha, slope=rho), 10, seed=4
    )
    rate = np.array([r.metrics["contribution"] for r in recs])
    np.testing.assert_allclose(rate, rate[0] * (1 - alpha * (1 - rho)) ** np.arange(11), rtol=1e-12)


@pytest.mark.parametrize("matching", ["stranger", "partner"])
def test_without_punishment_contributions_fall(matching):
    run = socium.run(cfg(400, 30, punishment=False, matching=matching), seed=2)
    rate = run.metrics["contribution"].to_numpy()
    assert rate[0] > 0.4 and rate[10] < 0.6 * rate[0] and rate[-1] < 0.15
    assert run.final["norm_emerged"] is False
    assert run.final["sanctions_total"] == 0


@pytest.mark.parametrize("matching", ["stranger", "partner"])
def test_strong_punishment_sustains_cooperation(matching):
    strong = socium.run(cfg(400, 40, fine=20.0, matching=matching), seed=2)
    rate = strong.metrics["contribution"].to_numpy()
    assert rate[10:].min() > 0.7
    assert strong.final["norm_emerged"] is True
    assert strong.final["norm"] >= 0.8
    # the same world with a weak fine (still > cost) decays like no punishment
    weak = socium.run(cfg(400, 40, fine=2.0, matching=matching), seed=2)
    assert weak.metrics["contribution"].to_numpy()[-1] < 0.2
    assert weak.final["norm_emerged"] is False


def test_norm_emergence_window():
    # everyone gives e, copies others exactly and never explores: rate 1 from step 0 on
    base = cfg(20, 9, punishment=False, slope=1.0, exploration=0.0, norm_window=10)
    base["population"]["init"] = {"contribution": {"dist": "constant", "value": 20.0}}
    run = socium.run(base, seed=1)
    assert run.final["norm_emerged"] is True and run.final["emergence_step"] == 0
    base["world"]["norm_window"] = 11  # rounds 0..9 are only 10
    run = socium.run(base, seed=1)
    assert run.final["norm_emerged"] is False and run.final["emergence_step"] is None


# ---------------------------------------------------------------- protocol
def test_determinism_and_seeds():
    config = cfg(100, 8, fine=6.0)
    check_determinism(config, steps=8, seed=3)
    _, a = run_steps(config, 5, seed=1)
    _, b = run_steps(config, 5, seed=2)
    assert [r.metrics for r in a] != [r.metrics for r in b]


@pytest.mark.parametrize("matching", ["stranger", "partner"])
def test_checkpoint_round_trip(matching):
    check_world(cfg(100, 12, fine=10.0, matching=matching), steps=12, seed=5)


def test_agent_table_and_actions():
    sim, _ = run_steps(cfg(40, 3), 3)
    table = sim.world.agent_table()
    assert {"contribution", "payoff", "payoff_total", "punisher", "norm"} <= set(table)
    assert all(len(v) == 40 for v in table.values())
    acts = NormsWorld.actions()
    assert list(acts) == ["contribute", "punish"]
    assert acts["contribute"]["properties"]["amount"]["type"] == "number"
    assert acts["punish"]["properties"]["targets"]["items"]["type"] == "integer"


@pytest.mark.parametrize(
    ("world", "n", "field"),
    [
        ({"r": 0.0}, 40, "world.r"),
        ({"fine": -1.0}, 40, "world.fine"),
        ({"cost": -1.0}, 40, "world.cost"),
        ({"fine": 1.0, "cost": 1.0}, 40, "world"),
        ({"group_size": 1}, 40, "world.group_size"),
        ({"matching": "random"}, 40, "world.matching"),
        ({"punishers": 1.5}, 40, "world.punishers"),
        ({"fines": 3.0}, 40, "world.fines"),
        ({}, 42, "population.size"),
    ],
)
def test_bad_config(world, n, field):
    with pytest.raises(ConfigError) as err:
        build_simulation(load_config(cfg(n, 5, **world), {"run.seed": 1}))
    assert str(err.value).startswith(field)


def test_fine_not_above_cost_allowed_without_punishment():
    sim, _ = run_steps(cfg(40, 2, punishment=False, fine=0.0, cost=1.0), 2)
    assert sim.world.final_metrics()["sanctions_total"] == 0


def test_bad_initial_contribution():
    config = cfg(40, 2)
    config["population"]["init"] = {"contribution": {"dist": "constant", "value": 25.0}}
    with pytest.raises(ConfigError, match=r"population\.init\.contribution"):
        build_simulation(load_config(config, {"run.seed": 1}))


def test_plot_written(tmp_path):
    socium.run(cfg(40, 5), seed=1, out=tmp_path / "run")
    assert (tmp_path / "run" / "plots" / "cooperation.png").stat().st_size > 1000
