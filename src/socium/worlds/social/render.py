"""What LLM agents are told: the platform's rules and each user's feed as short text.

Rendering is read-only and bounded: at most ``feed_size`` feed lines, each post's text cut
to ``render_text_chars`` characters, plus at most one suggestion and one list of search or
trend results, so a prompt's observation part has a fixed maximum length.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from socium.worlds.social.actions import platform_menu
from socium.worlds.social.config import SocialConfig
from socium.worlds.social.platform import NOTICE_KINDS, Platform
from socium.worlds.social.posts import KIND_NAMES, KINDS

__all__ = ["clock_text", "instructions", "render_feeds"]

_PLATFORM_NAME = {"x": "X (a microblogging site like Twitter)", "reddit": "a Reddit-like forum"}
_NOTICE_TITLE = {v: k for k, v in NOTICE_KINDS.items()}


def clock_text(config: SocialConfig, minute: int) -> str:
    """``"day D, HH:MM"`` of a simulated minute (minute 0 = ``start_hour`` on day 1)."""
    total = config.start_hour * 60 + int(minute)
    return f"day {total // 1440 + 1}, {(total % 1440) // 60:02d}:{total % 60:02d}"


def _ago(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 2880:
        return f"{minutes // 60} h ago"
    return f"{minutes // 1440} days ago"


def instructions(config: SocialConfig) -> str:
    """The platform's rules, as told to an LLM agent."""
    menu = platform_menu(config.platform)
    votes = (
        "Liking is up-voting and disliking is down-voting; a post's score is up-votes minus "
        "down-votes."
        if config.platform == "reddit"
        else "You can like, dislike, repost or quote posts, and reply with comments."
    )
    actions = "\n".join(f"- {d['name']}: {d['description']}" for d in menu.describe())
    return (
        f"You are a user of {_PLATFORM_NAME[config.platform]}. Each time you visit you see "
        "your feed and choose exactly one action.\n"
        f"{votes} Posts and users are referred to by their numeric ids, exactly as shown.\n"
        f"Stance is a number from -1 (strongly against {config.issue}) to +1 (strongly for "
        f"it); give the stance your text expresses. Texts longer than {config.max_post_chars} "
        "characters are cut. Topics on this platform: " + ", ".join(config.topics) + ".\n"
        "Invalid actions (a post id that does not exist, liking twice, following yourself, "
        "unfollowing someone you do not follow) are rejected and wasted.\n"
        f"Actions:\n{actions}"
    )


def _post_line(
    platform: Platform,
    config: SocialConfig,
    topic_names: Sequence[str],
    pid: int,
    user: int,
    minute: int,
    following: bool,
) -> str:
    posts = platform.posts
    kind = int(posts.kind[pid])
    author = int(posts.author[pid])
    label = f"{KIND_NAMES[kind]} {pid}"
    if kind != KINDS["post"]:
        label += f" ({'reply to' if kind == KINDS['comment'] else 'of'} {int(posts.parent[pid])})"
    who = f"user {author}" + (" (you follow them)" if following else "")
    text = posts.text_of(np.array([pid]))[0]
    if kind == KINDS["repost"] and not text:
        text = posts.text_of(np.array([int(posts.parent[pid])]))[0]
    body = f'"{text[: config.render_text_chars]}"' if text else "(no text)"
    ld = (
        f"score {int(posts.likes[pid]) - int(posts.dislikes[pid])}"
        f" ({int(posts.likes[pid])} up, {int(posts.dislikes[pid])} down)"
        if config.platform == "reddit"
        else f"{int(posts.likes[pid])} likes, {int(posts.dislikes[pid])} dislikes, "
        f"{int(posts.reposts[pid])} reposts, {int(posts.quotes[pid])} quotes"
    )
    age = _ago(max(0, minute - int(posts.created_minute[pid])))
    topic = topic_names[int(posts.topic[pid])]
    stance = float(posts.stance[pid])
    return (
        f"- {label} by {who}, {age}, topic {topic}, stance {stance:+.2f}: {body} "
        f"[{ld}, {int(posts.comments[pid])} comments]"
    )


def render_feeds(
    platform: Platform,
    config: SocialConfig,
    obs,
    minute: int,
    topic_names: Sequence[str],
) -> list[str]:
    """One text per row of ``obs`` (columns ``feed``, ``f_follow``, ``suggest``)."""
    name = "X" if config.platform == "x" else "the forum"
    clock = clock_text(config, minute)
    notice_rows = platform.notices_of(np.asarray(obs.ids, dtype=np.int64))
    out = []
    for row, user in enumerate(np.asarray(obs.ids).tolist()):
        lines = [
            f"It is {clock}. You are user {user} on {name}. You have "
            f"{int(platform.followers[user])} followers, follow {int(platform.following[user])} "
            f"users and have written {int(platform.authored[user])} posts."
        ]
        feed = obs["feed"][row]
        follow = obs["f_follow"][row]
        items = [
            _post_line(platform, config, topic_names, int(pid), user, minute, bool(f))
            for pid, f in zip(feed.tolist(), follow.tolist(), strict=True)
            if pid >= 0
        ]
        lines.append("Your feed:" if items else "Your feed is empty.")
        lines.extend(items)
        sug = int(obs["suggest"][row])
        if sug >= 0:
            lines.append(
                f"Suggested user to follow: user {sug} ({int(platform.followers[sug])} followers)."
            )
        nr = int(notice_rows[row])
        if nr >= 0:
            kind = _NOTICE_TITLE[int(platform.notice_kind[nr])]
            hits = [int(i) for i in platform.notice_items[nr].tolist() if i >= 0]
            query = str(platform.notice_query[nr])
            title = {
                "search_posts": f'Results of your post search "{query}":',
                "search_user": f'Results of your user search "{query}":',
                "trend": "Trending posts:",
            }[kind]
            lines.append(title if hits else title + " nothing found.")
            if kind == "search_user":
                lines.extend(
                    f"- user {u} ({int(platform.followers[u])} followers, "
                    f"{int(platform.authored[u])} posts)"
                    for u in hits
                )
            else:
                lines.extend(
                    _post_line(platform, config, topic_names, pid, user, minute, False)
                    for pid in hits
                )
        out.append("\n".join(lines))
    return out
