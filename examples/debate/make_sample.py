"""Regenerate the synthetic DEBATE-format sample shipped as ``socium/data/debate_sample.csv``.

The sample is *synthetic*: 24 participants in 6 groups of 4 debate the 3 default statements
for 3 rounds (two one-on-one chat turns per round). Opinions come from the debate world's rule
model with "human-like" parameters (more noise, more stubbornness and less conformity than the
defaults); the messages are the templated ones followed by one of a few written arguments per
topic and side, so that text measures have something to measure. Two rows are marked invalid
(``validity = 0``): a duplicated post and a test message, which the loader drops.

Run from the repository root::

    python examples/debate/make_sample.py [OUT.csv]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import socium
from socium.worlds.debate.data import DebateTranscript, write_debate_csv

ARGUMENTS = {
    0: (
        (
            "Cash without conditions respects people and cuts the paperwork.",
            "Pilots in Finland and Kenya did not make people stop working.",
            "It would cover the gig workers that welfare misses today.",
        ),
        (
            "It would cost far more than the programs it replaces.",
            "Disabled people need targeted support, not the same cheque as everyone.",
            "Flat payments get eaten by rent increases.",
        ),
    ),
    1: (
        (
            "If they profit from the reach, they should answer for the harm.",
            "Newspapers are liable for what they print, platforms should be too.",
            "Liability is the only thing that would make them invest in moderation.",
        ),
        (
            "Nobody can check billions of posts, so they would just delete everything.",
            "Who decides what counts as misinformation? That worries me more.",
            "Punish the people who lie, not the pipe the lie went through.",
        ),
    ),
    2: (
        (
            "Nuclear is the only low-carbon source that runs day and night.",
            "France decarbonised its grid with reactors decades ago.",
            "Modern reactors are far safer than the ones people remember.",
        ),
        (
            "New plants take fifteen years and always go over budget.",
            "Solar and batteries are cheaper now and can be built fast.",
            "We still have nowhere to put the waste for good.",
        ),
    ),
}


def main(out: Path) -> None:
    cfg = {
        "run": {"seed": 2025, "steps": 3},
        "population": {"size": 24},
        "world": {
            "name": "debate",
            "group_size": 4,
            "rounds": 3,
            "chat_turns": 2,
            "grouping": "contiguous",
            "conformity": 0.15,
            "group_weight": 0.15,
            "partner_weight": 0.2,
            "stubbornness": 0.5,
            "noise": 0.5,
            "text_metrics": False,
        },
    }
    run = socium.run(cfg)
    t = DebateTranscript.from_run(run)
    rng = np.random.default_rng(7)
    workers = np.array([f"W{k}" for k in rng.choice(9000, len(t.workers), replace=False) + 1000])
    m = t.messages.copy()
    topic = t.topic[m["sender"].to_numpy()]
    side = (m["stance"].to_numpy() >= 3.5).astype(int) ^ 1  # 0 = in favour, 1 = against
    pick = rng.integers(0, 3, len(m))
    extra = [ARGUMENTS[k][s][p] for k, s, p in zip(topic, side, pick, strict=True)]
    m["text"] = [f"{a} {b}" for a, b in zip(m["text"], extra, strict=True)]
    t = DebateTranscript(workers, t.group, t.topics, t.topic, t.opinions, t.stances, t.partners, m)
    write_debate_csv(t, out)
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    dup = df[df["event_type"] == "post"].iloc[[0]].assign(validity="0")
    test = dup.assign(text="test test please ignore", event_order="99")
    pos = dup.index[0] + 1
    df = pd.concat([df.iloc[:pos], dup, test, df.iloc[pos:]], ignore_index=True)
    df.to_csv(out, index=False)
    print(f"wrote {out}: {len(df)} rows, {len(workers)} participants")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "src/socium/data/debate_sample.csv"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
