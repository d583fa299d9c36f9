"""The interface between the diffusion world and one spreading model.

:class:`~socium.worlds.diffusion.world.DiffusionWorld` keeps what every model shares (the
node arrays of :class:`~socium.worlds.diffusion.nodes.NodeStates`, seeds, metrics, checkpoints,
plots) and hands observation, decision, update and convergence to one
:class:`DiffusionModel`, chosen once at construction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from socium.core.batches import ActionBatch, Batch, ObsBatch
    from socium.core.network import Network
    from socium.core.population import Population
    from socium.worlds.diffusion.config import DiffusionConfig
    from socium.worlds.diffusion.graph import DiffusionGraph
    from socium.worlds.diffusion.nodes import NodeStates

__all__ = ["DiffusionModel", "Transitions"]

_NO_FRONTIER = np.empty(0, np.int64)
_NO_FRONTIER.flags.writeable = False

Transitions = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]
"""What :meth:`DiffusionModel.apply` changed: ``(new, parent, recovered)``; ``recovered`` is
``None`` for models without recovery events (cascades)."""


class DiffusionModel(ABC):
    r"""One spreading rule, driven by :class:`~socium.worlds.diffusion.world.DiffusionWorld`.

    Parameters
    ----------
    config : DiffusionConfig
        The ``[world]`` section.
    network : Network
        The network of the run.
    graph : DiffusionGraph
        Its CSR arrays, shared with the world.
    nodes : NodeStates
        The node arrays and counters, shared with the world (the model updates them).

    Attributes
    ----------
    frontier : numpy.ndarray of int64
        Nodes activated in the last step (cascades; always empty for epidemics).
    threshold, pressure : numpy.ndarray of float64 or None
        Linear threshold only: :math:`\theta_v` and the accumulated influence.

    Notes
    -----
    The world calls :meth:`start` once after placing the seeds, then every step
    :meth:`observe`, :meth:`decide` (through the rule policy), :meth:`apply`, :meth:`end_step`
    and :meth:`converged`; after a restore :meth:`set_state` and :meth:`rebuild`.

    Observation and decision leave *hints* (the batch objects they returned, stamped with a
    version that every :meth:`apply` and :meth:`rebuild` bumps): when :meth:`apply` receives
    this step's unmodified :meth:`decide` output of this step's observation it skips the checks
    that foreign actions need (:meth:`_is_own`).
    """

    cascade: ClassVar[bool] = False
    """Whether activations are permanent and form a who-activated-whom forest (IC, LT)."""
    removes: ClassVar[bool] = False
    """Whether nodes can reach the removed state (SIR)."""

    frontier: np.ndarray = _NO_FRONTIER
    threshold: np.ndarray | None = None
    pressure: np.ndarray | None = None

    def __init__(
        self,
        config: DiffusionConfig,
        network: Network,
        graph: DiffusionGraph,
        nodes: NodeStates,
    ):
        self.config = config
        self.network = network
        self.graph = graph
        self.nodes = nodes
        self._version = 0
        self._obs_hint: tuple[Any, ...] | None = None  # (obs, version, ...) of the last observe
        self._act_hint: tuple[Any, ...] | None = None  # (actions, version) of the last decide

    def start(self, seeds: np.ndarray, population: Population, rng: np.random.Generator) -> None:  # noqa: B027 - optional hook
        """Set up the model's own arrays once the seeds are active (``rng``: the world stream)."""

    @abstractmethod
    def observe(self, batch: Batch, mask: np.ndarray | None) -> ObsBatch:
        """Exposure of the scheduled nodes (``mask``: boolean, ``None`` when all are)."""

    @abstractmethod
    def decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The rule: draw the stochastic outcomes of the observed rows from ``rng``."""

    def apply(self, actions: ActionBatch, t: int, rng: np.random.Generator) -> Transitions:
        """Update the node arrays for step ``t``; returns the :data:`Transitions`.

        ``rng`` (the world stream) stands in for random columns a policy left out.
        """
        out = self._apply(actions, t, rng)
        self._version += 1
        self._obs_hint = self._act_hint = None
        return out

    @abstractmethod
    def _apply(self, actions: ActionBatch, t: int, rng: np.random.Generator) -> Transitions:
        """The model's update (:meth:`apply` then invalidates the hints)."""

    @abstractmethod
    def end_step(self) -> int:
        """Close the step; returns the number of nodes activated in it."""

    @abstractmethod
    def converged(self) -> bool:
        """Whether the state can no longer change."""

    def get_state(self) -> dict[str, Any]:
        """The model's own checkpoint arrays: ``frontier`` (+ LT ``threshold``, ``pressure``)."""
        return {"frontier": self.frontier.copy()}

    def set_state(self, state: Mapping[str, Any]) -> None:  # noqa: B027 - optional hook
        """Restore :meth:`get_state` (the node arrays are restored by the world)."""

    def rebuild(self) -> None:
        """Drop step buffers and hints, rebuild derived arrays from the node arrays."""
        self._version += 1
        self._obs_hint = self._act_hint = None

    # -- helpers for the fast path ------------------------------------------------------------
    def _is_fast(self, obs: ObsBatch) -> bool:
        """Whether ``obs`` is the unmodified output of this step's :meth:`observe`."""
        hint = self._obs_hint
        return hint is not None and hint[0] is obs and hint[1] == self._version

    def _is_own(self, actions: ActionBatch) -> bool:
        """Whether ``actions`` is this step's unmodified :meth:`decide` output."""
        hint, obs_hint = self._act_hint, self._obs_hint
        return (
            hint is not None
            and hint[0] is actions
            and hint[1] == self._version
            and obs_hint is not None
            and obs_hint[0] is actions.obs
        )

    @staticmethod
    def _column(actions: ActionBatch, name: str, size: int, rng: np.random.Generator) -> np.ndarray:
        """An action column, or (for policies that leave it out) uniforms from ``rng``."""
        if name in actions.columns:
            return np.asarray(actions[name])
        return rng.random(size)
