"""Choosing the seed set (initially active / infected nodes) of a diffusion run."""

from __future__ import annotations

import numpy as np

from socium.core.network import Network
from socium.errors import ConfigError
from socium.worlds.diffusion.config import SeedSpec

__all__ = ["seed_count", "select_seeds"]


def seed_count(spec: SeedSpec, n: int) -> int:
    r"""Number of seeds a table spec asks for on ``n`` nodes.

    Parameters
    ----------
    spec : SeedSpec
        ``k`` or ``fraction``.
    n : int
        Number of nodes.

    Returns
    -------
    int
        ``k``, or :math:`\max(1, \operatorname{round}(f \cdot n))` for ``fraction = f``.

    Raises
    ------
    ConfigError
        ``world.seeds`` when more seeds than nodes are asked for.

    Examples
    --------
    >>> seed_count(SeedSpec(method="random", fraction=0.01), 1000)
    10
    """
    k = spec.k if spec.k is not None else max(1, round(float(spec.fraction) * n))
    if k > n:
        raise ConfigError("world.seeds", f"k = {k} seeds asked for, but the network has {n} nodes")
    return int(k)


def select_seeds(
    seeds: list[int] | SeedSpec, network: Network, rng: np.random.Generator
) -> np.ndarray:
    r"""Node ids of the seed set, sorted ascending.

    Parameters
    ----------
    seeds : list of int or SeedSpec
        Explicit ids, or ``{method = "top_degree" | "random", k | fraction}``.
    network : Network
        The graph (its size bounds the ids; its out-degrees rank ``top_degree``).
    rng : numpy.random.Generator
        Draws the ``random`` seed set (the world's stream).

    Returns
    -------
    numpy.ndarray of int64
        Distinct seed ids in increasing order.

    Raises
    ------
    ConfigError
        ``world.seeds`` for an id ``>= n`` or ``k > n``.

    Notes
    -----
    ``top_degree`` ranks nodes by out-degree :math:`d^{out}_u = |\{v : u \to v\}|` (the degree
    for undirected graphs), the high-degree heuristic of Kempe, Kleinberg & Tardos (2003); ties
    are broken by the lowest id, so the choice is deterministic. ``random`` is a uniform sample
    without replacement (``rng.choice(n, k, replace=False)``).

    References
    ----------
    .. [1] Kempe, D., Kleinberg, J., & Tardos, E. (2003). Maximizing the spread of influence
       through a social network. Proceedings of KDD 2003, 137-146.

    Examples
    --------
    >>> from socium.core.network import Network
    >>> net = Network.from_edges(4, [0, 0, 0, 1], [1, 2, 3, 2], directed=False)
    >>> select_seeds(SeedSpec(method="top_degree", k=2), net, np.random.default_rng(0)).tolist()
    [0, 1]
    """
    n = network.n
    if isinstance(seeds, SeedSpec):
        k = seed_count(seeds, n)
        if seeds.method == "top_degree":
            order = np.argsort(-network.out_degree(), kind="stable")  # stable: lowest id first
            ids = order[:k]
        else:
            ids = rng.choice(n, size=k, replace=False)
        return np.sort(np.asarray(ids, dtype=np.int64))
    ids = np.asarray(seeds, dtype=np.int64)
    if ids.size == 0:
        raise ConfigError("world.seeds", "the list of seed node ids is empty")
    if int(ids.max()) >= n or int(ids.min()) < 0:
        bad = int(ids.max()) if int(ids.max()) >= n else int(ids.min())
        raise ConfigError("world.seeds", f"node id {bad} is out of range; allowed ids 0..{n - 1}")
    if np.unique(ids).size != ids.size:
        raise ConfigError("world.seeds", "a seed node id is listed twice")
    return np.sort(ids)
