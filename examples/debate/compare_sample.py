"""Replay the shipped DEBATE-format sample with rule or LLM agents and compare them with it.

For each seed, the sample's setting (its 3 topics, 6 groups of 4, 3 rounds and every
participant's initial opinion) is simulated with the debate world's agents, then both are
measured with the same functions (:func:`socium.worlds.debate.compare.compare`). Prints the
human figures, the mean (and s.d.) of the simulated ones over seeds, and the mean gaps.

With ``--llm local`` (SmolLM2-135M-Instruct through llama.cpp, offline) or ``--llm mock`` the
agents are LLM agents (``[policy] kind = "llm"``); the script then also prints, per seed, the
private and public ΔSD, the LLM's decisions and fallbacks (by reason) and how many messages
were usable, and keeps the run directories under ``--out`` when given.

Run from the repository root::

    python examples/debate/compare_sample.py [SEEDS]                 # rule agents
    python examples/debate/compare_sample.py 3 --llm local           # SmolLM2, 3 seeds
    python examples/debate/compare_sample.py 3 --llm mock --out runs/
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import socium
from socium.worlds.debate.compare import compare, config_from_transcript
from socium.worlds.debate.data import DebateTranscript, load_debate_csv, sample_path

COLUMNS = [
    "delta_sd_human",
    "delta_sd_sim",
    "delta_sd_gap",
    "delta_sd_public_gap",
    "opinion_gap",
    "stance_gap",
    "wasserstein",
]


def main(seeds: int = 20) -> pd.DataFrame:
    """Rule agents: the per-topic table, mean and s.d. over ``seeds`` seeds."""
    human = load_debate_csv(sample_path())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config_from_transcript(human, tmp, text_metrics=False)
        for seed in range(seeds):
            run = socium.run(cfg, seed=seed)
            table = compare(human, DebateTranscript.from_run(run)).assign(seed=seed)
            rows.append(table)
    return _print_summary(pd.concat(rows, ignore_index=True), seeds)


def _print_summary(table: pd.DataFrame, seeds: int) -> pd.DataFrame:
    table = table.copy()
    table["topic"] = table["topic"].str.slice(0, 40)
    summary = table.groupby("topic", sort=False)[COLUMNS].agg(["mean", "std"])
    for stat in ("mean", "std"):
        print(f"{stat} over {seeds} seeds:")
        print(summary.xs(stat, axis=1, level=1).to_string(float_format=lambda v: f"{v:.3f}"))
    return summary


def llm_config(
    human: DebateTranscript,
    workdir: str | Path,
    backend: str,
    *,
    temperature: float = 1.0,
    threads: int = 1,
    timeout_s: float = 600.0,
    max_tokens: int = 160,
    reask: bool = False,
) -> dict[str, Any]:
    """The replay config with LLM agents (``policy.kind = "llm"`` and an ``[llm]`` section).

    ``concurrency = 1``: the local backend runs one generation at a time anyway, and a
    request's timeout then covers its own generation, not its wait behind the batch (with the
    default 64 a batch of 24 queued behind one llama.cpp thread and timed out). The
    temperature is above 0 so that seeds differ (at 0 every seed gives the same run); at 1.0
    SmolLM2 ran away (hit ``max_tokens`` inside its message) in 1 of 12 posts, at 0.7 in 6 and
    at 0.3 in 9. No re-ask by default: SmolLM2 fixed 8 of 94 failed answers when asked again,
    and the re-asks took a third of the run's time.
    """
    cfg = config_from_transcript(human, workdir, text_metrics=False)
    cfg["policy"] = {"kind": "llm", "reask": reask}
    llm: dict[str, Any] = {
        "backend": backend,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "timeout_s": timeout_s,
        "concurrency": 1,
    }
    if backend == "local":
        llm["n_threads"] = threads
    cfg["llm"] = llm
    return cfg


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def message_quality(messages: pd.DataFrame, statements: list[str]) -> dict[str, int]:
    """Counts of posts and chat lines: all, empty, a copy of the statement, a placeholder.

    A placeholder is text in ``<...>`` or a field description copied from the prompt.
    """
    said = messages[messages["kind"] != "report"]
    text = said["text"].astype(str)
    norm = text.map(_norm)
    stated = {_norm(s) for s in statements}
    hints = ("your post", "your reply", "one to three sentences", "in your words")
    placeholder = text.str.contains("<") | norm.map(lambda t: any(h in t for h in hints))
    return {
        "messages": len(said),
        "empty": int((norm == "").sum()),
        "statement_copies": int(norm.isin(stated).sum()),
        "placeholders": int(placeholder.sum()),
    }


def opinion_moves(messages: pd.DataFrame) -> dict[str, float]:
    """How the private reports moved from round 0 to the last round.

    ``kept``: share of agents whose last report equals their first; ``to_one``: share of the
    agents who started above 1 and ended at 1 (SmolLM2 falls back to the scale's first value
    when it loses track); ``other_moves``: share that ended anywhere else.
    """
    reports = messages[messages["kind"] == "report"]
    wide = reports.pivot_table(index="sender", columns="round", values="opinion")
    first, last = wide[wide.columns.min()], wide[wide.columns.max()]
    kept = first == last
    to_one = (first > 1) & (last == 1)
    return {
        "kept": float(kept.mean()),
        "to_one": float(to_one.sum() / max((first > 1).sum(), 1)),
        "other_moves": float((~kept & ~to_one).mean()),
    }


def run_llm(
    seeds: int,
    backend: str,
    *,
    out: str | None = None,
    first_seed: int = 0,
    **llm: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LLM agents: the comparison table (as :func:`main`) and one row of diagnostics per seed."""
    human = load_debate_csv(sample_path())
    hm = human.metrics(text=False)
    rows, diag = [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(out) if out else Path(tmp)
        cfg = llm_config(human, root, backend, **llm)
        x0 = pd.read_csv(root / "initial_opinion.csv")["value"].to_numpy()
        for seed in range(first_seed, first_seed + seeds):
            start = time.perf_counter()
            run = socium.run(cfg, seed=seed, out=root / f"{backend}_seed{seed}")
            wall = time.perf_counter() - start
            sim = DebateTranscript.from_run(run)
            rows.append(compare(human, sim).assign(seed=seed))
            f = run.final
            decisions = run.table("llm_decisions")
            reasons = decisions["fallback_reason"].dropna().value_counts().to_dict()
            kept = np.rint(run.world.opinions[0]) == np.clip(np.rint(x0), 1, 6)
            diag.append(
                {
                    "seed": seed,
                    "wall_s": wall,
                    "delta_sd_private": f["delta_sd_private"],
                    "delta_sd_public": f["delta_sd_public"],
                    "public_private_gap": f["public_private_gap"],
                    "shift_private": f["shift_private"],
                    "x0_kept": float(kept.mean()),
                    "decisions": f["llm_decisions"],
                    "fallbacks": f["llm_fallbacks"],
                    "parse_errors": f["llm_parse_errors"],
                    "reasks": f["llm_reasks"],
                    "errors": f["llm_errors"],
                    "fallback_reasons": reasons,
                    "latency_s": float(decisions["latency_s"].mean()),
                    **opinion_moves(run.table("messages")),
                    **message_quality(run.table("messages"), list(run.world.config.topics)),
                }
            )
            print(f"seed {seed}: {diag[-1]}", flush=True)
    table = pd.concat(rows, ignore_index=True)
    _print_summary(table, seeds)
    d = pd.DataFrame(diag)
    print()
    print(
        f"human sample: delta_sd_private {hm['delta_sd_private']:.3f}, "
        f"delta_sd_public {hm['delta_sd_public']:.3f}"
    )
    keys = ("delta_sd_private", "delta_sd_public", "public_private_gap", "kept", "to_one")
    for key in (*keys, "wall_s"):
        print(f"{backend} {key}: {d[key].mean():.3f} ± {d[key].std():.3f} over {seeds} seeds")
    print(
        f"{backend} fallbacks {int(d['fallbacks'].sum())} of {int(d['decisions'].sum())} "
        f"decisions (parse errors {int(d['parse_errors'].sum())}, errors "
        f"{int(d['errors'].sum())}); messages {int(d['messages'].sum())}: empty "
        f"{int(d['empty'].sum())}, statement copies {int(d['statement_copies'].sum())}, "
        f"placeholders {int(d['placeholders'].sum())}"
    )
    return table, d


def _parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("seeds", nargs="?", type=int, default=None, help="seeds (rules: 20, LLM: 1)")
    p.add_argument("--llm", choices=("local", "mock"), help="LLM agents with this backend")
    p.add_argument("--first-seed", type=int, default=0, help="first seed (LLM)")
    p.add_argument("--temperature", type=float, default=1.0, help="sampling temperature (LLM)")
    p.add_argument("--threads", type=int, default=1, help="llama.cpp threads (local)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per request (LLM)")
    p.add_argument("--max-tokens", type=int, default=160, help="tokens per answer (LLM)")
    p.add_argument("--reask", action="store_true", help="re-ask invalid answers once (LLM)")
    p.add_argument("--out", help="keep the LLM run directories here")
    return p.parse_args(argv)


if __name__ == "__main__":
    args = _parse()
    if args.llm is None:
        main(args.seeds if args.seeds is not None else 20)
    else:
        run_llm(
            args.seeds if args.seeds is not None else 1,
            args.llm,
            out=args.out,
            first_seed=args.first_seed,
            temperature=args.temperature,
            threads=args.threads,
            timeout_s=args.timeout,
            max_tokens=args.max_tokens,
            reask=args.reask,
        )
