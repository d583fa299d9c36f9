"""SIGKILL real runs of the debate, influence, congruence and lock-in worlds mid-way, resume
them, and compare with uninterrupted runs (summary, agents, metrics, world tables)."""

import json
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest

import socium

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from killing import kill_at_step

CHILD = textwrap.dedent(
    """
    import json, time
    import socium
    cfg = json.loads({cfg!r})
    def slow(step):
        open({marker!r}, "w").write(str(step))
        time.sleep(0.02)
    socium.run(cfg, out={out!r}, progress=slow)
    """
)

CASES = {
    "debate": ({"population": {"size": 24}, "world": {"name": "debate", "rounds": 12}}, "messages"),
    "influence": (
        {
            "network": {"kind": "watts_strogatz", "n": 200, "k": 6, "p": 0.1},
            "world": {"name": "influence", "judge_agent": 2},
        },
        "campaign_messages",
    ),
    "congruence": (
        {
            "population": {"size": 150},
            "world": {"name": "congruence", "conditions": ["none", "contact"]},
        },
        "choices",
    ),
    "lockin": ({"population": {"size": 21}, "world": {"name": "lockin", "lambda2": 0.12}}, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_kill_and_resume_matches_uninterrupted(name, tmp_path):
    world, table = CASES[name]
    cfg = {**world, "run": {"seed": 77, "steps": 10, "checkpoint_every": 3}}
    reference = socium.run(cfg, out=tmp_path / "reference")
    killed = tmp_path / "killed"
    marker = tmp_path / "killed.step"
    code = CHILD.format(cfg=json.dumps(cfg), marker=str(marker), out=str(killed))
    kill_at_step(code, marker, 5)
    assert not (killed / "summary.json").exists()
    resumed = socium.resume(killed)
    a, b = dict(resumed.summary), dict(reference.summary)
    a["run"] = {k: v for k, v in a["run"].items() if k != "wall_s"}
    b["run"] = {k: v for k, v in b["run"].items() if k != "wall_s"}
    assert a == b
    ref = tmp_path / "reference"
    assert (killed / "agents.parquet").read_bytes() == (ref / "agents.parquet").read_bytes()
    assert (killed / "metrics.csv").read_text() == (ref / "metrics.csv").read_text()
    if table is not None:
        query = f"SELECT * FROM {table} ORDER BY rowid"
        got = sqlite3.connect(killed / "run.sqlite").execute(query).fetchall()
        want = sqlite3.connect(ref / "run.sqlite").execute(query).fetchall()
        assert sorted(got, key=repr) == sorted(want, key=repr) and len(got) > 0
