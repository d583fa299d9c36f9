"""Turn pydantic validation errors into one-line :class:`~socium.errors.ConfigError` messages."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from socium.errors import ConfigError

__all__ = ["config_error_from_validation"]


def _members(annotation: Any) -> list[Any]:
    """Flatten Annotated/Union/Optional annotations into their member types."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_members(arg))
        return out
    return [annotation]


def _pick_model(annotation: Any, data: Any) -> type[BaseModel] | None:
    """The BaseModel member of ``annotation`` that ``data`` is meant for (by its tag value)."""
    models = [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(models) == 1:
        return models[0]
    if isinstance(data, Mapping):
        for model in models:
            for tag in ("kind", "dist"):
                field = model.model_fields.get(tag)
                if field is None or tag not in data:
                    continue
                allowed = typing.get_args(field.annotation)
                if data[tag] in allowed:
                    return model
    return None


def _field_model(model: type[BaseModel] | None, key: str, value: Any):
    """Model (or dict-value annotation) of field ``key`` of ``model`` for input ``value``."""
    if model is None:
        return None, None
    field = model.model_fields.get(key)
    if field is None:
        return None, None
    annotation = field.annotation
    if typing.get_origin(annotation) is dict:
        return None, typing.get_args(annotation)[1]
    return _pick_model(annotation, value), None


def _describe_path(model: type[BaseModel], data: Any, loc: Sequence[Any]):
    """Walk ``loc`` through ``data``; return (dotted path, model holding the last key, node)."""
    parts: list[str] = []
    current: type[BaseModel] | None = model
    parent: type[BaseModel] | None = model
    dict_values: Any = None  # annotation of values when the current node is a dict[str, X]
    node = data
    for item in loc:
        is_tag = isinstance(node, Mapping) and item in (node.get("kind"), node.get("dist"))
        if isinstance(node, Mapping) and item in node and not (is_tag and item not in node):
            parent = current
            parts.append(str(item))
            node = node[item]
            if dict_values is not None:
                current, dict_values = _pick_model(dict_values, node), None
            else:
                current, dict_values = _field_model(current, str(item), node)
        elif isinstance(node, list) and isinstance(item, int):
            if parts:
                parts[-1] = f"{parts[-1]}[{item}]"
            node = node[item] if item < len(node) else None
        elif is_tag or isinstance(item, int) or not isinstance(node, Mapping):
            continue  # a union tag or validator name that pydantic adds to loc
        else:  # a key missing from the input (or an extra key)
            parent = current
            parts.append(str(item))
            node = None
    return ".".join(parts), parent, node


def config_error_from_validation(
    exc: ValidationError, model: type[BaseModel], data: Any, prefix: str = ""
) -> ConfigError:
    """Build a one-line :class:`ConfigError` from the first error of ``exc``.

    Parameters
    ----------
    exc : pydantic.ValidationError
        The validation failure.
    model : type[BaseModel]
        The model that was validated.
    data : Any
        The raw input that failed, used to name fields as the user wrote them.
    prefix : str
        Dotted path of ``data`` inside the whole config (e.g. ``"world"``).
    """
    err = exc.errors()[0]
    path, parent, _ = _describe_path(model, data, err["loc"])
    field = ".".join(p for p in (prefix, path) if p)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = ""
        if isinstance(parent, type) and issubclass(parent, BaseModel):
            names = [f.alias or n for n, f in parent.model_fields.items()]
            allowed = f"; allowed keys: {', '.join(names)}"
        return ConfigError(field, f"unknown key{allowed}")
    if kind == "missing":
        return ConfigError(field, "required key is missing")
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        key = str(ctx.get("discriminator", "kind")).strip("'")
        allowed = str(ctx.get("expected_tags", "")).replace("'", "")
        return ConfigError(
            f"{field}.{key}" if field else key,
            f"unknown {key} {ctx.get('tag')!r}; allowed: {allowed}",
        )
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    if isinstance(value, (int, float, str, bool)) and kind not in {"union_tag_invalid"}:
        message += f" (got {value!r})"
    return ConfigError(field, message)
