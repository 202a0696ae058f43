"""Did you mean: a corrected query when a query finds (almost) nothing.

When the words of a query (up to :data:`MAX_WORDS` of them, see
:func:`searcher.query.query_words`) together match fewer than :data:`SUGGEST_BELOW`
documents, each word is looked up on its own and replaced by the index word
nearest to it that is at least :data:`MIN_RATIO` times as frequent (in documents):

1. words one edit away (a letter deleted, inserted, replaced, or two neighbours
   swapped — ``pemerintha`` → ``pemerintah``), the most frequent first;
2. only if there is none, and for words longer than four letters, words two edits
   away that share the first :data:`PREFIX` letters (``kasprsy`` → ``kaspersky``).

Candidates come from the unstemmed ``exact`` field, so a suggestion is a real word
form. A word found in at least :data:`TRUSTED_DF` (but fewer than :data:`COMMON_DF`)
documents is corrected only by one edit, when a neighbour is that much more frequent
(``kementrian`` → ``kementerian``). The
corrected query is suggested only when it matches more documents than the original
(same filters). Example: ``kaspersy`` → ``kaspersky``.

Cost: nothing beyond a few term lookups while a query finds enough, or while every
word is common (a filter made the results few: ``title:"suku bunga" date:2025-10``). A correction
checks some hundreds of candidates per word against the index's word list
(:class:`searcher.vocabulary.Vocabulary`, read once per segment and process: ~0.3 s
for a 31k-article index the first time, then under a millisecond a word).
"""

from __future__ import annotations

import string
from collections.abc import Callable

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from searcher.analysis import default_analyzer
from searcher.analysis.pipeline import normalize
from searcher.facets import TermDocs, matching_docnums
from searcher.query import query_words
from searcher.ranking.postings import index_doc_frequency
from searcher.vocabulary import Vocabulary

#: Suggest only when a query's words together match fewer documents than this.
SUGGEST_BELOW = 3
#: Words in fewer documents than this count as unknown (possible typos).
TRUSTED_DF = 3
#: Words in this many documents or more are never corrected.
COMMON_DF = 100
#: A correction must be in at least this many times as many documents as the word.
MIN_RATIO = 20
#: Two-edit corrections must share this many first letters with the word.
PREFIX = 2
#: Words shorter than this are never corrected.
MIN_LENGTH = 3
#: Words longer than this are never corrected.
MAX_LENGTH = 24
#: Queries with more searched words than this (pasted text) are not corrected.
MAX_WORDS = 8
#: Field whose (unstemmed) words are the candidates.
LEXICON_FIELD = "exact"

_LETTERS = string.ascii_lowercase


def suggest(searcher: Searcher, query: str, total: int, *,
            parse: Callable[[str], wq.Query], filter: wq.Query | None = None,
            term_docs: TermDocs | None = None) -> str | None:
    """A corrected ``query`` that finds more documents, or ``None``.

    ``total`` is the number of results the search found; ``parse`` turns a query
    string into a Whoosh query (the search's own parser) and ``filter`` is the
    search's filter; ``term_docs`` as for :func:`searcher.facets.matching_docnums`
    (the search's posting cache). Documents are counted with the query's own logic (all words of
    a short query), not the ranking's fallback to any word, so a misspelt word of a
    two-word query is corrected even when the other word alone finds plenty.
    """
    reader = searcher.reader()
    if LEXICON_FIELD not in reader.schema:
        return None
    words = query_words(query)
    if len(words) > MAX_WORDS:
        return None
    words = [w for w in words if _correctable(w.text)]
    if not words:
        return None
    if total >= SUGGEST_BELOW and not any(_rare(reader, w.text) for w in words):
        return None  # the common case: enough results and every word well known
    found = 0 if total == 0 else matching_docnums(searcher, parse(query), filter,
                                                  term_docs=term_docs).size
    if found >= SUGGEST_BELOW:
        return None
    # a word in COMMON_DF documents is never corrected: when that leaves nothing (a
    # filter, not a typo, made the results few), skip reading the word list
    words = [w for w in words
             if index_doc_frequency(reader, LEXICON_FIELD, normalize(w.text)) < COMMON_DF]
    if not words:
        return None
    edits = []
    lexicon = Vocabulary(reader, LEXICON_FIELD)
    for word in words:
        better = correct(reader, word.text, lexicon)
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
    better_found = matching_docnums(searcher, parse(candidate), filter,
                                   term_docs=term_docs).size
    return candidate if better_found > found else None


def _correctable(surface: str) -> bool:
    word = normalize(surface)
    return (MIN_LENGTH <= len(word) <= MAX_LENGTH and word.isalpha()
            and not default_analyzer().is_stopword(word))


def _rare(reader: IndexReader, surface: str) -> bool:
    """Whether neither the word's form nor its stem is in :data:`TRUSTED_DF` documents."""
    if index_doc_frequency(reader, LEXICON_FIELD, normalize(surface)) >= TRUSTED_DF:
        return False
    stem = default_analyzer().term(surface)
    known = max(index_doc_frequency(reader, "body", stem), index_doc_frequency(reader, "title", stem))
    return bool(known < TRUSTED_DF)


def correct(reader: IndexReader, surface: str, lexicon: Vocabulary | None = None) -> str | None:
    """The index word that ``surface`` is likely a misspelling of, or ``None``.

    ``lexicon``: the words of ``reader``'s :data:`LEXICON_FIELD` (made here when not given).
    """
    if not _correctable(surface):
        return None
    word = normalize(surface)
    if lexicon is None:
        lexicon = Vocabulary(reader, LEXICON_FIELD)
    own = lexicon.doc_frequency(word)
    if own >= COMMON_DF:
        return None
    need = max(own * MIN_RATIO, 1)
    best = lexicon.most_frequent(_edits1(word))
    if best[0] >= need:
        return best[1]
    if len(word) <= 4 or not _rare(reader, surface):
        return None
    found = lexicon.words_within(word, 2, prefix=PREFIX)
    best = lexicon.most_frequent(c for c in found if c != word and c.isalpha())
    return best[1] if best[0] >= need else None


def _edits1(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) from ``word``."""
    letters = _LETTERS + "".join(sorted(set(word) - set(_LETTERS)))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(word)
    return out


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
