r"""The games world: a population of strategies playing repeated 2x2 games.

Every agent has one strategy (``[world] strategies`` and ``shares``, or the population field
``strategy`` holding indices into ``strategies``). Agents are paired (``pairing``): every pair of
agents plays a match (``round_robin``), or a random perfect matching of the agents plays
(``random``; with an odd population one agent sits out). **One step is one round of every
ongoing match**, so an agent in a round robin plays one move in each of its ``N - 1`` matches per
step, and a policy (rules or, later, a language model) decides every move with the history it
sees. When every match of a *period* has ended, the next period starts at the end of that step:
the same pairs again (``round_robin``; a repetition) or a new random matching, with fresh match
histories. Scores and metric counters accumulate over all periods.

The rule policy is the strategies themselves
(:mod:`~socium.worlds.games.strategies`, vectorized over all match sides); the action schema is
``{"move": "C" | "D"}`` plus an optional ``prediction`` of the other's move ("social
chain-of-thought": predict, then choose), recorded as ``prediction_accuracy``.

The world ignores which agents the schedule activates: every ongoing match plays every step.
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
from socium.worlds.games import llm
from socium.worlds.games.config import MODELS, GamesConfig
from socium.worlds.games.matches import COUNTERS, MatchSet, draw_lengths, ranking_table, rate
from socium.worlds.games.payoffs import Game, generosity, make_game
from socium.worlds.games.strategies import History, decide_mixed, make_strategies

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["GamesWorld", "allocate"]

_METRICS = {
    "cooperation_rate": "share of moves that were C (move 0), over all rounds played",
    "forgiveness": "P(C at t | other played D at t-1), pooled over all players and rounds",
    "retaliation": "P(D at t | other played D and I played C at t-1), pooled",
    "alternation_success": "share of rounds t >= 3 in which both players switched and "
    "coordinated (Battle of the Sexes turn-taking)",
    "mean_payoff": "mean payoff per move",
    "prediction_accuracy": "share of correct predictions of the other's move (NaN if none)",
    "rounds_played": "moves played in total (two per match round)",
    "periods": "periods with at least one round played (repetitions of the round robin, "
    "or random matchings)",
    "winner": "strategy with the highest score per round",
    "ranking": "strategies, best score per round first (list)",
    "score_<strategy>": "mean payoff per round of the agents with that strategy",
    "rank_<strategy>": "rank of the strategy by score (1 = best; ties share a rank)",
    "cooperation_rate_<strategy>": "cooperation rate of the agents with that strategy",
    "converged_step": "added by the engine (the world never reports convergence)",
}


def allocate(n: int, shares: np.ndarray) -> np.ndarray:
    """Integer counts summing to ``n`` proportional to ``shares`` (largest remainder).

    Ties in the remainders go to the earlier strategy.
    """
    p = np.asarray(shares, dtype=np.float64)
    p = p / p.sum()
    exact = n * p
    counts = np.floor(exact).astype(np.int64)
    rest = n - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


class GamesWorld(World):
    """Repeated 2x2 games between agents with classic strategies.

    Parameters
    ----------
    config : GamesConfig
        The ``[world]`` section.
    population : Population
        Agents; optional field ``strategy`` (int indices into ``config.strategies``).
    network : Network or None
        Not used (pairing is round robin or random); must match the population size if given.
    rng : numpy.random.Generator
        World stream: match lengths, random matchings and trembles.

    Notes
    -----
    Rules, presets, strategies and metric formulas are in ``docs/worlds/games.md``;
    the round mechanics are :class:`~socium.worlds.games.matches.MatchSet`.

    Examples
    --------
    >>> import socium
    >>> cfg = {"population": {"size": 3}, "run": {"steps": 10},
    ...        "world": {"name": "games", "strategies": ["cooperator", "defector",
    ...                  "tit_for_tat"]}}
    >>> socium.run(cfg, seed=1).final["winner"]
    'defector'
    """

    name: ClassVar[str] = "games"
    version: ClassVar[int] = 1
    Config: ClassVar[type[GamesConfig]] = GamesConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = (
        "Repeated 2x2 games (prisoner's dilemma, battle of the sexes, stag hunt, chicken, "
        "matching pennies) between classic strategies"
    )
    metric_descriptions = _METRICS
    model_names = MODELS
    action_specs = (llm.Play,)
    #: An unusable LLM answer plays the agent's own rule strategy.
    fallback_action = "strategy"

    config: GamesConfig

    def __init__(
        self,
        config: GamesConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n = self.n = population.size
        if n < 2:
            raise ConfigError("population.size", f"must be >= 2 for games (got {n})")
        self.game: Game = make_game(config.payoffs if config.model == "custom" else config.model)
        gen = generosity(self.game) if config.generosity is None else config.generosity
        self.strategies = make_strategies(
            config.strategies, {"generosity": gen, "random_p": config.random_p}
        )
        self.names = [s.name for s in self.strategies]
        self.stochastic = any(s.stochastic for s in self.strategies)
        k = len(self.strategies)
        if "strategy" in population:
            raw = np.asarray(population["strategy"])
            codes = raw.astype(np.int64)
            if not np.array_equal(codes, raw) or (codes < 0).any() or (codes >= k).any():
                raise ConfigError(
                    "population.init.strategy",
                    f"must be integer indices 0..{k - 1} into world.strategies",
                )
        else:
            shares = np.ones(k) if config.shares is None else np.asarray(config.shares)
            codes = np.repeat(np.arange(k, dtype=np.int64), allocate(n, shares))
        self.codes = codes
        population["strategy"] = codes.copy()
        # per-agent totals of finished periods
        self.totals = {key: np.zeros(n, np.int64) for key in COUNTERS}
        self.total_score = np.zeros(n)
        self.pred_n = 0
        self.pred_ok = 0
        self.period = 0
        self.step_coop = float("nan")
        self.step_payoff = float("nan")
        self.step_active = 0
        self._menu: ActionMenu | None = None
        self._new_period()

    # ------------------------------------------------------------------ matches
    def _new_period(self) -> None:
        """Pair the agents and start fresh matches (draws from the world stream)."""
        n = self.n
        if self.config.pairing == "round_robin":
            i, j = np.triu_indices(n, 1)
            first, second = i.astype(np.int64), j.astype(np.int64)
        else:
            perm = self.rng.permutation(n).astype(np.int64)
            half = n // 2
            first, second = perm[:half], perm[half : 2 * half]
        lengths = draw_lengths(
            first.shape[0], self.rng, self.config.match_turns, self.config.continuation_probability
        )
        self.matches = MatchSet(self.game, lengths)
        self.side_agent = np.concatenate([first, second])
        self.period += 1

    def _fold(self) -> None:
        """Add the current matches' counters to the per-agent totals."""
        ms, n = self.matches, self.n
        for key in COUNTERS:
            self.totals[key] += np.bincount(self.side_agent, ms.counters[key], n).astype(np.int64)
        self.total_score += np.bincount(self.side_agent, ms.score, n)

    def _agent_totals(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        ms, n = self.matches, self.n
        score = self.total_score + np.bincount(self.side_agent, ms.score, n)
        counts = {
            key: self.totals[key]
            + np.bincount(self.side_agent, ms.counters[key], n).astype(np.int64)
            for key in COUNTERS
        }
        return score, counts

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: every ongoing match plays one round per step."""
        return SynchronousSpec()

    # ------------------------------------------------------------------ the step
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """One batch: both players of every ongoing match (``ids`` may repeat an agent).

        Column ``side``: the match side (see :class:`~socium.worlds.games.matches.MatchSet`).
        """
        ms = self.matches
        if ms.finished:
            return
        sides = ms.active_sides()
        yield Batch(self.side_agent[sides], {"side": sides})

    def observe(self, batch: Batch) -> ObsBatch:
        """Per match side: ``round`` (0-based), ``my_last``, ``my_prev``, ``other_last``,
        ``other_prev`` (-1 = none), ``other_defected``, ``my_last_payoff``, ``my_score`` (total
        in this match), ``opponent`` (agent id), ``role`` (0 = first player), ``strategy``
        (index into ``world.strategies``) and ``match``."""
        ms = self.matches
        sides = batch.columns["side"]
        h = ms.history(sides)
        return ObsBatch(
            batch.ids,
            {
                "round": h.round,
                "my_last": h.my_last,
                "my_prev": h.my_prev,
                "other_last": h.other_last,
                "other_prev": h.other_prev,
                "other_defected": h.other_defected,
                "my_last_payoff": h.my_last_payoff,
                "my_score": ms.score[sides],
                "opponent": self.side_agent[ms.partner[sides]],
                "role": ms.roles[sides],
                "strategy": self.codes[batch.ids],
                "match": sides % max(ms.m, 1),
            },
            batch,
        )

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Each agent's strategy, vectorized: column ``move`` (int8, 0 = C, 1 = D), plus
        ``prediction`` (-1: none) with ``social_cot``.

        Stochastic strategies use one uniform number per row from the policy stream, drawn
        only when the field has a stochastic strategy.
        """
        h = History(
            obs["round"],
            obs["my_last"],
            obs["my_prev"],
            obs["other_last"],
            obs["other_prev"],
            obs["other_defected"],
            obs["my_last_payoff"],
        )
        u = rng.random(len(obs)) if self.stochastic else None
        moves = decide_mixed(self.strategies, obs["strategy"], h, u)
        if self.config.social_cot:  # same columns as LLM players (rules make no prediction)
            return ActionBatch(
                obs.ids, {"move": moves, "prediction": np.full(len(obs), -1, np.int8)}, obs
            )
        return ActionBatch(obs.ids, {"move": moves}, obs)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Play the round: trembles (world stream), payoffs, histories and counters.

        ``move`` may be 0/1 or ``"C"``/``"D"``; an optional ``prediction`` column (same
        coding, -1 or ``""`` = none) is scored against the other's actual move. Events:
        ``move`` (agent, other = opponent, value = the move played, 0 = C, 1 = D).
        """
        if actions.obs is None or actions.obs.batch is None:
            raise ValueError("games: actions must carry their observation batch")
        sides = actions.obs.batch.columns["side"]
        moves = _moves(actions["move"], "move")
        if ((moves < 0) | (moves > 1)).any():
            raise ValueError("games: action 'move' must be 'C'/'D' or 0/1")
        noise = self.config.noise
        flip = self.rng.random(sides.shape[0]) < noise if noise > 0 else None
        played, pay = self.matches.play(sides, moves, flip)
        if "prediction" in actions.columns:
            pred = _moves(actions["prediction"], "prediction")
            half = played.shape[0] // 2
            other = np.concatenate([played[half:], played[:half]])
            made = pred >= 0
            self.pred_n += int(made.sum())
            self.pred_ok += int((made & (pred == other)).sum())
        self.step_coop = float(np.mean(played == 0)) if played.size else float("nan")
        self.step_payoff = float(np.mean(pay)) if pay.size else float("nan")
        self.step_active = played.shape[0] // 2
        if not self.collect_events:
            return EventBatch.empty()
        opp = self.side_agent[self.matches.partner[sides]]
        return EventBatch.make("move", actions.ids, opp, played.astype(np.float64))

    def end_step(self, step: int) -> None:
        """Start the next period when every match of this one has ended."""
        if self.matches.finished:
            self._fold()
            self._new_period()

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        """``cooperation_rate`` and ``mean_payoff`` of the step's moves, ``active_matches``
        and ``period`` (NaN / 0 before the first round)."""
        return {
            "cooperation_rate": self.step_coop,
            "mean_payoff": self.step_payoff,
            "active_matches": float(self.step_active),
            "period": float(self.period),
        }

    def records_events_by_default(self) -> bool:
        """False: every agent moves in every match each step (events = the whole trajectory)."""
        return False

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/games.md``)."""
        score, c = self._agent_totals()
        k = len(self.names)
        per = {key: np.bincount(self.codes, c[key], k).astype(np.int64) for key in COUNTERS}
        table = ranking_table(
            self.names,
            np.bincount(self.codes, score, k),
            per["rounds"],
            per,
            np.bincount(self.codes, minlength=k),
        )
        rounds = int(c["rounds"].sum())
        out: dict[str, Any] = {
            "cooperation_rate": rate(c["coop"], c["rounds"]),
            "forgiveness": rate(c["forgive_num"], c["forgive_den"]),
            "retaliation": rate(c["retal_num"], c["retal_den"]),
            "alternation_success": rate(c["alt_num"], c["alt_den"]),
            "mean_payoff": float(score.sum() / rounds) if rounds else float("nan"),
            "prediction_accuracy": self.pred_ok / self.pred_n if self.pred_n else float("nan"),
            "rounds_played": rounds,
            "periods": int(self.period if self.matches.round > 0 else self.period - 1),
            "winner": str(table["strategy"].iloc[0]),
            "ranking": [str(s) for s in table["strategy"]],
        }
        for row in table.itertuples(index=False):
            out[f"score_{row.strategy}"] = float(row.score_per_turn)
            out[f"rank_{row.strategy}"] = int(row.rank)
            out[f"cooperation_rate_{row.strategy}"] = float(row.cooperation_rate)
        return out

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """The current matches (histories, counters), per-agent totals and step statistics."""
        ms = self.matches
        return {
            "matches": {
                "lengths": ms.lengths.copy(),
                "round": int(ms.round),
                "last": ms.last.copy(),
                "prev": ms.prev.copy(),
                "defected": ms.defected.copy(),
                "last_payoff": ms.last_payoff.copy(),
                "score": ms.score.copy(),
                "side_agent": self.side_agent.copy(),
                **{f"c_{key}": ms.counters[key].copy() for key in COUNTERS},
            },
            "totals": {key: self.totals[key].copy() for key in COUNTERS},
            "total_score": self.total_score.copy(),
            "pred_n": int(self.pred_n),
            "pred_ok": int(self.pred_ok),
            "period": int(self.period),
            "step_coop": float(self.step_coop),
            "step_payoff": float(self.step_payoff),
            "step_active": int(self.step_active),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        m = state["matches"]
        ms = MatchSet(self.game, np.asarray(m["lengths"], dtype=np.int64))
        ms.round = int(m["round"])
        ms.last = np.array(m["last"], dtype=np.int8)
        ms.prev = np.array(m["prev"], dtype=np.int8)
        ms.defected = np.array(m["defected"], dtype=bool)
        ms.last_payoff = np.array(m["last_payoff"], dtype=np.float64)
        ms.score = np.array(m["score"], dtype=np.float64)
        ms.counters = {key: np.array(m[f"c_{key}"], dtype=np.int64) for key in COUNTERS}
        self.matches = ms
        self.side_agent = np.array(m["side_agent"], dtype=np.int64)
        self.totals = {key: np.array(state["totals"][key], dtype=np.int64) for key in COUNTERS}
        self.total_score = np.array(state["total_score"], dtype=np.float64)
        self.pred_n = int(state["pred_n"])
        self.pred_ok = int(state["pred_ok"])
        self.period = int(state["period"])
        self.step_coop = float(state["step_coop"])
        self.step_payoff = float(state["step_payoff"])
        self.step_active = int(state["step_active"])

    def agent_table(self) -> dict[str, np.ndarray]:
        """``strategy`` (index), ``strategy_name``, ``score`` (total), ``rounds``,
        ``mean_payoff`` and ``cooperation_rate`` per agent."""
        score, c = self._agent_totals()
        rounds = c["rounds"]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(rounds > 0, score / np.maximum(rounds, 1), np.nan)
            coop = np.where(rounds > 0, c["coop"] / np.maximum(rounds, 1), np.nan)
        return {
            "strategy": self.codes.copy(),
            "strategy_name": np.array(self.names)[self.codes],
            "score": score,
            "rounds": rounds,
            "mean_payoff": mean,
            "cooperation_rate": coop,
        }

    # ------------------------------------------------------------------ LLM interface
    def action_menu(self) -> ActionMenu:
        """``play`` with the game's move labels (and a first ``prediction`` with
        ``social_cot``)."""
        if self._menu is None:
            self._menu = llm.make_menu(self)
        return self._menu

    def llm_instructions(self) -> str:
        """The game, its payoff matrix, the match length and how to answer."""
        return llm.instructions(self)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Per match side: opponent, round, both players' last two moves, points so far."""
        return llm.render_observations(self, obs)

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """``move`` (and ``prediction`` with ``social_cot``); ``None`` plays the agent's rule
        strategy. Same columns as :meth:`rule_decide`."""
        return llm.decode_actions(self, obs, decisions)

    def archetype_choices(self) -> list[str]:
        """The game's two move labels."""
        return list(self.game.labels)

    def archetype_features(self, obs: ObsBatch) -> dict[str, np.ndarray]:
        """First round or not, both players' last moves, whether the other has defected."""
        return llm.archetype_features(self, obs)

    def archetype_actions(self, obs: ObsBatch, choices: np.ndarray) -> ActionBatch:
        """Sampled move labels as the ``move`` column."""
        return llm.archetype_actions(self, obs, choices)

    # ------------------------------------------------------------------ description
    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """One small config per game (a dozen agents), for the conformance suite."""
        worlds: dict[str, dict[str, Any]] = {
            "prisoners_dilemma": {
                "strategies": ["tit_for_tat", "defector", "cooperator", "random"],
                "noise": 0.05,
                "turns": 4,
            },
            "prisoners_dilemma_akata": {
                "strategies": ["grudger", "generous_tit_for_tat", "defect_once"],
                "pairing": "random",
                "continuation_probability": 0.7,
            },
            "battle_of_the_sexes": {"strategies": ["alternator", "tit_for_tat"], "turns": 5},
            "stag_hunt": {"strategies": ["tit_for_two_tats", "suspicious_tit_for_tat"]},
            "chicken": {"strategies": ["win_stay_lose_shift", "random"], "pairing": "random"},
            "matching_pennies": {"strategies": ["random", "alternator"], "noise": 0.1},
            "custom": {"payoffs": [[2, -1], [3, 0]], "strategies": ["grudger", "defector"]},
        }
        return [
            {
                "run": {"steps": 10},
                "population": {"size": 12},
                "world": {"name": "games", "model": model, **world},
            }
            for model, world in worlds.items()
        ]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``games_cooperation.png`` (cooperation and payoff per step) and
        ``games_ranking.png`` (score per round by strategy)."""
        from socium.worlds.games.plots import plot_cooperation, plot_ranking

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        written = []
        path = plot_cooperation(metrics, outdir / "games_cooperation.png", title=self.game.name)
        if path is not None:
            written.append(path)
        final = self.final_metrics()
        scores = {s: final[f"score_{s}"] for s in final["ranking"]}
        written.append(plot_ranking(scores, outdir / "games_ranking.png", title=self.game.name))
        return written


def _moves(col: np.ndarray, what: str) -> np.ndarray:
    """Moves as int8 (0 = C, 1 = D, -1 = none) from 0/1 or "C"/"D" columns."""
    arr = np.asarray(col)
    if arr.dtype.kind in "USO":
        text = np.char.upper(arr.astype(str))
        out = np.full(arr.shape[0], -1, np.int8)
        out[text == "C"] = 0
        out[text == "D"] = 1
        if what == "move" and (out < 0).any():
            raise ValueError("games: action 'move' must be 'C' or 'D'")
        return out
    return arr.astype(np.int8)
