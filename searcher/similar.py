"""More like this: articles related to a given one.

The article's most distinctive words — the :data:`MAX_TERMS` terms of its title and
body with the highest tf-idf (title occurrences count :data:`TITLE_WEIGHT` times) —
are searched as one query through :meth:`SearchIndex.search` (any of the words,
articles with more of them first), so related articles are ranked and given
snippets like any search. The article itself and its near-duplicates (the same
title, distinct words :data:`DUPLICATE_OVERLAP` the same — shared words over all
words of the two — or listed in a hit's ``duplicates``) are left out; an article
that merely contains this one's words among many others (the full text of a speech
a short report quotes) is related, not a duplicate. More hits are fetched until
``limit`` remain or the results end.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from typing import TYPE_CHECKING

from whoosh.reading import IndexReader

from searcher.analysis import default_analyzer
from searcher.query import AND_MAX_TERMS
from searcher.results import Hit

if TYPE_CHECKING:
    from searcher.article import Article
    from searcher.engine import SearchIndex

#: How many distinctive terms make the query.
MAX_TERMS = 25
#: A word in the title counts this many times.
TITLE_WEIGHT = 2
#: Shared distinct words over all distinct words of two articles (Jaccard) from which
#: they are near-duplicates (the same story lightly rewritten: ~0.75; a follow-up
#: story on the same event: ~0.2).
DUPLICATE_OVERLAP = 0.6
#: Extra hits fetched to make up for the ones left out (then four times as many, …).
SPARE = 10
#: Hits fetched at most while looking for ``limit`` that are not left out.
MAX_FETCH = 1000


def distinctive_terms(reader: IndexReader, article: Article, limit: int = MAX_TERMS
                      ) -> list[tuple[str, str]]:
    """``(term, surface form)`` of the article's ``limit`` highest tf-idf terms.

    The surface form is the article's most frequent spelling of the term (lower
    case), so that searching it finds the term again.
    """
    analyzer = default_analyzer()
    tf: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    for text, weight in ((article.title or "", TITLE_WEIGHT), (article.body, 1)):
        for tok in analyzer.analyze(text):
            if tok.stopword or tok.term is None or not any(c.isalpha() for c in tok.term):
                continue
            tf[tok.term] += weight
            surfaces.setdefault(tok.term, Counter())[tok.text.lower()] += 1
    n = max(reader.doc_count(), 1)
    scored = []
    for term, count in tf.items():
        df = max(reader.doc_frequency("body", term), reader.doc_frequency("title", term))
        if df <= 1:  # only in this article: finds nothing else
            continue
        scored.append((count * math.log(1 + n / df), term))
    scored.sort(key=lambda st: (-st[0], st[1]))
    return [(term, surfaces[term].most_common(1)[0][0]) for _, term in scored[:limit]]


def similar(index: SearchIndex, doc_id: str, limit: int = 10, *, reader: IndexReader
            ) -> list[Hit]:
    """Up to ``limit`` articles like ``doc_id`` in ``index`` (whose reader is ``reader``).

    Raises :class:`~searcher.errors.ArticleNotFoundError` for an unknown id.
    """
    article = index.get(doc_id)
    terms = distinctive_terms(reader, article)
    if not terms:
        return []
    # lower-cased surface forms are plain words of the query language (never operators,
    # signs, fields or prefixes): more than AND_MAX_TERMS of them make a long query (any
    # word, articles with more of them first); fewer are joined with OR to the same end
    words = [surface for _, surface in terms]
    query = (" " if len(words) > AND_MAX_TERMS else " OR ").join(words)
    own_words = _word_set(article)
    title = _title_key(article.title)
    duplicate: dict[str, bool] = {}  # hit id → near-duplicate of the article (kept over refetches)
    fetch = limit + SPARE
    while True:
        results = index.search(query, limit=min(fetch, MAX_FETCH), exhaustive=True)
        hits: list[Hit] = []
        for hit in results.hits:
            if hit.id == doc_id or doc_id in hit.duplicates:
                continue
            if title and _title_key(hit.title) == title:
                continue
            if hit.id not in duplicate:
                words = _word_set(index.get(hit.id))
                duplicate[hit.id] = _overlap(own_words, words) >= DUPLICATE_OVERLAP
            if duplicate[hit.id]:
                continue
            hits.append(dataclasses.replace(hit, rank=len(hits) + 1))
            if len(hits) == limit:
                return hits
        if len(results.hits) < fetch or fetch >= MAX_FETCH:
            return hits  # the results (or what may be fetched) ran out
        fetch *= 4


def _title_key(title: str | None) -> str:
    return " ".join(default_analyzer().terms(title or ""))


def _word_set(article: Article) -> set[str]:
    return set(default_analyzer().terms(f"{article.title or ''}\n{article.body}"))


def _overlap(a: set[str], b: set[str]) -> float:
    """Shared distinct words over all distinct words of the two (Jaccard)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)
