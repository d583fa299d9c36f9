"""A self-contained ``report.html`` for a run directory (no network fetches: images are inlined)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from socium.errors import ResumeError

__all__ = ["write_report"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;
color:#1d1d1f;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f5f5f7}
pre{background:#f5f5f7;padding:1rem;overflow:auto;font-size:.85rem}
img{max-width:100%;border:1px solid #eee;margin:.5rem 0}
"""


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        shown = ", ".join(_format(v) for v in value[:20])
        return f"[{shown}{', …' if len(value) > 20 else ''}]"
    return str(value)


def _table(rows: dict[str, Any]) -> str:
    body = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_format(v))}</td></tr>"
        for k, v in rows.items()
    )
    return f"<table>{body}</table>"


def write_report(run_dir: str | Path) -> Path:
    """Write ``run_dir/report.html`` and return its path.

    The page holds the resolved config, the run information, the final metrics and every PNG
    under ``plots/``, inlined as data URIs so the file opens offline and fetches nothing.
    """
    d = Path(run_dir)
    summary_path = d / "summary.json"
    if not summary_path.exists():
        raise ResumeError(f"{d} holds no finished run (no summary.json); run or resume it first")
    summary = json.loads(summary_path.read_text())
    config_text = (d / "config.toml").read_text() if (d / "config.toml").exists() else ""
    images = []
    for png in sorted((d / "plots").glob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode()
        images.append(
            f'<figure><img alt="{html.escape(png.stem)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(png.name)}</figcaption></figure>"
        )
    run = summary.get("run", {})
    title = f"socium run: {run.get('world', '')} ({d.name})"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>{html.escape(title)}</title><style>{_STYLE}</style></head>
<body><h1>{html.escape(title)}</h1>
<h2>Run</h2>{_table(run)}
<h2>Final metrics</h2>{_table(summary.get("final", {}))}
<h2>Plots</h2>{"".join(images) or "<p>No plots were written.</p>"}
<h2>Config</h2><pre>{html.escape(config_text)}</pre>
</body></html>
"""
    out = d / "report.html"
    out.write_text(page)
    return out
