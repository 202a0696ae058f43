"""The Python API on a real index of the mini corpus."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from searcher import (
    Article,
    ArticleNotFoundError,
    IndexNotFoundError,
    NotAnIndexError,
    QueryError,
    SchemaMismatchError,
    SearchIndex,
)
from searcher.index import META_FILE


def ids(results) -> list[str]:
    return [h.id for h in results.hits]


def test_plain_words_rank_the_matching_articles(mini_index):
    results = mini_index.search("harga beras")
    assert set(ids(results)[:2]) == {"a1", "a2"}
    assert results.total == 2  # both words required for a short query


def test_inflected_forms_match_and_highlight(mini_index):
    results = mini_index.search("konfirmasi")
    assert ids(results) == ["a3"]
    snippet = results.hits[0].snippet
    marked = [snippet.text[a:b] for a, b in snippet.highlights]
    assert "mengonfirmasi" in marked


def test_acronym_as_is_searchable(mini_index):
    assert "a3" in ids(mini_index.search("kaspersky AS"))
    assert ids(mini_index.search("PHK")) == ["a9"]


def test_untitled_article_is_found_and_keeps_no_title(mini_index):
    results = mini_index.search("megawati")
    assert ids(results) == ["a7"]
    assert results.hits[0].title is None


def test_filters_and_sort(mini_index):
    results = mini_index.search("beras", sources=["tempo.co"])
    assert ids(results) == ["a2"]
    results = mini_index.search("kaspersky", sort="oldest")
    assert ids(results) == ["a4", "a3"]
    results = mini_index.search("kaspersky", since=datetime(2024, 7, 1))
    assert ids(results) == ["a3"]
    results = mini_index.search("kaspersky", until=datetime(2024, 6, 30))
    assert ids(results) == ["a4"]


def test_pagination(mini_index):
    first = mini_index.search("pemerintah OR beras OR kaspersky", limit=2, page=1)
    second = mini_index.search("pemerintah OR beras OR kaspersky", limit=2, page=2)
    assert first.total == second.total >= 4
    assert not set(ids(first)) & set(ids(second))
    assert [h.rank for h in second.hits] == [3, 4]


def test_only_stopwords_still_finds_something(mini_index):
    results = mini_index.search("yang di dan")
    assert results.total > 0


def test_bad_query_is_a_query_error(mini_index):
    with pytest.raises(QueryError):
        mini_index.search('"harga beras')
    with pytest.raises(QueryError):
        mini_index.search("(harga beras")


def test_get_and_missing(mini_index):
    article = mini_index.get("a3")
    assert article.title.startswith("Diblokir")
    assert article.date == datetime(2024, 7, 16, 10, 0)
    with pytest.raises(ArticleNotFoundError):
        mini_index.get("nope")


def test_stats(mini_index):
    stats = mini_index.stats()
    assert stats.documents == 12
    assert stats.sources["kompas.com"] == 3
    assert stats.undated == 1
    assert stats.first_date == datetime(2019, 9, 10, 14, 0)


def test_add_update_is_idempotent(mini_index):
    article = Article(id="new1", title="Banjir di Semarang", body="Banjir merendam ratusan rumah di Semarang.")
    report = mini_index.add([article])
    assert (report.added, report.updated, report.unchanged) == (1, 0, 0)
    report = mini_index.add([article])
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    changed = Article(id="new1", title="Banjir di Semarang", body="Banjir merendam ribuan rumah di Semarang.")
    report = mini_index.add([changed])
    assert (report.added, report.updated) == (0, 1)
    assert mini_index.search("banjir").total == 1
    assert "ribuan" in mini_index.get("new1").body


def test_delete(mini_index):
    assert mini_index.delete(["a1", "missing"]) == 1
    assert "a1" not in mini_index
    assert len(mini_index) == 11


def test_missing_foreign_and_outdated_index(tmp_path: Path, mini_index_path: Path):
    with pytest.raises(IndexNotFoundError):
        SearchIndex(tmp_path / "nothing-here")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(NotAnIndexError):
        SearchIndex(foreign)
    with pytest.raises(NotAnIndexError):
        SearchIndex.create_or_open(foreign)
    meta = json.loads((mini_index_path / META_FILE).read_text())
    meta["analyzer_version"] = "0"
    (mini_index_path / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(SchemaMismatchError, match="reindex"):
        SearchIndex(mini_index_path)
