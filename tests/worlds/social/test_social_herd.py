"""The herd-effect pipeline: a random first vote, final scores without it, bootstrap CIs."""

import numpy as np
import pytest
from social_util import make_world

import socium
from socium.worlds.social.metrics import herd_metrics
from socium.worlds.social.posts import KINDS


def _run(herding: float) -> dict:
    cfg = {
        "population": {"size": 4000},
        "run": {"steps": 24, "seed": 5},
        "world": {
            "name": "social",
            "platform": "reddit",
            "recommender": "random",
            "herd": {"enabled": True},
            "behaviour": {"herding": herding, "popularity": 0.0},
        },
    }
    return socium.run(cfg).final


def test_world_detects_herding_and_no_effect_without_it():
    on = _run(2.0)
    assert on["herd_diff_up_lo"] > 0 and on["herd_diff_down_hi"] < 0
    assert on["herd_mean_up"] > on["herd_mean_control"] > on["herd_mean_down"]
    off = _run(0.0)
    assert off["herd_diff_up_lo"] < 0 < off["herd_diff_up_hi"]
    assert off["herd_diff_down_lo"] < 0 < off["herd_diff_down_hi"]


def _planted(effect: float, n: int = 600, seed: int = 0):
    """A post table with random treatments and organic scores shifted by ``effect`` x it."""
    rng = np.random.default_rng(seed)
    w = make_world(4)
    posts = w.platform.posts
    treat = rng.choice([-1, 0, 1], size=n)
    organic = rng.poisson(3.0, size=n) + np.round(effect * treat).astype(int)
    posts.append(
        author=np.zeros(n, np.int64),
        created_step=np.zeros(n, np.int64),
        created_minute=np.zeros(n, np.int64),
        kind=KINDS["post"],
        parent=np.full(n, -1),
        root=np.full(n, -1),
        topic=np.zeros(n, np.int64),
        stance=np.zeros(n),
        topic_vec=np.ones((n, 8)),
        treatment=treat,
    )
    posts.likes[:n] = np.maximum(organic, 0) + (treat > 0)
    posts.dislikes[:n] = (treat < 0) + np.maximum(-organic, 0)
    return posts


@pytest.mark.parametrize(("effect", "detected"), [(2.0, True), (0.0, False)])
def test_planted_effect(effect, detected):
    res = herd_metrics(_planted(effect), (KINDS["post"],), seed=1)
    assert res["herd_n_up"] + res["herd_n_down"] + res["herd_n_control"] == 600
    up_ci = (res["herd_diff_up_lo"], res["herd_diff_up_hi"])
    down_ci = (res["herd_diff_down_lo"], res["herd_diff_down_hi"])
    if detected:
        assert up_ci[0] > 0 and down_ci[1] < 0
        assert res["herd_diff_up"] == pytest.approx(2.0, abs=0.6)
    else:
        assert up_ci[0] < 0 < up_ci[1] and down_ci[0] < 0 < down_ci[1]
