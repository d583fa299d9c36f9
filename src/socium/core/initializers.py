"""Per-agent initial values: distributions and files.

A population field is initialised from one of these specs (config ``[population.init]``)::

    opinion      = { dist = "uniform", low = 0.0, high = 1.0 }
    stubbornness = { from = "file", path = "lambda.csv" }
    opinion      = { dist = "choice", values = [0, 1], p = [0.3, 0.7] }

Files are CSV or Parquet with columns ``id`` and ``value``, or a single value column in id order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

__all__ = [
    "BernoulliInit",
    "BetaInit",
    "ChoiceInit",
    "ConstantInit",
    "FileInit",
    "InitSpec",
    "NormalInit",
    "UniformInit",
    "load_values",
    "read_per_agent_file",
]


class _Spec(BaseModel):
    # NaN or an infinity as a distribution parameter is always a mistake (and overflows numpy)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def sample(self, n: int, rng: np.random.Generator, base_dir: Path | None = None) -> np.ndarray:
        raise NotImplementedError


class UniformInit(_Spec):
    """Uniform on ``[low, high)``."""

    dist: Literal["uniform"]
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _check(self) -> UniformInit:
        if not self.high > self.low:
            raise ValueError(f"high ({self.high}) must be greater than low ({self.low})")
        return self

    def sample(self, n, rng, base_dir=None):
        return rng.uniform(self.low, self.high, n)


class NormalInit(_Spec):
    """Normal with ``mean`` and ``std``, optionally clipped to ``[clip_low, clip_high]``."""

    dist: Literal["normal"]
    mean: float = 0.0
    std: float = Field(1.0, ge=0.0)
    clip_low: float | None = None
    clip_high: float | None = None

    def sample(self, n, rng, base_dir=None):
        x = rng.normal(self.mean, self.std, n)
        if self.clip_low is not None or self.clip_high is not None:
            x = np.clip(x, self.clip_low, self.clip_high)
        return x


class BetaInit(_Spec):
    """Beta(a, b) on [0, 1], rescaled to ``[low, high]``."""

    dist: Literal["beta"]
    a: float = Field(gt=0.0)
    b: float = Field(gt=0.0)
    low: float = 0.0
    high: float = 1.0

    def sample(self, n, rng, base_dir=None):
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, n)


class ConstantInit(_Spec):
    """The same ``value`` for every agent."""

    dist: Literal["constant"]
    value: float

    def sample(self, n, rng, base_dir=None):
        return np.full(n, self.value, dtype=float)


class ChoiceInit(_Spec):
    """Draw from ``values`` with probabilities ``p`` (uniform if omitted)."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)
    p: list[float] | None = None

    @model_validator(mode="after")
    def _check(self) -> ChoiceInit:
        if self.p is not None:
            if len(self.p) != len(self.values):
                raise ValueError(f"p has {len(self.p)} entries but values has {len(self.values)}")
            if any(q < 0 for q in self.p) or not np.isclose(sum(self.p), 1.0):
                raise ValueError("p must be non-negative and sum to 1")
        return self

    def sample(self, n, rng, base_dir=None):
        values = np.asarray(self.values)
        if np.all(values == np.round(values)):
            values = values.astype(np.int64)
        return rng.choice(values, size=n, p=self.p)


class BernoulliInit(_Spec):
    """1 with probability ``p``, else 0 (integer states)."""

    dist: Literal["bernoulli"]
    p: float = Field(ge=0.0, le=1.0)

    def sample(self, n, rng, base_dir=None):
        return (rng.random(n) < self.p).astype(np.int64)


class FileInit(_Spec):
    """Values read from a CSV or Parquet file (``from = "file"``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: Literal["file"] = Field(alias="from")
    path: str
    column: str | None = None

    @field_validator("path")
    @classmethod
    def _suffix(cls, v: str) -> str:
        if Path(v).suffix.lower() not in {".csv", ".parquet", ".pq", ".txt"}:
            raise ValueError(f"unsupported file type {Path(v).suffix!r}; allowed: .csv, .parquet")
        return v

    def sample(self, n, rng, base_dir=None):
        return read_per_agent_file(self.path, n, base_dir=base_dir, column=self.column)


def _init_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        if "from" in value or "source" in value:
            return "file"
        return value.get("dist")
    if isinstance(value, FileInit):
        return "file"
    return getattr(value, "dist", None)


InitSpec = Annotated[
    Annotated[UniformInit, Tag("uniform")]
    | Annotated[NormalInit, Tag("normal")]
    | Annotated[BetaInit, Tag("beta")]
    | Annotated[ConstantInit, Tag("constant")]
    | Annotated[ChoiceInit, Tag("choice")]
    | Annotated[BernoulliInit, Tag("bernoulli")]
    | Annotated[FileInit, Tag("file")],
    Discriminator(
        _init_tag,
        custom_error_type="invalid_init",
        custom_error_message=(
            "expected { dist = uniform|normal|beta|constant|choice|bernoulli, ... } "
            'or { from = "file", path = ... }'
        ),
    ),
]


def read_per_agent_file(
    path: str | Path, n: int | None, *, base_dir: Path | None = None, column: str | None = None
) -> np.ndarray:
    """Read per-agent values from CSV or Parquet.

    Parameters
    ----------
    path : str or Path
        File with columns ``id`` and ``value`` (any order of ids, each id in ``0..n-1`` once), or a
        single value column in id order. A CSV file may omit the header.
    n : int or None
        Expected number of agents; ``None`` accepts any length.
    base_dir : Path, optional
        Folder that relative paths are resolved against (the config file's folder).
    column : str, optional
        Column to read when the file has several value columns.

    Returns
    -------
    numpy.ndarray
        Values in id order.
    """
    import pandas as pd

    p = Path(path)
    if not p.is_absolute() and base_dir is not None:
        p = Path(base_dir) / p
    if not p.exists():
        raise FileNotFoundError(f"per-agent file not found: {p}")
    if p.suffix.lower() in {".parquet", ".pq"}:
        df = pd.read_parquet(p)
    else:
        df = pd.read_csv(p)
        if not any(c in df.columns for c in ("id", "value", column)) and len(df.columns) <= 2:
            header_numeric = all(_is_number(c) for c in df.columns)
            if header_numeric:
                df = pd.read_csv(p, header=None)
                df.columns = ["value"] if df.shape[1] == 1 else ["id", "value"]
    if column is not None:
        if column not in df.columns:
            raise ValueError(f"{p}: no column {column!r}; columns are {list(df.columns)}")
        values_col = column
    elif "value" in df.columns:
        values_col = "value"
    else:
        others = [c for c in df.columns if c != "id"]
        if len(others) != 1:
            raise ValueError(f"{p}: expected columns 'id' and 'value', got {list(df.columns)}")
        values_col = others[0]
    values = df[values_col].to_numpy()
    if not np.issubdtype(values.dtype, np.number):
        raise ValueError(f"{p}: column {values_col!r} must be numeric")
    if "id" in df.columns:
        ids = df["id"].to_numpy()
        count = len(ids) if n is None else n
        if not np.issubdtype(ids.dtype, np.integer) or (ids.min() < 0 if len(ids) else False):
            raise ValueError(f"{p}: column 'id' must hold non-negative integers")
        if len(ids) != count or len(np.unique(ids)) != count or (count and ids.max() >= count):
            raise ValueError(f"{p}: column 'id' must list each agent 0..{count - 1} exactly once")
        ordered = np.empty(count, dtype=values.dtype)
        ordered[ids] = values
        values = ordered
    if n is not None and len(values) != n:
        raise ValueError(f"{p}: has {len(values)} values but the population has {n} agents")
    if np.issubdtype(values.dtype, np.floating) and np.isnan(values).any():
        raise ValueError(f"{p}: column {values_col!r} contains missing values")
    return values


def _is_number(text: object) -> bool:
    try:
        float(str(text))
    except ValueError:
        return False
    return True


def load_values(
    spec: _Spec, n: int, rng: np.random.Generator, base_dir: Path | None = None
) -> np.ndarray:
    """Sample or read ``n`` per-agent values from an init spec."""
    return spec.sample(n, rng, base_dir)
