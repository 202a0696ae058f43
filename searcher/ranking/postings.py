"""Reading whole posting lists from Whoosh segments into NumPy arrays.

Whoosh's matchers walk postings one document at a time through Python method calls,
which costs seconds for a long OR query. A posting list in a Whoosh 3 segment is a
series of blocks of up to 128 postings (``whoosh/codec/whoosh3.py``): a length, a
small pickled header ``(count, last id, max weight, compression, min/max length)``
and a zlib-compressed pickle of ``(id deltas, weights, values)``. The first delta
of a block is an absolute id. :func:`read_postings` decodes every block of a term
once into two arrays: segment-local document numbers (``int32``, ascending) and
weights (the term frequency times the field boost, ``float64``). A list of more
than one block that searcher wrote is read from its arrays instead, one slice of the
segment file (:mod:`searcher.postingarrays`). Posting lists of a single document are
inlined in the term info and read from there. Any other matcher type falls back to
Whoosh's matcher API (slow but exact).

:class:`PostingCache` keeps decoded lists, keyed by segment and term, bounded by
the total number of postings held; segments are immutable, so entries stay valid
until the segment is merged away (then they age out of the LRU).
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from io import BytesIO
from functools import partial
from pickle import load, loads
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo, W3TermsReader
from whoosh.reading import IndexReader, SegmentReader, TermNotFound

from searcher.postingarrays import BLOCK_POSTINGS, arrays_of
from searcher.termindex import DOC_FREQ, POSTINGS_OFFSET, term_record

Postings = tuple[np.ndarray, np.ndarray]
EMPTY: Postings = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))

_BLOCK_LENGTH = struct.Struct("!i")
_COUNT = struct.Struct("!I")
_OFFSET = struct.Struct("!q")
#: A block header (a pickled 6-tuple of numbers) is far shorter than this.
_HEADER_MAX = 256

#: Default bound of a posting cache: 8 million postings (about 100 MB).
DEFAULT_CACHE_POSTINGS = 8_000_000
#: The shared cache holds at least this many postings per document of the largest index
#: opened (~1.2 KB a document: 31.5 million postings, ~380 MB, at 315k articles), so a
#: large index's common words stay decoded between queries.
CACHE_POSTINGS_PER_DOC = 100


def read_postings(segment: SegmentReader, fieldname: str, text: str) -> Postings:
    """All postings of ``fieldname:text`` in one segment (deleted documents included)."""
    terms = segment._terms
    btext = text.encode("utf-8")
    if type(terms) is not W3TermsReader:
        return _read_generic(terms, segment, fieldname, btext)
    record = term_record(terms, fieldname, btext)
    if record is None:
        return EMPTY
    if record[0]:  # postings inlined in the term info
        ids, weights, _ = W3TermInfo.from_bytes(record).inlined_postings()
        return (np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float64))
    offset = _OFFSET.unpack_from(record, POSTINGS_OFFSET)[0]
    if _COUNT.unpack_from(record, DOC_FREQ)[0] > BLOCK_POSTINGS:
        arrays = arrays_of(segment)
        got = arrays.find(offset, segment.doc_count_all()) if arrays is not None else None
        if got is not None:
            return got
    return _read_blocks(terms._postfile, offset)


def blocks(postfile, offset: int) -> Iterator[tuple[int, int, Callable[[], Any]]]:
    """``(count, last id, decode)`` of each block of the Whoosh 3 posting list at ``offset``.

    ``decode()`` returns the block's unpickled ``(id gaps, weights, values)`` (the first
    gap is the block's first id); a block not decoded costs only its header. Only
    ``postfile.get`` (a slice of the file) is used, never ``seek``/``read``, so a
    memory-mapped segment is read in place and several threads may share it.
    """
    get = postfile.get
    if get(offset, 4) != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"not a Whoosh 3 posting list at offset {offset}")
    pos = offset + 4
    while True:
        length = _BLOCK_LENGTH.unpack(get(pos, 4))[0]
        end = pos + 4 + abs(length)
        header = BytesIO(get(pos + 4, min(abs(length), _HEADER_MAX)))
        count, last_id, _, compression, _, _ = load(header)
        data_at = pos + 4 + header.tell()
        yield count, last_id, partial(_decode_block, get, data_at, end - data_at, compression)
        if length < 0:
            return
        pos = end


def _decode_block(get: Callable[[int, int], bytes], at: int, size: int, compression: int) -> Any:
    raw = get(at, size)
    return loads(zlib.decompress(raw) if compression else raw)


def _read_blocks(postfile, offset: int) -> Postings:
    """Decode every block of a Whoosh 3 posting list (see the module docstring)."""
    deltas: list[int] = []
    weights: list[float] = []
    previous_last = 0
    for count, last_id, decode in blocks(postfile, offset):
        block_ids, block_weights, _ = decode()
        start = len(deltas)
        deltas.extend(block_ids)
        if start:
            deltas[start] -= previous_last  # the first id of a block is absolute
        previous_last = last_id
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
    ids = np.cumsum(np.asarray(deltas, dtype=np.int64)).astype(np.int32)
    return ids, np.asarray(weights, dtype=np.float64)


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array (a copy without repeats), ascending.

    (NumPy 2's ``np.unique`` hashes: ~40 times slower on 200,000 document numbers.)
    """
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def found_in(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Which ``needles`` occur in the ascending, non-empty array ``haystack`` (a boolean mask)."""
    at = np.searchsorted(haystack, needles)
    at[at == len(haystack)] = 0
    return haystack[at] == needles


def doc_frequency(segment: SegmentReader, fieldname: str, text: str) -> int:
    """Documents of one segment holding the term (from the term info; deleted included)."""
    terms = segment._terms
    if type(terms) is not W3TermsReader:
        try:
            return terms.doc_frequency(fieldname, text.encode("utf-8"))
        except (TermNotFound, KeyError):
            return 0
    record = term_record(terms, fieldname, text.encode("utf-8"))
    return 0 if record is None else _COUNT.unpack_from(record, DOC_FREQ)[0]


def index_doc_frequency(reader: IndexReader, fieldname: str, text: str) -> int:
    """Whoosh's ``reader.doc_frequency`` (deleted documents included), term records read directly."""
    return sum(doc_frequency(r, fieldname, text) for r, _ in reader.leaf_readers()
               if hasattr(r, "_terms"))


def _read_generic(terms: Any, segment: SegmentReader, fieldname: str, btext: bytes) -> Postings:
    try:
        matcher = terms.matcher(fieldname, btext, segment.schema[fieldname].format)
    except (TermNotFound, KeyError):
        return EMPTY
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float64)


class PostingCache:
    """A least-recently-used cache of decoded posting lists, bounded by postings held."""

    def __init__(self, max_postings: int = DEFAULT_CACHE_POSTINGS) -> None:
        self.max_postings = max_postings
        self._entries: OrderedDict[tuple[str, str, str], Postings] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def held(self) -> int:
        """Postings currently cached."""
        return self._held

    def get(self, segment: SegmentReader, segment_id: str, fieldname: str, text: str) -> Postings:
        """The postings of a term in a segment, read on first use."""
        key = (segment_id, fieldname, text)
        with self._lock:
            got = self._entries.get(key)
            if got is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return got
        got = read_postings(segment, fieldname, text)
        size = len(got[0])
        with self._lock:
            self.misses += 1
            if size > self.max_postings:
                return got
            if key not in self._entries:
                self._entries[key] = got
                self._held += size
                while self._held > self.max_postings:
                    _, old = self._entries.popitem(last=False)
                    self._held -= len(old[0])
        return got

    def reserve(self, postings: int) -> None:
        """Raise the bound to ``postings`` if it is lower (it is never lowered)."""
        with self._lock:
            self.max_postings = max(self.max_postings, postings)

    def peek(self, segment_id: str, fieldname: str, text: str) -> Postings | None:
        """The cached postings of a term, without reading them when absent."""
        with self._lock:
            return self._entries.get((segment_id, fieldname, text))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0
