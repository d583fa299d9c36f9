"""Tests for socium.metrics.text on hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from socium.metrics.text import (
    lcs_length,
    mean_pairwise_similarity,
    message_length,
    on_topic_rate,
    rouge_l,
)
from socium.text import HashingEmbedder


def _naive_lcs(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        for j, y in enumerate(b, 1):
            table[i][j] = (
                table[i - 1][j - 1] + 1 if x == y else max(table[i - 1][j], table[i][j - 1])
            )
    return table[-1][-1]


def test_lcs_length_by_hand():
    # CLRS: LCS("ABCBDAB", "BDCABA") = 4 (e.g. BCBA)
    assert lcs_length(list("ABCBDAB"), list("BDCABA")) == 4
    assert lcs_length(list("BDCABA"), list("ABCBDAB")) == 4
    assert lcs_length("police killed the gunman", "police kill the gunman") == 3
    assert lcs_length("a b c", "c b a") == 1
    assert lcs_length("", "a b") == 0
    assert lcs_length([], []) == 0


def test_lcs_length_matches_naive_dp():
    rng = np.random.default_rng(0)
    for _ in range(200):
        a = list(rng.integers(0, 4, size=rng.integers(0, 15)).astype(str))
        b = list(rng.integers(0, 4, size=rng.integers(0, 15)).astype(str))
        assert lcs_length(a, b) == _naive_lcs(a, b)


def test_rouge_l_lin_example():
    # Lin (2004): reference "police killed the gunman"; S2 "police kill the gunman" has
    # LCS 3 ("police the gunman") of 4 and 4 tokens: R = P = F = 3/4. S3 "the gunman kill
    # police" has LCS 2 ("the gunman"): R = P = F = 1/2.
    ref = "police killed the gunman"
    assert rouge_l("police kill the gunman", ref) == pytest.approx(0.75)
    assert rouge_l("the gunman kill police", ref) == pytest.approx(0.5)


def test_rouge_l_precision_recall_and_beta_by_hand():
    cand = "the cat was found under the bed"  # 7 tokens
    ref = "the cat was under the bed"  # 6 tokens, LCS = 6
    r, p = 1.0, 6 / 7
    assert rouge_l(cand, ref) == pytest.approx(2 * r * p / (r + p))  # 12/13
    assert rouge_l(cand, ref) == pytest.approx(12 / 13)
    assert rouge_l(cand, ref, beta=2.0) == pytest.approx(5 * r * p / (r + 4 * p))  # 30/31
    assert rouge_l(cand, ref, beta=2.0) == pytest.approx(30 / 31)


def test_rouge_l_case_punctuation_tokens_and_degenerate():
    assert rouge_l("The CAT, sat.", "the cat sat") == 1.0
    assert rouge_l(["the", "cat"], ["the", "dog"]) == pytest.approx(0.5)
    assert rouge_l("", "the cat") == 0.0
    assert rouge_l("the cat", "") == 0.0
    assert rouge_l("", "") == 0.0
    assert rouge_l("apples", "oranges") == 0.0
    with pytest.raises(ValueError):
        rouge_l("a", "a", beta=0.0)
    with pytest.raises(TypeError):
        rouge_l([1, 2], "a")  # type: ignore[list-item]


def test_mean_pairwise_similarity_by_hand():
    # pairs (0,1): 1, (0,2): 0, (1,2): 0 -> 1/3; rows are normalised first
    assert mean_pairwise_similarity([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0]]) == pytest.approx(1 / 3)
    # cos(0, 60deg) = 1/2, (0, 120) = -1/2, (60, 120) = 1/2 -> 1/6
    ang = np.deg2rad([0.0, 60.0, 120.0])
    x = np.c_[np.cos(ang), np.sin(ang)]
    assert mean_pairwise_similarity(x) == pytest.approx(1 / 6)
    # a zero row (empty text) counts as similarity 0: pairs 1, 0, 0
    assert mean_pairwise_similarity([[1.0, 0.0], [1.0, 0.0], [0.0, 0.0]]) == pytest.approx(1 / 3)
    assert math.isnan(mean_pairwise_similarity([[1.0, 0.0]]))
    assert math.isnan(mean_pairwise_similarity(np.empty((0, 3))))


def test_mean_pairwise_similarity_matches_brute_force():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 8))
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    c = u @ u.T
    brute = (c.sum() - np.trace(c)) / (30 * 29)
    assert mean_pairwise_similarity(x) == pytest.approx(brute)
    with pytest.raises(ValueError):
        mean_pairwise_similarity(np.ones(3))
    with pytest.raises(ValueError):
        mean_pairwise_similarity([[np.nan, 1.0]])


def test_on_topic_rate_by_hand():
    msgs = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0], [0.0, 0.0]])
    # cosines with (1, 0): 1, 0.6, 0, 0 (zero row)
    assert on_topic_rate(msgs, [1.0, 0.0], threshold=0.5) == pytest.approx(2 / 4)
    assert on_topic_rate(msgs, [2.0, 0.0], threshold=0.7) == pytest.approx(1 / 4)
    assert on_topic_rate(msgs, [1.0, 0.0], threshold=0.0) == 1.0  # cos >= 0 for all
    # several topics: the best one counts; cosines with (0, 1): 0, 0.8, 1, 0
    assert on_topic_rate(msgs, [[1.0, 0.0], [0.0, 1.0]], threshold=0.7) == pytest.approx(3 / 4)
    assert math.isnan(on_topic_rate(np.empty((0, 2)), [1.0, 0.0]))


def test_on_topic_rate_with_hashing_embeddings():
    emb = HashingEmbedder()
    topic = emb.embed(["should cities ban cars from the centre"])[0]
    msgs = emb.embed(
        ["Cities should ban cars from the centre.", "Banning cars hurts shops.", "I like jazz."]
    )
    assert on_topic_rate(msgs, topic, threshold=0.1) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("x", "t", "thr"),
    [
        (np.ones((2, 3)), np.ones(4), 0.3),
        (np.ones((2, 3)), np.ones((0, 3)), 0.3),
        (np.ones((2, 3)), np.ones(3), 1.5),
        (np.ones(3), np.ones(3), 0.3),
    ],
)
def test_on_topic_rate_rejects_bad_input(x, t, thr):
    with pytest.raises(ValueError):
        on_topic_rate(x, t, thr)


def test_message_length_by_hand():
    texts = ["I agree.", "No, because it costs too much!", ""]
    s = message_length(texts)
    # word counts 2, 6, 0
    assert s["n"] == 3.0 and s["total"] == 8.0
    assert s["mean"] == pytest.approx(8 / 3)
    assert s["std"] == pytest.approx(np.std([2, 6, 0]))
    assert (s["min"], s["median"], s["max"]) == (0.0, 2.0, 6.0)
    assert s["empty_share"] == pytest.approx(1 / 3)
    c = message_length(texts, unit="chars")
    assert (c["min"], c["max"], c["total"]) == (0.0, 30.0, 38.0)


def test_message_length_empty_and_errors():
    s = message_length([])
    assert s["n"] == 0.0 and s["total"] == 0.0 and math.isnan(s["mean"])
    with pytest.raises(TypeError):
        message_length("a single string")
    with pytest.raises(TypeError):
        message_length(["ok", None])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        message_length(["a"], unit="tokens")  # type: ignore[arg-type]
