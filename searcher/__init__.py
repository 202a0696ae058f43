"""searcher: full-text search for Indonesian news articles."""

from searcher.article import Article
from searcher.engine import SearchIndex
from searcher.errors import (
    ArticleNotFoundError,
    IndexLockedError,
    IndexNotFoundError,
    IndexWriteError,
    InputError,
    NotAnIndexError,
    QueryError,
    SchemaMismatchError,
    SearcherError,
    StemmerMismatchError,
)
from searcher.indexing import IndexReport
from searcher.results import Hit, IndexStats, SearchResults, Snippet

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleNotFoundError",
    "Hit",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexReport",
    "IndexWriteError",
    "IndexStats",
    "InputError",
    "NotAnIndexError",
    "QueryError",
    "SchemaMismatchError",
    "SearchIndex",
    "SearchResults",
    "SearcherError",
    "Snippet",
    "StemmerMismatchError",
]
