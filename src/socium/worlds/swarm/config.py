"""The ``[world]`` config of the swarm world (``name = "swarm"``)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, ValidationInfo, field_validator, model_validator

from socium.core.protocol import WorldConfig
from socium.worlds.swarm.boards import parse_board
from socium.worlds.swarm.grid import WALL

__all__ = ["SwarmConfig"]


class SwarmConfig(WorldConfig):
    r"""Config of the SwarmBench-style grid world and its rule agents.

    The number of agents is ``population.size`` (SwarmBench default 10). The grid is
    ``height`` x ``width`` cells including the border walls; ``layout`` chooses the board
    (:mod:`socium.worlds.swarm.boards`), ``board`` gives a custom map (and sets the size).

    Notes
    -----
    Defaults follow SwarmBench (Ruan et al. 2025): a 10 x 10 grid, a 5 x 5 view, 100 rounds,
    messages of at most 120 characters, agent force 2 and mass 1, box mass 5.

    References
    ----------
    K. Ruan et al., "Benchmarking LLMs' Swarm intelligence", arXiv:2505.04364 (2025).
    """

    model: Literal["pursuit", "synchronization", "foraging", "flocking", "transport"] = Field(
        "pursuit", description="task"
    )
    width: int = Field(10, ge=6, le=200, description="grid width W (columns, incl. border walls)")
    height: int = Field(10, ge=6, le=200, description="grid height H (rows, incl. border walls)")
    view: int = Field(5, ge=3, le=21, description="side k of the k x k local view (odd)")
    memory: int = Field(3, ge=1, le=20, description="own past views and actions kept per agent")
    rounds: int = Field(
        100, ge=1, description="horizon T of the transport score (T - t) / T; set to run.steps"
    )
    message_limit: int = Field(120, ge=1, le=1000, description="maximal message length (chars)")
    overflow: Literal["truncate", "reject"] = Field(
        "truncate", description="what happens to longer messages: cut to the limit, or dropped"
    )
    agent_force: float = Field(2.0, gt=0.0, description="force of a moving agent")
    agent_mass: float = Field(1.0, gt=0.0, description="mass of an agent")
    box_mass: float = Field(5.0, gt=0.0, description="mass of the transport box")
    prey_steps: int = Field(2, ge=0, le=5, description="single-cell steps of the prey per round")
    gap: int = Field(2, ge=1, description="transport: width of the exit gap in the east wall")
    message_rate: float = Field(
        0.2, ge=0.0, le=1.0, description="rule agents: probability of sending a status message"
    )
    render_text: bool = Field(
        True, description="add the rendered text view to observations (for LLM policies)"
    )
    layout: Literal["auto", "open", "maze", "obstacles", "custom"] = Field(
        "auto",
        description="board: auto (SwarmBench's: maze for foraging, open otherwise), open, maze, "
        "obstacles (random walls), custom (the board map)",
    )
    maze_spacing: int = Field(4, ge=2, le=100, description="maze: a wall stripe every k rows")
    wall_density: float = Field(
        0.15, ge=0.0, le=0.45, description="obstacles: share of interior cells that are walls"
    )
    objects: int = Field(
        0, ge=0, le=10000, description="random movable objects (mass floor(sqrt(cells)))"
    )
    object_cells: int = Field(
        4, ge=1, le=25, description="largest size (cells) of a random movable object"
    )
    board: list[str] | None = Field(
        None,
        validate_default=True,
        description="custom map, one string per row: W wall, . floor, O movable object, "
        "F food, N nest, B box (sets height and width)",
    )

    @model_validator(mode="before")
    @classmethod
    def _size_from_board(cls, data):
        board = data.get("board") if isinstance(data, dict) else None
        if (
            isinstance(board, list)
            and 6 <= len(board) <= 200
            and all(isinstance(r, str) and 6 <= len(r) <= 200 for r in board)
        ):
            data = {**data}
            data.setdefault("height", len(board))
            data.setdefault("width", len(board[0]))
        return data

    @field_validator("board")
    @classmethod
    def _check_board(cls, rows: list[str] | None, info: ValidationInfo) -> list[str] | None:
        layout, model = info.data.get("layout", "auto"), info.data.get("model", "pursuit")
        if rows is None:
            if layout == "custom":
                raise ValueError("required with layout = 'custom' (rows of W . O F N B)")
            return rows
        if layout not in ("auto", "custom"):
            raise ValueError(f"is only used with layout = 'custom' (layout is {layout!r})")
        board = parse_board(rows)
        if not (6 <= board.terrain.shape[0] <= 200 and 6 <= board.terrain.shape[1] <= 200):
            raise ValueError(
                "must have 6 to 200 rows of 6 to 200 cells (got "
                f"{board.terrain.shape[0]} x {board.terrain.shape[1]})"
            )
        shape = (info.data.get("height"), info.data.get("width"))
        if board.terrain.shape != shape:
            raise ValueError(
                f"has {board.terrain.shape[0]} rows of {board.terrain.shape[1]} cells but "
                f"height x width is {shape[0]} x {shape[1]}"
            )
        cells = "".join(rows)
        if (model == "foraging") != ("F" in cells and "N" in cells):
            raise ValueError(
                "needs food (F) and nest (N) cells for foraging"
                if model == "foraging"
                else f"food (F) and nest (N) are foraging cells (model is {model!r})"
            )
        if (model == "transport") != ("B" in cells):
            raise ValueError(
                "needs the box (B) for transport"
                if model == "transport"
                else f"the box (B) is a transport cell (model is {model!r})"
            )
        border = np.ones(board.terrain.shape, dtype=bool)
        border[1:-1, 1:-1] = False
        gaps = np.argwhere(border & (board.terrain != WALL))
        if model == "transport":
            east = (gaps[:, 1] == board.terrain.shape[1] - 1) & (gaps[:, 0] > 0)
            east &= gaps[:, 0] < board.terrain.shape[0] - 1
            if not len(gaps) or not east.all():
                raise ValueError("transport needs its exit gap in the east border (only)")
        elif len(gaps):
            r, c = gaps[0]
            raise ValueError(f"border cells must be walls (W); row {r}, column {c} is not")
        return rows

    @property
    def board_layout(self) -> str:
        """The layout in use: ``auto`` resolved to ``custom``, ``maze`` or ``open``."""
        if self.board is not None:
            return "custom"
        if self.layout == "auto":
            return "maze" if self.model == "foraging" else "open"
        return self.layout

    @field_validator("view")
    @classmethod
    def _odd_view(cls, v: int) -> int:
        if v % 2 == 0:
            raise ValueError(f"must be odd (got {v})")
        return v

    @model_validator(mode="after")
    def _check(self) -> SwarmConfig:
        if self.model == "transport" and self.gap > self.height - 4:
            raise ValueError(f"gap must be at most height - 4 = {self.height - 4}")
        return self
