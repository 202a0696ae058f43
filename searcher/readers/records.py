"""Turn one parsed record (a dict from JSON, JSON Lines or CSV) into an :class:`Article`.

Holds what every format shares: :class:`Skip` (a record or file that was not
read, and why), the id rule :func:`article_id`, the field aliases and
:func:`record_to_article`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from searcher.article import Article
from searcher.cleaning import clean_body, clean_text
from searcher.dates import parse_date

__all__ = ["FIELD_ALIASES", "Skip", "article_id", "normalize_source", "record_to_article"]


@dataclass(frozen=True, slots=True)
class Skip:
    """A file or record that was not read, with where it is and why.

    ``path`` is the file path as given ("-" for stdin); ``line`` the 1-based
    line of the record, or ``None`` for a problem with the whole file.

    >>> str(Skip("berita.jsonl", 3, "no body"))
    'berita.jsonl:3: no body'
    """

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


#: Accepted field names (matched case-insensitively), first match wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "_id", "doc_id", "docid"),
    "title": ("title", "judul", "headline"),
    "body": ("body", "content", "text", "isi", "article", "konten"),
    "date": ("date", "published", "published_at", "tanggal", "datetime", "time", "pubdate"),
    "url": ("url", "link", "source_url"),
    "source": ("source", "sumber", "publisher", "media", "site"),
    "category": ("category", "kategori", "section", "rubrik", "channel"),
}


def article_id(record_id: object, url: str | None, path: str, position: int) -> str:
    """Return the id of a record — the one rule every reader follows.

    1. the record's own ``id`` (any alias), as a stripped string, if non-empty;
    2. else its URL, stripped, if non-empty;
    3. else ``"doc-" + sha1(f"{abs_path}:{position}").hexdigest()[:16]``, where
       ``abs_path`` is ``path`` resolved to an absolute path, symbolic links
       followed (``"-"``, stdin, stays ``"-"``),
       and ``position`` is the 1-based record number: the line number for JSON
       Lines, the data row number for CSV, the item number for a JSON array,
       1 for a file holding one article (txt, html, a JSON object).

    The fallback is stable across runs for a file that stays where it is, and
    distinct for each record of a file.

    >>> article_id(" kompas-1 ", None, "a.jsonl", 1)
    'kompas-1'
    >>> article_id(None, "https://kompas.com/x", "a.jsonl", 1)
    'https://kompas.com/x'
    """
    if type(record_id) is str:
        text = record_id.strip()
        if text:
            return text
    elif record_id is not None:
        if isinstance(record_id, Mapping) and len(record_id) == 1:  # {"$oid": "…"}
            record_id = next(iter(record_id.values()))
        if record_id is not None and not isinstance(record_id, (Mapping, list, bool)):
            text = str(record_id).strip()
            if text:
                return text
    if url:
        text = url.strip()
        if text:
            return text
    where = path if path == "-" else _resolved(os.path.abspath(path))
    digest = hashlib.sha1(f"{where}:{position}".encode("utf-8")).hexdigest()
    return f"doc-{digest[:16]}"


@lru_cache(maxsize=1024)
def _resolved(absolute_path: str) -> str:
    """``os.path.realpath``, cached: records of one file share their path."""
    return os.path.realpath(absolute_path)


def normalize_source(source: object, url: str | None = None) -> str | None:
    """A publisher name: lower-cased, without "www."; the URL's host when none is given.

    >>> normalize_source("www.Kompas.com")
    'kompas.com'
    >>> normalize_source(None, "https://tekno.kompas.com/read/1")
    'tekno.kompas.com'
    """
    text = clean_text(source).lower() if source is not None and source != "" else ""
    if "://" in text:
        text = urlsplit(text).hostname or ""
    if not text and url:
        try:
            text = (urlsplit(url.strip()).hostname or "").lower()
        except ValueError:
            text = ""
    if text.startswith("www."):
        text = text[4:]
    return text or None


@lru_cache(maxsize=256)
def _key_plan(keys: tuple[object, ...]) -> dict[str, tuple[object, ...]]:
    """For a record's keys: ``{field: the keys holding it, best alias first}``.

    Records of one file share their keys, so this is computed once per key set.
    """
    by_name: dict[str, list[object]] = {}
    for key in keys:
        by_name.setdefault(str(key).strip().lower(), []).append(key)
    return {
        field: tuple(k for alias in aliases for k in by_name.get(alias, ()))
        for field, aliases in FIELD_ALIASES.items()
    }


def _field(record: Mapping[object, object], keys: tuple[object, ...]) -> object:
    """The first non-empty value among ``keys``."""
    for key in keys:
        value = record[key]
        if value is not None and value != "":
            return value
    return None


def _text(record: Mapping[object, object], keys: tuple[object, ...]) -> str:
    """The first non-empty value among ``keys`` as text (a list of paragraphs is joined)."""
    value = _field(record, keys)
    if type(value) is str:
        return value
    if value is None or isinstance(value, (dict, bool)):
        return ""
    if isinstance(value, list):  # paragraphs
        return "\n\n".join(str(v) for v in value if v is not None and not isinstance(v, (dict, list)))
    return str(value)


def record_to_article(record: object, path: str, position: int) -> Article | str:
    """Build an :class:`Article` from one record, or return why not ("no body", …).

    ``path`` is the file path as given; ``position`` the record number used by
    :func:`article_id`.
    """
    if not isinstance(record, dict) and not isinstance(record, Mapping):
        kind = {list: "an array", str: "a string", type(None): "null", bool: "a boolean"}.get(
            type(record), "a number")
        return f"not a JSON object (got {kind})"
    try:
        plan = _key_plan(tuple(record))
    except TypeError:  # unhashable keys cannot come from JSON or CSV
        return "not a JSON object (bad keys)"
    body, related = clean_body(_text(record, plan["body"]))
    title = clean_text(_text(record, plan["title"])) or None
    if not body and not title:
        return "no title and no body"
    url = clean_text(_text(record, plan["url"])) or None
    notes: list[str] = []
    if not body:
        notes.append("no body (indexed by its title only)")
    raw_date = _field(record, plan["date"])
    date = parse_date(raw_date)
    if date is None and raw_date not in (None, ""):
        notes.append(f"unreadable date {str(raw_date)[:40]!r} (indexed without a date)")
    return Article(
        id=article_id(_field(record, plan["id"]), url, path, position),
        body=body,
        title=title,
        date=date,
        notes=tuple(notes),
        url=url,
        source=normalize_source(_field(record, plan["source"]), url),
        category=clean_text(_text(record, plan["category"])) or None,
        path=path,
        related=related,
    )
