"""Did you mean: a corrected query when a query finds (almost) nothing.

Each searched word of a query of up to :data:`MAX_WORDS` words (see
:func:`searcher.query.query_words`) is looked up on its own. A word that the index knows — its unstemmed form or its stem is in
at least :data:`TRUSTED_DF` documents — is kept. Any other word is replaced by the
index word nearest to it: within :data:`MAX_EDITS` edits (one for words of up to
four letters), sharing the first letter, closest first and then most frequent, and
at least :data:`MIN_RATIO` times as frequent as the word itself. Candidates come
from the unstemmed ``exact`` field, so the suggestion is a real word form.

The corrected query is suggested only when the original's words together match
fewer than :data:`SUGGEST_BELOW` documents and the corrected one matches more
(same filters). Example: ``kaspersy`` → ``kaspersky``.
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
#: Words longer than this are never corrected (nor are they typos of a real word).
MAX_LENGTH = 24
#: Queries with more searched words than this (pasted text) are not corrected.
MAX_WORDS = 8
#: Field whose (unstemmed) words are the candidates.
LEXICON_FIELD = "exact"


def suggest(searcher: Searcher, query: str, total: int, *,
            parse: Callable[[str], wq.Query], filter: wq.Query | None = None) -> str | None:
    """A corrected ``query`` that finds more documents, or ``None``.

    ``total`` is the number of results the search found; ``parse`` turns a query
    string into a Whoosh query (the search's own parser) and ``filter`` is the
    search's filter. Documents are counted with the query's own logic (all words of
    a short query), not the ranking's fallback to any word, so a misspelt word of a
    two-word query is corrected even when the other word alone finds plenty. Cheap
    when every word is known: a few term lookups.
    """
    reader = searcher.reader()
    if LEXICON_FIELD not in reader.schema:
        return None
    words = query_words(query)
    if len(words) > MAX_WORDS:
        return None
    words = [w for w in words if _unknown(reader, w.text)]
    if not words:
        return None
    found = 0 if total == 0 else matching_docnums(searcher, parse(query), filter).size
    if found >= SUGGEST_BELOW:
        return None
    edits = []
    for word in words:
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
    better_found = matching_docnums(searcher, parse(candidate), filter).size
    return candidate if better_found > found else None


def _unknown(reader: IndexReader, surface: str) -> bool:
    """Whether ``surface`` is a word that could be misspelt and is rare in the index."""
    analyzer = default_analyzer()
    word = normalize(surface)
    if not MIN_LENGTH <= len(word) <= MAX_LENGTH or not word.isalpha() or analyzer.is_stopword(word):
        return False
    if reader.doc_frequency(LEXICON_FIELD, word) >= TRUSTED_DF:
        return False
    stem = analyzer.term(surface)
    known = max(reader.doc_frequency("body", stem), reader.doc_frequency("title", stem))
    return bool(known < TRUSTED_DF)


def correct(reader: IndexReader, surface: str) -> str | None:
    """The index word that ``surface`` is a misspelling of, or ``None`` when it is fine."""
    if not _unknown(reader, surface):
        return None
    word = normalize(surface)
    df = reader.doc_frequency(LEXICON_FIELD, word)
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
