"""Text measures of debates: ROUGE-L against known values, similarity, on-topic rate."""

import numpy as np
import pytest

pytest.importorskip("socium.metrics.text")

from socium.worlds.debate.text_measures import best_rouge_l, text_measures


def test_best_rouge_l_known_values():
    refs = ["police killed the gunman", "completely unrelated words"]
    got = best_rouge_l(["police kill the gunman", "the gunman"], refs)
    # Lin (2004): LCS 3 of 4 each way -> 0.75; "the gunman": LCS 2, R = 2/4, P = 1 -> 2/3
    assert got.tolist() == pytest.approx([0.75, 2 / 3])
    assert np.isnan(best_rouge_l(["x"], [])).all()


def test_text_measures_rouge_by_topic_and_counts():
    texts = ["police kill the gunman", "the gunman", "", "nuclear power is clean"]
    out = text_measures(
        texts,
        group=np.array([0, 0, 0, 1]),
        topic=np.array([0, 0, 0, 1]),
        statements=["police and gunman", "nuclear power is good"],
        references={0: ["police killed the gunman"]},
    )
    assert out["text_messages"] == 3  # the empty message is skipped
    assert out["rouge_l"] == pytest.approx((0.75 + 2 / 3) / 2)  # topic 1 has no reference
    assert out["message_length"] == pytest.approx((4 + 2 + 4) / 3)
    assert out["on_topic_rate"] == pytest.approx(1.0)


def test_similarity_identical_vs_unrelated_groups():
    same = text_measures(
        ["we agree on this", "we agree on this"], np.zeros(2, int), np.zeros(2, int), ["topic"]
    )
    diff = text_measures(
        ["alpha beta gamma", "delta epsilon zeta"], np.zeros(2, int), np.zeros(2, int), ["topic"]
    )
    assert same["similarity"] == pytest.approx(1.0, abs=1e-6)
    assert diff["similarity"] < 0.3
    assert diff["on_topic_rate"] == 0.0
