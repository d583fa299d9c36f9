r"""Compartmental epidemic models on a network: SI, SIS and SIR.

Discrete-time form of ndlib's ``EpidemicModels``: every step, a susceptible node with
:math:`k_I(v)` infected in-neighbours is infected with probability :math:`1-(1-\beta)^{k_I(v)}`
and an infected node recovers with probability :math:`\gamma` (SIS: back to susceptible,
SIR: removed for good). The three share one incrementally kept code array (:class:`Epidemic`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
import scipy.sparse as sp

from socium.core.batches import ActionBatch, ObsBatch
from socium.worlds.diffusion.base import DiffusionModel, Transitions
from socium.worlds.diffusion.kernels import (
    infection_probability,
    pick_infected_in_neighbour,
    pick_ranked_hit,
)
from socium.worlds.diffusion.nodes import ACTIVE, INACTIVE, REMOVED

if TYPE_CHECKING:
    from socium.core.batches import Batch
    from socium.core.network import Network
    from socium.worlds.diffusion.config import DiffusionConfig
    from socium.worlds.diffusion.graph import DiffusionGraph
    from socium.worlds.diffusion.nodes import NodeStates

__all__ = ["SI", "SIR", "SIS", "Epidemic"]


class Epidemic(DiffusionModel):
    r"""Shared part of SI, SIS and SIR: infection by infected in-neighbours.

    Parameters
    ----------
    config, network, graph, nodes
        As for :class:`~socium.worlds.diffusion.base.DiffusionModel` (``beta``, ``gamma``).

    Notes
    -----
    A susceptible node :math:`v` with :math:`k_I(v)` infected in-neighbours becomes infected
    with probability :math:`q(v) = 1 - (1-\beta)^{k_I(v)}` (each contact transmits
    independently with probability :math:`\beta`); its parent is a uniformly random infected
    in-neighbour. Subclasses add recovery with probability :math:`\gamma`.

    Observation: in id order, one row per exposed susceptible node (``state`` 0,
    ``infected_neighbours`` = :math:`k_I(v) \ge 1`) and, when nodes recover, one per infected
    node (``state`` 1, ``infected_neighbours`` 0). Decision: one uniform :math:`u` per row,
    ``activate`` / ``recover`` = :math:`u < q` for a susceptible / infected row, and
    ``pick`` = :math:`u/q`, which is again uniform on [0, 1) given success and selects the
    parent, so parents cost no extra random numbers.

    *Code array.* Every node carries ``code[v] = k_I(v) + K * state[v] - 1`` with ``K`` =
    largest in-degree + 1 (so :math:`0 \le k_I(v) < K`): an unexposed susceptible node has code
    -1, exposed ones ``[0, K-1)``, infected ones ``[K-1, 2K-1)``, removed ones ``[2K-1, 3K-1)``.
    The observed rows are the codes in ``[0, row_limit)``, one unsigned comparison over all
    nodes. One lookup ``table[code]`` gives the probability of the row's transition this step:
    :math:`q(v)` for a susceptible node, :math:`\gamma` for an infected one. The code is kept
    up to date incrementally: +-1 on the out-neighbours of every node that becomes / stops
    being infected, +-K on the node itself.

    References
    ----------
    .. [1] Kermack, W. O., & McKendrick, A. G. (1927). A contribution to the mathematical
       theory of epidemics. Proceedings of the Royal Society A, 115(772), 700-721.
    .. [2] Rossetti, G., Milli, L., Rinzivillo, S., Sirbu, A., Pedreschi, D., & Giannotti, F.
       (2018). NDlib: a python library to model and analyze diffusion processes over complex
       networks. International Journal of Data Science and Analytics, 5(1), 61-79.
    """

    recovers: ClassVar[bool] = False
    """Whether infected nodes recover (SIS, SIR)."""
    reinfects: ClassVar[bool] = False
    """Whether a node can be infected more than once (SIS)."""

    def __init__(
        self,
        config: DiffusionConfig,
        network: Network,
        graph: DiffusionGraph,
        nodes: NodeStates,
    ):
        super().__init__(config, network, graph, nodes)
        n = nodes.n
        beta = config.beta_value
        self._gamma = config.gamma_value if self.recovers else 0.0
        self._K = kk = int(graph.in_deg.max()) + 1 if n else 1
        q = infection_probability(np.arange(kk), beta)
        self._code_table = np.concatenate((q[1:], np.full(kk, self._gamma), np.zeros(kk)))
        self._q_table = q
        # transitions whose probability is 0 divide by zero when the parent uniform is rescaled
        self._q_positive = beta > 0 and (not self.recovers or self._gamma > 0)
        self._row_limit = np.uint64(2 * kk - 1 if self.recovers else kk - 1)
        self._code = np.full(n, -1, dtype=np.int64)
        self._rows_cache: tuple[int, np.ndarray] | None = None
        self._in_ones: sp.csr_array | None = None
        self._pm_ones = np.ones(0, dtype=np.int64)  # [+1] * h + [-1] * h, grown by _signs
        self._new_count = 0

    # -- derived arrays -----------------------------------------------------------------------
    def rebuild(self) -> None:
        """Recount the code array from the node states."""
        super().rebuild()
        self._new_count = 0
        state = self.nodes.state
        infected = (state == ACTIVE).astype(np.float64)
        code = np.rint(self._in_pattern() @ infected).astype(np.int64)
        code += self._K * state.astype(np.int64) - 1
        self._code = code
        self._rows_cache = None

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

    def _rows(self) -> np.ndarray:
        """Ids of the exposed susceptibles (and, with recoveries, of the infected).

        The nodes with ``0 <= code < row_limit``: one unsigned comparison over all nodes and a
        ``nonzero``. Cached until the state changes (SI's convergence test and the next
        observation share it).
        """
        cache = self._rows_cache
        if cache is not None and cache[0] == self._version:
            return cache[1]
        ids = (self._code.view(np.uint64) < self._row_limit).nonzero()[0]  # -1: the maximum
        self._rows_cache = (self._version, ids)
        return ids

    def _signs(self, a: int, b: int) -> np.ndarray:
        """``a`` times +1 followed by ``b`` times -1 (a view of a cached array)."""
        h = self._pm_ones.size // 2
        if h < max(a, b):
            h = max(a, b, 2 * h)
            self._pm_ones = np.concatenate((np.ones(h, np.int64), np.full(h, -1, np.int64)))
        return self._pm_ones[h - a : h + b]

    def _infection_q(self, k: np.ndarray) -> np.ndarray:
        """:math:`1-(1-\\beta)^k` by table lookup (k is at most the largest in-degree)."""
        return self._q_table[np.asarray(k, dtype=np.int64)]

    # -- the step -----------------------------------------------------------------------------
    def observe(self, batch: Batch, mask: np.ndarray | None) -> ObsBatch:
        """Exposed susceptibles (and infected) in id order: ``state``, ``infected_neighbours``."""
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

    def decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Columns ``activate``, ``recover`` and ``pick`` (one uniform per row)."""
        m = len(obs)
        hint = self._obs_hint
        fast = self._is_fast(obs)
        u = rng.random(m)
        if fast:
            susceptible = hint[3]
            q = self._code_table.take(hint[2])
        else:
            susceptible = np.asarray(obs["state"]) == INACTIVE
            q = self._infection_q(obs["infected_neighbours"])
            q[~susceptible] = self._gamma
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

    def _apply(self, actions: ActionBatch, t: int, rng: np.random.Generator) -> Transitions:
        nodes = self.nodes
        ids = actions.ids
        activate = np.asarray(actions["activate"], bool)
        rec = None
        if self._is_own(actions):  # sorted distinct ids, states as observed
            inf_rows = activate.nonzero()[0]
            new = ids.take(inf_rows)
            k = self._obs_hint[4].take(inf_rows)
            pick = actions["pick"].take(inf_rows)
            if self.recovers:
                rec = ids.take(actions["recover"].nonzero()[0])
        else:
            ids = np.asarray(ids, dtype=np.int64)
            st = nodes.state[ids]
            inf_rows = np.flatnonzero(activate & (st == INACTIVE))
            pick = self._column(actions, "pick", ids.size, rng)
            new, first = np.unique(ids[inf_rows], return_index=True)
            pick = pick[inf_rows[first]]
            k = self._code[new] + 1  # susceptible: the code is k_I - 1
            if self.recovers and "recover" in actions.columns:
                rec_ok = np.asarray(actions["recover"], bool) & (st == ACTIVE)
                rec = np.unique(ids[rec_ok])
        if rec is None:
            rec = np.empty(0, np.int64)
        # one gather of the out-rows of the newly infected and the recovering nodes
        n_new, n_rec = new.size, rec.size
        rows = np.concatenate((new, rec)) if n_rec else new
        g = self.graph
        dst, _, _, ends = g.gather_out(rows)
        a = int(ends[n_new - 1]) if n_new else 0  # entries of the newly infected
        # parents are read from the state at the start of the step (synchronous update)
        if n_new and g.symmetric:
            par = pick_ranked_hit(dst[:a], nodes.state.take(dst[:a]) == ACTIVE, k, pick)
        else:
            par = pick_infected_in_neighbour(g.in_indptr, g.in_indices, new, nodes.state, pick, k=k)
        # code: +1 / -1 on the out-neighbours of the newly infected / recovering (unbuffered,
        # repeats add up), +K on the newly infected; the recovering move in _recover
        code = self._code
        np.add.at(code, dst, self._signs(a, dst.size - a))
        if n_rec:
            nodes.n_active -= n_rec
            self._recover(rec)
        code[new] += self._K
        nodes.activate(new, par, t, first=not self.reinfects)
        self._new_count += new.size
        return new, par, rec

    def _recover(self, rec: np.ndarray) -> None:
        """Move the recovering nodes ``rec`` out of the infected state (SIS, SIR)."""
        raise NotImplementedError(f"{type(self).__name__} has no recoveries")

    def end_step(self) -> int:
        """Number of infections in the step (reinfections included)."""
        n_new = self._new_count
        self._new_count = 0
        return n_new

    def converged(self) -> bool:
        """Nobody infected."""
        return self.nodes.n_active == 0


class SI(Epidemic):
    r"""SI: susceptible nodes are infected and stay infected.

    Parameters
    ----------
    config, network, graph, nodes
        As for :class:`Epidemic` (``beta``).

    Notes
    -----
    :math:`P(S \to I) = 1 - (1-\beta)^{k_I(v)}`; no recovery. Converged when no infected node
    has a susceptible out-neighbour (no exposed susceptible node is left).

    References
    ----------
    .. [1] Rossetti, G. et al. (2018). NDlib: a python library to model and analyze diffusion
       processes over complex networks. Int. J. Data Science and Analytics, 5(1), 61-79.
    """

    def converged(self) -> bool:
        """Nobody infected, everybody infected, or no exposed susceptible node."""
        nodes = self.nodes
        if nodes.n_active == 0 or nodes.n_active + nodes.n_removed == nodes.n:
            return True
        return self._rows().size == 0


class SIS(Epidemic):
    r"""SIS: infected nodes recover and become susceptible again.

    Parameters
    ----------
    config, network, graph, nodes
        As for :class:`Epidemic` (``beta``, ``gamma``).

    Notes
    -----
    :math:`P(S \to I) = 1 - (1-\beta)^{k_I(v)}`, :math:`P(I \to S) = \gamma`. A node can be
    infected many times; ``activated_at`` and ``parent`` keep the first infection.

    References
    ----------
    .. [1] Rossetti, G. et al. (2018). NDlib: a python library to model and analyze diffusion
       processes over complex networks. Int. J. Data Science and Analytics, 5(1), 61-79.
    """

    recovers = True
    reinfects = True

    def _recover(self, rec: np.ndarray) -> None:
        self.nodes.state[rec] = INACTIVE
        self._code[rec] -= self._K


class SIR(Epidemic):
    r"""SIR: infected nodes recover into the removed state for good.

    Parameters
    ----------
    config, network, graph, nodes
        As for :class:`Epidemic` (``beta``, ``gamma``).

    Notes
    -----
    :math:`P(S \to I) = 1 - (1-\beta)^{k_I(v)}`, :math:`P(I \to R) = \gamma`; removed nodes
    neither infect nor are infected.

    References
    ----------
    .. [1] Kermack, W. O., & McKendrick, A. G. (1927). A contribution to the mathematical
       theory of epidemics. Proceedings of the Royal Society A, 115(772), 700-721.
    .. [2] Rossetti, G. et al. (2018). NDlib: a python library to model and analyze diffusion
       processes over complex networks. Int. J. Data Science and Analytics, 5(1), 61-79.
    """

    recovers = True
    removes = True

    def _recover(self, rec: np.ndarray) -> None:
        self.nodes.state[rec] = REMOVED
        self.nodes.n_removed += rec.size
        self._code[rec] += self._K
