"""Facet counts: how many of the documents matching a query have each source,
category and month.

Two parts:

1. :func:`matching_docnums` — the document numbers matching a query (and a filter)
   as a sorted NumPy array. Term, AND, OR, NOT and "every document" are set
   operations on posting lists (decoded whole, :mod:`searcher.ranking.postings`);
   any other query (phrases, ranges, prefixes) asks Whoosh for its documents.
2. :func:`count_facets` — counts over those numbers. For each facet column
   (``source_key``, ``category_key``, ``month``) a table of the column's values
   and one value number per document is built once per index reader, from the
   field's posting lists; counting is then one ``numpy.bincount``.

Counts are over all matching documents, not just one page of hits. Documents
without a value (an undated article has no month) are not counted.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from searcher.ranking.postings import distinct_sorted, read_postings

#: facet name → the ID column it counts.
FACET_FIELDS = {"source": "source_key", "category": "category_key", "month": "month"}

_EMPTY = np.zeros(0, dtype=np.int64)

#: ``(fieldname, text) → sorted global numbers of the live documents holding the term``
TermDocs = Callable[[str, str], np.ndarray]


@dataclass(frozen=True, slots=True)
class _Column:
    values: tuple[str, ...]
    ords: np.ndarray  # value number of each document, -1 for none


class _ReaderTables:
    """Per-reader caches: live document numbers and the facet columns."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self._lock = threading.Lock()
        self._live: np.ndarray | None = None
        self._dead: np.ndarray | None = None  # None: not computed yet, or no deletions
        self._dead_known = False
        self._columns: dict[str, _Column] = {}

    def live(self) -> np.ndarray:
        if self._live is None:
            self._live = np.fromiter(self.reader.all_doc_ids(), dtype=np.int64)
        return self._live

    def dead(self) -> np.ndarray | None:
        """Whether each document number is deleted; ``None`` when none is."""
        if not self._dead_known:
            dead = np.ones(self.reader.doc_count_all(), dtype=bool)
            dead[self.live()] = False
            self._dead = dead if dead.any() else None
            self._dead_known = True
        return self._dead

    def column(self, fieldname: str) -> _Column:
        col = self._columns.get(fieldname)
        if col is None:
            with self._lock:
                col = self._columns.get(fieldname)
                if col is None:
                    col = self._columns[fieldname] = _build_column(self.reader, fieldname)
        return col


_TABLES: weakref.WeakKeyDictionary[IndexReader, _ReaderTables] = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def _tables(reader: IndexReader) -> _ReaderTables:
    tables = _TABLES.get(reader)
    if tables is None:
        with _TABLES_LOCK:
            tables = _TABLES.get(reader)
            if tables is None:
                tables = _TABLES[reader] = _ReaderTables(reader)
    return tables


def _build_column(reader: IndexReader, fieldname: str) -> _Column:
    ords = np.full(reader.doc_count_all(), -1, dtype=np.int32)
    values: list[str] = []
    if fieldname in reader.schema:
        for raw in reader.lexicon(fieldname):
            ids = np.fromiter(reader.postings(fieldname, raw).all_ids(), dtype=np.int64)
            ords[ids] = len(values)
            values.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    return _Column(tuple(values), ords)


# -- matching documents ------------------------------------------------------------------
def matching_docnums(searcher: Searcher, q: wq.Query, filter: wq.Query | None = None, *,
                     term_docs: TermDocs | None = None) -> np.ndarray:
    """Sorted document numbers matching ``q`` and, when given, ``filter``.

    ``term_docs(fieldname, text)`` gives the live documents holding a term (sorted
    global numbers), e.g. from a ranking view's posting cache
    (:meth:`searcher.ranking.view.IndexView.postings`); by default they are decoded here.
    """
    reader = searcher.reader()
    docs_of = term_docs or (lambda fieldname, text: _term_docs(reader, fieldname, text))
    docs = _docset(searcher, q, docs_of)
    if filter is not None and docs.size:
        docs = np.intersect1d(docs, _docset(searcher, filter, docs_of), assume_unique=True)
    return docs


def _docset(searcher: Searcher, q: wq.Query, docs_of: TermDocs) -> np.ndarray:
    reader = searcher.reader()
    if q is wq.NullQuery:
        return _EMPTY
    if isinstance(q, wq.Term):
        if (q.fieldname, q.text) not in reader:
            return _EMPTY
        if isinstance(q.text, str):
            return docs_of(q.fieldname, q.text).astype(np.int64, copy=False)
        return np.fromiter(reader.postings(q.fieldname, q.text).all_ids(), dtype=np.int64)
    if isinstance(q, wq.Every) and q.fieldname is None:
        return _tables(reader).live()
    if isinstance(q, wq.Or):
        return _union(_docset(searcher, s, docs_of) for s in q.subqueries)
    if isinstance(q, wq.And):
        sets = sorted((_docset(searcher, s, docs_of) for s in q.subqueries), key=len)
        out = sets[0] if sets else _EMPTY
        for other in sets[1:]:
            if not out.size:
                break
            out = np.intersect1d(out, other, assume_unique=True)
        return out
    if isinstance(q, wq.AndNot):
        a = _docset(searcher, q.a, docs_of)
        return np.setdiff1d(a, _docset(searcher, q.b, docs_of), assume_unique=True) if a.size else a
    if isinstance(q, wq.AndMaybe):
        return _docset(searcher, q.a, docs_of)
    if isinstance(q, wq.Not):
        return np.setdiff1d(_tables(reader).live(), _docset(searcher, q.query, docs_of),
                            assume_unique=True)
    ids = np.fromiter(searcher.docs_for_query(q), dtype=np.int64)
    return sorted_unique(ids)


def _term_docs(reader: IndexReader, fieldname: str, text: str) -> np.ndarray:
    """Live documents holding a term, from whole decoded posting lists (not Whoosh's matcher)."""
    parts = []
    for leaf, offset in reader.leaf_readers():
        ids, _ = read_postings(leaf, fieldname, text)
        if ids.size:
            parts.append(ids.astype(np.int64) + offset)
    if not parts:
        return _EMPTY
    docs = parts[0] if len(parts) == 1 else np.concatenate(parts)
    dead = _tables(reader).dead()
    return docs if dead is None else docs[~dead[docs]]


def _union(sets: Iterable[np.ndarray]) -> np.ndarray:
    parts = [s for s in sets if s.size]
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    return sorted_unique(np.concatenate(parts))


def sorted_unique(ids: np.ndarray) -> np.ndarray:
    """The distinct values of ``ids``, ascending."""
    return distinct_sorted(np.sort(ids))


# -- counting ------------------------------------------------------------------------------
def count_facets(searcher: Searcher, docnums: np.ndarray) -> dict[str, dict[str, int]]:
    """``{"source": {...}, "category": {...}, "month": {...}}`` over ``docnums``.

    Sources and categories are ordered by count (then name), months newest first.
    """
    tables = _tables(searcher.reader())
    out: dict[str, dict[str, int]] = {}
    for name, fieldname in FACET_FIELDS.items():
        col = tables.column(fieldname)
        if not docnums.size or not col.values:
            out[name] = {}
            continue
        ords = col.ords[docnums]
        counts = np.bincount(ords[ords >= 0], minlength=len(col.values))
        nonzero = np.flatnonzero(counts)
        pairs = [(col.values[k], int(counts[k])) for k in nonzero]
        if name == "month":
            pairs.sort(key=lambda kv: kv[0], reverse=True)
        else:
            pairs.sort(key=lambda kv: (-kv[1], kv[0]))
        out[name] = dict(pairs)
    return out


def facets_for(searcher: Searcher, q: wq.Query, filter: wq.Query | None = None
               ) -> dict[str, dict[str, int]]:
    """Facet counts of every document matching ``q`` within ``filter``."""
    return count_facets(searcher, matching_docnums(searcher, q, filter))
