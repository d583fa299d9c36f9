"""The ``influence`` world: misinformation and correction campaigns under resource budgets,
a potency judge, and a bounded-confidence population with confirmation bias
(see ``docs/worlds/influence.md``)."""

from socium.worlds.influence.config import InfluenceConfig
from socium.worlds.influence.world import InfluenceWorld

__all__ = ["InfluenceConfig", "InfluenceWorld"]
