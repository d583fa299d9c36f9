"""The llm package's own background event loop, used by the synchronous API.

:meth:`socium.llm.interface.LanguageModel.generate` runs coroutines on ONE persistent event loop
that lives in a daemon thread owned by this module. Async clients (httpx connection pools, the
OpenAI SDK, asyncio semaphores) therefore stay bound to a single loop across calls, and
``generate`` works from any thread, including one that has no event loop or one whose loop is
already running (a notebook).

The loop is started lazily, restarted after :func:`os.fork` in the child, and stopped at
interpreter exit.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

__all__ = ["PerLoop", "get_loop", "in_loop_thread", "run_sync", "shutdown"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None


def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def get_loop() -> asyncio.AbstractEventLoop:
    """Return the background loop, starting its thread on first use.

    Returns
    -------
    asyncio.AbstractEventLoop
        A running loop in a daemon thread named ``socium-llm-loop`` (a uvloop loop when
        uvloop is installed: about half the per-request overhead of the default loop).
    """
    global _loop, _thread
    with _lock:
        if _loop is None or _thread is None or not _thread.is_alive():
            loop = _new_loop()
            ready = threading.Event()
            thread = threading.Thread(
                target=_serve, args=(loop, ready), name="socium-llm-loop", daemon=True
            )
            thread.start()
            ready.wait()
            _loop, _thread = loop, thread
        return _loop


def in_loop_thread() -> bool:
    """Whether the caller runs on the background loop's thread."""
    return _thread is not None and threading.current_thread() is _thread


def run_sync(coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
    """Run ``coro`` on the background loop and block until it finishes.

    Parameters
    ----------
    coro : coroutine
        The work to run.
    timeout : float, optional
        Seconds to wait; the coroutine is cancelled when they pass.

    Returns
    -------
    object
        What the coroutine returned (its exception is re-raised here).

    Raises
    ------
    RuntimeError
        When called from the background loop itself, which would deadlock: code running there
        must ``await`` the async API instead.
    """
    if in_loop_thread():
        coro.close()
        raise RuntimeError(
            "LanguageModel.generate() was called from the socium llm event loop; "
            "await agenerate() there instead"
        )
    future = asyncio.run_coroutine_threadsafe(coro, get_loop())
    try:
        return future.result(timeout)
    except BaseException:
        future.cancel()
        raise


def shutdown(timeout: float = 5.0) -> None:
    """Stop the background loop and join its thread (a later call starts a new one)."""
    global _loop, _thread
    with _lock:
        loop, thread = _loop, _thread
        _loop = _thread = None
    if loop is None or thread is None or not thread.is_alive():
        return
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout)


class PerLoop(Generic[T]):
    """One value per running event loop, made on first use by ``factory``.

    asyncio primitives and HTTP connection pools belong to the loop they were first used on. A
    language model may be driven from the background loop (``generate``) and from a caller's own
    loop (``await agenerate`` under ``asyncio.run``); each loop gets its own value. Values of
    closed loops are dropped.

    Parameters
    ----------
    factory : callable
        ``factory() -> value``, called inside the running loop.
    """

    def __init__(self, factory: Callable[[], T]):
        self._factory = factory
        self._items: dict[int, tuple[asyncio.AbstractEventLoop, T]] = {}

    def get(self) -> T:
        """The value of the running loop (created when missing)."""
        loop = asyncio.get_running_loop()
        item = self._items.get(id(loop))
        if item is not None and item[0] is loop:
            return item[1]
        for key, (other, _) in list(self._items.items()):
            if other.is_closed():
                del self._items[key]
        value = self._factory()
        self._items[id(loop)] = (loop, value)
        return value

    def pop_current(self) -> T | None:
        """Remove and return the running loop's value, if any."""
        loop = asyncio.get_running_loop()
        item = self._items.pop(id(loop), None)
        return None if item is None else item[1]

    def values(self) -> list[T]:
        """All live values (of every loop)."""
        return [value for _, value in self._items.values()]

    def clear(self) -> None:
        """Forget every value."""
        self._items.clear()


def _after_fork_in_child() -> None:
    # The thread does not exist in a forked child: forget the loop (never touch it).
    global _loop, _thread, _lock
    _loop = _thread = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(shutdown, 1.0)
