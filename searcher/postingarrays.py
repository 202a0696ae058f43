"""Long posting lists as plain arrays, stored in a segment beside Whoosh's blocks.

Whoosh 3 keeps a posting list as blocks of up to 128 postings, each a
zlib-compressed pickle of tuples (``whoosh/codec/whoosh3.py``). Decoding them costs
about 30 µs a block, and at 315,000 articles it is half of a query's time: a common
word holds hundreds of blocks in every segment. So every list of more than one
block is also written, when its segment is built or merged, as two arrays in one
more member of the segment's compound file (``<segment id>.pla``):

* for each such list, its document numbers (``int32``) then its weights
  (``float32``, which is what Whoosh's blocks hold), little-endian;
* a table of three ``int64`` columns: the list's offset in the ``.pst`` file (what
  its term info points at; ascending), the offset of its arrays in this file, and
  its number of postings;
* a footer: :data:`MAGIC`, the number of lists and the table's offset.

Reading a list is then one slice of a memory-mapped file. Whoosh ignores a member it
does not know, so a segment stays readable by stock Whoosh; a segment without the
member (written by Whoosh or by an older searcher) is decoded block by block as
before, and so is a list whose arrays are not ascending document numbers of its
segment (damage). ``searcher check --postings`` compares the arrays with the blocks.
"""

from __future__ import annotations

import struct
import threading
import weakref
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np

#: The extension of the member (after the segment id).
ARRAYS_EXT = ".pla"
#: Postings in a full Whoosh block: lists longer than this have arrays.
BLOCK_POSTINGS = 128
MAGIC = b"SRPA0001"
_FOOTER = struct.Struct("<8sqq")


class PostingArraysWriter:
    """Appends posting lists to a ``.pla`` member; the table and footer go on :meth:`close`."""

    def __init__(self, file: Any) -> None:
        self.file = file
        self.pos = 0
        self._pst = array("q")
        self._at = array("q")
        self._counts = array("q")

    def add(self, pst_offset: int, ids: Sequence[int], weights: Sequence[float]) -> None:
        """Record a list written at ``pst_offset`` of the ``.pst`` file (offsets ascending)."""
        self._pst.append(pst_offset)
        self._at.append(self.pos)
        self._counts.append(len(ids))
        self.file.write(np.asarray(ids, dtype="<i4").tobytes())
        self.file.write(np.asarray(weights, dtype="<f4").tobytes())
        self.pos += 8 * len(ids)

    def close(self) -> None:
        table = self.pos
        for column in (self._pst, self._at, self._counts):
            self.file.write(np.asarray(column, dtype="<i8").tobytes())
        self.file.write(_FOOTER.pack(MAGIC, len(self._pst), table))
        self.file.close()


class PostingArrays:
    """The ``.pla`` member of one segment, opened (only its table is read up front)."""

    def __init__(self, file: Any, length: int) -> None:
        if length < _FOOTER.size:
            raise ValueError("posting arrays: file too short")
        magic, n, table = _FOOTER.unpack(file.get(length - _FOOTER.size, _FOOTER.size))
        if magic != MAGIC or n < 0 or table < 0 or table + 24 * n + _FOOTER.size != length:
            raise ValueError("posting arrays: bad footer")
        cols = np.frombuffer(file.get(table, 24 * n), dtype="<i8").reshape(3, n)
        self.file = file
        self.pst_offsets = cols[0].copy()
        self.offsets = cols[1].copy()
        self.counts = cols[2].copy()

    def __len__(self) -> int:
        return len(self.pst_offsets)

    def find(self, pst_offset: int, doc_count: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The arrays (ids ``int32``, weights ``float64``) of the list at ``pst_offset``.

        ``None`` when the list is not held, or when its arrays are not what a list of a
        segment of ``doc_count`` documents can be (ascending numbers below ``doc_count``):
        damaged arrays are never used, the blocks are read instead.
        """
        i = int(np.searchsorted(self.pst_offsets, pst_offset))
        if i == len(self.pst_offsets) or self.pst_offsets[i] != pst_offset:
            return None
        at, n = int(self.offsets[i]), int(self.counts[i])
        raw = self.file.get(at, 8 * n)
        if n < 1 or len(raw) != 8 * n:
            return None
        ids = np.frombuffer(raw, dtype="<i4", count=n).astype(np.int32)
        if ids[0] < 0 or ids[-1] >= doc_count or (n > 1 and not (ids[1:] > ids[:-1]).all()):
            return None
        weights = np.frombuffer(raw, dtype="<f4", count=n, offset=4 * n).astype(np.float64)
        return ids, weights


def open_arrays(storage: Any, segment: Any) -> PostingArrays | None:
    """The posting arrays of ``segment`` in ``storage`` (its compound file), or ``None``.

    Raises ``ValueError`` when the member exists but is damaged.
    """
    name = segment.make_filename(ARRAYS_EXT)
    if not storage.file_exists(name):
        return None
    return PostingArrays(storage.open_file(name), storage.file_length(name))


_opened: weakref.WeakKeyDictionary[Any, PostingArrays | None] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def arrays_of(segment_reader: Any) -> PostingArrays | None:
    """The posting arrays of a Whoosh ``SegmentReader``'s segment (``None`` if it has none).

    Opened once per reader; a member that cannot be read counts as absent (the blocks
    are the source of truth, and ``check --postings`` reports the damage).
    """
    with _lock:
        if segment_reader in _opened:
            return _opened[segment_reader]
    storage = getattr(segment_reader, "_storage", None)
    segment = getattr(segment_reader, "_segment", None)
    try:
        got = open_arrays(storage, segment) if storage is not None and segment is not None else None
    except (OSError, ValueError, KeyError):
        got = None
    with _lock:
        _opened[segment_reader] = got
    return got
