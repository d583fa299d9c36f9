r"""Push physics: simultaneous, order-independent resolution of the agents' moves.

Rules (SwarmBench, Ruan et al. 2025): a moving agent exerts force :math:`f = 2` in its
direction; an agent has mass 1, an object of :math:`c` cells mass :math:`\lfloor\sqrt c\rfloor`,
the box mass 5; an object moves only if the force pushing it in one direction is at least its
mass; force passes only between adjacent bodies (chains); there is no pulling; walls (and other
static things: food, nest, the prey) never move.

Resolution of one round (all agents at once), for each direction :math:`d` separately:

1. **Contact graph.** Edge :math:`u \to v` when a cell of body :math:`v` lies directly in front
   (in direction :math:`d`) of a cell of body :math:`u`. A body is *blocked* when a cell in front
   of it is static terrain; cells beyond the board are free (bodies may leave through a gap).
2. **Push clusters.** Every agent that chose :math:`d` (a *pusher*) reaches its downstream
   closure (everything it would have to shove). Pushers whose closures share a body form one
   cluster :math:`S` (connected components of the pusher-body reachability relation).
3. **Force balance.** :math:`S` moves one cell in :math:`d` iff it holds no static or blocked
   body and

   .. math::

       f\,|\{a \in S: a \text{ chose } d\}| - f\,|\{a \in S: a \text{ chose } -d\}|
       \;\ge\; \sum_{b \in S,\ b \text{ did not choose } d} m_b .

   A pusher carries its own mass; every other body of the chain (objects, idle agents, agents
   moving elsewhere) must be carried, and agents pushing the opposite way cancel force
   (opposing pushes cancel). So a 2 x 2 box (mass 5) needs three agents pushing one way
   (:math:`3 \cdot 2 \ge 5 > 2 \cdot 2`), in contact or through a chain of agents that push too.
4. **Conflicts, rejected all.** Two successful clusters of different directions that share a
   body, or whose bodies would enter the same cell, all fail (nobody in them moves). No
   randomness is involved and the result does not depend on agent order. As a consequence an
   agent can enter a cell vacated in the same round only when the leaver is in its own cluster
   (a train moving the same way); a cell vacated sideways is not entered this round.

Rejection cannot make another cluster fail or succeed (failing clusters only stay where they
are, and every occupied cell in front of a cluster belongs to it), so one pass suffices.

The only sequential part is the fixed-point iteration of the reachability (at most the longest
chain, a few sparse matrix products); everything is vectorized over bodies and cells.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from socium.worlds.swarm.grid import DIRS, DOWN, LEFT, OPPOSITE, RIGHT, STAY, UP

__all__ = ["apply_shifts", "resolve_pushes"]


def _contacts(occ: np.ndarray, blocked: np.ndarray, n_bodies: int, d: int):
    """Edges (u, v) of the contact graph in direction ``d`` and each body's blocked flag."""
    h, w = occ.shape
    r, c = np.nonzero(occ >= 0)
    b = occ[r, c]
    fr, fc = r + DIRS[d, 0], c + DIRS[d, 1]
    inside = (fr >= 0) & (fr < h) & (fc >= 0) & (fc < w)
    b_in, fr, fc = b[inside], fr[inside], fc[inside]
    is_blocked = np.zeros(n_bodies, dtype=bool)
    is_blocked[b_in[blocked[fr, fc]]] = True
    other = occ[fr, fc]
    edge = (other >= 0) & (other != b_in)
    return b_in[edge], other[edge], is_blocked


def _clusters(occ, blocked, mass, static, choice, force, d):
    """Successful push clusters of direction ``d``: (member mask, cluster label per body)."""
    n = len(mass)
    pushers = np.flatnonzero(choice == d)
    labels = np.full(n, -1, dtype=np.int64)
    if pushers.size == 0:
        return np.zeros(n, dtype=bool), labels
    u, v, is_blocked = _contacts(occ, blocked, n, d)
    adj = sparse.csr_matrix((np.ones(len(u), dtype=bool), (u, v)), shape=(n, n))
    # reach[p, b]: pusher p must shove body b (fixed point of R <- R + R A)
    reach = sparse.csr_matrix(
        (np.ones(len(pushers), dtype=bool), (np.arange(len(pushers)), pushers)),
        shape=(len(pushers), n),
    )
    while True:
        nxt = (reach + reach @ adj).astype(bool)
        if nxt.nnz == reach.nnz:
            break
        reach = nxt
    rows, cols = reach.nonzero()
    member = np.zeros(n, dtype=bool)
    member[cols] = True
    link = sparse.csr_matrix((np.ones(len(rows), dtype=bool), (pushers[rows], cols)), shape=(n, n))
    _, comp = connected_components(link, directed=False)
    k = comp.max() + 1
    along = member & (choice == d)
    against = member & (choice == OPPOSITE[d]) & (choice != STAY)
    net = np.bincount(comp, weights=force * along, minlength=k) - np.bincount(
        comp, weights=force * against, minlength=k
    )
    load = np.bincount(comp, weights=mass * (member & ~along), minlength=k)
    bad = np.bincount(comp, weights=(member & (static | is_blocked)), minlength=k) > 0
    ok = (~bad) & (net >= load)
    moving = member & ok[comp]
    labels[moving] = comp[moving]
    return moving, labels


def resolve_pushes(
    occ: np.ndarray,
    blocked: np.ndarray,
    mass: np.ndarray,
    static: np.ndarray,
    choice: np.ndarray,
    force: np.ndarray,
) -> np.ndarray:
    r"""The move (``STAY``, ``UP``, ``DOWN``, ``LEFT``, ``RIGHT``) each body makes this round.

    Parameters
    ----------
    occ : numpy.ndarray
        ``(H, W)`` body id per cell, -1 for none.
    blocked : numpy.ndarray
        ``(H, W)`` bool, static terrain (walls, food, nest).
    mass : numpy.ndarray
        ``(B,)`` body masses.
    static : numpy.ndarray
        ``(B,)`` bool, bodies that never move by pushing (the prey).
    choice : numpy.ndarray
        ``(B,)`` chosen move code of each body (objects and idle agents: ``STAY``; ``SWITCH``
        counts as ``STAY``).
    force : numpy.ndarray
        ``(B,)`` force each body exerts when it moves (agents 2, objects 0).

    Returns
    -------
    numpy.ndarray
        ``(B,)`` ``int64`` realised move codes.

    Notes
    -----
    See the module docstring: per direction, push clusters move iff they hold nothing static
    and :math:`f n_{\text{along}} - f n_{\text{against}} \ge \sum m_{\text{carried}}`; clusters
    of different directions that share a body or a target cell all fail.

    References
    ----------
    K. Ruan et al., arXiv:2505.04364 (2025), section 3 (physics).

    Examples
    --------
    >>> occ = np.array([[0, 1, -1]])
    >>> blocked = np.zeros((1, 3), bool)
    >>> resolve_pushes(occ, blocked, np.ones(2), np.zeros(2, bool), np.array([RIGHT, STAY]),
    ...                np.full(2, 2.0)).tolist()
    [4, 4]
    """
    n = len(mass)
    mass = np.asarray(mass, dtype=np.float64)
    force = np.asarray(force, dtype=np.float64)
    choice = np.asarray(choice, dtype=np.int64)
    h, w = occ.shape
    claims = []  # (direction, moving mask, labels)
    for d in (UP, DOWN, LEFT, RIGHT):
        moving, labels = _clusters(occ, blocked, mass, static, choice, force, d)
        if moving.any():
            claims.append((d, moving, labels))
    if not claims:
        return np.zeros(n, dtype=np.int64)
    # global cluster ids
    offset = 0
    gid = np.full((len(claims), n), -1, dtype=np.int64)
    for j, (_d, moving, labels) in enumerate(claims):
        gid[j, moving] = labels[moving] + offset
        offset += labels.max() + 1
    failed = np.zeros(offset, dtype=bool)
    # bodies claimed by clusters of two directions
    twice = (gid >= 0).sum(axis=0) > 1
    failed[gid[:, twice][gid[:, twice] >= 0]] = True
    # target cells entered by two clusters
    r, c = np.nonzero(occ >= 0)
    b = occ[r, c]
    cells, owners = [], []
    for j, (d, _moving, _labels) in enumerate(claims):
        g = gid[j, b]
        sel = g >= 0
        tr, tc = r[sel] + DIRS[d, 0], c[sel] + DIRS[d, 1]
        ins = (tr >= 0) & (tr < h) & (tc >= 0) & (tc < w)
        cells.append(tr[ins] * w + tc[ins])
        owners.append(g[sel][ins])
    cells_a, owners_a = np.concatenate(cells), np.concatenate(owners)
    pairs = np.unique(np.stack([cells_a, owners_a]), axis=1)
    cell_u, count = np.unique(pairs[0], return_counts=True)
    shared = np.isin(pairs[0], cell_u[count > 1])
    failed[pairs[1, shared]] = True
    out = np.zeros(n, dtype=np.int64)
    for j, (d, _moving, _labels) in enumerate(claims):
        ok = gid[j] >= 0
        ok[ok] = ~failed[gid[j, ok]]
        out[ok] = d
    return out


def apply_shifts(occ: np.ndarray, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move every body's cells by its realised move; cells leaving the board disappear.

    Parameters
    ----------
    occ : numpy.ndarray
        ``(H, W)`` body id per cell (-1 none).
    shift : numpy.ndarray
        ``(B,)`` move codes from :func:`resolve_pushes`.

    Returns
    -------
    new_occ : numpy.ndarray
        The board after the moves.
    left : numpy.ndarray
        ``(B,)`` number of cells of each body that left the board this round.
    """
    h, w = occ.shape
    r, c = np.nonzero(occ >= 0)
    b = occ[r, c]
    nr, nc = r + DIRS[shift[b], 0], c + DIRS[shift[b], 1]
    ins = (nr >= 0) & (nr < h) & (nc >= 0) & (nc < w)
    new = np.full_like(occ, -1)
    new[nr[ins], nc[ins]] = b[ins]
    left = np.bincount(b[~ins], minlength=len(shift))
    return new, left
