"""The same sweep gives the same table under the local, process and Ray executors."""

import json
import os

import numpy as np
import pandas as pd
import pytest

from socium.experiment.executors import (
    LocalExecutor,
    ProcessExecutor,
    RunTask,
    execute_batch,
    make_executor,
)
from socium.experiment.sweep import SweepSpec, sweep

BASE = {
    "run": {"steps": 5},
    "network": {"kind": "erdos_renyi", "n": 50, "p": 0.1},
    "world": {"name": "opinion", "model": "deffuant"},
    "record": {"plots": False},
}
GRID = {"world.epsilon": [0.1, 0.3], "world.mu": [0.3, 0.5]}


def _values(df: pd.DataFrame) -> list[list]:
    """Cell values without the timing column, every kind of missing value as None."""
    df = df.drop(columns=["wall_s"])
    return [
        [
            None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v
            for v in r
        ]
        for r in df.astype(object).itertuples(index=False)
    ]


def _summaries(out) -> dict[str, dict]:
    found = {}
    for path in sorted((out / "runs").glob("*/summary.json")):
        summary = json.loads(path.read_text())
        summary["run"].pop("wall_s")
        found[path.parent.name] = summary
    return found


@pytest.fixture(scope="module")
def local_sweep():
    return sweep(BASE, GRID, replicates=2, seed=5)


def test_process_pool_matches_local(local_sweep):
    pooled = sweep(BASE, GRID, replicates=2, seed=5, executor="process", workers=2)
    assert pooled.stats["executor"] == "process" and pooled.stats["workers"] == 2
    assert _values(pooled.index) == _values(local_sweep.index)


def test_process_pool_run_directories_match_local(tmp_path):
    local = sweep(BASE, GRID, replicates=1, seed=5, out=tmp_path / "local")
    pooled = sweep(BASE, GRID, replicates=1, seed=5, out=tmp_path / "pool", executor="process")
    assert pooled.stats["done"] == 4
    assert _values(pooled.index) == _values(local.index)
    assert _summaries(tmp_path / "local") == _summaries(tmp_path / "pool")
    for run_id in local.index["run_id"]:
        a = (tmp_path / "local" / "runs" / run_id / "agents.parquet").read_bytes()
        assert a == (tmp_path / "pool" / "runs" / run_id / "agents.parquet").read_bytes()


def test_batches_grow_with_the_measured_run_time():
    ex = ProcessExecutor(workers=2)
    assert ex._batch_size(1000, None) == 1  # nothing measured yet
    assert ex._batch_size(1000, 0.001) == ex.target_batch_s / 0.001
    assert ex._batch_size(1000, 10.0) == 1
    assert ex._batch_size(12, 0.0001) == 3  # an even share of what is left
    assert ex._batch_size(10**6, 1e-9) == ex.max_batch


def _die_on_first_run(tasks):
    """Kill the worker process on the sweep's first run."""
    if any(t.run_id == "p000-r00" for t in tasks):
        os._exit(3)
    return execute_batch(tasks)


class _DyingPool(ProcessExecutor):
    def _submit(self, batch):
        future = self._pool.submit(_die_on_first_run, batch)
        self._generation_of[future] = self._generation
        return future


def test_a_dead_worker_fails_its_batch_and_the_pool_restarts():
    spec = SweepSpec(BASE, GRID, 3, 5)
    tasks = [RunTask(r.run_id, spec.run_config(r)) for r in spec.plan()]
    with _DyingPool(workers=2) as ex:
        # one run per batch: at most 2 x workers = 4 runs are in flight when the pool breaks,
        # whatever the timing (larger measured-time batches made the count below flaky)
        ex.max_batch = 1
        results = {r["run_id"]: r for r in ex.run(tasks)}
    assert set(results) == {t.run_id for t in tasks}
    assert results["p000-r00"]["status"] == "failed"
    assert results["p000-r00"]["error"].startswith("worker process died")
    assert results["p003-r02"]["status"] == "done"  # submitted after the restart
    assert sum(r["status"] == "done" for r in results.values()) >= len(tasks) - 4


def test_local_executor_yields_in_order():
    spec = SweepSpec(BASE, GRID, 1, 5)
    tasks = [RunTask(r.run_id, spec.run_config(r)) for r in spec.plan()]
    with LocalExecutor() as ex:
        assert [r["run_id"] for r in ex.run(tasks)] == [t.run_id for t in tasks]


def test_make_executor_defaults():
    assert make_executor("process").workers == os.cpu_count()
    assert make_executor("process").assist and not make_executor("process", workers=2).assist


def test_ray_local_mode_matches_local(local_sweep, tmp_path, monkeypatch):
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        attached = sweep(
            BASE, GRID, replicates=2, seed=5, executor="ray", out=tmp_path / "sw", keep="dirs"
        )
        assert ray.is_initialized(), "a Ray started by the caller stays up"
        assert attached.stats["workers"] == 2  # the CPUs of the cluster
        # without a Ray up, the executor starts one with `workers` CPUs and stops it after
        calls = []
        answers = iter([False])  # the executor asks once; Ray's own checks then see it up
        monkeypatch.setattr(ray, "is_initialized", lambda: next(answers, True))
        monkeypatch.setattr(ray, "init", lambda **kw: calls.append(("init", kw)))
        monkeypatch.setattr(ray, "shutdown", lambda: calls.append(("shutdown", {})))
        started = sweep(BASE, GRID, replicates=2, seed=5, executor="ray", workers=2)
        monkeypatch.undo()
    finally:
        ray.shutdown()
    assert [c[0] for c in calls] == ["init", "shutdown"]
    assert calls[0][1]["num_cpus"] == 2 and calls[0][1]["include_dashboard"] is False
    assert attached.stats["done"] == started.stats["done"] == 8
    assert _values(attached.index) == _values(local_sweep.index)
    assert _values(started.index) == _values(local_sweep.index)
    assert len(_summaries(tmp_path / "sw")) == 8
