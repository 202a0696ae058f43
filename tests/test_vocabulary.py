"""The index's word list for did-you-mean, read in bulk from each segment's term index.

Whoosh's own look-ups are the reference: every figure here must be what
``reader.doc_frequency`` and ``reader.terms_within`` say, over several segments.
"""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from searcher import SearchIndex
from searcher.facets import matching_docnums
from searcher.suggest import LEXICON_FIELD
from searcher.vocabulary import Vocabulary

ARTICLES = [
    {"id": "v1", "title": "Harga beras naik", "body": "Harga beras di pasar naik menjelang Lebaran."},
    {"id": "v2", "title": "Kaspersky diblokir", "body": "Perusahaan antivirus Kaspersky diblokir di AS."},
    {"id": "v3", "title": "Café di Bandung", "body": "Sebuah café baru dibuka, harga kopi naik."},
    {"id": "v4", "title": "Pemerintah impor beras", "body": "Pemerintah mengimpor beras dari Thailand."},
    {"id": "v5", "title": "Erupsi Merapi", "body": "Gunung Merapi erupsi lagi, warga pasar mengungsi."},
]


@pytest.fixture
def three_segments(tmp_path) -> SearchIndex:
    index = SearchIndex.create(tmp_path / "ix")
    for part in (ARTICLES[:2], ARTICLES[2:4], ARTICLES[4:]):  # one commit, one segment each
        index.add_records(part)
    return index


def whoosh_words(reader) -> set[str]:
    return {w.decode("utf-8") for w in reader.lexicon(LEXICON_FIELD) if not w.startswith(b"~")}


def test_three_segments_are_really_three(three_segments):
    assert len(three_segments._searcher().reader().leaf_readers()) == 3


def test_frequencies_are_whooshs_for_every_word_and_zero_for_others(three_segments):
    reader = three_segments._searcher().reader()
    vocab = Vocabulary(reader, LEXICON_FIELD)
    words = whoosh_words(reader)
    assert {"beras", "kaspersky", "café", "merapi"} <= words
    for word in words:
        assert vocab.doc_frequency(word) == reader.doc_frequency(LEXICON_FIELD, word), word
    assert vocab.doc_frequency("beras") == 2 and vocab.doc_frequency("harga") == 2
    pair = next(w.decode() for w in reader.lexicon(LEXICON_FIELD) if w.startswith(b"~"))
    assert vocab.doc_frequency(pair) == 0  # pair terms are not words
    assert vocab.doc_frequency("tidakada") == 0
    assert vocab.most_frequent(["pasar", "beras", "zzz"]) == (2, "pasar")  # ties: larger word
    assert vocab.most_frequent(["zzz"]) == (0, "")


def test_words_within_match_whooshs_automaton_over_every_segment(three_segments):
    reader = three_segments._searcher().reader()
    vocab = Vocabulary(reader, LEXICON_FIELD)
    for word, dist, prefix in [("kasprsky", 2, 2), ("beraz", 1, 0), ("pasr", 2, 1),
                               ("cafe", 1, 0), ("hrga", 2, 0), ("qqqq", 2, 2)]:
        expected = set()
        for leaf, _ in reader.leaf_readers():
            expected.update(leaf.terms_within(LEXICON_FIELD, word, dist, prefix=prefix))
        expected = {w for w in expected if not w.startswith("~")}
        assert set(vocab.words_within(word, dist, prefix)) == expected, word
    assert "kaspersky" in vocab.words_within("kasprsky", 2, 2)


def test_a_new_segment_is_seen_by_a_new_reader(three_segments):
    before = Vocabulary(three_segments._searcher().reader(), LEXICON_FIELD)
    assert before.doc_frequency("kasperski") == 0
    three_segments.add_records([{"id": "v6", "title": "Kasperski", "body": "Kasperski beras."}])
    after = Vocabulary(three_segments._searcher().reader(), LEXICON_FIELD)
    assert after.doc_frequency("kasperski") == 1
    assert after.doc_frequency("beras") == 3
    assert "kasperski" in after.words_within("kaspersky", 1)
    assert "kasperski" not in before.words_within("kaspersky", 1)


def test_matching_documents_leave_deleted_ones_out(three_segments):
    three_segments.delete(["v1"])
    searcher = three_segments._searcher()
    for q in (wq.Term("body", "beras"), wq.Term("exact", "harga"),
              wq.Or([wq.Term("title", "beras"), wq.Term("body", "merapi")])):
        expected = np.array(sorted(searcher.docs_for_query(q)), dtype=np.int64)
        got = matching_docnums(searcher, q)
        assert got.tolist() == expected.tolist(), q
    assert matching_docnums(searcher, wq.Term("exact", "harga")).size == 1


def test_indexes_whose_segments_share_a_name_do_not_share_cached_postings(tmp_path):
    """Whoosh names segments with the global ``random``: seeded alike, two indexes get
    the same segment names. Process-wide caches (decoded postings, word lists) must
    still keep them apart."""
    import random

    made = []
    for name, body in (("a", "Harga beras naik di pasar."), ("b", "Harga kopi turun di pasar.")):
        random.seed(1234)
        index = SearchIndex.create(tmp_path / name)
        index.add_records([{"id": f"{name}1", "title": "Laporan pasar", "body": body}])
        made.append(index)
    segs = [ix._searcher().reader().leaf_readers()[0][0].segment().segment_id() for ix in made]
    assert segs[0] == segs[1]  # the premise: the same segment name in both indexes
    a, b = made
    assert [h.id for h in a.search("beras").hits] == ["a1"]
    assert b.search("beras").hits == []
    assert [h.id for h in b.search("kopi").hits] == ["b1"]
    assert Vocabulary(a._searcher().reader(), LEXICON_FIELD).doc_frequency("beras") == 1
    assert Vocabulary(b._searcher().reader(), LEXICON_FIELD).doc_frequency("beras") == 0


@pytest.mark.parametrize("mapped", [True, False])
def test_a_term_record_is_whooshs_for_every_term_and_none_for_others(three_segments, mapped):
    from whoosh.filedb.filestore import FileStorage

    from searcher.index import INDEX_NAME
    from searcher.termindex import term_record

    storage = FileStorage(str(three_segments.path), supports_mmap=mapped)
    reader = storage.open_index(INDEX_NAME).reader()
    found = 0
    for leaf, _ in reader.leaf_readers():
        terms = leaf._terms
        assert hasattr(terms._tindex.dbfile, "_buf") == mapped  # both ways of reading are tried
        for (field, tbytes), _ in terms.items():
            assert term_record(terms, field, tbytes) == terms._tindex[terms._keycoder(field, tbytes)]
            assert term_record(terms, field, tbytes + b"\x00zz") is None
            found += 1
        assert term_record(terms, "no-such-field", b"beras") is None
    reader.close()
    assert found > 100
