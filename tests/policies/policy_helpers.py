"""A tiny feed world with typed actions and text observations, and helpers for policy tests.

``FeedWorld``: every agent sees a feed of texts (``world.feed``, shared) and its own ``mood``;
actions are ``post(text)``, ``like(post_id)`` and ``do_nothing``. The rule: like post 0. The
action columns are ``code`` (0 = do_nothing, 1 = post, 2 = like), ``post_id`` (-1 if none) and
``length`` (characters posted).
"""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
from pydantic import Field

from socium.core.actions import ActionSpec
from socium.core.batches import ActionBatch, Batch, EventBatch, ObsBatch
from socium.core.population import Population
from socium.core.protocol import PolicyContext, World, WorldConfig
from socium.core.schedule import SynchronousSpec
from socium.llm import LLMRequest, MockLanguageModel

CODES = {"do_nothing": 0, "post": 1, "like": 2, "wave": 1}


class Post(ActionSpec):
    """Write a post."""

    action: Literal["post"] = "post"
    text: str = Field(max_length=280)


class Like(ActionSpec):
    """Like a post of the feed."""

    action: Literal["like"] = "like"
    post_id: int = Field(ge=0, le=9)


class Wave(ActionSpec):
    """Wave at everyone."""

    action: Literal["wave"] = "wave"


class DoNothing(ActionSpec):
    """Do nothing this step."""

    action: Literal["do_nothing"] = "do_nothing"


class FeedConfig(WorldConfig):
    feed_size: int = 2


class FeedWorld(World):
    """Agents read a shared feed and post, like or do nothing."""

    name = "test_feed"
    Config = FeedConfig
    requires_network = False
    action_specs = (Post, Like, DoNothing)

    def __init__(self, config, population, network, rng):
        super().__init__(config, population, network, rng)
        n = population.size
        self.mood = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(n)
        self.feed = [f"post {i}: hello" for i in range(config.feed_size)]
        self.counts = np.zeros((n, 3), np.int64)

    def default_schedule(self):
        return SynchronousSpec()

    def observe(self, batch: Batch) -> ObsBatch:
        return ObsBatch(batch.ids, {"mood": self.mood[batch.ids]}, batch)

    def rule_decide(self, obs, rng):
        n = len(obs)
        return ActionBatch(
            obs.ids,
            {
                "code": np.full(n, 2, np.int64),
                "post_id": np.zeros(n, np.int64),
                "length": np.zeros(n, np.int64),
            },
            obs,
        )

    def apply(self, actions):
        np.add.at(self.counts, (actions.ids, np.asarray(actions["code"])), 1)
        return EventBatch.make("act", actions.ids, value=np.asarray(actions["code"], float))

    def step_metrics(self):
        return {"posts": float(self.counts[:, 1].sum()), "likes": float(self.counts[:, 2].sum())}

    def final_metrics(self):
        return {"posts": int(self.counts[:, 1].sum()), "likes": int(self.counts[:, 2].sum())}

    def get_state(self):
        return {"counts": self.counts.copy()}

    def set_state(self, state):
        self.counts = np.array(state["counts"], dtype=np.int64)

    def agent_table(self):
        return {"posts": self.counts[:, 1].copy(), "likes": self.counts[:, 2].copy()}

    # -- LLM interface
    def llm_instructions(self):
        return "You use a small social platform."

    def render_observations(self, obs):
        feed = "\n".join(self.feed)
        return [f"Your mood: {m:.2f}\nFeed:\n{feed}" for m in obs["mood"]]

    def decode_actions(self, obs, decisions):
        code = np.array([CODES[d.action] if d is not None else 0 for d in decisions], np.int64)
        post = np.array([getattr(d, "post_id", -1) for d in decisions], np.int64)
        length = np.array([len(getattr(d, "text", "")) for d in decisions], np.int64)
        return ActionBatch(obs.ids, {"code": code, "post_id": post, "length": length}, obs)

    # -- archetype interface: options are the action names; parameters from the rule
    def archetype_actions(self, obs, choices):
        choices = np.asarray(choices)
        code = np.vectorize(CODES.get, otypes=[np.int64])(choices)
        post = np.where(choices == "like", 0, -1)
        length = np.where(choices == "post", 5, 0)
        return ActionBatch(obs.ids, {"code": code, "post_id": post, "length": length}, obs)


class WaveWorld(FeedWorld):
    """Only parameter-free actions and no archetype hooks: the archetype default path."""

    name = "test_wave"
    action_specs = (Wave, DoNothing)
    archetype_actions = None


def feed_world(n: int = 6, seed: int = 0, feed_size: int = 2) -> FeedWorld:
    """A FeedWorld of ``n`` agents."""
    return FeedWorld(
        FeedConfig(feed_size=feed_size), Population(n), None, np.random.default_rng(seed)
    )


def context_with(model: Any, population: Population | None = None, seed: int = 0):
    """A policy context whose language model is ``model`` (streams from a RunRNG)."""
    from socium.core.rng import RunRNG

    ctx = PolicyContext(population=population, stream=RunRNG(seed).stream)
    ctx._model = model
    return ctx


def observe_all(world: World, n: int | None = None) -> ObsBatch:
    """The observation of agents ``0..n-1`` as one batch."""
    ids = np.arange(world.population.size if n is None else n, dtype=np.int64)
    return world.observe(Batch(ids))


def is_reask(request: LLMRequest) -> bool:
    """Whether a request is the re-ask after an invalid answer."""
    return "could not be used" in request.last_user_message


def answer(action: str, **params: Any) -> str:
    """A JSON answer."""
    return json.dumps({"action": action, **params})


def scripted(fn) -> MockLanguageModel:
    """A mock model answering ``fn(request)``; counts in ``.calls``."""
    return MockLanguageModel(fn=fn)
