"""Config of the games world: the ``[world]`` section with ``name = "games"``.

Keys (see ``docs/worlds/games.md``)::

    [world]
    name = "games"
    model = "prisoners_dilemma"     # a preset, or "custom" with payoffs = [[R, S], [T, P]]
    strategies = ["tit_for_tat", "defector", "cooperator"]
    shares = [0.5, 0.25, 0.25]      # optional; default equal shares
    pairing = "round_robin"         # | "random"
    turns = 10                      # rounds per match
    continuation_probability = 0.9  # optional: geometric match lengths (turns = optional cap)
    noise = 0.0                     # trembles
    social_cot = false              # LLM players: predict the other's move, then choose
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from socium.core.protocol import WorldConfig
from socium.worlds.games.payoffs import PRESETS, make_game
from socium.worlds.games.strategies import STRATEGY_CLASSES

__all__ = ["DEFAULT_STRATEGIES", "MODELS", "GamesConfig"]

#: The world's models: every preset game, and ``custom`` (payoffs given in the config).
MODELS: tuple[str, ...] = (*PRESETS, "custom")

#: The default field.
DEFAULT_STRATEGIES: tuple[str, ...] = ("tit_for_tat", "defector", "cooperator", "grudger")


class GamesConfig(WorldConfig):
    """Config of the games world: the game, the strategies in the population, match rules."""

    model: Literal[MODELS] = Field(  # type: ignore[valid-type]
        "prisoners_dilemma", description="the game: a preset, or 'custom' with payoffs"
    )
    payoffs: list[Any] | None = Field(
        None,
        description="model = 'custom': 2x2 [[R, S], [T, P]] (symmetric) or 2x2x2 "
        "[role][my_move][other_move]",
    )
    strategies: list[str] = Field(
        list(DEFAULT_STRATEGIES), min_length=1, description="strategy names in the population"
    )
    shares: list[float] | None = Field(
        None, description="share of agents per strategy (default equal); normalised to sum 1"
    )
    pairing: Literal["round_robin", "random"] = Field(
        "round_robin", description="every pair of agents plays, or a random perfect matching"
    )
    turns: int | None = Field(
        None,
        ge=1,
        description="rounds per match (default 10); with continuation_probability a cap",
    )
    continuation_probability: float | None = Field(
        None, ge=0.0, lt=1.0, description="probability of another round (geometric lengths)"
    )
    noise: float = Field(0.0, ge=0.0, le=1.0, description="probability a move is flipped")
    generosity: float | None = Field(
        None, ge=0.0, le=1.0, description="generous_tit_for_tat forgiveness (default Nowak-Sigmund)"
    )
    random_p: float = Field(0.5, ge=0.0, le=1.0, description="random: probability of C")
    social_cot: bool = Field(
        False,
        description="LLM players predict the other's move before choosing theirs (social "
        "chain-of-thought); scored as prediction_accuracy",
    )

    @field_validator("strategies")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        for name in value:
            if name not in STRATEGY_CLASSES:
                raise ValueError(
                    f"unknown strategy {name!r}; allowed: {', '.join(STRATEGY_CLASSES)}"
                )
        if len(set(value)) != len(value):
            raise ValueError("strategy names must be distinct (use shares for proportions)")
        return value

    @field_validator("payoffs")
    @classmethod
    def _shape(cls, value: list[Any] | None) -> list[Any] | None:
        if value is not None:
            try:
                make_game(value)
            except ValueError as exc:
                raise ValueError(str(exc).removeprefix("payoffs: ")) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> GamesConfig:
        if self.model == "custom" and self.payoffs is None:
            raise ValueError("payoffs: required when model = 'custom'")
        if self.model != "custom" and self.payoffs is not None:
            raise ValueError(
                f"payoffs: only with model = 'custom' (model {self.model!r} is a preset)"
            )
        if self.shares is not None:
            if len(self.shares) != len(self.strategies):
                raise ValueError(
                    f"shares: {len(self.shares)} values for {len(self.strategies)} strategies"
                )
            if any(s < 0 for s in self.shares) or sum(self.shares) <= 0:
                raise ValueError("shares: must be non-negative with a positive sum")
        return self

    @property
    def match_turns(self) -> int | None:
        """Rounds per match (10 by default), or the cap of geometric lengths (None: no cap)."""
        if self.continuation_probability is None:
            return 10 if self.turns is None else self.turns
        return self.turns
