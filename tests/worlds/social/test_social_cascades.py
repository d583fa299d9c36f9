"""Share-cascade metrics on hand-built post trees, with structural virality by hand."""

import math

import numpy as np
import pytest
from social_util import act, make_world

from socium.worlds.social.metrics import cascade_metrics, seed_cascades, share_forest


@pytest.fixture
def world():
    """Post 0 is reposted by 1 and 2; 1 is reposted (3); 3 is quoted (6); a comment (4) on
    0 and a repost of that comment (5) are not part of the share cascade; post 7 stands
    alone; post 8 gets one repost (9) and one comment (10).
    """
    w = make_world(12)
    steps = [
        [(0, "create_post", -1)],  # 0
        [(1, "repost", 0), (2, "repost", 0)],  # 1, 2
        [(3, "repost", 1), (4, "create_comment", 0)],  # 3, 4
        [(5, "repost", 4), (6, "quote_post", 3)],  # 5, 6
        [(7, "create_post", -1), (8, "create_post", -1)],  # 7, 8
        [(9, "repost", 8), (10, "create_comment", 8)],  # 9, 10
    ]
    for rows in steps:
        assert set(act(w, rows)[0]) == {"ok"}
    return w


def test_share_forest_membership(world):
    par, created = share_forest(world.platform.posts)
    assert par.tolist() == [-1, 0, 0, 1, -1, -1, 3, -1, -1, 8, -1]
    assert (created >= 0).tolist() == [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0]


def test_cascade_metrics_by_hand(world):
    out = cascade_metrics(world.platform.posts, np.array([0, 7, 8]))
    # tree of 0: edges 0-1, 0-2, 1-3, 3-6 (5 nodes); depth 3; generations 1, 2, 1, 1
    assert out["seed_cascade_size"] == [5, 1, 2]
    assert out["seed_cascade_depth"] == [3, 0, 1]
    assert out["seed_cascade_max_breadth"] == [2, 1, 1]
    # pair distances of tree 0: 0-1 1, 0-2 1, 0-3 2, 0-6 3, 1-2 2, 1-3 1, 1-6 2, 2-3 3,
    # 2-6 4, 3-6 1 -> 20 over 10 pairs; tree of 8: one pair at distance 1
    vir = out["seed_structural_virality"]
    assert vir[0] == pytest.approx(2.0) and math.isnan(vir[1]) and vir[2] == pytest.approx(1.0)
    assert out["cascade_n_cascades"] == 3
    assert out["cascade_size_max"] == 5 and out["cascade_size_mean"] == pytest.approx(8 / 3)
    assert out["cascade_depth_max"] == 3
    assert out["cascade_share_single"] == pytest.approx(1 / 3)
    assert out["cascade_virality_mean"] == pytest.approx(1.5)
    assert out["cascade_size_ccdf"] == [[1.0, 1.0], [2.0, 2 / 3], [5.0, 1 / 3]]
    assert out["seed_reach_mean"] == pytest.approx(8 / 3)


def test_seed_cascades_in_seed_order(world):
    s = seed_cascades(world.platform.posts, np.array([8, 0]))
    assert s["size"].tolist() == [2, 5]


def test_thread_sizes_count_comments(world):
    posts = world.platform.posts
    assert posts.tree_size[[0, 7, 8]].tolist() == [7, 1, 3]  # 0..6 are one thread
