r"""The diffusion world: independent cascade, linear threshold, SI, SIS and SIR on a network.

All models are synchronous: every step reads the state left by the previous step, and every
change of a step is applied at once. Node states are ``0`` = susceptible / inactive, ``1`` =
infected / active, ``2`` = removed (SIR only). An edge ``u -> v`` of the network means that
``u`` can activate (infect) ``v``. See ``docs/worlds/diffusion.md`` for the rules, formulas and
references.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import scipy.sparse as sp

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import SynchronousSpec
from socium.errors import ConfigError
from socium.metrics.cascades import generation, spread_curve, structural_virality
from socium.worlds.diffusion.config import CASCADE_MODELS, MODELS, DiffusionConfig
from socium.worlds.diffusion.models import (
    count_by_target,
    first_per_group,
    gather_rows,
    infection_probability,
    is_sorted,
    lt_parents,
    pick_infected_in_neighbour,
    scatter_add,
    sorted_insert,
    sorted_remove,
)
from socium.worlds.diffusion.seeds import select_seeds

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["ACTIVE", "INACTIVE", "REMOVED", "DiffusionWorld"]

INACTIVE = 0
"""State of a susceptible (inactive) node."""
ACTIVE = 1
"""State of an infected (active) node."""
REMOVED = 2
"""State of a removed (recovered) node in SIR."""

_METRICS = {
    "spread": "fraction of nodes ever activated / infected (seeds included)",
    "final_active": "fraction of nodes active / infected at the end",
    "peak_active": "largest fraction active / infected at any step",
    "peak_step": "first step at which peak_active was reached",
    "cascade_depth": "largest generation in the who-activated-whom forest (seeds: 0)",
    "max_breadth": "largest number of activated nodes in one generation",
    "structural_virality": "mean over cascade trees of >= 2 nodes of the mean pairwise "
    "tree distance (Goel et al. 2016); NaN if no tree grew",
    "n_seeds": "number of seed nodes",
    "spread_curve": "cumulative fraction ever activated after each step 0..T",
}


class DiffusionWorld(World):
    """Spreading processes on a network: cascades (IC, LT) and epidemics (SI, SIS, SIR).

    Parameters
    ----------
    config : DiffusionConfig
        The ``[world]`` section.
    population : Population
        Agents; the ``threshold`` field (linear threshold) is used when present, else drawn
        uniform on [0, 1) from ``rng`` and stored in the population.
    network : Network
        Who influences whom (``u -> v``: ``u`` can activate ``v``).
    rng : numpy.random.Generator
        The world's stream: draws ``random`` seeds first, then the LT thresholds.

    Notes
    -----
    *Independent cascade* (Goldenberg, Libai & Muller 2001; Kempe, Kleinberg & Tardos 2003):
    a node activated at step :math:`t` tries once, at :math:`t+1`, to activate each inactive
    out-neighbour :math:`v`, succeeding with probability :math:`p_{uv}` (``p``, or the edge
    weight with ``use_weights``) independently.

    *Linear threshold* (Granovetter 1978; Kempe et al. 2003): :math:`v` activates at the first
    step where :math:`\\sum_{u \\in A, u \\to v} b_{uv} \\ge \\theta_v`, with
    :math:`b_{uv} = 1/d^{in}_v` (or :math:`w_{uv} / \\sum_{u'} w_{u'v}`).

    *SI / SIS / SIR* (Kermack & McKendrick 1927, in ndlib's discrete-time form, Rossetti et al.
    2018): a susceptible node with :math:`k_I(v)` infected in-neighbours becomes infected with
    probability :math:`1 - (1-\\beta)^{k_I(v)}`; an infected node recovers with probability
    :math:`\\gamma` (SIS: back to susceptible, SIR: removed).

    References
    ----------
    .. [1] Kempe, D., Kleinberg, J., & Tardos, E. (2003). Maximizing the spread of influence
       through a social network. KDD 2003, 137-146.
    .. [2] Goldenberg, J., Libai, B., & Muller, E. (2001). Talk of the network: a complex
       systems look at the underlying process of word-of-mouth. Marketing Letters, 12(3).
    .. [3] Granovetter, M. (1978). Threshold models of collective behavior. American Journal
       of Sociology, 83(6), 1420-1443.
    .. [4] Rossetti, G. et al. (2018). NDlib: a python library to model and analyze diffusion
       processes over complex networks. Int. J. Data Science and Analytics, 5(1), 61-79.

    Examples
    --------
    >>> import socium
    >>> cfg = {"network": {"kind": "path", "n": 5},
    ...        "world": {"name": "diffusion", "model": "si", "beta": 1.0, "seeds": [0]},
    ...        "run": {"steps": 10, "stop_on_convergence": True}}
    >>> r = socium.run(cfg, seed=1)
    >>> r.agents["activated_at"].tolist()
    [0, 1, 2, 3, 4]
    """

    name: ClassVar[str] = "diffusion"
    version: ClassVar[int] = 1
    Config: ClassVar[type[DiffusionConfig]] = DiffusionConfig
    requires_network: ClassVar[bool] = True
    summary: ClassVar[str] = (
        "Spreading on networks: independent cascade, linear threshold, SI, SIS, SIR"
    )

    def __init__(
        self,
        config: DiffusionConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        if network is None:
            raise ConfigError("network", "the diffusion world needs a [network] section")
        self.config: DiffusionConfig = config
        self.model = config.model
        self.n = n = network.n
        idx = np.int32 if n < np.iinfo(np.int32).max else np.int64
        adj = network.adjacency
        self._out_indptr, self._out_indices = adj.indptr, adj.indices
        inn = network.in_adjacency
        self._in_indptr, self._in_indices = inn.indptr, inn.indices
        self._out_deg = np.diff(adj.indptr).astype(np.int64)
        self._in_deg = np.diff(inn.indptr).astype(np.int64)
        self._n_in_entries = int(inn.indptr[-1])
        self._in_ones: sp.csr_array | None = None
        self._q_table: np.ndarray | None = None
        self._edge_p: np.ndarray | None = None  # IC: probability of each out-edge
        self._in_weight: np.ndarray | None = None  # LT: weight of each in-edge (for parents)
        self._out_weight: np.ndarray | None = None  # LT: raw weight of each out-edge
        self._in_norm: np.ndarray | None = None  # LT: 1 / in-degree or 1 / in-strength
        self._setup_weights(network)

        self.seeds = select_seeds(config.seeds, network, rng)
        self.threshold: np.ndarray | None = None
        if self.model == "linear_threshold":
            self.threshold = self._thresholds(population, rng)

        self.state = np.zeros(n, dtype=np.int8)
        self.activated_at = np.full(n, -1, dtype=idx)
        self.parent = np.full(n, -1, dtype=idx)
        self.pressure = np.zeros(n) if self.model == "linear_threshold" else None
        self.frontier = np.empty(0, np.int64)
        self.state[self.seeds] = ACTIVE
        self.activated_at[self.seeds] = 0
        if self.model in CASCADE_MODELS:
            self.frontier = self.seeds.copy()
        if self.pressure is not None:
            self._add_pressure(self.seeds)
        self._t = 0
        self._n_new = int(self.seeds.size)
        self._new_parts: list[np.ndarray] = []
        self._version = 0
        self._exposure_cache: tuple[int, np.ndarray, np.ndarray] | None = None
        self._full_ids: np.ndarray | None = None
        self._recount()
        self._peak = self._n_active
        self._peak_step = 0

    # -- construction helpers -----------------------------------------------------------------
    def _setup_weights(self, network: Network) -> None:
        use = self.config.use_weights_value
        if use and not network.weighted:
            raise ConfigError(
                "world.use_weights", "the network is unweighted; set use_weights = false"
            )
        if self.model == "independent_cascade" and use:
            data = network.adjacency.data
            if data.size and (data.min() < 0 or data.max() > 1):
                raise ConfigError(
                    "world.use_weights",
                    "edge weights are used as probabilities and must lie in [0, 1]; "
                    f"found [{data.min():g}, {data.max():g}]",
                )
            self._edge_p = np.asarray(data, dtype=np.float64)
        elif self.model == "linear_threshold":
            if use:
                data = network.adjacency.data
                if data.size and data.min() < 0:
                    raise ConfigError(
                        "world.use_weights", f"edge weights must be >= 0; found {data.min():g}"
                    )
                self._out_weight = np.asarray(data, dtype=np.float64)
                self._in_weight = np.asarray(network.in_adjacency.data, dtype=np.float64)
                total = network.strength("in")
            else:
                total = network.in_degree().astype(np.float64)
            with np.errstate(divide="ignore"):
                self._in_norm = np.where(total > 0, 1.0 / total, 0.0)

    def _thresholds(self, population: Population, rng: np.random.Generator) -> np.ndarray:
        if "threshold" in population:
            theta = np.asarray(population["threshold"], dtype=np.float64)
            if not np.all(np.isfinite(theta)) or theta.min() < 0:
                raise ConfigError("population.init.threshold", "thresholds must be finite and >= 0")
            return theta.copy()
        theta = rng.random(self.n)
        population["threshold"] = theta
        return theta.copy()

    def _recount(self) -> None:
        self._infected = np.flatnonzero(self.state == ACTIVE).astype(np.int64)
        self._n_active = int(self._infected.size)
        self._n_removed = int(np.count_nonzero(self.state == REMOVED))
        self._n_ever = int(np.count_nonzero(self.activated_at >= 0))

    # -- the step -----------------------------------------------------------------------------
    def default_schedule(self) -> SynchronousSpec:
        """Synchronous: every node updates from the previous step's state."""
        return SynchronousSpec()

    def batches(self, ids: np.ndarray):
        """One batch: synchronous updates never conflict."""
        yield Batch(ids)

    def _mask(self, ids: np.ndarray) -> np.ndarray | None:
        """Boolean mask of the scheduled nodes, or ``None`` when all nodes are scheduled."""
        if ids is self._full_ids:
            return None
        if ids.size == self.n and np.array_equal(ids, np.arange(self.n)):
            self._full_ids = ids  # the synchronous schedule hands the same array every step
            return None
        mask = np.zeros(self.n, dtype=bool)
        mask[ids] = True
        return None if mask.all() else mask

    def observe(self, batch: Batch) -> ObsBatch:
        """Exposure of the scheduled nodes.

        * independent_cascade: one row per frontier edge ``u -> v`` into an inactive ``v``
          (``ids`` = ``v``, columns ``source`` = ``u`` and ``p`` = :math:`p_{uv}`);
        * linear_threshold: one row per inactive out-neighbour of the frontier (columns
          ``influence`` = :math:`\\sum_{u \\in A} b_{uv}` and ``threshold``);
        * si/sis/sir: one row per exposed susceptible node (``state`` 0,
          ``infected_neighbours`` = :math:`k_I(v)`) and, except for SI, one per infected node
          (``state`` 1).
        """
        mask = self._mask(np.asarray(batch.ids))
        if self.model == "independent_cascade":
            src, dst, pos = gather_rows(self._out_indptr, self._out_indices, self.frontier)
            keep = self.state[dst] == INACTIVE
            if mask is not None:
                keep &= mask[dst]
            p = self._edge_p[pos[keep]] if self._edge_p is not None else None
            if p is None:
                p = np.full(int(keep.sum()), self.config.p_value)
            return ObsBatch(dst[keep], {"source": src[keep], "p": p}, batch)
        if self.model == "linear_threshold":
            if mask is None:
                _, dst, _ = gather_rows(
                    self._out_indptr, self._out_indices, self.frontier, with_src=False
                )
                cand, _ = count_by_target(dst[self.state[dst] == INACTIVE], self.n)
            else:  # nodes pushed over threshold while unscheduled must stay candidates
                cand = np.flatnonzero((self.state == INACTIVE) & mask & (self.pressure > 0))
            cols = {"influence": self.pressure[cand], "threshold": self.threshold[cand]}
            return ObsBatch(cand, cols, batch)
        targets, k = self._exposure()
        if mask is not None:
            keep = mask[targets]
            targets, k = targets[keep], k[keep]
        rec = self._infected if self.model != "si" else np.empty(0, np.int64)
        if mask is not None:
            rec = rec[mask[rec]]
        ids = np.concatenate((targets, rec))
        state = np.concatenate((np.zeros(targets.size, np.int8), np.ones(rec.size, np.int8)))
        k = np.concatenate((k, np.zeros(rec.size, np.int64)))
        return ObsBatch(ids, {"state": state, "infected_neighbours": k}, batch)

    def _exposure(self) -> tuple[np.ndarray, np.ndarray]:
        """Susceptible out-neighbours of the infected and their infected in-neighbour counts.

        A small infected set is expanded along its out-edges (cost :math:`O(\\sum_{u \\in I}
        d^{out}_u)`); once the infected touch more than a quarter of all edges, one sparse
        product :math:`k_I = A_{in} \\mathbf 1_I` over the whole graph is cheaper. Both give the
        same sorted targets and exact counts, so the choice never changes results.
        """
        cache = self._exposure_cache
        if cache is not None and cache[0] == self._version:
            return cache[1], cache[2]
        inf = self._infected
        if 4 * int(self._out_deg[inf].sum()) <= self._n_in_entries:
            _, dst, _ = gather_rows(self._out_indptr, self._out_indices, inf, with_src=False)
            targets, k = count_by_target(dst[self.state[dst] == INACTIVE], self.n)
        else:
            counts = self._in_pattern() @ (self.state == ACTIVE).astype(np.float64)
            targets = np.flatnonzero((counts > 0) & (self.state == INACTIVE)).astype(np.int64)
            k = counts[targets].astype(np.int64)
        self._exposure_cache = (self._version, targets, k)
        return targets, k

    def _in_pattern(self) -> sp.csr_array:
        """The in-adjacency with every stored entry 1.0 (shares index arrays; built once)."""
        if self._in_ones is None:
            inn = self.network.in_adjacency
            if not self.network.weighted:
                self._in_ones = inn
            else:
                ones = np.ones(inn.nnz)
                self._in_ones = sp.csr_array((ones, inn.indices, inn.indptr), shape=inn.shape)
        return self._in_ones

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Draw the stochastic outcomes (one uniform per observation row).

        Columns of the action: ``activate`` (bool) and, per model, ``priority`` (IC: the
        smallest among successful attempts on a node names its parent), ``recover`` and
        ``pick`` (epidemics: a uniform number that selects the parent). A successful row with
        uniform :math:`u < q` reuses :math:`u/q`, which is again uniform on [0, 1) and
        independent of the success itself, so parents cost no extra random numbers.
        """
        m = len(obs)
        if self.model == "linear_threshold":
            activate = obs["influence"] >= obs["threshold"]
            return ActionBatch(obs.ids, {"activate": activate}, obs)
        u = rng.random(m)
        if self.model == "independent_cascade":
            p = obs["p"]
            activate = u < p
            with np.errstate(divide="ignore", invalid="ignore"):
                priority = np.where(activate, u / p, np.inf)
            cols = {"activate": activate, "priority": priority, "source": obs["source"]}
            return ActionBatch(obs.ids, cols, obs)
        s = obs["state"]
        susceptible = s == INACTIVE
        q = np.where(
            susceptible, self._infection_q(obs["infected_neighbours"]), self.config.gamma_value
        )
        hit = u < q
        activate = hit & susceptible
        with np.errstate(divide="ignore", invalid="ignore"):
            pick = np.where(activate, u / q, 0.0)
        cols = {"activate": activate, "recover": hit & ~susceptible, "pick": pick}
        return ActionBatch(obs.ids, cols, obs)

    def _infection_q(self, k: np.ndarray) -> np.ndarray:
        """:math:`1-(1-\\beta)^k` by table lookup (k is at most the largest in-degree)."""
        if self._q_table is None:
            kmax = int(self._in_deg.max()) if self.n else 0
            self._q_table = infection_probability(np.arange(kmax + 1), self.config.beta_value)
        return self._q_table[np.asarray(k, dtype=np.int64)]

    def apply(self, actions: ActionBatch) -> list[EventBatch]:
        """Activate / infect and recover, returning ``activate`` and ``recover`` events.

        ``activate`` events carry the parent in ``other`` (-1 for none) and the step in
        ``value``; ``recover`` events carry the step in ``value``.
        """
        t = self._t + 1
        ids = np.asarray(actions.ids, dtype=np.int64)
        if self.model == "independent_cascade":
            events = self._apply_ic(ids, actions, t)
        elif self.model == "linear_threshold":
            events = self._apply_lt(ids, actions, t)
        else:
            events = self._apply_epidemic(ids, actions, t)
        self._version += 1
        return events

    def _column(self, actions: ActionBatch, name: str, size: int) -> np.ndarray:
        """An action column, or (for policies that leave it out) uniforms from the world rng."""
        if name in actions.columns:
            return np.asarray(actions[name])
        return self.rng.random(size)

    def _apply_ic(self, ids: np.ndarray, actions: ActionBatch, t: int) -> list[EventBatch]:
        rows = np.flatnonzero(np.asarray(actions["activate"], bool) & (self.state[ids] == 0))
        source = actions.columns.get("source")
        if source is None:
            source = actions.obs["source"]
        priority = self._column(actions, "priority", ids.size)
        win = rows[first_per_group(ids[rows], priority[rows])]
        new, par = ids[win], np.asarray(source, dtype=np.int64)[win]
        self._activate(new, par, t)
        return [EventBatch.make("activate", new, par, np.full(new.size, float(t)))]

    def _apply_lt(self, ids: np.ndarray, actions: ActionBatch, t: int) -> list[EventBatch]:
        ok = np.asarray(actions["activate"], bool) & (self.state[ids] == INACTIVE)
        new = np.unique(ids[ok])
        par = lt_parents(
            self._in_indptr, self._in_indices, self._in_weight, new, self.activated_at, t
        )
        self._activate(new, par, t)
        self._add_pressure(new)
        return [EventBatch.make("activate", new, par, np.full(new.size, float(t)))]

    def _apply_epidemic(self, ids: np.ndarray, actions: ActionBatch, t: int) -> list[EventBatch]:
        st = self.state[ids]
        inf_rows = np.flatnonzero(np.asarray(actions["activate"], bool) & (st == INACTIVE))
        rec_rows = np.zeros(0, np.int64)
        if self.model != "si" and "recover" in actions.columns:
            rec_rows = np.flatnonzero(np.asarray(actions["recover"], bool) & (st == ACTIVE))
        pick = self._column(actions, "pick", ids.size)
        if not is_sorted(ids[inf_rows]):  # rule observations come sorted; other policies may not
            inf_rows = inf_rows[np.argsort(ids[inf_rows], kind="stable")]
        new = ids[inf_rows]
        # parents are read from the state at the start of the step (synchronous update)
        par = pick_infected_in_neighbour(
            self._in_indptr, self._in_indices, new, self.state, pick[inf_rows]
        )
        rec = ids[rec_rows]
        if not is_sorted(rec):
            rec = np.unique(rec)
        self.state[rec] = REMOVED if self.model == "sir" else INACTIVE
        self._n_active -= rec.size
        if self.model == "sir":
            self._n_removed += rec.size
        self._infected = sorted_remove(self._infected, rec)
        self._activate(new, par, t)
        self._infected = sorted_insert(self._infected, new)
        return [
            EventBatch.make("activate", new, par, np.full(new.size, float(t))),
            EventBatch.make("recover", rec, None, np.full(rec.size, float(t))),
        ]

    def _activate(self, new: np.ndarray, par: np.ndarray, t: int) -> None:
        """Set ``new`` active at step ``t``; the first activation fixes activated_at/parent."""
        self.state[new] = ACTIVE
        first = self.activated_at[new] < 0
        self.activated_at[new[first]] = t
        self.parent[new[first]] = par[first]
        self._n_active += new.size
        self._n_ever += int(first.sum())
        self._new_parts.append(new)

    def _add_pressure(self, nodes: np.ndarray) -> None:
        """LT: add :math:`b_{uv}` of every out-edge of the newly active ``nodes``."""
        _, dst, pos = gather_rows(self._out_indptr, self._out_indices, nodes, with_src=False)
        w = self._in_norm[dst]
        if self._out_weight is not None:
            w = w * self._out_weight[pos]
        scatter_add(self.pressure, dst, w)

    def end_step(self, step: int) -> None:
        """Close the step: the newly activated become the frontier; track the peak."""
        self._t = int(step)
        parts = self._new_parts
        new = np.concatenate(parts) if parts else np.empty(0, np.int64)
        if not is_sorted(new):
            new = np.unique(new)
        self._new_parts = []
        self._n_new = int(new.size)
        if self.model in CASCADE_MODELS:
            self.frontier = new.astype(np.int64)
        if self._n_active > self._peak:
            self._peak, self._peak_step = self._n_active, self._t

    def converged(self) -> bool:
        """Whether the state can no longer change.

        IC/LT: no activation in the last step (empty frontier); SIS/SIR: nobody infected;
        SI: no infected node has a susceptible out-neighbour.
        """
        if self.model in CASCADE_MODELS:
            return self.frontier.size == 0
        if self._n_active == 0:
            return True
        if self.model == "si":
            if self._n_active + self._n_removed == self.n:
                return True
            return self._exposure()[0].size == 0
        return False

    # -- metrics ------------------------------------------------------------------------------
    def step_metrics(self) -> dict[str, float]:
        """Fractions ``active``, ``ever_active``, ``new``, ``susceptible`` (+ ``recovered``).

        ``new`` counts the nodes activated in the step (the seeds at step 0), reinfections of
        SIS included; ``susceptible`` is the fraction inactive. O(1).
        """
        n = float(self.n)
        out = {
            "active": self._n_active / n,
            "ever_active": self._n_ever / n,
            "new": self._n_new / n,
            "susceptible": (self.n - self._n_active - self._n_removed) / n,
        }
        if self.model == "sir":
            out["recovered"] = self._n_removed / n
        return out

    def final_metrics(self) -> dict[str, Any]:
        """Spread, peak, cascade shape and the spread curve (names in ``metric_names``)."""
        gen = generation(self.parent, self.activated_at)
        active_gen = gen[gen >= 0]
        breadth = int(np.bincount(active_gen).max()) if active_gen.size else 0
        sv = np.asarray(
            structural_virality(self.parent, self.activated_at, per_tree=True), dtype=float
        )
        sv = sv[np.isfinite(sv)]
        return {
            "spread": self._n_ever / self.n,
            "final_active": self._n_active / self.n,
            "peak_active": self._peak / self.n,
            "peak_step": int(self._peak_step),
            "cascade_depth": int(active_gen.max()) if active_gen.size else 0,
            "max_breadth": breadth,
            "structural_virality": float(sv.mean()) if sv.size else float("nan"),
            "n_seeds": int(self.seeds.size),
            "spread_curve": spread_curve(self.activated_at, self._t + 1, self.n).tolist(),
        }

    # -- state --------------------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """Arrays ``state``, ``activated_at``, ``parent``, ``frontier``, ``seeds`` (+ LT
        ``threshold``, ``pressure``) and the counters ``step``, ``n_new``, ``peak``, ``peak_step``.
        """
        out: dict[str, Any] = {
            "state": self.state.copy(),
            "activated_at": self.activated_at.copy(),
            "parent": self.parent.copy(),
            "frontier": self.frontier.copy(),
            "seeds": self.seeds.copy(),
            "step": self._t,
            "n_new": self._n_new,
            "peak": self._peak,
            "peak_step": self._peak_step,
        }
        if self.pressure is not None:
            out["threshold"] = self.threshold.copy()
            out["pressure"] = self.pressure.copy()
        return out

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`; counts and the infected list are rebuilt from arrays."""
        self.state = np.array(state["state"], dtype=np.int8)
        self.activated_at = np.array(state["activated_at"], dtype=self.activated_at.dtype)
        self.parent = np.array(state["parent"], dtype=self.parent.dtype)
        self.frontier = np.array(state["frontier"], dtype=np.int64)
        self.seeds = np.array(state["seeds"], dtype=np.int64)
        self._t = int(state["step"])
        self._n_new = int(state["n_new"])
        self._peak = int(state["peak"])
        self._peak_step = int(state["peak_step"])
        if self.pressure is not None:
            self.threshold = np.array(state["threshold"], dtype=np.float64)
            self.pressure = np.array(state["pressure"], dtype=np.float64)
        self._new_parts = []
        self._version += 1
        self._exposure_cache = None
        self._recount()

    def agent_table(self) -> dict[str, np.ndarray]:
        """``state`` (0 S/inactive, 1 I/active, 2 R), ``activated_at`` (-1 never), ``parent``."""
        return {
            "state": self.state.copy(),
            "activated_at": self.activated_at.copy(),
            "parent": self.parent.copy(),
        }

    # -- description and output -------------------------------------------------------------
    @classmethod
    def actions(cls) -> dict[str, dict[str, Any]]:
        """The one decision of a node: whether it activates (is infected) this step."""
        return {
            "activate": {
                "type": "object",
                "properties": {"activate": {"type": "boolean"}},
                "required": ["activate"],
            }
        }

    @classmethod
    def metric_names(cls) -> dict[str, str]:
        """Final metric names and one-line descriptions."""
        return dict(_METRICS)

    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """One small config per model (500-node graphs), for the conformance suite."""
        net = {"kind": "barabasi_albert", "n": 500, "m": 2}
        params = {
            "independent_cascade": {"p": 0.2, "seeds": {"method": "top_degree", "k": 3}},
            "linear_threshold": {"seeds": {"method": "random", "fraction": 0.05}},
            "si": {"beta": 0.2, "seeds": [0, 1]},
            "sis": {"beta": 0.2, "gamma": 0.3, "seeds": {"method": "random", "k": 5}},
            "sir": {"beta": 0.3, "gamma": 0.2, "seeds": {"method": "random", "k": 5}},
        }
        return [
            {
                "run": {"seed": 1, "steps": 20},
                "network": dict(net),
                "world": {"name": cls.name, "model": model, **kw},
            }
            for model, kw in params.items()
        ]

    @classmethod
    def models(cls) -> list[str]:
        """``independent_cascade``, ``linear_threshold``, ``si``, ``sis``, ``sir``."""
        return list(MODELS)

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``spread.png`` and, for IC/LT, ``cascade_generations.png``."""
        from socium.worlds.diffusion.plots import plot_generations, plot_spread

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        paths = [plot_spread(metrics, outdir / "spread.png", self.model)]
        if self.model in CASCADE_MODELS:
            gen = generation(self.parent, self.activated_at)
            paths.append(plot_generations(gen, outdir / "cascade_generations.png", self.model))
        return paths
