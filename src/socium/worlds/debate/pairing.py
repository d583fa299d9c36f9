"""Groups and one-on-one chat partners, vectorized over groups.

References
----------
E. Lucas, *Récréations mathématiques*, vol. 2 (1883): the circle method of round-robin
scheduling used by :func:`round_robin_table`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["form_groups", "group_index", "partners_random", "partners_rotate", "round_robin_table"]


def form_groups(n: int, size: int, rng: np.random.Generator | None) -> np.ndarray:
    """Split ``n`` agents into ``n // size`` groups of ``size``.

    Parameters
    ----------
    n, size : int
        Number of agents (a multiple of ``size``) and group size.
    rng : numpy.random.Generator or None
        ``None``: contiguous groups (ids ``0..size-1`` form group 0, ...); otherwise a
        uniformly random partition.

    Returns
    -------
    numpy.ndarray
        ``(n // size, size)`` int64 member ids; a row's order is the seating order used by
        :func:`partners_rotate`.

    Examples
    --------
    >>> form_groups(6, 3, None).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    ids = np.arange(n, dtype=np.int64) if rng is None else rng.permutation(n).astype(np.int64)
    return ids.reshape(-1, size)


def group_index(members: np.ndarray, n: int) -> np.ndarray:
    """Per agent, the row of ``members`` that holds it."""
    out = np.empty(n, np.int64)
    out[members.ravel()] = np.repeat(np.arange(members.shape[0], dtype=np.int64), members.shape[1])
    return out


def round_robin_table(size: int) -> np.ndarray:
    """Partner seat of every seat in every round of a round robin (circle method).

    With an even ``size`` there are ``size - 1`` rounds in which everyone meets a new
    partner; with an odd ``size`` there are ``size`` rounds and each round one seat sits out
    (partner ``-1``). Seat ``s`` in round ``r`` meets ``table[r, s]``.

    Returns
    -------
    numpy.ndarray
        ``(rounds, size)`` int64; ``table[r, table[r, s]] == s`` wherever ``table[r, s] >= 0``.

    Examples
    --------
    >>> round_robin_table(4).tolist()
    [[3, 2, 1, 0], [2, 3, 0, 1], [1, 0, 3, 2]]
    >>> round_robin_table(3).tolist()
    [[-1, 2, 1], [2, -1, 0], [1, 0, -1]]
    """
    m = size + (size % 2)  # a dummy seat m - 1 when size is odd
    table = np.full((m - 1, m), -1, np.int64)
    for r in range(m - 1):
        table[r, r] = m - 1
        table[r, m - 1] = r
        for k in range(1, m // 2):
            a, b = (r + k) % (m - 1), (r - k) % (m - 1)
            table[r, a], table[r, b] = b, a
    table = table[:, :size]
    table[table >= size] = -1
    return table


def partners_rotate(members: np.ndarray, round_index: int, table: np.ndarray) -> np.ndarray:
    """Partners in round ``round_index`` (0-based) of a round robin within every group.

    After ``len(table)`` rounds the schedule repeats.

    Returns
    -------
    numpy.ndarray
        Per agent, its partner id, or ``-1`` when it sits out this round.
    """
    seats = table[round_index % table.shape[0]]
    n = members.size
    partner = np.full(n, -1, np.int64)
    has = seats >= 0
    partner[members[:, has].ravel()] = members[:, seats[has]].ravel()
    return partner


def partners_random(members: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random matching within every group (odd groups: one random agent sits out).

    Returns
    -------
    numpy.ndarray
        Per agent, its partner id, or ``-1``.
    """
    groups, size = members.shape
    order = rng.permuted(np.tile(np.arange(size), (groups, 1)), axis=1)
    seated = np.take_along_axis(members, order, axis=1)
    pairs = size // 2
    a = seated[:, 0 : 2 * pairs : 2].ravel()
    b = seated[:, 1 : 2 * pairs : 2].ravel()
    partner = np.full(members.size, -1, np.int64)
    partner[a] = b
    partner[b] = a
    return partner
