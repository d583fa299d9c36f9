"""The peer implementations the benchmarks compare socium with: ndlib and Mesa 3.

Each ``make_*`` function builds a ready-to-step model on a given networkx graph and initial
state, and returns it together with a ``step`` callable and a description of what one call of
``step`` does (``units``: how many full sweeps, or model steps, it covers). See
``docs/benchmarks.md`` for the semantics of every peer's "iteration".

The peers use their own random number generators (ndlib: numpy's and the stdlib's global ones,
seeded by the ``seed`` argument of the ndlib model; Mesa: the model's ``random.Random``), exactly
as their users do. None of this code is part of socium.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "PeerModel",
    "mesa_deffuant",
    "mesa_voter",
    "ndlib_deffuant",
    "ndlib_ic",
    "ndlib_sir",
    "ndlib_voter",
]


@dataclass
class PeerModel:
    """A peer model ready to be stepped.

    Attributes
    ----------
    model : object
        The ndlib or Mesa model.
    step : callable
        One call advances the model by ``units`` benchmark units.
    units : float
        Sweeps (opinion models) or synchronous steps (diffusion models) per ``step()`` call.
    state : callable
        Returns the current per-node state as a numpy array in node order ``0..n-1``.
    note : str
        What one ``step()`` does, in words.
    """

    model: Any
    step: Callable[[], Any]
    units: float
    state: Callable[[], np.ndarray]
    note: str


# ------------------------------------------------------------------------------------------ ndlib
def _ndlib_config():
    import ndlib.models.ModelConfig as mc

    return mc.Configuration()


def _ndlib_state(model, n: int) -> Callable[[], np.ndarray]:
    return lambda: np.array([model.status[i] for i in range(n)], dtype=float)


def ndlib_voter(graph, x0: np.ndarray, seed: int) -> PeerModel:
    """ndlib ``VoterModel`` with binary opinions ``x0`` (0/1).

    One ``iteration()`` picks ONE random listener and copies the opinion of one random neighbour
    (after rebuilding ``list(graph.nodes)`` and recounting all statuses, which makes each
    iteration O(N)). A sweep is therefore N iterations; ``units = 1 / N``.
    """
    from ndlib.models.opinions import VoterModel

    n = graph.number_of_nodes()
    model = VoterModel(graph, seed=seed)
    cfg = _ndlib_config()
    cfg.add_model_initial_configuration("Infected", [int(i) for i in np.flatnonzero(x0 == 1)])
    model.set_initial_status(cfg)
    model.iteration(node_status=False)  # iteration 0 only reports the initial state
    return PeerModel(
        model,
        lambda: model.iteration(node_status=False),
        1.0 / n,
        _ndlib_state(model, n),
        "1 iteration = 1 listener update (O(N) bookkeeping); sweep = N iterations",
    )


def ndlib_deffuant(graph, x0: np.ndarray, epsilon: float, seed: int) -> PeerModel:
    """ndlib ``AlgorithmicBiasModel`` with ``gamma = 0``: the plain Deffuant model with mu = 1/2.

    One ``iteration()`` performs N pairwise interactions: a uniformly random node ``i``, a
    neighbour ``j`` chosen with probability proportional to ``|x_i - x_j|^(-gamma)`` (uniform for
    gamma = 0), and both move to the average when ``|x_i - x_j| < epsilon``. ``units = 1``.
    The initial opinions drawn by ndlib are replaced by ``x0``.
    """
    from ndlib.models.opinions import AlgorithmicBiasModel

    n = graph.number_of_nodes()
    model = AlgorithmicBiasModel(graph, seed=seed)
    cfg = _ndlib_config()
    cfg.add_model_parameter("epsilon", float(epsilon))
    cfg.add_model_parameter("gamma", 0.0)
    model.set_initial_status(cfg)
    for i in range(n):
        model.status[i] = float(x0[i])
    model.initial_status = model.status.copy()
    model.iteration(node_status=False)  # iteration 0 only reports the initial state
    return PeerModel(
        model,
        lambda: model.iteration(node_status=False),
        1.0,
        _ndlib_state(model, n),
        "1 iteration = N pairwise interactions (one sweep), mu fixed at 1/2",
    )


def ndlib_sir(graph, infected: np.ndarray, beta: float, gamma: float, seed: int) -> PeerModel:
    """ndlib ``SIRModel``: one ``iteration()`` is one synchronous step.

    Every infected node tries each susceptible neighbour once with probability ``beta`` and
    recovers with probability ``gamma``; new states take effect at the end of the step.
    Statuses: 0 = S, 1 = I, 2 = R. ``units = 1`` (one step).
    """
    from ndlib.models.epidemics import SIRModel

    n = graph.number_of_nodes()
    model = SIRModel(graph, seed=seed)
    cfg = _ndlib_config()
    cfg.add_model_parameter("beta", float(beta))
    cfg.add_model_parameter("gamma", float(gamma))
    cfg.add_model_initial_configuration("Infected", [int(i) for i in infected])
    model.set_initial_status(cfg)
    model.iteration(node_status=False)
    return PeerModel(
        model,
        lambda: model.iteration(node_status=False),
        1.0,
        _ndlib_state(model, n),
        "1 iteration = 1 synchronous step (all infected nodes act)",
    )


def ndlib_ic(graph, seeds: np.ndarray, p: float, seed: int) -> PeerModel:
    """ndlib ``IndependentCascadesModel`` with the same activation probability ``p`` on every edge.

    One ``iteration()`` is one synchronous step: every node activated in the previous step tries
    each inactive neighbour once with probability ``p`` (the edge ``threshold``), then becomes
    "removed" (2). ``units = 1`` (one step).
    """
    from ndlib.models.epidemics import IndependentCascadesModel

    n = graph.number_of_nodes()
    model = IndependentCascadesModel(graph, seed=seed)
    cfg = _ndlib_config()
    for e in graph.edges():
        cfg.add_edge_configuration("threshold", e, float(p))
    cfg.add_model_initial_configuration("Infected", [int(i) for i in seeds])
    model.set_initial_status(cfg)
    model.iteration(node_status=False)
    return PeerModel(
        model,
        lambda: model.iteration(node_status=False),
        1.0,
        _ndlib_state(model, n),
        "1 iteration = 1 synchronous step (nodes activated last step try their neighbours)",
    )


# ------------------------------------------------------------------------------------------- Mesa
def _mesa_classes():
    """The textbook Mesa 3 voter and Deffuant models (one agent object per node)."""
    import mesa
    from mesa.discrete_space import FixedAgent, Network

    class VoterAgent(FixedAgent):
        """Copies the opinion of a random neighbour."""

        def __init__(self, model, opinion, cell):
            super().__init__(model)
            self.opinion = opinion
            self.cell = cell

        def step(self):
            neighbourhood = self.cell.neighborhood
            if len(neighbourhood):
                self.opinion = neighbourhood.select_random_agent().opinion

    class DeffuantAgent(FixedAgent):
        """Meets a random neighbour; both move ``mu`` of the way when closer than ``epsilon``."""

        def __init__(self, model, opinion, cell):
            super().__init__(model)
            self.opinion = opinion
            self.cell = cell

        def step(self):
            neighbourhood = self.cell.neighborhood
            if not len(neighbourhood):
                return
            other = neighbourhood.select_random_agent()
            diff = other.opinion - self.opinion
            if abs(diff) < self.model.epsilon:
                self.opinion += self.model.mu * diff
                other.opinion -= self.model.mu * diff

    class OpinionModel(mesa.Model):
        """One agent per node of ``graph``; ``step()`` activates every agent once (random order)."""

        def __init__(self, graph, x0, agent_cls, epsilon=0.0, mu=0.0, seed=None):
            super().__init__(rng=seed)
            self.epsilon = epsilon
            self.mu = mu
            self.grid = Network(graph, capacity=1, random=self.random)
            for node in graph.nodes:
                agent_cls(self, x0[node], self.grid._cells[node])

        def step(self):
            self.agents.shuffle_do("step")

    return VoterAgent, DeffuantAgent, OpinionModel


def _mesa_state(model, n: int) -> Callable[[], np.ndarray]:
    def state() -> np.ndarray:
        out = np.empty(n)
        for a in model.agents:
            out[a.cell.coordinate] = a.opinion
        return out

    return state


def mesa_voter(graph, x0: np.ndarray, seed: int) -> PeerModel:
    """Mesa 3 voter model: ``model.step()`` = N agent updates (``agents.shuffle_do("step")``)."""
    voter, _, opinion_model = _mesa_classes()
    n = graph.number_of_nodes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = opinion_model(graph, [int(v) for v in x0], voter, seed=seed)
    return PeerModel(
        model,
        model.step,
        1.0,
        _mesa_state(model, n),
        "model.step() = every agent once in random order (N updates)",
    )


def mesa_deffuant(graph, x0: np.ndarray, epsilon: float, mu: float, seed: int) -> PeerModel:
    """Mesa 3 Deffuant model: ``model.step()`` = N pairwise interactions."""
    _, deffuant, opinion_model = _mesa_classes()
    n = graph.number_of_nodes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = opinion_model(
            graph, [float(v) for v in x0], deffuant, epsilon=epsilon, mu=mu, seed=seed
        )
    return PeerModel(
        model,
        model.step,
        1.0,
        _mesa_state(model, n),
        "model.step() = every agent once in random order (N interactions)",
    )
