r"""The congruence experiment: do agents prefer partners who share their beliefs or their
identity? (Rokeach & Mezei 1966; for LLMs, "Mind the (Belief) Gap", arXiv:2503.02016.)

One step is one trial. Every acting agent sees four counterparts (real agents), one from each
cell of {same, other identity} x {same, opposite belief on the trial's issue}, in random order
(:func:`~socium.worlds.congruence.counterparts.draw_counterparts`), and chooses one. The
belief-congruence rate is the share of choices of a same-belief partner, the
identity-congruence rate the share of same-identity partners; chance is 1/2 for both.
Agents are split evenly at random over ``conditions``; a mitigation condition changes the LLM
prompt (:data:`~socium.worlds.congruence.prompts.MITIGATION_PROMPTS`) and, for rule agents,
the weights of the logit choice (:mod:`~socium.worlds.congruence.choice`). See
``docs/worlds/congruence.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.actions import ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import Table, World
from socium.core.schedule import ScheduleSpec, SynchronousSpec
from socium.errors import ConfigError
from socium.worlds.congruence import prompts
from socium.worlds.congruence.actions import Choose
from socium.worlds.congruence.choice import logit_choice
from socium.worlds.congruence.config import CongruenceConfig
from socium.worlds.congruence.counterparts import CELLS, draw_counterparts

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["CongruenceWorld", "rates"]

_CELL_NAMES = (
    "same_identity_same_belief",
    "same_identity_opposite_belief",
    "other_identity_same_belief",
    "other_identity_opposite_belief",
)
_SAME_IDENTITY = np.array([c[0] for c in CELLS])
_SAME_BELIEF = np.array([c[1] for c in CELLS])

_METRICS = {
    "belief_congruence": "share of choices of a partner with the same belief (chance 0.5)",
    "identity_congruence": "share of choices of a partner with the same identity (chance 0.5)",
    "belief_congruence_se": "binomial standard error of belief_congruence",
    "identity_congruence_se": "binomial standard error of identity_congruence",
    "rokeach_mezei": "P(other identity, same belief) - P(same identity, opposite belief): "
    "> 0 when belief outweighs identity",
    "share_<cell>": "share of choices in each of the four cells",
    "belief_congruence_<condition>": "belief_congruence of the agents in that condition",
    "identity_congruence_<condition>": "identity_congruence of the agents in that condition",
    "belief_congruence_change_<condition>": "belief_congruence_<condition> - "
    "belief_congruence_none (when 'none' is a condition)",
    "identity_congruence_change_<condition>": "the same for identity congruence",
    "choices": "choices made (abstentions excluded)",
    "abstentions": "trials without a valid choice",
    "converged_step": "added by the engine (never reported)",
}


def rates(tally: np.ndarray) -> tuple[float, float]:
    """Belief- and identity-congruence rates of a ``(4,)`` tally of chosen cells.

    Examples
    --------
    >>> rates(np.array([1, 0, 3, 0]))
    (1.0, 0.25)
    """
    total = tally.sum()
    if total == 0:
        return float("nan"), float("nan")
    return float(tally[_SAME_BELIEF].sum() / total), float(tally[_SAME_IDENTITY].sum() / total)


class CongruenceWorld(World):
    r"""Rokeach–Mezei partner choice with mitigation conditions.

    Parameters
    ----------
    config : CongruenceConfig
        The ``[world]`` section.
    population : Population
        Optional field ``identity`` (index into ``identities``; default: uniform). Beliefs
        on every issue are drawn from the world stream (``agree_share``, ``alignment``).
    network : None
        Unused.
    rng : numpy.random.Generator
        The world stream: identities, beliefs, conditions, then every trial the counterparts
        and their order.

    References
    ----------
    M. Rokeach and L. Mezei, *Science* 151, 167-172 (1966). G. W. Allport, *The Nature of
    Prejudice* (1954). G. Pennycook et al., *Nature* 592, 590-595 (2021). "Mind the (Belief)
    Gap: Group Identity in the World of LLMs", arXiv:2503.02016 (2025).

    Examples
    --------
    >>> import socium
    >>> cfg = {"population": {"size": 400}, "run": {"steps": 4},
    ...        "world": {"name": "congruence", "conditions": ["none", "contact"]}}
    >>> f = socium.run(cfg, seed=1).final
    >>> f["belief_congruence"] > f["identity_congruence"] > 0.5
    True
    """

    name: ClassVar[str] = "congruence"
    version: ClassVar[int] = 1
    Config: ClassVar[type[CongruenceConfig]] = CongruenceConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = (
        "Congruence: Rokeach-Mezei partner choice (belief vs identity) with mitigation prompts"
    )
    metric_descriptions = _METRICS
    action_specs: ClassVar[Sequence[type[ActionSpec]]] = (Choose,)

    config: CongruenceConfig

    def __init__(
        self,
        config: CongruenceConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n = population.size
        if n < 4:
            raise ConfigError("population.size", "needs at least 4 agents")
        self.n = n
        n_id = len(config.identities)
        if "identity" in population:
            ident = np.asarray(population["identity"])
            if not (np.isin(ident, np.arange(n_id))).all():
                raise ConfigError("population.init.identity", f"must be integers in 0..{n_id - 1}")
            self.identity = ident.astype(np.int64)
        else:
            self.identity = rng.integers(0, n_id, n).astype(np.int64)
        tilt = np.where(self.identity % 2 == 0, 0.5, -0.5) * config.alignment
        p = np.clip(config.agree_share + tilt, 0.0, 1.0)
        #: ``(N, K)`` 1 where the agent agrees with issue k.
        self.beliefs = (rng.random((n, len(config.issues))) < p[:, None]).astype(np.int8)
        n_cond = len(config.conditions)
        self.condition = rng.permutation(np.arange(n) % n_cond).astype(np.int64)
        effects = [config.effect(c) for c in config.conditions]
        self._w_belief = config.belief_weight * np.array([e.belief for e in effects])
        self._w_identity = config.identity_weight * np.array([e.identity for e in effects])
        self._prompts = {
            k: config.prompts.get(c, prompts.MITIGATION_PROMPTS[c])
            for k, c in enumerate(config.conditions)
        }
        population["identity"] = self.identity.copy()
        self.tally = np.zeros((n_cond, 4), np.int64)
        self.last = np.zeros((n_cond, 4), np.int64)
        self.abstained = 0
        self.trial = 0
        self._rows: list[dict[str, np.ndarray]] = []

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: every agent chooses in every trial."""
        return SynchronousSpec()

    @property
    def issue(self) -> int:
        """Index of the current trial's issue."""
        return (max(self.trial, 1) - 1) % len(self.config.issues)

    # ------------------------------------------------------------------ the trial
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """One batch: the counterparts of every chooser (world stream), shown in random order
        with missing cells (empty pools) last."""
        self.trial += 1
        self.last[:] = 0
        ids = np.asarray(ids, dtype=np.int64)
        belief = self.beliefs[:, self.issue]
        drawn = draw_counterparts(self.identity, belief, len(self.config.identities), ids, self.rng)
        order = self.rng.permuted(np.tile(np.arange(4), (len(ids), 1)), axis=1)
        options = np.take_along_axis(drawn, order, axis=1)
        last = np.argsort(options < 0, axis=1, kind="stable")
        yield Batch(
            ids,
            {
                "options": np.take_along_axis(options, last, axis=1),
                "cells": np.where(
                    np.take_along_axis(options, last, axis=1) >= 0,
                    np.take_along_axis(order, last, axis=1),
                    -1,
                ),
            },
        )

    def observe(self, batch: Batch) -> ObsBatch:
        """Columns ``trial``, ``issue``, ``belief`` (own, 0/1), ``condition`` (index),
        ``options`` (``(B, 4)`` counterpart ids, ``-1`` padding), ``cells`` (their cell in
        :data:`~socium.worlds.congruence.counterparts.CELLS`), ``available``,
        ``same_belief`` and ``same_identity`` (``(B, 4)`` bool)."""
        ids = batch.ids
        cells = np.asarray(batch.columns["cells"])
        ok = cells >= 0
        safe = np.maximum(cells, 0)
        cols = {
            "trial": np.full(len(ids), self.trial, np.int64),
            "issue": np.full(len(ids), self.issue, np.int64),
            "belief": self.beliefs[ids, self.issue].astype(np.int64),
            "condition": self.condition[ids],
            "options": np.asarray(batch.columns["options"]),
            "cells": cells,
            "available": ok,
            "same_belief": ok & _SAME_BELIEF[safe],
            "same_identity": ok & _SAME_IDENTITY[safe],
        }
        return ObsBatch(ids, cols, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Column ``option`` (1-based; 0 = no choice): the logit choice of
        :func:`~socium.worlds.congruence.choice.logit_choice` (``B x 4`` Gumbel draws)."""
        cond = np.asarray(obs["condition"])
        pick = logit_choice(
            np.asarray(obs["same_belief"], dtype=float),
            np.asarray(obs["same_identity"], dtype=float),
            np.asarray(obs["available"], dtype=bool),
            self._w_belief[cond],
            self._w_identity[cond],
            rng,
        )
        return ActionBatch(obs.ids, {"option": (pick + 1).astype(np.int64)}, obs)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Count the choices by condition and cell; ``choose`` events (``other`` = the chosen
        partner, ``value`` = its cell 0..3)."""
        obs = actions.obs
        if obs is None:
            raise ValueError("congruence actions need their observations")
        option = np.asarray(actions["option"], dtype=np.int64)
        options = np.asarray(obs["options"])
        valid = (option >= 1) & (option <= 4)
        col = np.clip(option - 1, 0, 3)
        rows = np.arange(len(option))
        chosen = np.where(valid, options[rows, col], -1)
        cell = np.where(chosen >= 0, np.asarray(obs["cells"])[rows, col], -1)
        ok = cell >= 0
        cond = np.asarray(obs["condition"])
        np.add.at(self.last, (cond[ok], cell[ok]), 1)
        np.add.at(self.tally, (cond[ok], cell[ok]), 1)
        self.abstained += int((~ok).sum())
        self._rows.append(
            {
                "agent": actions.ids.astype(np.int64),
                "trial": np.full(len(option), self.trial, np.int64),
                "issue": np.full(len(option), self.issue, np.int64),
                "condition": np.array(self.config.conditions, dtype=np.str_)[cond],
                "chosen": chosen,
                "same_belief": np.where(ok, _SAME_BELIEF[np.maximum(cell, 0)], False),
                "same_identity": np.where(ok, _SAME_IDENTITY[np.maximum(cell, 0)], False),
            }
        )
        if not self.collect_events:
            return EventBatch.empty()
        return EventBatch.make("choose", actions.ids[ok], chosen[ok], cell[ok])

    # ------------------------------------------------------------------ LLM interface
    def llm_instructions(self) -> str:
        """The task, plus the mitigation prompt when every agent has the same condition."""
        shared = self._prompts[0] if len(self._prompts) == 1 else ""
        return prompts.instructions(shared)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Own identity and view, the condition's prompt (when conditions differ) and the
        numbered options."""
        per_agent = self._prompts if len(self._prompts) > 1 else {}
        cfg = self.config
        return prompts.render(
            obs, cfg.identities, cfg.issues, self.beliefs[:, self.issue], self.identity, per_agent
        )

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """Column ``option``; an option number beyond those shown, or a fallback, is 0 (no
        choice)."""
        if len(decisions) != len(obs):
            raise ValueError(f"{len(decisions)} decisions for {len(obs)} agents")
        shown = np.asarray(obs["available"]).sum(axis=1)
        option = np.array(
            [d.option if isinstance(d, Choose) else 0 for d in decisions], dtype=np.int64
        )
        return ActionBatch(obs.ids, {"option": np.where(option <= shown, option, 0)}, obs)

    def drain_tables(self) -> dict[str, Table]:
        """``choices``: every choice (agent, trial, issue, condition, chosen partner, whether
        it shares the belief and the identity)."""
        if not self._rows:
            return {}
        rows, self._rows = self._rows, []
        return {"choices": {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}}

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        """This trial's rates, overall and per condition, and its cell shares."""
        out: dict[str, float] = {}
        total = self.last.sum(axis=0)
        out["belief_congruence"], out["identity_congruence"] = rates(total)
        n = max(int(total.sum()), 1)
        for k, name in enumerate(_CELL_NAMES):
            out[f"share_{name}"] = float(total[k] / n) if total.sum() else float("nan")
        for k, c in enumerate(self.config.conditions):
            out[f"belief_congruence_{c}"], out[f"identity_congruence_{c}"] = rates(self.last[k])
        return out

    def final_metrics(self) -> dict[str, Any]:
        """Rates over all trials (see :meth:`metric_names` and ``docs/worlds/congruence.md``)."""
        total = self.tally.sum(axis=0)
        n = int(total.sum())
        bc, ic = rates(total)
        share = total / max(n, 1)
        out: dict[str, Any] = {
            "belief_congruence": _none(bc),
            "identity_congruence": _none(ic),
            "belief_congruence_se": _none(np.sqrt(bc * (1 - bc) / n) if n else np.nan),
            "identity_congruence_se": _none(np.sqrt(ic * (1 - ic) / n) if n else np.nan),
            "rokeach_mezei": _none(share[2] - share[1]) if n else None,
            "choices": n,
            "abstentions": int(self.abstained),
        }
        for k, name in enumerate(_CELL_NAMES):
            out[f"share_{name}"] = float(share[k]) if n else None
        conds = self.config.conditions
        by = {c: rates(self.tally[k]) for k, c in enumerate(conds)}
        for c, (b, i) in by.items():
            out[f"belief_congruence_{c}"] = _none(b)
            out[f"identity_congruence_{c}"] = _none(i)
        if "none" in by:
            b0, i0 = by["none"]
            for c, (b, i) in by.items():
                if c != "none":
                    out[f"belief_congruence_change_{c}"] = _none(b - b0)
                    out[f"identity_congruence_change_{c}"] = _none(i - i0)
        return out

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Choice tallies, abstentions and the trial counter (identities, beliefs and
        conditions are drawn once from the seed, and stored too)."""
        return {
            "identity": self.identity.copy(),
            "beliefs": self.beliefs.copy(),
            "condition": self.condition.copy(),
            "tally": self.tally.copy(),
            "last": self.last.copy(),
            "abstained": int(self.abstained),
            "trial": int(self.trial),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.identity = np.array(state["identity"], dtype=np.int64)
        self.beliefs = np.array(state["beliefs"], dtype=np.int8)
        self.condition = np.array(state["condition"], dtype=np.int64)
        self.tally = np.array(state["tally"], dtype=np.int64)
        self.last = np.array(state["last"], dtype=np.int64)
        self.abstained = int(state["abstained"])
        self.trial = int(state["trial"])
        self._rows = []

    def agent_table(self) -> dict[str, np.ndarray]:
        """``identity`` (label), ``condition`` and ``agrees`` (issues agreed with)."""
        cfg = self.config
        return {
            "identity": np.array(cfg.identities, dtype=np.str_)[self.identity],
            "condition": np.array(cfg.conditions, dtype=np.str_)[self.condition],
            "agrees": self.beliefs.sum(axis=1).astype(np.int64),
        }

    # ------------------------------------------------------------------ description
    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """All four conditions between subjects (200 agents), and two identities with
        aligned beliefs."""
        return [
            {
                "run": {"steps": 6},
                "population": {"size": 200},
                "world": {
                    "name": "congruence",
                    "conditions": ["none", "contact", "accuracy", "global_citizenship"],
                },
            },
            {
                "run": {"steps": 6},
                "population": {"size": 60},
                "world": {"name": "congruence", "alignment": 0.6, "identities": ["A", "B", "C"]},
            },
        ]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``congruence.png``: belief and identity congruence per condition (with standard
        errors) against chance."""
        from socium.worlds.congruence.plots import plot_rates

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        path = plot_rates(self.tally, self.config.conditions, outdir / "congruence.png")
        return [] if path is None else [path]


def _none(v: float) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)
