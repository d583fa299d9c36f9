"""Repeated 2x2 games from Python: matches, tournaments and evolutionary dynamics.

The public facade of :mod:`socium.worlds.games` (``import socium.games``).

Examples
--------
>>> import socium.games
>>> socium.games.play_match("tit_for_tat", "defector", 10).scores
(9.0, 14.0)
>>> socium.games.tournament(["cooperator", "defector", "tit_for_tat"], turns=1).iloc[0]["strategy"]
'defector'
"""

from socium.worlds.games.evolution import (
    MoranResult,
    moran_fixation_probability,
    moran_process,
    replicator,
)
from socium.worlds.games.matches import (
    MatchResult,
    MatchSet,
    TournamentResult,
    play_match,
    round_robin,
    tournament,
)
from socium.worlds.games.payoffs import PRESETS, Game, make_game
from socium.worlds.games.strategies import STRATEGY_CLASSES, History, Strategy

__all__ = [
    "PRESETS",
    "STRATEGY_CLASSES",
    "Game",
    "History",
    "MatchResult",
    "MatchSet",
    "MoranResult",
    "Strategy",
    "TournamentResult",
    "make_game",
    "moran_fixation_probability",
    "moran_process",
    "play_match",
    "replicator",
    "round_robin",
    "tournament",
]
