"""SIGKILL real runs of every world mid-way, resume them, and compare with uninterrupted runs."""

import pytest

from killing import kill_run_and_resume, rows

CASES = {
    "deffuant": {
        "network": {"kind": "barabasi_albert", "n": 300, "m": 2},
        "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.3},
    },
    "voter_edge": {
        "network": {"kind": "watts_strogatz", "n": 200, "k": 4, "p": 0.1},
        "world": {"name": "opinion", "model": "voter", "variant": "edge"},
    },
    "qvoter": {
        "network": {"kind": "erdos_renyi", "n": 200, "p": 0.05},
        "world": {"name": "opinion", "model": "qvoter", "q": 3, "independence": 0.1},
    },
    "sir": {
        "network": {"kind": "barabasi_albert", "n": 500, "m": 2},
        "world": {"name": "diffusion", "model": "sir", "beta": 0.1, "gamma": 0.05},
    },
    "independent_cascade": {
        "network": {"kind": "erdos_renyi", "n": 2000, "p": 0.0015},
        "world": {
            "name": "diffusion",
            "model": "independent_cascade",
            "p": 0.4,
            "seeds": {"method": "random", "k": 3},
        },
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_kill_and_resume_matches_uninterrupted(name, tmp_path):
    seed = 1234
    cfg = {**CASES[name], "run": {"seed": seed, "steps": 24, "checkpoint_every": 5}}
    kill_at = (seed * 7 + len(name)) % 17 + 3  # a kill step chosen by seed, 3..19
    query = "SELECT step, seq, kind, agent, other, value FROM events ORDER BY step, seq"
    resumed, killed, _ = kill_run_and_resume(cfg, tmp_path, kill_at, queries=[query])
    assert rows(killed, "PRAGMA integrity_check") == [("ok",)]
    steps = [s for (s,) in rows(killed, "SELECT DISTINCT step FROM metrics ORDER BY step")]
    assert steps == list(range(resumed.summary["run"]["steps"] + 1))
