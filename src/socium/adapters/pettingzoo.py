r"""A PettingZoo ``ParallelEnv`` over a socium simulation, for multi-agent RL.

:func:`parallel_env` builds a :class:`SociumParallelEnv` from a socium config. Each socium agent
``i`` that the RL side controls is the PettingZoo agent ``"agent_i"``. One ``env.step(actions)``
is one engine step, run by :meth:`socium.core.engine.Simulation.advance` itself: the same
schedule, batches, ``observe`` and ``apply`` as :func:`socium.run`, with the RL actions in place
of ``policy.decide`` (a thin :class:`~socium.core.protocol.Policy` that hands the engine the
decoded RL actions). Step counters, convergence and random streams are therefore exactly the
engine's.

A *codec* (:class:`WorldCodec`) translates between one world and RL: the observation and action
spaces, the observation of every agent as one array, the decoding of RL actions into the world's
:class:`~socium.core.batches.ActionBatch`, and the cumulative per-agent score whose increments are
the rewards. :data:`CODECS` maps world names to codec classes; :func:`register_codec` adds one.

Notes
-----
Reward of agent :math:`i` at step :math:`t`: :math:`r_i(t) = S_i(t) - S_i(t-1)`, where
:math:`S_i` is the codec's cumulative score (for ``games``: the agent's total payoff,
``world.agent_table()["score"]``; for ``swarm``: the task's group score ``world.score``,
the same for every agent). An episode lasts ``run.steps`` steps (all agents are then
*truncated*); with ``run.stop_on_convergence = true`` it ends earlier, all agents *terminated*,
at the first step after which the world reports convergence. See ``docs/pettingzoo.md``; the
API is PettingZoo's (Terry et al., "PettingZoo: Gym for multi-agent reinforcement learning",
NeurIPS 2021).

Examples
--------
>>> from socium.adapters.pettingzoo import parallel_env
>>> env = parallel_env({"population": {"size": 2}, "run": {"steps": 3},
...                     "world": {"name": "games"}}, seed=0)
>>> obs, infos = env.reset()
>>> obs, rewards, term, trunc, infos = env.step({"agent_0": 0, "agent_1": 1})
>>> rewards
{'agent_0': 0.0, 'agent_1': 5.0}
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

try:
    import gymnasium
    from gymnasium import spaces
    from pettingzoo import ParallelEnv
except ImportError as exc:  # pragma: no cover - exercised only without the optional extra
    raise ImportError(
        "socium.adapters.pettingzoo needs the optional packages pettingzoo and gymnasium: "
        "pip install 'pettingzoo>=1.24'"
    ) from exc

from socium.core.batches import ActionBatch, ObsBatch
from socium.core.protocol import Policy, World
from socium.errors import ConfigError
from socium.experiment.config import ResolvedConfig, load_config
from socium.experiment.runner import build_simulation

if TYPE_CHECKING:
    from socium.core.engine import Simulation
    from socium.worlds.games import GamesWorld
    from socium.worlds.swarm import SwarmWorld

__all__ = [
    "CODECS",
    "GamesCodec",
    "SociumParallelEnv",
    "SwarmCodec",
    "WorldCodec",
    "codec_for",
    "parallel_env",
    "register_codec",
]


# ---------------------------------------------------------------------------------- codecs
class WorldCodec(ABC):
    """Translate between one socium world and RL spaces (one instance per episode).

    Parameters
    ----------
    world : World
        The freshly built world of the episode.

    Notes
    -----
    Every agent has the same spaces. Arrays passed to and returned by a codec are indexed by
    socium agent id and hold a row for *every* agent of the world (rows of agents the RL side
    does not control are ignored). A codec must not draw random numbers or change the world's
    state in :meth:`observe`, :meth:`scores` or :meth:`render`.
    """

    #: The world's registered name (``World.name``).
    world_name: ClassVar[str] = ""

    def __init__(self, world: World):
        self.world = world
        self.n = int(world.population.size)

    @abstractmethod
    def observation_space(self) -> spaces.Space:
        """A new observation space of one agent (must not depend on the seed)."""

    @abstractmethod
    def action_space(self) -> spaces.Space:
        """A new action space of one agent (must not depend on the seed)."""

    @abstractmethod
    def observe(self) -> np.ndarray:
        """The observation of every agent, stacked: shape ``(n, *observation_space.shape)``."""

    @abstractmethod
    def decode(self, obs: ObsBatch, actions: np.ndarray) -> ActionBatch:
        """The world's actions for the rows of ``obs`` from the stacked RL ``actions``.

        Parameters
        ----------
        obs : ObsBatch
            The batch the engine is deciding (from ``world.observe``).
        actions : numpy.ndarray
            Shape ``(n, *action_space.shape)``: one RL action per socium agent id.
        """

    @abstractmethod
    def scores(self) -> np.ndarray:
        """Cumulative score per agent, float64 of shape ``(n,)``; rewards are its increments."""

    def render(self, max_agents: int = 20) -> list[str]:
        """Lines of text describing the first ``max_agents`` agents (default: none)."""
        return []


class GamesCodec(WorldCodec):
    r"""Codec of the ``games`` world: one move per match, observations of the last two rounds.

    Each agent has ``k`` *slots*, one per match it may play in a step: ``k = N - 1`` with
    ``pairing = "round_robin"`` (slot ``s`` is the match against the ``s``-th other agent in id
    order: opponent ``s`` if ``s < i``, else ``s + 1``), ``k = 1`` with ``pairing = "random"``.

    Action space: ``Discrete(2)`` when ``k = 1`` (0 = C, 1 = D: the game's first and second
    move), else ``MultiDiscrete([2] * k)``, one move per slot. Moves for slots without a match
    this step are ignored.

    Observation space: ``Box`` of shape ``(k, 7)``, float32, one row per slot with columns
    :attr:`COLUMNS`: ``active`` (1 if the slot has a match this step), ``round`` (0-based round
    of that match), ``my_last``, ``my_prev``, ``other_last``, ``other_prev`` (the moves of the
    last two rounds, 0 = C, 1 = D, -1 = none yet) and ``opponent`` (its agent id). An inactive
    slot reads ``[0, 0, -1, -1, -1, -1, -1]``.

    Notes
    -----
    The reward of a step is the sum of the agent's payoffs in the rounds it played in that step
    (the matrix entry ``payoffs[role, my_move, other_move]`` after trembles), i.e. the increment
    of ``world.agent_table()["score"]``. For the classic Prisoner's Dilemma
    (R, S, T, P) = (3, 0, 5, 1) (Axelrod 1984), C against D pays 0 and 5.
    """

    world_name: ClassVar[str] = "games"
    #: Columns of one observation row.
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "active",
        "round",
        "my_last",
        "my_prev",
        "other_last",
        "other_prev",
        "opponent",
    )

    world: GamesWorld

    def __init__(self, world: World):
        super().__init__(world)
        cfg = self.world.config
        self.round_robin = cfg.pairing == "round_robin"
        self.slots = self.n - 1 if self.round_robin else 1
        turns = cfg.match_turns
        self.max_round = np.inf if turns is None else float(turns - 1)
        self._all = np.arange(self.n, dtype=np.int64)

    def observation_space(self) -> spaces.Box:
        """``Box((k, 7), float32)``; see the class docstring."""
        low = np.array([0, 0, -1, -1, -1, -1, -1], np.float32)
        high = np.array([1, self.max_round, 1, 1, 1, 1, self.n - 1], np.float32)
        k = self.slots
        return spaces.Box(np.tile(low, (k, 1)), np.tile(high, (k, 1)), dtype=np.float32)

    def action_space(self) -> spaces.Discrete | spaces.MultiDiscrete:
        """``Discrete(2)`` with one slot, else ``MultiDiscrete([2] * k)``."""
        if self.slots == 1:
            return spaces.Discrete(2)
        return spaces.MultiDiscrete(np.full(self.slots, 2, np.int64))

    def _slot(self, agent: np.ndarray, opponent: np.ndarray) -> np.ndarray:
        if not self.round_robin:
            return np.zeros(agent.shape[0], np.int64)
        return opponent - (opponent > agent)

    def observe(self) -> np.ndarray:
        """Shape ``(n, k, 7)``: every agent's slots for the coming round."""
        out = np.zeros((self.n, self.slots, len(self.COLUMNS)), np.float32)
        out[:, :, 2:] = -1
        # games.batches/observe are pure (no random draws): the same batch the engine will see
        for batch in self.world.batches(self._all):
            obs = self.world.observe(batch)
            a, opp = obs.ids, obs["opponent"]
            out[a, self._slot(a, opp)] = np.column_stack(
                [
                    np.ones(a.shape[0]),
                    obs["round"],
                    obs["my_last"],
                    obs["my_prev"],
                    obs["other_last"],
                    obs["other_prev"],
                    opp,
                ]
            )
        return out

    def decode(self, obs: ObsBatch, actions: np.ndarray) -> ActionBatch:
        """Column ``move`` (int8, 0 = C, 1 = D): each row's slot of its agent's action."""
        moves = np.asarray(actions).reshape(self.n, self.slots)
        a = obs.ids
        move = moves[a, self._slot(a, obs["opponent"])].astype(np.int8)
        return ActionBatch(a, {"move": move}, obs)

    def scores(self) -> np.ndarray:
        """Total payoff per agent over all rounds played (``agent_table()["score"]``)."""
        return np.asarray(self.world.agent_table()["score"], dtype=np.float64)

    def render(self, max_agents: int = 20) -> list[str]:
        """One line per agent: its score and, per active slot, ``opponent:mine/theirs``."""
        obs = self.observe()
        score = self.scores()
        label = np.array([*self.world.game.labels, "-"])
        lines = []
        for i in range(min(self.n, max_agents)):
            rows = obs[i][obs[i, :, 0] > 0]
            parts = [
                f"{int(r[6])}:{label[int(r[2])]}/{label[int(r[4])]}"  # -1 indexes "-"
                for r in rows
            ]
            lines.append(f"agent_{i} score={score[i]:g} last(opp:me/them) " + " ".join(parts))
        if self.n > max_agents:
            lines.append(f"... {self.n - max_agents} more agents")
        return lines


class SwarmCodec(WorldCodec):
    r"""Codec of the ``swarm`` world (SwarmBench tasks): one move per round, no messages.

    Action space: ``Discrete(5)``, the world's move codes 0 = STAY, 1 = UP, 2 = DOWN,
    3 = LEFT, 4 = RIGHT (UP decreases the row); ``Discrete(6)`` in the ``synchronization`` task,
    where 5 = SWITCH flips the agent's light. RL agents send no messages (their ``message`` is
    empty), and the observation holds none of the messages of rule agents.

    Observation space: ``Box`` of shape ``(k * k + h,)``, ``int64``, with ``k`` the view side
    (``world.view``) and ``h`` the memory (``world.memory``):

    * ``obs[:k*k]``: the agent's :math:`k \times k` view, row-major (row 0 is the top, the agent
      itself at the centre ``k*k // 2``), as cell codes 0 = empty, 1 = wall, 2 = agent (light on
      / carrying food), 3 = prey, 4 = box, 5 = food, 6 = nest, 7 = agent (light off / not
      carrying), 8 = exit (transport: cells beyond the board, which read as wall in the
      other tasks), 9 = movable object. An agent that has left the board (transport) sees -1
      everywhere.
    * ``obs[k*k:]``: the agent's last ``h`` moves (codes as the actions), oldest first, the
      newest last; -1 before the first rounds.

    Notes
    -----
    The tasks score the group, so the cumulative score :math:`S_i(t)` of every agent is the
    world's task score ``world.score`` (captures, syncs, deliveries, shape-distance reduction,
    or :math:`\sum (T - t)/T` over escapes), and each agent's reward is the team's score
    increment :math:`r_i(t) = S(t) - S(t-1)`. Observations are read from the world's state
    (board codes, positions, move history): :meth:`observe` draws no random numbers and does not
    render text. Agents that have left the board (transport) stay live until the episode ends;
    their actions are ignored. See SwarmBench (K. Ruan et al., "Benchmarking LLMs' Swarm
    intelligence", arXiv:2505.04364, 2025).
    """

    world_name: ClassVar[str] = "swarm"
    #: Highest cell code of a view (``OBJECT``, a movable obstacle).
    MAX_CODE: ClassVar[int] = 9

    world: SwarmWorld

    def __init__(self, world: World):
        super().__init__(world)
        cfg = self.world.config
        self.k, self.memory = int(cfg.view), int(cfg.memory)
        self.n_moves = 5 + len(self.world.task.extra_moves)

    def observation_space(self) -> spaces.Box:
        """``Box((k * k + h,), int64)``: view codes in [-1, 9], moves in [-1, moves - 1]."""
        kk = self.k * self.k
        high = np.concatenate(
            [np.full(kk, self.MAX_CODE), np.full(self.memory, self.n_moves - 1)]
        ).astype(np.int64)
        return spaces.Box(np.full(kk + self.memory, -1, np.int64), high, dtype=np.int64)

    def action_space(self) -> spaces.Discrete:
        """``Discrete(5)`` (STAY, UP, DOWN, LEFT, RIGHT), ``Discrete(6)`` with SWITCH."""
        return spaces.Discrete(self.n_moves)

    def observe(self) -> np.ndarray:
        """Shape ``(n, k * k + h)``: views then last moves (see the class docstring)."""
        w = self.world
        kk = self.k * self.k
        out = np.full((self.n, kk + self.memory), -1, np.int64)
        on = np.flatnonzero(w.inside)
        if on.size:
            out[on, :kk] = w.views(on).reshape(on.size, kk)
        out[:, kk:] = w.hist_action
        return out

    def decode(self, obs: ObsBatch, actions: np.ndarray) -> ActionBatch:
        """Columns ``move`` (the action, int64) and ``message`` (empty: RL agents are silent)."""
        a = obs.ids
        move = np.asarray(actions).reshape(self.n)[a].astype(np.int64)
        return ActionBatch(a, {"move": move, "message": np.full(a.shape[0], "")}, obs)

    def scores(self) -> np.ndarray:
        """The task's group score ``world.score``, credited to every agent."""
        return np.full(self.n, float(self.world.score))

    def render(self, max_agents: int = 20) -> list[str]:
        """The board (one character per cell, as in the text views) and one line per agent."""
        from socium.worlds.swarm.grid import MOVE_NAMES, SYMBOLS

        w = self.world
        lines = [f"task={w.task.name} score={w.score:g}"]
        lines += ["".join(row) for row in SYMBOLS[w.codes()]]
        for i in range(min(self.n, max_agents)):
            last = int(w.hist_action[i, -1])
            where = f"at {w.pos[i, 0]} {w.pos[i, 1]}" if w.inside[i] else "off the board"
            lines.append(f"agent_{i} {where} last={MOVE_NAMES[last] if last >= 0 else '-'}")
        if self.n > max_agents:
            lines.append(f"... {self.n - max_agents} more agents")
        return lines


#: World name -> codec class. Looked up once per environment (never in the step loop).
CODECS: dict[str, type[WorldCodec]] = {
    GamesCodec.world_name: GamesCodec,
    SwarmCodec.world_name: SwarmCodec,
}


def register_codec(codec: type[WorldCodec], *, replace: bool = False) -> type[WorldCodec]:
    """Register ``codec`` under its ``world_name`` (usable as a class decorator).

    Raises
    ------
    ValueError
        If ``world_name`` is empty, or already registered and ``replace`` is False.
    """
    name = codec.world_name
    if not name:
        raise ValueError("codec.world_name: must name a registered socium world")
    if name in CODECS and not replace and CODECS[name] is not codec:
        raise ValueError(f"codec.world_name: a codec for world {name!r} is already registered")
    CODECS[name] = codec
    return codec


def codec_for(world_name: str) -> type[WorldCodec]:
    """The codec class of ``world_name``.

    Raises
    ------
    ConfigError
        (field ``world.name``) when the world has no codec; the message lists the supported
        worlds.
    """
    try:
        return CODECS[world_name]
    except KeyError:
        raise ConfigError(
            "world.name",
            f"world {world_name!r} has no PettingZoo codec; supported: {', '.join(sorted(CODECS))}",
        ) from None


# ---------------------------------------------------------------------------------- policy
class _RLPolicy(Policy):
    """The engine's policy during an RL episode: decodes the pending RL actions.

    Rows of agents the RL side does not control go to the config's own policy (``base``).
    """

    name = "pettingzoo"

    def __init__(
        self, world: World, codec: WorldCodec, controlled: np.ndarray, base: Policy
    ) -> None:
        super().__init__(world, {}, base.rng)
        self.codec = codec
        self.controlled = controlled
        self.all_controlled = bool(controlled.all())
        self.base = base
        self.pending: np.ndarray | None = None

    def decide(self, obs: ObsBatch) -> ActionBatch:
        if self.pending is None:
            raise RuntimeError("the engine asked for RL actions outside env.step()")
        rl = self.codec.decode(obs, self.pending)
        if self.all_controlled:
            return rl
        mine = self.controlled[obs.ids]
        if mine.all():
            return rl
        base = self.base.decide(obs)
        if not mine.any():
            return base
        columns = dict(base.columns)
        for key, col in rl.columns.items():
            columns[key] = np.where(mine, col, base.columns[key]) if key in columns else col
        return ActionBatch(base.ids, columns, base.obs, base.source)

    def get_state(self) -> dict[str, Any]:
        return self.base.get_state()

    def set_state(self, state: Mapping[str, Any]) -> None:
        self.base.set_state(state)


# ---------------------------------------------------------------------------------- env
class SociumParallelEnv(ParallelEnv):
    """A PettingZoo ``ParallelEnv`` running a socium world; build it with :func:`parallel_env`.

    Parameters
    ----------
    config : path, dict or ResolvedConfig
        A socium config (as for :func:`socium.run`). ``run.steps`` is the episode length.
    seed : int, optional
        Seed of the first episode (default: ``run.seed`` of the config, else fresh entropy).
    agent_ids : sequence of int, optional
        Socium agent ids the RL side controls (default: all). The other agents follow the
        config's ``[policy]`` (the world's rules by default).
    render_mode : {"ansi", "human"}, optional
        ``"ansi"``: :meth:`render` returns text; ``"human"``: it prints it.

    Attributes
    ----------
    possible_agents : list of str
        ``"agent_<id>"`` for each controlled id, in the order of ``agent_ids``.
    agents : list of str
        The live agents (all of ``possible_agents`` during an episode, none after it).
    simulation : Simulation or None
        The running simulation (``None`` before :meth:`reset`).
    """

    metadata: ClassVar[dict[str, Any]] = {
        "render_modes": ["ansi", "human"],
        "name": "socium_v0",
        "is_parallelizable": True,
    }

    def __init__(
        self,
        config: str | Path | Mapping[str, Any] | ResolvedConfig,
        *,
        seed: int | None = None,
        agent_ids: Sequence[int] | None = None,
        render_mode: str | None = None,
    ) -> None:
        cfg = load_config(config)
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode: must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )
        if cfg.run.steps < 1:
            raise ConfigError("run.steps", "must be >= 1 for a PettingZoo episode")
        self._codec_cls = codec_for(cfg.world_name)
        self._cfg = cfg
        self.render_mode = render_mode
        self.metadata = {**type(self).metadata, "name": f"socium_{cfg.world_name}_v0"}
        base = seed if seed is not None else cfg.run.seed
        if base is None:
            base = int(np.random.SeedSequence().entropy % (2**63))  # OS entropy, no global RNG
        self._pending_seed: int | None = int(base)
        self._seeder = np.random.default_rng(int(base))
        # build once to learn the population size and the spaces (they do not depend on seeds)
        sim = self._build(int(base))
        codec = self._codec_cls(sim.world)
        n = codec.n
        self._ids = _agent_ids(agent_ids, n)
        self._controlled = np.zeros(n, bool)
        self._controlled[self._ids] = True
        self._n = n
        self.possible_agents = [f"agent_{i}" for i in self._ids]
        self._index = dict(zip(self.possible_agents, self._ids.tolist(), strict=True))
        self._obs_space = codec.observation_space()
        self._act_space = codec.action_space()
        self.observation_spaces = dict.fromkeys(self.possible_agents, self._obs_space)
        self.action_spaces = dict.fromkeys(self.possible_agents, self._act_space)
        self.agents: list[str] = []
        self._sim: Simulation | None = None
        self._codec: WorldCodec | None = None
        self._policy: _RLPolicy | None = None
        self._scores = np.zeros(n)

    # -- spaces ------------------------------------------------------------------------------
    @functools.cache  # noqa: B019 - PettingZoo requires the identical object
    def observation_space(self, agent: str) -> spaces.Space:
        """The observation space of ``agent`` (the same object on every call)."""
        self._check_name(agent)
        return self._obs_space

    @functools.cache  # noqa: B019 - PettingZoo requires the identical object
    def action_space(self, agent: str) -> spaces.Space:
        """The action space of ``agent`` (the same object on every call)."""
        self._check_name(agent)
        return self._act_space

    @property
    def simulation(self) -> Simulation | None:
        """The running :class:`~socium.core.engine.Simulation` (``None`` before reset)."""
        return self._sim

    # -- episode -----------------------------------------------------------------------------
    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
        """Start an episode: rebuild the simulation from a seed.

        Parameters
        ----------
        seed : int, optional
            The episode's ``run.seed``. Without it, the first episode uses the constructor's
            seed and later ones draw a seed from a generator seeded by the last seed given,
            so a sequence of resets is reproducible.
        options : dict, optional
            Accepted for API compatibility and ignored.

        Returns
        -------
        observations, infos : dict
            Per live agent.
        """
        if seed is not None:
            episode_seed = int(seed)
            self._seeder = np.random.default_rng(episode_seed)
        elif self._pending_seed is not None:
            episode_seed = self._pending_seed
        else:
            episode_seed = int(self._seeder.integers(2**63 - 1))
        self._pending_seed = None
        sim = self._build(episode_seed)
        codec = self._codec_cls(sim.world)
        if codec.n != self._n:
            raise ConfigError(
                "population.size", f"changed from {self._n} to {codec.n} between episodes"
            )
        self._policy = _RLPolicy(sim.world, codec, self._controlled, sim.policy)
        sim.policy = self._policy
        sim.initial_record()  # as run_loop: convergence of the initial state
        self._sim, self._codec = sim, codec
        self._scores = codec.scores().copy()
        self.agents = list(self.possible_agents)
        return self._observations(codec.observe()), {a: {} for a in self.agents}

    def step(
        self, actions: Mapping[str, Any]
    ) -> tuple[
        dict[str, np.ndarray],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        """Play one engine step with the RL ``actions`` (one per live agent).

        Returns
        -------
        observations, rewards, terminations, truncations, infos : dict
            Per agent that was live at the start of the step.

        Raises
        ------
        ValueError
            For an unknown agent name, a live agent without an action, or an action outside
            the action space.
        RuntimeError
            Before :meth:`reset` or after the episode ended.
        """
        sim, codec, policy = self._sim, self._codec, self._policy
        if sim is None or codec is None or policy is None:
            raise RuntimeError("call reset() before step()")
        if not self.agents:
            raise RuntimeError("the episode is over (all agents are done): call reset()")
        policy.pending = self._stack(actions)
        try:
            sim.advance()
        finally:
            policy.pending = None
        scores = codec.scores()
        reward = scores - self._scores
        self._scores = scores
        run = self._cfg.run
        terminated = bool(run.stop_on_convergence and sim.converged_step is not None)
        truncated = not terminated and sim.step >= run.steps
        live = self.agents
        observations = self._observations(codec.observe())
        rewards = {a: float(reward[self._index[a]]) for a in live}
        terms = dict.fromkeys(live, terminated)
        truncs = dict.fromkeys(live, truncated)
        infos: dict[str, dict[str, Any]] = {a: {} for a in live}
        if terminated or truncated:
            self.agents = []
        return observations, rewards, terms, truncs, infos

    def render(self) -> str | None:
        """Text of the current state: the step, the world's step metrics, one line per agent.

        Returns the text with ``render_mode = "ansi"``, prints it with ``"human"``; without a
        render mode it warns and returns ``None``.
        """
        if self.render_mode is None:
            gymnasium.logger.warn("render() called without a render_mode; nothing to render")
            return None
        if self._sim is None or self._codec is None:
            text = f"{self.metadata['name']}: not started (call reset())"
        else:
            sim = self._sim
            metrics = " ".join(f"{k}={v:.4g}" for k, v in sim.world.step_metrics().items())
            lines = [f"{self.metadata['name']} step {sim.step}/{self._cfg.run.steps} {metrics}"]
            text = "\n".join(lines + self._codec.render())
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def close(self) -> None:
        """Drop the simulation; the environment can be reset again."""
        self._sim = self._codec = self._policy = None
        self.agents = []

    # -- helpers -----------------------------------------------------------------------------
    def _build(self, seed: int) -> Simulation:
        sim = build_simulation(load_config(self._cfg, {"run.seed": seed}))
        sim.collect_events = sim.world.collect_events = False
        return sim

    def _check_name(self, agent: str) -> None:
        if agent not in self._index:
            raise ValueError(f"agent: unknown agent {agent!r}; agents are {_names(self)}")

    def _observations(self, stacked: np.ndarray) -> dict[str, np.ndarray]:
        return {a: stacked[self._index[a]] for a in self.agents}

    def _stack(self, actions: Mapping[str, Any]) -> np.ndarray:
        """The RL actions as one array with a row per socium agent (validated)."""
        if not isinstance(actions, Mapping):
            raise TypeError(f"actions: must be a dict agent -> action, got {type(actions)}")
        for name in actions:
            if name not in self._index:
                raise ValueError(f"actions: unknown agent {name!r}; live agents are {_names(self)}")
        live = self.agents
        if len(actions) != len(live):
            missing = next(a for a in live if a not in actions)
            raise ValueError(f"actions: no action for live agent {missing!r}")
        space = self._act_space
        try:
            arr = np.asarray([actions[a] for a in live])
        except ValueError:  # ragged
            arr = None
        if arr is None or not _all_in_space(space, arr):
            for a in live:
                if not space.contains(_as_array(actions[a])):
                    raise ValueError(
                        f"actions[{a!r}]: {actions[a]!r} is not in the action space {space}"
                    )
            if arr is None:
                raise ValueError(f"actions: cannot stack the actions into {space}")
        full = np.zeros((self._n, *arr.shape[1:]), arr.dtype)
        full[self._ids] = arr  # live == possible_agents during an episode (all end together)
        return full


def _as_array(value: Any) -> Any:
    """Lists become arrays (``MultiDiscrete``/``Box`` ``contains`` want arrays); others as is."""
    return np.asarray(value) if isinstance(value, list | tuple) else value


def _all_in_space(space: spaces.Space, arr: np.ndarray) -> bool:
    """Vectorized membership of every row of ``arr`` in ``space`` (False = check one by one)."""
    if isinstance(space, spaces.Discrete):
        return (
            arr.ndim == 1
            and arr.dtype.kind in "iu"
            and bool(((arr >= space.start) & (arr < space.start + space.n)).all())
        )
    if isinstance(space, spaces.MultiDiscrete):
        return (
            arr.shape[1:] == space.shape
            and arr.dtype.kind in "iu"
            and bool(((arr >= space.start) & (arr < space.start + space.nvec)).all())
        )
    if isinstance(space, spaces.Box):
        return (
            arr.shape[1:] == space.shape
            and arr.dtype.kind in "fiu"
            and bool(((arr >= space.low) & (arr <= space.high)).all())
        )
    return False


def _agent_ids(agent_ids: Sequence[int] | None, n: int) -> np.ndarray:
    if agent_ids is None:
        return np.arange(n, dtype=np.int64)
    ids = np.asarray(list(agent_ids))
    if ids.ndim != 1 or ids.size == 0 or ids.dtype.kind not in "iu":
        raise ValueError("agent_ids: must be a non-empty sequence of integer agent ids")
    if (ids < 0).any() or (ids >= n).any():
        raise ValueError(f"agent_ids: ids must lie in 0..{n - 1} (the population size is {n})")
    if np.unique(ids).size != ids.size:
        raise ValueError("agent_ids: ids must be distinct")
    return ids.astype(np.int64)


def _names(env: SociumParallelEnv) -> str:
    names = env.possible_agents
    if len(names) <= 4:
        return ", ".join(names)
    return f"{names[0]}, {names[1]}, ..., {names[-1]} ({len(names)} agents)"


def parallel_env(
    config: str | Path | Mapping[str, Any] | ResolvedConfig,
    *,
    seed: int | None = None,
    agent_ids: Sequence[int] | None = None,
    render_mode: str | None = None,
) -> SociumParallelEnv:
    """A PettingZoo ``ParallelEnv`` over the socium world of ``config``.

    Parameters
    ----------
    config : path, dict or ResolvedConfig
        A socium config whose world has a codec (:data:`CODECS`); ``run.steps`` is the
        episode length.
    seed : int, optional
        Seed of the first episode (default ``run.seed``, else fresh entropy).
    agent_ids : sequence of int, optional
        The socium agents the RL side controls (default all); the others follow ``[policy]``.
    render_mode : {"ansi", "human"}, optional
        How :meth:`SociumParallelEnv.render` shows the text.

    Returns
    -------
    SociumParallelEnv

    Raises
    ------
    ConfigError
        For an invalid config, or a world without a codec (the message lists the supported
        worlds).

    Examples
    --------
    >>> env = parallel_env({"population": {"size": 3}, "run": {"steps": 2},
    ...                     "world": {"name": "games", "pairing": "round_robin"}}, seed=1)
    >>> env.possible_agents
    ['agent_0', 'agent_1', 'agent_2']
    >>> env.action_space("agent_0")
    MultiDiscrete([2 2])
    """
    return SociumParallelEnv(config, seed=seed, agent_ids=agent_ids, render_mode=render_mode)
