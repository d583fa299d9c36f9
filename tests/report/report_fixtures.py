"""Builders of run and sweep directories for the report tests (LLM-style tables injected)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

import socium

__all__ = [
    "GRID",
    "LLM_CALLS",
    "REPLICATES",
    "RUN_CONFIG",
    "SCRIPT",
    "add_llm_tables",
    "make_run",
    "make_sweep",
    "write_table",
]

SCRIPT = "<script>alert(1)</script>"

RUN_CONFIG = {
    "run": {"seed": 5, "steps": 8},
    "network": {"kind": "erdos_renyi", "n": 80, "p": 0.1},
    "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.3},
}

#: Hand-made ``llm_calls`` rows: 6 calls, 2 cached, 2 errors (one timeout, one http_500).
LLM_CALLS = {
    "step": [1, 1, 1, 2, 2, 2],
    "tag": ["decide", "decide", "decide", "decide", "post", "post"],
    "model": ["m1", "m1", "m1", "m2", "m2", "m2"],
    "prompt_hash": ["a", "b", "c", "d", "e", "f"],
    "prompt_tokens": [100, 120, 0, 80, 50, 50],
    "completion_tokens": [10, 20, 0, 5, 7, 7],
    "latency_s": [0.5, 1.5, 2.0, 0.0, 0.0, 1.0],
    "cached": [0, 0, 0, 1, 1, 0],
    "attempts": [1, 2, 4, 1, 1, 1],
    "error": [None, None, "timeout", None, None, "http_500"],
    "response_text": ['{"action": "post"}', SCRIPT, "", "{}", "{}", "garbage"],
}


def write_table(db: Path, name: str, columns: dict[str, list]) -> None:
    """Create table ``name`` in ``db`` and insert the rows (a test stand-in for a world)."""
    con = sqlite3.connect(db)
    frame = pd.DataFrame(columns)
    frame.to_sql(name, con, if_exists="replace", index=False)
    con.commit()
    con.close()


def make_run(path: Path, **overrides) -> Path:
    """A small finished opinion run in ``path``."""
    socium.run(RUN_CONFIG, out=path, **overrides)
    return path


def add_llm_tables(run_dir: Path, text: str = SCRIPT) -> None:
    """Give a finished run the tables of an LLM run: posts, messages, calls, decisions."""
    db = run_dir / "run.sqlite"
    write_table(
        db,
        "posts",
        {
            "step": [1, 1, 2, 3],
            "agent": [0, 1, 2, 3],
            "text": ["hello world", text, "a & b < c", "last post"],
        },
    )
    write_table(db, "messages", {"step": [1], "agent": [4], "text": [text]})
    write_table(db, "llm_calls", LLM_CALLS)
    write_table(
        db,
        "llm_decisions",
        {
            "step": [1, 1, 1, 2],
            "agent": [0, 1, 2, 3],
            "ok": [1, 0, 0, 0],
            "action": ["create_post", "do_nothing", "do_nothing", "do_nothing"],
            "fallback_reason": [None, "parse_error", "timeout", "parse_error"],
        },
    )


GRID = {"world.epsilon": [0.1, 0.25, 0.4], "world.mu": [0.1, 0.3, 0.5]}
REPLICATES = 3


def make_sweep(path: Path) -> Path:
    """A sweep directory laid out as ``socium sweep`` writes it (3x3 grid, 3 replicates).

    Built from real in-memory runs; seeds derive from one root seed.
    """
    path.mkdir(parents=True)
    seeds = np.random.SeedSequence(7).generate_state(
        len(GRID["world.epsilon"]) * len(GRID["world.mu"]) * REPLICATES
    )
    rows = []
    i = 0
    for eps in GRID["world.epsilon"]:
        for mu in GRID["world.mu"]:
            for rep in range(REPLICATES):
                seed = int(seeds[i])
                cfg = {
                    "run": {"steps": 6},
                    "network": {"kind": "complete", "n": 60},
                    "world": {"name": "opinion", "model": "deffuant", "epsilon": eps, "mu": mu},
                }
                run = socium.run(cfg, seed=seed)
                final = {k: v for k, v in run.final.items() if not isinstance(v, list)}
                rows.append(
                    {
                        "run_id": f"{i:04d}",
                        "world.epsilon": eps,
                        "world.mu": mu,
                        "replicate": rep,
                        "seed": seed,
                        "status": "done",
                        **final,
                    }
                )
                i += 1
    index = pd.DataFrame(rows)
    index.to_parquet(path / "index.parquet", index=False)
    spec = {
        "grid": GRID,
        "replicates": REPLICATES,
        "root_seed": 7,
        "executor": "local",
        "config": {"world": {"name": "opinion", "model": "deffuant"}, "note": SCRIPT},
    }
    (path / "sweep.json").write_text(json.dumps(spec))
    return path
