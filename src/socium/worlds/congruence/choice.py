r"""The rule agents' partner choice: a multinomial logit on shared belief and shared identity.

Option :math:`k` (a counterpart) has utility

.. math::

    U_k = m_b\,w_b\,[\text{same belief}_k] + m_{id}\,w_{id}\,[\text{same identity}_k]
          + \varepsilon_k, \qquad \varepsilon_k \sim \text{Gumbel}(0, 1),

and the agent takes the option of highest utility, so
:math:`P(k) = e^{V_k} / \sum_l e^{V_l}` (McFadden 1974). :math:`(m_b, m_{id})` are the
multipliers of the agent's mitigation condition. With :math:`w_b > w_{id}` agents prefer a
like-minded member of the other group to an unlike-minded member of their own: Rokeach's
belief congruence (Rokeach & Mezei 1966).

References
----------
D. McFadden, "Conditional logit analysis of qualitative choice behavior", in *Frontiers in
Econometrics* (1974).
M. Rokeach and L. Mezei, *Science* 151, 167-172 (1966).
"""

from __future__ import annotations

import numpy as np

__all__ = ["choice_probabilities", "logit_choice"]


def _utility(
    same_belief: np.ndarray,
    same_identity: np.ndarray,
    belief_weight: np.ndarray,
    identity_weight: np.ndarray,
) -> np.ndarray:
    return belief_weight[:, None] * same_belief + identity_weight[:, None] * same_identity


def choice_probabilities(
    same_belief: np.ndarray,
    same_identity: np.ndarray,
    available: np.ndarray,
    belief_weight: np.ndarray,
    identity_weight: np.ndarray,
) -> np.ndarray:
    """Logit choice probabilities ``(B, K)`` (0 for unavailable options).

    Examples
    --------
    >>> p = choice_probabilities(np.array([[1, 1, 0, 0]]), np.array([[1, 0, 1, 0]]),
    ...                          np.ones((1, 4), bool), np.array([np.log(3)]), np.array([0.0]))
    >>> p.round(3).tolist()
    [[0.375, 0.375, 0.125, 0.125]]
    """
    v = _utility(same_belief, same_identity, belief_weight, identity_weight)
    v = np.where(available, v, -np.inf)
    v = v - v.max(axis=1, keepdims=True)
    e = np.exp(v)
    return e / e.sum(axis=1, keepdims=True)


def logit_choice(
    same_belief: np.ndarray,
    same_identity: np.ndarray,
    available: np.ndarray,
    belief_weight: np.ndarray,
    identity_weight: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """The chosen option (0-based column) of every row: argmax of utility plus Gumbel noise
    (``B * K`` draws from ``rng``); ``-1`` for a row with no available option."""
    v = _utility(same_belief, same_identity, belief_weight, identity_weight)
    v = v + rng.gumbel(size=v.shape)
    v = np.where(available, v, -np.inf)
    choice = np.argmax(v, axis=1)
    return np.where(available.any(axis=1), choice, -1)
