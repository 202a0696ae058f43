"""Whoosh analyzer adapters.

The schema is pickled into the index, so these classes must stay importable at this
path and keep no unpicklable state: they look up the process-wide pipeline on use.
The only state is the name of the stemmer (``searcher``, the default, or
``snowball``), so an index built with ``searcher index --stemmer snowball`` carries
its choice in its schema; the default is not stored at all (a class attribute), so
schemas pickled before the option existed read as ``searcher``.

When indexing (``mode="index"``), :class:`IndonesianAnalyzer` also emits the pieces
of a hyphenated compound at the compound's own position (``COVID-19`` → ``covid-19``
plus ``covid`` and ``19``), so a query for a piece finds the compound while a phrase
or a query for the whole compound still matches exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer as WhooshAnalyzer
from whoosh.analysis import Token

from searcher.analysis.pipeline import analyzer_for
from searcher.analysis.stemmer import DEFAULT_STEMMER, STEMMERS


class StemmerChoice(WhooshAnalyzer):
    """A Whoosh analyzer whose only state is the name of its stemmer (see the module)."""

    #: the default; an instance stores its own only when it is another one
    stemmer = DEFAULT_STEMMER

    def __init__(self, stemmer: str = DEFAULT_STEMMER) -> None:
        if stemmer not in STEMMERS:
            raise ValueError(f"unknown stemmer {stemmer!r} (choose from {', '.join(STEMMERS)})")
        if stemmer != DEFAULT_STEMMER:
            self.stemmer = stemmer

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.stemmer == other.stemmer  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.stemmer))

    def __repr__(self) -> str:
        args = "" if self.stemmer == DEFAULT_STEMMER else f"stemmer={self.stemmer!r}"
        return f"{type(self).__name__}({args})"


class IndonesianAnalyzer(StemmerChoice):
    """Stemmed Indonesian terms (stopwords kept, for positions and phrases).

    ``stemmer`` names the stemmer (:data:`~searcher.analysis.stemmer.STEMMERS`).
    """

    exact = False

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        analyzer = analyzer_for(self.stemmer)
        if self.exact:
            spans = analyzer.exact_spans(value)
            parts = None
        else:
            spans = analyzer.spans(value)
            parts = analyzer.parts if mode == "index" else None
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (term, start, end) in enumerate(spans):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t
            if parts is not None and "-" in term:
                for piece in parts(term):
                    t.text = piece
                    yield t


class ExactAnalyzer(IndonesianAnalyzer):
    """Lower-cased, unstemmed surface forms: the exact-form signal (any stemmer gives the same)."""

    exact = True
