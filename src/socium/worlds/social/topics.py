r"""Topic vectors of users and posts, and the text-to-topic map for LLM-written posts.

A topic vector is non-negative and L2-normalised; its squared entries form the topic mixture
:math:`p` (:math:`\sum_k p_k = 1`). The cosine of two such vectors is the Bhattacharyya
coefficient :math:`\sum_k \sqrt{p_k q_k}` of their mixtures, in :math:`[0, 1]`.

* **Users.** Topic :math:`k` has a lean :math:`l_k` evenly spaced in :math:`[-1, 1]`. User
  :math:`i` with opinion :math:`x_i` has mixture
  :math:`p_i = (1 - c)\,\mathrm{Dir}(\alpha) + c\, g_i`, with
  :math:`g_{ik} \propto \exp(-(x_i - l_k)^2 / 0.5)`, so interests follow opinion with coupling
  :math:`c` (``interest_coupling``).
* **Rule posts** on topic :math:`k` by user :math:`i`: :math:`p = 0.7 e_k + 0.3 p_i`.
* **Text** (posts written by LLM agents): the text and the topic names are embedded with
  :func:`socium.text.embed.get_embedder` (MiniLM when installed, a hashing embedder
  otherwise) and :math:`p = \mathrm{softmax}(\cos(e_{\text{text}}, e_{\text{topic}_k}) / 0.1)`
  (:func:`socium.text.embed.topic_vectors`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["TextTopics", "init_interests", "mixture_vectors", "post_topic_vectors"]

_TEXT_TEMPERATURE = 0.1
_POST_FOCUS = 0.7


def mixture_vectors(p: np.ndarray) -> np.ndarray:
    """Topic vectors (float32, L2-normalised) from non-negative mixtures (rows)."""
    p = np.maximum(np.asarray(p, dtype=np.float64), 0.0)
    total = p.sum(axis=-1, keepdims=True)
    p = np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[-1]), where=total > 0)
    return np.sqrt(p).astype(np.float32)


def init_interests(
    opinion: np.ndarray, n_topics: int, coupling: float, concentration: float, rng
) -> np.ndarray:
    """Interest vectors (n, n_topics) float32 (see the module notes)."""
    n = opinion.shape[0]
    lean = np.linspace(-1.0, 1.0, n_topics) if n_topics > 1 else np.zeros(1)
    base = rng.gamma(concentration, 1.0, size=(n, n_topics))
    base /= np.maximum(base.sum(axis=1, keepdims=True), 1e-300)
    near = np.exp(-((opinion[:, None] - lean[None, :]) ** 2) / 0.5)
    near /= near.sum(axis=1, keepdims=True)
    return mixture_vectors((1.0 - coupling) * base + coupling * near)


def post_topic_vectors(topics: np.ndarray, author_interest: np.ndarray) -> np.ndarray:
    """Topic vectors of rule posts on ``topics`` by authors with the given interest vectors."""
    p = (1.0 - _POST_FOCUS) * author_interest.astype(np.float64) ** 2
    p[np.arange(topics.shape[0]), topics] += _POST_FOCUS
    return mixture_vectors(p)


class TextTopics:
    """Embeds texts against the topic names (lazily; only LLM-written posts need it).

    Parameters
    ----------
    names : sequence of str
        Topic names.
    kind : str
        ``socium.text.embed.get_embedder`` kind: ``"auto"``, ``"minilm"`` or ``"hashing"``.
    """

    def __init__(self, names: Sequence[str], kind: str = "auto"):
        self.names = list(names)
        self.kind = kind
        self._embedder = None
        self._topic_emb: np.ndarray | None = None

    def _ready(self):
        if self._embedder is None:
            from socium.text.embed import get_embedder

            self._embedder = get_embedder(kind=self.kind)
            self._topic_emb = np.asarray(self._embedder.embed(self.names), dtype=np.float32)
        return self._embedder

    def vectors(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Topic vectors (len(texts), n_topics) and dominant topic indices of ``texts``."""
        if not len(texts):
            return np.zeros((0, len(self.names)), np.float32), np.zeros(0, np.int16)
        from socium.text.embed import topic_vectors

        emb = self._ready().embed(list(texts))
        p = topic_vectors(emb, self._topic_emb, temperature=_TEXT_TEMPERATURE)
        return mixture_vectors(p), np.argmax(p, axis=1).astype(np.int16)
