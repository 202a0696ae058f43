"""Reading a JSON Lines file line by line, with the whole-file checks of :func:`read_file`.

A JSON Lines file can be the whole corpus (hundreds of MB once decompressed).
Loading it as one string, then splitting it into a list of lines, held several
times its size in the indexing process for the whole run (1.5 GB for 126k
articles), so memory grew with the input instead of the batch. Here the file is
read twice, a block at a time: a first pass checks what :func:`read_file` promises
for a whole file (readable, gzip intact, not empty, no NUL byte, UTF-8), a second
yields its lines. Nothing held depends on the file's size; the cost is one more
decompression of the file (about 1 % of indexing it).
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from searcher.readers.records import Skip

__all__ = ["check_file", "iter_lines"]

#: bytes read at a time by the checking pass
BLOCK = 1 << 20
#: decompression failures of a gzip stream (``gzip.BadGzipFile`` is an ``OSError``)
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def open_bytes(path: Path, gzipped: bool) -> IO[bytes]:
    """The file's (decompressed) bytes as a stream."""
    return gzip.open(path, "rb") if gzipped else open(path, "rb")  # noqa: SIM115 - the caller closes


def _oserror_skip(name: str, error: OSError) -> Skip:
    return Skip(name, None, (error.strerror or str(error)).lower())


def check_file(path: Path, gzipped: bool) -> Skip | None:
    """Why the whole file cannot be read (a :class:`Skip`), or ``None`` when it can.

    The same answers, in the same order of precedence, as checking the whole
    decompressed file at once: unreadable, broken gzip, empty (only whitespace),
    binary (a NUL byte anywhere), not UTF-8 (the offset of the first bad byte).
    """
    name = str(path)
    decoder = codecs.getincrementaldecoder("utf-8")()
    empty, binary = True, False
    bad: tuple[int, int] | None = None  # (offset, byte) of the first invalid UTF-8
    offset = 0
    try:
        with open_bytes(path, gzipped) as stream:
            while block := stream.read(BLOCK):
                empty = empty and block.isspace()
                binary = binary or b"\x00" in block
                if bad is None:
                    bad = _first_bad_byte(decoder, block, offset)
                offset += len(block)
            if bad is None:
                bad = _first_bad_byte(decoder, b"", offset, final=True)
    except GZIP_ERRORS as error:
        return Skip(name, None, f"unreadable gzip ({error})")
    except OSError as error:
        return _oserror_skip(name, error)
    if empty:
        return Skip(name, None, "empty file")
    if binary:
        return Skip(name, None, "binary file")
    if bad is not None:
        return Skip(name, None, f"not UTF-8 (byte 0x{bad[1]:02x} at offset {bad[0]})")
    return None


def _first_bad_byte(decoder: codecs.IncrementalDecoder, block: bytes, offset: int,
                    final: bool = False) -> tuple[int, int] | None:
    """Feed ``block`` (which starts at ``offset`` of the file) to ``decoder``;
    ``(file offset, byte)`` of the first invalid UTF-8 byte, if any."""
    pending = decoder.getstate()[0]  # the start of a character cut at the previous block's end
    try:
        decoder.decode(block, final)
    except UnicodeDecodeError as error:
        data = pending + block
        return offset - len(pending) + error.start, data[error.start]
    return None


def iter_lines(path: Path, gzipped: bool) -> Iterator[str]:
    """The file's lines (split at ``\\n`` only, without it), decoded; a leading BOM dropped.

    Meant for a file :func:`check_file` passed. A file changed in between may still
    fail: a line that is not UTF-8 raises ``UnicodeDecodeError``, a broken gzip
    stream one of :data:`GZIP_ERRORS`, and a read error ``OSError``.
    """
    with open_bytes(path, gzipped) as stream:
        first = True
        for raw in stream:
            line = raw[:-1] if raw.endswith(b"\n") else raw
            text = line.decode("utf-8")
            if first:
                first = False
                if text.startswith("\ufeff"):
                    text = text[1:]
            yield text
