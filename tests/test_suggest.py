"""Did you mean: corrected queries from the index's own words."""

from __future__ import annotations

import json
from datetime import datetime

from click.testing import CliRunner

from searcher import Article, SearchIndex
from searcher.cli import cli
from searcher.suggest import COMMON_DF, SUGGEST_BELOW, correct


def test_a_misspelt_word_is_corrected(read_only_mini_index):
    results = read_only_mini_index.search("kaspersy")
    assert results.total == 0
    assert results.suggestion == "kaspersky"
    assert read_only_mini_index.search(results.suggestion).total == 2


def test_each_word_is_corrected_on_its_own_and_keeps_its_case(read_only_mini_index):
    assert read_only_mini_index.search("Kaspersy antivirus").suggestion == "Kaspersky antivirus"
    assert read_only_mini_index.search("kaspersy antivirs").suggestion == "kaspersky antivirus"
    assert read_only_mini_index.search("KASPERSY").suggestion == "KASPERSKY"


def test_syntax_around_the_words_is_kept(read_only_mini_index):
    got = read_only_mini_index.search('"antivirus kaspersy" -lebaran source:kompas')
    assert got.suggestion == '"antivirus kaspersky" -lebaran source:kompas'
    assert read_only_mini_index.search("title:kaspersy").suggestion == "title:kaspersky"


def test_two_edits_for_longer_words_one_for_short_ones(read_only_mini_index):
    assert read_only_mini_index.search("kasprsy").suggestion == "kaspersky"  # two edits
    assert read_only_mini_index.search("bxrs").suggestion is None  # 4 letters: one edit at most
    assert read_only_mini_index.search("beraz").suggestion == "beras"


def test_swapped_letters_are_one_edit(read_only_mini_index):
    assert read_only_mini_index.search("pemerintha").suggestion == "pemerintah"


def test_the_more_frequent_of_equally_close_words_wins(query_index):
    # "pasur" is one edit from both "pasar" (2 articles) and "pasir" (1 article)
    assert query_index.search("pasur").suggestion == "pasar"
    reader = query_index._searcher().reader()
    assert correct(reader, "pasur") == "pasar"


def test_no_suggestion_when_words_are_known_or_nothing_is_close(read_only_mini_index):
    assert read_only_mini_index.search("kaspersky").suggestion is None
    assert read_only_mini_index.search("qqqzzzxxx").suggestion is None
    assert read_only_mini_index.search("yang").suggestion is None
    assert read_only_mini_index.search("").suggestion is None
    # known words that just do not occur together: nothing to correct
    got = read_only_mini_index.search("kaspersky merapi source:tempo.co")
    assert got.total < SUGGEST_BELOW and got.suggestion is None


def test_only_a_suggestion_that_finds_more(read_only_mini_index):
    # kaspersky is only in tekno.kompas.com articles: the correction finds nothing more
    assert read_only_mini_index.search("kaspersy", sources=["tempo.co"]).suggestion is None
    assert read_only_mini_index.search("kaspersy", sources=["tekno.kompas.com"]).suggestion \
        == "kaspersky"


def test_a_typo_next_to_a_common_word_is_still_corrected(read_only_mini_index):
    # "rusia" alone finds articles, but not together with the misspelt word
    got = read_only_mini_index.search("kaspersy rusia")
    assert got.suggestion == "kaspersky rusia"


def test_json_and_terminal_output(mini_index_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["--index", str(mini_index_path), "search", "kaspersy", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["suggestion"] == "kaspersky"
    out = runner.invoke(cli, ["--index", str(mini_index_path), "search", "kaspersky", "--json"])
    assert json.loads(out.output)["suggestion"] is None
    out = runner.invoke(cli, ["--index", str(mini_index_path), "search", "kaspersy"])
    assert "Did you mean: kaspersky?" in out.output


def test_common_words_made_few_by_a_filter_read_no_word_list(tmp_path):
    from searcher import vocabulary

    index = SearchIndex.create_or_open(tmp_path / "index")
    index.add([Article(id=f"b{i}", title=f"Banjir melanda kampung {i}", body="Warga mengungsi.",
                       date=datetime(2020, 1 + i % 12, 1 + i % 28)) for i in range(COMMON_DF + 20)])
    vocabulary._generations.clear()
    few = index.search("banjir date:2020-01-01")
    assert 0 < few.total < SUGGEST_BELOW and few.suggestion is None
    assert not vocabulary._generations  # "banjir" is common: no word list was read
    typo = index.search("banjr date:2020-01-01")
    assert typo.suggestion == "banjir date:2020-01-01"
    assert vocabulary._generations
