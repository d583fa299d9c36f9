"""The ``[world]`` config of the norms world (``name = "norms"``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from socium.core.protocol import WorldConfig

__all__ = ["NormsConfig"]


class NormsConfig(WorldConfig):
    r"""Config of the public-goods game with punishment and its rule agents.

    Game parameters follow Fehr & Gächter (2000): endowment :math:`e`, group size :math:`g`,
    multiplication factor :math:`r` (marginal per-capita return :math:`r/g`), punishment cost
    :math:`c` and fine :math:`f` per punishment. The number of agents is ``population.size``
    and must be a multiple of :math:`g`. Any :math:`r > 0` is accepted; the game is a social
    dilemma only for :math:`1 < r < g`.
    """

    model: Literal["public_goods"] = Field("public_goods", description="game")
    endowment: float = Field(20.0, gt=0.0, description="endowment e per round")
    group_size: int = Field(4, ge=2, description="group size g")
    r: float = Field(
        1.6, gt=0.0, description="multiplication factor r of the common pool (dilemma: 1 < r < g)"
    )
    matching: Literal["stranger", "partner"] = Field(
        "stranger",
        description="'stranger': new random groups every round; 'partner': random groups "
        "drawn once and kept",
    )
    punishment: bool = Field(True, description="whether a punishment stage follows contributions")
    cost: float = Field(1.0, ge=0.0, description="cost c to the punisher of one punishment")
    fine: float = Field(3.0, ge=0.0, description="fine f to the target of one punishment")
    punishers: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="fraction of rule agents willing to punish (population field 'punisher' "
        "overrides)",
    )
    punisher_norm: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="the punishers' norm nu as a fraction of e; unset: each punisher's norm is "
        "its initial contribution (population field 'norm' overrides)",
    )
    margin: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="a punisher punishes contributions below its norm by more than margin * e",
    )
    slope: float = Field(
        0.8, ge=0.0, le=1.0, description="conditional-cooperation slope rho (1 = match others)"
    )
    alpha: float = Field(
        0.5, gt=0.0, le=1.0, description="adjustment rate alpha of contributions toward the target"
    )
    exploration: float = Field(
        0.05, ge=0.0, description="s.d. of the exploration noise, as a fraction of e"
    )
    levels: int = Field(
        11, ge=2, description="number K of contribution levels in the public sanction table"
    )
    learning_rate: float = Field(
        0.3,
        gt=0.0,
        le=1.0,
        description="rate lambda of the public sanction table (running mean with weight "
        "max(lambda, 1/n))",
    )
    norm_threshold: float = Field(
        0.7, ge=0.0, le=1.0, description="contribution rate that counts as a cooperative norm"
    )
    norm_window: int = Field(
        10, ge=1, description="rounds K the contribution rate must stay above the threshold"
    )

    @model_validator(mode="after")
    def _fine_vs_cost(self) -> NormsConfig:
        if self.punishment and self.fine <= self.cost:
            raise ValueError(
                f"fine must exceed cost (got fine = {self.fine}, cost = {self.cost}); "
                "punishment is a fine larger than its cost"
            )
        return self

    @property
    def mpcr(self) -> float:
        """Marginal per-capita return :math:`r / g`."""
        return self.r / self.group_size
