"""Typed action specs: one pydantic model per action, shared by rule and LLM policies.

A world declares its actions as subclasses of :class:`ActionSpec`. Each spec has a literal
``action`` field naming it, plus its typed parameters. From the specs the LLM policy builds one
JSON schema for a decision (a ``oneOf`` discriminated on ``action``) and validates answers
against the same models, so an answer can never name an action or a field the world did not
declare. LLM output is data: it is parsed, never executed.

(No ``from __future__ import annotations`` here: doctests compile with this module's future
flags, and pydantic resolves the example specs' annotations eagerly.)

Examples
--------
>>> from typing import Literal
>>> class Follow(ActionSpec):
...     '''Follow another user.'''
...     action: Literal["follow"] = "follow"
...     user_id: int
>>> class DoNothing(ActionSpec):
...     '''Do nothing this step.'''
...     action: Literal["do_nothing"] = "do_nothing"
>>> menu = ActionMenu([Follow, DoNothing])
>>> menu.parse('{"action": "follow", "user_id": 7}')
Follow(action='follow', user_id=7)
>>> sorted(menu.names)
['do_nothing', 'follow']
"""

import copy
import functools
import json
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, ClassVar, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

__all__ = ["ActionMenu", "ActionParseError", "ActionSpec", "extract_json"]


class ActionSpec(BaseModel):
    """Base of every typed action. Subclasses define ``action: Literal["name"] = "name"``.

    The class docstring's first line is the action's description in prompts and in
    ``socium scenarios``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: str
    #: Parameters that carry free text written by the agent (stored and shown to others).
    text_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def action_name(cls) -> str:
        """The literal value of the ``action`` field."""
        default = cls.model_fields["action"].default
        if not isinstance(default, str):
            raise TypeError(f"{cls.__name__}.action needs a literal default (the action's name)")
        return default

    @classmethod
    def description(cls) -> str:
        """First line of the docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The action's JSON schema (parameters only, with ``action`` as a constant)."""
        schema = cls.model_json_schema()
        schema["description"] = cls.description()
        return schema


class ActionParseError(ValueError):
    """An answer that does not match the action schema; the message says why, in one line."""


class ActionMenu:
    """The actions an agent may take, with their combined schema and a strict parser.

    Parameters
    ----------
    specs : sequence of ActionSpec subclasses
        Distinct action names.
    """

    def __init__(self, specs: Iterable[type[ActionSpec]]):
        self.specs: tuple[type[ActionSpec], ...] = tuple(specs)
        if not self.specs:
            raise ValueError("an action menu needs at least one action")
        self.by_name = {spec.action_name(): spec for spec in self.specs}
        if len(self.by_name) != len(self.specs):
            raise ValueError("action names in a menu must be distinct")
        self._adapter = _adapter(self.specs)

    @property
    def names(self) -> list[str]:
        """The action names, in declaration order."""
        return list(self.by_name)

    def schema(self) -> dict[str, Any]:
        """One JSON schema for a decision: a ``oneOf`` over the actions (pydantic's form).

        ``action`` is listed as required in every branch, so constrained decoders always emit it.
        """
        return copy.deepcopy(_schema(self.specs))

    def describe(self) -> list[dict[str, Any]]:
        """Name, description and parameter schema of each action (for prompts)."""
        out = []
        for name, spec in self.by_name.items():
            props = {
                k: v for k, v in spec.model_json_schema()["properties"].items() if k != "action"
            }
            out.append({"name": name, "description": spec.description(), "parameters": props})
        return out

    def parse(self, text: str | bytes | dict[str, Any]) -> ActionSpec:
        """Validate an answer (JSON text or a decoded object) against the menu.

        Leading and trailing prose around one JSON object is tolerated (small models add it);
        anything else raises :class:`ActionParseError` with a one-line reason.
        """
        data = text if isinstance(text, dict) else extract_json(text)
        try:
            return self._adapter.validate_python(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "answer"
            raise ActionParseError(f"{where}: {first['msg']}") from None

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def restrict(self, names: Sequence[str]) -> "ActionMenu":
        """A menu with only the named actions (unknown names raise ``ValueError``)."""
        missing = [n for n in names if n not in self.by_name]
        if missing:
            raise ValueError(f"unknown actions {missing}; allowed: {', '.join(self.by_name)}")
        return ActionMenu(self.by_name[n] for n in names)


@functools.lru_cache(maxsize=256)
def _adapter(specs: tuple[type[ActionSpec], ...]) -> TypeAdapter[Any]:
    """The validator of a menu (built once per tuple of specs: worlds rebuild menus per batch)."""
    if len(specs) == 1:
        return TypeAdapter(specs[0])
    return TypeAdapter(Annotated[Union[specs], Field(discriminator="action")])  # noqa: UP007


@functools.lru_cache(maxsize=256)
def _schema(specs: tuple[type[ActionSpec], ...]) -> dict[str, Any]:
    """The menu's JSON schema with ``action`` required in every branch (cached; copy it)."""
    schema = _adapter(specs).json_schema()
    for branch in [schema, *schema.get("$defs", {}).values()]:
        if "action" in branch.get("properties", {}):
            required = branch.setdefault("required", [])
            if "action" not in required:
                required.insert(0, "action")
    return schema


def extract_json(text: str | bytes) -> Any:
    """The first JSON object in ``text`` (prose around it is ignored).

    Raises
    ------
    ActionParseError
        When there is no JSON object, or it does not decode.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    start = text.find("{")
    if start < 0:
        raise ActionParseError("answer: no JSON object found")
    try:
        value, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as exc:
        raise ActionParseError(f"answer: invalid JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(value, dict):
        raise ActionParseError("answer: expected a JSON object")
    return value
