"""Config of the diffusion world: the ``[world]`` section with ``name = "diffusion"``.

Keys (see ``docs/worlds/diffusion.md``)::

    [world]
    name = "diffusion"
    model = "independent_cascade"   # | linear_threshold | si | sis | sir
    p = 0.05                        # independent_cascade: activation probability per edge
    use_weights = false             # independent_cascade / linear_threshold: use edge weights
    beta = 0.1                      # si / sis / sir: transmission probability per contact per step
    gamma = 0.05                    # sis / sir: recovery probability per step
    seeds = { method = "top_degree", k = 10 }
    # or seeds = [0, 5, 7], or seeds = { method = "random", fraction = 0.01 }

A parameter that does not belong to the chosen model is an error naming the field and the model,
so a config never silently carries a value that has no effect.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from socium.core.protocol import WorldConfig

__all__ = [
    "CASCADE_MODELS",
    "DEFAULT_BETA",
    "DEFAULT_GAMMA",
    "DEFAULT_P",
    "EPIDEMIC_MODELS",
    "MODELS",
    "MODEL_PARAMS",
    "DiffusionConfig",
    "SeedSpec",
]

MODELS: tuple[str, ...] = ("independent_cascade", "linear_threshold", "si", "sis", "sir")
"""The model variants of the diffusion world."""

CASCADE_MODELS: tuple[str, ...] = ("independent_cascade", "linear_threshold")
"""Progressive models (an active node stays active) with one activation chance per edge/step."""

EPIDEMIC_MODELS: tuple[str, ...] = ("si", "sis", "sir")
"""Compartmental models in the discrete-time form of ndlib's ``EpidemicModels``."""

MODEL_PARAMS: dict[str, tuple[str, ...]] = {
    "independent_cascade": ("p", "use_weights"),
    "linear_threshold": ("use_weights",),
    "si": ("beta",),
    "sis": ("beta", "gamma"),
    "sir": ("beta", "gamma"),
}
"""The model-specific keys each model accepts (``model`` and ``seeds`` apply to all)."""

DEFAULT_P = 0.1
DEFAULT_BETA = 0.1
DEFAULT_GAMMA = 0.1


class SeedSpec(BaseModel):
    """How the initially active (infected) nodes are chosen, as a table.

    ``method = "top_degree"`` takes the nodes of largest out-degree (ties broken by the lowest
    id); ``method = "random"`` draws them uniformly without replacement from the world's random
    stream. Give exactly one of ``k`` (a count) or ``fraction`` (of the ``n`` nodes, rounded to
    the nearest integer and at least 1).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["top_degree", "random"]
    k: int | None = Field(None, ge=1, description="number of seeds")
    fraction: float | None = Field(None, gt=0.0, le=1.0, description="fraction of nodes seeded")

    @model_validator(mode="after")
    def _one_size(self) -> SeedSpec:
        if (self.k is None) == (self.fraction is None):
            raise ValueError("give exactly one of k or fraction")
        return self

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


def _seed_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return f"unknown key {where!r} in the seeds table; allowed keys: method, k, fraction"
    if err["type"] == "missing":
        return f'the seeds table needs {where!r} (method = "top_degree" | "random")'
    return f"{where}: {msg}" if where else msg


class DiffusionConfig(WorldConfig):
    """The ``[world]`` section of the diffusion world (without ``name``).

    Model parameters are optional; when omitted, the model's default applies (``p = 0.1``,
    ``beta = 0.1``, ``gamma = 0.1``, ``use_weights = false``). Giving a parameter that the model
    does not use raises an error naming the field and the model.
    """

    model: Literal["independent_cascade", "linear_threshold", "si", "sis", "sir"] = Field(
        "independent_cascade", description="diffusion model: " + " | ".join(MODELS)
    )
    p: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="independent_cascade: activation probability per edge (default 0.1)",
    )
    use_weights: bool | None = Field(
        None,
        description=(
            "independent_cascade: edge weights are the activation probabilities; "
            "linear_threshold: influence b_uv = w_uv / sum_u w_uv (default false)"
        ),
    )
    beta: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="si/sis/sir: transmission probability per infected contact per step (0.1)",
    )
    gamma: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="sis/sir: recovery probability per step (default 0.1)",
    )
    seeds: list[int] | SeedSpec = Field(
        default_factory=lambda: SeedSpec(method="random", fraction=0.01),
        description=(
            "initially active nodes: a list of node ids, or a table "
            '{method = "top_degree" | "random", k = int | fraction = float} '
            '(default {method = "random", fraction = 0.01})'
        ),
    )

    @field_validator("seeds", mode="before")
    @classmethod
    def _check_seeds(cls, value: Any) -> Any:
        if isinstance(value, SeedSpec):
            return value
        if isinstance(value, dict):
            try:
                return SeedSpec.model_validate(value)
            except ValidationError as exc:
                raise ValueError(_seed_error(exc)) from None
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError("the list of seed node ids is empty; give at least one id")
            bad = [v for v in value if isinstance(v, bool) or not isinstance(v, int)]
            if bad:
                raise ValueError(f"seed node ids must be integers; got {bad[0]!r}")
            if min(value) < 0:
                raise ValueError(f"seed node ids must be >= 0; got {min(value)}")
            if len(set(value)) != len(value):
                dup = next(v for v in value if value.count(v) > 1)
                raise ValueError(f"seed node id {dup} is listed twice")
            return list(value)
        raise ValueError(
            "expected a list of node ids or a table "
            '{method = "top_degree" | "random", k = ... | fraction = ...}'
        )

    @field_validator("p", "use_weights", "beta", "gamma")
    @classmethod
    def _belongs_to_model(cls, value: Any, info: ValidationInfo) -> Any:
        model = info.data.get("model")
        if model is None or value is None:  # model itself failed validation: reported there
            return value
        allowed = MODEL_PARAMS[model]
        if info.field_name not in allowed:
            users = [m for m, keys in MODEL_PARAMS.items() if info.field_name in keys]
            takes = ", ".join(("seeds", *allowed))
            raise ValueError(
                f"does not apply to model {model!r} (used by {', '.join(users)}); "
                f"{model} takes: {takes}"
            )
        return value

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Unset model parameters are omitted, so a dumped config validates again (and TOML,
        # which has no null, can hold it).
        return {k: v for k, v in handler(self).items() if v is not None}

    # -- resolved values ----------------------------------------------------------------------
    @property
    def p_value(self) -> float:
        """``p`` or its default."""
        return DEFAULT_P if self.p is None else float(self.p)

    @property
    def beta_value(self) -> float:
        """``beta`` or its default."""
        return DEFAULT_BETA if self.beta is None else float(self.beta)

    @property
    def gamma_value(self) -> float:
        """``gamma`` or its default (0 for ``si``, which has no recovery)."""
        if self.model == "si":
            return 0.0
        return DEFAULT_GAMMA if self.gamma is None else float(self.gamma)

    @property
    def use_weights_value(self) -> bool:
        """``use_weights`` or its default (``False``)."""
        return bool(self.use_weights)
