"""The query language, construct by construct, on the mini index (tests/fixtures/mini.jsonl)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from whoosh import query as wq

from searcher.cli import cli
from searcher.errors import QueryError
from searcher.query import AND_MAX_TERMS, MAX_DEPTH, MAX_QUERY_CHARS, parse, query_words
from searcher.schema import build_schema

SCHEMA = build_schema()


@pytest.fixture(scope="module")
def index(read_only_mini_index):
    return read_only_mini_index


def ids(index, query: str, **kw) -> set[str]:
    results = index.search(query, limit=100, **kw)
    assert results.total == len(results.hits)
    return {h.id for h in results.hits}


# -- plain words ---------------------------------------------------------------------
def test_short_queries_require_every_word(index):
    assert ids(index, "beras") == {"a1", "a2", "a12"}
    assert ids(index, "harga beras") == {"a1", "a2"}
    assert ids(index, "beras lebaran") == {"a1"}
    assert ids(index, "beras lebaran source:kompas") == {"a1"}  # not the plain-words path


def test_a_short_query_no_article_fully_matches_is_answered_and_flagged(index):
    both = index.search("harga beras")
    assert both.total == 2 and not both.relaxed
    # "kaspersky" and "lebaran" are never in one article: any of them, and it says so
    some = index.search("kaspersky lebaran")
    assert some.relaxed and {h.id for h in some.hits} >= {"a1", "a3", "a4"}
    assert index.search("kaspersky zzqx").relaxed  # a word the index lacks
    assert not index.search("zzqx qqzz").relaxed  # nothing at all: nothing relaxed
    assert not index.search("kaspersky merapi bandung lebaran tekstil").relaxed  # long: any word
    assert not index.search("kaspersky OR lebaran").relaxed  # the query asked for either
    out = CliRunner().invoke(cli, ["--index", str(index.path), "search", "kaspersky lebaran"])
    assert "No article has all of these words; showing articles with some of them." in out.output
    data = CliRunner().invoke(cli, ["--index", str(index.path), "search", "kaspersky lebaran",
                                    "--json"]).output
    assert json.loads(data)["relaxed"] is True


def test_long_text_matches_any_word_and_ranks_fuller_matches_first(index):
    # one word each from five different articles: nothing has them all
    results = index.search("kaspersky merapi bandung lebaran tekstil", limit=100)
    assert {h.id for h in results.hits} == {"a1", "a3", "a4", "a9", "a10", "a11"}
    # an article matching more of the words ranks first
    results = index.search("harga beras naik menjelang lebaran kaspersky", limit=100)
    assert results.hits[0].id == "a1"
    assert {"a3", "a4"} <= {h.id for h in results.hits}


def test_the_and_or_threshold_is_the_named_constant(index):
    # every word is in a1, each one also in other articles
    words = ["beras", "jakarta", "pasar", "naik", "jawa", "harga", "lebaran", "pedagang",
             "tradisional", "kilogram", "pasokan"]
    if AND_MAX_TERMS + 1 > len(words):
        pytest.skip("AND_MAX_TERMS is larger than this test's word list")
    short, long = " ".join(words[:AND_MAX_TERMS]), " ".join(words[:AND_MAX_TERMS + 1])
    assert ids(index, short) == {"a1"}
    assert ids(index, long) > {"a1", "a2", "a3"}
    # the same through the full parser (a filter makes it more than plain words)
    assert ids(index, short + " source:kompas") == {"a1"}
    assert ids(index, long + " source:kompas") == {"a1", "a3", "a10"}
    # stopwords do not count towards the threshold
    assert ids(index, " ".join(w + " yang" for w in words[:AND_MAX_TERMS])) == {"a1"}


def test_the_ranking_uses_the_same_threshold():
    from searcher.ranking.params import RankingParams

    assert RankingParams().and_max_terms == AND_MAX_TERMS


def test_stopwords_are_dropped_unless_nothing_else_is_left(index):
    assert ids(index, "beras yang di") == ids(index, "beras")
    assert ids(index, "yang di dan") == {"a12"}  # all three stopwords, searched as words
    assert ids(index, "dan") >= {"a3", "a6", "a12"}


def test_words_match_inflected_forms(index):
    assert "a3" in ids(index, "konfirmasi")  # mengonfirmasi
    assert ids(index, "resmi bendungan") == {"a12"}  # meresmikan


# -- phrases -------------------------------------------------------------------------
def test_phrases_need_the_words_in_order(index):
    assert ids(index, '"suku bunga"') == {"a5"}
    assert ids(index, '"bunga suku"') == set()
    assert ids(index, "beras harga") == {"a1", "a2"}
    assert ids(index, '"beras harga"') == set()
    assert ids(index, '"harga beras"') == {"a1", "a2"}


def test_phrases_keep_their_stopwords(index):
    assert ids(index, '"di pasar"') == {"a1", "a3"}
    assert ids(index, '"pasar di"') == set()


def test_phrase_and_word_combine(index):
    assert ids(index, '"suku bunga" inflasi') == {"a5"}
    assert ids(index, '"suku bunga" beras') == set()


# -- exclusion ---------------------------------------------------------------------------
def test_minus_and_not_exclude(index):
    assert ids(index, "beras") == {"a1", "a2", "a12"}
    assert ids(index, "beras -impor") == {"a1", "a12"}  # a2: Impor, mengimpor
    assert ids(index, "beras NOT impor") == {"a1", "a12"}
    assert ids(index, 'beras -"harga beras"') == {"a12"}
    assert ids(index, "beras -(impor OR lebaran)") == {"a12"}


def test_only_exclusions_list_everything_else(index):
    everything = ids(index, "")
    assert len(everything) == 12
    assert ids(index, "-beras") == everything - {"a1", "a2", "a12"}
    assert ids(index, "NOT kaspersky") == everything - {"a3", "a4"}


def test_double_negation_cancels(index):
    assert ids(index, "NOT NOT kaspersky") == {"a3", "a4"}


# -- OR, AND and grouping -----------------------------------------------------------------
def test_or_between_alternatives(index):
    assert ids(index, "merapi OR bandung") == {"a10", "a11"}
    assert ids(index, "merapi OR bandung OR megawati") == {"a7", "a10", "a11"}


def test_explicit_and(index):
    assert ids(index, "beras AND lebaran") == {"a1"}
    assert ids(index, "merapi AND bandung") == set()


def test_grouping_and_precedence(index):
    assert ids(index, "(kaspersky OR beras) pasar") == {"a1", "a3"}
    # OR binds tighter than juxtaposition and AND
    assert ids(index, "kaspersky OR beras pasar") == {"a1", "a3"}
    assert ids(index, "pasar AND kaspersky OR beras") == {"a1", "a3"}
    assert ids(index, "(merapi warga) OR (bandung jalan)") == {"a10", "a11"}
    assert ids(index, "((kaspersky))") == {"a3", "a4"}


def test_operators_are_upper_case_only(query_index):
    assert ids(query_index, "festival OR jakarta") == {"q5", "a1", "a7"}
    assert ids(query_index, "festival or jakarta") == {"q5"}  # "or" is a word (trick or treat)
    assert ids(query_index, "festival AND jakarta") == {"q5"}
    # "atau" (or) and "dan" (and) are stopwords, not operators
    assert ids(query_index, "festival atau jakarta") == {"q5"}
    for word in ("and", "Not", "nOT", "Or"):
        q = parse(f"beras {word} impor", SCHEMA)
        assert wq.Term("body", word.lower()) in list(q.leaves()), word
    assert wq.Term("body", "not") not in list(parse("beras NOT impor", SCHEMA).leaves())


def test_plus_requires_a_word_in_long_text(index):
    long = "harga beras naik menjelang lebaran kaspersky"
    assert {"a1", "a2", "a3", "a4"} <= ids(index, long)
    assert ids(index, long.replace("kaspersky", "+kaspersky")) == {"a3", "a4"}


# -- prefixes ------------------------------------------------------------------------------
def test_prefix(index):
    assert ids(index, "kasper*") == {"a3", "a4"}
    assert ids(index, "kaspersky*") == {"a3", "a4"}
    assert {"a2", "a11"} <= ids(index, "pemerint*")  # Pemerintah
    assert ids(index, "zzq*") == set()
    # a prefix that matches nothing is not dropped from an AND
    assert ids(index, "beras zzq*") == set()


def test_prefix_expansion_counts_words_over_all_segments(tmp_path):
    import heapq

    from searcher import SearchIndex
    from searcher.query import PREFIX_MAX_WORDS, expand_prefix

    from .indexing_support import generated_records

    records = generated_records(150, words=40)
    index = SearchIndex.create_or_open(tmp_path / "ix")
    for part in (records[:50], records[50:90], records[90:]):
        index.add_records(part)
    reader = index._searcher().reader()
    assert len(reader.leaf_readers()) == 3
    sizes = []
    for prefix in ("a", "me", "pe", "ber", "di", "ka", "zzq"):
        # what Whoosh's multi-segment reader gives (every word looked up in every segment)
        whole = heapq.nlargest(PREFIX_MAX_WORDS, ((info.doc_frequency(), text.decode("utf-8"))
                                                  for text, info in reader.iter_prefix("exact", prefix)))
        assert expand_prefix(reader, prefix) == [t for _, t in whole], prefix
        sizes.append(len(whole))
    assert max(sizes) == PREFIX_MAX_WORDS and min(sizes) == 0  # cut at the limit; none at all


def test_prefix_matches_are_highlighted(index):
    hit = index.search("antivir*").hits[0]
    marked = hit.snippet.marked("[", "]")
    assert "[antivirus]" in marked


def test_prefix_in_a_field(index):
    assert ids(index, "title:kasper*") == {"a3", "a4"}
    assert ids(index, "title:pasa*") == set()  # pasar is only in bodies
    assert ids(index, "source:tempo*") == {"a2", "a9"}


# -- fields ------------------------------------------------------------------------------
def test_title_and_body_fields(index):
    assert ids(index, "pasar") == {"a1", "a3"}
    assert ids(index, "title:pasar") == set()
    assert ids(index, "body:pasar") == {"a1", "a3"}
    assert ids(index, "title:kaspersky") == {"a3", "a4"}
    assert ids(index, 'title:"suku bunga"') == {"a5"}
    assert ids(index, "title:(merapi OR bandung)") == {"a10", "a11"}
    assert ids(index, "-title:beras beras") == {"a12"}


def test_source_and_category_fields(index):
    assert ids(index, "source:kompas") == {"a1", "a3", "a4", "a10", "a11"}
    assert ids(index, "source:tekno.kompas.com") == {"a3", "a4"}
    assert ids(index, "source:tempo.co beras") == {"a2"}
    assert ids(index, "category:tekno") == {"a3", "a4"}
    assert ids(index, "category:Ekonomi beras") == {"a1", "a2"}
    assert ids(index, "source:kompas OR source:detik.com") == {"a1", "a3", "a4", "a5", "a8",
                                                               "a10", "a11"}
    assert ids(index, "-source:kompas kaspersky") == set()


def test_category_matches_parts_of_a_category(query_index):
    assert ids(query_index, "category:nasional") == {"a12", "q2", "q4"}  # News/Nasional too
    assert ids(query_index, "category:news") == {"q1", "q2"}
    assert ids(query_index, "category:news/nasional") == {"q2"}
    assert ids(query_index, 'category:"tajuk utama"') == {"q3"}
    assert ids(query_index, "category:utama") == {"q3"}
    assert ids(query_index, 'source:"cnn indonesia"') == {"q2"}


def test_filters_apply_in_long_text(index):
    long = "harga beras naik menjelang lebaran kaspersky merapi"
    assert ids(index, long + " source:kompas") == {"a1", "a3", "a4", "a10"}
    assert ids(index, long + " date:2024-07") == {"a3"}
    assert ids(index, long + " category:tekno") == {"a3", "a4"}


def test_unknown_field_names_are_words(index):
    assert parse("foo:bar", SCHEMA) == parse("foo bar", SCHEMA)
    assert ids(index, "tutup:kaspersky") == ids(index, "tutup kaspersky") == {"a3"}
    # index-internal fields are not query fields either
    assert parse("exact:beras", SCHEMA) == parse("exact beras", SCHEMA)
    assert parse("hash:beras", SCHEMA) == parse("hash beras", SCHEMA)


def test_field_names_ignore_case(index):
    assert ids(index, "TITLE:kaspersky") == {"a3", "a4"}


def test_urls_and_colons_in_words(index):
    assert ids(index, "https://tekno.kompas.com/kaspersky-tutup") == set()
    assert ids(index, "18:9") == set()


# -- dates ------------------------------------------------------------------------------
def test_date_terms(index):
    assert ids(index, "date:2024-07") == {"a3", "a5"}
    assert ids(index, "date:2024-07-16") == {"a3"}
    assert ids(index, "date:2019") == {"a6", "a12"}
    assert ids(index, "kaspersky date:2024-06") == {"a4"}
    assert ids(index, "date:2024-06-01..2024-07-16") == {"a3", "a4", "a9"}
    assert ids(index, "date:..2019") == {"a6", "a12"}
    assert ids(index, "date:2024-09..") == {"a8"}
    assert ids(index, "kaspersky -date:2024-07") == {"a4"}
    assert ids(index, "date:2024-07 OR date:2024-09") == {"a3", "a5", "a8"}


def test_date_options_and_sort(index):
    got = index.search("kaspersky", since=datetime(2024, 7, 1), until=datetime(2024, 7, 31))
    assert [h.id for h in got.hits] == ["a3"]
    assert [h.id for h in index.search("kaspersky", sort="oldest").hits] == ["a4", "a3"]
    assert [h.id for h in index.search("kaspersky", sort="newest").hits] == ["a3", "a4"]


@pytest.mark.parametrize("bad", ["date:2024-13", "date:kemarin", "date:2024-07-32",
                                 "date:2024-08..2024-07", "date:.."])
def test_bad_dates_are_query_errors(index, bad):
    with pytest.raises(QueryError) as info:
        index.search(f"beras {bad}")
    assert info.value.position == 6
    assert "date" in str(info.value)


# -- nothing to search -----------------------------------------------------------------------
@pytest.mark.parametrize("query", ["", "   ", "!!!", "()", '""', "* - +", "..."])
def test_no_words_lists_everything_newest_first(index, query):
    results = index.search(query, limit=100)
    assert results.total == 12
    dates = [h.date for h in results.hits if h.date is not None]
    assert dates == sorted(dates, reverse=True)
    assert [h.date for h in index.search(query, limit=100, sort="oldest").hits
            if h.date is not None] == sorted(dates)
    assert parse(query, SCHEMA) is wq.NullQuery


def test_no_words_with_filters(index):
    assert ids(index, "", sources=["tempo.co"]) == {"a2", "a9"}
    assert ids(index, "source:tempo.co") == {"a2", "a9"}


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("query, position, words", [
    ('"harga beras', 0, "quote"),
    ('harga "beras', 6, "quote"),
    ("(harga beras", 0, "'('"),
    ("harga (beras OR (jagung)", 6, "'('"),
    ("harga beras)", 11, "')'"),
    ("beras OR", 6, "OR"),
    ("OR beras", 0, "OR"),
    ("beras OR OR jagung", 6, "OR"),
    ("beras AND", 6, "AND"),
    ("AND beras", 0, "AND"),
    ("beras NOT", 6, "NOT"),
    ("beras (NOT)", 7, "NOT"),
    ("title: beras", 0, "title:"),
    ("beras source:", 6, "source:"),
])
def test_syntax_errors_point_at_the_problem(index, query, position, words):
    with pytest.raises(QueryError) as info:
        index.search(query)
    err = info.value
    assert err.position == position
    assert err.query == query
    assert words in str(err)
    assert f"position {position}" in str(err)
    assert err.hint


def test_long_pasted_text_forgives_stray_syntax(index):
    text = "harga beras di pasar tradisional naik menjelang lebaran"
    for noise in ['"', "(", ")", " OR", "AND ", " NOT", "title: "]:
        results = index.search(noise + text if noise.endswith(" ") else text + noise)
        assert results.hits[0].id == "a1", noise
    assert index.search('BNN) berhasil menangkap jaringan "narkotika internasional').total >= 0


def test_nesting_and_length_limits(index):
    assert ids(index, "(" * MAX_DEPTH + "beras -impor" + ")" * MAX_DEPTH) == {"a1", "a12"}
    with pytest.raises(QueryError, match="nested"):
        index.search("(" * (MAX_DEPTH + 1) + "beras -impor" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(QueryError, match="too long"):
        index.search("beras " * (MAX_QUERY_CHARS // 6 + 1))
    assert index.search("NOT " * 500 + "beras").total == 3  # even count: cancels


def test_cli_shows_a_caret_under_the_problem(tmp_path, mini_index_path):
    result = CliRunner().invoke(cli, ["--index", str(mini_index_path), "search", "harga (beras"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    i = next(k for k, line in enumerate(lines) if line.strip() == "harga (beras")
    assert lines[i + 1] == "  " + " " * 6 + "^"
    assert "unclosed '('" in result.output


def test_cli_caret_for_a_long_query_shows_the_part_around_the_problem(mini_index_path):
    query = "yang " * 30 + "beras date:2024-13"  # stopwords: still a short query
    result = CliRunner().invoke(cli, ["--index", str(mini_index_path), "search", query])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    caret = next(k for k, line in enumerate(lines) if line.strip() == "^")
    column = lines[caret].index("^")
    assert lines[caret - 1][column:].startswith("date:2024-13")


# -- helpers -----------------------------------------------------------------------------------
def test_query_words_are_the_searched_words_with_offsets():
    text = 'Kaspersy "suku bunga" -impor source:kompas title:antivirus NOT rusia'
    words = query_words(text)
    assert [w.text for w in words] == ["Kaspersy", "suku", "bunga", "antivirus"]
    assert all(text[w.start:w.end] == w.text for w in words)


def test_parse_without_a_reader_still_works():
    q = parse("kasper* category:tekno", SCHEMA)
    assert {type(t) for t in q.leaves()} >= {wq.Prefix}
