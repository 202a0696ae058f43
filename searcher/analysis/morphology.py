"""Lexicon-guided decomposition of an Indonesian word into prefixes + root + suffixes.

The design follows the confix-stripping family of stemmers (Nazief & Adriani 1996;
Asian et al. 2005; Arifin et al. 2009, "ECS"), written from their published
descriptions:

1. **Suffixes** are peeled from the end in the order particle (``-lah -kah -tah
   -pun``), possessive (``-ku -mu -nya``), derivational (``-i -kan -an``); every
   combination present is a candidate, including none.
2. **Prefixes** are peeled from the front, up to three deep (``di-per-…``,
   ``ke-ber-…-an``, ``meN-per-…``), with the **recoding** rules of the nasal prefixes
   ``meN-``/``peN-``, which drop or merge the first consonant of the root:
   ``mengonfirmasi → (k)onfirmasi``, ``memukul → (p)ukul``, ``menulis → (t)ulis``,
   ``penyapu → (s)apu``; the lexicon decides between the readings
   (``menyanyi → nyanyi``, not ``sanyi``).
3. A candidate is kept only when its root is in the lexicon (at least 3 letters; when
   only suffixes were removed, 4 letters and, for ``-an -kan -i``, a root of weight ≥ 10,
   so ``bali`` is not ``bal`` + ``-i`` nor ``petani`` ``petan`` + ``-i``), the outer
   prefix and the suffix make a real confix (not ``di-…-an``, ``meN-…-an``,
   ``ke-…-kan``, ``ber-…-i``, ``ter-…-an``, ``peN-…-kan`` …), ``ke-`` is outermost
   only in ``ke-…-an``, ``se-`` never is (``sebesar``, ``sejarah`` stay), and the
   prefixes nest as Indonesian allows (``INNER``: ``di-per-``, ``meN-per-``,
   ``meN-ber-…-kan``, ``peN-ber-``, ``ter-per-``; ``ber-`` and ``ke-ber-``/``ke-ter-``
   take no inner prefix, following the UD lemmas: ``keberadaan``, ``berpendapat``).
4. Of the valid candidates the lowest score wins, score = cost − 0.15 · ln(1 + weight):
   each affix costs 1 (``-ku -mu -lah -kah -pun`` 1.5, ``-tah`` 2, ``-kan`` 1.01 so
   that ``gerakan → gerak``; a bare root + ``-kan``/``-i`` 0.65 more; the confixes
   ``peN-…-an``/``per-…-an`` count once: ``pengawasan → awas``, not ``kawasan``), and
   weight is how well the root is attested in news (``root-weights.tsv``; scaled down
   for the rarer readings ``be-``/``te-``/``pe-`` + r-root and ``menge-``). So a longer root
   beats a shorter one with one more affix (``membeli → beli``, not ``bel`` + ``-i``;
   ``bermasalah → masalah``), an unattested dictionary entry loses to a common root
   with one more affix (``pembelian → beli``, not ``belian``), and between readings
   of equal cost the better attested root wins (``memohon → mohon``, not ``pohon``;
   ``berupa → rupa``, not ``upa``).

:func:`decompose` returns the winning :class:`Analysis` or ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from searcher.analysis.lexicon import Lexicon

VOWELS = frozenset("aeiou")
MIN_ROOT = 3
MAX_PREFIXES = 3

#: (suffix, cost), tried at each position of the suffix chain.
PARTICLES = (("lah", 1.5), ("kah", 1.5), ("pun", 1.5), ("tah", 2.0))
POSSESSIVES = (("nya", 1.0), ("ku", 1.5), ("mu", 1.5))
DERIVATIONAL = (("an", 1.0), ("kan", 1.01), ("i", 1.0))  # -an wins a tie with -kan

#: a root left by suffixes alone must be this long (``bali`` is not ``bal`` + ``-i``).
MIN_BARE_ROOT = 4

#: extra cost of a bare root + ``-kan``/``-i`` (an imperative, rare in news) against
#: a prefixed reading: ``perbankan`` is ``per-`` + ``bank`` + ``-an``, not ``perban`` + ``-kan``.
BARE_MARKED = 0.65

#: a root left by a bare derivational suffix must be attested this often in news
#: (``petani`` is not ``petan`` + ``-i``).
MIN_BARE_WEIGHT = 10
#: a confix (``ke-…-an``, ``peN-…-an``, ``per-…-an``, ``ber-…-an``) is one affix, not two:
#: ``pengawasan`` is ``peN-`` + ``awas`` + ``-an``, not ``peN-`` + ``kawasan``.
CONFIX_KINDS = frozenset({"peN", "pe", "per"})
CONFIX_DISCOUNT = 1.0

#: how much a well-attested root counts against one more affix (per natural-log unit).
EVIDENCE = 0.15
#: readings that are possible but rarer than their alternative: ``be-`` + r-root
#: (``berupa → rupa``) against ``ber-`` + vowel root (``berekor → ekor``).
#: ``menge-``/``penge-`` only where the nasal-k reading fails (``mengekang → kekang``).
LABEL_FACTOR = {"be-": 0.5, "te-": 0.5, "pe-": 0.5, "menge-": 0.01, "penge-": 0.01}

#: outermost prefix kind × derivational suffix pairs that are not Indonesian confixes.
INVALID_CONFIXES = frozenset({
    ("ber", "i"), ("di", "an"), ("ke", "i"), ("ke", "kan"), ("meN", "an"),
    ("se", "i"), ("se", "kan"), ("ter", "an"), ("peN", "kan"), ("peN", "i"),
    ("pe", "kan"), ("pe", "i"),
})

#: which prefix kinds may sit directly inside which (outer → allowed inner).
INNER = {
    "meN": frozenset({"per", "ber", "ke"}),
    "di": frozenset({"per", "ber", "ke"}),
    "ke": frozenset({"pe", "per"}),
    "ketidak": frozenset({"ber", "ter", "peN", "pe", "per", "se"}),
    "peN": frozenset({"ber", "per"}),
    "pe": frozenset({"ber", "per"}),
    "ter": frozenset({"per"}),
    "per": frozenset({"se"}),
    "se": frozenset({"peN", "per", "ke"}),
}

#: prefix kinds that may be the outermost one only together with a given suffix.
OUTER_NEEDS = {"ke": frozenset({"an"}), "ketidak": frozenset({"an"}), "se": frozenset()}
#: inner prefix kinds that need a given derivational suffix (``memberlakukan``, ``diketahui``).
INNER_NEEDS = {("meN", "ber"): "kan", ("di", "ber"): "kan", ("meN", "ke"): "i", ("di", "ke"): "i"}


@dataclass(frozen=True, slots=True)
class Analysis:
    """A decomposition: the root and the affixes removed, outermost first."""

    root: str
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    cost: float

    @property
    def rule(self) -> str:
        """Human-readable rule, e.g. ``prefix meN- (nasal k) + suffix -kan``."""
        parts = [f"prefix {p}" for p in self.prefixes]
        parts += [f"suffix {s}" for s in self.suffixes]
        return " + ".join(parts) if parts else "lexicon-root"


_ANY_SUFFIX = tuple(suf for suf, _ in PARTICLES + POSSESSIVES + DERIVATIONAL)
_ANY_PREFIX = ("me", "di", "be", "te", "pe", "ke", "se")


def suffix_options(word: str) -> list[tuple[str, tuple[str, ...], float, str | None]]:
    """``(stem, suffixes, cost, derivational)`` for every way to peel suffixes, cheapest first."""
    if not word.endswith(_ANY_SUFFIX):
        return [(word, (), 0.0, None)]
    stage: list[tuple[str, tuple[str, ...], float]] = [(word, (), 0.0)]
    for table in (PARTICLES, POSSESSIVES):
        nxt = list(stage)
        for stem, sufs, cost in stage:
            for suf, c in table:
                if stem.endswith(suf) and len(stem) - len(suf) >= MIN_ROOT:
                    nxt.append((stem[: -len(suf)], ("-" + suf,) + sufs, cost + c))
        stage = nxt
    out: list[tuple[str, tuple[str, ...], float, str | None]] = []
    for stem, sufs, cost in stage:
        out.append((stem, sufs, cost, None))
        for suf, c in DERIVATIONAL:
            if stem.endswith(suf) and len(stem) - len(suf) >= MIN_ROOT:
                out.append((stem[: -len(suf)], ("-" + suf,) + sufs, cost + c, suf))
    out.sort(key=lambda o: o[2])
    return out


def _nasal(s: str, kind: str) -> Iterator[tuple[str, str, str]]:
    """Readings of ``s`` = ``meN-``/``peN-`` + root, with the recoded root consonant."""
    head = s[:2]  # "me" or "pe"
    name = head + "N-"
    r = s[2:]
    if r.startswith("ng"):
        t = r[2:]
        if not t:
            return
        if t[0] in VOWELS:
            yield kind, name, t
            yield kind, f"{name} (nasal k)", "k" + t
            yield kind, name, "ng" + t               # mengerikan → ngeri
            if t[0] == "e" and _monosyllabic(t[1:]):
                yield kind, f"{head}nge-", t[1:]     # mengebom → bom
        elif t[0] in "ghk":
            yield kind, name, t
    elif r.startswith("ny"):
        t = r[2:]
        if t and t[0] in VOWELS:
            yield kind, f"{name} (nasal s)", "s" + t
            yield kind, name, "ny" + t
    elif r.startswith("m"):
        t = r[1:]
        if not t:
            return
        if t[0] in "bfvp":
            yield kind, name, t
        elif t[0] in VOWELS:
            yield kind, f"{name} (nasal p)", "p" + t
            yield kind, name, "m" + t
    elif r.startswith("n"):
        t = r[1:]
        if not t:
            return
        if t[0] in "cdjzst":
            yield kind, name, t
        elif t[0] in VOWELS:
            yield kind, f"{name} (nasal t)", "t" + t
            yield kind, name, "n" + t
    elif r and r[0] in "lrwy":
        yield kind, name, r


def _monosyllabic(s: str) -> bool:
    """Whether ``s`` has one vowel group (``bom``, ``cat``, ``tes``): menge-/penge- roots."""
    groups = 0
    prev = False
    for ch in s:
        v = ch in VOWELS
        groups += v and not prev
        prev = v
    return groups == 1


def _cer(s: str) -> bool:
    """Whether ``s`` starts consonant + ``er`` (``kerja``, ``ternak``, ``percaya``)."""
    return len(s) > 3 and s[0] not in VOWELS and s[1:3] == "er"


def prefix_options(s: str) -> Iterator[tuple[str, str, str]]:
    """``(kind, label, rest)`` for each prefix ``s`` may start with."""
    c2 = s[:2]
    if c2 == "me":
        yield from _nasal(s, "meN")
    elif c2 == "di":
        yield "di", "di-", s[2:]
    elif c2 == "be":
        if s.startswith("ber"):
            yield "ber", "ber-", s[3:]
            if s[3:4] != "r":
                yield "ber", "be-", s[2:]        # be + r-root: berantai → rantai
        elif _cer(s[2:]):
            yield "ber", "be-", s[2:]            # bekerja → kerja
        elif s.startswith("belajar"):
            yield "ber", "bel-", s[3:]
    elif c2 == "te":
        if s.startswith("ter"):
            yield "ter", "ter-", s[3:]
            if s[3:4] != "r":
                yield "ter", "te-", s[2:]
        elif _cer(s[2:]):
            yield "ter", "te-", s[2:]            # tepercaya → percaya
    elif c2 == "pe":
        yield from _nasal(s, "peN")
        if s.startswith("per"):
            yield "per", "per-", s[3:]
            if s[3:4] != "r":
                yield "per", "pe-", s[2:]        # perokok → rokok
        elif s.startswith("pelajar"):
            yield "per", "pel-", s[3:]
        elif _cer(s[2:]):
            yield "pe", "pe-", s[2:]             # pekerja → kerja, peternak → ternak
    elif c2 == "ke":
        if s.startswith("ketidak"):
            yield "ketidak", "ke-tidak-", s[7:]
        yield "ke", "ke-", s[2:]
    elif c2 == "se":
        yield "se", "se-", s[2:]


def _prefix_analyses(s: str, lex: Lexicon, deriv: str | None, outer: str | None,
                     labels: tuple[str, ...], depth: int, top: str = ""
                     ) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """``(root, prefix labels, outermost prefix kind)`` of each valid prefix analysis."""
    for kind, label, rest in prefix_options(s):
        if len(rest) < MIN_ROOT:
            continue
        if outer is None:
            if (kind, deriv) in INVALID_CONFIXES:
                continue
            needs = OUTER_NEEDS.get(kind)
            if needs is not None and deriv not in needs:
                continue
        else:
            allowed = INNER.get(outer)
            if allowed is None or kind not in allowed:
                continue
            need = INNER_NEEDS.get((outer, kind))
            if need is not None and deriv != need:
                continue
        new = labels + (label,)
        outermost = top or kind
        if rest in lex.roots:
            yield rest, new, outermost
        if depth + 1 < MAX_PREFIXES:
            yield from _prefix_analyses(rest, lex, deriv, kind, new, depth + 1, outermost)


def _candidates(word: str, lex: Lexicon
                ) -> Iterator[tuple[str, tuple[str, ...], tuple[str, ...], float]]:
    roots = lex.roots
    weights = lex.weights
    prefixed = word.startswith(_ANY_PREFIX)
    for stem, sufs, cost, deriv in suffix_options(word):
        if (sufs and len(stem) >= MIN_BARE_ROOT and stem in roots
                and (deriv is None or weights.get(stem, 0) >= MIN_BARE_WEIGHT)):
            yield stem, (), sufs, cost + (BARE_MARKED if deriv in ("kan", "i") else 0.0)
        if prefixed:
            for root, pres, outer in _prefix_analyses(stem, lex, deriv, None, (), 0):
                confix = CONFIX_DISCOUNT if deriv == "an" and outer in CONFIX_KINDS else 0.0
                yield root, pres, sufs, cost + len(pres) - confix


def analyses(word: str, lex: Lexicon) -> Iterator[Analysis]:
    """Every valid decomposition of ``word`` whose root is in the lexicon."""
    for root, pres, sufs, cost in _candidates(word, lex):
        yield Analysis(root, pres, sufs, cost)


def score(a: Analysis, lex: Lexicon) -> float:
    """Lower is better: affix cost minus a little for a well-attested root."""
    return _score(a.root, a.prefixes, a.cost, lex)


def _score(root: str, prefixes: tuple[str, ...], cost: float, lex: Lexicon) -> float:
    weight: float = lex.weights.get(root, 0)
    if weight:
        for label in prefixes:
            weight *= LABEL_FACTOR.get(label, 1.0)
        return cost - EVIDENCE * math.log1p(weight)
    return cost


def decompose(word: str, lex: Lexicon) -> Analysis | None:
    """The best valid decomposition of ``word`` (see the module docstring)."""
    if not word.startswith(_ANY_PREFIX) and not word.endswith(_ANY_SUFFIX):
        return None
    best = None
    best_score = math.inf
    for cand in _candidates(word, lex):
        sc = _score(cand[0], cand[1], cand[3], lex)
        if sc < best_score:
            best, best_score = cand, sc
    if best is None:
        return None
    return Analysis(best[0], best[1], best[2], best[3])
