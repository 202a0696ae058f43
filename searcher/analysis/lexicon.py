"""The word lists the stemmer checks its candidates against.

These files of ``searcher/data`` make the lexicon (see ``searcher/data/NOTICE.md``):

- ``rootwords-sastrawi.txt`` — ~30k Indonesian root words (kata dasar), KBBI-derived;
- ``rootwords-extra.txt`` — roots the first list lacks: closed compounds that take
  confixes (``beritahu``, ``tanggungjawab``, ``jualbeli``), common loanword roots;
  and, as ``-word`` lines, entries to drop from the first list because they are
  affixed forms of another root;
- ``spelling-variants.tsv`` — ``variant<TAB>canonical`` (``praktek → praktik``),
  applied to every root the stemmer returns;
- ``root-weights.tsv`` — ``root<TAB>weight``: how often each root is attested in
  Indonesian news, used only to choose between two analyses that are otherwise
  equally good (``memohon``: ``mohon`` or ``pohon``; ``berupa``: ``rupa`` or ``upa``);
- ``rootwords-news.txt`` — roots attested in the news but missing from the dictionary
  (``+respon``) and dictionary entries that are affixed forms (``-adakan``);
- ``proper-names.txt`` — names that look affixed (``bali``, ``maluku``): kept.

The last three are generated from a news corpus by :mod:`searcher.analysis.build_data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

BASE_ROOT_FILES = ("rootwords-sastrawi.txt", "rootwords-extra.txt")
ROOT_FILES = BASE_ROOT_FILES + ("rootwords-news.txt",)
VARIANTS_FILE = "spelling-variants.tsv"
WEIGHTS_FILE = "root-weights.tsv"
NAMES_FILE = "proper-names.txt"


def _lines(name: str) -> list[str]:
    """Non-empty lines of a data file, '#' comments removed, lower-cased ([] if absent)."""
    path = resources.files("searcher.data").joinpath(name)
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            out.append(line)
    return out


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Roots, spelling variants and tie-break weights (immutable, shareable)."""

    roots: frozenset[str]
    variants: Mapping[str, str]
    weights: Mapping[str, int]
    names: frozenset[str] = frozenset()

    def __contains__(self, word: object) -> bool:
        return word in self.roots

    def canonical(self, root: str) -> str:
        """The standard spelling of ``root`` (``praktek`` → ``praktik``)."""
        return self.variants.get(root, root)

    def weight(self, root: str) -> int:
        """Attestation weight of ``root`` (0 when unknown)."""
        return self.weights.get(root, 0)


def read_roots(names: tuple[str, ...] = ROOT_FILES) -> frozenset[str]:
    """Union of the root files; a ``-word`` line removes ``word`` again, ``+word`` adds it."""
    add: set[str] = set()
    drop: set[str] = set()
    for name in names:
        for line in _lines(name):
            if line.startswith("-"):
                drop.add(line[1:].strip())
            else:
                add.add(line.lstrip("+").strip())
    return frozenset(add - drop)


def read_variants(name: str = VARIANTS_FILE) -> dict[str, str]:
    """``variant → canonical`` pairs of a two-column tab-separated file."""
    out = {}
    for line in _lines(name):
        variant, canonical = line.split("\t")[:2]
        out[variant.strip()] = canonical.strip()
    return out


def read_weights(name: str = WEIGHTS_FILE) -> dict[str, int]:
    """``root → weight`` of a two-column tab-separated file."""
    out = {}
    for line in _lines(name):
        root, weight = line.split("\t")[:2]
        out[root] = int(weight)
    return out


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped in ``searcher/data`` (loaded once per process)."""
    variants = read_variants()
    roots = read_roots() | frozenset(variants) | frozenset(variants.values())
    return Lexicon(roots, MappingProxyType(variants), MappingProxyType(read_weights()),
                   frozenset(_lines(NAMES_FILE)))
