"""Read HTML pages: main text and metadata via trafilatura, with a plain fallback.

trafilatura finds the article text, title, canonical URL and publication date (a
``<meta>`` publication time, which keeps the time of day, is preferred to its date).
When it finds no text (or cannot be imported), the ``<title>`` element and the
page's visible text are used instead: the text of its ``<article>`` elements if it
has any, else all of it; scripts, styles, ``<nav>``, ``<aside>``, forms and the like
are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from searcher.article import Article
from searcher.cleaning import clean_body, clean_text
from searcher.dates import parse_date
from searcher.readers.records import Skip, article_id, normalize_source

__all__ = ["read_html"]

_DATE_PARAMS = {"original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S"}
_HEAD_WINDOW = 200_000
_META_RE = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"([\w:.-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
_PUBLISHED_META = frozenset({
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "content_publisheddate", "dtk:publishdate", "date", "dc.date.issued",
})


def read_html(text: str, path: str) -> Iterator[Article | Skip]:
    """Read one article from an HTML page."""
    title, body, url, date = _extract(text)
    if not body.strip():
        title_only, body = _fallback(text)
        title = title or title_only
    title = clean_text(title) or None
    if title:  # trafilatura repeats the <h1> as the first line of the text
        first, _, rest = body.lstrip().partition("\n")
        if clean_text(first) == title and rest.strip():
            body = rest
    body_text, related = clean_body(body)
    if not body_text:
        yield Skip(path, None, "no body (no text found in the page)")
        return
    url = url.strip() if url else None
    published = parse_date(_meta_published(text)) or parse_date(date)
    yield Article(
        id=article_id(None, url, path, 1),
        body=body_text,
        title=title,
        date=published,
        url=url or None,
        source=normalize_source(None, url),
        path=path,
        related=related,
    )


def _meta_published(html: str) -> str | None:
    """The publication time declared in a ``<meta>`` tag (it keeps the time of day, htmldate may not)."""
    head = html[:_HEAD_WINDOW]
    for tag in _META_RE.finditer(head):
        attrs: dict[str, str] = {k.lower(): v.strip("\"'") for k, v in _ATTR_RE.findall(tag.group())}
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if name in _PUBLISHED_META and attrs.get("content"):
            return attrs["content"]
    return None


def _extract(html: str) -> tuple[str | None, str, str | None, str | None]:
    """``(title, text, url, date)`` according to trafilatura ("" text when it finds none)."""
    try:
        import trafilatura  # imported here: it is slow to import and only HTML needs it
    except ImportError:
        return None, "", None, None
    try:
        document: Any = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception:  # noqa: BLE001 - a page trafilatura chokes on falls back to plain text
        return None, "", None, None
    if document is None:
        return None, "", None, None
    return (getattr(document, "title", None), getattr(document, "text", None) or "",
            getattr(document, "url", None), getattr(document, "date", None))


class _VisibleText(HTMLParser):
    """Collect the ``<title>`` and the visible text of a page (stdlib only).

    Page furniture (``<nav>``, ``<aside>``, forms, menus) is left out, and the text
    of ``<article>`` elements is kept apart: when a page has one, it is the body.
    """

    _HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe",
                         "nav", "aside", "form", "button", "menu", "select"})
    _BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                         "article", "section", "blockquote", "pre", "header", "footer", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.parts: list[str] = []
        self.article: list[str] = []
        self._hidden = 0
        self._in_article = 0
        self._in_title = False

    def _add(self, text: str) -> None:
        self.parts.append(text)
        if self._in_article:
            self.article.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self._in_article += tag == "article"
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self._add("\n")
            if tag == "article":
                self._in_article = max(0, self._in_article - 1)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self._add(data)


def _fallback(html: str) -> tuple[str | None, str]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    title = clean_text("".join(parser.title)) or None
    text = "".join(parser.article)
    if not text.strip():
        text = "".join(parser.parts)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return title, "\n".join(line for line in lines if line)
