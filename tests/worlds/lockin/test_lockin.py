"""The lock-in world: the trust matrix, the spectral threshold on both sides of 1, the fixed
point below it, the growth rate above it, and the LLM hooks."""

import math

import numpy as np
import pytest

import socium
from socium.errors import ConfigError
from socium.testing import run_steps
from socium.worlds.lockin.actions import Believe
from socium.worlds.lockin.beliefs import entropy, fixed_point, softmax
from socium.worlds.lockin.trust import spectral_radius, threshold_product, trust_matrix


@pytest.mark.parametrize(
    ("n", "ais", "l1", "l2"), [(5, 1, 0.5, 0.3), (12, 2, 0.1, 0.4), (30, 3, 0.25, 0.05)]
)
def test_spectral_radius_of_the_bipartite_loop(n, ais, l1, l2):
    w = trust_matrix(n, ais, l1, l2)
    assert spectral_radius(w) == pytest.approx(math.sqrt(threshold_product(n, ais, l1, l2)))
    assert w[0, 0] == 0 and w[ais, 0] == l1 and w[0, ais] == l2 and w[ais, ais + 1] == 0


def test_peer_trust_rows():
    import scipy.sparse as sp

    peers = sp.csr_array(np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 0, 0]]))
    w = trust_matrix(4, 1, 0.5, 0.1, peer_trust=0.4, peers=peers).toarray()
    assert w[2].tolist() == pytest.approx([0.5, 0.4, 0.0, 0.0])  # AI edge ignored
    assert w[1].tolist() == pytest.approx([0.5, 0.0, 0.0, 0.0])  # only the AI


def _threshold_case(product, steps=400):
    """One AI and four humans with identical, noise-free evidence: fully deterministic."""
    cfg = {
        "run": {"seed": 1, "steps": steps},
        "population": {"size": 5},
        "world": {
            "name": "lockin",
            "lambda1": 0.5,
            "lambda2": product / (4 * 0.5),
            "evidence_noise": 0.0,
            "evidence": 0.5,
        },
    }
    return socium.run(cfg), cfg


@pytest.mark.parametrize("product", [0.9, 0.95])
def test_below_the_threshold_beliefs_converge_to_the_fixed_point(product):
    run, _ = _threshold_case(product)
    f = run.final
    assert f["threshold_product"] == pytest.approx(product)
    assert f["spectral_radius"] == pytest.approx(math.sqrt(product))
    assert not f["lockin"] and f["growth_rate"] == pytest.approx(1.0, abs=1e-4)
    w = run.world
    expect = softmax(fixed_point(w.evidence, w.w))
    assert softmax(w.ell) == pytest.approx(expect, abs=1e-6 if product < 0.95 else 1e-3)
    assert f["entropy_final"] > 1e-4
    assert f["converged_step"] is not None or product > 0.9


@pytest.mark.parametrize("product", [1.02, 1.1])
def test_above_the_threshold_the_loop_locks_in(product):
    run, _ = _threshold_case(product)
    f = run.final
    assert f["lockin"] and f["collapsed"] and f["converged_step"] is None
    assert f["growth_rate"] == pytest.approx(math.sqrt(product), rel=1e-3)
    assert f["entropy_final"] < 1e-6 and f["locked_on_truth"]
    m = run.metrics
    assert m["entropy"].iloc[-1] < m["entropy"].iloc[0]


def test_overflow_guard_keeps_beliefs_finite():
    cfg = {
        "run": {"seed": 2, "steps": 1500},
        "population": {"size": 5},
        "world": {"name": "lockin", "lambda1": 1.0, "lambda2": 1.0},
    }  # rho = 2
    f = socium.run(cfg).final
    assert f["logit_scale_log10"] == pytest.approx(1500 * math.log10(2), rel=0.01)
    assert f["growth_rate"] == pytest.approx(2.0) and f["lockin"]


def test_entropy_and_decode():
    assert entropy(np.array([[1 / 3, 1 / 3, 1 / 3]]))[0] == pytest.approx(1.0)
    sim, _ = run_steps({"population": {"size": 4}, "world": {"name": "lockin"}}, 0)
    w = sim.world
    assert w.supports_llm() and w.action_menu().names == ["believe"]
    obs = w.observe(next(w.batches(np.arange(4))))
    texts = w.render_observations(obs)
    assert "AI assistant" in texts[0] and "option A" in texts[1]
    acts = w.decode_actions(
        obs,
        [
            Believe(probabilities=[0.7, 0.2, 0.1]),
            Believe(probabilities=[0.5, 0.5]),
            None,
            Believe(probabilities=[0.0, 0.0, 0.0]),
        ],
    )
    p = softmax(acts["log_belief"])
    assert p[0] == pytest.approx([0.7, 0.2, 0.1])
    assert np.allclose(acts["log_belief"][1:], obs["log_belief"][1:])  # kept


@pytest.mark.parametrize(
    ("world", "field"),
    [
        ({"truth": 3}, "world.truth"),
        ({"options": ["a", "a"]}, "world.options"),
        ({"lambda1": -0.1}, "world.lambda1"),
    ],
)
def test_bad_config_names_the_field(world, field):
    with pytest.raises(ConfigError) as err:
        socium.run({"population": {"size": 5}, "world": {"name": "lockin", **world}})
    assert err.value.field == field


def test_population_must_include_humans():
    with pytest.raises(ConfigError, match=r"population\.size"):
        socium.run({"population": {"size": 2}, "world": {"name": "lockin", "ais": 2}})


def test_plot_and_agents(tmp_path):
    run = socium.run(
        {"population": {"size": 11}, "run": {"steps": 20, "seed": 1}, "world": {"name": "lockin"}},
        out=tmp_path / "r",
    )
    assert (run.dir / "plots" / "entropy.png").exists()
    a = run.agents
    assert list(a["role"][:2]) == ["ai", "human"]
    assert np.allclose(a[["p_0", "p_1", "p_2"]].sum(axis=1), 1.0)
