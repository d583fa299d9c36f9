"""Name registries for worlds and policies, filled from entry points.

Worlds register under the entry-point group ``socium.worlds`` and policies under
``socium.policies``. Third-party packages add their own by declaring entry points in their
``pyproject.toml``; :func:`register_world` and :func:`register_policy` do the same at run time.
A name registered twice is an error, never a silent overwrite.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from socium.errors import RegistryError

__all__ = ["POLICIES", "WORLDS", "Registry", "register_policy", "register_world"]

T = TypeVar("T")


class Registry(Generic[T]):
    """A mapping from names to classes, loaded lazily from one entry-point group.

    Parameters
    ----------
    group : str
        Entry-point group, e.g. ``"socium.worlds"``.
    kind : str
        Human name of the things registered, used in error messages.
    """

    def __init__(self, group: str, kind: str):
        self.group = group
        self.kind = kind
        self._items: dict[str, Any] = {}
        self._loaded = False

    def _load_entry_points(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        seen: dict[str, str] = {}
        for ep in entry_points(group=self.group):
            if ep.name in seen and seen[ep.name] != ep.value:
                raise RegistryError(
                    f"{self.kind} {ep.name!r} is registered twice: "
                    f"by {seen[ep.name]} and {ep.value}"
                )
            seen[ep.name] = ep.value
        for name, target in seen.items():
            if name not in self._items:
                self._items[name] = target

    def register(self, name: str, obj: Any) -> None:
        """Register ``obj`` under ``name``; raise :class:`RegistryError` if the name is taken."""
        self._load_entry_points()
        if name in self._items:
            raise RegistryError(f"{self.kind} {name!r} is already registered")
        self._items[name] = obj

    def unregister(self, name: str) -> None:
        """Remove ``name`` (used by tests and plugins that re-register in development)."""
        self._load_entry_points()
        self._items.pop(name, None)

    def get(self, name: str) -> T:
        """Return the class registered as ``name``, importing it on first use."""
        self._load_entry_points()
        if name not in self._items:
            allowed = ", ".join(sorted(self._items)) or "none registered"
            raise RegistryError(f"unknown {self.kind} {name!r}; allowed: {allowed}")
        obj = self._items[name]
        if isinstance(obj, str):
            module_name, _, attr = obj.partition(":")
            module = __import__(module_name, fromlist=[attr])
            obj = getattr(module, attr)
            self._items[name] = obj
        return obj

    def names(self) -> list[str]:
        """Sorted registered names."""
        self._load_entry_points()
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        self._load_entry_points()
        return name in self._items


WORLDS: Registry[Any] = Registry("socium.worlds", "world")
POLICIES: Registry[Any] = Registry("socium.policies", "policy")


def register_world(name: str, cls: Any) -> None:
    """Register a world class under ``name`` (error if taken)."""
    WORLDS.register(name, cls)


def register_policy(name: str, cls: Any) -> None:
    """Register a policy class under ``name`` (error if taken)."""
    POLICIES.register(name, cls)
