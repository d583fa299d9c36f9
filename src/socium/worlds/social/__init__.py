"""The ``social`` world: X and Reddit platforms with recommenders, at up to a million users.

Submodules: :mod:`~socium.worlds.social.config` (the ``[world]`` keys),
:mod:`~socium.worlds.social.actions` (typed actions, codes, rejection reasons),
:mod:`~socium.worlds.social.platform` (users, relations, notices),
:mod:`~socium.worlds.social.posts` (the post table),
:mod:`~socium.worlds.social.keysets` (pair relations as sorted keys),
:mod:`~socium.worlds.social.activity` (who is online when),
:mod:`~socium.worlds.social.feeds` and :mod:`~socium.worlds.social.recommenders` (candidate
pools and ranking), :mod:`~socium.worlds.social.behaviour` (rule agents, opinion updates,
following), :mod:`~socium.worlds.social.topics` (topic vectors),
:mod:`~socium.worlds.social.transitions` (applying actions),
:mod:`~socium.worlds.social.session` (one step's visits),
:mod:`~socium.worlds.social.render` (text for LLM agents),
:mod:`~socium.worlds.social.recording` (run-database tables),
:mod:`~socium.worlds.social.metrics`, :mod:`~socium.worlds.social.plots` and
:mod:`~socium.worlds.social.world` (:class:`SocialWorld`). See ``docs/worlds/social.md``.
"""

from socium.worlds.social.config import SocialConfig
from socium.worlds.social.recommenders import Recommender, ScoreRecommender, hot_score
from socium.worlds.social.world import SocialWorld

__all__ = ["Recommender", "ScoreRecommender", "SocialConfig", "SocialWorld", "hot_score"]
