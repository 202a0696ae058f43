"""The OpenAPI 3.1 description served at ``/openapi.json``.

Built from the same parameter table that validates requests
(:mod:`searcher.web.params`), so the documented bounds are the enforced ones.
tests/test_openapi.py checks it against the live server with schemathesis.
"""

from __future__ import annotations

from typing import Any

from searcher import __version__
from searcher.web.params import DATE_PATTERN, Param, search_params, similar_params
from searcher.web.settings import ServerSettings

JSON = "application/json"
NDJSON = "application/x-ndjson"

_NULLABLE_STR = {"type": ["string", "null"]}
_ISO_DATE = {"type": ["string", "null"], "description": "ISO 8601 date and time (no zone), or null"}


def _schema_of(p: Param) -> dict[str, Any]:
    schema: dict[str, Any]
    if p.kind == "integer":
        schema = {"type": "integer", "minimum": p.minimum, "maximum": p.maximum}
    elif p.kind == "boolean":
        schema = {"type": "boolean"}
    elif p.kind == "choice":
        schema = {"type": "string", "enum": list(p.choices)}
    elif p.kind == "date":
        schema = {"type": "string", "pattern": DATE_PATTERN,
                  "examples": ["2024-07-01", "2024-07", "2024"]}
    else:
        schema = {"type": "string"}
        if p.max_length is not None:
            schema["maxLength"] = p.max_length
    if p.default is not None:
        schema["default"] = p.default
    if p.repeatable:
        return {"type": "array", "items": schema}
    return schema


def _parameter(p: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": "query", "required": False,
                           "description": p.help, "schema": _schema_of(p)}
    if p.repeatable:
        out.update(style="form", explode=True)
    return out


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/E{s}"} for s in statuses}


_ID_PARAM = {"name": "id", "in": "path", "required": True,
             "description": "The article id, percent-encoded (a '/' in it as %2F).",
             "schema": {"type": "string", "minLength": 1}}

_ERROR_TEXT = {
    400: "A bad or unknown parameter, query or body (code bad_parameter, bad_query or "
         "bad_body).",
    401: "No or a malformed Authorization header (code unauthorized).",
    403: "A wrong token, or indexing is not enabled on this server (code forbidden).",
    404: "No such article (code article_not_found).",
    405: "The method is not allowed on this path (code method_not_allowed).",
    413: "The body is larger than the server accepts (code body_too_large).",
    414: "The URL is longer than the server accepts (code url_too_long).",
    415: "The body is neither JSON nor JSON Lines (code unsupported_media_type).",
    503: "The index is locked by another indexing run or cannot be read (code index_locked "
         "or index_unavailable); retry later.",
}


def _schemas() -> dict[str, Any]:
    hit = {
        "type": "object",
        "required": ["rank", "id", "title", "url", "source", "date", "category", "score",
                     "snippet", "highlights", "duplicates"],
        "properties": {
            "rank": {"type": "integer", "minimum": 1},
            "id": {"type": "string"},
            "title": _NULLABLE_STR, "url": _NULLABLE_STR, "source": _NULLABLE_STR,
            "date": _ISO_DATE, "category": _NULLABLE_STR,
            "score": {"type": "number"},
            "snippet": {"type": ["string", "null"],
                        "description": "A passage of the body, or null with highlight=false"},
            "highlights": {"type": "array", "description": "[start, end) offsets into snippet",
                           "items": {"type": "array", "items": {"type": "integer"},
                                     "minItems": 2, "maxItems": 2}},
            "duplicates": {"type": "array", "items": {"type": "string"},
                           "description": "ids of near-identical articles folded into this hit"},
        },
    }
    counts = {"type": "object", "additionalProperties": {"type": "integer"}}
    return {
        "Hit": hit,
        "SearchResults": {
            "type": "object",
            "required": ["query", "total", "page", "limit", "hits", "took_ms", "suggestion",
                         "relaxed"],
            "properties": {
                "query": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "limit": {"type": "integer", "minimum": 1},
                "hits": {"type": "array", "items": _ref("Hit")},
                "took_ms": {"type": "number"},
                "suggestion": {"type": ["string", "null"],
                               "description": "A corrected query when this one finds little"},
                "relaxed": {"type": "boolean",
                            "description": "No article has all the words of this short "
                                           "query: the hits have some of them, those with "
                                           "more of the words first"},
                "facets": {"type": "object", "additionalProperties": counts,
                           "description": "Only with facets=true: counts by field and value"},
            },
        },
        "Article": {
            "type": "object",
            "required": ["id", "title", "body", "date", "url", "source", "category", "path",
                         "related"],
            "properties": {
                "id": {"type": "string"}, "title": _NULLABLE_STR, "body": {"type": "string"},
                "date": _ISO_DATE, "url": _NULLABLE_STR, "source": _NULLABLE_STR,
                "category": _NULLABLE_STR, "path": _NULLABLE_STR,
                "related": {"type": "array", "items": {"type": "string"},
                            "description": "Headlines of 'Baca juga' links"},
            },
        },
        "Similar": {
            "type": "object", "required": ["id", "hits"],
            "properties": {"id": {"type": "string"},
                           "hits": {"type": "array", "items": _ref("Hit")}},
        },
        "Stats": {
            "type": "object",
            "required": ["path", "documents", "sources", "first_date", "last_date", "undated",
                         "size_bytes", "segments", "schema_version", "analyzer_version",
                         "stemmer"],
            "properties": {
                "path": {"type": "string"}, "documents": {"type": "integer"},
                "sources": counts, "first_date": _ISO_DATE, "last_date": _ISO_DATE,
                "undated": {"type": "integer"}, "size_bytes": {"type": "integer"},
                "segments": {"type": "integer"}, "schema_version": {"type": "integer"},
                "analyzer_version": {"type": "string"},
                "stemmer": {"type": "string", "enum": ["searcher", "snowball"]},
            },
        },
        "Health": {
            "type": "object", "required": ["status", "documents"],
            "properties": {"status": {"type": "string", "enum": ["ok"]},
                           "documents": {"type": "integer"}},
        },
        "IndexReport": {
            "type": "object",
            "required": ["added", "updated", "unchanged", "removed", "skipped", "skips"],
            "properties": {
                "added": {"type": "integer"}, "updated": {"type": "integer"},
                "unchanged": {"type": "integer"}, "removed": {"type": "integer"},
                "skipped": {"type": "integer"},
                "skips": {"type": "array", "items": {
                    "type": "object", "required": ["path", "line", "reason"],
                    "properties": {"path": {"type": "string"},
                                   "line": {"type": ["integer", "null"]},
                                   "reason": {"type": "string"}}}},
                "files_read": {"type": "integer"}, "files_unchanged": {"type": "integer"},
                "undated": {"type": "integer"},
            },
        },
        "Record": {
            "type": "object",
            "description": "One article as in `searcher index` JSON input: id, title, body, "
                           "date, url, source, category (and their aliases, e.g. judul, isi, "
                           "tanggal). A record that cannot be read (no body, say) is reported "
                           "in the answer's skips, not rejected.",
            "properties": {name: {"description": text} for name, text in (
                ("id", "string (or number); default: the url"),
                ("title", "string"), ("body", "string, required to index the record"),
                ("date", "ISO 8601 or an Indonesian date such as '31 Juli 2019 12:38'"),
                ("url", "string"), ("source", "publisher domain"), ("category", "string"))},
        },
        "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {
                "type": "object", "required": ["code", "message", "hint"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                               "hint": {"type": "string"}}}},
        },
    }


def build_openapi(settings: ServerSettings) -> dict[str, Any]:
    """The OpenAPI document for a server running with ``settings``."""
    write_note = ("Enabled on this server." if settings.allow_indexing else
                  "Disabled on this server (start it with --allow-indexing and a token); "
                  "answers 403.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "searcher",
            "version": __version__,
            "description": "Full-text search over Indonesian news articles. Errors are "
                           '`{"error": {"code", "message", "hint"}}`.',
        },
        "paths": {
            "/api/search": {"get": {
                "operationId": "search",
                "summary": "Search the index (the JSON of `searcher search --json`)",
                "parameters": [_parameter(p) for p in search_params(settings)],
                "responses": {"200": _json(_ref("SearchResults"), "A page of hits"),
                              **_errors(400, 414, 503)},
            }},
            "/api/articles/{id}": {"get": {
                "operationId": "getArticle",
                "summary": "One article by id (the JSON of `searcher show --json`)",
                "parameters": [_ID_PARAM],
                "responses": {"200": _json(_ref("Article"), "The article"),
                              **_errors(400, 404, 414, 503)},
            }},
            "/api/articles/{id}/similar": {"get": {
                "operationId": "similarArticles",
                "summary": "Articles similar to this one, best first",
                "parameters": [_ID_PARAM, *(_parameter(p) for p in similar_params(settings))],
                "responses": {"200": _json(_ref("Similar"), "Similar articles"),
                              **_errors(400, 404, 414, 503)},
            }},
            "/api/articles": {"post": {
                "operationId": "addArticles",
                "summary": "Add or update articles (needs --allow-indexing and a token)",
                "description": f"{write_note} The body is a JSON array of records (or one "
                               f"record) as application/json, or JSON Lines as {NDJSON}; at "
                               f"most {settings.max_body_bytes} bytes. Unchanged articles "
                               f"are left alone.",
                "security": [{"bearerAuth": []}],
                "requestBody": {"required": True, "content": {
                    JSON: {"schema": {"oneOf": [
                        {"type": "array", "items": _ref("Record"), "minItems": 1},
                        _ref("Record")]}},
                    NDJSON: {"schema": {"type": "string",
                                        "description": "One JSON record a line"}},
                }},
                "responses": {"200": _json(_ref("IndexReport"), "What was added, updated "
                                           "and skipped"),
                              **_errors(400, 401, 403, 413, 415, 503)},
            }},
            "/api/stats": {"get": {
                "operationId": "stats",
                "summary": "Documents, sources, date range and versions of the index",
                "responses": {"200": _json(_ref("Stats"), "Index statistics"),
                              **_errors(503)},
            }},
            "/healthz": {"get": {
                "operationId": "health",
                "summary": "Liveness: the index can be read",
                "responses": {"200": _json(_ref("Health"), "Up"), **_errors(503)},
            }},
        },
        "components": {
            "schemas": _schemas(),
            "responses": {f"E{status}": _json(_ref("Error"), text)
                          for status, text in _ERROR_TEXT.items()},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
