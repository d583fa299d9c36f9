"""Agents as struct-of-arrays: one numpy array per numeric field, plus a persona table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

__all__ = ["Population"]


class Population:
    """The agents of a run, stored column-wise.

    An agent is an index ``0..size-1``. Numeric state lives in :attr:`fields` (one array per field,
    each of length ``size``); text attributes such as names, personas and backstories live in the
    :attr:`personas` table (a dict of equal-length columns), referenced by the same index.

    Parameters
    ----------
    size : int
        Number of agents.
    fields : mapping of str to array-like, optional
        Initial numeric fields.
    personas : mapping of str to sequence, optional
        Persona columns (e.g. ``name``, ``persona``, ``group``).

    Examples
    --------
    >>> import numpy as np
    >>> pop = Population(3, {"opinion": np.array([0.1, 0.5, 0.9])})
    >>> float(pop["opinion"].mean())
    0.5
    """

    def __init__(
        self,
        size: int,
        fields: Mapping[str, Any] | None = None,
        personas: Mapping[str, Any] | None = None,
    ):
        if size < 0:
            raise ValueError(f"population.size must be >= 0, got {size}")
        self.size = int(size)
        self.fields: dict[str, np.ndarray] = {}
        self.personas: dict[str, np.ndarray] = {}
        for name, values in (fields or {}).items():
            self[name] = values
        for name, values in (personas or {}).items():
            self.set_persona(name, values)

    def __len__(self) -> int:
        return self.size

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def __getitem__(self, name: str) -> np.ndarray:
        return self.fields[name]

    def __setitem__(self, name: str, values: Any) -> None:
        arr = np.asarray(values)
        if arr.ndim == 0:
            arr = np.full(self.size, arr.item())
        if arr.shape[0] != self.size:
            raise ValueError(
                f"population field {name!r} has {arr.shape[0]} values, expected {self.size}"
            )
        self.fields[name] = arr

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def get(self, name: str, default: Any = None) -> Any:
        """Field ``name`` or ``default``."""
        return self.fields.get(name, default)

    def set_persona(self, name: str, values: Any) -> None:
        """Set a persona column (any dtype, including strings)."""
        arr = np.asarray(values, dtype=object if not isinstance(values, np.ndarray) else None)
        if arr.shape[0] != self.size:
            raise ValueError(
                f"persona column {name!r} has {arr.shape[0]} values, expected {self.size}"
            )
        self.personas[name] = arr

    def nbytes(self) -> int:
        """Memory held by numeric fields."""
        return int(sum(a.nbytes for a in self.fields.values()))
