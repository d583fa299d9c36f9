r"""Vectorized kernels of the continuous opinion models.

Pure functions of arrays: the models (:mod:`socium.worlds.opinion.models_continuous`) call them
from ``observe`` (what an agent sees: a local average) and ``decide`` (the update rule).
Opinions are ``float64`` arrays; the network enters as the in-adjacency (row ``v`` = the agents
that influence ``v``) or as ``None`` for the complete graph.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "deffuant_rule",
    "degroot_average",
    "degroot_inverse_weights",
    "friedkin_johnsen_rule",
    "hk_average_complete",
    "hk_average_graph",
]


def degroot_inverse_weights(in_adjacency: sp.csr_array, self_weight: float) -> np.ndarray:
    r"""Inverse row sums of :math:`A^\top + sI`, 0 where a row sums to 0.

    Computed once per run and passed to :func:`degroot_average`, so a step costs one sparse
    matrix-vector product and two vector operations.
    """
    denom = np.asarray(in_adjacency.sum(axis=1)).ravel() + self_weight
    inv = np.zeros_like(denom)
    np.divide(1.0, denom, out=inv, where=denom > 0)
    return inv


def degroot_average(
    x: np.ndarray,
    in_adjacency: sp.csr_array | None,
    self_weight: float,
    inverse_weights: np.ndarray | None = None,
) -> np.ndarray:
    r"""One DeGroot averaging step :math:`W x` for every agent.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        Current opinions.
    in_adjacency : scipy.sparse.csr_array or None
        :math:`A^\top`: row ``v`` holds the weights of the links ``u -> v``. ``None`` is the
        (unweighted) complete graph, computed in :math:`O(n)` without the matrix.
    self_weight : float
        Weight :math:`s \ge 0` of an agent's own opinion.
    inverse_weights : numpy.ndarray, optional
        :func:`degroot_inverse_weights` of ``in_adjacency``, precomputed by the caller.

    Returns
    -------
    numpy.ndarray, shape (n,)
        :math:`(Wx)_v = \dfrac{s x_v + \sum_u a_{uv} x_u}{s + \sum_u a_{uv}}`; an agent whose
        denominator is 0 (no in-neighbours and :math:`s = 0`) keeps :math:`x_v`.

    Notes
    -----
    :math:`W = D^{-1}(A^\top + sI)` with :math:`D = \mathrm{diag}((A^\top + sI)\mathbf 1)` is
    row-stochastic. With :math:`s > 0`, :math:`W` is aperiodic, so on a strongly connected
    network :math:`x(t) \to \mathbf 1 \pi^\top x(0)` where :math:`\pi` is the stationary
    distribution of :math:`W` (DeGroot 1974). On the complete graph
    :math:`(Wx)_v = (S - x_v + s x_v)/(n - 1 + s)` with :math:`S = \sum_u x_u`.

    References
    ----------
    .. [1] DeGroot, M. H. (1974). Reaching a consensus. Journal of the American Statistical
       Association, 69(345), 118-121.

    Examples
    --------
    >>> import numpy as np
    >>> degroot_average(np.array([0.0, 1.0, 0.5]), None, 1.0).tolist()
    [0.5, 0.5, 0.5]
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    if in_adjacency is None:
        denom = n - 1 + self_weight
        if denom <= 0:
            return x.copy()
        return (x.sum() - x + self_weight * x) / denom
    if inverse_weights is None:
        inverse_weights = degroot_inverse_weights(in_adjacency, self_weight)
    out = in_adjacency @ x
    if self_weight:
        out += self_weight * x
    out *= inverse_weights
    if self_weight == 0:  # agents with no influence at all keep their opinion
        alone = inverse_weights == 0
        out[alone] = x[alone]
    return out


def friedkin_johnsen_rule(
    local_mean: np.ndarray, initial: np.ndarray, stubbornness: np.ndarray | float
) -> np.ndarray:
    r"""Friedkin-Johnsen update :math:`x_v(t+1) = \lambda_v x_v(0) + (1-\lambda_v)(Wx(t))_v`.

    Parameters
    ----------
    local_mean : numpy.ndarray
        :math:`(W x(t))_v` (see :func:`degroot_average`).
    initial : numpy.ndarray
        Initial opinions :math:`x_v(0)` (the prejudices).
    stubbornness : numpy.ndarray or float
        :math:`\lambda_v \in [0, 1]`.

    Returns
    -------
    numpy.ndarray

    Notes
    -----
    In matrix form :math:`x(t+1) = \Lambda x(0) + (I - \Lambda) W x(t)`. When the iteration
    converges (e.g. every agent is stubborn or connected to a stubborn one) the limit is
    :math:`x^* = (I - (I - \Lambda) W)^{-1} \Lambda x(0)`.

    References
    ----------
    .. [1] Friedkin, N. E., & Johnsen, E. C. (1990). Social influence and opinions. Journal of
       Mathematical Sociology, 15(3-4), 193-206.

    Examples
    --------
    >>> import numpy as np
    >>> friedkin_johnsen_rule(np.array([0.5]), np.array([1.0]), 0.25).tolist()
    [0.625]
    """
    lam = np.asarray(stubbornness, dtype=np.float64)
    return lam * initial + (1.0 - lam) * local_mean


def hk_average_graph(
    x: np.ndarray,
    entry_rows: np.ndarray,
    entry_cols: np.ndarray,
    epsilon: np.ndarray | float,
) -> np.ndarray:
    r"""Hegselmann-Krause average on a network, vectorized over the links.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        Current opinions.
    entry_rows, entry_cols : numpy.ndarray
        The links as (listener ``v``, influencer ``u``) pairs: the rows and column indices of
        the in-adjacency.
    epsilon : numpy.ndarray or float
        Confidence bound of each listener (:math:`\varepsilon_v`) or one for all.

    Returns
    -------
    numpy.ndarray, shape (n,)
        :math:`\dfrac{1}{|I_v|}\sum_{u \in I_v} x_u` with
        :math:`I_v = \{v\} \cup \{u \in N^{in}(v) : |x_u - x_v| \le \varepsilon_v\}`.

    Notes
    -----
    Cost :math:`O(n + m)` for :math:`m` links (two ``bincount`` passes).

    References
    ----------
    .. [1] Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence:
       models, analysis and simulation. JASSS, 5(3).
    """
    n = x.shape[0]
    xr = x[entry_rows]
    xc = x[entry_cols]
    eps = epsilon[entry_rows] if isinstance(epsilon, np.ndarray) else epsilon
    ok = np.abs(xc - xr) <= eps
    rows = entry_rows[ok]
    sums = np.bincount(rows, weights=xc[ok], minlength=n) + x
    counts = np.bincount(rows, minlength=n) + 1.0
    return sums / counts


def hk_average_complete(x: np.ndarray, epsilon: np.ndarray | float) -> np.ndarray:
    r"""Hegselmann-Krause average on the complete graph in :math:`O(n \log n)`.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        Current opinions.
    epsilon : numpy.ndarray or float
        Confidence bound of each agent, or one for all.

    Returns
    -------
    numpy.ndarray, shape (n,)
        :math:`\dfrac{1}{|I_v|}\sum_{u \in I_v} x_u` with
        :math:`I_v = \{u : |x_u - x_v| \le \varepsilon_v\}` (which contains :math:`v`).

    Notes
    -----
    The confidence set of :math:`v` is a contiguous range of the sorted opinions
    :math:`x_{(1)} \le \dots \le x_{(n)}`, found with ``searchsorted``; its sum is a difference
    of prefix sums. The range ends are then corrected so that membership is decided by the same
    floating-point test :math:`|x_u - x_v| \le \varepsilon_v` as on a network (this matters for
    equally spaced opinions, where gaps equal :math:`\varepsilon` up to rounding). Prefix sums
    are taken of :math:`x - \bar x` to limit cancellation.

    References
    ----------
    .. [1] Hegselmann, R., & Krause, U. (2002). Opinion dynamics and bounded confidence:
       models, analysis and simulation. JASSS, 5(3).
    .. [2] Lorenz, J. (2006). Consensus strikes back in the Hegselmann-Krause model of
       continuous opinion dynamics under bounded confidence. JASSS, 9(1).

    Examples
    --------
    >>> import numpy as np
    >>> hk_average_complete(np.array([0.0, 0.1, 0.5]), 0.15).round(6).tolist()
    [0.05, 0.05, 0.5]
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    if n == 0:
        return x.copy()
    xs = np.sort(x)
    center = float(xs[n // 2])
    cs = np.concatenate(([0.0], np.cumsum(xs - center)))
    eps = np.asarray(epsilon, dtype=np.float64)
    lo = np.searchsorted(xs, x - eps, side="left")
    hi = np.searchsorted(xs, x + eps, side="right")
    if eps.ndim == 0:
        eps = np.full(n, float(eps))
    # exact-membership corrections (a few elements at most)
    while True:
        m = (lo > 0) & (np.abs(xs[np.maximum(lo - 1, 0)] - x) <= eps)
        if not m.any():
            break
        lo[m] -= 1
    while True:
        m = (lo < n) & (np.abs(xs[np.minimum(lo, n - 1)] - x) > eps)
        if not m.any():
            break
        lo[m] += 1
    while True:
        m = (hi < n) & (np.abs(xs[np.minimum(hi, n - 1)] - x) <= eps)
        if not m.any():
            break
        hi[m] += 1
    while True:
        m = (hi > 0) & (np.abs(xs[np.maximum(hi - 1, 0)] - x) > eps)
        if not m.any():
            break
        hi[m] -= 1
    count = hi - lo
    return center + (cs[hi] - cs[lo]) / count


def deffuant_rule(
    x_i: np.ndarray,
    x_j: np.ndarray,
    eps_i: np.ndarray | float,
    eps_j: np.ndarray | float,
    mu: float,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Deffuant-Weisbuch pairwise compromise.

    Parameters
    ----------
    x_i, x_j : numpy.ndarray
        Opinions of the two partners before the interaction.
    eps_i, eps_j : numpy.ndarray or float
        Their confidence bounds.
    mu : float
        Convergence parameter :math:`\mu \in (0, 1/2]`.

    Returns
    -------
    new_i, new_j : numpy.ndarray
        :math:`x_i + \mu (x_j - x_i)` if :math:`|x_i - x_j| < \varepsilon_i` (else
        :math:`x_i`), and symmetrically for :math:`j` with :math:`\varepsilon_j`.

    Notes
    -----
    With a common :math:`\varepsilon` both partners move or neither does, and the sum
    :math:`x_i + x_j` is conserved, so the population mean is invariant.

    References
    ----------
    .. [1] Deffuant, G., Neau, D., Amblard, F., & Weisbuch, G. (2000). Mixing beliefs among
       interacting agents. Advances in Complex Systems, 3, 87-98.

    Examples
    --------
    >>> import numpy as np
    >>> deffuant_rule(np.array([0.2]), np.array([0.3]), 0.2, 0.2, 0.5)
    (array([0.25]), array([0.25]))
    """
    d = x_j - x_i
    ad = np.abs(d)
    step = mu * d
    moves_i = ad < eps_i
    moves_j = moves_i if eps_j is eps_i else ad < eps_j
    new_i = np.where(moves_i, x_i + step, x_i)
    new_j = np.where(moves_j, x_j - step, x_j)
    return new_i, new_j
