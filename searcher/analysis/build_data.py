"""Rebuild the corpus-derived data files of the lexicon from a news corpus.

    python -m searcher.analysis.build_data [CORPUS.jsonl.gz] [--out searcher/data]

Reads the ``title`` and ``body`` of every JSON line and writes three files (word
counts only — no text of the corpus is copied):

``root-weights.tsv``
    ``root<TAB>weight`` with weight = count(root) + 50 × count(``di``-root,
    ``di``-root-``kan``, ``di``-root-``i``): how well attested a root is as a word and
    as a verb. The stemmer uses it only to break ties (``memohon → mohon``).
``rootwords-news.txt``
    ``+word`` lines: roots missing from the dictionary but attested in the news — a
    lower-case word seen ≥ 20 times that no rule decomposes, that is not a preposition
    written together with its word (``kedalam``), and that has at least two affixed
    derivatives in the corpus, one of them prefixed (``setuju``: ``disetujui``,
    ``persetujuan``); and ``-word`` lines: dictionary entries that are really affixed
    forms of a better attested root: ``root-kan`` entries (``adakan`` ← ``ada``) and
    entries seen < 5 times that decompose, with a prefix, into a root of weight ≥ 100
    (``pengawinan`` ← ``kawin``).
``proper-names.txt``
    words the stemmer would change but that are written with a capital in ≥ 90 % of
    their ≥ 10 occurrences inside a sentence of a body: names (``Bali``, ``Maluku``,
    ``Pekalongan``), which the stemmer then keeps.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from searcher.analysis.lexicon import BASE_ROOT_FILES, Lexicon, read_roots, read_variants
from searcher.analysis.morphology import decompose
from searcher.analysis.stopwords import STOPWORDS
from searcher.analysis.tokenizer import tokenize

DEFAULT_CORPUS = Path("/work/shared/corpus/news-id.jsonl.gz")
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
_SENTENCE_GAP = re.compile(r"[.!?:;\n\"“”'‘’(\[]")
_ALPHA = re.compile(r"[a-z]+")

MIN_LEARNED_COUNT = 20
MIN_NAME_COUNT = 10
NAME_CAPITAL_RATIO = 0.9


def read_corpus(path: Path) -> Iterator[tuple[str, str]]:
    """``(title, body)`` of every article of a JSON-lines file (gzip or plain)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            yield doc.get("title") or "", doc.get("body") or ""


class CorpusCounts:
    """Lower-case token counts, and capitalisation of tokens inside body sentences."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.inside: Counter[str] = Counter()
        self.capital: Counter[str] = Counter()

    def add(self, title: str, body: str) -> None:
        self.count.update(s.lower() for s, _, _ in tokenize(title))
        prev_end = 0
        for i, (s, a, b) in enumerate(tokenize(body)):
            low = s.lower()
            self.count[low] += 1
            if i and not _SENTENCE_GAP.search(body, prev_end, a):
                self.inside[low] += 1
                if s[0].isupper():
                    self.capital[low] += 1
            prev_end = b

    @classmethod
    def of(cls, docs: Iterable[tuple[str, str]]) -> CorpusCounts:
        counts = cls()
        for title, body in docs:
            counts.add(title, body)
        return counts


#: how much more a passive ``di``-form counts than the bare word (verb evidence).
PASSIVE_FACTOR = 50


def root_weights(roots: Iterable[str], count: Counter[str]) -> dict[str, int]:
    """Attestation weight of each root (see the module docstring); zeros left out."""
    out = {}
    for r in roots:
        passive = count.get("di" + r, 0) + count.get("di" + r + "kan", 0) + count.get("di" + r + "i", 0)
        w = count.get(r, 0) + PASSIVE_FACTOR * passive
        if w:
            out[r] = w
    return out


def affixed_entries(roots: frozenset[str], weights: dict[str, int],
                    count: Counter[str]) -> set[str]:
    """Dictionary entries that are affixed forms of a far better attested root."""
    lex = Lexicon(roots, {}, weights)
    out = set()
    for e in roots:
        r = e[:-3]
        if e.endswith("kan") and len(r) >= 3 and r in roots and weights.get(r, 0) >= max(weights.get(e, 0), 1):
            out.add(e)
        elif count.get(e, 0) < 5:
            a = decompose(e, lex)  # never e itself: every analysis strips an affix
            if a is not None and a.prefixes and weights.get(a.root, 0) >= 100:
                out.add(e)
    return out


#: prefixes written alone (``meng-upgrade``) are not roots.
_PREFIX_FORMS = frozenset({"me", "mem", "men", "meng", "meny", "menge", "pe", "pem", "pen", "peng",
                           "peny", "penge", "ber", "ter", "per", "di", "ke", "se", "diper", "memper"})


def _joined_preposition(w: str, lex: Lexicon) -> bool:
    """``kedalam``, ``dimana``: a preposition written together with its word."""
    return w[:2] in ("di", "ke") and w[2:] in lex.roots


def learned_roots(lex: Lexicon, counts: CorpusCounts) -> set[str]:
    """Frequent lower-case words that no rule explains but that take affixes."""
    candidates = {
        w for w, n in counts.count.items()
        if n >= MIN_LEARNED_COUNT and len(w) >= 4 and _ALPHA.fullmatch(w)
        and w not in lex.roots and w not in STOPWORDS
        and counts.capital[w] < 0.5 * max(counts.inside[w], 1)
        and not _joined_preposition(w, lex) and w not in _PREFIX_FORMS
        and decompose(w, lex) is None
    }
    wider = Lexicon(lex.roots | candidates, lex.variants, lex.weights)
    derived: dict[str, set[str]] = {}
    for w in counts.count:
        if not _ALPHA.fullmatch(w) or w in candidates or w in lex.roots or len(w) < 6:
            continue
        if not w.startswith(("di", "me", "be", "te", "pe", "ke")) and not w.endswith(("nya", "an", "i", "kan")):
            continue
        a = decompose(w, wider)
        if a is not None and a.root in candidates:
            if decompose(w, lex) is None:
                derived.setdefault(a.root, set()).add(w if a.prefixes else "~" + w)
    return {r for r, forms in derived.items()
            if len(forms) >= 2 and any(not f.startswith("~") for f in forms)}


def proper_names(counts: CorpusCounts, stem: Callable[[str], str],
                 roots: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised-in-text words that ``stem`` would change (names); lexicon words excepted."""
    out = []
    for w, n in counts.inside.items():
        if (n >= MIN_NAME_COUNT and _ALPHA.fullmatch(w) and w not in roots
                and counts.capital[w] >= NAME_CAPITAL_RATIO * n):
            if stem(w) != w:
                out.append(w)
    return sorted(out)


def build(corpus: Path, out: Path) -> None:
    """Compute and write the three files (see the module docstring)."""
    from searcher.analysis.stemmer import IndonesianStemmer

    counts = CorpusCounts.of(read_corpus(corpus))
    variants = read_variants()
    base = read_roots(BASE_ROOT_FILES) | frozenset(variants) | frozenset(variants.values())
    weights = root_weights(base, counts.count)
    dropped = affixed_entries(base, weights, counts.count)
    lex1 = Lexicon(base - dropped, variants, weights)
    learned = learned_roots(lex1, counts)
    roots = lex1.roots | learned
    weights = root_weights(roots, counts.count)
    lex2 = Lexicon(roots, variants, weights)
    stemmer = IndonesianStemmer(lex2, names=(), fallback="none")
    names = proper_names(counts, stemmer.stem, lex2.roots | frozenset(variants))

    header = "# Generated by `python -m searcher.analysis.build_data` from {} ({} tokens).\n"
    head = header.format(corpus.name, sum(counts.count.values()))
    (out / "root-weights.tsv").write_text(
        head + "# root<TAB>weight: count(root) + 10 * count(di-root, di-root-kan, di-root-i)\n"
        + "".join(f"{r}\t{w}\n" for r, w in sorted(weights.items())), encoding="utf-8")
    (out / "rootwords-news.txt").write_text(
        head + "# +word: a root attested in the news but missing from the dictionary;\n"
        "# -word: a dictionary entry that is an affixed form of a better attested root.\n"
        + "".join(f"+{w}\n" for w in sorted(learned))
        + "".join(f"-{w}\n" for w in sorted(dropped)), encoding="utf-8")
    (out / "proper-names.txt").write_text(
        head + "# Names: capitalised in >= 90% of their >= 10 occurrences inside a sentence,\n"
        "# and changed by the stemmer otherwise. Kept as they are.\n"
        + "".join(f"{w}\n" for w in names), encoding="utf-8")
    print(f"weights {len(weights)}, learned roots {len(learned)}, dropped entries {len(dropped)}, "
          f"names {len(names)}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DATA_DIR)
    args = ap.parse_args(argv)
    build(args.corpus, args.out)


if __name__ == "__main__":
    main()
