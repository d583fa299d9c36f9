"""The mock backend: deterministic, schema-aware, scripted."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Annotated, Literal

import numpy as np
import pytest
from pydantic import BaseModel, Field

from socium.llm.backends.mock import MockLanguageModel, mock_text
from socium.llm.interface import LLMRequest
from socium.llm.schema_sample import sample_json


class Post(BaseModel):
    action: Literal["post"]
    text: str = Field(max_length=20, min_length=2)


class Follow(BaseModel):
    action: Literal["follow"]
    target: int = Field(ge=0, le=9)


class Rate(BaseModel):
    action: Literal["rate"]
    score: float = Field(gt=0.0, lt=1.0)
    tags: list[Literal["a", "b"]] = Field(min_length=1, max_length=3)


class Inner(BaseModel):
    flag: bool
    note: str | None = None


class Decision(BaseModel):
    choice: Annotated[Post | Follow | Rate, Field(discriminator="action")]
    opinion: float = Field(ge=-1, le=1)
    steps: int = Field(gt=2, lt=5)
    inner: Inner
    mood: Literal["calm", "angry"] = "calm"


SCHEMA = Decision.model_json_schema()


def test_schema_has_defs_and_refs():
    # The test exercises pydantic's $defs / $ref / oneOf-with-discriminator output.
    text = json.dumps(SCHEMA)
    assert "$defs" in text and "$ref" in text and "oneOf" in text


def test_schema_mode_is_valid_for_many_requests():
    lm = MockLanguageModel()
    requests = [LLMRequest.user(f"agent {i}", schema=SCHEMA) for i in range(300)]
    responses = lm.generate(requests)
    seen_actions = set()
    for response in responses:
        decision = Decision.model_validate_json(response.text)  # raises if invalid
        seen_actions.add(decision.choice.action)
        assert response.completion_tokens == len(response.text) // 4
    assert seen_actions == {"post", "follow", "rate"}


def test_schema_mode_is_deterministic_and_seed_sensitive():
    r1 = LLMRequest.user("same prompt", schema=SCHEMA, seed=3)
    a = MockLanguageModel().generate([r1])[0].text
    b = MockLanguageModel().generate([r1])[0].text
    assert a == b == mock_text(r1)
    others = {mock_text(LLMRequest.user("same prompt", schema=SCHEMA, seed=s)) for s in range(20)}
    assert len(others) > 10


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "exclusiveMinimum": 2, "exclusiveMaximum": 4},
        {"type": "number", "minimum": 5, "maximum": 5},
        {"type": "string", "maxLength": 3},
        {"type": "string", "minLength": 50},
        {"enum": [1, "two", None]},
        {"const": {"a": 1}},
        {"type": ["null", "boolean"]},
        {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
        {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 7, "maximum": 7}]},
        {"allOf": [{"$ref": "#/definitions/X"}], "definitions": {"X": {"const": "x"}}},
    ],
)
def test_sample_json_respects_constraints(schema):
    for seed in range(30):
        value = sample_json(schema, np.random.default_rng(seed))
        if schema.get("type") == "integer":
            assert value == 3
        elif schema.get("type") == "number":
            assert value == 5.0
        elif schema.get("maxLength") == 3:
            assert isinstance(value, str) and len(value) <= 3
        elif schema.get("minLength") == 50:
            assert isinstance(value, str) and len(value) >= 50
        elif "enum" in schema:
            assert value in schema["enum"]
        elif "const" in schema:
            assert value == {"a": 1}
        elif isinstance(schema.get("type"), list):
            assert isinstance(value, bool)
        elif schema.get("type") == "array":
            assert len(value) == 2 and all(isinstance(v, int) for v in value)
        elif "anyOf" in schema:
            assert value in (None, 7)
        else:
            assert value == "x"


def test_sample_json_rejects_remote_refs():
    with pytest.raises(ValueError, match="local"):
        sample_json({"$ref": "http://example.com/s.json"}, np.random.default_rng(0))


def test_cycle_map_and_callable_modes():
    cycle = MockLanguageModel(texts=["a", "b"])
    assert [r.text for r in cycle.generate([LLMRequest.user("x")] * 5)] == list("ababa")
    mapped = MockLanguageModel(responses={"weather": "sunny", "vote": "yes"})
    texts = [
        r.text
        for r in mapped.generate(
            [LLMRequest.user("the weather?"), LLMRequest.user("will you vote")]
        )
    ]
    assert texts == ["sunny", "yes"]
    # Unmatched requests fall back to the schema-aware answer.
    fallback = LLMRequest.user("nothing matches", schema={"type": "boolean"})
    assert mapped.generate([fallback])[0].text in ("true", "false")
    fn = MockLanguageModel(fn=lambda r: r.last_user_message.upper())
    assert fn.generate([LLMRequest.user("shout")])[0].text == "SHOUT"
    with pytest.raises(ValueError, match="at most one"):
        MockLanguageModel(texts=["a"], fn=str)


def test_scripted_failures_and_latency_are_concurrent():
    lm = MockLanguageModel(
        texts=["ok"], failures=[None, "http_500", None, "rate_limited"], retry_after_s=0.3,
        latency_s=0.2,
    )  # fmt: skip
    start = time.perf_counter()
    responses = lm.generate([LLMRequest.user("x")] * 6)
    elapsed = time.perf_counter() - start
    assert [r.error for r in responses] == [None, "http_500", None, "rate_limited", None, None]
    assert responses[3].retry_after_s == 0.3
    assert responses[1].text == "" and responses[0].text == "ok"
    assert lm.calls == 6 and lm.max_in_flight == 6
    assert elapsed < 1.0  # six 0.2 s sleeps overlapped (1.2 s one after another)


def test_callable_failure_script():
    lm = MockLanguageModel(
        failures=lambda request, i: "timeout" if "bad" in request.last_user_message else None
    )
    responses = asyncio.run(lm.agenerate([LLMRequest.user("good"), LLMRequest.user("bad")]))
    assert [r.error for r in responses] == [None, "timeout"]
