"""The command line as a user meets it: exit codes, one-line errors, run directories."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
[run]
seed = 4
steps = 5
[network]
kind = "erdos_renyi"
n = 60
p = 0.1
[world]
name = "opinion"
model = "deffuant"
epsilon = 0.3
"""


def socium(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "socium.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def good_config(tmp_path):
    p = tmp_path / "good.toml"
    p.write_text(GOOD)
    return p


def test_run_writes_directory_and_summary(good_config, tmp_path):
    out = tmp_path / "run"
    res = socium("run", str(good_config), "--out", str(out), "--set", "world.mu=0.25")
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["seed"] == 4 and summary["run"]["steps"] == 5
    assert "mean" in res.stdout
    assert "mu = 0.25" in (out / "config.toml").read_text()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ("world.epsilon=-1", "world.epsilon"),
        ("world.model=bogus", "world.model"),
        ("network.p=2", "network.p"),
        ("run.steps=many", "run.steps"),
        ("world.nope=1", "world.nope"),
    ],
)
def test_bad_config_is_one_line_exit_2_nothing_written(good_config, tmp_path, override, field):
    out = tmp_path / "run"
    res = socium("run", str(good_config), "--out", str(out), "--set", override)
    assert res.returncode == 2
    lines = [line for line in res.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert field in lines[0] and "Traceback" not in res.stderr
    assert not out.exists()


def test_debug_shows_traceback(good_config, tmp_path):
    res = socium(
        "--debug",
        "run",
        str(good_config),
        "--out",
        str(tmp_path / "r"),
        "--set",
        "world.epsilon=-1",
    )
    assert res.returncode != 0 and "Traceback" in res.stderr


def test_malformed_toml(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[world\nname='opinion'")
    res = socium("run", str(p), "--out", str(tmp_path / "r"))
    assert res.returncode == 2 and "invalid TOML" in res.stderr


def test_scenarios_lists_and_describes():
    res = socium("scenarios")
    assert res.returncode == 0 and "opinion" in res.stdout and "diffusion" in res.stdout
    res = socium("scenarios", "opinion", "--json")
    assert res.returncode == 0
    described = json.loads(res.stdout)[0]
    assert "deffuant" in described["models"] and "epsilon" in described["config"]
    res = socium("scenarios", "nope")
    assert res.returncode == 2 and "allowed" in res.stderr


def test_resume_and_report(good_config, tmp_path):
    out = tmp_path / "run"
    assert socium("run", str(good_config), "--out", str(out)).returncode == 0
    res = socium("resume", str(out))
    assert res.returncode == 0 and "already complete" in res.stdout
    res = socium("report", str(out))
    assert res.returncode == 0
    page = (out / "report.html").read_text()
    assert "data:image/png;base64" in page and "http://" not in page.split("<body>")[1]


def test_report_of_unfinished_dir_fails(tmp_path):
    res = socium("report", str(tmp_path))
    assert res.returncode == 2 and "summary.json" in res.stderr
