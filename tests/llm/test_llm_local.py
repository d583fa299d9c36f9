"""The local llama.cpp backend on SmolLM2-135M-Instruct, in-process and over HTTP."""

from __future__ import annotations

import importlib.util
from typing import Literal

import numpy as np
import pytest
from pydantic import BaseModel, Field

from socium.llm import LLMConfig, build_language_model
from socium.llm.backends.local import LocalLlamaModel, LocalModelUnavailable
from socium.llm.backends.openai_compat import OpenAICompatModel
from socium.llm.interface import LLMRequest
from socium.llm.server import start_server_in_thread

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None,
    reason="llama-cpp-python is not installed (pip install llama-cpp-python)",
)


class Decision(BaseModel):
    action: Literal["post", "skip"]
    confidence: int = Field(ge=0, le=9)


def _request(**kwargs):
    return LLMRequest.user(
        "Your opinion is 0.3. Do you post or skip? Answer in JSON.",
        system="You are an agent on a social platform.",
        schema=Decision.model_json_schema(),
        max_tokens=24,
        **kwargs,
    )


@pytest.mark.timeout(300)
def test_local_backend_schema_valid_and_deterministic():
    lm = build_language_model(LLMConfig(backend="local", cache=False), rng=np.random.default_rng(0))
    try:
        first = lm.generate([_request(), _request(seed=3, temperature=0.8)])
        again = lm.generate([_request(), _request(seed=3, temperature=0.8)])
    finally:
        lm.close()
    for response in first:
        assert response.ok, response.error
        Decision.model_validate_json(response.text)
        assert response.prompt_tokens > 10 and response.completion_tokens > 0
        assert response.model == "SmolLM2-135M-Instruct"
    assert [r.text for r in first] == [r.text for r in again]


@pytest.mark.timeout(300)
def test_local_backend_timeout_drops_queued_requests():
    lm = build_language_model(
        LLMConfig(backend="local", cache=False, timeout_s=0.05, max_retries=0, concurrency=8),
        rng=np.random.default_rng(0),
    )
    try:
        stories = [LLMRequest.user(f"Tell story {i}.", max_tokens=8) for i in range(6)]
        assert [r.error for r in lm.generate(stories)] == ["timeout"] * 6
        lm.limits.timeout_s = 60.0
        assert lm.generate([_request()])[0].ok  # the worker was not left with 6 stories
    finally:
        lm.close()


def test_missing_model_file_is_one_clear_line(tmp_path):
    with pytest.raises(LocalModelUnavailable, match="model_path") as err:
        LocalLlamaModel(tmp_path / "nope.gguf")
    assert "\n" not in str(err.value)


@pytest.mark.timeout(300)
def test_serve_llm_local_answers_over_http():
    with start_server_in_thread(backend="local") as server:
        lm = OpenAICompatModel(base_url=server.url)
        try:
            (response,) = lm.generate([_request()])
        finally:
            lm.close()
    assert response.ok, response.error
    assert response.model == "SmolLM2-135M-Instruct"
    Decision.model_validate_json(response.text)


def test_corrupt_model_file_is_an_error_response(tmp_path):
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a gguf file")
    lm = LocalLlamaModel(bogus)
    (response,) = lm.generate([LLMRequest.user("x", max_tokens=4)])
    assert response.error == "backend_error" and response.model == "bogus"
