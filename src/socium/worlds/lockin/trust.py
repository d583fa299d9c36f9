r"""The trust matrix :math:`W` of the human-AI loop, its spectral radius, and the threshold.

:math:`W_{ij}` is how much agent :math:`i` trusts agent :math:`j`. Humans trust each AI with
:math:`\lambda_1` and their network in-neighbours with ``peer_trust`` split equally; AIs
trust each human with :math:`\lambda_2`. Nobody trusts itself (its own evidence enters
separately). With :math:`A` AIs, :math:`H = N - A` humans and no peer trust, :math:`W` is the
complete bipartite matrix with blocks :math:`\lambda_2 \mathbf 1_{A \times H}` and
:math:`\lambda_1 \mathbf 1_{H \times A}`, whose spectral radius is

.. math:: \rho(W) = \sqrt{A\,H\,\lambda_1 \lambda_2},

so for one AI :math:`\rho(W) > 1 \iff (N-1)\lambda_1\lambda_2 > 1`: the threshold of the
lock-in hypothesis (Qiu et al. 2025).

References
----------
T. A. Qiu, Z. He, T. Chugh and M. Kleiman-Weiner, "The Lock-in Hypothesis: Stagnation by
Algorithm", arXiv:2506.06166 (2025).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["spectral_radius", "threshold_product", "trust_matrix"]

_DENSE_LIMIT = 2000


def trust_matrix(
    n: int,
    ais: int,
    lambda1: float,
    lambda2: float,
    peer_trust: float = 0.0,
    peers: sp.csr_array | None = None,
) -> sp.csr_array:
    """The ``(N, N)`` trust matrix (rows: who trusts; columns: whom).

    Parameters
    ----------
    n, ais : int
        Agents and AI nodes (ids ``0..ais-1``).
    lambda1, lambda2 : float
        Human-in-AI and AI-in-human trust.
    peer_trust : float
        Total trust of a human in its in-neighbours among the humans (split equally).
    peers : scipy.sparse.csr_array, optional
        In-adjacency (row ``v`` = in-neighbours of ``v``); edges touching AIs are ignored.

    Examples
    --------
    >>> trust_matrix(3, 1, 0.5, 0.2).toarray().tolist()
    [[0.0, 0.2, 0.2], [0.5, 0.0, 0.0], [0.5, 0.0, 0.0]]
    """
    humans = np.arange(ais, n, dtype=np.int64)
    ai = np.arange(ais, dtype=np.int64)
    rows = [np.repeat(humans, ais), np.repeat(ai, humans.size)]
    cols = [np.tile(ai, humans.size), np.tile(humans, ais)]
    vals = [np.full(humans.size * ais, lambda1), np.full(humans.size * ais, lambda2)]
    if peers is not None and peer_trust > 0:
        coo = sp.coo_array(peers)
        keep = (coo.row >= ais) & (coo.col >= ais) & (coo.row != coo.col)
        r, c = coo.row[keep].astype(np.int64), coo.col[keep].astype(np.int64)
        deg = np.bincount(r, minlength=n)
        rows.append(r)
        cols.append(c)
        vals.append(peer_trust / deg[r])
    w = sp.coo_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ).tocsr()
    w.sum_duplicates()
    return w


def spectral_radius(w: sp.csr_array) -> float:
    r""":math:`\rho(W) = \max_k |\mu_k(W)|` (dense eigenvalues up to 2000 nodes, else ARPACK).

    Examples
    --------
    >>> round(spectral_radius(trust_matrix(5, 1, 0.5, 0.5)), 6)
    1.0
    """
    n = w.shape[0]
    if n == 0 or w.nnz == 0:
        return 0.0
    if n <= _DENSE_LIMIT:
        from scipy.linalg import eigvals

        return float(np.abs(eigvals(w.toarray())).max())
    from scipy.sparse.linalg import eigs

    return float(np.abs(eigs(w.astype(np.float64), k=1, which="LM", return_eigenvectors=False))[0])


def threshold_product(n: int, ais: int, lambda1: float, lambda2: float) -> float:
    r""":math:`A (N - A) \lambda_1 \lambda_2`, equal to :math:`\rho(W)^2` without peer trust;
    for one AI the paper's :math:`(N - 1)\lambda_1\lambda_2`.

    Examples
    --------
    >>> threshold_product(11, 1, 0.5, 0.3)
    1.5
    """
    return float(ais * (n - ais) * lambda1 * lambda2)
