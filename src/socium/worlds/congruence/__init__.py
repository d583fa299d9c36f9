"""The ``congruence`` experiment: Rokeach–Mezei partner choice between shared belief and
shared identity, with mitigation prompts (see ``docs/worlds/congruence.md``)."""

from socium.worlds.congruence.config import CongruenceConfig
from socium.worlds.congruence.world import CongruenceWorld

__all__ = ["CongruenceConfig", "CongruenceWorld"]
