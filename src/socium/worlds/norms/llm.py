r"""The norms world's LLM interface: LLM players of the public-goods game with punishment.

A round asks two questions, one per stage (the LLM policy rereads the world's menu every
batch, so each stage offers exactly one action):

``contribute`` (stage 0)
    ``amount``: the points put into the group's pool, a number in :math:`[0, e]`. The schema
    carries ``minimum`` / ``maximum``; when :math:`e` is a whole number from 2 to 100 it also
    lists the whole amounts as an ``enum``, so that grammar-constrained decoders (llama.cpp
    ignores ``minimum`` / ``maximum``) can only write an amount in range. Answers are validated
    against :math:`[0, e]` and may be fractional.
``punish`` (stage 1, when ``punishment`` is on)
    ``targets``: agent ids of group members to punish, at most :math:`g - 1` (``[]`` for
    nobody). Ids outside the group, the agent itself and repeats are valid answers but are
    ignored when the stage is applied
    (:func:`~socium.worlds.norms.game.valid_punishments`), as for rule agents.

The instructions (the system prompt) give the rules: :math:`e`, :math:`r`, :math:`g`, the MPCR
:math:`r/g`, the matching, the punishment cost and fine, and that sanctions are public. The
observation of stage 0 is the agent's last contribution, the others' mean in its last group,
its last payoff and the public sanction table; that of stage 1 is the group's contributions
this round. An unusable answer takes the stage's rule decision for that agent
(``fallback_action = "rules"``), drawn from the world stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import Field, create_model

from socium.core.actions import ActionSpec
from socium.core.batches import ActionBatch, ObsBatch

if TYPE_CHECKING:
    from socium.worlds.norms.config import NormsConfig
    from socium.worlds.norms.world import NormsWorld

__all__ = [
    "MAX_ENUM_ENDOWMENT",
    "Contribute",
    "Punish",
    "contribute_spec",
    "contributions",
    "decode_actions",
    "format_points",
    "instructions",
    "punish_spec",
    "punishment_targets_of",
    "render_contribution",
    "render_punishment",
    "whole_amounts",
]

#: Endowments (whole numbers) up to this many points list their amounts as a schema ``enum``.
MAX_ENUM_ENDOWMENT = 100


class Contribute(ActionSpec):
    """Put some of your endowment into your group's pool this round."""

    action: Literal["contribute"] = "contribute"
    amount: float = Field(
        ge=0.0, description="points you put into the pool, from 0 to your endowment e"
    )


class Punish(ActionSpec):
    """Punish members of your group (each punishment costs you and fines them)."""

    action: Literal["punish"] = "punish"
    targets: list[int] = Field(
        description="agent ids of the members of your group you punish; [] for nobody"
    )


def whole_amounts(endowment: float) -> list[int] | None:
    """The amounts ``0, 1, ..., e`` when :math:`e` is a whole number in ``[2, 100]``, else None.

    Examples
    --------
    >>> whole_amounts(4.0)
    [0, 1, 2, 3, 4]
    >>> whole_amounts(1.0) is None, whole_amounts(7.5) is None
    (True, True)
    """
    if endowment != int(endowment) or not 2 <= endowment <= MAX_ENUM_ENDOWMENT:
        return None
    return list(range(int(endowment) + 1))


def contribute_spec(config: NormsConfig) -> type[Contribute]:
    """``contribute`` with ``amount`` bounded to :math:`[0, e]` (and whole amounts as an enum).

    Examples
    --------
    >>> from socium.worlds.norms.config import NormsConfig
    >>> spec = contribute_spec(NormsConfig(endowment=10.0))
    >>> prop = spec.model_json_schema()["properties"]["amount"]
    >>> prop["minimum"], prop["maximum"], prop["enum"][-1]
    (0.0, 10.0, 10)
    >>> spec(amount=2.5).amount
    2.5
    """
    e = config.endowment
    amounts = whole_amounts(e)
    field = Field(
        ge=0.0,
        le=e,
        description=f"points you put into the pool, from 0 to {e:g}",
        json_schema_extra=None if amounts is None else {"enum": amounts},
    )
    return create_model(
        "Contribute", __base__=Contribute, __doc__=Contribute.__doc__, amount=(float, field)
    )


def punish_spec(config: NormsConfig, n_agents: int) -> type[Punish]:
    """``punish`` with at most :math:`g - 1` target ids in ``[0, n_agents - 1]``.

    Examples
    --------
    >>> from socium.worlds.norms.config import NormsConfig
    >>> spec = punish_spec(NormsConfig(group_size=3), 6)
    >>> prop = spec.model_json_schema()["properties"]["targets"]
    >>> prop["maxItems"], prop["items"]["maximum"]
    (2, 5)
    """
    g = config.group_size
    target = Annotated[int, Field(ge=0, le=n_agents - 1)]
    field = Field(
        max_length=g - 1,
        description=f"agent ids of the other members of your group you punish (at most "
        f"{g - 1}); [] for nobody",
    )
    return create_model(
        "Punish", __base__=Punish, __doc__=Punish.__doc__, targets=(list[target], field)
    )


def instructions(config: NormsConfig) -> str:
    """The rules of the game as told to an LLM player, and what to answer in each stage.

    Examples
    --------
    >>> from socium.worlds.norms.config import NormsConfig
    >>> text = instructions(NormsConfig(endowment=20.0, r=1.6, group_size=4))
    >>> "returns 0.4 points to you" in text and "costs you 1 point" in text
    True
    """
    e, g, r = config.endowment, config.group_size, config.r
    mpcr = config.mpcr
    matching = (
        "The groups are drawn anew at random every round."
        if config.matching == "stranger"
        else "You stay in the same group every round."
    )
    parts = [
        f"You are playing a public-goods game with other people, in groups of {g}. " + matching,
        f"Each round you receive {e:g} points and choose how many of them to put into your "
        f"group's pool (from 0 to {e:g}); you keep the rest. The pool is multiplied by {r:g} and "
        f"shared equally among the {g} members, so every point you put in returns {mpcr:g} "
        f"points to you and {mpcr:g} points to each other member.",
    ]
    if config.punishment:
        parts.append(
            "Then you see what each member of your group put in, and you may punish any of "
            f"them. Each punishment costs you {_points_word(config.cost)} and the punished "
            f"member {_points_word(config.fine)}."
        )
        parts.append(
            "Sanctions are public: after every round everyone sees which contributions were "
            "punished, and a public record shows, for each contribution amount, how many "
            "punishments people who gave about that much received on average."
        )
    parts.append("Your payoff in a round is the points you keep plus your share of the pool")
    if config.punishment:
        parts[-1] += ", minus what your punishments cost you and the fines you receive."
    else:
        parts[-1] += "."
    parts.append("Earn as many points as you can.")
    how = [
        f'To contribute, answer {{"action": "contribute", "amount": <a number from 0 to {e:g}>}}.'
    ]
    if config.punishment:
        how.append(
            'To punish, answer {"action": "punish", "targets": [<agent ids>]}, '
            'or {"action": "punish", "targets": []} to punish nobody.'
        )
    parts.append(" ".join(how))
    return "\n".join(parts)


def _points_word(value: float) -> str:
    return f"{value:g} point" if value == 1 else f"{value:g} points"


def format_points(values: np.ndarray) -> np.ndarray:
    """Numbers as short text, rounded to one decimal (``12.0`` -> ``"12"``), vectorized.

    Examples
    --------
    >>> format_points(np.array([12.0, 3.14, -0.01, 100.0])).tolist()
    ['12', '3.1', '0', '100']
    """
    rounded = np.round(np.asarray(values, dtype=np.float64), 1) + 0.0  # -0.0 -> 0.0
    text = np.char.mod("%.1f", rounded)
    return np.char.rstrip(np.char.rstrip(text, "0"), ".")


def _sanction_record(table: np.ndarray, endowment: float) -> str:
    """One line: mean punishments received at each contribution level of the public table."""
    if not np.any(table > 0):
        return "Public record of sanctions: no contribution has been punished so far."
    levels = format_points(np.linspace(0.0, endowment, table.shape[0]))
    means = np.char.mod("%.2f", table)
    pairs = ", ".join(f"{level}: {mean}" for level, mean in zip(levels, means, strict=True))
    return (
        "Public record of sanctions (average punishments received per round by those who "
        f"contributed about this much): {pairs}."
    )


def render_contribution(world: NormsWorld, obs: ObsBatch) -> list[str]:
    """Stage 0 text per agent: the round, its last contribution, the others' mean in its last
    group, its last payoff, and the public sanction table (when punishment is on).

    Parameters
    ----------
    world : NormsWorld
        The world (config and round number).
    obs : ObsBatch
        A contribution-stage batch (columns ``contribution``, ``others_mean``, ``payoff``,
        ``sanctions_by_level``).

    Returns
    -------
    list of str
        One observation text per row.
    """
    cfg = world.config
    e = format_points(np.array([cfg.endowment]))[0]
    head = f"Round {world.steps + 1}, contribution stage. You have {e} points."
    ask = f"How many points do you put into your group's pool (0 to {e})?"
    payoff = np.asarray(obs["payoff"], dtype=np.float64)
    first = np.isnan(payoff)
    own = format_points(obs["contribution"])
    others = format_points(obs["others_mean"])
    paid = format_points(np.where(first, 0.0, payoff))
    records = [""] * len(obs)
    if cfg.punishment and len(obs):
        tables = np.asarray(obs["sanctions_by_level"], dtype=np.float64)
        if (tables == tables[0]).all():  # the public table: one row for everyone
            records = [_sanction_record(tables[0], cfg.endowment) + "\n"] * len(obs)
        else:
            records = [_sanction_record(row, cfg.endowment) + "\n" for row in tables]
    out = []
    for i in range(len(obs)):
        if first[i]:
            last = "This is the first round."
        else:
            last = (
                f"Last round you put in {own[i]}, the others in your group put in {others[i]} "
                f"on average, and your payoff was {paid[i]}."
            )
        out.append(f"{head}\n{last}\n{records[i]}{ask}")
    return out


def render_punishment(world: NormsWorld, obs: ObsBatch) -> list[str]:
    """Stage 1 text per agent: the group members' ids and contributions this round (its own
    marked), and the price of a punishment.

    Parameters
    ----------
    world : NormsWorld
        The world (config and round number).
    obs : ObsBatch
        A punishment-stage batch (columns ``group`` and ``group_contributions``).

    Returns
    -------
    list of str
        One observation text per row.

    Examples
    --------
    >>> from socium.core.population import Population
    >>> from socium.worlds.norms import NormsConfig, NormsWorld
    >>> pop = Population(2, {"contribution": np.array([5.0, 12.5])})
    >>> world = NormsWorld(NormsConfig(group_size=2), pop, None, np.random.default_rng(0))
    >>> stages = world.batches(np.arange(2))
    >>> contribution_stage = next(stages)
    >>> text = render_punishment(world, world.observe(next(stages)))[1]
    >>> text.splitlines()[1:3]
    ['- agent 0: 5', '- agent 1 (you): 12.5']
    """
    cfg = world.config
    e = format_points(np.array([cfg.endowment]))[0]
    group = np.asarray(obs["group"], dtype=np.int64)
    given = format_points(obs["group_contributions"]).reshape(group.shape)
    is_self = group == np.asarray(obs.ids, dtype=np.int64)[:, None]
    head = (
        f"Round {world.steps + 1}, punishment stage. What the members of your group put into "
        f"the pool this round (out of {e}):"
    )
    ask = (
        f"Each punishment costs you {_points_word(cfg.cost)} and the punished member "
        f"{_points_word(cfg.fine)}. Whom do you punish? Answer with the agent ids of other "
        "members, or [] for nobody."
    )
    out = []
    for i in range(len(obs)):
        members = [
            f"- agent {agent}{' (you)' if me else ''}: {amount}"
            for agent, amount, me in zip(group[i].tolist(), given[i], is_self[i], strict=True)
        ]
        out.append("\n".join([head, *members, ask]))
    return out


def contributions(decisions: Sequence[ActionSpec | None]) -> tuple[np.ndarray, np.ndarray]:
    """The ``contribute`` column of the answered rows (NaN elsewhere) and which rows answered.

    Examples
    --------
    >>> amount, answered = contributions([Contribute(amount=3.0), None])
    >>> amount.tolist(), answered.tolist()
    ([3.0, nan], [True, False])
    """
    answered = np.fromiter((isinstance(d, Contribute) for d in decisions), bool, len(decisions))
    amount = np.fromiter(
        (d.amount if isinstance(d, Contribute) else np.nan for d in decisions),
        np.float64,
        len(decisions),
    )
    return amount, answered


def punishment_targets_of(
    decisions: Sequence[ActionSpec | None], width: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``punish`` column (``(B, width)`` target ids, ``-1`` pads) and which rows answered.

    Repeated ids are kept once and a row is cut to ``width`` targets (the menu allows at most
    :math:`g - 1`); other invalid targets are left for the stage's ``apply`` to ignore.

    Examples
    --------
    >>> targets, answered = punishment_targets_of([Punish(targets=[4, 4, 2]), None], 3)
    >>> targets.tolist(), answered.tolist()
    ([[4, 2, -1], [-1, -1, -1]], [True, False])
    """
    targets = np.full((len(decisions), width), -1, np.int64)
    answered = np.zeros(len(decisions), bool)
    for row, decision in enumerate(decisions):
        if isinstance(decision, Punish):
            answered[row] = True
            chosen = list(dict.fromkeys(decision.targets))[:width]
            targets[row, : len(chosen)] = chosen
    return targets, answered


def decode_actions(
    world: NormsWorld, obs: ObsBatch, decisions: Sequence[ActionSpec | None]
) -> ActionBatch:
    """Validated actions to the stage's action column, as :meth:`NormsWorld.rule_decide`
    returns it.

    Parameters
    ----------
    world : NormsWorld
        The world; its stream draws the rule decisions of unanswered rows.
    obs : ObsBatch
        The stage's observation batch (its ``stage`` column picks the stage).
    decisions : sequence of ActionSpec or None
        One per row; ``None`` (no usable answer) takes the stage's rule decision.

    Returns
    -------
    ActionBatch
        ``contribute`` (float64) in stage 0, or ``punish`` (``(B, g)`` int64 target ids,
        ``-1`` pads) in stage 1.

    Raises
    ------
    ValueError
        If there are not as many decisions as rows.
    """
    if len(decisions) != len(obs):
        raise ValueError(f"{len(decisions)} decisions for {len(obs)} observations")
    stage = world.stage_of(obs)
    column, answered = stage.decode(world, decisions)
    missing = np.flatnonzero(~answered)
    if missing.size:
        rule = stage.decide(world, obs.take(missing), world.rng)
        column[missing] = np.asarray(rule[stage.action], dtype=column.dtype)
    return ActionBatch(obs.ids, {stage.action: column}, obs)
