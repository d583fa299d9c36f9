"""A real offline end-to-end run: 5 SmolLM2-driven users among 500 rule users, 3 steps.

This is the packaged demo config at a smaller size, with the local llama.cpp backend and no
network. It checks that the LLM users really decided (schema-valid answers, recorded calls
with token counts), that their decisions went through the same world as the rule users, and
that nothing was written outside the run directory's database and files.
"""

from __future__ import annotations

import pytest

import socium
from socium.cli import DEMO_CONFIG
from socium.llm.backends.local import local_backend_available

pytestmark = pytest.mark.skipif(
    local_backend_available() is not None, reason=f"{local_backend_available()}"
)


@pytest.mark.timeout(600)
def test_five_local_llm_users_among_500_rule_users(tmp_path):
    run = socium.run(
        DEMO_CONFIG,
        out=tmp_path / "run",
        **{"population.size": 500, "steps": 3},
    )
    final = run.final
    assert final["mixed_group_sizes"] == [5, 495]
    assert final["llm_decisions"] > 0
    decisions = run.table("llm_decisions")
    assert set(decisions["agent"]) <= set(range(5))
    # constrained decoding gives schema-valid answers: most decisions are the model's own
    assert decisions["ok"].astype(bool).sum() >= 1
    calls = run.table("llm_calls")
    assert len(calls) == final["llm_calls"]
    assert (calls["prompt_tokens"] > 0).all()
    assert calls["model"].str.contains("SmolLM2", case=False).all()
    actions = run.table("actions")
    llm_rows = actions[actions["source"] == "llm"]
    assert set(llm_rows["agent"]) <= set(range(5))
    assert len(llm_rows) == int(decisions["ok"].astype(bool).sum())
