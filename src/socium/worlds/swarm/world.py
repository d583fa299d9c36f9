r"""The swarm world: SwarmBench's grid tasks with local views, local messages and push physics.

One step is one round. Every agent on the board observes its :math:`k \times k` view (plus its
last ``memory`` views and actions and the messages delivered to it), chooses a move (UP, DOWN,
LEFT, RIGHT, STAY; SWITCH in synchronization) and optionally an anonymous message. Moves are
resolved at once by :func:`~socium.worlds.swarm.physics.resolve_pushes`; then the task scores
the round (:mod:`socium.worlds.swarm.tasks`) and messages are delivered for the next round.
See ``docs/worlds/swarm.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import ScheduleSpec, SynchronousSpec
from socium.errors import ConfigError
from socium.worlds.swarm import llm
from socium.worlds.swarm.boards import object_mass, parse_board, scatter_objects
from socium.worlds.swarm.config import SwarmConfig
from socium.worlds.swarm.grid import (
    DIRS,
    EMPTY,
    MOVE_NAMES,
    OBJECT,
    STAY,
    SWITCH,
    local_views,
    render_view,
)
from socium.worlds.swarm.metrics import (
    adjacency,
    adjacency_persistence,
    direction_entropy,
    mean_move_length,
    message_similarity,
    stay_share,
)
from socium.worlds.swarm.paths import GridPaths, floor_paths
from socium.worlds.swarm.physics import apply_shifts, resolve_pushes
from socium.worlds.swarm.tasks import TASKS, Task

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["SwarmWorld"]

#: A custom transport map: an L-shaped object (mass 1) and a 2 x 2 one (mass 2) in the way.
CUSTOM = [
    "WWWWWWWWWW",
    "W........W",
    "W..O.....W",
    "W..OO....W",
    "W.....BB..",
    "W..WW.BB..",
    "W..WW.OO.W",
    "W.....OO.W",
    "W........W",
    "WWWWWWWWWW",
]

#: Meaning of the view symbols, for the rendered text.
_LEGEND = (
    ". floor, W wall, A agent, a agent (light off / not carrying), P prey, B box, F food, "
    "N nest, * outside, O object"
)

_GROUP = ("direction_entropy", "stay_share", "move_length", "persistence", "message_similarity")

_METRICS = {
    "score": "task score at the end (see docs: captures, syncs, deliveries, shape-distance "
    "reduction, or sum of (T - t)/T over escapes)",
    "rounds": "rounds played",
    "direction_entropy": "mean over rounds of the entropy (bits) of the chosen moves",
    "stay_share": "mean over rounds of the share of agents that did not move (STAY/SWITCH)",
    "move_length": "mean over rounds of the length of the mean chosen move vector",
    "persistence": "mean over rounds of the share of adjacent pairs still adjacent",
    "message_similarity": "mean over rounds of the mean pairwise Jaccard similarity of messages",
    "cells_explored": "share of floor cells visited by at least one agent",
    "messages_sent": "messages accepted into the message table",
    "messages_truncated": "messages cut to message_limit characters",
    "messages_rejected": "messages dropped for being longer than message_limit",
    "on_board": "agents still on the board",
}


class SwarmWorld(World):
    r"""SwarmBench's five coordination tasks on a 2-D grid with walls.

    Parameters
    ----------
    config : SwarmConfig
        The ``[world]`` section.
    population : Population
        The agents (``population.size``, SwarmBench default 10); no fields are read.
    network : None
        Unused: who hears whom is given by the views.
    rng : numpy.random.Generator
        World stream: the board, the prey's ties, respawns.

    Notes
    -----
    Group metrics of a round with chosen moves :math:`v_i` (unit steps, 0 for STAY):
    direction entropy :math:`H = -\sum_m p_m\log_2 p_m`, STAY share, polarization
    :math:`\lVert\bar v\rVert`, adjacency persistence :math:`|E_{t-1}\cap E_t|/|E_{t-1}|`
    (8-neighbourhood) and message similarity (mean pairwise Jaccard of token sets); see
    :mod:`socium.worlds.swarm.metrics`.

    References
    ----------
    K. Ruan et al., "Benchmarking LLMs' Swarm intelligence", arXiv:2505.04364 (2025).
    """

    name: ClassVar[str] = "swarm"
    version: ClassVar[int] = 2
    Config: ClassVar[type[SwarmConfig]] = SwarmConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = "Swarm: SwarmBench grid tasks with local views, messages and pushing"
    metric_descriptions = _METRICS
    action_specs = (llm.Act,)
    #: An unusable LLM answer stays put and says nothing (SwarmBench's parse-failure move).
    fallback_action = "stay"
    model_names = tuple(TASKS)

    config: SwarmConfig

    def __init__(
        self,
        config: SwarmConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        self.n = n = population.size
        self.height, self.width = config.height, config.width
        floor = (config.height - 2) * (config.width - 2)
        if n < 1 or n > floor // 2:
            raise ConfigError("population.size", f"must be in [1, {floor // 2}] on this grid")
        self.terrain = np.zeros((self.height, self.width), dtype=np.int8)
        self.occ = np.full((self.height, self.width), -1, dtype=np.int64)
        self.pos = np.zeros((n, 2), dtype=np.int64)
        self.inside = np.ones(n, dtype=bool)
        self.mass = np.full(n, config.agent_mass)
        self.static = np.zeros(n, dtype=bool)
        self.body_code = np.zeros(0, dtype=np.int8)
        self._menu: ActionMenu | None = None
        self.score = 0.0
        self.round = 0
        self.task: Task = TASKS[config.model]()
        self.task.setup(self, rng)
        #: Shortest paths on the static board (``None`` without interior walls).
        self.paths: GridPaths | None = floor_paths(self.terrain)
        k, h = config.view, config.memory
        self.visits = np.zeros((self.height, self.width), dtype=np.int64)
        np.add.at(self.visits, (self.pos[:, 0], self.pos[:, 1]), 1)
        self.adj = adjacency(self.pos)
        self.hist_view = np.full((n, h, k, k), -1, dtype=np.int8)
        self.hist_action = np.full((n, h), -1, dtype=np.int64)
        self.msg_text = np.zeros(0, dtype=f"<U{config.message_limit}")
        self.msg_sender = np.zeros(0, dtype=np.int64)
        self.msg_round = np.zeros(0, dtype=np.int64)
        self.msg_cut = np.zeros(0, dtype=bool)
        self.inbox = np.full((n, max(n - 1, 1)), -1, dtype=np.int64)
        self.rejected = 0
        self.last = np.full(len(_GROUP), np.nan)
        self.sums = np.zeros(len(_GROUP))
        self.counts = np.zeros(len(_GROUP), dtype=np.int64)

    def add_body(
        self, cells: np.ndarray, code: int, mass: float | None = None, static: bool = False
    ) -> int:
        r"""Add an object covering ``cells`` and shown as ``code``; returns its body id.

        ``mass`` defaults to :math:`\lfloor\sqrt{c}\rfloor` for :math:`c` cells
        (:func:`~socium.worlds.swarm.boards.object_mass`).
        """
        b = len(self.mass)
        cells = np.asarray(cells, dtype=np.int64).reshape(-1, 2)
        self.occ[cells[:, 0], cells[:, 1]] = b
        self.mass = np.append(self.mass, object_mass(len(cells)) if mass is None else float(mass))
        self.static = np.append(self.static, bool(static))
        self.body_code = np.append(self.body_code, np.int8(code))
        return b

    def add_objects(self, rng: np.random.Generator, reserved: np.ndarray) -> None:
        """The movable objects: a custom map's ``O`` components, then ``objects`` random ones
        on free cells outside ``reserved`` (:func:`~socium.worlds.swarm.boards.scatter_objects`)."""
        cfg = self.config
        shapes = parse_board(cfg.board).objects if cfg.board is not None else []
        if cfg.objects:
            free = (self.terrain == EMPTY) & (self.occ < 0) & ~reserved
            shapes += scatter_objects(free, cfg.objects, cfg.object_cells, rng)
        for cells in shapes:
            self.add_body(cells, OBJECT)

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: all agents act every round."""
        return SynchronousSpec()

    # ------------------------------------------------------------------ views
    def codes(self) -> np.ndarray:
        """``(H, W)`` view codes of the whole board."""
        codes = self.terrain.copy()
        body = np.concatenate([self.task.agent_codes(self), self.body_code])
        m = self.occ >= 0
        codes[m] = body[self.occ[m]]
        return codes

    def views(self, ids: np.ndarray) -> np.ndarray:
        """``(n, k, k)`` current views of agents ``ids`` (beyond the board: wall or exit)."""
        return local_views(self.codes(), self.pos[ids], self.config.view, self.task.outside)

    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """One batch: the scheduled agents still on the board."""
        ids = np.asarray(ids, dtype=np.int64)
        yield Batch(ids[self.inside[ids]])

    def observe(self, batch: Batch) -> ObsBatch:
        """Columns ``view`` (k x k codes), ``pos``, ``goal`` (rule baseline target, -1 none),
        ``history_view``, ``history_action``, ``inbox`` (message ids, -1 padded), task columns
        (``light``, ``carrying``) and, with ``render_text``, ``text``."""
        ids = batch.ids
        cols: dict[str, np.ndarray] = {
            "view": self.views(ids),
            "pos": self.pos[ids].copy(),
            "goal": self.task.goal(self, ids),
            "history_view": self.hist_view[ids].copy(),
            "history_action": self.hist_action[ids].copy(),
            "inbox": self.inbox[ids].copy(),
        }
        cols.update(self.task.columns(self, ids))
        if self.config.render_text:
            cols["text"] = self.render(ids, cols["view"])
        return ObsBatch(ids, cols, batch)

    def render(self, ids: np.ndarray, views: np.ndarray, with_task: bool = True) -> np.ndarray:
        """The observation as text (one Python string per agent): the task (unless
        ``with_task`` is False: LLM policies get it in the instructions), round and score, the
        view as a text grid, the messages heard and the agent's last moves."""
        cfg = self.config
        moves = ", ".join(MOVE_NAMES[m] for m in (1, 2, 3, 4, 0, *self.task.extra_moves))
        legend = _LEGEND
        if (self.body_code == OBJECT).any():
            legend += (
                "; O is a movable object of c cells and mass floor(sqrt(c)): it moves when "
                "pushed with force at least its mass (each pushing agent adds 2)"
            )
        out = []
        for j, i in enumerate(ids):
            msgs = [self.msg_text[m] for m in self.inbox[i] if m >= 0]
            past = [MOVE_NAMES[a] for a in self.hist_action[i] if a >= 0]
            out.append(
                (f"Task: {self.task.description}\n" if with_task else "")
                + f"Round {self.round + 1} of {cfg.rounds}. Score {self.score:g}.\n"
                f"Your {cfg.view}x{cfg.view} view (you are @; {legend}):\n"
                f"{render_view(views[j])}\n"
                f"Messages heard: {' | '.join(msgs) if msgs else 'none'}\n"
                f"Your last actions: {', '.join(past) if past else 'none'}\n"
                f"Choose a move ({moves}) and optionally a message of at most "
                f"{cfg.message_limit} characters."
            )
        return np.array(out, dtype=str)

    # ------------------------------------------------------------------ LLM interface
    def action_menu(self) -> ActionMenu:
        """``act``: the task's moves and the message limit (built once per world)."""
        if self._menu is None:
            self._menu = llm.make_menu(self)
        return self._menu

    def llm_instructions(self) -> str:
        """Board symbols, push physics, message rules and the task."""
        return llm.instructions(self)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Round, score, the view as a text grid, messages heard and last moves."""
        return [str(t) for t in self.render(obs.ids, np.asarray(obs["view"]), with_task=False)]

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """``move`` and ``message`` columns, as :meth:`rule_decide`; ``None`` stays silent."""
        return llm.decode_actions(self, obs, decisions)

    # ------------------------------------------------------------------ decide / apply
    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The task's baseline (:meth:`Task.decide`); with probability ``message_rate`` an
        agent broadcasts its status text."""
        move = self.task.decide(self, obs, rng)
        speak = rng.random(len(obs)) < self.config.message_rate
        status = self.task.status(self, obs.ids)
        message = np.where(speak, status, "").astype(str)
        return ActionBatch(obs.ids, {"move": move.astype(np.int64), "message": message}, obs)

    def apply(self, actions: ActionBatch) -> list[EventBatch]:
        """Pushes, messages, the task's scoring, and the round's group metrics."""
        cfg = self.config
        ids = np.asarray(actions.ids, dtype=np.int64)
        moves = np.asarray(actions["move"], dtype=np.int64)
        allowed = [0, 1, 2, 3, 4, *self.task.extra_moves]
        if not np.isin(moves, allowed).all():
            raise ValueError(f"move must be one of {allowed} (STAY, UP, DOWN, LEFT, RIGHT...)")
        keep = self.inside[ids]  # agents that left the board no longer act
        ids, moves = ids[keep], moves[keep]
        message = actions.columns.get("message")
        message = None if message is None else np.asarray(message)[keep]
        t = self.round + 1
        views = self.views(ids)
        self.task.before_moves(self, ids, moves)
        choice = np.zeros(len(self.mass), dtype=np.int64)
        choice[ids] = np.where(moves == SWITCH, STAY, moves)
        force = np.zeros(len(self.mass))
        force[: self.n] = cfg.agent_force
        shift = resolve_pushes(
            self.occ, self.terrain != EMPTY, self.mass, self.static, choice, force
        )
        self.occ, left = apply_shifts(self.occ, shift)
        on = self.inside.copy()
        self.pos[on] += DIRS[shift[: self.n][on]]
        self.inside &= left[: self.n] == 0
        _h, _w = self.occ.shape
        stay = self.inside
        np.add.at(self.visits, (self.pos[stay, 0], self.pos[stay, 1]), 1)
        # history
        self.hist_view[ids] = np.concatenate([self.hist_view[ids, 1:], views[:, None]], axis=1)
        self.hist_action[ids] = np.concatenate([self.hist_action[ids, 1:], moves[:, None]], 1)
        # messages
        sent, texts = self._messages(ids, message, t)
        events = self.task.update(self, t)
        # group metrics
        adj = adjacency(self.pos) & self.inside[:, None] & self.inside[None, :]
        self.last = np.array(
            [
                direction_entropy(moves),
                stay_share(moves),
                mean_move_length(moves),
                adjacency_persistence(self.adj, adj),
                message_similarity(texts),
            ]
        )
        self.adj = adj
        ok = np.isfinite(self.last)
        self.sums[ok] += self.last[ok]
        self.counts += ok
        self.round = t
        if not self.collect_events:
            return [EventBatch.empty()]
        out = [EventBatch.make("move", ids, value=moves.astype(float))]
        if len(sent):
            out.append(EventBatch.make("message", self.msg_sender[sent], value=sent.astype(float)))
        return out + events

    def _messages(self, ids, column, t):
        """Store this round's messages and fill every agent's inbox for the next round."""
        cfg = self.config
        self.inbox[:] = -1
        if column is None:
            return np.zeros(0, np.int64), []
        text = np.asarray(column, dtype=str)
        speak = np.char.str_len(text) > 0
        too_long = np.char.str_len(text) > cfg.message_limit
        if cfg.overflow == "reject":
            self.rejected += int((speak & too_long).sum())
            speak &= ~too_long
        senders, kept = ids[speak], text[speak]
        start = len(self.msg_text)
        self.msg_text = np.concatenate([self.msg_text, kept.astype(self.msg_text.dtype)])
        self.msg_sender = np.concatenate([self.msg_sender, senders])
        self.msg_round = np.concatenate([self.msg_round, np.full(len(senders), t)])
        self.msg_cut = np.concatenate([self.msg_cut, too_long[speak]])
        sent = np.arange(start, start + len(senders))
        # delivery: to other agents on the board whose view holds the sender (after the moves)
        live = self.inside[senders]
        sent_live, s_live = sent[live], senders[live]
        if len(s_live):
            r = cfg.view // 2
            dist = np.abs(self.pos[s_live][:, None, :] - self.pos[None, :, :]).max(axis=2)
            hear = (dist <= r) & self.inside[None, :] & (s_live[:, None] != np.arange(self.n))
            slot = np.cumsum(hear, axis=0) - 1
            m, j = np.nonzero(hear)
            self.inbox[j, slot[m, j]] = sent_live[m]
        return sent, [str(x) for x in self.msg_text[sent]]

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        """``score``, the round's group metrics (NaN before the first round), the share of
        floor cells explored and the agents on the board."""
        out = {"score": float(self.score)}
        out.update({k: float(v) for k, v in zip(_GROUP, self.last, strict=True)})
        out["cells_explored"] = self._explored()
        out["on_board"] = float(self.inside.sum())
        return out

    def _explored(self) -> float:
        floor = self.terrain == EMPTY
        return float(((self.visits > 0) & floor).sum() / max(floor.sum(), 1))

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/swarm.md``)."""
        means = np.where(self.counts > 0, self.sums / np.maximum(self.counts, 1), np.nan)
        out: dict[str, Any] = {"score": float(self.score), "rounds": int(self.round)}
        out.update({k: float(v) for k, v in zip(_GROUP, means, strict=True)})
        out["cells_explored"] = self._explored()
        out["messages_sent"] = len(self.msg_text)
        out["messages_truncated"] = int(self.msg_cut.sum())
        out["messages_rejected"] = int(self.rejected)
        out["on_board"] = int(self.inside.sum())
        out.update(self.task.final(self))
        return out

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Board, bodies, agents, histories, message table and inboxes, counters, task state."""
        return {
            "terrain": self.terrain.copy(),
            "occ": self.occ.copy(),
            "pos": self.pos.copy(),
            "inside": self.inside.copy(),
            "mass": self.mass.copy(),
            "static": self.static.copy(),
            "body_code": self.body_code.copy(),
            "visits": self.visits.copy(),
            "adj": self.adj.copy(),
            "hist_view": self.hist_view.copy(),
            "hist_action": self.hist_action.copy(),
            "msg_text": self.msg_text.copy(),
            "msg_sender": self.msg_sender.copy(),
            "msg_round": self.msg_round.copy(),
            "msg_cut": self.msg_cut.copy(),
            "inbox": self.inbox.copy(),
            "last": self.last.copy(),
            "sums": self.sums.copy(),
            "counts": self.counts.copy(),
            "score": float(self.score),
            "round": int(self.round),
            "rejected": int(self.rejected),
            "task": self.task.get_state(),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        i64, f64 = np.int64, np.float64
        self.terrain = np.array(state["terrain"], dtype=np.int8)
        self.occ = np.array(state["occ"], dtype=i64)
        self.pos = np.array(state["pos"], dtype=i64)
        self.inside = np.array(state["inside"], dtype=bool)
        self.mass = np.array(state["mass"], dtype=f64)
        self.static = np.array(state["static"], dtype=bool)
        self.body_code = np.array(state["body_code"], dtype=np.int8)
        self.paths = floor_paths(self.terrain)
        self.visits = np.array(state["visits"], dtype=i64)
        self.adj = np.array(state["adj"], dtype=bool)
        self.hist_view = np.array(state["hist_view"], dtype=np.int8)
        self.hist_action = np.array(state["hist_action"], dtype=i64)
        self.msg_text = np.array(state["msg_text"], dtype=f"<U{self.config.message_limit}")
        self.msg_sender = np.array(state["msg_sender"], dtype=i64)
        self.msg_round = np.array(state["msg_round"], dtype=i64)
        self.msg_cut = np.array(state["msg_cut"], dtype=bool)
        self.inbox = np.array(state["inbox"], dtype=i64)
        self.last = np.array(state["last"], dtype=f64)
        self.sums = np.array(state["sums"], dtype=f64)
        self.counts = np.array(state["counts"], dtype=i64)
        self.score = float(state["score"])
        self.round = int(state["round"])
        self.rejected = int(state["rejected"])
        self.task.set_state(state.get("task", {}))

    def agent_table(self) -> dict[str, np.ndarray]:
        """Per agent: ``row``, ``col`` (last position) and ``on_board`` (0/1)."""
        return {
            "row": self.pos[:, 0].copy(),
            "col": self.pos[:, 1].copy(),
            "on_board": self.inside.astype(np.int64),
        }

    # ------------------------------------------------------------------ description
    @classmethod
    def actions(cls) -> dict[str, dict[str, Any]]:
        """One action per round: a ``move`` and an optional anonymous ``message``."""
        return {
            "move": {
                "type": "object",
                "properties": {
                    "move": {
                        "type": "string",
                        "enum": list(MOVE_NAMES),
                        "description": "UP/DOWN/LEFT/RIGHT move one cell (pushing what is in "
                        "front), STAY stays; SWITCH (synchronization only) flips your light",
                    },
                    "message": {
                        "type": "string",
                        "maxLength": 120,
                        "description": "anonymous text heard next round by agents that see "
                        "you (at most message_limit characters; longer is cut or rejected)",
                    },
                },
                "required": ["move"],
            }
        }

    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """One small config per task (10 x 10 grid, 10 agents, 12 rounds; foraging on
        SwarmBench's maze), plus pursuit on random walls with movable objects and transport
        on a custom map."""
        configs = [
            {
                "run": {"steps": 12},
                "population": {"size": 10},
                "world": {"name": "swarm", "model": m, "rounds": 12, "message_rate": 0.5},
            }
            for m in TASKS
        ]
        configs.append(
            {
                "run": {"steps": 12},
                "population": {"size": 8},
                "world": {
                    "name": "swarm",
                    "model": "pursuit",
                    "rounds": 12,
                    "layout": "obstacles",
                    "wall_density": 0.15,
                    "objects": 3,
                },
            }
        )
        configs.append(
            {
                "run": {"steps": 12},
                "population": {"size": 6},
                "world": {"name": "swarm", "model": "transport", "rounds": 12, "board": CUSTOM},
            }
        )
        return configs

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``swarm_visits.png`` (visit heatmap with the final board) and ``swarm_score.png``
        (score and group metrics per round)."""
        from socium.worlds.swarm.plots import plot_score, plot_visits

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        paths = [plot_visits(self.visits, self.codes(), outdir / "swarm_visits.png")]
        p = plot_score(metrics, outdir / "swarm_score.png")
        if p is not None:
            paths.append(p)
        return paths
