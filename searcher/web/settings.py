"""Settings of a running server: what it allows and its request and result limits.

A :class:`ServerSettings` is built once (by ``searcher serve`` or by the embedding
code) and passed to :func:`searcher.web.create_app`; it is never changed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What the server allows and how big requests and answers may be.

    ``allow_indexing`` turns on ``POST /api/articles``, which then needs ``token``
    (sent as ``Authorization: Bearer TOKEN``). The limits keep one request from
    tying up the server: ``max_query_chars`` for ``q``, ``max_url_bytes`` for the
    request target (path and query string), ``max_body_bytes`` for a POST body,
    ``max_limit`` hits a page and ``max_depth`` for ``page × limit``.
    ``write_wait`` is how long a POST waits for another indexing run's lock.
    """

    allow_indexing: bool = False
    token: str | None = None
    max_query_chars: int = 2000
    max_url_bytes: int = 8192
    max_body_bytes: int = 10 * 1024 * 1024
    max_limit: int = 100
    max_depth: int = 10_000
    max_similar: int = 50
    write_wait: float = 10.0

    def __post_init__(self) -> None:
        if self.allow_indexing and not self.token:
            raise ValueError("allow_indexing needs a token")
