"""The :class:`Article` record: one news article as searcher stores it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Article:
    """One news article.

    ``id`` is stable across runs (see :func:`searcher.readers.article_id`).
    ``title`` stays ``None`` when the source has none: searcher never invents one.
    ``date`` is a naive datetime in the publisher's local time, or ``None``.
    ``related`` holds the headlines of "Baca juga" links found in the body.
    ``notes`` lists reading problems that did not stop the article from being indexed.
    """

    id: str
    body: str
    title: str | None = None
    date: datetime | None = None
    url: str | None = None
    source: str | None = None
    category: str | None = None
    path: str | None = None
    related: tuple[str, ...] = field(default_factory=tuple)
    #: Problems met while reading the record that did not stop it from being indexed
    #: ("unreadable date …", "no body …"). Not stored, not part of the content hash.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def content_hash(self) -> str:
        """A hash of everything indexed about the article (not its path)."""
        payload = json.dumps(
            [self.id, self.title, self.body, self.date.isoformat() if self.date else None,
             self.url, self.source, self.category, list(self.related)],
            ensure_ascii=False, separators=(",", ":"),
        )
        return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (date as ISO 8601 or None)."""
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
            "source": self.source,
            "category": self.category,
            "path": self.path,
            "related": list(self.related),
        }
