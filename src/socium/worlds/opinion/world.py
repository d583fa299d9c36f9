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
:func:`socium.core.sequential.sequential_schedule` into batches that are decided and applied
together, with the same result as one event at a time. See ``docs/worlds/opinion.md``.

:class:`OpinionWorld` holds the state, the metrics and the checkpoint; the model-specific half
of the step is one :class:`~socium.worlds.opinion.models.OpinionModel` (the classes of
:mod:`~socium.worlds.opinion.models_continuous` and :mod:`~socium.worlds.opinion.models_discrete`),
picked once from :data:`MODEL_CLASSES` when the world is built.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import scipy.sparse as sp

from socium.core.actions import ActionMenu, ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import ScheduleSpec
from socium.errors import ConfigError
from socium.metrics import (
    bimodality_coefficient,
    esteban_ray,
    opinion_clusters,
    state_fractions,
)
from socium.worlds.opinion import llm
from socium.worlds.opinion.config import MODELS, OpinionConfig
from socium.worlds.opinion.models import OpinionModel
from socium.worlds.opinion.models_continuous import (
    Deffuant,
    DeGroot,
    FriedkinJohnsen,
    HegselmannKrause,
)
from socium.worlds.opinion.models_discrete import Majority, QVoter, Sznajd, Voter
from socium.worlds.opinion.sampling import Neighborhood

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["MODEL_CLASSES", "OpinionWorld"]

#: The model class of every ``[world] model`` value.
MODEL_CLASSES: dict[str, type[OpinionModel]] = {
    cls.name: cls
    for cls in (
        DeGroot,
        FriedkinJohnsen,
        Deffuant,
        HegselmannKrause,
        Voter,
        Majority,
        QVoter,
        Sznajd,
    )
}

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
    Step semantics, formulas and references for every model are in ``docs/worlds/opinion.md``,
    in the model classes (:data:`MODEL_CLASSES`; the instance in use is :attr:`dynamics`) and
    in the kernels of :mod:`socium.worlds.opinion.continuous` and
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
    metric_descriptions = _METRICS
    model_names = MODELS
    action_specs = (llm.UpdateOpinion, llm.KeepOpinion)

    config: OpinionConfig

    def __init__(
        self,
        config: OpinionConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n = population.size
        if network is not None and network.n != n:
            raise ConfigError("population.size", f"is {n} but the network has {network.n} nodes")
        self.n = n
        self.model = config.model
        model_cls = MODEL_CLASSES[config.model]
        self.discrete = model_cls.discrete
        use_weights = bool(config.weighted and network is not None and network.weighted)
        self.complete = network is None or (network.complete and not use_weights)
        self.directed = bool(network is not None and network.directed)
        in_adj: sp.csr_array | None = None
        if not self.complete:
            in_adj = network.in_adjacency
            if network.weighted and not use_weights:
                in_adj = sp.csr_array(
                    (np.ones(in_adj.nnz), in_adj.indices, in_adj.indptr), shape=in_adj.shape
                )
        #: Row ``v`` = the links ``u -> v`` (``None``: well mixed).
        self.in_adjacency = in_adj
        #: Partner sampling over the in-neighbourhoods.
        self.neighborhood = Neighborhood(n, in_adj)

        # -- opinions, then the model (its per-agent parameters)
        self.x0 = model_cls.initial_opinions(population, config, self.rng)
        population["opinion"] = self.x0.copy()
        self.x = self.x0.copy()
        self._last = self.x0.copy()
        #: The model: everything model-specific in the step.
        self.dynamics: OpinionModel = model_cls(self)

        # -- step bookkeeping
        self.steps = 0
        self.max_change = float("nan")
        self.changed = float("nan")
        self._ald: float | None = None
        self._links: tuple[np.ndarray, np.ndarray] | None = None
        self._menu: ActionMenu | None = None

    @property
    def sequential(self) -> bool:
        """Whether the model is random-sequential (else synchronous)."""
        return self.dynamics.sequential

    @property
    def stubbornness(self) -> np.ndarray | float | None:
        """Friedkin-Johnsen stubbornness (per agent or one value); ``None`` for other models."""
        return self.dynamics.stubbornness

    @property
    def confidence(self) -> np.ndarray | float | None:
        """Deffuant / Hegselmann-Krause confidence bounds; ``None`` for other models."""
        return self.dynamics.confidence

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous for DeGroot, Friedkin-Johnsen and HK; else N random draws per step."""
        return self.dynamics.default_schedule()

    # ------------------------------------------------------------------ the step
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """One batch (synchronous models) or the conflict-free batches of the sweep.

        For random-sequential models the partners (a random in-neighbour, a group, or a
        random link for the edge voter) are drawn here from the world stream for the whole
        sweep, events without any partner are dropped (they cannot change anything), and the
        sweep is cut with :func:`~socium.core.sequential.sequential_schedule` (see
        :meth:`OpinionModel.batches <socium.worlds.opinion.models.OpinionModel.batches>`).
        """
        return self.dynamics.batches(self, np.asarray(ids, dtype=np.int64))

    def observe(self, batch: Batch) -> ObsBatch:
        """What each acting agent sees.

        Columns: ``opinion`` (own) always; synchronous models ``local_mean`` (the DeGroot
        average :math:`(Wx)_v`, or the HK mean over the confidence set), plus
        ``initial_opinion`` and ``stubbornness`` for Friedkin-Johnsen; Deffuant
        ``partner_opinion``, ``confidence``, ``partner_confidence``; voter and Sznajd
        ``partner_opinion``; majority ``group_opinions`` (focal agent first); q-voter
        ``neighbor_opinions`` (``-1`` for a missing neighbour).
        """
        return self.dynamics.observe(self, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """The model's update rule, vectorized over the batch.

        Returns the column ``opinion`` (the acting agent's new opinion; for majority and Sznajd
        the state imposed on the group, ``-1`` for no change) and, for Deffuant, also
        ``partner_opinion`` (the partner's new opinion). The rules draw no randomness: the
        q-voter's independence coins and random states are drawn for the whole sweep in
        :meth:`batches`, so the result does not depend on how the sweep is batched.
        """
        return self.dynamics.decide(obs)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Write the new opinions; return ``update`` events for the agents that changed.

        Event columns: ``agent`` (whose opinion changed), ``other`` (the partner it listened
        to, the focal agent of its group, or -1 for synchronous models) and ``value`` (the new
        opinion).
        """
        self._ald = None
        return self.dynamics.apply(self, actions)

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
        if not self.dynamics.absorbing:
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
        return {
            "opinion": self.x.copy(),
            "initial_opinion": self.x0.copy(),
            **self.dynamics.agent_columns(),
        }

    # ------------------------------------------------------------------ LLM interface
    def action_menu(self) -> ActionMenu:
        """``update`` (constrained to the states or the opinion range) and ``do_nothing``."""
        if self._menu is None:
            self._menu = llm.make_menu(self)
        return self._menu

    def llm_instructions(self) -> str:
        """The setting, the opinion scale and the two actions, as told to an LLM agent."""
        return llm.instructions(self)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Own opinion, what the model shows of others (local mean, partner, group) and a
        summary of the in-neighbours' opinions (mean and range, or counts per state)."""
        return llm.render_observations(self, obs)

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """``update`` sets the agent's opinion; ``do_nothing`` (and ``None``) keeps it. Same
        columns as :meth:`rule_decide` (see :mod:`socium.worlds.opinion.llm`)."""
        return llm.decode_actions(self, obs, decisions)

    def archetype_choices(self) -> list[str]:
        """Options of an archetype group: ``state_<s>``/``keep``, or ``listen``/``keep``."""
        return llm.archetype_choices(self)

    def archetype_features(self, obs: ObsBatch) -> dict[str, np.ndarray]:
        """The agent's opinion and what it hears from others (for archetype keys)."""
        return llm.archetype_features(self, obs)

    def archetype_actions(self, obs: ObsBatch, choices: np.ndarray) -> ActionBatch:
        """Sampled archetype choices as action columns, vectorized."""
        return llm.archetype_actions(self, obs, choices)

    # ------------------------------------------------------------------ description
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
