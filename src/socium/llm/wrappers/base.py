"""The base of every wrapper: a :class:`LanguageModel` around another one."""

from __future__ import annotations

from typing import TypeVar

from socium.llm.interface import LanguageModel

__all__ = ["LanguageModelWrapper", "find_layer"]

L = TypeVar("L", bound=LanguageModel)


class LanguageModelWrapper(LanguageModel):
    """Wraps ``inner``; the name and closing pass through.

    Parameters
    ----------
    inner : LanguageModel
        The model this layer calls.
    """

    def __init__(self, inner: LanguageModel):
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    async def aprepare(self) -> None:
        await self.inner.aprepare()

    async def aclose(self) -> None:
        await self.inner.aclose()

    def close(self) -> None:
        self.inner.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"


def find_layer(model: LanguageModel, kind: type[L]) -> L | None:
    """The outermost layer of type ``kind`` in a chain of wrappers, or None.

    Examples
    --------
    >>> from socium.llm import MockLanguageModel
    >>> from socium.llm.wrappers import RetryModel
    >>> import numpy as np
    >>> lm = RetryModel(MockLanguageModel(), rng=np.random.default_rng(0))
    >>> type(find_layer(lm, MockLanguageModel)).__name__
    'MockLanguageModel'
    """
    layer: LanguageModel | None = model
    while layer is not None:
        if isinstance(layer, kind):
            return layer
        layer = getattr(layer, "inner", None)
    return None
