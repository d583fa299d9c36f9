"""The DEBATE CSV loader: round trip, invalid rows, inferred groups, and the comparison."""

import numpy as np
import pandas as pd
import pytest

import socium
from socium.worlds.debate.compare import compare, config_from_transcript
from socium.worlds.debate.data import (
    CSV_COLUMNS,
    DebateTranscript,
    load_debate_csv,
    sample_path,
    write_debate_csv,
)


@pytest.fixture(scope="module")
def sample():
    return load_debate_csv(sample_path())


def _same(a: DebateTranscript, b: DebateTranscript) -> None:
    assert a.workers.tolist() == b.workers.tolist()
    assert a.topics == b.topics
    for name in ("group", "topic", "opinions", "stances", "partners"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    pd.testing.assert_frame_equal(a.messages, b.messages)


def test_sample_shape(sample):
    assert list(pd.read_csv(sample_path(), nrows=0).columns) == list(CSV_COLUMNS)
    assert sample.rounds == 3 and len(sample.workers) == 24
    assert sample.group_sizes().tolist() == [4] * 6  # groups inferred from the chat graph
    assert len(sample.topics) == 3
    assert not np.isnan(sample.opinions).any()
    assert ((sample.opinions >= 1) & (sample.opinions <= 6)).all()
    # every member of a group debates the same statement, and chats only inside the group
    for g in range(6):
        assert len(set(sample.topic[sample.group == g].tolist())) == 1
    p = sample.partners
    assert (sample.group[np.maximum(p, 0)] == sample.group[None, :])[p >= 0].all()


def test_invalid_rows_are_dropped(sample):
    raw = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    assert (raw["validity"] == "0").sum() == 2
    assert "test test please ignore" in set(raw["text"])
    assert "test test please ignore" not in set(sample.messages["text"])
    posts = raw[(raw["event_type"] != "survey") & (raw["validity"] == "1")]
    assert len(sample.messages) == len(posts)


def test_round_trip(sample, tmp_path):
    first = write_debate_csv(sample, tmp_path / "a.csv")
    again = load_debate_csv(first)
    _same(sample, again)
    second = write_debate_csv(again, tmp_path / "b.csv")
    assert first.read_text() == second.read_text()


def test_missing_column_is_an_error(tmp_path):
    df = pd.read_csv(sample_path(), dtype=str).drop(columns=["sliderValue"])
    df.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="sliderValue"):
        load_debate_csv(tmp_path / "bad.csv")


def test_explicit_groups_override_the_chat_graph(sample):
    groups = dict.fromkeys(sample.workers.tolist(), 0)
    t = load_debate_csv(sample_path(), groups=groups)
    assert t.group_sizes().tolist() == [24]


def test_compare_with_itself_is_zero(sample):
    table = compare(sample, sample)
    assert len(table) == 4  # three topics with groups of four, and "all"
    assert np.allclose(table[["opinion_gap", "stance_gap", "delta_sd_gap", "wasserstein"]], 0)


def test_simulated_run_measured_by_the_same_pipeline(sample, tmp_path):
    """Replay the sample's setting, then measure the run through the CSV format: the loader's
    metrics must equal the world's own final metrics."""
    cfg = config_from_transcript(sample, tmp_path, text_metrics=False)
    run = socium.run(cfg, seed=5)
    sim = DebateTranscript.from_run(run)
    assert sim.group_sizes().tolist() == [4] * 6
    assert np.array_equal(np.sort(sim.opinions[0]), np.sort(sample.opinions[0]))
    back = load_debate_csv(write_debate_csv(sim, tmp_path / "sim.csv"))
    m = back.metrics(text=False)
    for key in (
        "delta_sd_private",
        "delta_sd_public",
        "regression_to_mean",
        "partner_slope",
        "shift_private",
        "opinion_mean_final",
    ):
        assert m[key] == pytest.approx(run.final[key]), key
    table = compare(sample, sim)
    assert set(table["topic"]) == {*sample.topics, "all"}
    assert (table["wasserstein"] >= 0).all()


def test_config_from_transcript_rejects_mixed_group_sizes(sample, tmp_path):
    t = sample.subset(np.arange(len(sample.workers)) != 0)  # one group of three
    with pytest.raises(ValueError, match="one size"):
        config_from_transcript(t, tmp_path)
