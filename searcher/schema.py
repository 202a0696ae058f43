"""The Whoosh schema of a searcher index and its version.

The schema is pickled into the index by Whoosh, and the analyzers' output decides
which terms exist, so both are versioned: :data:`SCHEMA_VERSION` changes when fields
change, and the analyzer version is recorded beside it. An index written by another
version is refused with :class:`~searcher.errors.SchemaMismatchError`.
"""

from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from searcher.analysis.stemmer import DEFAULT_STEMMER
from searcher.analysis.whoosh_analyzers import IndonesianAnalyzer
from searcher.ranking.fields import ExactField

#: Bump when fields or their meaning change.
SCHEMA_VERSION = 2


def build_schema(stemmer: str = DEFAULT_STEMMER) -> Schema:
    """A fresh schema object whose text fields stem with ``stemmer``.

    ``stemmer``: ``searcher`` (the lexicon-guided stemmer, the default) or
    ``snowball`` (plain PyStemmer); see :func:`schema_stemmer`.

    Fields:
      - ``id``: the unique document id (see :func:`searcher.readers.article_id`).
      - ``title``, ``body``: stemmed Indonesian text with positions (phrases); stored.
      - ``exact``: unstemmed lower-cased forms of title and body (exact-form signal)
        and ``"~<stem> <stem>"`` pairs of neighbouring content words (proximity
        signal); its column is a signature of the text for near-duplicate grouping.
        See :mod:`searcher.ranking.fields`.
      - ``date``: publication date (DATETIME, so open-ended ranges work); stored.
      - ``month``: ``YYYY-MM`` of the date, for facets.
      - ``source``, ``category``: lower-cased keywords (a publisher's domain is indexed
        whole and by its labels, so ``source:kompas`` matches ``kompas.com``); stored.
      - ``url``, ``related``: stored only. ``path``: the source file, for pruning.
      - ``hash``: a per-document column with the article's content hash, so an
        indexing run can tell unchanged articles without reading stored fields.
    """
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=IndonesianAnalyzer(stemmer), stored=True, phrase=True, field_boost=1.0),
        body=TEXT(analyzer=IndonesianAnalyzer(stemmer), stored=True, phrase=True),
        exact=ExactField(stemmer),
        date=DATETIME(stored=True, sortable=True),
        month=ID(sortable=True),
        source=KEYWORD(stored=True, lowercase=True, scorable=False),
        category=KEYWORD(stored=True, lowercase=True, scorable=False),
        source_key=ID(sortable=True),
        category_key=ID(sortable=True),
        url=STORED(),
        related=STORED(),
        path=ID(stored=True, sortable=True),
        hash=COLUMN(columns.VarBytesColumn()),
    )


def schema_stemmer(schema: Schema, default: str = DEFAULT_STEMMER) -> str:
    """The stemmer the ``body`` field of ``schema`` stems with (``default`` if it has none)."""
    analyzer = getattr(schema["body"], "analyzer", None) if "body" in schema else None
    return str(getattr(analyzer, "stemmer", default))
