"""Sweeps: grid expansion, seed derivation, the index, resume, failures and bad input."""

import json
import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import socium
from killing import kill_at_step
from socium.core.registry import WORLDS
from socium.errors import ConfigError
from socium.experiment.sweep import (
    SweepSpec,
    _SweepDir,
    derive_seed,
    expand_grid,
    load_sweep,
    parse_grid,
    resume_sweep,
    sweep,
    sweep_params,
    sweep_summary,
)

BASE = {
    "run": {"steps": 5},
    "network": {"kind": "erdos_renyi", "n": 50, "p": 0.1},
    "world": {"name": "opinion", "model": "deffuant"},
    "record": {"plots": False},
}
GRID = {"world.epsilon": [0.1, 0.3], "world.mu": [0.3, 0.5]}


def _no_timing(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["wall_s"])


def _values(df: pd.DataFrame) -> list[list]:
    """Cell values with every kind of missing value as None (dtypes aside)."""
    return [
        [
            None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v
            for v in row
        ]
        for row in df.astype(object).itertuples(index=False)
    ]


# ----------------------------------------------------------------------------- grid and seeds
@pytest.mark.parametrize(
    ("text", "key", "values"),
    [
        ("world.epsilon=0.1,0.2,0.3", "world.epsilon", [0.1, 0.2, 0.3]),
        ("network.n=10, 20", "network.n", [10, 20]),
        ("world.model=degroot,deffuant", "world.model", ["degroot", "deffuant"]),
        ('world.model="a,b",c', "world.model", ["a,b", "c"]),
        ("run.stop_on_convergence=true,false", "run.stop_on_convergence", [True, False]),
        ("world.w=[1,2],[3]", "world.w", [[1, 2], [3]]),
        (
            "population.init.opinion={dist='uniform',low=0,high=1},{dist='normal'}",
            "population.init.opinion",
            [{"dist": "uniform", "low": 0, "high": 1}, {"dist": "normal"}],
        ),
        ("world.epsilon=0.2", "world.epsilon", [0.2]),
    ],
)
def test_parse_grid(text, key, values):
    assert parse_grid(text) == (key, values)


@pytest.mark.parametrize("text", ["world.epsilon", "=1,2", "world.epsilon=", "world.epsilon=1,,2"])
def test_parse_grid_rejects(text):
    with pytest.raises(ConfigError, match="--grid"):
        parse_grid(text)


def test_expand_grid_is_the_product_in_order():
    points = expand_grid({"a.x": [1, 2], "a.y": ["u", "v", "w"]})
    assert len(points) == 6
    assert points[0] == {"a.x": 1, "a.y": "u"} and points[1] == {"a.x": 1, "a.y": "v"}
    assert points[-1] == {"a.x": 2, "a.y": "w"}
    assert expand_grid({}) == [{}]


def test_seeds_depend_only_on_root_point_and_replicate():
    a = SweepSpec(BASE, {"world.epsilon": [0.1, 0.3], "world.mu": [0.3, 0.5]}, 3, 11)
    # the same points, other order of keys and values, one more value
    b = SweepSpec(BASE, {"world.mu": [0.5, 0.3, 0.9], "world.epsilon": [0.3, 0.1]}, 3, 11)
    seeds_a = {(json.dumps(r.params, sort_keys=True), r.replicate): r.seed for r in a.plan()}
    seeds_b = {(json.dumps(r.params, sort_keys=True), r.replicate): r.seed for r in b.plan()}
    assert all(seeds_b[k] == v for k, v in seeds_a.items())
    assert len(set(seeds_b.values())) == len(seeds_b)  # every run has its own seed
    assert all(0 <= s < 2**63 for s in seeds_b.values())
    c = SweepSpec(BASE, a.grid, 3, 12)
    assert not set(seeds_a.values()) & {r.seed for r in c.plan()}
    # documented derivation
    point = {"world.epsilon": 0.1, "world.mu": 0.3}
    assert seeds_a[(json.dumps(point, sort_keys=True), 2)] == derive_seed(11, point, 2)


def test_common_seeds_repeat_across_points():
    spec = SweepSpec(BASE, GRID, 2, 5, common_seeds=True)
    by_rep = {}
    for run in spec.plan():
        by_rep.setdefault(run.replicate, set()).add(run.seed)
    assert all(len(s) == 1 for s in by_rep.values()) and by_rep[0] != by_rep[1]


def test_plan_ids_and_order():
    plan = SweepSpec(BASE, GRID, 3, 1).plan()
    assert [r.run_id for r in plan[:4]] == ["p000-r00", "p000-r01", "p000-r02", "p001-r00"]
    assert plan[3].params == {"world.epsilon": 0.1, "world.mu": 0.5}
    assert len(plan) == 12


# ------------------------------------------------------------------------------- the sweep
def test_sweep_rows_are_the_documented_runs():
    s = sweep(BASE, GRID, replicates=2, seed=9)
    assert s.dir is None and s.stats["executed"] == 8 and s.stats["done"] == 8
    assert list(s.index.columns[:6]) == [
        "run_id",
        "point",
        "replicate",
        "seed",
        "world.epsilon",
        "world.mu",
    ]
    for row in s.index.itertuples(index=False):
        params = {"world.epsilon": row._4, "world.mu": row._5}
        assert row.seed == derive_seed(9, params, row.replicate)
        direct = socium.run(
            BASE,
            seed=row.seed,
            world__epsilon=params["world.epsilon"],
            world__mu=params["world.mu"],
        )
        assert direct.final["mean"] == row.mean
        assert direct.final["clusters"] == row.clusters


def test_sweep_is_reproducible_and_seed_matters():
    a = sweep(BASE, GRID, replicates=2, seed=3)
    b = sweep(BASE, GRID, replicates=2, seed=3)
    c = sweep(BASE, GRID, replicates=2, seed=4)
    pd.testing.assert_frame_equal(_no_timing(a.index), _no_timing(b.index))
    assert not np.allclose(a.index["mean"], c.index["mean"])


def test_root_seed_defaults_to_run_seed_and_overrides_apply():
    cfg = {**BASE, "run": {"steps": 5, "seed": 21}}
    s = sweep(cfg, {"world.epsilon": [0.2]}, replicates=2, world__mu=0.25)
    assert s.spec.root_seed == 21 and s.spec.base["world"]["mu"] == 0.25
    t = sweep(cfg, {"world.epsilon": [0.2]}, replicates=2, world__mu=0.5)
    assert s.index["seed"].tolist() == t.index["seed"].tolist()
    assert s.index["std"].tolist() != t.index["std"].tolist()


def test_replicates_only_without_grid():
    s = sweep(BASE, None, replicates=3, seed=1)
    assert len(s.index) == 3 and s.params == []
    summary = s.summary("mean")
    assert list(summary.columns) == ["n", "mean", "std", "sem", "ci_low", "ci_high"]
    assert summary["n"].iloc[0] == 3


def test_index_file_pandas_and_duckdb(tmp_path):
    out = tmp_path / "sw"
    s = sweep(BASE, GRID, replicates=2, seed=2, out=out, keep="memory")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "index.parquet",
        "results.jsonl",
        "sweep.json",
    ]
    df = pd.read_parquet(out / "index.parquet")
    assert len(df) == 8 and (df["status"] == "done").all()
    assert sweep_params(df) == ["world.epsilon", "world.mu"]
    assert df["error"].isna().all()
    for col in ("mean", "std", "clusters", "consensus", "wall_s", "steps", "seed"):
        assert col in df.columns
    centers = json.loads(df["cluster_centers"].iloc[0])  # lists are JSON-encoded
    assert isinstance(centers, list) and len(centers) == df["clusters"].iloc[0]
    assert list(df.columns) == list(s.index.columns)
    assert _values(_no_timing(df)) == _values(_no_timing(s.index))
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rows = con.execute(
        f"""SELECT "world.epsilon", count(*), avg(mean) FROM '{out / "index.parquet"}'
            WHERE status = 'done' GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [(0.1, 4), (0.3, 4)]
    described = con.execute(f"DESCRIBE SELECT * FROM '{out / 'index.parquet'}'").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["error"] == "VARCHAR" and types["world.epsilon"] == "DOUBLE"
    spec = json.loads((out / "sweep.json").read_text())
    assert spec["grid"] == GRID and spec["replicates"] == 2 and spec["root_seed"] == 2
    assert spec["runs"] == 8 and spec["base"]["world"]["model"] == "deffuant"


def test_keep_dirs_writes_normal_run_directories(tmp_path):
    out = tmp_path / "sw"
    s = sweep(BASE, {"world.epsilon": [0.2, 0.4]}, replicates=1, seed=2, out=out)
    assert s.spec.keep == "dirs"
    for row in s.index.itertuples():
        run_dir = out / "runs" / row.run_id
        for name in ("config.toml", "run.sqlite", "metrics.csv", "summary.json", "agents.parquet"):
            assert (run_dir / name).exists()
        summary = json.loads((run_dir / "summary.json").read_text())
        assert summary["run"]["seed"] == row.seed and summary["final"]["mean"] == row.mean
    assert s.run(s.index["run_id"].iloc[1]).summary["final"]["mean"] == s.index["mean"].iloc[1]


# ---------------------------------------------------------------------------------- resume
def test_rerun_skips_complete_runs_and_resumes_interrupted(tmp_path):
    out = tmp_path / "sw"
    cfg = {**BASE, "run": {"steps": 8, "checkpoint_every": 3}}
    first = sweep(cfg, GRID, replicates=2, seed=6, out=out)
    # forget the last three runs: two never journaled nor started, one interrupted mid-run
    lines = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text("\n".join(lines[:5]) + "\n")
    ids = first.index["run_id"].tolist()
    for run_id in ids[6:]:
        import shutil

        shutil.rmtree(out / "runs" / run_id)
    (out / "runs" / ids[5] / "summary.json").unlink()  # interrupted after its last checkpoint
    second = sweep(cfg, GRID, replicates=2, seed=6, out=out)
    assert second.stats["skipped"] == 5 and second.stats["executed"] == 3
    assert second.stats["resumed"] == 1
    pd.testing.assert_frame_equal(_no_timing(first.index), _no_timing(second.index))
    third = resume_sweep(out)
    assert third.stats["executed"] == 0 and third.stats["skipped"] == 8


def test_finished_run_missing_from_journal_is_not_rerun(tmp_path):
    out = tmp_path / "sw"
    first = sweep(BASE, GRID, replicates=1, seed=6, out=out)
    (out / "results.jsonl").write_text("")  # killed after the runs, before their lines
    again = sweep(BASE, GRID, replicates=1, seed=6, out=out)
    assert again.stats["executed"] == 0 and again.stats["skipped"] == 4
    pd.testing.assert_frame_equal(_no_timing(first.index), _no_timing(again.index))


def test_torn_journal_line_is_dropped(tmp_path):
    out = tmp_path / "sw"
    sweep(BASE, GRID, replicates=1, seed=6, out=out, keep="memory")
    journal = out / "results.jsonl"
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join(lines[:3]) + "\n" + lines[3][:25])  # killed mid-write
    again = sweep(BASE, GRID, replicates=1, seed=6, out=out, keep="memory")
    assert again.stats["executed"] == 1 and again.stats["done"] == 4
    assert len(journal.read_text().splitlines()) == 4
    assert all(json.loads(line) for line in journal.read_text().splitlines())


CHILD = textwrap.dedent(
    """
    import json, time
    import socium.experiment.runner as runner
    from socium.experiment.sweep import sweep

    cfg = json.loads({cfg!r})
    grid = json.loads({grid!r})
    original = runner._loop
    done = [0]

    def slow_loop(sim, cfg, sink, progress):
        def tick(step):
            with open({marker!r}, "w") as fh:
                fh.write(str(done[0] * 100 + step))
            time.sleep(0.02)
        original(sim, cfg, sink, tick)
        done[0] += 1

    runner._loop = slow_loop
    sweep(cfg, grid, replicates=4, seed=8, out={out!r})
    """
)


def test_sigkill_mid_sweep_then_resume_matches_uninterrupted(tmp_path):
    cfg = {**BASE, "run": {"steps": 10, "checkpoint_every": 3}}
    grid = {"world.epsilon": [0.15, 0.35]}
    reference = sweep(cfg, grid, replicates=4, seed=8, out=tmp_path / "reference")
    out, marker = tmp_path / "killed", tmp_path / "step"
    code = CHILD.format(
        cfg=json.dumps(cfg), grid=json.dumps(grid), marker=str(marker), out=str(out)
    )
    kill_at_step(code, marker, 3 * 100 + 5)  # killed inside the fourth run, after step 5
    before = load_sweep(out)
    assert before.stats["done"] == 3 and before.stats["pending"] == 5
    interrupted = out / "runs" / reference.index["run_id"].iloc[3]
    assert (interrupted / "run.sqlite").exists() and not (interrupted / "summary.json").exists()
    resumed = resume_sweep(out)
    assert resumed.stats["skipped"] == 3 and resumed.stats["executed"] == 5
    assert resumed.stats["resumed"] == 1
    pd.testing.assert_frame_equal(_no_timing(reference.index), _no_timing(resumed.index))
    ref_dir = tmp_path / "reference" / "runs" / interrupted.name
    assert (interrupted / "agents.parquet").read_bytes() == (
        ref_dir / "agents.parquet"
    ).read_bytes()
    assert pd.read_parquet(out / "index.parquet")["status"].eq("done").all()


def test_other_sweep_in_same_directory_is_refused(tmp_path):
    out = tmp_path / "sw"
    sweep(BASE, GRID, replicates=1, seed=1, out=out, keep="memory")
    with pytest.raises(ConfigError, match="replicates differs"):
        sweep(BASE, GRID, replicates=2, seed=1, out=out, keep="memory")
    with pytest.raises(ConfigError, match=r"config key world\.model"):
        sweep(BASE, GRID, replicates=1, seed=1, out=out, keep="memory", world__model="degroot")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    with pytest.raises(ConfigError, match="not a sweep directory"):
        sweep(BASE, GRID, out=tmp_path / "other")


def test_rerun_without_seed_adopts_the_stored_root_seed(tmp_path):
    out = tmp_path / "sw"
    first = sweep(BASE, GRID, replicates=1, out=out, keep="memory")
    again = sweep(BASE, GRID, replicates=1, out=out, keep="memory")
    assert again.spec.root_seed == first.spec.root_seed and again.stats["executed"] == 0


def test_a_running_sweep_locks_its_directory(tmp_path):
    out = tmp_path / "sw"
    sweep(BASE, GRID, replicates=1, seed=1, out=out, keep="memory")
    holder = _SweepDir(out)
    holder.lock()
    try:
        with pytest.raises(ConfigError, match="another sweep is running"):
            resume_sweep(out)
    finally:
        holder.unlock()


# --------------------------------------------------------------------------------- failures
@pytest.fixture
def fragile_world(walk_world):
    """The test random walk, which raises at step 2 when sigma > 1."""

    class Fragile(walk_world):
        name = "test_fragile"

        def end_step(self, step):
            if self.config.sigma > 1 and step == 2:
                raise RuntimeError("the walk fell off a cliff\nsecond line")
            super().end_step(step)

    WORLDS.register("test_fragile", Fragile)
    yield Fragile
    WORLDS.unregister("test_fragile")


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(fragile_world, tmp_path):
    cfg = {"run": {"steps": 4}, "population": {"size": 20}, "world": {"name": "test_fragile"}}
    out = tmp_path / "sw"
    s = sweep(cfg, {"world.sigma": [0.5, 2.0, 0.7]}, replicates=2, seed=1, out=out)
    status = s.index.set_index("run_id")["status"]
    assert status.tolist() == ["done", "done", "failed", "failed", "done", "done"]
    failed = s.failed
    assert s.stats["failed"] == 2 and s.stats["done"] == 4
    assert (failed["error"] == "RuntimeError: the walk fell off a cliff").all()
    assert (
        failed["mean"].isna().all() and s.index.loc[status.values == "done", "mean"].notna().all()
    )
    journal = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert "Traceback" in next(r for r in journal if r["status"] == "failed")["traceback"]
    assert sweep_summary(s.index, "mean")["n"].tolist() == [2, 0, 2]
    kept = resume_sweep(out, retry_failed=False)
    assert kept.stats["executed"] == 0 and kept.stats["failed"] == 2
    retried = resume_sweep(out)
    assert retried.stats["executed"] == 2 and retried.stats["failed"] == 2


# ------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"grid": {"world.epsilon": []}}, "grid.world.epsilon"),
        ({"grid": {"world.epsilon": 0.2}}, "grid.world.epsilon"),
        ({"grid": {"world.epsilon": "0.1,0.2"}}, "grid.world.epsilon"),
        ({"grid": {"world.epsilon": [0.1, 0.1]}}, "grid.world.epsilon"),
        ({"grid": {"epsilon": [0.1]}}, "grid.epsilon"),
        ({"grid": {"run.seed": [1, 2]}}, "grid.run.seed"),
        ({"grid": {"world.mu": [0.3]}, "world__mu": 0.2}, "grid.world.mu"),
        ({"grid": {"world.nope": [1, 2]}}, "world.nope"),
        ({"grid": {"world.epsilon": [0.2, -1]}}, "world.epsilon"),
        ({"grid": {"network.n": [50, 0]}}, "network.n"),
        ({"grid": {"world.model": ["deffuant", "bogus"]}}, "world.model"),
        ({"replicates": 0}, "replicates"),
        ({"executor": "threads"}, "executor"),
        ({"address": "auto"}, "address"),
        ({"keep": "disk"}, "keep"),
        ({"seed": -1}, "seed"),
        ({"workers": 0, "executor": "process"}, "workers"),
    ],
)
def test_bad_input_is_a_config_error_before_anything_runs(kwargs, field, tmp_path):
    out = tmp_path / "sw"
    kwargs = {"grid": GRID, **kwargs}
    with pytest.raises(ConfigError) as info:
        sweep(BASE, out=out, **kwargs)
    assert info.value.field == field, str(info.value)
    assert "\n" not in str(info.value)
    assert not out.exists()


def test_error_names_the_grid_point(tmp_path):
    with pytest.raises(ConfigError, match=r"grid point world\.epsilon=-1") as info:
        sweep(BASE, {"world.epsilon": [0.2, -1]}, out=tmp_path / "sw")
    assert info.value.field == "world.epsilon"


def test_build_errors_are_caught_before_launch(tmp_path):
    cfg = {**BASE, "population": {"size": 50}}
    with pytest.raises(ConfigError, match=r"grid point network\.n=60") as info:
        sweep(cfg, {"network.n": [50, 60]}, out=tmp_path / "sw")
    assert info.value.field == "population.size"
    assert not (tmp_path / "sw").exists()


def test_keep_dirs_needs_a_directory():
    with pytest.raises(ConfigError, match="keep"):
        sweep(BASE, GRID, keep="dirs")


# --------------------------------------------------------------------------------- summary
def test_sweep_summary_t_interval_by_hand():
    df = pd.DataFrame(
        {
            "world.epsilon": [0.1, 0.1, 0.1, 0.2, 0.2, 0.3],
            "status": ["done", "done", "done", "done", "failed", "done"],
            "m": [1.0, 2.0, 4.0, 5.0, np.nan, 7.0],
        }
    )
    out = sweep_summary(df, "m")
    assert out["world.epsilon"].tolist() == [0.1, 0.2, 0.3]
    assert out["n"].tolist() == [3, 1, 1]
    x = np.array([1.0, 2.0, 4.0])
    sem = x.std(ddof=1) / math.sqrt(3)
    half = stats.t.ppf(0.975, 2) * sem
    row = out.iloc[0]
    assert row["mean"] == pytest.approx(7 / 3) and row["sem"] == pytest.approx(sem)
    assert row["ci_low"] == pytest.approx(7 / 3 - half)
    assert row["ci_high"] == pytest.approx(7 / 3 + half)
    assert np.isnan(out.iloc[1]["ci_low"]) and out.iloc[1]["mean"] == 5.0
    narrow = sweep_summary(df, "m", level=0.5).iloc[0]
    assert narrow["ci_high"] - narrow["ci_low"] < 2 * half


def test_sweep_summary_bootstrap_and_booleans():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 1.0, size=40)
    df = pd.DataFrame({"a.k": ["u"] * 40, "m": x, "flag": pd.array(x > 3, dtype="boolean")})
    boot = sweep_summary(df, "m", method="bootstrap", seed=1).iloc[0]
    t = sweep_summary(df, "m").iloc[0]
    assert boot["ci_low"] < x.mean() < boot["ci_high"]
    assert boot["ci_low"] == pytest.approx(t["ci_low"], abs=0.1)
    assert boot["ci_high"] == pytest.approx(t["ci_high"], abs=0.1)
    again = sweep_summary(df, "m", method="bootstrap", seed=1).iloc[0]
    assert again["ci_low"] == boot["ci_low"]
    share = sweep_summary(df, "flag").iloc[0]
    assert share["mean"] == pytest.approx((x > 3).mean())


def test_sweep_summary_rejects_bad_arguments():
    df = pd.DataFrame({"a.k": [1, 1], "m": [1.0, 2.0], "s": ["x", "y"]})
    for kwargs, field in [
        ({"metric": "nope"}, "metric"),
        ({"metric": "s"}, "metric"),
        ({"metric": "m", "level": 1.5}, "level"),
        ({"metric": "m", "method": "magic"}, "method"),
        ({"metric": "m", "by": ["b.k"]}, "by"),
    ]:
        with pytest.raises(ConfigError) as info:
            sweep_summary(df, **kwargs)
        assert info.value.field == field


def test_pool_executors_need_published_worlds(walk_world, tmp_path):
    cfg = {"run": {"steps": 2}, "population": {"size": 10}, "world": {"name": "test_walk"}}
    with pytest.raises(ConfigError, match="entry point") as info:
        sweep(cfg, {"world.sigma": [0.5]}, executor="process", out=tmp_path / "sw")
    assert info.value.field == "executor" and not (tmp_path / "sw").exists()
    assert sweep(cfg, {"world.sigma": [0.5]}, executor="local").stats["done"] == 1
