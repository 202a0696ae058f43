"""The stemmer: protected roots and names, nasal recoding, confixes, clitics,
reduplication, spelling variants, explain rules, and accuracy on the UD gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher.analysis.lexicon import default_lexicon, read_roots, read_variants, read_weights
from searcher.analysis.morphology import decompose, suffix_options
from searcher.analysis.stemmer import IndonesianStemmer

GOLD = Path(__file__).resolve().parents[2] / "shared" / "stemming" / "ud-dev.tsv"


@pytest.fixture(scope="module")
def stemmer() -> IndonesianStemmer:
    return IndonesianStemmer()


def check(stemmer: IndonesianStemmer, cases: dict[str, str]) -> None:
    got = {w: stemmer.stem(w) for w in cases}
    assert got == cases


def test_roots_names_and_loanwords_are_protected(stemmer: IndonesianStemmer) -> None:
    words = ["berita", "menteri", "perempuan", "kepala", "pertama", "megawati", "jokowi",
             "teknologi", "dinamika", "kaspersky", "pelopor", "pegawai", "peluang",
             "pesawat", "beruang", "kemenkeu", "pemilu", "bali", "maluku", "amerika",
             "petani", "perpres"]
    check(stemmer, {w: w for w in words})


def test_nasal_prefixes_recover_the_dropped_consonant(stemmer: IndonesianStemmer) -> None:
    check(stemmer, {
        "mengonfirmasi": "konfirmasi", "memukul": "pukul", "menulis": "tulis",
        "penyapu": "sapu", "menyanyi": "nyanyi", "mempengaruhi": "pengaruh",
        "memengaruhi": "pengaruh", "menyebabkan": "sebab", "pemukul": "pukul",
        "menutup": "tutup", "memangkas": "pangkas", "mengambil": "ambil",
        "menggali": "gali", "mengkritik": "kritik", "memproduksi": "produksi",
        "mentaati": "taat", "mengebom": "bom", "pengeboman": "bom", "mengecek": "cek",
        "memohon": "mohon", "meminta": "minta", "memakan": "makan",
        "melihat": "lihat", "merusak": "rusak", "pemerintah": "perintah",
    })


def test_confixes_and_stacked_prefixes(stemmer: IndonesianStemmer) -> None:
    check(stemmer, {
        "pemberitahuan": "beritahu", "memberitahukan": "beritahu",
        "ketidakadilan": "adil", "ketidakpastian": "pasti",
        "diperjualbelikan": "jualbeli", "pertanggungjawaban": "tanggungjawab",
        "mempertanggungjawabkan": "tanggungjawab", "ditandatangani": "tandatangan",
        "mempertanyakan": "tanya", "diperkirakan": "kira", "memperhatikan": "hati",
        "kepercayaan": "percaya", "perusahaan": "usaha", "pendapatan": "dapat",
        "kedudukan": "duduk", "kerusakan": "rusak", "perbankan": "bank",
        "pembelian": "beli", "penerbangan": "terbang", "pelajaran": "ajar",
        "mempelajari": "ajar", "belajar": "ajar", "bekerja": "kerja", "pekerjaan": "kerja",
        "terpercaya": "percaya", "tepercaya": "percaya", "persetujuan": "setuju",
        "berupa": "rupa", "berada": "ada", "terasa": "rasa", "perokok": "rokok",
        "memberikan": "beri", "diberikan": "beri", "membeli": "beli",
        "bermasalah": "masalah", "gerakan": "gerak", "kementerian": "menteri",
        "pengawasan": "awas", "beragam": "ragam", "mengerikan": "ngeri", "kemasan": "kemas",
    })


def test_particles_and_possessives(stemmer: IndonesianStemmer) -> None:
    check(stemmer, {
        "bukunya": "buku", "rumahku": "rumah", "rumahmu": "rumah", "bacalah": "baca",
        "manakah": "mana", "kamipun": "kami", "diapun": "dia", "bermainlah": "main",
        "operasionalnya": "operasional", "dilakukannya": "laku", "pelaku": "laku",
        "pemangku": "pangku",
    })


def test_reduplication(stemmer: IndonesianStemmer) -> None:
    check(stemmer, {
        "anak-anak": "anak", "berlari-lari": "lari", "akhir-akhir": "akhir",
        "biara-biara": "biara", "obat-obatan": "obat", "sayur-mayur": "sayur",
        "bolak-balik": "bolak", "tolong-menolong": "tolong", "kanak-kanak": "kanak",
        "pertama-tama": "pertama", "fitur-fiturnya": "fitur", "tindakan-tindakan": "tindak",
        "ransomware-nya": "ransomware", "e-ktp": "e-ktp", "non-migas": "non-migas",
        "covid-19": "covid-19",
    })


def test_spelling_variants(stemmer: IndonesianStemmer) -> None:
    check(stemmer, {
        "praktek": "praktik", "praktik": "praktik", "mempraktekkan": "praktik",
        "aktifitas": "aktivitas", "aktivitas": "aktivitas", "resiko": "risiko",
        "berisiko": "risiko", "ijin": "izin", "perizinan": "izin", "sekedar": "sekadar",
        "silahkan": "silakan", "analisa": "analisis", "menganalisa": "analisis",
        "merespon": "respons",
    })


def test_ordinals_function_words_and_tokens_that_are_not_words(stemmer: IndonesianStemmer) -> None:
    check(stemmer, {
        "ketiga": "ketiga", "kedelapan": "kedelapan", "keduanya": "kedua",
        "adalah": "adalah", "merupakan": "merupakan", "tersebut": "tersebut",
        "2,8": "2,8", "5.000": "5.000", "g20": "g20", "%": "persen", "$": "dolar",
        "ma'ruf": "ma'ruf", "as": "as",
    })


@pytest.mark.parametrize(("word", "root", "rule"), [
    ("berita", "berita", "lexicon-root"),
    ("mengonfirmasi", "konfirmasi", "prefix meN- (nasal k)"),
    ("memukul", "pukul", "prefix meN- (nasal p)"),
    ("menulis", "tulis", "prefix meN- (nasal t)"),
    ("penyapu", "sapu", "prefix peN- (nasal s)"),
    ("dilakukan", "laku", "prefix di- + suffix -kan"),
    ("ketidakadilan", "adil", "prefix ke-tidak- + suffix -an"),
    ("bukunya", "buku", "suffix -nya"),
    ("anak-anak", "anak", "reduplication"),
    ("berlari-lari", "lari", "reduplication; prefix ber-"),
    ("ransomware-nya", "ransomware", "clitic -nya after hyphen"),
    ("e-ktp", "e-ktp", "compound"),
    ("praktek", "praktik", "variant"),
    ("mempraktekkan", "praktik", "prefix meN- + suffix -kan + variant"),
    ("ketiga", "ketiga", "ordinal"),
    ("maluku", "maluku", "proper name"),
    ("megawati", "megawati", "unknown (kept)"),
    ("yang", "yang", "function word"),
    ("2,8", "2,8", "number"),
    ("%", "persen", "symbol"),
    ("covid-19", "covid-19", "has digits"),
])
def test_explain(stemmer: IndonesianStemmer, word: str, root: str, rule: str) -> None:
    assert stemmer.explain(word) == (root, rule)


def test_snowball_fallback_is_optional() -> None:
    plain = IndonesianStemmer()
    snow = IndonesianStemmer(fallback="snowball")
    assert plain.explain("diretweetkan")[1] == "unknown (kept)"
    root, rule = snow.explain("diretweetkan")
    assert rule == "snowball-fallback" and root != "diretweetkan"
    assert snow.stem("megawati") == "megawati"  # no affix shape: kept
    with pytest.raises(ValueError):
        IndonesianStemmer(fallback="porter")


def test_decomposition_internals() -> None:
    lex = default_lexicon()
    assert suffix_options("rumah") == [("rumah", (), 0.0, None)]
    assert ("buku", ("-nya",), 1.0, None) in suffix_options("bukunya")
    a = decompose("mengonfirmasikannya", lex)
    assert a is not None and a.root == "konfirmasi"
    assert a.prefixes == ("meN- (nasal k)",) and a.suffixes == ("-kan", "-nya")
    assert decompose("kaspersky", lex) is None
    # ke-...-kan is not a confix: kerusakan is ke- + rusak + -an, not ke- + rusa + -kan
    b = decompose("kerusakan", lex)
    assert b is not None and (b.root, b.suffixes) == ("rusak", ("-an",))


def test_data_files() -> None:
    roots = read_roots()
    assert len(roots) > 29000
    assert {"beritahu", "tanggungjawab", "jualbeli"} <= roots
    assert "adakan" not in roots  # an affixed form listed as a root in the source list
    variants = read_variants()
    assert variants["praktek"] == "praktik"
    lex = default_lexicon()
    assert all(v in lex.roots for v in variants.values())
    weights = read_weights()
    assert weights["mohon"] > weights["pohon"]
    assert "bali" in lex.names or "maluku" in lex.names


def test_notice_lists_the_analysis_data() -> None:
    notice = (Path(__file__).resolve().parents[1] / "searcher" / "data" / "NOTICE.md").read_text()
    for name in ("rootwords-sastrawi.txt", "rootwords-extra.txt", "rootwords-news.txt",
                 "spelling-variants.tsv", "root-weights.tsv", "proper-names.txt",
                 "stopwords-tala.txt"):
        assert name in notice


def test_accuracy_on_ud_gold() -> None:
    if not GOLD.exists():
        pytest.skip(f"{GOLD} is not available (../shared is only beside the developers' clones)")
    stemmer = IndonesianStemmer()
    total = changed = ok_total = ok_changed = 0
    with open(GOLD, encoding="utf-8") as f:
        next(f)
        for line in f:
            word, root = line.rstrip("\n").split("\t")[:2]
            ok = stemmer.stem(word) == root
            total += 1
            ok_total += ok
            if word != root:
                changed += 1
                ok_changed += ok
    assert ok_total / total >= 0.95
    assert ok_changed / changed >= 0.95
