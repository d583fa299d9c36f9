"""``socium serve-llm``: an OpenAI-compatible HTTP server for the local or the mock backend.

Routes: ``POST /v1/chat/completions`` (with ``response_format`` of type ``json_schema`` or
``json_object``), ``GET /v1/models``, ``GET /health`` and ``GET /stats`` (requests served and
faults injected). The app is a plain ASGI callable served by uvicorn (with uvloop and
httptools when they are installed).

For tests and benchmarks the server can sleep ``latency_s`` per request, and inject faults:
with probability ``fault_rate`` a request gets one of :data:`FAULT_KINDS`, drawn from a
generator seeded by ``fault_seed``:

``http_500``
    a 500 with an OpenAI-style error body;
``hang``
    no answer until the client gives up (or ``hang_s`` pass);
``drop``
    the headers, half the body, then the connection is closed;
``truncated``
    a complete HTTP 200 whose JSON body is cut in half;
``garbage``
    a complete HTTP 200 whose body is not JSON;
``rate_limited``
    a 429 with a ``Retry-After`` header.

:func:`start_server_in_thread` and :func:`start_server_subprocess` start a server on a free
port and return a handle with its ``url``; both shut down cleanly on ``close()`` or at the
end of a ``with`` block.

Examples
--------
>>> with start_server_in_thread(backend="mock") as server:  # doctest: +SKIP
...     lm = OpenAICompatModel(base_url=server.url)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import typer

from socium.llm.interface import LanguageModel, LLMError, LLMRequest

__all__ = [
    "FAULT_KINDS",
    "FaultSpec",
    "LLMServerApp",
    "ServerHandle",
    "ServerProcess",
    "build_server_model",
    "main",
    "serve",
    "serve_llm_command",
    "start_server_in_thread",
    "start_server_subprocess",
]

#: The faults the server can inject, in the order ``--fault-kinds`` names them.
FAULT_KINDS = ("http_500", "hang", "drop", "truncated", "garbage", "rate_limited")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_JSON = [(b"content-type", b"application/json")]
_READY = "socium-llm serving on "


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Which faults a server injects, and how often.

    Parameters
    ----------
    rate : float
        Probability that a chat request gets a fault, in [0, 1].
    seed : int
        Seed of the fault stream (the n-th request to arrive gets the n-th draw).
    kinds : tuple of str
        The kinds drawn from, uniformly (a subset of :data:`FAULT_KINDS`).
    hang_s : float
        How long a ``hang`` lasts when the client does not give up first.
    retry_after_s : float
        The ``Retry-After`` of ``rate_limited`` answers.
    """

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = FAULT_KINDS
    hang_s: float = 30.0
    retry_after_s: float = 0.05

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be in [0, 1]")
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"fault kinds must be among {FAULT_KINDS}, got {self.kinds}")


def _schema_of(response_format: Any) -> dict[str, Any] | None:
    if not isinstance(response_format, dict):
        return None
    kind = response_format.get("type")
    if kind == "json_schema":
        spec = response_format.get("json_schema") or {}
        schema = spec.get("schema") if isinstance(spec, dict) else None
        return schema if isinstance(schema, dict) else {"type": "object"}
    if kind == "json_object":
        schema = response_format.get("schema")
        return schema if isinstance(schema, dict) else {"type": "object"}
    return None


def _request_of(payload: Any) -> LLMRequest:
    if not isinstance(payload, dict):
        raise ValueError("the body must be a JSON object")
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ValueError("messages must be a non-empty list")
    parsed = []
    for m in messages:
        content = m.get("content") if isinstance(m, dict) else None
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        if not isinstance(content, str) or not isinstance(m.get("role"), str):
            raise ValueError("each message needs a string role and content")
        parsed.append((m["role"], content))
    max_tokens = payload.get("max_tokens") or payload.get("max_completion_tokens") or 256
    temperature = payload.get("temperature")
    seed = payload.get("seed")
    return LLMRequest(
        tuple(parsed),  # type: ignore[arg-type]
        schema=_schema_of(payload.get("response_format")),
        max_tokens=int(max_tokens),
        temperature=float(temperature) if temperature is not None else 0.0,
        seed=int(seed) if seed is not None else None,
    )


def _error_body(message: str, kind: str, code: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "code": code}}).encode()


class LLMServerApp:
    """The ASGI application behind ``socium serve-llm``.

    Parameters
    ----------
    model : LanguageModel
        Answers the chat requests (one ``agenerate`` call per HTTP request).
    model_name : str, optional
        The id listed at ``/v1/models`` and echoed in completions; default ``model.name``.
    latency_s : float
        Seconds every chat request sleeps before it is answered.
    faults : FaultSpec, optional
        Fault injection; None for none.

    Attributes
    ----------
    requests : int
        Chat requests received.
    in_flight, max_in_flight : int
        Chat requests being answered now, and the most at once so far.
    fault_counts : collections.Counter
        Faults injected, by kind.
    """

    def __init__(
        self,
        model: LanguageModel,
        *,
        model_name: str | None = None,
        latency_s: float = 0.0,
        faults: FaultSpec | None = None,
    ):
        if latency_s < 0:
            raise ValueError("latency_s must be >= 0")
        self.model = model
        self.model_name = model_name or model.name
        self.latency_s = float(latency_s)
        self.faults = faults if faults is not None and faults.rate > 0 else None
        self._fault_rng = np.random.default_rng(faults.seed if faults else 0)
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.fault_counts: Counter[str] = Counter()
        self._ids = itertools.count(1)
        self._models_body = json.dumps(
            {
                "object": "list",
                "data": [
                    {"id": self.model_name, "object": "model", "created": 0, "owned_by": "socium"}
                ],
            }
        ).encode()

    def draw_fault(self) -> str | None:
        """The fault of the next request (None for a normal answer)."""
        spec = self.faults
        if spec is None or self._fault_rng.random() >= spec.rate:
            return None
        kind = spec.kinds[int(self._fault_rng.integers(len(spec.kinds)))]
        self.fault_counts[kind] += 1
        return kind

    def stats(self) -> dict[str, Any]:
        """Requests received, the most in flight at once, and faults injected so far."""
        return {
            "requests": self.requests,
            "max_in_flight": self.max_in_flight,
            "faults": dict(sorted(self.fault_counts.items())),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        if kind != "http":
            return
        path = scope["path"].rstrip("/")
        method = scope["method"]
        if path in ("/v1/chat/completions", "/chat/completions") and method == "POST":
            await self._chat(receive, send)
        elif path in ("/v1/models", "/models") and method == "GET":
            await _send(send, 200, self._models_body)
        elif path == "/health" and method == "GET":
            await _send(send, 200, b'{"status":"ok"}')
        elif path == "/stats" and method == "GET":
            await _send(send, 200, json.dumps(self.stats()).encode())
        else:
            await _send(send, 404, _error_body(f"no route {method} {path}", "not_found"))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                with contextlib.suppress(Exception):
                    await self.model.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _chat(self, receive: Receive, send: Send) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self._answer(receive, send)
        finally:
            self.in_flight -= 1

    async def _answer(self, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        self.requests += 1
        fault = self.draw_fault()
        if fault == "http_500":
            await _send(send, 500, _error_body("injected fault", "server_error"))
            return
        if fault == "rate_limited":
            assert self.faults is not None
            headers = [(b"retry-after", f"{self.faults.retry_after_s:g}".encode())]
            await _send(send, 429, _error_body("slow down", "rate_limit_error"), headers)
            return
        if fault == "hang":
            assert self.faults is not None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.faults.hang_s):
                    while (await receive())["type"] != "http.disconnect":
                        pass
                return  # the client gave up
        try:
            request = _request_of(json.loads(body))
        except (ValueError, TypeError, AttributeError) as exc:
            await _send(send, 400, _error_body(str(exc), "invalid_request_error"))
            return
        if self.latency_s > 0:
            await asyncio.sleep(self.latency_s)
        (response,) = await self.model.agenerate([request])
        if response.error is not None:
            status = (
                400 if response.error in (LLMError.CONTEXT_LENGTH, LLMError.BAD_REQUEST) else 500
            )
            await _send(send, status, _error_body(response.error, "server_error", response.error))
            return
        finish = "length" if response.completion_tokens >= request.max_tokens else "stop"
        out = json.dumps(
            {
                "id": f"chatcmpl-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": self.model_name,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": response.text},
                        "finish_reason": finish,
                    }
                ],
                "usage": {
                    "prompt_tokens": response.prompt_tokens,
                    "completion_tokens": response.completion_tokens,
                    "total_tokens": response.total_tokens,
                },
            },
            ensure_ascii=False,
        ).encode()
        if fault == "truncated":
            await _send(send, 200, out[: len(out) // 2])
        elif fault == "garbage":
            await _send(send, 200, b"\x00<html>not json at all")
        elif fault == "drop":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [*_JSON, (b"content-length", str(len(out)).encode())],
                }
            )
            await send(
                {"type": "http.response.body", "body": out[: len(out) // 2], "more_body": True}
            )
            # Returning now, mid-body, makes the server close the connection.
        else:
            await _send(send, 200, out)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(
    send: Send, status: int, body: bytes, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*_JSON, (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


def build_server_model(
    backend: str = "mock",
    *,
    model_path: str | None = None,
    model: str | None = None,
    n_ctx: int = 2048,
    seed: int = 0,
) -> LanguageModel:
    """The language model a server answers with.

    Parameters
    ----------
    backend : {"mock", "local"}
        ``mock``: schema-aware, instant answers; ``local``: llama.cpp on the GGUF file.
    model_path : str, optional
        GGUF file of the local backend (default SmolLM2-135M-Instruct).
    model : str, optional
        The served model name.
    n_ctx : int
        Context window of the local backend.
    seed : int
        Seed of the local backend's sampling stream.
    """
    if backend == "mock":
        from socium.llm.backends.mock import MockLanguageModel

        return MockLanguageModel(name=model or "mock")
    if backend == "local":
        from socium.llm.backends.local import LocalLlamaModel

        return LocalLlamaModel(model_path, n_ctx=n_ctx, rng=np.random.default_rng(seed), name=model)
    raise ValueError(f"backend must be 'mock' or 'local', got {backend!r}")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(4096)
    sock.setblocking(False)
    return sock


def _url(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/v1"


def _uvicorn_server(app: LLMServerApp, log_level: str) -> Any:
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        backlog=4096,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


def _make_app(
    backend: str,
    model_path: str | None,
    model: str | None,
    latency_s: float,
    fault_rate: float,
    fault_seed: int,
    n_ctx: int,
    fault_kinds: Sequence[str] | None,
    hang_s: float,
    retry_after_s: float,
) -> LLMServerApp:
    faults = FaultSpec(
        rate=fault_rate,
        seed=fault_seed,
        kinds=tuple(fault_kinds) if fault_kinds else FAULT_KINDS,
        hang_s=hang_s,
        retry_after_s=retry_after_s,
    )
    lm = build_server_model(backend, model_path=model_path, model=model, n_ctx=n_ctx)
    return LLMServerApp(lm, latency_s=latency_s, faults=faults)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    backend: str = "local",
    model_path: str | None = None,
    model: str | None = None,
    latency_s: float = 0.0,
    fault_rate: float = 0.0,
    fault_seed: int = 0,
    fault_kinds: Sequence[str] | None = None,
    hang_s: float = 30.0,
    retry_after_s: float = 0.05,
    n_ctx: int = 2048,
    log_level: str = "warning",
    announce: bool = True,
) -> None:
    """Serve the OpenAI-compatible API until interrupted (blocks).

    Parameters
    ----------
    host, port : str, int
        Where to listen; port 0 picks a free one.
    backend : {"local", "mock"}
        What answers (see :func:`build_server_model`).
    model_path, model : str, optional
        GGUF file and served model name.
    latency_s : float
        Seconds each chat request sleeps before it is answered.
    fault_rate, fault_seed, fault_kinds, hang_s, retry_after_s
        Fault injection (see :class:`FaultSpec`).
    n_ctx : int
        Context window of the local backend.
    log_level : str
        uvicorn's log level.
    announce : bool
        Print ``socium-llm serving on <base url>`` to stdout once listening.
    """
    app = _make_app(
        backend, model_path, model, latency_s, fault_rate, fault_seed, n_ctx,
        fault_kinds, hang_s, retry_after_s,
    )  # fmt: skip
    sock = _bind(host, port)
    server = _uvicorn_server(app, log_level)
    if announce:
        print(_READY + _url(sock, host), flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


class ServerHandle:
    """A server running in a thread of this process (see :func:`start_server_in_thread`).

    Attributes
    ----------
    url : str
        The base URL, ``http://127.0.0.1:<port>/v1``.
    app : LLMServerApp
        The application (its ``stats()`` and ``model`` are live).
    """

    def __init__(self, app: LLMServerApp, host: str, port: int, log_level: str):
        self.app = app
        self._sock = _bind(host, port)
        self.url = _url(self._sock, host)
        self._server = _uvicorn_server(app, log_level)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name="socium-llm-server",
            daemon=True,
        )

    def _start(self, timeout: float) -> ServerHandle:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("the LLM server did not start")
            time.sleep(0.01)
        return self

    def stats(self) -> dict[str, Any]:
        """Requests served and faults injected so far."""
        return self.app.stats()

    def close(self, timeout: float = 10.0) -> None:
        """Stop serving and join the thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_server_in_thread(
    *,
    backend: str = "mock",
    host: str = "127.0.0.1",
    port: int = 0,
    model_path: str | None = None,
    model: str | None = None,
    latency_s: float = 0.0,
    fault_rate: float = 0.0,
    fault_seed: int = 0,
    fault_kinds: Sequence[str] | None = None,
    hang_s: float = 30.0,
    retry_after_s: float = 0.05,
    n_ctx: int = 2048,
    log_level: str = "critical",
    start_timeout_s: float = 30.0,
) -> ServerHandle:
    """Start a server in a daemon thread on a free port; returns once it accepts requests.

    Parameters are those of :func:`serve` (``port=0`` picks a free port).

    Returns
    -------
    ServerHandle
        Use as a context manager, or call ``close()``.

    Examples
    --------
    >>> with start_server_in_thread(backend="mock") as server:  # doctest: +SKIP
    ...     print(server.url)
    http://127.0.0.1:41234/v1
    """
    app = _make_app(
        backend, model_path, model, latency_s, fault_rate, fault_seed, n_ctx,
        fault_kinds, hang_s, retry_after_s,
    )  # fmt: skip
    return ServerHandle(app, host, port, log_level)._start(start_timeout_s)


class ServerProcess:
    """A server running in a child process (see :func:`start_server_subprocess`).

    Attributes
    ----------
    url : str
        The base URL.
    process : subprocess.Popen
    """

    def __init__(self, process: subprocess.Popen[str], url: str):
        self.process = process
        self.url = url

    def close(self, timeout: float = 10.0) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after ``timeout``)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_server_subprocess(
    *,
    backend: str = "mock",
    host: str = "127.0.0.1",
    port: int = 0,
    model_path: str | None = None,
    model: str | None = None,
    latency_s: float = 0.0,
    fault_rate: float = 0.0,
    fault_seed: int = 0,
    fault_kinds: Sequence[str] | None = None,
    hang_s: float = 30.0,
    retry_after_s: float = 0.05,
    n_ctx: int = 2048,
    log_level: str = "critical",
    start_timeout_s: float = 60.0,
) -> ServerProcess:
    """Start ``python -m socium.llm.server`` on a free port and wait until it listens.

    Parameters are those of :func:`serve`. A separate process keeps the server off the
    client's interpreter lock (benchmarks).

    Returns
    -------
    ServerProcess
        Use as a context manager, or call ``close()``.
    """
    args = [
        sys.executable, "-m", "socium.llm.server",
        "--host", host, "--port", str(port), "--backend", backend,
        "--latency-s", repr(float(latency_s)),
        "--fault-rate", repr(float(fault_rate)), "--fault-seed", str(int(fault_seed)),
        "--hang-s", repr(float(hang_s)), "--retry-after-s", repr(float(retry_after_s)),
        "--n-ctx", str(int(n_ctx)), "--log-level", log_level,
    ]  # fmt: skip
    if model_path:
        args += ["--model-path", str(model_path)]
    if model:
        args += ["--model", model]
    if fault_kinds:
        args += ["--fault-kinds", ",".join(fault_kinds)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert process.stdout is not None
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(start_timeout_s)
    line = found[0] if found else ""
    if not line.startswith(_READY):
        process.kill()
        process.wait()
        raise RuntimeError(f"the LLM server did not start (exit code {process.returncode})")
    return ServerProcess(process, line[len(_READY) :].strip())


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m socium.llm.server``: :func:`serve` with command-line options."""
    parser = argparse.ArgumentParser(prog="python -m socium.llm.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--backend", choices=("local", "mock"), default="local")
    parser.add_argument("--model-path", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--latency-s", type=float, default=0.0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--fault-kinds", default=None, help="comma-separated subset")
    parser.add_argument("--hang-s", type=float, default=30.0)
    parser.add_argument("--retry-after-s", type=float, default=0.05)
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--log-level", default="warning")
    ns = parser.parse_args(argv)
    serve(
        host=ns.host,
        port=ns.port,
        backend=ns.backend,
        model_path=ns.model_path,
        model=ns.model,
        latency_s=ns.latency_s,
        fault_rate=ns.fault_rate,
        fault_seed=ns.fault_seed,
        fault_kinds=ns.fault_kinds.split(",") if ns.fault_kinds else None,
        hang_s=ns.hang_s,
        retry_after_s=ns.retry_after_s,
        n_ctx=ns.n_ctx,
        log_level=ns.log_level,
    )


def serve_llm_command(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 8000,
    backend: Annotated[
        str, typer.Option(help="local (llama.cpp on the GGUF model) or mock (instant answers).")
    ] = "local",
    model_path: Annotated[
        str | None, typer.Option(help="GGUF file (default SmolLM2-135M-Instruct).")
    ] = None,
    latency_s: Annotated[float, typer.Option(help="Seconds each request sleeps.")] = 0.0,
    fault_rate: Annotated[
        float, typer.Option(help="Share of requests that get an injected fault (0..1).")
    ] = 0.0,
    fault_seed: Annotated[int, typer.Option(help="Seed of the fault stream.")] = 0,
) -> None:
    """Serve an OpenAI-compatible API (/v1/chat/completions, /v1/models, /health)."""
    if backend not in ("local", "mock"):
        raise typer.BadParameter("must be 'local' or 'mock'", param_hint="--backend")
    if not 0.0 <= fault_rate <= 1.0:
        raise typer.BadParameter("must be in [0, 1]", param_hint="--fault-rate")
    serve(
        host=host,
        port=port,
        backend=backend,
        model_path=model_path,
        latency_s=latency_s,
        fault_rate=fault_rate,
        fault_seed=fault_seed,
    )


if __name__ == "__main__":
    main()
