"""The set of documents a (complex) Whoosh query matches, as a boolean mask.

Terms, ``And``, ``Or``, ``AndNot``, ``Not`` and "every document" are set operations
on the cached posting arrays of the :class:`~searcher.ranking.view.IndexView`; a date
range (``date:2024-07``, ``--since``/``--until``) compares the view's array of dates
(Whoosh would walk the range's tiered terms and yield their documents one by one); a
phrase is matched by :mod:`searcher.ranking.phrases`; any other query (prefixes that
were not expanded, other ranges, a phrase that module leaves, …) asks Whoosh for its
documents. Scoring is separate (:mod:`searcher.ranking.scorer`).
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT
from whoosh.searching import Searcher

from searcher.ranking.phrases import phrase_docs
from searcher.ranking.view import NO_DATE, IndexView


_PLAIN_FIELDS = (TEXT, KEYWORD, ID)


def match_mask(view: IndexView, searcher: Searcher, q: wq.Query) -> np.ndarray:
    """Boolean array over global docnums: the live documents matching ``q``."""
    return _mask(view, searcher, q) & view.live


def _mask(view: IndexView, searcher: Searcher, q: wq.Query) -> np.ndarray:
    if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
        return np.zeros(view.n_all, dtype=bool)
    if isinstance(q, wq.Every) and q.fieldname in (None, "", "*"):
        return view.live.copy()
    if type(q) is wq.Term and isinstance(searcher.schema[q.fieldname], _PLAIN_FIELDS):
        out = np.zeros(view.n_all, dtype=bool)
        text = q.text if isinstance(q.text, str) else q.text.decode("utf-8")
        ids, _ = view.postings(searcher.reader(), q.fieldname, text)
        out[ids] = True
        return out
    if type(q) is wq.Phrase:
        docs = phrase_docs(view, searcher, q)
        if docs is not None:
            out = np.zeros(view.n_all, dtype=bool)
            out[docs] = True
            return out
    if type(q) is wq.DateRange and _date_column(searcher, q.fieldname):
        return _date_mask(view.dates(searcher.reader()), q)
    if type(q) is wq.And:
        out = view.live.copy()
        for sub in q.subqueries:
            out &= _mask(view, searcher, sub)
        return out
    if type(q) is wq.Or and not q.minmatch:
        out = np.zeros(view.n_all, dtype=bool)
        for sub in q.subqueries:
            out |= _mask(view, searcher, sub)
        return out
    if type(q) is wq.AndNot:
        return _mask(view, searcher, q.a) & ~_mask(view, searcher, q.b)
    if type(q) is wq.Not:
        return view.live & ~_mask(view, searcher, q.query)
    out = np.zeros(view.n_all, dtype=bool)
    docs = np.fromiter(searcher.docs_for_query(q), dtype=np.int64)
    out[docs] = True
    return out


def _date_column(searcher: Searcher, fieldname: str) -> bool:
    """Whether ``fieldname`` is the dates the view holds (the ``date`` DATETIME field,
    with its column)."""
    field = searcher.schema[fieldname] if fieldname == "date" else None
    return type(field) is DATETIME and field.column_type is not None


def _date_mask(dates: np.ndarray, q: wq.DateRange) -> np.ndarray:
    """The documents whose date lies in ``q`` (never a document without a date).

    ``q.start``/``q.end`` are the bounds as Whoosh's ticks (``None``: open), the numbers
    its DATETIME field indexes and keeps in its column, which the view's dates are.
    """
    out = dates != NO_DATE
    if q.start is not None:
        out &= (dates > q.start) if q.startexcl else (dates >= q.start)
    if q.end is not None:
        out &= (dates < q.end) if q.endexcl else (dates <= q.end)
    return out
