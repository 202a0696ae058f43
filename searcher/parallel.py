"""Building segments in worker processes.

An indexing run (:mod:`searcher.indexing`) reads its input in this process and
cuts the articles to write into *units* of ``batch_size`` articles. Each unit
becomes one segment (:func:`build_unit`): turned into fields, analysed and written
by :class:`~searcher.segments.SegmentBuilder`. With ``jobs > 1`` units are built by
a pool of worker processes while this process goes on reading; results come back
in input order and are committed one by one. Units are cut the same way whatever
the number of jobs, so ``--jobs 2`` builds exactly the segments ``--jobs 1`` builds.

Workers are started with ``forkserver`` (``spawn`` where that is missing): they
share no locks, file descriptors or threads with the parent (the parent holds the
index's write lock, and may be a threaded server). A worker dies with its parent:
it asks the kernel for SIGKILL when its parent goes (Linux) and also watches the
parent's pid, so a killed indexing run leaves no worker writing behind it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage

from searcher.article import Article
from searcher.locking import process_state

__all__ = ["Unit", "UnitPool", "build_unit", "default_jobs", "merge_in_workers"]


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(slots=True)
class Unit:
    """Articles to write as one segment, in input order."""

    seq: int
    articles: list[Article]
    hashes: list[str]  # their content hashes, computed by the reading process


@dataclass(slots=True)
class Built:
    """A unit's segment (files complete and fsynced, not yet committed)."""

    seq: int
    segment: Any  # whoosh.codec.whoosh3.W3Segment or None
    ids: list[str]


def build_unit(folder: str, indexname: str, schema: Schema | bytes, unit: Unit) -> Built:
    """Build the segment of one unit (in a worker, or in this process)."""
    from searcher.indexing import document_fields
    from searcher.segments import build_segment

    if isinstance(schema, bytes):
        schema = _schema(schema)
    storage = FileStorage(folder)
    segment = build_segment(storage, schema, indexname,
                            map(document_fields, unit.articles, unit.hashes))
    return Built(unit.seq, segment, [a.id for a in unit.articles])


def merge_group(folder: str, indexname: str, schema: bytes, segments: list[Any]) -> tuple[Any, list[str]]:
    """Merge one group of segments (in a worker); see :func:`searcher.merging.merge_segments`."""
    from searcher.merging import merge_segments

    return merge_segments(FileStorage(folder), _schema(schema), indexname, segments)


def merge_in_workers(folder: str, indexname: str, schema: Schema, jobs: int,
                     groups: list[list[Any]]) -> list[tuple[Any, list[str]]]:
    """Merge each group of segments, up to ``jobs`` at a time in new worker processes.

    The workers are new (not the ones that built segments, whose analysis caches
    would add to each merge's memory) and die with this process.
    """
    schema_bytes = pickle.dumps(schema)
    executor = ProcessPoolExecutor(max_workers=min(jobs, len(groups)), mp_context=_context(),
                                   initializer=_worker_init, initargs=(os.getpid(),))
    futures = [executor.submit(merge_group, folder, indexname, schema_bytes, g) for g in groups]
    try:
        return [f.result() for f in futures]
    except BaseException:
        _kill(executor, futures)  # a failed or interrupted merge: stop the others now
        raise
    finally:
        try:
            executor.shutdown(wait=True, cancel_futures=True)
        except Exception:  # noqa: BLE001 - a pool broken by the kill above
            pass


def _kill(executor: ProcessPoolExecutor, futures: list[Future[Any]]) -> None:
    """Cancel ``futures`` and kill the executor's workers (what they were writing is dropped)."""
    for fut in futures:
        fut.cancel()
    for proc in list(getattr(executor, "_processes", {}).values()):
        try:
            proc.kill()
        except (OSError, AttributeError):
            pass


def warm_worker(schema: bytes) -> None:
    """Get a worker ready before its first unit: imports, the schema, the field plans."""
    from searcher.segments import plan_schema

    plan_schema(_schema(schema))


_SCHEMAS: dict[bytes, Schema] = {}


def _schema(data: bytes) -> Schema:
    """The schema pickled as ``data``, one object per process (its analysis caches live on)."""
    schema = _SCHEMAS.get(data)
    if schema is None:
        _SCHEMAS.clear()
        schema = _SCHEMAS[data] = pickle.loads(data)
    return schema


def _parent_alive(pid: int, started: str | None) -> bool:
    """Whether the indexing process still runs (a killed one may linger as a zombie)."""
    state = process_state(pid)
    if state is not None:
        return state[0] not in ("Z", "X") and (started is None or state[1] == started)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _worker_init(parent: int) -> None:
    """Make this worker die with the indexing process that started it.

    The worker's parent is the fork server, which outlives the indexing process
    while any worker lives, so the kernel's parent-death signal is not enough: a
    thread also watches the indexing process and ends this one when it is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C means
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: dies with the fork server
        except (OSError, AttributeError):
            pass
    state = process_state(parent)
    started = state[1] if state is not None else None

    def watch() -> None:
        while _parent_alive(parent, started):
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["searcher.parallel", "searcher.segments", "searcher.indexing"])
        return ctx
    return multiprocessing.get_context("spawn")


class UnitPool:
    """Units built by ``jobs`` worker processes, handed back in submission order.

    ``submit`` blocks (after collecting finished units) while ``jobs + 1`` units
    are in flight, so memory stays bounded whatever the input size.
    """

    def __init__(self, folder: str, indexname: str, schema: Schema, jobs: int) -> None:
        self.folder = folder
        self.indexname = indexname
        self.schema_bytes = pickle.dumps(schema)
        self.jobs = jobs
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(),
                                            initializer=_worker_init, initargs=(os.getpid(),))
        self.pending: deque[Future[Built]] = deque()
        self.warming: list[Future[None]] = []

    def warm(self) -> None:
        """Start the workers now (they import and plan while this process reads on)."""
        if not self.warming:
            self.warming = [self.executor.submit(warm_worker, self.schema_bytes)
                            for _ in range(self.jobs)]

    def submit(self, unit: Unit) -> list[Built]:
        """Queue a unit; returns the units finished meanwhile (in order)."""
        done = []
        while len(self.pending) > self.jobs:
            done.append(self.pending.popleft().result())
        self.pending.append(self.executor.submit(build_unit, self.folder, self.indexname,
                                                 self.schema_bytes, unit))
        while self.pending and self.pending[0].done():
            done.append(self.pending.popleft().result())
        return done

    def drain(self) -> Iterator[Built]:
        """The remaining units, in order, as they finish."""
        while self.pending:
            yield self.pending.popleft().result()

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers; with ``cancel``, at once (units in flight are dropped)."""
        if cancel:
            # a run that failed or was interrupted: stop the workers now, not after their
            # units (the caller removes the files of segments that were never committed)
            _kill(self.executor, [*self.pending, *self.warming])
            self.pending.clear()
        try:
            self.executor.shutdown(wait=True, cancel_futures=cancel)
        except Exception:  # noqa: BLE001 - a pool broken by the kill above
            if not cancel:
                raise


