"""Networks in and out: networkx graphs and edge-list files (CSV, text, Parquet).

The :class:`~socium.core.network.Network` methods ``to_networkx``, ``from_networkx``,
``read_edgelist`` and ``write_edgelist`` call these functions.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from socium.core.network import Network

__all__ = ["from_networkx", "read_edgelist", "to_networkx", "write_edgelist"]

_PARQUET_SUFFIXES = (".parquet", ".pq")


def to_networkx(net: Network, *, use_labels: bool = False) -> Any:
    """Convert to a ``networkx.Graph`` (or ``DiGraph`` when directed).

    Parameters
    ----------
    net : Network
        The network to convert.
    use_labels : bool, default False
        Name nodes by :attr:`Network.labels` instead of ``0..n-1``. Otherwise the labels (when
        present) are stored in the node attribute ``"label"``.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Edges carry a ``"weight"`` attribute when the network is weighted.
    """
    import networkx as nx

    g = nx.DiGraph() if net.directed else nx.Graph()
    g.graph["name"] = net.name
    if net.labels is not None and use_labels:
        names: Sequence[Hashable] = net.labels
    else:
        names = range(net.n)
    if net.labels is not None and not use_labels:
        g.add_nodes_from((i, {"label": lab}) for i, lab in enumerate(net.labels))
    else:
        g.add_nodes_from(names)
    if net.weighted:
        src, dst, w = net.edges(weights=True)
        g.add_weighted_edges_from(
            (names[u], names[v], x)
            for u, v, x in zip(src.tolist(), dst.tolist(), w.tolist(), strict=True)
        )
    else:
        src, dst = net.edges()
        g.add_edges_from(
            (names[u], names[v]) for u, v in zip(src.tolist(), dst.tolist(), strict=True)
        )
    return g


def from_networkx(
    graph: Any,
    weighted: bool = False,
    *,
    name: str | None = None,
    allow_self_loops: bool = False,
) -> Network:
    """Build a network from a networkx graph.

    Parameters
    ----------
    graph : networkx.Graph, DiGraph, MultiGraph or MultiDiGraph
        Node ``i`` of the result is the ``i``-th node of ``graph`` (in ``graph``'s node
        order). When the nodes are not exactly ``0..n-1`` in that order, their names are kept
        in :attr:`Network.labels`.
    weighted : bool, default False
        Use the ``"weight"`` edge attribute (missing means 1). By default weights are ignored
        and every edge has weight 1, even when the graph carries a ``"weight"`` attribute.
        Parallel edges of a multigraph are merged (weights summed). Edges of weight 0 are
        dropped.
    name : str, optional
        Defaults to ``graph.name``.
    allow_self_loops : bool, default False
        Keep self-loops.

    Returns
    -------
    Network
    """
    import networkx as nx

    nodes = list(graph.nodes())
    n = len(nodes)
    labels = None if nodes == list(range(n)) else nodes
    if n:
        a = nx.to_scipy_sparse_array(
            graph, nodelist=nodes, weight="weight" if weighted else None, format="csr"
        )
    else:
        a = sp.csr_array((0, 0))
    return Network(
        a,
        directed=graph.is_directed(),
        weighted=weighted,
        name=graph.name if name is None else name,
        allow_self_loops=allow_self_loops,
        labels=labels,
    )


def read_edgelist(
    path: str | Path,
    *,
    directed: bool = False,
    weighted: bool = False,
    n: int | None = None,
    name: str | None = None,
) -> Network:
    """Read an edge list from CSV (or whitespace/tab separated text) or Parquet.

    Parameters
    ----------
    path : str or pathlib.Path
        ``.parquet`` / ``.pq`` files are read as Parquet, anything else as delimited text.
        Text files may have a header; with a header the columns ``source``, ``target`` and
        ``weight`` are used when present, otherwise the first, second and third columns.
        Lines starting with ``#`` are comments.
    directed : bool, default False
        Whether an edge ``source,target`` means ``source -> target`` only.
    weighted : bool, default False
        Read the weight column (required then).
    n : int, optional
        Number of nodes; defaults to ``max id + 1``. Give it to keep trailing isolated nodes.
    name : str, optional
        Defaults to the file name.

    Returns
    -------
    Network

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When a node id is not a non-negative integer (the message names the column), an id
        is ``>= n``, or the weight column is missing or not numeric.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"edge list file not found: {path}")
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        df = pd.read_parquet(path)
        has_header = True
    else:
        df, has_header = _read_text_edgelist(path)
    src_col, dst_col, w_col = _pick_columns(df, has_header, path)
    src = _int_column(df[src_col], "source" if not has_header else str(src_col), path)
    dst = _int_column(df[dst_col], "target" if not has_header else str(dst_col), path)
    ncols = df.shape[1]
    weight = None
    if weighted:
        if w_col is None:
            raise ValueError(
                f"weighted=True but {path} has no weight column "
                f"(expected 'weight' or a third column; found {ncols} column(s))"
            )
        weight = _float_column(df[w_col], "weight" if not has_header else str(w_col), path)
    del df
    max_id = int(max(src.max(initial=-1), dst.max(initial=-1)))
    if n is None:
        n = max_id + 1
        if n == 0:
            raise ValueError(f"edge list {path} holds no edges; give n to build isolated nodes")
    else:
        if n < 1:
            raise ValueError(f"n must be >= 1; got {n}")
        if max_id >= n:
            col = "source" if src.size and int(src.max()) == max_id else "target"
            raise ValueError(
                f"column '{col}' of {path} holds node id {max_id}, but n={n} allows 0..{n - 1}"
            )
    return Network.from_edges(
        n,
        src,
        dst,
        weight,
        directed=directed,
        weighted=weighted,
        name=path.stem if name is None else name,
    )


def write_edgelist(net: Network, path: str | Path) -> None:
    """Write the edges to CSV (with a header) or Parquet, chosen by the suffix.

    Columns are ``source``, ``target`` and, for weighted networks, ``weight``. Undirected
    edges are written once (``source <= target``). Isolated nodes with the largest ids are
    not recorded: pass ``n`` to :func:`read_edgelist` to restore them.

    Parameters
    ----------
    net : Network
        The network to write.
    path : str or pathlib.Path
        ``.parquet`` / ``.pq`` for Parquet, anything else for CSV.
    """
    import pyarrow as pa

    path = Path(path)
    if net.weighted:
        src, dst, w = net.edges(weights=True)
        table = pa.table({"source": src, "target": dst, "weight": w})
    else:
        src, dst = net.edges()
        table = pa.table({"source": src, "target": dst})
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    else:
        import pyarrow.csv as pacsv

        with path.open("wb") as fh:
            fh.write((",".join(table.column_names) + "\n").encode())
            pacsv.write_csv(
                table,
                fh,
                write_options=pacsv.WriteOptions(include_header=False, quoting_style="none"),
            )


# ---------------------------------------------------------------------- IO helpers
def _read_text_edgelist(path: Path) -> tuple[Any, bool]:
    """Read a delimited edge list; detect the delimiter and whether there is a header."""
    import pandas as pd

    first = None
    with path.open("r", encoding="utf-8") as fh:
        for line in fh:
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                first = stripped
                break
    if first is None:
        return pd.DataFrame({"source": [], "target": []}, dtype=np.int64), False
    if "," in first:
        sep: str = ","
        fields = [f.strip() for f in first.split(",")]
    elif "\t" in first:
        sep = "\t"
        fields = [f.strip() for f in first.split("\t")]
    else:
        sep = r"\s+"
        fields = first.split()
    has_header = not all(_is_number(f) for f in fields[:2])
    df = pd.read_csv(
        path,
        sep=sep,
        header=0 if has_header else None,
        comment="#",
        skipinitialspace=True,
        engine="c",
    )
    if has_header:
        df.columns = [str(c).strip() for c in df.columns]
    return df, has_header


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _pick_columns(df: Any, has_header: bool, path: Path) -> tuple[Any, Any, Any]:
    cols = list(df.columns)
    if has_header and "source" in cols and "target" in cols:
        w = "weight" if "weight" in cols else None
        if w is None:
            rest = [c for c in cols if c not in ("source", "target")]
            w = rest[0] if rest else None
        return "source", "target", w
    if len(cols) < 2:
        raise ValueError(
            f"edge list {path} must have at least two columns (source, target); "
            f"found {len(cols)}: {cols}"
        )
    if has_header and "weight" in cols:
        rest = [c for c in cols if c != "weight"]
        return rest[0], rest[1], "weight"
    return cols[0], cols[1], cols[2] if len(cols) > 2 else None


def _int_column(series: Any, column: str, path: Path) -> np.ndarray:
    """Return a column as non-negative int64 node ids, or raise naming the column."""
    values = series.to_numpy()
    if values.dtype == np.bool_:
        raise ValueError(f"column '{column}' of {path} must hold integer node ids; found booleans")
    if np.issubdtype(values.dtype, np.integer):
        ids = values.astype(np.int64, copy=False)
    elif np.issubdtype(values.dtype, np.floating):
        ok = np.isfinite(values) & (values == np.round(values))
        if not ok.all():
            bad = values[~ok][0]
            raise ValueError(
                f"column '{column}' of {path} must hold integer node ids; found {bad!r}"
            )
        ids = values.astype(np.int64)
    else:
        import pandas as pd

        num = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        ok = np.isfinite(num) & (num == np.round(num))
        if not ok.all():
            bad = values[~ok][0]
            raise ValueError(
                f"column '{column}' of {path} must hold integer node ids; found {bad!r}"
            )
        ids = num.astype(np.int64)
    if ids.size and ids.min() < 0:
        raise ValueError(
            f"column '{column}' of {path} must hold non-negative node ids; found {int(ids.min())}"
        )
    return ids


def _float_column(series: Any, column: str, path: Path) -> np.ndarray:
    """Return a column as finite float64 weights, or raise naming the column."""
    import pandas as pd

    num = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(num)
    if not ok.all():
        bad = series.to_numpy()[~ok][0]
        raise ValueError(f"column '{column}' of {path} must hold finite numbers; found {bad!r}")
    return num
