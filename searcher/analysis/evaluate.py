"""Measure the stemmer against a gold file and the analyzer's speed on a corpus.

    scripts/eval_stem [GOLD.tsv] [--corpus PATH] [--corpus-limit N] [--examples K]

``GOLD.tsv`` has a header and the columns ``word root upos count`` (lower-case
single words; reduplications keep their hyphen). Every word is stemmed once, with
empty caches. The report gives type accuracy —
overall, on words whose root differs from the word, on words that are their own
root, and per part of speech — the most frequent error classes (by the rule that
fired) with examples, and words/s, for searcher's stemmer and for plain Snowball
(PyStemmer ``indonesian``). Then, unless the corpus is absent, the whole analyzer's
tokens/s over the title + body of every article of the corpus, with each of the two
stemmers (``searcher index --stemmer``): a first pass with empty caches and warm ones.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_GOLD = Path("/work/shared/stemming/ud-dev.tsv")
DEFAULT_CORPUS = Path("/work/shared/corpus/news-id.jsonl.gz")


@dataclass(frozen=True, slots=True)
class GoldEntry:
    word: str
    root: str
    upos: str
    count: int


def read_gold(path: Path) -> list[GoldEntry]:
    """The entries of a ``word root upos count`` file (header line skipped)."""
    out = []
    with open(path, encoding="utf-8") as f:
        next(f, None)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[0]:
                upos = cols[2] if len(cols) > 2 else ""
                count = int(cols[3]) if len(cols) > 3 and cols[3].isdigit() else 1
                out.append(GoldEntry(cols[0], cols[1], upos, count))
    return out


@dataclass
class Score:
    """Accuracy figures of one stemmer on one gold file."""

    name: str
    total: tuple[int, int]
    changed: tuple[int, int]
    unchanged: tuple[int, int]
    by_upos: dict[str, tuple[int, int]]
    errors: dict[str, list[tuple[str, str, str]]]
    words_per_s: float
    words_per_cpu_s: float

    @staticmethod
    def ratio(pair: tuple[int, int]) -> float:
        return pair[0] / pair[1] if pair[1] else 0.0


def _error_class(rule: str) -> str:
    """The class of a rule: its first affix, or the rule itself."""
    head = rule.split(" + ")[0].split(";")[0]
    if head.startswith("prefix "):
        return head.split(" (")[0]
    return head


def score(name: str, gold: list[GoldEntry], explain: Callable[[str], tuple[str, str]]) -> Score:
    """Run ``explain`` on every gold word (timed) and tally the results."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    got = [explain(e.word) for e in gold]
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    total = [0, 0]
    changed = [0, 0]
    unchanged = [0, 0]
    by_upos: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for e, (root, rule) in zip(gold, got):
        ok = root == e.root
        for bucket in (total, changed if e.word != e.root else unchanged, by_upos[e.upos]):
            bucket[0] += ok
            bucket[1] += 1
        if not ok:
            errors[_error_class(rule)].append((e.word, root, e.root))
    return Score(name, tuple(total), tuple(changed), tuple(unchanged),  # type: ignore[arg-type]
                 {k: tuple(v) for k, v in by_upos.items()},  # type: ignore[misc]
                 dict(errors), len(gold) / elapsed if elapsed else 0.0,
                 len(gold) / cpu if cpu else 0.0)


def snowball_explain() -> Callable[[str], tuple[str, str]]:
    """Plain PyStemmer Snowball ``indonesian``, one word at a time."""
    import Stemmer

    stem = Stemmer.Stemmer("indonesian").stemWord
    return lambda w: (stem(w), "snowball")


def print_scores(scores: list[Score], examples: int) -> None:
    print(f"{'stemmer':<22}{'all':>8}{'word≠root':>11}{'word=root':>11}{'words/s':>12}"
          f"{'words/s (CPU)':>15}")
    for s in scores:
        print(f"{s.name:<22}{s.ratio(s.total):>8.4f}{s.ratio(s.changed):>11.4f}"
              f"{s.ratio(s.unchanged):>11.4f}{s.words_per_s:>12,.0f}{s.words_per_cpu_s:>15,.0f}")
    n = scores[0]
    print(f"\n({n.total[1]} words: {n.changed[1]} with word≠root, {n.unchanged[1]} with word=root)")
    print("\naccuracy by part of speech")
    upos = sorted(scores[0].by_upos, key=lambda k: -scores[0].by_upos[k][1])
    print(f"{'upos':<8}{'words':>7}" + "".join(f"{s.name[:14]:>16}" for s in scores))
    for u in upos:
        print(f"{u:<8}{scores[0].by_upos[u][1]:>7}"
              + "".join(f"{s.ratio(s.by_upos.get(u, (0, 0))):>16.4f}" for s in scores))
    for s in scores[:1]:
        print(f"\nworst error classes of {s.name} (rule that fired: word→got [gold])")
        for cls, errs in sorted(s.errors.items(), key=lambda kv: -len(kv[1]))[:12]:
            shown = " ".join(f"{w}→{g}[{r}]" for w, g, r in errs[:examples])
            print(f"  {len(errs):>4}  {cls:<24} {shown}")


def read_texts(path: Path, limit: int | None) -> list[str]:
    """Title + body of the first ``limit`` articles of a JSON-lines corpus."""
    opener = gzip.open if path.suffix == ".gz" else open
    out: list[str] = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if limit is not None and len(out) >= limit:
                break
            doc = json.loads(line)
            out.append((doc.get("title") or "") + "\n" + (doc.get("body") or ""))
    return out


def corpus_speed(path: Path, limit: int | None) -> None:
    """Print each analyzer's tokens/s over the corpus: cold pass, then warm passes.

    The whole pipeline (tokenizer, caches, stemmer) with searcher's stemmer and then
    with plain Snowball (``searcher index --stemmer snowball``), on the same texts.
    """
    from searcher.analysis.pipeline import Analyzer
    from searcher.analysis.stemmer import IndonesianStemmer, SnowballStemmer

    if not path.exists():
        print(f"\ncorpus {path} not found: analyzer speed skipped")
        return
    texts = read_texts(path, limit)
    print(f"\nanalyzer speed on {path.name} ({len(texts)} articles, title + body); "
          "CPU time counts only this process (the machine may be shared)")
    print(f"  {'stemmer':<9} {'pass':<20} {'tokens':>10} {'wall s':>8} {'tokens/s':>12} {'CPU s':>8}"
          f" {'tokens/s (CPU)':>15}")
    for name, stemmer in (("searcher", IndonesianStemmer()), ("snowball", SnowballStemmer())):
        analyzer = Analyzer(stemmer)
        for label, method in (("spans, cold caches", analyzer.spans),
                              ("spans, warm", analyzer.spans), ("terms, warm", analyzer.terms)):
            t0 = time.perf_counter()
            c0 = time.process_time()
            n = 0
            for text in texts:
                n += len(method(text))
            dt = time.perf_counter() - t0
            dc = time.process_time() - c0
            print(f"  {name:<9} {label:<20} {n:>10,} {dt:>8.2f} {n / dt:>12,.0f} {dc:>8.2f}"
                  f" {n / dc:>15,.0f}")
        print(f"  {name:<9} cached: {analyzer.cache_sizes()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="eval_stem", description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--corpus-limit", type=int, default=None, metavar="N",
                    help="use only the first N articles of the corpus")
    ap.add_argument("--no-corpus", action="store_true", help="skip the analyzer speed test")
    ap.add_argument("--examples", type=int, default=6, metavar="K",
                    help="examples shown per error class")
    args = ap.parse_args(argv)
    if not args.gold.exists():
        ap.error(f"gold file {args.gold} not found")
    from searcher.analysis.stemmer import IndonesianStemmer

    gold = read_gold(args.gold)
    print(f"gold: {args.gold} ({len(gold)} words)\n")
    scores = [score("searcher", gold, IndonesianStemmer().explain),
              score("snowball (PyStemmer)", gold, snowball_explain())]
    print_scores(scores, args.examples)
    if not args.no_corpus:
        corpus_speed(args.corpus, args.corpus_limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
