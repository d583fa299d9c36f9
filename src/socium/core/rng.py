"""Seeded random streams: one :class:`numpy.random.SeedSequence` per run, one child per component.

Every component (schedule, world, each policy, an LLM sampling seed, ...) asks the run's
:class:`RunRNG` for its own stream by name. A stream's seed depends only on the root seed and the
component's name, never on the order in which components are built, so adding a component does not
change the randomness of the others. The states of all streams are part of every checkpoint.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

__all__ = ["RunRNG", "stream_key"]


def stream_key(name: str) -> int:
    """Return a stable 32-bit spawn key for a component name.

    Parameters
    ----------
    name : str
        Component name, e.g. ``"schedule"`` or ``"world"``.

    Returns
    -------
    int
        The first four bytes of the SHA-256 digest of ``name``, as an unsigned integer.
    """
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


class RunRNG:
    """The random streams of one run.

    Parameters
    ----------
    seed : int, optional
        Root seed. ``None`` draws fresh OS entropy; the drawn value is kept in :attr:`seed` so the
        run can be reproduced.

    Examples
    --------
    >>> rng = RunRNG(1)
    >>> a = rng.stream("world").random()
    >>> b = RunRNG(1).stream("world").random()
    >>> a == b
    True
    """

    def __init__(self, seed: int | None = None):
        root = np.random.SeedSequence(seed)
        self.seed: int = int(root.entropy)  # type: ignore[arg-type]
        self._streams: dict[str, np.random.Generator] = {}

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        """Child seed sequence of the component ``name``."""
        return np.random.SeedSequence(self.seed, spawn_key=(stream_key(name),))

    def stream(self, name: str) -> np.random.Generator:
        """Return the generator of component ``name``, creating it on first use."""
        gen = self._streams.get(name)
        if gen is None:
            gen = np.random.Generator(np.random.PCG64(self.seed_sequence(name)))
            self._streams[name] = gen
        return gen

    def integer_seed(self, name: str) -> int:
        """A deterministic 31-bit integer seed for libraries that take an int (an LLM sampler)."""
        return int(self.seed_sequence(name).generate_state(1, dtype=np.uint32)[0] >> 1)

    def get_state(self) -> dict[str, Any]:
        """Bit-generator states of all streams created so far (JSON-serialisable)."""
        return {
            "seed": self.seed,
            "streams": {name: gen.bit_generator.state for name, gen in self._streams.items()},
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore stream states saved by :meth:`get_state`."""
        if int(state["seed"]) != self.seed:
            raise ValueError(f"rng state belongs to seed {state['seed']}, not {self.seed}")
        for name, bit_state in state["streams"].items():
            self.stream(name).bit_generator.state = bit_state
