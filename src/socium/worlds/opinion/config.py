"""The ``[world]`` config of the opinion world (``name = "opinion"``).

Every parameter belongs to one or more models; setting a parameter that the chosen model does
not use is an error (so that a misplaced ``mu`` for a voter model, or ``q`` for Sznajd, is caught
rather than silently ignored). When the config is written back (``config.toml`` of a run), only
the parameters of the chosen model are written.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SerializationInfo, ValidationInfo, field_validator, model_serializer

from socium.core.protocol import WorldConfig

__all__ = [
    "CONTINUOUS_MODELS",
    "DISCRETE_MODELS",
    "MODELS",
    "MODEL_PARAMS",
    "OpinionConfig",
]

CONTINUOUS_MODELS = ("degroot", "friedkin_johnsen", "deffuant", "hegselmann_krause")
DISCRETE_MODELS = ("voter", "majority", "qvoter", "sznajd")
MODELS = CONTINUOUS_MODELS + DISCRETE_MODELS

_CONTINUOUS_COMMON = ("tolerance", "cluster_tol")
_DISCRETE_COMMON = ("n_states",)

#: The parameters each model accepts (besides ``model``).
MODEL_PARAMS: dict[str, tuple[str, ...]] = {
    "degroot": ("self_weight", "weighted", *_CONTINUOUS_COMMON),
    "friedkin_johnsen": ("stubbornness", "self_weight", "weighted", *_CONTINUOUS_COMMON),
    "deffuant": ("epsilon", "mu", *_CONTINUOUS_COMMON),
    "hegselmann_krause": ("epsilon", *_CONTINUOUS_COMMON),
    "voter": ("variant", *_DISCRETE_COMMON),
    "majority": ("group_size", *_DISCRETE_COMMON),
    "qvoter": ("q", "independence", *_DISCRETE_COMMON),
    "sznajd": _DISCRETE_COMMON,
}


class OpinionConfig(WorldConfig):
    """Config of the opinion world: the model and its parameters (names from the literature).

    Parameters that the chosen ``model`` does not use are rejected (see :data:`MODEL_PARAMS`).
    Per-agent values come from ``[population.init]``: ``opinion``, ``stubbornness`` (Friedkin-
    Johnsen) and ``confidence`` (per-agent ``epsilon`` of Deffuant and Hegselmann-Krause).
    """

    model: Literal[
        "degroot",
        "friedkin_johnsen",
        "deffuant",
        "hegselmann_krause",
        "voter",
        "majority",
        "qvoter",
        "sznajd",
    ] = Field("degroot", description="opinion model")
    epsilon: float = Field(
        0.2,
        gt=0.0,
        description="bounded-confidence threshold (deffuant, hegselmann_krause); "
        "per-agent override: population field 'confidence'",
    )
    mu: float = Field(
        0.5, gt=0.0, le=0.5, description="convergence parameter in (0, 0.5] (deffuant)"
    )
    variant: Literal["node", "edge"] = Field(
        "node", description="voter update: 'node' (random agent) or 'edge' (random link)"
    )
    q: int = Field(4, ge=1, description="size of the influence group (qvoter)")
    independence: float = Field(
        0.0, ge=0.0, le=1.0, description="probability of an independent flip (qvoter)"
    )
    group_size: int = Field(3, ge=3, description="odd size of the discussion group (majority)")
    stubbornness: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="weight on the initial opinion, used when the population has no "
        "'stubbornness' field (friedkin_johnsen)",
    )
    self_weight: float = Field(
        1.0, ge=0.0, description="weight of an agent's own opinion (degroot, friedkin_johnsen)"
    )
    weighted: bool = Field(False, description="use edge weights (degroot, friedkin_johnsen)")
    tolerance: float = Field(
        1e-6, gt=0.0, description="converged when max |x(t+1) - x(t)| < tolerance (continuous)"
    )
    cluster_tol: float = Field(
        0.01, ge=0.0, description="largest gap inside an opinion cluster (continuous)"
    )
    n_states: int = Field(2, ge=2, description="number of discrete states (discrete models)")

    @field_validator(
        "epsilon",
        "mu",
        "variant",
        "q",
        "independence",
        "group_size",
        "stubbornness",
        "self_weight",
        "weighted",
        "tolerance",
        "cluster_tol",
        "n_states",
    )
    @classmethod
    def _belongs_to_model(cls, value: Any, info: ValidationInfo) -> Any:
        # runs only for keys given explicitly (defaults are not validated)
        model = info.data.get("model")
        name = info.field_name
        if model is not None and name not in MODEL_PARAMS[model]:
            users = [m for m, ps in MODEL_PARAMS.items() if name in ps]
            raise ValueError(
                f"is not a parameter of model {model!r} (used by: {', '.join(users)}); "
                f"{model!r} accepts: {', '.join(MODEL_PARAMS[model])}"
            )
        if name == "group_size" and value % 2 == 0:
            raise ValueError("must be odd (3, 5, 7, ...)")
        return value

    @model_serializer(mode="wrap")
    def _only_model_params(self, handler: Any, info: SerializationInfo) -> dict[str, Any]:
        data = handler(self)
        keep = {"model", *MODEL_PARAMS[self.model]}
        return {k: v for k, v in data.items() if k in keep}

    @property
    def continuous(self) -> bool:
        """Whether the model has continuous opinions (else integer states)."""
        return self.model in CONTINUOUS_MODELS
