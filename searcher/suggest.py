"""Did you mean: a corrected query when a query finds (almost) nothing.

Each searched word of the query (see :func:`searcher.query.query_words`) is looked
up on its own. A word that the index knows — its unstemmed form or its stem is in
at least :data:`TRUSTED_DF` documents — is kept. Any other word is replaced by the
index word nearest to it: within :data:`MAX_EDITS` edits (one for words of up to
four letters), sharing the first letter, closest first and then most frequent, and
at least :data:`MIN_RATIO` times as frequent as the word itself. Candidates come
from the unstemmed ``exact`` field, so the suggestion is a real word form.

The corrected query is suggested only when it finds more documents than the
original (same filters). Example: ``kaspersy`` → ``kaspersky``.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from searcher.analysis import default_analyzer
from searcher.analysis.pipeline import normalize
from searcher.facets import matching_docnums
from searcher.query import query_words

#: Suggest only when a query finds fewer documents than this.
SUGGEST_BELOW = 3
#: Words in at least this many documents are never corrected.
TRUSTED_DF = 3
#: Longest edit distance of a correction (Damerau-Levenshtein).
MAX_EDITS = 2
#: A correction must be in at least this many times as many documents as the word.
MIN_RATIO = 10
#: Words shorter than this are never corrected.
MIN_LENGTH = 3
#: Field whose (unstemmed) words are the candidates.
LEXICON_FIELD = "exact"


def suggest(searcher: Searcher, query: str, total: int, *,
            parse: Callable[[str], wq.Query], filter: wq.Query | None = None) -> str | None:
    """A corrected ``query`` that finds more than ``total`` documents, or ``None``.

    ``parse`` turns a query string into a Whoosh query (the search's own parser);
    ``filter`` is the search's filter, applied to the count of the suggestion.
    """
    if total >= SUGGEST_BELOW:
        return None
    reader = searcher.reader()
    if LEXICON_FIELD not in reader.schema:
        return None
    edits = []
    for word in query_words(query):
        better = correct(reader, word.text)
        if better is not None:
            edits.append((word.start, word.end, _match_case(better, word.text)))
    if not edits:
        return None
    out, pos = [], 0
    for start, end, text in edits:
        out.append(query[pos:start])
        out.append(text)
        pos = end
    out.append(query[pos:])
    candidate = "".join(out)
    found = matching_docnums(searcher, parse(candidate), filter).size
    return candidate if found > total else None


def correct(reader: IndexReader, surface: str) -> str | None:
    """The index word that ``surface`` is a misspelling of, or ``None`` when it is fine."""
    analyzer = default_analyzer()
    word = normalize(surface)
    if len(word) < MIN_LENGTH or not word.isalpha() or analyzer.is_stopword(word):
        return None
    df = reader.doc_frequency(LEXICON_FIELD, word)
    if df >= TRUSTED_DF:
        return None
    stem = analyzer.term(surface)
    if max(reader.doc_frequency("body", stem), reader.doc_frequency("title", stem)) >= TRUSTED_DF:
        return None
    need = max(df * MIN_RATIO, 1)
    limit = 1 if len(word) <= 4 else MAX_EDITS
    for dist in range(1, limit + 1):
        best: tuple[int, str] | None = None
        for cand in _within(reader, word, dist):
            if cand == word or not cand.isalpha():
                continue
            freq = reader.doc_frequency(LEXICON_FIELD, cand)
            if freq >= need and (best is None or (freq, cand) > best):
                best = (freq, cand)
        if best is not None:
            return best[1]
    return None


def _within(reader: IndexReader, word: str, dist: int) -> set[str]:
    """Index words within ``dist`` edits of ``word`` with the same first letter."""
    out: set[str] = set()
    for leaf, _ in reader.leaf_readers():  # segments search with an automaton
        out.update(leaf.terms_within(LEXICON_FIELD, word, dist, prefix=1))
    return out


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
