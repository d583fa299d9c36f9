"""``socium sweep`` as a user meets it: the sweep directory, resume, and one-line errors."""

import json
import subprocess
import sys

import pandas as pd
import pytest

GOOD = """
[run]
steps = 5
[network]
kind = "erdos_renyi"
n = 50
p = 0.1
[world]
name = "opinion"
model = "deffuant"
[record]
plots = false
"""


def socium(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "socium.cli", "--quiet", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def good_config(tmp_path):
    p = tmp_path / "good.toml"
    p.write_text(GOOD)
    return p


def test_sweep_writes_directory_and_reruns_skip(good_config, tmp_path):
    out = tmp_path / "sw"
    args = [
        "sweep",
        str(good_config),
        "--grid",
        "world.epsilon=0.1,0.3",
        "--grid",
        "world.mu=0.3,0.5",
        "--replicates",
        "2",
        "--seed",
        "3",
        "--set",
        "run.steps=4",
        "--out",
        str(out),
    ]
    res = socium(*args)
    assert res.returncode == 0, res.stderr
    index = pd.read_parquet(out / "index.parquet")
    assert len(index) == 8 and (index["status"] == "done").all()
    assert (index["steps"] == 4).all()
    assert sorted(p.name for p in (out / "runs").iterdir())[:2] == ["p000-r00", "p000-r01"]
    spec = json.loads((out / "sweep.json").read_text())
    assert spec["root_seed"] == 3 and spec["grid"]["world.mu"] == [0.3, 0.5]
    assert "8 executed, 0 skipped" in res.stdout
    again = socium(*args)
    assert again.returncode == 0 and "0 executed, 8 skipped" in again.stdout
    resumed = socium("sweep", "--resume", str(out), "--executor", "process", "--workers", "2")
    assert resumed.returncode == 0 and "8 skipped" in resumed.stdout


def test_sweep_keep_memory_only_writes_the_index(good_config, tmp_path):
    out = tmp_path / "sw"
    res = socium(
        "sweep", str(good_config), "-g", "world.epsilon=0.2", "-r", "3", "--keep", "memory",
        "--out", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert not (out / "runs").exists() and len(pd.read_parquet(out / "index.parquet")) == 3


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--grid", "world.epsilon"], "--grid"),
        (["--grid", "world.epsilon=0.1,,0.2"], "--grid world.epsilon"),
        (["--grid", "world.nope=1,2"], "world.nope"),
        (["--grid", "world.epsilon=0.2,-1"], "world.epsilon"),
        (["--grid", "world.epsilon=0.1", "--grid", "world.epsilon=0.2"], "--grid world.epsilon"),
        (["--replicates", "0"], "replicates"),
        (["--executor", "threads"], "executor"),
        (["--address", "auto"], "address"),
        (["--keep", "disk"], "keep"),
    ],
)
def test_bad_sweep_input_is_one_line_exit_2_nothing_written(good_config, tmp_path, extra, field):
    out = tmp_path / "sw"
    res = socium("sweep", str(good_config), "--out", str(out), *extra)
    assert res.returncode == 2, res.stderr
    lines = [line for line in res.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert field in lines[0] and "Traceback" not in res.stderr
    assert not out.exists()


def test_resume_of_a_non_sweep_directory(tmp_path):
    res = socium("sweep", "--resume", str(tmp_path))
    assert res.returncode == 2 and "sweep.json" in res.stderr
    res = socium("sweep", "--resume", str(tmp_path), "--seed", "1")
    assert res.returncode == 2 and "--seed" in res.stderr
