"""Fixtures of the llm tests: HTTP servers on free ports, and a secret API key."""

from __future__ import annotations

import pytest

from socium.llm.server import start_server_in_thread

SECRET = "sk-test-SECRET-4f1c9e"


@pytest.fixture
def secret_key(monkeypatch):
    """An API key in the environment, to check it leaks nowhere."""
    monkeypatch.setenv("SOCIUM_TEST_KEY", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return SECRET


@pytest.fixture(scope="module")
def mock_server():
    """An instant schema-aware mock server in a thread of this process."""
    with start_server_in_thread(backend="mock") as server:
        yield server


@pytest.fixture(scope="module")
def mock_server_pair():
    """Two mock servers, slow enough that requests overlap (load balancing)."""
    with (
        start_server_in_thread(backend="mock", model="m-a", latency_s=0.02) as a,
        start_server_in_thread(backend="mock", model="m-b", latency_s=0.02) as b,
    ):
        yield a, b
