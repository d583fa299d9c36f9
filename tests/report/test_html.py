"""The HTML report of runs and sweeps: content, escaping, accounting and self-containment."""

from __future__ import annotations

import base64
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from report_fixtures import (
    GRID,
    LLM_CALLS,
    REPLICATES,
    SCRIPT,
    add_llm_tables,
    make_run,
    make_sweep,
    write_table,
)
from scipy import stats

from socium.report import ReportError, write_report
from socium.report.redact import REDACTED, redact_secrets, secret_values
from socium.report.sweep import load_sweep, mean_ci, summarise
from socium.report.tables import RunDatabase, llm_accounting, text_sample

# no conftest.py in this folder: a second module named conftest would shadow tests/conftest.py


@pytest.fixture
def run_dir(tmp_path) -> Path:
    """A finished opinion run with its plots."""
    return make_run(tmp_path / "run")


@pytest.fixture
def llm_run_dir(tmp_path) -> Path:
    """A finished run with LLM tables whose texts hold a ``<script>`` payload."""
    d = make_run(tmp_path / "llm_run")
    add_llm_tables(d)
    return d


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    """A sweep directory (module-scoped: building it takes 27 small runs)."""
    return make_sweep(tmp_path_factory.mktemp("sweep") / "sweep")


class _Refs(HTMLParser):
    """Every tag name and every URL-valued attribute of a page."""

    URL_ATTRS: ClassVar[set[str]] = {
        "src",
        "href",
        "srcset",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
    }

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in self.URL_ATTRS and value is not None:
                self.urls.append(value)
        if tag == "img":
            self.images.append(dict(attrs).get("src", ""))


def refs(page: str) -> _Refs:
    parser = _Refs()
    parser.feed(page)
    return parser


def assert_self_contained(page: str) -> _Refs:
    """Nothing in the page can make the browser fetch anything."""
    parsed = refs(page)
    for url in parsed.urls:
        assert url.startswith(("data:image/png;base64,", "#")), url
    assert not {"script", "link", "iframe", "object", "embed", "base", "frame"} & set(parsed.tags)
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    for css in styles:
        assert "@import" not in css and "url(" not in css
    assert 'http-equiv="refresh"' not in page.lower()
    return parsed


def test_run_report_has_config_metrics_and_every_plot(run_dir):
    path = write_report(run_dir)
    assert path == run_dir / "report.html"
    page = path.read_text()
    parsed = assert_self_contained(page)
    summary = json.loads((run_dir / "summary.json").read_text())
    for name in summary["final"]:
        assert f"<th>{name}</th>" in page
    pngs = sorted((run_dir / "plots").glob("*.png"))
    assert len(pngs) >= 2
    inlined = [base64.b64decode(src.split(",", 1)[1]) for src in parsed.images]
    for png in pngs:  # each plot file is inlined byte for byte
        assert png.read_bytes() in inlined
    config = (run_dir / "config.toml").read_text()
    assert html.escape(config) in page
    assert "default-src 'none'" in page


def test_report_without_plot_files_draws_its_own_metric_curves(tmp_path):
    d = make_run(tmp_path / "noplots", record={"plots": False})
    assert not (d / "plots").exists()
    parsed = assert_self_contained(write_report(d).read_text())
    assert len(parsed.images) == 1
    png = base64.b64decode(parsed.images[0].split(",", 1)[1])
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") > 100


def test_llm_accounting_matches_the_calls_table(llm_run_dir):
    with RunDatabase(llm_run_dir / "run.sqlite") as db:
        acc = llm_accounting(db)
    totals = acc["totals"]
    assert totals["calls"] == 6
    assert totals["prompt_tokens"] == sum(LLM_CALLS["prompt_tokens"]) == 400
    assert totals["completion_tokens"] == 49 and totals["total_tokens"] == 449
    assert totals["cache_hits"] == 2 and totals["errors"] == 2
    assert totals["attempts"] == 10 and totals["retries"] == 4
    assert acc["errors"] == {"http_500": 1, "timeout": 1}
    # latency over the 4 uncached calls: 0.5, 1.5, 2.0, 1.0
    assert acc["latency"]["p50"] == pytest.approx(1.25)
    assert acc["latency"]["max"] == 2.0 and acc["latency"]["total"] == pytest.approx(5.0)
    assert acc["fallbacks"] == {"parse_error": 2, "timeout": 1}
    by_tag = acc["by_tag"].set_index("tag")
    assert by_tag.loc["decide", "calls"] == 4 and by_tag.loc["post", "errors"] == 1
    page = write_report(llm_run_dir).read_text()
    assert "LLM accounting" in page and "http_500" in page and "parse_error" in page


def test_fallbacks_from_a_source_column(tmp_path):
    d = make_run(tmp_path / "r")
    write_table(d / "run.sqlite", "llm_calls", LLM_CALLS)
    decisions = {"step": [1, 1, 2], "source": ["llm", "fallback", "fallback"]}
    write_table(d / "run.sqlite", "llm_decisions", decisions)
    with RunDatabase(d / "run.sqlite") as db:
        assert llm_accounting(db)["fallbacks"] == {"fallback": 2}


def test_empty_texts_are_not_sampled(tmp_path):
    d = make_run(tmp_path / "r")
    write_table(d / "run.sqlite", "posts", {"step": [1, 2, 3], "text": ["", None, "only one"]})
    with RunDatabase(d / "run.sqlite") as db:
        table, sample = text_sample(db)
    assert table == "posts" and list(sample["text"]) == ["only one"]


def test_run_without_llm_calls_has_no_accounting_section(run_dir):
    with RunDatabase(run_dir / "run.sqlite") as db:
        assert llm_accounting(db) is None
        table, sample = text_sample(db)
    assert table == "" and sample.empty
    assert "LLM accounting" not in write_report(run_dir).read_text()


def test_message_sample_prefers_posts_and_escapes_text(llm_run_dir):
    with RunDatabase(llm_run_dir / "run.sqlite") as db:
        table, sample = text_sample(db, k=2)
        assert list(text_sample(db, k=20)[1]["step"]) == [1, 1, 2, 3]
    assert table == "posts"
    assert list(sample["text"]) == ["hello world", "last post"]  # first and last of the run
    page = write_report(llm_run_dir).read_text()
    assert html.escape(SCRIPT) in page and "a &amp; b &lt; c" in page
    assert SCRIPT not in page


def test_llm_responses_sampled_when_there_are_no_posts(tmp_path):
    d = make_run(tmp_path / "r")
    write_table(d / "run.sqlite", "llm_calls", LLM_CALLS)
    with RunDatabase(d / "run.sqlite") as db:
        table, sample = text_sample(db, k=10)
    assert table == "llm_calls" and len(sample) == 5  # the one empty answer is left out
    assert SCRIPT in list(sample["text"])


def test_long_texts_are_cut(tmp_path):
    d = make_run(tmp_path / "r")
    write_table(d / "run.sqlite", "messages", {"step": [1], "text": ["x" * 5000]})
    with RunDatabase(d / "run.sqlite") as db:
        _, sample = text_sample(db, max_chars=100)
    assert len(sample["text"].iloc[0]) == 100


def test_metric_names_and_values_from_the_summary_are_escaped(run_dir):
    summary = json.loads((run_dir / "summary.json").read_text())
    summary["final"]["<b>bold</b>"] = "<img src=x onerror=alert(1)>"
    summary["run"]["world"] = "<i>w</i>"
    (run_dir / "summary.json").write_text(json.dumps(summary))
    page = write_report(run_dir).read_text()
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<img src=x" not in page and "<i>w</i>" not in page
    assert_self_contained(page)


def test_report_does_not_touch_the_run_database(run_dir):
    before = sorted(p.name for p in run_dir.iterdir())
    db_bytes = (run_dir / "run.sqlite").read_bytes()
    write_report(run_dir)
    after = sorted(p.name for p in run_dir.iterdir())
    assert after == sorted([*before, "report.html"])  # no -wal / -shm left behind
    assert (run_dir / "run.sqlite").read_bytes() == db_bytes


def test_api_key_values_are_redacted(run_dir, monkeypatch):
    secret = "sk-test-SECRET-0123456789abcdef"
    monkeypatch.setenv("SOMEVENDOR_API_KEY", secret)
    config = (run_dir / "config.toml").read_text()
    (run_dir / "config.toml").write_text(config + f'\n# key = "{secret}"\n')
    page = write_report(run_dir).read_text()
    assert secret not in page and REDACTED in page


def test_secret_values_and_redaction():
    env = {"OPENAI_API_KEY": "sk-aaaaaaaaaa", "A_API_KEY": "sk-aaaaaaaaaa-long", "PATH": "/x"}
    assert secret_values(env) == ["sk-aaaaaaaaaa-long", "sk-aaaaaaaaaa"]
    text = "k1=sk-aaaaaaaaaa-long k2=sk-aaaaaaaaaa"
    assert redact_secrets(text, secret_values(env)) == f"k1={REDACTED} k2={REDACTED}"
    assert redact_secrets("a&amp;b", ["a&b1234567"]) == "a&amp;b"
    assert redact_secrets("x a&amp;b12345678 y", ["a&b12345678"]) == f"x {REDACTED} y"


def test_not_a_run_or_sweep(tmp_path):
    with pytest.raises(ReportError, match=r"summary\.json"):
        write_report(tmp_path)
    with pytest.raises(ReportError, match="no such directory"):
        write_report(tmp_path / "missing")


def test_corrupt_summary_is_a_clean_error(run_dir):
    (run_dir / "summary.json").write_text("{not json")
    with pytest.raises(ReportError, match=r"summary\.json"):
        write_report(run_dir)


# ------------------------------------------------------------------------------- sweeps


def test_mean_ci_closed_form():
    mean, low, high, n = mean_ci(np.array([1.0, 2.0, 3.0]))
    half = 4.302652729911275 / np.sqrt(3)  # t_{0.975, 2} * s / sqrt(n), s = 1
    assert (mean, n) == (2.0, 3)
    assert low == pytest.approx(2.0 - half) and high == pytest.approx(2.0 + half)
    assert mean_ci(np.array([4.0]))[:3] == (4.0, 4.0, 4.0)
    assert np.isnan(mean_ci(np.array([np.nan]))[0])


def test_summarise_per_grid_point():
    index = pd.DataFrame({"a": [1, 1, 2, 2, 2], "m": [0.0, 2.0, 1.0, 2.0, 3.0]})
    s = summarise(index, ["a"], "m").set_index("a")
    assert s.loc[1, "mean"] == 1.0 and s.loc[2, "mean"] == 2.0
    assert list(s["n"]) == [2, 3]
    half = stats.t.ppf(0.975, 1) * np.sqrt(2) / np.sqrt(2)
    assert s.loc[1, "ci_high"] == pytest.approx(1.0 + half)


def test_load_sweep_finds_parameters_and_metrics(sweep_dir):
    data = load_sweep(sweep_dir)
    assert data.params == list(GRID)
    assert {"mean", "std", "clusters"} <= set(data.metrics)
    assert not {"seed", "replicate", "run_id"} & set(data.metrics)
    assert len(data.index) == 9 * REPLICATES


def test_sweep_report_has_ci_plots_per_parameter_and_metric(sweep_dir):
    page = write_report(sweep_dir).read_text()
    parsed = assert_self_contained(page)
    data = load_sweep(sweep_dir)
    varying = [m for m in data.metrics if data.index[m].astype(float).nunique() > 1]
    assert len(parsed.images) == len(GRID) * min(len(varying), 8)
    for param in GRID:
        assert f"mean vs {param}" in page
    # the table holds the mean and CI of one grid point, computed independently
    point = data.index[(data.index["world.epsilon"] == 0.25) & (data.index["world.mu"] == 0.3)]
    x = point["mean"].to_numpy()
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    assert f"{x.mean():.6g} [{x.mean() - half:.6g}, {x.mean() + half:.6g}]" in page
    assert SCRIPT not in page and html.escape(SCRIPT) in page  # sweep.json is escaped
    assert "socium sweep: opinion" in page


def test_sweep_without_sweep_json_infers_parameters(tmp_path, sweep_dir):
    d = tmp_path / "bare"
    d.mkdir()
    (d / "index.parquet").write_bytes((sweep_dir / "index.parquet").read_bytes())
    data = load_sweep(d)
    assert sorted(data.params) == sorted(GRID)
    assert "Metrics against parameters" in write_report(d).read_text()


def test_categorical_parameter_and_single_replicate(tmp_path):
    d = tmp_path / "cat"
    d.mkdir()
    pd.DataFrame(
        {
            "world.model": ["degroot", "voter", "deffuant"],
            "seed": [1, 2, 3],
            "clusters": [1, 2, 5],
        }
    ).to_parquet(d / "index.parquet")
    (d / "sweep.json").write_text(json.dumps({"grid": {"world.model": ["degroot", "voter"]}}))
    page = write_report(d).read_text()
    assert len(refs(page).images) == 1
    assert "clusters vs world.model" in page


def test_corrupt_index_is_a_clean_error(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "index.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(ReportError, match=r"index\.parquet"):
        write_report(d)


def test_report_of_a_real_sweep_directory(tmp_path):
    """A directory written by :func:`socium.experiment.sweep.sweep` gets CI plots per parameter."""
    sweep_mod = pytest.importorskip(
        "socium.experiment.sweep", reason="socium.experiment.sweep not built yet"
    )
    cfg = {
        "run": {"steps": 4, "seed": 3},
        "network": {"kind": "complete", "n": 30},
        "world": {"name": "opinion", "model": "deffuant"},
        "record": {"plots": False},
    }
    out = tmp_path / "sweep"
    grid = {"world.epsilon": [0.1, 0.3], "world.mu": [0.2, 0.5]}
    sweep_mod.sweep(cfg, grid, replicates=3, executor="local", out=out)
    data = load_sweep(out)
    assert data.params == list(grid)
    assert "mean" in data.metrics and "seed" not in data.metrics
    page = write_report(out).read_text()
    parsed = assert_self_contained(page)
    varying = [m for m in data.metrics if data.index[m].astype("float64").nunique() > 1]
    assert len(parsed.images) == len(grid) * min(len(varying), 8)
    assert "socium sweep: opinion" in page and "world.epsilon" in page
