"""Tokenisation shared by the text embedders and the text metrics.

One rule everywhere: lower-case the text (``str.lower``) and keep the maximal runs of Unicode
letters and digits, with inner apostrophes kept (``don't`` is one token). Underscores and all
other punctuation separate tokens.
"""

from __future__ import annotations

import re

__all__ = ["char_ngrams", "word_ngrams", "word_tokens"]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        The maximal runs of Unicode letters and digits (inner apostrophes kept), lower-cased,
        in order. Empty when the text has no letter or digit.

    Examples
    --------
    >>> word_tokens("Don't PANIC: it's 42_km!")
    ["don't", 'panic', "it's", '42', 'km']
    """
    return _WORD.findall(text.lower())


def word_ngrams(tokens: list[str], n: int) -> list[str]:
    """Contiguous word ``n``-grams of a token list, joined by one space.

    Examples
    --------
    >>> word_ngrams(["a", "b", "c"], 2)
    ['a b', 'b c']
    """
    if n == 1:
        return list(tokens)
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def char_ngrams(tokens: list[str], n: int) -> list[str]:
    """Character ``n``-grams of each token padded as ``<token>`` (fastText style).

    A token whose padded form ``<token>`` has fewer than ``n`` characters gives no n-gram.

    Examples
    --------
    >>> char_ngrams(["cat"], 3)
    ['<ca', 'cat', 'at>']
    """
    out: list[str] = []
    for tok in tokens:
        padded = f"<{tok}>"
        out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out
