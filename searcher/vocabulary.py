"""The word forms of an index with their document frequencies, for did-you-mean.

A spelling correction (:mod:`searcher.suggest`) checks hundreds of candidate words
(every string one edit away from a misspelt word). Asking Whoosh for each one costs a
hash-table probe per candidate *per segment*, about 25 µs each: 40–120 ms for one
word on a 31k-article index. Here each segment's words are read once into a plain
``dict`` (``bytes → document frequency``), and a reader's segments are merged into
one, so a candidate costs one dictionary look-up.

A segment's words are the keys of its term index (Whoosh's ``.trm``, an ordered hash
file) that belong to the field, up to the first key starting with ``~`` (the
``exact`` field's pair terms, which follow the words in key order). They are read in
bulk (:mod:`searcher.termindex`): the term index keeps an array of every record's
position in key order, so the field's range is found by binary search and the
records' lengths and frequencies are gathered with NumPy; only the key slices are
made in Python. That is ~20 ms per 5,000-article segment. Segments never change once
written, so each is read once per process and kept (a bounded number, most recently
used first); the merged ``str → df`` dict is made once per set of segments (~0.1 s
for 31k articles) and kept the same way.

Words within two edits of a misspelling (:meth:`Vocabulary.words_within`) are found
by walking Whoosh's Levenshtein automaton over the sorted merged words (sorted on
first use), instead of over each segment's term index in turn.

Frequencies count deleted documents too, as Whoosh's ``doc_frequency`` does.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TypeVar

from whoosh.automata import fsa, lev
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.reading import IndexReader

from searcher.ranking.view import segment_identity
from searcher.termindex import DOC_FREQ, read_field

__all__ = ["Vocabulary"]

#: Segments whose words are kept in memory (least recently used dropped first).
CACHED_SEGMENTS = 64
#: Keys from this byte on are not words (the ``exact`` field's ``~stem stem`` pairs).
_NOT_WORDS = b"~"


#: Merged word lists kept (one per set of segments: a reader generation).
CACHED_GENERATIONS = 4

K = TypeVar("K")
V = TypeVar("V")
_SegmentKey = tuple[str, str, int]
_cache: OrderedDict[_SegmentKey, dict[bytes, int]] = OrderedDict()
_generations: OrderedDict[tuple[_SegmentKey, ...], _Merged] = OrderedDict()
_lock = threading.Lock()


class Vocabulary:
    """Document frequencies of a field's words across the segments of one reader.

    Each segment's words are read once per process, and merged into one ``dict`` once
    per set of segments (see the module docstring).
    """

    def __init__(self, reader: IndexReader, fieldname: str) -> None:
        self.fieldname = fieldname
        self._reader = reader
        self._merged: _Merged | None = None  # None: some segment is not Whoosh 3's
        keys, segments = [], []
        for leaf, _ in reader.leaf_readers():
            key, words = _segment_words(leaf, fieldname)
            if key is None or words is None:
                break
            keys.append(key)
            segments.append(words)
        else:
            self._merged = _merged(tuple(keys), segments)

    def doc_frequency(self, word: str) -> int:
        """Documents (deleted ones included) in which ``word`` occurs."""
        if self._merged is None:
            return int(self._reader.doc_frequency(self.fieldname, word))
        return self._merged.freq.get(word, 0)

    def most_frequent(self, candidates: Iterable[str]) -> tuple[int, str]:
        """``(document frequency, word)`` of the most frequent candidate; ``(0, "")`` if none occurs."""
        if self._merged is None:
            found = [(self.doc_frequency(word), word) for word in candidates]
        else:
            get = self._merged.freq.get
            found = [(get(word, 0), word) for word in candidates]
        return max((f for f in found if f[0]), default=(0, ""))

    def words_within(self, word: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Words within ``maxdist`` Damerau-Levenshtein edits of ``word`` sharing its first ``prefix`` letters."""
        if self._merged is None:
            found: set[str] = set()
            for leaf, _ in self._reader.leaf_readers():
                found.update(leaf.terms_within(self.fieldname, word, maxdist, prefix=prefix))
            return sorted(found)
        words = self._merged.sorted_words()
        dfa = lev.levenshtein_automaton(word, maxdist, prefix).to_dfa()

        def first_at_or_after(text: str) -> str | None:
            at = bisect_left(words, text)
            return words[at] if at < len(words) else None

        return list(fsa.find_all_matches(dfa, first_at_or_after))


class _Merged:
    """The words of one set of segments: total frequencies, and (on demand) sorted."""

    def __init__(self, segments: list[dict[bytes, int]]) -> None:
        freq: dict[str, int] = {}
        get = freq.get
        for words in segments:
            for key, n in words.items():
                word = key.decode("utf-8")
                freq[word] = get(word, 0) + n
        self.freq = freq
        self._sorted: list[str] | None = None

    def sorted_words(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.freq)
        return self._sorted


def _merged(keys: tuple[_SegmentKey, ...], segments: list[dict[bytes, int]]) -> _Merged:
    return _cached(_generations, keys, CACHED_GENERATIONS, lambda: _Merged(segments))


def _cached(cache: OrderedDict[K, V], key: K, limit: int, make: Callable[[], V]) -> V:
    """``cache[key]``, made by ``make()`` when missing; least recently used beyond ``limit`` dropped."""
    with _lock:
        got = cache.get(key)
        if got is not None:
            cache.move_to_end(key)
            return got
    got = make()  # outside the lock: threads may make the same value, never a wrong one
    with _lock:
        cache[key] = got
        while len(cache) > limit:
            cache.popitem(last=False)
    return got


def _segment_words(leaf: IndexReader, fieldname: str
                   ) -> tuple[_SegmentKey | None, dict[bytes, int] | None]:
    """The cache key and ``word → df`` of one segment's field (``None``s when its terms
    are not Whoosh 3's)."""
    terms = getattr(leaf, "_terms", None)
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    if not isinstance(terms, W3TermsReader) or segment is None:
        return None, None
    # a segment (qualified by its folder: names repeat across indexes) never changes; its
    # term index's size guards against a name reused in one folder
    key = (segment_identity(leaf) or segment.segment_id(), fieldname, terms._tindex.endofdata)
    return key, _cached(_cache, key, CACHED_SEGMENTS, lambda: _read_words(terms, fieldname))


def _read_words(terms: W3TermsReader, fieldname: str) -> dict[bytes, int]:
    records = read_field(terms, fieldname, stop=_NOT_WORDS)
    if records is None:
        return {}
    return dict(zip(records.keys, records.gather(DOC_FREQ, ">u4").tolist()))
