"""Executors of sweeps: run many independent runs in-process, in a process pool, or on Ray.

A sweep hands an executor a list of :class:`RunTask` and reads back one small result dict per
run, in completion order. Every task carries its full config (seed included), so a run's result
does not depend on which executor, worker or batch ran it, nor on the order of completion.

* :class:`LocalExecutor` runs the tasks one after the other in this process.
* :class:`ProcessExecutor` runs batches of tasks in a
  :class:`concurrent.futures.ProcessPoolExecutor` started with the ``forkserver`` context
  (``spawn`` where there is no forkserver); the forkserver imports socium once and forks warm
  workers from it.
* :class:`RayExecutor` runs batches as Ray remote tasks, on a local Ray started by
  ``ray.init()`` or on an existing cluster given by its address. It shuts Ray down only when it
  started it.

Pool executors size their batches adaptively: the first batches hold one run each, and later
batches hold enough runs to take about :attr:`PoolExecutor.target_batch_s` seconds, so that tiny
runs do not pay one inter-process round trip each while long runs still report one by one.
A failure inside a run is caught in the worker and returned as a ``failed`` result; a worker that
dies (a crash, an out-of-memory kill) fails the runs of its batch and the pool is restarted.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import shutil
import time
import traceback
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "EXECUTORS",
    "Executor",
    "LocalExecutor",
    "PoolExecutor",
    "ProcessExecutor",
    "RayExecutor",
    "RunTask",
    "execute_batch",
    "execute_task",
    "make_executor",
    "one_line",
]

_MAX_ERROR = 500


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep, self-contained so that any worker can execute it.

    Attributes
    ----------
    run_id : str
        Identifier of the run inside its sweep (``p003-r01``).
    config : dict
        The run's raw config: the sweep's base config with the grid point and ``run.seed`` set.
    base_dir : str or None
        Folder against which relative paths of the config resolve.
    out : str or None
        Run directory to write (or to resume, or to read when finished); ``None`` runs in memory.
    """

    run_id: str
    config: dict[str, Any]
    base_dir: str | None = None
    out: str | None = None


def one_line(exc: BaseException) -> str:
    """A one-line description of an exception: ``Type: first line of the message``."""
    text = str(exc).strip().splitlines()
    message = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return message if len(message) <= _MAX_ERROR else message[: _MAX_ERROR - 1] + "…"


def _read_summary(run_dir: Path) -> dict[str, Any]:
    import json

    return json.loads((run_dir / "summary.json").read_text())


def execute_task(task: RunTask) -> dict[str, Any]:
    """Execute one run and return its result; never raises for a failure inside the run.

    A run directory that already holds ``summary.json`` is read, not recomputed; one that holds
    ``config.toml`` but no summary (an interrupted run) is continued with :func:`socium.resume`;
    anything else at that path (a run killed before it wrote its config) is removed and the run
    starts afresh.

    Parameters
    ----------
    task : RunTask
        The run to execute.

    Returns
    -------
    dict
        ``run_id``, ``status`` (``"done"`` or ``"failed"``), ``error`` (one line or ``None``),
        ``traceback`` (or ``None``), ``steps``, ``wall_s``, ``resumed`` and ``final`` (the flat
        dict of final metrics, JSON values only).
    """
    from socium.experiment.config import resolve_config
    from socium.experiment.runner import resume, run

    start = time.perf_counter()
    resumed = False
    wall_s: float | None = None
    try:
        if task.out is None:
            base_dir = Path(task.base_dir) if task.base_dir else None
            summary = run(resolve_config(task.config, base_dir)).summary
        else:
            run_dir = Path(task.out)
            if (run_dir / "summary.json").exists():  # finished earlier: report its own wall time
                summary = _read_summary(run_dir)
                wall_s = summary["run"].get("wall_s")
            elif (run_dir / "config.toml").exists():
                summary = resume(run_dir).summary
                resumed = True
            else:
                if run_dir.exists():
                    shutil.rmtree(run_dir)
                base_dir = Path(task.base_dir) if task.base_dir else None
                summary = run(resolve_config(task.config, base_dir), out=run_dir).summary
    except Exception as exc:
        return {
            "run_id": task.run_id,
            "status": "failed",
            "error": one_line(exc),
            "traceback": traceback.format_exc(),
            "steps": None,
            "wall_s": round(time.perf_counter() - start, 6),
            "resumed": resumed,
            "final": {},
        }
    return {
        "run_id": task.run_id,
        "status": "done",
        "error": None,
        "traceback": None,
        "steps": summary["run"]["steps"],
        "wall_s": round(time.perf_counter() - start, 6) if wall_s is None else wall_s,
        "resumed": resumed,
        "final": summary["final"],
    }


def execute_batch(tasks: Sequence[RunTask]) -> list[dict[str, Any]]:
    """Execute several runs one after the other (the unit of work of pool executors)."""
    return [execute_task(task) for task in tasks]


def _crashed(tasks: Sequence[RunTask], message: str) -> list[dict[str, Any]]:
    return [
        {
            "run_id": task.run_id,
            "status": "failed",
            "error": message,
            "traceback": None,
            "steps": None,
            "wall_s": None,
            "resumed": False,
            "final": {},
        }
        for task in tasks
    ]


class Executor(ABC):
    """Runs a list of tasks and yields their results as they finish.

    Use as a context manager: entering starts the workers, leaving stops them.

    Parameters
    ----------
    workers : int, optional
        How many runs may execute at the same time.
    """

    name: ClassVar[str]

    def __init__(self, workers: int | None = None):
        if workers is not None and workers < 1:
            from socium.errors import ConfigError

            raise ConfigError("workers", f"must be at least 1 (got {workers})")
        self.workers = workers
        self.startup_s = 0.0
        self.preload: tuple[str, ...] = ()  # modules the workers import up front (worlds)

    def __enter__(self) -> Executor:
        start = time.perf_counter()
        self.start()
        self.startup_s = time.perf_counter() - start
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def start(self) -> None:
        """Start the workers (nothing for in-process execution)."""
        return None

    def stop(self) -> None:
        """Stop the workers that :meth:`start` started."""
        return None

    @abstractmethod
    def run(self, tasks: Sequence[RunTask]) -> Iterator[dict[str, Any]]:
        """Execute ``tasks``; yield one result dict per task (see :func:`execute_task`)."""


class LocalExecutor(Executor):
    """Run every task in this process, one after the other."""

    name = "local"

    def run(self, tasks: Sequence[RunTask]) -> Iterator[dict[str, Any]]:
        for task in tasks:
            yield execute_task(task)


class PoolExecutor(Executor):
    """Shared logic of executors that ship batches of tasks to workers.

    At most ``2 * workers`` batches are in flight, so a worker that finishes finds the next batch
    already queued. A batch holds one run until the mean run time is known, then
    ``target_batch_s / mean_run_s`` runs (capped by ``max_batch`` and by an even share of what is
    left, so the last batches still spread over all workers).

    With ``assist`` (the default when ``workers`` is not given), this process also executes runs,
    one at a time, until the first batch comes back from a worker: that hides the workers'
    start-up (importing socium, about a second) on sweeps of small runs. Give ``workers``
    explicitly to have exactly that many runs at once.
    """

    target_batch_s: float = 0.25
    max_batch: int = 256

    def __init__(self, workers: int | None = None, *, assist: bool | None = None):
        super().__init__(workers)
        self.assist = workers is None if assist is None else assist

    @abstractmethod
    def _submit(self, batch: list[RunTask]) -> Any:
        """Start a batch; return a handle."""

    @abstractmethod
    def _wait(self, handles: list[Any]) -> list[Any]:
        """Block until at least one handle is done; return the done ones."""

    @abstractmethod
    def _poll(self, handles: list[Any]) -> list[Any]:
        """The handles that are done now (no waiting)."""

    @abstractmethod
    def _collect(self, handle: Any, batch: list[RunTask]) -> list[dict[str, Any]]:
        """The results of a finished batch (failed results when its worker died)."""

    def _capacity(self) -> int:
        return self.workers or 1

    def _batch_size(self, remaining: int, run_s: float | None) -> int:
        if run_s is None:
            return 1
        want = self.target_batch_s / max(run_s, 1e-6)
        share = math.ceil(remaining / (2 * self._capacity()))
        return int(max(1, min(want, share, self.max_batch)))

    def run(self, tasks: Sequence[RunTask]) -> Iterator[dict[str, Any]]:
        queue = deque(tasks)
        inflight: dict[Any, list[RunTask]] = {}
        timing = [0.0, 0]  # seconds and count of done runs, for the batch size
        assisting = self.assist

        def seen(result: dict[str, Any]) -> dict[str, Any]:
            if result["status"] == "done" and result["wall_s"] is not None:
                timing[0] += result["wall_s"]
                timing[1] += 1
            return result

        while queue or inflight:
            while queue and len(inflight) < 2 * self._capacity():
                mean = timing[0] / timing[1] if timing[1] else None
                size = self._batch_size(len(queue), mean)
                batch = [queue.popleft() for _ in range(min(size, len(queue)))]
                inflight[self._submit(batch)] = batch
            if assisting and queue:
                done = self._poll(list(inflight))
                if not done:  # the workers are still starting: run one here, from the back
                    yield seen(execute_task(queue.pop()))
                    continue
                assisting = False
            else:
                done = self._wait(list(inflight))
            for handle in done:
                batch = inflight.pop(handle)
                for result in self._collect(handle, batch):
                    yield seen(result)


def _forkserver_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(
        ["socium.experiment.executors", "socium.experiment.runner", *preload]
    )
    return ctx


class ProcessExecutor(PoolExecutor):
    """Run batches of tasks in a pool of worker processes on this machine.

    Parameters
    ----------
    workers : int, optional
        Number of processes; default :func:`os.cpu_count`.
    start_method : {"forkserver", "spawn"}, optional
        How workers start; default ``forkserver`` where available, else ``spawn``. Worlds must be
        importable by the workers (registered through entry points), since a world registered at
        run time in the parent does not exist in a fresh process.
    preload : sequence of str
        Modules the forkserver imports once before forking workers (e.g. the worlds' modules).
    """

    name = "process"

    def __init__(
        self,
        workers: int | None = None,
        *,
        start_method: str | None = None,
        preload: Sequence[str] = (),
        assist: bool | None = None,
    ):
        super().__init__(workers, assist=assist)
        self.workers = workers or os.cpu_count() or 1
        if start_method not in (None, "forkserver", "spawn"):
            from socium.errors import ConfigError

            raise ConfigError("start_method", f"must be forkserver or spawn (got {start_method!r})")
        self.start_method = start_method
        self.preload = tuple(preload)
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0  # bumped when a broken pool is replaced
        self._generation_of: dict[Future, int] = {}

    def _context(self) -> multiprocessing.context.BaseContext:
        if self.start_method in (None, "forkserver"):
            return _forkserver_context(self.preload)
        return multiprocessing.get_context(self.start_method)

    def start(self) -> None:
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context())

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _submit(self, batch: list[RunTask]) -> Future:
        assert self._pool is not None, "use the executor as a context manager"
        try:
            future = self._pool.submit(execute_batch, batch)
        except BrokenProcessPool:
            self._restart()
            future = self._pool.submit(execute_batch, batch)
        self._generation_of[future] = self._generation
        return future

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._generation += 1
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context())

    def _wait(self, handles: list[Future]) -> list[Future]:
        done, _ = wait_futures(handles, return_when=FIRST_COMPLETED)
        return list(done)

    def _poll(self, handles: list[Future]) -> list[Future]:
        return [h for h in handles if h.done()]

    def _collect(self, handle: Future, batch: list[RunTask]) -> list[dict[str, Any]]:
        generation = self._generation_of.pop(handle, self._generation)
        try:
            return handle.result()
        except BrokenProcessPool as exc:
            if generation == self._generation:  # the first news of this pool's death
                self._restart()
            return _crashed(batch, f"worker process died: {one_line(exc)}")
        except Exception as exc:  # an unpicklable result, a cancelled batch
            return _crashed(batch, f"worker error: {one_line(exc)}")


class RayExecutor(PoolExecutor):
    """Run batches of tasks as Ray remote tasks.

    Parameters
    ----------
    workers : int, optional
        Batches in flight at once (each takes one CPU). Default: the CPUs of the Ray cluster. When
        this executor starts a local Ray, it gives it ``workers`` CPUs.
    address : str, optional
        Address of an existing cluster (``"auto"``, ``"ray://head:10001"``). Default: use the Ray
        already initialised in this process, or start a local one with ``ray.init()``.

    Notes
    -----
    The workers must have socium installed (and the worlds the sweep uses); no ``runtime_env`` is
    needed. Run directories are written by the workers, so with ``keep = "dirs"`` on a multi-node
    cluster the sweep directory must be on a file system that every node shares; with
    ``keep = "memory"`` only the small result dicts travel back.
    """

    name = "ray"

    def __init__(
        self, workers: int | None = None, *, address: str | None = None, assist: bool | None = None
    ):
        super().__init__(workers, assist=assist)
        self.address = address
        self._started = False
        self._remote: Any = None

    def start(self) -> None:
        import ray

        if not ray.is_initialized():
            options: dict[str, Any] = {
                "include_dashboard": False,
                "logging_level": logging.WARNING,
            }
            if self.address is not None:
                ray.init(address=self.address, **options)
            else:
                ray.init(num_cpus=self.workers, **options)
            self._started = True
        if self.workers is None:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._remote = ray.remote(num_cpus=1, max_retries=1)(execute_batch)

    def stop(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def _submit(self, batch: list[RunTask]) -> Any:
        return self._remote.remote(batch)

    def _wait(self, handles: list[Any]) -> list[Any]:
        import ray

        ready, _ = ray.wait(handles, num_returns=1)
        return ready

    def _poll(self, handles: list[Any]) -> list[Any]:
        import ray

        ready, _ = ray.wait(handles, num_returns=len(handles), timeout=0)
        return ready

    def _collect(self, handle: Any, batch: list[RunTask]) -> list[dict[str, Any]]:
        import ray

        try:
            return ray.get(handle)
        except ray.exceptions.RayError as exc:
            return _crashed(batch, f"ray task failed: {one_line(exc)}")


EXECUTORS: dict[str, type[Executor]] = {
    "local": LocalExecutor,
    "process": ProcessExecutor,
    "ray": RayExecutor,
}


def make_executor(name: str, *, workers: int | None = None, address: str | None = None) -> Executor:
    """Build the executor called ``name`` (``local``, ``process`` or ``ray``).

    Raises
    ------
    ConfigError
        For an unknown name, ``address`` without Ray, or Ray not installed.
    """
    from socium.errors import ConfigError

    if name not in EXECUTORS:
        raise ConfigError("executor", f"unknown executor {name!r}; allowed: {', '.join(EXECUTORS)}")
    if address is not None and name != "ray":
        raise ConfigError("address", f"only applies to --executor ray (executor is {name!r})")
    if name == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            raise ConfigError("executor", "ray is not installed; pip install 'socium[ray]'")
        return RayExecutor(workers, address=address)
    if name == "process":
        return ProcessExecutor(workers)
    return LocalExecutor(workers)
