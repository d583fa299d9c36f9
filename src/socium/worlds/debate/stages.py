"""The three stages of a debate round: public post, one-on-one chat turns, private report.

Each stage is one object with ``observe``, ``decide`` (the rule agents), ``decode`` (typed LLM
actions into the same columns) and ``apply``. The world yields one batch per stage and hands it
to the stage it belongs to; the world keeps all state.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from socium.core.actions import ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.worlds.debate.actions import Chat, Post, Report
from socium.worlds.debate.model import chat_stance, likert, private_update, public_stance

if TYPE_CHECKING:
    from socium.worlds.debate.world import DebateWorld

__all__ = ["ChatStage", "PostStage", "ReportStage", "Stage", "others_mean"]


def others_mean(values: np.ndarray, group_of: np.ndarray, n_groups: int) -> np.ndarray:
    r"""Per agent, the mean of the finite ``values`` of the *other* members of its group.

    .. math:: \bar v_{-i} = \frac{\sum_{j \in g(i), j \ne i} v_j}{|\{j \in g(i), j \ne i\}|}

    NaN where no other member has a value.

    Examples
    --------
    >>> others_mean(np.array([1.0, 3.0, np.nan, 4.0]), np.array([0, 0, 1, 1]), 2).tolist()
    [3.0, 1.0, 4.0, nan]
    """
    ok = ~np.isnan(values)
    v = np.where(ok, values, 0.0)
    total = np.bincount(group_of, weights=v, minlength=n_groups)[group_of] - v
    count = np.bincount(group_of, weights=ok.astype(float), minlength=n_groups)[group_of] - ok
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)


def _decoded(obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> list[ActionSpec | None]:
    if len(decisions) != len(obs):
        raise ValueError(f"{len(decisions)} decisions for {len(obs)} agents")
    return list(decisions)


def _opinions(obs: ObsBatch, items: list[ActionSpec | None]) -> np.ndarray:
    """The ``opinion`` of every action (all three actions carry one); fallback: unchanged."""
    return np.array(
        [getattr(d, "opinion", y) for d, y in zip(items, obs["opinion"], strict=True)],
        dtype=np.float64,
    )


class Stage(ABC):
    """One decision stage of a round."""

    #: The ``stage`` observation column (0 post, 1 chat, 2 report).
    code: ClassVar[int]
    #: The action this stage asks for.
    spec: ClassVar[type[ActionSpec]]

    @abstractmethod
    def observe(self, world: DebateWorld, batch: Batch) -> ObsBatch:
        """What each acting agent sees."""

    @abstractmethod
    def decide(self, world: DebateWorld, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The rule agents' decision, vectorized."""

    @abstractmethod
    def decode(
        self, world: DebateWorld, obs: ObsBatch, decisions: Sequence[ActionSpec | None]
    ) -> ActionBatch:
        """Typed actions (``None`` = fallback: say nothing, keep the opinion) as columns."""

    @abstractmethod
    def apply(self, world: DebateWorld, actions: ActionBatch) -> EventBatch:
        """Write the decisions into the world."""

    def _base(self, world: DebateWorld, ids: np.ndarray) -> dict[str, np.ndarray]:
        n = len(ids)
        return {
            "stage": np.full(n, self.code, np.int64),
            "round": np.full(n, world.round, np.int64),
            "group": world.group_of[ids],
            "topic": world.topic_of[ids],
            "partner": world.partner[ids],
            "opinion": world.y[ids],
        }


class _MessageStage(Stage):
    """Shared decoding of the two message stages (post and chat)."""

    def decode(self, world, obs, decisions):
        """Columns ``message``, ``stance`` and ``opinion``.

        The LLM menu is fixed for a run, so any of the three actions may come back: ``post``
        and ``chat`` (same fields) are both read as this stage's message; a ``report`` gives
        its opinion and sends no message (``stance`` NaN), as does a fallback (``None``),
        which also keeps the opinion.
        """
        items = _decoded(obs, decisions)
        cut = world.config.max_message_chars
        said = [d if isinstance(d, (Post, Chat)) else None for d in items]
        message = np.array([d.message[:cut] if d else "" for d in said], dtype=np.str_)
        stance = np.array([d.stance if d else np.nan for d in said], dtype=np.float64)
        return ActionBatch(
            obs.ids, {"message": message, "stance": stance, "opinion": _opinions(obs, items)}, obs
        )

    @staticmethod
    def _columns(actions: ActionBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        stance = np.asarray(actions["stance"], dtype=np.float64)
        sent = ~np.isnan(stance)
        message = np.asarray(actions["message"], dtype=np.str_)
        opinion = np.asarray(actions["opinion"], dtype=np.float64)
        return sent, likert(stance), message, opinion


class PostStage(_MessageStage):
    """Every acting agent writes one public post to its group."""

    code = 0
    spec = Post

    def observe(self, world, batch):
        """Columns ``stage`` (0), ``round``, ``group``, ``topic``, ``partner`` (this round's),
        ``opinion`` (own latent private opinion) and ``others_stance`` (mean stance of the
        other members' posts of the previous round; NaN in round 1)."""
        ids = batch.ids
        cols = self._base(world, ids)
        prev = world.stances[world.round - 2] if world.round > 1 else np.full(world.n, np.nan)
        cols["others_stance"] = others_mean(prev, world.group_of, world.n_groups)[ids]
        return ObsBatch(ids, cols, batch)

    def decide(self, world, obs, rng):
        """:func:`~socium.worlds.debate.model.public_stance`; the opinion is unchanged; a
        templated post when ``rule_text`` (one variant draw per agent from ``rng``)."""
        y = np.asarray(obs["opinion"], dtype=np.float64)
        stance = public_stance(y, np.asarray(obs["others_stance"]), world.config.conformity)
        message = world.rule_post(np.asarray(obs["topic"]), stance, rng)
        return ActionBatch(obs.ids, {"message": message, "stance": stance, "opinion": y}, obs)

    def apply(self, world, actions):
        """Record posts (``stances`` history, the log, ``post`` events with the stance) and the
        writers' private opinions. In round 1 the opinion given with the post is the report
        *before* round 1 (row 0 of the opinion history)."""
        sent, stance, message, opinion = self._columns(actions)
        ids = actions.ids
        r = world.round
        world.set_opinion(ids, opinion)
        if r == 1:
            world.record_report(ids, opinion, round_index=0)
        world.stances[r - 1, ids[sent]] = stance[sent]
        world.log_messages("post", ids[sent], -1, message[sent], stance[sent], opinion[sent], 0)
        if not world.collect_events:
            return EventBatch.empty()
        return EventBatch.make("post", ids[sent], value=stance[sent])


class ChatStage(_MessageStage):
    """One turn of the one-on-one chats: every agent with a partner sends one message.

    Both partners write at the same time and read each other's message in the next turn.
    """

    code = 1
    spec = Chat

    def __init__(self, turn: int):
        self.turn = turn

    def observe(self, world, batch):
        """Columns of the post stage (without ``others_stance``) plus ``turn`` (1-based),
        ``own_stance`` (own post this round), ``partner_stance`` (the partner's post this
        round) and ``partner_last`` (the partner's latest chat stance this round; NaN in turn
        1)."""
        ids = batch.ids
        cols = self._base(world, ids)
        partner = world.partner[ids]
        posts = world.stances[world.round - 1]
        cols["turn"] = np.full(len(ids), self.turn, np.int64)
        cols["own_stance"] = posts[ids]
        cols["partner_stance"] = np.where(partner >= 0, posts[partner], np.nan)
        cols["partner_last"] = np.where(partner >= 0, world.last_chat[partner], np.nan)
        return ObsBatch(ids, cols, batch)

    def decide(self, world, obs, rng):
        """:func:`~socium.worlds.debate.model.chat_stance` (the private opinion, said in
        private); the message agrees or rebuts depending on whether the partner's latest
        stance is within one point."""
        y = np.asarray(obs["opinion"], dtype=np.float64)
        stance = chat_stance(y)
        ref = np.where(np.isnan(obs["partner_last"]), obs["partner_stance"], obs["partner_last"])
        disagree = np.abs(np.nan_to_num(ref, nan=0.0) - stance) > 1.0
        disagree &= ~np.isnan(ref)
        message = world.rule_chat(np.asarray(obs["topic"]), stance, disagree, rng)
        return ActionBatch(obs.ids, {"message": message, "stance": stance, "opinion": y}, obs)

    def apply(self, world, actions):
        """Record chat lines (log, ``chat`` events: ``other`` = partner, ``value`` = stance),
        the partners' running chat stances and the writers' private opinions."""
        sent, stance, message, opinion = self._columns(actions)
        ids = actions.ids
        world.set_opinion(ids, opinion)
        who, said = ids[sent], stance[sent]
        world.add_chat(who, said)
        partner = world.partner[who]
        world.log_messages("chat", who, partner, message[sent], said, opinion[sent], self.turn)
        if not world.collect_events:
            return EventBatch.empty()
        return EventBatch.make("chat", who, partner, said)


class ReportStage(Stage):
    """Every acting agent reports its private opinion after the round."""

    code = 2
    spec = Report

    def observe(self, world, batch):
        """Post-stage columns plus ``anchor`` (initial latent opinion), ``stubbornness``,
        ``group_stance`` (mean stance of the other members' posts this round) and
        ``partner_chat`` (mean stance of the partner's chat messages this round); NaN where
        absent."""
        ids = batch.ids
        cols = self._base(world, ids)
        cols["anchor"] = world.y0[ids]
        cols["stubbornness"] = world.stubbornness[ids]
        posts = world.stances[world.round - 1]
        cols["group_stance"] = others_mean(posts, world.group_of, world.n_groups)[ids]
        cols["partner_chat"] = world.partner_chat_mean(ids)
        return ObsBatch(ids, cols, batch)

    def decide(self, world, obs, rng):
        """Column ``opinion``: :func:`~socium.worlds.debate.model.private_update` (noise from
        ``rng``)."""
        cfg = world.config
        new = private_update(
            np.asarray(obs["opinion"], dtype=np.float64),
            np.asarray(obs["anchor"], dtype=np.float64),
            np.asarray(obs["stubbornness"], dtype=np.float64),
            np.asarray(obs["group_stance"], dtype=np.float64),
            np.asarray(obs["partner_chat"], dtype=np.float64),
            group_weight=cfg.group_weight,
            partner_weight=cfg.partner_weight,
            default_pull=cfg.default_pull,
            default_stance=cfg.default_stance,
            noise=cfg.noise,
            rng=rng,
        )
        return ActionBatch(obs.ids, {"opinion": new}, obs)

    def decode(self, world, obs, decisions):
        """Column ``opinion`` (from whichever action came back; all carry one); a fallback
        keeps the previous opinion."""
        return ActionBatch(obs.ids, {"opinion": _opinions(obs, _decoded(obs, decisions))}, obs)

    def apply(self, world, actions):
        """Set the private opinion and record the report (``report`` events, ``value`` = the
        reported 1-6 opinion)."""
        opinion = np.asarray(actions["opinion"], dtype=np.float64)
        ids = actions.ids
        world.set_opinion(ids, opinion)
        ok = ~np.isnan(opinion)
        world.record_report(ids[ok], opinion[ok], round_index=world.round)
        if not world.collect_events:
            return EventBatch.empty()
        return EventBatch.make("report", ids[ok], value=likert(opinion[ok]))
