"""Personas: who the agents are, as columns of ``population.personas`` plus a text per agent.

Three sources, combinable, configured in ``[population.personas]`` (:class:`PersonaSpec`):

``generate``
    draw attributes from demographic distributions, seeded and vectorized::

        [population.personas.generate]
        gender = { dist = "categorical", values = ["woman", "man"], p = [0.5, 0.5] }
        age = { dist = "uniform", low = 18, high = 80, integer = true }
        openness = { dist = "normal", mean = 0.5, std = 0.15, low = 0, high = 1 }

``path``
    load attributes from a CSV or JSONL file (one row per agent, columns by name, an optional
    ``id`` column giving each row's agent; a ``persona`` column is used as the text as is);

``backstories = true``
    ask the language model a few interview questions per agent and keep the answers as the
    agent's ``backstory`` ("Higher-Order Binding" / Anthology, Moon et al. 2024): richer,
    consistent personas than attribute lists. Requests are deterministic (temperature of
    ``[llm]``, fixed seeds), so the LLM response cache makes reruns free.

Every agent also gets a rendered ``persona`` text (the column named by ``text_column``): the
attributes as ``"age: 34; gender: woman; ..."`` (vectorized), or a Jinja2 ``template`` rendered
per agent with the attributes as variables; with backstories the backstory is appended. LLM
policies put this text in the system prompt, and the archetype and mixed policies select and
group agents by the attribute columns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from socium.core.population import Population
from socium.errors import ConfigError

__all__ = [
    "DEFAULT_QUESTIONS",
    "AttributeSpec",
    "CategoricalAttribute",
    "NormalAttribute",
    "PersonaSpec",
    "UniformAttribute",
    "apply_personas",
    "generate_attributes",
    "load_persona_file",
    "render_personas",
    "write_backstories",
]

#: The interview questions of LLM backstories (one answer each, joined).
DEFAULT_QUESTIONS = (
    "Where did you grow up, and what was your family like?",
    "What do you do with your days, and what matters most to you?",
    "What do you believe about society and politics, and how did you come to believe it?",
)

_FIELD = "population.personas"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CategoricalAttribute(_Spec):
    """``dist = "categorical"``: one of ``values``, with probabilities ``p`` (default equal)."""

    dist: Literal["categorical"] = "categorical"
    values: list[str | int | float | bool] = Field(min_length=1)
    p: list[float] | None = None

    @model_validator(mode="after")
    def _probabilities(self) -> CategoricalAttribute:
        if self.p is not None:
            if len(self.p) != len(self.values):
                raise ValueError(f"p: {len(self.p)} probabilities for {len(self.values)} values")
            if any(not (v >= 0) for v in self.p) or abs(sum(self.p) - 1.0) > 1e-6:
                raise ValueError(f"p: probabilities must be >= 0 and sum to 1 (got {sum(self.p)})")
        return self


class UniformAttribute(_Spec):
    """``dist = "uniform"``: uniform on ``[low, high)`` (``integer``: on ``low..high``)."""

    dist: Literal["uniform"] = "uniform"
    low: float
    high: float
    integer: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> UniformAttribute:
        if not self.low < self.high:
            raise ValueError(f"high: must be greater than low ({self.low})")
        return self


class NormalAttribute(_Spec):
    """``dist = "normal"``: normal with ``mean`` and ``std``, clipped to ``[low, high]``."""

    dist: Literal["normal"] = "normal"
    mean: float
    std: float = Field(ge=0)
    low: float | None = None
    high: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> NormalAttribute:
        if self.low is not None and self.high is not None and not self.low <= self.high:
            raise ValueError(f"high: must be at least low ({self.low})")
        return self


AttributeSpec = Annotated[
    CategoricalAttribute | UniformAttribute | NormalAttribute, Field(discriminator="dist")
]


class PersonaSpec(_Spec):
    """The ``[population.personas]`` section.

    Examples
    --------
    >>> spec = PersonaSpec.model_validate({"generate": {
    ...     "role": {"dist": "categorical", "values": ["poster", "lurker"], "p": [0.2, 0.8]}}})
    >>> pop = Population(5)
    >>> apply_personas(spec, pop, np.random.default_rng(0))
    >>> sorted(pop.personas), str(pop.personas["persona"][0]).startswith("role: ")
    (['persona', 'role'], True)
    """

    generate: dict[str, AttributeSpec] = Field(
        default_factory=dict, description="attribute name -> distribution"
    )
    path: str | None = Field(None, min_length=1, description="CSV or JSONL file of personas")
    columns: list[str] | None = Field(
        None, description="columns of the file to load (default: all but id)"
    )
    template: str | None = Field(
        None,
        description="Jinja2 text of a persona (variables: the attributes and id); default: "
        "'attribute: value; ...'",
    )
    text_column: str = Field("persona", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    backstories: bool = Field(False, description="write LLM backstories (interview questions)")
    questions: list[str] = Field(
        default_factory=lambda: list(DEFAULT_QUESTIONS),
        min_length=1,
        description="the interview questions of backstories",
    )
    backstory_tokens: int = Field(120, ge=8, le=4096, description="most tokens per answer")

    @model_validator(mode="after")
    def _names(self) -> PersonaSpec:
        for name in self.generate:
            if not name.isidentifier():
                raise ValueError(f"generate: attribute names must be identifiers (got {name!r})")
        return self


def _attribute_rng(rng_seed: int, name: str) -> np.random.Generator:
    """An attribute's own stream: its values do not depend on the other attributes."""
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    return np.random.default_rng([rng_seed, key])


def generate_attributes(
    spec: Mapping[str, Any], n: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Draw every attribute of ``spec`` (name -> distribution) for ``n`` agents.

    Each attribute has its own stream derived from ``rng`` and its name, so adding an
    attribute leaves the others unchanged.

    Examples
    --------
    >>> out = generate_attributes({"age": UniformAttribute(low=18, high=65, integer=True)}, 4,
    ...                           np.random.default_rng(1))
    >>> out["age"].dtype.kind, bool(((out["age"] >= 18) & (out["age"] <= 65)).all())
    ('i', True)
    """
    seed = int(rng.integers(1 << 62))
    out: dict[str, np.ndarray] = {}
    for name, dist in spec.items():
        r = _attribute_rng(seed, name)
        if isinstance(dist, CategoricalAttribute):
            values = np.asarray(dist.values)
            out[name] = values[r.choice(len(values), size=n, p=dist.p)]
            continue
        if isinstance(dist, UniformAttribute):
            if dist.integer:
                x = r.integers(int(np.ceil(dist.low)), int(np.floor(dist.high)) + 1, size=n)
            else:
                x = r.uniform(dist.low, dist.high, size=n)
        else:
            x = r.normal(dist.mean, dist.std, size=n)
            if dist.low is not None or dist.high is not None:
                x = np.clip(x, dist.low, dist.high)
            if dist.integer:
                x = np.round(x)
        out[name] = x.astype(np.int64) if dist.integer else x.astype(np.float64)
    return out


def load_persona_file(
    path: str | Path, n: int, columns: list[str] | None = None, base_dir: Path | None = None
) -> dict[str, np.ndarray]:
    """Persona columns from a CSV or JSONL file with one row per agent.

    An ``id`` column, when present, must hold each agent id ``0..n-1`` exactly once; rows
    are reordered by it. Text columns become numpy ``str`` arrays, numbers stay numeric.

    Raises
    ------
    ConfigError
        Naming ``population.personas.path`` or ``.columns``.
    """
    import pandas as pd

    file = Path(path).expanduser()
    if not file.is_absolute() and base_dir is not None:
        file = base_dir / file
    field = f"{_FIELD}.path"
    if not file.is_file():
        raise ConfigError(field, f"file not found: {file}")
    suffix = file.suffix.lower()
    try:
        if suffix in {".jsonl", ".ndjson", ".json"}:
            frame = pd.read_json(file, lines=True)
        elif suffix in {".csv", ".tsv", ".txt"}:
            frame = pd.read_csv(file, sep="\t" if suffix == ".tsv" else ",")
        else:
            raise ConfigError(field, f"expected a .csv or .jsonl file, got {file.name}")
    except (ValueError, OSError, TypeError) as exc:  # TypeError: JSONL lines not objects
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(field, f"cannot read {file.name}: {str(exc).splitlines()[0]}") from None
    if len(frame) != n:
        raise ConfigError(field, f"{file.name} has {len(frame)} rows but there are {n} agents")
    if "id" in frame.columns:
        ids = frame["id"].to_numpy()
        if ids.dtype.kind not in "iu" or not np.array_equal(np.sort(ids), np.arange(n)):
            raise ConfigError(field, f"column id must hold each agent id 0..{n - 1} once")
        frame = frame.iloc[np.argsort(ids, kind="stable")].reset_index(drop=True)
    names = [c for c in frame.columns if c != "id"] if columns is None else list(columns)
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"{_FIELD}.columns",
            f"not in {file.name}: {missing}; available: {', '.join(map(str, frame.columns))}",
        )
    out = {}
    for name in names:
        values = frame[name].to_numpy()
        if values.dtype.kind == "O":
            values = np.array(["" if v is None or v != v else str(v) for v in values], np.str_)
        out[str(name)] = values
    return out


def _labels(values: np.ndarray) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return np.char.mod("%.3g", arr)
    return arr.astype(np.str_)


def render_personas(
    attributes: Mapping[str, np.ndarray], n: int, template: str | None = None
) -> np.ndarray:
    """The persona text of every agent.

    Without a template: ``"name: value; ..."`` over the attributes, built with vectorized
    string operations. With a Jinja2 ``template`` (sandboxed, strict): rendered per agent with
    the attributes and ``id`` as variables.

    Examples
    --------
    >>> attrs = {"age": np.array([30, 41]), "job": np.array(["nurse", "baker"])}
    >>> render_personas(attrs, 2).tolist()
    ['age: 30; job: nurse', 'age: 41; job: baker']
    """
    if template is None:
        if not attributes:
            return np.full(n, "", dtype=np.str_)
        text = None
        for name, values in attributes.items():
            part = np.char.add(f"{name.replace('_', ' ')}: ", _labels(values))
            text = part if text is None else np.char.add(np.char.add(text, "; "), part)
        return np.asarray(text, dtype=np.str_)
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
    try:
        tmpl = env.from_string(template)
        columns = {k: np.asarray(v).tolist() for k, v in attributes.items()}
        texts = [
            tmpl.render(id=i, **{k: col[i] for k, col in columns.items()}).strip() for i in range(n)
        ]
    except TemplateError as exc:
        raise ConfigError(f"{_FIELD}.template", str(exc)) from None
    return np.array(texts, dtype=np.str_)


def write_backstories(
    persona_texts: np.ndarray,
    questions: list[str],
    language_model: Any,
    *,
    seed: int,
    max_tokens: int = 120,
) -> np.ndarray:
    """Interview every agent (``len(questions)`` questions each, one batched call) and join
    the answers into a backstory per agent.

    Parameters
    ----------
    persona_texts : numpy.ndarray
        The rendered persona of each agent (the system prompt says "you are ...").
    questions : list of str
    language_model : LanguageModel
        Requests are tagged ``backstory:<agent>``; failed answers are left out.
    seed : int
        Base of the request seeds (deterministic: reruns hit the response cache).
    max_tokens : int

    Returns
    -------
    numpy.ndarray of str
        ``"Q: ... A: ..."`` lines per agent.
    """
    from socium.llm.interface import ChatMessage, LLMRequest
    from socium.policies.base import request_seeds

    n = len(persona_texts)
    ids = np.arange(n, dtype=np.int64)
    requests, owners = [], []
    for q, question in enumerate(questions):
        seeds = request_seeds(seed, ids, q)
        for i in range(n):
            system = (
                f"You are this person: {persona_texts[i]}\nAnswer an interviewer's question in "
                "the first person, in two or three sentences, true to who you are."
            )
            messages = (ChatMessage("system", system), ChatMessage("user", question))
            make = getattr(language_model, "request", None)
            if make is not None:
                req = make(
                    messages, seed=int(seeds[i]), tag=f"backstory:{i}", max_tokens=max_tokens
                )
            else:
                req = LLMRequest(
                    messages, seed=int(seeds[i]), tag=f"backstory:{i}", max_tokens=max_tokens
                )
            requests.append(req)
            owners.append((i, question))
    responses = language_model.generate(requests)
    parts: list[list[str]] = [[] for _ in range(n)]
    for (i, question), r in zip(owners, responses, strict=True):
        if r.error is None and r.text.strip():
            parts[i].append(f"Q: {question} A: {' '.join(r.text.split())}")
    return np.array(["\n".join(p) for p in parts], dtype=np.str_)


def apply_personas(
    spec: PersonaSpec | None,
    population: Population,
    rng: np.random.Generator,
    language_model_factory: Callable[[], Any] | None = None,
    base_dir: Path | None = None,
) -> None:
    """Fill ``population.personas`` from ``spec``: file columns, generated attributes, the
    rendered text and (optionally) LLM backstories.

    Parameters
    ----------
    spec : PersonaSpec or None
        ``None`` does nothing.
    population : Population
        Gets one persona column per attribute, the text column (``persona``) and, with
        backstories, ``backstory`` (also appended to the text).
    rng : numpy.random.Generator
        The personas' stream (e.g. ``rng.stream("population.personas")``).
    language_model_factory : callable, optional
        ``() -> LanguageModel``; called only when ``backstories = true``.
    base_dir : Path, optional
        Folder of the config file (relative ``path`` values).

    Raises
    ------
    ConfigError
        Naming the field: an unreadable file, a name used twice, a missing model.
    """
    if spec is None:
        return
    n = population.size
    attributes: dict[str, np.ndarray] = {}
    if spec.path is not None:
        attributes.update(load_persona_file(spec.path, n, spec.columns, base_dir))
    clash = sorted(set(attributes) & set(spec.generate))
    if clash:
        raise ConfigError(f"{_FIELD}.generate", f"{clash} are also columns of the file")
    attributes.update(generate_attributes(spec.generate, n, rng))
    text = attributes.pop(spec.text_column, None)
    if text is None or spec.template is not None:
        text = render_personas(attributes, n, spec.template)
    for name, values in attributes.items():
        population.set_persona(name, np.asarray(values))
    if spec.backstories:
        if language_model_factory is None:
            raise ConfigError(f"{_FIELD}.backstories", "needs a language model ([llm])")
        stories = write_backstories(
            np.asarray(text),
            list(spec.questions),
            language_model_factory(),
            seed=int(rng.integers(1 << 62)),
            max_tokens=spec.backstory_tokens,
        )
        population.set_persona("backstory", stories)
        text = np.where(
            np.char.str_len(stories) > 0, np.char.add(np.char.add(text, "\n"), stories), text
        )
    population.set_persona(spec.text_column, np.asarray(text, dtype=np.str_))
