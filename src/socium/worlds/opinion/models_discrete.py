r"""The discrete opinion models: voter, majority rule, q-voter and Sznajd.

States are ``int64`` in ``0..n_states-1``; every model is random-sequential with exact
sequential semantics (see :func:`socium.core.sequential.sequential_schedule`). Majority rule
and Sznajd impose a state on a whole group (:class:`GroupAdoptionModel`); the voter and Sznajd
models act on pairs (:class:`~socium.worlds.opinion.models.PairModel`). The update rules are the
kernels of :mod:`socium.worlds.opinion.discrete`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.sequential import schedule_groups, sequential_schedule
from socium.errors import ConfigError
from socium.worlds.opinion.discrete import majority_rule, qvoter_rule, sznajd_rule, voter_rule
from socium.worlds.opinion.models import OpinionModel, PairModel
from socium.worlds.opinion.sampling import gather_rows

if TYPE_CHECKING:
    from socium.core.population import Population
    from socium.worlds.opinion.config import OpinionConfig
    from socium.worlds.opinion.world import OpinionWorld

__all__ = [
    "DiscreteModel",
    "GroupAdoptionModel",
    "Majority",
    "QVoter",
    "Sznajd",
    "Voter",
]


class DiscreteModel(OpinionModel):
    """A random-sequential model with integer states (default: uniform over the states)."""

    discrete: ClassVar[bool] = True
    sequential: ClassVar[bool] = True

    @classmethod
    def initial_opinions(
        cls, population: Population, config: OpinionConfig, rng: np.random.Generator
    ) -> np.ndarray:
        """``population["opinion"]`` (integers in ``0..n_states-1``), else uniform states."""
        k = config.n_states
        if "opinion" not in population:
            return rng.integers(0, k, population.size, dtype=np.int64)
        raw = np.asarray(population["opinion"])
        if raw.dtype.kind == "f":
            if not (np.isfinite(raw).all() and np.all(raw == np.round(raw))):
                raise ConfigError(
                    "population.init.opinion",
                    f"model {cls.name!r} needs integer states in 0..{k - 1}",
                )
        elif raw.dtype.kind not in "biu":
            raise ConfigError(
                "population.init.opinion",
                f"model {cls.name!r} needs integer states in 0..{k - 1}",
            )
        states = raw.astype(np.int64)
        if states.size and (states.min() < 0 or states.max() >= k):
            raise ConfigError(
                "population.init.opinion",
                f"states must lie in 0..{k - 1} (n_states = {k}); "
                f"got {states.min()}..{states.max()}",
            )
        return states


class GroupAdoptionModel(DiscreteModel):
    """A model whose event imposes one state on a set of agents (``-1``: nothing happens).

    :meth:`targets` lists, for the events of a batch that act, every agent they write, the
    state written and the event's focal agent; :meth:`apply` writes them and reports an
    ``update`` event (``other`` = the focal agent) for each agent that changed.
    """

    @abstractmethod
    def targets(
        self, world: OpinionWorld, ids: np.ndarray, new: np.ndarray, batch: Batch
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(agents, states, focal)``: one row per write (repeats allowed within an event)."""

    def apply(self, world: OpinionWorld, actions: ActionBatch) -> EventBatch:
        """Impose each acting event's state on its targets; events for the agents that changed."""
        x = world.x
        new = np.asarray(actions["opinion"]).astype(np.int64, copy=False)
        batch = self.needs_batch(actions, self.name)
        flat, val, foc = self.targets(world, actions.ids, new, batch)
        # within a conflict-free chunk no node is written by two events: dedupe repeats of
        # the same node inside one event (a neighbour drawn twice, a common neighbour)
        flat, first = np.unique(flat, return_index=True)
        val, foc = val[first], foc[first]
        ch = x[flat] != val
        x[flat[ch]] = val[ch]
        return EventBatch.make("update", flat[ch], foc[ch], val[ch])


class Voter(PairModel, DiscreteModel):
    r"""Voter model, ``model = "voter"``.

    Notes
    -----
    :math:`\sigma_i \leftarrow \sigma_j`.

    * ``variant = "node"``: a random agent :math:`i` copies a uniformly random in-neighbour
      :math:`j`. On heterogeneous networks the conserved quantity is the degree-weighted density
      :math:`\rho_w = \sum_i d_i \sigma_i / \sum_i d_i` (Sood & Redner 2005).
    * ``variant = "edge"``: a uniformly random link :math:`j \to i` (undirected networks: a
      random edge and a random orientation), and :math:`i` copies :math:`j`; the plain density
      is conserved.

    Events report ``other`` = the partner copied.

    References
    ----------
    .. [1] Holley, R. A., & Liggett, T. M. (1975). Ergodic theorems for weakly interacting
       infinite systems and the voter model. Annals of Probability, 3(4), 643-663.
    .. [2] Sood, V., & Redner, S. (2005). Voter model on heterogeneous graphs. Physical Review
       Letters, 94(17), 178701.
    """

    name: ClassVar[str] = "voter"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        self.edge = world.config.variant == "edge"

    def draw_pairs(self, world: OpinionWorld, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Node variant: a random in-neighbour per agent; edge variant: ``len(ids)`` links."""
        if self.edge:
            return world.neighborhood.sample_links(ids.shape[0], world.rng)
        return super().draw_pairs(world, ids)

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """:func:`~socium.worlds.opinion.discrete.voter_rule`."""
        return ActionBatch(obs.ids, {"opinion": voter_rule(obs["partner_opinion"])}, obs)

    def event_partner(self, batch: Batch | None) -> np.ndarray | None:
        """The partner copied."""
        return None if batch is None else batch.columns["partner"]


class QVoter(DiscreteModel):
    r"""Nonlinear q-voter model with independence, ``model = "qvoter"``.

    Notes
    -----
    A random agent :math:`i`; with probability :math:`p` = ``independence`` it acts
    independently and adopts a uniformly random state (for two states: a flip with probability
    1/2, as in Nyczka et al.); otherwise it draws :math:`q` in-neighbours **with repetition**
    and, if they are unanimous, adopts their state. Well mixed the order-disorder transition is
    at :math:`p_c = (q - 1)/(2q)`. The independence coins and random states are drawn for the
    whole sweep in :meth:`batches`. With :math:`p > 0` there is no absorbing state.

    References
    ----------
    .. [1] Castellano, C., Muñoz, M. A., & Pastor-Satorras, R. (2009). Nonlinear q-voter model.
       Physical Review E, 80(4), 041129.
    .. [2] Nyczka, P., Sznajd-Weron, K., & Cisło, J. (2012). Phase transitions in the q-voter
       model with two types of social influence. Physical Review E, 86(1), 011105.
    """

    name: ClassVar[str] = "qvoter"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        self.q = world.config.q
        self.independence = world.config.independence
        self.n_states = world.config.n_states
        self.absorbing = not self.independence > 0

    def batches(self, world: OpinionWorld, ids: np.ndarray) -> Iterator[Batch]:
        """Columns ``neighbors`` (``-1``: none), ``independent`` and ``random_state``."""
        rng = world.rng
        nb = world.neighborhood.sample(ids, self.q, rng)
        k = ids.shape[0]
        p = self.independence
        independent = rng.random(k) < p if p > 0 else np.zeros(k, dtype=bool)
        random_state = (
            rng.integers(0, self.n_states, k, dtype=np.int64)
            if p > 0
            else np.zeros(k, dtype=np.int64)
        )
        order, bounds = sequential_schedule(ids, nb, n_nodes=world.n)
        for idx in schedule_groups(order, bounds):
            yield Batch(
                ids[idx],
                {
                    "neighbors": nb[idx],
                    "independent": independent[idx],
                    "random_state": random_state[idx],
                },
            )

    def observe(self, world: OpinionWorld, batch: Batch) -> ObsBatch:
        """Columns ``opinion`` and ``neighbor_opinions`` (``-1`` for a missing neighbour)."""
        x = world.x
        nb = batch.columns["neighbors"]
        cols = {
            "opinion": x[batch.ids],
            "neighbor_opinions": np.where(nb >= 0, x[np.maximum(nb, 0)], -1),
        }
        return ObsBatch(batch.ids, cols, batch)

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """:func:`~socium.worlds.opinion.discrete.qvoter_rule`."""
        batch = obs.batch
        k = len(obs)
        if batch is not None and "independent" in batch.columns:
            independent = batch.columns["independent"]
            random_state = batch.columns["random_state"]
        else:  # an observation built outside batches(): no independent moves
            independent = np.zeros(k, dtype=bool)
            random_state = np.zeros(k, dtype=np.int64)
        new = qvoter_rule(obs["opinion"], obs["neighbor_opinions"], independent, random_state)
        return ActionBatch(obs.ids, {"opinion": new}, obs)


class Majority(GroupAdoptionModel):
    r"""Majority rule, ``model = "majority"``.

    Notes
    -----
    A random agent :math:`i` and ``group_size - 1`` of its in-neighbours, distinct when its
    in-degree allows it (Floyd's sampling), else drawn with replacement (a neighbour drawn twice
    votes twice). The whole group adopts its plurality state (a tie, possible only for more
    than two states, changes nothing). Events report ``other`` = the focal agent :math:`i`.

    References
    ----------
    .. [1] Galam, S. (2002). Minority opinion spreading in random geometry. European Physical
       Journal B, 25(4), 403-406.
    .. [2] Krapivsky, P. L., & Redner, S. (2003). Dynamics of majority rule in two-state
       interacting spin systems. Physical Review Letters, 90(23), 238701.
    """

    name: ClassVar[str] = "majority"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        self.group_size = world.config.group_size
        self.n_states = world.config.n_states

    def batches(self, world: OpinionWorld, ids: np.ndarray) -> Iterator[Batch]:
        """Column ``group``: the other members (agents without in-neighbours are dropped)."""
        group = world.neighborhood.sample_distinct(ids, self.group_size - 1, world.rng)
        keep = group[:, 0] >= 0
        agents, group = ids[keep], group[keep]
        members = np.concatenate([agents[:, None], group], axis=1)
        order, bounds = sequential_schedule(members, n_nodes=world.n)
        for idx in schedule_groups(order, bounds):
            yield Batch(agents[idx], {"group": group[idx]})

    def observe(self, world: OpinionWorld, batch: Batch) -> ObsBatch:
        """Columns ``opinion`` and ``group_opinions`` (focal agent first)."""
        x = world.x
        ids = batch.ids
        own = x[ids]
        cols = {
            "opinion": own,
            "group_opinions": np.concatenate([own[:, None], x[batch.columns["group"]]], axis=1),
        }
        return ObsBatch(ids, cols, batch)

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """:func:`~socium.worlds.opinion.discrete.majority_rule` (``-1``: a tie)."""
        new = majority_rule(obs["group_opinions"], self.n_states)
        return ActionBatch(obs.ids, {"opinion": new}, obs)

    def targets(
        self, world: OpinionWorld, ids: np.ndarray, new: np.ndarray, batch: Batch
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every member of each group that reached a majority."""
        members = np.concatenate([ids[:, None], batch.columns["group"]], axis=1)
        ok = new >= 0
        members, focal, state = members[ok], ids[ok], new[ok]
        g = members.shape[1]
        return members.ravel(), np.repeat(state, g), np.repeat(focal, g)


class Sznajd(PairModel, GroupAdoptionModel):
    r"""Sznajd model ("united we stand"), ``model = "sznajd"``.

    Notes
    -----
    A random agent :math:`i` and a uniformly random in-neighbour :math:`j`; if
    :math:`\sigma_i = \sigma_j`, every out-neighbour of :math:`i` and of :math:`j` adopts their
    state (network version of Bernardes et al.). Each event declares both out-neighbourhoods
    as written; on the complete graph an event may rewrite everybody, so every event is its
    own batch (use Sznajd on sparse networks). Events report ``other`` = :math:`i`.

    References
    ----------
    .. [1] Sznajd-Weron, K., & Sznajd, J. (2000). Opinion evolution in closed community.
       International Journal of Modern Physics C, 11(6), 1157-1165.
    .. [2] Bernardes, A. T., Stauffer, D., & Kertész, J. (2002). Election results and the
       Sznajd model on Barabási network. European Physical Journal B, 25(1), 123-127.
    """

    name: ClassVar[str] = "sznajd"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        self.complete = world.complete
        self.out_adjacency = None if world.complete else world.network.adjacency

    def pair_schedule(
        self, world: OpinionWorld, agents: np.ndarray, partner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Write both out-neighbourhoods, read the pair (well mixed: one event per batch)."""
        k = agents.shape[0]
        if self.complete:  # every event may rewrite everybody: one event per batch
            return np.arange(k, dtype=np.int64), np.arange(k + 1, dtype=np.int64)
        adj = self.out_adjacency
        ni, oi = gather_rows(adj.indptr, adj.indices, agents)
        nj, oj = gather_rows(adj.indptr, adj.indices, partner)
        owner = np.concatenate([oi, oj])
        order = np.argsort(owner, kind="stable")
        nodes = np.concatenate([ni, nj])[order]
        ptr = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=k))))
        return sequential_schedule(
            (ptr, nodes), np.stack([agents, partner], axis=1), n_nodes=world.n
        )

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """:func:`~socium.worlds.opinion.discrete.sznajd_rule` (``-1``: the pair disagrees)."""
        new = sznajd_rule(obs["opinion"], obs["partner_opinion"])
        return ActionBatch(obs.ids, {"opinion": new}, obs)

    def targets(
        self, world: OpinionWorld, ids: np.ndarray, new: np.ndarray, batch: Batch
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The out-neighbours of both members of each agreeing pair."""
        partner = batch.columns["partner"]
        ok = new >= 0
        focal, state, part = ids[ok], new[ok], partner[ok]
        if self.complete:
            flat = np.tile(np.arange(self.n, dtype=np.int64), focal.shape[0])
            owner = np.repeat(np.arange(focal.shape[0]), self.n)
        else:
            adj = self.out_adjacency
            ni, oi = gather_rows(adj.indptr, adj.indices, focal)
            nj, oj = gather_rows(adj.indptr, adj.indices, part)
            flat = np.concatenate([ni, nj])
            owner = np.concatenate([oi, oj])
        return flat, state[owner], focal[owner]
