"""What the ``exact`` field holds: unstemmed word forms and adjacent-word pairs.

The ``exact`` field feeds two ranking signals (see :mod:`searcher.ranking.scorer`):

- **exact forms**: every token of title and body, lower-cased but not stemmed
  (``pemerintah`` stays ``pemerintah`` while the text fields hold ``perintah``), so a
  query word can prefer documents that use the very form typed;
- **pairs**: for every two neighbouring content words (stopwords skipped, so
  ``harga beras di pasar`` gives ``~harga beras`` and ``~beras pasar``) the term
  ``"~<stem> <stem>"``. Looking up the pairs of a query's neighbouring words gives a
  proximity signal from the postings alone, with no positions to decode. The
  leading ``~`` (never the start of a word form) keeps pair terms apart from word
  forms: they sort together in one block of the field's lexicon, so walking the
  word forms near a given word (spelling suggestions) never meets them.

The field also has a per-document column, the text's **signature**: the 8 smallest
CRC-32 hashes of its word 4-shingles (lower-cased, split at whitespace), a bottom-k
sketch. Two texts that are nearly the same share most of these values, two
unrelated ones practically none, so near-duplicate candidates are found by
comparing small arrays (:mod:`searcher.ranking.duplicates`).

:class:`ExactField` and :class:`ExactFormsAndPairs` are pickled into the index with
the schema, so they must stay importable at this path and hold no state (they use
the process-wide analyzer).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh import columns
from whoosh.analysis import Analyzer as WhooshAnalyzer
from whoosh.analysis import Token
from whoosh.fields import TEXT

from searcher.analysis.pipeline import default_analyzer, normalize

#: The first character of every pair term.
PAIR_MARK = "~"


def pair_terms(stems: list[str]) -> list[str]:
    """Pair terms of a sequence of content-word stems: ``[a, b, c]`` → ``["~a b", "~b c"]``."""
    return [f"{PAIR_MARK}{a} {b}" for a, b in zip(stems, stems[1:]) if a != b]


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


#: Values in a signature (a bottom-k sketch of the text's word 4-shingles).
SIGNATURE_SIZE = 8
SHINGLE_WORDS = 4
_SIGNATURE = struct.Struct(f">{SIGNATURE_SIZE}I")
_NO_SIGNATURE = bytes(_SIGNATURE.size)
_MASK = 0xFFFFFFFF


_WORD_CODES: dict[bytes, int] = {}


def _word_code(word: bytes) -> int:
    code = _WORD_CODES.get(word)
    if code is None:
        if len(_WORD_CODES) > 2_000_000:
            _WORD_CODES.clear()
        code = _WORD_CODES[word] = zlib.crc32(word)
    return code


def signature(text: str) -> bytes:
    """The text's signature: its :data:`SIGNATURE_SIZE` smallest shingle hashes.

    Shingle hashes combine the CRC-32 of each word with odd multipliers, so they are
    the same in every process (unlike Python's ``hash``). Shorter lists are padded
    with ``0xFFFFFFFF``; an empty text gives all zeros (no signature).
    """
    words = text.lower().encode("utf-8").split()
    if not words:
        return _NO_SIGNATURE
    if len(words) < SHINGLE_WORDS:
        low = [zlib.crc32(b" ".join(words)) or 1]
    else:
        import numpy as np  # only when indexing: opening an index must not need NumPy

        codes = list(map(_WORD_CODES.get, words))
        if None in codes:
            codes = [_word_code(w) for w in words]
        h = np.array(codes, dtype=np.uint64)
        mixed = (h[:-3] * 0x9E3779B1 + h[1:-2] * 0x85EBCA77 + h[2:-1] * 0xC2B2AE3D + h[3:])
        mixed &= _MASK
        mixed = mixed[(mixed != 0) & (mixed != _MASK)]
        if len(mixed) > 4 * SIGNATURE_SIZE:
            mixed = np.partition(mixed, 4 * SIGNATURE_SIZE)[:4 * SIGNATURE_SIZE + 1]
        low = np.unique(mixed)[:SIGNATURE_SIZE].tolist()
    low += [_MASK] * (SIGNATURE_SIZE - len(low))
    return _SIGNATURE.pack(*low)


class ExactField(TEXT):
    """The ``exact`` field: :class:`ExactFormsAndPairs` terms and a signature column."""

    def __init__(self) -> None:
        super().__init__(analyzer=ExactFormsAndPairs(), stored=False, phrase=False)
        self.column_type = columns.FixedBytesColumn(_SIGNATURE.size)

    def to_column_value(self, value: object) -> bytes:
        return signature(value) if isinstance(value, str) else _NO_SIGNATURE

    def from_column_value(self, value: bytes) -> bytes:
        return value
