"""Parameter sweeps with replicates: :func:`sweep`, :func:`resume_sweep`, :func:`load_sweep`.

A sweep runs one base config at every point of a grid (the cartesian product of the values of
some dotted config keys), ``replicates`` times per point, on an executor (``local``, ``process``
or ``ray``; see :mod:`socium.experiment.executors`). Every run's seed derives from one root seed
(:func:`derive_seed`), so the sweep is reproducible and gives the same table under every executor.

A sweep directory holds::

    sweep.json       the sweep: base config, grid, replicates, root seed, keep mode
    results.jsonl    one line per finished run, appended as runs finish (the journal)
    index.parquet    one row per run: ids, grid values, seed, status, wall_s, final metrics
    runs/<run_id>/   a normal run directory per run (keep = "dirs")

Re-running the same sweep into the same directory (or :func:`resume_sweep`) skips the runs the
journal or a ``summary.json`` shows complete, continues interrupted run directories with
:func:`socium.resume`, and runs the rest. :func:`sweep_summary` gives the mean and a confidence
interval across replicates per grid point.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from socium.errors import ConfigError, ResumeError, SociumError
from socium.experiment.config import (
    ResolvedConfig,
    apply_overrides,
    parse_override,
    read_config_file,
    resolve_config,
)
from socium.experiment.executors import Executor, RunTask, execute_task, make_executor, one_line

__all__ = [
    "KEEP_MODES",
    "PlannedRun",
    "Sweep",
    "SweepSpec",
    "build_index",
    "derive_seed",
    "expand_grid",
    "load_sweep",
    "parse_grid",
    "resume_sweep",
    "sweep",
    "sweep_command",
    "sweep_params",
    "sweep_summary",
    "write_index_parquet",
]

KEEP_MODES = ("dirs", "memory")
FORMAT = 1
_BASE_COLUMNS = ("run_id", "point", "replicate", "seed", "status", "error", "steps", "wall_s")
_INDEX_EVERY_S = 2.0


# ------------------------------------------------------------------------------------ the grid
def _split_top_level(text: str) -> list[str]:
    """Split at commas that are not inside brackets, braces or quotes."""
    parts, depth, quote, current = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def parse_grid(text: str) -> tuple[str, list[Any]]:
    """Parse one ``--grid dotted.key=v1,v2,...`` option.

    Values are separated by commas outside brackets, braces and quotes; each value is read as a
    TOML value, else as a string (like ``--set``).

    Parameters
    ----------
    text : str
        The option's text.

    Returns
    -------
    tuple of (str, list)
        The dotted key and its values.

    Raises
    ------
    ConfigError
        For a missing ``=``, a missing key, or an empty value.

    Examples
    --------
    >>> parse_grid("world.epsilon=0.1,0.2")
    ('world.epsilon', [0.1, 0.2])
    >>> parse_grid("world.model=degroot,deffuant")
    ('world.model', ['degroot', 'deffuant'])
    >>> parse_grid("world.weights=[1,2],[3,4]")
    ('world.weights', [[1, 2], [3, 4]])
    """
    key, sep, rest = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError("--grid", f"expected dotted.key=v1,v2,..., got {text!r}")
    values = []
    for i, item in enumerate(_split_top_level(rest)):
        if not item.strip():
            raise ConfigError(f"--grid {key}", f"value {i + 1} is empty (in {text!r})")
        values.append(parse_override(f"{key}={item}")[1])
    return key, values


def _plain(value: Any) -> Any:
    """``value`` as plain JSON data (numpy scalars and arrays become Python values)."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (tuple, range)):
        return list(value)
    return str(value)


def _check_grid(grid: Mapping[str, Any] | None, overrides: Mapping[str, Any]) -> dict[str, list]:
    """Validate a grid mapping; return it with plain JSON values, in the given key order."""
    out: dict[str, list] = {}
    for raw_key, values in (grid or {}).items():
        key = str(raw_key).replace("__", ".")
        where = f"grid.{key}"
        if "." not in key:
            raise ConfigError(where, "grid keys are dotted config keys such as world.epsilon")
        if key == "run.seed":
            raise ConfigError(where, "seeds derive from the sweep's root seed; use replicates")
        if key in out:
            raise ConfigError(where, "given twice")
        if key in overrides:
            raise ConfigError(where, "given both as an override (--set) and in the grid")
        if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
            raise ConfigError(where, f"expected a list of values, got {values!r}")
        plain = [_plain(v) for v in values]
        if not plain:
            raise ConfigError(where, "has no values")
        seen: set[str] = set()
        for v in plain:
            token = json.dumps(v, sort_keys=True)
            if token in seen:
                raise ConfigError(where, f"value {v!r} appears twice")
            seen.add(token)
        out[key] = plain
    return out


def expand_grid(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All the points of a grid: the cartesian product of its values, in the given order.

    The last key varies fastest. An empty grid has one point, ``{}``.

    Examples
    --------
    >>> expand_grid({"world.epsilon": [0.1, 0.2], "world.mu": [0.5]})
    [{'world.epsilon': 0.1, 'world.mu': 0.5}, {'world.epsilon': 0.2, 'world.mu': 0.5}]
    """
    keys = list(grid)
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))
    ]


def _point_key(point: Mapping[str, Any]) -> int:
    """A 128-bit key of a grid point, from its canonical JSON (sorted keys)."""
    text = json.dumps(dict(point), sort_keys=True, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "little")


_SWEEP_KEY = int.from_bytes(hashlib.sha256(b"socium.sweep").digest()[:4], "little")


def derive_seed(
    root: int, point: Mapping[str, Any], replicate: int, *, common: bool = False
) -> int:
    """The seed of one run of a sweep, from the root seed, the grid point and the replicate.

    Parameters
    ----------
    root : int
        The sweep's root seed.
    point : mapping
        The grid point (dotted key -> value).
    replicate : int
        Replicate number, from 0.
    common : bool
        Common random numbers: replicate ``r`` gets the same seed at every grid point.

    Returns
    -------
    int
        A 63-bit seed, the ``run.seed`` of that run.

    Notes
    -----
    The seed is the first 64-bit word of
    ``SeedSequence(root, spawn_key=(K, point_key, replicate))`` shifted right by one bit, where
    ``K`` is a constant of socium and ``point_key`` the first 128 bits of the SHA-256 of the
    point's canonical JSON (``point_key`` is left out when ``common``). It depends on nothing
    else: not on the other points, the order of the grid, the executor or the order in which runs
    finish. So adding a value to a grid keeps the seeds of the existing points.

    Examples
    --------
    >>> a = derive_seed(1, {"world.epsilon": 0.2}, 0)
    >>> a == derive_seed(1, {"world.epsilon": 0.2}, 0) != derive_seed(1, {"world.epsilon": 0.2}, 1)
    True
    """
    keys = (_SWEEP_KEY, replicate) if common else (_SWEEP_KEY, _point_key(point), replicate)
    state = np.random.SeedSequence(root, spawn_key=keys).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


# ------------------------------------------------------------------------------------ the spec
@dataclass(frozen=True)
class PlannedRun:
    """One run of a sweep: its id, grid point, replicate and seed."""

    run_id: str
    point: int
    replicate: int
    seed: int
    params: dict[str, Any]


@dataclass(frozen=True)
class SweepSpec:
    """Everything that defines a sweep (stored as ``sweep.json``).

    Attributes
    ----------
    base : dict
        The base config as plain data, with the overrides (``--set``) applied.
    grid : dict
        Dotted key -> list of values.
    replicates : int
        Runs per grid point.
    root_seed : int
        The seed every run's seed derives from (:func:`derive_seed`).
    keep : {"dirs", "memory"}
        Whether each run writes a run directory, or only its index row is kept.
    common_seeds : bool
        Replicate ``r`` has the same seed at every grid point.
    base_dir : str or None
        Folder against which relative paths in the config resolve.
    """

    base: dict[str, Any]
    grid: dict[str, list[Any]]
    replicates: int
    root_seed: int
    keep: str = "dirs"
    common_seeds: bool = False
    base_dir: str | None = None

    @property
    def params(self) -> list[str]:
        """The grid keys, in order."""
        return list(self.grid)

    def points(self) -> list[dict[str, Any]]:
        """The grid points (see :func:`expand_grid`)."""
        return expand_grid(self.grid)

    def plan(self) -> list[PlannedRun]:
        """Every run, grid point by grid point, replicates innermost."""
        return list(self._plan)

    @cached_property
    def _plan(self) -> tuple[PlannedRun, ...]:
        points = self.points()
        pw = max(3, len(str(len(points) - 1)))
        rw = max(2, len(str(self.replicates - 1)))
        return tuple(
            PlannedRun(
                f"p{i:0{pw}d}-r{r:0{rw}d}",
                i,
                r,
                derive_seed(self.root_seed, point, r, common=self.common_seeds),
                point,
            )
            for i, point in enumerate(points)
            for r in range(self.replicates)
        )

    def run_config(self, run: PlannedRun) -> dict[str, Any]:
        """The raw config of one run: the base with the point and the run's seed set."""
        return apply_overrides(self.base, {**run.params, "run.seed": run.seed})

    def to_json(self) -> dict[str, Any]:
        """The spec as plain data for ``sweep.json``."""
        return {
            "format": FORMAT,
            "base": self.base,
            "base_dir": self.base_dir,
            "grid": self.grid,
            "params": self.params,
            "replicates": self.replicates,
            "root_seed": self.root_seed,
            "keep": self.keep,
            "common_seeds": self.common_seeds,
            "runs": len(self.points()) * self.replicates,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SweepSpec:
        """Read a spec written by :meth:`to_json`."""
        return cls(
            base=data["base"],
            grid={k: list(v) for k, v in data["grid"].items()},
            replicates=int(data["replicates"]),
            root_seed=int(data["root_seed"]),
            keep=data.get("keep", "dirs"),
            common_seeds=bool(data.get("common_seeds", False)),
            base_dir=data.get("base_dir"),
        )


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The dotted path of the first difference between two plain data trees."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return f"{path}.{key}".lstrip(".")
            found = _first_difference(a[key], b[key], f"{path}.{key}")
            if found is not None:
                return found
        return None
    return None if a == b else (path.lstrip(".") or "(top level)")


def _spec_difference(old: SweepSpec, new: SweepSpec) -> str | None:
    for name in ("grid", "replicates", "root_seed", "keep", "common_seeds", "base_dir"):
        if getattr(old, name) != getattr(new, name):
            return name
    where = _first_difference(old.base, new.base)
    return None if where is None else f"config key {where}"


# ------------------------------------------------------------------------------ validation
def _describe_point(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v)}" for k, v in point.items())


def _validate(spec: SweepSpec, executor: str = "local") -> list[str]:
    """Check every grid point before anything runs; return the worlds' modules (to preload).

    Each point is validated as a config; then its simulation is built once (replicate 0's seed)
    and thrown away, which catches what only building finds (a missing file, a size mismatch).
    Configs with an ``[llm]`` section are checked as configs only: building them may load model
    weights or open connections. Executors other than ``local`` need worlds that their workers
    can find, i.e. registered through the ``socium.worlds`` entry point.
    """
    from importlib.metadata import entry_points

    from socium.core.registry import WORLDS
    from socium.experiment.runner import build_simulation

    published = {ep.name for ep in entry_points(group="socium.worlds")}

    base_dir = Path(spec.base_dir) if spec.base_dir else None
    modules: list[str] = []
    plan = {run.point: run for run in spec.plan() if run.replicate == 0}
    for i, point in enumerate(spec.points()):
        where = f" (grid point {_describe_point(point)})" if point else ""
        try:
            cfg = resolve_config(spec.run_config(plan[i]), base_dir)
        except ConfigError as exc:
            raise ConfigError(exc.field, f"{exc.message}{where}") from None
        if executor != "local" and cfg.world_name not in published:
            raise ConfigError(
                "executor",
                f"world {cfg.world_name!r} is registered at run time in this process only; "
                f"{executor} workers cannot see it (publish it through the socium.worlds entry "
                "point, or use --executor local)",
            )
        module = WORLDS.get(cfg.world_name).__module__
        if module not in modules:
            modules.append(module)
        if cfg.llm is not None:
            continue
        try:
            sim = build_simulation(cfg)
        except ConfigError as exc:
            raise ConfigError(exc.field, f"{exc.message}{where}") from None
        except Exception as exc:
            raise ConfigError(
                "config", f"building the run failed: {one_line(exc)}{where}"
            ) from None
        sim.policy.close()
    return modules


# -------------------------------------------------------------------------------- the index
def _column(values: list[Any]) -> Any:
    """A typed column from Python values (``None`` = missing); mixed or nested values -> JSON."""
    present = [v for v in values if v is not None]
    if not present:
        return pd.array([np.nan] * len(values), dtype="float64")
    if all(isinstance(v, bool) for v in present):
        return pd.array(values, dtype="boolean")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        try:
            return pd.array(values, dtype="Int64")
        except (OverflowError, TypeError, ValueError):
            pass
    elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pd.array([np.nan if v is None else float(v) for v in values], dtype="float64")
    if all(isinstance(v, str) for v in present):
        return pd.array(values, dtype="string")
    encoded = [None if v is None else json.dumps(v, sort_keys=True) for v in values]
    return pd.array(encoded, dtype="string")


def build_index(spec: SweepSpec, results: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """The index table of a sweep: one row per planned run, in plan order.

    Parameters
    ----------
    spec : SweepSpec
        The sweep.
    results : mapping
        ``run_id`` -> result dict (see :func:`socium.experiment.executors.execute_task`); runs
        without a result get status ``"pending"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``run_id``, ``point``, ``replicate``, ``seed``, one column per grid key (named by
        the dotted key), ``status`` (``done``, ``failed`` or ``pending``), ``error``, ``steps``,
        ``wall_s``, then one column per final metric, in alphabetical order. Scalars are kept as
        they are; lists and dicts are JSON-encoded strings. A metric whose name collides with a
        column above is named ``final.<name>``. ``attrs["socium_sweep"]["params"]`` lists the
        grid keys.
    """
    plan = spec.plan()
    rows = [results.get(run.run_id) for run in plan]
    reserved = set(_BASE_COLUMNS) | set(spec.params)
    names = sorted({name for row in rows if row is not None for name in row.get("final", {})})
    metrics = {name: f"final.{name}" if name in reserved else name for name in names}
    columns: dict[str, Any] = {
        "run_id": pd.array([run.run_id for run in plan], dtype="string"),
        "point": pd.array([run.point for run in plan], dtype="int64"),
        "replicate": pd.array([run.replicate for run in plan], dtype="int64"),
        "seed": pd.array([run.seed for run in plan], dtype="int64"),
    }
    for key in spec.params:
        columns[key] = _column([run.params[key] for run in plan])
    columns["status"] = pd.array(
        ["pending" if row is None else row["status"] for row in rows], dtype=object
    )
    columns["error"] = pd.array(
        [None if row is None else row["error"] for row in rows], dtype=object
    )
    columns["steps"] = _column([None if row is None else row.get("steps") for row in rows])
    columns["wall_s"] = pd.array(
        [np.nan if row is None or row.get("wall_s") is None else row["wall_s"] for row in rows],
        dtype="float64",
    )
    for name, column in metrics.items():
        values = [None if row is None else row.get("final", {}).get(name) for row in rows]
        columns[column] = _column(values)
    df = pd.DataFrame(columns)
    df.attrs["socium_sweep"] = {"format": FORMAT, "params": spec.params}
    return df


def write_index_parquet(index: pd.DataFrame, path: str | Path) -> None:
    """Write an index table to Parquet with stable column types.

    Columns that hold no value yet (``error`` before any failure) are written as strings for the
    text columns and as doubles otherwise, never as Arrow's ``null`` type, so DuckDB and pandas
    read the same schema from every sweep. ``index.attrs`` is kept (pandas reads it back).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(index, preserve_index=False)
    text = {"run_id", "status", "error"}
    for i, f in enumerate(table.schema):
        if pa.types.is_null(f.type):
            target = pa.string() if f.name in text else pa.float64()
            table = table.set_column(i, f.name, table.column(i).cast(target))
    metadata = dict(table.schema.metadata or {})
    if index.attrs:
        metadata[b"PANDAS_ATTRS"] = json.dumps(index.attrs).encode()
    pq.write_table(table.replace_schema_metadata(metadata), path)


def sweep_params(index: pd.DataFrame) -> list[str]:
    """The grid keys of an index table.

    Read from ``index.attrs["socium_sweep"]`` when present (tables from :func:`build_index`, or
    read back from ``index.parquet`` by pandas), else the columns whose names are dotted keys
    (excluding ``final.*``).
    """
    meta = index.attrs.get("socium_sweep") if hasattr(index, "attrs") else None
    if isinstance(meta, Mapping) and "params" in meta:
        return [p for p in meta["params"] if p in index.columns]
    return [c for c in index.columns if "." in str(c) and not str(c).startswith("final.")]


# ---------------------------------------------------------------------------- the directory
class _SweepDir:
    """The files of a sweep directory; holds an exclusive lock while open."""

    def __init__(self, path: Path):
        self.path = path
        self._lock: Any = None

    @property
    def spec_path(self) -> Path:
        return self.path / "sweep.json"

    @property
    def journal(self) -> Path:
        return self.path / "results.jsonl"

    @property
    def index_path(self) -> Path:
        return self.path / "index.parquet"

    def run_dir(self, run_id: str) -> Path:
        return self.path / "runs" / run_id

    def lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no advisory locks (Windows)
            return
        handle = (self.path / ".lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise ConfigError("out", f"another sweep is running in {self.path}") from None
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def read_spec(self) -> SweepSpec:
        try:
            return SweepSpec.from_json(json.loads(self.spec_path.read_text()))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ResumeError(f"{self.spec_path} is unreadable: {one_line(exc)}") from None

    def write_spec(self, spec: SweepSpec) -> None:
        from socium import __version__

        data = {**spec.to_json(), "socium": __version__}
        _atomic_write(self.spec_path, json.dumps(data, indent=2) + "\n")

    def read_results(self) -> dict[str, dict[str, Any]]:
        """The journal, last record per run winning; a torn last line (a kill) is cut off."""
        if not self.journal.exists():
            return {}
        raw = self.journal.read_bytes()
        if raw and not raw.endswith(b"\n"):
            cut = raw.rfind(b"\n") + 1
            with self.journal.open("r+b") as fh:
                fh.truncate(cut)
            raw = raw[:cut]
        results: dict[str, dict[str, Any]] = {}
        for line in raw.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "run_id" in record and "status" in record:
                results[record["run_id"]] = record
        return results

    def append(self, result: Mapping[str, Any]) -> None:
        line = json.dumps(_plain(result)) + "\n"
        with self.journal.open("a") as fh:
            fh.write(line)

    def write_index(self, index: pd.DataFrame) -> None:
        """Write ``index.parquet`` atomically (a temporary file, then a rename)."""
        tmp = self.index_path.with_name(".index.parquet.tmp")
        write_index_parquet(index, tmp)
        os.replace(tmp, self.index_path)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


# -------------------------------------------------------------------------------- the result
@dataclass
class Sweep:
    """The result of a sweep.

    Attributes
    ----------
    spec : SweepSpec
        What was swept.
    index : pandas.DataFrame
        One row per run (see :func:`build_index`).
    dir : Path or None
        The sweep directory, or ``None`` for a sweep kept in memory.
    stats : dict
        Counts of this invocation: ``planned``, ``skipped`` (complete before it started),
        ``executed``, ``resumed`` (interrupted run directories continued), ``done``, ``failed``,
        ``pending``; and ``executor``, ``workers``, ``startup_s``, ``wall_s`` and ``runs_per_s``
        (executed runs per second of execution, executor start-up included).
    """

    spec: SweepSpec
    index: pd.DataFrame
    dir: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> list[str]:
        """The grid keys."""
        return self.spec.params

    @property
    def metrics(self) -> list[str]:
        """The numeric final-metric columns of the index (booleans included)."""
        skip = set(_BASE_COLUMNS) | set(self.params)
        return [
            c
            for c in self.index.columns
            if c not in skip
            and (
                pd.api.types.is_numeric_dtype(self.index[c])
                or pd.api.types.is_bool_dtype(self.index[c])
            )
        ]

    @property
    def failed(self) -> pd.DataFrame:
        """The rows of the failed runs."""
        return self.index[self.index["status"] == "failed"]

    def summary(self, metric: str, **kwargs: Any) -> pd.DataFrame:
        """Mean and confidence interval of ``metric`` per grid point (:func:`sweep_summary`)."""
        return sweep_summary(self.index, metric, **kwargs)

    def run_dir(self, run_id: str) -> Path:
        """The run directory of ``run_id`` (sweeps kept as directories)."""
        if self.dir is None or self.spec.keep != "dirs":
            raise ResumeError("this sweep keeps no run directories (keep = 'memory')")
        return self.dir / "runs" / run_id

    def run(self, run_id: str):
        """Load one finished run of the sweep as a :class:`~socium.experiment.runner.Run`."""
        from socium.experiment.runner import load

        return load(self.run_dir(run_id))


# -------------------------------------------------------------------------------- execution
def _counts(index: pd.DataFrame) -> dict[str, int]:
    status = index["status"]
    return {s: int((status == s).sum()) for s in ("done", "failed", "pending")}


def _execute(
    spec: SweepSpec,
    store: _SweepDir | None,
    executor: Executor,
    *,
    retry_failed: bool,
    progress: Callable[[int], None] | None,
    index_every_s: float = _INDEX_EVERY_S,
) -> Sweep:
    """Run what is left of a sweep and return the result (the store is locked by the caller)."""
    results = store.read_results() if store is not None else {}
    stats: dict[str, Any] = {"planned": 0, "skipped": 0, "executed": 0, "resumed": 0}
    tasks: list[RunTask] = []
    for run in spec.plan():
        stats["planned"] += 1
        previous = results.get(run.run_id)
        if previous is not None and (previous["status"] == "done" or not retry_failed):
            stats["skipped"] += 1
            continue
        out = None
        if store is not None and spec.keep == "dirs":
            out = store.run_dir(run.run_id).absolute()  # workers may have another cwd
            task = RunTask(run.run_id, spec.run_config(run), spec.base_dir, str(out))
            if (out / "summary.json").exists():  # finished, but killed before its journal line
                result = execute_task(task)
                if result["status"] == "done":
                    results[run.run_id] = result
                    store.append(result)
                    stats["skipped"] += 1
                    continue
            tasks.append(task)
        else:
            tasks.append(RunTask(run.run_id, spec.run_config(run), spec.base_dir, None))
    if store is not None:
        store.write_index(build_index(spec, results))
    stats["executor"] = executor.name
    if progress is not None:
        progress(stats["skipped"])
    start = time.perf_counter()
    if tasks:
        last_write = time.perf_counter()
        try:
            with executor:
                for result in executor.run(tasks):
                    results[result["run_id"]] = result
                    stats["executed"] += 1
                    stats["resumed"] += bool(result.get("resumed"))
                    if store is not None:
                        store.append(result)
                        if time.perf_counter() - last_write > index_every_s:
                            store.write_index(build_index(spec, results))
                            last_write = time.perf_counter()
                    if progress is not None:
                        progress(stats["skipped"] + stats["executed"])
        finally:
            if store is not None:
                store.write_index(build_index(spec, results))
    wall = time.perf_counter() - start
    index = build_index(spec, results)
    stats.update(_counts(index))
    stats["workers"] = executor.workers if executor.name != "local" else 1
    stats["startup_s"] = round(executor.startup_s, 4)
    stats["wall_s"] = round(wall, 4)
    stats["runs_per_s"] = round(stats["executed"] / wall, 3) if stats["executed"] and wall else None
    return Sweep(spec, index, store.path if store is not None else None, stats)


def _raw_config(
    config: str | Path | Mapping[str, Any] | ResolvedConfig,
) -> tuple[dict[str, Any], str | None]:
    if isinstance(config, ResolvedConfig):
        return dict(config.raw), str(config.base_dir) if config.base_dir else None
    if isinstance(config, Mapping):  # relative paths resolve against this cwd, in every worker
        return dict(config), str(Path.cwd())
    return read_config_file(config), str(Path(config).resolve().parent)


def sweep(
    config: str | Path | Mapping[str, Any] | ResolvedConfig,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    replicates: int = 1,
    executor: str = "local",
    out: str | Path | None = None,
    seed: int | None = None,
    workers: int | None = None,
    address: str | None = None,
    keep: str | None = None,
    common_seeds: bool = False,
    retry_failed: bool = True,
    progress: Callable[[int], None] | None = None,
    **overrides: Any,
) -> Sweep:
    """Run a config at every point of a grid, ``replicates`` times per point.

    Parameters
    ----------
    config : path, dict or ResolvedConfig
        The base scenario, as for :func:`socium.run`.
    grid : mapping, optional
        Dotted config key -> list of values (``{"world.epsilon": [0.1, 0.2]}``); the sweep covers
        the cartesian product. ``None`` or ``{}`` is one point (replicates only).
    replicates : int
        Runs per grid point, each with its own seed.
    executor : {"local", "process", "ray"}
        Where the runs execute (see :mod:`socium.experiment.executors`).
    out : path, optional
        The sweep directory. ``None`` keeps everything in memory and writes nothing. A directory
        that holds the same sweep is resumed: complete runs are skipped.
    seed : int, optional
        Root seed. Default: ``run.seed`` of the config, else the root seed of the sweep being
        resumed, else fresh entropy (recorded in ``sweep.json``).
    workers : int, optional
        Runs at once: processes for ``process`` (default: the CPU count), batches in flight for
        ``ray`` (default: the cluster's CPUs).
    address : str, optional
        Ray cluster address (``"auto"``, ``"ray://head:10001"``); default: a local ``ray.init()``.
    keep : {"dirs", "memory"}, optional
        ``dirs`` (the default with ``out``) writes a run directory per run under ``runs/``;
        ``memory`` keeps only each run's index row.
    common_seeds : bool
        Give replicate ``r`` the same seed at every grid point (common random numbers).
    retry_failed : bool
        When resuming, run the failed runs again (default) rather than keep their failure.
    progress : callable, optional
        Called with the number of runs finished so far (those skipped as complete included):
        once before execution starts, then after each run.
    **overrides
        Config overrides applied to every run, as for :func:`socium.run` (``world__mu=0.5``).

    Returns
    -------
    Sweep

    Raises
    ------
    ConfigError
        For a bad grid or option, or a grid point whose config is invalid, before anything runs
        or is written.

    Examples
    --------
    >>> from socium.experiment.sweep import sweep
    >>> cfg = {"network": {"kind": "complete", "n": 20},
    ...        "world": {"name": "opinion", "model": "deffuant"}, "run": {"steps": 3}}
    >>> s = sweep(cfg, {"world.epsilon": [0.1, 0.3]}, replicates=2, seed=7)
    >>> s.index[["run_id", "world.epsilon", "status"]].values.tolist()[:2]
    [['p000-r00', 0.1, 'done'], ['p000-r01', 0.1, 'done']]
    """
    from socium.experiment.runner import _normalise_overrides

    ov = _normalise_overrides(overrides)
    raw, base_dir = _raw_config(config)
    checked = _check_grid(grid, ov)
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ConfigError("replicates", f"must be a whole number >= 1 (got {replicates!r})")
    keep = keep or ("dirs" if out is not None else "memory")
    if keep not in KEEP_MODES:
        raise ConfigError("keep", f"unknown mode {keep!r}; allowed: {', '.join(KEEP_MODES)}")
    if keep == "dirs" and out is None:
        raise ConfigError("keep", "'dirs' needs a sweep directory (out)")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ConfigError("seed", f"must be a whole number >= 0 (got {seed!r})")
    base = _plain(apply_overrides(raw, ov) if ov else raw)
    if seed is None:
        run_seed = (
            (base.get("run") or {}).get("seed") if isinstance(base.get("run"), dict) else None
        )
        seed = run_seed if isinstance(run_seed, int) and not isinstance(run_seed, bool) else None
    store = None
    existing: SweepSpec | None = None
    if out is not None:
        store = _SweepDir(Path(out))
        if store.spec_path.exists():
            existing = store.read_spec()
        elif store.path.exists() and any(store.path.iterdir()):
            raise ConfigError("out", f"{store.path} exists and is not a sweep directory")
    if seed is None:
        seed = existing.root_seed if existing is not None else secrets.randbits(63)
    spec = SweepSpec(base, checked, replicates, seed, keep, common_seeds, base_dir)
    if existing is not None:
        diff = _spec_difference(existing, spec)
        if diff is not None:
            raise ConfigError(
                "out",
                f"{store.path} holds a different sweep ({diff} differs); "
                "choose another --out, or continue it with --resume",
            )
    ex = make_executor(executor, workers=workers, address=address)
    return _start(spec, store, ex, retry_failed=retry_failed, progress=progress)


def _start(
    spec: SweepSpec,
    store: _SweepDir | None,
    ex: Executor,
    *,
    retry_failed: bool,
    progress: Callable[[int], None] | None,
) -> Sweep:
    """Validate every grid point, create the directory, then execute."""
    ex.preload = tuple(_validate(spec, ex.name))
    if store is None:
        return _execute(spec, None, ex, retry_failed=retry_failed, progress=progress)
    store.path.mkdir(parents=True, exist_ok=True)
    store.lock()
    try:
        if not store.spec_path.exists():
            store.write_spec(spec)
        return _execute(spec, store, ex, retry_failed=retry_failed, progress=progress)
    finally:
        store.unlock()


def resume_sweep(
    sweep_dir: str | Path,
    *,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    retry_failed: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Sweep:
    """Continue an interrupted sweep: skip complete runs, resume interrupted ones, run the rest.

    Parameters
    ----------
    sweep_dir : path
        A sweep directory (with ``sweep.json``).
    executor, workers, address, retry_failed, progress
        As for :func:`sweep`; the executor may differ from the first invocation's.

    Returns
    -------
    Sweep
    """
    store = _SweepDir(Path(sweep_dir))
    if not store.spec_path.exists():
        raise ResumeError(f"{store.path} is not a sweep directory (it has no sweep.json)")
    spec = store.read_spec()
    ex = make_executor(executor, workers=workers, address=address)
    return _start(spec, store, ex, retry_failed=retry_failed, progress=progress)


def load_sweep(sweep_dir: str | Path) -> Sweep:
    """Read a sweep directory (finished or not) without running anything.

    The index is rebuilt from the journal, so it includes runs that finished after the last
    write of ``index.parquet``. ``stats`` holds the ``done``/``failed``/``pending`` counts.
    """
    store = _SweepDir(Path(sweep_dir))
    if not store.spec_path.exists():
        raise ResumeError(f"{store.path} is not a sweep directory (it has no sweep.json)")
    spec = store.read_spec()
    results: dict[str, dict[str, Any]] = {}
    if store.journal.exists():
        for line in store.journal.read_bytes().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and "run_id" in record:
                results[record["run_id"]] = record
    index = build_index(spec, results)
    return Sweep(spec, index, store.path, {"planned": len(index), **_counts(index)})


# ---------------------------------------------------------------------------------- summary
def sweep_summary(
    index: pd.DataFrame,
    metric: str,
    *,
    by: Sequence[str] | None = None,
    level: float = 0.95,
    method: str = "t",
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Mean and confidence interval of a metric across replicates, per grid point.

    Parameters
    ----------
    index : pandas.DataFrame
        A sweep index (:attr:`Sweep.index`, or ``index.parquet`` read back).
    metric : str
        A numeric (or boolean: a proportion) column of the index.
    by : sequence of str, optional
        Columns to group by; default the grid keys (:func:`sweep_params`).
    level : float
        Confidence level, in (0, 1).
    method : {"t", "bootstrap"}
        Student-t interval (default) or percentile bootstrap of the mean.
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the bootstrap resampling.

    Returns
    -------
    pandas.DataFrame
        One row per group (every grid point), in order of first appearance, with the ``by``
        columns and ``n``, ``mean``, ``std``, ``sem``, ``ci_low``, ``ci_high``. Only runs with
        status ``done`` and a value count: a point whose runs all failed has ``n = 0`` and NaNs.
        The interval is NaN where ``n < 2``.

    Notes
    -----
    With replicate values :math:`x_1..x_n`, mean :math:`\\bar x` and sample standard deviation
    :math:`s` (``ddof = 1``), the t-interval is

    .. math:: \\bar x \\pm t_{(1+\\text{level})/2,\\, n-1}\\, s / \\sqrt{n}.

    The bootstrap draws ``n_boot`` resamples of size :math:`n` with replacement and takes the
    :math:`(1-\\text{level})/2` and :math:`(1+\\text{level})/2` quantiles of their means
    (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13). Both assume the
    replicates are independent, which they are: each has its own seed.

    Examples
    --------
    >>> df = pd.DataFrame({"world.epsilon": [0.1, 0.1, 0.2, 0.2], "status": ["done"] * 4,
    ...                    "mean": [1.0, 3.0, 2.0, 2.0]})
    >>> sweep_summary(df, "mean")[["world.epsilon", "n", "mean", "ci_low"]].round(3)
       world.epsilon  n  mean  ci_low
    0            0.1  2   2.0 -10.706
    1            0.2  2   2.0   2.000
    """
    from scipy import stats as sstats

    if metric not in index.columns:
        raise ConfigError("metric", f"unknown column {metric!r} of the sweep index")
    if not 0 < level < 1:
        raise ConfigError("level", f"must be in (0, 1) (got {level})")
    if method not in ("t", "bootstrap"):
        raise ConfigError("method", f"unknown method {method!r}; allowed: t, bootstrap")
    keys = list(by) if by is not None else sweep_params(index)
    missing = [k for k in keys if k not in index.columns]
    if missing:
        raise ConfigError("by", f"unknown column {missing[0]!r} of the sweep index")
    column = index[metric]
    if pd.api.types.is_bool_dtype(column):
        column = column.astype("Float64")
    if not pd.api.types.is_numeric_dtype(column):
        raise ConfigError("metric", f"column {metric!r} is not numeric")
    values = pd.to_numeric(column, errors="coerce").astype("float64")
    if "status" in index.columns:
        values = values.where(index["status"] == "done")
    data = index[keys].copy() if keys else pd.DataFrame(index=index.index)
    data["_value"] = values
    rng = np.random.default_rng(seed)
    out_rows = []
    groups = data.groupby(keys, sort=False, dropna=False) if keys else [((), data)]
    for key, group in groups:
        x = group["_value"].dropna().to_numpy()
        n = len(x)
        mean = float(x.mean()) if n else np.nan
        std = float(x.std(ddof=1)) if n > 1 else np.nan
        sem = std / np.sqrt(n) if n > 1 else np.nan
        lo = hi = np.nan
        if n > 1 and method == "t":
            half = float(sstats.t.ppf((1 + level) / 2, n - 1)) * sem
            lo, hi = mean - half, mean + half
        elif n > 1:
            means = x[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
            lo, hi = (float(q) for q in np.quantile(means, [(1 - level) / 2, (1 + level) / 2]))
        key = key if isinstance(key, tuple) else (key,)
        out_rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "n": n,
                "mean": mean,
                "std": std,
                "sem": sem,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    columns = [*keys, "n", "mean", "std", "sem", "ci_low", "ci_high"]
    return pd.DataFrame(out_rows, columns=columns)


# ---------------------------------------------------------------------------------------- CLI
def _default_out(config: Path) -> Path:
    from datetime import datetime

    return Path("sweeps") / f"{config.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _headline_metrics(result: Sweep, k: int = 3) -> list[str]:
    """Up to ``k`` numeric metrics, in the order the world declares its metrics."""
    from socium.core.registry import WORLDS

    done = result.index[result.index["status"] == "done"]
    numeric = [m for m in result.metrics if m != "converged_step" and done[m].notna().any()]
    try:
        declared = list(WORLDS.get(result.spec.base["world"]["name"]).describe()["metrics"])
    except Exception:  # an unknown world, a world without descriptions: alphabetical
        declared = []
    ordered = [m for m in declared if m in numeric] + [m for m in numeric if m not in declared]
    return ordered[:k]


def _print_result(result: Sweep, console: Any) -> None:
    from rich.table import Table

    s = result.stats
    rate = f" · {s['runs_per_s']:.3g} runs/s" if s.get("runs_per_s") else ""
    table = Table(
        title=f"sweep · {s['planned']} runs · {s['executed']} executed, {s['skipped']} skipped"
        f" · {s['executor']}{rate} · {s['wall_s']:.3g} s",
    )
    metrics = _headline_metrics(result)
    for col in [*result.params, "done", "failed", *(f"mean {m}" for m in metrics)]:
        table.add_column(col, overflow="fold")
    index = result.index
    for _, group in index.groupby("point", sort=False):
        first = group.iloc[0]
        done = group[group["status"] == "done"]
        cells = [str(first[p]) for p in result.params]
        cells += [str(len(done)), str(int((group["status"] == "failed").sum()))]
        for m in metrics:
            col = pd.to_numeric(done[m], errors="coerce").astype("float64")
            cells.append(f"{col.mean():.4g}" if col.notna().any() else "-")
        table.add_row(*cells)
    console.print(table)
    if result.dir is not None:
        console.print(f"sweep directory: {result.dir} (index: {result.dir / 'index.parquet'})")


def _with_progress(quiet: bool, total: int, fn: Callable[[Callable[[int], None] | None], Any]):
    """Call ``fn(tick)`` with a progress bar on stderr (``tick(None)`` when quiet)."""
    if quiet or total < 2:
        return fn(None)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("sweep", total=total)
        return fn(lambda done: bar.update(task, completed=done))


def sweep_command(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Argument(help="TOML or YAML scenario file (omit with --resume).")
    ] = None,
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid",
            "-g",
            help="Swept key: dotted.key=v1,v2,... (repeatable; the sweep is the product).",
        ),
    ] = None,
    replicates: Annotated[
        int | None, typer.Option("--replicates", "-r", help="Runs per grid point (default 1).")
    ] = None,
    executor: Annotated[
        str, typer.Option("--executor", "-e", help="local | process | ray.")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster address (auto, ray://host:10001); default: local Ray."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Parallel runs (default: CPU count / cluster CPUs).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Sweep directory; an existing one with the same sweep is resumed."
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Root seed (default: run.seed, else fresh entropy).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a config key for every run (repeatable)."),
    ] = None,
    keep: Annotated[
        str | None,
        typer.Option(help="dirs (default): a run directory per run; memory: only the index."),
    ] = None,
    common_seeds: Annotated[
        bool,
        typer.Option("--common-seeds", help="Same seeds at every grid point (replicate r)."),
    ] = False,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed/--skip-failed", help="On resume, rerun failed runs."),
    ] = True,
    resume: Annotated[
        Path | None, typer.Option("--resume", help="Continue the sweep in this directory.")
    ] = None,
) -> None:
    """Run a config over a parameter grid with replicates, into one sweep directory.

    Seeds derive from one root seed: the sweep is the same under every executor.

    Re-running with the same --out (or --resume DIR) skips the complete runs.

    Exit code 1 when some runs failed; the index records them.
    """
    from rich.console import Console

    console, err_console = Console(), Console(stderr=True)
    root = ctx.find_root().params  # the app's --debug and --quiet
    quiet, debug = bool(root.get("quiet")), bool(root.get("debug"))
    try:
        if resume is not None:
            given = {
                "CONFIG": config,
                "--grid": grid or None,
                "--set": set_ or None,
                "--seed": seed,
                "--replicates": replicates,
                "--keep": keep,
                "--out": out,
                "--common-seeds": common_seeds or None,
            }
            extra = [name for name, value in given.items() if value is not None]
            if extra:
                raise ConfigError(
                    "--resume", f"reads the sweep from its directory; drop {extra[0]}"
                )
            total = len(load_sweep(resume).index)
            result = _with_progress(
                quiet,
                total,
                lambda tick: resume_sweep(
                    resume,
                    executor=executor,
                    workers=workers,
                    address=address,
                    retry_failed=retry_failed,
                    progress=tick,
                ),
            )
        else:
            if config is None:
                raise ConfigError("config", "give a CONFIG file, or --resume DIR")
            parsed: dict[str, list[Any]] = {}
            for text in grid or []:
                key, values = parse_grid(text)
                if key in parsed:
                    raise ConfigError(f"--grid {key}", "given twice")
                parsed[key] = values
            overrides = dict(parse_override(s) for s in set_ or [])
            target = out or _default_out(config)
            n_runs = math.prod(len(v) for v in parsed.values()) * (replicates or 1)
            result = _with_progress(
                quiet,
                n_runs,
                lambda tick: sweep(
                    config,
                    parsed,
                    replicates=1 if replicates is None else replicates,
                    executor=executor,
                    out=target,
                    seed=seed,
                    workers=workers,
                    address=address,
                    keep=keep or "dirs",
                    common_seeds=common_seeds,
                    retry_failed=retry_failed,
                    progress=tick,
                    **overrides,
                ),
            )
    except (SociumError, FileNotFoundError) as exc:
        if debug:
            raise
        from rich.markup import escape

        err_console.print(
            f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from None
    _print_result(result, console)
    if result.stats["failed"]:
        first = result.failed.iloc[0]
        console.print(
            f"[bold red]{result.stats['failed']} run(s) failed[/]; first: {first['run_id']}: "
            f"{first['error']}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
