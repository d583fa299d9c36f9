"""Tests for socium.core.network.Network on tiny graphs whose answers are worked out by hand."""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from socium.core.network import Network


def _directed_triangle() -> Network:
    # 0 -> 1, 0 -> 2, 1 -> 2
    return Network.from_edges(3, [0, 0, 1], [1, 2, 2], directed=True)


def _edge_set(net: Network) -> set[tuple[int, int]]:
    src, dst = net.edges()
    return set(zip(src.tolist(), dst.tolist(), strict=True))


# ---------------------------------------------------------------------- construction
def test_storage_is_canonical_and_compact():
    a = sp.coo_array(
        ([1.0, 1.0, 0.0, 1.0], ([0, 0, 1, 2], [2, 1, 2, 0])), shape=(3, 3)
    )  # includes an explicit zero (1, 2)
    net = Network(a, directed=True)
    adj = net.adjacency
    assert isinstance(adj, sp.csr_array)
    assert adj.data.dtype == np.float64
    assert adj.indices.dtype == np.int32
    assert adj.indptr.dtype == np.int32
    assert adj.has_sorted_indices
    assert adj.indices[adj.indptr[0] : adj.indptr[1]].tolist() == [1, 2]
    assert adj.nnz == 3  # explicit zero dropped
    assert _edge_set(net) == {(0, 1), (0, 2), (2, 0)}


def test_duplicates_are_merged_and_weights_ignored_unless_weighted():
    a = sp.coo_array(([2.0, 3.0, 5.0], ([0, 0, 1], [1, 1, 0])), shape=(2, 2))
    unweighted = Network(a, directed=True)
    assert unweighted.adjacency.toarray().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    weighted = Network(a, directed=True, weighted=True)
    assert weighted.adjacency.toarray().tolist() == [[0.0, 5.0], [5.0, 0.0]]  # 2 + 3 summed


def test_self_loops_removed_by_default_and_kept_on_request():
    dense = np.array([[1, 1], [0, 1]])
    assert Network(dense, directed=True).num_edges == 1
    kept = Network(dense, directed=True, allow_self_loops=True)
    assert kept.num_edges == 3
    undirected = Network(dense, directed=False, allow_self_loops=True)
    # edges {0,0}, {0,1}, {1,1}: a self-loop counts once
    assert undirected.num_edges == 3
    assert undirected.degree().tolist() == [2, 2]


def test_undirected_input_is_symmetrized():
    upper = sp.csr_array(np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]]))
    net = Network(upper, directed=False)
    assert net.adjacency.toarray().tolist() == [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    assert net.num_edges == 2


def test_weighted_undirected_asymmetric_weights_rejected():
    a = np.array([[0.0, 2.0], [3.0, 0.0]])
    with pytest.raises(ValueError, match="symmetric"):
        Network(a, directed=False, weighted=True)
    # one direction only is fine: it is mirrored with its weight
    b = np.array([[0.0, 2.0], [0.0, 0.0]])
    assert Network(b, directed=False, weighted=True).adjacency.toarray().tolist() == [
        [0.0, 2.0],
        [2.0, 0.0],
    ]


def test_constructor_does_not_modify_callers_matrix():
    a = sp.csr_array(np.array([[0.0, 4.0], [4.0, 0.0]]))
    Network(a, directed=False)
    assert a.data.tolist() == [4.0, 4.0]


@pytest.mark.parametrize(
    ("matrix", "match"),
    [(np.zeros((2, 3)), "square"), (np.array([[0.0, np.nan], [0.0, 0.0]]), "finite")],
)
def test_bad_adjacency_rejected(matrix, match):
    with pytest.raises(ValueError, match=match):
        Network(matrix, directed=True, weighted=True)


def test_complete_flag_checked():
    k3 = np.ones((3, 3)) - np.eye(3)
    assert Network(k3, directed=False, complete=True).complete
    with pytest.raises(ValueError, match="complete"):
        Network(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]]), directed=False, complete=True)


def test_empty_network():
    net = Network(sp.csr_array((0, 0)), directed=False)
    assert net.n == 0
    assert net.num_edges == 0
    assert net.connected_components() == 0
    assert not net.is_connected()


# ---------------------------------------------------------------------- degrees and neighbours
def test_directed_degrees_by_hand():
    net = _directed_triangle()
    assert net.out_degree().tolist() == [2, 1, 0]
    assert net.in_degree().tolist() == [0, 1, 2]
    assert net.degree().tolist() == [2, 2, 2]
    assert net.out_degree().dtype == np.int64
    assert net.num_edges == 3
    assert net.neighbors(0).tolist() == [1, 2]
    assert net.neighbors(2, "in").tolist() == [0, 1]
    assert net.neighbors(1, "all").tolist() == [0, 2]
    assert net.in_adjacency.toarray().tolist() == net.adjacency.toarray().T.tolist()


def test_undirected_degrees_and_edges_once():
    # path 0-1-2 plus the edge 1-3
    net = Network.from_edges(4, [0, 1, 3], [1, 2, 1], directed=False)
    assert net.degree().tolist() == [1, 3, 1, 1]
    assert net.in_degree().tolist() == net.out_degree().tolist() == [1, 3, 1, 1]
    assert net.num_edges == 3
    src, dst = net.edges()
    assert list(zip(src.tolist(), dst.tolist(), strict=True)) == [(0, 1), (1, 2), (1, 3)]
    assert net.in_adjacency is net.adjacency


def test_strength_only_when_asked():
    net = Network.from_edges(3, [0, 0, 1], [1, 2, 2], [2.0, 0.5, 4.0], directed=True, weighted=True)
    assert net.out_degree().tolist() == [2, 1, 0]  # unweighted counts
    assert net.strength("out").tolist() == [2.5, 4.0, 0.0]
    assert net.strength("in").tolist() == [0.0, 2.0, 4.5]
    assert net.strength("all").tolist() == [2.5, 6.0, 4.5]
    _, _, w = net.edges(weights=True)
    assert w.tolist() == [2.0, 0.5, 4.0]
    with pytest.raises(ValueError, match="direction"):
        net.strength("sideways")


def test_neighbors_bad_node():
    with pytest.raises(ValueError, match="u must be"):
        _directed_triangle().neighbors(3)


# ---------------------------------------------------------------------- edge updates
def test_add_remove_undirected_keeps_symmetry():
    net = Network.from_edges(4, [0, 1], [1, 2], directed=False)  # path 0-1-2, node 3 isolated
    net.add_edges([2, 3, 0, 1], [3, 3, 1, 0])  # new 2-3; self-loop and duplicates ignored
    assert _edge_set(net) == {(0, 1), (1, 2), (2, 3)}
    net.remove_edges([1, 0], [0, 3])  # 1-0 removes {0,1}; {0,3} is missing: no-op
    adj = net.adjacency
    assert (adj != adj.T).nnz == 0
    assert _edge_set(net) == {(1, 2), (2, 3)}
    assert net.degree().tolist() == [0, 1, 2, 1]
    assert net.num_edges == 2


def test_updates_invalidate_in_adjacency_cache():
    net = _directed_triangle()
    assert net.in_degree().tolist() == [0, 1, 2]
    _ = net.in_adjacency
    net.add_edges([2], [0])
    assert net.in_adjacency.toarray()[0].tolist() == [0.0, 0.0, 1.0]
    assert net.in_degree().tolist() == [1, 1, 2]
    net.remove_edges([0], [2])
    assert net.neighbors(2, "in").tolist() == [1]


def test_updates_follow_call_order_for_weights():
    net = Network.from_edges(2, [0], [1], [2.0], directed=True, weighted=True)
    net.add_edges([0], [1], 5.0)  # already present: weight kept
    assert net.adjacency[0, 1] == 2.0
    net.remove_edges([0], [1])
    net.add_edges([0], [1], 7.0)  # removed then re-added: new weight
    net.add_edges([0], [1], 9.0)  # present again: ignored
    assert net.adjacency[0, 1] == 7.0
    net.add_edges([1], [0], 3.0)
    net.remove_edges([1], [0])  # added then removed in the same batch: absent
    assert net.num_edges == 1


def test_updates_match_a_dense_reference():
    rng = np.random.default_rng(7)
    n = 12
    for directed in (False, True):
        net = Network(np.zeros((n, n)), directed=directed, weighted=True)
        ref = np.zeros((n, n))
        for _ in range(8):  # several batches, each with several calls
            for _ in range(rng.integers(1, 4)):
                s = rng.integers(0, n, 15)
                d = rng.integers(0, n, 15)
                w = rng.integers(1, 5, 15).astype(float)
                if rng.random() < 0.6:
                    net.add_edges(s, d, w)
                    for a, b, x in zip(s, d, w, strict=True):
                        if a == b:
                            continue
                        pairs = [(a, b)] if directed else [(a, b), (b, a)]
                        if ref[a, b] == 0:
                            for u, v in pairs:
                                ref[u, v] = x
                else:
                    net.remove_edges(s, d)
                    ref[s, d] = 0
                    if not directed:
                        ref[d, s] = 0
            np.testing.assert_array_equal(net.adjacency.toarray(), ref)
            assert net.adjacency.has_sorted_indices


def test_removal_clears_complete_flag():
    net = Network(np.ones((3, 3)) - np.eye(3), directed=False, complete=True)
    net.add_edges([0], [1])  # already present: still complete
    assert net.complete
    net.remove_edges([0], [1])
    assert not net.complete


def test_update_validation_names_argument():
    net = _directed_triangle()
    with pytest.raises(ValueError, match="dst"):
        net.add_edges([0], [5])
    with pytest.raises(ValueError, match="src"):
        net.remove_edges([-1], [0])
    with pytest.raises(ValueError, match="same length"):
        net.add_edges([0, 1], [2])
    with pytest.raises(ValueError, match="unweighted"):
        net.add_edges([1], [0], weight=2.0)
    with pytest.raises(ValueError, match="integer"):
        net.add_edges([0.5], [1])


def test_copy_is_independent():
    net = _directed_triangle()
    net.attrs["tag"] = "x"
    twin = net.copy()
    twin.remove_edges([0], [1])
    assert net.num_edges == 3
    assert twin.num_edges == 2
    assert twin.attrs == {"tag": "x"}


# ---------------------------------------------------------------------- networkx
def test_karate_club_unweighted_by_default():
    g = nx.karate_club_graph()  # carries "weight" attributes
    net = Network.from_networkx(g)
    assert (net.n, net.num_edges) == (34, 78)
    assert not net.weighted
    assert net.degree()[0] == 16
    assert net.degree().tolist() == [d for _, d in g.degree()]
    assert set(net.adjacency.data.tolist()) == {1.0}
    assert net.labels is None


def test_from_networkx_weighted_keeps_weights():
    g = nx.karate_club_graph()
    net = Network.from_networkx(g, weighted=True)
    expected = [s for _, s in g.degree(weight="weight")]
    np.testing.assert_allclose(net.strength(), expected)


def test_networkx_roundtrip_undirected_and_directed():
    g = nx.karate_club_graph()
    back = Network.from_networkx(g).to_networkx()
    assert {frozenset(e) for e in back.edges()} == {frozenset(e) for e in g.edges()}
    dg = nx.DiGraph([(0, 1), (1, 2), (2, 0), (0, 2)])
    net = Network.from_networkx(dg)
    assert net.directed
    assert _edge_set(net) == {(0, 1), (1, 2), (2, 0), (0, 2)}
    assert set(net.to_networkx().edges()) == set(dg.edges())


def test_from_networkx_relabels_and_keeps_labels():
    g = nx.Graph([("b", "a"), ("a", "c")])  # node order: b, a, c
    net = Network.from_networkx(g)
    assert net.labels == ["b", "a", "c"]
    assert _edge_set(net) == {(0, 1), (1, 2)}
    named = net.to_networkx(use_labels=True)
    assert {frozenset(e) for e in named.edges()} == {frozenset(("a", "b")), frozenset(("a", "c"))}
    assert net.to_networkx().nodes[0]["label"] == "b"


# ---------------------------------------------------------------------- edge-list IO
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("directed", [False, True])
def test_edgelist_roundtrip(tmp_path, suffix, directed):
    net = Network.from_edges(
        5, [0, 1, 3, 4], [1, 2, 1, 0], [1.5, 2.0, 3.0, 0.25], directed=directed, weighted=True
    )
    path = tmp_path / f"edges{suffix}"
    net.write_edgelist(path)
    back = Network.read_edgelist(path, directed=directed, weighted=True)
    assert back.n == 5
    np.testing.assert_array_equal(back.adjacency.toarray(), net.adjacency.toarray())
    unweighted = Network.read_edgelist(path, directed=directed)
    assert set(unweighted.adjacency.data.tolist()) == {1.0}


def test_written_csv_has_header(tmp_path):
    path = tmp_path / "e.csv"
    Network.from_edges(3, [2], [0], directed=False).write_edgelist(path)
    assert path.read_text().splitlines() == ["source,target", "0,2"]


def test_edgelist_with_and_without_header(tmp_path):
    (tmp_path / "h.csv").write_text("source,target\n0,1\n1,2\n")
    (tmp_path / "nh.csv").write_text("0,1\n1,2\n")
    (tmp_path / "ws.txt").write_text("# a comment\n0 1\n1\t2\n")
    (tmp_path / "tabs.tsv").write_text("source\ttarget\n0\t1\n1\t2\n")
    (tmp_path / "swapped.csv").write_text("target,source\n1,0\n2,1\n")
    for name in ("h.csv", "nh.csv", "ws.txt", "tabs.tsv", "swapped.csv"):
        net = Network.read_edgelist(tmp_path / name)
        assert net.n == 3
        assert _edge_set(net) == {(0, 1), (1, 2)}, name


def test_edgelist_n_keeps_isolated_nodes_and_direction(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("source,target\n2,0\n")
    net = Network.read_edgelist(path, directed=True, n=5)
    assert net.n == 5
    assert net.out_degree().tolist() == [0, 0, 1, 0, 0]
    assert net.isolates().tolist() == [1, 3, 4]


def test_edgelist_float_ids_that_are_integers_are_accepted(tmp_path):
    path = tmp_path / "e.parquet"
    pd.DataFrame({"source": [0.0, 1.0], "target": [1.0, 2.0]}).to_parquet(path)
    assert _edge_set(Network.read_edgelist(path)) == {(0, 1), (1, 2)}


def test_edgelist_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError, match=re.escape(str(path))):
        Network.read_edgelist(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("source,target\n0,x\n", "column 'target'"),
        ("source,target\n-1,2\n", "column 'source'.*non-negative"),
        ("source,target\n0.5,2\n", "column 'source'"),
        ("0,1\n1,a\n", "column 'target'"),
    ],
)
def test_edgelist_bad_ids_name_the_column(tmp_path, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        Network.read_edgelist(path)


def test_edgelist_other_errors(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("source,target\n0,7\n")
    with pytest.raises(ValueError, match="n=5"):
        Network.read_edgelist(path, n=5)
    with pytest.raises(ValueError, match="weight"):
        Network.read_edgelist(path, weighted=True)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="no edges"):
        Network.read_edgelist(empty)
    assert Network.read_edgelist(empty, n=3).num_edges == 0
    bad_w = tmp_path / "w.csv"
    bad_w.write_text("source,target,weight\n0,1,heavy\n")
    with pytest.raises(ValueError, match="column 'weight'"):
        Network.read_edgelist(bad_w, weighted=True)


# ---------------------------------------------------------------------- connectivity
def test_components_and_isolates():
    # triangle 0-1-2, edge 3-4, isolated 5
    net = Network.from_edges(6, [0, 1, 2, 3], [1, 2, 0, 4], directed=False)
    assert net.connected_components() == 3
    assert not net.is_connected()
    assert net.isolates().tolist() == [5]
    labels = net.component_labels()
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] != labels[5]


def test_directed_components_are_weak():
    net = Network.from_edges(3, [0, 2], [1, 1], directed=True)  # 0 -> 1 <- 2
    assert net.connected_components() == 1
    assert net.is_connected()
    assert net.isolates().size == 0


def test_repr_mentions_size():
    assert repr(_directed_triangle()) == "Network(name='', n=3, edges=3, directed, unweighted)"
