"""The opinion world's model objects: one class per model, chosen once from the config."""

from __future__ import annotations

import numpy as np
import pytest
from opinion_util import make_world

from socium.core.batches import ActionBatch
from socium.core.schedule import RandomSequentialSpec, SynchronousSpec
from socium.worlds.opinion import MODELS
from socium.worlds.opinion.config import CONTINUOUS_MODELS
from socium.worlds.opinion.world import MODEL_CLASSES

# from docs/worlds/opinion.md: the synchronous models; all others are random-sequential
SYNCHRONOUS = {"degroot", "friedkin_johnsen", "hegselmann_krause"}


def test_one_class_per_model_in_config_order():
    assert tuple(MODEL_CLASSES) == MODELS
    assert [cls.name for cls in MODEL_CLASSES.values()] == list(MODELS)
    assert len(set(MODEL_CLASSES.values())) == len(MODELS)


@pytest.mark.parametrize("model", MODELS)
def test_world_uses_the_model_class_and_its_flags(model):
    w = make_world(model, n=20)
    assert type(w.dynamics) is MODEL_CLASSES[model]
    assert w.discrete == (model not in CONTINUOUS_MODELS)
    assert w.x.dtype == (np.int64 if w.discrete else np.float64)
    assert w.sequential == (model not in SYNCHRONOUS)
    assert w.records_events_by_default() == (model not in SYNCHRONOUS)
    spec = w.default_schedule()
    assert isinstance(spec, SynchronousSpec if model in SYNCHRONOUS else RandomSequentialSpec)


@pytest.mark.parametrize("model", MODELS)
def test_agent_table_columns(model):
    table = make_world(model, n=10).agent_table()
    expected = {"opinion", "initial_opinion"}
    if model == "friedkin_johnsen":
        expected.add("stubbornness")
    if model in ("deffuant", "hegselmann_krause"):
        expected.add("confidence")
    assert set(table) == expected
    assert all(col.shape == (10,) for col in table.values())


def test_agent_table_broadcasts_the_config_value():
    table = make_world("deffuant", n=4, epsilon=0.25).agent_table()
    assert table["confidence"].tolist() == [0.25] * 4


@pytest.mark.parametrize("model", ["deffuant", "majority", "sznajd"])
def test_apply_without_the_batch_names_the_model(model):
    w = make_world(model, n=5)
    ids = np.array([0, 1])
    cols = {"opinion": w.x[ids].copy()}
    if model == "deffuant":
        cols["partner_opinion"] = w.x[ids].copy()
    with pytest.raises(ValueError, match=model):
        w.apply(ActionBatch(ids, cols, None))
