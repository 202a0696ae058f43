"""The analysis pipeline: tokenize → normalise (lower-case, ’ → ', ‐ → -) → stem.

Stopwords are indexed (so phrases and all-stopword queries work) and removed from
plain query terms by the query layer; :meth:`Analyzer.terms` exposes both, and
:meth:`Analyzer.analyze` marks them.

The hot path (:meth:`Analyzer.spans`, :meth:`Analyzer.terms`) splits the text at
spaces (``str.split``, in C) and looks each chunk up in a cache of its tokens:
``"AS,"`` → ``[("as", 0, 2)]``. Only an unseen chunk goes through the tokenizer's
regular expression and, per unseen word, the stemmer. Tokens never span whitespace,
so this gives exactly the tokens of :func:`~searcher.analysis.tokenizer.tokenize`;
news text is Zipfian, so after a few thousand articles nearly every chunk is a hit.

>>> a = Analyzer()
>>> a.terms("Pemerintah AS mengonfirmasi anak-anak Ma’ruf")
['perintah', 'as', 'konfirmasi', 'anak', "ma'ruf"]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

from searcher.analysis.stemmer import (DEFAULT_STEMMER, STEMMERS, IndonesianStemmer,
                                       SnowballStemmer, make_stemmer)
from searcher.analysis.stopwords import STOPWORDS
from searcher.analysis.tokenizer import token_pattern, tokenize

#: Bumped whenever the terms produced for a text change; stored in every index.
ANALYZER_VERSION = "3"

#: apostrophe and hyphen look-alikes folded to ASCII in terms.
_FOLD = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})
#: separators that may surround a word in a chunk (``"(PHK),"``); never part of a token.
_EDGE = ".,;:!?()[]{}<>\"'\u201c\u201d\u2018\u2019\u00ab\u00bb-\u2010\u2011\u2013\u2014\u2026/\\|*#~^`+=&@"
#: a cache (surface → term, chunk → tokens) is dropped when it grows past this size
#: (bounded memory in long indexing runs; see ``searcher.segments.CHUNK_CACHE_LIMIT``).
CACHE_LIMIT = 200_000

#: the tokens of one whitespace-delimited chunk of text: its term when the chunk is
#: exactly one token (the common case), else ``(term, start, end)`` relative to the chunk.
Chunk = Union[str, tuple[tuple[str, int, int], ...]]


def normalize(surface: str) -> str:
    """Lower-case ``surface`` and fold curly apostrophes and Unicode hyphens to ASCII."""
    low = surface.lower()
    return low if low.isascii() else low.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token of :meth:`Analyzer.analyze`: surface form, indexed term and offsets."""

    text: str
    term: str | None
    start: int
    end: int
    rule: str = ""
    stopword: bool = False


class Analyzer:
    """Indonesian analysis of text into index terms.

    Parameters:
        stemmer: the stemmer (default: :class:`IndonesianStemmer` with the shipped lexicon;
            :class:`~searcher.analysis.stemmer.SnowballStemmer` for plain Snowball).
        stopwords: surface forms reported as stopwords (default: the Tala list).
    """

    def __init__(self, stemmer: IndonesianStemmer | SnowballStemmer | None = None,
                 stopwords: frozenset[str] = STOPWORDS) -> None:
        self._stemmer = stemmer if stemmer is not None else IndonesianStemmer()
        self.stopwords = stopwords
        self._terms: dict[str, str] = {}
        self._chunks: dict[str, Chunk] = {}
        self._exact_chunks: dict[str, Chunk] = {}
        self._parts: dict[str, tuple[str, ...]] = {}

    def cache_sizes(self) -> dict[str, int]:
        """How many surface forms and text chunks the caches hold."""
        return {"surface forms": len(self._terms), "chunks": len(self._chunks),
                "exact chunks": len(self._exact_chunks)}

    @property
    def stemmer(self) -> IndonesianStemmer | SnowballStemmer:
        """The stemmer behind :meth:`term`."""
        return self._stemmer

    def _new(self, surface: str) -> str:
        term = self._stemmer.stem(normalize(surface))
        if len(self._terms) >= CACHE_LIMIT:
            self._terms.clear()
        self._terms[surface] = term
        return term

    def term(self, surface: str) -> str:
        """The index term for one surface token."""
        term = self._terms.get(surface)
        return term if term is not None else self._new(surface)

    def _new_chunk(self, chunk: str) -> Chunk:
        term = self.term
        entry: Chunk
        core = chunk.strip(_EDGE)
        if core.isalpha():  # one word, maybe with punctuation around it: no regex needed
            if len(core) == len(chunk):
                entry = term(chunk)
            else:
                a = chunk.index(core)
                entry = ((term(core), a, a + len(core)),)
        else:
            toks = [(term(m.group()), m.start(), m.end())
                    for m in token_pattern(chunk).finditer(chunk)]
            if len(toks) == 1 and toks[0][1] == 0 and toks[0][2] == len(chunk):
                entry = toks[0][0]
            else:
                entry = tuple(toks)
        if len(self._chunks) >= CACHE_LIMIT:
            self._chunks.clear()
        self._chunks[chunk] = entry
        return entry

    def _new_exact_chunk(self, chunk: str) -> Chunk:
        toks = [(normalize(m.group()), m.start(), m.end())
                for m in token_pattern(chunk).finditer(chunk)]
        entry: Chunk
        if len(toks) == 1 and toks[0][1] == 0 and toks[0][2] == len(chunk):
            entry = toks[0][0]
        else:
            entry = tuple(toks)
        if len(self._exact_chunks) >= CACHE_LIMIT:
            self._exact_chunks.clear()
        self._exact_chunks[chunk] = entry
        return entry

    @staticmethod
    def _spans(text: str, get: Callable[[str], Chunk | None],
               new: Callable[[str], Chunk]) -> list[tuple[str, int, int]]:
        # Chunks are split at single spaces so that offsets are plain sums; a chunk may
        # hold other whitespace (a newline) — its cached tokens account for it.
        out: list[tuple[str, int, int]] = []
        append = out.append
        pos = 0
        for chunk in text.split(" "):
            entry = get(chunk)
            if entry is None:
                entry = new(chunk)
            n = len(chunk)
            if isinstance(entry, str):
                append((entry, pos, pos + n))
            else:
                for term, a, b in entry:
                    append((term, pos + a, pos + b))
            pos += n + 1
        return out

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """``(term, start, end)`` for every token, stopwords included (fast path)."""
        return self._spans(text, self._chunks.get, self._new_chunk)

    def terms(self, text: str, *, stopwords: bool = True) -> list[str]:
        """Index terms of ``text`` in order; ``stopwords=False`` drops stopwords."""
        if not stopwords:
            stop = self.stopwords
            return [self.term(s) for s, _, _ in tokenize(text) if normalize(s) not in stop]
        get = self._chunks.get
        new = self._new_chunk
        out: list[str] = []
        append = out.append
        for chunk in text.split():
            entry = get(chunk)
            if entry is None:
                entry = new(chunk)
            if isinstance(entry, str):
                append(entry)
            else:
                for term, _, _ in entry:
                    append(term)
        return out

    def exact_terms(self, text: str) -> list[str]:
        """Normalised surface forms, unstemmed."""
        return [t for t, _, _ in self.exact_spans(text)]

    def exact_spans(self, text: str) -> list[tuple[str, int, int]]:
        """``(normalised surface, start, end)`` for every token, unstemmed."""
        return self._spans(text, self._exact_chunks.get, self._new_exact_chunk)

    def is_stopword(self, surface: str) -> bool:
        """Whether the surface form is a stopword."""
        return normalize(surface) in self.stopwords

    def parts(self, term: str) -> tuple[str, ...]:
        """Terms of the pieces of a hyphenated compound term (``covid-19`` → covid, 19).

        Empty for any other term. Pieces of one letter and stopwords are left out. The
        Whoosh analyzer indexes them at the compound's position, so ``covid`` finds
        ``COVID-19`` and ``ktp`` finds ``e-KTP``.
        """
        if "-" not in term:
            return ()
        got = self._parts.get(term)
        if got is None:
            stem = self._stemmer.stem
            pieces: list[str] = []
            split = term.split("-")
            for piece in split if all(p.isalnum() for p in split) else ():
                if len(piece) > 1 and piece not in self.stopwords:
                    t = stem(piece)
                    if t != term and t not in pieces:
                        pieces.append(t)
            got = tuple(pieces)
            if len(self._parts) >= CACHE_LIMIT:
                self._parts.clear()
            self._parts[term] = got
        return got

    def analyze(self, text: str, *, explain: bool = False) -> list[AnalyzedToken]:
        """Every token with its term (``None`` for a stopword) and, with ``explain``, its rule."""
        out = []
        for s, a, b in tokenize(text):
            word = normalize(s)
            if word in self.stopwords:
                out.append(AnalyzedToken(s, None, a, b, "stopword" if explain else "", True))
                continue
            if explain:
                root, rule = self._stemmer.explain(word)
            else:
                root, rule = self.term(s), ""
            out.append(AnalyzedToken(s, root, a, b, rule))
        return out


#: The stemmer of the index being searched or written in this thread / task; see
#: :func:`analysis_for`. A new thread starts with the default.
_STEMMER: ContextVar[str] = ContextVar("searcher_stemmer", default=DEFAULT_STEMMER)


@lru_cache(maxsize=None)
def analyzer_for(stemmer: str = DEFAULT_STEMMER) -> Analyzer:
    """The process-wide analyzer with the named stemmer (its caches are shared).

    ``stemmer`` is one of :data:`~searcher.analysis.stemmer.STEMMERS`: ``searcher``
    (the lexicon-guided stemmer) or ``snowball`` (plain PyStemmer); ``ValueError``
    for any other name.
    """
    if stemmer not in STEMMERS:
        raise ValueError(f"unknown stemmer {stemmer!r} (choose from {', '.join(STEMMERS)})")
    return Analyzer(make_stemmer(stemmer))


def default_analyzer() -> Analyzer:
    """The process-wide analyzer of the current stemmer (see :func:`analysis_for`).

    The default stemmer unless the caller runs inside ``analysis_for(name)``: a
    :class:`~searcher.SearchIndex` sets it to its index's stemmer around every search,
    so the query parser, ranking, snippets, suggestions and similar articles analyse
    text as the index did.
    """
    return analyzer_for(_STEMMER.get())


def current_stemmer() -> str:
    """The name of the stemmer :func:`default_analyzer` uses here and now."""
    return _STEMMER.get()


@contextmanager
def analysis_for(stemmer: str) -> Iterator[Analyzer]:
    """Make :func:`default_analyzer` use ``stemmer`` in this thread (or task) for a while.

    >>> with analysis_for("snowball") as a:
    ...     a.term("berita"), default_analyzer().term("berita")
    ('ita', 'ita')
    >>> default_analyzer().term("berita")
    'berita'
    """
    analyzer = analyzer_for(stemmer)
    token = _STEMMER.set(stemmer)
    try:
        yield analyzer
    finally:
        _STEMMER.reset(token)
