"""Query parameters of the HTTP API, declared once.

:data:`SEARCH_PARAMS` drives three things: the validation of ``GET /api/search``
(and of the search page), the OpenAPI description (:mod:`searcher.web.openapi`)
and the table in docs/http.md. A bad value raises :class:`ApiError`, which the
app turns into ``{"error": {"code", "message", "hint"}}`` with its status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from searcher.engine import SORTS
from searcher.query import date_bounds
from searcher.web.settings import ServerSettings

Kind = Literal["string", "integer", "boolean", "date", "choice"]

_INT_RE = re.compile(r"-?[0-9]{1,12}")
#: A year, month or day: YYYY, YYYY-MM or YYYY-MM-DD (also the OpenAPI pattern).
DATE_PATTERN = r"^[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
_BOOLS = {"true": True, "1": True, "false": False, "0": False}


class ApiError(Exception):
    """An HTTP error answer: status, a stable ``code``, a message and a hint."""

    def __init__(self, status: int, code: str, message: str, hint: str = "",
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        self.headers = dict(headers or {})

    def to_dict(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "hint": self.hint}}


@dataclass(frozen=True, slots=True)
class Param:
    """One query parameter: its type, default, bounds and help text."""

    name: str
    kind: Kind
    help: str
    default: object = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    repeatable: bool = False
    max_length: int | None = None


def search_params(settings: ServerSettings) -> tuple[Param, ...]:
    """The parameters of ``GET /api/search`` under ``settings``' limits."""
    return (
        Param("q", "string", "The query, in the query language of `searcher search` "
              "(empty: every article, e.g. with sort=newest).", default="",
              max_length=settings.max_query_chars),
        Param("limit", "integer", "Hits a page.", default=10, minimum=1, maximum=settings.max_limit),
        Param("page", "integer", f"Page number, from 1; page × limit may be at most "
              f"{settings.max_depth}.", default=1, minimum=1, maximum=settings.max_depth),
        Param("sort", "choice", "Order of the hits.", default="relevance", choices=SORTS),
        Param("since", "date", "Only articles on or after this day, month or year "
              "(YYYY-MM-DD, YYYY-MM or YYYY)."),
        Param("until", "date", "Only articles on or before this day, month or year "
              "(its last moment)."),
        Param("source", "string", "Only this publisher, e.g. kompas.com (repeatable: any of them).",
              repeatable=True, max_length=200),
        Param("category", "string", "Only this category (repeatable: any of them).",
              repeatable=True, max_length=200),
        Param("highlight", "boolean", "Include snippets with highlights.", default=True),
        Param("facets", "boolean", "Include counts by source, category and month.", default=False),
    )


def similar_params(settings: ServerSettings) -> tuple[Param, ...]:
    """The parameters of ``GET /api/articles/{id}/similar``."""
    return (Param("limit", "integer", "How many similar articles.", default=10, minimum=1,
                  maximum=settings.max_similar),)


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """Validated search options, ready for :meth:`searcher.SearchIndex.search`."""

    q: str = ""
    limit: int = 10
    page: int = 1
    sort: str = "relevance"
    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    highlight: bool = True
    facets: bool = False
    raw: dict[str, object] = field(default_factory=dict)


def bad(message: str, hint: str = "") -> ApiError:
    return ApiError(400, "bad_parameter", message, hint)


def parse_params(items: Sequence[tuple[str, str]], params: Sequence[Param], *,
                 strict: bool = True) -> dict[str, object]:
    """Validate ``items`` (the query string's name/value pairs) against ``params``.

    Returns every parameter by name (defaults filled in; repeatable ones as tuples).
    With ``strict`` (the JSON API) unknown names, repeated single parameters and empty
    values are errors; without it (the HTML page, whose forms send empty fields)
    unknown names are ignored and an empty value means "not given".
    """
    table = {p.name: p for p in params}
    given: dict[str, list[str]] = {}
    for name, value in items:
        if name not in table:
            if strict:
                raise bad(f"unknown parameter {name!r}",
                          f"Known parameters: {', '.join(table)}.")
            continue
        if not strict and value.strip() == "" and table[name].kind != "string":
            continue
        if not strict and value == "" and table[name].repeatable:
            continue
        given.setdefault(name, []).append(value)
    out: dict[str, object] = {}
    for p in params:
        values = given.get(p.name, [])
        if p.repeatable:
            out[p.name] = tuple(_value(p, v) for v in values)
            continue
        if len(values) > 1:
            if strict:
                raise bad(f"parameter {p.name!r} is given {len(values)} times",
                          "Give it once.")
            values = values[-1:]
        out[p.name] = _value(p, values[0]) if values else p.default
    return out


def _value(p: Param, text: str) -> object:
    if p.max_length is not None and len(text) > p.max_length:
        raise bad(f"{p.name} is {len(text)} characters long; at most {p.max_length} are allowed",
                  f"Shorten {p.name}.")
    if p.kind == "string":
        return text
    if p.kind == "integer":
        if not _INT_RE.fullmatch(text):
            raise bad(f"{p.name} must be a whole number, not {text!r}")
        number = int(text)
        if (p.minimum is not None and number < p.minimum) or (
                p.maximum is not None and number > p.maximum):
            raise bad(f"{p.name} must be between {p.minimum} and {p.maximum}, not {number}")
        return number
    if p.kind == "boolean":
        if text.lower() not in _BOOLS:
            raise bad(f"{p.name} must be true or false, not {text!r}")
        return _BOOLS[text.lower()]
    if p.kind == "choice":
        if text not in p.choices:
            raise bad(f"{p.name} must be one of {', '.join(p.choices)}, not {text!r}")
        return text
    # date: kept as text here; bounds are computed in search_request()
    if not re.fullmatch(DATE_PATTERN, text) or date_bounds(text) is None:
        raise bad(f"{p.name} must be a date written YYYY-MM-DD, YYYY-MM or YYYY, not {text!r}",
                  "For example since=2024-07-01.")
    return text


def search_request(items: Sequence[tuple[str, str]], settings: ServerSettings, *,
                   strict: bool = True) -> SearchRequest:
    """Validate the query string of a search (API or page) into a :class:`SearchRequest`."""
    values = parse_params(items, search_params(settings), strict=strict)
    limit, page = int(str(values["limit"])), int(str(values["page"]))
    if page * limit > settings.max_depth:
        raise bad(f"page × limit is {page * limit}; results go at most {settings.max_depth} deep",
                  "Narrow the query or the date range instead of paging further.")
    since = until = None
    if values["since"] is not None:
        since = _bounds(str(values["since"]))[0]
    if values["until"] is not None:
        until = _bounds(str(values["until"]))[1]
    if since is not None and until is not None and since > until:
        raise bad(f"since ({values['since']}) is after until ({values['until']})",
                  "Swap the two dates.")
    return SearchRequest(q=str(values["q"]), limit=limit, page=page, sort=str(values["sort"]),
                         since=since, until=until, sources=_strings(values["source"]),
                         categories=_strings(values["category"]),
                         highlight=bool(values["highlight"]), facets=bool(values["facets"]),
                         raw=values)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, tuple) else ()


def _bounds(text: str) -> tuple[datetime, datetime]:
    bounds = date_bounds(text)
    assert bounds is not None  # checked by _value
    return bounds
