"""Building segments in worker processes.

An indexing run (:mod:`searcher.indexing`) reads its input in this process and
cuts the articles to write into *units* of ``batch_size`` articles. Each unit
becomes one segment (:func:`build_unit`): turned into fields, analysed and written
by :class:`~searcher.segments.SegmentBuilder`. With ``jobs > 1`` units are built by
worker processes, ``jobs`` at a time and a new process for each unit (see
:class:`WorkerPool`), while this process goes on reading; results come back in input
order and are committed one by one. Units are cut the same way whatever the number
of jobs, so ``--jobs 2`` builds exactly the segments ``--jobs 1`` builds.

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
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from typing import Any

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage

from searcher.article import Article
from searcher.locking import process_state

__all__ = ["Unit", "UnitPool", "WorkerPool", "build_unit", "default_jobs", "merge_in_workers"]


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


def build_unit(folder: str, indexname: str, schema: Schema | bytes, unit: Unit) -> Built:
    """Build the segment of one unit (in a worker, or in this process)."""
    from searcher.indexing import document_fields
    from searcher.segments import build_segment

    if isinstance(schema, bytes):
        schema = pickle.loads(schema)
    storage = FileStorage(folder)
    segment = build_segment(storage, schema, indexname,
                            map(document_fields, unit.articles, unit.hashes))
    return Built(unit.seq, segment)


def merge_group(folder: str, indexname: str, schema: bytes, segments: list[Any]) -> Any:
    """Merge one group of segments (in a worker); see :func:`searcher.merging.merge_segments`."""
    from searcher.merging import merge_segments

    return merge_segments(FileStorage(folder), pickle.loads(schema), indexname, segments)[0]


def merge_in_workers(folder: str, indexname: str, schema: Schema, jobs: int,
                     groups: list[list[Any]]) -> list[Any]:
    """Merge each group of segments, up to ``jobs`` at a time, each in a new worker process."""
    schema_bytes = pickle.dumps(schema)
    pool = WorkerPool(jobs)
    try:
        merged = []
        for group in groups:
            merged += pool.submit(merge_group, folder, indexname, schema_bytes, group)
        merged += pool.drain()
    except BaseException:
        pool.close(cancel=True)  # a failed or interrupted merge: stop the others now
        raise
    pool.close()
    return merged


def _run_task(conn: Connection, parent: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """A worker's whole life: run ``fn(*args)``, send back ``(True, result)`` or ``(False, error)``."""
    _worker_init(parent)
    try:
        message: tuple[bool, Any] = (True, fn(*args))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
        message = (False, (error, traceback.format_exc()))
    try:
        conn.send(message)
    except Exception as error:  # noqa: BLE001 - an error that cannot be pickled
        failed, text = message[1]
        conn.send((False, (RuntimeError(f"{type(failed).__name__}: {failed} ({error})"), text)))
    conn.close()


class WorkerTraceback(Exception):
    """Where in the worker a task's error was raised (the error's ``__cause__``)."""

    def __str__(self) -> str:
        return f"\n\"\"\"\n{self.args[0]}\"\"\"" if self.args else ""


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


class _Task:
    """One task's worker process and the end of the pipe its result comes back on."""

    __slots__ = ("process", "conn", "message")

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.message: tuple[bool, Any] | None = None

    def receive(self) -> bool:
        """Take the result if it has come (or the worker died); whether the task is over."""
        if self.message is None and self.conn.poll():
            try:
                self.message = self.conn.recv()
            except (EOFError, OSError):  # the worker died before sending anything
                self.process.join(5)
                self.message = (False, (BrokenProcessPool(
                    f"worker process {self.process.pid} ended without a result "
                    f"(exit code {self.process.exitcode})"), None))
            self.conn.close()
        return self.message is not None

    def result(self) -> Any:
        """The task's result, waiting for it; its error, raised here."""
        while not self.receive():
            wait_for([self.conn])
        self.process.join()  # it ends right after sending
        ok, value = self.message  # type: ignore[misc]
        if not ok:
            error, text = value
            if text:
                raise error from WorkerTraceback(text)
            raise error
        return value

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        except (OSError, ValueError, AttributeError):
            pass
        self.conn.close()


class WorkerPool:
    """Tasks run by worker processes, ``jobs`` at a time, results in submission order.

    Each task gets a new process (forked from a server that has already imported
    everything), which ends with its task. A worker's memory (analysis caches, a
    unit's postings, a merge's buffers, the heap they fragment) goes back to the
    system with it, so a run of a million articles needs no more memory than a run of
    ten thousand; analysis caches are warm again after a few hundred articles.
    ``submit`` blocks (after collecting finished tasks) while ``jobs`` tasks run or
    ``jobs + 1`` are handed out and not collected, so memory, and what a crash costs,
    stay bounded. A task's exception is raised when its result is collected; a worker
    that dies raises :class:`~concurrent.futures.process.BrokenProcessPool`.

    (``ProcessPoolExecutor(max_tasks_per_child=1)`` would do the same, but deadlocks
    in Python 3.11–3.13, cpython#115634.)
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.context = _context()
        self.pending: deque[_Task] = deque()  # in submission order

    def warm(self) -> None:
        """Start the fork server now: it imports searcher while this process goes on."""
        if self.context.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def submit(self, fn: Callable[..., Any], *args: Any) -> list[Any]:
        """Start ``fn(*args)`` in a new worker; returns the results finished meanwhile (in order)."""
        done = self._collect()
        while True:
            running = [task for task in self.pending if not task.receive()]
            if len(running) < self.jobs and len(self.pending) <= self.jobs:
                break
            wait_for([task.conn for task in running])
            done += self._collect()
        receiver, sender = self.context.Pipe(duplex=False)
        process = self.context.Process(target=_run_task, args=(sender, os.getpid(), fn, args),
                                       name="searcher-worker", daemon=True)
        try:
            process.start()
        finally:
            sender.close()  # the worker holds the other copy: its end means EOF here
        self.pending.append(_Task(process, receiver))
        return done + self._collect()

    def _collect(self) -> list[Any]:
        """The finished results at the head of the queue (later ones wait for earlier ones)."""
        done = []
        while self.pending and self.pending[0].receive():
            done.append(self.pending.popleft().result())
        return done

    def drain(self) -> Iterator[Any]:
        """The remaining results, in order, as they finish."""
        while self.pending:
            yield self.pending.popleft().result()

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers; with ``cancel``, at once (tasks in flight are dropped).

        Without ``cancel``, waits for the tasks still running (their results are lost).
        """
        while self.pending:
            task = self.pending.popleft()
            if cancel:
                # a run that failed or was interrupted: stop the workers now, not after their
                # tasks (the caller removes the files of segments that were never committed)
                task.kill()
            else:
                try:
                    task.result()
                except BaseException:  # noqa: BLE001 - closing: the caller saw what mattered
                    pass


class UnitPool(WorkerPool):
    """Units built by worker processes (see :class:`WorkerPool`), handed back in order."""

    def __init__(self, folder: str, indexname: str, schema: Schema, jobs: int) -> None:
        super().__init__(jobs)
        self.folder = folder
        self.indexname = indexname
        self.schema_bytes = pickle.dumps(schema)

    def submit_unit(self, unit: Unit) -> list[Built]:
        """Start building a unit; returns the units finished meanwhile (in order)."""
        return self.submit(build_unit, self.folder, self.indexname, self.schema_bytes, unit)
