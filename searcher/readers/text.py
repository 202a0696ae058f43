"""Read plain-text articles: the headline on the first line, the body below it."""

from __future__ import annotations

from collections.abc import Iterator

from searcher.article import Article
from searcher.cleaning import clean_body, clean_text
from searcher.readers.records import Skip, article_id

__all__ = ["read_text"]


def read_text(text: str, path: str) -> Iterator[Article | Skip]:
    """Read one article in the scraped layout: line 1 the title, then the body.

    Leading blank lines are ignored. A file with a single line of text has no
    title: that line is the body. Date, URL and source are unknown (``None``).
    """
    lines = text.lstrip().split("\n", 1)
    if len(lines) == 2 and lines[1].strip():
        title, raw_body = clean_text(lines[0]) or None, lines[1]
    else:
        title, raw_body = None, lines[0]
    body, related = clean_body(raw_body)
    if not body:
        yield Skip(path, None, "no body")
        return
    yield Article(id=article_id(None, None, path, 1), body=body, title=title, path=path, related=related)
