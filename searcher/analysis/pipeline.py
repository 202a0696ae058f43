"""The analysis pipeline: tokenize → lowercase → stem, with stopwords marked.

Stopwords are indexed (so phrases and all-stopword queries work) and removed from
plain query terms by the query layer; :meth:`Analyzer.terms` exposes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from searcher.analysis.stemmer import IndonesianStemmer
from searcher.analysis.stopwords import STOPWORDS
from searcher.analysis.tokenizer import tokenize

#: Bumped whenever the terms produced for a text change; stored in every index.
ANALYZER_VERSION = "1"


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token of :meth:`Analyzer.analyze`: surface form, indexed term and offsets."""

    text: str
    term: str | None
    start: int
    end: int
    rule: str = ""
    stopword: bool = False


class Analyzer:
    """Indonesian analysis of text into index terms."""

    def __init__(self) -> None:
        self._stemmer = IndonesianStemmer()
        self.stopwords = STOPWORDS

    def term(self, surface: str) -> str:
        """The index term for one surface token."""
        return self._stemmer.stem(surface.lower())

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """``(term, start, end)`` for every token, stopwords included (fast path)."""
        stem = self._stemmer.stem
        return [(stem(s.lower()), a, b) for s, a, b in tokenize(text)]

    def terms(self, text: str, *, stopwords: bool = True) -> list[str]:
        """Index terms of ``text`` in order; ``stopwords=False`` drops stopwords."""
        stem = self._stemmer.stem
        out = []
        for s, _, _ in tokenize(text):
            low = s.lower()
            if not stopwords and low in self.stopwords:
                continue
            out.append(stem(low))
        return out

    def exact_terms(self, text: str) -> list[str]:
        """Lower-cased surface forms, unstemmed."""
        return [s.lower() for s, _, _ in tokenize(text)]

    def is_stopword(self, surface: str) -> bool:
        """Whether the surface form is a stopword."""
        return surface.lower() in self.stopwords

    def analyze(self, text: str, *, explain: bool = False) -> list[AnalyzedToken]:
        """Every token with its term (``None`` for a stopword) and, with ``explain``, its rule."""
        out = []
        for s, a, b in tokenize(text):
            low = s.lower()
            if low in self.stopwords:
                out.append(AnalyzedToken(s, None, a, b, "stopword" if explain else "", True))
                continue
            if explain:
                root, rule = self._stemmer.explain(low)
            else:
                root, rule = self._stemmer.stem(low), ""
            out.append(AnalyzedToken(s, root, a, b, rule))
        return out


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    """The process-wide analyzer (its caches are shared)."""
    return Analyzer()
