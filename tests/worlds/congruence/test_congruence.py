"""The congruence experiment: counterpart cells, the logit choice, mitigations, LLM hooks."""

import numpy as np
import pytest

import socium
from socium.errors import ConfigError
from socium.testing import run_steps
from socium.worlds.congruence.actions import Choose
from socium.worlds.congruence.choice import choice_probabilities
from socium.worlds.congruence.counterparts import CELLS, draw_counterparts
from socium.worlds.congruence.prompts import MITIGATION_PROMPTS
from socium.worlds.congruence.world import rates


def _cfg(size=400, steps=4, **world):
    return {
        "run": {"seed": 1, "steps": steps},
        "population": {"size": size},
        "world": {"name": "congruence", **world},
    }


def test_counterparts_fill_their_cells_and_never_self():
    rng = np.random.default_rng(1)
    ident = rng.integers(0, 3, 300)
    bel = rng.integers(0, 2, 300)
    ids = np.arange(300)
    for _ in range(10):
        drawn = draw_counterparts(ident, bel, 3, ids, rng)
        for col, (same_id, same_b) in enumerate(CELLS):
            o = drawn[:, col]
            assert (o >= 0).all() and (o != ids).all()
            assert ((ident[o] == ident) == same_id).all()
            assert ((bel[o] == bel) == same_b).all()


def test_counterparts_uniform_and_empty_pools():
    ident = np.array([0, 0, 0, 1, 1])
    bel = np.ones(5, np.int64)
    rng = np.random.default_rng(2)
    picks = np.array([draw_counterparts(ident, bel, 2, np.array([1]), rng)[0] for _ in range(4000)])
    assert (picks[:, 1] == -1).all() and (picks[:, 3] == -1).all()  # nobody disagrees
    same = np.bincount(picks[:, 0], minlength=5)
    assert same[1] == 0 and abs(same[0] - same[2]) < 250  # uniform over the others
    other = np.bincount(picks[:, 2], minlength=5)
    assert other[:3].sum() == 0 and abs(other[3] - other[4]) < 250


def test_logit_probabilities_by_hand():
    p = choice_probabilities(
        np.array([[1, 1, 0, 0]]),
        np.array([[1, 0, 1, 0]]),
        np.array([[True, True, True, False]]),
        np.array([np.log(2)]),
        np.array([np.log(3)]),
    )
    # utilities 6, 2, 3 (exp) and the unavailable option
    assert p[0].tolist() == pytest.approx([6 / 11, 2 / 11, 3 / 11, 0.0])
    assert rates(np.array([3, 1, 0, 0])) == (0.75, 1.0)


def test_rule_rates_match_the_logit_model():
    w_b, w_id = 1.5, 0.5
    e = np.exp([w_b + w_id, w_id, w_b, 0.0])
    expect_b, expect_i = (e[0] + e[2]) / e.sum(), (e[0] + e[1]) / e.sum()
    f = socium.run(_cfg(size=1000, steps=6), seed=2).final
    se_b, se_i = f["belief_congruence_se"], f["identity_congruence_se"]
    assert abs(f["belief_congruence"] - expect_b) < 4 * se_b
    assert abs(f["identity_congruence"] - expect_i) < 4 * se_i
    assert f["rokeach_mezei"] > 0.1  # a like-minded outsider beats an unlike-minded insider


def test_no_preference_is_chance_and_identity_first_reverses():
    f = socium.run(_cfg(belief_weight=0.0, identity_weight=0.0, size=1000), seed=3).final
    assert abs(f["belief_congruence"] - 0.5) < 4 * f["belief_congruence_se"]
    assert abs(f["identity_congruence"] - 0.5) < 4 * f["identity_congruence_se"]
    g = socium.run(_cfg(belief_weight=0.2, identity_weight=2.0), seed=3).final
    assert g["identity_congruence"] > g["belief_congruence"] and g["rokeach_mezei"] < 0


def test_mitigations_lower_the_rates_they_target():
    f = socium.run(
        _cfg(size=2000, steps=4, conditions=["none", "contact", "accuracy", "global_citizenship"]),
        seed=4,
    ).final
    assert f["belief_congruence_change_accuracy"] < -0.03
    assert f["identity_congruence_change_contact"] < -0.03
    assert f["identity_congruence_change_global_citizenship"] < -0.03
    # overriding the documented weights removes the effect
    none = {"belief": 1.0, "identity": 1.0}
    g = socium.run(
        _cfg(size=2000, conditions=["none", "accuracy"], effects={"accuracy": none}), seed=4
    ).final
    assert abs(g["belief_congruence_change_accuracy"]) < 0.04


def test_llm_hooks_and_prompts():
    sim, _ = run_steps(_cfg(size=20, conditions=["none", "contact"]), 0)
    w = sim.world
    assert w.supports_llm() and w.action_menu().names == ["choose"]
    assert MITIGATION_PROMPTS["contact"] not in w.llm_instructions()
    obs = w.observe(next(w.batches(np.arange(20))))
    texts = w.render_observations(obs)
    contact = obs["condition"] == 1
    assert all(MITIGATION_PROMPTS["contact"] in t for t, c in zip(texts, contact, strict=True) if c)
    assert not any(
        MITIGATION_PROMPTS["contact"] in t for t, c in zip(texts, contact, strict=True) if not c
    )
    assert "1. A " in texts[0] and "4. A " in texts[0]
    acts = w.decode_actions(obs, [Choose(option=2), None] * 10)
    assert acts["option"].tolist() == [2, 0] * 10
    w.apply(acts)
    assert w.tally.sum() == 10 and w.abstained == 10
    single, _ = run_steps(_cfg(size=20, conditions=["accuracy"]), 0)
    assert MITIGATION_PROMPTS["accuracy"] in single.world.llm_instructions()


def test_option_beyond_those_shown_is_an_abstention():
    ident = {"population": {"size": 8, "init": {"identity": {"dist": "constant", "value": 0}}}}
    sim, _ = run_steps({**_cfg(size=8), **ident}, 0)
    w = sim.world
    obs = w.observe(next(w.batches(np.arange(8))))
    assert not obs["available"][:, 2:].any()  # one identity: no "other identity" cells
    acts = w.decode_actions(obs, [Choose(option=4)] * 8)
    assert (acts["option"] == 0).all()


@pytest.mark.parametrize(
    ("world", "field"),
    [
        ({"conditions": ["none", "none"]}, "world.conditions"),
        ({"conditions": ["nudge"]}, "world.conditions"),
        ({"identities": ["A"]}, "world.identities"),
        ({"agree_share": 1.0}, "world.agree_share"),
    ],
)
def test_bad_config_names_the_field(world, field):
    with pytest.raises(ConfigError) as err:
        socium.run(_cfg(**world))
    assert err.value.field.startswith(field)


def test_bad_identity_field():
    cfg = {
        **_cfg(size=10),
        "population": {"size": 10, "init": {"identity": {"dist": "constant", "value": 5}}},
    }
    with pytest.raises(ConfigError, match=r"population\.init\.identity"):
        socium.run(cfg)


def test_choices_table_and_plot(tmp_path):
    run = socium.run(
        _cfg(size=40, steps=3, conditions=["none", "accuracy"]), out=tmp_path / "r", seed=5
    )
    choices = run.table("choices")
    assert len(choices) == 120 and set(choices["condition"]) == {"none", "accuracy"}
    assert (choices["chosen"] != choices["agent"]).all()
    assert (run.dir / "plots" / "congruence.png").exists()
