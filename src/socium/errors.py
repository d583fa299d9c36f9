"""Exception types that socium raises for user-facing problems."""

from __future__ import annotations

__all__ = ["ConfigError", "RegistryError", "ResumeError", "SociumError"]


class SociumError(Exception):
    """Base class of every error socium reports to a user without a traceback."""


class ConfigError(SociumError, ValueError):
    """A configuration value is missing, malformed or out of range.

    The message is a single line that names the offending field (as a dotted
    path such as ``world.epsilon``) and, where known, the allowed values.
    """

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class RegistryError(SociumError, LookupError):
    """A world or policy name is unknown, or registered twice."""


class ResumeError(SociumError):
    """A run directory cannot be resumed (missing, complete, or corrupt)."""
