"""Start a run in a child process and SIGKILL it once it has reached a given step.

:func:`kill_run_and_resume` is the whole crash test of one config: an uninterrupted reference
run, the same run SIGKILLed mid-way in a child process, ``socium.resume`` of it, and the checks
that the two runs are the same (summary without ``run.wall_s``, ``metrics.csv``,
``agents.parquet``, and the rows of any tables asked for).
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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import socium

__all__ = ["kill_at_step", "kill_run_and_resume", "rows"]

#: Child program: run ``cfg`` into ``out``, writing each finished step into ``marker`` and
#: sleeping ``delay`` seconds per step, so that the parent can kill it mid-run.
RUN_CHILD = textwrap.dedent(
    """
    import json, time
    import socium
    cfg = json.loads({cfg!r})
    def slow(step):
        open({marker!r}, "w").write(str(step))
        time.sleep({delay!r})
    socium.run(cfg, out={out!r}, progress=slow)
    """
)


def rows(run_dir: Path, query: str) -> list[tuple]:
    """All rows of ``query`` on the run database of ``run_dir``."""
    with sqlite3.connect(Path(run_dir) / "run.sqlite") as con:
        return con.execute(query).fetchall()


def kill_run_and_resume(
    cfg: Mapping[str, Any],
    tmp_path: Path,
    kill_at: int,
    *,
    delay: float = 0.03,
    queries: Sequence[str] = (),
    agents: bool = True,
) -> tuple[socium.Run, Path, Path]:
    """Run ``cfg`` uninterrupted and killed at step ``kill_at`` then resumed; assert they agree.

    Returns the resumed run, the killed (then resumed) directory and the reference directory,
    for further checks. ``queries`` are SQL queries whose rows must be equal in both run
    databases (give them an ORDER BY).
    """
    ref, killed = tmp_path / "reference", tmp_path / "killed"
    reference = socium.run(dict(cfg), out=ref)
    marker = tmp_path / "killed.step"
    code = RUN_CHILD.format(cfg=json.dumps(cfg), marker=str(marker), out=str(killed), delay=delay)
    kill_at_step(code, marker, kill_at)
    assert not (killed / "summary.json").exists()
    resumed = socium.resume(killed)
    a, b = dict(resumed.summary), dict(reference.summary)
    a["run"] = {k: v for k, v in a["run"].items() if k != "wall_s"}
    b["run"] = {k: v for k, v in b["run"].items() if k != "wall_s"}
    assert a == b
    assert (killed / "metrics.csv").read_text() == (ref / "metrics.csv").read_text()
    if agents:
        assert (killed / "agents.parquet").read_bytes() == (ref / "agents.parquet").read_bytes()
    for query in queries:
        assert rows(killed, query) == rows(ref, query), query
    return resumed, killed, ref


def kill_at_step(code: str, marker: Path, kill_at: int, timeout: float = 120.0) -> None:
    """Run ``code`` with the current Python, wait until ``marker`` holds a step >= ``kill_at``,
    then SIGKILL the child. The child's progress callback writes its step into ``marker``."""
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            reached = int(marker.read_text())
        except (FileNotFoundError, ValueError):  # not written yet, or caught mid-write
            reached = -1
        if reached >= kill_at:
            break
        if proc.poll() is not None:
            pytest.fail("the run finished before it could be killed")
        time.sleep(0.005)
    else:
        proc.kill()
        pytest.fail(f"the run did not reach step {kill_at} within {timeout} s")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
