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

An index stems with the stemmer it was created with (``SearchIndex.create(path,
stemmer="snowball")``; default ``searcher``), recorded in its schema and
``searcher.json``. Every search runs inside :func:`~searcher.analysis.analysis_for`
of that stemmer, so the query, its ranking terms, snippets, suggestions and similar
articles are analysed as the index was, whatever other indexes the process has open.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from contextlib import AbstractContextManager
from typing import IO, TYPE_CHECKING, Literal

from whoosh import query as wq
from whoosh import scoring
from whoosh.index import FileIndex
from whoosh.searching import Searcher
from whoosh.util.times import long_to_datetime

from searcher.analysis import analysis_for
from searcher.article import Article
from searcher.errors import ArticleNotFoundError
from searcher.index import create_whoosh, default_index_path, open_or_create_whoosh, open_whoosh, read_meta
from searcher.schema import schema_stemmer
from searcher.indexing import DEFAULT_BATCH, Indexer, IndexReport, ProgressFn
from searcher.parallel import default_jobs
from searcher.facets import count_facets
from searcher.query import parse
from searcher.results import Hit, IndexStats, SearchResults
from searcher.ranking.whoosh_io import zero_copy_buffer_files
from searcher.similar import similar as similar_hits
from searcher.snippets import make_snippet
from searcher.suggest import suggest as suggest_query

if TYPE_CHECKING:  # numpy-based, imported on the first search
    from searcher.maintenance import CheckReport
    from searcher.ranking.params import RankingParams
    from searcher.ranking.view import IndexView

zero_copy_buffer_files()  # opening a mapped segment must not copy it (see the module)

SortOrder = Literal["relevance", "newest", "oldest"]
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")


def _scoring() -> scoring.WeightingModel:
    """BM25F as tuned on the dev split (see docs/ranking.md)."""
    return scoring.BM25F(B=0.75, K1=1.2, title_B=0.5)


class SearchIndex:
    """A searcher index directory: search it, read it, and add to it."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *,
                 stemmer: str | None = None) -> None:
        """Open an existing index (default location: :func:`default_index_path`).

        With ``stemmer``, raise :class:`~searcher.errors.StemmerMismatchError` unless
        the index was built with that stemmer.
        """
        self.path = Path(path) if path is not None else default_index_path()
        self._ix: FileIndex = open_whoosh(self.path, stemmer)
        self._local = threading.local()
        self._ranking_view: IndexView | None = None
        self._view_lock = threading.Lock()

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, stemmer: str = "searcher") -> SearchIndex:
        """Create a new empty index in ``path`` (missing or empty directory).

        ``stemmer``: ``"searcher"`` (the lexicon-guided Indonesian stemmer, the
        default) or ``"snowball"`` (plain PyStemmer Snowball, for comparison); fixed
        for the life of the index.
        """
        create_whoosh(Path(path), stemmer)
        return cls(path)

    @classmethod
    def create_or_open(cls, path: str | os.PathLike[str] | None = None, *,
                       stemmer: str | None = None) -> SearchIndex:
        """Open the index at ``path``, creating it if the directory is missing or empty.

        A new index gets ``stemmer`` (default ``"searcher"``); an existing one built
        with another stemmer than a given ``stemmer`` raises
        :class:`~searcher.errors.StemmerMismatchError` (rebuild to change it).
        """
        target = Path(path) if path is not None else default_index_path()
        open_or_create_whoosh(target, stemmer)
        return cls(target)

    @property
    def stemmer(self) -> str:
        """The stemmer the index was built with: ``"searcher"`` or ``"snowball"``."""
        return schema_stemmer(self._searcher().schema)

    # -- reading ---------------------------------------------------------------
    def _searcher(self) -> Searcher:
        s: Searcher | None = getattr(self._local, "searcher", None)
        if s is None:
            s = self._ix.searcher(weighting=_scoring())
            self._local.searcher = s
        elif not s.up_to_date():
            # A fresh searcher, not s.refresh(): Whoosh's refresh reuses the reader of
            # every segment it knows by name, with that segment's old deletions, so the
            # documents a commit replaced or deleted would stay visible.
            old, s = s, self._ix.searcher(weighting=_scoring())
            self._local.searcher = s
            old.close()
        return s

    def search(self, query: str, *, limit: int = 10, page: int = 1,
               sort: SortOrder = "relevance", since: datetime | None = None,
               until: datetime | None = None, sources: Sequence[str] = (),
               categories: Sequence[str] = (), highlight: bool = True,
               facets: bool = False, group_duplicates: bool = True,
               exhaustive: bool = False, ranking: RankingParams | None = None,
               suggest: bool = True) -> SearchResults:
        """Search the index.

        ``query`` uses the query language of :mod:`searcher.query`. ``since``/``until``
        bound the date (inclusive); ``sources``/``categories`` keep documents matching
        any of the given values. ``facets`` fills ``SearchResults.facets`` with counts by
        source, category and month over all matching documents (:mod:`searcher.facets`).
        When a query finds almost nothing, ``SearchResults.suggestion`` may hold a
        corrected query (:mod:`searcher.suggest`). Raises
        :class:`~searcher.errors.QueryError` for a query that cannot be parsed.

        Ranking (``docs/ranking.md``): ``group_duplicates`` folds near-identical
        articles into the best-ranked one (the others are in ``Hit.duplicates``);
        ``exhaustive`` scores every query word for every candidate instead of pruning
        very common words of long text; ``ranking`` overrides the scoring parameters.
        ``suggest=False`` skips the did-you-mean lookup (batch runs print no suggestion).
        """
        if limit < 1 or page < 1:
            raise ValueError("limit and page must be at least 1")
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        started = time.perf_counter()
        searcher = self._searcher()
        with analysis_for(schema_stemmer(searcher.schema)):
            return self._search(searcher, started, query, limit=limit, page=page, sort=sort,
                                since=since, until=until, sources=sources,
                                categories=categories, highlight=highlight, facets=facets,
                                group_duplicates=group_duplicates, exhaustive=exhaustive,
                                ranking=ranking, suggest=suggest)

    def _search(self, searcher: Searcher, started: float, query: str, *, limit: int, page: int,
                sort: str, since: datetime | None, until: datetime | None,
                sources: Sequence[str], categories: Sequence[str], highlight: bool,
                facets: bool, group_duplicates: bool, exhaustive: bool,
                ranking: RankingParams | None, suggest: bool) -> SearchResults:
        from searcher.ranking.ranker import filter_mask, rank

        view = self._view(searcher)
        filt = _filter(since, until, sources, categories)
        ranked = rank(view, searcher, query, start=(page - 1) * limit, stop=page * limit,
                      sort=sort, allowed=filter_mask(view, searcher, filt), params=ranking,
                      group_duplicates=group_duplicates, exhaustive=exhaustive)
        hits = []
        reader = searcher.reader()
        first = (page - 1) * limit + 1
        for i, (docnum, score, dups) in enumerate(zip(ranked.docnums, ranked.scores,
                                                       ranked.duplicates)):
            fields = view.stored(reader, docnum)
            snippet = make_snippet(fields.get("body", ""), ranked.terms) if highlight else None
            hits.append(Hit(rank=first + i, id=fields["id"], score=score,
                            title=fields.get("title"), url=fields.get("url"),
                            source=fields.get("source"), date=fields.get("date"),
                            category=fields.get("category"), snippet=snippet,
                            duplicates=tuple(view.doc_id(reader, d) for d in dups)))
        suggestion = None
        if suggest:
            suggestion = suggest_query(searcher, query, ranked.total, filter=filt,
                                       parse=lambda text: parse(text, searcher.schema,
                                                                reader=reader),
                                       term_docs=lambda f, t: view.postings(reader, f, t)[0])
        return SearchResults(query=query, total=ranked.total, page=page, limit=limit, hits=hits,
                             took_ms=(time.perf_counter() - started) * 1000, suggestion=suggestion,
                             facets=count_facets(searcher, ranked.matched) if facets else None,
                             relaxed=ranked.relaxed)

    def _view(self, searcher: Searcher) -> IndexView:
        """The ranking arrays of the searcher's generation (shared by threads)."""
        from searcher.ranking.view import IndexView, generation_key

        reader = searcher.reader()
        view = self._ranking_view
        if view is None or view.key != generation_key(reader):
            with self._view_lock:
                view = self._ranking_view
                if view is None or view.key != generation_key(reader):
                    view = self._ranking_view = IndexView(reader)
        return view

    def get(self, doc_id: str) -> Article:
        """The stored article with this id; raises :class:`ArticleNotFoundError`."""
        fields = self._searcher().document(id=doc_id)
        if fields is None:
            raise ArticleNotFoundError(f"no article with id {doc_id!r}")
        return Article(id=fields["id"], body=fields.get("body", ""), title=fields.get("title"),
                       date=fields.get("date"), url=fields.get("url"), source=fields.get("source"),
                       category=fields.get("category"), path=fields.get("path") or None,
                       related=tuple(fields.get("related") or ()))

    def similar(self, doc_id: str, limit: int = 10) -> list[Hit]:
        """Articles like ``doc_id`` (not itself or its near-duplicates); see :mod:`searcher.similar`.

        Raises :class:`ArticleNotFoundError` for an unknown id.
        """
        searcher = self._searcher()
        with analysis_for(schema_stemmer(searcher.schema)):
            return similar_hits(self, doc_id, limit, reader=searcher.reader())

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._searcher().document_number(id=doc_id) is not None

    def __len__(self) -> int:
        return int(self._searcher().doc_count())

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
                          analyzer_version=meta.analyzer_version, stemmer=meta.stemmer)

    # -- writing ---------------------------------------------------------------
    def _indexer(self, wait: float, progress: ProgressFn | None, jobs: int | None,
                 batch_size: int) -> Indexer:
        return Indexer(self._ix, self.path, batch_size=batch_size, writer_timeout=wait,
                       progress=progress, jobs=default_jobs() if jobs is None else jobs)

    @staticmethod
    def _analysis(indexer: Indexer) -> AbstractContextManager[object]:
        """The analysis of the schema being written (the pickled analyzers carry it too)."""
        return analysis_for(schema_stemmer(indexer.writer.schema))

    def index_paths(self, paths: Iterable[str | os.PathLike[str]], *, prune: bool = False,
                    progress: ProgressFn | None = None, wait: float = 0.0,
                    batch_size: int = DEFAULT_BATCH, jobs: int | None = None) -> IndexReport:
        """Add new, replace changed and (with ``prune``) drop vanished articles from files.

        ``jobs`` worker processes build segments (default: one per CPU); every
        ``batch_size`` articles are committed, so searches see them as the run goes.
        Waits up to ``wait`` seconds for another writer, then raises
        :class:`~searcher.errors.IndexLockedError`.
        """
        with self._indexer(wait, progress, jobs, batch_size) as indexer, self._analysis(indexer):
            return indexer.index_paths([Path(p) for p in paths], prune=prune)

    def index_stream(self, stream: IO[bytes] | IO[str], *, name: str = "-",
                     progress: ProgressFn | None = None, wait: float = 0.0,
                     batch_size: int = DEFAULT_BATCH, jobs: int | None = None) -> IndexReport:
        """Index JSON Lines read from ``stream``."""
        with self._indexer(wait, progress, jobs, batch_size) as indexer, self._analysis(indexer):
            return indexer.index_stream(stream, name)

    def add(self, articles: Iterable[Article], *, wait: float = 0.0,
            jobs: int | None = None) -> IndexReport:
        """Add or update articles given as :class:`Article` records."""
        with self._indexer(wait, None, jobs, DEFAULT_BATCH) as indexer, self._analysis(indexer):
            return indexer.index_articles(articles)

    def add_records(self, records: Iterable[Mapping[str, object]], *, name: str = "-",
                    wait: float = 0.0) -> IndexReport:
        """Add or update articles given as dicts, read like JSON input records.

        Field names and aliases are those of the input formats (``title``/``judul``,
        ``body``/``isi``, ``date``/``tanggal``…) and the same cleaning applies. A record
        that cannot be read (no body, say) is listed in the report's ``skipped`` under
        ``name`` and its 1-based position.
        """
        from searcher.readers import Skip, record_to_article

        articles: list[Article] = []
        skipped: list[Skip] = []
        for position, record in enumerate(records, start=1):
            item = record_to_article(record, name, position)
            if isinstance(item, str):
                skipped.append(Skip(name, position, item))
            else:
                articles.append(item)
        report = self.add(articles, wait=wait)
        report.skipped[:0] = skipped
        return report

    def delete(self, ids: Iterable[str], *, wait: float = 0.0) -> int:
        """Delete documents by id; returns how many were deleted."""
        return len(self.delete_ids(ids, wait=wait))

    def delete_ids(self, ids: Iterable[str], *, wait: float = 0.0) -> list[str]:
        """Delete documents by id in one commit; returns the ids that were found."""
        from searcher.commits import IndexWriter

        with IndexWriter.open(self._ix, self.path, timeout=wait) as writer:
            found = writer.delete_ids(dict.fromkeys(ids))
            if found:
                writer.commit()
            return found

    def optimize(self, *, wait: float = 0.0) -> tuple[int, int]:
        """Merge all segments into one, dropping deleted documents.

        Returns ``(segments before, segments after)``.
        """
        from searcher.maintenance import optimize_index

        return optimize_index(self._ix, self.path, wait=wait)

    def check(self, *, postings: bool = False) -> CheckReport:
        """Verify the index (see :func:`searcher.maintenance.check_index`); changes nothing.

        ``postings`` also decodes every posting list (slower).
        """
        from searcher.maintenance import check_index

        return check_index(self.path, postings=postings)

    @staticmethod
    def rebuild(path: str | os.PathLike[str] | None, paths: Iterable[str | os.PathLike[str]], *,
                progress: ProgressFn | None = None, wait: float = 0.0,
                batch_size: int = DEFAULT_BATCH, jobs: int | None = None,
                stemmer: str | None = None) -> IndexReport:
        """Build a new index of ``paths`` beside the one at ``path`` and swap it in atomically.

        Works whatever version built the old index (this is the cure for
        :class:`~searcher.errors.SchemaMismatchError`). Searches keep using the old
        index until the swap; an open :class:`SearchIndex` sees the new one afterwards.
        The new index stems with ``stemmer`` (default: the old index's stemmer, or
        ``"searcher"``): the way to change the stemmer of an index.
        """
        from searcher.maintenance import rebuild_index

        target = Path(path) if path is not None else default_index_path()
        files = [Path(p) for p in paths]

        def build(folder: Path) -> IndexReport:
            index = SearchIndex(folder)
            return index.index_paths(files, progress=progress, batch_size=batch_size, jobs=jobs)

        return rebuild_index(target, build, wait=wait, stemmer=stemmer)  # type: ignore[return-value]


def _filter(since: datetime | None, until: datetime | None, sources: Sequence[str],
            categories: Sequence[str]) -> wq.Query | None:
    parts: list[wq.Query] = []
    if since is not None or until is not None:
        parts.append(wq.DateRange("date", since, until))
    if sources:
        parts.append(wq.Or([wq.Term(f, s.lower()) for s in sources  # a facet value too
                            for f in ("source", "source_key")]))
    if categories:
        parts.append(wq.Or([wq.Term(f, c.lower()) for c in categories  # a facet value too
                            for f in ("category", "category_key")]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)
