"""Find input files, check their bytes, and hand their text to the reader for their format.

:func:`discover` expands files and folders into the files to read;
:func:`read_file` reads one of them (gzip transparently) and never raises for
bad content: problems come back as :class:`Skip` items; :func:`read_stream`
reads JSON Lines from stdin.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from searcher.article import Article
from searcher.readers.csvfmt import read_csv, read_tsv
from searcher.readers.html import read_html
from searcher.readers.jsonfmt import read_json, read_json_lines, read_json_stream
from searcher.readers.records import Skip
from searcher.readers.stream import GZIP_ERRORS, check_file, iter_lines
from searcher.readers.text import read_text

__all__ = ["SUPPORTED_SUFFIXES", "discover", "file_format", "read_file", "read_stream"]

Reader = Callable[[str, str], Iterator["Article | Skip"]]


def _read_lines(text: str, path: str) -> Iterator[Article | Skip]:
    return read_json_lines(text.split("\n"), path)


_READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".json": read_json,
    ".jsonl": _read_lines,
    ".ndjson": _read_lines,
    ".csv": read_csv,
    ".tsv": read_tsv,
    ".html": read_html,
    ".htm": read_html,
}

#: File suffixes read by :func:`read_file` (matched case-insensitively).
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_READERS) + tuple(f"{s}.gz" for s in _READERS)

_SUPPORTED_TEXT = f"{', '.join(_READERS)} (each optionally .gz)"


def file_format(path: str | Path) -> tuple[str | None, bool]:
    """``(format suffix, gzipped)`` of a file name, e.g. ``(".jsonl", True)``; ``None`` if unsupported."""
    name = Path(path).name.lower()
    gzipped = name.endswith(".gz")
    if gzipped:
        name = name[:-3]
    suffix = os.path.splitext(name)[1]
    return (suffix if suffix in _READERS else None), gzipped


def _unsupported(path: str | Path) -> str:
    name = Path(path).name.lower()
    suffix = "".join(Path(name).suffixes[-2:]) if name.endswith(".gz") else Path(name).suffix
    return f"unsupported file type ({suffix or 'no suffix'}); supported: {_SUPPORTED_TEXT}"


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Skip]:
    """Yield the files to read under ``paths``, in a stable order, or a :class:`Skip` for each problem.

    A file given explicitly is yielded when its suffix is supported, else it is
    a :class:`Skip`. A folder is walked recursively in sorted order; there, files
    with other suffixes, hidden files and folders (".name") and searcher index
    folders (:func:`is_index_folder`; ``searcher --index ix index .``) are ignored
    silently. A folder given that is itself an index, or a missing path, is a
    :class:`Skip`. Each file is yielded once even when reached twice.
    """
    seen: set[str] = set()

    def once(path: Path) -> bool:
        key = os.path.realpath(path)
        if key in seen:
            return False
        seen.add(key)
        return True

    for given in paths:
        path = Path(given)
        if path.is_dir():
            if is_index_folder(path):
                yield Skip(str(given), None, "a searcher index, not articles (give the folders "
                           "of the articles)")
                continue
            for file in _walk(path):
                if once(file):
                    yield file
        elif path.is_file():
            if file_format(path)[0] is None:
                yield Skip(str(given), None, _unsupported(path))
            elif once(path):
                yield path
        elif path.exists() or path.is_symlink():
            reason = "broken symbolic link" if not path.exists() else "not a regular file or folder"
            yield Skip(str(given), None, reason)
        else:
            yield Skip(str(given), None, "no such file or directory")


def is_index_folder(folder: Path | str, names: Iterable[str] | None = None) -> bool:
    """Whether ``folder`` is a searcher index (``searcher.json`` beside a Whoosh ``.toc``).

    ``names``: the folder's file names, when already listed.
    """
    if names is None:
        try:
            names = os.listdir(folder)
        except OSError:
            return False
    names = list(names)
    return "searcher.json" in names and any(n.startswith("_") and n.endswith(".toc") for n in names)


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(root):
        if is_index_folder(folder, filenames):
            dirnames[:] = []  # an index (the one being written, say): its files are not articles
            continue
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and file_format(name)[0] is not None:
                file = Path(folder, name)
                if file.is_file():
                    yield file


def read_file(path: Path | str) -> Iterator[Article | Skip]:
    """Read the articles of one file, choosing the reader by suffix (gzip is transparent).

    Never raises for bad content. A problem with the whole file (unreadable,
    empty, binary, not UTF-8, broken gzip, unsupported suffix) is a single
    :class:`Skip` with ``line=None``; a bad record is a :class:`Skip` naming its
    line, and the other records are still read. Each article's ``path`` is
    ``str(path)``.
    """
    name = str(path)
    suffix, gzipped = file_format(path)
    if suffix is None:
        yield Skip(name, None, _unsupported(path))
        return
    if suffix in _LINE_FORMATS:
        yield from _read_lines_streamed(Path(path), gzipped)
        return
    text = _load_text(Path(path), gzipped)
    if isinstance(text, Skip):
        yield text
        return
    yield from _READERS[suffix](text, name)


#: formats read line by line from the file (see :mod:`searcher.readers.stream`): memory
#: stays bounded by the longest line, whatever the file's size
_LINE_FORMATS = frozenset({".jsonl", ".ndjson"})


def _read_lines_streamed(path: Path, gzipped: bool) -> Iterator[Article | Skip]:
    """A JSON Lines file, checked as a whole first, then read one line at a time."""
    name = str(path)
    problem = check_file(path, gzipped)
    if problem is not None:
        yield problem
        return
    try:
        yield from read_json_lines(iter_lines(path, gzipped), name)
    except UnicodeDecodeError as error:  # the file changed after it was checked
        yield Skip(name, None, f"not UTF-8 ({error.reason}): the file changed while it was read")
    except GZIP_ERRORS as error:
        yield Skip(name, None, f"unreadable gzip ({error}): the file changed while it was read")
    except OSError as error:
        yield Skip(name, None, f"{(error.strerror or str(error)).lower()}: stopped reading")


def read_stream(stream: IO[bytes] | IO[str], name: str = "-") -> Iterator[Article | Skip]:
    """Read JSON Lines from an open stream (stdin), binary or text, one line at a time.

    Records without an id get the ``doc-`` hash id of ``name`` and their line number.
    """
    return read_json_stream(stream, name)


def _load_text(path: Path, gzipped: bool) -> str | Skip:
    """The file's text, or a :class:`Skip` saying why the whole file cannot be read."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return Skip(name, None, (error.strerror or str(error)).lower())
    if gzipped:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            return Skip(name, None, f"unreadable gzip ({error})")
    if not data.strip():
        return Skip(name, None, "empty file")
    if b"\x00" in data:
        return Skip(name, None, "binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Skip(name, None, f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})")
    return text[1:] if text.startswith("\ufeff") else text
