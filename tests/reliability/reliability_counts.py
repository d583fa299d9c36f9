"""Counts of the reliability suites: printed in pytest's terminal summary and written to JSON.

Test modules get the session's :class:`Tally` with ``session_tally(request.config)`` (in a
small ``tally`` fixture of their own) and count with ``tally.add(suite, passed)``. On first
use a small plugin is registered that, at the end of the session, prints one line per suite
(``crash_trials: 22 passed of 22 tried``) and writes ``<suite>.json`` to
``$SOCIUM_RELIABILITY_OUT`` (default ``tests/reliability/.results``). There is no
``conftest.py`` here on purpose: a second module named ``conftest`` would shadow
``tests/conftest.py`` for tests that import from it.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

__all__ = ["Tally", "session_tally"]

_KEY = pytest.StashKey["Tally"]()


class Tally:
    """Per-suite counts of tried and passed items, with optional per-item details."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tried": 0, "passed": 0})
        self.details: dict[str, list] = defaultdict(list)

    def add(self, suite: str, passed: bool, n: int = 1, detail: object = None) -> None:
        """Count ``n`` items of ``suite``; ``passed`` says whether they passed."""
        entry = self.counts[suite]
        entry["tried"] += n
        entry["passed"] += n if passed else 0
        if detail is not None:
            self.details[suite].append(detail)


class _Summary:
    """The plugin that reports a :class:`Tally` at the end of the session."""

    def __init__(self, counts: Tally):
        self.tally = counts

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.tally.counts:
            return
        out = Path(os.environ.get("SOCIUM_RELIABILITY_OUT", Path(__file__).parent / ".results"))
        out.mkdir(parents=True, exist_ok=True)
        terminalreporter.section("reliability counts")
        for suite, entry in sorted(self.tally.counts.items()):
            line = f"{suite}: {entry['passed']} passed of {entry['tried']} tried"
            terminalreporter.write_line(line)
            payload = {"suite": suite, **entry, "details": self.tally.details.get(suite, [])}
            (out / f"{suite}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
        terminalreporter.write_line(f"(written to {out})")


def session_tally(config: pytest.Config) -> Tally:
    """The session's :class:`Tally`, reported at the end of the session."""
    counts = config.stash.get(_KEY, None)
    if counts is None:
        counts = config.stash[_KEY] = Tally()
        config.pluginmanager.register(_Summary(counts), "socium-reliability-counts")
    return counts
