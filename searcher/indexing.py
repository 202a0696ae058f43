"""Adding articles to an index: incremental, parallel, batched and crash-safe.

An indexing run reads files (see :mod:`searcher.readers`) in this process and
compares every article with what the index holds (the ``hash`` and ``path``
columns), then

- adds articles whose id is new,
- replaces articles whose content (or file) changed, keeping their id,
- leaves unchanged articles alone (and never reads a file whose size and
  modification time, then SHA-256, match the last run that indexed it completely),
- with ``prune``, removes documents whose file or record is gone; without it
  nothing is ever deleted.

The articles to write are cut into batches of ``batch_size``; each batch becomes
one segment, built in a worker process with ``jobs > 1``
(:mod:`searcher.parallel`, :mod:`searcher.segments`), and is committed on its own,
together with the deletion of the versions it replaces (:mod:`searcher.commits`).
A crash, a kill or a full disk costs at most the batches not yet committed; the
next run finds their articles new or changed and writes them then.

``files.json`` beside the index records, for each file read completely, its size,
modification time, SHA-256 and how many documents it gave. It is written only
after the commit that holds the file's last article, and it is only a cache: an
entry whose documents are no longer all in the index is ignored.

Example::

    with Indexer(ix, Path("news-index"), jobs=2) as indexer:
        report = indexer.index_paths(["articles/"], prune=True)
    print(report.added, report.updated, report.unchanged)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.index import FileIndex

from searcher.article import Article
from searcher.commits import MAX_SEGMENTS, MergeRunner
from searcher.errors import IndexWriteError
from searcher.index import atomic_write_text
from searcher.readers import Skip, discover, read_file, read_stream

if TYPE_CHECKING:
    from searcher.parallel import UnitPool

FILES_CACHE = "files.json"
#: Articles per segment (and per commit).
DEFAULT_BATCH = 5000
#: with batches at least this large, the workers are started when the first batch is
#: half read, so their start-up (imports, field plans) overlaps the reading
WARM_BATCH = 1000

ProgressFn = Callable[[int], None]


@dataclass(slots=True)
class IndexReport:
    """What an indexing run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skip] = field(default_factory=list)
    files_read: int = 0
    files_unchanged: int = 0
    undated: int = 0
    notes: list[str] = field(default_factory=list)
    commits: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "skipped": len(self.skipped),
            "skips": [{"path": s.path, "line": s.line, "reason": s.reason} for s in self.skipped],
            "files_read": self.files_read, "files_unchanged": self.files_unchanged,
            "undated": self.undated,
            "notes": list(self.notes),
            "commits": self.commits,
        }


def document_fields(article: Article, content_hash: str | None = None) -> dict[str, object]:
    """The Whoosh fields of one article (``content_hash`` if already computed)."""
    title = article.title or ""
    doc: dict[str, object] = {
        "id": article.id,
        "body": article.body,
        "exact": f"{title}\n{article.body}" if title else article.body,
        "url": article.url,
        "related": list(article.related),
        "path": article.path or "",
        "hash": (content_hash or article.content_hash()).encode("ascii"),
    }
    if article.title:
        doc["title"] = article.title
    if article.date is not None:
        doc["date"] = article.date
        doc["month"] = article.date.strftime("%Y-%m")
    if article.source:
        doc["source"] = source_keywords(article.source)
        doc["_stored_source"] = article.source
        doc["source_key"] = article.source.lower()
    if article.category:
        doc["category"] = article.category
        doc["category_key"] = article.category.lower()
    return doc


def source_keywords(source: str) -> str:
    """Index terms of a publisher: the whole name and each label of a domain.

    ``tekno.kompas.com`` → ``tekno.kompas.com tekno kompas com`` so that
    ``source:kompas`` and ``source:kompas.com`` both match.
    """
    low = source.lower().strip()
    parts = [p for p in low.replace("/", ".").split(".") if p]
    return " ".join(dict.fromkeys([low.replace(" ", "_"), *parts]))


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class FileCache:
    """``files.json``: size, mtime and hash of each file seen by the last runs."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / FILES_CACHE
        try:
            self.entries: dict[str, dict[str, object]] = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def unchanged(self, path: Path, documents: int) -> bool:
        """Whether ``path`` is as it was when last indexed completely.

        ``documents`` is how many live documents the index holds from the file; an
        entry recorded with another count is stale (documents were deleted since).
        """
        entry = self.entries.get(str(path))
        if not entry or entry.get("documents", documents) != documents:
            return False
        try:
            st = path.stat()
        except OSError:
            return False
        if entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
            return True
        if entry.get("size") == st.st_size and entry.get("sha256") == file_digest(path):
            entry["mtime_ns"] = st.st_mtime_ns
            return True
        return False

    def record(self, path: Path, documents: int, stat: os.stat_result, digest: str) -> None:
        """Remember a file read completely (``stat`` and ``digest`` taken before reading it)."""
        self.entries[str(path)] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                   "sha256": digest, "documents": documents}

    def forget(self, path: str) -> None:
        self.entries.pop(path, None)

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self.entries, indent=0, sort_keys=True))


@dataclass(slots=True)
class _Pending:
    """What a batch's commit must do besides adding its segment."""

    replaced: list[str] = field(default_factory=list)
    files: list[tuple[Path, os.stat_result, str]] = field(default_factory=list)


class Indexer:
    """One indexing run over files, a stream, or articles.

    It holds the index's write lock from construction to :meth:`close` (use it as a
    context manager). ``jobs`` worker processes build the segments (1: all in this
    process); ``batch_size`` articles make one segment and one commit.
    """

    def __init__(self, ix: FileIndex, index_dir: Path, *, batch_size: int = DEFAULT_BATCH,
                 writer_timeout: float = 0.0, progress: ProgressFn | None = None,
                 jobs: int = 1) -> None:
        from searcher.commits import IndexWriter

        self.ix = ix
        self.index_dir = Path(index_dir)
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.jobs = max(1, jobs)
        self.report = IndexReport()
        self.writer = IndexWriter.open(ix, self.index_dir, timeout=writer_timeout)
        try:
            #: id → (content hash, path) of the documents the index held when the run began
            #: (as replaced by this run); the run's new articles are only counted, in ``seen``
            #: and ``path_counts``, so that a run of a million new articles stays small
            self.known: dict[str, tuple[bytes, str]] = self.writer.load_columns(("hash", "path"))
        except BaseException:
            self.writer.close()
            raise
        #: path → how many live documents came from it (``files.json`` records it)
        self.path_counts: Counter[str] = Counter(path for _, path in self.known.values())
        self.files = FileCache(self.index_dir)
        self.seen: set[str] = set()
        self._ids_by_path: dict[str, list[str]] | None = None
        self._batch: list[Article] = []
        self._hashes: list[str] = []
        self._seq = 0
        self._pending: dict[int, _Pending] = {0: _Pending()}
        self._pool: UnitPool | None = None
        self._closed = False

    # -- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers, drop what was not committed, release the lock."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._pool is not None:
                self._pool.close(cancel=True)
                self._pool = None
            self.writer.clean_orphans()  # segments built but not committed
        finally:
            self.writer.close()

    cancel = close

    # -- the stream of articles -------------------------------------------------------
    def add_article(self, article: Article) -> None:
        """Add, replace or skip one article according to its content hash and path."""
        report = self.report
        if article.id in self.seen:
            report.skipped.append(Skip(article.path or "-", None,
                                       f"duplicate id {article.id!r} (first occurrence kept)"))
            return
        self.seen.add(article.id)
        for note in article.notes:
            report.notes.append(f"{article.path or '-'}: {article.id}: {note}")
            if note.startswith("unreadable date"):
                report.undated += 1
        digest = article.content_hash()
        new = (digest.encode("ascii"), article.path or "")
        old = self.known.get(article.id)
        if old == new:
            report.unchanged += 1
        else:
            if old is None:
                report.added += 1
            else:
                report.updated += 1
                self._pending[self._seq].replaced.append(article.id)
                self.known[article.id] = new
                self.path_counts[old[1]] -= 1
            self.path_counts[new[1]] += 1
            self._batch.append(article)
            self._hashes.append(digest)
            if len(self._batch) >= self.batch_size:
                self._send(final=False)
            elif (len(self._batch) == self.batch_size // 2 and self._pool is None
                  and self.jobs > 1 and self.batch_size >= WARM_BATCH):
                self._start_pool()  # half a batch read: more is likely to come
        if self.progress is not None:
            self.progress(1)

    def add_items(self, items: Iterable[Article | Skip]) -> int:
        """Take articles and skips in order; returns how many skips there were."""
        skips = 0
        for item in items:
            if isinstance(item, Skip):
                self.report.skipped.append(item)
                skips += 1
            else:
                self.add_article(item)
        return skips

    # -- batches ------------------------------------------------------------------------
    def _send(self, *, final: bool) -> None:
        """Turn the current batch into a unit: build it here or hand it to the workers."""
        with write_errors(self.index_dir):
            self._send_unit(final=final)

    def _send_unit(self, *, final: bool) -> None:
        from searcher.parallel import Unit, build_unit

        seq = self._seq
        unit = Unit(seq, self._batch, self._hashes)
        self._batch, self._hashes = [], []
        self._seq += 1
        self._pending[self._seq] = _Pending()
        if self._pool is None and self.jobs > 1 and not final:
            self._start_pool()
        if self._pool is None:
            self._commit(build_unit(str(self.index_dir), self.ix.indexname, self.writer.schema, unit))
            return
        for built in self._pool.submit_unit(unit):
            self._commit(built)

    def _start_pool(self) -> None:
        """Start the worker processes, warming them up while this process reads on."""
        from searcher.parallel import UnitPool

        with write_errors(self.index_dir):
            self._pool = UnitPool(str(self.index_dir), self.ix.indexname, self.writer.schema,
                                  self.jobs)
            self._pool.warm()

    def _commit(self, built: object) -> None:
        pending = self._pending.pop(built.seq)  # type: ignore[attr-defined]
        self.writer.delete_ids(pending.replaced)
        segment = built.segment  # type: ignore[attr-defined]
        # no merging until the run's end: a long run would merge its own new segments
        # again and again while the workers wait (see _finish)
        self.writer.commit([segment] if segment is not None else [], merge=False)
        self.report.commits += 1
        self._record_files(pending.files)

    def _merge_runner(self) -> MergeRunner | None:
        """How the end of the run merges: in new worker processes with ``jobs > 1``."""
        if self.jobs < 2:
            return None
        from searcher.parallel import merge_in_workers

        def run(groups: list[list[object]]) -> list[object]:
            if len(groups) == 1:
                return self.writer._merge_here(groups)  # type: ignore[arg-type]
            return merge_in_workers(str(self.index_dir), self.ix.indexname, self.writer.schema,
                                    self.jobs, groups)

        return run  # type: ignore[return-value]

    def _record_files(self, files: list[tuple[Path, os.stat_result, str]]) -> None:
        if not files:
            return
        for path, stat, digest in files:
            self.files.record(path, self.path_counts[str(path)], stat, digest)
        self.files.save()

    def finish(self, doomed: Iterable[str] = ()) -> IndexReport:
        """Write the last batch, wait for the workers, delete ``doomed`` ids, commit."""
        with write_errors(self.index_dir):
            return self._finish(doomed)

    def _finish(self, doomed: Iterable[str]) -> IndexReport:
        if self._batch:
            self._send_unit(final=True)
        if self._pool is not None:
            for built in self._pool.drain():
                self._commit(built)
            self._pool.close()
            self._pool = None
        leftover = self._pending.pop(self._seq, _Pending())
        removed = self.writer.delete_ids(doomed)
        pruned = [self.known.pop(doc_id)[1] for doc_id in removed if doc_id in self.known]
        self.path_counts.subtract(pruned)
        self.report.removed += len(removed)
        if removed or leftover.replaced:
            self.writer.delete_ids(leftover.replaced)
            self.writer.commit(merge=False)
            self.report.commits += 1
        if len(self.writer.segments) > MAX_SEGMENTS:
            # the run's merging, all at once: each new document is rewritten once, and the
            # groups (MERGE_PART_DOCS documents each) are merged side by side by the workers
            self.writer.commit(runner=self._merge_runner())
            self.report.commits += 1
        self._record_files(leftover.files)
        self._recount_files(set(pruned))
        return self.report

    def _recount_files(self, paths: set[str]) -> None:
        """After a prune commit: the cache entries of files that lost records get the new count.

        Entries recorded by this run's earlier commits counted the documents that the
        prune then removed; left so, they would make the next run read those files again.
        """
        stale = [p for p in paths if p in self.files.entries]
        if not stale:
            return
        for path in stale:
            self.files.entries[path]["documents"] = self.path_counts[path]
        self.files.save()

    # -- sources ------------------------------------------------------------------------
    def index_paths(self, paths: Iterable[str | Path], *, prune: bool = False) -> IndexReport:
        """Index files and folders; with ``prune``, drop documents whose source is gone."""
        roots = [Path(p).resolve() for p in paths]
        keep_files: set[str] = set()
        for found in discover(roots):
            if isinstance(found, Skip):
                self.report.skipped.append(found)
                continue
            path = found
            documents = len(self._ids_of(str(path)))
            if self.files.unchanged(path, documents):
                self.report.files_unchanged += 1
                self._keep_documents_of(str(path))
                continue
            self.report.files_read += 1
            try:
                before = path.stat()
                digest = file_digest(path)
            except OSError as error:
                self.report.skipped.append(Skip(str(path), None, (error.strerror or str(error)).lower()))
                keep_files.add(str(path))
                continue
            skips = self.add_items(self._with_path(read_file(path), path))
            if skips:
                keep_files.add(str(path))  # never prune what a damaged file may still hold
            try:
                after = path.stat()
            except OSError:
                continue
            if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
                self._pending[self._seq].files.append((path, before, digest))
        doomed: list[str] = []
        if prune:
            doomed = self._doomed(roots, keep_files)
            for name in list(self.files.entries):
                if not Path(name).exists() and any(_under(name, str(r)) for r in roots):
                    self.files.forget(name)
        self.finish(doomed)
        if prune:
            self.files.save()
        return self.report

    def index_stream(self, stream: object, name: str = "-") -> IndexReport:
        """Index JSON Lines from a stream (stdin)."""
        self.add_items(read_stream(stream, name))  # type: ignore[arg-type]
        return self.finish()

    def index_articles(self, articles: Iterable[Article]) -> IndexReport:
        """Index articles given directly."""
        self.add_items(articles)
        return self.finish()

    # -- helpers ------------------------------------------------------------------------
    @staticmethod
    def _with_path(items: Iterable[Article | Skip], path: Path) -> Iterable[Article | Skip]:
        name = str(path)
        for item in items:
            if isinstance(item, Article) and item.path != name:
                item = replace(item, path=name)
            yield item

    def _ids_of(self, path: str) -> list[str]:
        if self._ids_by_path is None:
            self._ids_by_path = {}
            for doc_id, (_, p) in self.known.items():
                self._ids_by_path.setdefault(p, []).append(doc_id)
        return self._ids_by_path.get(path, [])

    def _keep_documents_of(self, path: str) -> None:
        ids = [i for i in self._ids_of(path) if i not in self.seen]
        self.seen.update(ids)
        self.report.unchanged += len(ids)
        if self.progress is not None and ids:
            self.progress(len(ids))

    def _doomed(self, roots: list[Path], keep_files: set[str]) -> list[str]:
        """Documents under ``roots`` that this run did not see (their file or record is gone)."""
        root_strs = [str(r) for r in roots]
        doomed = []
        for doc_id, (_, path) in self.known.items():
            if doc_id in self.seen or not path or path in keep_files:
                continue
            if any(_under(path, r) for r in root_strs):
                doomed.append(doc_id)
        return doomed


@contextmanager
def write_errors(folder: Path) -> Iterator[None]:
    """Turn a failed write (disk full, permissions, a dead worker) into an :class:`IndexWriteError`."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield
    except BrokenProcessPool as error:
        raise IndexWriteError(f"a worker process died while building a segment of {folder} "
                              f"({error})") from error
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise IndexWriteError(f"could not write the index at {folder}: "
                              f"{error.strerror or error}{where}") from error


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
