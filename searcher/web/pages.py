"""The HTML pages: the search page at ``/`` and one article at ``/article?id=…``.

Server-rendered with Jinja2 (autoescaping on: every piece of article text is
escaped); plain GET forms and links, no JavaScript. Snippet highlights are the
only markup built here, with :meth:`~searcher.results.Snippet.marked` and
``html.escape`` on the text between the ``<mark>`` tags.
"""

from __future__ import annotations

import html
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from searcher.engine import SORTS, SearchIndex
from searcher.errors import ArticleNotFoundError, QueryError, SearcherError
from searcher.results import Hit, SearchResults
from searcher.web.api import run_search, similar_hits
from searcher.web.params import ApiError, search_request
from searcher.web.settings import ServerSettings

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
PAGE_SIZE = 10
SOURCES_SHOWN = 40
SOURCES_TTL = 60.0
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["day"] = format_day
    env.filters["safe_url"] = safe_url
    env.filters["host"] = lambda url: urlsplit(url).hostname or url
    return Jinja2Templates(env=env)


def format_day(value: datetime | None) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


def safe_url(url: str | None) -> str | None:
    """``url`` when it is http(s), else ``None`` (no ``javascript:`` links from scraped data)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def marked_snippet(hit: Hit) -> Markup | None:
    if hit.snippet is None:
        return None
    return Markup(hit.snippet.marked("<mark>", "</mark>", html.escape))


class Pages:
    """The HTML pages over one shared index."""

    def __init__(self, index: SearchIndex, settings: ServerSettings) -> None:
        self.index = index
        self.settings = settings
        self.templates = templates()
        self._sources: tuple[float, list[str]] = (0.0, [])
        self._sources_lock = threading.Lock()

    def sources(self) -> list[str]:
        """The biggest sources, for the filter menu (recomputed at most once a minute)."""
        with self._sources_lock:
            at, names = self._sources
            if time.monotonic() - at > SOURCES_TTL:
                try:
                    names = list(self.index.stats().sources)[:SOURCES_SHOWN]
                except SearcherError:
                    names = []
                self._sources = (time.monotonic(), names)
            return names

    def search(self, request: Request) -> Response:
        items = [(k, v) for k, v in request.query_params.multi_items()
                 if k in ("q", "page", "sort", "since", "until", "source", "category")]
        form = {k: v for k, v in items}
        context: dict[str, Any] = {
            "form": form, "sorts": SORTS, "sources": self.sources(), "results": None,
            "error": None, "pages": [], "categories": [v for k, v in items if k == "category" and v],
            "first_page": "/?" + urlencode([(k, v) for k, v in items if k != "page" and v])}
        status = 200
        if form.get("q", "").strip() or any(form.get(k) for k in ("source", "since", "until")):
            try:
                req = search_request(items + [("limit", str(PAGE_SIZE))], self.settings,
                                     strict=False)
                results = run_search(self.index, req)
            except (ApiError, QueryError) as error:
                status = 400
                context["error"] = {"message": getattr(error, "message", str(error)),
                                    "hint": error.hint}
            else:
                context.update(results=results, pages=self.pagination(results, items),
                               snippets={h.id: marked_snippet(h) for h in results.hits})
        if form.get("source") and form["source"] not in context["sources"]:
            context["sources"] = [form["source"], *context["sources"]]
        return self.templates.TemplateResponse(request, "search.html", context,
                                               status_code=status)

    def pagination(self, results: SearchResults, items: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """Links for previous, numbered and next pages (a window around the current one)."""
        last = max(1, min(-(-results.total // results.limit),
                          self.settings.max_depth // results.limit))
        here = results.page
        keep = [(k, v) for k, v in items if k != "page" and v != ""]

        def link(page: int, label: str, rel: str = "") -> dict[str, Any]:
            query = urlencode(keep + ([("page", str(page))] if page > 1 else []))
            return {"label": label, "href": "/?" + query, "current": page == here, "rel": rel,
                    "page": page}

        if last <= 1:
            return []
        out = []
        if here > 1:
            out.append(link(here - 1, "‹ Previous", "prev"))
        for page in range(max(1, here - 3), min(last, here + 3) + 1):
            out.append(link(page, str(page)))
        if here < last:
            out.append(link(here + 1, "Next ›", "next"))
        return out

    def article(self, request: Request) -> Response:
        doc_id = request.query_params.get("id", "")
        try:
            article = self.index.get(doc_id)
        except ArticleNotFoundError:
            return self.templates.TemplateResponse(
                request, "error.html", {"status": 404, "message": f"No article with id {doc_id!r}.",
                                        "hint": "Search for it from the front page."},
                status_code=404)
        similar = similar_hits(self.index, doc_id, 5)
        paragraphs = [p.strip() for p in article.body.split("\n") if p.strip()]
        return self.templates.TemplateResponse(
            request, "article.html", {"article": article, "paragraphs": paragraphs,
                                      "similar": similar, "form": {}})

    def error(self, request: Request, status: int, message: str, hint: str = "") -> Response:
        return self.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "hint": hint,
                                    "form": {}}, status_code=status)
