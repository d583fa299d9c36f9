"""Per-node diffusion state shared by the world and its model: states, activation times, parents.

Node states are ``0`` = susceptible / inactive, ``1`` = infected / active, ``2`` = removed (SIR
only).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ACTIVE", "INACTIVE", "REMOVED", "NodeStates"]

INACTIVE = 0
"""State of a susceptible (inactive) node."""
ACTIVE = 1
"""State of an infected (active) node."""
REMOVED = 2
"""State of a removed (recovered) node in SIR."""


class NodeStates:
    """The arrays every diffusion model reads and writes, with O(1) counters.

    Parameters
    ----------
    n : int
        Number of nodes.

    Attributes
    ----------
    state : numpy.ndarray of int8
        ``INACTIVE``, ``ACTIVE`` or ``REMOVED`` per node.
    activated_at : numpy.ndarray of int
        Step of the first activation (infection), ``-1`` for never; seeds: 0.
    parent : numpy.ndarray of int
        The node that caused the first activation, ``-1`` for seeds and never-active nodes.
    n_active, n_removed, n_ever : int
        Number of active, removed and ever-activated nodes, kept up to date by
        :meth:`activate` and by the models (recoveries); :meth:`recount` rebuilds them.

    Notes
    -----
    ``activated_at`` and ``parent`` are ``int32`` below :math:`2^{31}-1` nodes (half the memory
    of ``int64`` at :math:`10^6` nodes), else ``int64``.
    """

    def __init__(self, n: int):
        idx = np.int32 if n < np.iinfo(np.int32).max else np.int64
        self.n = n
        self.state = np.zeros(n, dtype=np.int8)
        self.activated_at = np.full(n, -1, dtype=idx)
        self.parent = np.full(n, -1, dtype=idx)
        self.n_active = self.n_removed = self.n_ever = 0

    def seed(self, seeds: np.ndarray) -> None:
        """Make ``seeds`` active at step 0, without a parent (counters: call :meth:`recount`)."""
        self.state[seeds] = ACTIVE
        self.activated_at[seeds] = 0

    def activate(self, new: np.ndarray, par: np.ndarray, t: int, *, first: bool) -> None:
        """Set ``new`` active at step ``t``; the first activation fixes activated_at / parent.

        ``first = True`` asserts that no node of ``new`` was ever active (IC, LT, SI, SIR);
        otherwise (SIS) only the nodes never active before get ``activated_at`` and ``parent``.
        """
        self.state[new] = ACTIVE
        if first:
            self.activated_at[new] = t
            self.parent[new] = par
            self.n_ever += new.size
        else:
            fresh = self.activated_at[new] < 0
            self.activated_at[new[fresh]] = t
            self.parent[new[fresh]] = par[fresh]
            self.n_ever += int(np.count_nonzero(fresh))
        self.n_active += new.size

    def recount(self) -> None:
        """Rebuild the counters from the arrays (after seeding or a restore)."""
        self.n_active = int(np.count_nonzero(self.state == ACTIVE))
        self.n_removed = int(np.count_nonzero(self.state == REMOVED))
        self.n_ever = int(np.count_nonzero(self.activated_at >= 0))
