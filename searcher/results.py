"""Typed search results: :class:`Hit`, :class:`SearchResults` and :class:`IndexStats`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Snippet:
    """A passage of the body with the spans of matched words (offsets into ``text``)."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()

    def marked(self, before: str, after: str,
               escape: Callable[[str], str] | None = None) -> str:
        """The text with every highlight wrapped in ``before``/``after``.

        ``escape`` (e.g. ``html.escape``) is applied to the text pieces, never to the markers.
        """
        esc: Callable[[str], str] = escape if escape is not None else str
        out: list[str] = []
        pos = 0
        for start, end in self.highlights:
            out.append(esc(self.text[pos:start]))
            out.append(before + esc(self.text[start:end]) + after)
            pos = end
        out.append(esc(self.text[pos:]))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search result."""

    rank: int
    id: str
    score: float
    title: str | None
    url: str | None
    source: str | None
    date: datetime | None
    category: str | None
    snippet: Snippet | None = None
    duplicates: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The ``search --json`` shape of a hit."""
        return {
            "rank": self.rank,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "category": self.category,
            "score": round(self.score, 4),
            "snippet": self.snippet.text if self.snippet else None,
            "highlights": [list(h) for h in self.snippet.highlights] if self.snippet else [],
            "duplicates": list(self.duplicates),
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of hits for a query."""

    query: str
    total: int
    page: int
    limit: int
    hits: list[Hit]
    took_ms: float
    suggestion: str | None = None
    facets: dict[str, dict[str, int]] | None = None
    #: no article has all the words of this (short) query: the hits have some of them
    relaxed: bool = False

    def to_dict(self) -> dict[str, object]:
        """The ``search --json`` object."""
        out: dict[str, object] = {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "limit": self.limit,
            "hits": [h.to_dict() for h in self.hits],
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
            "relaxed": self.relaxed,
        }
        if self.facets is not None:
            out["facets"] = self.facets
        return out


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What ``searcher stats`` reports."""

    path: str
    documents: int
    sources: dict[str, int] = field(default_factory=dict)
    first_date: datetime | None = None
    last_date: datetime | None = None
    undated: int = 0
    size_bytes: int = 0
    segments: int = 0
    schema_version: int = 0
    analyzer_version: str = ""
    stemmer: str = "searcher"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "documents": self.documents,
            "sources": self.sources,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "undated": self.undated,
            "size_bytes": self.size_bytes,
            "segments": self.segments,
            "schema_version": self.schema_version,
            "analyzer_version": self.analyzer_version,
            "stemmer": self.stemmer,
        }
