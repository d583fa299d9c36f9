r"""The debate world: small groups debate a statement over rounds of public posts, one-on-one
chats and private opinion reports (after the DEBATE benchmark, arXiv:2510.25110).

One step is one round. The round has ``2 + chat_turns`` stages, yielded as batches by
:meth:`DebateWorld.batches`: every agent writes a public post to its group
(:class:`~socium.worlds.debate.stages.PostStage`), chats with its assigned partner for
``chat_turns`` turns (:class:`~socium.worlds.debate.stages.ChatStage`), then reports its
private opinion on the 1-6 scale (:class:`~socium.worlds.debate.stages.ReportStage`). What an
agent says (the *stance* of its messages) and what it thinks (its *opinion*) are kept apart.
See ``docs/worlds/debate.md``.
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
from socium.worlds.debate import prompts
from socium.worlds.debate.actions import Chat, Post, Report
from socium.worlds.debate.config import LIKERT_HIGH, LIKERT_LOW, DebateConfig
from socium.worlds.debate.log import MessageLog
from socium.worlds.debate.metrics import group_sd, nanmean, none_if_nan, summarize
from socium.worlds.debate.model import likert
from socium.worlds.debate.pairing import (
    form_groups,
    group_index,
    partners_random,
    partners_rotate,
    round_robin_table,
)
from socium.worlds.debate.stages import ChatStage, PostStage, ReportStage, Stage
from socium.worlds.debate.templates import MessageTemplates

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["DebateWorld"]

_METRICS = {
    "groups": "number of groups G",
    "rounds": "rounds completed R",
    "opinion_mean_initial": "mean private opinion before round 1",
    "opinion_mean_final": "mean private opinion after the last round",
    "opinion_sd_initial": "within-group SD of private opinions before round 1 (mean over groups)",
    "opinion_sd_final": "within-group SD of private opinions after the last round",
    "delta_sd_private": "convergence: SD_final - SD_initial of private opinions, within groups",
    "delta_sd_public": "convergence of public stances: SD(last post) - SD(first post), within "
    "groups",
    "shift_private": "mean |x_R - x_0| of private opinions",
    "shift_private_signed": "mean x_R - x_0",
    "shift_public": "mean |s_last - s_first| of public post stances",
    "regression_to_mean": "corr(x_0, x_R - x_0); negative = regression to the mean",
    "partner_slope": "OLS slope of the per-round change on the partner-self gap",
    "public_private_gap": "mean |s_R - x_R|: last public stance vs last private opinion",
    "default_drift": "mean |x_0 - d| - |x_R - d| toward default_stance d (None if unset)",
    "delta_sd_private_by_group": "delta_sd_private of each group (list)",
    "delta_sd_public_by_group": "delta_sd_public of each group (list)",
    "shift_private_by_group": "shift_private of each group (list)",
    "regression_to_mean_by_group": "regression_to_mean within each group (list)",
    "partner_slope_by_group": "partner_slope within each group (list)",
    "delta_sd_private_by_topic": "delta_sd_private averaged over the groups of each topic (list)",
    "text_messages": "posts and chat lines with text",
    "message_length": "mean words per message",
    "rouge_l": "mean best ROUGE-L F against the reference messages of the topic (None if none)",
    "similarity": "mean pairwise cosine of a group's messages, averaged over groups",
    "on_topic_rate": "share of messages whose cosine to the topic statement >= threshold",
    "converged_step": "added by the engine: the step the last round ended",
}


class DebateWorld(World):
    r"""Group debates with public posts, one-on-one chats and private opinion reports.

    Parameters
    ----------
    config : DebateConfig
        The ``[world]`` section.
    population : Population
        ``population.size`` must be a multiple of ``group_size``. Optional fields:
        ``opinion`` (initial private opinion in [1, 6]; default: uniform on {1..6}) and
        ``stubbornness`` (:math:`\lambda_i \in [0, 1]`; default ``config.stubbornness``).
    network : None
        Unused (groups are formed by the world).
    rng : numpy.random.Generator
        The world stream: initial opinions, the groups, then random partners every round.

    Notes
    -----
    The rule agents (:mod:`socium.worlds.debate.model`) say in public a stance pulled toward
    the group (Asch conformity), state their private opinion in the one-on-one chat, and
    update it after every round by a Friedkin–Johnsen step toward the group's posts and the
    partner's chat, anchored to their initial opinion.

    References
    ----------
    DEBATE, arXiv:2510.25110 (2025). Asch (1956). DeGroot (1974). Friedkin & Johnsen (1990).
    Taubenfeld et al., arXiv:2402.04049 (2024).

    Examples
    --------
    >>> import socium
    >>> cfg = {"population": {"size": 40}, "run": {"steps": 3},
    ...        "world": {"name": "debate", "text_metrics": False}}
    >>> socium.run(cfg, seed=1).final["delta_sd_private"] < 0
    True
    """

    name: ClassVar[str] = "debate"
    version: ClassVar[int] = 1
    Config: ClassVar[type[DebateConfig]] = DebateConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = (
        "Debate: groups post, chat one-on-one and report private 1-6 opinions (DEBATE)"
    )
    metric_descriptions = _METRICS
    action_specs: ClassVar[Sequence[type[ActionSpec]]] = (Post, Chat, Report)
    #: The ``decide`` block of LLM prompts (:data:`socium.worlds.debate.prompts.PROMPT_TEMPLATE`).
    prompt_template: ClassVar[str] = prompts.PROMPT_TEMPLATE

    config: DebateConfig

    def __init__(
        self,
        config: DebateConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n, size = population.size, config.group_size
        if n == 0 or n % size:
            raise ConfigError(
                "population.size", f"must be a positive multiple of world.group_size = {size}"
            )
        self.n = n
        self.n_groups = n // size
        initial = rng.integers(LIKERT_LOW, LIKERT_HIGH + 1, n).astype(np.float64)
        self.y0 = _field(population, "opinion", LIKERT_LOW, LIKERT_HIGH, initial)
        default = np.full(n, config.stubbornness)
        self.stubbornness = _field(population, "stubbornness", 0.0, 1.0, default)
        population["opinion"] = self.y0.copy()
        #: ``(G, n)`` members of every group; a row's order is its seating order.
        self.members = form_groups(n, size, None if config.grouping == "contiguous" else rng)
        self.group_of = group_index(self.members, n)
        self.topic_of = (self.group_of % len(config.topics)).astype(np.int64)
        self._table = round_robin_table(size)
        self._templates = MessageTemplates(config.topics)
        self._references: dict[int, list[str]] | None = None
        self.stages: list[Stage] = [
            PostStage(),
            *(ChatStage(t) for t in range(1, config.chat_turns + 1)),
            ReportStage(),
        ]
        self._stage: Stage = self.stages[0]
        self._reset(n, config.rounds)

    def _reset(self, n: int, rounds: int) -> None:
        #: Latent private opinion y_i in [1, 6].
        self.y = self.y0.copy()
        #: ``(R + 1, N)`` reported private opinions; row 0 before round 1.
        self.opinions = np.full((rounds + 1, n), np.nan)
        self.opinions[0] = likert(self.y0)
        #: The latest report of every agent.
        self.report = self.opinions[0].copy()
        #: ``(R, N)`` stance of each agent's post in every round.
        self.stances = np.full((rounds, n), np.nan)
        #: ``(R, N)`` chat partner in every round (-1: none).
        self.partners = np.full((rounds, n), -1, np.int64)
        self.partner = np.full(n, -1, np.int64)
        self.last_chat = np.full(n, np.nan)
        self.chat_sum = np.zeros(n)
        self.chat_count = np.zeros(n, np.int64)
        self.round = 0
        self.log = MessageLog()
        self._logged_before_step = 0

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: every agent takes part in every round."""
        return SynchronousSpec()

    # ------------------------------------------------------------------ the round
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """Start the next round (partners: round robin or random from the world stream), then
        one batch per stage: posts, each chat turn (agents with a partner), reports. Nothing
        once ``rounds`` rounds are done."""
        self._logged_before_step = len(self.log)
        if self.round >= self.config.rounds:
            return
        self.round += 1
        r = self.round
        if self.config.pairing == "rotate":
            self.partner = partners_rotate(self.members, r - 1, self._table)
        else:
            self.partner = partners_random(self.members, self.rng)
        self.partners[r - 1] = self.partner
        self.last_chat[:] = np.nan
        self.chat_sum[:] = 0.0
        self.chat_count[:] = 0
        ids = np.asarray(ids, dtype=np.int64)
        for stage in self.stages:
            self._stage = stage
            yield Batch(ids[self.partner[ids] >= 0] if isinstance(stage, ChatStage) else ids)

    def observe(self, batch: Batch) -> ObsBatch:
        """The current stage's observation (see :mod:`socium.worlds.debate.stages`)."""
        return self._stage.observe(self, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The rule agents of the current stage."""
        return self._stage.decide(self, obs, rng)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Write the stage's decisions: ``post``, ``chat`` and ``report`` events."""
        return self._stage.apply(self, actions)

    def end_step(self, step: int) -> None:
        """Agents that did not report keep their previous report."""
        r = self.round
        if r and np.isnan(self.opinions[r]).any():
            row = self.opinions[r]
            self.opinions[r] = np.where(np.isnan(row), self.opinions[r - 1], row)
        if r:
            self.report = self.opinions[r].copy()

    def converged(self) -> bool:
        """True once the last round is over."""
        return self.round >= self.config.rounds

    # ------------------------------------------------------------------ used by the stages
    def statement(self, group: int) -> str:
        """The statement debated by ``group``."""
        return self.config.topics[int(self.topic_of[self.members[group, 0]])]

    def report_of(self, agent: int) -> float:
        """The latest reported private opinion of ``agent``."""
        return float(self.report[agent])

    def set_opinion(self, ids: np.ndarray, opinion: np.ndarray) -> None:
        """Set the latent private opinion (finite values, clipped into [1, 6])."""
        ok = np.isfinite(opinion)
        self.y[ids[ok]] = np.clip(opinion[ok], LIKERT_LOW, LIKERT_HIGH)

    def record_report(self, ids: np.ndarray, opinion: np.ndarray, round_index: int) -> None:
        """Record reported opinions as row ``round_index`` and as ``report`` log rows."""
        value = likert(opinion)
        self.opinions[round_index, ids] = value
        self.report[ids] = value
        self.log_messages("report", ids, -1, "", np.nan, value, 0, round_index=round_index)

    def add_chat(self, who: np.ndarray, stance: np.ndarray) -> None:
        """Count chat messages of this round (their stances feed the partner's update)."""
        self.last_chat[who] = stance
        np.add.at(self.chat_sum, who, stance)
        np.add.at(self.chat_count, who, 1)

    def partner_chat_mean(self, ids: np.ndarray) -> np.ndarray:
        """Mean stance of each agent's partner's chat messages this round (NaN if none)."""
        p = self.partner[ids]
        count = np.where(p >= 0, self.chat_count[p], 0)
        total = np.where(p >= 0, self.chat_sum[p], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    def log_messages(
        self,
        kind: str,
        sender: np.ndarray,
        recipient: np.ndarray | int,
        text: np.ndarray | str,
        stance: np.ndarray | float,
        opinion: np.ndarray,
        turn: int,
        round_index: int | None = None,
    ) -> None:
        """Append rows to the message log (and so to the ``messages`` table)."""
        self.log.append(
            round=self.round if round_index is None else round_index,
            turn=turn,
            group=self.group_of[sender],
            topic=self.topic_of[sender],
            sender=sender,
            recipient=recipient,
            kind=kind,
            text=text,
            stance=stance,
            opinion=opinion,
        )

    def rule_post(self, topic: np.ndarray, stance: np.ndarray, rng: np.random.Generator):
        """Templated posts (empty when ``rule_text`` is off)."""
        if not self.config.rule_text:
            return np.full(len(topic), "", dtype=np.str_)
        variant = rng.integers(0, self._templates.post_variants, len(topic))
        return self._templates.post(topic, stance, variant)

    def rule_chat(self, topic, stance, disagree, rng: np.random.Generator):
        """Templated chat lines (empty when ``rule_text`` is off)."""
        if not self.config.rule_text:
            return np.full(len(topic), "", dtype=np.str_)
        variant = rng.integers(0, self._templates.chat_variants, len(topic))
        return self._templates.chat(topic, stance, disagree, variant)

    # ------------------------------------------------------------------ LLM interface
    def action_menu(self) -> ActionMenu:
        """The current stage's action: ``post`` (also before the first round), ``chat`` or
        ``report``.

        A policy that asks for the menu once, when it is built, gets ``post``, whose fields
        (message, stance, opinion) serve every stage: the stages read whichever of the three
        actions comes back (see their ``decode``). A policy that asks before every batch gets
        exactly the stage's action.
        """
        return ActionMenu([self._stage.spec])

    def stage_action(self) -> str:
        """The name of the action the current stage asks for."""
        return self._stage.spec.action_name()

    def llm_instructions(self) -> str:
        """The debate's rules, the 1-6 scale, and public stance versus private opinion."""
        cfg = self.config
        return prompts.instructions(cfg.rounds, cfg.group_size, cfg.chat_turns)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Statement, round, recent group posts, the chat, the stage's task, own latest private
        opinion and the answer format (:func:`socium.worlds.debate.prompts.render`)."""
        return prompts.render(self, obs)

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """Typed actions of the current stage into the rule agents' columns."""
        return self._stage.decode(self, obs, decisions)

    def drain_tables(self) -> dict[str, Table]:
        """``messages``: the posts, chat lines and reports of the step."""
        return {"messages": self.log.drain()}

    def final_tables(self) -> dict[str, Table]:
        """``topics``: index and statement of every topic."""
        topics = self.config.topics
        return {
            "topics": {
                "topic": np.arange(len(topics), dtype=np.int64),
                "statement": np.array(topics, dtype=np.str_),
            }
        }

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        """``round``, ``opinion_mean``, ``opinion_sd`` (within groups), ``stance_mean``,
        ``stance_sd`` (this round's posts; NaN before round 1), ``public_private_gap`` and
        ``messages`` (posts and chat lines this step); :math:`O(N)`."""
        r = self.round
        stance = self.stances[r - 1] if r else np.full(self.n, np.nan)
        gap = np.abs(stance - self.report)
        kinds = self.log.column("kind")[self._logged_before_step :]
        return {
            "round": float(r),
            "opinion_mean": float(self.report.mean()),
            "opinion_sd": nanmean(group_sd(self.report, self.group_of, self.n_groups)),
            "stance_mean": nanmean(stance),
            "stance_sd": nanmean(group_sd(stance, self.group_of, self.n_groups)),
            "public_private_gap": nanmean(gap),
            "messages": float(np.count_nonzero(kinds != "report")),
        }

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/debate.md``)."""
        r = self.round
        cfg = self.config
        out = summarize(
            self.opinions[: r + 1],
            self.stances[:r],
            self.partners[:r],
            self.group_of,
            cfg.default_stance,
        )
        by_group = np.array(
            [np.nan if v is None else v for v in out["delta_sd_private_by_group"]], dtype=float
        )
        topic_of_group = np.arange(self.n_groups) % len(cfg.topics)
        out["delta_sd_private_by_topic"] = [
            none_if_nan(nanmean(by_group[topic_of_group == k])) for k in range(len(cfg.topics))
        ]
        out.update(self._text_measures())
        return out

    def _text_measures(self) -> dict[str, Any]:
        keys = ("text_messages", "message_length", "rouge_l", "similarity", "on_topic_rate")
        cols = self.log.columns()
        said = cols["kind"] != "report"
        if not self.config.text_metrics or not said.any():
            return dict.fromkeys(keys)
        from socium.worlds.debate.text_measures import text_measures

        return text_measures(
            cols["text"][said].tolist(),
            cols["group"][said],
            cols["topic"][said],
            self.config.topics,
            references=self._reference_messages(),
            embedder=self.config.embedder,
            threshold=self.config.on_topic_threshold,
        )

    def _reference_messages(self) -> dict[int, list[str]] | None:
        """Messages of the ``references`` transcript, by the index of the matching topic."""
        if self.config.references is None:
            return None
        if self._references is None:
            from socium.worlds.debate.data import load_debate_csv, sample_path

            path = self.config.references
            data = load_debate_csv(sample_path() if path == "sample" else path)
            self._references = data.messages_by_statement(self.config.topics)
        return self._references

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Opinions (latent, reported, history), stances, partners, the round's chat
        counters, the groups and the message log."""
        return {
            "y": self.y.copy(),
            "opinions": self.opinions.copy(),
            "report": self.report.copy(),
            "stances": self.stances.copy(),
            "partners": self.partners.copy(),
            "partner": self.partner.copy(),
            "last_chat": self.last_chat.copy(),
            "chat_sum": self.chat_sum.copy(),
            "chat_count": self.chat_count.copy(),
            "members": self.members.copy(),
            "round": int(self.round),
            "log": self.log.get_state(),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        f64 = np.float64
        self.y = np.array(state["y"], dtype=f64)
        self.opinions = np.array(state["opinions"], dtype=f64)
        self.report = np.array(state["report"], dtype=f64)
        self.stances = np.array(state["stances"], dtype=f64)
        self.partners = np.array(state["partners"], dtype=np.int64)
        self.partner = np.array(state["partner"], dtype=np.int64)
        self.last_chat = np.array(state["last_chat"], dtype=f64)
        self.chat_sum = np.array(state["chat_sum"], dtype=f64)
        self.chat_count = np.array(state["chat_count"], dtype=np.int64)
        self.members = np.array(state["members"], dtype=np.int64)
        self.group_of = group_index(self.members, self.n)
        self.topic_of = (self.group_of % len(self.config.topics)).astype(np.int64)
        self.round = int(state["round"])
        self.log.set_state(state["log"])
        self._logged_before_step = len(self.log)

    def agent_table(self) -> dict[str, np.ndarray]:
        """``group``, ``topic``, ``opinion_initial`` and ``opinion`` (reports before round 1
        and after the last round), ``stance`` (last post), ``latent`` (y) and
        ``stubbornness``."""
        r = self.round
        last = self.stances[r - 1] if r else np.full(self.n, np.nan)
        return {
            "group": self.group_of.copy(),
            "topic": self.topic_of.copy(),
            "opinion_initial": self.opinions[0].copy(),
            "opinion": self.report.copy(),
            "stance": last.copy(),
            "latent": self.y.copy(),
            "stubbornness": self.stubbornness.copy(),
        }

    # ------------------------------------------------------------------ description
    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """Small configs: 4 groups of 4 over 6 rounds, and 3 groups of 3 with random
        partners."""
        return [
            {
                "run": {"steps": 6},
                "population": {"size": 16},
                "world": {"name": "debate", "rounds": 6, "text_metrics": True},
            },
            {
                "run": {"steps": 4},
                "population": {"size": 9},
                "world": {
                    "name": "debate",
                    "group_size": 3,
                    "rounds": 4,
                    "pairing": "random",
                    "chat_turns": 1,
                    "default_stance": 4.0,
                    "default_pull": 0.1,
                },
            },
        ]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``opinions.png`` (per-group private and public trajectories) and
        ``convergence.png`` (within-group SD, private vs public, per round)."""
        from socium.worlds.debate.plots import plot_convergence, plot_group_trajectories

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        r = self.round
        paths = [
            plot_group_trajectories(
                self.opinions[: r + 1], self.stances[:r], self.group_of, outdir / "opinions.png"
            ),
            plot_convergence(metrics, outdir / "convergence.png"),
        ]
        return [p for p in paths if p is not None]


def _field(
    population: Population, name: str, low: float, high: float, default: np.ndarray
) -> np.ndarray:
    if name not in population:
        return np.asarray(default, dtype=np.float64)
    v = np.asarray(population[name], dtype=np.float64)
    if not (np.isfinite(v).all() and (v >= low).all() and (v <= high).all()):
        raise ConfigError(f"population.init.{name}", f"must lie in [{low:g}, {high:g}]")
    return v.copy()
