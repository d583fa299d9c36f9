"""Hand-written numpy/scipy kernels: the "numpy limit" that socium's engine is compared with.

Every kernel works on the CSR arrays of the *in*-adjacency (row ``v`` lists the nodes that
influence ``v``; for an undirected graph this is the adjacency itself) and implements exactly the
dynamics of the socium model it is compared with:

* :func:`degroot_step` -- ``x <- (A^T x + s x) / (d_in + s)``, one synchronous sweep.
* :func:`voter_sequential` -- one random-sequential sweep of the node-update voter model: in
  acting order, listener ``v`` copies the *current* opinion of a uniformly random in-neighbour.
  Exact: identical to the one-at-a-time Python loop :func:`voter_sequential_loop` for the same
  draws (checked by ``python bench/_kernels.py``).
* :func:`deffuant_sequential` -- one random-sequential Deffuant sweep (both partners move
  ``mu`` of the way when closer than ``epsilon``), exact: the sweep is cut into conflict-free
  chunks (socium's :func:`socium.core.sequential.conflict_free_chunks`, the only socium code a
  kernel uses) and each chunk is one fused numpy update.
* :func:`voter_synchronous` -- every node copies a random in-neighbour's opinion of the previous
  sweep. NOT the same model (a synchronous update); it is the cheapest possible voter sweep
  (one gather), reported only as a lower bound.
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = [
    "deffuant_sequential",
    "deffuant_sequential_loop",
    "degroot_step",
    "draw_speakers",
    "voter_sequential",
    "voter_sequential_loop",
    "voter_sequential_pylist",
    "voter_synchronous",
]


def degroot_step(at, x: np.ndarray, s: float, denom: np.ndarray) -> np.ndarray:
    """One DeGroot sweep ``(A^T x + s x) / (d_in + s)``; ``at`` is ``A^T`` as CSR, ``denom`` is
    ``d_in + s``."""
    y = at @ x
    if s:
        y += s * x
    y /= denom
    return y


def draw_speakers(
    indptr: np.ndarray, indices: np.ndarray, listeners: np.ndarray, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each listener, a uniformly random in-neighbour (``u`` uniform in [0, 1)).

    Listeners without in-neighbours are dropped. Returns ``(listeners, speakers)``.
    """
    start = indptr[listeners]
    deg = indptr[listeners + 1] - start
    keep = deg > 0
    if not keep.all():
        listeners, start, deg, u = listeners[keep], start[keep], deg[keep], u[keep]
    return listeners, indices[start + (u * deg).astype(start.dtype)]


def voter_sequential(
    x: np.ndarray, listeners: np.ndarray, speakers: np.ndarray, *, unique: bool
) -> np.ndarray:
    """Apply the copies ``x[listeners[t]] <- x[speakers[t]]`` for ``t = 0, 1, ...`` IN ORDER,
    vectorized and exact; returns the new opinion array (``x`` is not modified).

    Parameters
    ----------
    x : ndarray
        Opinions before the sweep.
    listeners, speakers : ndarray of int
        The updates in acting order.
    unique : bool
        True when every node is a listener at most once (a random permutation schedule), which
        allows an O(T) search for earlier writes; otherwise a sort is used.

    Notes
    -----
    Update ``t`` copies the value its speaker holds at time ``t``: the value written by the last
    earlier update ``src(t)`` whose listener is that speaker, or the initial value when there is
    none. Following ``src`` back to the start of the chain (pointer jumping, ``O(T log depth)``)
    gives every update's value ``x0[speakers[root(t)]]``; the new state keeps each listener's
    last write.
    """
    t_count = listeners.shape[0]
    n = x.shape[0]
    if t_count == 0:
        return x.copy()
    times = np.arange(t_count, dtype=np.int64)
    if unique:
        write_time = np.full(n, -1, dtype=np.int64)
        write_time[listeners] = times
        src = write_time[speakers]
        src[src >= times] = -1  # written later in the sweep (or never): initial value
        last = times
    else:
        order = np.argsort(listeners, kind="stable")
        wl = listeners[order]
        wkey = wl.astype(np.int64) * t_count + order
        pos = np.searchsorted(wkey, speakers.astype(np.int64) * t_count + times) - 1
        posc = np.maximum(pos, 0)
        src = np.where((pos >= 0) & (wl[posc] == speakers), order[posc], -1)
        last = order[np.append(wl[1:] != wl[:-1], True)]
    ptr = np.where(src >= 0, src, times)
    while True:
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    out = x.copy()
    out[listeners[last]] = x[speakers[ptr[last]]]
    return out


def voter_sequential_loop(x: np.ndarray, listeners: np.ndarray, speakers: np.ndarray) -> np.ndarray:
    """Reference: the same sweep, one update at a time on the numpy array (slow)."""
    out = x.copy()
    for v, u in zip(listeners.tolist(), speakers.tolist(), strict=True):
        out[v] = out[u]
    return out


def voter_sequential_pylist(
    x: np.ndarray, listeners: np.ndarray, speakers: np.ndarray
) -> np.ndarray:
    """The same sweep as a plain Python loop over lists (the most direct exact implementation)."""
    out = x.tolist()
    for v, u in zip(listeners.tolist(), speakers.tolist(), strict=True):
        out[v] = out[u]
    return np.asarray(out, dtype=x.dtype)


def deffuant_sequential(
    x: np.ndarray, agents: np.ndarray, partners: np.ndarray, epsilon: float, mu: float
) -> int:
    """One exact two-sided Deffuant sweep, in place on ``x``; returns the number of chunks.

    Event ``t``: if ``|x_j - x_i| < epsilon`` then ``x_i += mu (x_j - x_i)`` and
    ``x_j -= mu (x_j - x_i)`` with ``i = agents[t]``, ``j = partners[t]``, in order.
    """
    from socium.core.sequential import conflict_free_chunks

    bounds = conflict_free_chunks(np.stack([agents, partners], axis=1), n_nodes=x.shape[0])
    b = bounds.tolist()
    for a, c in itertools.pairwise(b):
        i, j = agents[a:c], partners[a:c]
        xi, xj = x[i], x[j]
        d = xj - xi
        ok = np.abs(d) < epsilon
        step = mu * d[ok]
        x[i[ok]] = xi[ok] + step
        x[j[ok]] = xj[ok] - step
    return len(b) - 1


def deffuant_sequential_loop(
    x: np.ndarray, agents: np.ndarray, partners: np.ndarray, epsilon: float, mu: float
) -> None:
    """Reference: the same sweep one event at a time (slow), in place."""
    for i, j in zip(agents.tolist(), partners.tolist(), strict=True):
        d = x[j] - x[i]
        if abs(d) < epsilon:
            x[i] += mu * d
            x[j] -= mu * d


def voter_synchronous(
    x: np.ndarray, indptr: np.ndarray, indices: np.ndarray, deg: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Synchronous voter sweep (lower bound, a different model): every node with in-neighbours
    copies the previous-sweep opinion of a uniformly random one."""
    speakers = indices[indptr[:-1] + (u * deg).astype(indptr.dtype)]
    return np.where(deg > 0, x[speakers], x)


def _self_check() -> None:
    """Exactness check of :func:`voter_sequential` against the loop on random small graphs."""
    import scipy.sparse as sp

    rng = np.random.default_rng(12345)
    for trial in range(200):
        n = int(rng.integers(2, 60))
        a = sp.random_array((n, n), density=float(rng.uniform(0.02, 0.5)), rng=rng, format="csr")
        a.setdiag(0)
        a.eliminate_zeros()
        a = (a + a.T).tocsr() if trial % 2 else a.tocsr()
        at = a.T.tocsr()
        at.sort_indices()
        x = rng.integers(0, 5, n).astype(float)
        unique = trial % 3 != 0
        lis = rng.permutation(n) if unique else rng.integers(0, n, n)
        lis, spk = draw_speakers(at.indptr, at.indices, lis, rng.random(lis.shape[0]))
        want = voter_sequential_loop(x, lis, spk)
        got = voter_sequential(x, lis, spk, unique=unique)
        assert np.array_equal(got, want), trial
        assert np.array_equal(voter_sequential_pylist(x, lis, spk), want), trial
        xf = rng.random(n)
        want_f = xf.copy()
        deffuant_sequential_loop(want_f, lis, spk, 0.3, 0.5)
        got_f = xf.copy()
        deffuant_sequential(got_f, lis, spk, 0.3, 0.5)
        assert np.allclose(got_f, want_f, rtol=0, atol=1e-12), trial
    print("voter_sequential and deffuant_sequential match the one-at-a-time loops on 200 graphs")


if __name__ == "__main__":
    _self_check()
