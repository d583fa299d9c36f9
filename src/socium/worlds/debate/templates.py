"""Templated messages of the rule agents, vectorized: one table lookup per message.

A table holds every message a rule agent can write about a topic: one sentence per stance
level (1..6) and variant. A batch of messages is then ``table[topic, stance - 1, variant]``,
with no per-agent Python work.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MessageTemplates", "statement_clause"]

_LEVELS = (
    "I strongly disagree that {s}",
    "I disagree that {s}",
    "I lean against the idea that {s}",
    "I lean toward the idea that {s}",
    "I agree that {s}",
    "I strongly agree that {s}",
)
_POST = (
    "{p}.",
    "{p}, and I think we should weigh the practical consequences.",
    "Having thought about it, {p}.",
)
_CHAT_AGREE = (
    "You make a fair point, and {p}.",
    "We are close on this: {p}.",
)
_CHAT_DISAGREE = (
    "I see it differently: {p}.",
    "I hear you, but {p}.",
)


def statement_clause(statement: str) -> str:
    """A statement as a clause: no final period, first letter lower-cased unless an acronym.

    Examples
    --------
    >>> statement_clause("Nuclear power should be expanded.")
    'nuclear power should be expanded'
    >>> statement_clause("AI will help.")
    'AI will help'
    """
    s = statement.strip().rstrip(".!?").strip()
    if len(s) > 1 and s[0].isupper() and not s[1].isupper():
        s = s[0].lower() + s[1:]
    return s


class MessageTemplates:
    """The rule agents' message tables for a list of topics.

    Parameters
    ----------
    topics : sequence of str
        The debated statements.

    Examples
    --------
    >>> t = MessageTemplates(["Cats are better than dogs."])
    >>> t.post(np.array([0]), np.array([6.0]), np.array([0])).tolist()
    ['I strongly agree that cats are better than dogs.']
    >>> t.chat(np.array([0]), np.array([2.0]), np.array([True]), np.array([1])).tolist()
    ['I hear you, but I disagree that cats are better than dogs.']
    """

    def __init__(self, topics: list[str] | tuple[str, ...]):
        clauses = [statement_clause(t) for t in topics]
        levels = [[lv.format(s=c) for lv in _LEVELS] for c in clauses]
        self._post = np.array([[[v.format(p=p) for v in _POST] for p in row] for row in levels])
        self._chat = np.array(
            [
                [[[v.format(p=p) for v in variants] for p in row] for row in levels]
                for variants in (_CHAT_AGREE, _CHAT_DISAGREE)
            ]
        )

    @property
    def post_variants(self) -> int:
        """Number of post variants per stance."""
        return self._post.shape[2]

    @property
    def chat_variants(self) -> int:
        """Number of chat variants per stance and relation."""
        return self._chat.shape[3]

    def post(self, topic: np.ndarray, stance: np.ndarray, variant: np.ndarray) -> np.ndarray:
        """Post texts for topic indices, stances (1..6) and variant indices."""
        return self._post[topic, stance.astype(np.int64) - 1, variant]

    def chat(
        self,
        topic: np.ndarray,
        stance: np.ndarray,
        disagree: np.ndarray,
        variant: np.ndarray,
    ) -> np.ndarray:
        """Chat texts; ``disagree`` picks the rebuttal rather than the agreeing opener."""
        return self._chat[disagree.astype(np.int64), topic, stance.astype(np.int64) - 1, variant]
