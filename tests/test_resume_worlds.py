"""SIGKILL real runs of every world mid-way, resume them, and compare with uninterrupted runs."""

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest

import socium
from killing import kill_at_step

CHILD = textwrap.dedent(
    """
    import json, time
    import socium
    cfg = json.loads({cfg!r})
    def slow(step):
        open({marker!r}, "w").write(str(step))
        time.sleep(0.03)
    socium.run(cfg, out={out!r}, progress=slow)
    """
)

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


def _kill_mid_run(cfg: dict, out: Path, kill_at: int) -> None:
    marker = out.parent / f"{out.name}.step"
    code = CHILD.format(cfg=json.dumps(cfg), marker=str(marker), out=str(out))
    kill_at_step(code, marker, kill_at)


@pytest.mark.parametrize("name", sorted(CASES))
def test_kill_and_resume_matches_uninterrupted(name, tmp_path):
    seed = 1234
    cfg = {**CASES[name], "run": {"seed": seed, "steps": 24, "checkpoint_every": 5}}
    reference = socium.run(cfg, out=tmp_path / "reference")
    rng_kill = (seed * 7 + len(name)) % 17 + 3  # a kill step chosen by seed, 3..19
    killed = tmp_path / "killed"
    _kill_mid_run(cfg, killed, rng_kill)
    assert not (killed / "summary.json").exists()
    resumed = socium.resume(killed)
    a, b = dict(resumed.summary), dict(reference.summary)
    a["run"] = {k: v for k, v in a["run"].items() if k != "wall_s"}
    b["run"] = {k: v for k, v in b["run"].items() if k != "wall_s"}
    assert a == b
    ref = tmp_path / "reference"
    assert (killed / "agents.parquet").read_bytes() == (ref / "agents.parquet").read_bytes()
    assert (killed / "metrics.csv").read_text() == (ref / "metrics.csv").read_text()
    con = sqlite3.connect(killed / "run.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    query = "SELECT step, seq, kind, agent, other, value FROM events ORDER BY step, seq"
    assert (
        con.execute(query).fetchall()
        == sqlite3.connect(ref / "run.sqlite").execute(query).fetchall()
    )
    steps = [s for (s,) in con.execute("SELECT DISTINCT step FROM metrics ORDER BY step")]
    assert steps == list(range(resumed.summary["run"]["steps"] + 1))
