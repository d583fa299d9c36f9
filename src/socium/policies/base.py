"""What every LLM-driven policy shares: the run's language model, prompts, request seeds,
counters, recorded fallbacks, checkpoints and interviews.

:class:`LLMDrivenPolicy` is the base of :class:`~socium.policies.llm.LLMPolicy` (one call per
agent) and :class:`~socium.policies.archetype.ArchetypePolicy` (one call per group). It holds:

- the world's action menu, its JSON schema and its instructions (fixed when the policy is
  built: nothing an agent observes can change what it may do);
- the prompt template (:mod:`socium.policies.prompts`);
- deterministic request seeds derived from the policy's stream, the step, the batch and the
  agent (:func:`request_seeds`), so a rerun sends identical requests and hits the cache;
- the counters (:class:`~socium.policies.counters.LLMCounters`) and the ``llm_calls`` rows of
  the shared model's accounting;
- the fallback (the world's ``fallback_action`` or its rules), always marked
  ``source = "fallback"`` in the action batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from socium.core.actions import ActionMenu
from socium.core.batches import ActionBatch, ObsBatch
from socium.core.protocol import Policy, PolicyContext, Table, World
from socium.errors import ConfigError
from socium.policies.counters import LLMCounters
from socium.policies.prompts import PromptTemplate, json_text, prompt_variables

__all__ = [
    "BUDGET_EXHAUSTED",
    "PARSE_ERROR",
    "SEED_SALT",
    "LLMDrivenPolicy",
    "drain_llm_calls",
    "request_seeds",
    "with_source",
]

#: Fallback reason of an answer that did not validate (after the re-ask).
PARSE_ERROR = "parse_error"
#: Fallback reason (and error code) once the token or cost budget is spent.
BUDGET_EXHAUSTED = "budget_exhausted"

_MASK64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
#: Salts that keep the seeds of different kinds of requests apart.
SEED_SALT = {"decide": 1, "reask": 2, "interview": 3, "archetype": 4, "archetype_reask": 5}


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.uint64, copy=True)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def request_seeds(base: int, keys: np.ndarray, *salts: int) -> np.ndarray:
    """Deterministic 31-bit request seeds, one per key (vectorized splitmix64).

    Parameters
    ----------
    base : int
        The policy's seed (drawn once from its stream).
    keys : numpy.ndarray
        Integer keys, e.g. agent ids (rows of a batch may repeat an agent: add the row
        position as another salt or key).
    *salts : int
        The step, the batch index, the kind of request...

    Returns
    -------
    numpy.ndarray
        ``int64`` in ``[0, 2**31)``.

    Examples
    --------
    >>> a = request_seeds(7, np.array([0, 1, 2]), 3)
    >>> b = request_seeds(7, np.array([0, 1, 2]), 3)
    >>> bool((a == b).all()), bool(len(set(a.tolist())) == 3)
    (True, True)
    """
    h = int(base) & _MASK64
    for s in salts:
        h = int(_splitmix(np.array([(h ^ (int(s) & _MASK64)) & _MASK64], dtype=np.uint64))[0])
    with np.errstate(over="ignore"):
        x = np.asarray(keys).astype(np.uint64) * _GOLDEN ^ np.uint64(h)
        return (_splitmix(x) >> np.uint64(33)).astype(np.int64)


def with_source(actions: ActionBatch, source: str | np.ndarray) -> ActionBatch:
    """``actions`` with :attr:`ActionBatch.source` set (a name for all rows, or an array)."""
    if isinstance(source, str):
        source = np.full(len(actions), source, dtype="<U8")
    return dataclasses.replace(actions, source=np.asarray(source))


def _column(values: list[Any]) -> np.ndarray:
    """A table column from a list: numbers stay numeric, anything else becomes objects."""
    if values and all(isinstance(v, bool) for v in values):
        return np.array(values, dtype=bool)
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if values and all(isinstance(v, float | int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.float64)
    return np.array(values, dtype=object)


def _untitled(schema: Any) -> Any:
    """A parameter schema without pydantic's ``title`` keys (shorter prompts)."""
    if isinstance(schema, dict):
        return {
            k: _untitled(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))
        }
    if isinstance(schema, list):
        return [_untitled(v) for v in schema]
    return schema


def drain_llm_calls(context: PolicyContext) -> Table | None:
    """The ``llm_calls`` rows recorded by the shared model since the last drain (or None).

    Rows come from the model's accounting layer: tag, model, prompt hash (never the prompt),
    tokens, latency, cached, attempts, error and the (truncated) response text. Nothing from
    the transport (URLs, headers, keys) is in them.
    """
    if not context.has_language_model:
        return None
    model = context.language_model()
    drain = getattr(model, "drain", None)
    if drain is None:
        from socium.llm.wrappers import AccountingModel
        from socium.llm.wrappers.base import find_layer

        layer = find_layer(model, AccountingModel)
        if layer is None:
            return None
        drain = layer.drain
    rows = drain()
    if not rows or not len(next(iter(rows.values()))):
        return None
    return {name: _column(list(values)) for name, values in rows.items()}


class LLMDrivenPolicy(Policy):
    """Base of the policies that ask a language model.

    Parameters
    ----------
    world : World
        Must support LLM policies (:meth:`World.supports_llm`).
    config : LLMPolicyConfig or ArchetypePolicyConfig
        Uses ``template`` and ``fallback``.
    rng : numpy.random.Generator
        The policy's stream: request seeds and rule fallbacks.
    context : PolicyContext
        Population (personas), the shared language model, the run directory.

    Raises
    ------
    ConfigError
        When the world has no LLM interface or the template is unusable.
    """

    #: Whether :meth:`drain_tables` also drains the shared model's ``llm_calls`` rows (a
    #: mixed policy drains them once for all its groups and sets this to False).
    drains_llm_calls: bool = True

    def __init__(
        self,
        world: World,
        config: Any,
        rng: np.random.Generator,
        context: PolicyContext | None = None,
    ):
        super().__init__(world, config, rng, context)
        if not world.supports_llm():
            raise ConfigError(
                "policy.kind",
                f"world {world.name!r} cannot be driven by an LLM (it declares no typed actions "
                "or lacks llm_instructions/render_observations/decode_actions)",
            )
        self.menu = world.action_menu()
        self._use_menu(self.menu, world.llm_instructions())
        self.prompts = PromptTemplate(
            getattr(config, "template", None),
            getattr(type(world), "prompt_template", None),
            base_dir=getattr(self.context, "base_dir", None),
        )
        self.seed = int(rng.integers(1 << 62))
        self.counters = LLMCounters()
        self.step = 0
        self.batch_index = 0
        self._budget_state: dict[str, Any] | None = None

    def _use_menu(self, menu: ActionMenu, instructions: str) -> None:
        """Adopt an action menu and the world's instructions (schema, descriptions, prompts)."""
        self.menu = menu
        self.schema = menu.schema()
        self.action_list = []
        for a in menu.describe():
            params = {k: _untitled(v) for k, v in a["parameters"].items()}
            self.action_list.append(
                {**a, "parameters": params, "parameters_json": json_text(params)}
            )
        self._schema_text = json_text(self.schema)
        self._system_cache: dict[str, str] = {}
        self.instructions = instructions

    def refresh_menu(self) -> None:
        """Follow the world's current action menu (worlds with stages change it per batch)."""
        menu = self.world.action_menu()
        instructions = self.world.llm_instructions()
        if menu.names != self.menu.names or instructions != self.instructions:
            self._use_menu(menu, instructions)

    # -- the language model ----------------------------------------------------------------
    @property
    def lm(self) -> Any:
        """The run's language model (built on first use, shared by every group)."""
        model = self.context.language_model()
        if self._budget_state is not None:
            budget = self._budget_layer(model)
            if budget is not None:
                budget.tokens_used = int(self._budget_state["tokens_used"])
                budget.cost_usd = float(self._budget_state["cost_usd"])
                budget.exhausted = bool(self._budget_state["exhausted"])
            self._budget_state = None
        return model

    @staticmethod
    def _budget_layer(model: Any) -> Any:
        budget = getattr(model, "budget", None)
        if budget is None:
            from socium.llm.wrappers import BudgetModel
            from socium.llm.wrappers.base import find_layer

            budget = find_layer(model, BudgetModel)
        return budget

    def budget_exhausted(self) -> bool:
        """Whether the model's token or cost budget is spent (then every decision falls back)."""
        budget = self._budget_layer(self.lm)
        exhausted = bool(budget is not None and budget.exhausted)
        if exhausted:
            self.counters.budget_exhausted = True
        return exhausted

    def request(
        self,
        messages: Sequence[tuple[str, str]],
        *,
        schema: Mapping[str, Any] | None,
        seed: int,
        tag: str,
        max_tokens: int | None = None,
    ) -> Any:
        """An ``LLMRequest`` with the model's configured temperature and ``max_tokens``."""
        from socium.llm.interface import ChatMessage, LLMRequest

        msgs = tuple(ChatMessage(role, content) for role, content in messages)
        make = getattr(self.lm, "request", None)
        if make is not None:
            return make(msgs, schema=schema, seed=int(seed), tag=tag, max_tokens=max_tokens)
        extra = {} if max_tokens is None else {"max_tokens": int(max_tokens)}
        return LLMRequest(msgs, schema=schema, seed=int(seed), tag=tag, **extra)

    def generate(self, requests: list[Any]) -> list[Any]:
        """Send ``requests`` in one batched call; count calls, errors and tokens."""
        if not requests:
            return []
        responses = self.lm.generate(requests)
        self.counters.add(
            calls=len(requests),
            errors=sum(r.error is not None for r in responses),
            prompt_tokens=sum(r.prompt_tokens for r in responses),
            completion_tokens=sum(r.completion_tokens for r in responses),
        )
        for r in responses:
            for kind in (*r.retried_errors, *((r.error,) if r.error is not None else ())):
                self.counters.fault(kind)
        if any(r.error == BUDGET_EXHAUSTED for r in responses):
            self.counters.budget_exhausted = True
        return responses

    # -- prompts ---------------------------------------------------------------------------
    def persona_text(self, agent: int) -> str:
        """The agent's persona: the population's persona column ``persona``; without it, the
        agent's persona attributes as ``"name: value; ..."``; "" when there are none."""
        population = self.context.population
        if population is None or not population.personas:
            return ""
        personas = population.personas
        text = personas.get("persona")
        if text is not None:
            value = text[int(agent)]
            return "" if value is None else str(value)
        return "; ".join(
            f"{name.replace('_', ' ')}: {column[int(agent)]}"
            for name, column in personas.items()
            if name != "backstory"
        )

    def memory_text(self, agent: int) -> str:
        """What the agent remembers, for prompts (none by default)."""
        return ""

    def variables(self, **values: Any) -> dict[str, Any]:
        """Template variables with the world's instructions and actions filled in."""
        base = {
            "instructions": self.instructions,
            "actions": self.action_list,
            "action_names": self.menu.names,
            "schema": self._schema_text,
            "step": self.step,
        }
        base.update(values)
        return prompt_variables(**base)

    def system_message(self, agent: int) -> str:
        """The system message of ``agent``: the world's instructions and its persona (rendered
        once per distinct persona)."""
        persona = self.persona_text(agent)
        text = self._system_cache.get(persona)
        if text is None:
            if len(self._system_cache) > 4096:
                self._system_cache.clear()
            text = self.prompts.render("system", self.variables(persona=persona, step=0))
            self._system_cache[persona] = text
        return text

    # -- the step ------------------------------------------------------------------------------
    def begin_step(self, step: int) -> None:
        """Remember the step (memories and seeds use it) and restart the batch count."""
        self.step = int(step)
        self.batch_index = 0

    def with_fallbacks(
        self,
        obs: ObsBatch,
        failed: np.ndarray,
        decide_ok: Callable[[ObsBatch, np.ndarray], ActionBatch],
    ) -> ActionBatch:
        """Combine the usable answers with the fallback of the failed rows.

        Parameters
        ----------
        obs : ObsBatch
        failed : numpy.ndarray of bool
            Rows whose answer could not be used.
        decide_ok : callable
            ``decide_ok(sub, rows) -> ActionBatch`` for the usable rows ``rows`` of ``obs``
            (``sub`` is ``obs.take(rows)``, or ``obs`` itself when every row is usable).

        Returns
        -------
        ActionBatch
            Source ``"llm"`` for usable rows and ``"fallback"`` for the others, which take the
            world's ``fallback_action`` (``fallback = "do_nothing"``) or its rule
            (``fallback = "rules"``).
        """
        ok = np.flatnonzero(~failed)
        bad = np.flatnonzero(failed)
        if bad.size == 0:
            return with_source(decide_ok(obs, ok), "llm")
        sub = obs if ok.size == 0 else obs.take(bad)
        if getattr(self.config, "fallback", "do_nothing") == "rules":
            fallback = self.world.rule_decide(sub, self.rng)
        else:
            fallback = self.world.decode_actions(sub, [None] * bad.size)
        fallback = with_source(fallback, "fallback")
        if ok.size == 0:
            return fallback
        answered = with_source(decide_ok(obs.take(ok), ok), "llm")
        return ActionBatch.merge([(ok, answered), (bad, fallback)], obs)

    # -- interviews ------------------------------------------------------------------------------
    def supports_interviews(self) -> bool:
        """True: agents answer questions with the language model."""
        return True

    def interview(self, ids: np.ndarray, question: str, step: int) -> list[str | None]:
        """Ask each agent ``question``: persona and memory in the prompt, a free-text answer.

        One batched call. Interviews change nothing in the run (no memory, no randomness of the
        policy's stream); their calls are in ``llm_calls`` with the tag ``interview:<agent>``.
        A failed call answers ``None`` (NULL in the ``interviews`` table).
        """
        ids = np.asarray(ids, dtype=np.int64)
        seeds = request_seeds(self.seed, ids, SEED_SALT["interview"], int(step))
        requests = []
        for agent, seed in zip(ids.tolist(), seeds.tolist(), strict=True):
            user = self.prompts.render(
                "interview",
                self.variables(
                    persona=self.persona_text(agent),
                    memory=self.memory_text(agent),
                    question=question,
                    agent=agent,
                    step=int(step),
                ),
            )
            requests.append(
                self.request(
                    [("system", self.system_message(agent)), ("user", user)],
                    schema=None,
                    seed=seed,
                    tag=f"interview:{agent}",
                    max_tokens=getattr(self.config, "interview_tokens", None),
                )
            )
        responses = self.generate(requests)
        self.counters.add(interviews=len(requests))
        return [r.text.strip() if r.error is None else None for r in responses]

    # -- metrics, tables, state ------------------------------------------------------------------
    def step_metrics(self) -> dict[str, float]:
        """``llm_calls``, ``llm_decisions``, ``llm_fallbacks``, ``llm_parse_errors``,
        ``llm_reasks`` and ``llm_tokens`` of the step."""
        return self.counters.step_metrics()

    def final_metrics(self) -> dict[str, Any]:
        """Totals prefixed ``llm_`` (see :meth:`LLMCounters.final_metrics`)."""
        if self.context.has_language_model:
            self.budget_exhausted()
        return self.counters.final_metrics()

    def drain_tables(self) -> dict[str, Table]:
        """``llm_calls`` (when this policy drains them) plus the subclass's own tables."""
        tables = self.own_tables()
        if self.drains_llm_calls:
            calls = drain_llm_calls(self.context)
            if calls is not None:
                tables["llm_calls"] = calls
        return tables

    def own_tables(self) -> dict[str, Table]:
        """The policy's own rows since the last drain (``llm_decisions``...)."""
        return {}

    def get_state(self) -> dict[str, Any]:
        """Counters, step, batch index and the budget's spend (JSON scalars)."""
        budget: dict[str, Any] = {"tokens_used": 0, "cost_usd": 0.0, "exhausted": False}
        if self._budget_state is not None:
            budget = dict(self._budget_state)
        elif self.context.has_language_model:
            layer = self._budget_layer(self.context.language_model())
            if layer is not None:
                budget = {
                    "tokens_used": int(layer.tokens_used),
                    "cost_usd": float(layer.cost_usd),
                    "exhausted": bool(layer.exhausted),
                }
        return {
            "counters": self.counters.get_state(),
            "step": int(self.step),
            "batch_index": int(self.batch_index),
            "budget": budget,
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state` (the budget is applied to the model when it is built)."""
        self.counters.set_state(state["counters"])
        self.step = int(state["step"])
        self.batch_index = int(state["batch_index"])
        self._budget_state = dict(state["budget"])
        if self.context.has_language_model:
            _ = self.lm
