"""Tests of socium.core.sequential against a pure-Python reference."""

import numpy as np
import pytest

from socium.core.sequential import (
    as_access_list,
    chunk_slices,
    conflict_free_chunks,
    dependency_levels,
    schedule_groups,
)


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


# --- dependency levels ------------------------------------------------------------------------


def reference_levels(writes, reads):
    """Longest dependency chain, one event at a time (the definition in dependency_levels)."""
    levels: list[int] = []
    last_write: dict[int, int] = {}  # node -> level of its latest writer
    readers: dict[int, int] = {}  # node -> max level of readers since that write
    for w, r in zip(writes, reads, strict=True):
        touched = set(w) | set(r)
        lvl = max([last_write[v] + 1 for v in touched if v in last_write], default=0)
        lvl = max([lvl] + [readers[v] for v in set(w) if v in readers])
        levels.append(lvl)
        for v in set(r) - set(w):
            readers[v] = max(readers.get(v, 0), lvl)
        for v in set(w):
            last_write[v] = lvl
            readers.pop(v, None)
    return levels


@pytest.mark.parametrize("tail", [0, 10_000])  # numpy rounds only / one-by-one loop only
@pytest.mark.parametrize("seed", range(40))
def test_levels_match_reference(seed, tail, monkeypatch):
    from socium.core import sequential

    monkeypatch.setattr(sequential, "_PYTHON_TAIL_EVENTS", tail)
    rng = np.random.default_rng(100 + seed)
    n_nodes = int(rng.integers(1, 40))
    n_events = int(rng.integers(0, 200))
    writes, reads = random_instance(rng, n_events, n_nodes, 3, 3)
    order, bounds = dependency_levels(to_csr(writes), to_csr(reads), n_nodes=n_nodes)
    expected = reference_levels(writes, reads)
    got = np.empty(n_events, dtype=np.int64)
    for lvl, idx in enumerate(schedule_groups(order, bounds)):
        got[idx] = lvl
        assert np.all(np.diff(idx) > 0)  # original order inside a level
    assert got.tolist() == expected
    assert sorted(order.tolist()) == list(range(n_events))


def test_levels_reproduce_sequential_updates():
    """Voter-like copies and Deffuant-like pair updates, applied level by level."""
    rng = np.random.default_rng(5)
    n, m = 300, 3000
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    x0 = rng.random(n)
    seq_copy, seq_pair = x0.copy(), x0.copy()
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        seq_copy[i] = seq_copy[j]
        xi, xj = seq_pair[i], seq_pair[j]
        seq_pair[i], seq_pair[j] = xi + 0.3 * (xj - xi), xj + 0.3 * (xi - xj)
    par_copy, par_pair = x0.copy(), x0.copy()
    order, bounds = dependency_levels(a, b, n_nodes=n)
    for idx in schedule_groups(order, bounds):
        par_copy[a[idx]] = par_copy[b[idx]]
    order2, bounds2 = dependency_levels(np.stack([a, b], axis=1), n_nodes=n)
    for idx in schedule_groups(order2, bounds2):
        i, j = a[idx], b[idx]
        xi, xj = par_pair[i], par_pair[j]
        par_pair[i], par_pair[j] = xi + 0.3 * (xj - xi), xj + 0.3 * (xi - xj)
    assert np.array_equal(par_copy, seq_copy)
    assert np.array_equal(par_pair, seq_pair)
    chunks = conflict_free_chunks(a, b, n_nodes=n)
    assert len(bounds) < len(chunks) / 3  # far fewer batches than consecutive chunks


def test_schedule_strategies_agree_on_a_world():
    """Levels and chunks are both exact, so the opinion world gives identical results."""
    import socium
    from socium.core import sequential

    cfg = {
        "network": {"kind": "barabasi_albert", "n": 400, "m": 2},
        "world": {"name": "opinion", "model": "deffuant", "epsilon": 0.3},
        "run": {"steps": 8},
    }
    by_levels = socium.run(cfg, seed=9).agents
    saved = sequential.LEVEL_SCHEDULE_MAX_EVENTS
    try:
        sequential.LEVEL_SCHEDULE_MAX_EVENTS = 0
        by_chunks = socium.run(cfg, seed=9).agents
    finally:
        sequential.LEVEL_SCHEDULE_MAX_EVENTS = saved
    assert by_levels.equals(by_chunks)
