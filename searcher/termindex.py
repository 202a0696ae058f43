"""Reading a segment's term index in bulk.

Whoosh's term index (``.trm``, an ordered hash file) holds one record per term,
in key order: key length and value length (two big-endian int32), the key (a
2-byte field number, then the term's bytes) and the value (the term's
``W3TermInfo``: flags, total weight, document frequency, … and where its postings
are). After the records comes an array of every record's position, in key order.

Asking Whoosh term by term builds a key tuple and a ``TermInfo`` object for each,
a few microseconds apiece; a segment has hundreds of thousands of terms. Here a
field's records are found by binary search and read with one slice, and their
numbers are gathered with NumPy: only each key's bytes are made in Python.
Spelling suggestions (:mod:`searcher.vocabulary`) read words and frequencies this
way, and merges (:mod:`searcher.merging`) read every term of every source.

One term is looked up with :func:`term_record`: Whoosh's own hash-table probe, read
straight from the memory map without its generators, byte copies and ``TermInfo``
object (2.4 µs a look-up instead of 7.1 µs over the short-query log's words on the
31k index; a query makes dozens of them, a few per field and segment).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3TermsReader

__all__ = ["FieldRecords", "TermIndex", "read_field", "term_record"]

_FIELD_NUMBER = struct.Struct("!H")
_SLOT = struct.Struct("!Iq")  # a hash-table slot: the key's hash, the record's position
_LENGTHS = struct.Struct("!ii")
_RECORD_HEAD = 8  # two big-endian int32: key length, value length
_POSITION_TYPES = {"B": ">u1", "H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}

# offsets in a W3TermInfo value: "!BfIBBfII" (flags, total weight, doc frequency, min and
# max length bytes, max weight, first and last id), then "!qi" (where the postings are)
# unless they are inlined
FLAGS, WEIGHT, DOC_FREQ, MIN_ID, MAX_ID, POSTINGS_OFFSET, POSTINGS_LENGTH = 0, 1, 5, 15, 19, 23, 31
#: size of a term info whose postings are in the postings file
EXTENT_INFO_SIZE = 35


@dataclass(frozen=True, slots=True)
class FieldRecords:
    """The term records of one field of one segment, in key order."""

    keys: list[bytes]  # the terms' bytes (without the field number)
    raw: np.ndarray  # the records' bytes (uint8)
    value_at: np.ndarray  # where each record's value starts in ``raw``
    value_len: np.ndarray  # each value's length

    def __len__(self) -> int:
        return len(self.keys)

    def gather(self, offset: int, dtype: str) -> np.ndarray:
        """The big-endian number of type ``dtype`` at ``offset`` in every value."""
        return _gather(self.raw, self.value_at + offset, dtype)


class TermIndex:
    """Bulk access to the term records of one segment (see the module docstring)."""

    def __init__(self, terms: W3TermsReader) -> None:
        self.terms = terms
        self.tindex = terms._tindex
        self._positions: np.ndarray | None = None

    @property
    def positions(self) -> np.ndarray:
        """Every record's position in the file, in key order."""
        if self._positions is None:
            tindex = self.tindex
            dtype = np.dtype(_POSITION_TYPES[tindex.extras["indextype"]])
            data = tindex.dbfile.get(tindex.indexbase, tindex.indexlen * dtype.itemsize)
            self._positions = np.frombuffer(data, dtype=dtype).astype(np.int64)
        return self._positions

    def _prefix(self, fieldname: str) -> bytes | None:
        number = self.terms._fieldmap.get(fieldname)
        if number is None or not self.tindex.indexlen:
            return None
        return _FIELD_NUMBER.pack(number)

    def _position(self, key: bytes) -> int:
        """Where the first record with a key ≥ ``key`` starts (the end of the records if none)."""
        pos = self.tindex.closest_key_pos(key)
        return self.tindex.endofdata if pos is None else int(pos)

    def _field_end(self, prefix: bytes) -> int:
        number = _FIELD_NUMBER.unpack(prefix)[0]
        if number == 0xFFFF:
            return int(self.tindex.endofdata)
        return self._position(_FIELD_NUMBER.pack(number + 1))

    def _span(self, first: int, end: int) -> tuple[int, int]:
        """The numbers (in key order) of the records between file positions ``first`` and ``end``."""
        lo, hi = np.searchsorted(self.positions, [first, end])
        return int(lo), int(hi)

    def _field_span(self, prefix: bytes) -> tuple[int, int]:
        return self._span(self._position(prefix), self._field_end(prefix))

    def count(self, fieldname: str) -> int:
        """How many terms the field has."""
        prefix = self._prefix(fieldname)
        if prefix is None:
            return 0
        lo, hi = self._field_span(prefix)
        return hi - lo

    def sample_keys(self, fieldname: str, every: int) -> list[bytes]:
        """Every ``every``-th term of the field after the first (bounds for reading it in parts)."""
        prefix = self._prefix(fieldname)
        if prefix is None:
            return []
        lo, hi = self._field_span(prefix)
        key_at = self.tindex.key_at
        return [key_at(int(pos))[len(prefix):] for pos in self.positions[lo + every:hi:every]]

    def records(self, fieldname: str, start: bytes = b"", stop: bytes | None = None) -> FieldRecords | None:
        """The records of the field's terms from ``start`` up to (not including) ``stop``.

        ``stop=None`` reads to the end of the field; ``None`` when there are no such terms.
        """
        prefix = self._prefix(fieldname)
        if prefix is None:
            return None
        first = self._position(prefix + start)
        end = self._field_end(prefix) if stop is None else self._position(prefix + stop)
        lo, hi = self._span(first, end)
        if hi <= lo:
            return None
        records = self.positions[lo:hi] - first
        buf = self.tindex.dbfile.get(first, end - first)
        raw = np.frombuffer(buf, dtype=np.uint8)
        key_lengths = _gather(raw, records, ">i4").astype(np.int64)
        value_lengths = _gather(raw, records + 4, ">i4").astype(np.int64)
        key_starts = records + _RECORD_HEAD + len(prefix)
        key_ends = records + _RECORD_HEAD + key_lengths
        keys = [buf[a:b] for a, b in zip(key_starts.tolist(), key_ends.tolist())]
        return FieldRecords(keys, raw, key_ends, value_lengths)


def term_record(terms: W3TermsReader, fieldname: str, tbytes: bytes) -> bytes | None:
    """The term-info record (``W3TermInfo`` bytes) of ``fieldname:tbytes``, or ``None``."""
    number = terms._fieldmap.get(fieldname)
    if number is None:
        return None
    key = _FIELD_NUMBER.pack(number) + tbytes
    tindex = terms._tindex
    buf = getattr(tindex.dbfile, "_buf", None)
    if buf is None:  # not a memory buffer: Whoosh's way
        return tindex.get(key)
    keyhash = tindex.hashfn(key)
    start, slots = tindex.tables[keyhash & 255]
    if not slots:
        return None
    slot = (keyhash >> 8) % slots
    size = len(key)
    for _ in range(slots):  # open addressing, as HashWriter lays the table out
        slot_hash, pos = _SLOT.unpack_from(buf, start + slot * _SLOT.size)
        if not pos:
            return None
        if slot_hash == keyhash:
            key_len, value_len = _LENGTHS.unpack_from(buf, pos)
            at = pos + _RECORD_HEAD
            if key_len == size and buf[at:at + size] == key:
                return bytes(buf[at + size:at + size + value_len])
        slot += 1
        if slot == slots:
            slot = 0
    return None


def read_field(terms: W3TermsReader, fieldname: str, stop: bytes | None = None) -> FieldRecords | None:
    """The records of ``fieldname``'s terms (those before ``stop``, when given), or ``None``."""
    return TermIndex(terms).records(fieldname, b"", stop)


def _gather(raw: np.ndarray, offsets: np.ndarray, dtype: str) -> np.ndarray:
    """The big-endian number of type ``dtype`` starting at each of ``offsets`` in ``raw``."""
    width = np.dtype(dtype).itemsize
    return raw[offsets[:, None] + np.arange(width)].view(dtype).ravel()
