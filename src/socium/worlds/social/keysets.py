r"""Sets of integer pairs as sorted ``int64`` keys, with buffered additions and removals.

The social world stores every pair relation (who follows whom, who muted whom, who liked,
disliked or reposted which post) as a :class:`KeySet`: one sorted array of keys

.. math:: \kappa(a, b) = a \cdot 2^{32} + b, \qquad 0 \le a, b < 2^{32},

so that membership of a batch of pairs is one vectorized binary search
(:func:`numpy.searchsorted`) and the rows of the relation (all ``b`` of one ``a``) are
contiguous, like the rows of a CSR matrix. Changes go to two small sorted buffers (``added``
and ``removed``) and are merged into the base array by :meth:`KeySet.compact` (once per step),
so a step with many small batches never rewrites the large base array more than once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["KeySet", "first_occurrence", "pack", "sorted_unique", "unpack"]

_SHIFT = np.int64(32)
_LOW = np.int64(0xFFFFFFFF)


def pack(a: Any, b: Any) -> np.ndarray:
    r"""Keys :math:`a \cdot 2^{32} + b` of the pairs ``(a, b)`` (broadcasting).

    Examples
    --------
    >>> pack([1, 0], [2, 5]).tolist()
    [4294967298, 5]
    """
    return (np.asarray(a, dtype=np.int64) << _SHIFT) | np.asarray(b, dtype=np.int64)


def unpack(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(a, b)`` of packed keys (inverse of :func:`pack`).

    Examples
    --------
    >>> [x.tolist() for x in unpack(pack([3], [4]))]
    [[3], [4]]
    """
    keys = np.asarray(keys, dtype=np.int64)
    return keys >> _SHIFT, keys & _LOW


def sorted_unique(a: Any) -> np.ndarray:
    """The distinct values of ``a``, ascending (a sort, not a hash: fast for large arrays).

    Examples
    --------
    >>> sorted_unique([3, 1, 3, 2]).tolist()
    [1, 2, 3]
    """
    arr = np.asarray(a)
    if arr.size > 1 and not bool((arr[1:] > arr[:-1]).all()):
        arr = np.sort(arr)
        keep = np.empty(arr.size, dtype=bool)
        keep[0] = True
        np.not_equal(arr[1:], arr[:-1], out=keep[1:])
        arr = arr[keep]
    return arr


def first_occurrence(a: Any) -> np.ndarray:
    """Mask of the entries of ``a`` whose value does not occur earlier in ``a``.

    Examples
    --------
    >>> first_occurrence([5, 3, 5, 5]).tolist()
    [True, True, False, False]
    """
    arr = np.asarray(a)
    out = np.ones(arr.size, dtype=bool)
    if arr.size > 1:
        order = np.argsort(arr, kind="stable")
        srt = arr[order]
        out[order[1:]] = srt[1:] != srt[:-1]
    return out


def _member(sorted_keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Whether each query key is in the sorted array (vectorized binary search)."""
    if sorted_keys.size == 0 or query.size == 0:
        return np.zeros(query.shape, dtype=bool)
    pos = np.searchsorted(sorted_keys, query)
    np.minimum(pos, sorted_keys.size - 1, out=pos)
    return sorted_keys[pos] == query


def _insert(sorted_keys: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Merge sorted, distinct ``new`` keys (absent from ``sorted_keys``) into a sorted array."""
    if new.size == 0:
        return sorted_keys
    return np.insert(sorted_keys, np.searchsorted(sorted_keys, new), new)


def _delete(sorted_keys: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Remove keys ``old`` (all present) from a sorted array."""
    if old.size == 0:
        return sorted_keys
    return np.delete(sorted_keys, np.searchsorted(sorted_keys, old))


class KeySet:
    r"""A set of packed pair keys: a sorted base plus sorted buffers of changes.

    Parameters
    ----------
    keys : array_like of int64, optional
        Initial keys (any order, duplicates allowed).

    Notes
    -----
    Invariants: ``base``, ``added`` and ``removed`` are sorted and duplicate-free;
    ``removed`` is a subset of ``base`` and ``added`` is disjoint from it. The set is
    :math:`(B \setminus R) \cup A`. A membership query costs three binary searches;
    :meth:`compact` costs :math:`O(|B| + |A| + |R|)` (two array copies).

    Examples
    --------
    >>> s = KeySet(pack([0, 1], [1, 2]))
    >>> s.add(pack([2], [0])); s.remove(pack([0], [1]))
    >>> s.contains(pack([0, 1, 2], [1, 2, 0])).tolist()
    [False, True, True]
    >>> len(s)
    2
    """

    def __init__(self, keys: Any = None):
        base = np.zeros(0, np.int64) if keys is None else np.asarray(keys, dtype=np.int64)
        self.base = sorted_unique(base)
        self.added = np.zeros(0, np.int64)
        self.removed = np.zeros(0, np.int64)

    def __len__(self) -> int:
        return int(self.base.size - self.removed.size + self.added.size)

    @property
    def dirty(self) -> bool:
        """Whether changes wait in the buffers."""
        return bool(self.added.size or self.removed.size)

    def contains(self, keys: Any) -> np.ndarray:
        """Membership of each key (any shape)."""
        q = np.asarray(keys, dtype=np.int64)
        out = _member(self.base, q)
        if self.removed.size:
            out &= ~_member(self.removed, q)
        if self.added.size:
            out |= _member(self.added, q)
        return out

    def add(self, keys: Any) -> None:
        """Add distinct keys that are not in the set (the caller checked with :meth:`contains`)."""
        new = np.sort(np.asarray(keys, dtype=np.int64).ravel())
        if new.size == 0:
            return
        back = _member(self.removed, new)  # removed base keys coming back
        if back.any():
            self.removed = _delete(self.removed, new[back])
            new = new[~back]
        self.added = _insert(self.added, new)

    def remove(self, keys: Any) -> None:
        """Remove distinct keys that are in the set (the caller checked with :meth:`contains`)."""
        old = np.sort(np.asarray(keys, dtype=np.int64).ravel())
        if old.size == 0:
            return
        fresh = _member(self.added, old)  # added since the last compaction
        if fresh.any():
            self.added = _delete(self.added, old[fresh])
            old = old[~fresh]
        self.removed = _insert(self.removed, old)

    def compact(self) -> bool:
        """Merge the buffers into the base array; returns whether anything changed."""
        if not self.dirty:
            return False
        self.base = _insert(_delete(self.base, self.removed), self.added)
        self.added = np.zeros(0, np.int64)
        self.removed = np.zeros(0, np.int64)
        return True

    def keys(self) -> np.ndarray:
        """All keys, sorted (compacts first)."""
        self.compact()
        return self.base

    def row_pointer(self, n: int) -> np.ndarray:
        """CSR row pointer over first elements ``0..n-1`` of the compacted keys.

        Row ``a`` holds ``keys()[ptr[a]:ptr[a + 1]]``. Cost :math:`O(|B| + n)`.
        """
        first = self.keys() >> _SHIFT
        counts = np.bincount(first, minlength=n) if first.size else np.zeros(n, np.int64)
        ptr = np.zeros(n + 1, np.int64)
        np.cumsum(counts, out=ptr[1:])
        return ptr

    def get_state(self) -> dict[str, np.ndarray]:
        """The three arrays (copies)."""
        return {
            "base": self.base.copy(),
            "added": self.added.copy(),
            "removed": self.removed.copy(),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> KeySet:
        """Inverse of :meth:`get_state`."""
        out = cls()
        out.base = np.array(state["base"], dtype=np.int64)
        out.added = np.array(state["added"], dtype=np.int64)
        out.removed = np.array(state["removed"], dtype=np.int64)
        return out
