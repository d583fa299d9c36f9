"""Tests for socium.metrics.cascades on hand-drawn trees and closed forms."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from socium.metrics.cascades import (
    cascade_depth,
    cascade_size,
    cascade_trees,
    generation,
    max_breadth,
    spread_curve,
    structural_virality,
)

# Hand-drawn forest (11 agents):
#
#   seed 0 (t=0)                      seed 7 (t=1)        9: never active
#    |- 1 (t=1)                         |- 8 (t=2)
#    |   |- 3 (t=2) -- 6 (t=3)
#    |   |- 4 (t=2)
#    |   `- 5 (t=2)
#    `- 2 (t=1) -- 10 (t=2)
PARENT = np.array([-1, 0, 0, 1, 1, 1, 3, -1, 7, -1, 2])
ACTIVATED = np.array([0, 1, 1, 2, 2, 2, 3, 1, 2, -1, 2])


def test_generation_hand_drawn_tree():
    expected = [0, 1, 1, 2, 2, 2, 3, 0, 1, -1, 2]
    np.testing.assert_array_equal(generation(PARENT, ACTIVATED), expected)
    # without activated_at, never-active agent 9 is a 1-node root (generation 0)
    expected[9] = 0
    np.testing.assert_array_equal(generation(PARENT), expected)


def test_depth_and_breadth_hand_drawn_tree():
    assert cascade_depth(PARENT, ACTIVATED) == 3
    # generation sizes: g0 {0,7} = 2, g1 {1,2,8} = 3, g2 {3,4,5,10} = 4, g3 {6} = 1
    assert max_breadth(PARENT, ACTIVATED) == 4


def test_size_and_trees_hand_drawn_tree():
    assert cascade_size(ACTIVATED) == 10
    roots, sizes = cascade_trees(PARENT, ACTIVATED)
    np.testing.assert_array_equal(roots, [0, 7])
    np.testing.assert_array_equal(sizes, [8, 2])
    roots, sizes = cascade_trees(PARENT)
    np.testing.assert_array_equal(roots, [0, 7, 9])
    np.testing.assert_array_equal(sizes, [8, 2, 1])


def test_structural_virality_hand_drawn_tree():
    # Tree of seed 0, N = 8. Subtree sizes below each edge: s(1)=5, s(2)=2, s(3)=2,
    # s(4)=s(5)=s(6)=s(10)=1. Wiener W = 5*3 + 2*6 + 2*6 + 4*(1*7) = 67; nu = 67 / C(8,2).
    assert structural_virality(PARENT, ACTIVATED, root=0) == pytest.approx(67 / 28)
    assert structural_virality(PARENT, ACTIVATED, root=7) == 1.0
    np.testing.assert_allclose(
        structural_virality(PARENT, ACTIVATED, per_tree=True), [67 / 28, 1.0]
    )
    # the same tree, checked independently with networkx shortest paths
    tree = nx.Graph([(i, int(p)) for i, p in enumerate(PARENT) if p >= 0 and i not in (8,)])
    tree = tree.subgraph(nx.node_connected_component(tree, 0))
    assert structural_virality(PARENT, ACTIVATED, root=0) == pytest.approx(
        nx.average_shortest_path_length(tree)
    )


def test_structural_virality_requires_choice_for_forest():
    with pytest.raises(ValueError, match="2 cascade trees"):
        structural_virality(PARENT, ACTIVATED)
    with pytest.raises(ValueError, match="root must be"):
        structural_virality(PARENT, ACTIVATED, root=9)  # never active
    with pytest.raises(ValueError, match="either root or per_tree"):
        structural_virality(PARENT, ACTIVATED, root=0, per_tree=True)


@pytest.mark.parametrize("n", [2, 3, 5, 100, 1000])
def test_structural_virality_path_closed_form(n):
    # W(path) = sum_{s=1}^{n-1} s (n - s) = n (n^2 - 1) / 6 -> nu = (n + 1) / 3
    parent = np.arange(-1, n - 1)
    assert structural_virality(parent) == pytest.approx((n + 1) / 3)


@pytest.mark.parametrize("n", [2, 3, 10, 500])
def test_structural_virality_star_closed_form(n):
    # every edge splits 1 | n-1: W = (n-1)^2 -> nu = 2 (n-1) / n
    parent = np.zeros(n, dtype=int)
    parent[0] = -1
    assert structural_virality(parent) == pytest.approx(2 * (n - 1) / n)


def test_structural_virality_long_relabelled_path():
    # a deep tree (depth 2e5) with shuffled ids: no recursion, no per-generation loop issues
    n = 200_000
    order = np.random.default_rng(0).permutation(n)  # order[j] = id of the j-th path node
    parent = np.full(n, -1)
    parent[order[1:]] = order[:-1]
    assert structural_virality(parent) == pytest.approx((n + 1) / 3, rel=1e-12)
    gen = generation(parent)
    np.testing.assert_array_equal(gen[order], np.arange(n))


def test_structural_virality_single_node_is_nan():
    assert math.isnan(structural_virality([-1]))


def test_random_recursive_tree_matches_networkx():
    rng = np.random.default_rng(11)
    n = 300
    parent = np.concatenate(([-1], [rng.integers(0, i) for i in range(1, n)]))
    perm = rng.permutation(n)  # relabel so that parents need not have smaller ids
    relabelled = np.full(n, -1)
    relabelled[perm[1:]] = perm[parent[1:]]
    tree = nx.Graph([(int(perm[i]), int(perm[parent[i]])) for i in range(1, n)])
    dist = nx.single_source_shortest_path_length(tree, int(perm[0]))
    gen = generation(relabelled)
    assert all(gen[v] == d for v, d in dist.items())
    assert structural_virality(relabelled) == pytest.approx(
        nx.average_shortest_path_length(tree), rel=1e-12
    )


def test_spread_curve_hand_drawn():
    # activations per step: t0 {0}, t1 {1,2,7}, t2 {3,4,5,8,10}, t3 {6}; n = 11
    np.testing.assert_allclose(spread_curve(ACTIVATED, 5), np.array([1, 4, 9, 10, 10]) / 11)
    np.testing.assert_allclose(spread_curve(ACTIVATED, 2, n=20), np.array([1, 4]) / 20)


def test_spread_curve_bad_input():
    with pytest.raises(ValueError, match="steps"):
        spread_curve(ACTIVATED, 0)
    with pytest.raises(ValueError, match="n must be"):
        spread_curve(ACTIVATED, 3, n=5)
    with pytest.raises(ValueError, match="integers"):
        spread_curve(np.array([0.0, 1.0]), 3)
    with pytest.raises(ValueError, match=">= -1"):
        spread_curve(np.array([0, -2]), 3)


def test_nothing_active():
    parent = np.full(4, -1)
    act = np.full(4, -1)
    assert cascade_depth(parent, act) == 0
    assert max_breadth(parent, act) == 0
    assert cascade_size(act) == 0
    np.testing.assert_array_equal(spread_curve(act, 3), [0.0, 0.0, 0.0])
    assert cascade_trees(parent, act)[0].size == 0
    assert structural_virality(parent, act, per_tree=True).size == 0


def test_inputs_not_modified():
    p, a = PARENT.copy(), ACTIVATED.copy()
    structural_virality(p, a, per_tree=True)
    max_breadth(p, a)
    np.testing.assert_array_equal(p, PARENT)
    np.testing.assert_array_equal(a, ACTIVATED)


@pytest.mark.parametrize(
    ("parent", "activated", "match"),
    [
        ([1, 0], None, "cycle"),
        ([0], None, "cycle"),
        ([-1, 2, 3, 1], None, "cycle"),
        ([-1, 5], None, r"\[-1, n-1\]"),
        ([-1, -3], None, ">= -1"),
        ([-1.0, 0.0], None, "integers"),
        ([[-1, 0]], None, "1-D"),
        ([-1, 0], [0, -1], "activated_at is -1"),
        ([-1, 0], [-1, 2], "never activated"),
        ([-1, 0], [3, 1], "later than"),
        ([-1, 0], [0, 1, 2], "same shape"),
    ],
)
def test_bad_parent_input(parent, activated, match):
    with pytest.raises(ValueError, match=match):
        generation(np.asarray(parent), None if activated is None else np.asarray(activated))
