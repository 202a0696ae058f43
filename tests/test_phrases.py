"""Phrases: searcher.ranking.phrases finds exactly the documents Whoosh's Phrase finds."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from searcher import Article, SearchIndex
from searcher.analysis import default_analyzer
from searcher.ranking.phrases import phrase_docs
from searcher.ranking.view import IndexView

from .indexing_support import documents, generated_records, stock_and_fast

CRAFTED = [
    {"id": "p1", "title": "Vaksin COVID-19 tiba", "body": "Vaksin COVID-19 dan covid 19 tiba. Yang yang yang."},
    {"id": "p2", "title": "Harga beras", "body": "Harga beras naik; beras harga turun. Harga harga beras."},
    {"id": "p3", "title": "Di Jakarta", "body": "Banjir di Jakarta. Di Bandung, di jakarta lagi."},
]


def _phrases(index_path: Path, records: list[dict], rng: random.Random) -> list[list[str]]:
    analyzer = default_analyzer()
    out: list[list[str]] = [["yang", "yang"], ["yang", "yang", "yang"], ["covid", "19"],
                            ["covid-19", "tiba"], ["harga", "beras"], ["beras", "harga"],
                            ["di", "jakarta"], ["tidak", "ada", "kata"], ["zzz", "yang"]]
    for rec in records:
        terms = analyzer.terms(f"{rec.get('title') or ''} {rec['body']}")
        for _ in range(3):
            n = rng.choice((2, 2, 3, 4))
            if len(terms) > n:
                at = rng.randrange(len(terms) - n)
                out.append(terms[at:at + n])
        out.append(rng.sample(terms, 2) if len(terms) > 2 else terms * 2)  # mostly no match
    return out


def _compare(index: SearchIndex, phrases: list[list[str]]) -> int:
    searcher = index._searcher()
    view = IndexView(searcher.reader())
    matched = 0
    for words in phrases:
        for field in ("body", "title"):
            q = wq.Phrase(field, words)
            got = phrase_docs(view, searcher, q)
            assert got is not None, q
            expected = sorted(d for d in searcher.docs_for_query(q) if view.live[d])
            assert got.tolist() == expected, q
            matched += bool(expected)
    return matched


@pytest.mark.parametrize("kind", ["stock", "fast"])
def test_phrases_match_what_whoosh_matches(tmp_path: Path, kind: str):
    # Whoosh's own segment and searcher's, with posting lists of one, a few and several
    # blocks (common words of 300 articles), compound pieces and repeated words
    records = generated_records(300, words=30) + CRAFTED
    stock, fast = stock_and_fast(tmp_path, documents(tmp_path / "in.jsonl", records))
    phrases = _phrases(stock, records, random.Random(7))
    assert _compare(SearchIndex(stock if kind == "stock" else fast), phrases) > 500


def test_phrases_over_segments_with_deletions(tmp_path: Path):
    records = generated_records(200, words=30) + CRAFTED
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add_records(records[:120])
    index.add_records(records[120:])
    index.add([Article(id="p3", title="Di Jakarta", body="Kini di jakarta saja.")])  # replaces p3
    index.delete([r["id"] for r in records[::7]])
    assert len(index._searcher().reader().leaf_readers()) >= 2
    phrases = _phrases(tmp_path, records, random.Random(11))
    assert _compare(index, phrases) > 300
    # and through search(): the phrase query finds these documents
    assert {h.id for h in index.search('"kini di jakarta"').hits} == {"p3"}  # the new p3
    assert {h.id for h in index.search('"banjir di jakarta"').hits} == set()  # the old one
    assert {h.id for h in index.search('"beras harga turun"').hits} == {"p2"}
    assert "p1" in {h.id for h in index.search('"covid 19"', limit=100).hits}


def test_what_the_fast_path_leaves_to_whoosh(tmp_path: Path):
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add_records(CRAFTED)
    searcher = index._searcher()
    view = IndexView(searcher.reader())
    assert phrase_docs(view, searcher, wq.Phrase("body", ["harga", "beras"], slop=2)) is None
    assert phrase_docs(view, searcher, wq.Phrase("exact", ["harga", "beras"])) is None  # no positions
    got = phrase_docs(view, searcher, wq.Phrase("body", ["harga", "tidakada"]))
    assert got is not None and len(got) == 0
    assert np.array_equal(phrase_docs(view, searcher, wq.Phrase("body", ["harga", "beras"])),
                          sorted(searcher.docs_for_query(wq.Phrase("body", ["harga", "beras"]))))
