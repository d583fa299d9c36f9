r"""The opinion world: classic continuous and discrete opinion-dynamics models.

Models (``[world] model = ...``):

* continuous, synchronous: ``degroot``, ``friedkin_johnsen``, ``hegselmann_krause``;
* continuous, random-sequential: ``deffuant``;
* discrete, random-sequential: ``voter``, ``majority``, ``qvoter``, ``sznajd``.

Influence flows along links: a link ``u -> v`` means that ``u`` influences ``v``, so agent ``v``
listens to its in-neighbours (undirected networks are symmetric). Without a ``[network]``
section the population is well mixed (the complete graph, handled without storing it).

Random-sequential models have *exact* sequential semantics: one step is a sweep of ``N``
events (one per draw of the schedule), and the sweep is split by
:func:`socium.core.sequential.conflict_free_chunks` into chunks that are decided and applied
together, with the same result as one event at a time. See ``docs/worlds/opinion.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import scipy.sparse as sp

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import RandomSequentialSpec, ScheduleSpec, SynchronousSpec
from socium.core.sequential import schedule_groups, sequential_schedule
from socium.errors import ConfigError
from socium.metrics import (
    bimodality_coefficient,
    esteban_ray,
    opinion_clusters,
    state_fractions,
)
from socium.worlds.opinion.config import MODELS, OpinionConfig
from socium.worlds.opinion.continuous import (
    deffuant_rule,
    degroot_average,
    degroot_inverse_weights,
    friedkin_johnsen_rule,
    hk_average_complete,
    hk_average_graph,
)
from socium.worlds.opinion.discrete import majority_rule, qvoter_rule, sznajd_rule, voter_rule
from socium.worlds.opinion.sampling import Neighborhood, gather_rows

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["OpinionWorld"]

_SYNCHRONOUS = ("degroot", "friedkin_johnsen", "hegselmann_krause")

_METRICS = {
    "mean": "mean opinion (state) over agents",
    "std": "standard deviation of opinions (population, ddof=0)",
    "clusters": "number of opinion clusters: sorted opinions split at gaps > cluster_tol "
    "(discrete: number of states present)",
    "major_clusters": "clusters holding at least 1% of the agents",
    "cluster_centers": "mean opinion of each cluster, ascending (list)",
    "consensus": "max - min <= cluster_tol (continuous); all agents in one state (discrete)",
    "variance": "population variance of opinions",
    "bimodality": "Sarle's bimodality coefficient (NaN for n < 4 or zero variance)",
    "esteban_ray": "Esteban-Ray polarization index (alpha = 1.6; 10 bins, or one per state)",
    "fractions": "discrete models: fraction of agents in each state (list)",
    "fraction_<s>": "discrete models: fraction of agents in state s",
    "converged_step": "first step after which the model stopped changing (added by the engine)",
}


class OpinionWorld(World):
    """Opinion dynamics: DeGroot, Friedkin-Johnsen, Deffuant, Hegselmann-Krause, voter,
    majority rule, q-voter and Sznajd models.

    Parameters
    ----------
    config : OpinionConfig
        The ``[world]`` section.
    population : Population
        Agents. Optional fields: ``opinion`` (initial opinions; continuous models default to
        uniform on [0, 1), discrete ones to a uniform state), ``stubbornness`` (Friedkin-Johnsen,
        in [0, 1]) and ``confidence`` (per-agent epsilon, > 0).
    network : Network or None
        Who listens to whom (``u -> v``: ``v`` listens to ``u``); ``None`` = well mixed.
    rng : numpy.random.Generator
        The world stream: all "who meets whom" randomness.

    Notes
    -----
    Step semantics, formulas and references for every model are in ``docs/worlds/opinion.md``
    and in the kernels of :mod:`socium.worlds.opinion.continuous` and
    :mod:`socium.worlds.opinion.discrete`.

    Examples
    --------
    >>> import socium
    >>> cfg = {"network": {"kind": "complete", "n": 100}, "run": {"steps": 50},
    ...        "world": {"name": "opinion", "model": "hegselmann_krause", "epsilon": 0.6}}
    >>> socium.run(cfg, seed=3).final["clusters"]
    1
    """

    name: ClassVar[str] = "opinion"
    version: ClassVar[int] = 1
    Config: ClassVar[type[OpinionConfig]] = OpinionConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = (
        "Opinion dynamics: degroot, friedkin_johnsen, deffuant, hegselmann_krause, voter, "
        "majority, qvoter, sznajd"
    )

    config: OpinionConfig

    def __init__(
        self,
        config: OpinionConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        cfg = config
        n = population.size
        if network is not None and network.n != n:
            raise ConfigError("population.size", f"is {n} but the network has {network.n} nodes")
        self.n = n
        self.model = cfg.model
        self.discrete = not cfg.continuous
        use_weights = bool(cfg.weighted and network is not None and network.weighted)
        self.complete = network is None or (network.complete and not use_weights)
        self.directed = bool(network is not None and network.directed)
        in_adj: sp.csr_array | None = None
        if not self.complete:
            in_adj = network.in_adjacency
            if network.weighted and not use_weights:
                in_adj = sp.csr_array(
                    (np.ones(in_adj.nnz), in_adj.indices, in_adj.indptr), shape=in_adj.shape
                )
        self._in_adj = in_adj
        self._degroot_inv = (
            degroot_inverse_weights(in_adj, cfg.self_weight)
            if in_adj is not None and self.model in ("degroot", "friedkin_johnsen")
            else None
        )
        self._nb = Neighborhood(n, in_adj)
        self._hk_rows: np.ndarray | None = None

        # -- opinions
        if self.discrete:
            self.x0 = self._discrete_init(population)
        else:
            if "opinion" in population:
                x0 = np.asarray(population["opinion"], dtype=np.float64)
                if not np.isfinite(x0).all():
                    raise ConfigError("population.init.opinion", "opinions must be finite")
            else:
                x0 = self.rng.uniform(0.0, 1.0, n)
            self.x0 = x0.copy()
        population["opinion"] = self.x0.copy()
        self.x = self.x0.copy()
        self._last = self.x0.copy()

        # -- per-agent parameters
        self.stubbornness: np.ndarray | float | None = None
        if self.model == "friedkin_johnsen":
            if "stubbornness" in population:
                lam = np.asarray(population["stubbornness"], dtype=np.float64)
                if not (
                    np.isfinite(lam).all() and lam.min(initial=0) >= 0 and lam.max(initial=0) <= 1
                ):
                    raise ConfigError(
                        "population.init.stubbornness", "per-agent values must lie in [0, 1]"
                    )
                self.stubbornness = lam
            else:
                self.stubbornness = float(cfg.stubbornness)
        self.confidence: np.ndarray | float | None = None
        if self.model in ("deffuant", "hegselmann_krause"):
            if "confidence" in population:
                eps = np.asarray(population["confidence"], dtype=np.float64)
                if not (np.isfinite(eps).all() and eps.min(initial=1) > 0):
                    raise ConfigError(
                        "population.init.confidence", "per-agent epsilon values must be > 0"
                    )
                self.confidence = eps
            else:
                self.confidence = float(cfg.epsilon)

        self._out_adj: sp.csr_array | None = None
        if self.model == "sznajd" and not self.complete:
            self._out_adj = network.adjacency

        # -- step bookkeeping
        self.steps = 0
        self.max_change = float("nan")
        self.changed = float("nan")
        self._ald: float | None = None
        self._links: tuple[np.ndarray, np.ndarray] | None = None
        self._const_buf: np.ndarray | None = None

    # ------------------------------------------------------------------ setup helpers
    def _discrete_init(self, population: Population) -> np.ndarray:
        k = self.config.n_states
        if "opinion" not in population:
            return self.rng.integers(0, k, self.n, dtype=np.int64)
        raw = np.asarray(population["opinion"])
        if raw.dtype.kind == "f":
            if not (np.isfinite(raw).all() and np.all(raw == np.round(raw))):
                raise ConfigError(
                    "population.init.opinion",
                    f"model {self.model!r} needs integer states in 0..{k - 1}",
                )
        elif raw.dtype.kind not in "biu":
            raise ConfigError(
                "population.init.opinion",
                f"model {self.model!r} needs integer states in 0..{k - 1}",
            )
        states = raw.astype(np.int64)
        if states.size and (states.min() < 0 or states.max() >= k):
            raise ConfigError(
                "population.init.opinion",
                f"states must lie in 0..{k - 1} (n_states = {k}); "
                f"got {states.min()}..{states.max()}",
            )
        return states

    @property
    def sequential(self) -> bool:
        """Whether the model is random-sequential (else synchronous)."""
        return self.model not in _SYNCHRONOUS

    @property
    def two_sided(self) -> bool:
        """Deffuant: whether both partners move (undirected networks) or only the listener."""
        return not self.directed

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous for DeGroot, Friedkin-Johnsen and HK; else N random draws per step."""
        if self.sequential:
            return RandomSequentialSpec(replace=True)
        return SynchronousSpec()

    # ------------------------------------------------------------------ the step
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """One batch (synchronous models) or the conflict-free chunks of the sweep.

        For random-sequential models the partners (a random in-neighbour, a group, or a
        random link for the edge voter) are drawn here from the world stream for the whole
        sweep, events without any partner are dropped (they cannot change anything), and the
        sweep is cut with :func:`~socium.core.sequential.conflict_free_chunks`.
        """
        ids = np.asarray(ids, dtype=np.int64)
        if not self.sequential:
            yield Batch(ids)
            return
        rng = self.rng
        m = self.model
        if m == "qvoter":
            nb = self._nb.sample(ids, self.config.q, rng)
            k = ids.shape[0]
            p = self.config.independence
            independent = rng.random(k) < p if p > 0 else np.zeros(k, dtype=bool)
            random_state = (
                rng.integers(0, self.config.n_states, k, dtype=np.int64)
                if p > 0
                else np.zeros(k, dtype=np.int64)
            )
            order, bounds = sequential_schedule(ids, nb, n_nodes=self.n)
            for idx in schedule_groups(order, bounds):
                yield Batch(
                    ids[idx],
                    {
                        "neighbors": nb[idx],
                        "independent": independent[idx],
                        "random_state": random_state[idx],
                    },
                )
            return
        if m == "majority":
            group = self._nb.sample_distinct(ids, self.config.group_size - 1, rng)
            keep = group[:, 0] >= 0
            agents, group = ids[keep], group[keep]
            members = np.concatenate([agents[:, None], group], axis=1)
            order, bounds = sequential_schedule(members, n_nodes=self.n)
            for idx in schedule_groups(order, bounds):
                yield Batch(agents[idx], {"group": group[idx]})
            return
        if m == "voter" and self.config.variant == "edge":
            agents, partner = self._nb.sample_links(ids.shape[0], rng)
        else:
            partner = self._nb.sample(ids, 1, rng)[:, 0]
            keep = partner >= 0
            agents, partner = ids[keep], partner[keep]
        if m == "deffuant" and self.two_sided:
            order, bounds = sequential_schedule(np.stack([agents, partner], axis=1), n_nodes=self.n)
        elif m == "sznajd":
            order, bounds = self._sznajd_schedule(agents, partner)
        else:  # voter, one-sided deffuant: write the listener, read the partner
            order, bounds = sequential_schedule(agents, partner, n_nodes=self.n)
        # permute once per sweep; every batch is then a pair of views
        agents, partner = agents[order], partner[order]
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            yield Batch(agents[a:b], {"partner": partner[a:b]})

    def _sznajd_schedule(
        self, agents: np.ndarray, partner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        k = agents.shape[0]
        if self.complete:  # every event may rewrite everybody: one event per batch
            return np.arange(k, dtype=np.int64), np.arange(k + 1, dtype=np.int64)
        adj = self._out_adj
        ni, oi = gather_rows(adj.indptr, adj.indices, agents)
        nj, oj = gather_rows(adj.indptr, adj.indices, partner)
        owner = np.concatenate([oi, oj])
        order = np.argsort(owner, kind="stable")
        nodes = np.concatenate([ni, nj])[order]
        ptr = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=k))))
        return sequential_schedule(
            (ptr, nodes), np.stack([agents, partner], axis=1), n_nodes=self.n
        )

    def _local_average(self) -> np.ndarray:
        if self.model == "hegselmann_krause":
            if self.complete:
                return hk_average_complete(self.x, self.confidence)
            if self._hk_rows is None:
                self._hk_rows = np.repeat(np.arange(self.n, dtype=np.int64), self._nb.degree)
            return hk_average_graph(self.x, self._hk_rows, self._nb.indices, self.confidence)
        return degroot_average(self.x, self._in_adj, self.config.self_weight, self._degroot_inv)

    def _constant(self, value: float, k: int) -> np.ndarray:
        """A read-only array of ``k`` copies of ``value`` (a view of a cached buffer)."""
        buf = self._const_buf
        if buf is None or buf.shape[0] < k or buf[0] != value:
            buf = np.full(max(k, self.n), value, dtype=np.float64)
            buf.flags.writeable = False
            self._const_buf = buf
        return buf[:k]

    def observe(self, batch: Batch) -> ObsBatch:
        """What each acting agent sees.

        Columns: ``opinion`` (own) always; synchronous models ``local_mean`` (the DeGroot
        average :math:`(Wx)_v`, or the HK mean over the confidence set), plus
        ``initial_opinion`` and ``stubbornness`` for Friedkin-Johnsen; Deffuant
        ``partner_opinion``, ``confidence``, ``partner_confidence``; voter and Sznajd
        ``partner_opinion``; majority ``group_opinions`` (focal agent first); q-voter
        ``neighbor_opinions`` (``-1`` for a missing neighbour).
        """
        ids = batch.ids
        x = self.x
        cols: dict[str, np.ndarray] = {"opinion": x[ids]}
        m = self.model
        if not self.sequential:
            cols["local_mean"] = self._local_average()[ids]
            if m == "friedkin_johnsen":
                cols["initial_opinion"] = self.x0[ids]
                lam = self.stubbornness
                cols["stubbornness"] = (
                    lam[ids] if isinstance(lam, np.ndarray) else np.full(ids.shape[0], lam)
                )
        elif m == "qvoter":
            nb = batch.columns["neighbors"]
            cols["neighbor_opinions"] = np.where(nb >= 0, x[np.maximum(nb, 0)], -1)
        elif m == "majority":
            group = batch.columns["group"]
            cols["group_opinions"] = np.concatenate([x[ids][:, None], x[group]], axis=1)
        else:
            partner = batch.columns["partner"]
            cols["partner_opinion"] = x[partner]
            if m == "deffuant":
                eps = self.confidence
                if isinstance(eps, np.ndarray):
                    cols["confidence"] = eps[ids]
                    cols["partner_confidence"] = eps[partner]
                else:  # a read-only view of one constant buffer, shared by both columns
                    cols["confidence"] = cols["partner_confidence"] = self._constant(
                        eps, ids.shape[0]
                    )
        return ObsBatch(ids, cols, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The model's update rule, vectorized over the batch.

        Returns the column ``opinion`` (the acting agent's new opinion; for majority and Sznajd
        the state imposed on the group, ``-1`` for no change) and, for Deffuant, also
        ``partner_opinion`` (the partner's new opinion). The rules draw no randomness: the
        q-voter's independence coins and random states are drawn for the whole sweep in
        :meth:`batches`, so the result does not depend on how the sweep is batched.
        """
        m = self.model
        cols: dict[str, np.ndarray]
        if m in ("degroot", "hegselmann_krause"):
            cols = {"opinion": obs["local_mean"].copy()}
        elif m == "friedkin_johnsen":
            cols = {
                "opinion": friedkin_johnsen_rule(
                    obs["local_mean"], obs["initial_opinion"], obs["stubbornness"]
                )
            }
        elif m == "deffuant":
            new_i, new_j = deffuant_rule(
                obs["opinion"],
                obs["partner_opinion"],
                obs["confidence"],
                obs["partner_confidence"],
                self.config.mu,
            )
            cols = {"opinion": new_i, "partner_opinion": new_j}
        elif m == "voter":
            cols = {"opinion": voter_rule(obs["partner_opinion"])}
        elif m == "majority":
            cols = {"opinion": majority_rule(obs["group_opinions"], self.config.n_states)}
        elif m == "qvoter":
            batch = obs.batch
            k = len(obs)
            if batch is not None and "independent" in batch.columns:
                independent = batch.columns["independent"]
                random_state = batch.columns["random_state"]
            else:  # an observation built outside batches(): no independent moves
                independent = np.zeros(k, dtype=bool)
                random_state = np.zeros(k, dtype=np.int64)
            cols = {
                "opinion": qvoter_rule(
                    obs["opinion"], obs["neighbor_opinions"], independent, random_state
                )
            }
        else:  # sznajd
            cols = {"opinion": sznajd_rule(obs["opinion"], obs["partner_opinion"])}
        return ActionBatch(obs.ids, cols, obs)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Write the new opinions; return ``update`` events for the agents that changed.

        Event columns: ``agent`` (whose opinion changed), ``other`` (the partner it listened
        to, the focal agent of its group, or -1 for synchronous models) and ``value`` (the new
        opinion).
        """
        ids = actions.ids
        m = self.model
        x = self.x
        self._ald = None
        new = np.asarray(actions["opinion"])
        if self.discrete:
            new = new.astype(np.int64, copy=False)
        batch = actions.obs.batch if actions.obs is not None else None
        if not self.sequential or m in ("voter", "qvoter"):
            if self.discrete:
                new = np.where(new >= 0, new, x[ids])
            if not self.collect_events:
                x[ids] = new
                return EventBatch.empty()
            old = x[ids]
            x[ids] = new
            ch = np.flatnonzero(new != old)
            other = None
            if m == "voter" and batch is not None:
                other = batch.columns["partner"][ch]
            return EventBatch.make("update", ids[ch], other, new[ch])
        if batch is None:
            raise ValueError(f"model {m!r} needs the batch (partners) attached to the actions")
        if m == "deffuant":
            partner = batch.columns["partner"]
            new_j = np.asarray(actions["partner_opinion"], dtype=np.float64)
            if not self.collect_events:
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
        if m == "majority":
            group = batch.columns["group"]
            members = np.concatenate([ids[:, None], group], axis=1)
            ok = new >= 0
            members, focal, state = members[ok], ids[ok], new[ok]
            flat = members.ravel()
            val = np.repeat(state, members.shape[1])
            foc = np.repeat(focal, members.shape[1])
        else:  # sznajd
            partner = batch.columns["partner"]
            ok = new >= 0
            focal, state, part = ids[ok], new[ok], partner[ok]
            if self.complete:
                flat = np.tile(np.arange(self.n, dtype=np.int64), focal.shape[0])
                owner = np.repeat(np.arange(focal.shape[0]), self.n)
            else:
                adj = self._out_adj
                ni, oi = gather_rows(adj.indptr, adj.indices, focal)
                nj, oj = gather_rows(adj.indptr, adj.indices, part)
                flat = np.concatenate([ni, nj])
                owner = np.concatenate([oi, oj])
            val = state[owner]
            foc = focal[owner]
        # within a conflict-free chunk no node is written by two events: dedupe repeats of
        # the same node inside one event (a neighbour drawn twice, a common neighbour)
        flat, first = np.unique(flat, return_index=True)
        val, foc = val[first], foc[first]
        ch = x[flat] != val
        x[flat[ch]] = val[ch]
        return EventBatch.make("update", flat[ch], foc[ch], val[ch])

    def end_step(self, step: int) -> None:
        """Record the change over the step (``max_change``, ``changed``)."""
        diff = self.x != self._last
        self.changed = float(diff.mean()) if self.n else 0.0
        if self.n:
            self.max_change = float(np.max(np.abs(self.x - self._last)))
        else:
            self.max_change = 0.0
        self._last[:] = self.x
        self.steps += 1
        self._ald = None

    # ------------------------------------------------------------------ metrics
    def _active_link_density(self) -> float:
        """Fraction of links joining different states.

        Same definition as :func:`socium.metrics.active_link_density`.

        The link end points are cached (each undirected edge once), so a step costs one
        vectorized comparison over the links instead of rebuilding the adjacency.
        """
        if self._ald is None:
            if self.complete:
                if self.n < 2:
                    self._ald = float("nan")
                else:
                    c = np.bincount(self.x, minlength=self.config.n_states).astype(np.float64)
                    same = float(np.sum(c * (c - 1.0)))
                    self._ald = 1.0 - same / (self.n * (self.n - 1.0))
            else:
                if self._links is None:
                    adj = self.network.adjacency
                    rows = np.repeat(
                        np.arange(self.n, dtype=adj.indices.dtype), np.diff(adj.indptr)
                    )
                    cols = adj.indices
                    if not self.directed:
                        upper = rows < cols
                        rows, cols = rows[upper], cols[upper]
                    self._links = (rows, cols)
                rows, cols = self._links
                x = self.x
                self._ald = float(np.mean(x[rows] != x[cols])) if rows.size else float("nan")
        return self._ald

    def step_metrics(self) -> dict[str, float]:
        """``mean``, ``std``, ``max_change``, ``changed``; discrete: ``fraction_<s>`` and
        ``active_link_density``. Cost :math:`O(N)` (plus :math:`O(E)` for the link density
        on a network)."""
        x = self.x
        out = {
            "mean": float(x.mean()) if self.n else float("nan"),
            "std": float(x.std()) if self.n else float("nan"),
            "max_change": self.max_change,
            "changed": self.changed,
        }
        if self.discrete and self.n:
            for s, f in enumerate(state_fractions(x, self.config.n_states)):
                out[f"fraction_{s}"] = float(f)
            out["active_link_density"] = self._active_link_density()
        return out

    def records_events_by_default(self) -> bool:
        """Sequential models record each interaction's updates; synchronous averaging
        (DeGroot, Friedkin-Johnsen, Hegselmann-Krause) updates every agent every step, so its
        events would be the whole trajectory and are recorded only with ``record.events = true``.
        """
        return self.sequential

    def converged(self) -> bool:
        """Continuous: ``max_change < tolerance`` after a step. Discrete: consensus, or no
        active link left (never for the q-voter with independence > 0, which keeps
        fluctuating)."""
        if self.n == 0:
            return True
        if not self.discrete:
            return self.steps > 0 and self.max_change < self.config.tolerance
        if self.model == "qvoter" and self.config.independence > 0:
            return False
        if int(self.x.min()) == int(self.x.max()):
            return True
        rho = self._active_link_density()
        return bool(np.isnan(rho) or rho == 0.0)

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/opinion.md``)."""
        x = self.x
        n = self.n
        out: dict[str, Any] = {
            "mean": float(x.mean()),
            "std": float(x.std()),
            "variance": float(x.var()),
            "bimodality": bimodality_coefficient(x) if n >= 4 else float("nan"),
        }
        major_min = max(1, int(np.ceil(0.01 * n)))
        if self.discrete:
            k = self.config.n_states
            fr = state_fractions(x, k)
            present = np.flatnonzero(fr > 0)
            out["clusters"] = int(present.size)
            out["major_clusters"] = int(np.count_nonzero(fr * n >= major_min))
            out["cluster_centers"] = [float(s) for s in present]
            out["consensus"] = bool(present.size == 1)
            out["esteban_ray"] = esteban_ray(x.astype(np.float64), bins=k, range=(0.0, k - 1.0))
            out["fractions"] = [float(f) for f in fr]
            for s, f in enumerate(fr):
                out[f"fraction_{s}"] = float(f)
        else:
            tol = self.config.cluster_tol
            count, centers = opinion_clusters(x, tol)
            out["clusters"] = int(count)
            out["major_clusters"] = int(opinion_clusters(x, tol, min_size=major_min)[0])
            out["cluster_centers"] = [float(c) for c in centers]
            out["consensus"] = bool(float(x.max()) - float(x.min()) <= tol)
            lo, hi = min(0.0, float(x.min())), max(1.0, float(x.max()))
            out["esteban_ray"] = esteban_ray(x, range=(lo, hi))
        return out

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Opinions, initial opinions, the previous step's opinions and step counters."""
        return {
            "opinion": self.x.copy(),
            "initial_opinion": self.x0.copy(),
            "last": self._last.copy(),
            "steps": int(self.steps),
            "max_change": float(self.max_change),
            "changed": float(self.changed),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        dtype = np.int64 if self.discrete else np.float64
        self.x = np.array(state["opinion"], dtype=dtype)
        self.x0 = np.array(state["initial_opinion"], dtype=dtype)
        self._last = np.array(state["last"], dtype=dtype)
        self.steps = int(state["steps"])
        self.max_change = float(state["max_change"])
        self.changed = float(state["changed"])
        self._ald = None

    def agent_table(self) -> dict[str, np.ndarray]:
        """``opinion``, ``initial_opinion``, and ``stubbornness`` / ``confidence`` where used."""
        out = {"opinion": self.x.copy(), "initial_opinion": self.x0.copy()}
        if self.stubbornness is not None:
            out["stubbornness"] = np.broadcast_to(self.stubbornness, (self.n,)).astype(np.float64)
        if self.confidence is not None:
            out["confidence"] = np.broadcast_to(self.confidence, (self.n,)).astype(np.float64)
        return out

    # ------------------------------------------------------------------ description
    @classmethod
    def actions(cls) -> dict[str, dict[str, Any]]:
        """One action, ``update``: the agent's new opinion."""
        return {
            "update": {
                "type": "object",
                "properties": {
                    "opinion": {
                        "type": "number",
                        "description": "new opinion (a number in [0, 1], or an integer state)",
                    }
                },
                "required": ["opinion"],
            }
        }

    @classmethod
    def metric_names(cls) -> dict[str, str]:
        """Final metric names and what they mean."""
        return dict(_METRICS)

    @classmethod
    def models(cls) -> list[str]:
        """The eight opinion models."""
        return list(MODELS)

    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """One small config per model (a few hundred agents), for the conformance suite."""
        ba = {"kind": "barabasi_albert", "n": 200, "m": 2}
        params: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
            "degroot": ({}, ba),
            "friedkin_johnsen": ({"stubbornness": 0.3}, {"kind": "karate_club"}),
            "deffuant": ({"epsilon": 0.3, "mu": 0.5}, ba),
            "hegselmann_krause": ({"epsilon": 0.2}, None),
            "voter": ({"variant": "edge"}, ba),
            "majority": ({"group_size": 3}, {"kind": "erdos_renyi", "n": 200, "p": 0.03}),
            "qvoter": ({"q": 3, "independence": 0.05}, {"kind": "complete", "n": 100}),
            "sznajd": ({}, {"kind": "watts_strogatz", "n": 200, "k": 4, "p": 0.1}),
        }
        out = []
        for model, (world, network) in params.items():
            cfg: dict[str, Any] = {
                "run": {"steps": 10},
                "world": {"name": "opinion", "model": model, **world},
            }
            if network is None:
                cfg["population"] = {"size": 300}
            else:
                cfg["network"] = network
            out.append(cfg)
        return out

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``opinion_hist.png`` (initial vs final) and ``opinion_mean_std.png``."""
        from socium.worlds.opinion.plots import plot_histogram, plot_mean_std

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        n_states = self.config.n_states if self.discrete else None
        written = [plot_histogram(self.x0, self.x, outdir / "opinion_hist.png", n_states)]
        path = plot_mean_std(metrics, outdir / "opinion_mean_std.png", title=self.model)
        if path is not None:
            written.append(path)
        return written
