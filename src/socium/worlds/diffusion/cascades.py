r"""Progressive cascade models: independent cascade and linear threshold.

An active node stays active; the nodes activated in a step (the *frontier*) are the only ones
whose out-edges can activate anybody in the next step, so a step costs the out-rows of the
frontier, not the whole graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from socium.core.batches import ActionBatch, ObsBatch
from socium.errors import ConfigError
from socium.worlds.diffusion.base import DiffusionModel, Transitions
from socium.worlds.diffusion.kernels import (
    count_by_target,
    first_per_group,
    gather_rows,
    is_sorted,
    lt_parents,
    scatter_add,
)
from socium.worlds.diffusion.nodes import INACTIVE

if TYPE_CHECKING:
    from socium.core.batches import Batch
    from socium.core.network import Network
    from socium.core.population import Population
    from socium.worlds.diffusion.config import DiffusionConfig
    from socium.worlds.diffusion.graph import DiffusionGraph
    from socium.worlds.diffusion.nodes import NodeStates

__all__ = ["Cascade", "IndependentCascade", "LinearThreshold"]


class Cascade(DiffusionModel):
    """Shared part of the progressive models: the frontier and the unweighted-network check.

    Parameters
    ----------
    config, network, graph, nodes
        As for :class:`~socium.worlds.diffusion.base.DiffusionModel`.

    Notes
    -----
    The frontier of step :math:`t+1` is the set of nodes activated at step :math:`t` (the seeds
    at step 0), ascending. The process has converged when the frontier is empty: no node can
    be activated any more.
    """

    cascade = True

    def __init__(
        self,
        config: DiffusionConfig,
        network: Network,
        graph: DiffusionGraph,
        nodes: NodeStates,
    ):
        super().__init__(config, network, graph, nodes)
        self.use_weights = config.use_weights_value
        if self.use_weights and not network.weighted:
            raise ConfigError(
                "world.use_weights", "the network is unweighted; set use_weights = false"
            )
        self.frontier = np.empty(0, np.int64)
        self._new_parts: list[np.ndarray] = []

    def start(self, seeds: np.ndarray, population: Population, rng: np.random.Generator) -> None:
        """The seeds are the first frontier."""
        self.frontier = seeds.copy()

    def _activate(self, new: np.ndarray, par: np.ndarray, t: int) -> None:
        self.nodes.activate(new, par, t, first=True)
        self._new_parts.append(new)

    def end_step(self) -> int:
        """The nodes activated in the step become the frontier."""
        parts = self._new_parts
        if len(parts) == 1:
            new = parts[0]
        else:
            new = np.concatenate(parts) if parts else np.empty(0, np.int64)
            if not is_sorted(new):
                new = np.unique(new)
        self._new_parts = []
        self.frontier = new.astype(np.int64, copy=False)
        return int(new.size)

    def converged(self) -> bool:
        """No activation in the last step (empty frontier)."""
        return self.frontier.size == 0

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore the frontier."""
        self.frontier = np.array(state["frontier"], dtype=np.int64)

    def rebuild(self) -> None:
        """Drop the activations buffered for the step and the hints."""
        super().rebuild()
        self._new_parts = []


class IndependentCascade(Cascade):
    r"""Independent cascade: every new activation gets one chance per out-edge.

    Parameters
    ----------
    config, network, graph, nodes
        As for :class:`~socium.worlds.diffusion.base.DiffusionModel`; with ``use_weights``
        the edge weights are the probabilities and must lie in [0, 1].

    Notes
    -----
    A node :math:`u` activated at step :math:`t` tries once, at :math:`t+1`, to activate each
    inactive out-neighbour :math:`v`, succeeding with probability :math:`p_{uv}` (``p``, or the
    edge weight with ``use_weights``) independently of all other attempts.

    Observation: one row per frontier edge ``u -> v`` into an inactive ``v`` (``ids`` = ``v``,
    columns ``source`` = ``u`` and ``p`` = :math:`p_{uv}`). Decision: one uniform :math:`u_j`
    per row, ``activate`` = :math:`u_j < p_j` and ``priority`` = :math:`u_j / p_j` (uniform on
    [0, 1) given success); among the successful attempts on a node the smallest priority names
    its parent, which is a uniformly random successful source.

    References
    ----------
    .. [1] Goldenberg, J., Libai, B., & Muller, E. (2001). Talk of the network: a complex
       systems look at the underlying process of word-of-mouth. Marketing Letters, 12(3).
    .. [2] Kempe, D., Kleinberg, J., & Tardos, E. (2003). Maximizing the spread of influence
       through a social network. KDD 2003, 137-146.
    """

    def __init__(
        self,
        config: DiffusionConfig,
        network: Network,
        graph: DiffusionGraph,
        nodes: NodeStates,
    ):
        super().__init__(config, network, graph, nodes)
        self._p = config.p_value
        self._edge_p: np.ndarray | None = None  # probability of each out-edge (use_weights)
        if self.use_weights:
            data = network.adjacency.data
            if data.size and (data.min() < 0 or data.max() > 1):
                raise ConfigError(
                    "world.use_weights",
                    "edge weights are used as probabilities and must lie in [0, 1]; "
                    f"found [{data.min():g}, {data.max():g}]",
                )
            self._edge_p = np.asarray(data, dtype=np.float64)

    def observe(self, batch: Batch, mask: np.ndarray | None) -> ObsBatch:
        """Frontier edges into inactive scheduled nodes: columns ``source`` and ``p``."""
        frontier = self.frontier
        dst, pos, lengths, _ = self.graph.gather_out(frontier)
        keep = self.nodes.state.take(dst) == INACTIVE
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

    def decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Columns ``activate``, ``priority`` and ``source`` (one uniform per row)."""
        m = len(obs)
        fast = self._is_fast(obs)
        u = rng.random(m)
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
        self._act_hint = (actions, self._version) if fast else None
        return actions

    def _apply(self, actions: ActionBatch, t: int, rng: np.random.Generator) -> Transitions:
        if self._is_own(actions):  # rows are frontier edges into inactive nodes
            ids, source, priority = actions.ids, actions["source"], actions["priority"]
            rows = actions["activate"].nonzero()[0]
        else:
            ids = np.asarray(actions.ids, dtype=np.int64)
            ok = np.asarray(actions["activate"], bool) & (self.nodes.state[ids] == INACTIVE)
            rows = np.flatnonzero(ok)
            source = actions.columns.get("source")
            if source is None:
                source = actions.obs["source"]
            source = np.asarray(source, dtype=np.int64)
            priority = self._column(actions, "priority", ids.size, rng)
        win = rows.take(first_per_group(ids.take(rows), priority.take(rows)))
        new, par = ids.take(win), source.take(win)
        self._activate(new, par, t)
        return new, par, None


class LinearThreshold(Cascade):
    r"""Linear threshold: a node activates once the influence of its active in-neighbours
    reaches its threshold.

    Parameters
    ----------
    config, network, graph, nodes
        As for :class:`~socium.worlds.diffusion.base.DiffusionModel`; with ``use_weights``
        the edge weights (>= 0) set the influence.

    Notes
    -----
    Node :math:`v` activates at the first step where
    :math:`\sum_{u \in A, u \to v} b_{uv} \ge \theta_v`, with :math:`b_{uv} = 1/d^{in}_v`
    (or :math:`w_{uv} / \sum_{u'} w_{u'v}` with ``use_weights``) and :math:`\theta_v` the
    ``threshold`` population field (drawn uniform on [0, 1) from the world stream when
    absent). The sum (``pressure``) is kept incrementally: every newly active node adds
    :math:`b_{uv}` to each out-neighbour. The rule is deterministic given the thresholds.

    Observation: one row per inactive out-neighbour of the frontier (columns ``influence`` and
    ``threshold``). The parent of a new node is its most recently activated active
    in-neighbour (:func:`~socium.worlds.diffusion.kernels.lt_parents`).

    References
    ----------
    .. [1] Granovetter, M. (1978). Threshold models of collective behavior. American Journal
       of Sociology, 83(6), 1420-1443.
    .. [2] Kempe, D., Kleinberg, J., & Tardos, E. (2003). Maximizing the spread of influence
       through a social network. KDD 2003, 137-146.
    """

    def __init__(
        self,
        config: DiffusionConfig,
        network: Network,
        graph: DiffusionGraph,
        nodes: NodeStates,
    ):
        super().__init__(config, network, graph, nodes)
        self._in_weight: np.ndarray | None = None  # weight of each in-edge (for parents)
        self._out_weight: np.ndarray | None = None  # raw weight of each out-edge
        if self.use_weights:
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
            self._in_norm = np.where(total > 0, 1.0 / total, 0.0)  # 1 / in-degree or strength
        self.threshold = np.zeros(0)
        self.pressure = np.zeros(nodes.n)

    def start(self, seeds: np.ndarray, population: Population, rng: np.random.Generator) -> None:
        """Read or draw the thresholds; the seeds start the frontier and the pressure."""
        self.threshold = self._thresholds(population, rng)
        super().start(seeds, population, rng)
        self._add_pressure(seeds)

    def _thresholds(self, population: Population, rng: np.random.Generator) -> np.ndarray:
        n = self.nodes.n
        if "threshold" in population:
            theta = np.asarray(population["threshold"], dtype=np.float64)
            if not np.all(np.isfinite(theta)) or theta.min() < 0:
                raise ConfigError("population.init.threshold", "thresholds must be finite and >= 0")
            return theta.copy()
        theta = rng.random(n)
        population["threshold"] = theta
        return theta.copy()

    def _add_pressure(self, nodes: np.ndarray) -> None:
        """Add :math:`b_{uv}` of every out-edge of the newly active ``nodes``."""
        dst, pos, _, _ = self.graph.gather_out(np.asarray(nodes, dtype=np.int64))
        w = self._in_norm[dst]
        if self._out_weight is not None:
            w = w * self._out_weight[pos]
        scatter_add(self.pressure, dst, w)

    def observe(self, batch: Batch, mask: np.ndarray | None) -> ObsBatch:
        """Inactive candidates: columns ``influence`` and ``threshold``."""
        state, n = self.nodes.state, self.nodes.n
        if mask is None:
            g = self.graph
            _, dst, _ = gather_rows(g.out_indptr, g.out_indices, self.frontier, with_src=False)
            cand, _ = count_by_target(dst[state[dst] == INACTIVE], n)
        else:  # nodes pushed over threshold while unscheduled must stay candidates
            cand = np.flatnonzero((state == INACTIVE) & mask & (self.pressure > 0))
        cols = {"influence": self.pressure[cand], "threshold": self.threshold[cand]}
        return ObsBatch(cand, cols, batch)

    def decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """``activate`` = influence >= threshold (no random numbers)."""
        activate = obs["influence"] >= obs["threshold"]
        return ActionBatch(obs.ids, {"activate": activate}, obs)

    def _apply(self, actions: ActionBatch, t: int, rng: np.random.Generator) -> Transitions:
        ids = np.asarray(actions.ids, dtype=np.int64)
        ok = np.asarray(actions["activate"], bool) & (self.nodes.state[ids] == INACTIVE)
        new = np.unique(ids[ok])
        g = self.graph
        par = lt_parents(
            g.in_indptr, g.in_indices, self._in_weight, new, self.nodes.activated_at, t
        )
        self._activate(new, par, t)
        self._add_pressure(new)
        return new, par, None

    def get_state(self) -> dict[str, Any]:
        """``frontier``, ``threshold`` and ``pressure``."""
        out = super().get_state()
        out["threshold"] = self.threshold.copy()
        out["pressure"] = self.pressure.copy()
        return out

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore the frontier, thresholds and pressure."""
        super().set_state(state)
        self.threshold = np.array(state["threshold"], dtype=np.float64)
        self.pressure = np.array(state["pressure"], dtype=np.float64)
