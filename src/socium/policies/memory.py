"""Bounded per-agent memory for LLM policies: recent items plus a running summary.

Each agent that an LLM decided for keeps up to ``items`` recent items (one per decision: a
digest of what it saw and what it did). Older items are folded into a running **summary**
that stays bounded: it counts the actions taken over the folded steps and keeps the digest of
the latest folded item. When a prompt is rendered the memory is cut to a token budget
(``tokens``, counted as characters / 4): the summary takes at most a quarter of it and the
newest recent items fill the rest. So however long a run, the memory text of a prompt never
exceeds ``tokens`` tokens, and the context of a small model never overflows.

Folding is deterministic and cheap (no LLM call). The memory is sparse: only agents that
decided at least once hold anything, so a mixed population of a million rule agents and a few
LLM agents costs nothing for the former. :meth:`AgentMemory.get_state` stores everything as
numpy arrays (integers and ``str_``), so a resumed run continues with exactly the same
memories.

Examples
--------
>>> m = AgentMemory(items=2, tokens=200)
>>> for t in range(1, 5):
...     m.add(7, t, "post", f"saw feed {t}", "post(text='hi')")
>>> print(m.render(7))
Earlier (steps 1-2): post x2. Last of those: step 2: saw feed 2 -> post(text='hi')
step 3: saw feed 3 -> post(text='hi')
step 4: saw feed 4 -> post(text='hi')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["AgentMemory", "MemoryItem", "approx_tokens", "truncate_tokens"]

#: Appended to text cut to a budget.
ELLIPSIS = " …"


def approx_tokens(text: str) -> int:
    """A rough token count: ``ceil(len(text) / 4)``.

    Examples
    --------
    >>> approx_tokens(""), approx_tokens("abcd"), approx_tokens("abcde")
    (0, 1, 2)
    """
    return -(-len(text) // 4)


def truncate_tokens(text: str, tokens: int) -> str:
    """``text`` cut to at most ``tokens`` approximate tokens (``4 * tokens`` characters).

    A cut text ends with ``" …"`` (counted inside the budget).

    Examples
    --------
    >>> truncate_tokens("a" * 40, 4)
    'aaaaaaaaaaaaaa …'
    >>> truncate_tokens("short", 4)
    'short'
    """
    limit = 4 * max(int(tokens), 0)
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class MemoryItem:
    """One remembered decision: the step, the action's name and a one-line digest."""

    step: int
    action: str
    text: str


@dataclass(slots=True)
class _Summary:
    """What was folded out of the recent items: steps covered, action counts, the last one."""

    first: int = -1
    last: int = -1
    counts: dict[str, int] = field(default_factory=dict)
    latest: str = ""

    def fold(self, item: MemoryItem) -> None:
        if self.first < 0:
            self.first = item.step
        self.last = item.step
        self.counts[item.action] = self.counts.get(item.action, 0) + 1
        self.latest = item.text

    def text(self) -> str:
        if self.first < 0:
            return ""
        counts = ", ".join(f"{name} x{n}" for name, n in sorted(self.counts.items()))
        span = (
            f"step {self.first}" if self.first == self.last else (f"steps {self.first}-{self.last}")
        )
        return f"Earlier ({span}): {counts}. Last of those: {self.latest}"

    def to_json(self) -> str:
        return json.dumps(
            [self.first, self.last, self.counts, self.latest], sort_keys=True, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str) -> _Summary:
        first, last, counts, latest = json.loads(text)
        return cls(int(first), int(last), {str(k): int(v) for k, v in counts.items()}, latest)


class AgentMemory:
    """Recent items and a running summary per agent, with a token budget.

    Parameters
    ----------
    items : int
        Recent items kept per agent (older ones are folded into the summary).
    tokens : int
        Token budget of :meth:`render` (summary + recent items).
    item_chars : int
        Characters of an item's digest (what was seen and done, on one line).
    """

    def __init__(self, items: int, tokens: int, item_chars: int = 240):
        if items < 0 or tokens < 0 or item_chars < 16:
            raise ValueError("memory needs items >= 0, tokens >= 0 and item_chars >= 16")
        self.items = int(items)
        self.tokens = int(tokens)
        self.item_chars = int(item_chars)
        self._recent: dict[int, list[MemoryItem]] = {}
        self._summary: dict[int, _Summary] = {}

    def __len__(self) -> int:
        """Number of agents that remember something."""
        return len(set(self._recent) | set(self._summary))

    def add(self, agent: int, step: int, action: str, seen: str, did: str) -> None:
        """Remember that ``agent`` saw ``seen`` and did ``did`` (an action named ``action``)."""
        digest = f"step {step}: {_one_line(seen)} -> {_one_line(did)}"
        item = MemoryItem(int(step), action, truncate_tokens(digest, self.item_chars // 4))
        recent = self._recent.setdefault(int(agent), [])
        recent.append(item)
        while len(recent) > self.items:
            self._summary.setdefault(int(agent), _Summary()).fold(recent.pop(0))

    def recent(self, agent: int) -> list[MemoryItem]:
        """The agent's recent items, oldest first."""
        return list(self._recent.get(int(agent), ()))

    def summary(self, agent: int) -> str:
        """The agent's running summary ("" before anything was folded)."""
        s = self._summary.get(int(agent))
        return "" if s is None else s.text()

    def render(self, agent: int) -> str:
        """The memory text of a prompt: the summary, then the newest items that fit.

        At most :attr:`tokens` approximate tokens: the summary is cut to a quarter of the
        budget, recent items are added newest first while they fit, then shown oldest first.
        """
        budget = 4 * self.tokens
        if budget <= 0:
            return ""
        summary = truncate_tokens(self.summary(agent), self.tokens // 4)
        used = len(summary)
        kept: list[str] = []
        for item in reversed(self._recent.get(int(agent), ())):
            cost = len(item.text) + 1
            if used + cost > budget:
                break
            kept.append(item.text)
            used += cost
        lines = ([summary] if summary else []) + kept[::-1]
        return "\n".join(lines)

    # -- checkpoints ---------------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """The memories as arrays (``int64`` and ``str_``; no object arrays)."""
        agents = sorted(self._recent)
        counts = np.array([len(self._recent[a]) for a in agents], dtype=np.int64)
        flat = [item for a in agents for item in self._recent[a]]
        summarised = sorted(self._summary)
        return {
            "agents": np.array(agents, dtype=np.int64),
            "counts": counts,
            "step": np.array([i.step for i in flat], dtype=np.int64),
            "action": np.array([i.action for i in flat], dtype=np.str_),
            "text": np.array([i.text for i in flat], dtype=np.str_),
            "summary_agents": np.array(summarised, dtype=np.int64),
            "summary": np.array([self._summary[a].to_json() for a in summarised], dtype=np.str_),
        }

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`get_state`."""
        agents = np.asarray(state["agents"], dtype=np.int64).tolist()
        counts = np.asarray(state["counts"], dtype=np.int64)
        ends = np.cumsum(counts).tolist()
        starts = [0, *ends[:-1]]
        steps = np.asarray(state["step"], dtype=np.int64).tolist()
        actions = [str(a) for a in np.asarray(state["action"]).tolist()]
        texts = [str(t) for t in np.asarray(state["text"]).tolist()]
        self._recent = {
            a: [MemoryItem(steps[k], actions[k], texts[k]) for k in range(s, e)]
            for a, s, e in zip(agents, starts, ends, strict=True)
        }
        self._summary = {
            int(a): _Summary.from_json(str(s))
            for a, s in zip(
                np.asarray(state["summary_agents"]).tolist(),
                np.asarray(state["summary"]).tolist(),
                strict=True,
            )
        }
