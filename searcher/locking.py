"""The index write lock, with the holder named.

Whoosh's write lock is an ``flock`` on ``MAIN_WRITELOCK``: the kernel drops it when
the holding process dies, so a crashed run never leaves a stale lock. Beside it we
keep ``writer.pid`` (pid, start time and command of the holder) so that a waiting
writer can say who holds the lock. A ``writer.pid`` whose process is gone (or whose
pid now belongs to another process) is ignored and replaced by the next writer.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

from whoosh.index import FileIndex, LockError
from whoosh.util.filelock import FileLock
from whoosh.writing import IndexWriter

from searcher.errors import IndexLockedError

__all__ = ["HOLDER_FILE", "WriteLock", "acquire_write_lock", "holder", "open_writer"]

HOLDER_FILE = "writer.pid"


def process_state(pid: int) -> tuple[str, str] | None:
    """``(state letter, kernel start time)`` of a process from ``/proc`` (Linux), else ``None``.

    The start time tells a reused pid apart; the state tells a zombie (``Z``) apart.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        fields = stat[stat.rindex(b")") + 2:].split()
        return fields[0].decode(), fields[19].decode()
    except (OSError, ValueError, IndexError):
        return None


def _start_time(pid: int) -> str | None:
    """The kernel's start time of a process (Linux), to tell a reused pid apart."""
    state = process_state(pid)
    return state[1] if state is not None else None


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if started and started != "-":
        now = _start_time(pid)
        if now is not None and now != started:
            return False  # the pid was reused by another process
    return True


def holder(index_dir: Path) -> str | None:
    """``"pid 123 (searcher index …) since 12:00:01"`` for a live recorded holder, else ``None``."""
    try:
        text = (index_dir / HOLDER_FILE).read_text(encoding="utf-8").strip()
        pid_s, started, since, command = (text.split(" ", 3) + ["", "", ""])[:4]
        pid = int(pid_s)
    except (OSError, ValueError):
        return None
    if not _alive(pid, started):
        return None
    described = f"pid {pid}"
    if command:
        described += f" ({command})"
    if since and since != "-":
        described += f" since {since}"
    return described


def _command() -> str:
    """This process's command line, short: ``searcher index …``, ``python -m searcher …``."""
    first = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if first == "-c":
        name = "python -c"
    elif os.path.basename(first) == "__main__.py":
        name = f"python -m {os.path.basename(os.path.dirname(first)) or 'searcher'}"
    else:
        name = os.path.basename(first) or "python"
    text = " ".join([name, *sys.argv[1:]])
    return text if len(text) <= 200 else text[:197] + "..."


class WriteLock:
    """A held write lock; :meth:`release` lets the next writer in."""

    def __init__(self, lock: object, index_dir: Path) -> None:
        self._lock = lock
        self.index_dir = index_dir
        self.held = True
        self._record()

    def _record(self) -> None:
        pid = os.getpid()
        since = datetime.now().isoformat(timespec="seconds")
        text = f"{pid} {_start_time(pid) or '-'} {since} {_command()}\n"
        tmp = self.index_dir / f".{HOLDER_FILE}.{pid}.tmp"
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.index_dir / HOLDER_FILE)
        except OSError:
            pass  # the lock itself is what counts; the file only names the holder

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        path = self.index_dir / HOLDER_FILE
        try:
            if path.read_text(encoding="utf-8").split(" ", 1)[0] == str(os.getpid()):
                path.unlink()
        except OSError:
            pass
        self._lock.release()  # type: ignore[attr-defined]


def acquire_write_lock(index_dir: Path, *, timeout: float = 0.0,
                       indexname: str = "MAIN") -> WriteLock:
    """Take the write lock of the index in ``index_dir``, waiting up to ``timeout`` seconds.

    Raises :class:`~searcher.errors.IndexLockedError` naming the holder when the
    lock is still taken after ``timeout``.
    """
    deadline = time.monotonic() + max(timeout, 0.0)
    lock = FileLock(str(Path(index_dir) / f"{indexname}_WRITELOCK"))
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            who = holder(index_dir) or "another process"
            raise IndexLockedError(
                f"the index at {index_dir} is being written by {who}"
                + (f" (waited {timeout:g} s)" if timeout else ""))
        time.sleep(0.05)
    return WriteLock(lock, index_dir)


def open_writer(ix: FileIndex, index_dir: Path, *, timeout: float = 0.0) -> IndexWriter:
    """A stock Whoosh writer, after waiting up to ``timeout`` seconds for the lock.

    The write paths of searcher use :class:`searcher.commits.IndexWriter`; this is
    kept for code that needs Whoosh's own writer.
    """
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        try:
            writer = ix.writer(limitmb=256)
            break
        except LockError:
            if time.monotonic() >= deadline:
                who = holder(index_dir) or "another process"
                raise IndexLockedError(
                    f"the index at {index_dir} is being written by {who}"
                    + (f" (waited {timeout:g} s)" if timeout else "")) from None
            time.sleep(0.1)
    return writer
