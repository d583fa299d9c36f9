"""Kill a run with SIGKILL mid-way, resume it, and compare with an uninterrupted run."""

import json
import sqlite3
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import socium
from killing import kill_at_step

TESTS = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, {tests!r})
    from conftest import RandomWalkWorld
    from socium.core.registry import WORLDS
    import socium
    WORLDS.register("test_walk", RandomWalkWorld)
    cfg = json.loads({cfg!r})
    def slow(step):
        open({marker!r}, "w").write(str(step))
        time.sleep(0.05)
    socium.run(cfg, out={out!r}, progress=slow)
    """
)


def _run_and_kill(cfg, out: Path, kill_at: int) -> None:
    marker = out.parent / f"{out.name}.step"
    code = CHILD.format(tests=str(TESTS), cfg=json.dumps(cfg), marker=str(marker), out=str(out))
    kill_at_step(code, marker, kill_at)
    assert not (out / "summary.json").exists()


def _without_wall(summary: dict) -> dict:
    summary = json.loads(json.dumps(summary))
    summary["run"].pop("wall_s")
    return summary


@pytest.mark.parametrize("kill_at", [2, 9, 17])
def test_sigkill_then_resume_is_identical(walk_world, walk_config, tmp_path, kill_at):
    cfg = dict(walk_config, run={"seed": 11, "steps": 25, "checkpoint_every": 4})
    reference = socium.run(cfg, out=tmp_path / "ref")
    killed = tmp_path / "killed"
    _run_and_kill(cfg, killed, kill_at)
    resumed = socium.resume(killed)
    assert _without_wall(resumed.summary) == _without_wall(reference.summary)
    a = pd.read_parquet(killed / "agents.parquet")
    b = pd.read_parquet(tmp_path / "ref" / "agents.parquet")
    assert a.equals(b)
    assert (killed / "agents.parquet").read_bytes() == (
        tmp_path / "ref" / "agents.parquet"
    ).read_bytes()
    assert (killed / "metrics.csv").read_text() == (tmp_path / "ref" / "metrics.csv").read_text()
    con = sqlite3.connect(killed / "run.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    steps = [s for (s,) in con.execute("SELECT DISTINCT step FROM metrics ORDER BY step")]
    assert steps == list(range(26))
    ev_k = con.execute(
        "SELECT step, seq, kind, agent, other, value FROM events ORDER BY step, seq"
    ).fetchall()
    ref = sqlite3.connect(tmp_path / "ref" / "run.sqlite")
    ev_r = ref.execute(
        "SELECT step, seq, kind, agent, other, value FROM events ORDER BY step, seq"
    ).fetchall()
    assert ev_k == ev_r


def test_resume_of_finished_run_returns_it(walk_world, walk_config, tmp_path):
    first = socium.run(walk_config, out=tmp_path / "r")
    again = socium.resume(tmp_path / "r")
    assert again.summary == first.summary
    assert np.array_equal(again.agents["x"], first.agents["x"])


def test_resume_of_non_run_dir_fails(tmp_path):
    with pytest.raises(socium.errors.ResumeError, match="not a run directory"):
        socium.resume(tmp_path)


def test_resume_of_dir_killed_before_its_database(walk_world, walk_config, tmp_path):
    reference = socium.run(walk_config, out=tmp_path / "ref")
    d = tmp_path / "early"
    d.mkdir()
    (d / "config.toml").write_bytes((tmp_path / "ref" / "config.toml").read_bytes())
    resumed = socium.resume(d)
    assert _without_wall(resumed.summary) == _without_wall(reference.summary)


def test_written_config_resolves_relative_paths(tmp_path):
    data = tmp_path / "cfg"
    data.mkdir()
    (data / "x0.csv").write_text("value\n" + "\n".join(["0.5"] * 10) + "\n")
    (data / "run.toml").write_text(
        """
[network]
kind = "cycle"
n = 10
[population.init]
opinion = { from = "file", path = "x0.csv" }
[world]
name = "opinion"
model = "degroot"
"""
    )
    socium.run(data / "run.toml", out=tmp_path / "run", steps=2, seed=1)
    text = (tmp_path / "run" / "config.toml").read_text()
    assert str(data / "x0.csv") in text
