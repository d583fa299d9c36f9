r"""The flocking world: the continuous Vicsek model of self-propelled particles.

:math:`N` particles move at constant speed :math:`v_0` in a periodic :math:`L \times L` box. In
every step each particle takes the mean heading of the particles within distance :math:`r`
(itself included) plus a uniform angular noise in :math:`[-\eta/2, \eta/2]`, then moves
:math:`v_0` along its new heading (Vicsek et al. 1995). The update is synchronous: every
particle reads the headings and positions of step :math:`t`.

The split between policy and world: :meth:`FlockingWorld.observe` gives each particle the mean
heading of its neighbourhood; the rule policy (:meth:`FlockingWorld.rule_decide`) adds the
noise, drawn from the *policy* stream, and returns the new heading; :meth:`FlockingWorld.apply`
writes the headings; :meth:`FlockingWorld.end_step` moves every particle. The kernels are in
:mod:`socium.worlds.flocking.vicsek`. See ``docs/worlds/flocking.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import ScheduleSpec, SynchronousSpec
from socium.errors import ConfigError
from socium.worlds.flocking.config import FlockingConfig
from socium.worlds.flocking.vicsek import (
    align,
    move,
    neighbor_pairs,
    neighbor_sums,
    order_parameter,
    wrap_angle,
    wrap_positions,
)

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["FlockingWorld", "stable_window"]

_METRICS = {
    "order": "polar order parameter phi = |sum_i exp(i theta_i)| / N at the last step",
    "order_mean": "mean of phi over the last `window` steps (the stationary value)",
    "order_std": "standard deviation of phi over the last `window` steps",
    "susceptibility": "N * variance of phi over the last `window` steps",
    "convergence_time": "first step of the first window of `window` steps in which every phi "
    "lies within +-tolerance of the window mean (None if none yet)",
    "mean_neighbors": "mean number of other particles within distance r at the end",
    "L": "side of the periodic box",
    "density": "particles per unit area N / L^2",
    "converged_step": "step at which convergence was detected, convergence_time + window - 1 "
    "(added by the engine)",
}


def stable_window(phi: np.ndarray, tolerance: float) -> bool:
    r"""Whether every value of ``phi`` lies within ``tolerance`` of the mean of ``phi``.

    :math:`\max_s |\varphi_s - \bar\varphi| \le \text{tol}` over the window.

    Examples
    --------
    >>> stable_window(np.array([0.50, 0.52, 0.48]), 0.03)
    True
    >>> stable_window(np.array([0.40, 0.50, 0.60]), 0.05)
    False
    """
    return bool(np.max(np.abs(phi - phi.mean())) <= tolerance)


class FlockingWorld(World):
    r"""The Vicsek model of collective motion.

    Parameters
    ----------
    config : FlockingConfig
        The ``[world]`` section.
    population : Population
        :math:`N` particles. Optional fields: ``x``, ``y`` (initial positions in
        :math:`[0, L)`; default uniform) and ``heading`` (initial angle in radians; default
        uniform in :math:`[-\pi, \pi)`), all drawn from the world stream when absent.
    network : None
        Unused (interactions are by distance).
    rng : numpy.random.Generator
        The world stream (initial conditions only; the noise comes from the policy stream).

    Notes
    -----
    One step, for every particle :math:`i` (synchronous):

    .. math::

        \theta_i(t+1) = \arg \sum_{j : |x_j(t) - x_i(t)| \le r} e^{i\theta_j(t)} + \xi_i(t),
        \qquad \xi_i \sim U[-\eta/2, \eta/2],

        x_i(t+1) = x_i(t) + v_0 (\cos\theta_i(t+1), \sin\theta_i(t+1)) \pmod L,

    with minimum-image distances in the periodic box and :math:`r \le L/2`. The position uses
    the new heading (the "forward" update of Baglietto & Albano 2009, the usual reading of
    Vicsek et al. 1995). Order parameter :math:`\varphi(t) = |\sum_i e^{i\theta_i(t)}| / N`.

    References
    ----------
    T. Vicsek et al., Phys. Rev. Lett. 75, 1226 (1995).
    G. Baglietto and E. V. Albano, Phys. Rev. E 80, 050103 (2009).
    H. Chaté et al., Phys. Rev. E 77, 046113 (2008).

    Examples
    --------
    >>> import socium
    >>> cfg = {"population": {"size": 300}, "run": {"steps": 100},
    ...        "world": {"name": "flocking", "eta": 0.0, "v0": 0.05}}
    >>> socium.run(cfg, seed=1).final["order"] > 0.95
    True
    """

    name: ClassVar[str] = "flocking"
    version: ClassVar[int] = 1
    Config: ClassVar[type[FlockingConfig]] = FlockingConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = "Flocking: the continuous Vicsek model (vicsek)"
    metric_descriptions = _METRICS
    model_names = ("vicsek",)

    config: FlockingConfig

    def __init__(
        self,
        config: FlockingConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n = population.size
        self.n = n
        self.box = config.box_size(n)
        if config.r > self.box / 2:
            raise ConfigError(
                "world.r", f"must be at most L/2 = {self.box / 2:.6g} (got {config.r})"
            )
        pos = np.empty((n, 2), np.float64)
        for k, axis in enumerate(("x", "y")):
            if axis in population:
                v = np.asarray(population[axis], dtype=np.float64)
                if not (np.isfinite(v).all() and (v >= 0).all() and (v < self.box).all()):
                    raise ConfigError(
                        f"population.init.{axis}", f"must lie in [0, L) = [0, {self.box:.6g})"
                    )
                pos[:, k] = v
            else:
                pos[:, k] = rng.random(n) * self.box
        if "heading" in population:
            theta = np.asarray(population["heading"], dtype=np.float64)
            if not np.isfinite(theta).all():
                raise ConfigError("population.init.heading", "must be finite (radians)")
            theta = wrap_angle(theta)
        else:
            theta = wrap_angle(rng.random(n) * 2.0 * np.pi - np.pi)
        #: Positions, ``(N, 2)`` in ``[0, L)``.
        self.pos = wrap_positions(pos, self.box)
        #: Headings in radians, in ``[-pi, pi)``.
        self.theta = np.asarray(theta, dtype=np.float64)
        population["heading"] = self.theta.copy()
        self.steps = 0
        self.phi = order_parameter(self.theta)
        #: The last ``window`` values of phi (oldest first).
        self.window = np.array([self.phi])
        self.convergence_time = -1

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: every particle realigns in every step."""
        return SynchronousSpec()

    # ------------------------------------------------------------------ the step
    def observe(self, batch: Batch) -> ObsBatch:
        r"""Columns ``heading`` (own :math:`\theta_i`), ``mean_heading``
        (:math:`\arg\sum_{j\in\mathcal N_i} e^{i\theta_j}`, in :math:`(-\pi, \pi]`; 0 when the sum
        vanishes) and ``neighbors`` (number of *other* particles within :math:`r`)."""
        ids = batch.ids
        pairs = neighbor_pairs(self.pos, self.box, self.config.r)
        sc, ss = neighbor_sums(self.theta, pairs)
        count = np.bincount(pairs.ravel(), minlength=self.n)
        cols = {
            "heading": self.theta[ids],
            "mean_heading": np.arctan2(ss[ids], sc[ids]),
            "neighbors": count[ids].astype(np.int64),
        }
        return ObsBatch(ids, cols, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        r"""Alignment with noise: ``heading`` :math:`= \langle\theta\rangle_i + \xi_i`,
        :math:`\xi_i \sim U[-\eta/2, \eta/2]` from ``rng`` (one draw per particle)."""
        new = align(np.asarray(obs["mean_heading"], dtype=np.float64), self.config.eta, rng)
        return ActionBatch(obs.ids, {"heading": new}, obs)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Write the new headings (wrapped into [-pi, pi)); ``heading`` events (value: the new
        heading) when events are collected.

        Raises
        ------
        ValueError
            If a heading is not finite.
        """
        new = np.asarray(actions["heading"], dtype=np.float64)
        if not np.isfinite(new).all():
            raise ValueError("action heading: must be a finite number (radians)")
        new = wrap_angle(new)
        self.theta[actions.ids] = new
        if not self.collect_events:
            return EventBatch.empty()
        return EventBatch.make("heading", actions.ids, None, new)

    def end_step(self, step: int) -> None:
        """Move every particle along its heading; update phi and the convergence window."""
        move(self.pos, self.theta, self.config.v0, self.box)
        self.steps += 1
        self.phi = order_parameter(self.theta)
        w = self.config.window
        self.window = np.append(self.window, self.phi)[-w:]
        if (
            self.convergence_time < 0
            and self.window.size == w
            and stable_window(self.window, self.config.tolerance)
        ):
            self.convergence_time = self.steps - w + 1

    # ------------------------------------------------------------------ metrics
    def step_metrics(self) -> dict[str, float]:
        r"""``order`` (:math:`\varphi`) and ``mean_heading``
        (:math:`\arg\sum_i e^{i\theta_i}`); :math:`O(N)`."""
        if self.n == 0:
            return {"order": float("nan"), "mean_heading": float("nan")}
        mean_heading = float(np.arctan2(np.sin(self.theta).sum(), np.cos(self.theta).sum()))
        return {"order": float(self.phi), "mean_heading": mean_heading}

    def converged(self) -> bool:
        r"""Whether some window of ``window`` consecutive steps had every :math:`\varphi` within
        ``tolerance`` of the window mean (see :func:`stable_window`)."""
        return self.convergence_time >= 0

    def records_events_by_default(self) -> bool:
        """False: every particle turns every step (the events would be the trajectory)."""
        return False

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/flocking.md``)."""
        w = self.window
        pairs = neighbor_pairs(self.pos, self.box, self.config.r)
        return {
            "order": float(self.phi),
            "order_mean": float(w.mean()),
            "order_std": float(w.std()),
            "susceptibility": float(self.n * w.var()),
            "convergence_time": None if self.convergence_time < 0 else int(self.convergence_time),
            "mean_neighbors": float(2.0 * len(pairs) / self.n) if self.n else float("nan"),
            "L": float(self.box),
            "density": float(self.n / self.box**2),
        }

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Positions, headings, phi, its window, the step counter and the convergence time."""
        return {
            "pos": self.pos.copy(),
            "heading": self.theta.copy(),
            "window": self.window.copy(),
            "phi": float(self.phi),
            "steps": int(self.steps),
            "convergence_time": int(self.convergence_time),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.pos = np.array(state["pos"], dtype=np.float64).reshape(self.n, 2)
        self.theta = np.array(state["heading"], dtype=np.float64)
        self.window = np.array(state["window"], dtype=np.float64)
        self.phi = float(state["phi"])
        self.steps = int(state["steps"])
        self.convergence_time = int(state["convergence_time"])

    def agent_table(self) -> dict[str, np.ndarray]:
        """``x``, ``y`` (final positions) and ``heading`` (radians)."""
        return {
            "x": self.pos[:, 0].copy(),
            "y": self.pos[:, 1].copy(),
            "heading": self.theta.copy(),
        }

    # ------------------------------------------------------------------ description
    @classmethod
    def actions(cls) -> dict[str, dict[str, Any]]:
        """One action, ``move``: the particle's new heading."""
        return {
            "move": {
                "type": "object",
                "properties": {
                    "heading": {
                        "type": "number",
                        "description": "new direction of motion in radians (wrapped into "
                        "[-pi, pi)); the particle then moves v0 along it",
                    }
                },
                "required": ["heading"],
            }
        }

    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """A small Vicsek config (200 particles), for the conformance suite."""
        return [
            {
                "run": {"steps": 10},
                "population": {"size": 200},
                "world": {"name": "flocking", "model": "vicsek", "eta": 1.0, "density": 2.0},
            }
        ]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``order.png`` (phi against the step) and ``snapshot.png`` (final positions and
        headings)."""
        from socium.worlds.flocking.plots import plot_order, plot_snapshot

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        written = []
        path = plot_order(metrics, outdir / "order.png", title=f"Vicsek, eta = {self.config.eta}")
        if path is not None:
            written.append(path)
        written.append(plot_snapshot(self.pos, self.theta, self.box, outdir / "snapshot.png"))
        return written
