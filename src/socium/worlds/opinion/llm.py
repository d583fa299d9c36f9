"""The opinion world's LLM interface: typed actions, instructions, observation text, decoding.

An LLM agent of the opinion world has two actions:

``update``
    set its opinion to ``opinion`` — a number in the opinion range for continuous models, an
    integer state ``0..n_states-1`` for discrete ones (the schema enforces the range);
``do_nothing``
    keep its opinion (also the fallback of an unusable answer).

The columns produced are those of the model's rule (:meth:`OpinionWorld.rule_decide`), so LLM
and rule agents share one action batch:

* the acting agent's ``opinion`` is the LLM's choice (``do_nothing``: its current opinion;
  ``-1`` = keep, for discrete models);
* the other columns (Deffuant's ``partner_opinion``) are the rule's: the partner reacts to the
  agent's current opinion by the model's rule when the agent updates, and keeps its opinion
  when the agent does nothing (no interaction took place).

For majority rule and Sznajd, where one event imposes a state on a group, the acting agent's
state is imposed on its group (the instructions say so).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, create_model

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, ObsBatch
from socium.worlds.opinion.sampling import gather_rows

if TYPE_CHECKING:
    from socium.worlds.opinion.world import OpinionWorld

__all__ = [
    "KeepOpinion",
    "UpdateOpinion",
    "archetype_actions",
    "archetype_choices",
    "archetype_features",
    "compose_actions",
    "decode_actions",
    "instructions",
    "make_menu",
    "render_observations",
]


class UpdateOpinion(ActionSpec):
    """Change your opinion to a new value."""

    action: Literal["update"] = "update"
    opinion: float = Field(description="your new opinion (a number, or an integer state)")


class KeepOpinion(ActionSpec):
    """Keep your current opinion."""

    action: Literal["do_nothing"] = "do_nothing"


def opinion_range(world: OpinionWorld) -> tuple[float, float]:
    """The range of continuous opinions: [0, 1], widened to the initial opinions."""
    x0 = world.x0
    lo = min(0.0, float(x0.min())) if x0.size else 0.0
    hi = max(1.0, float(x0.max())) if x0.size else 1.0
    return lo, hi


def make_menu(world: OpinionWorld) -> ActionMenu:
    """``update`` (constrained to the model's states or opinion range) and ``do_nothing``."""
    if world.discrete:
        k = world.config.n_states
        field: Any = (
            int,
            Field(ge=0, le=k - 1, description=f"your new state, an integer from 0 to {k - 1}"),
        )
    else:
        lo, hi = opinion_range(world)
        field = (float, Field(ge=lo, le=hi, description=f"your new opinion, from {lo:g} to {hi:g}"))
    update = create_model(
        "UpdateOpinion",
        __base__=UpdateOpinion,
        __doc__=UpdateOpinion.__doc__,
        opinion=field,
    )
    return ActionMenu([update, KeepOpinion])


_CONTEXT = {
    "degroot": "Each step you see the average opinion of the people you listen to.",
    "friedkin_johnsen": "Each step you see the average opinion of the people you listen to, "
    "and you remember your initial opinion.",
    "hegselmann_krause": "Each step you see the average opinion of the people you listen to "
    "whose opinions are close enough to yours.",
    "deffuant": "Each step you talk with one other person; they may move towards your opinion "
    "if it is close enough to theirs.",
    "voter": "Each step you talk with one other person and may take their position.",
    "qvoter": "Each step you ask a few of the people you listen to about their positions.",
    "majority": "Each step you discuss with a small group; the position you choose is adopted "
    "by the whole group (you speak for it).",
    "sznajd": "Each step you meet one other person; the position you choose is imposed on "
    "the people that you and your partner influence.",
}


def instructions(world: OpinionWorld) -> str:
    """The system prompt's task: the setting, the scale and the two actions."""
    if world.discrete:
        k = world.config.n_states
        scale = f"Everyone holds one of {k} positions, numbered 0 to {k - 1}."
        how = 'Answer "update" with your new position, or "do_nothing" to keep yours.'
    else:
        lo, hi = opinion_range(world)
        scale = f"Opinions are numbers from {lo:g} to {hi:g}."
        how = 'Answer "update" with your new opinion, or "do_nothing" to keep yours.'
    return (
        f"You are one person in a community discussing an issue. {scale} "
        f"{_CONTEXT[world.model]} Decide what you think now. {how}"
    )


def _neighbour_stats(world: OpinionWorld, ids: np.ndarray) -> tuple[np.ndarray, ...]:
    """Count, mean, min and max of the opinions of each agent's in-neighbours."""
    x = world.x.astype(np.float64)
    k = ids.shape[0]
    nb = world.neighborhood
    if nb.indptr is None:  # well mixed: everyone else
        n = world.n
        count = np.full(k, max(n - 1, 0), np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (x.sum() - x[ids]) / count
        return count, mean, np.full(k, x.min()), np.full(k, x.max())
    nodes, owner = gather_rows(nb.indptr, nb.indices, ids)
    vals = x[nodes]
    count = np.bincount(owner, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, vals, minlength=k) / count
    lo = np.full(k, np.inf)
    hi = np.full(k, -np.inf)
    np.minimum.at(lo, owner, vals)
    np.maximum.at(hi, owner, vals)
    return count, mean, lo, hi


def _state_counts(world: OpinionWorld, ids: np.ndarray) -> np.ndarray:
    """Per agent, how many of its in-neighbours hold each state (shape ``(k, n_states)``)."""
    s = world.config.n_states
    x = world.x
    k = ids.shape[0]
    nb = world.neighborhood
    if nb.indptr is None:
        total = np.bincount(x, minlength=s)
        counts = np.tile(total, (k, 1))
        counts[np.arange(k), x[ids]] -= 1
        return counts
    nodes, owner = gather_rows(nb.indptr, nb.indices, ids)
    return np.bincount(owner * s + x[nodes], minlength=k * s).reshape(k, s)


def _states(values: np.ndarray) -> str:
    return ", ".join(str(int(v)) for v in values if v >= 0)


def render_observations(world: OpinionWorld, obs: ObsBatch) -> list[str]:
    """One text per row: own opinion, the model's view of others, and the neighbours."""
    ids = np.asarray(obs.ids, dtype=np.int64)
    cols = obs.columns
    partner = obs.batch.columns.get("partner") if obs.batch is not None else None
    lines: list[list[str]] = [[] for _ in range(ids.shape[0])]
    if world.discrete:
        own = cols["opinion"]
        counts = _state_counts(world, ids)
        for i, row in enumerate(lines):
            row.append(f"Your position: {int(own[i])}.")
            if "partner_opinion" in cols:
                who = f"agent {int(partner[i])}" if partner is not None else "your partner"
                row.append(
                    f"You are talking with {who}, who holds position "
                    f"{int(cols['partner_opinion'][i])}."
                )
            if "group_opinions" in cols:
                row.append(
                    f"Your discussion group (you first) holds positions: "
                    f"{_states(cols['group_opinions'][i])}."
                )
            if "neighbor_opinions" in cols:
                row.append(
                    f"The people you asked hold positions: "
                    f"{_states(cols['neighbor_opinions'][i]) or 'none'}."
                )
            total = int(counts[i].sum())
            if total:
                shares = ", ".join(f"{c} hold {s}" for s, c in enumerate(counts[i].tolist()) if c)
                row.append(f"Of the {total} people you listen to, {shares}.")
        return ["\n".join(row) for row in lines]
    own = cols["opinion"]
    count, mean, lo, hi = _neighbour_stats(world, ids)
    for i, row in enumerate(lines):
        row.append(f"Your opinion: {own[i]:.3f}.")
        if "initial_opinion" in cols:
            row.append(f"Your initial opinion was {cols['initial_opinion'][i]:.3f}.")
        if "local_mean" in cols:
            row.append(f"Average opinion of the people you listen to: {cols['local_mean'][i]:.3f}.")
        if "partner_opinion" in cols:
            who = f"agent {int(partner[i])}" if partner is not None else "your partner"
            row.append(
                f"You are talking with {who}, whose opinion is {cols['partner_opinion'][i]:.3f}."
            )
        if count[i] > 0:
            row.append(
                f"You listen to {int(count[i])} people; their opinions: mean "
                f"{mean[i]:.3f}, lowest {lo[i]:.3f}, highest {hi[i]:.3f}."
            )
    return ["\n".join(row) for row in lines]


def compose_actions(
    world: OpinionWorld,
    obs: ObsBatch,
    act: np.ndarray,
    own: np.ndarray,
    base: ActionBatch | None = None,
) -> ActionBatch:
    """The rule's columns, with the acting agent's ``opinion`` from ``own`` where ``act``.

    Rows that do not act keep their opinion (``-1`` for discrete models) and, for Deffuant,
    their partner keeps its opinion too. ``base`` is the rule's batch, when already computed.
    """
    if base is None:
        base = world.dynamics.decide(obs)
    columns: dict[str, np.ndarray] = {}
    if world.discrete:
        columns["opinion"] = np.where(act, own, -1).astype(np.int64)
    else:
        columns["opinion"] = np.where(act, own, obs["opinion"]).astype(np.float64)
    for name, col in base.columns.items():
        if name == "opinion":
            continue
        keep = obs.columns.get(name)
        columns[name] = col if keep is None else np.where(act, col, keep)
    return ActionBatch(obs.ids, columns, obs)


def decode_actions(
    world: OpinionWorld, obs: ObsBatch, decisions: Sequence[ActionSpec | None]
) -> ActionBatch:
    """Validated ``update``/``do_nothing`` actions (``None`` = do nothing) as action columns."""
    if len(decisions) != len(obs):
        raise ValueError(f"{len(decisions)} decisions for {len(obs)} observations")
    act = np.array([d is not None and d.action == "update" for d in decisions], dtype=bool)
    own = np.array(
        [getattr(d, "opinion", 0) if a else 0 for d, a in zip(decisions, act, strict=True)],
        dtype=np.int64 if world.discrete else np.float64,
    )
    return compose_actions(world, obs, act, own)


def archetype_choices(world: OpinionWorld) -> list[str]:
    """Discrete: ``state_<s>`` per state and ``keep``; continuous: ``listen`` (the model's
    rule: move as the model says) and ``keep``."""
    if world.discrete:
        return [f"state_{s}" for s in range(world.config.n_states)] + ["keep"]
    return ["listen", "keep"]


def archetype_features(world: OpinionWorld, obs: ObsBatch) -> dict[str, np.ndarray]:
    """``opinion`` and ``others`` (what the agent hears: the local mean, the partner's opinion,
    or the mean state of its group / the neighbours asked)."""
    cols = obs.columns
    if "local_mean" in cols:
        others = cols["local_mean"]
    elif "partner_opinion" in cols:
        others = cols["partner_opinion"]
    else:
        group = cols.get("group_opinions", cols.get("neighbor_opinions"))
        if group is None:
            return {"opinion": cols["opinion"]}
        valid = group >= 0
        with np.errstate(invalid="ignore", divide="ignore"):
            others = np.where(valid, group, 0).sum(axis=1) / valid.sum(axis=1)
        others = np.nan_to_num(others, nan=-1.0)
    return {"opinion": cols["opinion"], "others": np.asarray(others, dtype=np.float64)}


def archetype_actions(world: OpinionWorld, obs: ObsBatch, choices: np.ndarray) -> ActionBatch:
    """Sampled choices (see :func:`archetype_choices`) as action columns, vectorized."""
    choices = np.asarray(choices).astype(str)
    if world.discrete:
        act = choices != "keep"
        own = np.full(choices.shape[0], -1, np.int64)
        if act.any():
            own[act] = np.char.replace(choices[act], "state_", "").astype(np.int64)
        return compose_actions(world, obs, act, own)
    act = choices == "listen"
    base = world.dynamics.decide(obs)
    own = np.asarray(base.columns["opinion"], dtype=np.float64)
    return compose_actions(world, obs, act, own, base)
