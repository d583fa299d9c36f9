"""The ``norms`` world: an N-player public-goods game with costly punishment and public
sanction events (see ``docs/worlds/norms.md``)."""

from socium.worlds.norms.config import NormsConfig
from socium.worlds.norms.world import NormsWorld

__all__ = ["NormsConfig", "NormsWorld"]
