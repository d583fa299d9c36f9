"""Replay the shipped DEBATE-format sample with rule agents and compare them with it.

For each seed, the sample's setting (its 3 topics, 6 groups of 4, 3 rounds and every
participant's initial opinion) is simulated with the debate world's rule agents, then both are
measured with the same functions (:func:`socium.worlds.debate.compare.compare`). Prints the
human figures, the mean (and s.d.) of the simulated ones over seeds, and the mean gaps.

Run from the repository root::

    python examples/debate/compare_sample.py [SEEDS]
"""

from __future__ import annotations

import sys
import tempfile

import pandas as pd

import socium
from socium.worlds.debate.compare import compare, config_from_transcript
from socium.worlds.debate.data import DebateTranscript, load_debate_csv, sample_path


def main(seeds: int = 20) -> pd.DataFrame:
    human = load_debate_csv(sample_path())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config_from_transcript(human, tmp, text_metrics=False)
        for seed in range(seeds):
            run = socium.run(cfg, seed=seed)
            table = compare(human, DebateTranscript.from_run(run)).assign(seed=seed)
            rows.append(table)
    table = pd.concat(rows, ignore_index=True)
    table["topic"] = table["topic"].str.slice(0, 40)
    cols = [
        "delta_sd_human",
        "delta_sd_sim",
        "delta_sd_gap",
        "delta_sd_public_gap",
        "opinion_gap",
        "stance_gap",
        "wasserstein",
    ]
    summary = table.groupby("topic", sort=False)[cols].agg(["mean", "std"])
    for stat in ("mean", "std"):
        print(f"{stat} over {seeds} seeds:")
        print(summary.xs(stat, axis=1, level=1).to_string(float_format=lambda v: f"{v:.3f}"))
    return summary


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
