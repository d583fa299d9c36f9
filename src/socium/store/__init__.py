"""Run storage: the SQLite run database, checkpoints and file outputs."""

from socium.store.recorder import MemoryRecorder, SQLiteRecorder

__all__ = ["MemoryRecorder", "SQLiteRecorder"]
