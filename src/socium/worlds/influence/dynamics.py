r"""The population's rule: bounded confidence with confirmation bias, from campaign messages
and from a network neighbour.

An agent's opinion :math:`x_i \in [-1, 1]` is its belief in the claim (:math:`+1`: true,
:math:`-1`: false). Campaign :math:`c` has the side :math:`\sigma_c` (:math:`+1`
misinformation, :math:`-1` correction) and this round's effective potency :math:`p_c`; agent
:math:`i` receives it when :math:`e_{ic} = 1`. With :math:`j` a random network neighbour of
:math:`i`, all from the state at the start of the round:

.. math::

    b(u, v) = \begin{cases} 1 & u\,v \ge 0 \\ 1 - \beta & u\,v < 0 \end{cases}
    \qquad (\text{confirmation bias})

    \Delta^{\text{msg}}_i = \sum_c e_{ic}\, \mathbb{1}\big[|\sigma_c - x_i| < \varepsilon_m\big]\,
        \mu_m\, p_c\, b(x_i, \sigma_c)\, (\sigma_c - x_i)

    \Delta^{\text{peer}}_i = \mathbb{1}\big[|x_j - x_i| < \varepsilon\big]\,\mu\, b(x_i, x_j)\,
        (x_j - x_i)

    x_i' = \operatorname{clip}(x_i + \Delta^{\text{msg}}_i + \Delta^{\text{peer}}_i, -1, 1)

Bounded confidence is the Deffuant et al. (2000) rule; information against the current leaning
is discounted by :math:`1 - \beta` (confirmation bias: Nickerson 1998; in opinion dynamics,
Del Vicario et al. 2017, Sikder et al. 2020).

References
----------
G. Deffuant, D. Neau, F. Amblard and G. Weisbuch, "Mixing beliefs among interacting agents",
*Advances in Complex Systems* 3, 87-98 (2000).
R. S. Nickerson, "Confirmation bias: a ubiquitous phenomenon in many guises", *Review of
General Psychology* 2(2), 175-220 (1998).
M. Del Vicario, A. Scala, G. Caldarelli, H. E. Stanley and W. Quattrociocchi, "Modeling
confirmation bias and polarization", *Scientific Reports* 7, 40391 (2017).
O. Sikder, R. E. Smith, P. Vivo and G. Livan, "A minimalistic model of bias, polarization and
misinformation in social networks", *Scientific Reports* 10, 5493 (2020).
M. Nasim, S. M. Gilani, A. Qasmi and U. Naseem, "Simulating Influence Dynamics with LLM
Agents", arXiv:2503.08709 (2025).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SIDES", "bias", "update_opinions"]

#: Side of each campaign: misinformation pushes toward +1, correction toward -1.
SIDES = np.array([1.0, -1.0])


def bias(x: np.ndarray, other: np.ndarray, beta: float) -> np.ndarray:
    """Confirmation-bias weight: 1 for agreeing (or neutral) information, ``1 - beta`` else.

    Examples
    --------
    >>> bias(np.array([0.5, 0.5, 0.0]), np.array([1.0, -1.0, -1.0]), 0.4).tolist()
    [1.0, 0.6, 1.0]
    """
    return np.where(x * other >= 0, 1.0, 1.0 - beta)


def update_opinions(
    x: np.ndarray,
    exposed: np.ndarray,
    potency: np.ndarray,
    neighbour: np.ndarray,
    *,
    message_epsilon: float,
    message_mu: float,
    epsilon: float,
    mu: float,
    beta: float,
) -> np.ndarray:
    r"""New opinions (see the module notes).

    Parameters
    ----------
    x : numpy.ndarray
        ``(B,)`` current opinions.
    exposed : numpy.ndarray
        ``(B, 2)`` bool: received the misinformation / correction message this round.
    potency : numpy.ndarray
        ``(2,)`` effective potencies.
    neighbour : numpy.ndarray
        ``(B,)`` opinion of the neighbour talked to (NaN: no talk).
    message_epsilon, message_mu, epsilon, mu, beta : float
        :math:`\varepsilon_m`, :math:`\mu_m`, :math:`\varepsilon`, :math:`\mu`, :math:`\beta`.

    Examples
    --------
    >>> update_opinions(np.array([0.0, -0.8]), np.array([[True, False], [True, False]]),
    ...                 np.array([1.0, 0.0]), np.array([np.nan, np.nan]), message_epsilon=1.2,
    ...                 message_mu=0.5, epsilon=0.5, mu=0.5, beta=0.5).tolist()
    [0.5, -0.8]
    """
    d = SIDES[None, :] - x[:, None]
    accept = exposed & (np.abs(d) < message_epsilon)
    w = message_mu * potency[None, :] * bias(x[:, None], SIDES[None, :], beta)
    delta = np.where(accept, w * d, 0.0).sum(axis=1)
    talk = ~np.isnan(neighbour)
    nb = np.where(talk, neighbour, x)
    dp = nb - x
    delta += np.where(talk & (np.abs(dp) < epsilon), mu * bias(x, nb, beta) * dp, 0.0)
    return np.clip(x + delta, -1.0, 1.0)
