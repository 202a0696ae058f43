"""The HTTP API and the search page behind ``searcher serve`` (see docs/http.md).

Modules: :mod:`~searcher.web.settings` (what a server allows, its limits),
:mod:`~searcher.web.params` (the query parameters, declared once),
:mod:`~searcher.web.api` (JSON endpoints), :mod:`~searcher.web.pages` (HTML),
:mod:`~searcher.web.openapi` (the OpenAPI description) and
:mod:`~searcher.web.app` (the Starlette app and :func:`serve`).
"""

from searcher.web.app import bind, create_app, serve
from searcher.web.settings import ServerSettings

__all__ = ["ServerSettings", "bind", "create_app", "serve"]
