"""The network as the diffusion models read it: CSR index arrays and a cached row gather.

An entry ``u -> v`` of the out-adjacency means that ``u`` can activate (infect) ``v``; row ``v``
of the in-adjacency lists the nodes that can activate ``v``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from socium.core.network import Network

__all__ = ["DiffusionGraph"]


class DiffusionGraph:
    r"""Out- and in-adjacency index arrays of a network, prepared for fast row gathers.

    Parameters
    ----------
    network : Network
        The network of the run.

    Attributes
    ----------
    n : int
        Number of nodes.
    out_indptr, out_indices : numpy.ndarray
        CSR of the out-adjacency (``out_indices`` as ``intp``: numpy casts any other index
        dtype on every fancy-indexing call, which costs more than the gather itself at
        :math:`10^4` nodes).
    in_indptr, in_indices : numpy.ndarray
        CSR of the in-adjacency; for an undirected network the very arrays of the out-adjacency.
    symmetric : bool
        Whether the in-rows are the out-rows (undirected network), so one gather serves both
        directions.
    out_deg, in_deg : numpy.ndarray of int64
        Out- and in-degree of every node.

    Notes
    -----
    :meth:`gather_out` is :func:`~socium.worlds.diffusion.kernels.row_positions` with a cached
    ``arange`` and ``take`` (cheaper than fancy indexing for 1-d gathers); the cache grows on
    demand, so a step costs :math:`O(|rows| + \sum_r d^{out}_r)`.
    """

    def __init__(self, network: Network):
        adj = network.adjacency
        inn = network.in_adjacency
        self.n = network.n
        self.out_indptr = adj.indptr
        self.out_indices = adj.indices.astype(np.intp, copy=False)
        self.symmetric = inn is adj
        self.in_indptr = inn.indptr
        self.in_indices = (
            self.out_indices if self.symmetric else inn.indices.astype(np.intp, copy=False)
        )
        self.out_deg = np.diff(adj.indptr).astype(np.int64)
        self.in_deg = self.out_deg if self.symmetric else np.diff(inn.indptr).astype(np.int64)
        self._out_end = adj.indptr[1:].astype(np.int64)
        self._arange = np.arange(0, dtype=np.int64)  # grown on demand by gather_out

    def gather_out(self, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        """Out-neighbours of ``rows`` (int64, distinct), row by row.

        Parameters
        ----------
        rows : numpy.ndarray of int64
            Nodes whose out-rows are read.

        Returns
        -------
        dst : numpy.ndarray of intp
            The out-neighbours, row by row in storage order.
        pos : numpy.ndarray of int64
            Their positions in the CSR (to read edge data).
        lengths : numpy.ndarray of int64
            The out-degree of each row.
        ends : numpy.ndarray of int64
            Cumulative sums of ``lengths`` (row ``i`` ends at ``ends[i]`` in ``dst``).

        Examples
        --------
        >>> from socium.core.network import Network
        >>> g = DiffusionGraph(Network.from_edges(3, [0, 0, 1], [1, 2, 2], directed=True))
        >>> g.gather_out(np.array([1, 0]))[0].tolist()
        [2, 1, 2]
        """
        lengths = self.out_deg.take(rows)
        ends = np.add.accumulate(lengths)
        total = int(ends[-1]) if ends.size else 0
        if self._arange.size < total:
            self._arange = np.arange(max(total, 2 * self._arange.size), dtype=np.int64)
        shift = self._out_end.take(rows)
        shift -= ends  # start of each row minus the start of its block in the output
        pos = shift.repeat(lengths)
        pos += self._arange[:total]
        return self.out_indices.take(pos), pos, lengths, ends
