"""The documents a phrase matches, from posting arrays and the positions of candidates only.

Whoosh matches ``"di jakarta"`` with span matchers: it intersects the words' matchers
one document at a time and, for each document holding all of them, builds span objects
from their positions (~95 ms on a 31k-article index, ten times that at 315k). Here:

1. **candidates**: the words' posting lists (the view's cached arrays) are intersected
   with NumPy, rarest word first;
2. **positions**: for each segment, each word's posting blocks that hold a candidate
   are decoded (the others are skipped by their headers' last document number), and
   only the candidates' position values are unpickled;
3. **match**: a document matches when some position ``p`` has word ``i`` at ``p + i``
   for every word: a NumPy intersection of ``document << 32 | position - i`` keys.

This is what Whoosh's ``Phrase`` (``SpanNear2``, ``slop=1``, ordered, ``mindist=1``)
matches; :func:`phrase_docs` returns ``None`` for anything else (another slop, a field
without positions, a segment that is not Whoosh 3's), and the caller asks Whoosh.
``tests/test_phrases.py`` compares the two on many phrases.
"""

from __future__ import annotations

import struct
import zlib
from bisect import bisect_left
from itertools import accumulate, chain, repeat
from operator import getitem
from pickle import UnpicklingError, loads

import numpy as np
from whoosh import formats
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from searcher.ranking.postings import blocks, distinct_sorted, found_in
from searcher.ranking.view import IndexView, leaves_of
from searcher.termindex import POSTINGS_OFFSET, term_record

_OFFSET = struct.Struct("!q")
_AFTER_COUNT = slice(4, None)
#: what reading damaged posting blocks raises
_DAMAGE = (KeyError, ValueError, IndexError, EOFError, struct.error, zlib.error, UnpicklingError)


def phrase_docs(view: IndexView, searcher: Searcher, q: wq.Phrase) -> np.ndarray | None:
    """Sorted global docnums (deleted ones left out) where ``q`` occurs; ``None`` when
    this module does not handle ``q`` (see the module docstring)."""
    reader = searcher.reader()
    field = searcher.schema[q.fieldname] if q.fieldname in searcher.schema else None
    if (field is None or type(field.format) is not formats.Positions or q.slop != 1
            or len(q.words) < 2 or None in q.words):
        return None
    words = [w if isinstance(w, str) else w.decode("utf-8") for w in q.words]
    leaves = leaves_of(reader)
    if any(size and type(getattr(r, "_terms", None)) is not W3TermsReader
           for (r, _), size in zip(leaves, view.sizes)):
        return None
    postings = sorted((view.postings(reader, q.fieldname, w)[0] for w in words), key=len)
    candidates = postings[0]
    for ids in postings[1:]:
        candidates = np.intersect1d(candidates, ids, assume_unique=True)
        if not len(candidates):
            return candidates.astype(np.int64)
    found = []
    for (r, offset), size in zip(leaves, view.sizes):
        lo, hi = np.searchsorted(candidates, [offset, offset + size])
        if lo < hi:
            local = (candidates[lo:hi] - offset).tolist()
            try:
                found.append(_segment_matches(r, q.fieldname, words, local) + offset)
            except _DAMAGE:  # postings that do not decode as written: Whoosh's own matcher decides
                return None
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)


def _segment_matches(r: IndexReader, fieldname: str, words: list[str], docs: list[int]) -> np.ndarray:
    """The documents among ``docs`` (segment-local, ascending, holding every word) where
    the words occur in order, one position apart."""
    keys = None
    found = np.asarray(docs, dtype=np.int64)
    for i, word in enumerate(words):
        values = _values(r._terms, fieldname, word, docs)  # type: ignore[attr-defined]
        positions, counts = _positions(values)
        mine = (np.repeat(found, counts) << 32) | (positions - i + (1 << 31))
        if len(mine) > 1 and (mine[1:] < mine[:-1]).any():
            mine.sort()  # positions out of order (never written so, but cheap to be sure)
        keys = mine if keys is None else keys[found_in(mine, keys)]
        if not len(keys):
            return keys
        found = distinct_sorted(keys >> 32)
        docs = found.tolist()  # the next word's positions only where a match can still be
    return found


def _positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """The positions of Positions-format values, flat, and how many each value has.

    A value is ``pack_uint(n) + pickle.dumps(deltas)`` (Whoosh's ``Positions.encode``):
    the deltas are unpickled value by value (in C, through ``map``) and summed per value
    with one NumPy cumulative sum.
    """
    lists = list(map(loads, map(getitem, values, repeat(_AFTER_COUNT))))
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    sums = np.cumsum(deltas)
    ends = np.cumsum(counts)
    before = np.concatenate([[0], sums[ends[:-1] - 1]]) if len(ends) else ends
    return sums - np.repeat(before, counts), counts


def _values(terms: W3TermsReader, fieldname: str, word: str, docs: list[int]) -> list[bytes]:
    """The posting values of ``fieldname:word`` for ``docs`` (each of which holds it)."""
    record = term_record(terms, fieldname, word.encode("utf-8"))
    if record is None:
        raise KeyError(word)
    if record[0]:  # inlined in the term info
        ids, _, values = W3TermInfo.from_bytes(record).inlined_postings()
        by_doc = dict(zip(ids, values))
        return [by_doc[d] for d in docs]
    out: list[bytes] = []
    want = 0  # index into docs of the next document to find
    for _, last_id, decode in blocks(terms._postfile, _OFFSET.unpack_from(record, POSTINGS_OFFSET)[0]):
        if want == len(docs):
            break
        if docs[want] <= last_id:  # the block holds some of the documents wanted
            deltas, _, values = decode()
            ids = list(accumulate(deltas))  # the first delta of a block is an absolute id
            stop = bisect_left(docs, last_id + 1, want)
            for d in docs[want:stop]:
                out.append(values[bisect_left(ids, d)])
            want = stop
    if len(out) != len(docs):
        raise ValueError(f"{fieldname}:{word}: postings end before documents {docs[len(out):][:3]}")
    return out
