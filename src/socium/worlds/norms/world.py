r"""The norms world: an N-player public-goods game with costly punishment, in which sanctions
are public events from which every agent learns the norm.

One step is one round (Fehr & Gächter 2000): agents are split into groups of :math:`g`
(``stranger``: new random groups each round; ``partner``: fixed groups), every agent
contributes :math:`c_i \in [0, e]` of its endowment, the pool is multiplied by :math:`r` and
shared equally in the group; then, if ``punishment`` is on, every agent sees its group's
contributions and may punish members, each punishment costing the punisher :math:`c` and the
target :math:`f`. All sanctions are broadcast to every agent, who learn from them which
contributions are sanctioned (after Vinitsky et al. 2023).

The round has two stages, :class:`~socium.worlds.norms.stages.ContributionStage` and
:class:`~socium.worlds.norms.stages.PunishmentStage`, yielded as two batches by
:meth:`NormsWorld.batches`; payoffs and learning happen in :meth:`NormsWorld.end_step`.

LLM agents answer one typed action per stage (``contribute`` with an ``amount`` in
:math:`[0, e]`, then ``punish`` with target ``ids``); see :mod:`socium.worlds.norms.llm`.
See ``docs/worlds/norms.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import ScheduleSpec, SynchronousSpec
from socium.errors import ConfigError
from socium.worlds.norms import llm
from socium.worlds.norms.config import NormsConfig
from socium.worlds.norms.game import (
    draw_groups,
    group_index,
    learn_from_sanctions,
    payoffs,
    public_norm,
)
from socium.worlds.norms.stages import ContributionStage, PunishmentStage, Stage

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["NormsWorld"]

_METRICS = {
    "contribution": "contribution rate mean_i c_i / e in the last round",
    "contribution_mean": "contribution rate averaged over all rounds 1..T",
    "sanction_rate": "fraction of agents punished at least once in the last round",
    "punishments": "punishments per agent in the last round",
    "sanctions_total": "number of punishments over the whole run",
    "payoff": "mean payoff in the last round",
    "payoff_total": "mean cumulative payoff over the run",
    "norm": "the public norm / e: the cheapest contribution given the public sanction table, "
    "argmin_k (1 - r/g) l_k + f s_k",
    "sanctions_by_level": "the public sanction table s_k: mean punishments received at "
    "contribution level l_k = k e / (K - 1) (list)",
    "norm_emerged": "contribution rate >= norm_threshold in each of the last norm_window rounds",
    "emergence_step": "first round of the final unbroken run of rounds with contribution rate "
    ">= norm_threshold, if that run lasts >= norm_window rounds (else None)",
    "punisher_fraction": "fraction of agents that punish",
    "converged_step": "always None: the game does not stop by itself (added by the engine)",
}


class NormsWorld(World):
    r"""Public-goods game with costly punishment and public sanctions.

    Parameters
    ----------
    config : NormsConfig
        The ``[world]`` section.
    population : Population
        Agents; ``population.size`` must be a multiple of ``group_size``. Optional fields:
        ``contribution`` (initial contribution in :math:`[0, e]`; default uniform), ``punisher``
        (0/1; default: each agent with probability ``punishers``) and ``norm`` (personal norm
        :math:`\nu_i` in :math:`[0, e]` that a punisher enforces; default ``punisher_norm * e``,
        or the initial contribution).
    network : None
        Unused (groups are drawn, not given by links).
    rng : numpy.random.Generator
        The world stream: initial contributions, punisher types, then the groups.

    Notes
    -----
    Payoff of agent :math:`i` in a round:

    .. math::

        \pi_i = e - c_i + \frac{r}{g}\sum_{j\in G(i)} c_j - c\,P^{\text{given}}_i
        - f\,P^{\text{received}}_i .

    The rule agents (:func:`~socium.worlds.norms.game.conditional_contribution`,
    :func:`~socium.worlds.norms.game.punishment_targets`,
    :func:`~socium.worlds.norms.game.learn_from_sanctions`) are imperfect conditional
    cooperators who raise their contribution to the level that the public sanction table makes
    cheapest; punishers punish group members who give clearly less than their personal norm.

    References
    ----------
    E. Fehr and S. Gächter, American Economic Review 90, 980 (2000).
    U. Fischbacher, S. Gächter and E. Fehr, Economics Letters 71, 397 (2001).
    E. Vinitsky et al., Collective Intelligence 2(2) (2023).

    Examples
    --------
    >>> import socium
    >>> cfg = {"population": {"size": 40}, "run": {"steps": 30},
    ...        "world": {"name": "norms", "punishment": False}}
    >>> socium.run(cfg, seed=1).final["contribution"] < 0.3
    True
    """

    name: ClassVar[str] = "norms"
    version: ClassVar[int] = 1
    Config: ClassVar[type[NormsConfig]] = NormsConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = "Norms: public-goods game with costly punishment and public sanctions"
    metric_descriptions = _METRICS
    model_names = ("public_goods",)
    #: ``contribute`` (stage 0) and ``punish`` (stage 1); each stage's menu holds one of them,
    #: bounded by the config (:meth:`action_menu`).
    action_specs = (llm.Contribute, llm.Punish)
    #: An unusable LLM answer takes the stage's rule decision.
    fallback_action: ClassVar[str] = "rules"

    config: NormsConfig

    def __init__(
        self,
        config: NormsConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n = population.size
        g = config.group_size
        if n == 0 or n % g:
            raise ConfigError(
                "population.size", f"must be a positive multiple of world.group_size = {g}"
            )
        self.n = n
        e = config.endowment
        self.contribution = self._field(population, "contribution", 0.0, e, rng.random(n) * e)
        if "punisher" in population:
            pun = np.asarray(population["punisher"])
            if not np.isin(pun, (0, 1)).all():
                raise ConfigError("population.init.punisher", "must be 0 or 1")
            self.punisher = pun.astype(bool)
        else:
            self.punisher = rng.random(n) < config.punishers
        if config.punisher_norm is None:
            default_norm = self.contribution.copy()
        else:
            default_norm = np.full(n, config.punisher_norm * e)
        #: Personal norms nu_i (fixed; only punishers act on them).
        self.norm = self._field(population, "norm", 0.0, e, default_norm)
        population["contribution"] = self.contribution.copy()
        population["punisher"] = self.punisher.astype(np.int64)
        #: ``(n / g, g)`` members of each group (this round's, or the fixed partner groups).
        self.members = draw_groups(n, g, rng)
        #: Per agent, its row of :attr:`members`.
        self.group_of = group_index(self.members, n)
        #: Mean contribution of the other members of the last group (initially: own).
        self.others_mean = self.contribution.copy()
        #: The public sanction table: mean punishments received at each contribution level.
        self.sanctions = np.zeros(config.levels)
        #: Rounds in which each level was observed.
        self.seen = np.zeros(config.levels, np.int64)
        self.payoff = np.full(n, np.nan)
        self.payoff_total = np.zeros(n)
        self.given = np.zeros(n, np.int64)
        self.received = np.zeros(n, np.int64)
        self.steps = 0
        self.rate_sum = 0.0
        self.sanctions_total = 0
        self.run_start = 0 if self._rate() >= config.norm_threshold else -1
        self.stages: list[Stage] = [ContributionStage()]
        if config.punishment:
            self.stages.append(PunishmentStage())
        self._stage: Stage = self.stages[0]
        self._stages_by_index = {stage.index: stage for stage in self.stages}
        self._menus: dict[int, ActionMenu] = {}
        self._pun: list[tuple[np.ndarray, np.ndarray]] = []

    @staticmethod
    def _field(
        population: Population, name: str, low: float, high: float, default: np.ndarray
    ) -> np.ndarray:
        if name not in population:
            return np.asarray(default, dtype=np.float64)
        v = np.asarray(population[name], dtype=np.float64)
        if not (np.isfinite(v).all() and (v >= low).all() and (v <= high).all()):
            raise ConfigError(f"population.init.{name}", f"must lie in [{low}, {high}]")
        return v.copy()

    def _rate(self) -> float:
        return float(self.contribution.mean() / self.config.endowment)

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: every agent plays every round."""
        return SynchronousSpec()

    # ------------------------------------------------------------------ the step
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """New groups (``stranger`` matching, from the world stream), then one batch per stage:
        contributions, and punishments when ``punishment`` is on.

        Agents not in ``ids`` keep last round's contribution and do not punish.
        """
        if self.config.matching == "stranger":
            self.members = draw_groups(self.n, self.config.group_size, self.rng)
            self.group_of = group_index(self.members, self.n)
        self._pun = []
        ids = np.asarray(ids, dtype=np.int64)
        for stage in self.stages:
            self._stage = stage
            yield Batch(ids)

    def observe(self, batch: Batch) -> ObsBatch:
        """The current stage's observation (see
        :meth:`ContributionStage.observe <socium.worlds.norms.stages.ContributionStage.observe>`
        and :meth:`PunishmentStage.observe
        <socium.worlds.norms.stages.PunishmentStage.observe>`)."""
        return self._stage.observe(self, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The rule agents: ``contribute`` in stage 0, ``punish`` in stage 1."""
        return self._stage.decide(self, obs, rng)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Write the stage's decisions; ``sanction`` events in the punishment stage."""
        return self._stage.apply(self, actions)

    def add_punishments(self, punisher: np.ndarray, target: np.ndarray) -> None:
        """Record validated punishments of the current round (used by the punishment stage)."""
        self._pun.append((punisher, target))

    def end_step(self, step: int) -> None:
        """Payoffs, learning from the round's public sanctions, and the round's bookkeeping."""
        cfg = self.config
        if self._pun:
            p = np.concatenate([a for a, _ in self._pun])
            t = np.concatenate([b for _, b in self._pun])
        else:
            p = t = np.empty(0, np.int64)
        self._pun = []
        c = self.contribution
        self.payoff, self.given, self.received = payoffs(
            c, self.members, self.group_of, p, t, cfg.endowment, cfg.r, cfg.cost, cfg.fine
        )
        self.payoff_total += self.payoff
        self.sanctions, self.seen = learn_from_sanctions(
            self.sanctions, self.seen, c, self.received, cfg.endowment, cfg.learning_rate
        )
        pool = c[self.members].sum(axis=1)
        self.others_mean = (pool[self.group_of] - c) / (cfg.group_size - 1)
        self.steps += 1
        self.sanctions_total += int(t.size)
        rate = self._rate()
        self.rate_sum += rate
        if rate < cfg.norm_threshold:
            self.run_start = -1
        elif self.run_start < 0:
            self.run_start = self.steps

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        """``contribution`` (rate), ``sanction_rate``, ``punishments`` (per agent), ``payoff``
        (mean; NaN at step 0) and ``norm`` (the public norm / e,
        :func:`~socium.worlds.norms.game.public_norm`); :math:`O(N)`."""
        return {
            "contribution": self._rate(),
            "sanction_rate": float(np.mean(self.received > 0)),
            "punishments": float(self.received.sum() / self.n),
            "payoff": float(self.payoff.mean()),
            "norm": self._public_norm(),
        }

    def _public_norm(self) -> float:
        cfg = self.config
        return public_norm(self.sanctions, cfg.endowment, cfg.mpcr, cfg.fine) / cfg.endowment

    def _emerged(self) -> bool:
        return self.run_start >= 0 and self.steps - self.run_start + 1 >= self.config.norm_window

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/norms.md``)."""
        emerged = self._emerged()
        return {
            "contribution": self._rate(),
            "contribution_mean": self.rate_sum / self.steps if self.steps else self._rate(),
            "sanction_rate": float(np.mean(self.received > 0)),
            "punishments": float(self.received.sum() / self.n),
            "sanctions_total": int(self.sanctions_total),
            "payoff": float(self.payoff.mean()),
            "payoff_total": float(self.payoff_total.mean()),
            "norm": self._public_norm(),
            "sanctions_by_level": [float(v) for v in self.sanctions],
            "norm_emerged": bool(emerged),
            "emergence_step": int(self.run_start) if emerged else None,
            "punisher_fraction": float(self.punisher.mean()),
        }

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Contributions, groups, learned norms and expected fines, payoffs and counters."""
        return {
            "contribution": self.contribution.copy(),
            "others_mean": self.others_mean.copy(),
            "norm": self.norm.copy(),
            "sanctions": self.sanctions.copy(),
            "seen": self.seen.copy(),
            "punisher": self.punisher.copy(),
            "members": self.members.copy(),
            "payoff": self.payoff.copy(),
            "payoff_total": self.payoff_total.copy(),
            "given": self.given.copy(),
            "received": self.received.copy(),
            "steps": int(self.steps),
            "rate_sum": float(self.rate_sum),
            "sanctions_total": int(self.sanctions_total),
            "run_start": int(self.run_start),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        f64 = np.float64
        self.contribution = np.array(state["contribution"], dtype=f64)
        self.others_mean = np.array(state["others_mean"], dtype=f64)
        self.norm = np.array(state["norm"], dtype=f64)
        self.sanctions = np.array(state["sanctions"], dtype=f64)
        self.seen = np.array(state["seen"], dtype=np.int64)
        self.punisher = np.array(state["punisher"], dtype=bool)
        self.members = np.array(state["members"], dtype=np.int64)
        self.group_of = group_index(self.members, self.n)
        self.payoff = np.array(state["payoff"], dtype=f64)
        self.payoff_total = np.array(state["payoff_total"], dtype=f64)
        self.given = np.array(state["given"], dtype=np.int64)
        self.received = np.array(state["received"], dtype=np.int64)
        self.steps = int(state["steps"])
        self.rate_sum = float(state["rate_sum"])
        self.sanctions_total = int(state["sanctions_total"])
        self.run_start = int(state["run_start"])
        self._pun = []

    def agent_table(self) -> dict[str, np.ndarray]:
        """``contribution``, ``payoff`` (last round), ``payoff_total``, ``punisher`` (0/1),
        ``norm`` (personal norm), ``punished`` and ``punishments_given`` (last round)."""
        return {
            "contribution": self.contribution.copy(),
            "payoff": self.payoff.copy(),
            "payoff_total": self.payoff_total.copy(),
            "punisher": self.punisher.astype(np.int64),
            "norm": self.norm.copy(),
            "punished": self.received.copy(),
            "punishments_given": self.given.copy(),
        }

    # ------------------------------------------------------------------ LLM interface
    def stage_of(self, obs: ObsBatch) -> Stage:
        """The stage an observation batch belongs to (its ``stage`` column; the current stage
        for an empty batch)."""
        if len(obs) == 0:
            return self._stage
        return self._stages_by_index[int(obs["stage"][0])]

    def action_menu(self) -> ActionMenu:
        """The current stage's one action: ``contribute`` (``amount`` in ``[0, e]``) or
        ``punish`` (``targets``, at most ``g - 1`` ids); built once per stage."""
        stage = self._stage
        menu = self._menus.get(stage.index)
        if menu is None:
            menu = self._menus[stage.index] = ActionMenu([stage.llm_spec(self)])
        return menu

    def llm_instructions(self) -> str:
        """The rules (e, r, g, MPCR, matching, cost and fine, public sanctions) and the answer
        format of both stages (:func:`~socium.worlds.norms.llm.instructions`)."""
        return llm.instructions(self.config)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Stage 0: last contribution, the others' mean, last payoff and the public sanction
        table; stage 1: the group's ids and contributions this round."""
        return self.stage_of(obs).render(self, obs)

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """The stage's column as :meth:`rule_decide` returns it; ``None`` rows take the rule
        decision (:func:`~socium.worlds.norms.llm.decode_actions`)."""
        return llm.decode_actions(self, obs, decisions)

    # ------------------------------------------------------------------ description
    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """Small configs (100 agents): with punishment (stranger) and without (partner)."""
        return [
            {
                "run": {"steps": 10},
                "population": {"size": 100},
                "world": {"name": "norms", "model": "public_goods", "fine": 4.0},
            },
            {
                "run": {"steps": 10},
                "population": {"size": 100},
                "world": {
                    "name": "norms",
                    "model": "public_goods",
                    "punishment": False,
                    "matching": "partner",
                },
            },
        ]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``cooperation.png``: contribution rate, sanction rate and learned norm per round."""
        from socium.worlds.norms.plots import plot_cooperation

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        path = plot_cooperation(
            metrics, outdir / "cooperation.png", threshold=self.config.norm_threshold
        )
        return [] if path is None else [path]
