"""The ``games`` world: repeated 2x2 games, tournaments and evolutionary dynamics
(see ``docs/worlds/games.md``)."""

from socium.worlds.games.config import MODELS, GamesConfig
from socium.worlds.games.world import GamesWorld

__all__ = ["MODELS", "GamesConfig", "GamesWorld"]
