"""Registered simulation types (worlds).

Each world lives in its own subpackage (``socium.worlds.opinion``, ...) and is registered under
the entry-point group ``socium.worlds``; see :mod:`socium.core.registry`.
"""

__all__: list[str] = []
