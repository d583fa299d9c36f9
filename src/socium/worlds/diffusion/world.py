r"""The diffusion world: independent cascade, linear threshold, SI, SIS and SIR on a network.

All models are synchronous: every step reads the state left by the previous step, and every
change of a step is applied at once. Node states are ``0`` = susceptible / inactive, ``1`` =
infected / active, ``2`` = removed (SIR only). An edge ``u -> v`` of the network means that
``u`` can activate (infect) ``v``. The world keeps what all models share (node arrays, seeds,
metrics, checkpoints, plots); the rule itself is one model object from :data:`MODEL_CLASSES`
(:mod:`~socium.worlds.diffusion.cascades`, :mod:`~socium.worlds.diffusion.epidemics`). See
``docs/worlds/diffusion.md`` for the rules, formulas and references.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import SynchronousSpec
from socium.errors import ConfigError
from socium.metrics.cascades import generation, spread_curve, structural_virality
from socium.worlds.diffusion.base import DiffusionModel
from socium.worlds.diffusion.cascades import IndependentCascade, LinearThreshold
from socium.worlds.diffusion.config import MODELS, DiffusionConfig
from socium.worlds.diffusion.epidemics import SI, SIR, SIS
from socium.worlds.diffusion.graph import DiffusionGraph
from socium.worlds.diffusion.nodes import ACTIVE, INACTIVE, REMOVED, NodeStates
from socium.worlds.diffusion.seeds import select_seeds

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["ACTIVE", "INACTIVE", "MODEL_CLASSES", "REMOVED", "DiffusionWorld"]

MODEL_CLASSES: dict[str, type[DiffusionModel]] = {
    "independent_cascade": IndependentCascade,
    "linear_threshold": LinearThreshold,
    "si": SI,
    "sis": SIS,
    "sir": SIR,
}
"""The model class of each ``world.model`` name (same keys as ``config.MODELS``)."""

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

    Attributes
    ----------
    dynamics : DiffusionModel
        The model of ``config.model`` (from :data:`MODEL_CLASSES`), which observes, decides
        and updates the shared node arrays.
    state, activated_at, parent : numpy.ndarray
        The node arrays (see :class:`~socium.worlds.diffusion.nodes.NodeStates`).
    seeds : numpy.ndarray of int64
        The seed nodes.

    Notes
    -----
    *Independent cascade* (Goldenberg, Libai & Muller 2001; Kempe, Kleinberg & Tardos 2003):
    a node activated at step :math:`t` tries once, at :math:`t+1`, to activate each inactive
    out-neighbour :math:`v`, succeeding with probability :math:`p_{uv}` (``p``, or the edge
    weight with ``use_weights``) independently
    (:class:`~socium.worlds.diffusion.cascades.IndependentCascade`).

    *Linear threshold* (Granovetter 1978; Kempe et al. 2003): :math:`v` activates at the first
    step where :math:`\\sum_{u \\in A, u \\to v} b_{uv} \\ge \\theta_v`, with
    :math:`b_{uv} = 1/d^{in}_v` (or :math:`w_{uv} / \\sum_{u'} w_{u'v}`)
    (:class:`~socium.worlds.diffusion.cascades.LinearThreshold`).

    *SI / SIS / SIR* (Kermack & McKendrick 1927, in ndlib's discrete-time form, Rossetti et al.
    2018): a susceptible node with :math:`k_I(v)` infected in-neighbours becomes infected with
    probability :math:`1 - (1-\\beta)^{k_I(v)}`; an infected node recovers with probability
    :math:`\\gamma` (SIS: back to susceptible, SIR: removed)
    (:mod:`~socium.worlds.diffusion.epidemics`).

    When :meth:`apply` receives the unmodified :meth:`rule_decide` output of this step's
    :meth:`observe`, it skips the checks that actions of other policies need.

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
    metric_descriptions = _METRICS
    model_names = MODELS

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
        self.n = network.n
        self.nodes = NodeStates(self.n)
        self.dynamics = MODEL_CLASSES[config.model](
            config, network, DiffusionGraph(network), self.nodes
        )
        self.seeds = select_seeds(config.seeds, network, rng)
        self.nodes.seed(self.seeds)
        self.dynamics.start(self.seeds, population, rng)
        self._t = 0
        self._n_new = int(self.seeds.size)
        self._full_ids: np.ndarray | None = None
        self._rebuild()
        self._peak = self.nodes.n_active
        self._peak_step = 0

    def _rebuild(self) -> None:
        """Counters and the model's derived arrays from the node arrays."""
        self.nodes.recount()
        self.dynamics.rebuild()

    # -- shared arrays --------------------------------------------------------------------------
    @property
    def state(self) -> np.ndarray:
        """Node states: 0 susceptible / inactive, 1 infected / active, 2 removed."""
        return self.nodes.state

    @property
    def activated_at(self) -> np.ndarray:
        """Step of the first activation, -1 for never (seeds: 0)."""
        return self.nodes.activated_at

    @property
    def parent(self) -> np.ndarray:
        """Who caused the first activation, -1 for seeds and never-active nodes."""
        return self.nodes.parent

    @property
    def frontier(self) -> np.ndarray:
        """Cascades: the nodes activated in the last step (empty for epidemics)."""
        return self.dynamics.frontier

    @property
    def threshold(self) -> np.ndarray | None:
        """Linear threshold: :math:`\\theta_v` of every node (``None`` for other models)."""
        return self.dynamics.threshold

    @property
    def pressure(self) -> np.ndarray | None:
        """Linear threshold: the influence of the active in-neighbours (else ``None``)."""
        return self.dynamics.pressure

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
        return self.dynamics.observe(batch, self._mask(np.asarray(batch.ids)))

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Draw the stochastic outcomes (one uniform per observation row).

        Columns of the action: ``activate`` (bool) and, per model, ``priority`` (IC:
        :math:`u/p_{uv}`; the smallest among the successful attempts on a node names its
        parent), ``recover`` and ``pick`` (epidemics: :math:`u/q`, a uniform number that
        selects the parent of an infected row). A successful row with uniform :math:`u < q`
        reuses :math:`u/q`, which is again uniform on [0, 1) and independent of the success
        itself, so parents cost no extra random numbers.
        """
        return self.dynamics.decide(obs, rng)

    def apply(self, actions: ActionBatch) -> list[EventBatch]:
        """Activate / infect and recover, returning ``activate`` and ``recover`` events.

        ``activate`` events carry the parent in ``other`` (-1 for none) and the step in
        ``value``; ``recover`` events (epidemics) carry the step in ``value``. No events are
        built when the run does not record them (``collect_events`` is false). Columns that a
        policy leaves out (``priority``, ``pick``) are drawn from the world stream.
        """
        t = self._t + 1
        new, par, rec = self.dynamics.apply(actions, t, self.rng)
        if not self.collect_events:
            return []
        events = [EventBatch.make("activate", new, par, np.full(new.size, float(t)))]
        if rec is not None:
            events.append(EventBatch.make("recover", rec, None, np.full(rec.size, float(t))))
        return events

    def end_step(self, step: int) -> None:
        """Close the step: the newly activated become the frontier; track the peak."""
        self._t = int(step)
        self._n_new = self.dynamics.end_step()
        if self.nodes.n_active > self._peak:
            self._peak, self._peak_step = self.nodes.n_active, self._t

    def converged(self) -> bool:
        """Whether the state can no longer change.

        IC/LT: no activation in the last step (empty frontier); SIS/SIR: nobody infected;
        SI: no infected node has a susceptible out-neighbour (no exposed susceptible node).
        """
        return self.dynamics.converged()

    # -- metrics ------------------------------------------------------------------------------
    def step_metrics(self) -> dict[str, float]:
        """Fractions ``active``, ``ever_active``, ``new``, ``susceptible`` (+ ``recovered``).

        ``new`` counts the nodes activated in the step (the seeds at step 0), reinfections of
        SIS included; ``susceptible`` is the fraction inactive; ``recovered`` (SIR) the fraction
        removed. O(1).
        """
        nodes, n = self.nodes, float(self.n)
        out = {
            "active": nodes.n_active / n,
            "ever_active": nodes.n_ever / n,
            "new": self._n_new / n,
            "susceptible": (self.n - nodes.n_active - nodes.n_removed) / n,
        }
        if self.dynamics.removes:
            out["recovered"] = nodes.n_removed / n
        return out

    def final_metrics(self) -> dict[str, Any]:
        """Spread, peak, cascade shape and the spread curve (names in ``metric_names``)."""
        parent, activated_at = self.nodes.parent, self.nodes.activated_at
        gen = generation(parent, activated_at)
        active_gen = gen[gen >= 0]
        breadth = int(np.bincount(active_gen).max()) if active_gen.size else 0
        sv = np.asarray(structural_virality(parent, activated_at, per_tree=True), dtype=float)
        sv = sv[np.isfinite(sv)]
        return {
            "spread": self.nodes.n_ever / self.n,
            "final_active": self.nodes.n_active / self.n,
            "peak_active": self._peak / self.n,
            "peak_step": int(self._peak_step),
            "cascade_depth": int(active_gen.max()) if active_gen.size else 0,
            "max_breadth": breadth,
            "structural_virality": float(sv.mean()) if sv.size else float("nan"),
            "n_seeds": int(self.seeds.size),
            "spread_curve": spread_curve(activated_at, self._t + 1, self.n).tolist(),
        }

    # -- state --------------------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """Arrays ``state``, ``activated_at``, ``parent``, ``frontier``, ``seeds`` (+ LT
        ``threshold``, ``pressure``) and the counters ``step``, ``n_new``, ``peak``, ``peak_step``.
        """
        model_state = self.dynamics.get_state()
        return {
            "state": self.nodes.state.copy(),
            "activated_at": self.nodes.activated_at.copy(),
            "parent": self.nodes.parent.copy(),
            "frontier": model_state.pop("frontier"),
            "seeds": self.seeds.copy(),
            "step": self._t,
            "n_new": self._n_new,
            "peak": self._peak,
            "peak_step": self._peak_step,
            **model_state,
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`; counts and the epidemic codes are rebuilt from arrays."""
        nodes = self.nodes
        nodes.state = np.array(state["state"], dtype=np.int8)
        nodes.activated_at = np.array(state["activated_at"], dtype=nodes.activated_at.dtype)
        nodes.parent = np.array(state["parent"], dtype=nodes.parent.dtype)
        self.seeds = np.array(state["seeds"], dtype=np.int64)
        self._t = int(state["step"])
        self._n_new = int(state["n_new"])
        self._peak = int(state["peak"])
        self._peak_step = int(state["peak_step"])
        self.dynamics.set_state(state)
        self._rebuild()

    def agent_table(self) -> dict[str, np.ndarray]:
        """``state`` (0 S/inactive, 1 I/active, 2 R), ``activated_at`` (-1 never), ``parent``."""
        return {
            "state": self.nodes.state.copy(),
            "activated_at": self.nodes.activated_at.copy(),
            "parent": self.nodes.parent.copy(),
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

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``spread.png`` and, for IC/LT, ``cascade_generations.png``."""
        from socium.worlds.diffusion.plots import plot_generations, plot_spread

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        paths = [plot_spread(metrics, outdir / "spread.png", self.model)]
        if self.dynamics.cascade:
            gen = generation(self.nodes.parent, self.nodes.activated_at)
            paths.append(plot_generations(gen, outdir / "cascade_generations.png", self.model))
        return paths
