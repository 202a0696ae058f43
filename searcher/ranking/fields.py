"""What the ``exact`` field holds: unstemmed word forms and adjacent-word pairs.

The ``exact`` field feeds two ranking signals (see :mod:`searcher.ranking.scorer`):

- **exact forms**: every token of title and body, lower-cased but not stemmed
  (``pemerintah`` stays ``pemerintah`` while the text fields hold ``perintah``), so a
  query word can prefer documents that use the very form typed;
- **pairs**: for every two neighbouring content words (stopwords skipped, so
  ``harga beras di pasar`` gives ``harga beras`` and ``beras pasar``) the term
  ``"<stem> <stem>"``. A pair term never collides with a word form (word forms hold
  no space), and looking up the pairs of a query's neighbouring words gives a
  proximity signal from the postings alone, with no positions to decode.

The class is pickled into the index with the schema, so it must stay importable at
this path and hold no state (it uses the process-wide analyzer).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer as WhooshAnalyzer
from whoosh.analysis import Token

from searcher.analysis.pipeline import default_analyzer, normalize

PAIR_SEPARATOR = " "


def pair_terms(stems: list[str]) -> list[str]:
    """Pair terms of a sequence of content-word stems: ``[a, b, c]`` → ``["a b", "b c"]``."""
    return [f"{a}{PAIR_SEPARATOR}{b}" for a, b in zip(stems, stems[1:]) if a != b]


def content_stems(text: str, exact: list[tuple[str, int, int]] | None = None) -> list[str]:
    """The stems of the non-stopword tokens of ``text``, in order.

    ``exact`` may pass the text's :meth:`~searcher.analysis.Analyzer.exact_spans`
    when the caller has them already.
    """
    analyzer = default_analyzer()
    stop = analyzer.stopwords
    if exact is None:
        exact = analyzer.exact_spans(text)
    stems = analyzer.spans(text)
    if len(exact) == len(stems):
        return [term for (term, _, _), (form, _, _) in zip(stems, exact) if form not in stop]
    return [term for term, a, b in stems if normalize(text[a:b]) not in stop]


class ExactFormsAndPairs(WhooshAnalyzer):
    """Lower-cased word forms of the text and, when indexing, its content-word pairs."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        analyzer = default_analyzer()
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        pos = start_pos
        exact = analyzer.exact_spans(value)
        for form, start, end in exact:
            t.text = form
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            pos += 1
            yield t
        if mode != "index":
            return
        for pair in pair_terms(content_stems(value, exact)):
            t.text = pair
            if positions:
                t.pos = pos
            pos += 1
            yield t
