"""More like this: related articles by the article's most distinctive words."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from searcher.analysis import default_analyzer
from searcher.cli import cli
from searcher.errors import ArticleNotFoundError
from searcher.similar import MAX_TERMS, distinctive_terms


def test_related_articles_come_first(query_index):
    assert [h.id for h in query_index.similar("a3")][:1] == ["a4"]  # the other Kaspersky story
    assert [h.id for h in query_index.similar("a1")][:1] == ["a2"]  # the other rice story
    assert [h.id for h in query_index.similar("a10")][:1] == ["a11"]  # warga / pemerintah


def test_the_article_and_its_near_duplicates_are_left_out(query_index):
    # q1 is a copy of a3 with one more word
    for doc_id, twin in (("a3", "q1"), ("q1", "a3")):
        got = [h.id for h in query_index.similar(doc_id, limit=20)]
        assert doc_id not in got and twin not in got
        assert "a4" in got


def test_ranks_are_renumbered_and_limit_applies(query_index):
    hits = query_index.similar("a1", limit=3)
    assert [h.rank for h in hits] == [1, 2, 3]
    assert len({h.id for h in hits}) == 3
    assert all(h.snippet is not None for h in hits)


def test_unknown_id(query_index):
    with pytest.raises(ArticleNotFoundError):
        query_index.similar("nope")


def test_distinctive_terms_are_content_words_by_tf_idf(query_index):
    reader = query_index._searcher().reader()
    terms = distinctive_terms(reader, query_index.get("a1"))
    assert 0 < len(terms) <= MAX_TERMS
    stems = [t for t, _ in terms]
    assert stems[0] == "beras"  # three times in a1, in 3 of 17 articles
    assert "harga" in stems
    stop = default_analyzer().stopwords
    assert not any(surface in stop for _, surface in terms)
    assert "lebaran" not in stems  # only in a1 itself: finds nothing else


def test_cli_similar(mini_index_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["--index", str(mini_index_path), "similar", "a3", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) == {"id", "hits"} and data["id"] == "a3"
    assert data["hits"][0]["id"] == "a4"
    search = json.loads(runner.invoke(cli, ["--index", str(mini_index_path), "search",
                                            "kaspersky", "--json"]).output)
    assert set(data["hits"][0]) == set(search["hits"][0])
    out = runner.invoke(cli, ["--index", str(mini_index_path), "similar", "a3", "-n", "1",
                              "--no-color"])
    assert out.exit_code == 0
    assert "Articles like: Diblokir, Kaspersky Akan Tutup Kantornya di AS" in out.output
    assert "1. Antivirus Kaspersky Dilarang" in out.output and "  2. " not in out.output
    out = runner.invoke(cli, ["--index", str(mini_index_path), "similar", "nope"])
    assert out.exit_code == 1
    assert "no article with id 'nope'" in out.output


def _story_index(tmp_path):
    from searcher import Article, SearchIndex

    base = ("Presiden menerima uang pengganti kerugian negara dari kasus korupsi ekspor minyak "
            "sawit senilai Rp 13 triliun di Kejaksaan Agung")
    articles = [Article(id="s", title="Uang sitaan korupsi sawit diserahkan", body=base + ".")]
    # copies of the same report at other outlets, each with its own closing words
    articles += [Article(id=f"copy{i}", title=f"Sitaan sawit {i}", body=f"{base}, kata redaksi{i}.")
                 for i in range(15)]
    # the full speech: every word of the report among many others (a different article)
    speech = " ".join(f"kalimat{i} pidato panjang presiden tentang bangsa" for i in range(40))
    articles.append(Article(id="speech", title="Isi lengkap pidato", body=f"{base}. {speech}"))
    articles += [Article(id=f"rel{i}", title=f"Kasus korupsi sawit berlanjut {i}",
                         body=f"Kejaksaan Agung menyita uang korupsi ekspor sawit tahap {i} "
                              f"dan memeriksa saksi baru{i} tentang kerugian negara.")
                 for i in range(4)]
    articles.append(Article(id="other", title="Cuaca", body="Hujan deras di Bandung sore ini."))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add(articles)
    return index


def test_an_article_holding_this_ones_words_among_many_others_is_related(tmp_path):
    got = [h.id for h in _story_index(tmp_path).similar("s", limit=20)]
    assert "speech" in got
    assert not any(i.startswith("copy") for i in got) and "s" not in got


def test_the_limit_is_filled_when_many_near_duplicates_are_left_out(tmp_path):
    # 15 copies rank before the related articles: more than the spare hits fetched
    got = [h.id for h in _story_index(tmp_path).similar("s", limit=5)]
    assert len(got) == 5 and set(got) >= {"rel0", "rel1", "rel2", "rel3"}
