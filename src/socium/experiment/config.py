"""Run configuration: loading TOML/YAML, dotted overrides, and validation with pydantic.

A config has the top-level sections ``run``, ``network``, ``population``, ``world``,
``schedule``, ``policy``, ``llm``, ``interviews`` and ``record``. Every section forbids unknown
keys; errors are raised as :class:`~socium.errors.ConfigError` naming the dotted field.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from socium.core.initializers import InitSpec
from socium.core.network_spec import NetworkSpec
from socium.core.protocol import WorldConfig
from socium.core.registry import WORLDS
from socium.core.schedule import ScheduleSpec
from socium.errors import ConfigError, RegistryError
from socium.experiment.errors import config_error_from_validation
from socium.personas import PersonaSpec
from socium.policies.config import PolicyConfig, RulesPolicyConfig

__all__ = [
    "InterviewSection",
    "PopulationSection",
    "RecordSection",
    "ResolvedConfig",
    "RunConfig",
    "RunSection",
    "apply_overrides",
    "load_config",
    "parse_override",
    "read_config_file",
    "resolve_config",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunSection(_Section):
    """``[run]``: seed, length and checkpointing."""

    seed: int | None = Field(None, ge=0, description="root seed; omitted = fresh entropy")
    steps: int = Field(100, ge=0, description="number of steps (sweeps)")
    stop_on_convergence: bool = False
    checkpoint_every: int = Field(10, ge=1)


class PopulationSection(_Section):
    """``[population]``: size and per-agent initial values."""

    size: int | None = Field(None, ge=1)
    init: dict[str, InitSpec] = Field(default_factory=dict)
    personas: PersonaSpec | None = None


class InterviewSection(_Section):
    """``[[interviews]]``: a question put to some agents mid-run or after the run.

    Answers are recorded in the run database table ``interviews``.
    """

    question: str = Field(min_length=1, max_length=2000)
    agents: list[int] = Field(min_length=1, description="agent ids to ask")
    step: int | None = Field(None, ge=0, description="ask after this step; unset = after the run")


class RecordSection(_Section):
    """``[record]``: what the run directory keeps.

    ``events`` unset means the world's default (see ``World.records_events_by_default``).
    """

    events: bool | None = None
    plots: bool = True


class RunConfig(_Section):
    """The whole config, with ``world`` kept as a raw mapping until the world is known."""

    run: RunSection = Field(default_factory=RunSection)
    network: NetworkSpec | None = None
    population: PopulationSection = Field(default_factory=PopulationSection)
    world: dict[str, Any]
    schedule: ScheduleSpec | None = None
    policy: PolicyConfig = Field(default_factory=RulesPolicyConfig)
    llm: dict[str, Any] | None = None
    interviews: list[InterviewSection] = Field(default_factory=list)
    record: RecordSection = Field(default_factory=RecordSection)


class ResolvedConfig(BaseModel):
    """A validated config: the sections plus the world's own validated config."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    raw: dict[str, Any]
    sections: RunConfig
    world_name: str
    world: WorldConfig
    base_dir: Path | None = None
    llm: Any = None

    @property
    def run(self) -> RunSection:
        return self.sections.run

    def to_dict(self) -> dict[str, Any]:
        """The resolved config as plain data (defaults filled in), for ``config.toml``."""
        data = self.sections.model_dump(mode="json", by_alias=True, exclude_none=True)
        world = self.world.model_dump(mode="json", exclude_none=True)
        data["world"] = {"name": self.world_name, **world}
        if self.llm is not None:
            data["llm"] = self.llm.model_dump(mode="json", exclude_none=True)
        return _absolute_paths(data, self.base_dir) if self.base_dir else data


def _absolute_paths(data: Any, base_dir: Path, *, in_policy: bool = False) -> Any:
    """Copy of ``data`` with relative file paths resolved against ``base_dir``.

    File paths are ``path`` values anywhere and ``template`` values inside ``[policy]``
    (prompt template files; a persona ``template`` is inline text). The written
    ``config.toml`` then reads the same files wherever it is loaded from (resume).
    """
    if isinstance(data, dict):
        keys = {"path", "template"} if in_policy else {"path"}
        return {
            k: str((base_dir / v).resolve())
            if k in keys and isinstance(v, str) and not Path(v).is_absolute()
            else _absolute_paths(v, base_dir, in_policy=in_policy or k == "policy")
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_absolute_paths(v, base_dir, in_policy=in_policy) for v in data]
    return data


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML or YAML config file into a dict (errors name the file and line)."""
    p = Path(path)
    if not p.exists():
        raise ConfigError("config", f"file not found: {p}")
    if not p.is_file():
        raise ConfigError("config", f"{p} is not a file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError("config", f"{p}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError("config", f"{p}: cannot be read ({exc.strerror or exc})") from None
    if p.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError("config", f"{p}: invalid YAML: {str(exc).splitlines()[0]}") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("config", f"{p}: invalid TOML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError("config", f"{p}: expected a table of sections at the top level")
    return data


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``dotted.key=value``; the value is read as a TOML value, else as a string.

    Examples
    --------
    >>> parse_override("world.epsilon=0.3")
    ('world.epsilon', 0.3)
    >>> parse_override("world.model=voter")
    ('world.model', 'voter')
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError("--set", f"expected dotted.key=value, got {text!r}")
    try:
        parsed = tomllib.loads(f"v = {value.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value.strip()
    return key, parsed


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``data`` with each ``dotted.key -> value`` set."""
    out = copy.deepcopy(data)
    for key, value in overrides.items():
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(key, f"cannot set a key inside {part!r}, which is a value")
            node = child
        node[parts[-1]] = value
    return out


def _nan_field(value: Any, path: str = "") -> str | None:
    """Dotted path of the first NaN in ``value`` (``None`` if there is none)."""
    if isinstance(value, float) and value != value:
        return path
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _nan_field(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = _nan_field(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def resolve_config(data: Mapping[str, Any], base_dir: Path | None = None) -> ResolvedConfig:
    """Validate a raw config dict: sections first, then the world's own config."""
    data = dict(data)
    nan_at = _nan_field(data)
    if nan_at is not None:  # never valid; bound checks would report it as out of range
        raise ConfigError(nan_at, "must be a number, not nan")
    if "world" not in data:
        raise ConfigError("world", 'required section is missing (e.g. [world] name = "opinion")')
    try:
        sections = RunConfig.model_validate(data)
    except ValidationError as exc:
        raise config_error_from_validation(exc, RunConfig, data) from None
    world_data = dict(sections.world)
    name = world_data.pop("name", None)
    if name is None:
        raise ConfigError(
            "world.name", f"required key is missing; allowed: {', '.join(WORLDS.names())}"
        )
    try:
        world_cls = WORLDS.get(name)
    except RegistryError:
        raise ConfigError(
            "world.name", f"unknown world {name!r}; allowed: {', '.join(WORLDS.names())}"
        ) from None
    try:
        world_config = world_cls.Config.model_validate(world_data)
    except ValidationError as exc:
        raise config_error_from_validation(exc, world_cls.Config, world_data, "world") from None
    return ResolvedConfig(
        raw=dict(data),
        sections=sections,
        world_name=name,
        world=world_config,
        base_dir=base_dir,
        llm=_resolve_llm(sections),
    )


def _uses_llm(policy: Any) -> bool:
    if policy.kind == "mixed":
        return any(_uses_llm(g.policy) for g in policy.groups) or _uses_llm(policy.default)
    return policy.kind in {"llm", "archetype"}


def _resolve_llm(sections: RunConfig) -> Any:
    """Validate ``[llm]``; LLM users without the section get the offline default model."""
    personas = sections.population.personas
    backstories = personas is not None and personas.backstories
    if sections.llm is None and not _uses_llm(sections.policy) and not backstories:
        return None
    from socium.llm.config import LLMConfig

    raw = dict(sections.llm or {})
    try:
        return LLMConfig.model_validate(raw)
    except ValidationError as exc:
        raise config_error_from_validation(exc, LLMConfig, raw, "llm") from None


def load_config(
    config: str | Path | Mapping[str, Any] | ResolvedConfig,
    overrides: Mapping[str, Any] | None = None,
) -> ResolvedConfig:
    """Load, override and validate a config given as a path, a dict, or an already resolved one."""
    base_dir: Path | None = None
    if isinstance(config, ResolvedConfig):
        if not overrides:
            return config
        data, base_dir = config.raw, config.base_dir
    elif isinstance(config, Mapping):
        data = dict(config)
    else:
        data = read_config_file(config)
        base_dir = Path(config).resolve().parent
    if overrides:
        data = apply_overrides(data, overrides)
    return resolve_config(data, base_dir)
