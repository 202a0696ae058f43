"""Looking after an index: check it, merge its segments, rebuild it from scratch.

- :func:`check_index` opens every segment, reads every stored document, and
  compares what it finds with the ``id``/``hash`` columns, the id terms and the
  ``files.json`` cache; each problem comes with the command that fixes it.
- :func:`optimize_index` merges all segments into one (deleted documents go).
- :func:`rebuild_index` builds a complete new index in a sibling folder and swaps
  it in atomically, so searches see the old index or the new one, never a half-built
  one. The new index starts at a higher TOC generation than the old one, so an open
  searcher notices the change and reopens.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from searcher.errors import NotAnIndexError, SearcherError
from searcher.index import FORMAT_NAME, INDEX_NAME, META_FILE, IndexMeta, fsync_dir, write_meta
from searcher.indexing import FILES_CACHE

__all__ = ["CheckReport", "Problem", "check_index", "optimize_index", "rebuild_index"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an index, and what to do about it."""

    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.message} (fix: {self.fix})"


@dataclass(slots=True)
class CheckReport:
    """The outcome of :func:`check_index`."""

    path: str
    documents: int = 0
    segments: int = 0
    generation: int = -1
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        def rows(items: list[Problem]) -> list[dict[str, str]]:
            return [{"message": p.message, "fix": p.fix} for p in items]

        return {"path": self.path, "ok": self.ok, "documents": self.documents,
                "segments": self.segments, "generation": self.generation,
                "problems": rows(self.problems), "warnings": rows(self.warnings)}


def check_index(path: Path, *, postings: bool = False,
                rebuild_hint: str = "searcher index --rebuild PATHS") -> CheckReport:
    """Verify the index at ``path`` without changing it.

    With ``postings``, also decode every posting list of every term and compare the
    posting arrays of long lists with it (slower: about as long as reading the whole
    index).
    """
    from searcher.index import open_whoosh

    report = CheckReport(str(path))
    rebuild = f"rebuild it: `{rebuild_hint}`"
    try:
        ix = open_whoosh(path)
        toc = ix._read_toc()
    except Exception as error:  # noqa: BLE001 - every failure is a finding here
        report.problems.append(Problem(f"the index cannot be opened: {error}", rebuild))
        return report
    report.generation = toc.generation
    report.segments = len(toc.segments)
    ids_seen: dict[str, int] = {}
    paths: dict[str, int] = {}
    for seg in toc.segments:
        _check_segment(ix.storage, toc.schema, seg, report, ids_seen, paths, rebuild)
        if postings:
            _check_postings(ix.storage, toc.schema, seg, report, rebuild)
    dups = [i for i, n in ids_seen.items() if n > 1]
    if dups:
        report.problems.append(Problem(
            f"{len(dups)} id(s) stored more than once, e.g. {dups[0]!r}",
            "delete them with `searcher delete ID…` and index their files again"))
    report.documents = sum(ids_seen.values())
    _check_files_cache(path, paths, report)
    _check_leftovers(path, toc, report)
    return report


def _check_segment(storage: FileStorage, schema: object, seg: object, report: CheckReport,
                   ids_seen: dict[str, int], paths: dict[str, int], rebuild: str) -> None:
    from whoosh.reading import SegmentReader

    name = seg.segment_id()  # type: ignore[attr-defined]
    try:
        reader = SegmentReader(storage, schema, seg)
    except Exception as error:  # noqa: BLE001
        report.problems.append(Problem(f"segment {name} cannot be opened: {error}", rebuild))
        return
    try:
        deleted = set(seg.deleted_docs())  # type: ignore[attr-defined]
        total = seg.doc_count_all()  # type: ignore[attr-defined]
        if any(d >= total or d < 0 for d in deleted):
            report.problems.append(Problem(f"segment {name} deletes documents it does not hold",
                                           rebuild))
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        pathcol = reader.column_reader("path")
        bad_docs = bad_hash = mismatched = 0
        for docnum in range(total):
            if docnum in deleted:
                continue
            try:
                stored = reader.stored_fields(docnum)
            except Exception:  # noqa: BLE001
                bad_docs += 1
                continue
            doc_id = ids[docnum]
            if stored.get("id") != doc_id or not doc_id:
                mismatched += 1
            if not re.fullmatch(rb"[0-9a-f]{32}", hashes[docnum] or b""):
                bad_hash += 1
            ids_seen[doc_id] = ids_seen.get(doc_id, 0) + 1
            p = pathcol[docnum]
            paths[p] = paths.get(p, 0) + 1
            if docnum % 64 == 0 and not _id_term_finds(reader, doc_id, docnum):
                mismatched += 1
        if bad_docs:
            report.problems.append(Problem(
                f"segment {name}: {bad_docs} stored document(s) cannot be read", rebuild))
        if mismatched:
            report.problems.append(Problem(
                f"segment {name}: {mismatched} document(s) whose id column, stored id and id "
                "term disagree", rebuild))
        if bad_hash:
            report.problems.append(Problem(
                f"segment {name}: {bad_hash} document(s) without a content hash",
                f"{rebuild} (or index their files again)"))
    except Exception as error:  # noqa: BLE001
        report.problems.append(Problem(f"segment {name} cannot be read: {error}", rebuild))
    finally:
        reader.close()


def _check_postings(storage: FileStorage, schema: object, seg: object, report: CheckReport,
                    rebuild: str) -> None:
    from searcher.merging import _decode_postings, _Source
    from searcher.postingarrays import BLOCK_POSTINGS, open_arrays

    name = seg.segment_id()  # type: ignore[attr-defined]
    bad = 0
    example = ""
    try:
        src = _Source(storage, seg, 0)  # type: ignore[arg-type]
    except Exception as error:  # noqa: BLE001
        report.problems.append(Problem(f"segment {name} cannot be opened: {error}", rebuild))
        return
    total = seg.doc_count_all()  # type: ignore[attr-defined]
    try:
        arrays = open_arrays(src.files, seg)
    except ValueError as error:
        arrays, bad, example = None, 1, f"its posting arrays ({error})"
    held = 0
    try:
        for fieldname in src.terms.indexed_field_names():
            if fieldname not in schema:  # type: ignore[operator]
                continue
            fixed = schema[fieldname].format.fixed_value_size()  # type: ignore[index]
            for tbytes, info in src.field_terms(fieldname):
                try:
                    if info.is_inlined():
                        ids = list(info.inlined_postings()[0])
                    else:
                        offset, length = info.extent()
                        length = length[0] if isinstance(length, tuple) else length
                        ids, weights, _ = _decode_postings(src.postfile.get(offset, length), fixed)
                        if arrays is not None and len(ids) > BLOCK_POSTINGS:
                            held += 1
                            got = arrays.find(offset, total)
                            if got is None or got[0].tolist() != ids or got[1].tolist() != weights:
                                ids = []
                    good = (len(ids) == info.doc_frequency() and ids == sorted(set(ids))
                            and (not ids or (ids[0] >= 0 and ids[-1] < total)))
                except Exception:  # noqa: BLE001
                    good = False
                if not good:
                    bad += 1
                    example = example or f"{fieldname}:{tbytes[:30]!r}"
    except Exception as error:  # noqa: BLE001
        report.problems.append(Problem(f"segment {name}: its term index cannot be read ({error})",
                                       rebuild))
        return
    finally:
        src.close()
    if arrays is not None and held != len(arrays):
        bad += 1
        example = example or f"its posting arrays hold {len(arrays)} lists, not {held}"
    if bad:
        report.problems.append(Problem(
            f"segment {name}: {bad} damaged posting list(s), e.g. {example}", rebuild))


def _id_term_finds(reader: object, doc_id: str, docnum: int) -> bool:
    try:
        m = reader.postings("id", doc_id)  # type: ignore[attr-defined]
        m.skip_to(docnum)
        return bool(m.is_active() and m.id() == docnum)
    except Exception:  # noqa: BLE001
        return False


def _check_files_cache(path: Path, paths: dict[str, int], report: CheckReport) -> None:
    cache = path / FILES_CACHE
    if not cache.exists():
        return
    try:
        entries = json.loads(cache.read_text("utf-8"))
        if not isinstance(entries, dict):
            raise ValueError("not an object")
    except (OSError, ValueError) as error:
        report.problems.append(Problem(f"{FILES_CACHE} is unreadable ({error})",
                                       f"delete {cache}; the next index run reads every file again"))
        return
    stale = []
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not {"size", "mtime_ns", "sha256"} <= set(entry):
            report.problems.append(Problem(f"{FILES_CACHE} has a malformed entry for {name}",
                                           f"delete {cache}; the next index run reads every file again"))
            return
        documents = entry.get("documents")
        if documents is not None and documents != paths.get(name, 0):
            stale.append(name)
        elif not Path(name).exists():
            stale.append(name)
    if stale:
        report.warnings.append(Problem(
            f"{len(stale)} {FILES_CACHE} entr{'y' if len(stale) == 1 else 'ies'} out of date "
            f"(file gone or documents deleted), e.g. {stale[0]}",
            "none needed: such files are read again by the next index run "
            "(with --prune for files that are gone)"))


def _check_leftovers(path: Path, toc: TOC, report: CheckReport) -> None:
    live = {s.segment_id() for s in toc.segments}
    pattern = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.")
    left = [n for n in os.listdir(path)
            if ((m := pattern.match(n)) and m.group(1) not in live) or n.endswith(".tmp")]
    if left:
        report.warnings.append(Problem(
            f"{len(left)} file(s) left by an interrupted run, e.g. {left[0]}",
            "none needed: the next index, delete or optimize run removes them"))


# -- optimize ------------------------------------------------------------------------------
def optimize_index(ix: object, path: Path, *, wait: float = 0.0) -> tuple[int, int]:
    """Merge all segments into one; returns ``(segments before, segments after)``."""
    from searcher.commits import IndexWriter

    with IndexWriter.open(ix, path, timeout=wait) as writer:  # type: ignore[arg-type]
        before = len(writer.segments)
        writer.optimize()
        return before, len(writer.segments)


# -- rebuild -------------------------------------------------------------------------------
def rebuild_index(target: Path, build: Callable[[Path], object], *, wait: float = 0.0,
                  stemmer: str | None = None) -> object:
    """Build a new index with ``build(folder)`` in a sibling folder, then swap it in.

    Holds the old index's write lock throughout, so no incremental run can commit
    to the old index meanwhile (its work would be lost in the swap). Returns what
    ``build`` returns. The new index stems with ``stemmer``; by default with the old
    index's stemmer (``searcher`` when there is none or it cannot be read).
    """
    from searcher.index import create_whoosh
    from searcher.locking import acquire_write_lock

    target = Path(target)
    _refuse_foreign(target)
    if stemmer is None:
        stemmer = previous_stemmer(target)
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    lock = acquire_write_lock(target, timeout=wait) if target.is_dir() else None
    staging = parent / f".{target.name}.rebuild-{os.getpid()}"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        create_whoosh(staging, stemmer)
        old_generation = TOC._latest_generation(FileStorage(str(target)), INDEX_NAME) \
            if target.is_dir() else -1
        if old_generation >= 0:  # start above the old index, so open searchers see a change
            _restart_generation(staging, old_generation + 1)
        result = build(staging)
        write_meta(staging, IndexMeta.current(stemmer))
        fsync_dir(staging)
        if target.exists():
            _exchange(staging, target)
            shutil.rmtree(staging, ignore_errors=True)  # the old index, now at the staging name
        else:
            os.rename(staging, target)
        fsync_dir(parent)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # the half-built index (or the old one, if swapped)
        raise
    finally:
        if lock is not None:
            lock.release()


def previous_stemmer(target: Path) -> str:
    """The stemmer of the index at ``target``; the default when there is none or it is unreadable."""
    from searcher.analysis import DEFAULT_STEMMER
    from searcher.index import read_meta

    try:
        return read_meta(target).stemmer
    except SearcherError:
        return DEFAULT_STEMMER


def _refuse_foreign(target: Path) -> None:
    if not target.exists():
        return
    if not target.is_dir():
        raise NotAnIndexError(f"{target} is a file, not an index directory")
    if not any(target.iterdir()):
        return
    meta = target / META_FILE
    try:
        raw = json.loads(meta.read_text("utf-8"))
        if raw.get("format") == FORMAT_NAME:
            return
    except (OSError, ValueError, AttributeError):
        pass
    raise NotAnIndexError(f"{target} is not a searcher index; refusing to replace it")


def _restart_generation(folder: Path, generation: int) -> None:
    from searcher.commits import write_toc

    storage = FileStorage(str(folder))
    toc = TOC.read(storage, INDEX_NAME)
    write_toc(folder, INDEX_NAME, toc.schema, [], generation)
    os.remove(folder / TOC._filename(INDEX_NAME, toc.generation))


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories atomically (Linux ``renameat2``), else rename twice."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd = -100
        res = renameat2(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)),
                        _RENAME_EXCHANGE)
        if res == 0:
            return
    aside = a.with_name(a.name + ".old")
    os.rename(b, aside)
    try:
        os.rename(a, b)
    except OSError:
        os.rename(aside, b)
        raise
    os.rename(aside, a)
