"""Shared helpers for the socium benchmark scripts.

Timing is done in one process with :func:`time.perf_counter` (best of ``k`` repeats, after a
warm-up call). Peak memory is measured in a *fresh* subprocess, so the number is that of the
measured workload alone: the child reports its own ``ru_maxrss`` and the RSS after each stage, and
the parent cross-checks with ``getrusage(RUSAGE_CHILDREN)``.

Every contender of one benchmark runs on the same graph: it is built once with socium's own
generator (:func:`socium.core.generators.barabasi_albert`, fed by the stream that a socium run
with the same seed uses for its network), and converted to networkx for the peers.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "BENCH_DIR",
    "RESULTS_DIR",
    "Timing",
    "build_ba",
    "environment",
    "fmt_bytes",
    "fmt_seconds",
    "markdown_table",
    "peak_rss_subprocess",
    "rss_bytes",
    "same_graph",
    "socium_simulation",
    "time_best",
    "time_blocks",
    "write_results",
    "write_values",
]

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


# --------------------------------------------------------------------------------------- timing
@dataclass
class Timing:
    """Seconds per unit of work, best of ``k`` repeats (and all the repeats, for the record).

    ``per_unit`` is ``best / units``: the seconds of one unit (one sweep, one step) for the
    fastest repeat. ``units`` is how many units one timed call covers.
    """

    samples: list[float]
    units: float = 1.0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def best(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return float(np.median(self.samples))

    @property
    def per_unit(self) -> float:
        return self.best / self.units

    @property
    def per_unit_median(self) -> float:
        return self.median / self.units

    def as_dict(self) -> dict[str, Any]:
        return {
            "per_unit_best_s": self.per_unit,
            "per_unit_median_s": self.per_unit_median,
            "units_per_call": self.units,
            "samples_s": self.samples,
            **self.meta,
        }


def time_best(
    fn: Callable[[], Any], *, k: int = 5, warmup: int = 1, units: float = 1.0, **meta: Any
) -> Timing:
    """Time ``fn()`` ``k`` times (after ``warmup`` untimed calls); garbage collection is off
    during each timed call (as :mod:`timeit` does)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(k):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return Timing(samples, units, dict(meta))


def time_blocks(
    step: Callable[[], Any],
    *,
    block: int,
    k: int = 3,
    warmup: int = 1,
    units: float | None = None,
    **meta: Any,
) -> Timing:
    """Time ``k`` blocks of ``block`` consecutive ``step()`` calls each.

    ``units`` is the number of benchmark units one block represents (default ``block``): e.g. a
    block of 2000 single-node ndlib voter iterations is ``2000 / N`` sweeps.
    """

    def run_block() -> None:
        for _ in range(block):
            step()

    return time_best(run_block, k=k, warmup=warmup, units=block if units is None else units, **meta)


# --------------------------------------------------------------------------------------- memory
def rss_bytes() -> int:
    """Current resident set size of this process, in bytes."""
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:  # pragma: no cover - psutil is in the bench extra
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _maxrss_to_bytes(value: int) -> int:
    # Linux reports kilobytes, macOS bytes.
    return int(value) if sys.platform == "darwin" else int(value) * 1024


def peak_rss_subprocess(args: Sequence[str], *, timeout: float | None = None) -> dict[str, Any]:
    """Run ``python ARGS`` in a fresh interpreter and return its peak RSS.

    The child may print JSON lines; the last line that parses as a JSON object is returned under
    ``"report"``. ``peak_rss_bytes`` comes from ``getrusage(RUSAGE_CHILDREN)`` measured around
    the child (exact when it is the largest child this process has waited for, which the caller
    arranges by running the memory benchmark first).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report: dict[str, Any] | None = None
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                report = json.loads(line)
            except json.JSONDecodeError:
                continue
    return {
        "returncode": proc.returncode,
        "wall_s": wall,
        "peak_rss_bytes": _maxrss_to_bytes(after) if after > before else None,
        "report": report,
        "stdout": proc.stdout,
        "stderr": proc.stderr[-4000:],
    }


# --------------------------------------------------------------------------------------- graphs
def build_ba(n: int, m: int, seed: int):
    """The Barabási–Albert graph a socium run with this seed and ``network = {kind =
    "barabasi_albert", n, m}`` builds (same generator, same RNG stream).

    Returns a :class:`socium.core.network.Network`.
    """
    from socium.core.generators import barabasi_albert
    from socium.core.rng import RunRNG

    return barabasi_albert(n, m, rng=RunRNG(seed).stream("network"))


def same_graph(a, b) -> bool:
    """Whether two networks have the same adjacency pattern."""
    x, y = a.adjacency, b.adjacency
    if x.shape != y.shape or x.nnz != y.nnz:
        return False
    return bool(np.array_equal(x.indptr, y.indptr) and np.array_equal(x.indices, y.indices))


# --------------------------------------------------------------------------------------- output
def fmt_seconds(s: float | None) -> str:
    """Human-readable duration."""
    if s is None or not np.isfinite(s):
        return "n/a"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"


def fmt_bytes(b: float | None) -> str:
    """Human-readable size (GiB/MiB)."""
    if b is None:
        return "n/a"
    if b >= 2**30:
        return f"{b / 2**30:.2f} GiB"
    return f"{b / 2**20:.0f} MiB"


def markdown_table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A GitHub-flavoured markdown table."""
    cells = [[str(c) for c in header], *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells[1:]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(lines)


def _version(mod: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(mod)
    except Exception:
        return None


def environment() -> dict[str, Any]:
    """Machine and library versions, stored with every result file."""
    try:
        import psutil

        mem = psutil.virtual_memory().total
    except ImportError:  # pragma: no cover
        mem = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory_bytes": mem,
        "versions": {
            m: _version(m)
            for m in ("socium", "numpy", "scipy", "networkx", "ndlib", "mesa", "psutil")
        },
    }


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """Write ``payload`` (plus :func:`environment`) to ``bench/results/NAME.json``."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    data = {"benchmark": name, "environment": environment(), **payload}
    path.write_text(json.dumps(_jsonable(data), indent=2) + "\n")
    return path


# --------------------------------------------------------------------------------------- socium
def socium_simulation(config: dict[str, Any], seed: int):
    """Build a socium :class:`~socium.core.engine.Simulation` exactly as :func:`socium.run`
    does (same config validation, same seeded streams), without running it.

    Events are not collected, as in a run with ``record.events = false`` (the engine tells the
    world so when the loop starts; here we do it by hand because the benchmark calls
    ``advance()`` directly).
    """
    from socium.experiment.config import load_config
    from socium.experiment.runner import build_simulation

    sim = build_simulation(load_config(config, {"run.seed": seed}))
    sim.collect_events = sim.world.collect_events = False
    return sim


def write_values(path: Path, values: np.ndarray) -> Path:
    """Write one value per agent (id order) as a CSV file socium can read with
    ``{from = "file", path = ...}``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = "%d" if np.issubdtype(values.dtype, np.integer) else "%.17g"
    np.savetxt(path, values, fmt=fmt, header="value", comments="")
    return path
