"""The interface: request/response validation, keys, and the synchronous bridge."""

from __future__ import annotations

import asyncio
import threading

import pytest

from socium.llm import runtime
from socium.llm.backends.mock import MockLanguageModel
from socium.llm.interface import (
    ChatMessage,
    LanguageModel,
    LLMRequest,
    LLMResponse,
    is_retryable,
    messages_hash,
    request_key,
)


def test_request_coerces_messages_and_validates():
    r = LLMRequest([{"role": "system", "content": "s"}, ("user", "u")], tag="t")
    assert r.messages == (ChatMessage("system", "s"), ChatMessage("user", "u"))
    assert r.last_user_message == "u"
    with pytest.raises(ValueError, match="empty"):
        LLMRequest(())
    with pytest.raises(ValueError, match="max_tokens"):
        LLMRequest.user("x", max_tokens=0)
    with pytest.raises(ValueError, match="temperature"):
        LLMRequest.user("x", temperature=-1.0)
    with pytest.raises(TypeError):
        LLMRequest("just a string")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ChatMessage("", "x")


def test_retryable_codes():
    for code in ("timeout", "connection", "rate_limited", "bad_response", "http_500", "http_503"):
        assert is_retryable(code), code
    for code in (None, "http_400", "http_404", "budget_exhausted", "context_length", "http_x"):
        assert not is_retryable(code), code
    assert is_retryable("http_408")


def test_request_key_covers_what_changes_the_answer():
    base = LLMRequest.user("hi", schema={"type": "object"}, seed=1)
    key = request_key(base, "m")
    assert key == request_key(LLMRequest.user("hi", schema={"type": "object"}, seed=1), "m")
    assert key == request_key(
        LLMRequest.user("hi", schema={"type": "object"}, seed=1, tag="x"), "m"
    )
    variants = [
        request_key(base, "other-model"),
        request_key(LLMRequest.user("hi!", schema={"type": "object"}, seed=1), "m"),
        request_key(LLMRequest.user("hi", schema={"type": "string"}, seed=1), "m"),
        request_key(LLMRequest.user("hi", schema={"type": "object"}, seed=2), "m"),
        request_key(LLMRequest.user("hi", schema={"type": "object"}, seed=1, max_tokens=5), "m"),
        request_key(LLMRequest.user("hi", schema={"type": "object"}, seed=1, temperature=0.5), "m"),
    ]
    assert len({key, *variants}) == 7
    assert messages_hash(base.messages) != messages_hash(LLMRequest.user("hi!").messages)


def test_generate_from_plain_threads_repeatedly():
    lm = MockLanguageModel(texts=["a", "b", "c"])
    results: list[list[str]] = []

    def worker():
        for _ in range(5):
            results.append([r.text for r in lm.generate([LLMRequest.user("x")] * 3)])

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 15
    assert all(r == ["a", "b", "c"] for r in results)  # 3 texts, batches of 3
    assert lm.generate([]) == []


def test_generate_inside_a_running_loop_and_deadlock_guard():
    lm = MockLanguageModel(texts=["ok"])

    async def user_code():
        # A caller whose own loop is running (a notebook) may still use the sync API.
        return lm.generate([LLMRequest.user("x")])[0].text

    assert asyncio.run(user_code()) == "ok"

    async def on_background_loop():
        lm.generate([LLMRequest.user("x")])

    with pytest.raises(RuntimeError, match="await agenerate"):
        runtime.run_sync(on_background_loop())
    # The loop survives and keeps serving.
    assert lm.generate([LLMRequest.user("x")])[0].ok


def test_agenerate_under_asyncio_run_and_background_loop_share_one_model():
    lm = MockLanguageModel(latency_s=0.01)
    requests = [LLMRequest.user(f"q{i}") for i in range(4)]
    first = asyncio.run(lm.agenerate(requests))
    second = lm.generate(requests)
    assert [r.text for r in first] == [r.text for r in second]


def test_misaligned_backend_is_caught():
    class Broken(LanguageModel):
        name = "broken"

        async def agenerate(self, requests):
            return []

    with pytest.raises(RuntimeError, match="0 responses for 1 requests"):
        Broken().generate([LLMRequest.user("x")])


def test_failure_response_shape():
    r = LLMResponse.failure("timeout", model="m", latency_s=1.5)
    assert (r.text, r.prompt_tokens, r.completion_tokens, r.ok) == ("", 0, 0, False)
    assert r.error == "timeout"


def _generate_in_child(queue):
    lm = MockLanguageModel(texts=["child"])
    queue.put(lm.generate([LLMRequest.user("x")])[0].text)


@pytest.mark.timeout(30)
def test_generate_works_in_a_forked_child():
    import multiprocessing

    MockLanguageModel().generate([LLMRequest.user("start the parent's loop")])
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_generate_in_child, args=(queue,))
    child.start()
    assert queue.get(timeout=20) == "child"
    child.join(10)
    assert child.exitcode == 0
