"""The ``opinion`` world: DeGroot, Friedkin-Johnsen, Deffuant, Hegselmann-Krause, voter,
majority-rule, q-voter and Sznajd models (see ``docs/worlds/opinion.md``)."""

from socium.worlds.opinion.config import MODELS, OpinionConfig
from socium.worlds.opinion.world import OpinionWorld

__all__ = ["MODELS", "OpinionConfig", "OpinionWorld"]
