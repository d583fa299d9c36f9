"""The ``diffusion`` world: independent cascade, linear threshold, SI, SIS and SIR.

Submodules: :mod:`~socium.worlds.diffusion.config` (the ``[world]`` keys),
:mod:`~socium.worlds.diffusion.seeds` (seed selection), :mod:`~socium.worlds.diffusion.world`
(:class:`DiffusionWorld`: shared node arrays, metrics, checkpoints), the models behind it
(:mod:`~socium.worlds.diffusion.base` the interface, :mod:`~socium.worlds.diffusion.cascades`
IC and LT, :mod:`~socium.worlds.diffusion.epidemics` SI, SIS and SIR), their building blocks
(:mod:`~socium.worlds.diffusion.nodes` node arrays, :mod:`~socium.worlds.diffusion.graph` CSR
gathers, :mod:`~socium.worlds.diffusion.kernels` vectorized kernels)
and :mod:`~socium.worlds.diffusion.plots`. See ``docs/worlds/diffusion.md``.
"""

from socium.worlds.diffusion.config import MODELS, DiffusionConfig, SeedSpec
from socium.worlds.diffusion.seeds import select_seeds
from socium.worlds.diffusion.world import ACTIVE, INACTIVE, REMOVED, DiffusionWorld

__all__ = [
    "ACTIVE",
    "INACTIVE",
    "MODELS",
    "REMOVED",
    "DiffusionConfig",
    "DiffusionWorld",
    "SeedSpec",
    "select_seeds",
]
