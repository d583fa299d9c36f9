r"""Beliefs as distributions over K options, updated through the trust matrix.

Agent :math:`i` holds centred log-beliefs :math:`\ell_i \in \mathbb R^K`
(:math:`\sum_k \ell_{ik} = 0`); its belief is :math:`p_i = \operatorname{softmax}(\ell_i)`. Each
human has private evidence :math:`e_i = s\,\mathbf 1_{\text{truth}} + \sigma z_i` (centred),
each AI none. Everyone treats the beliefs of those it trusts as further evidence and adds them
(a log-linear opinion pool, Genest & Zidek 1986, with the "persuasion bias" of counting
repeated information again, DeMarzo, Vayanos & Zwiebel 2003):

.. math:: \ell(t+1) = E + W\,\ell(t), \qquad \ell(0) = E.

If :math:`\rho(W) < 1` this converges to the finite fixed point
:math:`\ell^* = (I - W)^{-1} E`: beliefs settle with the diversity the evidence supports. If
:math:`\rho(W) > 1`, :math:`\ell` grows like :math:`\rho(W)^t` along the Perron vector, the
softmax collapses onto one option for everyone and entropy goes to 0: **lock-in**, on whatever
option the feedback loop amplified, true or not (Qiu et al. 2025). Centring rows leaves beliefs
unchanged (softmax is invariant to adding a constant to a row, and so is :math:`W\ell` row by
row), and when :math:`\max|\ell|` passes :data:`RESCALE_AT` all of :math:`\ell` is divided by
it: at that size the evidence is below double precision relative to :math:`W\ell`, so beliefs
are unchanged.

References
----------
C. Genest and J. V. Zidek, "Combining probability distributions: a critique and an annotated
bibliography", *Statistical Science* 1(1), 114-135 (1986).
P. M. DeMarzo, D. Vayanos and J. Zwiebel, "Persuasion bias, social influence, and
unidimensional opinions", *QJE* 118(3), 909-968 (2003).
T. A. Qiu et al., "The Lock-in Hypothesis: Stagnation by Algorithm", arXiv:2506.06166 (2025).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "RESCALE_AT",
    "centre",
    "entropy",
    "fixed_point",
    "from_probabilities",
    "rescale",
    "softmax",
    "update",
]

#: Log-beliefs are rescaled when their largest magnitude passes this.
RESCALE_AT = 1e100
_FLOOR = 1e-9


def centre(ell: np.ndarray) -> np.ndarray:
    """Subtract each row's mean (beliefs do not change)."""
    return ell - ell.mean(axis=1, keepdims=True)


def softmax(ell: np.ndarray) -> np.ndarray:
    """Row-wise softmax of log-beliefs.

    Examples
    --------
    >>> softmax(np.array([[0.0, np.log(3.0)]])).tolist()
    [[0.25, 0.75]]
    """
    z = ell - ell.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def entropy(p: np.ndarray) -> np.ndarray:
    r"""Normalised Shannon entropy :math:`-\sum_k p_k \log p_k / \log K` of every row (in
    [0, 1]).

    Examples
    --------
    >>> entropy(np.array([[0.5, 0.5], [1.0, 0.0]])).tolist()
    [1.0, 0.0]
    """
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(p > 0, -p * np.log(p), 0.0).sum(axis=-1) + 0.0
    return h / np.log(p.shape[-1])


def from_probabilities(p: np.ndarray) -> np.ndarray:
    """Centred log-beliefs of probability rows (floored at 1e-9, renormalised)."""
    p = np.maximum(np.asarray(p, dtype=np.float64), _FLOOR)
    p = p / p.sum(axis=1, keepdims=True)
    return centre(np.log(p))


def update(evidence: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    r"""One step for some agents: :math:`\ell_i' = e_i + (W\ell)_i`, centred.

    ``pooled`` holds the rows :math:`(W\ell)_i` computed from the state at the start of the
    step (synchronous update).

    Examples
    --------
    >>> w = sp.csr_array(np.array([[0.0, 0.5], [0.5, 0.0]]))
    >>> ell = np.array([[1.0, -1.0], [0.0, 0.0]])
    >>> update(ell, w @ ell).tolist()
    [[1.0, -1.0], [0.5, -0.5]]
    """
    return centre(evidence + pooled)


def rescale(ell: np.ndarray) -> tuple[np.ndarray, float]:
    """Divide all log-beliefs by their largest magnitude once it passes :data:`RESCALE_AT`.

    Returns
    -------
    ell, factor : numpy.ndarray, float
        The (possibly) rescaled log-beliefs and the factor divided by (1.0 if none).
    """
    peak = float(np.abs(ell).max()) if ell.size else 0.0
    if peak > RESCALE_AT:
        return ell / peak, peak
    return ell, 1.0


def fixed_point(evidence: np.ndarray, w: sp.csr_array) -> np.ndarray:
    r""":math:`\ell^* = (I - W)^{-1} E` (meaningful when :math:`\rho(W) < 1`)."""
    n = w.shape[0]
    a = sp.identity(n, format="csc") - w.tocsc()
    from scipy.sparse.linalg import spsolve

    out = spsolve(a, evidence)
    return centre(np.asarray(out).reshape(evidence.shape))
