"""Read CSV files with a header row (one article a row).

The delimiter is the first of comma, semicolon (spreadsheets in locales that write
decimal commas, Indonesian among them, export with it), tab and bar that splits the
header row into columns naming a body; ``.tsv`` files try tab first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from searcher.article import Article
from searcher.readers.records import FIELD_ALIASES, Skip, record_to_article

__all__ = ["read_csv", "read_tsv"]

# Article bodies can be longer than the csv module's default field limit (128 KiB).
_FIELD_LIMIT = 64 * 1024 * 1024
#: delimiters tried on the header row, in order
DELIMITERS = (",", ";", "\t", "|")


def read_tsv(text: str, path: str) -> Iterator[Article | Skip]:
    """Read a tab-separated file: :func:`read_csv` trying tab first."""
    return read_csv(text, path, delimiters=("\t", *(d for d in DELIMITERS if d != "\t")))


def _keys(header: list[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff").lower() for h in header]


def _delimiter(text: str, delimiters: tuple[str, ...]) -> str:
    """The first of ``delimiters`` whose header row has a body column (else the first)."""
    body = set(FIELD_ALIASES["body"])
    for delimiter in delimiters:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except (StopIteration, csv.Error):
            continue
        if set(_keys(header)) & body:
            return delimiter
    return delimiters[0]


def read_csv(text: str, path: str, delimiters: tuple[str, ...] = DELIMITERS) -> Iterator[Article | Skip]:
    """Read a CSV document whose first row names the columns (any field alias works).

    A row without a body is a :class:`Skip` naming the line the row starts on.
    Records are numbered by data row (1 = the first row after the header).
    """
    if csv.field_size_limit() < _FIELD_LIMIT:  # a process-wide setting: only ever raised
        csv.field_size_limit(_FIELD_LIMIT)
    delimiter = _delimiter(text, delimiters)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        yield Skip(path, 1, f"no CSV header row ({error})" if str(error) else "no CSV header row")
        return
    keys = _keys(header)
    if not set(keys) & set(FIELD_ALIASES["body"]):
        yield Skip(path, 1, f"no body column (columns: {', '.join(k for k in keys if k) or 'none'}; "
                            f"expected one of: {', '.join(FIELD_ALIASES['body'])})")
        return
    row_number = 0
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield Skip(path, line, f"malformed CSV: {error}")
            return
        if any(cell.strip() for cell in row):
            row_number += 1
            record: dict[str, str] = {}
            for key, value in zip(keys, row):
                if key and key not in record:  # the first of two same-named columns wins
                    record[key] = value
            item = record_to_article(record, path, row_number)
            yield Skip(path, line, item) if isinstance(item, str) else item
        line = reader.line_num + 1
    if row_number == 0:
        yield Skip(path, None, "no records (only a header row)")
