"""Indonesian stemming: lexicon-guided affix stripping (Snowball only on request).

:meth:`IndonesianStemmer.explain` applies these rules in order; the first that
applies decides (the rule names are what ``searcher analyze --explain`` shows):

1. ``function word`` — a stopword (Tala list) is kept as it is: ``adalah``, ``merupakan``;
2. words that are not plain letters: ``number`` (``2,8``), ``has digits`` (``g20``,
   ``covid-19``), ``url``, ``e-mail``, ``apostrophe (kept)`` (``ma'ruf``) are kept;
   ``symbol``: ``%`` → ``persen``, ``$`` → ``dolar``, ``€`` → ``euro``; hyphenated
   words: ``clitic -nya after hyphen`` (``ransomware-nya → ransomware``),
   ``reduplication`` (``anak-anak → anak``, ``berlari-lari → lari``,
   ``obat-obatan → obat``, ``sayur-mayur → sayur``), otherwise ``compound`` (kept:
   ``e-ktp``, ``non-migas``);
3. ``lexicon-root`` — the word is a root of the lexicon (``berita``, ``menteri``,
   ``pertama``, ``teknologi``): kept, or re-spelt as a ``variant`` (``praktek → praktik``);
4. ``proper name`` — a name that looks affixed (``bali``, ``maluku``; see
   :mod:`searcher.analysis.build_data`) is kept;
5. ``ordinal`` — ``ke-`` + numeral (``ketiga``, ``kedelapan``) is kept;
6. a decomposition into prefixes + lexicon root + suffixes
   (:mod:`searcher.analysis.morphology`), with a rule such as
   ``prefix meN- (nasal k)`` for ``mengonfirmasi → konfirmasi``; the root is re-spelt
   by the variants list (``+ variant``);
7. ``unknown (kept)`` — a word the lexicon cannot explain is left alone: names and
   loanwords (``megawati``, ``jokowi``, ``kaspersky``). With ``fallback="snowball"``
   such a word goes to Snowball (PyStemmer ``indonesian``) instead when it has a
   clear affix shape (rule ``snowball-fallback``); on the UD gold this costs more
   than it gains (names get stemmed), so it is off by default.

Results are cached per word, so each distinct form is analysed once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from typing import Any

from searcher.analysis.lexicon import Lexicon, default_lexicon
from searcher.analysis.morphology import decompose
from searcher.analysis.stopwords import STOPWORDS

#: symbol tokens and the words they are indexed as (``2,5%`` ~ ``2,5 persen``).
SYMBOLS = {"%": "persen", "$": "dolar", "\u20ac": "euro"}
#: ``ke-`` + numeral is an ordinal (``ketiga``, ``kedelapan``), not a ``ke-…-an`` noun.
NUMERALS = frozenset({"satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
                      "sembilan", "sepuluh", "sebelas", "seratus", "seribu", "sejuta"})
_CLITICS = ("pun", "lah", "kah", "nya")
#: clitics written after a hyphen: ``ransomware-nya``, ``dia-lah``.
HYPHEN_CLITICS = frozenset({"nya", "lah", "kah", "pun", "ku", "mu"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_VOWELS_RE = re.compile(r"[aeiou]")
#: shapes the fallback may stem: an inflecting clitic or a productive prefix.
_FALLBACK_SHAPE = re.compile(
    r"(?:di|me[mn]|meng|meny|ber|ter|pe[mn]|peng|peny|memper|diper|ke)\w{4,}"
    r"|\w{4,}(?:nya|lah|kah|pun)"
)
#: the cache is dropped when it grows past this many words (bounded memory).
CACHE_LIMIT = 200_000


def _echo(x: str, y: str) -> bool:
    """Whether ``y`` echoes ``x`` (``sayur-mayur``, ``bolak-balik``, ``serta-merta``)."""
    if len(x) != len(y) or len(x) < 3:
        return False
    if x.lstrip("bcdfghjklmnpqrstvwxyz") == y.lstrip("bcdfghjklmnpqrstvwxyz") != "":
        return True
    return _VOWELS_RE.sub("", x) == _VOWELS_RE.sub("", y)


class _CachedStemmer:
    """``stem``/``explain`` with a cache per word form; subclasses define ``_analyse``."""

    _cache: dict[str, tuple[str, str]]
    _snowball: Any

    def stem(self, word: str) -> str:
        """Return the root of lower-case ``word``."""
        hit = self._cache.get(word)
        if hit is None:
            hit = self._remember(word)
        return hit[0]

    def explain(self, word: str) -> tuple[str, str]:
        """Return ``(root, rule)`` where rule names what produced the root."""
        hit = self._cache.get(word)
        if hit is None:
            hit = self._remember(word)
        return hit

    def _remember(self, word: str) -> tuple[str, str]:
        root, rule = self._analyse(word)
        hit = (root, sys.intern(rule))
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = hit
        return hit

    def _analyse(self, word: str) -> tuple[str, str]:
        raise NotImplementedError

    def _snowball_stem(self, word: str) -> str:
        """PyStemmer's Snowball ``indonesian`` stem (the stemmer object made on first use)."""
        if self._snowball is None:
            import Stemmer  # PyStemmer

            self._snowball = Stemmer.Stemmer("indonesian")
        return self._snowball.stemWord(word)


def _kept_token(word: str) -> tuple[str, str] | None:
    """``(term, rule)`` of a number, symbol, URL or e-mail address (kept, not stemmed)."""
    if _NUMBER.fullmatch(word):
        return word, "number"
    if word in SYMBOLS:
        return SYMBOLS[word], "symbol"
    if "://" in word or word.startswith("www."):
        return word, "url"
    if "@" in word:
        return word, "e-mail"
    return None


class IndonesianStemmer(_CachedStemmer):
    """Stem lower-case Indonesian words; remembers every distinct word form it has seen.

    >>> s = IndonesianStemmer()
    >>> s.stem("mengonfirmasi"), s.stem("anak-anak"), s.stem("megawati")
    ('konfirmasi', 'anak', 'megawati')
    >>> s.explain("memukul")
    ('pukul', 'prefix meN- (nasal p)')

    Parameters:
        lexicon: the roots, variants and weights (default: the shipped lexicon).
        protected: words returned unchanged (default: the stopwords).
        names: words kept as they are (default: the lexicon's proper names).
        fallback: ``"none"`` (default: keep) or ``"snowball"`` for words the lexicon
            cannot explain.
    """

    def __init__(self, lexicon: Lexicon | None = None, *,
                 protected: Collection[str] = STOPWORDS, names: Collection[str] | None = None,
                 fallback: str = "none") -> None:
        if fallback not in ("snowball", "none"):
            raise ValueError(f"fallback must be 'snowball' or 'none', not {fallback!r}")
        self._lex = lexicon if lexicon is not None else default_lexicon()
        self._protected = frozenset(protected)
        self._names = frozenset(names) if names is not None else self._lex.names
        self._fallback = fallback
        self._snowball: Any = None
        self._cache: dict[str, tuple[str, str]] = {}

    @property
    def lexicon(self) -> Lexicon:
        """The lexicon this stemmer checks candidates against."""
        return self._lex

    # -- the rules, in order -------------------------------------------------------

    def _analyse(self, word: str) -> tuple[str, str]:
        if not word:
            return word, "empty"
        if word in self._protected:
            return word, "function word"
        if not word.isalpha():
            return self._non_alpha(word)
        lex = self._lex
        if word in lex.roots:
            root = lex.canonical(word)
            return root, ("lexicon-root" if root == word else "variant")
        if word in self._names:
            return word, "proper name"
        if word.startswith("ke") and (word[2:] in NUMERALS or word[2:-3] in NUMERALS
                                      and word.endswith("nya")):
            return word[:-3] if word.endswith("nya") else word, "ordinal"
        found = decompose(word, lex)
        if found is not None:
            root = lex.canonical(found.root)
            rule = found.rule if root == found.root else f"{found.rule} + variant"
            return root, rule
        if word.endswith(_CLITICS):  # diapun → dia, itulah → itu
            for clitic in _CLITICS:
                if word.endswith(clitic) and word[: -len(clitic)] in self._protected:
                    return word[: -len(clitic)], f"suffix -{clitic}"
        return self._fallback_stem(word)

    def _non_alpha(self, word: str) -> tuple[str, str]:
        kept = _kept_token(word)
        if kept is not None:
            return kept
        digits = any(ch.isdigit() for ch in word)
        if "-" in word and not digits and "'" not in word:
            return self._hyphenated(word)
        if digits:
            return word, "has digits"
        if "'" in word:
            return word, "apostrophe (kept)"
        return word, "kept (not a plain word)"

    def _hyphenated(self, word: str) -> tuple[str, str]:
        head, _, last = word.rpartition("-")
        if not head or not last:
            return word, "kept (not a plain word)"
        if last in HYPHEN_CLITICS:
            root, rule = self.explain(head)
            return root, f"clitic -{last} after hyphen" + (f"; {rule}" if root != head else "")
        if "-" in head:
            return word, "compound"
        x, y = head, last
        sx, rx = self.explain(x)
        if x == y or x.endswith(y) or y.startswith(x) or _echo(x, y) or sx == self.stem(y):
            return sx, "reduplication" + (f"; {rx}" if sx != x else "")
        return word, "compound"

    def _fallback_stem(self, word: str) -> tuple[str, str]:
        if self._fallback == "none" or not _FALLBACK_SHAPE.fullmatch(word):
            return word, "unknown (kept)"
        root = self._snowball_stem(word)
        if len(root) < 4 or root == word:
            return word, "unknown (kept)"
        return self._lex.canonical(root), "snowball-fallback"


class SnowballStemmer(_CachedStemmer):
    """Plain Snowball (PyStemmer ``indonesian``) with the same token conventions.

    The alternative stemmer of ``searcher index --stemmer snowball``: every plain word
    that is not a stopword goes to Snowball as it is (``berita → ita``, ``megawati →
    gawat``, ``mengonfirmasi → onfirmasi``) — no lexicon, no name protection, no
    spelling variants. What is not stemming stays as in :class:`IndonesianStemmer`, so
    the two differ in stemming only: stopwords are kept (``function word``); numbers,
    symbols (``%`` → ``persen``), URLs, e-mail addresses and words with digits or
    apostrophes are kept; a hyphenated word is kept whole (``anak-anak``; Snowball
    itself leaves reduplication alone and would cut ``ransomware-nya`` to
    ``ransomware-``), its pieces being indexed beside it as for any compound.

    Same interface as :class:`IndonesianStemmer` (``stem``, ``explain``); cached per
    word. Picklable: the PyStemmer object is dropped and made again on use.

    >>> SnowballStemmer().stem("mengonfirmasi")
    'onfirmasi'
    """

    name = "snowball"

    def __init__(self, *, protected: Collection[str] = STOPWORDS) -> None:
        self._protected = frozenset(protected)
        self._snowball: Any = None
        self._cache: dict[str, tuple[str, str]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"_protected": self._protected}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._protected = state["_protected"]
        self._snowball = None
        self._cache = {}

    def _analyse(self, word: str) -> tuple[str, str]:
        if not word:
            return word, "empty"
        if word in self._protected:
            return word, "function word"
        if not word.isalpha():
            return _kept_token(word) or (word, "kept (not a plain word)")
        root = self._snowball_stem(word)
        return (root, "snowball") if root != word else (word, "snowball (unchanged)")


#: The stemmers an index can be built with (``searcher index --stemmer NAME``).
STEMMERS = ("searcher", "snowball")
#: The stemmer of a new index unless another is asked for.
DEFAULT_STEMMER = "searcher"


def make_stemmer(name: str) -> IndonesianStemmer | SnowballStemmer:
    """A new stemmer by name: ``searcher`` (lexicon-guided) or ``snowball`` (plain PyStemmer)."""
    if name == "searcher":
        return IndonesianStemmer()
    if name == "snowball":
        return SnowballStemmer()
    raise ValueError(f"unknown stemmer {name!r} (choose from {', '.join(STEMMERS)})")
