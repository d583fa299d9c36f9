r"""The five SwarmBench tasks, one class each, chosen once from :data:`TASKS`.

A task builds the board, says how agents look (light on/off, carrying food), gives its rule
baseline a goal cell, and scores the round after the moves. Scores (Ruan et al. 2025):

* ``pursuit``: +1 per capture; the prey is captured when each of its 4 neighbours is an agent,
  a wall or an object (any non-floor cell, as in SwarmBench), then respawns at the free cell
  farthest from the agents. Otherwise it moves ``prey_steps`` single steps per round to the
  reachable cell farthest from the agents. It never spawns or steps into a cell with no free
  floor neighbour (where it would be caught at once).
* ``synchronization``: +1 each time all lights become equal *in a new state*: the first
  all-on or all-off round scores, then only the opposite state scores next (all on, all off,
  all on, ...).
* ``foraging``: an agent next to food picks up one piece; an agent carrying food next to the
  nest delivers it, +1.
* ``flocking``: score :math:`\max_{s \le t} (D_0 - D_s)`, the largest reduction of the shape
  distance :math:`D` (:func:`~socium.worlds.swarm.metrics.shape_distance`) to a hollow square
  of side :math:`\lfloor n/4\rfloor + 1`.
* ``transport``: each agent leaving the board (through the gap, once the box is out) at round
  :math:`t` scores :math:`(T - t)/T`.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.optimize import linear_sum_assignment

from socium.core.batches import EventBatch
from socium.errors import ConfigError
from socium.worlds.swarm.boards import make_terrain, parse_board
from socium.worlds.swarm.grid import (
    AGENT,
    AGENT_ALT,
    BOX,
    DIRS,
    DOWN,
    EMPTY,
    EXIT,
    FOOD,
    LEFT,
    NEST,
    PREY,
    RIGHT,
    STAY,
    SWITCH,
    UP,
    WALL,
)
from socium.worlds.swarm.metrics import shape_distance
from socium.worlds.swarm.paths import GridPaths

if TYPE_CHECKING:
    from socium.worlds.swarm.world import SwarmWorld

__all__ = [
    "TASKS",
    "FlockingTask",
    "ForagingTask",
    "PursuitTask",
    "SynchronizationTask",
    "Task",
    "TransportTask",
    "sidestep",
    "toward",
]

_NEIGHBOURS = DIRS[[UP, DOWN, LEFT, RIGHT]]


def toward(
    pos: np.ndarray, goal: np.ndarray, rng: np.random.Generator, paths: GridPaths | None = None
) -> np.ndarray:
    r"""Greedy moves toward ``goal`` with a random tie-break; a random move where no goal.

    Among the (at most two) moves that reduce the Manhattan distance, each is taken with
    probability 1/2; an agent on its goal stays; rows with ``goal = (-1, -1)`` get a uniform
    move among UP, DOWN, LEFT, RIGHT. With ``paths`` (boards with interior walls) the distance
    is the geodesic one on the floor graph (:meth:`GridPaths.toward`; unreachable goals get the
    random move); on an open board both agree. Draws exactly two numbers per agent from ``rng``.
    """
    pos = np.asarray(pos, dtype=np.int64).reshape(-1, 2)
    goal = np.asarray(goal, dtype=np.int64).reshape(-1, 2)
    n = len(pos)
    u = rng.random(n)
    rand = rng.integers(UP, RIGHT + 1, n)
    if paths is not None:
        return paths.toward(pos, goal, u, rand)
    dy, dx = goal[:, 0] - pos[:, 0], goal[:, 1] - pos[:, 1]
    v = np.where(dy > 0, DOWN, UP)
    h = np.where(dx > 0, RIGHT, LEFT)
    hv, hh = dy != 0, dx != 0
    move = np.where(hv & hh, np.where(u < 0.5, v, h), np.where(hv, v, np.where(hh, h, STAY)))
    none = goal[:, 0] < 0
    return np.where(none, rand, move).astype(np.int64)


def sidestep(
    view: np.ndarray,
    move: np.ndarray,
    prob: float,
    rng: np.random.Generator,
    yield_prob: float = 0.5,
) -> np.ndarray:
    r"""Local traffic rules of the rule baselines, read from each agent's view.

    * **Sidestep**: an agent whose chosen cell holds an agent, and that has at least one calm
      neighbour (floor with no other agent next to it), moves to the
      :math:`\lfloor v k\rfloor`-th of its :math:`k` calm neighbours (order UP, DOWN, LEFT,
      RIGHT) when :math:`u <` ``prob``.
    * **Yield**: an agent whose chosen cell is free floor with another agent next to it, which
      may claim it too (two claims on a cell both fail), stays when :math:`y <` ``yield_prob``.
    * **Priority**: an agent shown as ``a`` (not carrying food) gives way to one shown as ``A``
      (carrying) always: it sidesteps when blocked by one (:math:`u` ignored) and yields when
      one may claim its cell (:math:`y` ignored); carriers never yield to ``a``.

    Draws three numbers per agent (:math:`u, v, y`).
    """
    n = len(move)
    u, v, y = rng.random(n), rng.random(n), rng.random(n)
    c = view.shape[1] // 2
    idx = np.arange(n)
    tr, tc = c + DIRS[move, 0], c + DIRS[move, 1]
    agent = np.isin(view, (AGENT, AGENT_ALT))
    moving = move != STAY
    low = view[:, c, c] == AGENT_ALT  # gives way to AGENT
    ahead = view[idx, tr, tc]
    blocked = moving & agent[idx, tr, tc]
    moves = np.arange(UP, RIGHT + 1)
    codes = np.pad(view, ((0, 0), (1, 1), (1, 1)), constant_values=-1)
    is_agent = np.isin(codes, (AGENT, AGENT_ALT))
    # free and calm: floor neighbours with no other agent next to them
    nr, nc = c + 1 + DIRS[moves, 0], c + 1 + DIRS[moves, 1]  # (4,) in padded coordinates
    crowd = is_agent[:, nr[:, None] + DIRS[moves, 0][None], nc[:, None] + DIRS[moves, 1][None]]
    free = (view[:, c + DIRS[moves, 0], c + DIRS[moves, 1]] == EMPTY) & (crowd.sum(axis=2) == 1)
    k = free.sum(axis=1)
    pick = np.minimum((v * k).astype(np.int64), np.maximum(k - 1, 0))
    rank = np.cumsum(free, axis=1) - 1
    other = moves[(free & (rank == pick[:, None])).argmax(axis=1)]
    give_way = low & (ahead == AGENT)
    side = blocked & (k > 0) & ((u < prob) | give_way)
    # contenders: agents on the target's neighbours other than the mover itself
    around = codes[idx[:, None], tr[:, None] + 1 + DIRS[moves, 0], tc[:, None] + 1 + DIRS[moves, 1]]
    rivals = np.isin(around, (AGENT, AGENT_ALT)).sum(axis=1) - 1  # minus the mover itself
    high = (around == AGENT).sum(axis=1) - ~low  # rivals shown as A
    contested = moving & (ahead == EMPTY) & (rivals > 0)
    wait = np.where(low & (high > 0), True, (y < yield_prob) & ~(~low & (high == 0)))
    wait &= contested
    out = np.where(side, other, move)
    return np.where(wait, STAY, out).astype(np.int64)


def _free_cells(world: SwarmWorld) -> np.ndarray:
    return np.argwhere((world.terrain == EMPTY) & (world.occ < 0))


def _place_agents(world: SwarmWorld, rng: np.random.Generator, mask: np.ndarray) -> None:
    cells = np.argwhere(mask & (world.terrain == EMPTY) & (world.occ < 0))
    if len(cells) < world.n:
        raise ConfigError(
            "population.size", f"must be at most {len(cells)}, the free start cells of this board"
        )
    pick = cells[rng.choice(len(cells), size=world.n, replace=False)]
    world.pos[:] = pick
    world.occ[pick[:, 0], pick[:, 1]] = np.arange(world.n)


def _escapable(world: SwarmWorld, cells: np.ndarray, prey: int) -> np.ndarray:
    """``cells`` with at least one free floor neighbour (the prey's own cell counts as free);
    all of them when none has one. A prey never spawns or steps into a cell where it would be
    caught at once."""
    h, w = world.occ.shape
    nb = cells[:, None, :] + _NEIGHBOURS[None]
    ins = (nb[..., 0] >= 0) & (nb[..., 0] < h) & (nb[..., 1] >= 0) & (nb[..., 1] < w)
    r, c = np.clip(nb[..., 0], 0, h - 1), np.clip(nb[..., 1], 0, w - 1)
    occ = world.occ[r, c]
    free = ins & (world.terrain[r, c] == EMPTY) & ((occ < 0) | (occ == prey))
    ok = free.any(axis=1)
    return cells[ok] if ok.any() else cells


def _farthest(cells: np.ndarray, agents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The cell maximising the Manhattan distance to the nearest agent (random tie-break)."""
    u = rng.random()
    if len(agents) == 0:
        return cells[int(u * len(cells))]
    d = np.abs(cells[:, None, :] - agents[None, :, :]).sum(axis=2).min(axis=1)
    best = np.flatnonzero(d == d.max())
    return cells[best[int(u * len(best))]]


class Task:
    """Base of the tasks: the layout's board, agents drawn uniformly, random-walk baseline.

    :meth:`setup` is a template (all draws from the world stream, in this order): the terrain
    of the layout with the task's :meth:`reserved` cells kept floor, the task's things
    (:meth:`furnish`), the movable objects (:meth:`SwarmWorld.add_objects`), the agents on free
    cells of :meth:`start_cells`, then :meth:`after_agents`.
    """

    name: ClassVar[str] = ""
    outside: ClassVar[int] = WALL
    extra_moves: ClassVar[tuple[int, ...]] = ()
    description: ClassVar[str] = ""

    def setup(self, world: SwarmWorld, rng: np.random.Generator) -> None:
        """Build the terrain, place the task's things, objects and agents (world stream)."""
        reserved = self.reserved(world)
        world.terrain = make_terrain(world.config, rng, reserved)
        self.furnish(world, rng)
        world.add_objects(rng, reserved)
        _place_agents(world, rng, self.start_cells(world))
        self.after_agents(world, rng)

    def reserved(self, world: SwarmWorld) -> np.ndarray:
        """``(H, W)`` bool, cells the layout must leave as floor (none by default)."""
        return np.zeros((world.height, world.width), dtype=bool)

    def furnish(self, world: SwarmWorld, rng: np.random.Generator) -> None:
        """Place the task's static things and objects before the agents."""

    def start_cells(self, world: SwarmWorld) -> np.ndarray:
        """``(H, W)`` bool, where agents may start (any free floor cell by default)."""
        return np.ones((world.height, world.width), dtype=bool)

    def after_agents(self, world: SwarmWorld, rng: np.random.Generator) -> None:
        """Task state drawn after the agents are placed."""

    def agent_codes(self, world: SwarmWorld) -> np.ndarray:
        """View code of every agent (``AGENT`` or ``AGENT_ALT``)."""
        return np.full(world.n, AGENT, dtype=np.int8)

    def columns(self, world: SwarmWorld, ids: np.ndarray) -> dict[str, np.ndarray]:
        """Task-specific observation columns."""
        return {}

    def goal(self, world: SwarmWorld, ids: np.ndarray) -> np.ndarray:
        """The cell the rule baseline heads for, ``(-1, -1)`` for none."""
        return np.full((len(ids), 2), -1, dtype=np.int64)

    #: Probability that a rule agent whose next cell holds another agent sidesteps to a random
    #: free neighbour instead (head-on meetings in corridors cancel out otherwise).
    sidestep: ClassVar[float] = 0.3
    #: Probability that a rule agent waits when another agent may claim its next cell.
    yield_prob: ClassVar[float] = 0.5

    def decide(self, world: SwarmWorld, obs, rng: np.random.Generator) -> np.ndarray:
        """Rule baseline: greedy (geodesic on irregular boards) toward :meth:`goal`, a random
        move without one; an agent blocked by another agent sidesteps with probability
        :attr:`sidestep` (:func:`sidestep`). Draws four numbers per agent."""
        move = toward(obs["pos"], obs["goal"], rng, world.paths)
        return sidestep(obs["view"], move, self.sidestep, rng, self.yield_prob)

    def status(self, world: SwarmWorld, ids: np.ndarray) -> np.ndarray:
        """Status text a rule agent may broadcast."""
        p = world.pos[ids]
        return np.array([f"{self.name} at {r} {c}" for r, c in p], dtype=str)

    def before_moves(self, world: SwarmWorld, ids: np.ndarray, moves: np.ndarray) -> None:
        """Non-moving effects of the chosen actions (``SWITCH``)."""

    def update(self, world: SwarmWorld, t: int) -> list[EventBatch]:
        """Score round ``t`` after the moves; return task events."""
        return []

    def get_state(self) -> dict[str, Any]:
        """Task state for checkpoints."""
        return {}

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""

    def final(self, world: SwarmWorld) -> dict[str, Any]:
        """Task-specific final metrics."""
        return {}


class PursuitTask(Task):
    """Pursuit: corner a prey that moves ``prey_steps`` cells per round."""

    name = "pursuit"
    description = (
        "There is a prey (P) on the map; it moves 2 steps each round. It is caught when all 4 "
        "cells next to it are agents (A), walls (W) or objects (O); each catch scores 1 and a new "
        "prey "
        "appears."
    )

    def after_agents(self, world, rng):
        cell = _farthest(_escapable(world, _free_cells(world), -1), world.pos, rng)
        self.prey = world.add_body(cell[None, :], PREY, mass=1.0, static=True)

    def prey_pos(self, world: SwarmWorld) -> np.ndarray:
        """(row, column) of the prey."""
        return np.argwhere(world.occ == self.prey)[0]

    def goal(self, world, ids):
        p = self.prey_pos(world)
        near = np.abs(world.pos[ids] - p).max(axis=1) <= world.config.view // 2
        out = np.full((len(ids), 2), -1, dtype=np.int64)
        out[near] = p
        return out

    def status(self, world, ids):
        g = self.goal(world, ids)
        return np.array([f"prey at {r} {c}" if r >= 0 else "no prey here" for r, c in g], str)

    def captured(self, world: SwarmWorld) -> bool:
        """Whether each of the prey's 4 neighbours is off the board, static terrain or a body
        (agent or object)."""
        h, w = world.occ.shape
        nb = self.prey_pos(world) + _NEIGHBOURS
        ins = (nb[:, 0] >= 0) & (nb[:, 0] < h) & (nb[:, 1] >= 0) & (nb[:, 1] < w)
        r, c = nb[ins, 0], nb[ins, 1]
        ok = (world.terrain[r, c] != EMPTY) | (world.occ[r, c] >= 0)
        return bool(ok.all())

    def update(self, world, t):
        rng = world.rng
        p = self.prey_pos(world)
        agents = world.pos[world.inside]
        if self.captured(world):
            world.score += 1.0
            world.occ[p[0], p[1]] = -1
            cell = _farthest(_escapable(world, _free_cells(world), self.prey), agents, rng)
            world.occ[cell[0], cell[1]] = self.prey
            return [EventBatch.make("capture", np.array([0]), value=np.array([t], float))]
        steps = world.config.prey_steps
        if steps == 0:
            return []
        h, w = world.occ.shape
        seq = np.array(list(product(range(5), repeat=steps)), dtype=np.int64)
        cur = np.repeat(p[None, :], len(seq), axis=0)
        ok = np.ones(len(seq), dtype=bool)
        for s in range(steps):
            cur = cur + DIRS[seq[:, s]]
            ins = (cur[:, 0] >= 0) & (cur[:, 0] < h) & (cur[:, 1] >= 0) & (cur[:, 1] < w)
            ok &= ins
            rr, cc = np.clip(cur[:, 0], 0, h - 1), np.clip(cur[:, 1], 0, w - 1)
            occ = world.occ[rr, cc]
            ok &= (world.terrain[rr, cc] == EMPTY) & ((occ < 0) | (occ == self.prey))
        dest = _escapable(world, np.unique(cur[ok], axis=0), self.prey)
        cell = _farthest(dest, agents, rng)
        world.occ[p[0], p[1]] = -1
        world.occ[cell[0], cell[1]] = self.prey
        return []

    def final(self, world):
        return {"captures": int(world.score)}


class SynchronizationTask(Task):
    """Synchronization: all lights equal, alternating all-on / all-off."""

    name = "synchronization"
    extra_moves = (SWITCH,)
    description = (
        "Each agent has a light, on (A) or off (a). SWITCH flips your light. You score 1 when "
        "all lights are equal; the next point needs all lights in the opposite state."
    )

    def after_agents(self, world, rng):
        self.light = rng.random(world.n) < 0.5
        self.last_sync = -1

    def agent_codes(self, world):
        return np.where(self.light, AGENT, AGENT_ALT).astype(np.int8)

    def columns(self, world, ids):
        return {"light": self.light[ids].astype(np.int64)}

    def decide(self, world, obs, rng):
        """Copy the majority light in view: SWITCH when strictly more visible lights (self
        included) differ from the own light than match it; otherwise a random move."""
        view = obs["view"]
        on = (view == AGENT).sum(axis=(1, 2))
        off = (view == AGENT_ALT).sum(axis=(1, 2))
        mine = obs["light"].astype(bool)
        differ = np.where(mine, off > on, on > off)
        walk = toward(obs["pos"], np.full_like(obs["pos"], -1), rng)
        return np.where(differ, SWITCH, walk)

    def status(self, world, ids):
        return np.where(self.light[ids], "light on", "light off").astype(str)

    def before_moves(self, world, ids, moves):
        flip = ids[moves == SWITCH]
        self.light[flip] = ~self.light[flip]

    def update(self, world, t):
        on = int(self.light.sum())
        state = 1 if on == world.n else 0 if on == 0 else -1
        if state >= 0 and state != self.last_sync:
            self.last_sync = state
            world.score += 1.0
            return [EventBatch.make("sync", np.array([0]), value=np.array([state], float))]
        return []

    def get_state(self):
        return {"light": self.light.copy(), "last_sync": int(self.last_sync)}

    def set_state(self, state):
        self.light = np.array(state["light"], dtype=bool)
        self.last_sync = int(state["last_sync"])

    def final(self, world):
        return {"light_on": float(self.light.mean())}


class ForagingTask(Task):
    """Foraging: fetch food (2 x 2, one corner) and deliver it to the nest (the farthest corner).

    On generated boards the food takes a random one of the four 2 x 2 interior corner blocks
    and the nest the corner block farthest from it along the floor (the opposite corner on the
    open board; around the stripes on the maze, as in SwarmBench); a custom map gives its own
    ``F`` and ``N`` cells.
    """

    name = "foraging"
    description = (
        "Food (F) and the nest (N) lie in corners of the map, maybe behind walls (W). Step next "
        "to F to pick up one piece (you then show as A, else a), then next to N to deliver it: "
        "1 point."
    )

    @staticmethod
    def corners(h: int, w: int) -> np.ndarray:
        """``(4, 2)`` top-left cells of the 2 x 2 interior corner blocks (NW, NE, SW, SE)."""
        return np.array([(r, c) for r in (1, h - 3) for c in (1, w - 3)], dtype=np.int64)

    def reserved(self, world):
        out = super().reserved(world)
        if world.config.board_layout != "custom":
            for r, c in self.corners(world.height, world.width):
                out[r : r + 2, c : c + 2] = True
        return out

    def furnish(self, world, rng):
        if world.config.board_layout != "custom":
            corners = self.corners(world.height, world.width)
            food = corners[int(rng.integers(4))]
            world.terrain[food[0] : food[0] + 2, food[1] : food[1] + 2] = FOOD
            dist = GridPaths(world.terrain).distances(np.argwhere(world.terrain == FOOD)).min(0)
            block = corners[:, None, :] + np.array([[0, 0], [0, 1], [1, 0], [1, 1]])[None]
            far = dist[block[..., 0] * world.width + block[..., 1]].min(axis=1)
            far[np.all(corners == food, axis=1)] = -1.0
            far[~np.isfinite(far)] = -1.0
            nest = corners[int(far.argmax())]
            world.terrain[nest[0] : nest[0] + 2, nest[1] : nest[1] + 2] = NEST
        self.food = np.argwhere(world.terrain == FOOD)
        self.nest = np.argwhere(world.terrain == NEST)
        self.carrying = np.zeros(world.n, dtype=bool)

    def agent_codes(self, world):
        return np.where(self.carrying, AGENT, AGENT_ALT).astype(np.int8)

    def columns(self, world, ids):
        return {"carrying": self.carrying[ids].astype(np.int64)}

    def goal(self, world, ids):
        """The nearest food cell (nest cell when carrying): Manhattan on the open board,
        geodesic on boards with interior walls."""
        pos = world.pos[ids]
        out = np.empty((len(ids), 2), dtype=np.int64)
        paths = world.paths
        for target, mask in ((self.nest, self.carrying[ids]), (self.food, ~self.carrying[ids])):
            if paths is None:
                d = np.abs(pos[:, None, :] - target[None, :, :]).sum(axis=2)
            else:
                d = paths.distances(target)[:, pos[:, 0] * world.width + pos[:, 1]].T
            out[mask] = target[d.argmin(axis=1)][mask]
        return out

    def status(self, world, ids):
        return np.where(self.carrying[ids], "carrying food to nest", "looking for food")

    def _next_to(self, world: SwarmWorld, code: int) -> np.ndarray:
        nb = world.pos[:, None, :] + _NEIGHBOURS[None, :, :]
        h, w = world.terrain.shape
        r, c = np.clip(nb[..., 0], 0, h - 1), np.clip(nb[..., 1], 0, w - 1)
        return (world.terrain[r, c] == code).any(axis=1) & world.inside

    def update(self, world, t):
        self.carrying |= self._next_to(world, FOOD)
        deliver = self.carrying & self._next_to(world, NEST)
        self.carrying &= ~deliver
        world.score += float(deliver.sum())
        if deliver.any():
            ids = np.flatnonzero(deliver)
            return [EventBatch.make("deliver", ids, value=np.full(len(ids), float(t)))]
        return []

    def get_state(self):
        return {
            "carrying": self.carrying.copy(),
            "food": self.food.copy(),
            "nest": self.nest.copy(),
        }

    def set_state(self, state):
        self.carrying = np.array(state["carrying"], dtype=bool)
        self.food = np.array(state["food"], dtype=np.int64)
        self.nest = np.array(state["nest"], dtype=np.int64)

    def final(self, world):
        return {"deliveries": int(world.score)}


class FlockingTask(Task):
    """Flocking: form a hollow square of side ``n // 4 + 1``."""

    name = "flocking"

    @property
    def description(self) -> str:  # type: ignore[override]
        return (
            "Form together with the other agents a hollow square (A on its border) of side "
            f"{self.side}, anywhere on the map; the score is how much closer you got to it."
        )

    def after_agents(self, world, rng):
        s = world.n // 4 + 1
        self.side = s
        sq = np.zeros((s, s), dtype=bool)
        sq[[0, -1], :] = True
        sq[:, [0, -1]] = True
        self.mask = sq
        self.shape = np.argwhere(sq)
        self.d0 = self.distance(world)
        self.current = self.d0

    def anchor(self, world: SwarmWorld) -> np.ndarray:
        """Top-left cell of the baseline's square: the placement with every square cell on
        floor nearest (L1) to the centred one (the centred one on the open board)."""
        s, h, w = self.side, world.height, world.width
        centre = np.array([h // 2, w // 2]) - s // 2
        if s > h or s > w:
            return centre
        fits = (sliding_window_view(world.terrain == EMPTY, (s, s)) | ~self.mask).all(axis=(2, 3))
        cand = np.argwhere(fits)
        if not len(cand):
            return centre
        return cand[np.abs(cand - centre).sum(axis=1).argmin()]

    def distance(self, world: SwarmWorld) -> int:
        """Shape distance :math:`D` of the agents on the board."""
        return shape_distance(world.pos[world.inside], self.shape)[0]

    def goal(self, world, ids):
        """Each agent's cell in the optimal assignment to the square at :meth:`anchor`."""
        target = self.shape + self.anchor(world)
        cost = np.abs(world.pos[ids][:, None, :] - target[None, :, :]).sum(axis=2)
        out = np.full((len(ids), 2), -1, dtype=np.int64)
        if len(ids):
            rows, cols = linear_sum_assignment(cost)
            out[rows] = target[cols]
        return out

    def update(self, world, t):
        self.current = self.distance(world)
        world.score = max(world.score, float(self.d0 - self.current))
        return []

    def get_state(self):
        return {"d0": int(self.d0), "current": int(self.current)}

    def set_state(self, state):
        self.d0 = int(state["d0"])
        self.current = int(state["current"])

    def final(self, world):
        return {"shape_distance": int(self.current), "shape_distance_initial": int(self.d0)}


class TransportTask(Task):
    """Transport: push the box (mass 5) out through the gap in the east wall, then escape."""

    name = "transport"
    outside = EXIT
    description = (
        "The map is walled (W) except for a gap in the east wall that leads outside (*). A box "
        "(B, mass 5) blocks the gap: at least 3 agents (force 2 each) must push it east at "
        "once. Then leave through the gap: leaving in round t scores (T - t)/T."
    )

    def reserved(self, world):
        """Generated boards: the gap, the box and two push cells west of it, in the gap rows
        (``gap`` rows centred in the east wall)."""
        out = super().reserved(world)
        if world.config.board_layout != "custom":
            g0, g = (world.height - world.config.gap) // 2, world.config.gap
            out[g0 : g0 + g, world.width - 5 :] = True
        return out

    def furnish(self, world, rng):
        """The box (``box_mass``): 2 x ``gap`` cells in front of the gap, or a custom map's
        ``B`` cells; the gap is the floor of the east border."""
        h, w = world.height, world.width
        if world.config.board_layout == "custom":
            cells = parse_board(world.config.board or []).box
        else:
            g0, g = (h - world.config.gap) // 2, world.config.gap
            cells = np.array([(r, c) for r in range(g0, g0 + g) for c in (w - 3, w - 2)])
        rows = np.flatnonzero(world.terrain[:, w - 1] != WALL)
        self.gap = np.stack([rows, np.full(len(rows), w - 1)], axis=1)
        self.box = world.add_body(cells, BOX, mass=world.config.box_mass, static=False)
        self.escape_round = np.full(world.n, -1, dtype=np.int64)

    def start_cells(self, world):
        """West of the box (generated boards), anywhere on a custom map."""
        mask = super().start_cells(world)
        if world.config.board_layout != "custom":
            mask[:, world.width - 3 :] = False
        return mask

    #: Probability that a rule agent with a free step toward its goal waits one round instead
    #: (breaks ties of two agents heading for the same cell, which the physics rejects both).
    hesitate: ClassVar[float] = 0.2
    #: Probability that a rule agent with no free step toward its goal steps to a random free cell.
    wander: ClassVar[float] = 0.3

    def lanes(self, world: SwarmWorld, depth: int) -> np.ndarray:
        r"""``(m, 2)`` push cells: per box row, up to ``depth`` floor cells in a line west of it.

        Lane :math:`r` is row :math:`r` of the box, its cells :math:`(r, c_r - 1 - k)` for
        :math:`k = 0, 1, \dots` with :math:`c_r` the box's westmost column in that row, up to the
        first non-floor cell. Ordered by depth :math:`k` first (the push slots come first).
        """
        box = np.argwhere(world.occ == self.box)
        rows = np.unique(box[:, 0])
        face = np.full(world.height, world.width, dtype=np.int64)
        np.minimum.at(face, box[:, 0], box[:, 1])
        k = np.arange(max(depth, 1))
        cols = face[rows][None, :] - 1 - k[:, None]  # (depth, lanes)
        ok = cols >= 0
        floor = np.zeros_like(ok)
        floor[ok] = world.terrain[np.broadcast_to(rows, cols.shape)[ok], cols[ok]] == EMPTY
        floor = np.cumprod(floor, axis=0).astype(bool)  # lanes stop at the first wall
        r = np.broadcast_to(rows, cols.shape)
        return np.stack([r[floor], cols[floor]], axis=1)

    def goal(self, world, ids):
        r"""While the box is in: each agent's cell in the lanes west of the box, else past the gap.

        The lane cells (:meth:`lanes`, enough for every agent on the board) are assigned to the
        agents on the board by a minimum-cost assignment (Hungarian, cost the squared
        Manhattan distance, so agents in one row keep their order, plus :math:`(H + W)^2` for
        a cell behind the agent in its own row, so nobody in a lane is sent back); agents left
        over get ``(-1, -1)``. Once the box is out, the nearest cell just past the gap.
        """
        pos = world.pos[ids]
        out = np.full((len(ids), 2), -1, dtype=np.int64)
        if not len(ids):
            return out
        if (world.occ == self.box).any():
            on = np.flatnonzero(world.inside)
            n_lanes = len(np.unique(np.argwhere(world.occ == self.box)[:, 0]))
            target = self.lanes(world, -(-len(on) // n_lanes))
            p = world.pos[on][:, None, :]
            cost = np.abs(p - target[None, :, :]).sum(axis=2) ** 2
            back = (p[..., 0] == target[None, :, 0]) & (p[..., 1] > target[None, :, 1])
            cost = cost + back * (world.height + world.width) ** 2
            rows, cols = linear_sum_assignment(cost)
            every = np.full((world.n, 2), -1, dtype=np.int64)
            every[on[rows]] = target[cols]
            return every[ids]
        slots = self.gap + DIRS[RIGHT]
        d = np.abs(pos[:, None, :] - slots[None, :, :]).sum(axis=2)
        return slots[d.argmin(axis=1)]

    def decide(self, world, obs, rng):
        r"""Lane baseline: take the assigned lane cell, push east from it; never shove sideways.

        * Push (``RIGHT``) when on the assigned lane cell, when the box or the exit is straight
          east, or (box out) when in a gap row behind another agent (the line leaves as a train).
        * Otherwise step toward the goal (random tie-break between the two shortening moves)
          only into a free cell (floor or exit); an agent ahead is waited for (``STAY``), as a
          sideways shove into a line of pushers makes both pushes fail ("reject all"). A step
          up or down into a cell with an agent just west of it is not taken either (that
          agent's line may push east into it, and two claims on one cell both fail).
        * A mover waits with probability :attr:`hesitate`; an agent with no free shortening
          step (or no goal) steps to a random free neighbour with probability :attr:`wander`.

        Draws exactly four numbers per agent from ``rng``.
        """
        pos = np.asarray(obs["pos"], dtype=np.int64)
        goal = np.asarray(obs["goal"], dtype=np.int64)
        view = obs["view"]
        n = len(pos)
        u, wait, roam = rng.random(n), rng.random(n), rng.random(n)
        rand = rng.integers(UP, RIGHT + 1, n)
        c = view.shape[1] // 2
        nb = view[:, c + DIRS[UP : RIGHT + 1, 0], c + DIRS[UP : RIGHT + 1, 1]]  # (n, 4)
        free = (nb == EMPTY) | (nb == EXIT)
        idx = np.arange(n)
        dy, dx = goal[:, 0] - pos[:, 0], goal[:, 1] - pos[:, 1]
        v = np.where(dy > 0, DOWN, UP)
        h = np.where(dx > 0, RIGHT, LEFT)
        has_goal = goal[:, 0] >= 0
        # a cell with an agent just west of it is left to that agent's line (pushing east)
        line = view[idx, c + DIRS[v, 0], c - 1] == AGENT
        ok_v = has_goal & (dy != 0) & free[idx, v - UP] & ~line
        ok_h = has_goal & (dx != 0) & free[idx, h - UP]
        move = np.where(
            ok_v & ok_h, np.where(u < 0.5, v, h), np.where(ok_v, v, np.where(ok_h, h, STAY))
        )
        at_goal = has_goal & (dy == 0) & (dx == 0)
        stuck = (move == STAY) & ~at_goal
        move = np.where((move != STAY) & (wait < self.hesitate), STAY, move)
        move = np.where(stuck & (roam < self.wander) & free[idx, rand - UP], rand, move)
        east = nb[:, RIGHT - UP]
        box_in = bool((world.occ == self.box).any())
        push = (east == BOX) | (east == EXIT)
        if box_in:
            push |= at_goal
        else:
            push |= (dy == 0) & (dx > 0) & (east == AGENT)
        return np.where(push, RIGHT, move).astype(np.int64)

    def status(self, world, ids):
        box = (world.occ == self.box).any()
        return np.full(len(ids), "push the box east" if box else "box out, go east", dtype="<U20")

    def update(self, world, t):
        new = (~world.inside) & (self.escape_round < 0)
        if not new.any():
            return []
        self.escape_round[new] = t
        T = world.config.rounds
        gain = max(T - t, 0) / T
        world.score += gain * float(new.sum())
        ids = np.flatnonzero(new)
        return [EventBatch.make("escape", ids, value=np.full(len(ids), gain))]

    def get_state(self):
        return {"escape_round": self.escape_round.copy()}

    def set_state(self, state):
        self.escape_round = np.array(state["escape_round"], dtype=np.int64)

    def final(self, world):
        return {
            "escaped": int((self.escape_round >= 0).sum()),
            "box_out": bool(not (world.occ == self.box).any()),
        }


#: Task name -> class; the world picks one object from it once.
TASKS: dict[str, type[Task]] = {
    cls.name: cls
    for cls in (PursuitTask, SynchronizationTask, ForagingTask, FlockingTask, TransportTask)
}
