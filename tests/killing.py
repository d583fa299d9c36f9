"""Start a run in a child process and SIGKILL it once it has reached a given step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

__all__ = ["kill_at_step"]


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
