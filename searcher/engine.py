"""The public entry point: :class:`SearchIndex`, one searcher index directory.

Example::

    from searcher import SearchIndex

    index = SearchIndex.create_or_open("news-index")
    index.index_paths(["articles/"])
    for hit in index.search("harga beras", limit=5).hits:
        print(hit.rank, hit.title, hit.snippet.text if hit.snippet else "")

A ``SearchIndex`` may be shared by threads: every search runs on a per-thread Whoosh
searcher that is reopened when a writer has committed, and no setting is ever
changed on the shared object (options are per call).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Literal

from whoosh import query as wq
from whoosh import scoring
from whoosh.index import FileIndex
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from searcher.article import Article
from searcher.errors import ArticleNotFoundError
from searcher.index import create_whoosh, default_index_path, open_or_create_whoosh, open_whoosh, read_meta
from searcher.indexing import DEFAULT_BATCH, Indexer, IndexReport, ProgressFn
from searcher.locking import open_writer
from searcher.query import parse, terms_of
from searcher.results import Hit, IndexStats, SearchResults
from searcher.snippets import make_snippet

SortOrder = Literal["relevance", "newest", "oldest"]
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")


def _scoring() -> scoring.WeightingModel:
    """BM25F as tuned on the dev split (see docs/ranking.md)."""
    return scoring.BM25F(B=0.75, K1=1.2, title_B=0.5)


class SearchIndex:
    """A searcher index directory: search it, read it, and add to it."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        """Open an existing index (default location: :func:`default_index_path`)."""
        self.path = Path(path) if path is not None else default_index_path()
        self._ix: FileIndex = open_whoosh(self.path)
        self._local = threading.local()

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> SearchIndex:
        """Create a new empty index in ``path`` (missing or empty directory)."""
        create_whoosh(Path(path))
        return cls(path)

    @classmethod
    def create_or_open(cls, path: str | os.PathLike[str] | None = None) -> SearchIndex:
        """Open the index at ``path``, creating it if the directory is missing or empty."""
        target = Path(path) if path is not None else default_index_path()
        open_or_create_whoosh(target)
        return cls(target)

    # -- reading ---------------------------------------------------------------
    def _searcher(self) -> Searcher:
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is None:
            s = self._ix.searcher(weighting=_scoring())
            self._local.searcher = s
        elif not s.up_to_date():
            s = s.refresh()
            self._local.searcher = s
        return s

    def search(self, query: str, *, limit: int = 10, page: int = 1,
               sort: SortOrder = "relevance", since: datetime | None = None,
               until: datetime | None = None, sources: Sequence[str] = (),
               categories: Sequence[str] = (), highlight: bool = True) -> SearchResults:
        """Search the index.

        ``query`` uses the query language of :mod:`searcher.query`. ``since``/``until``
        bound the date (inclusive); ``sources``/``categories`` keep documents matching
        any of the given values. Raises :class:`~searcher.errors.QueryError` for a query
        that cannot be parsed.
        """
        if limit < 1 or page < 1:
            raise ValueError("limit and page must be at least 1")
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        started = time.perf_counter()
        searcher = self._searcher()
        q = parse(query, searcher.schema)
        if q is wq.NullQuery:
            q = wq.Every()
        filt = _filter(since, until, sources, categories)
        sortedby = None if sort == "relevance" else "date"
        results = searcher.search_page(q, page, pagelen=limit, filter=filt, sortedby=sortedby,
                                       reverse=(sort == "newest"))
        terms = terms_of(q)
        hits = []
        for i, hit in enumerate(results):
            fields = hit.fields()
            snippet = make_snippet(fields.get("body", ""), terms) if highlight else None
            hits.append(Hit(rank=results.offset + i + 1, id=fields["id"], score=float(hit.score or 0.0),
                            title=fields.get("title"), url=fields.get("url"),
                            source=fields.get("source"), date=fields.get("date"),
                            category=fields.get("category"), snippet=snippet))
        return SearchResults(query=query, total=results.total, page=page, limit=limit, hits=hits,
                             took_ms=(time.perf_counter() - started) * 1000)

    def get(self, doc_id: str) -> Article:
        """The stored article with this id; raises :class:`ArticleNotFoundError`."""
        fields = self._searcher().document(id=doc_id)
        if fields is None:
            raise ArticleNotFoundError(f"no article with id {doc_id!r}")
        return Article(id=fields["id"], body=fields.get("body", ""), title=fields.get("title"),
                       date=fields.get("date"), url=fields.get("url"), source=fields.get("source"),
                       category=fields.get("category"), path=fields.get("path") or None,
                       related=tuple(fields.get("related") or ()))

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._searcher().document_number(id=doc_id) is not None

    def __len__(self) -> int:
        return self._searcher().doc_count()

    def stats(self) -> IndexStats:
        """Document count, sources, date range, size on disk and versions."""
        meta = read_meta(self.path)
        searcher = self._searcher()
        reader = searcher.reader()
        sources: dict[str, int] = {}
        first = last = None
        undated = 0
        if reader.doc_count():
            src = reader.column_reader("source_key")
            dates = reader.column_reader("date", translate=False)
            missing = reader.schema["date"].column_type.default_value()
            lowest = highest = None
            for docnum in reader.all_doc_ids():
                key = src[docnum]
                if key:
                    sources[key] = sources.get(key, 0) + 1
                raw = dates[docnum]
                if raw == missing:
                    undated += 1
                    continue
                lowest = raw if lowest is None or raw < lowest else lowest
                highest = raw if highest is None or raw > highest else highest
            if lowest is not None:
                first, last = long_to_datetime(lowest), long_to_datetime(highest)
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        return IndexStats(path=str(self.path), documents=reader.doc_count(),
                          sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
                          first_date=first, last_date=last, undated=undated, size_bytes=size,
                          segments=len(self._ix._segments()), schema_version=meta.schema_version,
                          analyzer_version=meta.analyzer_version)

    # -- writing ---------------------------------------------------------------
    def index_paths(self, paths: Iterable[str | os.PathLike[str]], *, prune: bool = False,
                    progress: ProgressFn | None = None, wait: float = 0.0,
                    batch_size: int = DEFAULT_BATCH) -> IndexReport:
        """Add new, replace changed and (with ``prune``) drop vanished articles from files."""
        indexer = Indexer(self._ix, self.path, batch_size=batch_size, writer_timeout=wait,
                          progress=progress)
        try:
            return indexer.index_paths([Path(p) for p in paths], prune=prune)
        finally:
            indexer.cancel()

    def index_stream(self, stream: IO[bytes] | IO[str], *, name: str = "-",
                     progress: ProgressFn | None = None, wait: float = 0.0) -> IndexReport:
        """Index JSON Lines read from ``stream``."""
        indexer = Indexer(self._ix, self.path, writer_timeout=wait, progress=progress)
        try:
            return indexer.index_stream(stream, name)
        finally:
            indexer.cancel()

    def add(self, articles: Iterable[Article], *, wait: float = 0.0) -> IndexReport:
        """Add or update articles given as :class:`Article` records."""
        indexer = Indexer(self._ix, self.path, writer_timeout=wait)
        try:
            return indexer.index_articles(articles)
        finally:
            indexer.cancel()

    def delete(self, ids: Iterable[str], *, wait: float = 0.0) -> int:
        """Delete documents by id; returns how many were deleted."""
        writer = open_writer(self._ix, self.path, timeout=wait)
        try:
            count = sum(writer.delete_by_term("id", doc_id) for doc_id in ids)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count


def _filter(since: datetime | None, until: datetime | None, sources: Sequence[str],
            categories: Sequence[str]) -> wq.Query | None:
    parts: list[wq.Query] = []
    if since is not None or until is not None:
        parts.append(wq.DateRange("date", since, until))
    if sources:
        parts.append(wq.Or([wq.Term("source", s.lower()) for s in sources]))
    if categories:
        parts.append(wq.Or([wq.Term("category", c.lower()) for c in categories]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
