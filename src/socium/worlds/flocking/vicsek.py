r"""Pure, vectorized kernels of the Vicsek model: neighbour sums, alignment, motion, order.

All functions work on arrays of :math:`N` particles in a periodic :math:`L \times L` box and cost
:math:`O(N)` per call for a fixed density (the neighbour search is a periodic k-d tree).

References
----------
T. Vicsek, A. Czirók, E. Ben-Jacob, I. Cohen and O. Shochet, "Novel type of phase transition in
a system of self-driven particles", Phys. Rev. Lett. 75, 1226 (1995).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

__all__ = [
    "align",
    "move",
    "neighbor_pairs",
    "neighbor_sums",
    "order_parameter",
    "wrap_angle",
    "wrap_positions",
]


def wrap_positions(pos: np.ndarray, box: float) -> np.ndarray:
    """Map positions into ``[0, box)`` (periodic boundaries), in place; returns ``pos``.

    ``np.mod`` can round a tiny negative coordinate up to exactly ``box``; such values are set
    to 0 so that every coordinate lies in the half-open box that ``cKDTree(boxsize=box)`` needs.

    Examples
    --------
    >>> wrap_positions(np.array([[-0.5, 10.5]]), 10.0)
    array([[9.5, 0.5]])
    """
    np.mod(pos, box, out=pos)
    pos[pos >= box] = 0.0
    return pos


def wrap_angle(theta: np.ndarray) -> np.ndarray:
    r"""Angles mapped into :math:`[-\pi, \pi)`.

    Examples
    --------
    >>> float(wrap_angle(np.array([3 * np.pi / 2]))[0]) == -np.pi / 2
    True
    """
    return np.mod(np.asarray(theta) + np.pi, 2.0 * np.pi) - np.pi


def neighbor_pairs(pos: np.ndarray, box: float, r: float) -> np.ndarray:
    r"""All pairs ``(i, j)``, ``i < j``, at periodic (minimum-image) distance :math:`\le r`.

    Parameters
    ----------
    pos : numpy.ndarray
        ``(N, 2)`` positions in ``[0, box)``.
    box : float
        Side :math:`L` of the periodic box.
    r : float
        Interaction radius, at most :math:`L/2` (so a pair is counted once).

    Returns
    -------
    numpy.ndarray
        ``(P, 2)`` int64 array of pairs.

    Notes
    -----
    A periodic ``scipy.spatial.cKDTree`` (``boxsize=L``): building and querying cost
    :math:`O(N \log N)`, in practice linear at fixed density.
    """
    if pos.shape[0] < 2:
        return np.empty((0, 2), np.int64)
    tree = cKDTree(pos, boxsize=box)
    return tree.query_pairs(r, output_type="ndarray").astype(np.int64, copy=False)


def neighbor_sums(theta: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Per particle, :math:`\sum_{j \in \mathcal N_i} (\cos\theta_j, \sin\theta_j)`.

    The neighbourhood :math:`\mathcal N_i` holds :math:`i` itself and every :math:`j` of a pair
    with :math:`i`.

    Examples
    --------
    >>> c, s = neighbor_sums(np.array([0.0, np.pi / 2, np.pi]), np.array([[0, 1]]))
    >>> np.round(c, 12).tolist(), np.round(s, 12).tolist()
    ([1.0, 1.0, -1.0], [1.0, 1.0, 0.0])
    """
    n = theta.shape[0]
    cos, sin = np.cos(theta), np.sin(theta)
    i, j = pairs[:, 0], pairs[:, 1]
    sc = cos + np.bincount(i, cos[j], n) + np.bincount(j, cos[i], n)
    ss = sin + np.bincount(i, sin[j], n) + np.bincount(j, sin[i], n)
    return sc, ss


def align(mean_heading: np.ndarray, eta: float, rng: np.random.Generator) -> np.ndarray:
    r"""The Vicsek alignment rule: :math:`\theta_i(t+1) = \langle\theta\rangle_i + \xi_i`.

    Parameters
    ----------
    mean_heading : numpy.ndarray
        :math:`\langle\theta\rangle_i = \arg \sum_{j \in \mathcal N_i} e^{i\theta_j}`.
    eta : float
        Noise amplitude; :math:`\xi_i \sim U[-\eta/2, \eta/2]`, independent.
    rng : numpy.random.Generator
        Source of the noise (one uniform per particle, always drawn, also at :math:`\eta = 0`).

    Returns
    -------
    numpy.ndarray
        New headings in :math:`[-\pi, \pi)`.

    References
    ----------
    Vicsek et al., Phys. Rev. Lett. 75, 1226 (1995), Eq. (2).
    """
    noise = (rng.random(mean_heading.shape[0]) - 0.5) * eta
    return wrap_angle(mean_heading + noise)


def move(pos: np.ndarray, theta: np.ndarray, v0: float, box: float) -> np.ndarray:
    r"""One step of motion, in place: :math:`x_i \leftarrow x_i + v_0 (\cos\theta_i,
    \sin\theta_i)`, wrapped into the periodic box."""
    pos[:, 0] += v0 * np.cos(theta)
    pos[:, 1] += v0 * np.sin(theta)
    return wrap_positions(pos, box)


def order_parameter(theta: np.ndarray) -> float:
    r"""Polar order :math:`\varphi = \frac{1}{N}\left|\sum_i e^{i\theta_i}\right|` (NaN for
    :math:`N = 0`).

    :math:`\varphi = 1` when all headings agree; for independent uniform headings
    :math:`E[\varphi^2] = 1/N`.

    Examples
    --------
    >>> order_parameter(np.array([0.0, 0.0]))
    1.0
    >>> round(order_parameter(np.array([0.0, np.pi])), 12)
    0.0
    """
    n = theta.shape[0]
    if n == 0:
        return float("nan")
    return float(np.hypot(np.cos(theta).sum(), np.sin(theta).sum()) / n)
