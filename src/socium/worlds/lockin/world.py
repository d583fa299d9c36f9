r"""The lock-in world: humans and AI nodes update belief distributions through a trust matrix
(after "The Lock-in Hypothesis: Stagnation by Algorithm", arXiv:2506.06166).

Agents ``0..ais-1`` are AI nodes that aggregate what the humans believe and feed it back; the
other agents are humans with private evidence. One step is one synchronous round
:math:`\ell(t+1) = E + W\ell(t)` (:mod:`~socium.worlds.lockin.beliefs`). Below the threshold
:math:`\rho(W) < 1` beliefs converge with the diversity the evidence supports; above it the
loop amplifies itself and everyone locks in on one option (entropy to 0). With one AI,
:math:`\rho(W)^2 = (N-1)\lambda_1\lambda_2` (:mod:`~socium.worlds.lockin.trust`). See
``docs/worlds/lockin.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from socium.core.actions import ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.protocol import World
from socium.core.schedule import ScheduleSpec, SynchronousSpec
from socium.errors import ConfigError
from socium.worlds.lockin import prompts
from socium.worlds.lockin.actions import Believe
from socium.worlds.lockin.beliefs import (
    centre,
    entropy,
    from_probabilities,
    rescale,
    softmax,
    update,
)
from socium.worlds.lockin.config import LockinConfig
from socium.worlds.lockin.trust import spectral_radius, threshold_product, trust_matrix

if TYPE_CHECKING:
    import pandas as pd

    from socium.core.network import Network
    from socium.core.population import Population

__all__ = ["LockinWorld"]

_METRICS = {
    "spectral_radius": "rho(W), the largest |eigenvalue| of the trust matrix",
    "threshold_product": "A (N - A) lambda1 lambda2; (N - 1) lambda1 lambda2 for one AI "
    "(= rho(W)^2 without peer trust)",
    "lockin": "diverging (growth_rate > 1 + lockin_growth) and collapsed: the feedback loop "
    "amplifies itself without bound",
    "collapsed": "the final collective and mean human entropies are below lockin_entropy",
    "growth_rate": "per-step growth factor of the largest |log-belief| over the last two steps "
    "(-> rho(W) under lock-in, -> 1 when beliefs converge)",
    "locked_option": "the option the collective believes most at the end",
    "locked_on_truth": "whether that option is the true one",
    "entropy_initial": "mean normalised entropy of the humans' beliefs at step 0",
    "entropy_final": "... at the end",
    "entropy_collective_final": "normalised entropy of the mean human belief at the end",
    "entropy_ai_final": "mean normalised entropy of the AI nodes at the end",
    "truth_belief_final": "mean probability the humans give the true option at the end",
    "logit_scale_log10": "log10 of the largest |log-belief| at the end (grows like "
    "t log10 rho(W) under lock-in)",
    "converged_step": "added by the engine: the first step no probability moved more than tol",
}


class LockinWorld(World):
    r"""Belief distributions updated through a human-AI trust matrix.

    Parameters
    ----------
    config : LockinConfig
        The ``[world]`` section.
    population : Population
        ``population.size`` = N agents (the first ``ais`` are AI nodes).
    network : Network or None
        Optional: human-human trust along in-neighbours (``peer_trust``).
    rng : numpy.random.Generator
        The world stream: the humans' evidence noise (``(N - ais, K)`` normals).

    References
    ----------
    T. A. Qiu et al., arXiv:2506.06166 (2025). Genest & Zidek (1986). DeMarzo, Vayanos &
    Zwiebel (2003).

    Examples
    --------
    >>> import socium
    >>> base = {"population": {"size": 11}, "run": {"steps": 200},
    ...         "world": {"name": "lockin", "lambda1": 0.5}}
    >>> below = socium.run(base, seed=1, world__lambda2=0.16).final   # 10 * 0.5 * 0.16 = 0.8
    >>> above = socium.run(base, seed=1, world__lambda2=0.25).final   # 1.25
    >>> below["lockin"], above["lockin"]
    (False, True)
    """

    name: ClassVar[str] = "lockin"
    version: ClassVar[int] = 1
    Config: ClassVar[type[LockinConfig]] = LockinConfig
    requires_network: ClassVar[bool] = False
    summary: ClassVar[str] = (
        "Lock-in: belief distributions through a human-AI trust loop; lock-in when rho(W) > 1"
    )
    metric_descriptions = _METRICS
    action_specs: ClassVar[Sequence[type[ActionSpec]]] = (Believe,)

    config: LockinConfig

    def __init__(
        self,
        config: LockinConfig,
        population: Population,
        network: Network | None,
        rng: np.random.Generator,
    ):
        super().__init__(config, population, network, rng)
        n, a = population.size, config.ais
        if n <= a:
            raise ConfigError("population.size", f"must exceed world.ais = {a} (humans needed)")
        self.n = n
        self.k = len(config.options)
        self.is_ai = np.arange(n) < a
        peers = None if network is None else network.in_adjacency
        self.w = trust_matrix(n, a, config.lambda1, config.lambda2, config.peer_trust, peers)
        self.rho = spectral_radius(self.w)
        evidence = np.zeros((n, self.k))
        evidence[a:, config.truth] = config.evidence
        evidence[a:] += config.evidence_noise * rng.standard_normal((n - a, self.k))
        #: ``(N, K)`` centred private evidence (zero for AI nodes).
        self.evidence = centre(evidence)
        #: ``(N, K)`` centred log-beliefs.
        self.ell = self.evidence.copy()
        self.log10_scale = 0.0
        #: log10 of the largest |log-belief| after the last three rounds (NaN before).
        self.scales = np.full(3, np.nan)
        self.change = np.inf
        self.round = 0
        self.entropy_initial = float(entropy(softmax(self.ell[~self.is_ai])).mean())
        self._pooled = np.zeros_like(self.ell)

    def default_schedule(self) -> ScheduleSpec:
        """Synchronous: everyone updates from the previous round's beliefs."""
        return SynchronousSpec()

    def records_events_by_default(self) -> bool:
        """No: every agent updates every round."""
        return False

    # ------------------------------------------------------------------ the round
    def batches(self, ids: np.ndarray) -> Iterator[Batch]:
        """One batch; :math:`W\\ell(t)` is computed once for everyone from the state at the
        start of the round."""
        self.round += 1
        self._before = softmax(self.ell)
        self._before_ell = self.ell.copy()
        self._pooled = self.w @ self.ell
        yield Batch(np.asarray(ids, dtype=np.int64))

    def observe(self, batch: Batch) -> ObsBatch:
        """Columns ``round``, ``is_ai``, ``evidence`` and ``pooled`` (``(B, K)``: own evidence
        and :math:`(W\\ell)_i`), ``log_belief``, ``belief`` and ``trusted_belief`` (the
        trust-weighted mean belief of the agent's sources; NaN without sources)."""
        ids = batch.ids
        p = self._before
        weights = self.w[ids]
        total = np.asarray(weights.sum(axis=1)).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            trusted = (weights @ p) / total[:, None]
        cols = {
            "round": np.full(len(ids), self.round, np.int64),
            "is_ai": self.is_ai[ids],
            "evidence": self.evidence[ids],
            "pooled": self._pooled[ids],
            "log_belief": self.ell[ids],
            "belief": p[ids],
            "trusted_belief": np.where(total[:, None] > 0, trusted, np.nan),
        }
        return ObsBatch(ids, cols, batch)

    def rule_decide(self, obs: ObsBatch, rng: np.random.Generator) -> ActionBatch:
        """Column ``log_belief``: :func:`~socium.worlds.lockin.beliefs.update`; draws
        nothing."""
        new = update(np.asarray(obs["evidence"]), np.asarray(obs["pooled"]))
        return ActionBatch(obs.ids, {"log_belief": new}, obs)

    def apply(self, actions: ActionBatch) -> EventBatch:
        """Set the log-beliefs (rescaled past the overflow guard); ``belief`` events carry
        the new normalised entropy when events are recorded."""
        new = np.asarray(actions["log_belief"], dtype=np.float64)
        ok = np.isfinite(new).all(axis=1)
        self.ell[actions.ids[ok]] = centre(new[ok])
        if not self.collect_events:
            return EventBatch.empty()
        ids = actions.ids[ok]
        return EventBatch.make("belief", ids, value=entropy(softmax(self.ell[ids])))

    def end_step(self, step: int) -> None:
        """The round's largest log-belief change (for :meth:`converged`), the overflow guard
        (:func:`~socium.worlds.lockin.beliefs.rescale`) and the scale history."""
        self.change = float(np.abs(self.ell - self._before_ell).max())
        self.ell, factor = rescale(self.ell)
        if factor != 1.0:
            self.log10_scale += math.log10(factor)
            self._before_ell = self._before_ell / factor
        self.scales = np.roll(self.scales, -1)
        self.scales[-1] = self._log10_peak()

    def _log10_peak(self) -> float:
        peak = float(np.abs(self.ell).max())
        return (math.log10(peak) if peak > 0 else -math.inf) + self.log10_scale

    def growth_rate(self) -> float:
        """Per-step growth factor of the largest |log-belief| over the last two rounds."""
        first, last = self.scales[0], self.scales[-1]
        if not (np.isfinite(first) and np.isfinite(last)):
            return float("nan")
        return float(10.0 ** ((last - first) / 2.0))

    def converged(self) -> bool:
        """No log-belief moved more than ``tol`` in the last round (a fixed point; never
        under lock-in, where they grow without bound)."""
        return self.change < self.config.tol

    # ------------------------------------------------------------------ LLM interface
    def llm_instructions(self) -> str:
        """The options and the task of stating a belief distribution."""
        return prompts.instructions(self.config.options)

    def render_observations(self, obs: ObsBatch) -> list[str]:
        """Role, own belief and the trusted sources' belief, in percent."""
        return prompts.render(obs, self.config.options)

    def decode_actions(self, obs: ObsBatch, decisions: Sequence[ActionSpec | None]) -> ActionBatch:
        """Column ``log_belief`` from the stated probabilities (floored at 1e-9 and
        normalised); a wrong number of probabilities, an all-zero answer or a fallback keeps
        the current belief."""
        if len(decisions) != len(obs):
            raise ValueError(f"{len(decisions)} decisions for {len(obs)} agents")
        out = np.array(obs["log_belief"], dtype=np.float64, copy=True)
        for row, d in enumerate(decisions):
            if isinstance(d, Believe) and len(d.probabilities) == self.k:
                p = np.clip(np.array(d.probabilities, dtype=np.float64), 0.0, None)
                if p.sum() > 0:
                    out[row] = from_probabilities(p[None, :])[0]
        return ActionBatch(obs.ids, {"log_belief": out}, obs)

    # ------------------------------------------------------------------ metrics
    def _summary(self) -> dict[str, float]:
        p = softmax(self.ell)
        humans = p[~self.is_ai]
        collective = humans.mean(axis=0)
        top = int(np.argmax(collective))
        return {
            "entropy": float(entropy(humans).mean()),
            "entropy_collective": float(entropy(collective[None, :])[0]),
            "entropy_ai": float(entropy(p[self.is_ai]).mean()),
            "truth_belief": float(humans[:, self.config.truth].mean()),
            "consensus_share": float(np.mean(np.argmax(humans, axis=1) == top)),
            "logit_scale_log10": self._log10_peak(),
            "growth_rate": self.growth_rate(),
            "top": top,
        }

    def step_metrics(self) -> dict[str, float]:
        """``entropy`` (humans, normalised), ``entropy_collective``, ``entropy_ai``,
        ``truth_belief``, ``consensus_share`` (humans whose top option is the collective's)
        ``logit_scale_log10`` and ``growth_rate``; :math:`O(NK)`."""
        s = self._summary()
        s.pop("top")
        return s

    def final_metrics(self) -> dict[str, Any]:
        """Final metrics (see :meth:`metric_names` and ``docs/worlds/lockin.md``)."""
        cfg = self.config
        s = self._summary()
        collapsed = max(s["entropy"], s["entropy_collective"]) < cfg.lockin_entropy
        growth = s["growth_rate"]
        diverging = bool(np.isfinite(growth) and growth > 1.0 + cfg.lockin_growth)
        scale = s["logit_scale_log10"]
        return {
            "spectral_radius": self.rho,
            "threshold_product": threshold_product(self.n, cfg.ais, cfg.lambda1, cfg.lambda2),
            "lockin": bool(diverging and collapsed),
            "collapsed": bool(collapsed),
            "growth_rate": growth if np.isfinite(growth) else None,
            "locked_option": cfg.options[s["top"]],
            "locked_on_truth": bool(s["top"] == cfg.truth),
            "entropy_initial": self.entropy_initial,
            "entropy_final": s["entropy"],
            "entropy_collective_final": s["entropy_collective"],
            "entropy_ai_final": s["entropy_ai"],
            "truth_belief_final": s["truth_belief"],
            "logit_scale_log10": scale if math.isfinite(scale) else None,
        }

    # ------------------------------------------------------------------ state
    def get_state(self) -> dict[str, Any]:
        """Log-beliefs, the overflow scale, the last change and the round (the evidence is
        drawn from the seed, and stored too)."""
        return {
            "ell": self.ell.copy(),
            "evidence": self.evidence.copy(),
            "log10_scale": float(self.log10_scale),
            "scales": self.scales.copy(),
            "change": float(self.change) if math.isfinite(self.change) else -1.0,
            "round": int(self.round),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.ell = np.array(state["ell"], dtype=np.float64)
        self.evidence = np.array(state["evidence"], dtype=np.float64)
        self.log10_scale = float(state["log10_scale"])
        self.scales = np.array(state["scales"], dtype=np.float64)
        change = float(state["change"])
        self.change = np.inf if change < 0 else change
        self.round = int(state["round"])

    def agent_table(self) -> dict[str, np.ndarray]:
        """``role`` (``ai`` or ``human``), ``top`` (index of the most believed option),
        ``entropy`` and one column ``p_<k>`` per option."""
        p = softmax(self.ell)
        table = {
            "role": np.where(self.is_ai, "ai", "human").astype(np.str_),
            "top": np.argmax(p, axis=1).astype(np.int64),
            "entropy": entropy(p),
        }
        table.update({f"p_{k}": p[:, k].copy() for k in range(self.k)})
        return table

    # ------------------------------------------------------------------ description
    @classmethod
    def example_configs(cls) -> list[dict[str, Any]]:
        """One AI and 10 humans on both sides of the threshold (products 0.8 and 1.25), and
        two AIs with peer trust on a small network."""
        base = {"run": {"steps": 6}, "population": {"size": 11}}
        return [
            {**base, "world": {"name": "lockin", "lambda1": 0.5, "lambda2": 0.16}},
            {**base, "world": {"name": "lockin", "lambda1": 0.5, "lambda2": 0.25}},
            {
                "run": {"steps": 6},
                "network": {"kind": "watts_strogatz", "n": 30, "k": 4, "p": 0.1},
                "world": {
                    "name": "lockin",
                    "ais": 2,
                    "lambda1": 0.2,
                    "lambda2": 0.02,
                    "peer_trust": 0.3,
                    "options": ["x", "y", "z", "w"],
                },
            },
        ]

    def plots(self, metrics: pd.DataFrame, outdir: Path) -> list[Path]:
        """``entropy.png``: the entropy curves, titled with rho(W) and the product."""
        from socium.worlds.lockin.plots import plot_entropy

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        cfg = self.config
        product = threshold_product(self.n, cfg.ais, cfg.lambda1, cfg.lambda2)
        title = f"rho(W) = {self.rho:.3f}, A(N-A) lambda1 lambda2 = {product:.3f}"
        path = plot_entropy(metrics, outdir / "entropy.png", title)
        return [] if path is None else [path]
