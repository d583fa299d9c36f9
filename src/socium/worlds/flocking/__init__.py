"""The ``flocking`` world: the continuous Vicsek model of self-propelled particles
(see ``docs/worlds/flocking.md``)."""

from socium.worlds.flocking.config import FlockingConfig
from socium.worlds.flocking.world import FlockingWorld

__all__ = ["FlockingConfig", "FlockingWorld"]
