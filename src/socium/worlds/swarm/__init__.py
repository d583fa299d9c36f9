"""The ``swarm`` world: SwarmBench's five grid tasks with local views, anonymous local messages
and push physics (see ``docs/worlds/swarm.md``)."""

from socium.worlds.swarm.config import SwarmConfig
from socium.worlds.swarm.world import SwarmWorld

__all__ = ["SwarmConfig", "SwarmWorld"]
