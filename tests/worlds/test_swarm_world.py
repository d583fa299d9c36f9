"""The swarm world: views, messages, task scores on scripted rounds, conformance, bad input."""

from pathlib import Path

import numpy as np
import pytest

import socium
from socium.core.batches import ActionBatch, Batch
from socium.core.registry import WORLDS
from socium.errors import ConfigError
from socium.experiment.config import load_config
from socium.experiment.runner import build_simulation
from socium.testing import check_determinism, check_world
from socium.worlds.swarm import SwarmWorld
from socium.worlds.swarm.grid import (
    AGENT,
    DIRS,
    DOWN,
    EMPTY,
    LEFT,
    RIGHT,
    STAY,
    SWITCH,
    UP,
    WALL,
)
from socium.worlds.swarm.metrics import (
    direction_entropy,
    mean_move_length,
    message_similarity,
    shape_distance,
)
from socium.worlds.swarm.tasks import toward

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "swarm"


@pytest.fixture
def swarm():
    """Register the swarm world (the entry point is added by the lead)."""
    added = "swarm" not in WORLDS
    if added:
        WORLDS.register("swarm", SwarmWorld)
    yield SwarmWorld
    if added:
        WORLDS.unregister("swarm")


def make(model, n=4, **world):
    cfg = {"run": {"steps": 10}, "population": {"size": n}, "world": {"name": "swarm"}}
    cfg["world"].update(model=model, **world)
    return build_simulation(load_config(cfg, {"run.seed": 1})).world


def place(w, cells):
    """Move the agents to ``cells`` (row, col), clearing their old cells."""
    w.occ[(w.occ >= 0) & (w.occ < w.n)] = -1
    cells = np.asarray(cells)
    w.pos[:] = cells
    w.occ[cells[:, 0], cells[:, 1]] = np.arange(w.n)


def put_prey(w, r, c):
    w.occ[w.occ == w.task.prey] = -1
    w.occ[r, c] = w.task.prey


def act(w, moves, messages=None):
    ids = np.arange(w.n)
    cols = {"move": np.asarray(moves, dtype=np.int64)}
    if messages is not None:
        cols["message"] = np.asarray(messages, dtype=str)
    return w.apply(ActionBatch(ids, cols))


@pytest.mark.parametrize("config", SwarmWorld.example_configs(), ids=lambda c: c["world"]["model"])
def test_conformance_and_determinism(swarm, config):
    check_world(config, steps=6, seed=1)
    check_determinism(config, steps=6, seed=2)


def test_view_is_k_by_k_around_the_agent_with_walls_outside(swarm):
    w = make("pursuit", n=2, view=5, render_text=True)
    place(w, [[1, 1], [2, 3]])
    put_prey(w, 8, 8)
    obs = w.observe(Batch(np.arange(2)))
    v = obs["view"][0]
    assert v.shape == (5, 5)
    assert (v[:2] == WALL).all() and (v[:, :2] == WALL).all()  # outside + border rows/cols
    assert v[2, 2] == AGENT and v[3, 4] == AGENT  # self, and agent 1 at (+1, +2)
    assert v[2, 3] == EMPTY and v[4, 4] == EMPTY
    assert "@" in obs["text"][0] and obs["text"][0].count("\n") >= 5


def test_messages_next_round_only_in_view_and_limited(swarm):
    w = make("pursuit", n=3, view=3, message_limit=10)
    place(w, [[1, 1], [2, 2], [6, 6]])
    put_prey(w, 8, 1)
    act(w, [STAY] * 3, ["hello there friends", "", "far away"])
    # agent 0's message (cut to 10 chars) reaches 1 (in its 3x3 view) but not 2 nor itself
    assert w.msg_text.tolist() == ["hello ther", "far away"]
    assert w.msg_cut.tolist() == [True, False]
    obs = w.observe(Batch(np.arange(3)))
    inbox = obs["inbox"]
    assert inbox[1].tolist()[:1] == [0] and (inbox[0] < 0).all() and (inbox[2] < 0).all()
    assert "hello ther" in obs["text"][1] and "hello" not in obs["text"][2]
    # next round without messages: inboxes are emptied
    act(w, [STAY] * 3)
    assert (w.inbox < 0).all()
    w2 = make("pursuit", n=3, view=3, message_limit=10, overflow="reject")
    act(w2, [STAY] * 3, ["x" * 11, "ok", ""])
    assert w2.msg_text.tolist() == ["ok"] and w2.rejected == 1


def test_pursuit_capture_scores_and_prey_moves_two_steps(swarm):
    w = make("pursuit", n=4)
    prey = w.task.prey
    place(w, [[3, 4], [5, 4], [4, 2], [4, 5]])
    put_prey(w, 4, 4)
    act(w, [STAY, STAY, RIGHT, STAY])  # agent 2 closes the west side -> surrounded
    assert w.score == 1.0 and w.occ[4, 4] != prey
    # prey in a free area moves exactly prey_steps = 2 cells (Manhattan <= 2, away from agents)
    w = make("pursuit", n=1)
    place(w, [[4, 1]])
    put_prey(w, 4, 5)
    p0 = w.task.prey_pos(w)
    act(w, [STAY])
    d = np.abs(w.task.prey_pos(w) - p0).sum()
    assert 0 < d <= 2 and w.score == 0.0


def test_synchronization_scores_on_each_new_common_state(swarm):
    w = make("synchronization", n=3)
    w.task.light[:] = [True, True, False]
    act(w, [STAY, STAY, SWITCH])  # all on: +1
    assert w.score == 1.0
    act(w, [UP, DOWN, LEFT])  # still all on: no new point
    assert w.score == 1.0
    act(w, [SWITCH, SWITCH, STAY])  # mixed
    act(w, [STAY, STAY, SWITCH])  # all off: +1
    assert w.score == 2.0 and not w.task.light.any()


def test_foraging_pickup_then_delivery(swarm):
    w = make("foraging", n=1, layout="open")
    food, nest = w.task.food, w.task.nest
    # stand next to food (below its lower-left cell, or above if the food is at the bottom)
    fr = food[:, 0].max() + 1 if food[:, 0].max() + 1 < w.height - 1 else food[:, 0].min() - 1
    place(w, [[fr, food[0, 1]]])
    act(w, [STAY])
    assert w.task.carrying[0] and w.score == 0.0
    nr = nest[:, 0].max() + 1 if nest[:, 0].max() + 1 < w.height - 1 else nest[:, 0].min() - 1
    place(w, [[nr, nest[0, 1]]])
    act(w, [STAY])
    assert not w.task.carrying[0] and w.score == 1.0
    act(w, [STAY])  # nothing carried: no point
    assert w.score == 1.0


def test_flocking_score_is_distance_reduction(swarm):
    # shape for 4 agents: side 2, i.e. a 2 x 2 block
    w = make("flocking", n=4)
    place(w, [[2, 2], [2, 3], [3, 2], [3, 5]])
    w.task.d0 = w.task.distance(w)
    assert w.task.d0 == 2  # one agent two cells from the block
    act(w, [STAY, STAY, STAY, LEFT])
    assert w.score == 1.0
    act(w, [STAY, STAY, STAY, LEFT])
    assert w.score == 2.0 and w.task.current == 0
    act(w, [STAY, STAY, STAY, RIGHT])  # moving away keeps the best score
    assert w.score == 2.0
    assert shape_distance(np.array([[0, 0], [0, 3]]), np.array([[0, 0], [0, 1]]))[0] == 2


def test_transport_box_out_then_escape_scores(swarm):
    w = make("transport", n=3, rounds=10, height=8, width=8, gap=2)
    box = w.task.box
    cells = np.argwhere(w.occ == box)
    assert cells[:, 1].tolist() == [5, 6, 5, 6] and cells[:, 0].tolist() == [3, 3, 4, 4]
    place(w, [[3, 4], [4, 4], [4, 3]])
    act(w, [RIGHT, RIGHT, RIGHT])  # three agents (one through a chain): box moves
    assert np.argwhere(w.occ == box)[:, 1].min() == 6
    act(w, [RIGHT, RIGHT, RIGHT])  # half out
    act(w, [RIGHT, RIGHT, RIGHT])  # box gone
    assert not (w.occ == box).any() and w.score == 0.0
    assert w.pos[:, 1].tolist() == [7, 7, 6]  # agents 0, 1 in the gap column
    act(w, [RIGHT, RIGHT, RIGHT])  # agents 0, 1 leave in round 4: 2 * (10 - 4) / 10
    assert w.inside.tolist() == [False, False, True]
    assert w.score == pytest.approx(1.2)
    act(w, [RIGHT, RIGHT, RIGHT])  # agent 2 leaves in round 5: + (10 - 5) / 10
    assert not w.inside.any() and w.score == pytest.approx(1.7)
    # two agents cannot move the box
    w = make("transport", n=2, height=8, width=8)
    place(w, [[3, 4], [4, 4]])
    act(w, [RIGHT, RIGHT])
    assert np.argwhere(w.occ == w.task.box)[:, 1].min() == 5


def test_transport_baseline_lanes_and_no_sideways_shove(swarm):
    w = make("transport", n=4, height=8, width=8, gap=2)  # box rows 3-4, columns 5-6
    place(w, [[3, 4], [2, 4], [4, 2], [5, 4]])
    obs = w.observe(Batch(np.arange(4)))
    # lanes (3, 4), (4, 4), (3, 3), (4, 3); unique optimum of the squared-L1 assignment
    # (total 0 + 4 + 1 + 1 = 6), agent 0 is not sent back in its own lane
    assert obs["goal"].tolist() == [[3, 4], [3, 3], [4, 3], [4, 4]]
    for seed in range(30):
        move = w.task.decide(w, obs, np.random.default_rng(seed))
        assert move[0] == RIGHT  # on its push cell
        assert move[1] in (LEFT, STAY)  # DOWN would shove agent 0 sideways
        assert move[2] in (RIGHT, STAY) and move[3] in (UP, STAY)


def test_transport_baseline_gets_the_box_out(swarm):
    r = socium.run(EXAMPLE / "transport.toml", seed=1)
    assert r.final["box_out"] and r.final["escaped"] > 0
    assert 0.0 < r.final["score"] <= r.final["escaped"]
    out = [socium.run(EXAMPLE / "transport.toml", seed=s).final["box_out"] for s in range(2, 11)]
    assert sum(out) >= 7


@pytest.mark.parametrize("model", ["pursuit", "foraging", "flocking"])
def test_other_baselines_are_greedy_toward_the_goal(swarm, model):
    w = make(model, n=6, layout="open")
    obs = w.observe(Batch(np.arange(6)))
    move = w.task.decide(w, obs, np.random.default_rng(5))
    greedy = toward(obs["pos"], obs["goal"], np.random.default_rng(5))
    # the traffic rules change a move only when its cell holds or may be claimed by an agent
    c = w.config.view // 2
    ahead = obs["view"][np.arange(6), c + DIRS[greedy, 0], c + DIRS[greedy, 1]]
    crowded = np.array(
        [
            (np.abs(w.pos - (w.pos[i] + DIRS[greedy[i]])).sum(axis=1) == 1).sum() > 1
            for i in range(6)
        ]
    )
    calm = (greedy == STAY) | ((ahead == EMPTY) & ~crowded)
    assert calm.any()
    assert move[calm].tolist() == greedy[calm].tolist()


def test_group_metrics_closed_forms():
    assert direction_entropy(np.array([STAY] * 4)) == 0.0
    assert direction_entropy(np.array([UP, DOWN, LEFT, RIGHT])) == 2.0
    assert mean_move_length(np.array([RIGHT, RIGHT])) == 1.0
    assert mean_move_length(np.array([RIGHT, LEFT])) == 0.0
    assert message_similarity(["a b", "a b"]) == 1.0
    assert message_similarity(["a b", "c"]) == 0.0
    assert np.isnan(message_similarity(["only one"]))


@pytest.mark.parametrize(
    ("world", "field"),
    [
        ({"view": 4}, "world.view"),
        ({"model": "herding"}, "world.model"),
        ({"width": 3}, "world.width"),
        ({"overflow": "drop"}, "world.overflow"),
        ({"bogus": 1}, "world.bogus"),
    ],
)
def test_bad_config_names_the_field(swarm, world, field):
    cfg = {"population": {"size": 4}, "world": {"name": "swarm", **world}}
    with pytest.raises(ConfigError) as err:
        build_simulation(load_config(cfg, {"run.seed": 1}))
    assert str(err.value).startswith(field)


def test_too_many_agents_and_bad_moves(swarm):
    with pytest.raises(ConfigError, match=r"population\.size"):
        make("pursuit", n=40, height=6, width=6)
    w = make("pursuit", n=2)
    with pytest.raises(ValueError, match="move"):
        act(w, [SWITCH, STAY])  # SWITCH only in synchronization
