"""Per-document arrays of one index generation, and global posting lists.

An :class:`IndexView` describes the documents of one Whoosh reader generation as
NumPy arrays indexed by the global document number: whether a document is live (not
deleted), the lengths of its ``title``, ``body`` and ``exact`` fields (Whoosh stores
one length byte per document and field; :data:`LENGTH_TABLE` decodes it), its text
signature (the ``exact`` field's column, for near-duplicates) and, loaded on first
use, its date. It also turns a term into its global posting list
(:meth:`IndexView.postings`): the per-segment lists from the shared
:class:`~searcher.ranking.postings.PostingCache`, offset by each segment's first
document number, with deleted documents dropped.

A view holds no file handles: every read goes through the reader of the calling
thread (Whoosh readers are not thread-safe), so one view serves all threads of a
:class:`~searcher.SearchIndex` until a commit makes a new generation.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

from searcher.ranking.fields import SIGNATURE_SIZE
from searcher.ranking.postings import (CACHE_POSTINGS_PER_DOC, EMPTY, PostingCache, Postings,
                                      doc_frequency)

#: Field length of each length byte (Whoosh's lossy one-byte encoding; 0 → 0).
LENGTH_TABLE = np.array([0.0] + [float(byte_to_length(i)) for i in range(1, 256)])
LENGTH_FIELDS = ("title", "body", "exact")
#: The date of a document without one (sorts after every real date).
NO_DATE = int(np.iinfo(np.int64).max)

_shared_cache = PostingCache()


def shared_posting_cache() -> PostingCache:
    """The process-wide posting cache used by views unless given another."""
    return _shared_cache


def leaves_of(reader: IndexReader) -> list[tuple[IndexReader, int]]:
    """``(segment reader, first global docnum)`` of every segment of a reader."""
    return [(r, int(offset)) for r, offset in reader.leaf_readers()]


def segment_identity(r: IndexReader) -> str | None:
    """A segment's id qualified by its index folder (``None`` for a reader without one).

    Whoosh names segments with the process-wide ``random`` module, so two indexes
    opened in one process can hold segments of the same name (a seeded ``random``
    repeats them); caches shared across indexes must not take one for the other.
    """
    seg = r.segment() if hasattr(r, "segment") else None
    if seg is None:
        return None
    storage = getattr(r, "_storage", None)
    folder = getattr(getattr(storage, "b", storage), "folder", "")
    return f"{folder}:{seg.segment_id()}"


def generation_key(reader: IndexReader) -> tuple:
    """What identifies a reader's documents: its segments and their deletions."""
    key = []
    for r, offset in leaves_of(reader):
        seg = r.segment() if hasattr(r, "segment") else None
        sid = segment_identity(r) if seg is not None else f"empty-{offset}"
        deleted = seg.deleted_count() if seg is not None else 0
        key.append((sid, offset, r.doc_count_all(), deleted))
    return tuple(key)


class IndexView:
    """Document arrays and global postings of one reader generation."""

    def __init__(self, reader: IndexReader, cache: PostingCache | None = None) -> None:
        self.cache = cache if cache is not None else _shared_cache
        self.key = generation_key(reader)
        leaves = leaves_of(reader)
        self.segment_ids = [k[0] for k in self.key]
        self.offsets = [offset for _, offset in leaves]
        self.sizes = [r.doc_count_all() for r, _ in leaves]
        self.n_all = int(sum(self.sizes))
        if self.cache is _shared_cache:
            self.cache.reserve(CACHE_POSTINGS_PER_DOC * self.n_all)
        live = np.ones(self.n_all, dtype=bool)
        self.has_deletions = False
        for (r, offset), size in zip(leaves, self.sizes):
            if size and r.has_deletions():
                dead = np.fromiter(r.deleted_docs_set, dtype=np.int64)
                dead = dead[dead < size]
                live[offset + dead] = False
                self.has_deletions = True
        self.live = live
        #: number of live documents
        self.n = int(live.sum())
        self.lengths = {f: self._lengths(leaves, f) for f in LENGTH_FIELDS}
        self.titled = self.lengths["title"] > 0
        self.avg_length = {}
        for f in LENGTH_FIELDS:
            mask = live & self.titled if f == "title" else live
            count = int(mask.sum())
            self.avg_length[f] = float(self.lengths[f][mask].sum() / count) if count else 1.0
        self.signatures = self._signatures(leaves)
        self._dates: np.ndarray | None = None
        self._lock = threading.Lock()
        self._derived: dict[tuple, np.ndarray] = {}

    def _lengths(self, leaves: Sequence[tuple[IndexReader, int]], fieldname: str) -> np.ndarray:
        out = np.zeros(self.n_all, dtype=np.float64)
        for (r, offset), size in zip(leaves, self.sizes):
            perdoc = getattr(r, "_perdoc", None)
            colname = f"_{fieldname}_len"
            if not size or perdoc is None or not perdoc.has_column(colname):
                continue
            col = perdoc.column_reader(colname, LENGTHS_COLUMN)
            count = min(getattr(col, "_count", 0), size)
            raw = col._dbfile.get(col._basepos, count) if count else b""
            codes = np.frombuffer(raw, dtype=np.uint8)
            out[offset:offset + len(codes)] = LENGTH_TABLE[codes]
        return out

    def _signatures(self, leaves: Sequence[tuple[IndexReader, int]]) -> np.ndarray:
        """Each document's text signature (``SIGNATURE_SIZE`` uint32; zeros: none)."""
        out = np.zeros((self.n_all, SIGNATURE_SIZE), dtype=np.uint32)
        width = 4 * SIGNATURE_SIZE
        for (r, offset), size in zip(leaves, self.sizes):
            perdoc = getattr(r, "_perdoc", None)
            if not size or perdoc is None or not perdoc.has_column("exact"):
                continue
            col = perdoc.column_reader("exact", r.schema["exact"].column_type)
            count = min(getattr(col, "_count", 0), size)
            if not count or getattr(col, "_fixedlen", 0) != width:
                continue
            raw = col._dbfile.get(col._basepos, count * width)
            out[offset:offset + count] = np.frombuffer(raw, dtype=">u4").reshape(count, SIGNATURE_SIZE)
        return out

    def derived(self, key: tuple, make) -> np.ndarray:
        """A per-document array computed once per view (e.g. length norms for a setting)."""
        got = self._derived.get(key)
        if got is None:
            got = make()
            with self._lock:
                if len(self._derived) > 64:
                    self._derived.clear()
                self._derived[key] = got
        return got

    def dates(self, reader: IndexReader) -> np.ndarray:
        """Publication dates as Whoosh's int64 ticks; :data:`NO_DATE` when missing."""
        if self._dates is None:
            out = np.full(self.n_all, NO_DATE, dtype=np.int64)
            for (r, offset), size in zip(leaves_of(reader), self.sizes):
                if not size or not r.has_column("date"):
                    continue
                col = r.column_reader("date", translate=False)
                missing = r.schema["date"].column_type.default_value()
                out[offset:offset + size] = _date_ticks(col, size, missing)
            self._dates = out
        return self._dates

    def stored(self, reader: IndexReader, docnum: int) -> dict:
        """The stored fields of a document, read straight from its segment's column.

        (``Searcher.stored_fields`` goes through two wrappers and checks every key
        against the schema, which costs more than reading the value.)
        """
        k = bisect_right(self.offsets, docnum) - 1
        leaf, offset = leaves_of(reader)[k] if len(self.offsets) > 1 else (reader, 0)
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None:
            return leaf.stored_fields(docnum - offset)
        return perdoc.stored_fields(docnum - offset) or {}

    def doc_id(self, reader: IndexReader, docnum: int) -> str:
        """The ``id`` of a document, from the ``id`` column (the stored fields without one).

        A hit's near-duplicates are named by id: at 315k articles that was ~100 stored
        documents (decompressed and unpickled whole) per page of hits.
        """
        k = bisect_right(self.offsets, docnum) - 1
        leaf, offset = leaves_of(reader)[k] if len(self.offsets) > 1 else (reader, 0)
        col = _id_column(leaf)
        if col is None:
            return self.stored(reader, docnum)["id"]
        return col[docnum - offset]

    def postings(self, reader: IndexReader, fieldname: str, text: str) -> Postings:
        """Global postings (docnums, weights) of a term over live documents."""
        parts = []
        for (r, offset), sid, size in zip(leaves_of(reader), self.segment_ids, self.sizes):
            if not size or not hasattr(r, "_terms"):
                continue
            ids, weights = self.cache.get(r, sid, fieldname, text)
            if len(ids):
                parts.append((ids + offset if offset else ids, weights))
        if not parts:
            return EMPTY
        if len(parts) == 1:
            ids, weights = parts[0]
        else:
            ids = np.concatenate([p[0] for p in parts])
            weights = np.concatenate([p[1] for p in parts])
        if self.has_deletions:
            keep = self.live[ids]
            if not keep.all():
                ids, weights = ids[keep], weights[keep]
        return ids, weights

    def doc_frequency(self, reader: IndexReader, fieldnames: Sequence[str], text: str) -> int:
        """Estimated documents holding the term in any of the fields, from term infos.

        Per segment the largest of the fields' counts (deleted documents included):
        a lower bound of the exact count, cheap enough to decide what to prune.
        """
        total = 0
        for (r, _), size in zip(leaves_of(reader), self.sizes):
            if size and hasattr(r, "_terms"):
                total += max(doc_frequency(r, f, text) for f in fieldnames)
        return total

    def weights_for(self, reader: IndexReader, fieldname: str, text: str,
                    docs: np.ndarray) -> np.ndarray:
        """A term's weights for some documents (sorted global docnums; 0 when absent)."""
        out = np.zeros(len(docs))
        ids, weights = self.postings(reader, fieldname, text)
        if len(ids) and len(docs):
            at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
            hit = ids[at] == docs
            out[hit] = weights[at[hit]]
        return out


#: 64-bit typecodes of a Whoosh numeric column (big-endian on disk) as NumPy types.
_NUMERIC_TYPES = {"q": ">i8", "Q": ">u8"}


def _date_ticks(col: object, size: int, missing: int) -> np.ndarray | list[int]:
    """The first ``size`` values of a date column as int64 ticks, :data:`NO_DATE` where missing.

    A Whoosh numeric column is an array of fixed-size big-endian numbers (the column's
    default past its end), read here in one slice; other column types value by value.
    """
    code = getattr(col, "_typecode", None)
    if not isinstance(col, columns.NumericColumn.Reader) or code not in _NUMERIC_TYPES:
        return [NO_DATE if v == missing or v >= NO_DATE else v for v in (col[i] for i in range(size))]
    count = min(col._count, size)
    raw = np.frombuffer(col._dbfile.get(col._basepos, count * col._fixedlen), dtype=_NUMERIC_TYPES[code])
    out = np.full(size, NO_DATE, dtype=np.int64)
    good = (raw != missing) & (raw < NO_DATE)
    out[:count][good] = raw[good]
    return out


#: segment reader → its ``id`` column reader (``None``: it has none); one per reader
#: (readers are per thread, and a column reader reads through its reader's files)
_id_columns: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _id_column(leaf: IndexReader) -> Any:
    try:
        return _id_columns[leaf]
    except KeyError:
        pass
    col = None
    if hasattr(leaf, "has_column") and leaf.has_column("id"):
        col = leaf.column_reader("id")
    try:
        _id_columns[leaf] = col
    except TypeError:  # not weakly referenceable: no cache
        pass
    return col
