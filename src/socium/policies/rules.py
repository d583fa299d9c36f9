"""The rule policy: the world's own vectorized behavioural model."""

from __future__ import annotations

from socium.core.batches import ActionBatch, ObsBatch
from socium.core.protocol import Policy

__all__ = ["RulePolicy"]


class RulePolicy(Policy):
    """Delegate every decision to the world's :meth:`~socium.core.protocol.World.rule_decide`."""

    name = "rules"

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """Vectorized rule decision for the whole batch."""
        return self.world.rule_decide(obs, self.rng)
