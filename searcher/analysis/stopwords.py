"""The stopword list (Tala 2003, as shipped with Lucene), loaded from package data."""

from __future__ import annotations

from importlib import resources


def load_wordlist(name: str) -> frozenset[str]:
    """Read a one-word-per-line list from ``searcher/data`` ('#' starts a comment)."""
    text = resources.files("searcher.data").joinpath(name).read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(w for w in words if w)


STOPWORDS: frozenset[str] = load_wordlist("stopwords-tala.txt")
