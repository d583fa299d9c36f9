r"""Compare simulated debates with human transcripts on the same topics and group sizes.

:func:`config_from_transcript` builds a socium config that replays a human transcript's
setting (its topics, group sizes, number of rounds and the participants' initial opinions);
:func:`compare` measures both transcripts the same way and reports, per topic and group size,

- the **stance gap** :math:`\bar s^{\text{sim}}_R - \bar s^{\text{hum}}_R` (mean stance of the
  last public posts) and the **opinion gap** of the final private opinions;
- the **ΔSD gap** :math:`\Delta SD^{\text{sim}} - \Delta SD^{\text{hum}}` (private and public;
  negative = the simulation converges more than the humans);
- the **Wasserstein distance** :math:`W_1` between the final private opinion distributions
  (``scipy.stats.wasserstein_distance``).

References
----------
DEBATE, arXiv:2510.25110 (2025). L. V. Kantorovich, "On the translocation of masses" (1942).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from socium.worlds.debate.data import DebateTranscript
from socium.worlds.debate.metrics import nanmean

__all__ = ["compare", "config_from_transcript"]


def _cells(t: DebateTranscript) -> dict[tuple[str, int], np.ndarray]:
    """Participants of every (topic statement, group size) cell (equal statements merge)."""
    size = t.group_sizes()[t.group]
    statement = np.array([t.topics[k].strip() if k >= 0 else "" for k in t.topic.tolist()])
    out: dict[tuple[str, int], np.ndarray] = {}
    for s in dict.fromkeys(statement.tolist()):
        for n in np.unique(size[statement == s]).tolist():
            out[(s, int(n))] = (statement == s) & (size == n)
    return out


def _measures(t: DebateTranscript) -> dict[str, Any]:
    m = t.metrics(text=False)
    last = t.stances[-1] if t.rounds else np.full(len(t.workers), np.nan)
    return {
        "groups": m["groups"],
        "opinion_final": nanmean(t.opinions[-1]),
        "stance_final": nanmean(last),
        "delta_sd_private": m["delta_sd_private"],
        "delta_sd_public": m["delta_sd_public"],
        "final": t.opinions[-1][~np.isnan(t.opinions[-1])],
    }


def _gap(a: float | None, b: float | None) -> float:
    return float("nan") if a is None or b is None else float(a) - float(b)


def compare(human: DebateTranscript, simulated: DebateTranscript) -> pd.DataFrame:
    """Per (topic, group size) present in both transcripts, and overall (``topic = "all"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``topic``, ``group_size`` (0 in the overall row), ``groups_human``,
        ``groups_sim``, ``opinion_final_human``, ``opinion_final_sim``, ``opinion_gap``,
        ``stance_gap``, ``delta_sd_human``, ``delta_sd_sim``, ``delta_sd_gap``,
        ``delta_sd_public_gap`` and ``wasserstein``.
    """
    from scipy.stats import wasserstein_distance

    hum, sim = _cells(human), _cells(simulated)
    keys = [k for k in hum if k in sim]
    pairs = [(k[0], k[1], human.subset(hum[k]), simulated.subset(sim[k])) for k in keys]
    pairs.append(("all", 0, human, simulated))
    rows = []
    for topic, size, h_t, s_t in pairs:
        h, s = _measures(h_t), _measures(s_t)
        w = (
            wasserstein_distance(s["final"], h["final"])
            if s["final"].size and h["final"].size
            else float("nan")
        )
        rows.append(
            {
                "topic": topic,
                "group_size": size,
                "groups_human": h["groups"],
                "groups_sim": s["groups"],
                "opinion_final_human": h["opinion_final"],
                "opinion_final_sim": s["opinion_final"],
                "opinion_gap": s["opinion_final"] - h["opinion_final"],
                "stance_gap": s["stance_final"] - h["stance_final"],
                "delta_sd_human": h["delta_sd_private"],
                "delta_sd_sim": s["delta_sd_private"],
                "delta_sd_gap": _gap(s["delta_sd_private"], h["delta_sd_private"]),
                "delta_sd_public_gap": _gap(s["delta_sd_public"], h["delta_sd_public"]),
                "wasserstein": float(w),
            }
        )
    return pd.DataFrame(rows)


def config_from_transcript(
    transcript: DebateTranscript, workdir: str | Path, **world: Any
) -> dict[str, Any]:
    """A socium config that replays a human transcript's setting with simulated agents.

    The participants are re-seated group by group (agent ``k`` is the ``k``-th participant
    in group order), with ``grouping = "contiguous"``, the transcript's group size, rounds
    and per-group topics, and each agent's initial opinion set to its participant's report
    before round 1 (missing: the participant's first report, else the overall median). The
    initial opinions are written to ``workdir/initial_opinion.csv``.

    Parameters
    ----------
    transcript : DebateTranscript
        All groups must have the same size.
    workdir : str or Path
        Folder for the initial-opinion file (created if needed).
    **world
        Further ``[world]`` keys (e.g. ``policy`` settings go in the returned dict).

    Raises
    ------
    ValueError
        If the groups differ in size or a participant has no topic.
    """
    t = transcript
    sizes = t.group_sizes()
    if np.unique(sizes).size != 1:
        raise ValueError(
            f"groups must have one size to be replayed; got sizes {sorted(set(sizes))}"
        )
    if (t.topic < 0).any():
        raise ValueError("every participant needs a topic (a survey row with the statement)")
    order = np.lexsort((np.arange(len(t.workers)), t.group))
    x = t.opinions[:, order]
    first = x[np.argmax(~np.isnan(x), axis=0), np.arange(x.shape[1])]
    median = float(np.nanmedian(x)) if np.isfinite(x).any() else 3.5
    initial = np.where(np.isnan(x[0]), np.where(np.isnan(first), median, first), x[0])
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "initial_opinion.csv"
    pd.DataFrame({"id": np.arange(initial.size), "value": initial}).to_csv(path, index=False)
    members = order.reshape(-1, int(sizes[0]))
    topics = [t.topics[int(t.topic[row[0]])] for row in members]
    return {
        "population": {
            "size": int(initial.size),
            "init": {"opinion": {"from": "file", "path": str(path)}},
        },
        "world": {
            "name": "debate",
            "group_size": int(sizes[0]),
            "rounds": max(t.rounds, 1),
            "grouping": "contiguous",
            "topics": topics,
            **world,
        },
        "run": {"steps": max(t.rounds, 1)},
    }
