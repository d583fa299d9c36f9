r"""Evolutionary dynamics on a payoff matrix: replicator dynamics and the Moran process.

The payoff matrix is usually a tournament's
(:attr:`~socium.worlds.games.matches.TournamentResult.payoff_matrix` with ``self_play=True``):
``A[i, j]`` is the mean payoff per round of strategy ``i`` against strategy ``j``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "MoranResult",
    "moran_fixation_probability",
    "moran_process",
    "replicator",
]


def _matrix(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise ValueError(f"payoff_matrix: must be square (K, K), got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(
            "payoff_matrix: must be finite (a tournament without self-play has NaN on the "
            "diagonal; use self_play=True)"
        )
    return a


def replicator(
    payoff_matrix: np.ndarray, x0: np.ndarray, t_max: float = 50.0, dt: float = 0.01
) -> tuple[np.ndarray, np.ndarray]:
    r"""Integrate the replicator equation from shares ``x0`` (classical RK4).

    Parameters
    ----------
    payoff_matrix : numpy.ndarray
        ``A``, shape ``(K, K)``.
    x0 : numpy.ndarray
        Initial shares, non-negative, summing to 1.
    t_max, dt : float
        Time horizon and step.

    Returns
    -------
    t, x : numpy.ndarray
        Times ``(S + 1,)`` and shares ``(S + 1, K)``.

    Notes
    -----
    .. math:: \dot x_i = x_i\left[(A x)_i - x^\top A x\right]

    (Taylor & Jonker 1978). The simplex and its faces are invariant; after every step the
    shares are clipped at 0 and renormalised against round-off. For two strategies with
    :math:`x` the share of the first,
    :math:`\dot x = x (1 - x) [(a_{11} - a_{21}) x + (a_{12} - a_{22})(1 - x)]`, with the
    interior fixed point :math:`x^* = (a_{22} - a_{12}) / (a_{11} - a_{12} - a_{21} + a_{22})`.

    References
    ----------
    .. [1] Taylor, P. D., & Jonker, L. B. (1978). Evolutionarily stable strategies and game
       dynamics. Mathematical Biosciences, 40(1-2), 145-156.

    Examples
    --------
    >>> _, x = replicator([[3.0, 0.0], [5.0, 1.0]], [0.99, 0.01], t_max=40)
    >>> round(float(x[-1, 1]), 6)  # one-shot Prisoner's Dilemma: defection takes over
    1.0
    """
    a = _matrix(payoff_matrix)
    x = np.asarray(x0, dtype=np.float64).copy()
    if x.shape != (a.shape[0],) or (x < 0).any() or not np.isclose(x.sum(), 1.0):
        raise ValueError("x0: must be K non-negative shares summing to 1")
    if dt <= 0 or t_max < 0:
        raise ValueError("dt must be > 0 and t_max >= 0")

    def f(y: np.ndarray) -> np.ndarray:
        fit = a @ y
        return y * (fit - y @ fit)

    steps = int(np.ceil(t_max / dt))
    out = np.empty((steps + 1, x.shape[0]))
    out[0] = x
    for s in range(steps):
        k1 = f(x)
        k2 = f(x + 0.5 * dt * k1)
        k3 = f(x + 0.5 * dt * k2)
        k4 = f(x + dt * k3)
        x = np.clip(x + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4), 0.0, None)
        x /= x.sum()
        out[s + 1] = x
    return np.arange(steps + 1) * dt, out


def _fitness(a: np.ndarray, counts: np.ndarray, w: float) -> np.ndarray:
    n = counts.sum(axis=-1, keepdims=True)
    pi = (counts @ a.T - np.diag(a)) / np.maximum(n - 1, 1)
    return 1.0 - w + w * pi


@dataclass(frozen=True)
class MoranResult:
    """Outcome of :func:`moran_process`.

    Attributes
    ----------
    fixed : numpy.ndarray
        int64 per replicate: the strategy that took over (-1 if ``max_steps`` ran out).
    steps : numpy.ndarray
        int64 per replicate: birth-death events until fixation.
    """

    fixed: np.ndarray
    steps: np.ndarray

    def fixation_probability(self, k: int) -> float:
        """Share of replicates in which strategy ``k`` took over."""
        return float(np.mean(self.fixed == k))


def moran_process(
    payoff_matrix: np.ndarray,
    counts: np.ndarray,
    rng: np.random.Generator,
    *,
    replicates: int = 1,
    intensity: float = 1.0,
    max_steps: int = 1_000_000,
) -> MoranResult:
    r"""Frequency-dependent Moran process, many replicates in lock step.

    Parameters
    ----------
    payoff_matrix : numpy.ndarray
        ``A`` (``K x K``).
    counts : numpy.ndarray
        Initial number of players of each strategy (population size :math:`N = \sum n`).
    rng : numpy.random.Generator
        Random stream.
    replicates : int
        Independent runs.
    intensity : float
        Selection intensity :math:`w \in [0, 1]` (0 = neutral drift).
    max_steps : int
        Give up after this many events (``fixed = -1``).

    Notes
    -----
    Each event, one player is chosen to reproduce with probability proportional to its fitness
    and one (possibly the same) to die uniformly at random; the offspring replaces it. A
    player of strategy :math:`i` meets everyone else once:

    .. math:: \pi_i = \frac{\sum_j A_{ij} n_j - A_{ii}}{N - 1}, \qquad f_i = 1 - w + w\,\pi_i .

    Fitness must stay positive. The process stops when one strategy is left.

    References
    ----------
    .. [1] Moran, P. A. P. (1958). Random processes in genetics. Mathematical Proceedings of
       the Cambridge Philosophical Society, 54(1), 60-71.
    .. [2] Nowak, M. A., Sasaki, A., Taylor, C., & Fudenberg, D. (2004). Emergence of
       cooperation and evolutionary stability in finite populations. Nature, 428, 646-650.
    """
    a = _matrix(payoff_matrix)
    counts = np.asarray(counts, dtype=np.int64)
    k = a.shape[0]
    if counts.shape != (k,) or (counts < 0).any() or counts.sum() < 2:
        raise ValueError("counts: must be K non-negative integers with a total >= 2")
    if not 0.0 <= intensity <= 1.0:
        raise ValueError(f"intensity: must lie in [0, 1], got {intensity}")
    n_total = int(counts.sum())
    n = np.tile(counts, (replicates, 1))
    steps = np.zeros(replicates, np.int64)
    live = np.flatnonzero(n.max(axis=1) < n_total)
    for _ in range(max_steps):
        if live.size == 0:
            break
        sub = n[live]
        fit = _fitness(a, sub, intensity)
        if (fit[sub > 0] <= 0).any():
            raise ValueError("fitness 1 - w + w * payoff must be positive; lower the intensity")
        wb = np.cumsum(sub * fit, axis=1)
        wd = np.cumsum(sub, axis=1)
        ub = rng.random(live.size) * wb[:, -1]
        ud = rng.random(live.size) * wd[:, -1]
        born = (wb <= ub[:, None]).sum(axis=1)
        dies = (wd <= ud[:, None]).sum(axis=1)
        np.minimum(born, k - 1, out=born)
        np.add.at(n, (live, born), 1)
        np.add.at(n, (live, dies), -1)
        steps[live] += 1
        live = live[n[live].max(axis=1) < n_total]
    done = n.max(axis=1) == n_total
    fixed = np.where(done, n.argmax(axis=1), -1).astype(np.int64)
    return MoranResult(fixed, steps)


def moran_fixation_probability(
    payoff_matrix: np.ndarray, n: int, mutant: int = 0, resident: int = 1, intensity: float = 1.0
) -> float:
    r"""Exact probability that one ``mutant`` takes over a population of ``n - 1`` residents.

    Notes
    -----
    With :math:`i` mutants, :math:`f_i` and :math:`g_i` the fitness of mutants and residents
    (as in :func:`moran_process`),

    .. math:: \rho = \Big(1 + \sum_{k=1}^{N-1} \prod_{i=1}^{k} g_i / f_i\Big)^{-1}

    (Nowak et al. 2004). Neutral drift (:math:`f = g`) gives :math:`\rho = 1/N`.

    References
    ----------
    .. [1] Nowak, M. A., Sasaki, A., Taylor, C., & Fudenberg, D. (2004). Emergence of
       cooperation and evolutionary stability in finite populations. Nature, 428, 646-650.
    """
    a = _matrix(payoff_matrix)
    if n < 2:
        raise ValueError(f"n: must be >= 2, got {n}")
    i = np.arange(1, n, dtype=np.float64)
    aa, ab = a[mutant, mutant], a[mutant, resident]
    ba, bb = a[resident, mutant], a[resident, resident]
    f = 1.0 - intensity + intensity * (aa * (i - 1) + ab * (n - i)) / (n - 1)
    g = 1.0 - intensity + intensity * (ba * i + bb * (n - i - 1)) / (n - 1)
    if (f <= 0).any() or (g <= 0).any():
        raise ValueError("fitness 1 - w + w * payoff must be positive; lower the intensity")
    return float(1.0 / (1.0 + np.cumprod(g / f).sum()))
