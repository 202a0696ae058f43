"""Typed errors raised by the searcher library.

Every error the library raises on purpose derives from :class:`SearcherError`.
Each carries a ``hint`` telling the user what to do next; the CLI prints the
message and the hint and exits non-zero.
"""

from __future__ import annotations


class SearcherError(Exception):
    """Base class of all searcher errors."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class IndexNotFoundError(SearcherError):
    """The index directory does not exist or holds no index yet."""

    hint = "Build it first with `searcher index PATH…` (or point --index / SEARCHER_INDEX at an existing index)."


class NotAnIndexError(SearcherError):
    """The directory exists but holds something other than a searcher index."""

    hint = "Choose an empty or new directory with --index, or remove the directory if it is yours."


class SchemaMismatchError(SearcherError):
    """The index was built by another schema or analyzer version: reindex needed."""

    hint = "Rebuild it with `searcher index --rebuild PATH…`."


class StemmerMismatchError(SchemaMismatchError):
    """The index was built with another stemmer than the one asked for."""

    hint = "Rebuild it with `searcher index --rebuild --stemmer NAME PATH…`."


class IndexLockedError(SearcherError):
    """Another process holds the index's write lock."""

    hint = "Wait for the other indexing run to finish, or pass --wait SECONDS to wait for it."


class IndexWriteError(SearcherError):
    """Writing the index failed (disk full, permissions…); the last commit is intact."""

    hint = ("The index keeps everything committed before the failure. Free disk space or fix "
            "the permissions, then run the same command again: it continues where it stopped.")


class QueryError(SearcherError):
    """A query string that cannot be parsed.

    ``position`` is the character offset of the problem in the query, when known.
    """

    hint = 'Check the quotes and parentheses, or put the whole query in quotes to search it as a phrase.'

    def __init__(self, message: str, *, query: str = "", position: int | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.query = query
        self.position = position


class ArticleNotFoundError(SearcherError):
    """No document with the requested id."""

    hint = "List ids with `searcher search QUERY --json`."


class InputError(SearcherError):
    """A file or record that cannot be read, with where it is."""

    hint = "Fix or remove the named file or line and run the command again."

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        where = path or ""
        if path and line is not None:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.path = path
        self.line = line
        self.reason = message
