"""The LLM policy (``[policy] kind = "llm"``): one language-model decision per agent and step.

For each batch the engine hands over:

1. the world renders every agent's observation as text (:meth:`World.render_observations`),
   cut to ``observation_tokens``;
2. one prompt per agent is rendered from the template (:mod:`socium.policies.prompts`): the
   world's instructions and the persona (system), the agent's bounded memory
   (:mod:`socium.policies.memory`), the observation and the allowed actions (user);
3. **all** requests of the batch go to the language model in one batched call (concurrent
   inside), each with the menu's JSON schema (constrained decoding where the backend can) and a
   deterministic seed;
4. every answer is validated by :meth:`ActionMenu.parse` — an answer naming an action or a
   field outside the menu is rejected, whatever the prompt contained; answers are data, never
   evaluated;
5. invalid answers are asked again **once**, in one more batched call, with the error appended;
6. what still fails falls back to the world's ``fallback_action`` (``fallback = "do_nothing"``)
   or to its rule model for those rows (``fallback = "rules"``). Those rows get
   ``source = "fallback"``; the reason is counted and recorded in ``llm_decisions``;
7. the world turns the validated actions into its action columns
   (:meth:`World.decode_actions`).

Per-agent Python work is only the rendering and parsing, which is inherent to text prompts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from socium.core.actions import ActionParseError, ActionSpec
from socium.core.batches import ActionBatch, ObsBatch
from socium.core.protocol import PolicyContext, Table, World
from socium.policies.base import (
    BUDGET_EXHAUSTED,
    PARSE_ERROR,
    SEED_SALT,
    LLMDrivenPolicy,
    request_seeds,
    with_source,
)
from socium.policies.config import LLMPolicyConfig
from socium.policies.memory import AgentMemory, truncate_tokens

__all__ = ["DECISION_COLUMNS", "LLMPolicy", "action_text"]

#: Columns of the ``llm_decisions`` table (the engine adds ``step``).
DECISION_COLUMNS = (
    "agent",
    "batch",
    "attempts",
    "ok",
    "action",
    "fallback_reason",
    "error",
    "detail",
    "latency_s",
    "prompt_tokens",
    "completion_tokens",
)

#: Characters of a rejected answer repeated to the model in the re-ask.
_ANSWER_CHARS = 2000


def action_text(decision: ActionSpec, chars: int = 200) -> str:
    """A one-line rendering of a validated action, e.g. ``post {"text": "hi"}``.

    Examples
    --------
    >>> from typing import Literal
    >>> class Post(ActionSpec):
    ...     '''Write a post.'''
    ...     action: Literal["post"] = "post"
    ...     text: str
    >>> action_text(Post(text="hi"))
    'post {"text": "hi"}'
    """
    params = decision.model_dump(mode="json", exclude={"action"})
    text = decision.action
    if params:
        text += " " + json.dumps(params, ensure_ascii=False, separators=(", ", ": "))
    return truncate_tokens(text, chars // 4)


class LLMPolicy(LLMDrivenPolicy):
    """Ask the language model for every agent's action, validate it, fall back when needed.

    Parameters
    ----------
    world : World
        A world with an LLM interface (:meth:`World.supports_llm`).
    config : LLMPolicyConfig
        ``template``, ``memory_items``, ``memory_tokens``, ``memory_item_chars``,
        ``observation_tokens``, ``reask``, ``fallback``, ``interview_tokens``.
    rng : numpy.random.Generator
        The policy's stream: the base of request seeds, and rule fallbacks.
    context : PolicyContext
        The population (personas), the shared language model and the run directory.

    Notes
    -----
    Determinism: a request's seed depends on the policy's seed, the step, the batch index and
    the row, so a rerun sends the same requests; with the response cache it gets the same
    answers without calling the backend, and produces identical results.

    Examples
    --------
    >>> import socium
    >>> cfg = {"network": {"kind": "complete", "n": 4}, "run": {"steps": 2, "seed": 1},
    ...        "world": {"name": "opinion", "model": "degroot"},
    ...        "policy": {"kind": "llm"}, "llm": {"backend": "mock"}}
    >>> run = socium.run(cfg)
    >>> run.final["llm_decisions"], run.final["llm_fallbacks"]
    (8, 0)
    """

    name = "llm"
    config: LLMPolicyConfig

    def __init__(
        self,
        world: World,
        config: LLMPolicyConfig,
        rng: np.random.Generator,
        context: PolicyContext | None = None,
    ):
        super().__init__(world, config, rng, context)
        self.memory = AgentMemory(
            config.memory_items, config.memory_tokens, config.memory_item_chars
        )
        self._rows: dict[str, list[Any]] = {c: [] for c in DECISION_COLUMNS}

    def memory_text(self, agent: int) -> str:
        """The agent's memory, cut to ``memory_tokens``."""
        return self.memory.render(agent)

    # -- prompts ------------------------------------------------------------------------------
    def messages(self, agent: int, observation: str) -> list[tuple[str, str]]:
        """The system and user messages of one decision."""
        persona = self.persona_text(agent)
        user = self.prompts.render(
            "decide",
            self.variables(
                persona=persona,
                memory=self.memory.render(agent),
                observation=observation,
                agent=agent,
            ),
        )
        return [("system", self.system_message(agent)), ("user", user)]

    def observations(self, obs: ObsBatch) -> list[str]:
        """The world's text of each observation, cut to ``observation_tokens``."""
        texts = self.world.render_observations(obs)
        if len(texts) != len(obs):
            raise ValueError(
                f"world {self.world.name!r} rendered {len(texts)} observations for {len(obs)} rows"
            )
        limit = self.config.observation_tokens
        return [truncate_tokens(str(t), limit) for t in texts]

    # -- the decision -------------------------------------------------------------------------
    def decide(self, obs: ObsBatch) -> ActionBatch:
        """One batched call for the batch, one re-ask call for invalid answers, fallbacks."""
        n = len(obs)
        if n == 0:
            return with_source(self.world.decode_actions(obs, []), "llm")
        self.refresh_menu()
        self.batch_index += 1
        ids = np.asarray(obs.ids, dtype=np.int64)
        agents = ids.tolist()
        seen = self.observations(obs)
        keys = ids * np.int64(1 << 20) + np.arange(n, dtype=np.int64)
        seeds = request_seeds(self.seed, keys, SEED_SALT["decide"], self.step, self.batch_index)
        messages = [self.messages(a, seen[i]) for i, a in enumerate(agents)]
        out = _Outcome(n)
        if self.budget_exhausted():
            out.fail_all(BUDGET_EXHAUSTED)
        else:
            requests = [
                self.request(m, schema=self.schema, seed=s, tag=f"decide:{a}")
                for m, s, a in zip(messages, seeds.tolist(), agents, strict=True)
            ]
            bad = out.take(self.generate(requests), range(n), self.menu.parse)
            if bad:
                self.reask(bad, messages, seeds, agents, out)
        failed = np.array([r is not None for r in out.reasons], dtype=bool)
        self.counters.add(decisions=n, fallbacks=int(failed.sum()), parse_errors=out.parse_errors)
        for reason in out.reasons:
            if reason is not None:
                self.counters.fallback(reason)
        actions = self.assemble(obs, out.decisions, failed)
        self.remember(agents, seen, out)
        self.record(agents, out)
        return actions

    def reask(
        self,
        bad: list[tuple[int, str, str]],
        messages: list[list[tuple[str, str]]],
        seeds: np.ndarray,
        agents: list[int],
        out: _Outcome,
    ) -> None:
        """Ask the rows of ``bad`` (row, answer, error) once more, in one batched call."""
        if not self.config.reask or self.budget_exhausted():
            reason = BUDGET_EXHAUSTED if self.counters.budget_exhausted else PARSE_ERROR
            for i, _, error in bad:
                out.fail(i, reason, detail=error)
            return
        rows = [i for i, _, _ in bad]
        requests = []
        for i, answer, error in bad:
            text = self.prompts.render(
                "reask",
                self.variables(error=error, answer=answer[:_ANSWER_CHARS], agent=agents[i]),
            )
            convo = [*messages[i], ("assistant", answer[:_ANSWER_CHARS]), ("user", text)]
            seed = int(request_seeds(int(seeds[i]), np.array([i]), SEED_SALT["reask"])[0])
            requests.append(
                self.request(convo, schema=self.schema, seed=seed, tag=f"reask:{agents[i]}")
            )
        self.counters.add(reasks=len(requests))
        for i, _, error in out.take(self.generate(requests), rows, self.menu.parse):
            out.fail(i, PARSE_ERROR, detail=error)

    def assemble(
        self, obs: ObsBatch, decisions: list[ActionSpec | None], failed: np.ndarray
    ) -> ActionBatch:
        """The world's action columns: validated actions, and the fallback of failed rows."""
        if self.config.fallback != "rules":
            actions = self.world.decode_actions(obs, decisions)
            return with_source(actions, np.where(failed, "fallback", "llm").astype("<U8"))
        return self.with_fallbacks(
            obs,
            failed,
            lambda sub, rows: self.world.decode_actions(sub, [decisions[i] for i in rows]),
        )

    def remember(self, agents: list[int], seen: list[str], out: _Outcome) -> None:
        """Add one memory item per row: what the agent saw and what it did."""
        label = "rules" if self.config.fallback == "rules" else self.world.fallback_action
        for i, agent in enumerate(agents):
            decision = out.decisions[i]
            if decision is not None:
                self.memory.add(agent, self.step, decision.action, seen[i], action_text(decision))
            else:
                did = f"{label} (fallback: {out.reasons[i]})"
                self.memory.add(agent, self.step, label, seen[i], did)

    def record(self, agents: list[int], out: _Outcome) -> None:
        """Append the batch's rows to ``llm_decisions``."""
        rows = self._rows
        label = "rules" if self.config.fallback == "rules" else self.world.fallback_action
        for i, agent in enumerate(agents):
            decision = out.decisions[i]
            rows["agent"].append(agent)
            rows["batch"].append(self.batch_index)
            rows["attempts"].append(out.attempts[i])
            rows["ok"].append(decision is not None)
            rows["action"].append(decision.action if decision is not None else label)
            rows["fallback_reason"].append(out.reasons[i])
            rows["error"].append(out.errors[i])
            rows["detail"].append(out.details[i])
            rows["latency_s"].append(out.latency[i])
            rows["prompt_tokens"].append(out.prompt_tokens[i])
            rows["completion_tokens"].append(out.completion_tokens[i])

    # -- tables and state ---------------------------------------------------------------------
    def own_tables(self) -> dict[str, Table]:
        """``llm_decisions``: one row per decision (agent, attempts, ok, action, fallback
        reason, error code, parse error, latency, tokens)."""
        rows, self._rows = self._rows, {c: [] for c in DECISION_COLUMNS}
        if not rows["agent"]:
            return {}
        return {
            "llm_decisions": {
                "agent": np.array(rows["agent"], dtype=np.int64),
                "batch": np.array(rows["batch"], dtype=np.int64),
                "attempts": np.array(rows["attempts"], dtype=np.int64),
                "ok": np.array(rows["ok"], dtype=bool),
                "action": np.array(rows["action"], dtype=object),
                "fallback_reason": np.array(rows["fallback_reason"], dtype=object),
                "error": np.array(rows["error"], dtype=object),
                "detail": np.array(rows["detail"], dtype=object),
                "latency_s": np.array(rows["latency_s"], dtype=np.float64),
                "prompt_tokens": np.array(rows["prompt_tokens"], dtype=np.int64),
                "completion_tokens": np.array(rows["completion_tokens"], dtype=np.int64),
            }
        }

    def get_state(self) -> dict[str, Any]:
        """Counters, budget spend and every agent's memory (numpy ``int64``/``str_`` arrays)."""
        return {**super().get_state(), "memory": self.memory.get_state()}

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        super().set_state(state)
        self.memory.set_state(state["memory"])


class _Outcome:
    """Per-row results of one batch: decisions, fallback reasons, attempts, tokens."""

    def __init__(self, n: int):
        self.decisions: list[Any] = [None] * n
        self.reasons: list[str | None] = [None] * n
        self.errors: list[str | None] = [None] * n
        self.details: list[str | None] = [None] * n
        self.attempts = [0] * n
        self.latency = [0.0] * n
        self.prompt_tokens = [0] * n
        self.completion_tokens = [0] * n
        self.parse_errors = 0

    def fail(self, i: int, reason: str, *, detail: str | None = None) -> None:
        self.decisions[i] = None
        self.reasons[i] = reason
        if detail is not None:
            self.details[i] = detail[:500]

    def fail_all(self, reason: str) -> None:
        for i in range(len(self.reasons)):
            self.fail(i, reason)
            self.errors[i] = reason

    def take(self, responses: list[Any], rows: Any, parse: Any) -> list[tuple[int, str, str]]:
        """Book ``responses`` for ``rows``; parse the good ones; return the unparsable ones."""
        bad = []
        for i, r in zip(rows, responses, strict=True):
            self.attempts[i] += 1
            self.latency[i] += float(r.latency_s)
            self.prompt_tokens[i] += int(r.prompt_tokens)
            self.completion_tokens[i] += int(r.completion_tokens)
            if r.error is not None:
                self.errors[i] = r.error
                self.fail(i, str(r.error))
                continue
            try:
                self.decisions[i] = parse(r.text)
                self.reasons[i] = None
            except ActionParseError as exc:
                self.parse_errors += 1
                self.details[i] = str(exc)[:500]
                bad.append((i, r.text, str(exc)))
        return bad
