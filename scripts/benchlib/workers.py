"""What runs inside the benchmark's child processes (``bench.py _worker KIND …``).

Each worker prints one JSON object on stdout; the parent measures its wall time and
memory (:mod:`benchlib.measure`).

- ``baseline-index --corpus FILE --index DIR``: build the plain-Whoosh index.
- ``latency --engine searcher|baseline --index DIR --short FILE --sentence FILE``:
  warm up, then time every query (ms, one process, top 10, no snippets); then the
  snippet cost: each short query with and without highlighting, in alternating order.
- ``cold --index DIR QUERY``: the baseline's cold start (open, search, print).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

WARM_QUERIES = 50


def _lines(path: str | None) -> list[str]:
    if not path:
        return []
    return [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _searcher_engine(path: Path):
    from searcher import SearchIndex
    from searcher.errors import SearcherError

    index = SearchIndex(path)

    def run(text: str, sentence: bool, highlight: bool) -> int:
        return len(index.search(text, limit=10, highlight=highlight).hits)

    return run, SearcherError


def _baseline_engine(path: Path):
    from benchlib.baseline import Baseline

    base = Baseline(path)

    def run(text: str, sentence: bool, highlight: bool) -> int:
        return base.search(text, sentence=sentence, highlight=highlight)[0]

    return run, Exception


def time_queries(run, errors_of, queries: list[str], sentence: bool) -> dict:
    """Warm up on the first queries, then time each query once."""
    for text in queries[:WARM_QUERIES]:
        try:
            run(text, sentence, False)
        except errors_of:
            pass
    ms, hits, errors = [], [], []
    for text in queries:
        started = time.perf_counter()
        try:
            found = run(text, sentence, False)
        except errors_of as exc:
            errors.append(f"{text[:60]}: {type(exc).__name__}: {exc}"[:200])
            continue
        ms.append((time.perf_counter() - started) * 1000)
        hits.append(found)
    return {"ms": ms, "hits": hits, "errors": errors}


def snippet_cost(run, errors_of, queries: list[str], limit: int = 10) -> dict:
    """Per query with ``limit`` hits: time with highlighting minus time without."""
    extra, with_hl, without_hl = [], [], []
    for i, text in enumerate(queries):
        timings = {}
        try:
            for highlight in ((False, True) if i % 2 == 0 else (True, False)):
                started = time.perf_counter()
                found = run(text, False, highlight)
                timings[highlight] = (time.perf_counter() - started) * 1000
        except errors_of:
            continue
        if found < limit:
            continue
        extra.append(timings[True] - timings[False])
        with_hl.append(timings[True])
        without_hl.append(timings[False])
    return {"extra_ms": extra, "with_ms": with_hl, "without_ms": without_hl}


def latency(args: argparse.Namespace) -> dict:
    path = Path(args.index)
    run, errors_of = (_searcher_engine if args.engine == "searcher" else _baseline_engine)(path)
    short = _lines(args.short)
    sentence = _lines(args.sentence)
    out = {"engine": args.engine, "short": time_queries(run, errors_of, short, False)}
    if sentence:
        out["sentence"] = time_queries(run, errors_of, sentence, True)
    out["snippets"] = snippet_cost(run, errors_of, short)
    return out


def baseline_index(args: argparse.Namespace) -> dict:
    from benchlib.baseline import build
    from benchlib.corpora import read_records

    return {"documents": build(read_records(Path(args.corpus)), Path(args.index))}


def cold(args: argparse.Namespace) -> None:
    from benchlib.baseline import Baseline

    count, hits = Baseline(Path(args.index)).search(args.query, highlight=True)
    for rank, (doc_id, snippet) in enumerate(hits, start=1):
        print(rank, doc_id, snippet)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.py _worker")
    sub = parser.add_subparsers(dest="kind", required=True)
    p = sub.add_parser("latency")
    p.add_argument("--engine", choices=["searcher", "baseline"], required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--short", required=True)
    p.add_argument("--sentence")
    p = sub.add_parser("baseline-index")
    p.add_argument("--corpus", required=True)
    p.add_argument("--index", required=True)
    p = sub.add_parser("cold")
    p.add_argument("--index", required=True)
    p.add_argument("query")
    args = parser.parse_args(argv)
    if args.kind == "cold":
        cold(args)
        return
    result = latency(args) if args.kind == "latency" else baseline_index(args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
