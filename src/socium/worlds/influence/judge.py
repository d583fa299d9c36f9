r"""The rule judge: a message's potency from countable features of its text.

.. math::

    p = \operatorname{clip}\Big(w_\ell \min\big(\tfrac{n_w}{L}, 1\big)
        + w_e \tfrac{\min(n_e, 3)}{3} + w_m \tfrac{\min(n_m, 3)}{3},\ 0,\ 1\Big)

with :math:`n_w` the number of words, :math:`n_e` the evidence cues (words such as *study*,
*data*, *report*, *source*, *independent*, and ``%``), :math:`n_m` the emotional cues (words such
as *shocking*, *urgent*, *leaked*, *lie*, and ``!``), :math:`L = 30` and weights
:math:`(w_\ell, w_e, w_m) = (0.2, 0.4, 0.4)`. Evidence and emotional arousal are the two routes
to persuasion most studied for (mis)information (Petty & Cacioppo 1986; Vosoughi, Roy & Aral
2018; Martel, Pennycook & Rand 2020). The same judge scores rule and LLM messages.

References
----------
R. E. Petty and J. T. Cacioppo, *The Elaboration Likelihood Model of Persuasion* (1986).
S. Vosoughi, D. Roy and S. Aral, "The spread of true and false news online", *Science* 359,
1146-1151 (2018).
C. Martel, G. Pennycook and D. G. Rand, "Reliance on emotion promotes belief in fake news",
*Cognitive Research* 5, 47 (2020).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["EMOTION_CUES", "EVIDENCE_CUES", "rule_potency"]

#: Words counted as evidence cues (besides ``%``).
EVIDENCE_CUES = frozenset(
    {
        "according",
        "data",
        "evidence",
        "experts",
        "independent",
        "official",
        "percent",
        "report",
        "reports",
        "research",
        "source",
        "sources",
        "studies",
        "study",
        "test",
        "tests",
    }
)
#: Words counted as emotional cues (besides ``!``).
EMOTION_CUES = frozenset(
    {
        "deleted",
        "furious",
        "hiding",
        "leaked",
        "lie",
        "lies",
        "outrageous",
        "scandal",
        "shocking",
        "silenced",
        "terrifying",
        "truth",
        "urgent",
        "wake",
    }
)
_WEIGHTS = (0.2, 0.4, 0.4)
_LENGTH = 30


def rule_potency(messages: Sequence[str]) -> np.ndarray:
    """Potency in [0, 1] of every message (0 for an empty one).

    Examples
    --------
    >>> rule_potency(["", "Tap water is fine.",
    ...               "URGENT! Leaked report: the truth they are hiding!"]).round(3).tolist()
    [0.0, 0.027, 0.587]
    """
    from socium.text.tokens import word_tokens

    out = np.zeros(len(messages))
    for k, text in enumerate(messages):
        words = word_tokens(text)
        if not words:
            continue
        evidence = sum(w in EVIDENCE_CUES for w in words) + text.count("%")
        emotion = sum(w in EMOTION_CUES for w in words) + text.count("!")
        w_len, w_ev, w_em = _WEIGHTS
        score = (
            w_len * min(len(words) / _LENGTH, 1.0)
            + w_ev * min(evidence, 3) / 3
            + w_em * min(emotion, 3) / 3
        )
        out[k] = min(max(score, 0.0), 1.0)
    return out
