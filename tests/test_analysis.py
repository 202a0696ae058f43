"""The analysis pipeline and its Whoosh adapters: golden token/term lists of real
news text, stopwords, explain rules, pickling, positions and offsets."""

from __future__ import annotations

import pickle

import pytest
from whoosh import fields, qparser
from whoosh.filedb.filestore import RamStorage

from searcher.analysis import ANALYZER_VERSION, AnalyzedToken, Analyzer, default_analyzer
from searcher.analysis.stopwords import STOPWORDS, load_wordlist
from searcher.analysis.tokenizer import tokenize
from searcher.analysis.whoosh_analyzers import ExactAnalyzer, IndonesianAnalyzer

# The first paragraphs of /work/shared/fixtures/kompas-kaspersky.txt (Kompas Tekno, July 2024).
KOMPAS = (
    "Diblokir, Kaspersky Akan Tutup Kantornya di AS\n"
    "- Kondisi perusahaan software antivirus Kaspersky Labs di pasar Amerika Serikat (AS) "
    "semakin terdesak.\n"
    "Setelah dilarang menjual produknya bulan lalu, kini perusahaan asal Rusia tersebut telah "
    "mengonfirmasi bakal menutup aktivitas operasionalnya dan memangkas karyawan yang berbasis "
    "di Negeri Paman Sam.\n"
    "Pemangkasan karyawan bakal memengaruhi setidaknya 50 pekerja. Proses pemutusan hubungan "
    "kerja (PHK) akan dilakukan per akhir minggu ini.\n"
    "\u201cMulai 20 Juli, Kaspersky secara bertahap akan menyetop operasinya di Amerika Serikat "
    "dan menghapus perusahaan yang berbasis di AS,\" ujar seorang juru bicara Kaspersky.\n"
    "Pada Juni lalu, Menteri Perdagangan AS Gina Raimondo mengungkapkan pengaruh pemerintah "
    "Rusia terhadap Kaspersky menimbulkan risiko keamanan bagi AS."
)

KOMPAS_TOKENS = [
    "Diblokir", "Kaspersky", "Akan", "Tutup", "Kantornya", "di", "AS",
    "Kondisi", "perusahaan", "software", "antivirus", "Kaspersky", "Labs", "di", "pasar",
    "Amerika", "Serikat", "AS", "semakin", "terdesak",
    "Setelah", "dilarang", "menjual", "produknya", "bulan", "lalu", "kini", "perusahaan", "asal",
    "Rusia", "tersebut", "telah", "mengonfirmasi", "bakal", "menutup", "aktivitas",
    "operasionalnya", "dan", "memangkas", "karyawan", "yang", "berbasis", "di", "Negeri", "Paman",
    "Sam",
    "Pemangkasan", "karyawan", "bakal", "memengaruhi", "setidaknya", "50", "pekerja", "Proses",
    "pemutusan", "hubungan", "kerja", "PHK", "akan", "dilakukan", "per", "akhir", "minggu", "ini",
    "Mulai", "20", "Juli", "Kaspersky", "secara", "bertahap", "akan", "menyetop", "operasinya",
    "di", "Amerika", "Serikat", "dan", "menghapus", "perusahaan", "yang", "berbasis", "di", "AS",
    "ujar", "seorang", "juru", "bicara", "Kaspersky",
    "Pada", "Juni", "lalu", "Menteri", "Perdagangan", "AS", "Gina", "Raimondo", "mengungkapkan",
    "pengaruh", "pemerintah", "Rusia", "terhadap", "Kaspersky", "menimbulkan", "risiko",
    "keamanan", "bagi", "AS",
]

KOMPAS_TERMS = [
    "blokir", "kaspersky", "akan", "tutup", "kantor", "di", "as",
    "kondisi", "usaha", "software", "antivirus", "kaspersky", "labs", "di", "pasar",
    "amerika", "serikat", "as", "semakin", "desak",
    "setelah", "larang", "jual", "produk", "bulan", "lalu", "kini", "usaha", "asal",
    "rusia", "tersebut", "telah", "konfirmasi", "bakal", "tutup", "aktivitas",
    "operasional", "dan", "pangkas", "karyawan", "yang", "basis", "di", "negeri", "paman",
    "sam",
    "pangkas", "karyawan", "bakal", "pengaruh", "setidaknya", "50", "kerja", "proses",
    "putus", "hubung", "kerja", "phk", "akan", "laku", "per", "akhir", "minggu", "ini",
    "mulai", "20", "juli", "kaspersky", "secara", "tahap", "akan", "setop", "operasi",
    "di", "amerika", "serikat", "dan", "hapus", "usaha", "yang", "basis", "di", "as",
    "ujar", "seorang", "juru", "bicara", "kaspersky",
    "pada", "juni", "lalu", "menteri", "dagang", "as", "gina", "raimondo", "ungkap",
    "pengaruh", "perintah", "rusia", "terhadap", "kaspersky", "timbul", "risiko",
    "aman", "bagi", "as",
]

NEWS = ("Wakil Presiden Ma\u2019ruf Amin bertemu Presiden Jokowi dan Megawati Soekarnoputri di "
        "Istana, Selasa (2/7/2024). Anggaran naik 2,5% menjadi Rp2,8 miliar atau US$180 juta; "
        "e-KTP dan COVID-19 dibahas anak-anak muda.")
NEWS_TERMS = [
    "wakil", "presiden", "ma'ruf", "amin", "temu", "presiden", "jokowi", "dan", "megawati",
    "soekarnoputri", "di", "istana", "selasa", "2", "7", "2024", "anggar", "naik", "2,5",
    "persen", "jadi", "rp", "2,8", "miliar", "atau", "us", "dolar", "180", "juta", "e-ktp",
    "dan", "covid-19", "bahas", "anak", "muda",
]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_version() -> None:
    assert ANALYZER_VERSION == "3"


def test_golden_kompas(analyzer: Analyzer) -> None:
    assert [s for s, _, _ in tokenize(KOMPAS)] == KOMPAS_TOKENS
    assert analyzer.terms(KOMPAS) == KOMPAS_TERMS
    assert [t for t, _, _ in analyzer.spans(KOMPAS)] == KOMPAS_TERMS
    assert analyzer.exact_terms(KOMPAS) == [s.lower() for s in KOMPAS_TOKENS]


def test_golden_news(analyzer: Analyzer) -> None:
    assert analyzer.terms(NEWS) == NEWS_TERMS


def test_spans_offsets(analyzer: Analyzer) -> None:
    for text in (KOMPAS, NEWS, "  dua  spasi\ttab\u00a0nbsp\n\nbaris  "):
        spans = analyzer.spans(text)
        assert [(a, b) for _, a, b in spans] == [(a, b) for _, a, b in tokenize(text)]
        assert analyzer.spans(text) == spans  # cached chunks give the same answer
        for term, a, b in spans:
            assert analyzer.term(text[a:b]) == term


def test_stopwords(analyzer: Analyzer) -> None:
    assert "yang" in STOPWORDS and "as" not in STOPWORDS
    assert load_wordlist("stopwords-tala.txt") == STOPWORDS
    assert analyzer.is_stopword("Yang") and analyzer.is_stopword("DAN")
    assert not analyzer.is_stopword("AS") and not analyzer.is_stopword("PHK")
    assert analyzer.terms("Kantor yang di AS", stopwords=False) == ["kantor", "as"]
    assert analyzer.terms("Kantor yang di AS") == ["kantor", "yang", "di", "as"]
    assert analyzer.term("AS") == "as"


def test_analyze_marks_stopwords_and_explains(analyzer: Analyzer) -> None:
    tokens = analyzer.analyze("Pemerintah AS yang mengonfirmasi anak-anak Ma\u2019ruf 2,5%",
                              explain=True)
    assert tokens[0] == AnalyzedToken("Pemerintah", "perintah", 0, 10,
                                      "prefix peN- (nasal p)", False)
    got = [(t.text, t.term, t.rule, t.stopword) for t in tokens]
    assert got == [
        ("Pemerintah", "perintah", "prefix peN- (nasal p)", False),
        ("AS", "as", "unknown (kept)", False),
        ("yang", None, "stopword", True),
        ("mengonfirmasi", "konfirmasi", "prefix meN- (nasal k)", False),
        ("anak-anak", "anak", "reduplication", False),
        ("Ma\u2019ruf", "ma'ruf", "apostrophe (kept)", False),
        ("2,5", "2,5", "number", False),
        ("%", "persen", "symbol", False),
    ]
    plain = analyzer.analyze("Pemerintah yang praktek")
    assert [(t.term, t.rule, t.stopword) for t in plain] == [
        ("perintah", "", False), (None, "", True), ("praktik", "", False)]


def test_curly_apostrophe_and_unicode_hyphen_fold(analyzer: Analyzer) -> None:
    assert analyzer.term("Ma\u2019ruf") == analyzer.term("Ma'ruf") == "ma'ruf"
    assert analyzer.term("e\u2011KTP") == analyzer.term("e-KTP") == "e-ktp"


def test_compound_parts(analyzer: Analyzer) -> None:
    assert analyzer.parts("covid-19") == ("covid", "19")
    assert analyzer.parts("e-ktp") == ("ktp",)
    assert analyzer.parts("anak") == ()
    assert analyzer.parts("https://a.id/x-y") == ()


def test_default_analyzer_is_shared() -> None:
    assert default_analyzer() is default_analyzer()


def test_whoosh_analyzer_pickles_without_state() -> None:
    for cls in (IndonesianAnalyzer, ExactAnalyzer):
        data = pickle.dumps(cls())
        assert b"Stemmer" not in data and b"_cache" not in data
        assert pickle.loads(data) == cls()
    assert IndonesianAnalyzer() != ExactAnalyzer()


def test_whoosh_positions_and_offsets() -> None:
    text = "Kasus COVID-19 di AS, anak-anak Ma\u2019ruf."
    toks = [(t.text, t.pos, t.startchar, t.endchar)
            for t in IndonesianAnalyzer()(text, positions=True, chars=True)]
    assert toks == [("kasus", 0, 0, 5), ("covid-19", 1, 6, 14), ("di", 2, 15, 17),
                    ("as", 3, 18, 20), ("anak", 4, 22, 31), ("ma'ruf", 5, 32, 38)]
    for term, _, a, b in toks:
        assert default_analyzer().term(text[a:b]) == term
    shifted = [(t.pos, t.startchar) for t in
               IndonesianAnalyzer()(text, positions=True, chars=True, start_pos=10, start_char=100)]
    assert shifted[0] == (10, 100)
    indexed = [(t.text, t.pos) for t in IndonesianAnalyzer()(text, positions=True, mode="index")]
    assert indexed[1:4] == [("covid-19", 1), ("covid", 1), ("19", 1)]
    exact = [t.text for t in ExactAnalyzer()(text, mode="index")]
    assert exact == ["kasus", "covid-19", "di", "as", "anak-anak", "ma'ruf"]


def test_whoosh_index_round_trip() -> None:
    schema = fields.Schema(id=fields.ID(stored=True),
                           body=fields.TEXT(analyzer=IndonesianAnalyzer(), phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        w.add_document(id="1", body="Kasus COVID-19 naik, pemerintah mengonfirmasi.")
        w.add_document(id="2", body="Pembuatan e-KTP di Jakarta dipercepat.")
        w.add_document(id="3", body="Anak-anak bermain di taman.")
    parser = qparser.QueryParser("body", schema)
    with ix.searcher() as s:
        def ids(q: str) -> list[str]:
            return sorted(hit["id"] for hit in s.search(parser.parse(q)))
        assert ids("covid") == ["1"]
        assert ids("COVID-19") == ["1"]
        assert ids("konfirmasi") == ["1"]
        assert ids("ktp") == ["2"]
        assert ids("percepat") == ["2"]
        assert ids("anak") == ["3"]
        assert ids('"kasus covid-19 naik"') == ["1"]
        assert ids("main") == ["3"]
