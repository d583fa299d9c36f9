"""Counters of LLM-driven policies: calls, decisions, fallbacks and tokens, per step and in all.

The counters are part of the policy's checkpoint, so the per-step metrics and the final totals
of a resumed run equal those of an uninterrupted one. Latencies and cache hits are *not*
counted here (they differ between a run and its resumption, whose replayed steps hit the
cache); they are in the ``llm_calls`` table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["COUNTERS", "LLMCounters", "merge_final_metrics", "merge_step_metrics", "with_rates"]

#: The counted quantities (each reported as ``llm_<name>``).
COUNTERS = (
    "calls",
    "decisions",
    "fallbacks",
    "parse_errors",
    "reasks",
    "errors",
    "prompt_tokens",
    "completion_tokens",
    "interviews",
)

#: Per-step metrics: ``llm_<name>`` for these counters, plus ``llm_tokens``.
_STEP = ("calls", "decisions", "fallbacks", "parse_errors", "reasks")


class LLMCounters:
    """Running totals, per-step differences and fallback reasons.

    Examples
    --------
    >>> c = LLMCounters()
    >>> c.add(calls=3, decisions=3, fallbacks=1)
    >>> c.fallback("parse_error")
    >>> c.step_metrics()["llm_calls"], c.step_metrics()["llm_calls"]
    (3.0, 0.0)
    >>> c.final_metrics()["llm_fallbacks_parse_error"]
    1
    """

    def __init__(self) -> None:
        self.totals = dict.fromkeys(COUNTERS, 0)
        self.last = dict.fromkeys(COUNTERS, 0)
        self.reasons: dict[str, int] = {}
        self.faults: dict[str, int] = {}
        self.budget_exhausted = False

    def add(self, **counts: int) -> None:
        """Add to the totals (names from :data:`COUNTERS`)."""
        for name, value in counts.items():
            self.totals[name] += int(value)

    def fallback(self, reason: str, n: int = 1) -> None:
        """Count ``n`` fallbacks for ``reason`` (the total ``fallbacks`` is added separately)."""
        if n:
            self.reasons[reason] = self.reasons.get(reason, 0) + int(n)

    def fault(self, kind: str, n: int = 1) -> None:
        """Count ``n`` failed attempts (retried or final) with error code ``kind``."""
        if n:
            self.faults[kind] = self.faults.get(kind, 0) + int(n)

    def step_metrics(self) -> dict[str, float]:
        """What happened since the previous call: ``llm_calls``, ``llm_decisions``,
        ``llm_fallbacks``, ``llm_parse_errors``, ``llm_reasks`` and ``llm_tokens``."""
        diff = {k: self.totals[k] - self.last[k] for k in COUNTERS}
        self.last = dict(self.totals)
        out = {f"llm_{k}": float(diff[k]) for k in _STEP}
        out["llm_tokens"] = float(diff["prompt_tokens"] + diff["completion_tokens"])
        return out

    def final_metrics(self) -> dict[str, Any]:
        """Totals ``llm_<counter>``, ``llm_fallbacks_<reason>``, ``llm_fallback_rate`` and
        ``llm_budget_exhausted``."""
        out: dict[str, Any] = {f"llm_{k}": int(v) for k, v in self.totals.items()}
        for reason, n in sorted(self.reasons.items()):
            out[f"llm_fallbacks_{reason}"] = int(n)
        for kind, n in sorted(self.faults.items()):
            out[f"llm_faults_{kind}"] = int(n)
        out["llm_faults"] = int(sum(self.faults.values()))
        out["llm_budget_exhausted"] = bool(self.budget_exhausted)
        return with_rates(out)

    def get_state(self) -> dict[str, Any]:
        """JSON scalars only."""
        return {
            "totals": dict(self.totals),
            "last": dict(self.last),
            "reasons": dict(self.reasons),
            "faults": dict(self.faults),
            "budget_exhausted": bool(self.budget_exhausted),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        self.totals = {k: int(state["totals"].get(k, 0)) for k in COUNTERS}
        self.last = {k: int(state["last"].get(k, 0)) for k in COUNTERS}
        self.reasons = {str(k): int(v) for k, v in dict(state.get("reasons") or {}).items()}
        self.faults = {str(k): int(v) for k, v in dict(state.get("faults") or {}).items()}
        self.budget_exhausted = bool(state["budget_exhausted"])


def with_rates(out: dict[str, Any]) -> dict[str, Any]:
    """Add the rates derived from counts: ``llm_fallback_rate`` and
    ``archetype_calls_saved_rate`` (in place; returns ``out``)."""
    decisions = out.get("llm_decisions", 0)
    if "llm_fallbacks" in out:
        out["llm_fallback_rate"] = out["llm_fallbacks"] / decisions if decisions else 0.0
    members = out.get("archetype_members")
    if members is not None:
        saved = out.get("archetype_calls_saved", 0)
        out["archetype_calls_saved_rate"] = saved / members if members else 0.0
    return out


def _sum_into(out: dict[str, Any], metrics: Mapping[str, Any]) -> None:
    for key, value in metrics.items():
        if key not in out:
            out[key] = value
        elif isinstance(value, bool) or isinstance(out[key], bool):
            out[key] = bool(out[key]) or bool(value)
        elif isinstance(value, int | float) and isinstance(out[key], int | float):
            out[key] = out[key] + value
        # lists and strings of several groups: the first group's value is kept


def merge_step_metrics(parts: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Sum the step metrics of several policies (counts add up)."""
    out: dict[str, Any] = {}
    for metrics in parts:
        _sum_into(out, metrics)
    return out


def merge_final_metrics(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Sum counts, OR flags, and recompute the rates of several policies' final metrics."""
    out: dict[str, Any] = {}
    for metrics in parts:
        _sum_into(out, {k: v for k, v in metrics.items() if not k.endswith("_rate")})
    return with_rates(out)
