"""Interview probes after (or during a pause of) a run: ask agents questions, record answers.

:func:`interview` rebuilds the simulation of a run directory — finished or interrupted — from
its ``config.toml`` and last checkpoint (the same way :func:`socium.resume` does), asks the
agents through the policy's :meth:`~socium.core.protocol.Policy.interview` (persona, memory and
the question; one batched LLM call), and appends the answers to the run database's
``interviews`` table with the checkpoint's step. The run itself is not changed: nothing is
advanced and no checkpoint is written. Mid-run interviews are configured with
``[[interviews]]`` in the config instead.

The CLI command is ``socium interview DIR --agent 3 --agent 7 --question "..."``
(:func:`interview_command`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from socium.core.engine import StepRecord, decode_checkpoint
from socium.errors import ConfigError, ResumeError

__all__ = ["interview", "interview_command"]


def interview(run_dir: str | Path, agents: list[int] | np.ndarray, question: str) -> pd.DataFrame:
    """Ask agents of a run a question, from the run's last checkpoint.

    Parameters
    ----------
    run_dir : path
        A run directory (``config.toml`` and ``run.sqlite`` with at least one checkpoint).
    agents : list of int
        Agent ids to ask.
    question : str
        The question (free text).

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (the checkpoint's step), ``agent``, ``question``, ``answer`` (None when
        the call failed or the agent is not LLM-driven), one row per agent. The rows are also
        appended to the ``interviews`` table of ``run.sqlite``, and the calls to ``llm_calls``.

    Raises
    ------
    ResumeError
        When ``run_dir`` is not a run directory or holds no checkpoint.
    ConfigError
        When the policy cannot answer interviews, an id is out of range or the question is
        empty.

    Examples
    --------
    >>> import socium, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> cfg = {"network": {"kind": "complete", "n": 5}, "run": {"steps": 2, "seed": 1},
    ...        "world": {"name": "opinion", "model": "degroot"},
    ...        "policy": {"kind": "llm"}, "llm": {"backend": "mock"}}
    >>> _ = socium.run(cfg, out=out)
    >>> interview(out, [0, 3], "How do you feel?")[["step", "agent"]].values.tolist()
    [[2, 0], [2, 3]]
    """
    from socium.experiment.config import load_config
    from socium.experiment.runner import build_simulation
    from socium.store.recorder import SQLiteRecorder

    d = Path(run_dir)
    if not (d / "config.toml").exists() or not (d / "run.sqlite").exists():
        raise ResumeError(f"{d} is not a run directory (it needs config.toml and run.sqlite)")
    question = str(question).strip()
    if not question:
        raise ConfigError("question", "must not be empty")
    ids = np.asarray(list(agents), dtype=np.int64)
    if ids.size == 0:
        raise ConfigError("agent", "give at least one agent id")
    recorder = SQLiteRecorder(d / "run.sqlite")
    sim = None
    try:
        last = recorder.last_checkpoint()
        if last is None:
            raise ResumeError(f"{d} has no checkpoint to interview from")
        step, blob = last
        info = recorder.get_info()
        cfg = load_config(d / "config.toml")
        base_dir = info.get("base_dir")
        cfg = cfg.model_copy(update={"base_dir": Path(base_dir) if base_dir else None})
        sim = build_simulation(cfg, run_dir=d)
        if not sim.policy.supports_interviews():
            raise ConfigError(
                "policy.kind",
                "interviews need an LLM-driven policy (llm, archetype, or a mixed policy with one)",
            )
        n = sim.population.size
        if ids.min() < 0 or ids.max() >= n:
            raise ConfigError("agent", f"ids must be in [0, {n - 1}]")
        sim.set_state(decode_checkpoint(blob))
        answers = sim.policy.interview(ids, question, step)
        rows = {
            "agent": ids,
            "question": np.array([question] * ids.size, dtype=object),
            "answer": np.array(answers, dtype=object),
        }
        tables = {"interviews": rows, **_llm_calls(sim)}
        recorder.write_step(StepRecord(step, [], {}, tables), None)
    finally:
        if sim is not None:
            sim.policy.close()
        recorder.close()
    return pd.DataFrame({"step": np.full(ids.size, step, dtype=np.int64), **rows})


def _llm_calls(sim) -> dict:
    from socium.policies.base import drain_llm_calls

    calls = drain_llm_calls(sim.policy.context)
    return {} if calls is None else {"llm_calls": calls}


def interview_command(
    run_dir: Annotated[Path, typer.Argument(help="Run directory (finished or interrupted).")],
    agent: Annotated[
        list[int], typer.Option("--agent", "-a", help="Agent id to ask (repeatable).")
    ],
    question: Annotated[str, typer.Option("--question", "-q", help="The question to ask.")],
) -> None:
    """Ask agents of a run a question; print and record the answers (``interviews`` table)."""
    from rich.console import Console
    from rich.table import Table

    frame = interview(run_dir, agent, question)
    table = Table(title=f"step {int(frame['step'].iloc[0])}: {question}", show_header=True)
    table.add_column("agent", justify="right")
    table.add_column("answer", overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(str(row.agent), "—" if row.answer is None else str(row.answer))
    Console().print(table)
