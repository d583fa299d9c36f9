"""The ``socium`` command line: run, resume, scenarios, report, demo.

Every user-facing error (a bad config, a missing file, an unknown world) is printed as one line
naming the field, with exit code 2 and no traceback; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="socium: simulate group dynamics with vectorized rules or LLM agents.",
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)
_state: dict[str, bool] = {"debug": False, "quiet": False}

DEMO_CONFIG = Path(__file__).parent / "examples" / "demo.toml"


@app.callback()
def _options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    _state["debug"] = debug
    _state["quiet"] = quiet


def _fail(exc: Exception) -> None:
    if _state["debug"]:
        raise exc
    # the message quotes user input ("[/x]", "[bold]..."): print it as text, not console markup
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _with_progress(total: int, label: str, fn):
    if _state["quiet"] or total < 2:
        return fn(None)
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)

        def tick(step: int) -> None:
            progress.update(task, completed=step)

        return fn(tick)


def _print_summary(run: Any) -> None:
    summary = run.summary
    info = summary["run"]
    table = Table(
        title=f"{info['world']} · {info['n_agents']} agents · {info['steps']} steps "
        f"· seed {info['seed']} · {info['wall_s']} s",
        show_header=True,
    )
    table.add_column("metric")
    table.add_column("value", overflow="fold")
    for key, value in summary["final"].items():
        if isinstance(value, float):
            text = f"{value:.6g}"
        elif isinstance(value, list):
            text = ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in value[:12])
            text = f"[{text}{', …' if len(value) > 12 else ''}]"
        else:
            text = str(value)
        table.add_row(escape(str(key)), escape(text))
    console.print(table)
    if run.dir is not None:
        console.print(f"run directory: {escape(str(run.dir))}")
        plots = sorted((run.dir / "plots").glob("*.png")) if (run.dir / "plots").exists() else []
        if plots:
            console.print("plots: " + escape(", ".join(str(p) for p in plots)))


def _default_out(config: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{config.stem}-{stamp}"


@app.command()
def run(
    config: Annotated[Path, typer.Argument(help="TOML or YAML scenario file.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Run directory.")] = None,
    seed: Annotated[int | None, typer.Option(help="Root seed (overrides run.seed).")] = None,
    steps: Annotated[
        int | None, typer.Option(help="Number of steps (overrides run.steps).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a config key: dotted.key=value (repeatable)."),
    ] = None,
) -> None:
    """Run a scenario and write its run directory."""
    from socium.errors import SociumError
    from socium.experiment.config import load_config, parse_override
    from socium.experiment.runner import run as run_scenario

    try:
        overrides = dict(parse_override(s) for s in set_ or [])
        if steps is not None:
            overrides["run.steps"] = steps
        if seed is not None:
            overrides["run.seed"] = seed
        cfg = load_config(config, overrides)
        target = out or _default_out(config)
        result = _with_progress(
            cfg.run.steps, "running", lambda tick: run_scenario(cfg, out=target, progress=tick)
        )
    except (SociumError, FileNotFoundError) as exc:
        _fail(exc)
        return
    _print_summary(result)


@app.command()
def resume(run_dir: Annotated[Path, typer.Argument(help="An interrupted run directory.")]) -> None:
    """Continue an interrupted run from its last checkpoint (same result as if never stopped)."""
    from socium.errors import SociumError
    from socium.experiment.runner import resume as resume_run

    try:
        was_done = (run_dir / "summary.json").exists()
        result = resume_run(run_dir)
    except SociumError as exc:
        _fail(exc)
        return
    if was_done:
        console.print(f"{run_dir} was already complete.")
    _print_summary(result)


@app.command()
def scenarios(
    name: Annotated[str | None, typer.Argument(help="A world to describe.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the worlds, or show one world's config keys, actions and metrics."""
    from socium.core.registry import WORLDS
    from socium.errors import SociumError

    try:
        names = [name] if name else WORLDS.names()
        described = [WORLDS.get(n).describe() for n in names]
    except SociumError as exc:
        _fail(exc)
        return
    examples_root = Path.cwd() / "examples"
    for d in described:
        folder = examples_root / d["name"]
        d["examples"] = sorted(str(p) for p in folder.glob("*.toml")) if folder.exists() else []
    if as_json:
        console.print_json(json.dumps(described, default=str))
        return
    if name is None:
        table = Table(title="socium worlds")
        for col in ("world", "models", "summary"):
            table.add_column(col, overflow="fold")
        for d in described:
            table.add_row(d["name"], ", ".join(d["models"]), d["summary"])
        console.print(table)
        console.print("`socium scenarios NAME` shows a world's config keys, actions and metrics.")
        return
    d = described[0]
    console.print(f"[bold]{d['name']}[/] (version {d['version']}): {d['summary']}")
    console.print("models: " + ", ".join(d["models"]))
    keys = Table(title="config keys of the \\[world] section")
    for col in ("key", "type", "default", "description"):
        keys.add_column(col, overflow="fold")
    for key, spec in d["config"].items():
        keys.add_row(key, str(spec["type"]), str(spec["default"]), spec["description"])
    console.print(keys)
    metrics = Table(title="final metrics")
    metrics.add_column("metric")
    metrics.add_column("meaning", overflow="fold")
    for key, text in d["metrics"].items():
        metrics.add_row(key, text)
    console.print(metrics)
    if d["actions"]:
        console.print("actions: " + ", ".join(d["actions"]))
    if d["examples"]:
        console.print("examples: " + ", ".join(d["examples"]))


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A finished run or sweep directory.")],
) -> None:
    """Write DIR/report.html for a run or a sweep: one self-contained page.

    A run gets its config, key metrics, plots and (LLM runs) token, latency, error and
    fallback accounting with a sample of agent messages; a sweep gets metric-vs-parameter
    plots with 95% confidence bands across replicates.
    """
    from socium.errors import SociumError
    from socium.report.html import write_report

    try:
        path = write_report(run_dir)
    except (SociumError, OSError) as exc:
        _fail(exc)
        return
    console.print(f"wrote {path}")


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Run directory.")] = None,
) -> None:
    """Run the flagship: an X-like platform with 1,000 rule users and 5 local-LLM users."""
    from socium.experiment.runner import run as run_scenario

    target = out or Path("runs") / f"demo-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    console.print(f"socium demo: {DEMO_CONFIG.name} -> {target}")
    from socium.experiment.config import load_config

    cfg = load_config(DEMO_CONFIG)
    result = _with_progress(
        cfg.run.steps, "demo", lambda tick: run_scenario(cfg, out=target, progress=tick)
    )
    _print_summary(result)


from socium.experiment.interview import interview_command  # noqa: E402
from socium.experiment.sweep import sweep_command  # noqa: E402
from socium.llm.server import serve_llm_command  # noqa: E402

app.command("sweep")(sweep_command)


def _clean_errors(command):
    """Wrap a command so socium errors end as one line and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from socium.errors import SociumError

        try:
            return command(*args, **kwargs)
        except SociumError as exc:
            _fail(exc)

    return wrapper


app.command("serve-llm")(_clean_errors(serve_llm_command))
app.command("interview")(_clean_errors(interview_command))


def main() -> None:
    """Entry point of the ``socium`` script."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("interrupted; `socium resume DIR` continues the run")
        sys.exit(130)


if __name__ == "__main__":
    main()
