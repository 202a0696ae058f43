"""Ranking: pinned orders on a small fixed corpus, and the fast path against the reference.

The corpus is tests/fixtures/mini.jsonl plus tests/fixtures/ranking.jsonl (articles
written for these tests: a wire story at two outlets, an untitled article among
titled ones, a phrase against scattered words, full against partial coverage).
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from searcher import Article, SearchIndex
from searcher.ranking import RankingParams
from searcher.ranking.postings import read_postings
from searcher.ranking.ranker import plain_query
from searcher.ranking.reference import reference_ranking
from searcher.ranking.scorer import score_query
from searcher.ranking.view import IndexView

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "ranking.md"


@pytest.fixture(scope="module")
def _ranking_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ranking") / "index"
    index = SearchIndex.create_or_open(path)
    report = index.index_paths([FIXTURES / "mini.jsonl", FIXTURES / "ranking.jsonl"])
    assert report.added == 22
    return path


@pytest.fixture
def index(_ranking_template: Path, tmp_path: Path) -> SearchIndex:
    target = tmp_path / "ranking-index"
    shutil.copytree(_ranking_template, target)
    return SearchIndex(target)


def ids(results) -> list[str]:
    return [h.id for h in results.hits]


# -- pinned rankings ---------------------------------------------------------------------
def test_exact_form_is_preferred_over_the_bare_stem(index):
    # "pemerintah" and "perintah" share the stem "perintah"; the form typed wins
    assert sorted(ids(index.search("pemerintah"))[:2]) == ["a11", "a2"]
    assert ids(index.search("perintah"))[0] == "a10"
    off = RankingParams(exact_weight=0)
    assert ids(index.search("pemerintah", ranking=off))[0] != "a11" or \
        index.search("pemerintah", ranking=off).hits[0].score < index.search("pemerintah").hits[0].score


def test_coordination_ranks_documents_with_more_of_the_words_first(index):
    # a long query (OR): c1 has all six words once, c2 repeats only two of them
    query = "gelombang angin laporan pelabuhan cuaca nelayan"
    results = index.search(query)
    assert ids(results)[:2] == ["c1", "c2"]
    with_coord = results.hits[1].score / results.hits[0].score
    without = index.search(query, ranking=RankingParams(coord_power=0))
    assert with_coord < without.hits[1].score / without.hits[0].score


def test_untitled_article_is_not_buried_under_title_matches(index):
    results = index.search("banjir bandang garut jembatan desa lumpur")
    assert ids(results)[0] == "u1"
    assert results.hits[0].title is None
    # its body counts as much as a titled article's title and body together
    boosted = index.search("banjir garut").hits
    plain = index.search("banjir garut", ranking=RankingParams(untitled_boost=0)).hits
    assert boosted[0].id == "u1" and boosted[0].score > plain[0].score


def test_adjacent_words_outrank_scattered_ones(index):
    # p2 has "suku" twice and "bunga" once, never side by side; p1 has the pair once
    results = index.search("suku bunga")
    order = ids(results)
    assert order[0] == "a5"  # the phrase in title and body
    assert order.index("p1") < order.index("p2")
    no_pairs = ids(index.search("suku bunga", ranking=RankingParams(pair_weight=0)))
    assert no_pairs.index("p2") < no_pairs.index("p1")


def test_pairs_come_from_the_headline_and_opening_only(tmp_path):
    """Neighbouring words count as a phrase (a pair term) among the first PAIR_TOKENS
    tokens; the same two words side by side deep in a long article do not."""
    from searcher import SearchIndex
    from searcher.ranking.fields import PAIR_TOKENS

    filler = " ".join(f"kata{i} lain{i}" for i in range(PAIR_TOKENS))  # 2 × PAIR_TOKENS tokens
    ix = SearchIndex.create(tmp_path / "ix")
    ix.add_records([
        {"id": "early", "title": "Laporan", "body": f"Suku bunga naik lagi. {filler}"},
        {"id": "late", "title": "Laporan", "body": f"{filler} Suku bunga naik lagi."},
    ])
    reader = ix._searcher().reader()
    early, late = (ix._searcher().document_number(id=i) for i in ("early", "late"))
    assert sorted(reader.postings("exact", "~suku bunga").all_ids()) == [early]
    # the words themselves are indexed wherever they stand
    assert sorted(reader.postings("exact", "bunga").all_ids()) == sorted([early, late])
    assert ids(ix.search("suku bunga", group_duplicates=False)) == ["early", "late"]


def test_near_duplicates_are_grouped_under_the_best_hit(index):
    results = index.search("gempa cianjur")
    assert results.total == 3
    assert ids(results) == ["r3", "r1"]
    assert results.hits[1].duplicates == ("r2",)
    assert results.hits[0].duplicates == ()
    ungrouped = index.search("gempa cianjur", group_duplicates=False)
    assert ids(ungrouped) == ["r3", "r1", "r2"]
    assert all(h.duplicates == () for h in ungrouped.hits)
    assert index.get("r2").source == "kompas.com"  # the duplicate stays reachable


def test_grouping_keeps_pages_disjoint_and_full(index):
    query = "gempa OR banjir OR beras OR kaspersky OR pemerintah"
    everything = index.search(query, limit=100)
    seen = []
    for page in (1, 2, 3):
        hits = index.search(query, limit=3, page=page).hits
        assert [h.rank for h in hits] == list(range(3 * page - 2, 3 * page + 1))[:len(hits)]
        seen += [h.id for h in hits]
    assert seen == ids(everything)[:len(seen)]
    assert len(seen) == len(set(seen)) == 9


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("query", ["", "gempa OR banjir OR beras OR kaspersky OR pemerintah"])
def test_date_sorted_pages_are_disjoint_full_and_grouped(index, query, sort):
    """Grouping looks only as deep as the page needs, in date order too."""
    everything = index.search(query, limit=100, sort=sort)
    assert "r2" not in ids(everything) or "r1" not in ids(everything)  # the wire story is grouped
    seen = []
    for page in (1, 2, 3):
        seen += [h.id for h in index.search(query, limit=3, page=page, sort=sort).hits]
    assert seen == ids(everything)[:len(seen)]
    assert len(seen) == len(set(seen)) == 9
    dates = [h.date for h in everything.hits if h.date is not None]
    assert dates == sorted(dates, reverse=(sort == "newest"))


def test_short_query_requires_all_words_then_falls_back(index):
    assert index.search("harga beras").total == 2
    fallback = index.search("harga beras xyzzyq")
    assert ids(fallback)[:2] == ["a1", "a2"]


def test_complex_queries_match_like_whoosh_and_rank_by_the_scorer(index):
    results = index.search('"suku bunga"')
    assert set(ids(results)) == {"a5", "p1"}
    assert ids(index.search("gempa -sekolah")) == []
    assert ids(index.search("kaspersky", sort="oldest")) == ["a4", "a3"]
    both = index.search("beras OR kaspersky", limit=20)
    assert set(ids(both)) == {"a1", "a2", "a12", "a3", "a4"}
    assert [h.score for h in both.hits] == sorted((h.score for h in both.hits), reverse=True)


# -- fast path == reference ----------------------------------------------------------------
def _fast(view, reader, text, params, need):
    q = plain_query(text)[0]
    scored = score_query(view, reader, q, params, need=need)
    return sorted(zip(scored.ids.tolist(), scored.scores.tolist()), key=lambda kv: (-kv[1], kv[0]))


PARAMS = [RankingParams(), RankingParams(untitled_boost=0, exact_weight=0, pair_weight=0),
          RankingParams(k1=0.9, title_weight=3, title_b=0.8, body_b=0.4, coord_power=2,
                        pair_k1=0.5, exact_weight=1)]


@pytest.mark.parametrize("params", PARAMS)
def test_fast_path_equals_the_reference(index, params):
    index.delete(["a6", "c2"])  # deletions must be honoured by both
    index.add([Article(id="late", title="Harga Beras Turun", body="Harga beras di pasar turun.")])
    searcher = index._searcher()
    reader = searcher.reader()
    assert len(reader.leaf_readers()) >= 2  # several segments
    view = IndexView(reader)
    words = sorted({w.lower() for line in (FIXTURES / "ranking.jsonl").read_text().splitlines()
                    for w in re.findall(r"[A-Za-z]{4,}", line)})
    rng = random.Random(7)
    queries = ["pemerintah", "harga beras", "suku bunga acuan", "gempa cianjur warga rumah",
               "banjir bandang garut", "yang di dan"]
    queries += [" ".join(rng.sample(words, rng.randint(1, 8))) for _ in range(25)]
    for text in queries:
        for need in (1, 2):
            fast = _fast(view, reader, text, params, need)
            ref = reference_ranking(reader, plain_query(text)[0], params, need=need)
            assert [d for d, _ in fast] == [d for d, _ in ref], text
            np.testing.assert_allclose([s for _, s in fast], [s for _, s in ref], rtol=1e-9)


def test_block_decoding_reads_every_posting(tmp_path):
    # more than one 128-posting block, with gaps in the document numbers
    index = SearchIndex.create(tmp_path / "blocks")
    articles = [Article(id=f"d{i}", title=f"Judul {i}",
                        body=("sawit " * (1 + i % 5) if i % 3 else "kopi ") + f"kata{i}")
                for i in range(700)]
    index.add(articles)
    reader = index._searcher().reader()
    (segment, _), = reader.leaf_readers()
    for term in ("sawit", "kopi", "judul", "kata17"):
        ids, weights = read_postings(segment, "body" if term != "judul" else "title", term)
        m = reader.postings("body" if term != "judul" else "title", term)
        expect = list(m.items_as("weight"))
        assert ids.tolist() == [d for d, _ in expect]
        assert weights.tolist() == [w for _, w in expect]
    assert len(read_postings(segment, "body", "sawit")[0]) > 256


# -- documentation -------------------------------------------------------------------------
def test_every_parameter_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    for name, _, _ in RankingParams.describe():
        assert f"`{name}`" in text, name


def test_unknown_parameter_is_refused():
    with pytest.raises(ValueError, match="unknown ranking parameter"):
        RankingParams().replace(nope=1)


def test_pruning_keeps_the_first_page_of_long_queries(index):
    # more than prune_min_terms distinct words, several of them in most documents
    query = ("pemerintah harga beras naik pasar jakarta gempa cianjur warga rumah "
             "sekolah banjir desa")
    pruned = index.search(query, limit=5)
    full = index.search(query, limit=5, exhaustive=True)
    assert ids(pruned) == ids(full)
    assert pruned.total <= full.total


def test_memory_reader_reads_like_a_file():
    import io
    import pickle

    from searcher.ranking.whoosh_io import MemoryReader

    data = pickle.dumps({"a": [1, 2, 3]}, 2) + b"line one\nline two\n" + bytes(range(40))
    ours, theirs = MemoryReader(memoryview(data)), io.BytesIO(data)
    assert pickle.load(ours) == pickle.load(theirs)
    assert ours.tell() == theirs.tell()
    assert ours.readline() == theirs.readline() == b"line one\n"
    ours.seek(-5, 2)
    theirs.seek(-5, 2)
    assert ours.read() == theirs.read()
    ours.seek(3)
    buf = bytearray(4)
    assert ours.readinto(buf) == 4 and bytes(buf) == data[3:7]
    assert ours.read(0) == b"" and ours.seek(1, 1) == 8


# -- local discrimination (long queries) --------------------------------------------------
STORY = [
    Article(id="t1", title="Purbaya Pecat 26 Pegawai Pajak Nakal",
            body="Menteri Keuangan Purbaya memecat 26 pegawai pajak yang bekerja sama dengan wajib "
                 "pajak untuk mengurangi tagihan. Sistem Coretax disiapkan agar kebocoran "
                 "penerimaan negara tidak terulang."),
    Article(id="t2", title="Purbaya Bongkar Modus Pegawai Pajak dan Wajib Pajak",
            body="Menteri Keuangan Purbaya membongkar modus pegawai pajak yang bekerja sama dengan "
                 "wajib pajak. Modus itu membuat tagihan pajak lebih rendah. Purbaya menyebut "
                 "pegawai pajak dan wajib pajak membagi keuntungan dari tagihan yang dikurangi."),
    Article(id="f1", title="Harga Beras Naik", body="Harga beras di pasar naik menjelang akhir tahun."),
    Article(id="f2", title="Banjir Rendam Garut", body="Banjir bandang merendam ratusan rumah di Garut."),
    Article(id="f3", title="Timnas Menang", body="Timnas Indonesia menang dua gol tanpa balas."),
    Article(id="f4", title="Menteri Kunjungi Pasar", body="Menteri Perdagangan memantau harga di pasar."),
]


def test_words_that_tell_a_storys_articles_apart_decide_their_order(tmp_path: Path):
    """Two articles on one story: the summary's words both share count little between
    them; the one holding the summary's distinctive words (26, dipecat, Coretax) wins."""
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add(STORY)
    summary = ("Purbaya ungkap modus pegawai pajak bersama wajib pajak membagi keuntungan dari "
               "tagihan pajak yang dikurangi dan lebih rendah, 26 pegawai dipecat, Coretax disiapkan")

    def scores(weight: float) -> dict[str, float]:
        hits = index.search(summary, ranking=RankingParams(local_weight=weight)).hits
        return {h.id: h.score for h in hits}

    off, on, strong = scores(0.0), scores(RankingParams().local_weight), scores(10.0)
    assert max(off, key=off.get) == "t2"  # shared words repeated more often win without it
    assert on["t1"] - off["t1"] > on["t2"] - off["t2"] > 0  # the distinctive words gain more
    assert max(strong, key=strong.get) == "t1"  # and decide the order when they dominate
    short = index.search("pegawai pajak", ranking=RankingParams(local_weight=0))
    assert [h.score for h in short.hits] == [h.score for h in index.search("pegawai pajak").hits]


# -- short queries: titles and freshness ---------------------------------------------------
def _topic_corpus() -> list[Article]:
    def art(i: str, body: str, date: datetime | None, title: str | None = None) -> Article:
        return Article(id=i, title=title, body=body, date=date)

    return [
        # three equally good body matches (same words, counts and lengths) of different ages
        art("new", "Banjir merendam rumah warga di desa Sukamaju sejak pagi hari.",
            datetime(2025, 10, 20)),
        art("old", "Banjir merendam rumah warga di desa Sukamulya sejak pagi hari.",
            datetime(2019, 9, 18)),
        art("undated", "Banjir merendam rumah warga di desa Sukasari sejak pagi hari.", None),
        # an old article about the topic: the word in its title
        art("titled", "Air merendam rumah warga di desa Cibeureum sejak pagi hari.",
            datetime(2019, 9, 1), title="Banjir di Cibeureum"),
        # the newest date in the index: ages count from here, not from today
        art("newest", "Pasar murah digelar di alun-alun kota.", datetime(2025, 11, 30)),
    ]


def test_short_queries_prefer_newer_articles_among_equal_matches(tmp_path: Path):
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add(_topic_corpus())
    off = {h.id: h.score for h in index.search("banjir", ranking=RankingParams(recency_weight=0)).hits}
    assert off["new"] == pytest.approx(off["old"]) == pytest.approx(off["undated"])
    hits = index.search("banjir").hits
    assert [h.id for h in hits] == ["titled", "new", "old", "undated"]
    on = {h.id: h.score for h in hits}
    p = RankingParams()
    age = (datetime(2025, 11, 30) - datetime(2025, 10, 20)).days
    assert on["new"] / off["new"] == pytest.approx(1 + p.recency_weight * 2 ** (-age / p.recency_days))
    assert 1 < on["old"] / off["old"] < on["new"] / off["new"]
    assert on["undated"] == pytest.approx(off["undated"])  # no date, no bonus


def test_short_queries_weigh_titles_with_short_title_weight(tmp_path: Path):
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add(_topic_corpus())

    def scores(query: str, **change: float) -> dict[str, float]:
        return {h.id: h.score for h in index.search(query, ranking=RankingParams(**change)).hits}

    default, low = scores("banjir"), scores("banjir", short_title_weight=4)
    assert max(default, key=default.get) == "titled"  # older, but about the topic
    assert default["titled"] / default["new"] > low["titled"] / low["new"] > 1
    assert default["new"] == low["new"]  # body matches do not depend on it
    long_query = "banjir merendam rumah warga desa pagi hari Cibeureum"
    assert scores(long_query) == scores(long_query, short_title_weight=4)


def test_long_queries_ignore_freshness(tmp_path: Path):
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add(_topic_corpus())
    query = "banjir merendam rumah warga desa pagi hari Sukamulya"
    on = [(h.id, h.score) for h in index.search(query).hits]
    off = [(h.id, h.score) for h in index.search(query, ranking=RankingParams(recency_weight=0)).hits]
    assert on == off and on[0][0] == "old"


def test_grouping_read_in_steps_equals_grouping_read_at_once(tmp_path: Path):
    """Clusters of four copies of a story (a different closing line each): a page of k
    groups must look 4k deep, doubling its depth; the groups it finds step by step are
    the groups of the whole list read at once."""
    from searcher.ranking.duplicates import DuplicateFinder

    from .indexing_support import sample_records

    stories = [r for r in sample_records(40, words=80) if len(str(r.get("body", "")).split()) >= 60][:6]
    articles = [Article(id=f"s{s}-c{c}", title=str(rec["title"]),
                        body=f"{rec['body']} Penutup versi {c} dari redaksi {c}.",
                        source=f"outlet{c}.id")
                for s, rec in enumerate(stories) for c in range(4)]
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add(articles)
    query = "redaksi"  # in every closing line
    everything = index.search(query, limit=100, group_duplicates=False)
    assert everything.total == len(articles)
    grouped = index.search(query, limit=100)
    assert len(grouped.hits) == len(stories)
    assert all(len(h.duplicates) == 3 for h in grouped.hits)
    for limit in range(1, len(stories) + 1):  # (a page's last hits may list fewer duplicates:
        page = index.search(query, limit=limit)  # grouping reads only as deep as the page needs)
        assert [h.id for h in page.hits] == [h.id for h in grouped.hits[:limit]]

    searcher = index._searcher()
    view = IndexView(searcher.reader())
    ids = np.flatnonzero(view.signatures.any(axis=1))
    assert len(ids) == len(articles)
    order = list(range(len(ids)))
    random.Random(7).shuffle(order)
    finder = DuplicateFinder(view, searcher)
    at_once = finder.grouping(ids).extend(order)
    grouping = finder.grouping(ids)
    for depth in (1, 2, 5, 11, len(order)):
        steps = grouping.extend(order[:depth])
    assert steps == at_once
    assert len(at_once) == len(stories)


def test_the_shared_posting_cache_grows_with_the_largest_index_opened(index, monkeypatch: pytest.MonkeyPatch):
    from searcher.ranking import view as view_module
    from searcher.ranking.postings import PostingCache

    cache = PostingCache(10)
    cache.reserve(5)
    assert cache.max_postings == 10  # never lowered
    cache.reserve(50)
    assert cache.max_postings == 50

    shared = view_module.shared_posting_cache()
    before = shared.max_postings
    monkeypatch.setattr(view_module, "CACHE_POSTINGS_PER_DOC", before)  # a bound per document
    try:
        searcher = index._searcher()
        n_all = IndexView(searcher.reader()).n_all
        assert shared.max_postings == before * n_all
        IndexView(searcher.reader(), cache=cache)  # a cache of its own is left alone
        assert cache.max_postings == 50
    finally:
        shared.max_postings = before


@pytest.mark.parametrize("tiered", [False, True], ids=["one-tier", "pruned"])
def test_relevance_order_of_the_first_k_equals_a_full_sort(tiered: bool):
    """Ranking sorts only what the page needs: the same order as sorting every candidate
    by (tier, descending score, id), ties at every cut included."""
    from searcher.ranking.ranker import _order
    from searcher.ranking.scorer import Scored

    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(1, 400))
        ids = np.sort(rng.choice(100_000, size=n, replace=False))
        scores = rng.integers(0, 12, size=n).astype(float)  # many ties
        tier = None
        if tiered:
            tier = np.ones(n, dtype=np.int8)
            tier[rng.choice(n, size=min(n, int(rng.integers(0, 120))), replace=False)] = 0
        scored = Scored(ids=ids, scores=scores, counts=np.ones(n, dtype=np.int32), tier=tier)
        full = np.lexsort((ids, -scores) if tier is None else (ids, -scores, tier))
        for k in (1, 5, 25, 100, 250, n, None):
            assert _order(None, None, scored, "relevance", k).tolist() == full[:k].tolist()


def test_dates_are_read_in_bulk_as_whoosh_reads_them_one_by_one(index):
    from whoosh.util.times import datetime_to_long

    from searcher.ranking.view import NO_DATE

    index.add([Article(id="undated", title="Tanpa tanggal", body="Berita tanpa tanggal terbit."),
               Article(id="old", title="Lama", body="Berita lama.", date=datetime(1999, 12, 31, 23, 59))])
    index.delete(["a6"])
    reader = index._searcher().reader()
    assert len(reader.leaf_readers()) >= 2
    view = IndexView(reader)
    expected = []
    for docnum in range(reader.doc_count_all()):
        stored = reader.stored_fields(docnum)  # deleted documents too: the view covers them
        value = stored.get("date")
        expected.append(NO_DATE if value is None else datetime_to_long(value))
    assert view.dates(reader).tolist() == expected
    assert NO_DATE in expected and len(set(expected)) > 3  # dated and undated documents


def test_date_ranges_match_the_documents_whoosh_finds(index):
    from whoosh import query as wq

    from searcher.ranking.matching import match_mask

    index.add([Article(id="undated", title="Tanpa tanggal", body="Berita tanpa tanggal terbit."),
               Article(id="edge", title="Tepat", body="Berita tepat.", date=datetime(2024, 7, 1))])
    index.delete(["a6"])
    searcher = index._searcher()
    reader = searcher.reader()
    view = IndexView(reader)
    dates = sorted({d for d in (reader.stored_fields(n).get("date") for n in reader.all_doc_ids()) if d})
    assert len(dates) > 5
    bounds = [None, datetime(1990, 1, 1), datetime(2100, 1, 1), datetime(2024, 7, 1), *dates[::3]]
    checked = 0
    for start in bounds:
        for end in bounds:
            for startexcl, endexcl in ((False, False), (True, False), (False, True), (True, True)):
                q = wq.DateRange("date", start, end, startexcl=startexcl, endexcl=endexcl)
                expected = sorted(searcher.docs_for_query(q))
                got = np.flatnonzero(match_mask(view, searcher, q)).tolist()
                assert got == expected, q
                checked += bool(expected)
    assert checked > 50
    # the undated document is in no range, also not in an open one
    assert "undated" not in ids(index.search("date:1900.."))
    assert "edge" in ids(index.search("tepat date:2024-07-01"))


def test_resemblance_is_the_jaccard_of_the_shingle_sets():
    from searcher.ranking.duplicates import SHINGLE, fingerprint, resemblance, resemblances

    def shingles(text: str) -> set:
        words = text.lower().split()
        return {tuple(words)} if len(words) < SHINGLE else set(zip(words, words[1:], words[2:]))

    rng = random.Random(3)
    pool = "harga beras naik di pasar induk kata pedagang Jakarta pada Senin pagi".split()
    texts = ["", "beras", "harga beras", "harga beras naik"]
    for _ in range(60):
        base = rng.choices(pool, k=rng.randint(3, 60))
        texts.append(" ".join(base))
        edited = list(base)
        for _ in range(rng.randint(0, 4)):  # a near-copy: a few words changed
            edited[rng.randrange(len(edited))] = rng.choice(pool).upper()
        texts.append(" ".join(edited))
    for a in texts:
        fa = fingerprint(a)
        assert fa.tolist() == sorted({hash(s) for s in shingles(a)})
        for b in texts[::5]:
            sa, sb = shingles(a), shingles(b)
            assert resemblance(fa, fingerprint(b)) == pytest.approx(len(sa & sb) / len(sa | sb))
        others = [fingerprint(b) for b in texts[::3]]
        assert resemblances(fa, others).tolist() == [resemblance(fa, fb) for fb in others]


def test_doc_ids_come_from_the_id_column_as_stored(index):
    from searcher.ranking import view as view_module

    index.add([Article(id="baru", title="Baru", body="Berita baru.")])
    index.delete(["a6"])
    reader = index._searcher().reader()
    assert len(reader.leaf_readers()) >= 2
    view = IndexView(reader)
    for docnum in range(reader.doc_count_all()):  # deleted documents too
        assert view.doc_id(reader, docnum) == reader.stored_fields(docnum)["id"]
    assert all(view_module._id_column(leaf) is not None for leaf, _ in reader.leaf_readers())


def test_union_of_sorted_document_lists():
    from searcher.ranking.scorer import union_sorted

    rng = np.random.default_rng(5)
    for n, m in [(0, 0), (0, 7), (7, 0), (1, 1), (50, 3), (3, 50), (2000, 2000), (5000, 40)]:
        for dtype in (np.int32, np.int64):
            a = np.sort(rng.choice(10_000, n, replace=False)).astype(dtype)
            b = np.sort(rng.choice(10_000, m, replace=False)).astype(dtype)
            if n and m:  # some shared, some past either end
                b = np.union1d(b, [a[0], a[-1], 10_001]).astype(dtype)
            got = union_sorted(a, b)
            assert got.tolist() == sorted(set(a.tolist()) | set(b.tolist()))


def test_resemblances_at_once_group_as_one_by_one(tmp_path: Path, monkeypatch):
    """A series of template articles (a daily price report: the same sentences, other
    figures) shares signature values without being near-identical, so each article has
    many candidate leaders; copies of some reports are near-identical. Computing a
    document's resemblances at once (from BATCH_FROM candidates) groups as one by one."""
    from searcher.ranking import duplicates
    from searcher.ranking.duplicates import DuplicateFinder

    template = ("Harga emas Antam hari ini {d} di Butik Emas Logam Mulia Pulogadung Jakarta "
                "tercatat Rp{p} per gram naik Rp{c} dibandingkan hari sebelumnya. Harga buyback "
                "emas Antam hari ini juga tercatat Rp{b} per gram. Harga emas dalam pecahan "
                "lainnya ikut berubah mengikuti harga dasar emas batangan satu gram hari ini. "
                "Pembelian emas batangan dikenai pajak penghasilan sesuai ketentuan yang berlaku.")
    articles = []
    for d in range(1, 31):
        body = template.format(d=f"{d} Juli", p=2_000_000 + 1000 * d, c=1000 + d, b=1_800_000 + 900 * d)
        articles.append(Article(id=f"emas-{d}", title=f"Harga emas {d} Juli", body=body))
        if d % 5 == 0:  # the same report at another outlet
            articles.append(Article(id=f"emas-{d}-salinan", title=f"Emas {d} Juli", body=body + " Sumber."))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.add(articles)
    searcher = index._searcher()
    view = IndexView(searcher.reader())
    finder = DuplicateFinder(view, searcher)
    ids = np.flatnonzero(view.signatures.any(axis=1))
    order = list(range(len(ids)))
    random.Random(3).shuffle(order)
    groupings = {}
    for batch_from in (10**9, 1, 4):
        monkeypatch.setattr(duplicates, "BATCH_FROM", batch_from)
        groupings[batch_from] = finder.grouping(ids).extend(order)
    assert groupings[1] == groupings[10**9] == groupings[4]
    assert sum(len(g) == 2 for g in groupings[1]) == 6  # each copy with its report
    assert len(groupings[1]) == 30
    # and the series really has many candidates per article
    counts = []
    grouping = finder.grouping(ids)
    grouping.extend(order)
    for value, holders in grouping.holders.items():
        counts.append(len(holders))
    assert max(counts) >= 10
