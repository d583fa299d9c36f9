r"""The DEBATE transcript format: load it, write it, and measure it like a simulated debate.

A DEBATE CSV has one row per event, with the columns of :data:`CSV_COLUMNS`. This module reads
them as follows (the real corpus is not reachable from here; the format follows the DEBATE
release, arXiv:2510.25110, and the shipped synthetic sample ``socium/data/debate_sample.csv``):

``chat_round_order``
    the round: 0 for the survey before the debate, 1..R for the debate rounds.
``event_order``
    order of the event within its round.
``event_type``
    ``post`` (a public post to the group), ``chat`` (a one-on-one message) or ``survey`` (a
    private opinion report); other types are ignored.
``worker_id``
    the participant the row belongs to; ``sender_id`` and ``recipient_id`` are the sender
    and, for chat messages, the recipient (empty for posts and surveys).
``field``
    the form field: ``message`` for messages, ``opinion`` for the opinion slider.
``text``
    the message; for a survey row, the statement the participant rated (the topic).
``sliderValue``
    the private opinion on the 1-6 scale (survey rows).
``agreement_level``
    the stance a message argues for, 1-6 (messages; may be empty).
``validity``
    rows marked ``0``, ``false``, ``no`` or ``invalid`` are dropped.

Groups are not a column of the format: they are the connected components of the chat graph
(participants who chatted with each other, directly or through others), unless ``groups`` or a
``group_id`` column is given. With rotating partners, two rounds suffice to connect a group of
four.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from socium.worlds.debate.metrics import summarize

__all__ = [
    "CSV_COLUMNS",
    "DebateTranscript",
    "load_debate_csv",
    "sample_path",
    "write_debate_csv",
]

#: The columns of a DEBATE CSV, in order.
CSV_COLUMNS = (
    "chat_round_order",
    "event_order",
    "event_type",
    "worker_id",
    "sender_id",
    "recipient_id",
    "field",
    "text",
    "sliderValue",
    "agreement_level",
    "validity",
)
_INVALID = {"0", "false", "no", "invalid", "f", "n"}


def sample_path() -> Path:
    """Path of the shipped synthetic sample in the DEBATE format (3 topics, 6 groups of 4,
    3 rounds)."""
    return Path(str(files("socium").joinpath("data/debate_sample.csv")))


@dataclass(frozen=True)
class DebateTranscript:
    """A debate as arrays over rounds and participants, plus its messages.

    Attributes
    ----------
    workers : numpy.ndarray
        ``(W,)`` participant ids (str), in order of first appearance.
    group : numpy.ndarray
        ``(W,)`` group index.
    topics : tuple of str
        The statements debated.
    topic : numpy.ndarray
        ``(W,)`` index into ``topics`` (-1 when unknown).
    opinions : numpy.ndarray
        ``(R + 1, W)`` private reports; row 0 before round 1 (NaN where missing).
    stances : numpy.ndarray
        ``(R, W)`` mean stance of each participant's posts in each round (NaN where missing).
    partners : numpy.ndarray
        ``(R, W)`` chat partner index per round (-1: none).
    messages : pandas.DataFrame
        Posts and chat lines: ``round``, ``order``, ``kind``, ``sender`` and ``recipient``
        (participant indices; -1 for posts), ``text``, ``stance``.
    """

    workers: np.ndarray
    group: np.ndarray
    topics: tuple[str, ...]
    topic: np.ndarray
    opinions: np.ndarray
    stances: np.ndarray
    partners: np.ndarray
    messages: pd.DataFrame = field(repr=False)

    @property
    def rounds(self) -> int:
        """Number of debate rounds R."""
        return int(self.opinions.shape[0] - 1)

    def group_sizes(self) -> np.ndarray:
        """Participants per group."""
        return np.bincount(self.group)

    def metrics(
        self,
        *,
        default: float | None = None,
        text: bool = True,
        embedder: str = "hashing",
        references: Mapping[int, Sequence[str]] | None = None,
    ) -> dict[str, Any]:
        """The debate world's final metrics on this transcript (same names and formulas,
        :func:`socium.worlds.debate.metrics.summarize` and, with ``text``,
        :func:`socium.worlds.debate.text_measures.text_measures`)."""
        out = summarize(self.opinions, self.stances, self.partners, self.group, default)
        if text and len(self.messages):
            from socium.worlds.debate.text_measures import text_measures

            m = self.messages
            sender = m["sender"].to_numpy(np.int64)
            out.update(
                text_measures(
                    m["text"].astype(str).tolist(),
                    self.group[sender],
                    np.maximum(self.topic[sender], 0),
                    self.topics or ("",),
                    references=references,
                    embedder=embedder,
                )
            )
        return out

    def subset(self, keep: np.ndarray) -> DebateTranscript:
        """The participants where ``keep`` is true (groups renumbered, messages among them)."""
        keep = np.asarray(keep, dtype=bool)
        index = np.full(len(self.workers), -1, np.int64)
        index[keep] = np.arange(int(keep.sum()))
        _, group = np.unique(self.group[keep], return_inverse=True)
        partners = np.where(self.partners >= 0, index[np.maximum(self.partners, 0)], -1)[:, keep]
        m = self.messages
        s = m["sender"].to_numpy(np.int64)
        rcp = m["recipient"].to_numpy(np.int64)
        ok = keep[s] & ((rcp < 0) | keep[np.maximum(rcp, 0)])
        msgs = m[ok].copy()
        msgs["sender"] = index[s[ok]]
        msgs["recipient"] = np.where(rcp[ok] >= 0, index[np.maximum(rcp[ok], 0)], -1)
        return DebateTranscript(
            self.workers[keep],
            group.astype(np.int64),
            self.topics,
            self.topic[keep],
            self.opinions[:, keep],
            self.stances[:, keep],
            partners,
            msgs.reset_index(drop=True),
        )

    def messages_by_statement(self, statements: Sequence[str]) -> dict[int, list[str]]:
        """Message texts grouped by the index in ``statements`` of their topic (exact match
        after stripping white space); topics not in ``statements`` are left out."""
        where = {s.strip(): k for k, s in enumerate(statements)}
        m = self.messages
        topic = self.topic[m["sender"].to_numpy(np.int64)]
        out: dict[int, list[str]] = {}
        for t, text in zip(topic.tolist(), m["text"].astype(str).tolist(), strict=True):
            k = where.get(self.topics[t].strip()) if t >= 0 else None
            if k is not None and text.strip():
                out.setdefault(k, []).append(text)
        return out

    @classmethod
    def from_messages(cls, messages: pd.DataFrame, statements: Sequence[str]) -> DebateTranscript:
        """A simulated debate from its ``messages`` table (see ``docs/worlds/debate.md``).

        Parameters
        ----------
        messages : pandas.DataFrame
            The run's ``messages`` table (``round``, ``turn``, ``group``, ``topic``,
            ``sender``, ``recipient``, ``kind``, ``text``, ``stance``, ``opinion``).
        statements : sequence of str
            The run's topics (the ``topics`` table), indexed by ``topic``.
        """
        m = messages.reset_index(drop=True)
        agents = np.unique(m["sender"].to_numpy(np.int64))
        index = np.full(int(agents.max()) + 1 if agents.size else 0, -1, np.int64)
        index[agents] = np.arange(agents.size)
        sender = index[m["sender"].to_numpy(np.int64)]
        rcp = m["recipient"].to_numpy(np.int64)
        recipient = np.where(rcp >= 0, index[np.maximum(rcp, 0)], -1)
        rounds = int(m["round"].max()) if len(m) else 0
        w = agents.size
        kind = m["kind"].astype(str).to_numpy()
        rnd = m["round"].to_numpy(np.int64)
        group = np.zeros(w, np.int64)
        group[sender] = m["group"].to_numpy(np.int64)
        topic = np.zeros(w, np.int64)
        topic[sender] = m["topic"].to_numpy(np.int64)
        said = kind != "report"
        msgs = pd.DataFrame(
            {
                "round": rnd[said],
                "order": np.arange(int(said.sum())),
                "kind": kind[said],
                "sender": sender[said],
                "recipient": recipient[said],
                "text": m["text"].astype(str).to_numpy()[said],
                "stance": m["stance"].to_numpy(np.float64)[said],
            }
        )
        return _assemble(
            np.array([f"agent{a}" for a in agents], dtype=np.str_),
            group,
            tuple(str(s) for s in statements),
            topic,
            rounds,
            opinion_rows=(rnd[~said], sender[~said], m["opinion"].to_numpy(np.float64)[~said]),
            messages=msgs,
        )

    @classmethod
    def from_run(cls, run: Any) -> DebateTranscript:
        """A finished debate run (in memory or a run directory) as a transcript."""
        topics = run.table("topics")
        return cls.from_messages(run.table("messages"), topics["statement"].astype(str).tolist())


def _assemble(
    workers: np.ndarray,
    group: np.ndarray,
    topics: tuple[str, ...],
    topic: np.ndarray,
    rounds: int,
    *,
    opinion_rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    messages: pd.DataFrame,
) -> DebateTranscript:
    """Build the arrays of a transcript from report rows and message rows (later rows of the
    same participant and round win for reports; stances are averaged)."""
    w = len(workers)
    opinions = np.full((rounds + 1, w), np.nan)
    rnd, who, value = opinion_rows
    ok = ~np.isnan(value) & (rnd >= 0) & (rnd <= rounds)
    opinions[rnd[ok], who[ok]] = value[ok]
    stances = np.full((rounds, w), np.nan)
    partners = np.full((rounds, w), -1, np.int64)
    m = messages
    if len(m):
        r = m["round"].to_numpy(np.int64)
        s = m["sender"].to_numpy(np.int64)
        st = m["stance"].to_numpy(np.float64)
        post = (m["kind"].to_numpy() == "post") & (r >= 1) & (r <= rounds) & ~np.isnan(st)
        flat = (r[post] - 1) * w + s[post]
        total = np.bincount(flat, weights=st[post], minlength=rounds * w)
        count = np.bincount(flat, minlength=rounds * w)
        with np.errstate(invalid="ignore", divide="ignore"):
            stances = np.where(count > 0, total / np.maximum(count, 1), np.nan).reshape(rounds, w)
        rc = m["recipient"].to_numpy(np.int64)
        chat = (m["kind"].to_numpy() == "chat") & (rc >= 0) & (r >= 1) & (r <= rounds)
        partners[r[chat] - 1, s[chat]] = rc[chat]
    return DebateTranscript(workers, group, topics, topic, opinions, stances, partners, m)


def _numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values.replace("", np.nan), errors="coerce").to_numpy(np.float64)


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    graph = coo_array((np.ones(a.size), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def load_debate_csv(
    path: str | Path, *, groups: Mapping[str, int] | None = None
) -> DebateTranscript:
    """Load a transcript in the DEBATE CSV format.

    Parameters
    ----------
    path : str or Path
        The CSV file (e.g. :func:`sample_path`, or a local copy of the DEBATE release).
    groups : mapping of str to int, optional
        Group of every ``worker_id``. Default: a ``group_id`` column if present, else the
        connected components of the chat graph.

    Returns
    -------
    DebateTranscript

    Raises
    ------
    ValueError
        If a column of :data:`CSV_COLUMNS` is missing (the message names them).

    Examples
    --------
    >>> t = load_debate_csv(sample_path())
    >>> t.rounds, len(t.workers), sorted(set(t.group_sizes().tolist()))
    (3, 24, [4])
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CSV_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing DEBATE columns {missing}")
    df = df[~df["validity"].str.strip().str.lower().isin(_INVALID)]
    df = df.assign(event_type=df["event_type"].str.strip().str.lower())
    df = df[df["event_type"].isin(["post", "chat", "survey"])].copy()
    df["_round"] = pd.to_numeric(df["chat_round_order"], errors="coerce").fillna(0).astype(int)
    df["_order"] = pd.to_numeric(df["event_order"], errors="coerce").fillna(0)
    df = df.sort_values(["_round", "_order"], kind="stable")
    ids = df["worker_id"].where(df["worker_id"] != "", df["sender_id"])
    workers = pd.unique(ids).astype(str)
    index = {w: i for i, w in enumerate(workers)}
    who = ids.map(index).to_numpy(np.int64)
    rcp = df["recipient_id"].map(lambda v: index.get(v, -1)).to_numpy(np.int64)
    kind = df["event_type"].to_numpy()
    rnd = df["_round"].to_numpy(np.int64)
    survey = kind == "survey"
    rounds = int(rnd.max()) if rnd.size else 0

    statements = df["text"].where(survey, "").str.strip().to_numpy()
    topics = tuple(str(s) for s in pd.unique(statements[survey & (statements != "")]))
    topic = np.full(len(workers), -1, np.int64)
    tpos = {t: k for k, t in enumerate(topics)}
    for i, s in zip(who[survey], statements[survey], strict=True):
        if s in tpos and topic[i] < 0:
            topic[i] = tpos[s]

    said = ~survey
    chat = (kind == "chat") & (rcp >= 0)
    if groups is not None:
        group = np.array([int(groups[w]) for w in workers], dtype=np.int64)
    elif "group_id" in df.columns:
        group = np.zeros(len(workers), np.int64)
        group[who] = pd.factorize(df["group_id"])[0]
    else:
        group = _components(len(workers), who[chat], rcp[chat])
    _, group = np.unique(group, return_inverse=True)

    messages = pd.DataFrame(
        {
            "round": rnd[said],
            "order": np.arange(int(said.sum())),
            "kind": kind[said],
            "sender": who[said],
            "recipient": np.where(kind[said] == "chat", rcp[said], -1),
            "text": df["text"].to_numpy()[said].astype(str),
            "stance": _numbers(df["agreement_level"])[said],
        }
    )
    slider = _numbers(df["sliderValue"])
    return _assemble(
        workers.astype(np.str_),
        group.astype(np.int64),
        topics,
        topic,
        rounds,
        opinion_rows=(rnd[survey], who[survey], slider[survey]),
        messages=messages,
    )


def _fmt(v: float) -> str:
    return "" if not np.isfinite(v) else (str(int(v)) if float(v).is_integer() else repr(v))


def write_debate_csv(transcript: DebateTranscript, path: str | Path) -> Path:
    """Write a transcript in the DEBATE CSV format (readable by :func:`load_debate_csv`).

    Per round: the survey rows (private reports, with the statement as ``text``) of round 0
    come first; in rounds 1..R the messages in their order, then the reports after the round.
    """
    t = transcript
    path = Path(path)
    statement = [t.topics[k] if k >= 0 else "" for k in t.topic.tolist()]
    m = t.messages
    rows: list[list[str]] = []
    for r in range(t.rounds + 1):
        order = 0
        for _, msg in m[m["round"] == r].iterrows():
            s, rc = int(msg["sender"]), int(msg["recipient"])
            rows.append(
                [
                    str(r),
                    str(order),
                    str(msg["kind"]),
                    t.workers[s],
                    t.workers[s],
                    t.workers[rc] if rc >= 0 else "",
                    "message",
                    str(msg["text"]),
                    "",
                    _fmt(float(msg["stance"])),
                    "1",
                ]
            )
            order += 1
        for i in np.flatnonzero(~np.isnan(t.opinions[r])).tolist():
            rows.append(
                [
                    str(r),
                    str(order),
                    "survey",
                    t.workers[i],
                    t.workers[i],
                    "",
                    "opinion",
                    statement[i],
                    _fmt(float(t.opinions[r, i])),
                    "",
                    "1",
                ]
            )
            order += 1
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
    return path
