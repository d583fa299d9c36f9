"""Text metrics for message-based worlds (debates, discussions): ROUGE-L overlap, semantic
diversity, topicality and message length.

Texts are tokenised by :func:`socium.text.tokens.word_tokens` (lower-cased runs of letters and
digits). Embedding inputs are ``(n, d)`` arrays from any :class:`socium.text.Embedder`; their
rows are L2-normalised here, so cosine similarity is used throughout, and zero rows (the
embedding of an empty text) have similarity 0 with everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from socium.text.tokens import word_tokens

__all__ = [
    "lcs_length",
    "mean_pairwise_similarity",
    "message_length",
    "on_topic_rate",
    "rouge_l",
]


def _tokens(x: str | Sequence[str], name: str) -> list[str]:
    if isinstance(x, str):
        return word_tokens(x)
    toks = list(x)
    if not all(isinstance(t, str) for t in toks):
        raise TypeError(f"{name} must be a str or a sequence of str tokens")
    return toks


def lcs_length(a: str | Sequence[str], b: str | Sequence[str]) -> int:
    r"""Length of the longest common subsequence of two token sequences.

    Parameters
    ----------
    a, b : str or sequence of str
        Texts (tokenised by :func:`~socium.text.tokens.word_tokens`) or token lists, used as
        they are.

    Returns
    -------
    int
        :math:`\mathrm{LCS}(a, b)`; 0 when either is empty.

    Notes
    -----
    The dynamic programme :math:`L_{i,j} = L_{i-1,j-1} + 1` if :math:`a_i = b_j`, else
    :math:`\max(L_{i-1,j}, L_{i,j-1})`, is computed one row at a time with numpy: since rows
    are non-decreasing in :math:`j`,
    :math:`L_{i,j} = \max_{k \le j} t_k` with :math:`t_k = L_{i-1,k-1} + 1` on a match and
    :math:`L_{i-1,k}` otherwise, a ``maximum.accumulate``. That is :math:`\min(|a|, |b|)`
    vectorized rows of length :math:`\max(|a|, |b|)`: :math:`O(|a||b|)` work and
    :math:`O(|a| + |b|)` memory.

    References
    ----------
    .. [1] Wagner, R. A., & Fischer, M. J. (1974). The string-to-string correction problem.
       Journal of the ACM, 21(1), 168-173.

    Examples
    --------
    >>> lcs_length("police killed the gunman", "police kill the gunman")
    3
    """
    ta, tb = _tokens(a, "a"), _tokens(b, "b")
    if len(ta) > len(tb):
        ta, tb = tb, ta  # loop over the shorter sequence
    if not ta:
        return 0
    vocab: dict[str, int] = {}
    ia = np.array([vocab.setdefault(t, len(vocab)) for t in ta], dtype=np.int64)
    ib = np.array([vocab.setdefault(t, len(vocab)) for t in tb], dtype=np.int64)
    prev = np.zeros(len(tb) + 1, dtype=np.int64)  # L[i-1, 0..|b|]
    for tok in ia:
        cand = np.where(ib == tok, prev[:-1] + 1, prev[1:])
        row = np.empty_like(prev)
        row[0] = 0
        np.maximum.accumulate(cand, out=row[1:])
        prev = row
    return int(prev[-1])


def rouge_l(
    candidate: str | Sequence[str], reference: str | Sequence[str], *, beta: float = 1.0
) -> float:
    r"""ROUGE-L F-measure: longest-common-subsequence overlap of a candidate with a reference.

    Parameters
    ----------
    candidate : str or sequence of str
        The text being evaluated (e.g. an agent's message or summary), or its tokens.
    reference : str or sequence of str
        The reference text, or its tokens.
    beta : float, default 1.0
        Weight of recall relative to precision (``beta = 1`` is the harmonic mean F1, the
        convention of Google's ``rouge-score``).

    Returns
    -------
    float
        :math:`F_{lcs} \in [0, 1]`; 0 when either text has no token or there is no common
        token.

    Raises
    ------
    ValueError
        If ``beta <= 0``.

    Notes
    -----
    With :math:`m = |\mathrm{reference}|` and :math:`n = |\mathrm{candidate}|` tokens
    (Lin 2004, sentence level):

    .. math:: R = \frac{\mathrm{LCS}}{m}, \qquad P = \frac{\mathrm{LCS}}{n}, \qquad
              F = \frac{(1 + \beta^2) R P}{R + \beta^2 P}.

    The LCS comes from :func:`lcs_length`. No stemming and no stop-word removal: tokens are
    lower-cased words.

    References
    ----------
    .. [1] Lin, C.-Y. (2004). ROUGE: a package for automatic evaluation of summaries. Text
       Summarization Branches Out (ACL Workshop), 74-81.

    Examples
    --------
    Lin's example: LCS = 3 ("police the gunman") of 4 tokens each, so R = P = F = 3/4.

    >>> rouge_l("police kill the gunman", "police killed the gunman")
    0.75
    """
    if not np.isfinite(beta) or beta <= 0:
        raise ValueError(f"beta must be > 0; got {beta!r}")
    tc, tr = _tokens(candidate, "candidate"), _tokens(reference, "reference")
    if not tc or not tr:
        return 0.0
    lcs = lcs_length(tc, tr)
    if lcs == 0:
        return 0.0
    r, p = lcs / len(tr), lcs / len(tc)
    b2 = beta * beta
    return float((1.0 + b2) * r * p / (r + b2 * p))


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)


def _embeddings(a: object, name: str) -> np.ndarray:
    x = np.asarray(a, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n, d); got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} must be finite")
    return x


def mean_pairwise_similarity(embeddings: object) -> float:
    r"""Mean cosine similarity over all pairs of distinct messages.

    Parameters
    ----------
    embeddings : array_like of float, shape (n, d)
        One embedding per message (normalised here; zero rows count as similarity 0).

    Returns
    -------
    float
        :math:`S = \frac{2}{n(n-1)} \sum_{i<j} \cos(e_i, e_j)`; NaN when ``n < 2``. High
        values mean homogeneous messages (low diversity, "echoing"), values near 0 unrelated
        ones.

    Raises
    ------
    ValueError
        If ``embeddings`` is not a finite 2-D array.

    Notes
    -----
    With unit rows :math:`\hat e_i` and :math:`s = \sum_i \hat e_i`,
    :math:`\sum_{i \ne j} \hat e_i \cdot \hat e_j = \lVert s \rVert^2 - \sum_i \lVert \hat
    e_i \rVert^2`, so the mean costs :math:`O(nd)` with no :math:`n \times n` matrix. This is
    the embedding-based diversity measure of, e.g., Tevet & Berant (2021), as one minus
    diversity.

    References
    ----------
    .. [1] Tevet, G., & Berant, J. (2021). Evaluating the evaluation of diversity in natural
       language generation. Proceedings of EACL 2021, 326-346.

    Examples
    --------
    >>> mean_pairwise_similarity([[1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])  # pairs: 1, 0, 0
    0.3333333333333333
    """
    x = _unit_rows(_embeddings(embeddings, "embeddings"))
    n = x.shape[0]
    if n < 2:
        return float("nan")
    s = x.sum(axis=0)
    total = float(s @ s) - float(np.einsum("ij,ij->", x, x))
    return total / (n * (n - 1))


def on_topic_rate(
    message_embeddings: object, topic_embedding: object, threshold: float = 0.3
) -> float:
    r"""Share of messages whose cosine similarity to the topic reaches ``threshold``.

    Parameters
    ----------
    message_embeddings : array_like of float, shape (n, d)
        One embedding per message.
    topic_embedding : array_like of float, shape (d,) or (K, d)
        Embedding of the topic (e.g. the debate motion), or of ``K`` acceptable topics (a
        message is on topic when it is close enough to any of them).
    threshold : float, default 0.3
        Cosine threshold :math:`\theta \in [-1, 1]`. It depends on the embedder: for
        all-MiniLM-L6-v2, a message and a one-sentence statement of its topic typically have
        cosine 0.3-0.7, unrelated sentences about -0.1-0.15, hence the default 0.3.
        Hashing embeddings only register shared words (unrelated texts are near 0 and
        paraphrases without shared words too), so use a lower threshold such as 0.1 with
        them, and calibrate on labelled examples when it matters.

    Returns
    -------
    float
        :math:`\frac{1}{n} \#\{i : \max_k \cos(e_i, t_k) \ge \theta\}`; NaN when ``n = 0``.
        Empty messages (zero embeddings) have cosine 0.

    Raises
    ------
    ValueError
        On non-finite input, mismatched dimensions, ``K = 0`` or ``threshold`` outside
        ``[-1, 1]``.

    Notes
    -----
    Cost :math:`O(nKd)`.

    References
    ----------
    .. [1] Reimers, N., & Gurevych, I. (2019). Sentence-BERT: sentence embeddings using
       Siamese BERT-networks. Proceedings of EMNLP-IJCNLP 2019, 3982-3992.

    Examples
    --------
    >>> on_topic_rate([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], [1.0, 0.0], threshold=0.5)
    0.6666666666666666
    """
    x = _embeddings(message_embeddings, "message_embeddings")
    t = np.asarray(topic_embedding, dtype=np.float64)
    if t.ndim == 1:
        t = t[None, :]
    t = _embeddings(t, "topic_embedding")
    if t.shape[0] == 0 or t.shape[1] != x.shape[1]:
        raise ValueError(
            f"topic_embedding must have shape (d,) or (K >= 1, d) with d = {x.shape[1]}; "
            f"got {t.shape}"
        )
    if not -1.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [-1, 1]; got {threshold!r}")
    if x.shape[0] == 0:
        return float("nan")
    cos = (_unit_rows(x) @ _unit_rows(t).T).max(axis=1)
    return float(np.mean(cos >= threshold))


def message_length(
    texts: Sequence[str], *, unit: Literal["words", "chars"] = "words"
) -> dict[str, float]:
    r"""Summary statistics of message lengths.

    Parameters
    ----------
    texts : sequence of str
        The messages.
    unit : {"words", "chars"}, default "words"
        Count word tokens (:func:`~socium.text.tokens.word_tokens`) or characters
        (``len(text)``, Unicode code points).

    Returns
    -------
    dict of str to float
        ``n`` (number of messages), ``mean``, ``std`` (population, ``ddof = 0``), ``min``,
        ``median``, ``max``, ``total`` and ``empty_share`` (share of messages of length 0).
        All but ``n`` and ``total`` are NaN when there is no message.

    Raises
    ------
    TypeError
        If ``texts`` is a single string or holds a non-string.
    ValueError
        If ``unit`` is unknown.

    Notes
    -----
    Lengths are counted per text, then summarised with numpy. Message length is a simple
    proxy of effort and verbosity, e.g. the "verbosity bias" of LLM agents.

    References
    ----------
    .. [1] Saito, K., Wachi, A., Wataoka, K., & Akimoto, Y. (2023). Verbosity bias in
       preference labeling by large language models. arXiv:2310.10076.

    Examples
    --------
    >>> message_length(["I agree.", "No, because it costs too much!", ""])["mean"]
    2.6666666666666665
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of str, not a single string")
    if unit not in ("words", "chars"):
        raise ValueError(f"unit must be 'words' or 'chars'; got {unit!r}")
    items = list(texts)
    if not all(isinstance(t, str) for t in items):
        raise TypeError("texts must hold str only")
    count = (lambda t: len(word_tokens(t))) if unit == "words" else len
    lengths = np.fromiter((count(t) for t in items), dtype=np.float64, count=len(items))
    out: dict[str, float] = {"n": float(lengths.size), "total": float(lengths.sum())}
    if lengths.size == 0:
        nan = float("nan")
        out.update(mean=nan, std=nan, min=nan, median=nan, max=nan, empty_share=nan)
        return out
    out.update(
        mean=float(lengths.mean()),
        std=float(lengths.std()),
        min=float(lengths.min()),
        median=float(np.median(lengths)),
        max=float(lengths.max()),
        empty_share=float(np.mean(lengths == 0)),
    )
    return out
