"""The ``lockin`` world: belief distributions updated through a human-AI trust matrix, with
lock-in above the spectral threshold (see ``docs/worlds/lockin.md``)."""

from socium.worlds.lockin.config import LockinConfig
from socium.worlds.lockin.world import LockinWorld

__all__ = ["LockinConfig", "LockinWorld"]
