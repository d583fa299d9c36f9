"""Tests for socium.metrics.social on hand-computed cases."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

import socium.metrics.social as social_mod
from socium.metrics.network import friendship_paradox
from socium.metrics.social import (
    cascade_stats,
    cascade_summary,
    ccdf,
    consumption_entropy,
    echo_chamber_share,
    echo_chamber_share_by_user,
    extremity,
    friendship_paradox_by,
    herd_effect,
    topic_entropy,
)

# ---------------------------------------------------------------------------------------------
# echo chambers

OPINION = np.array([0.5, 0.5, -0.2, -0.2, 0.0])
STANCE = np.array([0.9, -0.1, -0.8, 0.0, 0.7])


def test_echo_chamber_share_sign_rule_by_hand():
    # same side: events 0 (+,+) and 2 (-,-); event 3 has a neutral stance, event 4 a neutral
    # consumer: neither agrees with anything under the sign rule.
    assert echo_chamber_share(OPINION, STANCE) == pytest.approx(2 / 5)


def test_echo_chamber_share_threshold_by_hand():
    # |o - s| = 0.4, 0.6, 0.6, 0.2, 0.7
    assert echo_chamber_share(OPINION, STANCE, threshold=0.3) == pytest.approx(1 / 5)
    assert echo_chamber_share(OPINION, STANCE, threshold=0.65) == pytest.approx(4 / 5)
    assert echo_chamber_share(OPINION, STANCE, threshold=2.0) == 1.0


def test_echo_chamber_share_empty_is_nan():
    assert math.isnan(echo_chamber_share([], []))


def test_echo_chamber_share_by_user_by_hand():
    user = np.array([0, 0, 3, 3, 0])
    per = echo_chamber_share_by_user(user, OPINION, STANCE)
    # user 0: events 0 (agree), 1 (no), 4 (no) -> 1/3; user 3: events 2 (agree), 3 (no) -> 1/2
    np.testing.assert_allclose(per, [1 / 3, np.nan, np.nan, 1 / 2])
    per = echo_chamber_share_by_user(user, OPINION, STANCE, n_users=6, threshold=0.3)
    np.testing.assert_allclose(per, [0.0, np.nan, np.nan, 0.5, np.nan, np.nan])
    # event-weighted overall share equals the pooled per-user hits
    assert echo_chamber_share(OPINION, STANCE) == pytest.approx((1 + 1) / 5)


@pytest.mark.parametrize(
    "call",
    [
        lambda: echo_chamber_share([0.1, 0.2], [0.1]),
        lambda: echo_chamber_share([np.nan], [0.1]),
        lambda: echo_chamber_share([0.1], [0.1], threshold=-0.1),
        lambda: echo_chamber_share_by_user([0, -1], [0.1, 0.2], [0.1, 0.2]),
        lambda: echo_chamber_share_by_user([0.0, 1.0], [0.1, 0.2], [0.1, 0.2]),
        lambda: echo_chamber_share_by_user([0, 2], [0.1, 0.2], [0.1, 0.2], n_users=2),
        lambda: echo_chamber_share_by_user([0], [0.1, 0.2], [0.1, 0.2]),
    ],
)
def test_echo_chamber_rejects_bad_input(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------------------------------------
# consumption entropy


def test_consumption_entropy_by_hand():
    user = [0, 0, 0, 0, 1, 1, 3, 3, 3]
    topic = [0, 1, 2, 3, 2, 2, 0, 0, 1]
    h, mean = consumption_entropy(user, topic, 4)
    # user 0 uniform over 4 topics = 2 bits; user 1 one topic = 0; user 2 nothing = NaN;
    # user 3: p = (2/3, 1/3) -> H = log2(3) - 2/3 bits
    h3 = math.log2(3) - 2 / 3
    np.testing.assert_allclose(h, [2.0, 0.0, np.nan, h3])
    assert mean == pytest.approx((2.0 + 0.0 + h3) / 3)


def test_consumption_entropy_base_and_n_users():
    h, _ = consumption_entropy([0, 0], [0, 1], 2, base=math.e, n_users=3)
    np.testing.assert_allclose(h, [math.log(2), np.nan, np.nan])


def test_consumption_entropy_soft_topics():
    # user 0 reads two items each split half/half between topics 0 and 1 -> 1 bit;
    # user 1 reads (1, 0, 0) and (0, 0, 1) -> 1 bit; user 2 reads (0.25, 0.25, 0.5) -> 1.5 bits
    w = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [1, 0, 0], [0, 0, 1], [0.25, 0.25, 0.5]])
    h, mean = consumption_entropy([0, 0, 1, 1, 2], w, 3)
    np.testing.assert_allclose(h, [1.0, 1.0, 1.5])
    assert mean == pytest.approx(3.5 / 3)
    # one-hot weights equal integer topics
    ids = np.array([2, 0, 1, 1])
    hu, _ = consumption_entropy([0, 0, 1, 1], np.eye(3)[ids], 3)
    hi, _ = consumption_entropy([0, 0, 1, 1], ids, 3)
    np.testing.assert_allclose(hu, hi)


def test_topic_entropy_from_a_count_matrix():
    h, mean = topic_entropy([[1.0, 1.0, 1.0, 1.0], [0.0, 3.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(h, [2.0, 0.0, np.nan])
    assert mean == 1.0
    h, _ = topic_entropy([[2.0, 1.0]], base=math.e)
    assert h[0] == pytest.approx(-(2 / 3) * math.log(2 / 3) - (1 / 3) * math.log(1 / 3))
    for bad in ([1.0, 2.0], [[-1.0, 2.0]], [[np.nan, 1.0]], np.empty((2, 0))):
        with pytest.raises(ValueError):
            topic_entropy(bad)


def test_consumption_entropy_empty():
    h, mean = consumption_entropy(np.array([], dtype=int), np.array([], dtype=int), 3)
    assert h.shape == (0,) and math.isnan(mean)


@pytest.mark.parametrize(
    "call",
    [
        lambda: consumption_entropy([0], [3], 3),
        lambda: consumption_entropy([0], [0], 0),
        lambda: consumption_entropy([0], [0], 2, base=1),
        lambda: consumption_entropy([0, 1], [0], 2),
        lambda: consumption_entropy([0], [[0.5, -0.5]], 2),
        lambda: consumption_entropy([0], [[0.5, 0.5, 0.0]], 2),
    ],
)
def test_consumption_entropy_rejects_bad_input(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------------------------------------
# extremity


def test_extremity_by_hand():
    assert extremity([-1.0, -0.5, 0.0, 0.5]) == pytest.approx(0.5)
    assert extremity([-1.0, 1.0, 1.0]) == 1.0
    assert extremity([0.0, 0.0]) == 0.0
    assert extremity([0.0, 1.0, 0.5], centre=0.5) == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        extremity([])
    with pytest.raises(ValueError):
        extremity([np.inf])


# ---------------------------------------------------------------------------------------------
# herd effect


def _herd_data(seed: int, shift_up: float, n: int = 300):
    rng = np.random.default_rng(seed)
    y = rng.normal(1.0, 1.0, size=3 * n)
    group = np.repeat(["up", "down", "control"], n)
    y[group == "up"] += shift_up
    return y, group


def test_herd_effect_group_means_and_relative_by_hand():
    score = np.array([3.0, 5.0, 4.0, 2.0, 1.0, 3.0, 2.0, 4.0, 3.0])
    labels = np.repeat([1, -1, 0], 3)
    res = herd_effect(score, labels, rng=np.random.default_rng(0), n_boot=500)
    assert (res["n_up"], res["n_down"], res["n_control"]) == (3.0, 3.0, 3.0)
    assert (res["mean_up"], res["mean_down"], res["mean_control"]) == (4.0, 2.0, 3.0)
    assert res["diff_up"] == 1.0 and res["diff_down"] == -1.0
    assert res["relative_up"] == pytest.approx(1 / 3) and res["relative_down"] == pytest.approx(
        -1 / 3
    )
    # CI bounds lie within the range of possible resample means
    assert 3.0 <= res["mean_up_lo"] <= res["mean_up"] <= res["mean_up_hi"] <= 5.0


def test_herd_effect_detects_an_injected_shift():
    y, group = _herd_data(seed=1, shift_up=0.5)
    res = herd_effect(y, group, rng=np.random.default_rng(2), n_boot=2000)
    assert res["diff_up_lo"] > 0.0  # CI excludes 0
    assert res["diff_up_lo"] < 0.5 < res["diff_up_hi"]  # and covers the true shift
    assert res["p_up"] < 0.001
    assert res["diff_down_lo"] < 0.0 < res["diff_down_hi"]  # no effect on down
    assert res["p_down"] > 0.05


def test_herd_effect_null_shows_no_effect():
    y, group = _herd_data(seed=3, shift_up=0.0)
    res = herd_effect(y, group, rng=np.random.default_rng(4), n_boot=2000)
    for t in ("up", "down"):
        assert res[f"diff_{t}_lo"] < 0.0 < res[f"diff_{t}_hi"]
        assert res[f"p_{t}"] > 0.05


def test_herd_effect_bootstrap_ci_width_matches_theory():
    # percentile CI of a mean ~ mean +- 1.96 sigma / sqrt(n)
    y, group = _herd_data(seed=5, shift_up=0.0, n=400)
    res = herd_effect(y, group, rng=np.random.default_rng(6), n_boot=4000)
    sd = y[group == "control"].std()
    half = (res["mean_control_hi"] - res["mean_control_lo"]) / 2
    assert half == pytest.approx(1.96 * sd / 20.0, rel=0.1)
    half_diff = (res["diff_up_hi"] - res["diff_up_lo"]) / 2
    assert half_diff == pytest.approx(1.96 * sd * math.sqrt(2) / 20.0, rel=0.12)


def test_herd_effect_is_reproducible_and_label_forms_agree():
    y, group = _herd_data(seed=7, shift_up=0.2, n=50)
    ints = np.select([group == "up", group == "down"], [1, -1], 0)
    a = herd_effect(y, group, rng=np.random.default_rng(8), n_boot=300)
    b = herd_effect(y, group, rng=np.random.default_rng(8), n_boot=300)
    c = herd_effect(y, ints, rng=np.random.default_rng(8), n_boot=300)
    assert a == b == c


def test_herd_effect_small_chunks(monkeypatch):
    # memory-bounded chunking (here 1 resample per chunk) still gives a valid result
    monkeypatch.setattr(social_mod, "_BOOT_CHUNK_ELEMENTS", 10)
    y, group = _herd_data(seed=1, shift_up=0.5, n=100)
    res = herd_effect(y, group, rng=np.random.default_rng(0), n_boot=200)
    assert res["diff_up_lo"] > 0.0 and res["p_up"] < 0.05


def test_herd_effect_missing_groups_and_zero_control():
    res = herd_effect([1.0, 2.0, 3.0], ["up", "up", "up"], rng=np.random.default_rng(0), n_boot=50)
    assert res["n_control"] == 0.0 and math.isnan(res["mean_control"])
    assert math.isnan(res["diff_up"]) and math.isnan(res["p_up"]) and math.isnan(res["diff_up_lo"])
    res = herd_effect([1.0, -1.0, 1.0], [1, 0, 0], rng=np.random.default_rng(0), n_boot=50)
    assert res["mean_control"] == 0.0 and math.isnan(res["relative_up"])
    assert res["diff_up"] == 1.0


@pytest.mark.parametrize(
    ("args", "kwargs", "exc"),
    [
        (([1.0], [1]), {"rng": None}, TypeError),
        (([1.0], [1]), {"rng": 0}, TypeError),
        (([1.0], [2]), {}, ValueError),
        (([1.0], ["sideways"]), {}, ValueError),
        (([1.0, 2.0], [1]), {}, ValueError),
        (([np.nan], [1]), {}, ValueError),
        (([1.0], [1]), {"n_boot": 0}, ValueError),
        (([1.0], [1]), {"ci": 1.0}, ValueError),
    ],
)
def test_herd_effect_rejects_bad_input(args, kwargs, exc):
    kwargs = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(exc):
        herd_effect(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# friendship paradox by attribute


def test_friendship_paradox_by_star_by_hand():
    # star with 3 leaves; the centre posts 10 times, each leaf once
    r = friendship_paradox_by(nx.star_graph(3), [10.0, 1.0, 1.0, 1.0])
    assert r["n"] == 4 and r["isolates"] == 0
    assert r["mean_value"] == pytest.approx(13 / 4)
    # leaves see 10, the centre sees 1: node mean (3*10 + 1)/4
    assert r["mean_neighbor_value_node"] == pytest.approx(31 / 4)
    # edge ends: 3 leaf ends see 10, 3 centre ends see 1
    assert r["mean_neighbor_value_edge"] == pytest.approx(33 / 6)
    assert r["fraction_paradox"] == pytest.approx(3 / 4)
    assert r["mean_value_non_isolated"] == pytest.approx(13 / 4)


def test_friendship_paradox_by_degree_reproduces_friendship_paradox():
    for g in (nx.star_graph(5), nx.karate_club_graph(), nx.path_graph(4)):
        fp = friendship_paradox(g)
        by = friendship_paradox_by(g, "degree", direction="both")
        assert by["mean_value"] == pytest.approx(fp["mean_degree"])
        assert by["mean_neighbor_value_edge"] == pytest.approx(fp["mean_neighbor_degree_edge"])
        assert by["mean_neighbor_value_node"] == pytest.approx(fp["mean_neighbor_degree_node"])
        assert by["fraction_paradox"] == pytest.approx(fp["fraction_paradox"])


def _follower_graph():
    # edge u -> v: u follows v. Leaves 1, 2, 3 follow 0; 0 follows 1.
    a = sp.csr_array(([1.0, 1.0, 1.0, 1.0], ([1, 2, 3, 0], [0, 0, 0, 1])), shape=(4, 4))
    return a


def test_friendship_paradox_by_directed_out_by_hand():
    a = _follower_graph()
    followers = [3.0, 1.0, 0.0, 0.0]
    r = friendship_paradox_by(a, followers, direction="out")
    # whom each follows: 0 -> {1} (1 follower), 1, 2, 3 -> {0} (3 followers)
    assert r["isolates"] == 0
    assert r["mean_value"] == pytest.approx(1.0)
    assert r["mean_neighbor_value_node"] == pytest.approx((1 + 3 + 3 + 3) / 4)
    assert r["mean_neighbor_value_edge"] == pytest.approx(10 / 4)
    assert r["fraction_paradox"] == pytest.approx(3 / 4)
    # the "in_degree" shortcut is the follower count
    assert friendship_paradox_by(a, "in_degree") == r


def test_friendship_paradox_by_directed_in_by_hand():
    a = _follower_graph()
    r = friendship_paradox_by(a, [3.0, 1.0, 0.0, 0.0], direction="in")
    # followers of each: 0 <- {1, 2, 3} (values 1, 0, 0), 1 <- {0} (3); 2 and 3 have none
    assert r["isolates"] == 2
    assert r["mean_neighbor_value_node"] == pytest.approx((1 / 3 + 3) / 2)
    assert r["mean_neighbor_value_edge"] == pytest.approx(4 / 4)
    assert r["mean_value_non_isolated"] == pytest.approx(2.0)
    assert r["fraction_paradox"] == pytest.approx(1 / 2)
    # "both" symmetrizes: 0 - {1, 2, 3}, so it equals the undirected star
    both = friendship_paradox_by(a, [3.0, 1.0, 0.0, 0.0], direction="both")
    star = friendship_paradox_by(nx.star_graph(3), [3.0, 1.0, 0.0, 0.0])
    assert both == star


def test_friendship_paradox_by_weighted_by_hand():
    g = nx.Graph()
    g.add_weighted_edges_from([(0, 1, 1.0), (1, 2, 3.0)])
    x = [0.0, 0.0, 4.0]
    unw = friendship_paradox_by(g, x)
    wtd = friendship_paradox_by(g, x, weighted=True)
    # node 1 sees (0 + 4)/2 = 2 unweighted, (1*0 + 3*4)/4 = 3 weighted
    assert unw["mean_neighbor_value_node"] == pytest.approx((0 + 2 + 0) / 3)
    assert wtd["mean_neighbor_value_node"] == pytest.approx((0 + 3 + 0) / 3)
    # weighted edge view: sum_u sum_v w_uv x_v / sum w = (1*0 + 3*4 + 1*0 + 3*0) / 8
    assert wtd["mean_neighbor_value_edge"] == pytest.approx(12 / 8)


def test_friendship_paradox_by_edge_gap_is_covariance():
    g = nx.barabasi_albert_graph(200, 2, seed=1)
    rng = np.random.default_rng(0)
    x = rng.random(200)
    r = friendship_paradox_by(g, x)
    k = np.array([d for _, d in g.degree()], dtype=float)
    gap = np.mean((x - x.mean()) * (k - k.mean())) / k.mean()
    assert r["mean_neighbor_value_edge"] - r["mean_value"] == pytest.approx(gap)


def test_friendship_paradox_by_edgeless_and_errors():
    r = friendship_paradox_by(nx.empty_graph(3), [1.0, 2.0, 3.0])
    assert r["isolates"] == 3 and r["mean_value"] == 2.0
    assert math.isnan(r["fraction_paradox"]) and math.isnan(r["mean_neighbor_value_node"])
    with pytest.raises(ValueError, match="one entry per node"):
        friendship_paradox_by(nx.path_graph(3), [1.0, 2.0])
    with pytest.raises(ValueError, match="direction"):
        friendship_paradox_by(nx.path_graph(3), [1.0, 2.0, 3.0], direction="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="values"):
        friendship_paradox_by(nx.path_graph(3), "likes")
    with pytest.raises(ValueError):
        friendship_paradox_by(nx.empty_graph(0), [])


# ---------------------------------------------------------------------------------------------
# cascades of reposts

# Forest of 10 posts:
#   star:  0 <- 1, 2, 3, 4          (N = 5)
#   path:  5 <- 6 <- 7 <- 8         (N = 4)
#   lone:  9
FOREST = np.array([-1, 0, 0, 0, 0, -1, 5, 6, 7, -1])


def test_cascade_summary_star_path_and_lone_post_by_hand():
    s = cascade_summary(FOREST)
    np.testing.assert_array_equal(s["root"], [0, 5, 9])
    np.testing.assert_array_equal(s["size"], [5, 4, 1])
    np.testing.assert_array_equal(s["depth"], [1, 3, 0])
    np.testing.assert_array_equal(s["max_breadth"], [4, 1, 1])
    # star of 5: 4 centre-leaf pairs at distance 1 and C(4,2) = 6 leaf pairs at distance 2:
    # (4 + 12) / 10 = 1.6. Path of 4: distances 1,1,1,2,2,3 -> 10 / 6.
    np.testing.assert_allclose(s["structural_virality"], [1.6, 10 / 6, np.nan])
    assert s["size"].dtype == np.int64 and s["structural_virality"].dtype == np.float64


def test_cascade_summary_with_created_and_excluded_posts():
    created = np.array([0, 1, 1, 2, 2, 0, 1, 2, 3, -1])  # post 9 left out
    s = cascade_summary(FOREST, created)
    np.testing.assert_array_equal(s["root"], [0, 5])
    np.testing.assert_array_equal(s["size"], [5, 4])
    bad = created.copy()
    bad[7] = 0  # a repost created before its parent
    with pytest.raises(ValueError, match="later"):
        cascade_summary(FOREST, bad)
    with pytest.raises(ValueError, match="cycle"):
        cascade_summary([1, 0])


def test_cascade_summary_matches_networkx_on_a_random_forest():
    rng = np.random.default_rng(3)
    n = 300
    parent = np.full(n, -1)
    for i in range(1, n):  # attach to an earlier post, or start a new cascade
        if rng.random() < 0.8:
            parent[i] = rng.integers(0, i)
    s = cascade_summary(parent)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((i, int(p)) for i, p in enumerate(parent) if p >= 0)
    for k, root in enumerate(s["root"]):
        comp = nx.node_connected_component(g, int(root))
        dist = nx.single_source_shortest_path_length(g, int(root))
        assert s["size"][k] == len(comp)
        assert s["depth"][k] == max(dist.values())
        assert s["max_breadth"][k] == max(np.bincount(list(dist.values())))
        if len(comp) >= 2:
            sub = g.subgraph(comp)
            assert s["structural_virality"][k] == pytest.approx(
                nx.average_shortest_path_length(sub)
            )


def test_cascade_summary_empty():
    s = cascade_summary(np.array([], dtype=np.int64))
    assert all(v.size == 0 for v in s.values())
    st = cascade_stats(np.array([], dtype=np.int64))
    assert st["n_cascades"] == 0.0 and math.isnan(st["size_mean"])


def test_cascade_stats_by_hand():
    st = cascade_stats(FOREST)
    assert st["n_cascades"] == 3.0
    assert st["share_single"] == pytest.approx(1 / 3)
    assert (st["size_mean"], st["size_median"], st["size_max"]) == (pytest.approx(10 / 3), 4.0, 5.0)
    assert (st["depth_mean"], st["depth_median"], st["depth_max"]) == (
        pytest.approx(4 / 3),
        1.0,
        3.0,
    )
    assert (st["max_breadth_mean"], st["max_breadth_max"]) == (2.0, 4.0)
    # virality over the two cascades with >= 2 posts
    assert st["virality_mean"] == pytest.approx((1.6 + 10 / 6) / 2)
    assert st["virality_max"] == pytest.approx(10 / 6)
    assert all(isinstance(v, float) for v in st.values())


def test_ccdf_by_hand():
    v, p = ccdf([5, 1, 2, 1])
    np.testing.assert_array_equal(v, [1.0, 2.0, 5.0])
    np.testing.assert_allclose(p, [1.0, 0.5, 0.25])
    v, p = ccdf([np.nan, 3.0])
    np.testing.assert_array_equal(v, [3.0])
    np.testing.assert_array_equal(p, [1.0])
    v, p = ccdf([])
    assert v.size == 0 and p.size == 0
    with pytest.raises(ValueError):
        ccdf([[1.0]])
    with pytest.raises(ValueError):
        ccdf([np.inf])
