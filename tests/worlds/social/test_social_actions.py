"""Every action's effect on the platform and its counters, and rejected actions."""

import numpy as np
import pytest
from social_util import act, make_world

from socium.worlds.social.keysets import pack


@pytest.fixture
def world():
    w = make_world(6)
    # user 0 writes post 0; user 1 comments on it (post 1)
    assert act(w, [(0, "create_post", -1, {"topic": 2, "stance": 0.5})])[0] == ["ok"]
    assert act(w, [(1, "create_comment", 0, {"stance": -0.2})])[0] == ["ok"]
    return w


def test_create_post_and_comment(world):
    posts, p = world.platform.posts, world.platform
    assert posts.n == 2
    assert posts.author[:2].tolist() == [0, 1]
    assert posts.kind[:2].tolist() == [0, 3]  # post, comment
    assert posts.parent[:2].tolist() == [-1, 0]
    assert posts.root[:2].tolist() == [0, 0]
    assert posts.depth[:2].tolist() == [0, 1]
    assert posts.topic[0] == 2 and posts.stance[0] == pytest.approx(0.5)
    assert posts.stance[1] == pytest.approx(-0.2)
    assert posts.comments[0] == 1 and posts.tree_size[0] == 2
    assert p.authored[:2].tolist() == [1, 1] and p.actions[:2].tolist() == [1, 1]


def test_create_post_records_a_row(world):
    _, _, tables = act(world, [(2, "create_post", -1, {"content": "hello world", "stance": 0.1})])
    rows = tables["posts"]
    assert rows["post_id"].tolist() == [2] and rows["author"].tolist() == [2]
    assert rows["kind"].tolist() == ["post"] and rows["text"].tolist() == ["hello world"]


def test_like_unlike_dislike_and_switch(world):
    p, posts = world.platform, world.platform.posts
    assert act(world, [(2, "like_post", 0), (3, "like_post", 0)])[0] == ["ok", "ok"]
    assert posts.likes[0] == 2 and p.likes_received[0] == 2
    assert p.likes.contains(pack([2, 3], [0, 0])).all()
    # duplicate like, unlike, unlike again
    assert act(world, [(2, "like_post", 0)])[0] == ["duplicate"]
    assert act(world, [(2, "unlike_post", 0)])[0] == ["ok"]
    assert posts.likes[0] == 1 and p.likes_received[0] == 1
    assert act(world, [(2, "unlike_post", 0)])[0] == ["not_liked"]
    # a dislike replaces a like
    assert act(world, [(3, "dislike_post", 0)])[0] == ["ok"]
    assert posts.likes[0] == 0 and posts.dislikes[0] == 1 and p.likes_received[0] == 0
    assert not p.likes.contains(pack([3], [0]))[0] and p.dislikes.contains(pack([3], [0]))[0]
    assert act(world, [(3, "dislike_post", 0)])[0] == ["duplicate"]
    # and a like replaces the dislike
    assert act(world, [(3, "like_post", 0)])[0] == ["ok"]
    assert posts.likes[0] == 1 and posts.dislikes[0] == 0


def test_comment_votes_need_comments(world):
    posts = world.platform.posts
    reasons, _, _ = act(
        world,
        [(2, "like_comment", 1), (3, "dislike_comment", 1), (4, "like_comment", 0),
         (5, "like_post", 1)],
    )  # fmt: skip
    assert reasons == ["ok", "ok", "wrong_kind", "wrong_kind"]
    assert posts.likes[1] == 1 and posts.dislikes[1] == 1 and posts.likes[0] == 0


def test_repost_and_quote(world):
    posts, p = world.platform.posts, world.platform
    reasons, events, _ = act(world, [(2, "repost", 0), (3, "quote_post", 0, {"stance": -0.9})])
    assert reasons == ["ok", "ok"]
    assert posts.n == 4
    assert posts.kind[2:4].tolist() == [1, 2] and posts.parent[2:4].tolist() == [0, 0]
    assert posts.root[2:4].tolist() == [0, 0]
    assert posts.stance[2] == pytest.approx(0.5)  # a repost carries the original stance
    assert posts.stance[3] == pytest.approx(-0.9)
    assert np.allclose(posts.topic_vec[2], posts.topic_vec[0])
    assert posts.reposts[0] == 1 and posts.quotes[0] == 1 and p.reposts_received[0] == 1
    assert act(world, [(2, "repost", 0)])[0] == ["duplicate"]
    # repost of the repost: its parent is the repost, its root the original
    assert act(world, [(4, "repost", 2)])[0] == ["ok"]
    assert posts.parent[4] == 2 and posts.root[4] == 0 and posts.depth[4] == 2
    kinds = {e.kind: e for e in events}
    assert kinds["repost"].other.tolist() == [0] and kinds["repost"].value.tolist() == [2.0]


def test_follow_unfollow_mute_unmute(world):
    p = world.platform
    reasons, _, tables = act(world, [(0, "follow", 1), (2, "follow", 1), (3, "follow", 3)])
    assert reasons == ["ok", "ok", "self_action"]
    assert p.followers[1] == 2 and p.following[[0, 2]].tolist() == [1, 1]
    assert tables["follows_changes"]["change"].tolist() == [1, 1]
    assert act(world, [(0, "follow", 1), (0, "follow", 99)])[0] == [
        "already_following",
        "no_such_user",
    ]
    assert act(world, [(0, "unfollow", 1), (4, "unfollow", 1)])[0] == ["ok", "not_following"]
    assert p.followers[1] == 1 and p.following[0] == 0
    assert act(world, [(0, "mute", 5), (1, "mute", 1)])[0] == ["ok", "self_action"]
    assert p.muting[0] == 1 and p.mutes.contains(pack([0], [5]))[0]
    assert act(world, [(0, "mute", 5)])[0] == ["already_muted"]
    assert act(world, [(0, "unmute", 5), (0 + 1, "unmute", 5)])[0] == ["ok", "not_muted"]
    assert p.muting[0] == 0


def test_searches_trend_and_nothing(world):
    p = world.platform
    reasons, _, _ = act(
        world,
        [(2, "search_posts", -1, {"topic": 2}), (3, "search_user", -1, {"content": "user 4"}),
         (4, "trend", -1), (5, "do_nothing", -1), (0, "search_posts", -1)],
    )  # fmt: skip
    assert reasons == ["ok", "ok", "ok", "ok", "empty_query"]
    rows = p.notices_of(np.array([2, 3, 4, 5]))
    assert rows[3] == -1
    assert p.notice_items[rows[0], 0] == 0  # the post on topic 2
    assert p.notice_items[rows[1], 0] == 4  # user 4 named in the query
    assert p.notice_items[rows[2], 0] == 0  # the most engaged post
    assert p.actions[5] == 0  # doing nothing is not an action
    # acting again clears the notice (it has been seen)
    act(world, [(2, "do_nothing", -1)])
    assert p.notices_of(np.array([2]))[0] == -1


def test_invalid_actions_are_recorded_and_counted(world):
    before = world.platform.posts.n
    reasons, events, tables = act(
        world,
        [(2, "like_post", 7), (3, "repost", -1), (4, "bogus", 0), (5, "create_comment", 50)],
    )
    assert reasons == ["no_such_post", "no_such_post", "not_available", "no_such_post"]
    assert tables["actions"]["ok"].tolist() == [0, 0, 0, 0]
    assert tables["actions"]["action"].tolist()[2] == "unknown"
    assert world.platform.posts.n == before and events == []
    final = world.final_metrics()
    assert final["invalid_actions"] == 4
    assert final["invalid_no_such_post"] == 3 and final["invalid_not_available"] == 1
    assert world.step_metrics()["invalid_actions"] == 4


def test_reddit_lacks_reposts():
    w = make_world(4, platform="reddit")
    act(w, [(0, "create_post", -1)])
    reasons, _, _ = act(w, [(1, "repost", 0), (2, "quote_post", 0), (3, "unfollow", 0)])
    assert reasons == ["not_available"] * 3
    assert sorted(w.action_menu().names) == sorted(
        ["like_post", "dislike_post", "like_comment", "dislike_comment", "create_post",
         "create_comment", "search_posts", "search_user", "trend", "refresh", "do_nothing",
         "follow", "mute"]
    )  # fmt: skip


def test_repeated_pair_in_one_batch_is_a_duplicate(world):
    reasons, _, _ = act(world, [(2, "like_post", 0), (2, "like_post", 0)])
    assert reasons == ["ok", "duplicate"]
    assert world.platform.posts.likes[0] == 1


def test_herd_treatment_adds_a_first_vote():
    w = make_world(4, herd={"enabled": True, "p_up": 1.0, "p_down": 0.0})
    act(w, [(0, "create_post", -1), (1, "create_post", -1)])
    posts = w.platform.posts
    assert posts.treatment[:2].tolist() == [1, 1] and posts.likes[:2].tolist() == [1, 1]
    w = make_world(4, herd={"enabled": True, "p_up": 0.0, "p_down": 1.0, "apply_to": "comments"})
    act(w, [(0, "create_post", -1)])
    act(w, [(1, "create_comment", 0)])
    assert w.platform.posts.treatment[:2].tolist() == [0, -1]
    assert w.platform.posts.dislikes[:2].tolist() == [0, 1]


def test_llm_stance_becomes_the_users_opinion(world):
    act(world, [(3, "create_post", -1, {"content": "x", "stance": -0.7})], source=["llm"])
    assert world.platform.opinion[3] == pytest.approx(-0.7)
