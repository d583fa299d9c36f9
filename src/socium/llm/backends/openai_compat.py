"""OpenAI-compatible HTTP backend (vLLM, Ollama, llama.cpp server, OpenAI, ``socium serve-llm``).

One :class:`OpenAICompatModel` talks to a pool of endpoints. Each request goes to the endpoint
with the fewest outstanding requests per unit of weight (ties broken round robin). Retries are
not done here: :class:`socium.llm.wrappers.RetryModel` owns them. Failures become error codes
(``timeout``, ``connection``, ``rate_limited`` with the Retry-After, ``http_<status>``,
``bad_response``).

Two HTTP clients speak the same wire protocol (``POST {base_url}/chat/completions``):

``"aiohttp"`` (the default when aiohttp is installed)
    one ``aiohttp.ClientSession`` per event loop with a large keep-alive pool. About 0.2 ms of
    client CPU per request, so thousands of requests per second on one core.
``"openai"``
    ``openai.AsyncOpenAI`` clients (``max_retries=0``) sharing the SDK's default HTTP client
    with generous connection limits. For providers that need the SDK's own behaviour. It
    costs 1.2 to 1.8 ms of CPU per request (the SDK's request and response models, and httpx's
    connection pool, which scans every connection per request), so it tops out at a few
    hundred requests per second on one core.

The API key is read from the environment variable named by ``api_key_env`` when a client is
made, handed to the HTTP client and never kept by this class, logged, recorded, or put in an
error or a repr.
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib
import importlib.util
import json
import os
import re
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from socium.llm.interface import (
    LanguageModel,
    LLMError,
    LLMRequest,
    LLMResponse,
    http_error,
    schema_json,
)
from socium.llm.runtime import PerLoop

__all__ = [
    "DEFAULT_REMOTE_MODEL",
    "Endpoint",
    "HTTPStatusError",
    "OpenAICompatModel",
    "default_http_client",
    "error_of_exception",
]

#: The model asked for when neither the config nor the server names one.
DEFAULT_REMOTE_MODEL = "SmolLM2-135M-Instruct"
_DUMMY_KEY = "EMPTY"
_NAME_RE = re.compile(r"[^a-zA-Z0-9_-]")

HttpClientKind = Literal["aiohttp", "openai"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One server of the pool.

    Parameters
    ----------
    base_url : str
        E.g. ``http://127.0.0.1:8000/v1``.
    model : str, optional
        The model to ask this server for; default the pool's model.
    weight : float
        Relative share of the load (> 0).
    """

    base_url: str
    model: str | None = None
    weight: float = 1.0

    def __post_init__(self) -> None:
        if not self.base_url:
            raise ValueError("Endpoint.base_url must not be empty")
        if not self.weight > 0:
            raise ValueError("Endpoint.weight must be > 0")


class HTTPStatusError(Exception):
    """A non-2xx answer (raised and mapped inside this module)."""

    def __init__(self, status: int, retry_after_s: float | None = None):
        super().__init__(f"HTTP {status}")
        self.status = int(status)
        self.retry_after_s = retry_after_s


def default_http_client() -> HttpClientKind:
    """``"aiohttp"`` when aiohttp is installed, else ``"openai"``."""
    return "aiohttp" if importlib.util.find_spec("aiohttp") is not None else "openai"


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(float(value) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _status_error(status: int, retry_after: float | None) -> tuple[str, float | None]:
    if status == 429:
        return LLMError.RATE_LIMITED, retry_after
    return http_error(status), retry_after if status >= 500 else None


def error_of_exception(exc: BaseException) -> tuple[str, float | None]:
    """Map an exception of a request to an error code and a Retry-After.

    Handles the OpenAI SDK's exceptions, aiohttp's, :class:`HTTPStatusError`, and the
    decoding errors of a malformed body.

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    tuple of (str, float or None)
        The code (``timeout``, ``connection``, ``rate_limited``, ``http_<status>``,
        ``bad_response``, ``backend_error``) and the server's Retry-After in seconds.
    """
    if isinstance(exc, HTTPStatusError):
        return _status_error(exc.status, exc.retry_after_s)
    if isinstance(exc, TimeoutError):
        return LLMError.TIMEOUT, None
    openai = _maybe_import("openai")
    if openai is not None:
        if isinstance(exc, openai.APITimeoutError):
            return LLMError.TIMEOUT, None
        if isinstance(exc, openai.APIConnectionError):
            return LLMError.CONNECTION, None
        if isinstance(exc, openai.APIStatusError):
            headers = getattr(exc.response, "headers", None)
            return _status_error(int(exc.status_code), _retry_after(headers))
        if isinstance(exc, openai.APIResponseValidationError):
            return LLMError.BAD_RESPONSE, None
    aiohttp = _maybe_import("aiohttp")
    if aiohttp is not None:
        if isinstance(exc, aiohttp.ClientResponseError):  # a malformed HTTP answer
            return LLMError.BAD_RESPONSE, None
        if isinstance(exc, aiohttp.ClientError):  # dropped, refused, cut mid-body
            return LLMError.CONNECTION, None
    if isinstance(exc, ValueError | TypeError | LookupError):
        # Malformed, truncated or non-JSON bodies (json.JSONDecodeError is a ValueError).
        return LLMError.BAD_RESPONSE, None
    if isinstance(exc, OSError):
        return LLMError.CONNECTION, None
    return LLMError.BACKEND, None


def _maybe_import(name: str) -> Any:
    # Only libraries already imported can have raised: never import one just to check.
    return sys.modules.get(name)


def _parse_completion(raw: bytes | str) -> tuple[str, int, int, str | None]:
    """Text, prompt tokens, completion tokens and model of a chat completion body.

    Raises ValueError, LookupError or TypeError on a malformed body.
    """
    data = json.loads(raw)
    text = data["choices"][0]["message"]["content"]
    if not isinstance(text, str):
        raise TypeError("the completion has no text content")
    usage = data.get("usage") or {}
    model = data.get("model")
    return (
        text,
        int(usage.get("prompt_tokens") or 0),
        int(usage.get("completion_tokens") or 0),
        model if isinstance(model, str) else None,
    )


class _AiohttpClients:
    """One aiohttp session (a keep-alive pool) for every endpoint, in one event loop."""

    def __init__(
        self,
        base_urls: Sequence[str],
        api_key_env: str,
        timeout_s: float | None,
        max_connections: int,
    ):
        import aiohttp

        self._urls = [u.rstrip("/") for u in base_urls]
        connector = aiohttp.TCPConnector(
            limit=max_connections, limit_per_host=0, keepalive_timeout=30.0, ttl_dns_cache=300
        )
        self.session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=timeout_s, sock_connect=min(timeout_s or 10.0, 10.0)
            ),
            headers={
                "Authorization": "Bearer " + (os.environ.get(api_key_env) or _DUMMY_KEY),
                "Content-Type": "application/json",
            },
            raise_for_status=False,
        )

    async def chat(self, index: int, body: bytes) -> bytes:
        async with self.session.post(
            self._urls[index] + "/chat/completions", data=body
        ) as response:
            body = await response.read()
            if response.status >= 300:
                raise HTTPStatusError(response.status, _retry_after(response.headers))
            return body

    async def models(self, index: int) -> list[str]:
        async with self.session.get(self._urls[index] + "/models") as response:
            if response.status >= 300:
                raise HTTPStatusError(response.status)
            data = json.loads(await response.read())
        return [str(m["id"]) for m in data.get("data", [])]

    async def aclose(self) -> None:
        await self.session.close()


def _http_module() -> Any:
    """The HTTP library the installed SDK is built on (``httpx``, or ``httpx2`` for openai 3)."""
    import openai

    for cls in openai.DefaultAsyncHttpxClient.__mro__:
        if cls.__name__ == "AsyncClient":
            return importlib.import_module(cls.__module__.split(".")[0])
    return importlib.import_module("httpx")


class _SDKClients:
    """``openai.AsyncOpenAI`` clients, one per endpoint, sharing one HTTP client."""

    def __init__(
        self,
        base_urls: Sequence[str],
        api_key_env: str,
        timeout_s: float | None,
        max_connections: int,
    ):
        import openai

        http = _http_module()
        self.http = openai.DefaultAsyncHttpxClient(
            limits=http.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
                keepalive_expiry=30.0,
            ),
            timeout=http.Timeout(timeout_s, connect=min(timeout_s or 10.0, 10.0)),
        )
        self.clients = [
            openai.AsyncOpenAI(
                api_key=os.environ.get(api_key_env) or _DUMMY_KEY,
                base_url=url,
                max_retries=0,
                timeout=timeout_s,
                http_client=self.http,
            )
            for url in base_urls
        ]

    async def chat(self, index: int, body: bytes) -> bytes:
        # The SDK's generic POST: auth, base URL, error statuses as exceptions. The body goes
        # as is: ``chat.completions.create`` re-walks every schema with its type-directed
        # transform (about 1 ms a request).
        return await self.clients[index].post(
            "/chat/completions", cast_to=bytes, body=json.loads(body)
        )

    async def models(self, index: int) -> list[str]:
        page = await self.clients[index].models.list()
        return [m.id for m in page.data]

    async def aclose(self) -> None:
        await self.http.aclose()


class OpenAICompatModel(LanguageModel):
    """Chat completions against one or more OpenAI-compatible servers.

    Parameters
    ----------
    endpoints : sequence of Endpoint or str, optional
        The pool. A plain string is a base URL.
    base_url : str, optional
        Shorthand for a pool of one (ignored when ``endpoints`` is given).
    model : str, optional
        The model to ask for. Default: the endpoint's own, else the first model the server
        lists at ``/models``, else ``SmolLM2-135M-Instruct``.
    api_key_env : str
        Name of the environment variable holding the API key; when it is unset the dummy
        key ``EMPTY`` is sent (local servers ignore it).
    extra_body : dict, optional
        Extra JSON fields sent with every request (e.g. vLLM's ``guided_decoding_backend``).
    timeout_s : float, optional
        Socket-level timeout of one request.
    max_connections : int
        Size of the shared keep-alive connection pool.
    http_client : {"aiohttp", "openai"}, optional
        The HTTP client (see the module docstring); default :func:`default_http_client`.

    Notes
    -----
    A request with a schema is sent with ``response_format={"type": "json_schema",
    "json_schema": {"name": ..., "schema": ..., "strict": false}}``, which vLLM, llama.cpp
    server, Ollama, OpenAI and ``socium serve-llm`` honour.

    Examples
    --------
    >>> lm = OpenAICompatModel(base_url="http://127.0.0.1:8000/v1", model="m")
    >>> lm
    OpenAICompatModel(model='m', endpoints=['http://127.0.0.1:8000/v1'])
    """

    def __init__(
        self,
        endpoints: Sequence[Endpoint | str] | None = None,
        *,
        base_url: str | None = None,
        model: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        extra_body: Mapping[str, Any] | None = None,
        timeout_s: float | None = 60.0,
        max_connections: int = 1024,
        http_client: HttpClientKind | None = None,
    ):
        if endpoints:
            pool = [e if isinstance(e, Endpoint) else Endpoint(str(e)) for e in endpoints]
        elif base_url:
            pool = [Endpoint(base_url)]
        else:
            raise ValueError("OpenAICompatModel needs base_url or endpoints")
        if max_connections < 1:
            raise ValueError("max_connections must be >= 1")
        kind = http_client or default_http_client()
        if kind not in ("aiohttp", "openai"):
            raise ValueError(f"http_client must be 'aiohttp' or 'openai', got {kind!r}")
        self.http_client: HttpClientKind = kind
        self.endpoints = tuple(pool)
        self._model = model
        self.api_key_env = api_key_env
        self.extra_body = dict(extra_body) if extra_body else None
        self.timeout_s = timeout_s
        self.max_connections = int(max_connections)
        self._discovered: list[str | None] = [None] * len(pool)
        self._prepared = [e.model is not None or model is not None for e in pool]
        self._discover_after = 0.0
        self._weights = [float(e.weight) for e in pool]
        #: Requests now in flight, per endpoint.
        self.outstanding = [0] * len(pool)
        #: Requests sent so far, per endpoint.
        self.served = [0] * len(pool)
        self._next = 0
        self._clients: PerLoop[_AiohttpClients | _SDKClients] = PerLoop(self._make_clients)
        self._discovery_lock: PerLoop[asyncio.Lock] = PerLoop(asyncio.Lock)

    def _make_clients(self) -> _AiohttpClients | _SDKClients:
        kind = _AiohttpClients if self.http_client == "aiohttp" else _SDKClients
        return kind(
            [e.base_url for e in self.endpoints],
            self.api_key_env,
            self.timeout_s,
            self.max_connections,
        )

    # -- naming ---------------------------------------------------------------------------
    def _model_of(self, index: int) -> str:
        return (
            self.endpoints[index].model
            or self._model
            or self._discovered[index]
            or DEFAULT_REMOTE_MODEL
        )

    @property
    def name(self) -> str:
        return self._model_of(0)

    async def aprepare(self) -> None:
        """Ask servers without a configured model which model they serve (``GET /models``).

        Called by :meth:`agenerate` on first use, and by the cache before it computes keys,
        so that :attr:`name` is the served model from the first call on. A server that does
        not answer keeps the default name and is asked again next time.
        """
        if all(self._prepared) or time.monotonic() < self._discover_after:
            return
        async with self._discovery_lock.get():
            clients = self._clients.get()
            for i, done in enumerate(self._prepared):
                if done:
                    continue
                try:
                    ids = await asyncio.wait_for(clients.models(i), 10.0)
                except Exception as exc:
                    code, _ = error_of_exception(exc)
                    if code.startswith("http_"):
                        # The server answered but lists no models: keep the default name.
                        self._prepared[i] = True
                    else:  # unreachable for now: ask again in a while, not every batch
                        self._discover_after = time.monotonic() + 30.0
                    continue
                self._discovered[i] = ids[0] if ids else None
                self._prepared[i] = True

    # -- load balancing -------------------------------------------------------------------
    def _pick(self) -> int:
        n = len(self.endpoints)
        if n == 1:
            return 0
        best, best_load = 0, float("inf")
        for k in range(n):
            i = (self._next + k) % n
            load = (self.outstanding[i] + 1) / self._weights[i]
            if load < best_load:
                best, best_load = i, load
        self._next = (best + 1) % n
        return best

    # -- requests -------------------------------------------------------------------------
    def _response_format(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        title = str(schema.get("title") or "response")
        return {
            "type": "json_schema",
            "json_schema": {
                "name": _NAME_RE.sub("_", title)[:64] or "response",
                "schema": schema,
                "strict": False,
            },
        }

    def payload(self, request: LLMRequest, model: str) -> dict[str, Any]:
        """The JSON body of ``request`` for ``model``, as a dict."""
        payload: dict[str, Any] = {
            "model": model,
            "messages": request.wire_messages(),
            "max_tokens": int(request.max_tokens),
            "temperature": float(request.temperature),
        }
        if request.seed is not None:
            payload["seed"] = int(request.seed)
        if request.schema is not None:
            payload["response_format"] = self._response_format(request.schema)
        if self.extra_body:
            payload.update(self.extra_body)
        return payload

    def body(self, request: LLMRequest, model: str) -> bytes:
        """:meth:`payload` serialised, with the schema's memoized JSON spliced in."""
        schema = request.schema
        if schema is None or (self.extra_body and "response_format" in self.extra_body):
            return json.dumps(self.payload(request, model)).encode()
        head = json.dumps(
            self.payload(
                LLMRequest(
                    request.messages, None, request.max_tokens, request.temperature, request.seed
                ),
                model,
            )
        )
        fmt = self._response_format(schema)["json_schema"]
        return (
            f'{head[:-1]},"response_format":{{"type":"json_schema","json_schema":'
            f'{{"name":{json.dumps(fmt["name"])},"schema":{schema_json(schema)},'
            f'"strict":false}}}}}}'
        ).encode()

    async def _one(
        self, clients: _AiohttpClients | _SDKClients, request: LLMRequest
    ) -> LLMResponse:
        index = self._pick()
        model = self._model_of(index)
        self.outstanding[index] += 1
        self.served[index] += 1
        start = time.perf_counter()
        try:
            raw = await clients.chat(index, self.body(request, model))
            text, prompt, completion, answered_by = _parse_completion(raw)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            code, retry_after = error_of_exception(exc)
            return LLMResponse.failure(
                code,
                model=model,
                latency_s=time.perf_counter() - start,
                retry_after_s=retry_after,
            )
        finally:
            self.outstanding[index] -= 1
        return LLMResponse(
            text=text,
            prompt_tokens=prompt,
            completion_tokens=completion,
            latency_s=time.perf_counter() - start,
            model=answered_by or model,
        )

    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        await self.aprepare()
        clients = self._clients.get()
        if len(requests) == 1:
            return [await self._one(clients, requests[0])]
        return list(await asyncio.gather(*(self._one(clients, r) for r in requests)))

    def endpoint_stats(self) -> list[dict[str, Any]]:
        """Per endpoint: base URL, model, weight, requests outstanding and served."""
        return [
            {
                "base_url": e.base_url,
                "model": self._model_of(i),
                "weight": e.weight,
                "outstanding": self.outstanding[i],
                "served": self.served[i],
            }
            for i, e in enumerate(self.endpoints)
        ]

    async def aclose(self) -> None:
        clients = self._clients.pop_current()
        if clients is not None:
            await clients.aclose()

    def close(self) -> None:
        super().close()
        self._clients.clear()

    def __repr__(self) -> str:
        urls = [e.base_url for e in self.endpoints]
        return f"OpenAICompatModel(model={self.name!r}, endpoints={urls!r})"
