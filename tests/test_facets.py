"""Facet counts by source, category and month over all matching documents."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner

from searcher.cli import cli
from searcher.facets import count_facets, matching_docnums
from searcher.query import parse


def brute_force(index, query: str, **kw) -> dict[str, dict[str, int]]:
    """Facets counted from the hits of a search that returns every match."""
    results = index.search(query, limit=1000, **kw)
    assert len(results.hits) == results.total
    source = Counter(h.source.lower() for h in results.hits if h.source)
    category = Counter(h.category.lower() for h in results.hits if h.category)
    month = Counter(h.date.strftime("%Y-%m") for h in results.hits if h.date)
    return {"source": dict(source), "category": dict(category), "month": dict(month)}


def test_counts_for_a_query(read_only_mini_index):
    results = read_only_mini_index.search("beras", facets=True)
    assert results.facets == {
        "source": {"kompas.com": 1, "sindonews.com": 1, "tempo.co": 1},
        "category": {"ekonomi": 2, "nasional": 1},
        "month": {"2024-04": 1, "2024-03": 1, "2019-10": 1},
    }


def test_order_by_count_then_name_and_months_newest_first(read_only_mini_index):
    facets = read_only_mini_index.search("", facets=True).facets
    assert list(facets["source"].items())[:4] == [("kompas.com", 3), ("detik.com", 2),
                                                  ("tekno.kompas.com", 2), ("tempo.co", 2)]
    assert list(facets["month"]) == sorted(facets["month"], reverse=True)


@pytest.mark.parametrize("query", ["", "beras", "kaspersky OR merapi", '"suku bunga"',
                                   "pemerint*", "-beras", "date:2024", "source:kompas",
                                   "harga beras naik menjelang lebaran kaspersky merapi"])
def test_counts_cover_every_match_not_just_the_page(read_only_mini_index, query):
    expected = brute_force(read_only_mini_index, query)
    results = read_only_mini_index.search(query, limit=1, facets=True)
    assert len(results.hits) <= 1
    assert results.facets == expected
    assert sum(results.facets["source"].values()) == results.total


def test_counts_respect_filters(read_only_mini_index):
    index = read_only_mini_index
    got = index.search("pemerint*", facets=True, sources=["kompas.com"]).facets
    assert got == brute_force(index, "pemerint*", sources=["kompas.com"])
    assert set(got["source"]) == {"kompas.com"}
    got = index.search("", facets=True, categories=["Ekonomi"]).facets
    assert got["category"] == {"ekonomi": 3}
    from datetime import datetime
    got = index.search("", facets=True, since=datetime(2024, 6, 1), until=datetime(2024, 7, 31))
    assert got.facets["month"] == {"2024-07": 2, "2024-06": 2}


def test_undated_and_uncategorised_articles_are_not_counted(read_only_mini_index):
    results = read_only_mini_index.search("megawati", facets=True)  # a7: no date, no category
    assert results.total == 1
    assert results.facets == {"source": {"cnnindonesia.com": 1}, "category": {}, "month": {}}


def test_no_match_gives_empty_counts(read_only_mini_index):
    assert read_only_mini_index.search("qqqzzz", facets=True).facets == {
        "source": {}, "category": {}, "month": {}}


def test_facet_values_work_as_filters(query_index):
    facets = query_index.search("", facets=True).facets
    assert {"news/nasional", "tajuk utama", "news/tekno"} <= set(facets["category"])
    for category, count in facets["category"].items():
        assert query_index.search("", categories=[category]).total == count, category
    for source, count in facets["source"].items():
        assert query_index.search("", sources=[source]).total == count, source


def test_matching_docnums_agrees_with_whoosh(read_only_mini_index):
    searcher = read_only_mini_index._searcher()
    reader = searcher.reader()
    for text in ["beras -impor", "(kaspersky OR beras) pasar", "title:kasper*", "NOT beras",
                 "date:2024-07 OR source:tempo.co", '"di pasar"', "category:tekno"]:
        q = parse(text, searcher.schema, reader=reader)
        expected = sorted(set(searcher.docs_for_query(q)))
        assert matching_docnums(searcher, q).tolist() == expected, text


def test_count_facets_on_given_documents(read_only_mini_index):
    searcher = read_only_mini_index._searcher()
    assert count_facets(searcher, np.zeros(0, dtype=np.int64))["source"] == {}


def test_cli_facets(mini_index_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["--index", str(mini_index_path), "search", "beras", "--facets",
                              "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["facets"]["category"] == {"ekonomi": 2, "nasional": 1}
    out = runner.invoke(cli, ["--index", str(mini_index_path), "search", "beras", "--json"])
    assert "facets" not in json.loads(out.output)
    out = runner.invoke(cli, ["--index", str(mini_index_path), "search", "beras", "--facets"])
    assert "categories: ekonomi 2 · nasional 1" in out.output
    assert "months:     2024-04 1 · 2024-03 1 · 2019-10 1" in out.output


def test_sorted_unique_equals_numpys_unique():
    import numpy as np

    from searcher.facets import sorted_unique

    rng = np.random.default_rng(2)
    for n in (0, 1, 2, 50, 5000):
        ids = rng.integers(0, max(n // 2, 1), n).astype(np.int64)
        assert sorted_unique(ids).tolist() == np.unique(ids).tolist()
