"""The language-model interface: batched requests in, aligned responses out.

Every backend (OpenAI-compatible HTTP, local llama.cpp, scripted mock) and every wrapper (cache,
retry, limits, budget, accounting) implements :class:`LanguageModel`. A call takes a sequence of
:class:`LLMRequest` and returns a list of :class:`LLMResponse` of the same length, in the same
order. Failures are data, not exceptions: a failed request has ``text == ""`` and ``error`` set
to a short code (see :class:`LLMError`).

Examples
--------
>>> from socium.llm import LLMRequest, MockLanguageModel
>>> lm = MockLanguageModel(texts=["hello"])
>>> [r.text for r in lm.generate([LLMRequest.user("hi")])]
['hello']
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from socium.llm import runtime

__all__ = [
    "RETRYABLE_ERRORS",
    "ChatMessage",
    "LLMError",
    "LLMRequest",
    "LLMResponse",
    "LanguageModel",
    "estimate_tokens",
    "http_error",
    "is_retryable",
    "messages_hash",
    "request_key",
    "schema_json",
]


class LLMError(StrEnum):
    """The fixed error codes of :attr:`LLMResponse.error` (plus ``http_<status>``)."""

    TIMEOUT = "timeout"
    CONNECTION = "connection"
    RATE_LIMITED = "rate_limited"
    BUDGET_EXHAUSTED = "budget_exhausted"
    BAD_RESPONSE = "bad_response"
    CONTEXT_LENGTH = "context_length"
    BAD_REQUEST = "bad_request"
    BACKEND = "backend_error"
    CANCELLED = "cancelled"


#: Error codes worth another attempt (``http_5xx`` and ``http_408`` are retryable too).
RETRYABLE_ERRORS = frozenset(
    {LLMError.TIMEOUT, LLMError.CONNECTION, LLMError.RATE_LIMITED, LLMError.BAD_RESPONSE}
)


def http_error(status: int) -> str:
    """The error code of an HTTP status, e.g. ``http_error(503) == "http_503"``."""
    return f"http_{int(status)}"


def is_retryable(error: str | None) -> bool:
    """Whether a response with this error code may succeed when sent again.

    Parameters
    ----------
    error : str or None
        :attr:`LLMResponse.error`.

    Returns
    -------
    bool
        True for timeouts, dropped connections, rate limits, malformed bodies, HTTP 5xx and
        HTTP 408; False for success and every other error (bad requests, budget...).

    Examples
    --------
    >>> is_retryable("http_503"), is_retryable("http_400"), is_retryable(None)
    (True, False, False)
    """
    if error is None:
        return False
    if error in RETRYABLE_ERRORS:
        return True
    if error.startswith("http_"):
        code = error[5:]
        return code.isdigit() and (code.startswith("5") or code == "408")
    return False


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One chat turn.

    Parameters
    ----------
    role : str
        ``"system"``, ``"user"`` or ``"assistant"`` (other roles pass through to the backend).
    content : str
        The text.
    """

    role: str
    content: str

    def __post_init__(self) -> None:
        if not isinstance(self.role, str) or not self.role:
            raise ValueError("ChatMessage.role must be a non-empty string")
        if not isinstance(self.content, str):
            raise TypeError("ChatMessage.content must be a string")

    def as_dict(self) -> dict[str, str]:
        """The OpenAI wire form ``{"role": ..., "content": ...}``."""
        return {"role": self.role, "content": self.content}


def _as_message(item: Any) -> ChatMessage:
    if isinstance(item, ChatMessage):
        return item
    if isinstance(item, Mapping):
        return ChatMessage(str(item["role"]), str(item["content"]))
    role, content = item
    return ChatMessage(role, content)


@dataclass(frozen=True, slots=True)
class LLMRequest:
    """One completion request.

    Parameters
    ----------
    messages : tuple of ChatMessage
        The conversation; dicts ``{"role", "content"}`` and ``(role, content)`` pairs are
        converted.
    schema : dict, optional
        A JSON schema the answer must follow: constrained decoding where the backend can,
        otherwise sent as ``response_format={"type": "json_schema", ...}``. Share one
        schema object across requests and do not mutate it once sent (its serialisation is
        memoized, see :func:`schema_json`).
    max_tokens : int
        The most completion tokens.
    temperature : float
        Sampling temperature; 0 is greedy.
    seed : int, optional
        Sampling seed, for backends that take one.
    tag : str
        Free text for accounting (``"decide"``, ``"interview"``...); not sent to the model.
    """

    messages: tuple[ChatMessage, ...]
    schema: dict[str, Any] | None = None
    max_tokens: int = 256
    temperature: float = 0.0
    seed: int | None = None
    tag: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.messages, str | bytes) or not isinstance(self.messages, Iterable):
            raise TypeError("LLMRequest.messages must be a sequence of ChatMessage")
        messages = tuple(_as_message(m) for m in self.messages)
        if not messages:
            raise ValueError("LLMRequest.messages must not be empty")
        object.__setattr__(self, "messages", messages)
        if self.schema is not None and not isinstance(self.schema, Mapping):
            raise TypeError("LLMRequest.schema must be a JSON schema dict or None")
        if int(self.max_tokens) < 1:
            raise ValueError("LLMRequest.max_tokens must be >= 1")
        if not float(self.temperature) >= 0.0:
            raise ValueError("LLMRequest.temperature must be >= 0")

    @classmethod
    def user(cls, text: str, *, system: str | None = None, **kwargs: Any) -> LLMRequest:
        """A request of one user message, optionally after a system message.

        Examples
        --------
        >>> LLMRequest.user("hi", system="be brief").messages[0].role
        'system'
        """
        messages = [ChatMessage("system", system)] if system is not None else []
        messages.append(ChatMessage("user", text))
        return cls(tuple(messages), **kwargs)

    @property
    def last_user_message(self) -> str:
        """The content of the last ``user`` message ("" when there is none)."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.content
        return ""

    def wire_messages(self) -> list[dict[str, str]]:
        """The messages as OpenAI wire dicts."""
        return [m.as_dict() for m in self.messages]


@dataclass(frozen=True, slots=True)
class LLMResponse:
    """The answer to one :class:`LLMRequest`.

    Parameters
    ----------
    text : str
        The completion ("" on error).
    prompt_tokens, completion_tokens : int
        Token usage as reported by the backend (estimated where it reports none).
    latency_s : float
        Wall seconds from the first attempt to the answer, as seen by the caller (0 for a
        cache hit).
    model : str
        The model that answered.
    error : str, optional
        None on success, else a code of :class:`LLMError` or ``http_<status>``.
    cached : bool
        Whether the answer came from the response cache.
    attempts : int
        How many times the request was sent.
    retry_after_s : float, optional
        The server's Retry-After, in seconds, when it sent one (rate limits).
    retried_errors : tuple of str
        The error of every earlier attempt that was retried (so every fault is accounted
        for, including those a retry recovered from).
    """

    text: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    model: str
    error: str | None = None
    cached: bool = False
    attempts: int = 1
    retry_after_s: float | None = field(default=None, compare=False)
    retried_errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the request succeeded."""
        return self.error is None

    @property
    def total_tokens(self) -> int:
        """``prompt_tokens + completion_tokens``."""
        return self.prompt_tokens + self.completion_tokens

    @classmethod
    def failure(
        cls,
        error: str,
        *,
        model: str,
        latency_s: float = 0.0,
        attempts: int = 1,
        retry_after_s: float | None = None,
    ) -> LLMResponse:
        """A failed response: empty text, no tokens."""
        return cls(
            text="",
            prompt_tokens=0,
            completion_tokens=0,
            latency_s=latency_s,
            model=model,
            error=str(error),
            attempts=attempts,
            retry_after_s=retry_after_s,
        )


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def messages_hash(messages: Sequence[ChatMessage]) -> str:
    """sha256 (hex) of the canonical JSON of ``messages``.

    Examples
    --------
    >>> len(messages_hash([ChatMessage("user", "hi")]))
    64
    """
    return hashlib.sha256(_canonical([[m.role, m.content] for m in messages]).encode()).hexdigest()


_schema_json_memo: dict[int, tuple[Any, str]] = {}
_SCHEMA_MEMO_SIZE = 1024


def schema_json(schema: Mapping[str, Any]) -> str:
    """The canonical JSON (sorted keys, compact) of a schema, memoized by object identity.

    A policy sends one schema object with thousands of requests; serialising it once saves
    tens of microseconds per request. Schemas are therefore treated as immutable once used:
    mutate a copy, not a schema already sent.

    Examples
    --------
    >>> schema_json({"type": "object", "properties": {}})
    '{"properties":{},"type":"object"}'
    """
    entry = _schema_json_memo.get(id(schema))
    if entry is not None and entry[0] is schema:
        return entry[1]
    text = _canonical(schema)
    if len(_schema_json_memo) >= _SCHEMA_MEMO_SIZE:
        _schema_json_memo.clear()
    _schema_json_memo[id(schema)] = (schema, text)
    return text


def request_key(request: LLMRequest, model: str) -> str:
    """The cache key of ``request`` sent to ``model``: sha256 of its canonical JSON.

    The key covers the model name, messages, schema, max_tokens, temperature and seed; not the
    tag.
    """
    payload = {
        "model": model,
        "messages": [[m.role, m.content] for m in request.messages],
        "max_tokens": int(request.max_tokens),
        "temperature": float(request.temperature),
        "seed": request.seed,
    }
    digest = hashlib.sha256(_canonical(payload).encode())
    digest.update(b"|schema=")
    digest.update(b"null" if request.schema is None else schema_json(request.schema).encode())
    return digest.hexdigest()


def estimate_tokens(text: str) -> int:
    """A rough token count: ``len(text) // 4`` (at least 1 for non-empty text)."""
    return max(len(text) // 4, 1 if text else 0)


class LanguageModel(ABC):
    """A batched language model.

    Subclasses implement :meth:`agenerate` (concurrent inside) and :attr:`name`; they may
    override :meth:`aclose` to release connections or models.

    The synchronous :meth:`generate` runs :meth:`agenerate` on the llm package's persistent
    background event loop (:mod:`socium.llm.runtime`), so it works from any thread, with or
    without an event loop of its own, and can be called any number of times.
    """

    @property
    @abstractmethod
    def name(self) -> str:
        """The model name (recorded with every response and part of cache keys)."""

    @abstractmethod
    async def agenerate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Answer ``requests`` concurrently.

        Parameters
        ----------
        requests : sequence of LLMRequest

        Returns
        -------
        list of LLMResponse
            Aligned with ``requests``: same length, same order. Never raises for a failed
            request; the response carries the error.
        """

    def generate(self, requests: Sequence[LLMRequest]) -> list[LLMResponse]:
        """Synchronous :meth:`agenerate` (runs on the background event loop).

        Raises
        ------
        RuntimeError
            When called from inside the background loop (await :meth:`agenerate` there).
        """
        requests = list(requests)
        if not requests:
            return []
        responses = runtime.run_sync(self.agenerate(requests))
        if len(responses) != len(requests):
            raise RuntimeError(
                f"{type(self).__name__} returned {len(responses)} responses "
                f"for {len(requests)} requests"
            )
        return responses

    async def aprepare(self) -> None:  # noqa: B027 - optional hook
        """Resolve lazy settings before a first call (e.g. ask a server which model it serves).

        Wrappers forward it; the cache calls it before computing keys so that :attr:`name` is
        final. The default does nothing.
        """

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release resources bound to the running loop (connections, worker threads)."""

    def close(self) -> None:
        """Release resources; the model must not be used afterwards."""
        if runtime.in_loop_thread():
            runtime.get_loop().create_task(self.aclose())
        else:
            runtime.run_sync(self.aclose())

    def __enter__(self) -> LanguageModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
