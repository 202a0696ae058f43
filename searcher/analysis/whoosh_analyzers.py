"""Whoosh analyzer adapters.

The schema is pickled into the index, so these classes must stay importable at this
path and keep no unpicklable state: they look up the process-wide pipeline on use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer as WhooshAnalyzer
from whoosh.analysis import Token

from searcher.analysis.pipeline import default_analyzer


class IndonesianAnalyzer(WhooshAnalyzer):
    """Stemmed Indonesian terms (stopwords kept, for positions and phrases)."""

    exact = False

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        analyzer = default_analyzer()
        if self.exact:
            from searcher.analysis.tokenizer import tokenize as split
            spans = [(s.lower(), a, b) for s, a, b in split(value)]
        else:
            spans = analyzer.spans(value)
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


class ExactAnalyzer(IndonesianAnalyzer):
    """Lower-cased, unstemmed surface forms: the exact-form signal."""

    exact = True
