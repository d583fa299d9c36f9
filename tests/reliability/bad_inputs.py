"""Generated malformed inputs for the bad-input suite.

Each :class:`BadInput` is a config (a dict written as TOML, or raw text), optional data files
written next to it, optional ``--set`` overrides, and the dotted field the one-line error must
name. The generators cover every section and every world (values derived from the JSON schema
of each pydantic model, so new worlds and new keys are covered for free):

- TOML and YAML syntax errors;
- unknown keys in every section;
- wrong types, out-of-range values, disallowed enumeration values, NaN and infinities, for
  every key of ``[run]``, ``[record]``, ``[population]``, ``[network]`` (each generator kind)
  and ``[world]`` (every registered world);
- missing and corrupt graph files, per-agent files and persona files;
- empty populations and NaN opinions;
- malformed ``--set`` overrides.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter

__all__ = ["PERSONA_FILES", "BadInput", "all_cases", "base_configs", "grid_cases"]

#: A relative data file of a case (written next to the config).
GARBAGE = bytes(range(256)) * 4
SENTINEL = "zz_not_allowed"


@dataclass(frozen=True)
class BadInput:
    """One malformed input and the field its error must name."""

    id: str
    category: str
    field: str
    config: Mapping[str, Any] | None = None
    text: str | None = None
    suffix: str = ".toml"
    files: Mapping[str, bytes] = field(default_factory=dict)
    set_args: tuple[str, ...] = ()
    grid_args: tuple[str, ...] = ()
    extra_args: tuple[str, ...] = ()
    must_contain: str | None = None
    config_is_dir: bool = False


def _set(cfg: Mapping[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(dict(cfg))
    node = out
    *parents, last = dotted.split(".")
    for p in parents:
        node = node.setdefault(p, {})
    if value is _DELETE:
        node.pop(last, None)
    else:
        node[last] = value
    return out


_DELETE = object()


def base_configs() -> dict[str, dict[str, Any]]:
    """One small valid config per registered world (its first example config)."""
    from socium.core.registry import WORLDS

    out = {}
    for name in WORLDS.names():
        if name.startswith("test_"):
            continue
        configs = WORLDS.get(name).example_configs()
        if configs:
            cfg = copy.deepcopy(configs[0])
            cfg["run"] = {**cfg.get("run", {}), "seed": 1, "steps": 2}
            out[name] = cfg
    return out


OPINION = {
    "run": {"seed": 1, "steps": 2},
    "network": {"kind": "erdos_renyi", "n": 30, "p": 0.2},
    "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.3},
}

# ----------------------------------------------------------------------- schema-driven values


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return defs[ref.rsplit("/", 1)[-1]]
    return schema


def _members(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The non-null alternatives of a property schema."""
    options = prop.get("anyOf") or prop.get("oneOf") or [prop]
    out = []
    for option in options:
        option = _resolve(option, defs)
        if option.get("type") == "null":
            continue
        out.append(option)
    return out


def _bound(option: Mapping[str, Any], *names: str) -> float | None:
    for name in names:
        if name in option and isinstance(option[name], (int, float)):
            return option[name]
    return None


def bad_values(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(label, value)`` pairs that no member of ``prop`` accepts.

    Only values that are invalid whatever the other keys say are produced: a value of the
    wrong type for every alternative, a value outside every alternative's range, or a string
    outside an enumeration.
    """
    members = _members(prop, defs)
    if not members:
        return
    types = set()
    for m in members:
        if "enum" in m or "const" in m:
            types.add("enum")
        elif "properties" in m or m.get("type") == "object":
            types.add("object")
        else:
            types.add(m.get("type", "any"))
    if "any" in types:
        return
    if types <= {"number", "integer"}:
        yield "string", "not-a-number"
        yield "table", {"value": 1}
        if types == {"integer"}:
            yield "fraction", 1.5
        lows = [_bound(m, "minimum", "ge") for m in members]
        xlows = [_bound(m, "exclusiveMinimum", "gt") for m in members]
        highs = [_bound(m, "maximum", "le") for m in members]
        xhighs = [_bound(m, "exclusiveMaximum", "lt") for m in members]
        if len(members) == 1:
            lo, xlo, hi, xhi = lows[0], xlows[0], highs[0], xhighs[0]
            step = 1 if types == {"integer"} else 0.5
            if lo is not None:
                yield "below_minimum", lo - step
                if types == {"number"}:
                    yield "minus_infinity", -math.inf
            if xlo is not None:
                yield "at_exclusive_minimum", xlo
            if hi is not None:
                yield "above_maximum", hi + step
                if types == {"number"}:
                    yield "infinity", math.inf
            if xhi is not None:
                yield "at_exclusive_maximum", xhi
        if "number" in types:
            yield "nan", math.nan
    elif types == {"boolean"}:
        yield "string", "maybe"
        yield "number", 7
    elif types == {"enum"}:
        values = [v for m in members for v in (m.get("enum") or [m.get("const")])]
        if all(isinstance(v, str) for v in values):
            yield "unknown_name", SENTINEL
        yield "table", {"value": 1}
    elif types == {"string"}:
        if any(m.get("pattern") for m in members) or any("minLength" in m for m in members):
            pass
        yield "list", [1, 2]
        yield "table", {"value": 1}
    elif types == {"array"}:
        yield "number", 5
        yield "string", "not-a-list"
        item = members[0].get("items") or {}
        if item.get("type") in {"number", "integer"} and len(members) == 1:
            yield "items_of_wrong_type", ["x", "y"]
        if "minItems" in members[0] and members[0]["minItems"] >= 1:
            yield "empty_list", []
    elif types == {"object"}:
        yield "number", 5
        yield "string", "not-a-table"


def _schema(model: Any) -> dict[str, Any]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model.model_json_schema()
    return TypeAdapter(model).json_schema()


def schema_cases(
    category: str, base: Mapping[str, Any], section: str, schema: Mapping[str, Any]
) -> Iterator[BadInput]:
    """Bad values for every property of ``schema``, set at ``section.<key>`` in ``base``."""
    defs = schema.get("$defs", {})
    for key, prop in schema.get("properties", {}).items():
        if key in {"name", "kind"} and section in {"world", "network"}:
            continue  # the tags are covered by the unknown-name cases
        for label, value in bad_values(prop, defs):
            dotted = f"{section}.{key}"
            yield BadInput(
                id=f"{category}:{dotted}={label}",
                category=category,
                field=dotted,
                config=_set(base, dotted, value),
            )


# ----------------------------------------------------------------------- the generators


TOML_ERRORS = {
    "unclosed_table": "[run\nseed = 1\n",
    "missing_value": "[run]\nseed =\n",
    "missing_equals": "[run]\nseed 1\n",
    "unterminated_string": '[world]\nname = "opinion\n',
    "bad_escape": '[world]\nname = "op\\qinion"\n',
    "duplicate_key": "[run]\nseed = 1\nseed = 2\n",
    "duplicate_table": "[run]\nseed = 1\n[run]\nsteps = 2\n",
    "bare_word_value": "[world]\nname = opinion\n",
    "trailing_comma_inline": '[world]\nx = { a = 1, }\nname = "opinion"\n',
    "unclosed_array": "[run]\nseed = [1, 2\n",
    "unclosed_inline_table": '[world]\nx = { a = 1\nname = "opinion"\n',
    "leading_zero": "[run]\nseed = 01\n",
    "bad_float": "[run]\nseed = 1.\n",
    "bad_date": "[run]\nseed = 2024-13-45\n",
    "key_with_space": "[run]\nmy key = 1\n",
    "double_dot_key": "[run]\na..b = 1\n",
    "table_redefines_value": '[world]\nname = "opinion"\n[world.name]\nx = 1\n',
    "nul_byte": '[world]\nname = "opi\x00nion"\n',
    "binary_garbage": GARBAGE.decode("latin-1"),
    "only_brackets": "[[[]]]\n",
    "array_of_tables_clash": "[run]\nseed = 1\n[[run]]\nsteps = 2\n",
    "unicode_bom_middle": '[world]\nname = "opinion"\n\ufeff[run]\n',
    "equals_only": "=\n",
    "invalid_multiline": '[world]\nname = """opinion\n',
}

YAML_ERRORS = {
    "unclosed_flow": "world: {name: opinion\n",
    "bad_indent": "world:\n  name: opinion\n model: voter\n",
    "tab_indent": "world:\n\tname: opinion\n",
    "unclosed_quote": 'world:\n  name: "opinion\n',
    "scalar_top": "just a string\n",
    "list_top": "- 1\n- 2\n",
}


def syntax_cases() -> Iterator[BadInput]:
    """TOML and YAML syntax errors, and configs that are not a table of sections."""
    for name, text in TOML_ERRORS.items():
        yield BadInput(id=f"toml:{name}", category="syntax", field="config", text=text)
    for name, text in YAML_ERRORS.items():
        yield BadInput(
            id=f"yaml:{name}", category="syntax", field="config", text=text, suffix=".yaml"
        )
    yield BadInput(id="toml:empty_file", category="syntax", field="world", text="")
    yield BadInput(
        id="toml:config_is_a_directory", category="syntax", field="config", config_is_dir=True
    )
    yield BadInput(
        id="toml:config_missing", category="syntax", field="config", text=None, config=None
    )
    yield BadInput(
        id="toml:not_utf8", category="syntax", field="config", text="\udcff", suffix=".toml"
    )


def unknown_key_cases(bases: Mapping[str, Mapping[str, Any]]) -> Iterator[BadInput]:
    """An unknown key in every section of every world's config, and an unknown section."""
    sections = ["run", "population", "world", "record", "policy", "schedule", "llm"]
    for world, base in bases.items():
        for section in [*sections, *(["network"] if "network" in base else [])]:
            cfg = copy.deepcopy(dict(base))
            if section == "policy":
                cfg["policy"] = {"kind": "rules"}
            if section == "schedule":
                cfg["schedule"] = {"kind": "synchronous"}
            cfg.setdefault(section, {})
            cfg[section] = {**cfg[section], "bogus_key": 1}
            yield BadInput(
                id=f"unknown:{world}:{section}",
                category="unknown_key",
                field=f"{section}.bogus_key",
                config=cfg,
            )
        yield BadInput(
            id=f"unknown:{world}:section",
            category="unknown_key",
            field="bogus_section",
            config={**base, "bogus_section": {"a": 1}},
        )
    yield BadInput(
        id="unknown:opinion:init_spec",
        category="unknown_key",
        field="population.init.opinion.lo",
        config=_set(OPINION, "population.init.opinion", {"dist": "uniform", "lo": 0.0}),
    )
    yield BadInput(
        id="unknown:opinion:init_dist",
        category="unknown_key",
        field="population.init.opinion",
        config=_set(OPINION, "population.init.opinion", {"dist": "lognormal"}),
    )
    yield BadInput(
        id="unknown:opinion:model_of_other_world",
        category="unknown_key",
        field="world.beta",
        config=_set(OPINION, "world.beta", 0.2),
    )


def world_cases(bases: Mapping[str, Mapping[str, Any]]) -> Iterator[BadInput]:
    """Every key of every world's config: wrong types, out of range, unknown names."""
    from socium.core.registry import WORLDS

    for world, base in bases.items():
        schema = _schema(WORLDS.get(world).Config)
        yield from schema_cases(f"world:{world}", base, "world", schema)
        if "model" in schema.get("properties", {}):
            yield BadInput(
                id=f"world:{world}:model={SENTINEL}",
                category=f"world:{world}",
                field="world.model",
                config=_set(base, "world.model", SENTINEL),
            )
    yield BadInput(
        id="world:unknown_world",
        category="world",
        field="world.name",
        config=_set(OPINION, "world.name", "opinions"),
    )
    yield BadInput(
        id="world:missing_name",
        category="world",
        field="world.name",
        config=_set(OPINION, "world.name", _DELETE),
    )
    yield BadInput(
        id="world:missing_section",
        category="world",
        field="world",
        config=_set(OPINION, "world", _DELETE),
    )
    yield BadInput(
        id="world:section_is_a_value",
        category="world",
        field="world",
        config=_set(OPINION, "world", "opinion"),
    )


def section_cases() -> Iterator[BadInput]:
    """``[run]``, ``[record]``, ``[population]``, ``[network]`` keys and section types."""
    from socium.core.network_spec import NetworkSpec
    from socium.experiment.config import PopulationSection, RecordSection, RunSection

    yield from schema_cases("run", OPINION, "run", _schema(RunSection))
    yield from schema_cases("record", OPINION, "record", _schema(RecordSection))
    pop = _schema(PopulationSection)
    pop["properties"] = {k: v for k, v in pop["properties"].items() if k == "size"}
    no_net = _set(OPINION, "network", _DELETE)
    yield from schema_cases("population", no_net, "population", pop)
    for section in ("run", "record", "population", "network", "policy", "schedule", "llm"):
        yield BadInput(
            id=f"section:{section}=value",
            category="section_type",
            field=section,
            config={**OPINION, section: 5},
        )
    network = _schema(NetworkSpec)
    defs = network.get("$defs", {})
    bases = {
        "erdos_renyi": {"n": 30, "p": 0.2},
        "barabasi_albert": {"n": 30, "m": 2},
        "watts_strogatz": {"n": 30, "k": 4, "p": 0.1},
        "complete": {"n": 30},
        "cycle": {"n": 30},
        "star": {"n": 30},
        "path": {"n": 30},
        "lattice": {"rows": 5, "cols": 6},
    }
    for spec in defs.values():
        kind = (spec.get("properties", {}).get("kind") or {}).get("const")
        if kind not in bases:
            continue
        base = _set(OPINION, "network", {"kind": kind, **bases[kind]})
        sub = {"properties": spec["properties"], "$defs": defs}
        yield from schema_cases(f"network:{kind}", base, "network", sub)
        for key in spec.get("required", []):
            if key in bases[kind]:
                yield BadInput(
                    id=f"network:{kind}:missing_{key}",
                    category=f"network:{kind}",
                    field=f"network.{key}",
                    config=_set(base, f"network.{key}", _DELETE),
                )
    yield BadInput(
        id="network:unknown_kind",
        category="network",
        field="network.kind",
        config=_set(OPINION, "network", {"kind": "small_world", "n": 30}),
    )
    yield BadInput(
        id="network:ba_m_too_large",
        category="network",
        field="network",
        config=_set(OPINION, "network", {"kind": "barabasi_albert", "n": 10, "m": 10}),
    )


def population_cases() -> Iterator[BadInput]:
    """Empty populations, NaN and infinite opinions, bad distributions."""
    no_net = _set(OPINION, "network", _DELETE)
    yield BadInput("population:size_zero", "empty", "population.size",
                   _set(no_net, "population.size", 0))  # fmt: skip
    yield BadInput("population:size_missing", "empty", "population.size", no_net)
    yield BadInput("population:network_n_zero", "empty", "network.n",
                   _set(OPINION, "network.n", 0))  # fmt: skip
    yield BadInput("population:complete_zero", "empty", "network.n",
                   _set(OPINION, "network", {"kind": "complete", "n": 0}))  # fmt: skip
    yield BadInput("population:size_negative", "empty", "population.size",
                   _set(no_net, "population.size", -3))  # fmt: skip
    yield BadInput("population:size_mismatch", "empty", "population.size",
                   _set(OPINION, "population.size", 31))  # fmt: skip
    for world, base in base_configs().items():
        if "network" in base:
            continue
        yield BadInput(f"population:{world}:size_zero", "empty", "population.size",
                       _set(base, "population.size", 0))  # fmt: skip
    init = "population.init.opinion"
    nan, inf = math.nan, math.inf
    specs = {
        "constant_nan": ({"dist": "constant", "value": nan}, init),
        "constant_inf": ({"dist": "constant", "value": inf}, init),
        "uniform_low_nan": ({"dist": "uniform", "low": nan, "high": 1.0}, init),
        "uniform_high_inf": ({"dist": "uniform", "low": 0.0, "high": inf}, init),
        "uniform_reversed": ({"dist": "uniform", "low": 1.0, "high": 0.0}, init),
        "normal_mean_nan": ({"dist": "normal", "mean": nan}, init),
        "normal_std_nan": ({"dist": "normal", "std": nan}, init),
        "normal_std_negative": ({"dist": "normal", "std": -1.0}, init),
        "normal_clip_nan": ({"dist": "normal", "clip_low": nan}, init),
        "beta_a_nan": ({"dist": "beta", "a": nan, "b": 1.0}, init),
        "beta_a_zero": ({"dist": "beta", "a": 0.0, "b": 1.0}, init),
        "beta_missing_b": ({"dist": "beta", "a": 1.0}, init),
        "choice_nan": ({"dist": "choice", "values": [0.0, nan]}, init),
        "choice_empty": ({"dist": "choice", "values": []}, init),
        "choice_p_sum": ({"dist": "choice", "values": [0, 1], "p": [0.5, 0.6]}, init),
        "choice_p_length": ({"dist": "choice", "values": [0, 1], "p": [1.0]}, init),
        "choice_p_nan": ({"dist": "choice", "values": [0, 1], "p": [nan, 1.0]}, init),
        "bernoulli_p_nan": ({"dist": "bernoulli", "p": nan}, init),
        "bernoulli_p_above": ({"dist": "bernoulli", "p": 1.5}, init),
        "no_dist": ({"low": 0.0}, init),
        "init_is_number": (0.5, init),
        "file_bad_suffix": ({"from": "file", "path": "x.xlsx"}, init),
        "file_no_path": ({"from": "file"}, init),
        "file_wrong_source": ({"from": "url", "path": "x.csv"}, init),
    }
    for name, (spec, fld) in specs.items():
        yield BadInput(f"population:init:{name}", "nan_and_init", fld, _set(OPINION, fld, spec))


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def file_cases() -> Iterator[BadInput]:
    """Missing and corrupt graph files and per-agent files."""
    edge = {"kind": "edgelist", "path": "edges.csv"}
    graph_files: dict[str, tuple[bytes | None, str]] = {
        "missing": (None, "edges.csv"),
        "empty": (b"", "edges.csv"),
        "header_only": (b"source,target\n", "edges.csv"),
        "garbage": (GARBAGE, "edges.csv"),
        "text_ids": (_csv(["source,target", "alice,bob"]), "edges.csv"),
        "negative_ids": (_csv(["source,target", "0,1", "-1,2"]), "edges.csv"),
        "float_ids": (_csv(["source,target", "0.5,1"]), "edges.csv"),
        "one_column": (_csv(["source", "0", "1"]), "edges.csv"),
        "nan_ids": (_csv(["source,target", "0,1", "2,"]), "edges.csv"),
        "nan_weight": (_csv(["source,target,weight", "0,1,nan"]), "edges.csv"),
        "corrupt_parquet": (b"PAR1" + GARBAGE + b"PAR1", "edges.parquet"),
        "not_parquet": (b"source,target\n0,1\n", "edges.parquet"),
        "excel_file": (b"PK\x03\x04" + GARBAGE, "edges.xlsx"),
        "directory": (None, "somedir"),
    }
    for name, (content, path) in graph_files.items():
        files = {} if content is None else {path: content}
        if name == "directory":
            files = {"somedir/keep.txt": b"x"}
        cfg = _set(OPINION, "network", {**edge, "path": path})
        if name == "nan_weight":
            cfg = _set(cfg, "network.weighted", True)
        yield BadInput(f"graph_file:{name}", "graph_file", "network", cfg, files=files)
    yield BadInput(
        "graph_file:n_too_small",
        "graph_file",
        "network",
        _set(OPINION, "network", {**edge, "n": 2}),
        files={"edges.csv": _csv(["source,target", "0,1", "4,5"])},
    )

    init = "population.init.opinion"
    agent_files: dict[str, tuple[bytes | None, str]] = {
        "missing": (None, "x0.csv"),
        "empty": (b"", "x0.csv"),
        "garbage": (GARBAGE, "x0.csv"),
        "too_short": (_csv(["value", *["0.5"] * 5]), "x0.csv"),
        "too_long": (_csv(["value", *["0.5"] * 31]), "x0.csv"),
        "nan_value": (_csv(["value", *["0.5"] * 29, "nan"]), "x0.csv"),
        "blank_value": (_csv(["value", *["0.5"] * 29, ""]), "x0.csv"),
        "text_value": (_csv(["value", *["0.5"] * 29, "high"]), "x0.csv"),
        "duplicate_ids": (_csv(["id,value", *[f"{i % 29},0.5" for i in range(30)]]), "x0.csv"),
        "id_out_of_range": (_csv(["id,value", *[f"{i + 1},0.5" for i in range(30)]]), "x0.csv"),
        "negative_ids": (_csv(["id,value", *[f"{i - 1},0.5" for i in range(30)]]), "x0.csv"),
        "too_many_columns": (_csv(["id,a,b", *[f"{i},1,2" for i in range(30)]]), "x0.csv"),
        "corrupt_parquet": (b"PAR1" + GARBAGE + b"PAR1", "x0.parquet"),
        "not_parquet": (_csv(["value", *["0.5"] * 30]), "x0.parquet"),
    }
    for name, (content, path) in agent_files.items():
        files = {} if content is None else {path: content}
        cfg = _set(OPINION, init, {"from": "file", "path": path})
        yield BadInput(f"agent_file:{name}", "agent_file", init, cfg, files=files)
    fj = _set(OPINION, "world", {"name": "opinion", "model": "friedkin_johnsen"})
    for name, value in {"above_one": "1.5", "negative": "-0.1", "nan": "nan"}.items():
        yield BadInput(
            f"agent_file:stubbornness_{name}",
            "agent_file",
            "population.init.stubbornness",
            _set(fj, "population.init.stubbornness", {"from": "file", "path": "lam.csv"}),
            files={"lam.csv": _csv(["value", *[value] * 30])},
        )
    yield BadInput(
        "agent_file:missing_column",
        "agent_file",
        init,
        _set(OPINION, init, {"from": "file", "path": "x0.csv", "column": "belief"}),
        files={"x0.csv": _csv(["value", *["0.5"] * 30])},
    )


#: Persona files that must be refused: name -> (content or None for a missing file, file name).
PERSONA_FILES: dict[str, tuple[bytes | None, str]] = {
    "missing": (None, "personas.csv"),
    "empty": (b"", "personas.csv"),
    "garbage": (GARBAGE, "personas.csv"),
    "garbage_jsonl": (GARBAGE, "personas.jsonl"),
    "too_few_rows": (_csv(["name,age", "ann,30", "bob,40"]), "personas.csv"),
    "too_many_rows": (_csv(["name", *["ann"] * 31]), "personas.csv"),
    "bad_jsonl": (b'{"name": "ann"}\n{"name": \n', "personas.jsonl"),
    "jsonl_not_objects": (b"[1, 2]\n3\n", "personas.jsonl"),
    "unsupported_suffix": (b"name\nann\n", "personas.xlsx"),
    "duplicate_ids": (_csv(["id,name", *[f"{i % 29},a" for i in range(30)]]), "personas.csv"),
    "text_ids": (_csv(["id,name", *[f"x{i},a" for i in range(30)]]), "personas.csv"),
}


def persona_cases() -> Iterator[BadInput]:
    """Missing and corrupt persona files (when ``[population.personas]`` exists)."""
    from socium.experiment.config import PopulationSection

    if "personas" not in PopulationSection.model_fields:
        return
    fld = "population.personas"
    for name, (content, path) in PERSONA_FILES.items():
        written = {} if content is None else {path: content}
        cfg = _set(OPINION, fld, {"path": path})
        yield BadInput(f"persona_file:{name}", "persona_file", fld, cfg, files=written)
    yield BadInput(
        "persona:unknown_key",
        "persona_file",
        f"{fld}.bogus_key",
        _set(OPINION, fld, {"bogus_key": 1}),
    )
    yield BadInput(
        "persona:generate_bad_dist",
        "persona_file",
        f"{fld}.generate.age",
        _set(OPINION, fld, {"generate": {"age": {"dist": "lognormal"}}}),
    )


OVERRIDES = {
    "no_equals": ("world.epsilon", "--set"),
    "empty_key": ("=0.3", "--set"),
    "only_equals": ("=", "--set"),
    "inside_a_value": ("world.epsilon.x=1", "world.epsilon.x"),
    "section_to_value": ("run=3", "run"),
    "world_to_value": ("world=3", "world"),
    "string_for_number": ("world.epsilon=wide", "world.epsilon"),
    "out_of_range": ("world.epsilon=-1", "world.epsilon"),
    "nan": ("world.epsilon=nan", "world.epsilon"),
    "inf_steps": ("run.steps=inf", "run.steps"),
    "list_for_int": ("run.steps=[1, 2]", "run.steps"),
    "negative_seed": ("run.seed=-5", "run.seed"),
    "unknown_key": ("world.nope=1", "world.nope"),
    "unknown_section": ("nope.key=1", "nope"),
    "unknown_model": ("world.model=nope", "world.model"),
    "unknown_world": ("world.name=nope", "world.name"),
    "network_kind": ("network.kind=ring", "network.kind"),
    "network_p": ("network.p=2", "network.p"),
    "bool_for_int": ("run.steps=maybe", "run.steps"),
    "table_for_float": ("world.mu={a=1}", "world.mu"),
    "empty_value": ("world.epsilon=", "world.epsilon"),
    "init_nan": ('population.init.opinion={dist="constant",value=nan}', "population.init.opinion"),
}


def override_cases() -> Iterator[BadInput]:
    """Malformed ``--set`` overrides on a valid config."""
    for name, (arg, fld) in OVERRIDES.items():
        yield BadInput(f"override:{name}", "override", fld, OPINION, set_args=(arg,))


MARKUP = ["[/x]", "[bold]loud", "[red]", "[link=http://example.com]x[/link]", "[/]"]


def markup_cases() -> Iterator[BadInput]:
    """Values that look like console markup: printed as they are, never interpreted."""
    for i, text in enumerate(MARKUP):
        yield BadInput(
            f"markup:config:{i}",
            "markup",
            "world.model",
            _set(OPINION, "world.model", text),
            must_contain=text,
        )
        yield BadInput(
            f"markup:override:{i}",
            "markup",
            "world.variant",
            OPINION,
            set_args=(f"world.variant={text}",),
            must_contain=text,
        )


GRIDS = {
    "no_equals": (("world.epsilon",), "--grid"),
    "no_key": (("=0.1,0.2",), "--grid"),
    "empty_value": (("world.epsilon=",), "world.epsilon"),
    "empty_middle_value": (("world.epsilon=0.1,,0.2",), "world.epsilon"),
    "unknown_key": (("world.nope=1,2",), "world.nope"),
    "unknown_section": (("nope.key=1,2",), "nope"),
    "out_of_range": (("world.epsilon=-1,0.2",), "world.epsilon"),
    "wrong_type": (("world.epsilon=abc,0.2",), "world.epsilon"),
    "nan": (("world.epsilon=nan,0.2",), "world.epsilon"),
    "unknown_model": (("world.model=deffuant,nope",), "world.model"),
    "network_p": (("network.p=0.1,2",), "network.p"),
    "steps_text": (("run.steps=3,x",), "run.steps"),
    "seed_swept": (("run.seed=1,2",), "run.seed"),
    "not_dotted": (("epsilon=0.1,0.2",), "epsilon"),
    "duplicate_value": (("world.epsilon=0.1,0.1",), "world.epsilon"),
    "twice": (("world.epsilon=0.1", "world.epsilon=0.2"), "world.epsilon"),
    "unknown_world": (("world.name=opinion,nope",), "world.name"),
    "markup_value": (("world.model=deffuant,[/x]",), "world.model"),
}


def grid_cases() -> Iterator[BadInput]:
    """Malformed ``socium sweep --grid`` options (and sweep options)."""
    for name, (grids, fld) in GRIDS.items():
        yield BadInput(f"grid:{name}", "grid", fld, OPINION, grid_args=grids)
    yield BadInput(
        "grid:replicates_zero",
        "grid",
        "replicates",
        OPINION,
        grid_args=("world.epsilon=0.1,0.2",),
        extra_args=("--replicates", "0"),
    )
    yield BadInput(
        "grid:unknown_executor",
        "grid",
        "executor",
        OPINION,
        grid_args=("world.epsilon=0.1,0.2",),
        extra_args=("--executor", "threads"),
    )


def all_cases() -> list[BadInput]:
    """Every generated bad input, with unique ids."""
    bases = base_configs()
    cases = [
        *syntax_cases(),
        *unknown_key_cases(bases),
        *world_cases(bases),
        *section_cases(),
        *population_cases(),
        *file_cases(),
        *persona_cases(),
        *override_cases(),
        *markup_cases(),
    ]
    seen: dict[str, int] = {}
    out = []
    for case in cases:
        n = seen.get(case.id, 0)
        seen[case.id] = n + 1
        out.append(case if n == 0 else BadInput(**{**case.__dict__, "id": f"{case.id}#{n}"}))
    return out
