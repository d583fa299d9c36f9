"""Validated ``[network]`` config section: one pydantic model per network kind.

The models form a discriminated union on the field ``kind`` (:data:`NetworkSpec`), so that a
config such as ``{"kind": "erdos_renyi", "n": 1000, "p": 0.01}`` validates into
:class:`ErdosRenyiSpec`, and a bad value is reported with its location, e.g.
``("erdos_renyi", "p")``. :func:`build_network` turns a spec into a
:class:`~socium.core.network.Network`.

Kinds and parameter names are part of socium's public config contract:

=====================  ==========================================================
kind                   parameters
=====================  ==========================================================
``complete``           ``n``
``star``               ``n`` (node 0 is the hub)
``path``               ``n``
``cycle``              ``n``
``lattice``            ``rows``, ``cols``, ``periodic = false``
``erdos_renyi``        ``n``, ``p``, ``directed = false``
``barabasi_albert``    ``n``, ``m``
``watts_strogatz``     ``n``, ``k``, ``p``
``stochastic_block``   ``sizes``, ``p`` (matrix), ``directed = false``
``karate_club``, ...   none (the classic networkx graphs, see ``NAMED_GRAPHS``)
``edgelist``           ``path``, ``directed = false``, ``n`` (optional)
=====================  ==========================================================

Every kind also accepts ``weighted = false``. For generators, ``weighted = true`` gives unit
weights (useful when a world later adds weighted edges); for named graphs and edge lists it
keeps the weights of the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)

from socium.core import generators
from socium.core.generators import NAMED_GRAPHS
from socium.core.network import Network

__all__ = [
    "NETWORK_KINDS",
    "BarabasiAlbertSpec",
    "CompleteSpec",
    "CycleSpec",
    "EdgelistSpec",
    "ErdosRenyiSpec",
    "LatticeSpec",
    "NamedGraphSpec",
    "NetworkSpec",
    "PathSpec",
    "StarSpec",
    "StochasticBlockSpec",
    "WattsStrogatzSpec",
    "build_network",
    "parse_network_spec",
]


def _reject_bool(value: Any) -> Any:
    """Refuse ``true``/``false`` where a number is expected (pydantic would read it as 1/0)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {value}")
    return value


NonNegativeInt = Annotated[int, BeforeValidator(_reject_bool), Field(ge=0)]
PositiveInt = Annotated[int, BeforeValidator(_reject_bool), Field(ge=1)]
Probability = Annotated[float, BeforeValidator(_reject_bool), Field(ge=0.0, le=1.0)]


class _SpecBase(BaseModel):
    """Fields and settings shared by every network kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weighted: bool = False


class CompleteSpec(_SpecBase):
    """``kind = "complete"``: every pair of the ``n`` nodes linked."""

    kind: Literal["complete"] = "complete"
    n: PositiveInt


class StarSpec(_SpecBase):
    """``kind = "star"``: hub 0 linked to nodes ``1..n-1``."""

    kind: Literal["star"] = "star"
    n: PositiveInt


class PathSpec(_SpecBase):
    """``kind = "path"``: nodes ``0 - 1 - ... - (n-1)``."""

    kind: Literal["path"] = "path"
    n: PositiveInt


class CycleSpec(_SpecBase):
    """``kind = "cycle"``: the path closed into a ring."""

    kind: Literal["cycle"] = "cycle"
    n: PositiveInt


class LatticeSpec(_SpecBase):
    """``kind = "lattice"``: a ``rows x cols`` 4-neighbour grid, a torus when ``periodic``."""

    kind: Literal["lattice"] = "lattice"
    rows: PositiveInt
    cols: PositiveInt
    periodic: bool = False


class ErdosRenyiSpec(_SpecBase):
    """``kind = "erdos_renyi"``: :math:`G(n, p)`, each pair linked with probability ``p``."""

    kind: Literal["erdos_renyi"] = "erdos_renyi"
    n: PositiveInt
    p: Probability
    directed: bool = False


class BarabasiAlbertSpec(_SpecBase):
    """``kind = "barabasi_albert"``: preferential attachment, ``m`` links per new node."""

    kind: Literal["barabasi_albert"] = "barabasi_albert"
    n: PositiveInt
    m: PositiveInt

    @field_validator("m")
    @classmethod
    def _m_below_n(cls, m: int, info: ValidationInfo) -> int:
        n = info.data.get("n")
        if n is not None and m >= n:
            raise ValueError(f"m must be smaller than n={n} (1 <= m < n); got {m}")
        return m


class WattsStrogatzSpec(_SpecBase):
    """``kind = "watts_strogatz"``: ring of ``k`` nearest neighbours, rewired with prob. ``p``."""

    kind: Literal["watts_strogatz"] = "watts_strogatz"
    n: PositiveInt
    k: NonNegativeInt
    p: Probability

    @field_validator("k")
    @classmethod
    def _k_even_below_n(cls, k: int, info: ValidationInfo) -> int:
        if k % 2:
            raise ValueError(f"k must be even; got {k}")
        n = info.data.get("n")
        if n is not None and k >= n:
            raise ValueError(f"k must be smaller than n={n}; got {k}")
        return k


class StochasticBlockSpec(_SpecBase):
    """``kind = "stochastic_block"``: blocks of ``sizes``, link probabilities matrix ``p``."""

    kind: Literal["stochastic_block"] = "stochastic_block"
    sizes: Annotated[list[PositiveInt], Field(min_length=1)]
    directed: bool = False
    p: list[list[Probability]]

    @field_validator("p")
    @classmethod
    def _p_square(cls, p: list[list[float]], info: ValidationInfo) -> list[list[float]]:
        sizes = info.data.get("sizes")
        if sizes is None:
            return p
        nb = len(sizes)
        if len(p) != nb or any(len(row) != nb for row in p):
            raise ValueError(
                f"p must be a {nb} x {nb} matrix (one row and column per block in sizes)"
            )
        if not info.data.get("directed", False):
            arr = np.asarray(p, dtype=np.float64)
            if not np.array_equal(arr, arr.T):
                raise ValueError("p must be symmetric (p[a][b] == p[b][a]) unless directed = true")
        return p


class NamedGraphSpec(_SpecBase):
    """``kind = "karate_club"`` (or another name of ``NAMED_GRAPHS``): a classic small graph."""

    kind: Literal[NAMED_GRAPHS]  # type: ignore[valid-type]


class EdgelistSpec(_SpecBase):
    """``kind = "edgelist"``: read ``path`` (CSV or Parquet; columns source, target[, weight]).

    A relative ``path`` is resolved against the folder of the config file.
    """

    kind: Literal["edgelist"] = "edgelist"
    path: Annotated[str, Field(min_length=1)]
    directed: bool = False
    n: PositiveInt | None = None


NetworkSpec = Annotated[
    CompleteSpec
    | StarSpec
    | PathSpec
    | CycleSpec
    | LatticeSpec
    | ErdosRenyiSpec
    | BarabasiAlbertSpec
    | WattsStrogatzSpec
    | StochasticBlockSpec
    | NamedGraphSpec
    | EdgelistSpec,
    Field(discriminator="kind"),
]
"""Any network spec; pydantic picks the model from the ``kind`` field."""

#: Every accepted value of ``kind``.
NETWORK_KINDS: list[str] = [
    "complete",
    "star",
    "path",
    "cycle",
    "lattice",
    "erdos_renyi",
    "barabasi_albert",
    "watts_strogatz",
    "stochastic_block",
    *NAMED_GRAPHS,
    "edgelist",
]

_ADAPTER: TypeAdapter[Any] = TypeAdapter(NetworkSpec)


def parse_network_spec(data: Mapping[str, Any]) -> BaseModel:
    """Validate a ``[network]`` mapping into its spec model.

    Parameters
    ----------
    data : mapping
        Must hold ``kind`` and that kind's parameters.

    Returns
    -------
    pydantic.BaseModel
        One of the spec models of :data:`NetworkSpec`.

    Raises
    ------
    pydantic.ValidationError
        Unknown ``kind``, missing or extra field, or a value out of range; each error's ``loc``
        names the kind and the field, e.g. ``("erdos_renyi", "p")``.

    Examples
    --------
    >>> parse_network_spec({"kind": "erdos_renyi", "n": 10, "p": 0.5}).p
    0.5
    """
    return _ADAPTER.validate_python(dict(data))


def _with_unit_weights(net: Network) -> Network:
    if net.weighted:
        return net
    out = Network._from_trusted(
        net.adjacency,
        directed=net.directed,
        weighted=True,
        name=net.name,
        complete=net.complete,
        allow_self_loops=net.allow_self_loops,
        labels=net.labels,
    )
    out.attrs = net.attrs
    return out


def build_network(
    spec: BaseModel | Mapping[str, Any],
    rng: np.random.Generator,
    base_dir: Path | None = None,
) -> Network:
    """Build the network that a spec describes.

    Parameters
    ----------
    spec : NetworkSpec model or mapping
        A validated spec, or a raw mapping that is validated first.
    rng : numpy.random.Generator
        Randomness for the random generators (unused by deterministic kinds).
    base_dir : pathlib.Path, optional
        Folder against which a relative ``edgelist`` path is resolved (the config file's
        folder). Defaults to the current directory.

    Returns
    -------
    Network
        Its ``name`` is the kind (for edge lists, the file name without suffix).

    Raises
    ------
    FileNotFoundError
        When an edge-list file does not exist.
    ValueError
        When an edge list is malformed or the graph would have no nodes.

    Examples
    --------
    >>> import numpy as np
    >>> net = build_network({"kind": "cycle", "n": 5}, np.random.default_rng(0))
    >>> net.num_edges
    5
    """
    if not isinstance(spec, BaseModel):
        spec = parse_network_spec(spec)
    s: Any = spec
    kind = s.kind
    net: Network
    if kind == "complete":
        net = generators.complete(s.n)
    elif kind == "star":
        net = generators.star(s.n)
    elif kind == "path":
        net = generators.path(s.n)
    elif kind == "cycle":
        net = generators.cycle(s.n)
    elif kind == "lattice":
        net = generators.lattice(s.rows, s.cols, s.periodic)
    elif kind == "erdos_renyi":
        net = generators.erdos_renyi(s.n, s.p, s.directed, rng=rng)
    elif kind == "barabasi_albert":
        net = generators.barabasi_albert(s.n, s.m, rng=rng)
    elif kind == "watts_strogatz":
        net = generators.watts_strogatz(s.n, s.k, s.p, rng=rng)
    elif kind == "stochastic_block":
        net = generators.stochastic_block(s.sizes, s.p, s.directed, rng=rng)
    elif kind == "edgelist":
        path = Path(s.path).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        net = Network.read_edgelist(path, directed=s.directed, weighted=s.weighted, n=s.n)
    elif kind in NAMED_GRAPHS:
        net = generators.named(kind, weighted=s.weighted)
    else:  # pragma: no cover - the union rejects unknown kinds first
        raise ValueError(f"network.kind must be one of {', '.join(NETWORK_KINDS)}; got {kind!r}")
    if net.n == 0:
        raise ValueError(f"network kind {kind!r} produced a graph with no nodes")
    if s.weighted:
        net = _with_unit_weights(net)
    return net
