"""The one writer of an index: deletions, new segments and crash-safe commits.

A Whoosh index is a folder of segment files plus a table of contents
(``_MAIN_<generation>.toc``) naming the live segments and, per segment, the
deleted document numbers. Readers open the TOC with the highest generation.

:class:`IndexWriter` holds the write lock (see :mod:`searcher.locking`) for as
long as it lives and commits like this:

1. new segments are complete and fsynced before they are named anywhere
   (:meth:`searcher.segments.SegmentBuilder.finish`);
2. deletions (replaced or pruned documents) are marked on the segments they live
   in, in memory;
3. the new TOC is written to a temporary name, fsynced, renamed to the next
   generation, and the folder is fsynced: this rename is the commit;
4. only then are files no TOC names any more deleted: the previous TOC and
   segments merged away by this commit.

So whatever moment the process dies at (SIGKILL, a full disk, a power cut), the
folder holds the last committed generation complete; a crash leaves at most some
files no TOC names, which the next writer removes when it opens
(:meth:`IndexWriter.clean_orphans`). Searchers that still read an older
generation keep their open files (POSIX keeps unlinked open files readable).

Example::

    with IndexWriter.open(ix, index_dir, timeout=5) as writer:
        writer.delete_ids(["a1"])
        writer.commit([segment])
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC, FileIndex
from whoosh.reading import SegmentReader

from searcher.index import fsync_dir
from searcher.locking import HOLDER_FILE, WriteLock, acquire_write_lock

__all__ = ["IndexWriter", "MergeRunner", "merge_groups", "write_toc"]

#: merge segments when a commit leaves more than this many.
MAX_SEGMENTS = 10
#: a merge of more documents than this is split into parts of about this many (one new
#: segment each), which an indexing run merges side by side in worker processes
MERGE_PART_DOCS = 100_000

#: merges the groups of segments given; returns each group's new segment (None: no documents left)
MergeRunner = Callable[[list[list[Segment]]], list[Segment | None]]


class _SyncedStorage(FileStorage):
    """A folder whose new files are flushed and fsynced when closed."""

    def create_file(self, name: str, excl: bool = False, mode: str = "wb", **kwargs: Any) -> StructFile:
        def sync(f: StructFile) -> None:
            f.file.flush()
            os.fsync(f.file.fileno())

        return super().create_file(name, excl=excl, mode=mode, onclose=sync, **kwargs)


def merge_groups(segments: list[Segment], chosen: list[Segment], limit: int = MAX_SEGMENTS,
                 part_docs: int | None = None) -> list[list[Segment]]:
    """``chosen`` (segments of ``segments`` to merge) cut into consecutive groups, one merge each.

    As many groups as :data:`MERGE_PART_DOCS` documents fill, with about equal
    documents each; never so many that more than ``limit`` segments would remain,
    and never a group of one segment.
    """
    part_docs = part_docs or MERGE_PART_DOCS
    docs = [s.doc_count() for s in chosen]
    total = sum(docs)
    room = limit - (len(segments) - len(chosen))
    parts = max(1, min(-(-total // part_docs), room, len(chosen) // 2))
    before = list(accumulate(docs, initial=0))  # documents before each cut
    groups = []
    start = 0
    for k in range(1, parts):
        end = start + 2  # the first cut past k/parts of the documents, leaving 2 segments a group
        while end < len(chosen) - 2 * (parts - k) and before[end] < total * k / parts:
            end += 1
        groups.append(chosen[start:end])
        start = end
    groups.append(chosen[start:])
    return groups


def write_toc(folder: Path, indexname: str, schema: Any, segments: list[Segment],
              generation: int) -> None:
    """Write generation ``generation`` of the TOC durably (temp file, fsync, rename, fsync dir)."""
    TOC(schema, segments, generation).write(_SyncedStorage(str(folder)), indexname)
    fsync_dir(folder)


class IndexWriter:
    """The write side of one index folder while the write lock is held."""

    def __init__(self, ix: FileIndex, folder: Path, lock: WriteLock) -> None:
        self.ix = ix
        self.folder = folder
        self.lock = lock
        self.storage: FileStorage = ix.storage
        self.indexname: str = ix.indexname
        toc = ix._read_toc()
        self.schema = toc.schema
        self.generation: int = toc.generation
        self.segments: list[Segment] = list(toc.segments)
        #: id → (segment, document number) of live documents, read when first needed
        self._locations: dict[str, tuple[Segment, int]] | None = None
        #: segments committed since, whose ids are read into ``_locations`` when next needed
        #: (an indexing run of a million new articles never needs them)
        self._unread: list[Segment] = []
        self.duplicates: dict[str, list[tuple[Segment, int]]] = {}
        self.closed = False

    @classmethod
    def open(cls, ix: FileIndex, folder: Path, *, timeout: float = 0.0) -> IndexWriter:
        """Take the write lock (waiting up to ``timeout`` s), then clean up after a crashed run."""
        lock = acquire_write_lock(folder, timeout=timeout, indexname=ix.indexname)
        try:
            writer = cls(ix, folder, lock)
            writer.clean_orphans()
        except BaseException:
            lock.release()
            raise
        return writer

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the lock (uncommitted changes are dropped)."""
        if not self.closed:
            self.closed = True
            self.lock.release()

    # -- reading the current state ---------------------------------------------------
    def load_columns(self, names: tuple[str, ...] = ()) -> dict[str, tuple]:  # type: ignore[type-arg]
        """``id → (values of the columns `names`)`` of every live document.

        Also learns where each document lives, for :meth:`delete_ids`.
        """
        self._locations, self._unread, self.duplicates = {}, [], {}
        return self._read_segments(self.segments, names)

    def _read_segments(self, segments: list[Segment], names: tuple[str, ...] = ()) -> dict[str, tuple]:  # type: ignore[type-arg]
        """Add the live documents of ``segments`` to the locations; returns their column values."""
        where = self._locations
        assert where is not None
        values: dict[str, tuple] = {}  # type: ignore[type-arg]
        for seg in segments:
            if seg.doc_count() == 0:
                continue
            reader = SegmentReader(self.storage, self.schema, seg)
            try:
                ids = reader.column_reader("id")
                cols = [reader.column_reader(n) for n in names]
                deleted = set(seg.deleted_docs())
                for docnum in range(seg.doc_count_all()):
                    if docnum in deleted:
                        continue
                    doc_id = ids[docnum]
                    if doc_id in where:  # should never happen; deleting the id deletes all
                        self.duplicates.setdefault(doc_id, []).append(where[doc_id])
                    where[doc_id] = (seg, docnum)
                    values[doc_id] = tuple(c[docnum] for c in cols)
            finally:
                reader.close()
        return values

    def locations(self) -> dict[str, tuple[Segment, int]]:
        """``id → (segment, document number)`` of every live document."""
        if self._locations is None:
            self.load_columns()
        elif self._unread:
            unread, self._unread = self._unread, []
            self._read_segments([s for s in unread if s in self.segments])
        assert self._locations is not None
        return self._locations

    def doc_count(self) -> int:
        return sum(seg.doc_count() for seg in self.segments)

    # -- changing it --------------------------------------------------------------------
    def delete_ids(self, ids: Iterable[str]) -> list[str]:
        """Mark the documents with these ids deleted (at the next commit); returns those found."""
        ids = list(ids)
        if not ids:
            return []  # nothing to look up: the ids of new segments can stay unread
        where = self.locations()
        found = []
        for doc_id in ids:
            loc = where.pop(doc_id, None)
            if loc is not None:
                for seg, docnum in [loc, *self.duplicates.pop(doc_id, ())]:
                    seg.delete_document(docnum)
                found.append(doc_id)
        return found

    def commit(self, new_segments: Sequence[Segment] = (), *, merge: bool = True,
               runner: MergeRunner | None = None) -> None:
        """Make the deletions so far and ``new_segments`` the index's new state, durably.

        With ``merge``, small segments are merged when there are more than
        :data:`MAX_SEGMENTS`, in groups (:func:`merge_groups`) that ``runner`` merges
        (by default one after the other, in this process).
        """
        old = list(self.segments)
        segments = [s for s in old if s.doc_count() > 0 or s in new_segments]
        segments += [s for s in new_segments if s.doc_count_all() > 0]
        from searcher.indexing import write_errors

        with write_errors(self.folder):
            if merge and len(segments) > MAX_SEGMENTS:
                from searcher.merging import plan_merge
                chosen = plan_merge(segments, MAX_SEGMENTS)
                segments = self._merge(segments, merge_groups(segments, chosen), runner)
            self._write(segments, old)
        if self._locations is not None:
            self._unread += [s for s in new_segments if s in segments]

    def optimize(self) -> None:
        """Merge all segments into one, dropping deleted documents."""
        from searcher.indexing import write_errors

        if len(self.segments) > 1 or any(s.has_deletions() for s in self.segments):
            with write_errors(self.folder):
                self._write(self._merge(list(self.segments), [list(self.segments)]),
                            list(self.segments))

    def _merge(self, segments: list[Segment], groups: list[list[Segment]],
               runner: MergeRunner | None = None) -> list[Segment]:
        """``segments`` with each group of ``groups`` merged into one (written, not committed)."""
        groups = [g for g in groups if len(g) >= 2 or any(s.has_deletions() for s in g)]
        if not groups:
            return segments
        merged = (runner or self._merge_here)(groups)
        merged_away = {id(s) for g in groups for s in g}
        keep = [s for s in segments if id(s) not in merged_away]
        keep += [s for s in merged if s is not None]
        self._locations, self._unread = None, []  # documents moved: read again when needed
        return keep

    def _merge_here(self, groups: list[list[Segment]]) -> list[Segment | None]:
        from searcher.merging import merge_segments

        return [merge_segments(self.storage, self.schema, self.indexname, g)[0] for g in groups]

    def _write(self, segments: list[Segment], old: list[Segment]) -> None:
        """Commit ``segments`` as the next generation; ``old`` are the current ones."""
        old_ids = {s.segment_id() for s in old}
        fsync_dir(self.folder)  # new segment files are on disk before a TOC names them
        generation = self.generation + 1
        write_toc(self.folder, self.indexname, self.schema, segments, generation)
        previous = self.generation
        self.generation = generation
        self.segments = segments
        live = {s.segment_id() for s in segments}
        self._remove_files(previous, [i for i in old_ids if i not in live])

    def _remove_files(self, previous: int, gone: list[str]) -> None:
        """Delete the previous TOC and the files of segments (by id) no TOC names now."""
        names = [TOC._filename(self.indexname, previous)]
        prefixes = tuple(f"{sid}." for sid in gone)
        if prefixes:
            names += [n for n in os.listdir(self.folder) if n.startswith(prefixes)]
        for name in names:
            try:
                os.remove(self.folder / name)
            except OSError:
                pass

    def clean_orphans(self) -> list[str]:
        """Remove what a crashed run left: files of segments and TOCs the current TOC does not name.

        Only called with the lock held and before this writer builds segments, so
        nothing removed can belong to a live run.
        """
        live = {s.segment_id() for s in self.segments}
        tocname = TOC._filename(self.indexname, self.generation)
        toc_re = re.compile(rf"^_{re.escape(self.indexname)}_\d+\.toc(\..*)?$")
        seg_re = re.compile(rf"^({re.escape(self.indexname)}_[0-9a-z]+)\.")
        from searcher.indexing import FILES_CACHE
        holder_files = (f".{HOLDER_FILE}.", f".{FILES_CACHE}.")
        removed = []
        for name in os.listdir(self.folder):
            path = self.folder / name
            orphan = False
            if toc_re.match(name):
                orphan = name != tocname
            elif (m := seg_re.match(name)) is not None:
                orphan = m.group(1) not in live
            elif name.startswith(f".{self.indexname}_") and name.endswith(".tmp"):
                orphan = True  # scratch folder of a segment being built
            elif name == f"{self.indexname}.tmp":
                orphan = True  # Whoosh's own scratch folder
            elif name.startswith(holder_files) and name.endswith(".tmp"):
                orphan = True  # half written by a killed writer (only the lock's holder writes them)
            if not orphan:
                continue
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(name)
            except OSError:
                pass
        return removed
