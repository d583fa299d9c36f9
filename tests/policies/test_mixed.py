"""Mixed populations: group selection (ids, where, fraction), routing and merge order."""

import numpy as np
import pytest
from policy_helpers import answer, context_with, feed_world, observe_all, scripted

import socium
from socium.core.batches import Batch
from socium.core.population import Population
from socium.errors import ConfigError
from socium.llm import AccountingModel
from socium.policies.config import AgentSelector, MixedPolicyConfig
from socium.policies.mixed import MixedPolicy, assign_groups, select_where


def _population(n=100):
    role = np.where(np.arange(n) % 4 == 0, "influencer", "user")
    age = np.arange(n) % 50 + 18
    return Population(n, {"activity": np.arange(n) / n}, {"role": role, "age": age})


def test_ids_where_and_fraction_exact_counts():
    pop = _population()
    sel = [
        AgentSelector(ids=(0, 10)),
        AgentSelector(where={"role": "influencer"}),
        AgentSelector(where={"age": {"ge": 60}, "activity": {"lt": 0.9}}),
        AgentSelector(fraction=0.25),
    ]
    g = assign_groups(sel, pop, np.random.default_rng(1))
    assert (g[:10] == 0).all()  # the first matching group wins
    influencers = np.flatnonzero(np.arange(100) % 4 == 0)
    assert set(np.flatnonzero(g == 1)) == set(influencers[influencers >= 10])
    third = np.flatnonzero(g == 2)
    assert all(pop.personas["age"][i] >= 60 and i < 90 and i % 4 and i >= 10 for i in third)
    unclaimed = 100 - 10 - 22 - third.size
    assert (g == 3).sum() == round(0.25 * unclaimed)
    assert (g == 4).sum() == unclaimed - round(0.25 * unclaimed)


def test_fraction_is_seeded():
    pop = _population()
    sel = [AgentSelector(fraction=0.3)]
    a = assign_groups(sel, pop, np.random.default_rng(7))
    b = assign_groups(sel, pop, np.random.default_rng(7))
    c = assign_groups(sel, pop, np.random.default_rng(8))
    assert (a == b).all() and not (a == c).all() and (a == 0).sum() == 30


def test_where_membership_and_errors():
    pop = _population(8)
    assert select_where(pop, {"age": [18, 20]}, "w").tolist() == [1, 0, 1, 0, 0, 0, 0, 0]
    with pytest.raises(ConfigError, match=r"^w\.height: unknown persona attribute"):
        select_where(pop, {"height": 3}, "w")
    with pytest.raises(ConfigError, match=r"w\.age\.about"):
        select_where(pop, {"age": {"about": 3}}, "w")
    with pytest.raises(ConfigError, match=r"policy\.groups\.0\.select\.ids"):
        assign_groups([AgentSelector(ids=(9, 12))], pop, np.random.default_rng(0))


def _mixed(world, model, groups, pop=None, default=None):
    cfg = {"groups": groups}
    if default is not None:
        cfg["default"] = default
    config = MixedPolicyConfig.model_validate(cfg)
    ctx = context_with(model, pop or Population(world.population.size))
    return MixedPolicy(world, config, ctx.stream("policy"), ctx)


def test_decide_reassembles_rows_in_batch_order():
    world = feed_world(8)
    # LLM agents post a text as long as their id + 1 (the id is in the prompt as the mood)
    moods = {f"{m:.2f}": i for i, m in enumerate(world.mood)}

    def fn(r):
        mood = r.last_user_message.split("mood: ")[1][:4]
        return answer("post", text="x" * (moods[mood] + 1))

    model = scripted(fn)
    policy = _mixed(
        world,
        model,
        [
            {"select": {"ids": [2, 5]}, "policy": {"kind": "llm"}},
            {"select": {"ids": [6, 7]}, "policy": {"kind": "llm"}},
        ],
    )
    ids = np.array([7, 0, 3, 6, 2, 5, 4, 1])
    acts = policy.decide(world.observe(Batch(ids)))
    assert acts.ids.tolist() == ids.tolist()
    llm = np.isin(ids, [2, 3, 4, 6])
    assert acts.sources().tolist() == np.where(llm, "llm", "rules").tolist()
    assert acts["code"].tolist() == np.where(llm, 1, 2).tolist()
    assert acts["length"][llm].tolist() == (ids[llm] + 1).tolist()
    # one language model for both groups, separate streams
    assert policy.policies[0].lm is policy.policies[1].lm is model
    assert policy.policies[0].seed != policy.policies[1].seed
    assert policy.group_sizes() == [3, 1, 4]


def test_tables_metrics_state_and_interviews_are_merged():
    world = feed_world(6)
    model = AccountingModel(
        scripted(lambda r: "hi there" if r.schema is None else answer("do_nothing"))
    )
    policy = _mixed(
        world,
        model,
        [
            {"select": {"ids": [0, 2]}, "policy": {"kind": "llm"}},
            {"select": {"ids": [2, 3]}, "policy": {"kind": "llm", "fallback": "rules"}},
        ],
    )
    policy.begin_step(1)
    policy.decide(observe_all(world))
    tables = policy.drain_tables()
    assert sorted(tables["llm_decisions"]["agent"].tolist()) == [0, 1, 2]
    assert len(tables["llm_calls"]["tag"]) == 3  # drained once, for both groups
    assert policy.step_metrics()["llm_decisions"] == 3.0
    final = policy.final_metrics()
    assert final["llm_decisions"] == 3 and final["mixed_group_sizes"] == [2, 1, 3]
    assert policy.interview(np.array([4, 2, 0]), "Q?", 1) == [None, "hi there", "hi there"]
    state = policy.get_state()
    assert set(state) == {"group0", "group1", "default"}
    other = _mixed(
        world,
        model,
        [
            {"select": {"ids": [0, 2]}, "policy": {"kind": "llm"}},
            {"select": {"ids": [2, 3]}, "policy": {"kind": "llm", "fallback": "rules"}},
        ],
    )
    other.set_state(state)
    assert other.policies[0].memory.render(1) == policy.policies[0].memory.render(1)


def test_groups_by_persona_attribute_from_a_file(tmp_path):
    rows = ["id,role"] + [f"{i},{'bot' if i % 3 == 0 else 'human'}" for i in range(12)]
    (tmp_path / "people.csv").write_text("\n".join(rows[:1] + rows[1:][::-1]))
    from socium.personas import PersonaSpec, apply_personas

    world = feed_world(12)
    pop = Population(12)
    apply_personas(PersonaSpec(path=str(tmp_path / "people.csv")), pop, np.random.default_rng(0))
    policy = _mixed(
        world,
        scripted(lambda r: answer("do_nothing")),
        [{"select": {"where": {"role": "bot"}}, "policy": {"kind": "llm"}}],
        pop,
    )
    assert policy.group_sizes() == [4, 8]
    assert np.flatnonzero(policy.assignment == 0).tolist() == [0, 3, 6, 9]
    acts = policy.decide(observe_all(world))
    assert acts.sources().tolist() == ["llm" if i % 3 == 0 else "rules" for i in range(12)]


def test_mixed_run_end_to_end_is_deterministic():
    cfg = {
        "network": {"kind": "watts_strogatz", "n": 30, "k": 4, "p": 0.1},
        "world": {"name": "opinion", "model": "voter"},
        "policy": {
            "kind": "mixed",
            "groups": [
                {"select": {"fraction": 0.2}, "policy": {"kind": "llm"}},
                {"select": {"ids": [0, 30]}, "policy": {"kind": "archetype"}},
            ],
        },
        "llm": {"backend": "mock"},
        "run": {"seed": 4, "steps": 3},
    }
    a, b = socium.run(cfg), socium.run(cfg)
    assert a.final == b.final and a.final["mixed_group_sizes"] == [6, 24, 0]
    assert a.metrics.equals(b.metrics)
