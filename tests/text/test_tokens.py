"""Tests for socium.text.tokens."""

from __future__ import annotations

from socium.text.tokens import char_ngrams, word_ngrams, word_tokens


def test_word_tokens_lowercases_and_splits_on_punctuation():
    assert word_tokens("Don't PANIC: it's 42_km!") == ["don't", "panic", "it's", "42", "km"]
    assert word_tokens("Café, naïve; ÜBER") == ["café", "naïve", "über"]


def test_word_tokens_empty_and_punctuation_only():
    assert word_tokens("") == []
    assert word_tokens("  ... !!! ''") == []


def test_word_ngrams():
    toks = ["a", "b", "c"]
    assert word_ngrams(toks, 1) == ["a", "b", "c"]
    assert word_ngrams(toks, 2) == ["a b", "b c"]
    assert word_ngrams(toks, 3) == ["a b c"]
    assert word_ngrams(toks, 4) == []


def test_char_ngrams_padded():
    assert char_ngrams(["cat"], 3) == ["<ca", "cat", "at>"]
    assert char_ngrams(["a"], 3) == ["<a>"]
    assert char_ngrams(["a"], 4) == []
