"""Build and execute runs: :func:`run`, :func:`resume`, :func:`load`, and :class:`Run`."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from socium.core.engine import Simulation, decode_checkpoint, run_loop
from socium.core.network_spec import build_network
from socium.core.population import Population
from socium.core.protocol import PolicyContext
from socium.core.registry import POLICIES, WORLDS
from socium.core.rng import RunRNG
from socium.core.schedule import build_schedule
from socium.errors import ConfigError, ResumeError
from socium.experiment.config import ResolvedConfig, load_config
from socium.personas import apply_personas
from socium.store.recorder import MemoryRecorder, SQLiteRecorder

__all__ = ["Run", "build_simulation", "load", "resume", "run"]

_SHORTCUTS = {
    "steps": "run.steps",
    "checkpoint_every": "run.checkpoint_every",
    "stop_on_convergence": "run.stop_on_convergence",
}


def _version() -> str:
    from socium import __version__

    return __version__


@dataclass
class Run:
    """The result of a run.

    Attributes
    ----------
    summary : dict
        ``{"run": {seed, steps, wall_s, version, world, ...}, "final": {metric: value}}``.
    metrics : pandas.DataFrame
        One row per step (step 0 is the initial state).
    agents : pandas.DataFrame
        Final per-agent state, with an ``id`` column.
    dir : Path or None
        The run directory, or ``None`` for in-memory runs.
    simulation : Simulation or None
        The live simulation (world, network, population) when the run happened in this process.
    """

    summary: dict[str, Any]
    metrics: pd.DataFrame
    agents: pd.DataFrame
    dir: Path | None = None
    simulation: Simulation | None = None
    recorder: MemoryRecorder | None = None

    def table(self, name: str) -> pd.DataFrame:
        """A table of the run database (``posts``, ``llm_calls``, ``interviews`` ...).

        In-memory runs keep their tables in memory; run directories read ``run.sqlite``.
        """
        if self.recorder is not None:
            return self.recorder.table(name)
        if self.dir is None:
            return pd.DataFrame()
        recorder = SQLiteRecorder(self.dir / "run.sqlite")
        try:
            return recorder.table(name)
        finally:
            recorder.conn.close()

    @property
    def final(self) -> dict[str, Any]:
        """Shortcut for ``summary["final"]``."""
        return self.summary["final"]

    @property
    def world(self):
        """The world object of an in-process run."""
        return None if self.simulation is None else self.simulation.world


def build_simulation(cfg: ResolvedConfig, run_dir: Path | None = None) -> Simulation:
    """Build every component of a run from a validated config (no disk writes).

    Raises
    ------
    ConfigError
        When the parts do not fit together (missing network, size mismatch, unreadable files).
    """
    if cfg.run.seed is None:
        raise ValueError("build_simulation needs a config with run.seed set")
    rng = RunRNG(cfg.run.seed)
    world_cls = WORLDS.get(cfg.world_name)
    spec = cfg.sections.network
    network = None
    if spec is not None:
        try:
            network = build_network(spec, rng.stream("network"), cfg.base_dir)
        except (FileNotFoundError, ValueError) as exc:
            raise ConfigError("network", str(exc)) from None
    elif world_cls.requires_network:
        raise ConfigError(
            "network",
            f'world {cfg.world_name!r} needs a [network] section (e.g. kind = "erdos_renyi")',
        )
    size = cfg.sections.population.size
    if network is not None:
        if network.n == 0:
            raise ConfigError("network", "the network has no nodes")
        if size is not None and size != network.n:
            raise ConfigError("population.size", f"is {size} but the network has {network.n} nodes")
        size = network.n
    if size is None:
        raise ConfigError("population.size", "required when there is no network")
    population = Population(size)
    for field, init in cfg.sections.population.init.items():
        try:
            population[field] = init.sample(size, rng.stream(f"population.{field}"), cfg.base_dir)
        except (FileNotFoundError, ValueError) as exc:
            raise ConfigError(f"population.init.{field}", str(exc)) from None
    context = PolicyContext(
        population=population, stream=rng.stream, run_dir=run_dir, llm_config=cfg.llm
    )
    context.base_dir = cfg.base_dir
    apply_personas(
        cfg.sections.population.personas,
        population,
        rng.stream("population.personas"),
        context.language_model,
        cfg.base_dir,
    )
    try:
        world = world_cls(cfg.world, population, network, rng.stream("world"))
    except ValueError as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError("world", str(exc)) from None
    schedule = build_schedule(cfg.sections.schedule or world.default_schedule(), population)
    policy_cls = POLICIES.get(cfg.sections.policy.kind)
    try:
        policy = policy_cls(world, cfg.sections.policy, rng.stream("policy"), context)
    except ValueError as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError("policy", str(exc)) from None
    if cfg.sections.interviews:
        if not policy.supports_interviews():
            raise ConfigError("interviews", "need an LLM-driven policy (policy.kind = llm, mixed)")
        for i, spec in enumerate(cfg.sections.interviews):
            if max(spec.agents) >= population.size or min(spec.agents) < 0:
                raise ConfigError(
                    f"interviews.{i}.agents", f"ids must be in [0, {population.size - 1}]"
                )
    sim = Simulation(rng, population, network, world, schedule, policy)
    sim.interviews = list(cfg.sections.interviews)
    return sim


def _run_info(cfg: ResolvedConfig, recorder: SQLiteRecorder) -> dict[str, Any]:
    """Run-level facts stored in ``run_info`` (the base folder resolves relative paths)."""
    return {
        "seed": cfg.run.seed,
        "world": cfg.world_name,
        "version": _version(),
        "base_dir": str(cfg.base_dir) if cfg.base_dir else None,
        "events_recorded": recorder.record_events,
        "config": cfg.to_dict(),
    }


def _records_events(cfg: ResolvedConfig, sim: Simulation) -> bool:
    """``record.events`` if set, else the world's default."""
    chosen = cfg.sections.record.events
    return sim.world.records_events_by_default() if chosen is None else chosen


def _with_seed(cfg: ResolvedConfig) -> ResolvedConfig:
    if cfg.run.seed is not None:
        return cfg
    return load_config(cfg, {"run.seed": secrets.randbits(63)})


def _normalise_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in overrides.items():
        key = _SHORTCUTS.get(key, key)
        out[key.replace("__", ".")] = value
    return out


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_toml(path: Path, data: dict[str, Any]) -> None:
    import tomli_w

    _atomic_write(path, lambda p: p.write_bytes(tomli_w.dumps(data).encode()))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _finish(
    sim: Simulation,
    cfg: ResolvedConfig,
    recorder: MemoryRecorder | SQLiteRecorder,
    run_dir: Path | None,
    wall_s: float,
) -> Run:
    final = dict(sim.world.final_metrics())
    final["converged_step"] = sim.converged_step
    final.update(sim.policy.final_metrics())
    tables = dict(sim.world.final_tables())
    after = [spec for spec in sim.interviews if spec.step is None]
    if after:
        tables["interviews_after_run"] = sim.interview(after, sim.step)
        # the interview calls' accounting rows, as a final table like the answers
        for name, rows in sim.policy.drain_tables().items():
            tables[f"{name}_after_run"] = rows
    recorder.replace_tables(tables)
    summary = _jsonable(
        {
            "run": {
                "seed": cfg.run.seed,
                "steps": sim.step,
                "wall_s": round(wall_s, 3),
                "version": _version(),
                "world": cfg.world_name,
                "world_version": sim.world.version,
                "n_agents": sim.population.size,
            },
            "final": final,
        }
    )
    metrics = recorder.metrics()
    agents = pd.DataFrame({"id": np.arange(sim.population.size), **sim.world.agent_table()})
    if run_dir is not None:
        _atomic_write(run_dir / "metrics.csv", lambda p: metrics.to_csv(p, index=False))
        _atomic_write(run_dir / "agents.parquet", lambda p: agents.to_parquet(p, index=False))
        if cfg.sections.record.plots:
            from socium.report.plots import write_plots

            write_plots(sim.world, metrics, run_dir / "plots")
        _atomic_write(
            run_dir / "summary.json",
            lambda p: p.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n"),
        )
    memory = recorder if isinstance(recorder, MemoryRecorder) else None
    return Run(summary, metrics, agents, run_dir, sim, memory)


def _loop(
    sim: Simulation, cfg: ResolvedConfig, sink, progress: Callable[[int], None] | None
) -> None:
    run_loop(
        sim,
        sink,
        steps=cfg.run.steps,
        checkpoint_every=cfg.run.checkpoint_every,
        stop_on_convergence=cfg.run.stop_on_convergence,
        on_step=progress,
    )


def run(
    config: str | Path | Mapping[str, Any] | ResolvedConfig,
    *,
    out: str | Path | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    **overrides: Any,
) -> Run:
    """Run a scenario.

    Parameters
    ----------
    config : path, dict or ResolvedConfig
        A TOML/YAML file, a dict with the same sections, or a resolved config.
    out : path, optional
        Run directory to create. ``None`` runs in memory and writes nothing.
    seed : int, optional
        Overrides ``run.seed``.
    progress : callable, optional
        Called with the step number after every step.
    **overrides
        Dotted keys with ``__`` for dots (``world__epsilon=0.3``); ``steps``,
        ``checkpoint_every`` and ``stop_on_convergence`` are shortcuts into ``[run]``.

    Returns
    -------
    Run

    Examples
    --------
    >>> import socium
    >>> cfg = {"network": {"kind": "complete", "n": 50},
    ...        "world": {"name": "opinion", "model": "degroot"}, "run": {"steps": 5}}
    >>> r = socium.run(cfg, seed=1)
    >>> r.final["consensus"]
    True
    """
    ov = _normalise_overrides(overrides)
    if seed is not None:
        ov["run.seed"] = seed
    cfg = _with_seed(load_config(config, ov))
    sim = build_simulation(cfg)
    start = time.perf_counter()
    if out is None:
        recorder = MemoryRecorder()
        try:
            _loop(sim, cfg, recorder, progress)
            return _finish(sim, cfg, recorder, None, time.perf_counter() - start)
        finally:
            sim.policy.close()
    run_dir = Path(out)
    if run_dir.exists() and any(run_dir.iterdir()):
        sim.policy.close()
        raise ConfigError(
            "out", f"{run_dir} exists and is not empty; choose another --out or resume it"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    sim.policy.context.run_dir = run_dir
    _write_toml(run_dir / "config.toml", cfg.to_dict())
    recorder = SQLiteRecorder(run_dir / "run.sqlite", record_events=_records_events(cfg, sim))
    try:
        recorder.set_info(_run_info(cfg, recorder))
        _loop(sim, cfg, recorder, progress)
        return _finish(sim, cfg, recorder, run_dir, time.perf_counter() - start)
    finally:
        sim.policy.close()
        recorder.close()


def load(run_dir: str | Path) -> Run:
    """Load a finished run directory (summary, metrics and agents)."""
    d = Path(run_dir)
    if not (d / "summary.json").exists():
        raise ResumeError(f"{d} holds no finished run (no summary.json)")
    return Run(
        json.loads((d / "summary.json").read_text()),
        pd.read_csv(d / "metrics.csv"),
        pd.read_parquet(d / "agents.parquet"),
        d,
    )


def resume(run_dir: str | Path, progress: Callable[[int], None] | None = None) -> Run:
    """Continue an interrupted run from its last checkpoint.

    The continued run is identical to an uninterrupted one with the same seed: the checkpoint
    carries the world state and every RNG state, and steps recorded after the checkpoint are
    discarded and recomputed. A finished run is returned as is.
    """
    d = Path(run_dir)
    db = d / "run.sqlite"
    if not (d / "config.toml").exists():
        raise ResumeError(f"{d} is not a run directory (it has no config.toml)")
    if (d / "summary.json").exists():
        return load(d)
    fresh = not db.exists()  # killed before the database was created: start from step 0
    recorder = SQLiteRecorder(db)
    sim = None
    try:
        info = recorder.get_info()
        cfg = load_config(d / "config.toml")
        base_dir = info.get("base_dir")
        cfg = cfg.model_copy(update={"base_dir": Path(base_dir) if base_dir else None})
        sim = build_simulation(cfg, run_dir=d)
        recorder.record_events = _records_events(cfg, sim)
        if fresh:
            recorder.set_info(_run_info(cfg, recorder))
        last = recorder.last_checkpoint()
        if last is None:
            recorder.truncate_after(-1)
        else:
            step, blob = last
            sim.set_state(decode_checkpoint(blob))
            recorder.truncate_after(step)
            sim.meta["initial_written"] = True
        start = time.perf_counter()
        _loop(sim, cfg, recorder, progress)
        return _finish(sim, cfg, recorder, d, time.perf_counter() - start)
    finally:
        if sim is not None:
            sim.policy.close()
        recorder.close()
