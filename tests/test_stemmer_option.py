"""The stemmer of an index (``searcher index --stemmer snowball``): real small indexes."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import Article, SchemaMismatchError, SearchIndex, StemmerMismatchError
from searcher.analysis import analysis_for, analyzer_for, current_stemmer, default_analyzer
from searcher.analysis.stemmer import SnowballStemmer
from searcher.analysis.whoosh_analyzers import IndonesianAnalyzer
from searcher.cli import cli
from searcher.index import META_FILE
from searcher.schema import build_schema, schema_stemmer
from searcher.segments import plan_schema

# Snowball stems "Megawati" to "gawat" and "mengonfirmasi" to "onfirmasi"; searcher's
# stemmer keeps the name and finds the root "konfirmasi". So "gawat" matches m1 only
# with Snowball, and "konfirmasi" matches m3 only with searcher's stemmer.
ARTICLES = [
    Article(id="m1", title="Megawati hadiri rapat",
            body="Megawati Soekarnoputri menghadiri rapat partai di Jakarta pada Senin."),
    Article(id="m2", title="Situasi gawat di perbatasan",
            body="Situasi di perbatasan dinilai gawat oleh aparat keamanan."),
    Article(id="m3", title="Kaspersky temukan celah",
            body="Peneliti Kaspersky mengonfirmasi celah keamanan pada peramban."),
]


def build(path: Path, stemmer: str | None) -> SearchIndex:
    index = (SearchIndex.create(path) if stemmer is None
             else SearchIndex.create(path, stemmer=stemmer))
    assert index.add(ARTICLES, jobs=1).added == 3
    return index


def ids(index: SearchIndex, query: str) -> list[str]:
    return sorted(h.id for h in index.search(query).hits)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_each_index_is_searched_with_its_own_stemmer(tmp_path: Path) -> None:
    snow = build(tmp_path / "snow", "snowball")
    plain = build(tmp_path / "plain", None)
    assert (snow.stemmer, plain.stemmer) == ("snowball", "searcher")
    # the same process, interleaved: each query is analysed as its index was
    assert ids(snow, "gawat") == ["m1", "m2"]
    assert ids(plain, "gawat") == ["m2"]
    assert ids(snow, "konfirmasi") == []
    assert ids(plain, "konfirmasi") == ["m3"]
    assert ids(snow, "onfirmasi") == ["m3"]
    assert current_stemmer() == "searcher"  # searching leaves the default in place
    # snippets highlight the words that matched through the Snowball stem
    hit = next(h for h in snow.search("gawat").hits if h.id == "m1")
    assert hit.snippet is not None
    assert "Megawati" in [hit.snippet.text[a:b] for a, b in hit.snippet.highlights]
    # similar articles use the index's terms too
    assert "m1" in [h.id for h in snow.similar("m2")]
    assert snow.stats().stemmer == "snowball" and plain.stats().stemmer == "searcher"


def test_the_stemmer_is_recorded_and_cannot_change(tmp_path: Path) -> None:
    build(tmp_path / "snow", "snowball")
    meta = json.loads((tmp_path / "snow" / META_FILE).read_text())
    assert meta["stemmer"] == "snowball"
    index = SearchIndex(tmp_path / "snow")
    assert schema_stemmer(index._ix.schema) == "snowball"
    SearchIndex(tmp_path / "snow", stemmer="snowball")  # the same one: fine
    with pytest.raises(StemmerMismatchError) as err:
        SearchIndex.create_or_open(tmp_path / "snow", stemmer="searcher")
    assert isinstance(err.value, SchemaMismatchError)
    assert "'snowball'" in str(err.value) and "--rebuild --stemmer searcher" in err.value.hint
    with pytest.raises(ValueError):
        SearchIndex.create(tmp_path / "other", stemmer="porter")


def test_an_index_from_before_the_option_is_a_searcher_one(mini_index_path: Path) -> None:
    meta_path = mini_index_path / META_FILE
    meta = json.loads(meta_path.read_text())
    meta.pop("stemmer", None)
    meta_path.write_text(json.dumps(meta))
    assert SearchIndex(mini_index_path, stemmer="searcher").stemmer == "searcher"
    meta["stemmer"] = "porter"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(SchemaMismatchError):
        SearchIndex(mini_index_path)


def test_cli_stemmer_option(tmp_path: Path) -> None:
    data = tmp_path / "a.jsonl"
    data.write_text("\n".join(json.dumps({"id": a.id, "title": a.title, "body": a.body})
                              for a in ARTICLES) + "\n")
    ix = str(tmp_path / "ix")
    assert run("--index", ix, "index", "--stemmer", "snowball", "--jobs", "1", str(data)).exit_code == 0
    result = run("--index", ix, "search", "gawat", "--json")
    assert sorted(h["id"] for h in json.loads(result.output)["hits"]) == ["m1", "m2"]
    # an existing index keeps its stemmer without the option …
    assert run("--index", ix, "index", "--jobs", "1", str(data)).exit_code == 0
    # … and refuses another one, saying how to change it
    result = run("--index", ix, "index", "--stemmer", "searcher", str(data))
    assert result.exit_code == 1
    assert "built with the 'snowball' stemmer" in result.output
    assert "searcher index --rebuild --stemmer searcher" in result.output
    assert json.loads(run("--index", ix, "stats", "--json").output)["stemmer"] == "snowball"
    result = run("--index", ix, "index", "--rebuild", "--stemmer", "searcher", "--jobs", "1", str(data))
    assert result.exit_code == 0, result.output
    assert json.loads(run("--index", ix, "stats", "--json").output)["stemmer"] == "searcher"
    result = run("--index", ix, "search", "gawat", "--json")
    assert [h["id"] for h in json.loads(result.output)["hits"]] == ["m2"]
    # a rebuild without --stemmer keeps the index's stemmer
    assert run("--index", ix, "index", "--rebuild", "--jobs", "1", str(data)).exit_code == 0
    assert json.loads(run("--index", ix, "stats", "--json").output)["stemmer"] == "searcher"
    result = run("analyze", "--stemmer", "snowball", "--json", "berita Megawati")
    assert [t["term"] for t in json.loads(result.output)] == ["ita", "gawat"]


def test_fast_segment_writer_stems_with_the_schema_stemmer() -> None:
    plans = plan_schema(build_schema("snowball"))
    for name in ("title", "body", "exact"):
        assert plans[name].fast, name  # no fall-back to Whoosh's own analysis
        assert plans[name].agrees("Berita Megawati mengonfirmasi anak-anak")
    terms, _ = plans["body"].terms_fn(plans["body"].fast_terms, "Berita Megawati")
    assert terms == ["ita", "gawat"]
    terms, _ = plans["exact"].terms_fn(plans["exact"].fast_terms, "Berita Megawati")
    assert terms == ["berita", "megawati", "~ita gawat", "^ita", "^gawat"]


def test_analyzers_pickle_with_the_stemmer_name_only() -> None:
    data = pickle.dumps(IndonesianAnalyzer("snowball"))
    assert b"Stemmer" not in data and b"_cache" not in data
    assert pickle.loads(data) == IndonesianAnalyzer("snowball") != IndonesianAnalyzer()
    assert pickle.dumps(IndonesianAnalyzer()) == pickle.dumps(IndonesianAnalyzer("searcher"))
    stemmer = SnowballStemmer()
    assert stemmer.stem("berita") == "ita"
    copy = pickle.loads(pickle.dumps(stemmer))  # the PyStemmer object is not pickled
    assert copy.stem("pemerintah") == "perintah"
    assert copy.explain("anak-anak") == ("anak-anak", "kept (not a plain word)")
    assert copy.explain("yang") == ("yang", "function word")


def test_analysis_for_switches_the_default_analyzer() -> None:
    assert default_analyzer() is analyzer_for("searcher")
    with analysis_for("snowball") as analyzer:
        assert default_analyzer() is analyzer is analyzer_for("snowball")
        assert analyzer.terms("Berita anak-anak") == ["ita", "anak-anak"]
    assert default_analyzer().terms("Berita anak-anak") == ["berita", "anak"]
