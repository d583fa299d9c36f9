r"""Draw the four counterparts of every chooser, vectorized.

For chooser :math:`j` with identity :math:`I_j` and belief :math:`B_j` on the trial's issue, the
four cells are (same identity, same belief), (same identity, opposite belief), (other
identity, same belief) and (other identity, opposite belief). One counterpart is drawn
uniformly from each cell's pool (never :math:`j` itself). Agents are sorted by (belief,
identity), so every pool is one contiguous block, or one block minus another: a draw is an
offset, shifted past the excluded block or past the chooser.

References
----------
M. Rokeach and L. Mezei, "Race and shared belief as factors in social choice", *Science* 151,
167-172 (1966).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CELLS", "draw_counterparts"]

#: The four cells as (same identity, same belief), in column order.
CELLS = ((True, True), (True, False), (False, True), (False, False))


def draw_counterparts(
    identity: np.ndarray,
    belief: np.ndarray,
    n_identities: int,
    choosers: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """One random counterpart per cell for every chooser.

    Parameters
    ----------
    identity : numpy.ndarray
        ``(N,)`` identity index of every agent.
    belief : numpy.ndarray
        ``(N,)`` belief (0 disagree, 1 agree) on the trial's issue.
    n_identities : int
        Number of identity groups.
    choosers : numpy.ndarray
        ``(B,)`` ids.
    rng : numpy.random.Generator
        Draws ``(B, 4)`` uniforms.

    Returns
    -------
    numpy.ndarray
        ``(B, 4)`` counterpart ids in the order of :data:`CELLS`; ``-1`` where a pool is empty.

    Examples
    --------
    >>> ident = np.array([0, 0, 1, 1, 0])
    >>> bel = np.array([1, 0, 1, 0, 1])
    >>> draw_counterparts(ident, bel, 2, np.array([0]), np.random.default_rng(0)).tolist()
    [[4, 1, 2, 3]]
    """
    identity = np.asarray(identity, dtype=np.int64)
    belief = np.asarray(belief, dtype=np.int64)
    n = identity.shape[0]
    key = belief * n_identities + identity
    order = np.argsort(key, kind="stable")
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    count = np.bincount(key, minlength=2 * n_identities).reshape(2, n_identities)
    start = (np.cumsum(count.ravel()) - count.ravel()).reshape(2, n_identities)
    b_start, b_total = start[:, 0], count.sum(axis=1)

    j = np.asarray(choosers, dtype=np.int64)
    ij, bj = identity[j], belief[j]
    u = rng.random((j.shape[0], 4))
    out = np.full((j.shape[0], 4), -1, np.int64)
    for col, (same_id, same_b) in enumerate(CELLS):
        b = bj if same_b else 1 - bj
        own = count[b, ij]
        if same_id:
            size = own - (1 if same_b else 0)
            pos = start[b, ij] + np.minimum((u[:, col] * size).astype(np.int64), size - 1)
            if same_b:
                pos = pos + (pos >= rank[j])
        else:
            size = b_total[b] - own
            off = np.minimum((u[:, col] * size).astype(np.int64), size - 1)
            pos = b_start[b] + off
            pos = pos + np.where(pos >= start[b, ij], own, 0)
        ok = size > 0
        out[ok, col] = order[pos[ok]]
    return out
