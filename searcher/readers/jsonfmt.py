"""Read JSON (one object or an array of objects) and JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from searcher.article import Article
from searcher.readers.records import Skip, record_to_article

__all__ = ["read_json", "read_json_lines", "read_json_stream"]

_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


def _malformed(error: json.JSONDecodeError) -> str:
    return f"malformed JSON: {error.msg} (column {error.colno})"


def _parse_line(line: str, path: str, number: int) -> Article | Skip | None:
    """One JSON Lines record: an article, a :class:`Skip`, or ``None`` for a blank line."""
    if not line or line.isspace():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Skip(path, number, _malformed(error))
    item = record_to_article(record, path, number)
    return Skip(path, number, item) if isinstance(item, str) else item


def read_json_lines(lines: Iterable[str], path: str) -> Iterator[Article | Skip]:
    """Read one JSON object a line; blank lines are ignored, a bad line is a :class:`Skip`."""
    for number, line in enumerate(lines, start=1):
        item = _parse_line(line, path, number)
        if item is not None:
            yield item


def read_json_stream(stream: IO[bytes] | IO[str], name: str) -> Iterator[Article | Skip]:
    """Read JSON Lines from an open binary or text stream, line by line (for stdin).

    A binary stream (``sys.stdin.buffer``) is best: a line that is not UTF-8 is
    skipped with its byte offset. A text stream that fails to decode stops the
    read with a :class:`Skip` (its decoder cannot resume, and it decodes ahead
    in blocks, so the lines just before the bad byte may be lost too).
    """
    offset = 0
    lines = iter(stream)
    number = 0
    while True:
        try:
            raw = next(lines)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            yield Skip(name, None, f"not UTF-8 ({error.reason}) after line {number}: stopped reading "
                                   "(a binary stream skips only the bad lines)")
            return
        number += 1
        if isinstance(raw, bytes):
            start, offset = offset, offset + len(raw)
            if b"\x00" in raw:
                yield Skip(name, number, "binary data (NUL byte)")
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                bad = raw[error.start]
                yield Skip(name, number, f"not UTF-8 (byte 0x{bad:02x} at offset {start + error.start})")
                continue
        else:
            line = str(raw)
        if number == 1:
            line = line.lstrip("\ufeff")
        item = _parse_line(line, name, number)
        if item is not None:
            yield item


def read_json(text: str, path: str) -> Iterator[Article | Skip]:
    """Read a JSON document: one object (one article) or an array of objects."""
    start = len(text) - len(text.lstrip(_WHITESPACE))
    if text.startswith("[", start):
        yield from _read_array(text, start, path)
        return
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        yield Skip(path, error.lineno, _malformed(error))
        return
    item = record_to_article(record, path, 1)
    yield Skip(path, None, item) if isinstance(item, str) else item


def _read_array(text: str, index: int, path: str) -> Iterator[Article | Skip]:
    """Read ``[obj, obj, …]`` item by item, so a bad item can name its line."""
    try:
        items = list(_array_items(text, index))
    except json.JSONDecodeError as error:
        yield Skip(path, error.lineno, _malformed(error))
        return
    if not items:
        yield Skip(path, None, "no records (empty array)")
        return
    for position, (offset, record) in enumerate(items, start=1):
        item = record_to_article(record, path, position)
        if isinstance(item, str):
            yield Skip(path, text.count("\n", 0, offset) + 1, f"item {position}: {item}")
        else:
            yield item


def _array_items(text: str, index: int) -> Iterator[tuple[int, object]]:
    """Yield ``(offset, value)`` for each item of the JSON array starting at ``index``."""
    index = _skip_space(text, index + 1)
    if text.startswith("]", index):
        _expect_end(text, index + 1)
        return
    while True:
        value, end = _DECODER.raw_decode(text, index)
        yield index, value
        index = _skip_space(text, end)
        if text.startswith(",", index):
            index = _skip_space(text, index + 1)
        elif text.startswith("]", index):
            _expect_end(text, index + 1)
            return
        else:
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _expect_end(text: str, index: int) -> None:
    index = _skip_space(text, index)
    if index != len(text):
        raise json.JSONDecodeError("Extra data", text, index)
