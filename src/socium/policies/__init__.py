"""Policies: who decides the agents' actions (rules, LLMs, mixtures)."""

from socium.policies.rules import RulePolicy

__all__ = ["RulePolicy"]
