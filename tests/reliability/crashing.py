"""Start a run in a child process, SIGKILL it at a chosen step, and compare run directories.

Two ways to kill, so that kills land both on a step boundary and at an arbitrary moment:

``parked``
    the child's progress hook stops the child right after step ``k`` was committed; the parent
    kills it there. The database must then hold exactly steps ``0..k``.
``running``
    the child keeps running (a random sleep of 0..2*delay per step); the parent polls
    ``run.sqlite`` for ``max(step) >= k`` and kills at once, wherever the child is: computing a
    step, inside a step's transaction, sleeping, or writing the final files.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "NONDETERMINISTIC_COLUMNS",
    "FinishedEarly",
    "committed_step",
    "compare_run_dirs",
    "kill_run",
    "resume_cli",
]

#: Columns whose values legitimately differ between two runs of the same seed (wall clock).
NONDETERMINISTIC_COLUMNS = {"latency_s", "wall_s", "elapsed_s", "created_at", "timestamp", "time_s"}

_CHILD = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    from socium.experiment.runner import run

    cfg_path, out, marker, mode, kill_at, delay = sys.argv[1:7]
    kill_at, delay = int(kill_at), float(delay)
    jitter = np.random.default_rng(kill_at)

    def hook(step):
        with open(marker, "w") as fh:
            fh.write(str(step))
        if mode == "parked" and step >= kill_at:
            time.sleep(3600)  # wait here to be killed
        time.sleep(jitter.uniform(0, 2 * delay))

    run(json.loads(open(cfg_path).read()), out=out, progress=hook)
    """
)


class FinishedEarly(AssertionError):
    """The child finished its run before it could be killed (retry with a longer delay)."""


def committed_step(db: Path) -> int:
    """``max(step)`` of the ``metrics`` table, or -1 when nothing is committed yet."""
    if not db.exists():
        return -1
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            row = con.execute("SELECT max(step) FROM metrics").fetchone()
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or caught mid-creation
        return -1
    return -1 if row is None or row[0] is None else int(row[0])


def kill_run(
    cfg: dict[str, Any],
    out: Path,
    kill_at: int,
    mode: str,
    *,
    delay: float = 0.003,
    timeout: float = 90.0,
) -> int:
    """Run ``cfg`` into ``out`` in a child process and SIGKILL it at step ``kill_at``.

    Returns
    -------
    int
        The last committed step in ``out/run.sqlite`` after the kill.

    Raises
    ------
    FinishedEarly
        When the child finished the whole run before the kill (``running`` mode only).
    AssertionError
        When the child dies before the kill, or does not reach the step in time.
    """
    work = out.parent
    cfg_path = work / f"{out.name}.json"
    marker = work / f"{out.name}.step"
    cfg_path.write_text(json.dumps(cfg))
    args = [str(cfg_path), str(out), str(marker), mode, str(kill_at), str(delay)]
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = out / "run.sqlite"
    deadline = time.monotonic() + timeout
    try:
        while True:
            if mode == "parked":
                try:
                    reached = int(marker.read_text())
                except (FileNotFoundError, ValueError):
                    reached = -1
            else:
                reached = committed_step(db)
            if reached >= kill_at:
                break
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                if proc.returncode == 0:
                    raise FinishedEarly(f"the run finished before step {kill_at} was seen")
                raise AssertionError(
                    f"the child exited (rc {proc.returncode}) before step {kill_at}: {err[-2000:]}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"the child did not reach step {kill_at} in {timeout} s")
            time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"child ended with {proc.returncode}, not SIGKILL"
    return committed_step(db)


def resume_cli(run_dir: Path, timeout: float = 120.0) -> subprocess.CompletedProcess:
    """``socium resume DIR`` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "socium.cli", "--quiet", "resume", str(run_dir)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _tables(con: sqlite3.Connection) -> dict[str, list[str]]:
    names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {n: [r[1] for r in con.execute(f'PRAGMA table_info("{n}")')] for n in names}


def _rows(con: sqlite3.Connection, table: str, columns: list[str]) -> list[tuple]:
    keep = [c for c in columns if c not in NONDETERMINISTIC_COLUMNS]
    quoted = ", ".join(f'"{c}"' for c in keep)
    rows = con.execute(f'SELECT {quoted} FROM "{table}"').fetchall()
    return sorted(rows, key=lambda r: tuple((v is None, str(type(v)), v) for v in r))


def _summary(path: Path) -> dict[str, Any]:
    summary = json.loads(path.read_text())
    summary["run"].pop("wall_s", None)
    return summary


def compare_run_dirs(resumed: Path, reference: Path) -> None:
    """Assert that a killed-and-resumed run equals an uninterrupted one.

    Checks ``summary.json`` (minus ``run.wall_s``), ``agents.parquet`` (bytes and frame),
    ``metrics.csv``, the database's integrity, the steps of ``metrics`` (exactly
    ``0..steps``, each once), and every table of the database (same tables, same rows as a
    multiset, ignoring wall-clock columns; no row beyond the last step).
    """
    assert _summary(resumed / "summary.json") == _summary(reference / "summary.json")
    a = pd.read_parquet(resumed / "agents.parquet")
    b = pd.read_parquet(reference / "agents.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert (resumed / "agents.parquet").read_bytes() == (reference / "agents.parquet").read_bytes()
    assert (resumed / "metrics.csv").read_text() == (reference / "metrics.csv").read_text()

    steps = json.loads((reference / "summary.json").read_text())["run"]["steps"]
    con = sqlite3.connect(resumed / "run.sqlite")
    ref = sqlite3.connect(reference / "run.sqlite")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        distinct = [s for (s,) in con.execute("SELECT DISTINCT step FROM metrics ORDER BY step")]
        assert distinct == list(range(steps + 1)), "metrics steps have gaps or extra steps"
        total, unique = con.execute(
            "SELECT count(*), count(DISTINCT step || ':' || name) FROM metrics"
        ).fetchone()
        assert total == unique, "duplicated metric rows"
        tables, ref_tables = _tables(con), _tables(ref)
        assert sorted(tables) == sorted(ref_tables)
        for name, columns in tables.items():
            assert sorted(columns) == sorted(ref_tables[name]), name
            if "step" in columns:
                (last,) = con.execute(f'SELECT max(step) FROM "{name}"').fetchone()
                assert last is None or last <= steps, f"{name}: rows after the last step"
            if name == "checkpoints":  # the same steps, and the same engine state at each
                got = dict(con.execute("SELECT step, state FROM checkpoints"))
                want = dict(ref.execute("SELECT step, state FROM checkpoints"))
                assert sorted(got) == sorted(want), "checkpoint steps differ"
                for step in want:
                    assert got[step] == want[step], f"checkpoint of step {step} differs"
                continue
            assert _rows(con, name, columns) == _rows(ref, name, columns), f"table {name}"
    finally:
        con.close()
        ref.close()
