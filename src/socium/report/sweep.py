"""Read a sweep directory and summarise it across replicates for the report.

A sweep directory (see :mod:`socium.experiment.sweep`) holds ``sweep.json`` (the grid, the
number of replicates, the root seed ...), ``index.parquet`` (one row per run: the swept
parameters, the seed and the final metrics) and ``runs/<id>/`` (the run directories, absent for
runs kept in memory). The report needs only the first two.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SweepData",
    "as_float",
    "is_sweep_dir",
    "load_sweep",
    "mean_ci",
    "metric_label",
    "run_dirs",
    "summarise",
]

#: Index columns that are bookkeeping, not metrics.
_META = {
    "seed",
    "replicate",
    "rep",
    "run",
    "run_id",
    "id",
    "index",
    "point",
    "grid_point",
    "status",
    "error",
    "dir",
    "path",
    "wall_s",
    "run.wall_s",
    "steps",
    "run.steps",
    "n_agents",
    "run.n_agents",
    "world_version",
    "run.world_version",
}

#: Prefixes of metric columns in the index, stripped for display.
_METRIC_PREFIXES = ("final.", "metrics.", "metric.", "final_")


def is_sweep_dir(path: Path) -> bool:
    """Whether ``path`` looks like a sweep directory (``sweep.json`` or ``index.parquet``)."""
    return (path / "sweep.json").exists() or (path / "index.parquet").exists()


@dataclass
class SweepData:
    """What the report needs of a sweep.

    Attributes
    ----------
    dir : Path
    spec : dict
        ``sweep.json`` (empty if absent).
    index : pandas.DataFrame
        One row per run.
    params : list of str
        The index columns of the swept parameters (dotted config keys).
    metrics : list of str
        The index columns of numeric final metrics, in index order.
    """

    dir: Path
    spec: dict[str, Any]
    index: pd.DataFrame
    params: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)


def metric_label(column: str) -> str:
    """A metric column's display name (``final.mean`` -> ``mean``)."""
    for prefix in _METRIC_PREFIXES:
        if column.startswith(prefix):
            return column[len(prefix) :]
    return column


def run_dirs(path: Path, limit: int = 500) -> list[Path]:
    """The sweep's run directories (``runs/<id>/`` with a ``run.sqlite``), at most ``limit``."""
    folder = path / "runs"
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.iterdir() if (p / "run.sqlite").is_file())
    return found[:limit]


def _grid_keys(spec: dict[str, Any]) -> list[str]:
    grid = spec.get("grid")
    if isinstance(grid, dict):
        return [str(k) for k in grid]
    if isinstance(grid, list):  # [{"key": ..., "values": [...]}, ...] or ["key=v1,v2", ...]
        keys = []
        for item in grid:
            if isinstance(item, dict) and "key" in item:
                keys.append(str(item["key"]))
            elif isinstance(item, str) and "=" in item:
                keys.append(item.split("=", 1)[0].strip())
        return keys
    return []


def _find_column(index: pd.DataFrame, key: str) -> str | None:
    if key in index.columns:
        return key
    for col in index.columns:
        if str(col).endswith(f".{key}") or str(col).endswith(f":{key}"):
            return str(col)
    return None


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def load_sweep(path: Path) -> SweepData:
    """Read ``sweep.json`` and ``index.parquet`` and find the parameter and metric columns.

    The swept parameters are the grid keys of ``sweep.json``; without them, the index columns
    with a dotted name (``world.epsilon``) that take more than one value. The metrics are the
    other numeric (or boolean) columns that are not bookkeeping (seed, replicate, run id ...).
    If ``sweep.json`` lists ``metrics``, those come first.

    Raises
    ------
    ValueError
        When ``sweep.json`` or ``index.parquet`` cannot be read.
    """
    spec: dict[str, Any] = {}
    if (path / "sweep.json").exists():
        try:
            loaded = json.loads((path / "sweep.json").read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path / 'sweep.json'}: unreadable ({exc})") from None
        spec = loaded if isinstance(loaded, dict) else {}
    index_path = path / "index.parquet"
    if index_path.exists():
        try:
            index = pd.read_parquet(index_path)
        except Exception as exc:  # pyarrow raises several types for corrupt files
            raise ValueError(f"{index_path}: unreadable ({type(exc).__name__})") from None
    else:
        index = pd.DataFrame()
    index.columns = [str(c) for c in index.columns]
    keys = _grid_keys(spec) or [str(k) for k in spec.get("params") or []]
    meta = index.attrs.get("socium_sweep") if isinstance(index.attrs, dict) else None
    if not keys and isinstance(meta, dict):
        keys = [str(k) for k in meta.get("params") or []]
    params = [c for c in (_find_column(index, k) for k in keys) if c is not None]
    if not params:
        params = [
            c
            for c in index.columns
            if "." in c
            and not c.startswith(_METRIC_PREFIXES)
            and c not in _META
            and index[c].nunique(dropna=True) > 1
        ]
    metrics = []
    for c in index.columns:
        if c in params or c in _META or c.lower() in _META:
            continue
        if _numeric(index[c]) and as_float(index[c]).notna().any():
            metrics.append(c)
    listed = spec.get("metrics")
    if isinstance(listed, list):
        first = [c for c in (_find_column(index, str(m)) for m in listed) if c in metrics]
        metrics = first + [m for m in metrics if m not in first]
    return SweepData(path, spec, index, params, metrics)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, int]:
    r"""Mean and Student-t confidence interval of the finite ``values``.

    Returns
    -------
    (mean, low, high, n)
        ``low == high == mean`` when ``n < 2``; all NaN when ``n == 0``.

    Notes
    -----
    :math:`\bar x \pm t_{(1+\ell)/2,\,n-1}\, s/\sqrt{n}`, with :math:`s` the sample standard
    deviation (ddof 1): the usual interval for the mean of independent replicates.

    Examples
    --------
    >>> m, lo, hi, n = mean_ci(np.array([1.0, 2.0, 3.0]))
    >>> m, n, round(hi - m, 4)
    (2.0, 3, 2.4841)
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    if n < 2:
        return mean, mean, mean, n
    half = float(stats.t.ppf((1 + level) / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def as_float(series: pd.Series) -> pd.Series:
    """A numeric or boolean column as float64, with missing values as NaN."""
    try:
        values = series.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(values, index=series.index)


def _own_summary(index: pd.DataFrame, by: list[str], metric: str) -> pd.DataFrame:
    values = as_float(index[metric])
    if "status" in index.columns:
        values = values.where(index["status"].astype(str) == "done")
    if not by:
        mean, lo, hi, n = mean_ci(values.to_numpy())
        return pd.DataFrame([{"mean": mean, "ci_low": lo, "ci_high": hi, "n": n}])
    rows = []
    for key, group in index.assign(_v=values).groupby(by, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        mean, lo, hi, n = mean_ci(group["_v"].to_numpy())
        row = dict(zip(by, key, strict=True))
        rows.append({**row, "mean": mean, "ci_low": lo, "ci_high": hi, "n": n})
    return pd.DataFrame(rows, columns=[*by, "mean", "ci_low", "ci_high", "n"])


def summarise(index: pd.DataFrame, by: list[str], metric: str) -> pd.DataFrame:
    """Mean, 95% CI and replicate count of ``metric`` for each combination of ``by``.

    Uses :func:`socium.experiment.sweep.sweep_summary` (Student-t interval over the runs with
    status ``done``) when it is available, else the same computation here (:func:`mean_ci`).

    Returns
    -------
    pandas.DataFrame
        Columns ``*by, mean, ci_low, ci_high, n``, sorted by ``by``.
    """
    try:
        from socium.experiment.sweep import sweep_summary
    except ImportError:
        sweep_summary = None
    if sweep_summary is not None and by:
        frame = index.copy()
        frame[metric] = as_float(frame[metric])
        out = sweep_summary(frame, metric, by=by)
        out = out[[*by, "mean", "ci_low", "ci_high", "n"]].sort_values(by, kind="stable")
        return out.reset_index(drop=True)
    return _own_summary(index, by, metric)
