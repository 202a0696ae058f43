"""What the ``exact`` field holds: word forms, adjacent-word pairs and lead words.

The ``exact`` field (title and body) feeds three ranking signals (see
:mod:`searcher.ranking.scorer`):

- **exact forms**: every token, lower-cased but not stemmed (``pemerintah`` stays
  ``pemerintah`` while the text fields hold ``perintah``), so a query word can
  prefer documents that use the very form typed;
- **pairs**: for every two neighbouring content words among the first
  :data:`PAIR_TOKENS` tokens (stopwords skipped, so ``harga beras di pasar`` gives
  ``~harga beras`` and ``~beras pasar``) the term ``"~<stem> <stem>"``. Looking up the
  pairs of a query's neighbouring words gives a proximity signal from the postings
  alone, with no positions to decode. Only the headline and the first paragraphs
  count: that is where an article states its story, so a phrase found there says
  more about what the article is about than the same phrase deep in the text
  (ranking is better on every dev set than with pairs from the whole text), and
  it keeps the field small (pairs from the whole text were ~90% of a segment's
  terms);
- **lead words**: ``"^<stem>"`` for every content word among the first
  :data:`LEAD_TOKENS` tokens — the headline and the opening sentence or two, where
  a news article says what it is about (for an article without a title, its
  opening alone). One posting lookup per query word gives the lead signal.

The marks ``~`` and ``^`` never start a word form, so these terms sort in blocks of
their own in the field's lexicon: walking the word forms near a given word
(spelling suggestions) never meets them. :func:`index_terms` is the one definition
of the field's terms; a fast segment writer may call it directly.

The field also has a per-document column, the text's **signature**: the 8 smallest
CRC-32 hashes of its word 4-shingles (lower-cased, split at whitespace), a bottom-k
sketch. Two texts that are nearly the same share most of these values, two
unrelated ones practically none, so near-duplicate candidates are found by
comparing small arrays (:mod:`searcher.ranking.duplicates`).

:class:`ExactField` and :class:`ExactFormsAndPairs` are pickled into the index with
the schema, so they must stay importable at this path and hold no state but the
name of the stemmer of the pair and lead terms (they use the process-wide analyzer
of that stemmer; the default stemmer is a class attribute, not stored).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

from whoosh import columns
from whoosh.analysis import Token
from whoosh.fields import TEXT

from searcher.analysis.pipeline import analyzer_for, default_analyzer, normalize
from searcher.analysis.stemmer import DEFAULT_STEMMER
from searcher.analysis.whoosh_analyzers import StemmerChoice

#: The first character of every pair term.
PAIR_MARK = "~"
#: The first character of every lead-word term.
LEAD_MARK = "^"
#: Tokens (stopwords included) at the start of the text whose content words are lead words.
LEAD_TOKENS = 50
#: Tokens (stopwords included) at the start of the text whose neighbouring content words
#: give pair terms.
PAIR_TOKENS = 120


def pair_terms(stems: list[str]) -> list[str]:
    """Pair terms of a sequence of content-word stems: ``[a, b, c]`` → ``["~a b", "~b c"]``."""
    return [f"{PAIR_MARK}{a} {b}" for a, b in zip(stems, stems[1:]) if a != b]


def lead_term(stem: str) -> str:
    """The lead-word term of a stem: ``harga`` → ``^harga``."""
    return LEAD_MARK + stem


def index_terms(forms: list[str], stems: list[str], stopwords: frozenset[str]) -> list[str]:
    """Every term the ``exact`` field indexes for a text, in order.

    ``forms`` are the text's lower-cased word forms and ``stems`` its stems (one per
    token, as :meth:`~searcher.analysis.Analyzer.exact_spans` and
    :meth:`~searcher.analysis.Analyzer.spans` give them); a token is a stopword when
    its form is in ``stopwords``. The result is the forms, then the pair terms of
    neighbouring content words among the first :data:`PAIR_TOKENS` tokens, then the
    lead-word terms.
    """
    if len(forms) == len(stems):
        content = [(i, stem) for i, (stem, form) in enumerate(zip(stems, forms)) if form not in stopwords]
    else:  # cannot happen with the shipped analyzers; stay correct anyway
        content = list(enumerate(stems))
    terms = list(forms)
    terms += pair_terms([stem for i, stem in content if i < PAIR_TOKENS])
    terms += [LEAD_MARK + stem for i, stem in content if i < LEAD_TOKENS]
    return terms


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


class ExactFormsAndPairs(StemmerChoice):
    """Lower-cased word forms of the text and, when indexing, its pairs and lead words.

    ``stemmer`` names the stemmer of the pair and lead terms (the index's).
    """

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        analyzer = analyzer_for(self.stemmer)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        exact = analyzer.exact_spans(value)
        if mode == "index":
            forms = [form for form, _, _ in exact]
            stems = [stem for stem, _, _ in analyzer.spans(value)]
            terms = index_terms(forms, stems, analyzer.stopwords)
        else:
            terms = [form for form, _, _ in exact]
        for pos, term in enumerate(terms):
            t.text = term
            if pos < len(exact):
                start, end = exact[pos][1], exact[pos][2]
                if keeporiginal:
                    t.original = value[start:end]
                if chars:
                    t.startchar = start_char + start
                    t.endchar = start_char + end
            if positions:
                t.pos = start_pos + pos
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

    def __init__(self, stemmer: str = DEFAULT_STEMMER) -> None:
        super().__init__(analyzer=ExactFormsAndPairs(stemmer), stored=False, phrase=False)
        self.column_type = columns.FixedBytesColumn(_SIGNATURE.size)

    def to_column_value(self, value: object) -> bytes:
        return signature(value) if isinstance(value, str) else _NO_SIGNATURE

    def from_column_value(self, value: bytes) -> bytes:
        return value
