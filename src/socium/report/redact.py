"""Keep secrets out of reports: redact the values of ``*_API_KEY`` environment variables.

socium never writes API keys (they are read from the environment by the LLM backends and
never stored), so this is a second line of defence: whatever text a report is built from,
the final page passes through :func:`redact_secrets` before it is written.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping

__all__ = ["REDACTED", "redact_secrets", "secret_values"]

#: What a secret is replaced with.
REDACTED = "[redacted]"

#: Values shorter than this are not treated as secrets (a one-letter "key" would mangle the page).
_MIN_LENGTH = 8


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of the environment variables whose names end in ``_API_KEY`` (or are ``API_KEY``).

    Parameters
    ----------
    environ : mapping, optional
        The environment to read; ``os.environ`` by default.

    Returns
    -------
    list of str
        Distinct values of at least 8 characters, longest first (so that a key containing
        another is replaced whole).

    Examples
    --------
    >>> secret_values({"OPENAI_API_KEY": "sk-0123456789", "HOME": "/root", "X_API_KEY": "ab"})
    ['sk-0123456789']
    """
    env = os.environ if environ is None else environ
    found = {
        value.strip()
        for name, value in env.items()
        if (name.upper().endswith("_API_KEY") or name.upper() == "API_KEY")
        and len(value.strip()) >= _MIN_LENGTH
    }
    return sorted(found, key=lambda v: (-len(v), v))


def redact_secrets(text: str, secrets: Iterable[str] | None = None) -> str:
    """Replace every secret in ``text`` (raw and HTML-escaped forms) with :data:`REDACTED`.

    Parameters
    ----------
    text : str
        The text to clean (an HTML page, a message).
    secrets : iterable of str, optional
        The values to remove; :func:`secret_values` of the current environment by default.

    Examples
    --------
    >>> redact_secrets("key=sk-0123456789!", ["sk-0123456789"])
    'key=[redacted]!'
    """
    values = secret_values() if secrets is None else list(secrets)
    for value in values:
        if not value:
            continue
        text = text.replace(value, REDACTED)
        escaped = html.escape(value)
        if escaped != value:
            text = text.replace(escaped, REDACTED)
    return text
