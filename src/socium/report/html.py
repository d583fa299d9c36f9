"""A self-contained ``report.html`` for a run or a sweep directory.

The page has no external references at all: images are inlined as base64 ``data:`` URIs, the
CSS is inline, there are no scripts, fonts or links, and a Content-Security-Policy forbids
loading anything but inline styles and ``data:`` images. It opens offline and fetches nothing.

Every piece of text that comes from a run (config values, metric names, LLM output, post and
message texts) is HTML-escaped with :func:`html.escape`, and the finished page is passed
through :func:`socium.report.redact.redact_secrets`, so the values of ``*_API_KEY``
environment variables cannot appear in it.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from socium.errors import SociumError
from socium.report.plots import figure_png, metrics_figure, sweep_figure
from socium.report.redact import redact_secrets
from socium.report.sweep import (
    SweepData,
    as_float,
    is_sweep_dir,
    load_sweep,
    metric_label,
    run_dirs,
    summarise,
)
from socium.report.tables import RunDatabase, llm_accounting, text_sample

__all__ = ["ReportError", "render_run_report", "render_sweep_report", "write_report"]

#: Most metrics plotted against each swept parameter.
MAX_SWEEP_METRICS = 8
#: Most grid points listed in the sweep results table.
MAX_SWEEP_ROWS = 200
#: Messages shown in the sample of agent texts.
MESSAGE_SAMPLE = 20

_STYLE = """
:root{--fg:#1d1d1f;--muted:#6e6e73;--line:#d9d9de;--soft:#f5f5f7;--accent:#3557b7}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--fg);
background:#fff;line-height:1.45}
main{max-width:1150px;margin:0 auto;padding:1.5rem 1.5rem 4rem}
header{background:var(--soft);border-bottom:1px solid var(--line)}
header .inner{max-width:1150px;margin:0 auto;padding:1.2rem 1.5rem}
h1{font-size:1.55rem;margin:0 0 .3rem}
.sub{color:var(--muted);font-size:.92rem}
nav{margin-top:.6rem;font-size:.9rem}
nav a{color:var(--accent);text-decoration:none;margin-right:1rem}
h2{font-size:1.2rem;margin-top:2.2rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
h3{font-size:1rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;font-size:.88rem;margin:.4rem 0 1rem}
td,th{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.text{white-space:pre-wrap;max-width:720px;word-break:break-word}
td.desc{color:var(--muted)}
pre{background:var(--soft);padding:1rem;overflow:auto;font-size:.82rem;border-radius:6px;
white-space:pre-wrap;word-break:break-word}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1rem}
figure{margin:.5rem 0;border:1px solid var(--line);border-radius:6px;padding:.5rem;
background:#fff}
figure.wide{grid-column:1/-1}
figure img{display:block;max-width:100%;height:auto;margin:0 auto}
figcaption{font-size:.82rem;color:var(--muted);text-align:center;margin-top:.3rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:.6rem 0 1rem}
.card{background:var(--soft);border-radius:8px;padding:.6rem .9rem;min-width:150px}
.card .v{font-size:1.25rem;font-weight:600}
.card .k{font-size:.8rem;color:var(--muted)}
.note{color:var(--muted);font-size:.9rem}
"""

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'"


class ReportError(SociumError):
    """A directory cannot be reported on (not a run or sweep, or its files are unreadable)."""


# ---------------------------------------------------------------- small HTML pieces


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: Any) -> str:
    """A value as short text (not escaped)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (np.integer,)):
        value = int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "–"
        return f"{value:.6g}"
    if value is None:
        return "–"
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        shown = ", ".join(_fmt(v) for v in items[:20])
        return f"[{shown}{', …' if len(items) > 20 else ''}]"
    if isinstance(value, dict):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _kv_table(rows: Mapping[str, Any], descriptions: Mapping[str, str] | None = None) -> str:
    if not rows:
        return '<p class="note">(none)</p>'
    head = "<tr><th>name</th><th>value</th>" + ("<th>meaning</th>" if descriptions else "")
    body = []
    for key, value in rows.items():
        cls = ' class="num"' if _is_num(value) else ""
        cells = f"<th>{_esc(key)}</th><td{cls}>{_esc(_fmt(value))}</td>"
        if descriptions:
            cells += f'<td class="desc">{_esc(descriptions.get(key, ""))}</td>'
        body.append(f"<tr>{cells}</tr>")
    return f"<table>{head}</tr>{''.join(body)}</table>"


def _frame_table(frame: pd.DataFrame, max_rows: int = 200, text_cols: Iterable[str] = ()) -> str:
    if frame.empty:
        return '<p class="note">(none)</p>'
    text_cols = set(text_cols)
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.head(max_rows).itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, record, strict=True):
            cls = (
                ' class="text"' if col in text_cols else (' class="num"' if _is_num(value) else "")
            )
            cells.append(f"<td{cls}>{_esc(_fmt(value))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="note">… {len(frame) - max_rows} more rows not shown.</p>'
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def _cards(items: Mapping[str, Any]) -> str:
    cards = "".join(
        f'<div class="card"><div class="v">{_esc(_fmt(v))}</div><div class="k">{_esc(k)}</div>'
        "</div>"
        for k, v in items.items()
    )
    return f'<div class="cards">{cards}</div>'


def _png_width(png: bytes) -> int:
    """Pixel width from a PNG's IHDR chunk (0 if it is not a PNG)."""
    if not png.startswith(_PNG_MAGIC) or len(png) < 24:
        return 0
    return int.from_bytes(png[16:20], "big")


def _image(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    wide = ' class="wide"' if _png_width(png) > 900 else ""
    return (
        f'<figure{wide}><img alt="{_esc(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{_esc(caption)}</figcaption></figure>"
    )


def _plot_files(d: Path) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of every readable PNG under ``d/plots`` (others are skipped)."""
    out = []
    folder = d / "plots"
    if not folder.is_dir():
        return out
    for png in sorted(folder.glob("*.png")):
        try:
            data = png.read_bytes()
        except OSError:
            continue
        if data.startswith(_PNG_MAGIC):
            out.append((png.name, data))
    return out


class _Page:
    """Sections in order, rendered into one page with a table of contents."""

    def __init__(self, title: str, subtitle: str):
        self.title = title
        self.subtitle = subtitle
        self.sections: list[tuple[str, str, str]] = []

    def add(self, anchor: str, heading: str, body: str) -> None:
        self.sections.append((anchor, heading, body))

    def render(self) -> str:
        nav = "".join(f'<a href="#{a}">{_esc(h)}</a>' for a, h, _ in self.sections)
        body = "".join(
            f'<section id="{a}"><h2>{_esc(h)}</h2>{content}</section>'
            for a, h, content in self.sections
        )
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{_esc(self.title)}</title><style>{_STYLE}</style></head>\n"
            f'<body><header><div class="inner"><h1>{_esc(self.title)}</h1>'
            f'<div class="sub">{_esc(self.subtitle)}</div><nav>{nav}</nav></div></header>\n'
            f"<main>{body}</main></body></html>\n"
        )
        return redact_secrets(page)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: unreadable ({type(exc).__name__}: {exc})") from None


def _read_text(path: Path) -> str:
    if not path.exists():
        return ""
    try:
        return path.read_text(errors="replace")
    except OSError as exc:
        raise ReportError(f"{path}: unreadable ({exc})") from None


def _version() -> str:
    from socium import __version__

    return __version__


def _metric_descriptions(world: str) -> dict[str, str]:
    from socium.core.registry import WORLDS

    try:
        return {str(k): str(v) for k, v in WORLDS.get(world).metric_descriptions.items()}
    except Exception:  # an unknown or broken world must not stop the report
        return {}


def _by_declared_order(names: Iterable[str], declared: Iterable[str]) -> list[str]:
    """``names`` with the world's declared metrics first, in the world's order."""
    rank = {name: i for i, name in enumerate(declared)}
    names = list(names)
    return sorted(names, key=lambda n: (rank.get(metric_label(n), len(rank)), names.index(n)))


# ---------------------------------------------------------------- run report


def _llm_section(acc: Mapping[str, Any]) -> str:
    totals = dict(acc["totals"])
    parts = [
        _cards(
            {
                "LLM calls": totals.get("calls", 0),
                "total tokens": totals.get("total_tokens", "–"),
                "errors": totals.get("errors", 0),
                "cache hits": totals.get("cache_hits", 0),
                "fallbacks": totals.get("fallbacks", 0),
            }
        ),
        "<h3>Totals</h3>",
        _kv_table(totals),
    ]
    if acc["latency"]:
        parts += ["<h3>Latency (seconds, calls that reached a model)</h3>"]
        parts.append(_kv_table(acc["latency"]))
    parts += ["<h3>Errors by kind</h3>", _kv_table(acc["errors"])]
    parts += ["<h3>Fallbacks</h3>", _kv_table(acc["fallbacks"])]
    if not acc["by_tag"].empty:
        parts += ["<h3>By request tag</h3>", _frame_table(acc["by_tag"])]
    if not acc["by_model"].empty:
        parts += ["<h3>By model</h3>", _frame_table(acc["by_model"])]
    return "".join(parts)


def render_run_report(run_dir: str | Path) -> str:
    """The HTML of a finished run's report (nothing is written).

    Raises
    ------
    ReportError
        When ``run_dir`` holds no ``summary.json`` or its files cannot be read.
    """
    d = Path(run_dir)
    if not (d / "summary.json").exists():
        raise ReportError(
            f"{d} holds no finished run (no summary.json) and no sweep (no sweep.json); "
            "run or resume it first"
        )
    summary = _read_json(d / "summary.json")
    if not isinstance(summary, dict):
        raise ReportError(f"{d / 'summary.json'}: expected a JSON object")
    info = summary.get("run") if isinstance(summary.get("run"), dict) else {}
    final = summary.get("final") if isinstance(summary.get("final"), dict) else {}
    world = str(info.get("world", "?"))
    page = _Page(
        f"socium run: {world} ({d.name})",
        f"seed {info.get('seed', '?')} · {info.get('steps', '?')} steps · "
        f"{info.get('n_agents', '?')} agents · socium {info.get('version', _version())}",
    )
    described = _metric_descriptions(world)
    final = {k: final[k] for k in _by_declared_order(final, described)}
    page.add("metrics", "Key metrics", _kv_table(final, described))
    page.add("run", "Run", _kv_table(info))

    with RunDatabase(d / "run.sqlite") as db:
        metrics = _run_metrics(d, db)
        plots = _plot_files(d)
        figures = []
        if not any(name == "metrics.png" for name, _ in plots):
            fig = metrics_figure(metrics, title="metrics per step")
            if fig is not None:
                figures.append(_image(figure_png(fig), "metric curves over steps (report)"))
        figures += [_image(data, name) for name, data in plots]
        page.add(
            "plots",
            "Plots",
            f'<div class="grid">{"".join(figures)}</div>'
            if figures
            else '<p class="note">No plots were written and no per-step metrics recorded.</p>',
        )
        if not metrics.empty and len(metrics.columns) > 1:
            page.add(
                "steps",
                "Metrics at the last steps",
                _frame_table(metrics.tail(10).reset_index(drop=True)),
            )
        acc = llm_accounting(db)
        if acc is not None:
            page.add("llm", "LLM accounting", _llm_section(acc))
        table, sample = text_sample(db, MESSAGE_SAMPLE)
        if table:
            note = (
                f'<p class="note">{len(sample)} rows with text of the '
                f"<code>{_esc(table)}</code> table, spread over the run.</p>"
            )
            page.add("messages", "Agent messages", note + _frame_table(sample, text_cols=["text"]))
    config_text = _read_text(d / "config.toml")
    page.add(
        "config",
        "Config",
        f"<pre>{_esc(config_text)}</pre>" if config_text else '<p class="note">(none)</p>',
    )
    return page.render()


def _run_metrics(d: Path, db: RunDatabase) -> pd.DataFrame:
    path = d / "metrics.csv"
    if path.exists():
        try:
            frame = pd.read_csv(path)
            if "step" in frame.columns:
                return frame
        except (OSError, ValueError, pd.errors.ParserError):
            pass
    try:
        return db.metrics()
    except Exception:  # a corrupt database leaves the curves out, not the report
        return pd.DataFrame({"step": pd.Series(dtype="int64")})


# ---------------------------------------------------------------- sweep report


def _grid_rows(data: SweepData) -> dict[str, Any]:
    grid = data.spec.get("grid")
    rows: dict[str, Any] = {}
    if isinstance(grid, dict):
        rows.update({f"grid: {k}": v for k, v in grid.items()})
    else:
        for p in data.params:
            rows[f"grid: {p}"] = sorted(data.index[p].dropna().unique().tolist(), key=str)
    for key, value in data.spec.items():
        if key in {"grid", "config", "base_config"} or isinstance(value, (dict, list)):
            continue
        rows[key] = value
    rows["runs in index"] = len(data.index)
    if "status" in data.index.columns:
        for status, n in data.index["status"].astype(str).value_counts().sort_index().items():
            rows[f"runs {status}"] = int(n)
    return rows


def _results_table(data: SweepData, metrics: list[str]) -> str:
    if not data.params or not metrics:
        return '<p class="note">No swept parameters or numeric metrics in the index.</p>'
    merged: pd.DataFrame | None = None
    for metric in metrics:
        s = summarise(data.index, data.params, metric)
        label = metric_label(metric)
        col = pd.Series(
            [
                f"{_fmt(m)} [{_fmt(lo)}, {_fmt(hi)}]"
                for m, lo, hi in zip(s["mean"], s["ci_low"], s["ci_high"], strict=True)
            ],
            index=s.index,
        )
        if merged is None:
            merged = s[data.params].assign(n=s["n"])
        merged[label] = col.to_numpy()
    assert merged is not None
    note = '<p class="note">Mean [95% confidence interval] across replicates, per grid point.</p>'
    return note + _frame_table(merged, max_rows=MAX_SWEEP_ROWS)


def _sweep_plots(data: SweepData, metrics: list[str]) -> list[str]:
    images = []
    for param in data.params:
        others = [p for p in data.params if p != param]
        group = None
        if len(others) == 1 and 1 < data.index[others[0]].nunique(dropna=True) <= 6:
            group = others[0]
        for metric in metrics:
            by = [param] if group is None else [param, group]
            summary = summarise(data.index, by, metric)
            if summary["mean"].notna().sum() == 0:
                continue
            label = metric_label(metric)
            fig = sweep_figure(summary, param, label, group)
            images.append(_image(figure_png(fig), f"{label} vs {param}"))
    return images


def render_sweep_report(sweep_dir: str | Path) -> str:
    """The HTML of a sweep's report (nothing is written).

    Raises
    ------
    ReportError
        When ``sweep.json`` or ``index.parquet`` cannot be read.
    """
    d = Path(sweep_dir)
    try:
        data = load_sweep(d)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    config = data.spec.get("base") or data.spec.get("config") or data.spec.get("base_config")
    world_section = config.get("world") if isinstance(config, dict) else None
    world = str(world_section.get("name", "?")) if isinstance(world_section, dict) else "?"
    if world == "?" and "world" in data.index.columns and len(data.index):
        world = str(data.index["world"].iloc[0])
    n_points = len(data.index.groupby(data.params).size()) if data.params else 0
    page = _Page(
        f"socium sweep: {world} ({d.name})",
        f"{len(data.index)} runs · {n_points} grid points · "
        f"{len(data.params)} swept parameters · socium {_version()}",
    )
    page.add("sweep", "Sweep", _kv_table(_grid_rows(data)))
    ordered = _by_declared_order(data.metrics, _metric_descriptions(world))
    varying = [m for m in ordered if as_float(data.index[m]).nunique(dropna=True) > 1]
    metrics = (varying or ordered)[:MAX_SWEEP_METRICS]
    page.add("results", "Key metrics per grid point", _results_table(data, metrics[:4]))
    images = _sweep_plots(data, metrics)
    images += [_image(png, name) for name, png in _plot_files(d)]
    page.add(
        "plots",
        "Metrics against parameters",
        f'<div class="grid">{"".join(images)}</div>'
        if images
        else '<p class="note">Nothing to plot: no swept parameter with numeric metrics.</p>',
    )
    _sweep_llm_sections(page, d)
    spec_text = json.dumps(data.spec, indent=2, sort_keys=True, default=str)
    config_text = _read_text(d / "config.toml")
    body = f"<h3>sweep.json</h3><pre>{_esc(spec_text)}</pre>"
    if config_text:
        body += f"<h3>config.toml</h3><pre>{_esc(config_text)}</pre>"
    page.add("config", "Config", body)
    return page.render()


def _sweep_llm_sections(page: _Page, d: Path) -> None:
    """LLM accounting pooled over the sweep's run directories, and a sample of messages."""
    dirs = run_dirs(d)
    if not dirs:
        return
    dbs = [RunDatabase(p / "run.sqlite") for p in dirs]
    try:
        acc = llm_accounting(dbs)
        if acc is not None:
            note = f'<p class="note">Pooled over {len(dbs)} run directories.</p>'
            page.add("llm", "LLM accounting", note + _llm_section(acc))
        for run, db in zip(dirs, dbs, strict=True):
            table, sample = text_sample(db, MESSAGE_SAMPLE)
            if table:
                note = (
                    f'<p class="note">{len(sample)} rows with text of the '
                    f"<code>{_esc(table)}</code> table of run {_esc(run.name)}.</p>"
                )
                body = note + _frame_table(sample, text_cols=["text"])
                page.add("messages", "Agent messages", body)
                break
    finally:
        for db in dbs:
            db.close()


# ---------------------------------------------------------------- entry point


def write_report(run_dir: str | Path) -> Path:
    """Write ``DIR/report.html`` for a run or a sweep directory and return its path.

    A run directory (with ``summary.json``) gets its config, run information, key metrics,
    every plot under ``plots/`` plus metric curves, and, for LLM runs, the token, latency,
    error, cache and fallback accounting and a sample of agent messages. A sweep directory
    (with ``sweep.json`` or ``index.parquet``) gets the grid, a table of each key metric's
    mean and 95% confidence interval per grid point, and one metric-vs-parameter plot with
    confidence bands per (swept parameter, key metric).

    The page is self-contained (images inlined as data URIs, no scripts or external
    references) and every text from the run is HTML-escaped.

    Raises
    ------
    ReportError
        When ``DIR`` is neither a finished run nor a sweep, or its files are unreadable.

    Examples
    --------
    >>> import socium, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> cfg = {"network": {"kind": "complete", "n": 20},
    ...        "world": {"name": "opinion", "model": "degroot"}, "run": {"steps": 3}}
    >>> _ = socium.run(cfg, seed=1, out=out, record={"plots": False})
    >>> write_report(out).name
    'report.html'
    """
    d = Path(run_dir)
    if not d.is_dir():
        raise ReportError(f"{d}: no such directory")
    if (d / "summary.json").exists() or not is_sweep_dir(d):
        page = render_run_report(d)
    else:
        page = render_sweep_report(d)
    out = d / "report.html"
    tmp = d / ".report.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return out
