"""The ``[world]`` config of the swarm world (``name = "swarm"``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from socium.core.protocol import WorldConfig

__all__ = ["SwarmConfig"]


class SwarmConfig(WorldConfig):
    r"""Config of the SwarmBench-style grid world and its rule agents.

    The number of agents is ``population.size`` (SwarmBench default 10). The grid is
    ``height`` x ``width`` cells including the border walls.

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
