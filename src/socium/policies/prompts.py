"""Prompt templates of LLM policies: Jinja2, sandboxed, one block per message.

A prompt template is a Jinja2 file whose **blocks** are the messages socium sends:

``system``
    the system message of decisions and interviews: the world's instructions and the persona;
``decide``
    the user message of a decision: memory, observation, allowed actions, "answer with one
    JSON object";
``reask``
    the user message sent once after an invalid answer (variables ``error``, ``answer``);
``interview``
    the user message of an interview question (variable ``question``);
``archetype``
    the user message of an archetype group (variables ``group``, ``size``, ``choices``).

The built-in template (:data:`DEFAULT_TEMPLATE`, loadable as ``"socium/default.j2"``) defines
all of them. A world may ship its own blocks as the class attribute ``prompt_template``
(loadable as ``"socium/world.j2"``), and a run may override any block with
``[policy] template = "my_prompt.j2"``. Overrides only need the blocks they change: a
template that does not start with ``{% extends ... %}`` extends the world's template (or the
built-in one), so ``{% block decide %}...{% endblock %}`` alone is a complete override.

Variables (all always defined; a misspelt name is an error, ``StrictUndefined``):
``instructions``, ``persona``, ``memory``, ``observation``, ``actions`` (list of
``{name, description, parameters, parameters_json}``), ``action_names``, ``schema`` (the JSON
schema as text), ``agent``, ``step``, ``error``, ``answer``, ``question``, ``group``
(``{attribute: value}``), ``size``, ``choices``. The ``system`` block is rendered once per
distinct persona and cached, so it should not use ``agent``, ``step`` or ``memory``.

Templates run in :class:`jinja2.sandbox.SandboxedEnvironment` with autoescape off. Untrusted
text (observations, posts, LLM answers) only ever enters as variable *values*, never as
template source, so a post cannot run template code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from socium.errors import ConfigError

__all__ = ["BLOCKS", "DEFAULT_TEMPLATE", "PromptTemplate", "json_text", "prompt_variables"]

#: The blocks (message parts) a template may define.
BLOCKS = ("system", "decide", "reask", "interview", "archetype")

DEFAULT_TEMPLATE = """\
{%- if part == "system" -%}
{%- block system -%}
{{ instructions }}
{%- if persona %}

Who you are: {{ persona }}
{%- endif %}
{%- endblock -%}
{%- elif part == "decide" -%}
{%- block decide -%}
{%- if memory %}
What you remember:
{{ memory }}

{% endif -%}
What you see now (step {{ step }}):
{{ observation }}

Allowed actions:
{% for a in actions -%}
- {{ a.name }}: {{ a.description }}
{%- if a.parameters %} Parameters: {{ a.parameters_json }}{% endif %}
{% endfor %}
Answer with one JSON object with an "action" field naming one allowed action, plus its \
parameters. No other text.
{%- endblock -%}
{%- elif part == "reask" -%}
{%- block reask -%}
Your answer could not be used: {{ error }}
Answer again with one JSON object that names one of: {{ action_names | join(", ") }}.
{%- endblock -%}
{%- elif part == "interview" -%}
{%- block interview -%}
{%- if memory %}
What you remember:
{{ memory }}

{% endif -%}
An interviewer asks you: {{ question }}
Answer in the first person, in a few sentences.
{%- endblock -%}
{%- elif part == "archetype" -%}
{%- block archetype -%}
You speak for a group of {{ size }} people who share these traits:
{% for key, value in group.items() -%}
- {{ key }}: {{ value }}
{% endfor %}
{%- if persona %}
A typical member: {{ persona }}
{% endif %}
What a typical member sees now (step {{ step }}):
{{ observation }}

For each option, give the probability that a member of this group chooses it:
{% for c in choices -%}
- {{ c }}
{% endfor %}
Answer with one JSON object mapping every option to a number between 0 and 1 (they should \
sum to 1). No other text.
{%- endblock -%}
{%- endif -%}
"""

_DEFAULT_NAME = "socium/default.j2"
_WORLD_NAME = "socium/world.j2"


def prompt_variables(**values: Any) -> dict[str, Any]:
    """The template variables with every name defined (empty defaults), updated by ``values``."""
    out: dict[str, Any] = {
        "instructions": "",
        "persona": "",
        "memory": "",
        "observation": "",
        "actions": [],
        "action_names": [],
        "schema": "",
        "agent": -1,
        "step": 0,
        "error": "",
        "answer": "",
        "question": "",
        "group": {},
        "size": 0,
        "choices": [],
    }
    unknown = set(values) - set(out)
    if unknown:
        raise TypeError(f"unknown prompt variables: {sorted(unknown)}")
    out.update(values)
    return out


def json_text(value: Any) -> str:
    """Compact JSON, non-ASCII kept (the ``json`` filter of templates; Jinja's ``tojson``
    escapes quotes for HTML)."""
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def _extending(source: str, parent: str) -> str:
    """``source`` made to extend ``parent`` unless it already extends something."""
    if "{% extends" in source or "{%- extends" in source:
        return source
    return f'{{% extends "{parent}" %}}\n{source}'


class PromptTemplate:
    """A compiled prompt template; :meth:`render` renders one block.

    Parameters
    ----------
    path : str or Path, optional
        A template file (``[policy] template``); relative paths resolve against ``base_dir``.
    world_source : str, optional
        The world's own template blocks (its ``prompt_template`` attribute).
    base_dir : Path, optional
        Folder of the config file.
    field : str
        The config key named in errors.

    Raises
    ------
    ConfigError
        When the file is missing or the template does not compile.

    Examples
    --------
    >>> t = PromptTemplate()
    >>> print(t.render("reask", prompt_variables(error="bad", action_names=["a", "b"])))
    Your answer could not be used: bad
    Answer again with one JSON object that names one of: a, b.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        world_source: str | None = None,
        base_dir: Path | None = None,
        field: str = "policy.template",
    ):
        sources = {_DEFAULT_NAME: DEFAULT_TEMPLATE}
        parent = _DEFAULT_NAME
        if world_source:
            sources[_WORLD_NAME] = _extending(world_source, _DEFAULT_NAME)
            parent = _WORLD_NAME
        loaders: list[Any] = [DictLoader(sources)]
        name = parent
        if path is not None:
            file = Path(path).expanduser()
            if not file.is_absolute():
                file = (base_dir or Path.cwd()) / file
            if not file.is_file():
                raise ConfigError(field, f"template file not found: {file}")
            sources["socium/run.j2"] = _extending(file.read_text(), parent)
            loaders.append(FileSystemLoader(str(file.parent)))
            name = "socium/run.j2"
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader(loaders),
            autoescape=False,
            undefined=StrictUndefined,
            keep_trailing_newline=False,
        )
        self.env.filters["json"] = json_text
        try:
            self.template = self.env.get_template(name)
        except TemplateError as exc:
            raise ConfigError(field, f"template does not compile: {exc}") from None
        self.field = field

    def render(self, part: str, variables: Mapping[str, Any]) -> str:
        """Render block ``part`` (one of :data:`BLOCKS`) with ``variables``.

        Raises
        ------
        ConfigError
            When the template uses an undefined variable or fails while rendering.
        """
        if part not in BLOCKS:
            raise ValueError(f"unknown prompt part {part!r}; allowed: {', '.join(BLOCKS)}")
        try:
            return self.template.render(part=part, **variables).strip()
        except TemplateError as exc:
            raise ConfigError(self.field, f"rendering block {part!r} failed: {exc}") from None

    @staticmethod
    def schema_text(schema: Mapping[str, Any]) -> str:
        """A compact JSON text of a schema (for templates that show it)."""
        return json_text(schema)
