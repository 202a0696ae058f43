"""The JSON endpoints: ``/api/search``, ``/api/articles…``, ``/api/stats``, ``/healthz``.

Every handler except the POST is a plain function, so Starlette runs it in its
thread pool: searches run in parallel on the shared :class:`~searcher.SearchIndex`,
whose per-thread Whoosh searchers reopen after a commit. Handlers raise
:class:`~searcher.web.params.ApiError` or library errors; :mod:`searcher.web.app`
turns both into JSON error answers.
"""

from __future__ import annotations

import hmac
import io
import json
import threading
from typing import Any
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from searcher.engine import SearchIndex, SortOrder
from searcher.indexing import IndexReport
from searcher.results import Hit, SearchResults
from searcher.web.openapi import build_openapi
from searcher.web.params import ApiError, SearchRequest, parse_params, search_request, similar_params
from searcher.web.settings import ServerSettings

JSON_TYPES = ("application/json",)
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines",
                "application/jsonlines")
ARTICLES_PREFIX = "/api/articles/"


def run_search(index: SearchIndex, req: SearchRequest) -> SearchResults:
    """Run a validated search (shared by the API and the page)."""
    sort: SortOrder = "newest" if req.sort == "newest" else (
        "oldest" if req.sort == "oldest" else "relevance")
    return index.search(req.q, limit=req.limit, page=req.page, sort=sort, since=req.since,
                        until=req.until, sources=req.sources, categories=req.categories,
                        highlight=req.highlight, facets=req.facets)


def similar_hits(index: SearchIndex, doc_id: str, limit: int) -> list[Hit]:
    """The articles similar to ``doc_id`` as hits (raises ArticleNotFoundError)."""
    return index.similar(doc_id, limit=limit)[:limit]


class Api:
    """The JSON endpoints over one shared index."""

    def __init__(self, index: SearchIndex, settings: ServerSettings) -> None:
        self.index = index
        self.settings = settings
        self.openapi = build_openapi(settings)
        self._write_lock = threading.Lock()

    # -- reading -------------------------------------------------------------------
    def search(self, request: Request) -> JSONResponse:
        req = search_request(request.query_params.multi_items(), self.settings)
        return JSONResponse(run_search(self.index, req).to_dict())

    def article(self, request: Request) -> JSONResponse:
        doc_id, similar = article_target(request)
        if similar:
            values = parse_params(request.query_params.multi_items(),
                                  similar_params(self.settings))
            limit = int(str(values["limit"]))
            hits = similar_hits(self.index, doc_id, limit)
            return JSONResponse({"id": doc_id, "hits": [h.to_dict() for h in hits]})
        if request.query_params:
            parse_params(request.query_params.multi_items(), ())  # no parameters here
        return JSONResponse(self.index.get(doc_id).to_dict())

    def stats(self, request: Request) -> JSONResponse:
        return JSONResponse(self.index.stats().to_dict())

    def health(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "documents": len(self.index)})

    def openapi_json(self, request: Request) -> JSONResponse:
        return JSONResponse(self.openapi)

    # -- writing -------------------------------------------------------------------
    async def add_articles(self, request: Request) -> JSONResponse:
        self.authorize(request.headers.get("authorization"))
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in JSON_TYPES + NDJSON_TYPES:
            raise ApiError(415, "unsupported_media_type",
                           f"the body must be JSON or JSON Lines, not {media or 'untyped'}",
                           "Send Content-Type: application/json (an array of records) or "
                           "application/x-ndjson (one record a line).")
        body = await self.read_body(request)
        report = await run_in_threadpool(self.index_body, body, media in NDJSON_TYPES)
        return JSONResponse(report.to_dict())

    def authorize(self, header: str | None) -> None:
        """Raise 403 unless indexing is on, 401 without a bearer token, 403 for a wrong one."""
        if not self.settings.allow_indexing or not self.settings.token:
            raise ApiError(403, "indexing_disabled", "indexing over HTTP is off on this server",
                           "Start it with `searcher serve --allow-indexing --token TOKEN`, "
                           "or index with `searcher index`.")
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "this request needs a bearer token",
                           "Send the header `Authorization: Bearer TOKEN` with the server's token.",
                           headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(token.strip().encode(), self.settings.token.encode()):
            raise ApiError(403, "forbidden", "the token is wrong",
                           "Use the token the server was started with (--token or SEARCHER_TOKEN).")

    async def read_body(self, request: Request) -> bytes:
        limit = self.settings.max_body_bytes
        too_big = ApiError(413, "body_too_large", f"the body is larger than {limit} bytes",
                           "Send the articles in smaller batches.")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_big
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_big
        if not body.strip():
            raise ApiError(400, "bad_body", "the body is empty", "Send at least one record.")
        return bytes(body)

    def index_body(self, body: bytes, lines: bool) -> IndexReport:
        """Index a request body: JSON Lines, or a JSON array of records (or one record)."""
        with self._write_lock:
            if lines:
                return self.index.index_stream(io.BytesIO(body),
                                               wait=self.settings.write_wait)
            return self.index.add_records(json_records(body),
                                          wait=self.settings.write_wait)


def json_records(body: bytes) -> list[dict[str, Any]]:
    """The records of a JSON body: an array of objects, or one object."""
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ApiError(400, "bad_body", f"the body is not UTF-8 (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ApiError(400, "bad_body", f"malformed JSON at line {error.lineno}, column "
                       f"{error.colno}: {error.msg}", "Check the JSON, or send JSON Lines "
                       "as application/x-ndjson.") from None
    records = data if isinstance(data, list) else [data]
    if not records:
        raise ApiError(400, "bad_body", "the array holds no records", "Send at least one record.")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ApiError(400, "bad_body", f"record {number} is a {type(record).__name__}, "
                           f"not an object", 'Send objects such as {"title": …, "body": …}.')
    return records


def article_target(request: Request) -> tuple[str, bool]:
    """The article id of an ``/api/articles/…`` path and whether ``/similar`` follows it.

    The id is read from the raw (still percent-encoded) path, so an id holding ``/``
    (a URL) is sent with ``%2F`` and cannot be mistaken for the ``/similar`` suffix.
    """
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    path = path.split("?", 1)[0]
    rest = path[len(ARTICLES_PREFIX):] if path.startswith(ARTICLES_PREFIX) else ""
    similar = rest.endswith("/similar")
    if similar:
        rest = rest[:-len("/similar")]
    try:
        doc_id = unquote(rest, errors="strict")
    except UnicodeDecodeError:
        doc_id = ""
    if not doc_id:
        raise ApiError(404, "article_not_found", "no article id in the path",
                       "Use /api/articles/ID (percent-encode the id).")
    return doc_id, similar
