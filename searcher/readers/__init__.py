"""Article readers: turn input files (txt, JSON, JSON Lines, CSV, HTML; gzip too) into articles.

One module per format; this package only re-exports the public names.
"""

from searcher.readers.files import SUPPORTED_SUFFIXES, discover, file_format, read_file, read_stream
from searcher.readers.records import FIELD_ALIASES, Skip, article_id, normalize_source, record_to_article

__all__ = [
    "FIELD_ALIASES",
    "SUPPORTED_SUFFIXES",
    "Skip",
    "article_id",
    "discover",
    "file_format",
    "normalize_source",
    "read_file",
    "read_stream",
    "record_to_article",
]
