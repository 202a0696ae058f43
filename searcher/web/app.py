"""The Starlette application: routes, limits, security headers and error answers.

:func:`create_app` takes one :class:`~searcher.SearchIndex`, shared by every request
(searches run in Starlette's thread pool; the index reopens its per-thread
searchers after a commit, so new articles show up without a restart).

Errors: on ``/api/…``, ``/healthz`` and ``/openapi.json`` every failure is JSON,
``{"error": {"code", "message", "hint"}}`` with a 4xx status (503 while the index
is locked or unreadable); elsewhere it is an HTML page.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from searcher.engine import SearchIndex
from searcher.errors import (
    ArticleNotFoundError,
    IndexLockedError,
    InputError,
    QueryError,
    SearcherError,
)
from searcher.web.api import Api
from searcher.web.pages import STATIC, Pages
from searcher.web.params import ApiError
from searcher.web.settings import ServerSettings

log = logging.getLogger("searcher.web")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
     b"base-uri 'none'; frame-ancestors 'none'"),
]

_STATUS_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
                 414: "url_too_long"}


def create_app(index: SearchIndex, settings: ServerSettings | None = None) -> Starlette:
    """The web application serving ``index`` (read-only unless ``settings`` allow indexing)."""
    settings = settings or ServerSettings()
    api = Api(index, settings)
    pages = Pages(index, settings)
    routes = [
        Route("/", pages.search, methods=["GET"], name="search_page"),
        Route("/article", pages.article, methods=["GET"], name="article_page"),
        Route("/api/search", api.search, methods=["GET"]),
        Route("/api/articles", api.add_articles, methods=["POST"]),
        Route("/api/articles/{id:path}", api.article, methods=["GET"]),
        Route("/api/stats", api.stats, methods=["GET"]),
        Route("/healthz", api.health, methods=["GET"]),
        Route("/openapi.json", api.openapi_json, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    def wants_json(request: Request) -> bool:
        path = request.url.path
        return path.startswith("/api/") or path in ("/api", "/healthz", "/openapi.json")

    def error_answer(request: Request, status: int, code: str, message: str, hint: str,
                     headers: Mapping[str, str] | None = None) -> Response:
        if wants_json(request):
            body = {"error": {"code": code, "message": message, "hint": hint}}
            return JSONResponse(body, status_code=status, headers=dict(headers or {}))
        answer = pages.error(request, status, message, hint)
        answer.headers.update(headers or {})
        return answer

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_answer(request, exc.status, exc.code, exc.message, exc.hint, exc.headers)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = {404: f"nothing at {request.url.path}",
                   405: f"{request.method} is not allowed on {request.url.path}"}.get(
                       exc.status_code, str(exc.detail))
        hint = "See /openapi.json for the endpoints." if exc.status_code in (404, 405) else ""
        return error_answer(request, exc.status_code, code, message, hint, exc.headers)

    async def on_searcher_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SearcherError)
        status, code = 503, "index_unavailable"
        headers: dict[str, str] = {}
        if isinstance(exc, QueryError):
            status, code = 400, "bad_query"
        elif isinstance(exc, ArticleNotFoundError):
            status, code = 404, "article_not_found"
        elif isinstance(exc, InputError):
            status, code = 400, "bad_body"
        elif isinstance(exc, IndexLockedError):
            status, code, headers = 503, "index_locked", {"Retry-After": "5"}
        return error_answer(request, status, code, str(exc), exc.hint, headers)

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("error answering %s %s", request.method, request.url.path)
        return error_answer(request, 500, "internal_error", "the server failed to answer this "
                            "request", "Report it with the request that caused it.")

    handlers: dict[Any, Any] = {ApiError: on_api_error, HTTPException: on_http_error,
                                SearcherError: on_searcher_error, Exception: on_crash}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.add_middleware(Guard, max_url_bytes=settings.max_url_bytes)
    return app


class Guard:
    """ASGI middleware: refuse over-long URLs (414) and add security headers to answers."""

    def __init__(self, app: ASGIApp, max_url_bytes: int) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        if len(raw) + len(scope.get("query_string", b"")) + 1 > self.max_url_bytes:
            answer = JSONResponse({"error": {
                "code": "url_too_long",
                "message": f"the URL is longer than {self.max_url_bytes} bytes",
                "hint": "Shorten the query (q may be at most a few thousand characters)."}},
                status_code=414)
            await answer(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def sender(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)
        return sender


def bind(host: str = "127.0.0.1", port: int = 8000) -> socket.socket:
    """A listening socket on ``host``:``port`` (raises ``OSError`` when it is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(index: SearchIndex, settings: ServerSettings | None = None, *,
          sock: socket.socket | None = None, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info") -> None:
    """Serve ``index`` with uvicorn until interrupted (on ``sock`` if given, else host:port)."""
    import uvicorn

    sock = sock or bind(host, port)
    config = uvicorn.Config(create_app(index, settings), log_level=log_level,
                            server_header=False, proxy_headers=False,
                            timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])
