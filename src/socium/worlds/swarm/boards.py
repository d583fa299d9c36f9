r"""Board layouts: the open arena, SwarmBench's foraging maze, random obstacles, custom maps.

A layout gives the static terrain (``WALL``/``EMPTY``, plus ``FOOD``/``NEST`` on custom maps)
and the cells of movable objects. Tasks then add their own things (food and nest corners, the
prey, the box) on top; cells a task needs (its *reserved* cells) are always floor.

* ``open``: border walls, floor inside (SwarmBench's pursuit, synchronization, flocking,
  transport).
* ``maze``: SwarmBench's foraging maze: wall stripes every ``maze_spacing`` rows (or columns,
  chosen at random) at :math:`s, 2s, \dots < L - s`, attached alternately to the west and east
  (north and south) border, each leaving an opening of :math:`\max(1, \lfloor L/3\rfloor - 1)`
  floor cells at its free end, so the floor is one serpentine corridor.
* ``obstacles``: each interior cell is a wall with probability ``wall_density``; floor pockets
  cut off from the main floor region are filled with walls, so every floor cell is reachable.
* ``custom``: a map given as text rows (``W`` wall, ``.`` floor, ``O`` movable object, ``F``
  food, ``N`` nest, ``B`` the transport box).

Movable objects (``objects`` random ones, or the ``O`` cells of a custom map, one object per
4-connected component) weigh :math:`\lfloor\sqrt{c}\rfloor` for :math:`c` cells
(:func:`object_mass`), as every SwarmBench mesh.

References
----------
K. Ruan et al., "Benchmarking LLMs' Swarm intelligence", arXiv:2505.04364 (2025).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from socium.errors import ConfigError
from socium.worlds.swarm.grid import EMPTY, FOOD, NEST, WALL

if TYPE_CHECKING:
    from socium.worlds.swarm.config import SwarmConfig

__all__ = [
    "MAP_SYMBOLS",
    "Board",
    "carve",
    "make_terrain",
    "maze_terrain",
    "object_mass",
    "obstacle_terrain",
    "open_terrain",
    "parse_board",
    "scatter_objects",
]

#: Characters of a custom map and what they are.
MAP_SYMBOLS = {
    "W": "wall",
    ".": "floor",
    "O": "movable object",
    "F": "food",
    "N": "nest",
    "B": "box",
}

#: 4-neighbourhood structuring element of :func:`scipy.ndimage.label`.
_CROSS = ndimage.generate_binary_structure(2, 1)


@dataclass
class Board:
    """A parsed custom map: terrain, movable objects and box cells."""

    terrain: np.ndarray
    objects: list[np.ndarray] = field(default_factory=list)
    box: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))


def object_mass(cells: int) -> float:
    r"""Mass :math:`\lfloor\sqrt{c}\rfloor` of an object of :math:`c` cells (at least 1).

    Examples
    --------
    >>> [object_mass(c) for c in (1, 3, 4, 8, 9, 16)]
    [1.0, 1.0, 2.0, 2.0, 3.0, 4.0]
    """
    return float(max(1, int(np.sqrt(cells) + 1e-9)))


def open_terrain(height: int, width: int) -> np.ndarray:
    """``(H, W)`` ``int8`` terrain: walls on the border, floor inside."""
    t = np.full((height, width), WALL, dtype=np.int8)
    t[1:-1, 1:-1] = EMPTY
    return t


def carve(terrain: np.ndarray, reserved: np.ndarray | None) -> np.ndarray:
    """``terrain`` with the ``reserved`` cells (bool mask) set to floor."""
    if reserved is not None:
        terrain = terrain.copy()
        terrain[reserved] = EMPTY
    return terrain


def maze_terrain(
    height: int, width: int, spacing: int, horizontal: bool, reserved: np.ndarray | None = None
) -> np.ndarray:
    r"""SwarmBench's foraging maze (see the module docstring).

    Parameters
    ----------
    height, width : int
        Board size including the border walls.
    spacing : int
        Stripe spacing :math:`s`; stripes at :math:`s, 2s, \dots` strictly below :math:`L - s`.
    horizontal : bool
        Stripes along rows (``True``) or columns.
    reserved : numpy.ndarray, optional
        Cells kept as floor.

    Examples
    --------
    >>> t = maze_terrain(10, 10, 4, True)
    >>> "".join(".W"[v] for v in t[4])  # one stripe, attached west, opening of 2 at the east
    'WWWWWWW..W'
    """
    t = open_terrain(height, width)
    view = t if horizontal else t.T  # stripes along the rows of ``view``
    length = view.shape[1]
    opening = max(1, length // 3 - 1)
    for i, line in enumerate(range(spacing, view.shape[0] - spacing, spacing)):
        if i % 2 == 0:
            view[line, : length - 1 - opening] = WALL
        else:
            view[line, 1 + opening :] = WALL
    return carve(t, reserved)


def obstacle_terrain(
    height: int,
    width: int,
    density: float,
    rng: np.random.Generator,
    reserved: np.ndarray | None = None,
    tries: int = 100,
) -> np.ndarray:
    r"""Random interior walls with density ``density``, every floor cell reachable.

    Each interior cell not in ``reserved`` is a wall with probability ``density`` (one uniform
    draw per cell). The 4-connected floor components are labelled; the main one is the one
    holding all reserved cells (the largest when none are reserved) and the others are filled
    with walls. A draw that splits the reserved cells is redrawn, up to ``tries`` times.

    Raises
    ------
    ValueError
        When no draw keeps the reserved cells connected.
    """
    for _ in range(tries):
        t = carve(open_terrain(height, width), reserved)
        inner = np.zeros_like(t, dtype=bool)
        inner[1:-1, 1:-1] = True
        walls = inner & (rng.random(t.shape) < density)
        if reserved is not None:
            walls &= ~reserved
        t[walls] = WALL
        labels, count = ndimage.label(t == EMPTY, structure=_CROSS)
        if count == 0:
            continue
        if reserved is not None and reserved.any():
            keep = np.unique(labels[reserved])
            if len(keep) != 1:
                continue
            main = keep[0]
        else:
            main = np.bincount(labels.ravel())[1:].argmax() + 1
        t[(labels != main) & (t == EMPTY)] = WALL
        return t
    raise ValueError(f"no draw in {tries} keeps the board connected; lower wall_density")


def scatter_objects(
    free: np.ndarray, count: int, max_cells: int, rng: np.random.Generator
) -> list[np.ndarray]:
    r"""``count`` random movable objects (polyominoes of 1 to ``max_cells`` cells) on free cells.

    Each object starts on a uniform free cell and grows by adding a uniform free 4-neighbour
    of its cells until it has its size (uniform in :math:`1..` ``max_cells``) or cannot grow.
    Objects never touch each other's cells. A Python loop over objects (setup only).

    Parameters
    ----------
    free : numpy.ndarray
        ``(H, W)`` bool, cells that may hold an object.
    count, max_cells : int
        Number of objects and their largest size.
    rng : numpy.random.Generator
        Board stream.

    Returns
    -------
    list of numpy.ndarray
        ``(c_i, 2)`` cells of each object.
    """
    free = free.copy()
    steps = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]])
    h, w = free.shape
    out: list[np.ndarray] = []
    for _ in range(count):
        cells = np.argwhere(free)
        if not len(cells):
            break
        size = int(rng.integers(1, max_cells + 1))
        shape = [cells[rng.integers(len(cells))]]
        free[shape[0][0], shape[0][1]] = False
        while len(shape) < size:
            nb = (np.array(shape)[:, None, :] + steps[None]).reshape(-1, 2)
            nb = nb[(nb[:, 0] >= 0) & (nb[:, 0] < h) & (nb[:, 1] >= 0) & (nb[:, 1] < w)]
            nb = np.unique(nb[free[nb[:, 0], nb[:, 1]]], axis=0)
            if not len(nb):
                break
            cell = nb[rng.integers(len(nb))]
            free[cell[0], cell[1]] = False
            shape.append(cell)
        out.append(np.array(shape, dtype=np.int64))
    return out


def parse_board(rows: list[str]) -> Board:
    """A custom map from text rows (characters of :data:`MAP_SYMBOLS`).

    Movable objects are the 4-connected components of ``O`` cells; ``B`` cells are the box.

    Raises
    ------
    ValueError
        Ragged rows or an unknown character (the message names the row and column).

    Examples
    --------
    >>> b = parse_board(["WWWWW", "W.OOW", "W.F.W", "WWWWW"])
    >>> b.terrain.tolist()[2], [o.tolist() for o in b.objects]
    ([1, 0, 5, 0, 1], [[[1, 2], [1, 3]]])
    """
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ValueError(f"rows must have equal lengths (got {sorted(widths)})")
    chars = np.array([list(r) for r in rows])
    bad = ~np.isin(chars, list(MAP_SYMBOLS))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ValueError(
            f"unknown character {str(chars[r, c])!r} at row {r}, column {c}; "
            f"allowed: {', '.join(f'{k} {v}' for k, v in MAP_SYMBOLS.items())}"
        )
    terrain = np.full(chars.shape, EMPTY, dtype=np.int8)
    terrain[chars == "W"] = WALL
    terrain[chars == "F"] = FOOD
    terrain[chars == "N"] = NEST
    labels, count = ndimage.label(chars == "O", structure=_CROSS)
    objects = [np.argwhere(labels == k).astype(np.int64) for k in range(1, count + 1)]
    return Board(terrain, objects, np.argwhere(chars == "B").astype(np.int64))


def make_terrain(
    config: SwarmConfig, rng: np.random.Generator, reserved: np.ndarray | None = None
) -> np.ndarray:
    """The static terrain of ``config.board_layout`` with the ``reserved`` cells kept floor.

    Draws from ``rng`` only for ``maze`` (the orientation) and ``obstacles`` (the walls).

    Raises
    ------
    ConfigError
        ``world.wall_density`` when no random wall draw keeps the board connected.
    """
    h, w = config.height, config.width
    layout = config.board_layout
    if layout == "custom":
        return parse_board(config.board or []).terrain
    if layout == "maze":
        horizontal = bool(rng.integers(2) == 0)
        return maze_terrain(h, w, config.maze_spacing, horizontal, reserved)
    if layout == "obstacles":
        try:
            return obstacle_terrain(h, w, config.wall_density, rng, reserved)
        except ValueError as exc:
            raise ConfigError("world.wall_density", str(exc)) from None
    return carve(open_terrain(h, w), reserved)
