"""Mixed populations (``[policy] kind = "mixed"``): different policies for agent groups.

Groups are listed in order; an agent belongs to the **first** group whose selector matches it,
and agents matched by none use ``default`` (the rule policy unless set)::

    [policy]
    kind = "mixed"

    [[policy.groups]]
    select = { ids = [0, 5] }              # agents 0..4
    policy = { kind = "llm" }

    [[policy.groups]]
    select = { where = { role = "influencer" } }   # a persona attribute (or numeric field)
    policy = { kind = "archetype", key = ["role"] }

    [[policy.groups]]
    select = { fraction = 0.1 }            # a seeded 10% of the agents not claimed above
    policy = { kind = "llm", fallback = "rules" }

    [policy.default]
    kind = "rules"

The assignment is computed once, vectorized, when the policy is built. Each step the batch is
split by group (:meth:`ObsBatch.take`), every group's policy decides its rows, and the parts are
reassembled in the batch's row order (:meth:`ActionBatch.merge`). Group ``i`` gets its own
random stream ``policy.group<i>`` (``policy.default`` for the default), so adding a group does
not change the others' randomness; all LLM-driven groups share the run's one language model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from socium.core.batches import ActionBatch, ObsBatch
from socium.core.population import Population
from socium.core.protocol import Policy, PolicyContext, Table, World
from socium.core.registry import POLICIES
from socium.errors import ConfigError
from socium.policies.base import LLMDrivenPolicy, drain_llm_calls
from socium.policies.config import AgentSelector, MixedPolicyConfig
from socium.policies.counters import merge_final_metrics, merge_step_metrics

__all__ = ["MixedPolicy", "assign_groups", "select_where"]

_COMPARISONS = {
    "ge": np.greater_equal,
    "gt": np.greater,
    "le": np.less_equal,
    "lt": np.less,
    "eq": np.equal,
    "ne": np.not_equal,
}


def select_where(population: Population, where: Mapping[str, Any], field: str) -> np.ndarray:
    """Boolean mask of the agents matching every condition of ``where``.

    A condition is ``attr = value`` (equality), ``attr = [v1, v2]`` (membership) or
    ``attr = {ge = 18, lt = 30}`` (comparisons ``ge gt le lt eq ne``). ``attr`` is a persona
    column or a population field.

    Raises
    ------
    ConfigError
        For an unknown attribute or comparison (naming ``field.<attr>``).

    Examples
    --------
    >>> pop = Population(4, {"age": np.array([15, 20, 35, 70])},
    ...                  {"role": np.array(["a", "b", "a", "c"])})
    >>> select_where(pop, {"role": ["a", "c"], "age": {"ge": 18}}, "where").tolist()
    [False, False, True, True]
    """
    mask = np.ones(population.size, dtype=bool)
    for attr, cond in where.items():
        if attr in population.personas:
            values = np.asarray(population.personas[attr])
        elif attr in population.fields:
            values = np.asarray(population.fields[attr])
        else:
            known = sorted(set(population.personas) | set(population.fields))
            raise ConfigError(
                f"{field}.{attr}",
                f"unknown persona attribute or field; available: {', '.join(known) or 'none'}",
            )
        if isinstance(cond, Mapping):
            for op, bound in cond.items():
                if op not in _COMPARISONS:
                    raise ConfigError(
                        f"{field}.{attr}.{op}",
                        f"unknown comparison; allowed: {', '.join(_COMPARISONS)}",
                    )
                mask &= _COMPARISONS[op](values, bound)
        elif isinstance(cond, list | tuple):
            mask &= np.isin(values, list(cond))
        else:
            mask &= values == cond
    return mask


def assign_groups(
    selectors: list[AgentSelector], population: Population, rng: np.random.Generator
) -> np.ndarray:
    """The group of every agent: the first selector that matches it, else ``len(selectors)``.

    ``fraction`` takes ``round(fraction * n_unclaimed)`` agents uniformly at random (from
    ``rng``) among those not claimed by earlier groups.

    Raises
    ------
    ConfigError
        For an id range that starts beyond the population, or a bad ``where``.

    Examples
    --------
    >>> from socium.policies.config import AgentSelector
    >>> pop = Population(10)
    >>> sel = [AgentSelector(ids=(0, 3)), AgentSelector(fraction=0.5)]
    >>> g = assign_groups(sel, pop, np.random.default_rng(0))
    >>> np.bincount(g).tolist()
    [3, 4, 3]
    """
    n = population.size
    group = np.full(n, len(selectors), dtype=np.int64)
    free = np.ones(n, dtype=bool)
    for i, sel in enumerate(selectors):
        field = f"policy.groups.{i}.select"
        if sel.ids is not None:
            start, stop = sel.ids
            if start >= n > 0:
                raise ConfigError(f"{field}.ids", f"starts at {start} but there are {n} agents")
            mask = np.zeros(n, dtype=bool)
            mask[start : min(stop, n)] = True
        elif sel.where is not None:
            mask = select_where(population, sel.where, f"{field}.where")
        else:
            pool = np.flatnonzero(free)
            k = round(float(sel.fraction) * pool.size)
            mask = np.zeros(n, dtype=bool)
            mask[np.sort(rng.permutation(pool)[:k])] = True
        mask &= free
        group[mask] = i
        free &= ~mask
    return group


class MixedPolicy(Policy):
    """Route each agent to its group's policy; reassemble the actions in row order.

    Parameters
    ----------
    world : World
    config : MixedPolicyConfig
        ``groups`` (``select`` + ``policy``) and ``default``.
    rng : numpy.random.Generator
        The mixed policy's stream (used for ``fraction`` selectors).
    context : PolicyContext
        Shared by the groups (population, streams, one language model).

    Attributes
    ----------
    assignment : numpy.ndarray
        Group index per agent (``len(groups)`` = default).
    policies : list of Policy
        One per group, then the default.

    Examples
    --------
    >>> import socium
    >>> cfg = {"network": {"kind": "complete", "n": 20}, "run": {"steps": 2, "seed": 1},
    ...        "world": {"name": "opinion", "model": "degroot"}, "llm": {"backend": "mock"},
    ...        "policy": {"kind": "mixed", "groups": [
    ...            {"select": {"ids": [0, 3]}, "policy": {"kind": "llm"}}]}}
    >>> socium.run(cfg).final["llm_decisions"]
    6
    """

    name = "mixed"
    config: MixedPolicyConfig

    def __init__(
        self,
        world: World,
        config: MixedPolicyConfig,
        rng: np.random.Generator,
        context: PolicyContext | None = None,
    ):
        super().__init__(world, config, rng, context)
        population = self.context.population
        if population is None:
            raise ConfigError("policy.groups", "a mixed policy needs the population")
        self.assignment = assign_groups([g.select for g in config.groups], population, rng)
        specs = [g.policy for g in config.groups] + [config.default]
        names = [f"group{i}" for i in range(len(config.groups))] + ["default"]
        self.names = names
        self.policies: list[Policy] = []
        for name, spec in zip(names, specs, strict=True):
            cls = POLICIES.get(spec.kind)
            policy = cls(world, spec, self.context.stream(f"policy.{name}"), self.context)
            if isinstance(policy, LLMDrivenPolicy):
                policy.drains_llm_calls = False
            self.policies.append(policy)

    def group_sizes(self) -> list[int]:
        """Agents per group (the default last)."""
        return np.bincount(self.assignment, minlength=len(self.policies)).tolist()

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """Split by group, decide per group, merge back into the batch's row order."""
        if len(obs) == 0:
            return self.policies[-1].decide(obs)
        group = self.assignment[np.asarray(obs.ids, dtype=np.int64)]
        present = np.unique(group)
        if present.size == 1:
            return self.policies[int(present[0])].decide(obs)
        parts = []
        for g in present.tolist():
            rows = np.flatnonzero(group == g)
            parts.append((rows, self.policies[g].decide(obs.take(rows))))
        return ActionBatch.merge(parts, obs)

    def begin_step(self, step: int) -> None:
        """Tell every group's policy."""
        for policy in self.policies:
            policy.begin_step(step)

    # -- interviews ------------------------------------------------------------------------
    def supports_interviews(self) -> bool:
        """Whether any group's policy answers interviews."""
        return any(p.supports_interviews() for p in self.policies)

    def interview(self, ids: np.ndarray, question: str, step: int) -> list[str | None]:
        """Route each agent to its group's policy; agents of groups that cannot answer (rule
        agents) get ``None``."""
        ids = np.asarray(ids, dtype=np.int64)
        answers: list[str | None] = [None] * ids.shape[0]
        group = self.assignment[ids]
        for g in np.unique(group).tolist():
            policy = self.policies[g]
            if not policy.supports_interviews():
                continue
            rows = np.flatnonzero(group == g)
            for row, answer in zip(
                rows.tolist(), policy.interview(ids[rows], question, step), strict=True
            ):
                answers[row] = answer
        return answers

    # -- metrics, tables, state ------------------------------------------------------------------
    def step_metrics(self) -> dict[str, float]:
        """The groups' step metrics, summed."""
        return merge_step_metrics(p.step_metrics() for p in self.policies)

    def final_metrics(self) -> dict[str, Any]:
        """The groups' final metrics (counts summed, flags OR-ed, rates recomputed), plus
        ``mixed_group_sizes``."""
        out = merge_final_metrics(p.final_metrics() for p in self.policies)
        out["mixed_group_sizes"] = self.group_sizes()
        return out

    def drain_tables(self) -> dict[str, Table]:
        """The groups' tables (rows of the same table concatenated) and ``llm_calls`` once."""
        tables: dict[str, list[Table]] = {}
        for policy in self.policies:
            for name, rows in policy.drain_tables().items():
                tables.setdefault(name, []).append(rows)
        out = {name: _concat(name, parts) for name, parts in tables.items()}
        calls = drain_llm_calls(self.context)
        if calls is not None:
            out["llm_calls"] = calls
        return out

    def get_state(self) -> dict[str, Any]:
        """Each group's policy state, by group name."""
        return {name: p.get_state() for name, p in zip(self.names, self.policies, strict=True)}

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        for name, policy in zip(self.names, self.policies, strict=True):
            policy.set_state(state.get(name, {}))

    def close(self) -> None:
        """Close the groups' policies and the shared language model."""
        for policy in self.policies:
            policy.close()
        self.context.close()


def _concat(name: str, parts: list[Table]) -> Table:
    if len(parts) == 1:
        return parts[0]
    columns = list(parts[0])
    for rows in parts[1:]:
        if list(rows) != columns:
            raise ValueError(f"groups wrote table {name!r} with different columns")
    return {c: np.concatenate([np.asarray(rows[c]) for rows in parts]) for c in columns}
