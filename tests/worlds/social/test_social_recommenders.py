"""Recommenders: hot scores by hand, a tiny interest ranking, in-network feeds, mixing."""

import numpy as np
import pytest
from social_util import add_posts, make_world

from socium.errors import ConfigError
from socium.worlds.social.feeds import FeedContext, build_pool
from socium.worlds.social.keysets import pack
from socium.worlds.social.recommenders import (
    HOT_EPOCH,
    HotRecommender,
    InNetworkRecommender,
    InterestRecommender,
    MixedRecommender,
    RandomRecommender,
    hot_score,
    load_recommender,
)
from socium.worlds.social.topics import mixture_vectors


def context(world, minute, pool_size=500, window=10**9):
    pool, start = build_pool(world.platform, minute, window, pool_size, 0.0)
    return FeedContext(world.platform, minute, pool, start, world.config.epoch_seconds)


@pytest.mark.parametrize(
    ("up", "down", "seconds", "expected"),
    [
        (11, 1, HOT_EPOCH + 45000, 2.0),  # log10(10) + 1
        (1, 1, HOT_EPOCH, 0.0),  # sign(0) = 0
        (0, 10, HOT_EPOCH + 90000, 1.0),  # -log10(10) + 2
        (5, 2, HOT_EPOCH, 0.47712125471966244),  # log10(3)
        (101, 1, HOT_EPOCH + 4500, 2.1),  # log10(100) + 0.1
        (3, 2, HOT_EPOCH - 45000, -1.0),  # log10(max(1, 1)) - 1
    ],
)
def test_hot_score_by_hand(up, down, seconds, expected):
    assert hot_score(up, down, seconds) == pytest.approx(expected, abs=1e-12)


def test_hot_ranking_by_hand():
    w = make_world(4, platform="reddit", epoch_seconds=HOT_EPOCH)
    a, b, c = add_posts(w, [1, 2, 3], np.eye(8)[:3], minutes=[0, 760, 700])
    posts = w.platform.posts
    posts.likes[[a, c]] = [11, 2]
    posts.dislikes[a] = 1
    # scores: a = 1 + 0, b = 0 + 760*60/45000 = 1.0133, c = log10(2) + 0.9333 = 1.2344
    feed = HotRecommender(w.config).recommend(context(w, 800), np.array([0]), 3, None)
    assert feed.tolist() == [[c, b, a]]
    # user 3 does not see its own post c
    feed = HotRecommender(w.config).recommend(context(w, 800), np.array([3]), 3, None)
    assert feed.tolist() == [[b, a, -1]]


def test_interest_ranking_by_hand():
    w = make_world(5, topics=["a", "b"], half_life_minutes=180.0, popularity_weight=0.2)
    w.platform.interest[0] = [1.0, 0.0]
    mix = [[1, 0], [0, 1], [1, 0], [1, 1], [0, 1], [1, 0]]
    ids = add_posts(w, [1, 2, 3, 4, 1, 0], mix, minutes=[180, 180, 0, 180, 180, 180])
    w.platform.posts.likes[ids[4]] = 3  # the most engaged post: popularity 1
    # scores for user 0: recency 2^{-age/180} x (cos + 0.2 pop):
    # p0 = 1, p1 = 0, p2 = 0.5 (one half-life old), p3 = 1/sqrt(2), p4 = 0.2; p5 is its own
    feed = InterestRecommender(w.config).recommend(context(w, 180), np.array([0]), 6, None)
    assert feed.tolist() == [[ids[0], ids[3], ids[2], ids[4], ids[1], -1]]
    scores = InterestRecommender(w.config).scores(context(w, 180), np.array([0]))[0]
    expected = [1.0, 0.0, 0.5, 2**-0.5, 0.2, 1.0]
    assert scores == pytest.approx(expected, abs=1e-5)


def test_interest_recency_never_underflows():
    w = make_world(3, topics=["a", "b"], half_life_minutes=1.0, pool_window_minutes=10**7)
    ids = add_posts(w, [1, 2], [[1, 0], [1, 0]], minutes=[0, 5000])
    feed = InterestRecommender(w.config).recommend(context(w, 10**6), np.array([0]), 2, None)
    assert feed.tolist() == [[ids[1], ids[0]]]  # relative ages: 5000 half-lives apart, finite


def test_in_network_feed_holds_only_followees():
    w = make_world(6)
    w.platform.set_follows(pack([0, 0, 5], [1, 2, 0]))
    ids = add_posts(w, [1, 2, 3, 4, 1, 2, 0], np.eye(8)[:7], minutes=[0, 1, 2, 3, 4, 5, 6])
    rec = InNetworkRecommender(w.config)
    feed = rec.recommend(context(w, 10), np.array([0, 3, 5]), 3, None)
    authors = w.platform.posts.author
    assert feed[0].tolist() == [ids[5], ids[4], ids[1]]  # newest first, followees 1 and 2
    assert set(authors[feed[0]].tolist()) <= {1, 2}
    assert feed[1].tolist() == [-1, -1, -1]  # user 3 follows nobody
    assert feed[2].tolist() == [ids[6], -1, -1]  # user 5 follows 0
    # muting a followee removes their posts
    w.platform.mutes.add(pack([0], [2]))
    w.platform.muting[0] = 1
    feed = rec.recommend(context(w, 10), np.array([0]), 3, None)
    assert feed[0].tolist() == [ids[4], ids[0], -1]


def test_mixed_takes_the_ratio_from_each_side():
    w = make_world(6, recommender="mixed", in_network_ratio=0.5, out_of_network="interest")
    w.platform.set_follows(pack([0, 0], [1, 2]))
    w.platform.interest[0] = mixture_vectors(np.eye(8)[[0]])[0]
    inside = add_posts(w, [1, 2, 1], np.eye(8)[[5, 5, 5]], minutes=[0, 1, 2])
    outside = add_posts(w, [3, 4, 5], np.eye(8)[[0, 0, 0]], minutes=[3, 4, 5])
    feed = MixedRecommender(w.config).recommend(context(w, 5), np.array([0]), 4, None)
    assert feed[0, :2].tolist() == [inside[2], inside[1]]
    assert set(feed[0, 2:].tolist()) <= set(outside.tolist())
    assert len(set(feed[0].tolist())) == 4


def test_random_feed_is_distinct_and_not_own():
    w = make_world(5)
    add_posts(w, np.arange(40) % 5, np.eye(8)[np.arange(40) % 8])
    feed = RandomRecommender(w.config).recommend(
        context(w, 0), np.arange(5), 6, np.random.default_rng(0)
    )
    authors = w.platform.posts.author
    for u in range(5):
        assert len(set(feed[u].tolist())) == 6 and (feed[u] >= 0).all()
        assert (authors[feed[u]] != u).all()


def test_pool_keeps_recent_popular_and_seeds():
    w = make_world(4, pool_size=4, pool_popular_share=0.5)
    ids = add_posts(w, np.arange(10) % 4, np.eye(8)[np.zeros(10, int)], minutes=np.arange(10))
    w.platform.posts.likes[ids[[2, 5]]] = [5, 1]
    w.platform.posts.seed[ids[0]] = True
    # 2 most recent (8, 9), 2 most engaged of the rest (2, 5), and the seed post 0
    pool, start = build_pool(w.platform, 10, 1000, 4, 0.5)
    assert start == 0
    assert pool.tolist() == ids[[0, 2, 5, 8, 9]].tolist()
    # a window of 3 minutes keeps posts created at minutes 7, 8, 9
    pool, start = build_pool(w.platform, 10, 3, 4, 0.5)
    assert start == 7 and pool.tolist() == ids[[7, 8, 9]].tolist()


def test_plugin_recommender_by_dotted_path():
    w = make_world(4, recommender="socium.worlds.social.recommenders:RandomRecommender")
    assert isinstance(w.recommender, RandomRecommender)
    with pytest.raises(ConfigError, match=r"world\.recommender"):
        make_world(4, recommender="socium.nowhere:Nothing")
    assert isinstance(load_recommender(w.config), RandomRecommender)
