r"""The board: cell codes, moves, local views and their text rendering.

The board has two layers: ``terrain`` (``int8``, static: floor, wall, food, nest) and ``occ``
(``int64``, the id of the *body* in each cell, -1 if none). Bodies are the agents (ids
``0..N-1``) followed by the task's objects (the prey, the box). A body may cover several cells
(the box); its cells are the cells of ``occ`` holding its id.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "AGENT",
    "AGENT_ALT",
    "BOX",
    "DIRS",
    "DOWN",
    "EMPTY",
    "EXIT",
    "FOOD",
    "LEFT",
    "MOVE_NAMES",
    "NEST",
    "OBJECT",
    "OPPOSITE",
    "PREY",
    "RIGHT",
    "STAY",
    "SWITCH",
    "SYMBOLS",
    "UP",
    "WALL",
    "local_views",
    "render_view",
]

#: Cell codes of views (and of ``terrain`` for the static ones); ``OBJECT`` is a movable
#: obstacle (mass :math:`\lfloor\sqrt{\text{cells}}\rfloor`).
EMPTY, WALL, AGENT, PREY, BOX, FOOD, NEST, AGENT_ALT, EXIT, OBJECT = range(10)
#: One character per cell code (``AGENT_ALT``: light off / not carrying food).
SYMBOLS = np.array([".", "W", "A", "P", "B", "F", "N", "a", "*", "O"])

#: Move codes; ``SWITCH`` (synchronization only) toggles the light and does not move.
STAY, UP, DOWN, LEFT, RIGHT, SWITCH = range(6)
MOVE_NAMES = ("STAY", "UP", "DOWN", "LEFT", "RIGHT", "SWITCH")
#: (row, column) step of each move code; row 0 is the top (UP decreases the row).
DIRS = np.array([[0, 0], [-1, 0], [1, 0], [0, -1], [0, 1], [0, 0]], dtype=np.int64)
#: The opposite move of each move code.
OPPOSITE = np.array([STAY, DOWN, UP, RIGHT, LEFT, SWITCH], dtype=np.int64)


def local_views(codes: np.ndarray, pos: np.ndarray, k: int, outside: int) -> np.ndarray:
    r"""The :math:`k \times k` views centred on ``pos``.

    Parameters
    ----------
    codes : numpy.ndarray
        ``(H, W)`` cell codes of the whole board.
    pos : numpy.ndarray
        ``(n, 2)`` (row, column) of the viewers, inside the board.
    k : int
        Odd view side; the view covers rows :math:`r - \lfloor k/2\rfloor .. r + \lfloor
        k/2\rfloor` (same for columns).
    outside : int
        Code shown for cells beyond the board (``WALL``, or ``EXIT`` past the transport gap).

    Returns
    -------
    numpy.ndarray
        ``(n, k, k)`` ``int8`` views; ``view[i, k//2, k//2]`` is the viewer's own cell.

    Examples
    --------
    >>> codes = np.zeros((3, 3), np.int8)
    >>> local_views(codes, np.array([[0, 0]]), 3, WALL)[0]
    array([[1, 1, 1],
           [1, 0, 0],
           [1, 0, 0]], dtype=int8)
    """
    r = k // 2
    padded = np.pad(codes.astype(np.int8), r, constant_values=outside)
    windows = sliding_window_view(padded, (k, k))
    pos = np.asarray(pos, dtype=np.int64).reshape(-1, 2)
    return windows[pos[:, 0], pos[:, 1]].copy()


def render_view(view: np.ndarray) -> str:
    """One view as text: one line per row, cells separated by spaces, the viewer as ``@``.

    Examples
    --------
    >>> print(render_view(np.array([[1, 1, 1], [1, 2, 0], [1, 0, 3]])))
    W W W
    W @ .
    W . P
    """
    chars = SYMBOLS[np.asarray(view)].copy()
    c = view.shape[0] // 2
    chars[c, c] = "@"
    return "\n".join(" ".join(row) for row in chars)
