"""The ``debate`` world: DEBATE-style group debates with public posts, one-on-one chats and
private opinion reports, and a loader of the DEBATE transcript format
(see ``docs/worlds/debate.md``)."""

from socium.worlds.debate.config import DebateConfig
from socium.worlds.debate.world import DebateWorld

__all__ = ["DebateConfig", "DebateWorld"]
