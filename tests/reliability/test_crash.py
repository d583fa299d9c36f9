"""Crash suite: SIGKILL a real run of every registered world, resume it, and compare.

For each world in :data:`socium.core.registry.WORLDS` (so new worlds are covered for free,
through their ``example_configs()``) the suite runs several trials. A trial draws, from a
seeded generator, an example config, a run seed, a checkpoint interval, a kill step and a kill
mode; it runs the config uninterrupted in this process (the reference), runs it again in a
child process that is SIGKILLed at the kill step, runs ``socium resume`` on the killed run in a
fresh process, and then requires:

- ``summary.json`` (minus ``run.wall_s``), ``agents.parquet`` and ``metrics.csv`` identical to
  the reference;
- ``PRAGMA integrity_check`` is ``ok``; ``metrics`` holds exactly steps ``0..steps``, each
  once; every table equals the reference's (no duplicated, missing or extra rows, nothing
  after the last step); the checkpoints are the same steps with the same engine state.

Kill modes, in turn from a per-world offset: ``parked`` (right after a random step was
committed), ``running`` (at an arbitrary moment after a random step, usually inside the next
step) and ``final`` (after the last step was committed, before the run's final files were
written). Trials per world: ``SOCIUM_CRASH_TRIALS`` (default 2; 3 or more covers every mode for
every world). The root seed is ``SOCIUM_CRASH_SEED`` (default 20240611).
"""

from __future__ import annotations

import copy
import os
import zlib

import numpy as np
import pytest
from crashing import FinishedEarly, committed_step, compare_run_dirs, kill_run, resume_cli
from reliability_counts import session_tally

import socium
from socium.core.registry import WORLDS


@pytest.fixture
def tally(request):
    """Counts reported at the end of the session (see ``reliability_counts.py``)."""
    return session_tally(request.config)


TRIALS = int(os.environ.get("SOCIUM_CRASH_TRIALS", "2"))
ROOT_SEED = int(os.environ.get("SOCIUM_CRASH_SEED", "20240611"))
MODES = ("parked", "running", "final")


def _worlds() -> list[str]:
    return [name for name in WORLDS.names() if not name.startswith("test_")]


def _trial(world: str, index: int) -> dict:
    """The seeded choices of one trial (config, seed, checkpoint interval, kill point)."""
    rng = np.random.default_rng([ROOT_SEED, zlib.crc32(world.encode()), index])
    configs = WORLDS.get(world).example_configs()
    assert configs, f"world {world!r} provides no example_configs()"
    choice = int(rng.integers(len(configs)))
    cfg = copy.deepcopy(configs[choice])
    run = dict(cfg.get("run", {}))
    run["seed"] = int(rng.integers(2**31 - 1))
    run["steps"] = max(int(run.get("steps", 10)), 6)
    run["checkpoint_every"] = int(rng.integers(2, 6))
    cfg["run"] = run
    cfg["record"] = {**cfg.get("record", {}), "plots": False}
    return {
        "config": cfg,
        "example": choice,
        # modes rotate from a per-world offset: with 2 trials per world all 3 modes still occur
        "mode": MODES[(index + zlib.crc32(world.encode())) % len(MODES)],
        "kill_fraction": float(rng.uniform(0.05, 0.95)),
    }


CASES = [pytest.param(w, i, id=f"{w}-{i}") for w in _worlds() for i in range(TRIALS)]


@pytest.mark.parametrize(("world", "index"), CASES)
def test_kill_and_resume_equals_uninterrupted(world, index, tmp_path, tally):
    trial = _trial(world, index)
    cfg = trial["config"]
    detail = {"world": world, "trial": index, "example": trial["example"], "mode": trial["mode"]}
    passed, skipped = False, False
    try:
        reference = tmp_path / "reference"
        socium.run(cfg, out=reference)
        steps = socium.load(reference).summary["run"]["steps"]
        if steps < 2:
            skipped = True
            pytest.skip(f"{world}: example {trial['example']} stops after {steps} step(s)")
        kill_at = min(max(1, round(trial["kill_fraction"] * steps)), steps - 1)
        if trial["mode"] == "final":
            kill_at = steps  # every step committed, the final files not yet written
        detail.update(kill_at=kill_at, steps=steps, seed=cfg["run"]["seed"])

        for attempt, delay in enumerate((0.003, 0.02, 0.1)):
            killed = tmp_path / f"killed{attempt}"
            try:
                mode = "running" if trial["mode"] == "running" else "parked"
                committed = kill_run(cfg, killed, kill_at, mode, delay=delay)
                break
            except FinishedEarly:  # too fast to catch; slow the child down and retry
                continue
        else:
            raise AssertionError("the run always finished before it could be killed")
        detail["committed"] = committed
        detail["killed_in"] = (
            "final files" if (killed / "agents.parquet").exists() else f"step {committed + 1}"
        )
        assert not (killed / "summary.json").exists()
        if trial["mode"] != "running":
            assert committed == kill_at, "a committed step was lost"
        else:
            assert committed >= kill_at

        res = resume_cli(killed)
        assert res.returncode == 0, res.stderr[-3000:]
        assert "Traceback" not in res.stderr
        compare_run_dirs(killed, reference)
        assert committed_step(killed / "run.sqlite") == steps
        passed = True
    finally:
        if not skipped:
            tally.add("crash_trials", passed, detail=detail)
