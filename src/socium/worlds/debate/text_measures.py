r"""Text measures of a debate's messages: length, ROUGE-L against references, embedding
similarity within groups, and the on-topic rate.

Thin, debate-shaped wrappers over :mod:`socium.metrics.text` and :mod:`socium.text.embed`
(imported lazily, so the world runs without them when ``text_metrics = false``).

References
----------
C.-Y. Lin, "ROUGE: a package for automatic evaluation of summaries", ACL Workshop (2004).
N. Reimers and I. Gurevych, "Sentence-BERT", EMNLP-IJCNLP (2019).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from socium.worlds.debate.metrics import nanmean, none_if_nan

__all__ = ["HASHING_THRESHOLD", "MINILM_THRESHOLD", "best_rouge_l", "text_measures"]

#: Default on-topic cosine threshold for the hashing embedder (shared words only).
HASHING_THRESHOLD = 0.1
#: Default on-topic cosine threshold for MiniLM sentence embeddings.
MINILM_THRESHOLD = 0.3


def best_rouge_l(candidates: Sequence[str], references: Sequence[str]) -> np.ndarray:
    r"""Per candidate, its best ROUGE-L F-measure against any reference.

    .. math:: \mathrm{R}_i = \max_{r \in \mathcal{R}} F_{lcs}(c_i, r)

    NaN for every candidate when there is no reference.

    Examples
    --------
    >>> best_rouge_l(["police kill the gunman"], ["police killed the gunman", "no"]).tolist()
    [0.75]
    """
    from socium.metrics.text import rouge_l

    if not references:
        return np.full(len(candidates), np.nan)
    return np.array([max(rouge_l(c, r) for r in references) for c in candidates], dtype=float)


def text_measures(
    texts: Sequence[str],
    group: np.ndarray,
    topic: np.ndarray,
    statements: Sequence[str],
    *,
    references: Mapping[int, Sequence[str]] | None = None,
    embedder: str = "hashing",
    threshold: float | None = None,
) -> dict[str, Any]:
    r"""Text measures of a set of messages (posts and chat lines).

    Parameters
    ----------
    texts : sequence of str
        The messages (empty ones are skipped).
    group, topic : numpy.ndarray
        Per message, its group and topic index (into ``statements``).
    statements : sequence of str
        The topic statements.
    references : mapping of int to sequence of str, optional
        Reference messages per topic index (e.g. human messages on the same topic).
    embedder : {"hashing", "minilm", "auto"}
        Passed to :func:`socium.text.embed.get_embedder`.
    threshold : float, optional
        On-topic cosine threshold :math:`\theta`; default :data:`HASHING_THRESHOLD` for the
        hashing embedder and :data:`MINILM_THRESHOLD` otherwise.

    Returns
    -------
    dict
        ``text_messages`` (count), ``message_length`` (mean words),
        ``rouge_l`` (mean best ROUGE-L against the references of the message's topic;
        ``None`` without references), ``similarity`` (mean pairwise cosine of the messages of
        a group, averaged over groups with at least two) and ``on_topic_rate`` (share of
        messages with :math:`\cos(e_m, e_{\text{topic}}) \ge \theta`).
    """
    from socium.metrics.text import mean_pairwise_similarity, message_length, on_topic_rate
    from socium.text.embed import HashingEmbedder, get_embedder

    texts_arr = np.asarray(list(texts), dtype=np.str_)
    keep = np.char.str_len(np.char.strip(texts_arr)) > 0 if texts_arr.size else np.zeros(0, bool)
    texts_arr = texts_arr[keep]
    group = np.asarray(group, dtype=np.int64)[keep]
    topic = np.asarray(topic, dtype=np.int64)[keep]
    out: dict[str, Any] = {
        "text_messages": int(texts_arr.size),
        "message_length": None,
        "rouge_l": None,
        "similarity": None,
        "on_topic_rate": None,
    }
    if texts_arr.size == 0:
        return out
    items = texts_arr.tolist()
    out["message_length"] = none_if_nan(message_length(items)["mean"])
    if references:
        scores = np.full(len(items), np.nan)
        for k in np.unique(topic):
            refs = list(references.get(int(k), ()))
            rows = np.flatnonzero(topic == k)
            scores[rows] = best_rouge_l([items[i] for i in rows], refs)
        out["rouge_l"] = none_if_nan(nanmean(scores))
    model = get_embedder(embedder)  # type: ignore[arg-type]
    if threshold is None:
        threshold = HASHING_THRESHOLD if isinstance(model, HashingEmbedder) else MINILM_THRESHOLD
    emb = model.embed(items)
    sims = [
        mean_pairwise_similarity(emb[group == g])
        for g in np.unique(group)
        if (group == g).sum() > 1
    ]
    out["similarity"] = none_if_nan(nanmean(np.array(sims))) if sims else None
    topic_emb = model.embed(list(statements))
    hits = 0.0
    for k in np.unique(topic):
        rows = topic == k
        hits += on_topic_rate(emb[rows], topic_emb[k], threshold) * rows.sum()
    out["on_topic_rate"] = float(hits / len(items))
    return out
