"""The PettingZoo adapter: API conformance, hand-computed payoffs, determinism, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="the PettingZoo adapter needs pettingzoo>=1.24")

from gymnasium import spaces
from pettingzoo.test import parallel_api_test

import socium
import socium.games
from socium.adapters.pettingzoo import CODECS, GamesCodec, SwarmCodec, parallel_env
from socium.errors import ConfigError

# classic Prisoner's Dilemma, PD[my_move, other_move] (R, S, T, P) = (3, 0, 5, 1)
PD = np.array([[3.0, 0.0], [5.0, 1.0]])
C, D = 0, 1
DOCS = Path(__file__).resolve().parents[2] / "docs" / "pettingzoo.md"


def games(size=4, steps=20, **world):
    return {
        "population": {"size": size},
        "run": {"steps": steps},
        "world": {"name": "games", **world},
    }


def slot(i, j):
    """Slot of agent i's match against j in a round robin (hand-coded, see docs)."""
    return j if j < i else j - 1


# ---------------------------------------------------------------------------- API test
@pytest.mark.parametrize(
    "config",
    [
        games(4, 30, pairing="round_robin", turns=7),
        games(5, 30, pairing="random", continuation_probability=0.8, noise=0.1),
        games(2, 12, model="battle_of_the_sexes"),
    ],
    ids=["round_robin", "random_pairing", "two_agents"],
)
def test_parallel_api_test(config):
    env = parallel_env(config, seed=3)
    parallel_api_test(env, num_cycles=50)
    # parallel_api_test does not check that observations lie in their space: do it here
    obs, _ = env.reset(seed=1)
    space = env.observation_space(env.possible_agents[0])
    while env.agents:
        assert all(space.contains(o) for o in obs.values())
        obs, *_ = env.step({a: env.action_space(a).sample() for a in env.agents})
    assert all(space.contains(o) for o in obs.values())


def test_spaces_per_pairing():
    rr = parallel_env(games(4, pairing="round_robin", turns=10), seed=0)
    assert rr.action_space("agent_2") == spaces.MultiDiscrete([2, 2, 2])
    assert rr.observation_space("agent_2").shape == (3, 7)
    assert rr.observation_space("agent_0") is rr.observation_space("agent_0")
    assert float(rr.observation_space("agent_0").high[0, 1]) == 9.0  # last round index
    rp = parallel_env(games(6, pairing="random"), seed=0)
    assert rp.action_space("agent_5") == spaces.Discrete(2)
    assert rp.observation_space("agent_5").shape == (1, 7)
    assert rp.possible_agents == [f"agent_{i}" for i in range(6)]


def test_episode_truncates_after_run_steps():
    env = parallel_env(games(3, steps=4), seed=0)
    env.reset()
    for t in range(1, 5):
        _, rew, term, trunc, _ = env.step({a: [C, C] for a in env.agents})
        assert set(rew) == {"agent_0", "agent_1", "agent_2"}
        assert not any(term.values())
        assert all(trunc.values()) == (t == 4)
    assert env.agents == []
    assert env.simulation.step == 4


# ---------------------------------------------------------------------------- scripted matches
def test_always_c_against_always_d_pays_0_and_5_every_round():
    # 25 steps of 10-round matches: crosses two period boundaries
    env = parallel_env(games(2, steps=25, turns=10), seed=5)
    obs, _ = env.reset()
    assert obs["agent_0"].tolist() == [[1, 0, -1, -1, -1, -1, 1]]
    assert obs["agent_1"].tolist() == [[1, 0, -1, -1, -1, -1, 0]]
    steps = 0
    while env.agents:
        obs, rew, *_ = env.step({"agent_0": C, "agent_1": D})
        assert rew == {"agent_0": 0.0, "agent_1": 5.0}
        steps += 1
    assert steps == 25
    assert env.simulation.world.agent_table()["score"].tolist() == [0.0, 125.0]


def test_scripted_tit_for_tat_against_defector_reproduces_the_match():
    # TFT: C first, then the other's last move; against always-D over 10 rounds:
    # TFT gets S + 9 P = 0 + 9 = 9, the defector T + 9 P = 5 + 9 = 14
    env = parallel_env(games(2, steps=10, turns=10), seed=0)
    obs, _ = env.reset()
    got = {"agent_0": [], "agent_1": []}
    while env.agents:
        last = int(obs["agent_0"][0, 4])  # other_last
        tft = C if last < 0 else last
        obs, rew, *_ = env.step({"agent_0": tft, "agent_1": D})
        for a, r in rew.items():
            got[a].append(r)
    assert got["agent_0"] == [0.0] + [1.0] * 9
    assert got["agent_1"] == [5.0] + [1.0] * 9
    assert (sum(got["agent_0"]), sum(got["agent_1"])) == (9.0, 14.0)
    assert (sum(got["agent_0"]), sum(got["agent_1"])) == socium.games.play_match(
        "tit_for_tat", "defector", 10
    ).scores


def test_round_robin_rewards_follow_the_payoff_matrix():
    n = 4
    env = parallel_env(games(n, steps=8, turns=10), seed=11)
    obs, _ = env.reset()
    gen = np.random.default_rng(0)
    totals = np.zeros(n)
    for _ in range(8):
        moves = gen.integers(0, 2, size=(n, n - 1))
        obs, rew, *_ = env.step({f"agent_{i}": moves[i] for i in range(n)})
        for i in range(n):
            mine = [moves[i, slot(i, j)] for j in range(n) if j != i]
            theirs = [moves[j, slot(j, i)] for j in range(n) if j != i]
            expected = sum(PD[m, o] for m, o in zip(mine, theirs, strict=True))
            assert rew[f"agent_{i}"] == expected
            totals[i] += expected
            # the next observation shows the moves just played, slot by slot
            assert obs[f"agent_{i}"][:, 2].tolist() == mine
            assert obs[f"agent_{i}"][:, 4].tolist() == theirs
    np.testing.assert_array_equal(env.simulation.world.agent_table()["score"], totals)


def test_partial_control_reproduces_the_engine_run():
    # agent 0 (strategy "defector") is played by RL as always-D; the rest follow their rules.
    # With noise and a random strategy, every random stream must line up with socium.run.
    cfg = games(
        4,
        steps=15,
        turns=6,
        strategies=["defector", "tit_for_tat", "random", "grudger"],
        noise=0.1,
    )
    env = parallel_env(cfg, seed=9, agent_ids=[0])
    assert env.possible_agents == ["agent_0"]
    env.reset()
    total = 0.0
    while env.agents:
        _, rew, *_ = env.step({"agent_0": np.array([D, D, D])})
        total += rew["agent_0"]
    reference = socium.run(cfg, seed=9)
    scores = env.simulation.world.agent_table()["score"]
    np.testing.assert_array_equal(scores, reference.agents["score"].to_numpy())
    assert total == scores[0]


def test_partial_control_against_a_rule_cooperator():
    env = parallel_env(games(2, steps=5, strategies=["defector", "cooperator"]), agent_ids=[0])
    env.reset(seed=0)
    _, rew, *_ = env.step({"agent_0": D})
    assert rew == {"agent_0": 5.0}
    _, rew, *_ = env.step({"agent_0": C})
    assert rew == {"agent_0": 3.0}


# ---------------------------------------------------------------------------- determinism
def _episode(env, seed, action_seed):
    gen = np.random.default_rng(action_seed)
    obs, _ = env.reset(seed=seed)
    trace = [np.stack(list(obs.values()))]
    while env.agents:
        obs, rew, *_ = env.step({a: int(gen.integers(2)) for a in env.agents})
        trace.append(np.stack(list(obs.values())))
        trace.append(np.array(list(rew.values())))
    return trace


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_same_seed_same_actions_same_episode():
    cfg = games(7, steps=30, pairing="random", noise=0.2, turns=4)
    first = _episode(parallel_env(cfg), 7, 0)
    env = parallel_env(cfg)
    _episode(env, 123, 1)  # another episode in between must not matter
    assert _same(_episode(env, 7, 0), first)
    # the seed matters: random matchings and trembles differ
    assert not _same(_episode(env, 8, 0), first)


def test_unseeded_resets_follow_the_constructor_seed():
    cfg = games(5, steps=6, pairing="random", noise=0.3)

    def two_episodes(env):
        out = []
        for _ in range(2):
            gen = np.random.default_rng(0)
            env.reset()
            while env.agents:
                _, rew, *_ = env.step({a: int(gen.integers(2)) for a in env.agents})
                out.append(np.array(list(rew.values())))
        return out

    a = two_episodes(parallel_env(cfg, seed=4))
    b = parallel_env(cfg, seed=99)
    b.reset(seed=4)  # reseeding gives the same sequence as constructing with seed=4
    gen = np.random.default_rng(0)
    first = []
    while b.agents:
        _, rew, *_ = b.step({x: int(gen.integers(2)) for x in b.agents})
        first.append(np.array(list(rew.values())))
    rest = two_episodes(b)[: len(first)]  # the next unseeded episode
    assert _same(first, a[: len(first)])
    assert _same(rest, a[len(first) :])


# ---------------------------------------------------------------------------- bad input
@pytest.fixture
def env4():
    env = parallel_env(games(4, steps=5), seed=0)
    env.reset()
    return env


def _ok(env):
    return {a: np.array([C, C, C]) for a in env.agents}


def test_unknown_agent_is_named(env4):
    actions = _ok(env4) | {"agent_9": np.array([C, C, C])}
    with pytest.raises(ValueError, match=r"actions: unknown agent 'agent_9'"):
        env4.step(actions)
    with pytest.raises(ValueError, match="unknown agent 'bob'"):
        env4.action_space("bob")


def test_missing_agent_is_named(env4):
    actions = _ok(env4)
    del actions["agent_2"]
    with pytest.raises(ValueError, match=r"no action for live agent 'agent_2'"):
        env4.step(actions)


@pytest.mark.parametrize(
    "bad", [np.array([C, 2, C]), np.array([C, C]), np.array([0.5, 0, 0]), np.array([-1, 0, 0])]
)
def test_action_outside_the_space_is_named(env4, bad):
    actions = _ok(env4) | {"agent_1": bad}
    with pytest.raises(ValueError, match=r"actions\['agent_1'\]: .* not in the action space"):
        env4.step(actions)
    assert env4.simulation.step == 0  # nothing was played


def test_discrete_action_out_of_range():
    env = parallel_env(games(2, steps=3), seed=0)
    env.reset()
    with pytest.raises(ValueError, match=r"actions\['agent_0'\]: 2 is not in"):
        env.step({"agent_0": 2, "agent_1": 0})


def test_step_outside_an_episode():
    env = parallel_env(games(2, steps=1), seed=0)
    with pytest.raises(RuntimeError, match="reset"):
        env.step({"agent_0": 0, "agent_1": 0})
    env.reset()
    env.step({"agent_0": 0, "agent_1": 0})
    with pytest.raises(RuntimeError, match="episode is over"):
        env.step({"agent_0": 0, "agent_1": 0})


def test_world_without_codec_lists_supported():
    cfg = {
        "run": {"steps": 3},
        "population": {"size": 20},
        "world": {"name": "flocking", "model": "vicsek", "eta": 1.0, "density": 2.0},
    }
    with pytest.raises(ConfigError, match=r"world.name: .*'flocking'.*supported: games"):
        parallel_env(cfg)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agent_ids": [0, 4]}, r"agent_ids: ids must lie in 0\.\.3"),
        ({"agent_ids": [1, 1]}, "agent_ids: ids must be distinct"),
        ({"agent_ids": []}, "agent_ids: must be a non-empty"),
        ({"render_mode": "rgb_array"}, "render_mode: must be one of"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        parallel_env(games(4), seed=0, **kwargs)


def test_zero_steps_is_a_config_error():
    with pytest.raises(ConfigError, match=r"run\.steps"):
        parallel_env(games(2, steps=0))


# ---------------------------------------------------------------------------- render, registry
def test_render_ansi_shows_scores_and_moves():
    env = parallel_env(games(2, steps=3), seed=0, render_mode="ansi")
    env.reset()
    env.step({"agent_0": C, "agent_1": D})
    text = env.render()
    assert "step 1/3" in text
    assert "agent_0 score=0 last(opp:me/them) 1:C/D" in text
    assert "agent_1 score=5 last(opp:me/them) 0:D/C" in text
    env.close()
    assert env.simulation is None and env.agents == []


def test_codec_registry_holds_classes():
    assert CODECS["games"] is GamesCodec
    assert CODECS["swarm"] is SwarmCodec


# ---------------------------------------------------------------------------- swarm world
# move codes of the swarm world (see docs/pettingzoo.md)
STAY, UP, DOWN, LEFT, RIGHT, SWITCH = range(6)
# cell codes
AGENT_CELL, BOX_CELL, AGENT_OFF, EXIT_CELL = 2, 4, 7, 8


def swarm(task="transport", size=3, steps=10, **world):
    return {
        "population": {"size": size},
        "run": {"steps": steps},
        "world": {"name": "swarm", "model": task, "rounds": steps, **world},
    }


def place(world, cells):
    """Move the agents to ``cells`` (row, column), one per agent, by hand."""
    cells = np.asarray(cells)
    world.occ[world.pos[:, 0], world.pos[:, 1]] = -1
    world.pos[:] = cells
    world.occ[cells[:, 0], cells[:, 1]] = np.arange(len(cells))


@pytest.mark.parametrize(
    "config",
    [swarm("transport", 6, 30), swarm("synchronization", 5, 30, view=3, memory=2)],
    ids=["transport", "synchronization"],
)
def test_swarm_parallel_api_test(config):
    env = parallel_env(config, seed=3)
    parallel_api_test(env, num_cycles=50)
    obs, _ = env.reset(seed=1)
    space = env.observation_space(env.possible_agents[0])
    while env.agents:
        assert all(space.contains(o) for o in obs.values())
        obs, *_ = env.step({a: env.action_space(a).sample() for a in env.agents})
    assert all(space.contains(o) for o in obs.values())


def test_swarm_spaces_and_observation_layout():
    env = parallel_env(swarm("transport", 3, view=5, memory=3), seed=0)
    assert env.action_space("agent_0") == spaces.Discrete(5)
    assert env.observation_space("agent_0").shape == (5 * 5 + 3,)
    sync = parallel_env(swarm("synchronization", 4, view=3, memory=2), seed=0)
    assert sync.action_space("agent_3") == spaces.Discrete(6)  # + SWITCH
    assert sync.observation_space("agent_3").shape == (3 * 3 + 2,)
    obs, _ = env.reset()
    world = env.simulation.world
    for i in range(3):
        o = obs[f"agent_{i}"]
        r, c = world.pos[i]
        # the 5 x 5 window of the board around the agent, row-major; in transport the
        # cells beyond the board read as exit
        board = np.pad(world.codes(), 2, constant_values=EXIT_CELL)
        np.testing.assert_array_equal(o[:25], board[r : r + 5, c : c + 5].ravel())
        assert o[12] == AGENT_CELL  # the centre is the agent itself
        assert o[25:].tolist() == [-1, -1, -1]  # no moves yet
    moves = [STAY, UP, LEFT, DOWN]
    for m in moves:
        obs, *_ = env.step(dict.fromkeys(env.agents, m))
    assert all(o[25:].tolist() == moves[1:] for o in obs.values())  # last 3, oldest first


def test_swarm_three_agents_push_the_box_one_cell_east():
    # 10 x 10 board, gap of 2 in the east wall: rows 4, 5; the box covers rows 4-5, cols 7-8.
    env = parallel_env(swarm("transport", 3), seed=0)
    env.reset()
    world = env.simulation.world
    box = np.argwhere(world.occ == world.task.box).tolist()
    assert box == [[4, 7], [4, 8], [5, 7], [5, 8]]
    # agents 0 and 1 touch the box, agent 2 is behind agent 0
    place(world, [(4, 6), (5, 6), (4, 5)])
    # two pushers: force 2 * 2 = 4 < box mass 5, nothing moves
    _, rew, *_ = env.step({"agent_0": RIGHT, "agent_1": RIGHT, "agent_2": STAY})
    assert np.argwhere(world.occ == world.task.box).tolist() == box
    assert world.pos.tolist() == [[4, 6], [5, 6], [4, 5]]
    assert rew == dict.fromkeys(env.possible_agents, 0.0)
    # three pushers: 3 * 2 = 6 >= 5, box and agents move one cell east
    obs, rew, *_ = env.step(dict.fromkeys(env.agents, RIGHT))
    assert np.argwhere(world.occ == world.task.box).tolist() == [[4, 8], [4, 9], [5, 8], [5, 9]]
    assert world.pos.tolist() == [[4, 7], [5, 7], [4, 6]]
    assert rew == dict.fromkeys(env.possible_agents, 0.0)  # nobody has left yet
    # agent 0's view: the box to its east (centre 12, east 13), agent 2 to its west
    assert obs["agent_0"][13] == BOX_CELL and obs["agent_0"][11] == AGENT_CELL
    assert obs["agent_0"][-2:].tolist() == [RIGHT, RIGHT]


def test_swarm_escape_is_credited_to_every_agent():
    # T = rounds = 10; leaving in round 1 scores (T - 1) / T = 0.9 for the team
    env = parallel_env(swarm("transport", 3, steps=10), seed=0)
    env.reset()
    world = env.simulation.world
    world.occ[world.occ == world.task.box] = -1  # the box is already out
    place(world, [(4, 9), (2, 2), (7, 2)])  # agent 0 stands in the gap
    obs, rew, *_ = env.step({"agent_0": RIGHT, "agent_1": STAY, "agent_2": STAY})
    assert rew == dict.fromkeys(env.possible_agents, 0.9)
    assert not world.inside[0] and world.inside[1:].all()
    assert obs["agent_0"][:25].tolist() == [-1] * 25  # off the board: no view
    assert obs["agent_0"][-1] == RIGHT
    assert obs["agent_1"][12] == AGENT_CELL
    # agent 0 stays live until the episode ends; its actions are ignored
    assert env.agents == env.possible_agents
    _, rew, *_ = env.step({"agent_0": LEFT, "agent_1": STAY, "agent_2": STAY})
    assert rew == dict.fromkeys(env.possible_agents, 0.0)
    assert not world.inside[0]


def test_swarm_synchronization_scores_once_per_new_state():
    env = parallel_env(swarm("synchronization", 3), seed=0)
    env.reset()
    task = env.simulation.world.task
    task.light[:] = [True, False, False]
    task.last_sync = -1
    obs, rew, *_ = env.step({"agent_0": SWITCH, "agent_1": STAY, "agent_2": STAY})
    assert rew == dict.fromkeys(env.possible_agents, 1.0)  # all off: +1 for the team
    assert all(o[12] == AGENT_OFF for o in obs.values())  # own light off at the centre
    _, rew, *_ = env.step(dict.fromkeys(env.agents, STAY))
    assert rew == dict.fromkeys(env.possible_agents, 0.0)  # still all off: no new point
    _, rew, *_ = env.step(dict.fromkeys(env.agents, SWITCH))
    assert rew == dict.fromkeys(env.possible_agents, 1.0)  # all on: the opposite state scores
    assert env.simulation.world.score == 2.0


def _swarm_episode(env, seed, action_seed):
    gen = np.random.default_rng(action_seed)
    obs, _ = env.reset(seed=seed)
    trace = [np.stack(list(obs.values()))]
    while env.agents:
        obs, rew, *_ = env.step({a: int(gen.integers(5)) for a in env.agents})
        trace.append(np.stack(list(obs.values())))
        trace.append(np.array(list(rew.values())))
    return trace


def test_swarm_same_seed_same_actions_same_episode():
    cfg = swarm("pursuit", 6, steps=25)
    first = _swarm_episode(parallel_env(cfg), 7, 0)
    env = parallel_env(cfg)
    _swarm_episode(env, 123, 1)
    assert _same(_swarm_episode(env, 7, 0), first)
    assert not _same(_swarm_episode(env, 8, 0), first)  # the board is the seed's


def test_swarm_rl_agents_send_no_messages():
    env = parallel_env(swarm("pursuit", 4, message_rate=1.0), seed=0, agent_ids=[0, 1])
    env.reset()
    for _ in range(3):
        env.step({"agent_0": UP, "agent_1": DOWN})
    world = env.simulation.world
    # the two rule agents always speak (message_rate = 1), the RL agents never
    assert sorted(set(world.msg_sender.tolist())) == [2, 3]
    assert len(world.msg_text) == 2 * 3


@pytest.mark.parametrize(
    ("task", "bad"), [("transport", SWITCH), ("transport", -1), ("synchronization", 6)]
)
def test_swarm_action_outside_the_space_is_named(task, bad):
    env = parallel_env(swarm(task, 3), seed=0)
    env.reset()
    actions = {"agent_0": STAY, "agent_1": bad, "agent_2": UP}
    with pytest.raises(ValueError, match=rf"actions\['agent_1'\]: {bad} is not in the action"):
        env.step(actions)
    assert env.simulation.step == 0


# ---------------------------------------------------------------------------- docs example
def test_docs_random_policy_loop(capsys):
    text = DOCS.read_text()
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None, "docs/pettingzoo.md lost its python example"
    ns: dict = {}
    exec(compile(block.group(1), str(DOCS), "exec"), ns)
    assert ns["steps"] == 20
    totals = np.array([ns["totals"][f"agent_{i}"] for i in range(4)])
    np.testing.assert_array_equal(totals, ns["scores"])
    # 20 rounds against each of 3 opponents, every payoff in [0, 5]
    assert totals.min() >= 0.0 and totals.max() <= 5.0 * 20 * 3
    assert capsys.readouterr().out.startswith("20 ")
