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
    pick_ranked_hit,
    scatter_add,
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
        inn = network.in_adjacency
        # Column indices as intp: numpy casts any other index dtype on every fancy-indexing
        # call, which costs more than the gather itself at 10^4 nodes.
        self._out_indptr = adj.indptr
        self._out_indices = adj.indices.astype(np.intp, copy=False)
        # undirected: the in-rows are the out-rows, so one gather serves both directions
        self._symmetric = inn is adj
        self._in_indptr = inn.indptr
        self._in_indices = (
            self._out_indices if self._symmetric else inn.indices.astype(np.intp, copy=False)
        )
        self._out_deg = np.diff(adj.indptr).astype(np.int64)
        self._out_end = adj.indptr[1:].astype(np.int64)
        self._arange = np.arange(0, dtype=np.int64)  # grown on demand by _gather_out
        self._pm_ones = np.ones(0, dtype=np.int64)  # [+1] * h + [-1] * h, grown by _signs
        self._in_deg = self._out_deg if self._symmetric else np.diff(inn.indptr).astype(np.int64)
        self._in_ones: sp.csr_array | None = None
        self._q_table: np.ndarray | None = None
        self._edge_p: np.ndarray | None = None  # IC: probability of each out-edge
        self._in_weight: np.ndarray | None = None  # LT: weight of each in-edge (for parents)
        self._out_weight: np.ndarray | None = None  # LT: raw weight of each out-edge
        self._in_norm: np.ndarray | None = None  # LT: 1 / in-degree or 1 / in-strength
        self._setup_weights(network)
        self._p = self.config.p_value

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
        self._new_count = 0
        self._version = 0
        self._full_ids: np.ndarray | None = None
        self._setup_epidemic()
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

    def _setup_epidemic(self) -> None:
        r"""Epidemics: the per-node code array and its probability table.

        Every node carries ``code[v] = k_I(v) + K * state[v] - 1`` with ``K`` = largest
        in-degree + 1 (so :math:`0 \le k_I(v) < K`): an unexposed susceptible node has code
        -1, exposed ones ``[0, K-1)``, infected ones ``[K-1, 2K-1)``, removed ones
        ``[2K-1, 3K-1)``. The observed rows (exposed susceptibles, plus the infected for
        SIS/SIR) are the codes in ``[0, row_limit)``, one unsigned comparison over all nodes.
        One lookup ``table[code]`` gives the probability of the row's transition this step:
        :math:`1 - (1-\beta)^{k_I}` for a susceptible node, :math:`\gamma` for an infected
        one. The code is kept up to date incrementally: +-1 on the out-neighbours of every node
        that becomes / stops being infected, +-K on the node itself.
        """
        self._code: np.ndarray | None = None
        self._rows_cache: tuple[int, np.ndarray] | None = None
        self._obs_hint: tuple[Any, ...] | None = None  # (obs, version, ...) of the last observe
        self._act_hint: tuple[Any, ...] | None = None  # (actions, version) of rule_decide
        if self.model in CASCADE_MODELS:
            return
        self._K = kk = int(self._in_deg.max()) + 1 if self.n else 1
        q = infection_probability(np.arange(kk), self.config.beta_value)
        gamma = 0.0 if self.model == "si" else self.config.gamma_value
        self._code_table = np.concatenate((q[1:], np.full(kk, gamma), np.zeros(kk)))
        self._q_table = q
        # transitions whose probability is 0 divide by zero when the parent uniform is rescaled
        self._q_positive = self.config.beta_value > 0 and (self.model == "si" or gamma > 0)
        self._row_limit = np.uint64(kk - 1 if self.model == "si" else 2 * kk - 1)

    def _recount(self) -> None:
        self._n_active = int(np.count_nonzero(self.state == ACTIVE))
        self._n_removed = int(np.count_nonzero(self.state == REMOVED))
        self._n_ever = int(np.count_nonzero(self.activated_at >= 0))
        if self.model not in CASCADE_MODELS:
            infected = (self.state == ACTIVE).astype(np.float64)
            code = np.rint(self._in_pattern() @ infected).astype(np.int64)
            code += self._K * self.state.astype(np.int64) - 1
            self._code = code
            self._rows_cache = None

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
        * si/sis/sir: in id order, one row per exposed susceptible node (``state`` 0,
          ``infected_neighbours`` = :math:`k_I(v) \\ge 1`) and, except for SI, one per
          infected node (``state`` 1, ``infected_neighbours`` 0).
        """
        mask = self._mask(np.asarray(batch.ids))
        if self.model == "independent_cascade":
            return self._observe_ic(batch, mask)
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
        ids = self._rows()
        if mask is not None:
            ids = ids[mask[ids]]
        code = self._code.take(ids)
        susceptible = code < self._K - 1
        k = code + 1
        k *= susceptible  # k_I for the susceptible rows, 0 for the infected
        state = (~susceptible).view(np.int8)  # rows are susceptible (0) or infected (1)
        obs = ObsBatch(ids, {"state": state, "infected_neighbours": k}, batch)
        self._obs_hint = (obs, self._version, code, susceptible, k)
        return obs

    def _observe_ic(self, batch: Batch, mask: np.ndarray | None) -> ObsBatch:
        frontier = self.frontier
        dst, pos, lengths, _ = self._gather_out(frontier)
        keep = self.state.take(dst) == INACTIVE
        if mask is not None:
            keep &= mask.take(dst)
        keep = keep.nonzero()[0]
        ids = dst.take(keep)
        src = frontier.repeat(lengths).take(keep)
        if self._edge_p is not None:
            p = self._edge_p.take(pos.take(keep))
        else:
            p = np.full(keep.size, self._p)
        obs = ObsBatch(ids, {"source": src, "p": p}, batch)
        self._obs_hint = (obs, self._version)
        return obs

    def _rows(self) -> np.ndarray:
        """Epidemics: ids of the exposed susceptibles (and, SIS/SIR, of the infected).

        These are the nodes with ``0 <= code < row_limit`` (see :meth:`_setup_epidemic`): one
        unsigned comparison over all nodes and a ``nonzero``. Cached until the state
        changes (SI's convergence test and the next observation share it).
        """
        cache = self._rows_cache
        if cache is not None and cache[0] == self._version:
            return cache[1]
        ids = (self._code.view(np.uint64) < self._row_limit).nonzero()[0]  # -1: the maximum
        self._rows_cache = (self._version, ids)
        return ids

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

        Columns of the action: ``activate`` (bool) and, per model, ``priority`` (IC:
        :math:`u/p_{uv}`; the smallest among the successful attempts on a node names its
        parent), ``recover`` and ``pick`` (epidemics: :math:`u/q`, a uniform number that
        selects the parent of an infected row). A successful row with uniform :math:`u < q`
        reuses :math:`u/q`, which is again uniform on [0, 1) and independent of the success
        itself, so parents cost no extra random numbers.
        """
        m = len(obs)
        if self.model == "linear_threshold":
            activate = obs["influence"] >= obs["threshold"]
            return ActionBatch(obs.ids, {"activate": activate}, obs)
        hint = self._obs_hint
        fast = hint is not None and hint[0] is obs and hint[1] == self._version
        u = rng.random(m)
        if self.model == "independent_cascade":
            if fast and self._edge_p is None:
                p = self._p
                activate = u < p
                priority = u / p if p > 0 else np.full(m, np.inf)
            else:
                p = obs["p"]
                activate = u < p
                with np.errstate(divide="ignore", invalid="ignore"):
                    priority = np.where(activate, u / p, np.inf)
            cols = {"activate": activate, "priority": priority, "source": obs["source"]}
            actions = ActionBatch(obs.ids, cols, obs)
        else:
            if fast:
                susceptible = hint[3]
                q = self._code_table.take(hint[2])
            else:
                susceptible = np.asarray(obs["state"]) == INACTIVE
                q = self._infection_q(obs["infected_neighbours"])
                q[~susceptible] = self.config.gamma_value if self.model != "si" else 0.0
            hit = u < q
            activate = hit & susceptible
            if fast and self._q_positive:
                pick = u / q  # q > 0 on every row
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    pick = np.where(activate, u / q, 0.0)
            cols = {"activate": activate, "recover": hit ^ activate, "pick": pick}
            actions = ActionBatch(obs.ids, cols, obs)
        self._act_hint = (actions, self._version) if fast else None
        return actions

    def _infection_q(self, k: np.ndarray) -> np.ndarray:
        """:math:`1-(1-\\beta)^k` by table lookup (k is at most the largest in-degree)."""
        if self._q_table is None:
            kmax = int(self._in_deg.max()) if self.n else 0
            self._q_table = infection_probability(np.arange(kmax + 1), self.config.beta_value)
        return self._q_table[np.asarray(k, dtype=np.int64)]

    def _is_own(self, actions: ActionBatch) -> bool:
        """Whether ``actions`` is this step's unmodified :meth:`rule_decide` output."""
        hint, obs_hint = self._act_hint, self._obs_hint
        return (
            hint is not None
            and hint[0] is actions
            and hint[1] == self._version
            and obs_hint is not None
            and obs_hint[0] is actions.obs
        )

    def apply(self, actions: ActionBatch) -> list[EventBatch]:
        """Activate / infect and recover, returning ``activate`` and ``recover`` events.

        ``activate`` events carry the parent in ``other`` (-1 for none) and the step in
        ``value``; ``recover`` events carry the step in ``value``. No events are built when
        the run does not record them (``collect_events`` is false).
        """
        t = self._t + 1
        if self.model == "independent_cascade":
            events = self._apply_ic(actions, t)
        elif self.model == "linear_threshold":
            events = self._apply_lt(np.asarray(actions.ids, dtype=np.int64), actions, t)
        else:
            events = self._apply_epidemic(actions, t)
        self._version += 1
        self._obs_hint = self._act_hint = None
        return events

    def _column(self, actions: ActionBatch, name: str, size: int) -> np.ndarray:
        """An action column, or (for policies that leave it out) uniforms from the world rng."""
        if name in actions.columns:
            return np.asarray(actions[name])
        return self.rng.random(size)

    def _events(self, new: np.ndarray, par: np.ndarray, t: int) -> list[EventBatch]:
        if not self.collect_events:
            return []
        return [EventBatch.make("activate", new, par, np.full(new.size, float(t)))]

    def _apply_ic(self, actions: ActionBatch, t: int) -> list[EventBatch]:
        if self._is_own(actions):  # rows are frontier edges into inactive nodes
            ids, source, priority = actions.ids, actions["source"], actions["priority"]
            rows = actions["activate"].nonzero()[0]
        else:
            ids = np.asarray(actions.ids, dtype=np.int64)
            ok = np.asarray(actions["activate"], bool) & (self.state[ids] == INACTIVE)
            rows = np.flatnonzero(ok)
            source = actions.columns.get("source")
            if source is None:
                source = actions.obs["source"]
            source = np.asarray(source, dtype=np.int64)
            priority = self._column(actions, "priority", ids.size)
        win = rows.take(first_per_group(ids.take(rows), priority.take(rows)))
        new, par = ids.take(win), source.take(win)
        self._activate(new, par, t, first=True)
        return self._events(new, par, t)

    def _apply_lt(self, ids: np.ndarray, actions: ActionBatch, t: int) -> list[EventBatch]:
        ok = np.asarray(actions["activate"], bool) & (self.state[ids] == INACTIVE)
        new = np.unique(ids[ok])
        par = lt_parents(
            self._in_indptr, self._in_indices, self._in_weight, new, self.activated_at, t
        )
        self._activate(new, par, t, first=True)
        self._add_pressure(new)
        return self._events(new, par, t)

    def _apply_epidemic(self, actions: ActionBatch, t: int) -> list[EventBatch]:
        ids = actions.ids
        activate = np.asarray(actions["activate"], bool)
        if self._is_own(actions):  # sorted distinct ids, states as observed
            inf_rows = activate.nonzero()[0]
            new = ids.take(inf_rows)
            k = self._obs_hint[4].take(inf_rows)
            pick = actions["pick"].take(inf_rows)
            rec = None
            if self.model != "si":
                rec = ids.take(actions["recover"].nonzero()[0])
        else:
            ids = np.asarray(ids, dtype=np.int64)
            st = self.state[ids]
            inf_rows = np.flatnonzero(activate & (st == INACTIVE))
            pick = self._column(actions, "pick", ids.size)
            new, first = np.unique(ids[inf_rows], return_index=True)
            pick = pick[inf_rows[first]]
            k = self._code[new] + 1  # susceptible: the code is k_I - 1
            rec = None
            if self.model != "si" and "recover" in actions.columns:
                rec_ok = np.asarray(actions["recover"], bool) & (st == ACTIVE)
                rec = np.unique(ids[rec_ok])
        if rec is None:
            rec = np.empty(0, np.int64)
        # one gather of the out-rows of the newly infected and the recovering nodes
        n_new, n_rec = new.size, rec.size
        rows = np.concatenate((new, rec)) if n_rec else new
        dst, _, _, ends = self._gather_out(rows)
        a = int(ends[n_new - 1]) if n_new else 0  # entries of the newly infected
        # parents are read from the state at the start of the step (synchronous update)
        if n_new and self._symmetric:
            par = pick_ranked_hit(dst[:a], self.state.take(dst[:a]) == ACTIVE, k, pick)
        else:
            par = pick_infected_in_neighbour(
                self._in_indptr, self._in_indices, new, self.state, pick, k=k
            )
        # code: +1 / -1 on the out-neighbours of the newly infected / recovering (unbuffered,
        # repeats add up), +K on the newly infected, -K (SIS) or +K (SIR) on the recovering
        code, K = self._code, self._K
        np.add.at(code, dst, self._signs(a, dst.size - a))
        if n_rec:
            self._n_active -= n_rec
            if self.model == "sir":
                self.state[rec] = REMOVED
                self._n_removed += n_rec
                code[rec] += K
            else:
                self.state[rec] = INACTIVE
                code[rec] -= K
        code[new] += K
        self._activate(new, par, t, first=self.model != "sis")
        if not self.collect_events:
            return []
        return [
            EventBatch.make("activate", new, par, np.full(new.size, float(t))),
            EventBatch.make("recover", rec, None, np.full(rec.size, float(t))),
        ]

    def _signs(self, a: int, b: int) -> np.ndarray:
        """``a`` times +1 followed by ``b`` times -1 (a view of a cached array)."""
        h = self._pm_ones.size // 2
        if h < max(a, b):
            h = max(a, b, 2 * h)
            self._pm_ones = np.concatenate((np.ones(h, np.int64), np.full(h, -1, np.int64)))
        return self._pm_ones[h - a : h + b]

    def _gather_out(self, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        """Out-neighbours of ``rows`` (int64, distinct), row by row.

        Returns ``dst`` (the neighbours), ``pos`` (their positions in the CSR), the row
        lengths and their cumulative sums: :func:`~socium.worlds.diffusion.models.row_positions`
        with a cached ``arange`` and ``take`` (cheaper than fancy indexing for 1-d gathers).
        """
        lengths = self._out_deg.take(rows)
        ends = np.add.accumulate(lengths)
        total = int(ends[-1]) if ends.size else 0
        if self._arange.size < total:
            self._arange = np.arange(max(total, 2 * self._arange.size), dtype=np.int64)
        shift = self._out_end.take(rows)
        shift -= ends  # start of each row minus the start of its block in the output
        pos = shift.repeat(lengths)
        pos += self._arange[:total]
        return self._out_indices.take(pos), pos, lengths, ends

    def _activate(self, new: np.ndarray, par: np.ndarray, t: int, *, first: bool) -> None:
        """Set ``new`` active at step ``t``; the first activation fixes activated_at/parent.

        ``first = True`` asserts that no node of ``new`` was ever active (IC, LT, SI, SIR).
        """
        self.state[new] = ACTIVE
        if first:
            self.activated_at[new] = t
            self.parent[new] = par
            self._n_ever += new.size
        else:
            fresh = self.activated_at[new] < 0
            self.activated_at[new[fresh]] = t
            self.parent[new[fresh]] = par[fresh]
            self._n_ever += int(np.count_nonzero(fresh))
        self._n_active += new.size
        if self.model in CASCADE_MODELS:
            self._new_parts.append(new)
        else:
            self._new_count += new.size

    def _add_pressure(self, nodes: np.ndarray) -> None:
        """LT: add :math:`b_{uv}` of every out-edge of the newly active ``nodes``."""
        dst, pos, _, _ = self._gather_out(np.asarray(nodes, dtype=np.int64))
        w = self._in_norm[dst]
        if self._out_weight is not None:
            w = w * self._out_weight[pos]
        scatter_add(self.pressure, dst, w)

    def end_step(self, step: int) -> None:
        """Close the step: the newly activated become the frontier; track the peak."""
        self._t = int(step)
        if self.model in CASCADE_MODELS:
            parts = self._new_parts
            if len(parts) == 1:
                new = parts[0]
            else:
                new = np.concatenate(parts) if parts else np.empty(0, np.int64)
                if not is_sorted(new):
                    new = np.unique(new)
            self._new_parts = []
            self._n_new = int(new.size)
            self.frontier = new.astype(np.int64, copy=False)
        else:
            self._n_new = self._new_count
            self._new_count = 0
        if self._n_active > self._peak:
            self._peak, self._peak_step = self._n_active, self._t

    def converged(self) -> bool:
        """Whether the state can no longer change.

        IC/LT: no activation in the last step (empty frontier); SIS/SIR: nobody infected;
        SI: no infected node has a susceptible out-neighbour (no exposed susceptible node).
        """
        if self.model in CASCADE_MODELS:
            return self.frontier.size == 0
        if self._n_active == 0:
            return True
        if self.model == "si":
            if self._n_active + self._n_removed == self.n:
                return True
            return self._rows().size == 0
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
        """Restore :meth:`get_state`; counts and the epidemic codes are rebuilt from arrays."""
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
        self._new_count = 0
        self._version += 1
        self._obs_hint = self._act_hint = None
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
