"""Tests of socium.core.sequential against a pure-Python reference."""

import numpy as np
import pytest

from socium.core.sequential import as_access_list, chunk_slices, conflict_free_chunks


def reference_chunks(writes, reads):
    """Greedy chunking, one event at a time (the definition)."""
    bounds = [0]
    written: set[int] = set()
    for e, (w, r) in enumerate(zip(writes, reads, strict=True)):
        if written & (set(w) | set(r)):
            bounds.append(e)
            written = set()
        written |= set(w)
    bounds.append(len(writes))
    return bounds


def random_instance(rng, n_events, n_nodes, max_w, max_r):
    writes = [list(rng.integers(0, n_nodes, rng.integers(0, max_w + 1))) for _ in range(n_events)]
    reads = [list(rng.integers(0, n_nodes, rng.integers(0, max_r + 1))) for _ in range(n_events)]
    return writes, reads


def to_csr(lists):
    ptr = np.concatenate(([0], np.cumsum([len(x) for x in lists]))).astype(np.int64)
    nodes = np.array([v for x in lists for v in x], dtype=np.int64)
    return ptr, nodes


@pytest.mark.parametrize("seed", range(40))
def test_matches_reference_on_random_instances(seed):
    rng = np.random.default_rng(seed)
    n_nodes = int(rng.integers(1, 60))
    n_events = int(rng.integers(0, 300))
    writes, reads = random_instance(rng, n_events, n_nodes, 3, 3)
    got = conflict_free_chunks(to_csr(writes), to_csr(reads), n_nodes=n_nodes, min_window=1)
    assert got.tolist() == reference_chunks(writes, reads)


def test_fixed_arity_arrays_and_padding():
    rng = np.random.default_rng(7)
    w = rng.integers(0, 50, (500, 2))
    r = rng.integers(-1, 50, (500, 3))  # -1 = no node
    expected = reference_chunks(w.tolist(), [[v for v in row if v >= 0] for row in r.tolist()])
    assert conflict_free_chunks(w, r, n_nodes=50).tolist() == expected


def test_simultaneous_application_equals_sequential():
    """Applying each chunk at once (reading the chunk-start state) equals a one-by-one loop."""
    rng = np.random.default_rng(3)
    n, m = 200, 5000
    dst = rng.integers(0, n, m)
    src = rng.integers(0, n, (m, 2))
    x0 = rng.random(n)
    seq = x0.copy()
    for e in range(m):
        seq[dst[e]] = 0.5 * (seq[src[e, 0]] + seq[src[e, 1]]) + 0.1
    par = x0.copy()
    bounds = conflict_free_chunks(dst, src, n_nodes=n)
    for sl in chunk_slices(bounds):
        par[dst[sl]] = 0.5 * (par[src[sl, 0]] + par[src[sl, 1]]) + 0.1
    assert np.array_equal(par, seq)
    assert 1 < len(bounds) - 1 < m  # the test really used multi-event chunks


def test_chunk_length_scales_like_sqrt_n():
    rng = np.random.default_rng(0)
    n = 40_000
    b = conflict_free_chunks(rng.integers(0, n, n), rng.integers(0, n, n), n_nodes=n)
    mean_len = n / (len(b) - 1)
    # birthday problem with 2 accesses/event: P(no conflict up to L) ~ exp(-L^2 / N)
    assert 0.5 * np.sqrt(n) < mean_len < 2.0 * np.sqrt(n)


def test_empty_and_bad_input():
    assert conflict_free_chunks(np.empty(0, np.int64)).tolist() == [0]
    with pytest.raises(ValueError, match="read node ids"):
        conflict_free_chunks([0, 1], [5, 1], n_nodes=3)
    with pytest.raises(ValueError, match="events"):
        as_access_list([[1], [2]], n_events=3)
