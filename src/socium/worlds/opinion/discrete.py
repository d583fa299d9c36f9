r"""Vectorized update rules of the discrete-state opinion models.

States are integers ``0..n_states-1``; ``-1`` marks "no neighbour" in observations and "no
change" in decisions. The world draws who interacts with whom; these functions only decide.
"""

from __future__ import annotations

import numpy as np

__all__ = ["majority_rule", "qvoter_rule", "sznajd_rule", "voter_rule"]


def voter_rule(partner_state: np.ndarray) -> np.ndarray:
    r"""Voter model: adopt the state of the sampled in-neighbour.

    Parameters
    ----------
    partner_state : numpy.ndarray of int64
        State of the sampled neighbour of each acting agent.

    Returns
    -------
    numpy.ndarray of int64
        :math:`\sigma_i \leftarrow \sigma_j`.

    References
    ----------
    .. [1] Holley, R. A., & Liggett, T. M. (1975). Ergodic theorems for weakly interacting
       infinite systems and the voter model. Annals of Probability, 3(4), 643-663.

    Examples
    --------
    >>> import numpy as np
    >>> voter_rule(np.array([1, 0])).tolist()
    [1, 0]
    """
    return np.asarray(partner_state, dtype=np.int64).copy()


def majority_rule(group_states: np.ndarray, n_states: int) -> np.ndarray:
    r"""Majority rule: the group adopts its plurality state.

    Parameters
    ----------
    group_states : numpy.ndarray of int64, shape (k, g)
        States of the members of each group (a member drawn twice votes twice).
    n_states : int
        Number of states.

    Returns
    -------
    numpy.ndarray of int64, shape (k,)
        The state held by the most members, or ``-1`` when several states tie (impossible for
        two states and odd :math:`g`).

    References
    ----------
    .. [1] Galam, S. (2002). Minority opinion spreading in random geometry. European Physical
       Journal B, 25(4), 403-406.
    .. [2] Krapivsky, P. L., & Redner, S. (2003). Dynamics of majority rule in two-state
       interacting spin systems. Physical Review Letters, 90(23), 238701.

    Examples
    --------
    >>> import numpy as np
    >>> majority_rule(np.array([[0, 1, 1], [0, 0, 1]]), 2).tolist()
    [1, 0]
    """
    g = np.asarray(group_states, dtype=np.int64)
    counts = np.stack([(g == s).sum(axis=1) for s in range(n_states)], axis=1)
    best = counts.argmax(axis=1)
    top = counts.max(axis=1)
    ties = (counts == top[:, None]).sum(axis=1) > 1
    return np.where(ties, -1, best).astype(np.int64)


def qvoter_rule(
    own: np.ndarray,
    neighbor_states: np.ndarray,
    independent: np.ndarray,
    random_state: np.ndarray,
) -> np.ndarray:
    r"""q-voter model with independence.

    Parameters
    ----------
    own : numpy.ndarray of int64, shape (k,)
        Current state of each acting agent.
    neighbor_states : numpy.ndarray of int64, shape (k, q)
        States of the :math:`q` sampled neighbours (``-1`` if the agent has none).
    independent : numpy.ndarray of bool, shape (k,)
        Whether the agent acts independently (probability :math:`p`).
    random_state : numpy.ndarray of int64, shape (k,)
        Uniformly random state adopted by independent agents.

    Returns
    -------
    numpy.ndarray of int64
        ``random_state`` for independent agents; otherwise the neighbours' common state if the
        :math:`q` neighbours are unanimous, else ``own``.

    Notes
    -----
    For two states, adopting a uniformly random state is the independent flip with probability
    1/2 of Nyczka et al. (2012). The conformist part is the q-voter model of Castellano et al.
    (2009) with :math:`\varepsilon = 0` (no flip without unanimity).

    References
    ----------
    .. [1] Castellano, C., Muñoz, M. A., & Pastor-Satorras, R. (2009). Nonlinear q-voter model.
       Physical Review E, 80(4), 041129.
    .. [2] Nyczka, P., Sznajd-Weron, K., & Cisło, J. (2012). Phase transitions in the q-voter
       model with two types of social influence. Physical Review E, 86(1), 011105.

    Examples
    --------
    >>> import numpy as np
    >>> qvoter_rule(np.array([0, 0]), np.array([[1, 1], [1, 0]]),
    ...             np.array([False, False]), np.array([0, 0])).tolist()
    [1, 0]
    """
    nb = np.asarray(neighbor_states, dtype=np.int64)
    first = nb[:, 0]
    unanimous = (nb == first[:, None]).all(axis=1) & (first >= 0)
    follow = np.where(unanimous, first, own)
    return np.where(independent, random_state, follow).astype(np.int64)


def sznajd_rule(own: np.ndarray, partner_state: np.ndarray) -> np.ndarray:
    r"""Sznajd model: an agreeing pair imposes its state on its neighbours.

    Parameters
    ----------
    own, partner_state : numpy.ndarray of int64
        States of the focal agent and of its sampled neighbour.

    Returns
    -------
    numpy.ndarray of int64
        The common state when the pair agrees, else ``-1`` (nothing happens).

    References
    ----------
    .. [1] Sznajd-Weron, K., & Sznajd, J. (2000). Opinion evolution in closed community.
       International Journal of Modern Physics C, 11(6), 1157-1165.
    .. [2] Bernardes, A. T., Stauffer, D., & Kertész, J. (2002). Election results and the
       Sznajd model on Barabási network. European Physical Journal B, 25(1), 123-127.

    Examples
    --------
    >>> import numpy as np
    >>> sznajd_rule(np.array([1, 0]), np.array([1, 1])).tolist()
    [1, -1]
    """
    own = np.asarray(own, dtype=np.int64)
    return np.where(own == partner_state, own, -1).astype(np.int64)
