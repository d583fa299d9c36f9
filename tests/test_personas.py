"""Personas: generation from distributions, files, rendering, LLM backstories, errors."""

import json

import numpy as np
import pytest
from pydantic import ValidationError

from socium.core.population import Population
from socium.errors import ConfigError
from socium.llm import CacheModel, MockLanguageModel
from socium.personas import (
    PersonaSpec,
    apply_personas,
    generate_attributes,
    load_persona_file,
    render_personas,
)


def spec(**kw):
    return PersonaSpec.model_validate(kw)


GENERATE = {
    "gender": {"dist": "categorical", "values": ["woman", "man", "other"], "p": [0.5, 0.4, 0.1]},
    "age": {"dist": "uniform", "low": 18, "high": 80, "integer": True},
    "openness": {"dist": "normal", "mean": 0.5, "std": 0.3, "low": 0, "high": 1},
}


def test_generated_attributes_follow_their_distributions():
    pop = Population(20_000)
    apply_personas(spec(generate=GENERATE), pop, np.random.default_rng(1))
    g = pop.personas["gender"]
    freq = [float(np.mean(g == v)) for v in ("woman", "man", "other")]
    assert np.allclose(freq, [0.5, 0.4, 0.1], atol=0.015)
    age = pop.personas["age"]
    assert age.dtype.kind == "i" and age.min() == 18 and age.max() == 80
    op = pop.personas["openness"]
    assert op.min() == 0.0 and op.max() == 1.0  # clipped
    assert abs(float(np.median(op)) - 0.5) < 0.02
    assert str(pop.personas["persona"][0]).count(";") == 2


def test_generation_is_seeded_and_attributes_are_independent():
    a = generate_attributes(spec(generate=GENERATE).generate, 100, np.random.default_rng(5))
    b = generate_attributes(spec(generate=GENERATE).generate, 100, np.random.default_rng(5))
    assert all((a[k] == b[k]).all() for k in a)
    more = {**GENERATE, "height": {"dist": "normal", "mean": 170, "std": 10}}
    c = generate_attributes(spec(generate=more).generate, 100, np.random.default_rng(5))
    assert all((a[k] == c[k]).all() for k in a)  # adding an attribute changes no other
    d = generate_attributes(spec(generate=GENERATE).generate, 100, np.random.default_rng(6))
    assert not (a["age"] == d["age"]).all()


def test_load_csv_with_shuffled_ids_and_jsonl(tmp_path):
    (tmp_path / "p.csv").write_text("id,name,score\n2,Cleo,0.5\n0,Ada,1.5\n1,Bo,2.5\n")
    cols = load_persona_file(tmp_path / "p.csv", 3)
    assert cols["name"].tolist() == ["Ada", "Bo", "Cleo"] and cols["score"].tolist() == [
        1.5,
        2.5,
        0.5,
    ]
    lines = [json.dumps({"name": n, "persona": f"I am {n}."}) for n in ("Ada", "Bo")]
    (tmp_path / "p.jsonl").write_text("\n".join(lines))
    pop = Population(2)
    apply_personas(spec(path="p.jsonl"), pop, np.random.default_rng(0), base_dir=tmp_path)
    assert pop.personas["persona"].tolist() == ["I am Ada.", "I am Bo."]  # used as is
    assert pop.personas["name"].tolist() == ["Ada", "Bo"]


def test_file_errors_name_the_field(tmp_path):
    (tmp_path / "p.csv").write_text("id,name\n0,a\n0,b\n")
    with pytest.raises(ConfigError, match=r"population\.personas\.path: file not found"):
        load_persona_file(tmp_path / "missing.csv", 2)
    with pytest.raises(ConfigError, match="has 2 rows but there are 3 agents"):
        load_persona_file(tmp_path / "p.csv", 3)
    with pytest.raises(ConfigError, match="column id must hold each agent id"):
        load_persona_file(tmp_path / "p.csv", 2)
    (tmp_path / "q.csv").write_text("name\na\nb\n")
    with pytest.raises(ConfigError, match=r"population\.personas\.columns: not in q\.csv"):
        load_persona_file(tmp_path / "q.csv", 2, columns=["age"])
    pop = Population(2)
    with pytest.raises(ConfigError, match=r"population\.personas\.generate"):
        apply_personas(
            spec(
                path=str(tmp_path / "q.csv"),
                generate={"name": {"dist": "categorical", "values": ["x"]}},
            ),
            pop,
            np.random.default_rng(0),
        )


@pytest.mark.parametrize(
    "bad, where",
    [
        ({"g": {"dist": "categorical", "values": ["a", "b"], "p": [0.5, 0.6]}}, "sum to 1"),
        ({"g": {"dist": "categorical", "values": ["a", "b"], "p": [1.0]}}, "1 probabilities"),
        ({"g": {"dist": "uniform", "low": 3, "high": 1}}, "greater than low"),
        ({"g": {"dist": "normal", "mean": 0, "std": -1}}, "std"),
        ({"g": {"dist": "zipf"}}, "dist"),
        ({"bad name": {"dist": "uniform", "low": 0, "high": 1}}, "identifiers"),
    ],
)
def test_bad_specs_are_rejected(bad, where):
    with pytest.raises(ValidationError, match=where):
        spec(generate=bad)


def test_rendering_default_and_template():
    attrs = {
        "age": np.array([30, 41]),
        "job_title": np.array(["nurse", "baker"]),
        "trust": np.array([0.12345, 0.5]),
    }
    assert render_personas(attrs, 2).tolist() == [
        "age: 30; job title: nurse; trust: 0.123",
        "age: 41; job title: baker; trust: 0.5",
    ]
    text = render_personas(attrs, 2, "{{ id }}: a {{ age }}-year-old {{ job_title }}")
    assert text.tolist() == ["0: a 30-year-old nurse", "1: a 41-year-old baker"]
    with pytest.raises(ConfigError, match=r"population\.personas\.template"):
        render_personas(attrs, 2, "{{ salary }}")


def test_backstories_are_interviews_joined_and_cached():
    inner = MockLanguageModel(fn=lambda r: f"Answer to: {r.last_user_message[:12]}")
    model = CacheModel(inner)
    s = spec(
        generate={"job": {"dist": "categorical", "values": ["nurse"]}},
        backstories=True,
        questions=["Where are you from?", "What do you do?"],
    )
    pop = Population(3)
    apply_personas(s, pop, np.random.default_rng(0), lambda: model)
    story = str(pop.personas["backstory"][1])
    assert story.splitlines() == [
        "Q: Where are you from? A: Answer to: Where are yo",
        "Q: What do you do? A: Answer to: What do you",
    ]
    assert str(pop.personas["persona"][1]).startswith("job: nurse\nQ: Where are you from?")
    assert inner.calls == 6
    again = Population(3)
    apply_personas(s, again, np.random.default_rng(0), lambda: model)
    assert inner.calls == 6  # every request answered by the cache
    assert (again.personas["persona"] == pop.personas["persona"]).all()


def test_backstories_need_a_model():
    with pytest.raises(ConfigError, match=r"population\.personas\.backstories"):
        apply_personas(spec(backstories=True), Population(2), np.random.default_rng(0))
