"""The graph type used by every socium world.

A :class:`Network` wraps a square ``scipy.sparse.csr_array`` whose row ``u`` lists the
out-neighbours of ``u``. An edge ``(u, v)`` means "``u`` influences ``v``": information flows
from ``u`` to ``v``. Undirected networks store both directions, so their adjacency is symmetric.

Storage is compact so that a network of 10 million nodes and 50 million edges fits in a few
gigabytes: ``float64`` weights, ``int32`` indices whenever the node count and the number of
stored entries allow it (``int64`` otherwise), sorted column indices, no duplicate entries and no
explicit zeros.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

__all__ = ["Network"]

_INT32_MAX = np.iinfo(np.int32).max

Direction = Literal["out", "in", "all"]


def _index_dtype(n: int, nnz: int) -> type[np.signedinteger]:
    """Return ``int32`` when ``n`` and ``nnz`` both fit in it, else ``int64``."""
    return np.int32 if max(n, nnz) <= _INT32_MAX else np.int64


def _make_csr(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n: int) -> sp.csr_array:
    """Assemble a canonical CSR array from trusted parts without re-checking them.

    The parts must already be sorted within rows, free of duplicates and explicit zeros.
    """
    idx = _index_dtype(n, int(indices.shape[0]))
    out = sp.csr_array(
        (
            np.asarray(data, dtype=np.float64),
            np.asarray(indices, dtype=idx),
            np.asarray(indptr, dtype=idx),
        ),
        shape=(n, n),
        copy=False,
    )
    # scipy may pick its own index dtype; force ours (no copy when they already agree).
    out.indices = np.asarray(out.indices, dtype=idx)
    out.indptr = np.asarray(out.indptr, dtype=idx)
    out.has_sorted_indices = True
    out.has_canonical_format = True
    return out


def _canonical_csr(adjacency: Any) -> sp.csr_array:
    """Convert any sparse or dense square matrix to a canonical float64 CSR array."""
    if sp.issparse(adjacency):
        # copy CSR input so that canonicalization never touches the caller's arrays
        a = sp.csr_array(adjacency, dtype=np.float64, copy=adjacency.format == "csr")
    else:
        arr = np.asarray(adjacency)
        if arr.ndim != 2:
            raise ValueError(f"adjacency must be a 2-D square matrix; got shape {arr.shape}")
        a = sp.csr_array(arr.astype(np.float64, copy=False))
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"adjacency must be square (n x n); got shape {a.shape}")
    a.sum_duplicates()
    a.eliminate_zeros()
    if a.data.size and not np.all(np.isfinite(a.data)):
        raise ValueError("adjacency weights must be finite; found NaN or infinity")
    return a


def _row_of_entries(indptr: np.ndarray, n: int, dtype: Any = np.int64) -> np.ndarray:
    """Return the row index of every stored entry of a CSR structure."""
    return np.repeat(np.arange(n, dtype=dtype), np.diff(indptr))


def _lower_bound(
    indptr: np.ndarray, indices: np.ndarray, u: np.ndarray, v: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized binary search of column ``v`` inside row ``u`` of a sorted CSR structure.

    Returns
    -------
    pos : numpy.ndarray of int64
        Position in ``indices`` where ``v`` is, or where it would be inserted in row ``u``.
    found : numpy.ndarray of bool
        Whether the entry ``(u, v)`` is stored.
    """
    lo = indptr[u].astype(np.int64)
    hi = indptr[u + 1].astype(np.int64)
    end = hi.copy()
    active = np.flatnonzero(lo < hi)
    while active.size:
        mid = (lo[active] + hi[active]) // 2
        go_right = indices[mid] < v[active]
        lo[active[go_right]] = mid[go_right] + 1
        hi[active[~go_right]] = mid[~go_right]
        active = active[lo[active] < hi[active]]
    found = np.zeros(u.shape[0], dtype=bool)
    inside = lo < end
    found[inside] = indices[lo[inside]] == v[inside]
    return lo, found


def _as_node_array(x: Any, name: str, n: int) -> np.ndarray:
    """Validate an array of node ids and return it as int64."""
    arr = np.asarray(x)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of node ids; got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
        raise ValueError(f"{name} must hold integer node ids; got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= n:
        bad = lo if lo < 0 else hi
        raise ValueError(f"{name} holds node id {bad}; allowed ids are 0..{n - 1}")
    return arr


class Network:
    """A directed or undirected graph on nodes ``0..n-1`` stored as a sparse CSR matrix.

    Parameters
    ----------
    adjacency : scipy.sparse matrix or array_like, shape (n, n)
        Row ``u`` lists the out-neighbours of ``u``; entry ``(u, v)`` means "``u`` influences
        ``v``". Any sparse format or a dense array is accepted and converted. Duplicate entries
        are summed, explicit zeros dropped.
    directed : bool
        Whether edges have a direction. For ``directed=False`` the pattern is symmetrized (an
        entry in either direction makes an undirected edge); for a weighted undirected graph the
        two directions of an edge must then carry the same weight.
    weighted : bool, default False
        Keep the stored values as edge weights. When False every edge gets weight 1.0.
    name : str, default ""
        Free-form name, e.g. the generator that built the graph.
    complete : bool, default False
        Mark the graph as complete (every ordered pair of distinct nodes is an edge), which lets
        worlds use mean-field fast paths. Checked against the edge count; cleared automatically
        when edges are removed.
    allow_self_loops : bool, default False
        Keep diagonal entries. By default they are removed.
    labels : sequence, optional
        Original node names, one per node (set by :meth:`from_networkx` when the nodes were not
        ``0..n-1``).

    Notes
    -----
    The adjacency is stored with ``float64`` data and ``int32`` indices whenever
    ``max(n, nnz) < 2**31`` (``int64`` otherwise), with sorted column indices, so a graph with
    ``n`` nodes and ``E`` undirected edges needs about ``4 n + 24 E`` bytes.

    Edge updates (:meth:`add_edges`, :meth:`remove_edges`) are recorded in a pending buffer and
    applied together, in call order, the next time the adjacency (or anything derived from it)
    is read. Applying a batch of ``k`` updates costs ``O(nnz + n + k log k)``, so many small
    updates between two reads cost a single rebuild.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> a = sp.csr_array(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    >>> net = Network(a, directed=False)
    >>> net.num_edges, net.degree().tolist()
    (2, [1, 2, 1])
    """

    def __init__(
        self,
        adjacency: Any,
        *,
        directed: bool,
        weighted: bool = False,
        name: str = "",
        complete: bool = False,
        allow_self_loops: bool = False,
        labels: Sequence[Hashable] | None = None,
    ) -> None:
        a = _canonical_csr(adjacency)
        n = a.shape[0]
        if not allow_self_loops and a.nnz:
            rows = _row_of_entries(a.indptr, n, a.indices.dtype)
            loops = rows == a.indices
            if loops.any():
                a = sp.csr_array((a.data[~loops], (rows[~loops], a.indices[~loops])), shape=a.shape)
                a.sum_duplicates()
            del rows, loops
        if not weighted:
            a.data[:] = 1.0
        if not directed:
            a = self._symmetrize(a, weighted)
        self._init_trusted(
            _make_csr(a.indptr, a.indices, a.data, n),
            directed=bool(directed),
            weighted=bool(weighted),
            name=name,
            complete=False,
            allow_self_loops=bool(allow_self_loops),
            labels=labels,
        )
        if complete:
            loops = self._num_self_loops()
            if self._adj.nnz - loops != n * (n - 1):
                raise ValueError(
                    f"complete=True but the graph has {self._adj.nnz - loops} directed entries "
                    f"between distinct nodes; a complete graph on n={n} nodes has {n * (n - 1)}"
                )
            self._complete = True

    # ------------------------------------------------------------------ construction helpers
    def _init_trusted(
        self,
        adj: sp.csr_array,
        *,
        directed: bool,
        weighted: bool,
        name: str,
        complete: bool,
        allow_self_loops: bool,
        labels: Sequence[Hashable] | None,
    ) -> None:
        n = adj.shape[0]
        if labels is not None:
            labels = list(labels)
            if len(labels) != n:
                raise ValueError(f"labels must have one entry per node (n={n}); got {len(labels)}")
        self._adj = adj
        self._n = n
        self._directed = directed
        self._weighted = weighted
        self._name = str(name)
        self._complete = complete
        self._allow_self_loops = allow_self_loops
        self._labels = labels
        self._in_adj: sp.csr_array | None = None
        self._pending: list[tuple[int, np.ndarray, np.ndarray, np.ndarray | None]] = []
        self.attrs: dict[str, Any] = {}

    @classmethod
    def _from_trusted(
        cls,
        adj: sp.csr_array,
        *,
        directed: bool,
        weighted: bool = False,
        name: str = "",
        complete: bool = False,
        allow_self_loops: bool = False,
        labels: Sequence[Hashable] | None = None,
    ) -> Network:
        """Wrap an already canonical CSR array (used by generators; no checks, no copies)."""
        net = cls.__new__(cls)
        net._init_trusted(
            adj,
            directed=directed,
            weighted=weighted,
            name=name,
            complete=complete,
            allow_self_loops=allow_self_loops,
            labels=labels,
        )
        return net

    @classmethod
    def from_edges(
        cls,
        n: int,
        src: Any,
        dst: Any,
        weight: Any = None,
        *,
        directed: bool,
        weighted: bool = False,
        name: str = "",
        allow_self_loops: bool = False,
    ) -> Network:
        """Build a network from edge arrays.

        Parameters
        ----------
        n : int
            Number of nodes.
        src, dst : array_like of int
            Edge endpoints; edge ``i`` goes from ``src[i]`` to ``dst[i]``.
        weight : array_like of float or float, optional
            Edge weights (only used when ``weighted=True``); duplicate edges have their weights
            summed.
        directed, weighted, name, allow_self_loops
            As in :class:`Network`.

        Returns
        -------
        Network
        """
        if n < 0:
            raise ValueError(f"n must be >= 0; got {n}")
        src = _as_node_array(src, "src", n)
        dst = _as_node_array(dst, "dst", n)
        if src.shape != dst.shape:
            raise ValueError(
                f"src and dst must have the same length; got {src.size} and {dst.size}"
            )
        if weighted and weight is not None:
            data = np.broadcast_to(np.asarray(weight, dtype=np.float64), src.shape)
        else:
            data = np.ones(src.shape[0], dtype=np.float64)
        idx = _index_dtype(n, 2 * src.size)
        a = sp.coo_array((data, (src.astype(idx), dst.astype(idx))), shape=(n, n))
        return cls(
            a,
            directed=directed,
            weighted=weighted,
            name=name,
            allow_self_loops=allow_self_loops,
        )

    @staticmethod
    def _symmetrize(a: sp.csr_array, weighted: bool) -> sp.csr_array:
        t = a.T.tocsr()
        t.sum_duplicates()
        if (
            np.array_equal(a.indptr, t.indptr)
            and np.array_equal(a.indices, t.indices)
            and np.array_equal(a.data, t.data)
        ):
            return a
        if not weighted:
            s = (a + t).tocsr()
            s.data[:] = 1.0
            return s
        pa = a.copy()
        pa.data[:] = 1.0
        pt = t.copy()
        pt.data[:] = 1.0
        both = pa.multiply(pt).tocsr()  # 1 where both directions are stored
        conflict = (a - t).multiply(both).tocsr()
        conflict.eliminate_zeros()
        if conflict.nnz:
            raise ValueError(
                "a weighted undirected adjacency must be symmetric: entries (u, v) and (v, u) "
                "carry different weights"
            )
        s = (a + t - a.multiply(both)).tocsr()
        s.sum_duplicates()
        s.eliminate_zeros()
        return s

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        """Number of nodes."""
        return self._n

    @property
    def directed(self) -> bool:
        """Whether edges have a direction."""
        return self._directed

    @property
    def weighted(self) -> bool:
        """Whether edge weights are kept (otherwise every weight is 1.0)."""
        return self._weighted

    @property
    def name(self) -> str:
        """Free-form name of the network."""
        return self._name

    @property
    def allow_self_loops(self) -> bool:
        """Whether self-loops are kept."""
        return self._allow_self_loops

    @property
    def labels(self) -> list[Hashable] | None:
        """Original node names (one per node), or None when nodes are just ``0..n-1``."""
        return self._labels

    @property
    def complete(self) -> bool:
        """Whether every ordered pair of distinct nodes is an edge (mean-field fast paths)."""
        self._flush()
        return self._complete

    @property
    def adjacency(self) -> sp.csr_array:
        """Out-adjacency as a canonical ``scipy.sparse.csr_array``; row ``u`` = out-neighbours.

        Treat it as read-only: change edges with :meth:`add_edges` / :meth:`remove_edges`.
        """
        self._flush()
        return self._adj

    @property
    def in_adjacency(self) -> sp.csr_array:
        """In-adjacency (CSR of the transpose, cached); row ``v`` = in-neighbours of ``v``.

        For an undirected network this is :attr:`adjacency` itself.
        """
        self._flush()
        if not self._directed:
            return self._adj
        if self._in_adj is None:
            t = self._adj.T.tocsr()
            t.sum_duplicates()
            self._in_adj = _make_csr(t.indptr, t.indices, t.data, self._n)
        return self._in_adj

    @property
    def num_edges(self) -> int:
        """Number of edges (an undirected edge counts once)."""
        self._flush()
        nnz = int(self._adj.nnz)
        if self._directed:
            return nnz
        loops = self._num_self_loops()
        return (nnz - loops) // 2 + loops

    def _num_self_loops(self) -> int:
        if not self._allow_self_loops or self._adj.nnz == 0:
            return 0
        return int(np.count_nonzero(self._adj.diagonal()))

    # ------------------------------------------------------------------ degrees
    def out_degree(self) -> np.ndarray:
        """Number of out-neighbours of each node (unweighted), as int64.

        Returns
        -------
        numpy.ndarray of int64, shape (n,)
        """
        return np.diff(self.adjacency.indptr).astype(np.int64)

    def in_degree(self) -> np.ndarray:
        """Number of in-neighbours of each node (unweighted), as int64.

        Returns
        -------
        numpy.ndarray of int64, shape (n,)
        """
        a = self.adjacency
        if not self._directed:
            return np.diff(a.indptr).astype(np.int64)
        return np.bincount(a.indices, minlength=self._n).astype(np.int64)

    def degree(self) -> np.ndarray:
        """Unweighted degree: neighbours for undirected graphs, ``in + out`` for directed ones.

        A self-loop (when allowed) counts once.

        Returns
        -------
        numpy.ndarray of int64, shape (n,)
        """
        if not self._directed:
            return self.out_degree()
        return self.out_degree() + self.in_degree()

    def strength(self, direction: Direction = "out") -> np.ndarray:
        """Weighted degree: the sum of edge weights.

        Parameters
        ----------
        direction : {"out", "in", "all"}, default "out"
            ``s_out(u) = sum_v A[u, v]``, ``s_in(v) = sum_u A[u, v]``; ``"all"`` is their sum for
            directed graphs and equals ``"out"`` for undirected ones.

        Returns
        -------
        numpy.ndarray of float64, shape (n,)
            Equal to the degree for an unweighted network.
        """
        a = self.adjacency
        if direction not in ("out", "in", "all"):
            raise ValueError(f"direction must be 'out', 'in' or 'all'; got {direction!r}")
        out = a @ np.ones(self._n)
        if not self._directed or direction == "out":
            return out
        inn = np.bincount(a.indices, weights=a.data, minlength=self._n)
        return inn if direction == "in" else out + inn

    # ------------------------------------------------------------------ neighbours and edges
    def neighbors(self, u: int, direction: Direction = "out") -> np.ndarray:
        """Neighbours of node ``u``, sorted.

        Parameters
        ----------
        u : int
            Node id.
        direction : {"out", "in", "all"}, default "out"
            ``"out"``: nodes ``u`` influences; ``"in"``: nodes influencing ``u``; ``"all"``:
            their union. All three agree for undirected networks.

        Returns
        -------
        numpy.ndarray of int64
        """
        u = int(u)
        if not 0 <= u < self._n:
            raise ValueError(f"u must be a node id in 0..{self._n - 1}; got {u}")
        if direction not in ("out", "in", "all"):
            raise ValueError(f"direction must be 'out', 'in' or 'all'; got {direction!r}")
        a = self.adjacency
        out = a.indices[a.indptr[u] : a.indptr[u + 1]].astype(np.int64)
        if not self._directed or direction == "out":
            return out
        t = self.in_adjacency
        inn = t.indices[t.indptr[u] : t.indptr[u + 1]].astype(np.int64)
        return inn if direction == "in" else np.union1d(out, inn)

    def edges(self, *, weights: bool = False) -> tuple[np.ndarray, ...]:
        """All edges as arrays.

        Parameters
        ----------
        weights : bool, default False
            Also return the edge weights.

        Returns
        -------
        src, dst : numpy.ndarray of int64
            Edge ``i`` goes ``src[i] -> dst[i]``, ordered by ``(src, dst)``. Undirected edges
            appear once, with ``src <= dst``.
        weight : numpy.ndarray of float64
            Only when ``weights=True``.
        """
        a = self.adjacency
        src = _row_of_entries(a.indptr, self._n, np.int64)
        dst = a.indices.astype(np.int64)
        data = a.data
        if not self._directed:
            keep = src <= dst
            src, dst, data = src[keep], dst[keep], data[keep]
        if weights:
            return src, dst, data.copy() if data is a.data else data
        return src, dst

    # ------------------------------------------------------------------ edge updates
    def _check_updates(
        self, src: Any, dst: Any, weight: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        src_a = _as_node_array(src, "src", self._n)
        dst_a = _as_node_array(dst, "dst", self._n)
        if src_a.shape != dst_a.shape:
            raise ValueError(
                f"src and dst must have the same length; got {src_a.size} and {dst_a.size}"
            )
        w = None
        if weight is not None:
            if not self._weighted:
                raise ValueError("weight was given but the network is unweighted (weighted=False)")
            w = np.broadcast_to(np.asarray(weight, dtype=np.float64), src_a.shape).copy()
            if w.size and (not np.all(np.isfinite(w)) or np.any(w == 0)):
                raise ValueError("weight must be finite and non-zero")
        return src_a, dst_a, w

    def add_edges(self, src: Any, dst: Any, weight: Any = None) -> None:
        """Add edges ``src[i] -> dst[i]`` (both directions for an undirected network).

        Edges already present are left unchanged (their weight is kept), repeated pairs count
        once (the first one's weight is used), and self-loops are ignored unless the network
        allows them. The update is buffered and applied on the next read.

        Parameters
        ----------
        src, dst : array_like of int
            Edge endpoints, same length.
        weight : float or array_like of float, optional
            Weights of the new edges (weighted networks only); default 1.0.
        """
        s, d, w = self._check_updates(src, dst, weight)
        if s.size:
            self._pending.append((1, s, d, w))

    def remove_edges(self, src: Any, dst: Any) -> None:
        """Remove edges ``src[i] -> dst[i]`` (both directions for an undirected network).

        Removing an edge that is not present does nothing. The update is buffered and applied on
        the next read.

        Parameters
        ----------
        src, dst : array_like of int
            Edge endpoints, same length.
        """
        s, d, _ = self._check_updates(src, dst, None)
        if s.size:
            self._pending.append((-1, s, d, None))

    def _flush(self) -> None:
        """Apply the pending edge updates in call order, as one vectorized rebuild."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        n = self._n
        srcs, dsts, ops, seqs, ws = [], [], [], [], []
        for seq, (op, s, d, w) in enumerate(pending):
            wv = w if w is not None else np.ones(s.size)
            pairs = [(s, d)] if self._directed else [(s, d), (d, s)]
            for a_, b_ in pairs:
                srcs.append(a_)
                dsts.append(b_)
                ops.append(np.full(s.size, op, dtype=np.int8))
                seqs.append(np.full(s.size, seq, dtype=np.int64))
                ws.append(wv)
        src = np.concatenate(srcs)
        dst = np.concatenate(dsts)
        op = np.concatenate(ops)
        seq = np.concatenate(seqs)
        wt = np.concatenate(ws)
        if not self._allow_self_loops:
            keep = src != dst
            src, dst, op, seq, wt = src[keep], dst[keep], op[keep], seq[keep], wt[keep]
        if src.size == 0:
            return
        key = src * n + dst
        order = np.lexsort((seq, key))  # by key, then by call order
        key, src, dst, op, wt = key[order], src[order], dst[order], op[order], wt[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        group = np.cumsum(np.r_[True, key[1:] != key[:-1]]) - 1
        pos = np.arange(key.size)
        last_rm = np.maximum.reduceat(np.where(op < 0, pos, -1), starts)
        big = key.size
        cand = (op > 0) & (pos > last_rm[group])
        first_add = np.minimum.reduceat(np.where(cand, pos, big), starts)
        has_rm = last_rm >= 0
        has_add = first_add < big
        gu, gv = src[starts], dst[starts]
        adj = self._adj
        indptr, indices, data = adj.indptr, adj.indices, adj.data
        at, exists = _lower_bound(indptr, indices, gu, gv)
        present = has_add | ~has_rm
        delete = exists & ~present
        insert = ~exists & present
        reweight = exists & present & has_rm & has_add
        new_w = wt[np.minimum(first_add, big - 1)]
        changed = bool(delete.any() or insert.any())
        if not changed and not reweight.any():
            return
        data = data.copy()
        if reweight.any():
            data[at[reweight]] = new_w[reweight]
        counts = np.diff(indptr).astype(np.int64)
        if delete.any():
            keep_mask = np.ones(indices.size, dtype=bool)
            keep_mask[at[delete]] = False
            indices = indices[keep_mask]
            data = data[keep_mask]
            counts -= np.bincount(gu[delete], minlength=n)
            new_indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(counts, out=new_indptr[1:])
            indptr = new_indptr
        if insert.any():
            iu, iv, iw = gu[insert], gv[insert], new_w[insert]
            at_ins, _ = _lower_bound(indptr, indices, iu, iv)
            indices = np.insert(indices, at_ins, iv.astype(indices.dtype))
            data = np.insert(data, at_ins, iw)
            counts += np.bincount(iu, minlength=n)
            new_indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(counts, out=new_indptr[1:])
            indptr = new_indptr
        self._adj = _make_csr(indptr, indices, data, n)
        self._in_adj = None
        if changed:
            self._complete = False

    def copy(self) -> Network:
        """Return an independent copy (pending updates applied, ``attrs`` shallow-copied)."""
        a = self.adjacency
        adj = _make_csr(a.indptr.copy(), a.indices.copy(), a.data.copy(), self._n)
        net = Network._from_trusted(
            adj,
            directed=self._directed,
            weighted=self._weighted,
            name=self._name,
            complete=self._complete,
            allow_self_loops=self._allow_self_loops,
            labels=None if self._labels is None else list(self._labels),
        )
        net.attrs = dict(self.attrs)
        return net

    # ------------------------------------------------------------------ connectivity
    def component_labels(self) -> np.ndarray:
        """Component id of every node (weakly connected components for directed graphs).

        Returns
        -------
        numpy.ndarray of int64, shape (n,)
        """
        if self._n == 0:
            return np.zeros(0, dtype=np.int64)
        _, labels = csgraph.connected_components(
            self.adjacency, directed=self._directed, connection="weak", return_labels=True
        )
        return labels.astype(np.int64)

    def connected_components(self) -> int:
        """Number of connected components (weakly connected ones for directed graphs).

        Returns
        -------
        int
            An isolated node is a component of its own; 0 for the empty graph.

        Notes
        -----
        Computed with :func:`scipy.sparse.csgraph.connected_components` in ``O(n + E)``.
        """
        if self._n == 0:
            return 0
        count = csgraph.connected_components(
            self.adjacency, directed=self._directed, connection="weak", return_labels=False
        )
        return int(count)

    def is_connected(self) -> bool:
        """Whether the graph has exactly one (weakly) connected component."""
        return self.connected_components() == 1

    def isolates(self) -> np.ndarray:
        """Nodes with no neighbour in either direction (self-loops do not count).

        Returns
        -------
        numpy.ndarray of int64
        """
        a = self.adjacency
        deg = self.degree()
        if self._num_self_loops():
            deg = deg - (a.diagonal() != 0) * (2 if self._directed else 1)
        return np.flatnonzero(deg == 0).astype(np.int64)

    # ------------------------------------------------------------------ networkx and files
    def to_networkx(self, *, use_labels: bool = False) -> Any:
        """Convert to a networkx graph (see :func:`socium.core.network_io.to_networkx`)."""
        from socium.core.network_io import to_networkx

        return to_networkx(self, use_labels=use_labels)

    @classmethod
    def from_networkx(
        cls,
        graph: Any,
        weighted: bool = False,
        *,
        name: str | None = None,
        allow_self_loops: bool = False,
    ) -> Network:
        """Build a network from a networkx graph (see :func:`socium.core.network_io.from_networkx`).

        Weights are ignored unless ``weighted=True``.
        """
        from socium.core.network_io import from_networkx

        return from_networkx(graph, weighted, name=name, allow_self_loops=allow_self_loops)

    @classmethod
    def read_edgelist(
        cls,
        path: str | Path,
        *,
        directed: bool = False,
        weighted: bool = False,
        n: int | None = None,
        name: str | None = None,
    ) -> Network:
        """Read an edge list file (see :func:`socium.core.network_io.read_edgelist`)."""
        from socium.core.network_io import read_edgelist

        return read_edgelist(path, directed=directed, weighted=weighted, n=n, name=name)

    def write_edgelist(self, path: str | Path) -> None:
        """Write the edges to CSV or Parquet (see :func:`socium.core.network_io.write_edgelist`)."""
        from socium.core.network_io import write_edgelist

        write_edgelist(self, path)

    # ------------------------------------------------------------------ misc
    def __repr__(self) -> str:
        kind = "directed" if self._directed else "undirected"
        w = "weighted" if self._weighted else "unweighted"
        return f"Network(name={self._name!r}, n={self._n}, edges={self.num_edges}, {kind}, {w})"
