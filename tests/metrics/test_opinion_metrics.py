"""Tests for socium.metrics.opinion: explicit arrays and tiny graphs worked out by hand."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from socium.metrics.opinion import (
    active_link_density,
    consensus,
    disagreement,
    max_abs_change,
    mean_abs_change,
    opinion_clusters,
    state_fractions,
)

# --------------------------------------------------------------------------- opinion clusters


def test_clusters_explicit_array():
    x = np.array([0.92, 0.5, 0.1, 0.9, 0.105])
    count, centres = opinion_clusters(x, tol=0.05)
    assert count == 3
    np.testing.assert_allclose(centres, [0.1025, 0.5, 0.91])


def test_clusters_min_size_drops_small_clusters():
    x = np.array([0.92, 0.5, 0.1, 0.9, 0.105])
    count, centres = opinion_clusters(x, tol=0.05, min_size=2)
    assert count == 2
    np.testing.assert_allclose(centres, [0.1025, 0.91])
    assert opinion_clusters(x, tol=0.05, min_size=3)[0] == 0


def test_clusters_gap_equal_to_tol_does_not_split():
    x = np.array([0.0, 0.25, 0.5])  # exactly representable gaps of 0.25
    assert opinion_clusters(x, tol=0.25)[0] == 1
    assert opinion_clusters(x, tol=0.2)[0] == 3


def test_clusters_chain_through_small_gaps():
    count, centres = opinion_clusters([1.0, 0.75, 0.5, 0.25, 0.0], tol=0.25)
    assert count == 1
    np.testing.assert_allclose(centres, [0.5])


def test_clusters_permutation_invariant_and_input_untouched():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0.2, 1e-4, 50), rng.normal(0.8, 1e-4, 30)])
    before = x.copy()
    c1, m1 = opinion_clusters(x, tol=0.01)
    c2, m2 = opinion_clusters(rng.permutation(x), tol=0.01)
    assert c1 == c2 == 2
    np.testing.assert_allclose(m1, m2)
    np.testing.assert_allclose(m1, [x[:50].mean(), x[50:].mean()])
    np.testing.assert_array_equal(x, before)


def test_clusters_tol_zero_counts_distinct_values():
    assert opinion_clusters([0.3, 0.3, 0.7, 0.1, 0.7], tol=0.0)[0] == 3


def test_clusters_empty_array():
    count, centres = opinion_clusters(np.array([]), tol=0.1)
    assert count == 0
    assert centres.shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": [0.1, np.nan]}, "finite"),
        ({"x": [[0.1, 0.2]]}, "1-D"),
        ({"x": [0.1], "tol": -0.1}, "tol must be >= 0"),
        ({"x": [0.1], "min_size": 0}, "min_size"),
        ({"x": [0.1], "min_size": 1.5}, "min_size"),
    ],
)
def test_clusters_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        opinion_clusters(**kwargs)


# --------------------------------------------------------------------------- consensus


def test_consensus_discrete_and_continuous():
    assert consensus(np.array([2, 2, 2]))
    assert not consensus(np.array([2, 2, 3]))
    assert consensus(np.array([True, True]))
    assert consensus([0.5, 0.52], tol=0.05)
    assert not consensus([0.5, 0.6], tol=0.05)
    assert consensus([0.25, 0.5], tol=0.25)  # spread == tol counts


def test_consensus_bad_input():
    with pytest.raises(ValueError, match="non-empty"):
        consensus(np.array([], dtype=int))
    with pytest.raises(ValueError, match="finite"):
        consensus([0.1, np.nan], tol=1.0)
    with pytest.raises(ValueError, match="tol"):
        consensus([1, 1], tol=-1)


# --------------------------------------------------------------------------- state fractions


def test_state_fractions_hand_worked():
    np.testing.assert_array_equal(state_fractions([0, 2, 2, 0], n_states=4), [0.5, 0, 0.5, 0])
    np.testing.assert_array_equal(state_fractions(np.array([1, 1, 1, 0])), [0.25, 0.75])


def test_state_fractions_sum_to_one():
    rng = np.random.default_rng(1)
    f = state_fractions(rng.integers(0, 5, 10_001))
    assert f.shape == (5,)
    assert f.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("states", "n_states", "match"),
    [
        ([0.0, 1.0], None, "integers"),
        ([0, -1], None, "non-negative"),
        ([0, 3], 3, "n_states"),
        ([], None, "non-empty"),
    ],
)
def test_state_fractions_bad_input(states, n_states, match):
    with pytest.raises(ValueError, match=match):
        state_fractions(np.asarray(states), n_states)


# --------------------------------------------------------------------------- convergence


def test_abs_change_hand_worked():
    old = np.array([0.0, 1.0, 0.5, 0.25])
    new = np.array([0.5, 1.0, 0.25, 0.25])
    assert mean_abs_change(old, new) == pytest.approx(0.75 / 4)
    assert max_abs_change(old, new) == 0.5
    assert max_abs_change(old, old) == 0.0


def test_abs_change_multidimensional_state():
    old = np.zeros((2, 2))
    new = np.array([[1.0, -3.0], [0.0, 0.0]])
    assert mean_abs_change(old, new) == 1.0
    assert max_abs_change(old, new) == 3.0


def test_abs_change_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        mean_abs_change([0.0, 1.0], [0.0])
    with pytest.raises(ValueError, match="non-empty"):
        max_abs_change([], [])


# --------------------------------------------------------------------------- disagreement


def test_disagreement_path_hand_worked():
    # edges (0,1): (0-1)^2 = 1, (1,2): 0 -> mean over 2 edges = 0.5
    assert disagreement(nx.path_graph(3), [0.0, 1.0, 1.0]) == 0.5


def test_disagreement_weighted():
    g = nx.Graph()
    g.add_edge(0, 1, weight=3.0)
    g.add_edge(1, 2, weight=1.0)
    x = [0.0, 1.0, 1.0]
    assert disagreement(g, x) == 0.5  # weights ignored by default
    assert disagreement(g, x, weighted=True) == pytest.approx(3.0 / 4.0)


def test_disagreement_directed_counts_each_arc():
    d = nx.DiGraph([(0, 1)])
    d.add_node(2)
    assert disagreement(d, [0.0, 2.0, 5.0]) == 4.0


def test_disagreement_vector_opinions_use_squared_distance():
    x = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0]])
    assert disagreement(nx.path_graph(3), x) == pytest.approx(12.5)


def test_disagreement_equals_laplacian_quadratic_form():
    g = nx.karate_club_graph()
    x = np.random.default_rng(2).random(g.number_of_nodes())
    lap = nx.laplacian_matrix(g, weight=None).toarray()
    assert disagreement(g, x) == pytest.approx(x @ lap @ x / g.number_of_edges())


def test_disagreement_bad_input_and_no_edges():
    with pytest.raises(ValueError, match="graph nodes"):
        disagreement(nx.path_graph(3), [0.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        disagreement(nx.path_graph(2), [0.0, np.nan])
    assert math.isnan(disagreement(nx.empty_graph(2), [0.0, 1.0]))


# --------------------------------------------------------------------------- active links


def test_active_link_density_hand_worked():
    assert active_link_density(nx.path_graph(3), [0, 0, 1]) == 0.5
    assert active_link_density(nx.cycle_graph(4), [0, 1, 0, 1]) == 1.0
    assert active_link_density(nx.complete_graph(5), [3] * 5) == 0.0


def test_active_link_density_karate_factions_matches_edge_loop():
    g = nx.karate_club_graph()
    club = np.array([g.nodes[v]["club"] == "Officer" for v in g], dtype=int)
    expected = np.mean([club[u] != club[v] for u, v in g.edges()])
    assert active_link_density(g, club) == pytest.approx(expected)


def test_active_link_density_bad_input():
    with pytest.raises(ValueError, match="graph nodes"):
        active_link_density(nx.path_graph(3), [0, 1])
    with pytest.raises(ValueError, match="NaN"):
        active_link_density(nx.path_graph(2), [0.0, np.nan])
    assert math.isnan(active_link_density(nx.empty_graph(2), [0, 1]))
