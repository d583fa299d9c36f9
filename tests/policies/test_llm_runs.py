"""Whole runs with LLM policies (mock backend): cache, interviews, resume after SIGKILL, keys."""

import sqlite3

import numpy as np
import pandas as pd
import pytest

import socium
from killing import kill_run_and_resume
from socium.experiment.interview import interview

OPINION = {
    "network": {"kind": "erdos_renyi", "n": 24, "p": 0.25},
    "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.4},
    "policy": {"kind": "llm", "memory_items": 3},
    "llm": {"backend": "mock"},
    "record": {"plots": False},
}


def test_rerun_hits_the_cache_with_identical_results(tmp_path):
    cache = tmp_path / "cache.sqlite"
    cfg = {
        **OPINION,
        "run": {"seed": 3, "steps": 3},
        "llm": {"backend": "mock", "cache_path": str(cache)},
    }
    first = socium.run(cfg)
    second = socium.run(cfg)
    calls1, calls2 = first.table("llm_calls"), second.table("llm_calls")
    assert len(calls1) == len(calls2) > 0
    assert not calls1["cached"].any()  # every request went to the backend
    assert calls2["cached"].all()  # none did
    assert calls1["prompt_hash"].tolist() == calls2["prompt_hash"].tolist()
    pd.testing.assert_frame_equal(first.metrics, second.metrics)
    pd.testing.assert_frame_equal(first.agents, second.agents)
    assert first.final == second.final


def test_interviews_mid_run_and_after_are_recorded(tmp_path):
    cfg = {
        **OPINION,
        "run": {"seed": 2, "steps": 4},
        "interviews": [
            {"question": "What do you think now?", "agents": [0, 5], "step": 2},
            {"question": "Any regrets?", "agents": [1]},
        ],
    }
    run = socium.run(cfg, out=tmp_path / "run")
    table = run.table("interviews")
    assert table[["step", "agent"]].values.tolist() == [[2, 0], [2, 5]]
    assert set(table["question"]) == {"What do you think now?"}
    assert table["answer"].str.startswith("mock reply").all()
    after = run.table("interviews_after_run")
    assert after["agent"].tolist() == [1] and after["answer"].notna().all()
    # post-run probe from the run directory, appended with the final step
    frame = interview(tmp_path / "run", [3], "Who are you?")
    assert frame[["step", "agent"]].values.tolist() == [[4, 3]]
    con = sqlite3.connect(tmp_path / "run" / "run.sqlite")
    rows = con.execute("SELECT step, agent, question FROM interviews ORDER BY step").fetchall()
    assert rows[-1] == (4, 3, "Who are you?")
    tags = [t for (t,) in con.execute("SELECT tag FROM llm_calls WHERE tag LIKE 'interview:%'")]
    assert "interview:3" in tags


def test_interviews_in_a_mixed_population_route_to_the_groups(tmp_path):
    cfg = {
        **OPINION,
        "run": {"seed": 2, "steps": 2},
        "policy": {
            "kind": "mixed",
            "groups": [{"select": {"ids": [0, 4]}, "policy": {"kind": "llm"}}],
        },
        "interviews": [{"question": "Why?", "agents": [2, 10], "step": 1}],
    }
    table = socium.run(cfg).table("interviews")
    assert table["agent"].tolist() == [2, 10]
    assert table["answer"].iloc[0].startswith("mock reply") and pd.isna(table["answer"].iloc[1])


@pytest.mark.parametrize(
    "policy",
    [
        {"kind": "llm", "memory_items": 2},
        {
            "kind": "mixed",
            "groups": [
                {"select": {"fraction": 0.3}, "policy": {"kind": "llm", "fallback": "rules"}},
                {"select": {"ids": [0, 12]}, "policy": {"kind": "archetype", "max_groups": 3}},
            ],
        },
    ],
    ids=["llm", "mixed"],
)
def test_resume_of_an_llm_run_is_identical_after_sigkill(tmp_path, policy):
    cfg = {**OPINION, "policy": policy, "run": {"seed": 9, "steps": 12, "checkpoint_every": 3}}
    kill_run_and_resume(
        cfg,
        tmp_path,
        7,
        queries=[
            "SELECT step, agent, attempts, ok, action FROM llm_decisions ORDER BY rowid",
            "SELECT step, prompt_hash, response_text FROM llm_calls ORDER BY step, prompt_hash",
        ],
    )


def test_no_api_key_reaches_the_database_or_logs(tmp_path, monkeypatch, capfd, caplog):
    secret = "sk-test-" + "9f8e7d6c5b4a" * 3
    monkeypatch.setenv("SOCIUM_TEST_SECRET_KEY", secret)
    cfg = {
        "population": {"size": 6},
        "world": {"name": "games", "pairing": "random", "social_cot": True},
        "policy": {"kind": "llm"},
        "llm": {
            "backend": "openai",
            "base_url": "http://127.0.0.1:9/v1",  # nothing listens there
            "model": "dead",
            "api_key_env": "SOCIUM_TEST_SECRET_KEY",
            "max_retries": 0,
            "timeout_s": 2.0,
        },
        "run": {"seed": 1, "steps": 2},
        "interviews": [{"question": "Hello?", "agents": [0], "step": 1}],
    }
    run = socium.run(cfg, out=tmp_path / "run")
    assert run.final["llm_fallbacks"] == run.final["llm_decisions"] == 12
    reasons = set(run.table("llm_decisions")["fallback_reason"])
    assert reasons and all(r in {"connection", "timeout"} for r in reasons)
    files = [p for p in (tmp_path / "run").rglob("*") if p.is_file()]
    assert any(p.name == "run.sqlite" for p in files)
    for path in files:
        assert secret.encode() not in path.read_bytes(), path.name
        assert b"sk-test-" not in path.read_bytes(), path.name
    captured = capfd.readouterr()
    assert secret not in captured.out + captured.err + caplog.text


def test_llm_policy_drives_every_opinion_model_and_games():
    from socium.worlds.opinion import OpinionWorld

    for cfg in OpinionWorld.example_configs():
        cfg = {
            **cfg,
            "run": {"steps": 2, "seed": 1},
            "policy": {"kind": "llm"},
            "llm": {"backend": "mock"},
        }
        if "network" in cfg and cfg["network"].get("n", 0) > 60:
            cfg["network"] = {**cfg["network"], "n": 40}
        cfg.pop("population", None) if "network" in cfg else cfg.update(population={"size": 40})
        run = socium.run(cfg)
        assert run.final["llm_decisions"] > 0 and run.final["llm_fallbacks"] == 0, cfg
        assert np.isfinite(run.final["mean"])
