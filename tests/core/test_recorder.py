import sqlite3

import numpy as np
import pytest

from socium.core.batches import EventBatch
from socium.core.engine import StepRecord
from socium.store.recorder import MemoryRecorder, SQLiteRecorder


def test_step_is_written_atomically_with_nulls_for_missing_values(tmp_path):
    rec = SQLiteRecorder(tmp_path / "r.sqlite")
    ev = EventBatch.make("activate", np.array([3, 4]), np.array([1, -1]), np.array([0.5, np.nan]))
    rec.write_step(StepRecord(2, [ev], {"spread": 0.25, "empty": float("nan")}), b"ckpt")
    rows = rec.conn.execute("SELECT step, seq, kind, agent, other, value FROM events").fetchall()
    assert rows == [(2, 0, "activate", 3, 1, 0.5), (2, 1, "activate", 4, -1, None)]
    metrics = rec.metrics()
    assert metrics["spread"].tolist() == [0.25] and np.isnan(metrics["empty"].iloc[0])
    assert rec.last_checkpoint() == (2, b"ckpt")
    rec.close()


def test_truncate_after_removes_later_steps(tmp_path):
    rec = SQLiteRecorder(tmp_path / "r.sqlite")
    for step in range(5):
        ev = EventBatch.make("u", np.array([step]))
        rec.write_step(StepRecord(step, [ev], {"m": float(step)}), b"x" if step % 2 == 0 else None)
    rec.truncate_after(2)
    con = sqlite3.connect(tmp_path / "r.sqlite")
    assert [s for (s,) in con.execute("SELECT step FROM metrics ORDER BY step")] == [0, 1, 2]
    assert [s for (s,) in con.execute("SELECT step FROM events ORDER BY step")] == [0, 1, 2]
    assert rec.last_checkpoint()[0] == 2


def test_failed_step_leaves_nothing(tmp_path):
    rec = SQLiteRecorder(tmp_path / "r.sqlite")
    bad = EventBatch("u", np.array([1]), np.array([-1]), np.array([0.0]))
    object.__setattr__(bad, "agent", np.array([{"not": "bindable"}], dtype=object))
    with pytest.raises(sqlite3.Error):
        rec.write_step(StepRecord(1, [bad], {"m": 1.0}), None)
    assert rec.conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 0


def test_memory_recorder_keeps_metrics_only_by_default():
    rec = MemoryRecorder()
    rec.write_step(StepRecord(0, [EventBatch.make("u", np.array([1]))], {"m": 1.0}), None)
    assert rec.metrics()["m"].tolist() == [1.0] and rec.events == {}
    assert not rec.wants_checkpoints and not rec.wants_events
