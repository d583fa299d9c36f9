"""The ``[world]`` config of the flocking world (``name = "flocking"``)."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from socium.core.protocol import WorldConfig

__all__ = ["DEFAULT_DENSITY", "FlockingConfig"]

#: Density used when neither ``density`` nor ``L`` is given (Vicsek et al. 1995 used 0.1 to 4).
DEFAULT_DENSITY = 4.0


class FlockingConfig(WorldConfig):
    r"""Config of the Vicsek model; keys are the symbols of Vicsek et al. (1995).

    The number of particles :math:`N` is ``population.size``. The box side is ``L``, or
    :math:`L = \sqrt{N / \rho}` from ``density`` :math:`\rho`; giving both is an error, giving
    neither means :math:`\rho = 4`.
    """

    model: Literal["vicsek"] = Field("vicsek", description="flocking model")
    L: float | None = Field(None, gt=0.0, description="side of the periodic square box")
    density: float | None = Field(
        None, gt=0.0, description="particles per unit area rho = N / L^2 (instead of L)"
    )
    v0: float = Field(0.03, gt=0.0, description="speed: distance travelled per step")
    r: float = Field(1.0, gt=0.0, description="interaction radius (at most L / 2)")
    eta: float = Field(
        0.5,
        ge=0.0,
        le=2.0 * math.pi,
        description="noise amplitude: angular noise uniform in [-eta/2, eta/2], eta in [0, 2 pi]",
    )
    window: int = Field(
        50, ge=2, description="number of steps of the convergence window of the order parameter"
    )
    tolerance: float = Field(
        0.02,
        gt=0.0,
        description="converged when every phi in the last `window` steps lies within "
        "+-tolerance of their mean",
    )

    @model_validator(mode="after")
    def _one_size(self) -> FlockingConfig:
        if self.L is not None and self.density is not None:
            raise ValueError("give either L or density, not both")
        return self

    def box_size(self, n: int) -> float:
        r"""The box side :math:`L` for :math:`N` particles (``L``, or :math:`\sqrt{N/\rho}`)."""
        if self.L is not None:
            return float(self.L)
        rho = DEFAULT_DENSITY if self.density is None else self.density
        return math.sqrt(n / rho)
