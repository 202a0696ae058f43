"""Adding articles to an index: incremental, batched, idempotent.

An indexing run reads files (see :mod:`searcher.readers`), compares every article's
content hash with the one stored in the index's ``hash`` column, and

- adds articles whose id is new,
- replaces articles whose content changed (same id),
- leaves unchanged articles alone,
- with ``prune``, removes documents whose file or record is gone.

Files whose size and modification time (then content hash) match the previous run
are not read at all; that record lives in ``files.json`` beside the index and is
only a cache: losing it costs time, never correctness. Work is committed in batches
of ``batch_size`` articles, so a crash loses at most the batch in flight.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import FileIndex
from whoosh.writing import IndexWriter

from searcher.article import Article
from searcher.index import atomic_write_text
from searcher.readers import Skip, discover, read_file, read_stream

FILES_CACHE = "files.json"
DEFAULT_BATCH = 5000

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
        }


def document_fields(article: Article) -> dict[str, object]:
    """The Whoosh fields of one article."""
    title = article.title or ""
    doc: dict[str, object] = {
        "id": article.id,
        "body": article.body,
        "exact": f"{title}\n{article.body}" if title else article.body,
        "url": article.url,
        "related": list(article.related),
        "path": article.path or "",
        "hash": article.content_hash().encode("ascii"),
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

    def unchanged(self, path: Path) -> bool:
        """Whether ``path`` is as it was when last indexed completely."""
        entry = self.entries.get(str(path))
        if not entry:
            return False
        st = path.stat()
        if entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
            return True
        if entry.get("size") == st.st_size and entry.get("sha256") == file_digest(path):
            entry["mtime_ns"] = st.st_mtime_ns
            return True
        return False

    def record(self, path: Path) -> None:
        st = path.stat()
        self.entries[str(path)] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns,
                                   "sha256": file_digest(path)}

    def forget(self, path: str) -> None:
        self.entries.pop(path, None)

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self.entries, indent=0, sort_keys=True))


def stored_hashes(ix: FileIndex) -> tuple[dict[str, bytes], dict[str, str]]:
    """``(id → content hash, id → path)`` of every live document, from columns."""
    hashes: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return hashes, paths
        ids = reader.column_reader("id")
        hs = reader.column_reader("hash")
        ps = reader.column_reader("path")
        for docnum in reader.all_doc_ids():
            doc_id = ids[docnum]
            hashes[doc_id] = hs[docnum]
            paths[doc_id] = ps[docnum]
    return hashes, paths


class Indexer:
    """One indexing run over files, a stream, or articles."""

    def __init__(self, ix: FileIndex, index_dir: Path, *, batch_size: int = DEFAULT_BATCH,
                 writer_timeout: float = 0.0, progress: ProgressFn | None = None) -> None:
        self.ix = ix
        self.index_dir = index_dir
        self.batch_size = batch_size
        self.writer_timeout = writer_timeout
        self.progress = progress
        self.report = IndexReport()
        self.hashes, self.paths = stored_hashes(ix)
        self.seen: set[str] = set()
        self._writer: IndexWriter | None = None
        self._pending = 0
        self.files = FileCache(index_dir)
        self._files_done: list[Path] = []
        self._ids_by_path: dict[str, list[str]] | None = None

    # -- writing ---------------------------------------------------------------
    def _get_writer(self) -> IndexWriter:
        if self._writer is None:
            from searcher.locking import open_writer
            self._writer = open_writer(self.ix, self.index_dir, timeout=self.writer_timeout)
        return self._writer

    def _commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer = None
        for path in self._files_done:
            self.files.record(path)
        self._files_done.clear()
        self.files.save()
        self._pending = 0

    def cancel(self) -> None:
        """Abandon the batch in flight (its articles are picked up by the next run)."""
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def add_article(self, article: Article) -> None:
        """Add, replace or skip one article according to its content hash."""
        if article.id in self.seen:
            self.report.skipped.append(Skip(article.path or "-", None,
                                            f"duplicate id {article.id!r} (first occurrence kept)"))
            return
        self.seen.add(article.id)
        for note in article.notes:
            self.report.notes.append(f"{article.path or '-'}: {article.id}: {note}")
            if note.startswith("unreadable date"):
                self.report.undated += 1
        new_hash = article.content_hash().encode("ascii")
        old_hash = self.hashes.get(article.id)
        if old_hash == new_hash:
            self.report.unchanged += 1
        else:
            writer = self._get_writer()
            if old_hash is None:
                writer.add_document(**document_fields(article))
                self.report.added += 1
            else:
                writer.update_document(**document_fields(article))
                self.report.updated += 1
            self.hashes[article.id] = new_hash
            self.paths[article.id] = article.path or ""
            self._pending += 1
        if self.progress is not None:
            self.progress(1)
        if self._pending >= self.batch_size:
            self._commit()

    def add_items(self, items: Iterable[Article | Skip]) -> None:
        for item in items:
            if isinstance(item, Skip):
                self.report.skipped.append(item)
            else:
                self.add_article(item)

    # -- sources ---------------------------------------------------------------
    def index_paths(self, paths: Iterable[str | Path], *, prune: bool = False) -> IndexReport:
        """Index files and folders; with ``prune``, drop documents whose source is gone."""
        roots = [Path(p).resolve() for p in paths]
        files: list[Path] = []
        for item in discover(roots):
            if isinstance(item, Skip):
                self.report.skipped.append(item)
            else:
                files.append(item)
        fresh_files: set[str] = set()
        for path in files:
            if self.files.unchanged(path):
                self.report.files_unchanged += 1
                self._keep_documents_of(str(path))
                continue
            fresh_files.add(str(path))
            self.report.files_read += 1
            self.add_items(self._with_path(read_file(path), path))
            self._files_done.append(path)
        if prune:
            self._prune(roots, fresh_files)
        self._commit()
        return self.report

    def index_stream(self, stream: object, name: str = "-") -> IndexReport:
        """Index JSON Lines from a stream (stdin)."""
        self.add_items(read_stream(stream, name))  # type: ignore[arg-type]
        self._commit()
        return self.report

    def index_articles(self, articles: Iterable[Article]) -> IndexReport:
        """Index articles given directly."""
        self.add_items(articles)
        self._commit()
        return self.report

    def _with_path(self, items: Iterator[Article | Skip], path: Path) -> Iterator[Article | Skip]:
        for item in items:
            if isinstance(item, Article):
                if item.path != str(path):
                    from dataclasses import replace
                    item = replace(item, path=str(path))
            yield item

    def _keep_documents_of(self, path: str) -> None:
        if self._ids_by_path is None:
            self._ids_by_path = {}
            for doc_id, p in self.paths.items():
                self._ids_by_path.setdefault(p, []).append(doc_id)
        ids = self._ids_by_path.get(path, [])
        self.seen.update(ids)
        self.report.unchanged += len(ids)
        if self.progress is not None:
            self.progress(len(ids))

    def _prune(self, roots: list[Path], fresh_files: set[str]) -> None:
        """Delete documents under ``roots`` that this run did not see."""
        root_strs = [str(r) for r in roots]
        doomed = []
        for doc_id, path in self.paths.items():
            if doc_id in self.seen or not path:
                continue
            under = any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in root_strs)
            if under:
                doomed.append(doc_id)
        if doomed:
            writer = self._get_writer()
            for doc_id in doomed:
                writer.delete_by_term("id", doc_id)
                self.hashes.pop(doc_id, None)
                self.paths.pop(doc_id, None)
            self.report.removed += len(doomed)
        for path in list(self.files.entries):
            if path not in fresh_files and not Path(path).exists():
                self.files.forget(path)
