"""Draw a valid JSON instance of a JSON schema (used by the mock backend).

Supports the subset that action schemas and pydantic use: ``object`` with ``properties`` /
``required``, ``enum`` and ``const``, ``oneOf`` / ``anyOf`` (so a discriminated union on an
``action`` const works), ``allOf`` of objects, ``integer`` / ``number`` with (exclusive)
minimum and maximum, ``string`` with ``minLength`` / ``maxLength``, ``boolean``, ``null``,
``array`` with ``items`` / ``minItems`` / ``maxItems``, type lists, and local ``$ref`` into
``$defs`` or ``definitions``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["sample_json"]

_WORDS = (
    "agree",
    "share",
    "think",
    "maybe",
    "people",
    "news",
    "vote",
    "trust",
    "group",
    "idea",
)
_DEFAULT_INT_SPAN = 10
_MAX_DEPTH = 24


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in schema:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise ValueError(f"only local $ref are supported, got {ref!r}")
        node: Any = root
        for part in ref.lstrip("#").strip("/").split("/"):
            if part:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**node, **rest} if rest else node
        seen += 1
        if seen > _MAX_DEPTH:
            raise ValueError("$ref cycle in schema")
    return schema


def _string(schema: Mapping[str, Any], rng: np.random.Generator) -> str:
    lo = int(schema.get("minLength", 0))
    hi = int(schema.get("maxLength", max(lo, 40)))
    n_words = int(rng.integers(1, 5))
    text = " ".join(_WORDS[i] for i in rng.integers(0, len(_WORDS), size=n_words))
    if len(text) < lo:
        text = (text + " ") * (lo // (len(text) + 1) + 1)
    return text[: max(hi, lo)].ljust(lo, "x")


def _integer(schema: Mapping[str, Any], rng: np.random.Generator) -> int:
    lo = schema.get("minimum")
    hi = schema.get("maximum")
    if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool):
        lo = math.floor(schema["exclusiveMinimum"]) + 1
    if "exclusiveMaximum" in schema and not isinstance(schema["exclusiveMaximum"], bool):
        hi = math.ceil(schema["exclusiveMaximum"]) - 1
    lo = math.ceil(lo) if lo is not None else None
    hi = math.floor(hi) if hi is not None else None
    if lo is None and hi is None:
        lo, hi = 0, _DEFAULT_INT_SPAN
    elif lo is None:
        lo = hi - _DEFAULT_INT_SPAN
    elif hi is None:
        hi = lo + _DEFAULT_INT_SPAN
    return int(rng.integers(lo, hi + 1))


def _number(schema: Mapping[str, Any], rng: np.random.Generator) -> float:
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum", schema.get("exclusiveMaximum"))
    if isinstance(lo, bool):
        lo = None
    if isinstance(hi, bool):
        hi = None
    if lo is None and hi is None:
        lo, hi = 0.0, 1.0
    elif lo is None:
        lo = float(hi) - 1.0
    elif hi is None:
        hi = float(lo) + 1.0
    lo, hi = float(lo), float(hi)
    value = round(float(rng.uniform(lo, hi)), 4)
    # Rounding may step onto an exclusive bound: pull it back inside.
    if value <= lo and "exclusiveMinimum" in schema:
        value = lo + (hi - lo) / 2
    if value >= hi and "exclusiveMaximum" in schema:
        value = lo + (hi - lo) / 2
    return min(max(value, lo), hi)


def _sample(schema: Any, root: Mapping[str, Any], rng: np.random.Generator, depth: int) -> Any:
    if schema is True or schema == {}:
        return _string({}, rng)
    if not isinstance(schema, Mapping):
        raise ValueError(f"not a schema: {schema!r}")
    if depth > _MAX_DEPTH:
        raise ValueError("schema nests too deeply (recursive $ref?)")
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        options = list(schema["enum"])
        return options[int(rng.integers(len(options)))]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = list(schema[key])
            branch = options[int(rng.integers(len(options)))]
            rest = {k: v for k, v in schema.items() if k not in (key, "discriminator")}
            merged = {**rest, **_resolve(branch, root)} if rest else branch
            return _sample(merged, root, rng, depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = _resolve(part, root)
            for k, v in part.items():
                if k == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **v}
                elif k == "required":
                    merged["required"] = [*merged.get("required", []), *v]
                else:
                    merged.setdefault(k, v)
        return _sample(merged, root, rng, depth + 1)

    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        kind = non_null[0] if non_null else "null"
    if kind is None:
        if "properties" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
        else:
            kind = "string"

    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _sample(sub, root, rng, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        lo = int(schema.get("minItems", 0))
        hi = int(schema.get("maxItems", lo + 3))
        n = int(rng.integers(lo, max(lo, min(hi, lo + 3)) + 1))
        items = schema.get("items", {})
        if isinstance(schema.get("prefixItems"), list):
            prefix = schema["prefixItems"]
            return [_sample(sub, root, rng, depth + 1) for sub in prefix]
        return [_sample(items, root, rng, depth + 1) for _ in range(n)]
    if kind == "integer":
        return _integer(schema, rng)
    if kind == "number":
        return _number(schema, rng)
    if kind == "boolean":
        return bool(rng.random() < 0.5)
    if kind == "null":
        return None
    if kind == "string":
        return _string(schema, rng)
    raise ValueError(f"unsupported schema type {kind!r}")


def sample_json(schema: Mapping[str, Any], rng: np.random.Generator) -> Any:
    """A JSON value valid under ``schema``, drawn with ``rng``.

    Parameters
    ----------
    schema : dict
        A JSON schema (the subset listed in the module docstring).
    rng : numpy.random.Generator
        The random stream; the same stream state gives the same value.

    Returns
    -------
    object
        A JSON-serialisable value. Every declared property of an object is filled in.

    Raises
    ------
    ValueError
        On unsupported constructs (non-local ``$ref``, unknown types).

    Examples
    --------
    >>> import numpy as np
    >>> schema = {"type": "object", "properties": {"x": {"type": "integer", "minimum": 3,
    ...           "maximum": 3}, "a": {"const": "post"}}, "required": ["x", "a"]}
    >>> sample_json(schema, np.random.default_rng(0))
    {'x': 3, 'a': 'post'}
    """
    return _sample(schema, schema, rng, 0)
