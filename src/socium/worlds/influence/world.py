r"""The influence world: a misinformation and a correction campaign compete for a population
under resource budgets (after "Simulating Influence Dynamics with LLM Agents",
arXiv:2503.08709).

One step is one round with up to three stages, yielded as batches by
:meth:`InfluenceWorld.batches`: the two campaign agents write their messages
(:class:`~socium.worlds.influence.stages.CampaignStage`); a judge agent scores their potency
(:class:`~socium.worlds.influence.stages.JudgeStage`, only with ``judge_agent``; otherwise the
built-in rule judge); the budget rule settles costs; then every other agent, a *resident*,
updates its opinion from the messages that reached it and from a network neighbour
(:class:`~socium.worlds.influence.stages.PopulationStage`). See ``docs/worlds/influence.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import Table, World
from socium.core.schedule import ScheduleSpec, SynchronousSpec
from socium.errors import ConfigError
from socium.worlds.influence import prompts
from socium.worlds.influence.actions import Broadcast, Respond, Score
from socium.worlds.influence.campaigns import MessageTiers, settle_budget
from socium.worlds.influence.config import InfluenceConfig
from socium.worlds.influence.judge import rule_potency
from socium.worlds.influence.stages import CampaignStage, JudgeStage, PopulationStage, Stage
from socium.worlds.opinion.sampling import Neighborhood

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["InfluenceWorld"]

_SIDES = ("misinformation", "correction")

_METRICS = {
    "share_misinformation": "share of residents with x > threshold (believe the claim)",
    "share_correction": "share of residents with x < -threshold (reject the claim)",
    "share_undecided": "share of residents with |x| <= threshold",
    "share_misinformation_max": "highest share_misinformation over the run",
    "share_correction_max": "highest share_correction over the run",
    "polarization": "variance of the residents' opinions x in [-1, 1] (max 1)",
    "bimodality": "bimodality coefficient of the residents' opinions",
    "opinion_mean": "mean resident opinion",
    "spent_misinformation": "resources spent by the misinformation campaign",
    "spent_correction": "resources spent by the correction campaign",
    "budget_misinformation": "its budget (spent never exceeds it)",
    "budget_correction": "its budget",
    "messages_misinformation": "messages sent by the misinformation campaign",
    "messages_correction": "messages sent by the correction campaign",
    "potency_misinformation": "mean effective potency of its sent messages",
    "potency_correction": "mean effective potency of its sent messages",
    "winner": "'misinformation', 'correction' or 'tie': the larger final aligned share",
    "converged_step": "added by the engine (the world never reports convergence)",
}

#: Columns of the ``campaign_messages`` table (the engine adds ``step``).
MESSAGE_COLUMNS = (
    "side",
    "sender",
    "text",
    "judged_by",
    "potency",
    "potency_rule",
    "potency_effective",
    "cost",
    "remaining",
)
#: The float columns of ``campaign_messages``.
_FLOAT_COLUMNS = MESSAGE_COLUMNS[4:]


class InfluenceWorld(World):
    r"""Two campaigns, a judge and a population under bounded confidence with confirmation bias.

    Parameters
    ----------
    config : InfluenceConfig
        The ``[world]`` section.
    population : Population
        Optional field ``opinion`` (initial :math:`x_i \in [-1, 1]`; default uniform on
        :math:`[-0.5, 0.5]`). The campaign and judge agents are not residents.
    network : Network
        Who talks with whom (edges from role agents are ignored).
    rng : numpy.random.Generator
        The world stream: initial opinions, then every round the exposures (``(N, 2)``
        uniforms) and the neighbours (``N`` uniforms), drawn for every agent whatever the
        schedule.

    References
    ----------
    arXiv:2503.08709 (2025). Deffuant et al. (2000). Del Vicario et al. (2017).

    Examples
    --------
    >>> import socium
    >>> cfg = {"network": {"kind": "erdos_renyi", "n": 200, "p": 0.05}, "run": {"steps": 20},
    ...        "world": {"name": "influence", "budget_correction": 0.0}}
    >>> r = socium.run(cfg, seed=1)
    >>> r.final["share_misinformation"] > r.final["share_correction"]
    True
    """

    name: ClassVar[str] = "influence"
    version: ClassVar[int] = 1
    Config: ClassVar[type[InfluenceConfig]] = InfluenceConfig
    requires_network: ClassVar[bool] = True
    summary: ClassVar[str] = (
        "Influence: misinformation vs correction campaigns under budgets, judged potency, "
        "bounded-confidence residents"
    )
    metric_descriptions = _METRICS
    action_specs: ClassVar[Sequence[type[ActionSpec]]] = (Broadcast, Score, Respond)
    #: Most characters of an LLM campaign message.
    max_message_chars: ClassVar[int] = 600

    config: InfluenceConfig

    def __init__(
        self,
        config: InfluenceConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n = population.size
        for key in ("misinformation_agent", "correction_agent", "judge_agent"):
            agent = getattr(config, key)
            if agent is not None and agent >= n:
                raise ConfigError(f"world.{key}", f"must be an agent id below {n}")
        if n - len(config.roles) < 1:
            raise ConfigError("population.size", "needs at least one resident besides the roles")
        self.n = n
        self.campaigns = np.array([config.misinformation_agent, config.correction_agent])
        self.resident = np.ones(n, dtype=bool)
        self.resident[list(config.roles)] = False
        x = rng.uniform(-0.5, 0.5, n)
        if "opinion" in population:
            x = np.asarray(population["opinion"], dtype=np.float64)
            if not (np.isfinite(x).all() and (np.abs(x) <= 1.0).all()):
                raise ConfigError("population.init.opinion", "must lie in [-1, 1]")
        self.x = np.where(self.resident, x, 0.0)
        self.x[self.campaigns] = (1.0, -1.0)
        population["opinion"] = self.x.copy()
        self.budgets = np.array(config.budgets, dtype=np.float64)
        self.tiers = MessageTiers(config.claim, config.correction)
        in_adj = None if network is None or network.complete else network.in_adjacency
        self._neighbours = Neighborhood(n, in_adj)
        self.stages: list[Stage] = [CampaignStage()]
        if config.judge_agent is not None:
            self.stages.append(JudgeStage())
        self.stages.append(PopulationStage())
        self._stage: Stage | None = None
        self.spent = np.zeros(2)
        self.sent = np.zeros(2, np.int64)
        self.potency_sum = np.zeros(2)
        self.round = 0
        self.share_max = self.shares()[:2].copy()
        self._begin_round()
        self._rows: dict[str, list[Any]] = {k: [] for k in MESSAGE_COLUMNS}

    def _begin_round(self) -> None:
        #: This round's messages (empty: not sent).
        self.messages: list[str] = ["", ""]
        self.judged = np.full(2, np.nan)
        self.effective = np.zeros(2)
        self._sent_now = np.zeros(2, dtype=bool)
        self.exposed = np.zeros((self.n, 2), dtype=bool)
        self.neighbour_opinion = np.full(self.n, np.nan)

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: every agent acts every round."""
        return SynchronousSpec()

    def records_events_by_default(self) -> bool:
        """No: most residents update every round (the events would be the trajectory)."""
        return False

    # ------------------------------------------------------------------ the round
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """Campaigns, the judge (if set), the budget rule, exposures and neighbours (world
        stream), then the residents."""
        ids = np.asarray(ids, dtype=np.int64)
        self.round += 1
        self._begin_round()
        active = np.zeros(self.n, dtype=bool)
        active[ids] = True
        for stage in self.stages:
            self._stage = stage
            if isinstance(stage, CampaignStage):
                yield Batch(self.campaigns[active[self.campaigns]])
            elif isinstance(stage, JudgeStage):
                judge = self.config.judge_agent
                yield Batch(np.array([judge] if active[judge] else [], dtype=np.int64))
            else:
                self._settle()
                self._draw_contacts()
                yield Batch(ids[self.resident[ids]])

    def _settle(self) -> None:
        """Judge unjudged messages with the rule judge, then apply the budget rule."""
        sent = np.array([bool(m) for m in self.messages])
        missing = np.isnan(self.judged)
        rule = rule_potency(self.messages)
        self.judged[missing] = rule[missing]
        cfg = self.config
        eff, cost = settle_budget(
            np.where(sent, self.judged, 0.0),
            self.remaining(),
            cfg.cost_per_potency,
            cfg.message_cost,
        )
        sent &= cost > 0
        self.effective = np.where(sent, eff, 0.0)
        cost = np.where(sent, cost, 0.0)
        self.spent += cost
        self.sent += sent
        self.potency_sum += self.effective
        for c in np.flatnonzero(sent).tolist():
            for key, value in zip(
                MESSAGE_COLUMNS,
                (
                    _SIDES[c],
                    int(self.campaigns[c]),
                    str(self.messages[c]),
                    "rules" if missing[c] else "judge",
                    float(self.judged[c]),
                    float(rule[c]),
                    float(self.effective[c]),
                    float(cost[c]),
                    float(self.remaining()[c]),
                ),
                strict=True,
            ):
                self._rows[key].append(value)
        self._sent_now = sent

    def _draw_contacts(self) -> None:
        """Exposures to the sent messages and one neighbour per agent (world stream)."""
        reached = self.rng.random((self.n, 2)) < self.config.reach
        self.exposed = reached & self._sent_now[None, :] & self.resident[:, None]
        nb = self._neighbours.sample(np.arange(self.n, dtype=np.int64), 1, self.rng)[:, 0]
        talk = (nb >= 0) & self.resident[np.maximum(nb, 0)]
        self.neighbour_opinion = np.where(talk, self.x[np.maximum(nb, 0)], np.nan)

    def _current(self) -> Stage:
        if self._stage is None:
            raise RuntimeError("no influence stage is active: use the batches of batches()")
        return self._stage

    def observe(self, batch: Batch) -> ObsBatch:
        """The current stage's observation (see :mod:`socium.worlds.influence.stages`)."""
        return self._current().observe(self, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The rule agents of the current stage."""
        return self._current().decide(self, obs, rng)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Write the stage's decisions (``update`` events from the residents)."""
        return self._current().apply(self, actions)

    def end_step(self, step: int) -> None:
        """Track the highest aligned shares; no stage is active between rounds."""
        self.share_max = np.maximum(self.share_max, self.shares()[:2])
        self._stage = None

    # ------------------------------------------------------------------ used by the stages
    def side_of(self, ids: np.ndarray) -> np.ndarray:
        """0 for the misinformation agent, 1 for the correction agent."""
        return (np.asarray(ids) == self.campaigns[1]).astype(np.int64)

    def remaining(self) -> np.ndarray:
        """Resources left per campaign (never negative)."""
        return np.maximum(self.budgets - self.spent, 0.0)

    def set_messages(self, side: np.ndarray, text: np.ndarray) -> None:
        """This round's messages (empty text: nothing sent)."""
        for c, t in zip(np.asarray(side).tolist(), np.asarray(text).tolist(), strict=True):
            self.messages[c] = str(t)

    def set_potency(self, potency: np.ndarray) -> None:
        """The judge's potencies (NaN: left to the rule judge)."""
        self.judged = np.asarray(potency, dtype=np.float64).copy()

    def set_opinions(self, ids: np.ndarray, opinion: np.ndarray) -> EventBatch:
        """Residents' new opinions, clipped into [-1, 1] (non-finite values are ignored)."""
        ok = np.isfinite(opinion) & self.resident[ids]
        ids, new = ids[ok], np.clip(opinion[ok], -1.0, 1.0)
        changed = new != self.x[ids]
        self.x[ids] = new
        if not self.collect_events:
            return EventBatch.empty()
        return EventBatch.make("update", ids[changed], value=new[changed])

    def counts(self) -> np.ndarray:
        """Residents aligned with misinformation, with the correction, and undecided."""
        x = self.x[self.resident]
        t = self.config.threshold
        mis = int(np.count_nonzero(x > t))
        cor = int(np.count_nonzero(x < -t))
        return np.array([mis, cor, x.size - mis - cor], dtype=np.int64)

    def shares(self) -> np.ndarray:
        """:meth:`counts` as shares of the residents."""
        c = self.counts()
        return c / c.sum()

    # ------------------------------------------------------------------ LLM interface
    def action_menu(self) -> ActionMenu:
        """During a stage, its action (``broadcast``, ``score`` or ``respond``); between
        rounds (when a policy is built) all three. Each stage reads only its own action; any
        other is a fallback."""
        if self._stage is None:
            return ActionMenu(self.action_specs)
        return ActionMenu([self._stage.spec])

    def llm_instructions(self) -> str:
        """The claim, the campaigns, the judge and the budget rule."""
        return prompts.instructions(self.config.claim, self.config.correction)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """The current stage's text: the campaign's situation, both messages for the judge, or
        what a resident read and heard."""
        return self._current().render(self, obs)

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """Typed actions of the current stage into the rule agents' columns."""
        return self._current().decode(self, obs, decisions)

    def drain_tables(self) -> dict[str, Table]:
        """``campaign_messages``: every sent message, who judged it (``judged_by``:
        ``judge``, the judge agent, or ``rules``, the rule judge: no judge agent, or its
        fallback), its judged potency, the rule judge's potency of the same text
        (``potency_rule``), the effective potency, its cost and the resources left."""
        rows, self._rows = self._rows, {k: [] for k in MESSAGE_COLUMNS}
        if not rows["side"]:
            return {}
        return {
            "campaign_messages": {
                "side": np.array(rows["side"], dtype=np.str_),
                "sender": np.array(rows["sender"], dtype=np.int64),
                "text": np.array(rows["text"], dtype=np.str_),
                "judged_by": np.array(rows["judged_by"], dtype=np.str_),
                **{k: np.array(rows[k], dtype=np.float64) for k in _FLOAT_COLUMNS},
            }
        }

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        """Aligned shares, ``polarization`` (variance), ``opinion_mean``, resources spent and
        this round's effective potencies; :math:`O(N)`."""
        x = self.x[self.resident]
        s = self.shares()
        return {
            "share_misinformation": float(s[0]),
            "share_correction": float(s[1]),
            "share_undecided": float(s[2]),
            "polarization": float(x.var()),
            "opinion_mean": float(x.mean()),
            "spent_misinformation": float(self.spent[0]),
            "spent_correction": float(self.spent[1]),
            "potency_misinformation": float(self.effective[0]),
            "potency_correction": float(self.effective[1]),
        }

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/influence.md``)."""
        from socium.metrics.polarization import bimodality_coefficient

        x = self.x[self.resident]
        s = self.shares()
        winner = "tie" if s[0] == s[1] else _SIDES[int(s[1] > s[0])]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_potency = np.where(self.sent > 0, self.potency_sum / np.maximum(self.sent, 1), 0)
        try:
            bc = bimodality_coefficient(x)
        except ValueError:
            bc = float("nan")
        out: dict[str, Any] = {
            "share_misinformation": float(s[0]),
            "share_correction": float(s[1]),
            "share_undecided": float(s[2]),
            "share_misinformation_max": float(self.share_max[0]),
            "share_correction_max": float(self.share_max[1]),
            "polarization": float(x.var()),
            "bimodality": None if not np.isfinite(bc) else float(bc),
            "opinion_mean": float(x.mean()),
            "winner": winner,
        }
        for c, side in enumerate(_SIDES):
            out[f"spent_{side}"] = float(self.spent[c])
            out[f"budget_{side}"] = float(self.budgets[c])
            out[f"messages_{side}"] = int(self.sent[c])
            out[f"potency_{side}"] = float(mean_potency[c])
        return out

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Opinions, spending, message counters, the highest shares and the round."""
        return {
            "x": self.x.copy(),
            "spent": self.spent.copy(),
            "sent": self.sent.copy(),
            "potency_sum": self.potency_sum.copy(),
            "share_max": self.share_max.copy(),
            "effective": self.effective.copy(),
            "round": int(self.round),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.x = np.array(state["x"], dtype=np.float64)
        self.spent = np.array(state["spent"], dtype=np.float64)
        self.sent = np.array(state["sent"], dtype=np.int64)
        self.potency_sum = np.array(state["potency_sum"], dtype=np.float64)
        self.share_max = np.array(state["share_max"], dtype=np.float64)
        self.round = int(state["round"])
        self._begin_round()
        self.effective = np.array(state["effective"], dtype=np.float64)
        self._rows = {k: [] for k in MESSAGE_COLUMNS}

    def agent_table(self) -> dict[str, np.ndarray]:
        """``opinion`` and ``role`` (``resident``, ``misinformation``, ``correction``,
        ``judge``)."""
        role = np.full(self.n, "resident", dtype="<U14")
        role[self.campaigns] = _SIDES
        if self.config.judge_agent is not None:
            role[self.config.judge_agent] = "judge"
        return {"opinion": self.x.copy(), "role": role}

    # ------------------------------------------------------------------ description
    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """A small network with the rule judge (steady campaigns) and one with a judge agent
        and adaptive campaigns."""
        return [
            {
                "run": {"steps": 6},
                "network": {"kind": "watts_strogatz", "n": 120, "k": 6, "p": 0.1},
                "world": {"name": "influence", "budget_misinformation": 3.0},
            },
            {
                "run": {"steps": 6},
                "network": {"kind": "erdos_renyi", "n": 100, "p": 0.06},
                "world": {"name": "influence", "judge_agent": 2, "strategy": "adaptive"},
            },
        ]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``shares.png``: aligned shares, polarization and resources spent per round."""
        from socium.worlds.influence.plots import plot_shares

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        path = plot_shares(metrics, outdir / "shares.png", self.budgets)
        return [] if path is None else [path]
