"""The index write lock, with the holder named.

Whoosh's write lock is an ``flock`` on ``MAIN_WRITELOCK``: the kernel drops it when
the holding process dies, so a crashed run never leaves a stale lock. Beside it we
keep ``writer.pid`` (pid and command of the holder) so a waiting writer can say who
holds the lock; a ``writer.pid`` whose process is gone is ignored.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from whoosh.index import FileIndex, LockError
from whoosh.writing import IndexWriter

from searcher.errors import IndexLockedError

HOLDER_FILE = "writer.pid"


def holder(index_dir: Path) -> str | None:
    """A description of the live process holding the write lock, if any is recorded."""
    try:
        text = (index_dir / HOLDER_FILE).read_text(encoding="utf-8").strip()
        pid = int(text.split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return text


def open_writer(ix: FileIndex, index_dir: Path, *, timeout: float = 0.0) -> IndexWriter:
    """Take the write lock (waiting up to ``timeout`` seconds) and return a writer."""
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
    cmd = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:4]))
    try:
        (index_dir / HOLDER_FILE).write_text(f"{os.getpid()} {cmd}\n", encoding="utf-8")
    except OSError:
        pass
    return writer
