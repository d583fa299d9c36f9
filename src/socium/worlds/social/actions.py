"""Typed actions of the social world, their integer codes, and the rejection reasons.

Rule and LLM agents produce the same action batch: integer columns ``action`` (the code
below), ``target`` (a post id or a user id, ``-1`` when none), ``topic`` (a topic index,
``-1`` = derive it), a float column ``stance`` (NaN = derive it) and a string column
``content`` (text written by an LLM agent, or a search query; ``""`` when none). See
:func:`empty_columns`.

X offers every action; Reddit offers the votes on posts and comments, ``create_post``,
``create_comment``, ``search_posts``, ``search_user``, ``trend``, ``refresh``, ``do_nothing``,
``follow`` and ``mute`` (as in OASIS).
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field

from socium.core.actions import ActionMenu, ActionSpec

__all__ = [
    "ACTION_CODES",
    "ACTION_NAMES",
    "ALL_SPECS",
    "PLATFORM_ACTIONS",
    "REASONS",
    "REASON_NAMES",
    "CreateComment",
    "CreatePost",
    "DislikeComment",
    "DislikePost",
    "DoNothing",
    "Follow",
    "LikeComment",
    "LikePost",
    "Mute",
    "QuotePost",
    "Refresh",
    "Repost",
    "SearchPosts",
    "SearchUser",
    "Trend",
    "Unfollow",
    "UnlikePost",
    "Unmute",
    "allowed_mask",
    "empty_columns",
    "platform_menu",
]

_STANCE = "your stance on the issue, from -1 (strongly against) to 1 (strongly for)"
_POST = "id of a post shown to you"


class DoNothing(ActionSpec):
    """Do nothing this time (just read)."""

    action: Literal["do_nothing"] = "do_nothing"


class CreatePost(ActionSpec):
    """Write a new post."""

    action: Literal["create_post"] = "create_post"
    content: str = Field(min_length=1, max_length=2000, description="the text of your post")
    stance: float = Field(0.0, ge=-1.0, le=1.0, description=_STANCE)
    text_fields: ClassVar[tuple[str, ...]] = ("content",)


class LikePost(ActionSpec):
    """Like (up-vote) a post."""

    action: Literal["like_post"] = "like_post"
    post_id: int = Field(ge=0, description=_POST)


class UnlikePost(ActionSpec):
    """Take back your like of a post."""

    action: Literal["unlike_post"] = "unlike_post"
    post_id: int = Field(ge=0, description=_POST)


class DislikePost(ActionSpec):
    """Dislike (down-vote) a post."""

    action: Literal["dislike_post"] = "dislike_post"
    post_id: int = Field(ge=0, description=_POST)


class Repost(ActionSpec):
    """Share a post with your followers as it is."""

    action: Literal["repost"] = "repost"
    post_id: int = Field(ge=0, description=_POST)


class QuotePost(ActionSpec):
    """Share a post with your own comment on top."""

    action: Literal["quote_post"] = "quote_post"
    post_id: int = Field(ge=0, description=_POST)
    content: str = Field(min_length=1, max_length=2000, description="your comment on the post")
    stance: float = Field(0.0, ge=-1.0, le=1.0, description=_STANCE)
    text_fields: ClassVar[tuple[str, ...]] = ("content",)


class CreateComment(ActionSpec):
    """Reply to a post or to a comment."""

    action: Literal["create_comment"] = "create_comment"
    post_id: int = Field(ge=0, description="id of the post or comment you reply to")
    content: str = Field(min_length=1, max_length=2000, description="the text of your reply")
    stance: float = Field(0.0, ge=-1.0, le=1.0, description=_STANCE)
    text_fields: ClassVar[tuple[str, ...]] = ("content",)


class LikeComment(ActionSpec):
    """Like (up-vote) a comment."""

    action: Literal["like_comment"] = "like_comment"
    comment_id: int = Field(ge=0, description="id of a comment shown to you")


class DislikeComment(ActionSpec):
    """Dislike (down-vote) a comment."""

    action: Literal["dislike_comment"] = "dislike_comment"
    comment_id: int = Field(ge=0, description="id of a comment shown to you")


class Follow(ActionSpec):
    """Follow a user: their posts appear in your feed."""

    action: Literal["follow"] = "follow"
    user_id: int = Field(ge=0, description="id of the user to follow")


class Unfollow(ActionSpec):
    """Stop following a user."""

    action: Literal["unfollow"] = "unfollow"
    user_id: int = Field(ge=0, description="id of a user you follow")


class Mute(ActionSpec):
    """Mute a user: their posts no longer appear in your feed."""

    action: Literal["mute"] = "mute"
    user_id: int = Field(ge=0, description="id of the user to mute")


class Unmute(ActionSpec):
    """Unmute a user you muted."""

    action: Literal["unmute"] = "unmute"
    user_id: int = Field(ge=0, description="id of a user you muted")


class SearchPosts(ActionSpec):
    """Search recent posts; the results are shown to you next time."""

    action: Literal["search_posts"] = "search_posts"
    query: str = Field(min_length=1, max_length=200, description="what to search for")


class SearchUser(ActionSpec):
    """Search users by id or name; the results are shown to you next time."""

    action: Literal["search_user"] = "search_user"
    query: str = Field(min_length=1, max_length=200, description="a user id or a name")


class Trend(ActionSpec):
    """Look at the trending posts; they are shown to you next time."""

    action: Literal["trend"] = "trend"


class Refresh(ActionSpec):
    """Get a fresh feed."""

    action: Literal["refresh"] = "refresh"


#: Every action, in code order (the code of ``ALL_SPECS[k]`` is ``k``).
ALL_SPECS: tuple[type[ActionSpec], ...] = (
    DoNothing,
    CreatePost,
    LikePost,
    UnlikePost,
    DislikePost,
    Repost,
    QuotePost,
    CreateComment,
    LikeComment,
    DislikeComment,
    Follow,
    Unfollow,
    Mute,
    Unmute,
    SearchPosts,
    SearchUser,
    Trend,
    Refresh,
)
#: Action names by code.
ACTION_NAMES = np.array([s.action_name() for s in ALL_SPECS], dtype=str)
#: Action codes by name.
ACTION_CODES: dict[str, int] = {name: i for i, name in enumerate(ACTION_NAMES.tolist())}

#: The actions of each platform.
PLATFORM_ACTIONS: dict[str, tuple[str, ...]] = {
    "x": tuple(ACTION_NAMES.tolist()),
    "reddit": (
        "like_post",
        "dislike_post",
        "like_comment",
        "dislike_comment",
        "create_post",
        "create_comment",
        "search_posts",
        "search_user",
        "trend",
        "refresh",
        "do_nothing",
        "follow",
        "mute",
    ),
}

#: Why an action was rejected (code 0 = accepted).
REASONS: dict[str, int] = {
    "ok": 0,
    "not_available": 1,  # not an action of this platform, or an unknown code
    "no_such_post": 2,
    "wrong_kind": 3,  # like_post on a comment, like_comment on a post
    "duplicate": 4,  # already liked / disliked / reposted
    "not_liked": 5,  # unlike without a like
    "no_such_user": 6,
    "self_action": 7,  # follow or mute oneself
    "already_following": 8,
    "not_following": 9,
    "already_muted": 10,
    "not_muted": 11,
    "empty_query": 12,
}
#: Reason names by code.
REASON_NAMES = np.array(list(REASONS), dtype=str)


def platform_menu(platform: str) -> ActionMenu:
    """The typed action menu of a platform (``"x"`` or ``"reddit"``)."""
    by_name = {s.action_name(): s for s in ALL_SPECS}
    return ActionMenu(by_name[name] for name in PLATFORM_ACTIONS[platform])


def allowed_mask(platform: str) -> np.ndarray:
    """Boolean mask over action codes: which the platform offers."""
    mask = np.zeros(len(ALL_SPECS), dtype=bool)
    mask[[ACTION_CODES[a] for a in PLATFORM_ACTIONS[platform]]] = True
    return mask


def empty_columns(n: int) -> dict[str, np.ndarray]:
    """Action columns for ``n`` rows, all ``do_nothing``: the shared action-batch layout."""
    return {
        "action": np.zeros(n, np.int8),
        "target": np.full(n, -1, np.int64),
        "topic": np.full(n, -1, np.int16),
        "stance": np.full(n, np.nan, np.float64),
        "content": np.full(n, "", dtype="<U1"),
    }
