"""Property: no query string, however odd, makes a search fail with anything but QueryError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searcher.errors import QueryError
from searcher.query import parse
from searcher.results import SearchResults
from searcher.schema import build_schema

SCHEMA = build_schema()

#: pieces of the query language and things that look like it
PIECES = ['"', "(", ")", "-", "+", "*", ":", "..", "AND", "OR", "NOT", "and", "or", "not",
          "title:", "body:", "source:", "category:", "date:", "foo:", "exact:", "hash:",
          "date:2024-07", "date:2024-07-01..2024-07-15", "date:..2019", "date:2024-13",
          "beras", "kasper*", "kaspersy", "yang", "di", "dan", "atau", "harga", "-impor",
          "pemerint*", "*", "?", "~", "^2", "[a TO b]", "{}", "\\", "'", "’", "“", "”",
          "https://kompas.com/x", "18:9", "Rp2,8", "e-KTP", "COVID-19", "\x00", "\t", "\n",
          "\u200b", "ẞ", "İ", "𝔸", "🙂", "٣", "a" * 60]

pieces = st.sampled_from(PIECES) | st.text(max_size=6)
soup = st.lists(pieces, max_size=30).flatmap(
    lambda parts: st.sampled_from([" ", "", "  "]).map(lambda sep: sep.join(parts)))
long_repeat = st.builds(lambda part, n: part * n, st.sampled_from(PIECES) | st.text(min_size=1),
                        st.integers(1, 400))
queries = st.text(max_size=300) | soup | long_repeat


@settings(max_examples=300, deadline=None)
@given(queries)
def test_parse_raises_only_query_errors(text):
    try:
        parse(text, SCHEMA)
    except QueryError as err:
        assert str(err)
        assert err.position is None or 0 <= err.position <= len(text)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_search_raises_only_query_errors(read_only_mini_index, text):
    try:
        results = read_only_mini_index.search(text, limit=5, facets=True)
    except QueryError as err:
        assert str(err) and err.hint
        assert err.position is None or 0 <= err.position <= len(text)
        return
    assert isinstance(results, SearchResults)
    assert 0 <= len(results.hits) <= min(5, results.total)
    assert len({h.id for h in results.hits}) == len(results.hits)
    # every mini article has a source: facet counts add up to the total
    assert sum(results.facets["source"].values()) == results.total
    results.to_dict()
