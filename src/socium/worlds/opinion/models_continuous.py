r"""The continuous opinion models: DeGroot, Friedkin-Johnsen, Hegselmann-Krause and Deffuant.

Opinions are ``float64``. DeGroot, Friedkin-Johnsen and Hegselmann-Krause are synchronous
averaging models (:class:`AveragingModel`); Deffuant is a random-sequential pair interaction
(:class:`~socium.worlds.opinion.models.PairModel`). The arithmetic is in the kernels of
:mod:`socium.worlds.opinion.continuous`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.sequential import sequential_schedule
from socium.errors import ConfigError
from socium.worlds.opinion.continuous import (
    deffuant_rule,
    degroot_average,
    degroot_inverse_weights,
    friedkin_johnsen_rule,
    hk_average_complete,
    hk_average_graph,
)
from socium.worlds.opinion.models import OpinionModel, PairModel

if TYPE_CHECKING:
    from socium.core.population import Population
    from socium.worlds.opinion.config import OpinionConfig
    from socium.worlds.opinion.world import OpinionWorld

__all__ = [
    "AveragingModel",
    "ContinuousModel",
    "DeGroot",
    "Deffuant",
    "FriedkinJohnsen",
    "HegselmannKrause",
]


def _confidence(population: Population, epsilon: float) -> np.ndarray | float:
    """Per-agent confidence bounds from ``population["confidence"]``, else ``epsilon``."""
    if "confidence" not in population:
        return float(epsilon)
    eps = np.asarray(population["confidence"], dtype=np.float64)
    if not (np.isfinite(eps).all() and eps.min(initial=1) > 0):
        raise ConfigError("population.init.confidence", "per-agent epsilon values must be > 0")
    return eps


class ContinuousModel(OpinionModel):
    """A model with real-valued opinions (default: uniform on [0, 1))."""

    discrete: ClassVar[bool] = False

    @classmethod
    def initial_opinions(
        cls, population: Population, config: OpinionConfig, rng: np.random.Generator
    ) -> np.ndarray:
        """``population["opinion"]`` (must be finite), else :math:`U[0, 1)` from ``rng``."""
        if "opinion" in population:
            x0 = np.asarray(population["opinion"], dtype=np.float64)
            if not np.isfinite(x0).all():
                raise ConfigError("population.init.opinion", "opinions must be finite")
        else:
            x0 = rng.uniform(0.0, 1.0, population.size)
        return x0.copy()


class AveragingModel(ContinuousModel):
    r"""Synchronous averaging: every agent reads :math:`x(t)` and writes :math:`x(t+1)`.

    One batch per step; each agent observes ``local_mean`` (:meth:`local_average`) and, by
    default, adopts it.
    """

    sequential: ClassVar[bool] = False

    @abstractmethod
    def local_average(self, world: OpinionWorld) -> np.ndarray:
        """The average every agent moves to (or towards), for all agents."""

    def batches(self, world: OpinionWorld, ids: np.ndarray) -> Iterator[Batch]:
        """All active agents in one batch."""
        yield Batch(ids)

    def observe(self, world: OpinionWorld, batch: Batch) -> ObsBatch:
        """Columns ``opinion`` and ``local_mean``."""
        ids = batch.ids
        cols = {"opinion": world.x[ids], "local_mean": self.local_average(world)[ids]}
        return ObsBatch(ids, cols, batch)

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """Adopt the local average."""
        return ActionBatch(obs.ids, {"opinion": obs["local_mean"].copy()}, obs)


class DeGroot(AveragingModel):
    r"""DeGroot averaging, ``model = "degroot"``.

    Notes
    -----
    :math:`x(t+1) = W x(t)` with :math:`W = D^{-1}(A^\top + sI)`,
    :math:`D = \operatorname{diag}((A^\top + sI)\mathbf{1})`, i.e.

    .. math:: x_v(t+1) = \frac{s x_v + \sum_u a_{uv} x_u}{s + \sum_u a_{uv}}

    with :math:`s` = ``self_weight`` and :math:`a_{uv}` the (optionally weighted) links
    :math:`u \to v`. Agents with no in-neighbours keep their opinion. Well mixed it is
    :math:`O(N)` without the matrix (:func:`~socium.worlds.opinion.continuous.degroot_average`).

    References
    ----------
    .. [1] DeGroot, M. H. (1974). Reaching a consensus. Journal of the American Statistical
       Association, 69(345), 118-121.
    """

    name: ClassVar[str] = "degroot"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        self.self_weight = world.config.self_weight
        self.in_adjacency = world.in_adjacency
        self.inverse_weights = (
            degroot_inverse_weights(world.in_adjacency, self.self_weight)
            if world.in_adjacency is not None
            else None
        )

    def local_average(self, world: OpinionWorld) -> np.ndarray:
        """:math:`W x` (:func:`~socium.worlds.opinion.continuous.degroot_average`)."""
        return degroot_average(world.x, self.in_adjacency, self.self_weight, self.inverse_weights)


class FriedkinJohnsen(DeGroot):
    r"""Friedkin-Johnsen model (DeGroot with stubbornness), ``model = "friedkin_johnsen"``.

    Notes
    -----
    .. math:: x(t+1) = \Lambda x(0) + (I - \Lambda) W x(t), \qquad
              \Lambda = \operatorname{diag}(\lambda_i),

    with :math:`W` the DeGroot matrix (:class:`DeGroot`) and :math:`\lambda_i \in [0, 1]` from
    the population field ``stubbornness`` or the config's ``stubbornness``. When it converges,
    :math:`x^* = (I - (I - \Lambda) W)^{-1} \Lambda x(0)`.

    References
    ----------
    .. [1] Friedkin, N. E., & Johnsen, E. C. (1990). Social influence and opinions. Journal of
       Mathematical Sociology, 15(3-4), 193-206.
    """

    name: ClassVar[str] = "friedkin_johnsen"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        population = world.population
        if "stubbornness" in population:
            lam = np.asarray(population["stubbornness"], dtype=np.float64)
            if not (np.isfinite(lam).all() and lam.min(initial=0) >= 0 and lam.max(initial=0) <= 1):
                raise ConfigError(
                    "population.init.stubbornness", "per-agent values must lie in [0, 1]"
                )
            self.stubbornness = lam
        else:
            self.stubbornness = float(world.config.stubbornness)

    def observe(self, world: OpinionWorld, batch: Batch) -> ObsBatch:
        """Columns ``opinion``, ``local_mean``, ``initial_opinion`` and ``stubbornness``."""
        ids = batch.ids
        lam = self.stubbornness
        cols = {
            "opinion": world.x[ids],
            "local_mean": self.local_average(world)[ids],
            "initial_opinion": world.x0[ids],
            "stubbornness": lam[ids] if isinstance(lam, np.ndarray) else np.full(ids.shape[0], lam),
        }
        return ObsBatch(ids, cols, batch)

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """:func:`~socium.worlds.opinion.continuous.friedkin_johnsen_rule`."""
        new = friedkin_johnsen_rule(obs["local_mean"], obs["initial_opinion"], obs["stubbornness"])
        return ActionBatch(obs.ids, {"opinion": new}, obs)


class HegselmannKrause(AveragingModel):
    r"""Hegselmann-Krause bounded confidence, ``model = "hegselmann_krause"``.

    Notes
    -----
    .. math:: x_i(t+1) = \operatorname{mean}\{x_j : j \in N^{in}(i) \cup \{i\},
              |x_i - x_j| \le \varepsilon_i\}

    (:math:`\le` as in the paper), with :math:`\varepsilon_i` from the population field
    ``confidence`` or the config's ``epsilon``. On a network one pass over the links,
    :math:`O(N + E)`; well mixed :math:`O(N \log N)` with sorted opinions and prefix sums
    (:func:`~socium.worlds.opinion.continuous.hk_average_complete`).

    References
    ----------
    .. [1] Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence:
       models, analysis and simulation. JASSS, 5(3).
    .. [2] Lorenz, J. (2006). Consensus strikes back in the Hegselmann-Krause model of
       continuous opinion dynamics under bounded confidence. JASSS, 9(1).
    """

    name: ClassVar[str] = "hegselmann_krause"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        self.confidence = _confidence(world.population, world.config.epsilon)
        self.complete = world.complete
        self._rows: np.ndarray | None = None  # row index of every in-link, built on first use

    def local_average(self, world: OpinionWorld) -> np.ndarray:
        """Mean over each agent's confidence set."""
        if self.complete:
            return hk_average_complete(world.x, self.confidence)
        nb = world.neighborhood
        if self._rows is None:
            self._rows = np.repeat(np.arange(self.n, dtype=np.int64), nb.degree)
        return hk_average_graph(world.x, self._rows, nb.indices, self.confidence)


class Deffuant(PairModel, ContinuousModel):
    r"""Deffuant-Weisbuch bounded-confidence compromise, ``model = "deffuant"``.

    Notes
    -----
    Per event: an agent :math:`i` (from the schedule) and a uniformly random in-neighbour
    :math:`j`. With :math:`d = x_j - x_i`, both from pre-interaction values,

    .. math:: x_i \leftarrow x_i + \mu d \text{ if } |d| < \varepsilon_i, \qquad
              x_j \leftarrow x_j - \mu d \text{ if } |d| < \varepsilon_j

    (strict inequality as in the paper), :math:`\varepsilon` from the population field
    ``confidence`` or the config's ``epsilon``. On **directed** networks only the listener
    :math:`i` moves (:math:`j` did not listen to :math:`i`). With a common :math:`\varepsilon`
    the sum of opinions is conserved.

    References
    ----------
    .. [1] Deffuant, G., Neau, D., Amblard, F., & Weisbuch, G. (2000). Mixing beliefs among
       interacting agents. Advances in Complex Systems, 3, 87-98.
    .. [2] Weisbuch, G., Deffuant, G., Amblard, F., & Nadal, J.-P. (2002). Meet, discuss, and
       segregate! Complexity, 7(3), 55-63.
    """

    name: ClassVar[str] = "deffuant"

    def __init__(self, world: OpinionWorld) -> None:
        super().__init__(world)
        self.confidence = _confidence(world.population, world.config.epsilon)
        self.mu = world.config.mu
        #: Whether both partners move (undirected networks) or only the listener.
        self.two_sided = not world.directed
        self._const_buf: np.ndarray | None = None

    def pair_schedule(
        self, world: OpinionWorld, agents: np.ndarray, partner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Two-sided: the event writes both partners; one-sided: writes ``i``, reads ``j``."""
        if self.two_sided:
            return sequential_schedule(np.stack([agents, partner], axis=1), n_nodes=world.n)
        return sequential_schedule(agents, partner, n_nodes=world.n)

    def _constant(self, value: float, k: int) -> np.ndarray:
        """A read-only array of ``k`` copies of ``value`` (a view of a cached buffer)."""
        buf = self._const_buf
        if buf is None or buf.shape[0] < k or buf[0] != value:
            buf = np.full(max(k, self.n), value, dtype=np.float64)
            buf.flags.writeable = False
            self._const_buf = buf
        return buf[:k]

    def observe(self, world: OpinionWorld, batch: Batch) -> ObsBatch:
        """Columns ``opinion``, ``partner_opinion``, ``confidence``, ``partner_confidence``."""
        ids = batch.ids
        partner = batch.columns["partner"]
        x = world.x
        cols = {"opinion": x[ids], "partner_opinion": x[partner]}
        eps = self.confidence
        if isinstance(eps, np.ndarray):
            cols["confidence"] = eps[ids]
            cols["partner_confidence"] = eps[partner]
        else:  # a read-only view of one constant buffer, shared by both columns
            cols["confidence"] = cols["partner_confidence"] = self._constant(eps, ids.shape[0])
        return ObsBatch(ids, cols, batch)

    def decide(self, obs: ObsBatch) -> ActionBatch:
        """:func:`~socium.worlds.opinion.continuous.deffuant_rule`: ``opinion`` and
        ``partner_opinion``."""
        new_i, new_j = deffuant_rule(
            obs["opinion"],
            obs["partner_opinion"],
            obs["confidence"],
            obs["partner_confidence"],
            self.mu,
        )
        return ActionBatch(obs.ids, {"opinion": new_i, "partner_opinion": new_j}, obs)

    def apply(self, world: OpinionWorld, actions: ActionBatch) -> EventBatch:
        """Write both partners (only the listener when one-sided); events for each change."""
        ids = actions.ids
        x = world.x
        new = np.asarray(actions["opinion"])
        partner = self.needs_batch(actions, self.name).columns["partner"]
        new_j = np.asarray(actions["partner_opinion"], dtype=np.float64)
        if not world.collect_events:
            x[ids] = new
            if self.two_sided:
                x[partner] = new_j
            return EventBatch.empty()
        old_i = x[ids]
        old_j = x[partner]
        x[ids] = new
        if self.two_sided:
            x[partner] = new_j
        else:
            new_j = old_j
        ch_i = new != old_i
        ch_j = new_j != old_j
        return EventBatch.make(
            "update",
            np.concatenate([ids[ch_i], partner[ch_j]]),
            np.concatenate([partner[ch_i], ids[ch_j]]),
            np.concatenate([new[ch_i], new_j[ch_j]]),
        )
