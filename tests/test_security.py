"""Security: LLM output is data, never code, and API keys never reach an output file.

- A ``<script>`` (and other markup) in post texts, messages and LLM answers is rendered
  escaped in ``report.html``, which holds no raw tag from the data and no script at all.
- An LLM-driven run against a local OpenAI-compatible server (which checks that the API key
  from ``OPENAI_API_KEY`` really is sent) writes posts whose text is an attack; the text is
  stored as is, never executed or rendered as a template, and the report escapes it. No file
  in the run directory holds the key, byte for byte.
- A key put into the config file is refused with an error that does not echo it.
- No module of socium evaluates strings as code.
"""

from __future__ import annotations

import ast
import html
import json
import os
import sqlite3
import subprocess
import sys
import threading
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

import socium
from socium.report import write_report

SECRET = "sk-test-SECRET-9f8e7d6c5b4a39281706"
SCRIPT = "<script>alert(1)</script>"
ATTACKS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "<a href='javascript:alert(1)'>click</a>",
    "</td></tr></table><script>document.write(1)</script>",
    "{{ 7 * 7 }} {% for x in range(3) %}x{% endfor %}",
    "__import__('os').system('touch PWNED')",
    "<style>@import url(http://evil.example/x.css);</style>",
]
SRC = Path(__file__).resolve().parents[1] / "src" / "socium"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _assert_no_markup_from_data(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert "script" not in names and "a" in names  # only the table-of-contents links
    for tag, attrs in parser.tags:
        for key, value in attrs.items():
            assert not key.startswith("on"), (tag, key)
            if key in {"src", "href"}:
                assert value.startswith(("data:image/png;base64,", "#")), (tag, value)
    assert page.count("<style>") == 1 and "evil.example/x.css)" not in page.split("</style>")[0]


def _table(db: Path, name: str, columns: dict) -> None:
    con = sqlite3.connect(db)
    pd.DataFrame(columns).to_sql(name, con, if_exists="replace", index=False)
    con.commit()
    con.close()


def test_texts_from_the_run_are_escaped_in_the_report(tmp_path):
    run_dir = tmp_path / "run"
    cfg = {
        "run": {"seed": 1, "steps": 3},
        "network": {"kind": "complete", "n": 20},
        "world": {"name": "opinion", "model": "degroot"},
    }
    socium.run(cfg, out=run_dir)
    db = run_dir / "run.sqlite"
    n = len(ATTACKS)
    _table(db, "posts", {"step": [1] * n, "author": list(range(n)), "text": ATTACKS})
    _table(db, "messages", {"step": [2] * n, "agent": list(range(n)), "text": ATTACKS})
    _table(
        db,
        "llm_calls",
        {
            "step": [1] * n,
            "tag": ATTACKS,
            "model": [SCRIPT] * n,
            "error": [SCRIPT] * n,
            "response_text": ATTACKS,
        },
    )
    config = (run_dir / "config.toml").read_text()
    (run_dir / "config.toml").write_text(config + f"# {SCRIPT}\n")
    summary = json.loads((run_dir / "summary.json").read_text())
    summary["final"][SCRIPT] = SCRIPT
    (run_dir / "summary.json").write_text(json.dumps(summary))

    page = write_report(run_dir).read_text()
    assert html.escape(SCRIPT) in page
    for attack in ATTACKS:
        assert attack not in page or "<" not in attack
        assert html.escape(attack) in page  # shown, as text
    _assert_no_markup_from_data(page)


class _FakeOpenAI(BaseHTTPRequestHandler):
    """A minimal OpenAI-compatible server whose model always posts an attack."""

    auth: ClassVar[list[str | None]] = []
    content = json.dumps({"action": "create_post", "content": " | ".join(ATTACKS)})

    def log_message(self, *args):
        pass

    def _send(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # /v1/models
        type(self).auth.append(self.headers.get("Authorization"))
        self._send({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self):  # /v1/chat/completions
        self.rfile.read(int(self.headers.get("content-length", 0)))
        type(self).auth.append(self.headers.get("Authorization"))
        message = {"role": "assistant", "content": type(self).content}
        self._send(
            {
                "id": "c1",
                "object": "chat.completion",
                "model": "fake",
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
            }
        )


@pytest.fixture
def fake_server():
    _FakeOpenAI.auth = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _llm_config(url: str) -> dict | None:
    """An LLM-driven config for a world that supports LLM agents, or ``None``."""
    try:
        import socium.policies.llm  # noqa: F401
    except ImportError:
        return None
    from socium.core.registry import WORLDS

    if "social" not in WORLDS:
        return None
    return {
        "run": {"seed": 1, "steps": 2},
        "population": {"size": 8},
        "world": {"name": "social", "platform": "x"},
        "policy": {"kind": "llm"},
        "llm": {
            "backend": "openai",
            "base_url": url,
            "model": "fake",
            "max_retries": 0,
            "timeout_s": 10,
        },
    }


def _files_holding(root: Path, secret: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret in p.read_bytes()]


def test_api_key_never_reaches_the_run_directory(tmp_path, fake_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.chdir(tmp_path)  # a cache or log written to the working folder is scanned too
    cfg = _llm_config(fake_server)
    llm = cfg is not None
    if not llm:  # before LLM policies exist: a plain run with the key in the environment
        cfg = {
            "run": {"seed": 1, "steps": 3},
            "network": {"kind": "complete", "n": 20},
            "world": {"name": "opinion", "model": "degroot"},
        }
    path = tmp_path / "config.toml"
    import tomli_w

    path.write_text(tomli_w.dumps(cfg))
    out = tmp_path / "run"
    env = {**os.environ, "OPENAI_API_KEY": SECRET}
    res = subprocess.run(
        [sys.executable, "-m", "socium.cli", "--quiet", "run", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert SECRET not in res.stdout and SECRET not in res.stderr
    if llm:
        assert f"Bearer {SECRET}" in _FakeOpenAI.auth  # the key really was used
        con = sqlite3.connect(out / "run.sqlite")
        posts = [t for (t,) in con.execute("SELECT text FROM posts WHERE text != ''")]
        con.close()
        assert posts, "the LLM agents wrote no posts"
        # stored verbatim (up to the platform's length limit): not executed, not rendered as a
        # template ({{ 7 * 7 }} stays as it is)
        joined = " | ".join(ATTACKS)
        assert all(joined.startswith(t) and "{{ 7 * 7 }}" in t for t in posts), posts[0]
        assert not (tmp_path / "PWNED").exists() and not (out / "PWNED").exists()
    report = write_report(out)
    page = report.read_text()
    if llm:
        assert html.escape(SCRIPT) in page
    _assert_no_markup_from_data(page)
    leaked = _files_holding(tmp_path, SECRET.encode())
    assert leaked == [], f"the API key was written to {leaked}"


def test_report_redacts_a_key_that_reached_a_run_file(tmp_path, monkeypatch):
    """Defence in depth: even a key written into a run file does not reach the report."""
    monkeypatch.setenv("MYVENDOR_API_KEY", SECRET)
    out = tmp_path / "run"
    cfg = {
        "run": {"seed": 1, "steps": 2},
        "network": {"kind": "complete", "n": 10},
        "world": {"name": "opinion", "model": "degroot"},
    }
    socium.run(cfg, out=out)
    _table(out / "run.sqlite", "messages", {"step": [1], "text": [f"my key is {SECRET}"]})
    page = write_report(out).read_text()
    assert SECRET not in page and "my key is [redacted]" in page


def test_api_key_in_the_config_is_refused_without_echo(tmp_path):
    pytest.importorskip("socium.llm.config", reason="the [llm] section is not built yet")
    path = tmp_path / "config.toml"
    path.write_text(
        '[run]\nsteps = 1\n[network]\nkind = "complete"\nn = 5\n'
        '[world]\nname = "opinion"\nmodel = "degroot"\n'
        f'[llm]\nbackend = "mock"\napi_key = "{SECRET}"\n'
    )
    out = tmp_path / "run"
    res = subprocess.run(
        [sys.executable, "-m", "socium.cli", "run", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 2
    assert "llm.api_key" in res.stderr
    assert SECRET not in res.stderr and SECRET not in res.stdout
    assert not out.exists()


# modules, functions and keywords that turn strings or bytes into running code
_EVAL_NAMES = {"eval", "exec", "compile"}
_UNSAFE_ATTRS = {
    ("pickle", "loads"),
    ("pickle", "load"),
    ("marshal", "loads"),
    ("dill", "loads"),
    ("os", "system"),
    ("os", "popen"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
}


def test_no_module_evaluates_strings_as_code():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            if isinstance(func, ast.Name) and func.id in _EVAL_NAMES:
                found.append(f"{where} {func.id}()")
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and (func.value.id, func.attr) in _UNSAFE_ATTRS
            ):
                found.append(f"{where} {func.value.id}.{func.attr}()")
            for kw in node.keywords:
                if kw.arg in {"shell", "allow_pickle"} and (
                    isinstance(kw.value, ast.Constant) and kw.value.value is True
                ):
                    found.append(f"{where} {kw.arg}=True")
    assert found == []
