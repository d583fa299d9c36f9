"""SIGKILL real runs of the debate, influence, congruence and lock-in worlds mid-way, resume
them, and compare with uninterrupted runs (summary, agents, metrics, world tables)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from killing import kill_run_and_resume, rows

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
    _, killed, ref = kill_run_and_resume(cfg, tmp_path, 5, delay=0.02)
    if table is not None:
        query = f"SELECT * FROM {table} ORDER BY rowid"
        got, want = rows(killed, query), rows(ref, query)
        assert sorted(got, key=repr) == sorted(want, key=repr) and len(got) > 0
