"""The article readers: every format, field aliases, the id rule, and bad input (real files in tmp_path)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from searcher.article import Article
from searcher.cleaning import clean_text
from searcher.readers import SUPPORTED_SUFFIXES, Skip, article_id, discover, read_file, read_stream
from tests.conftest import FIXTURES, shared_path

KASPERSKY = FIXTURES / "kompas-kaspersky.txt"
HTML = FIXTURES / "kompas-cabai.html"
BODY = "Harga cabai rawit di pasar tradisional naik tajam pekan ini."


def read_all(path: Path | str) -> tuple[list[Article], list[Skip]]:
    items = list(read_file(Path(path)))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skip)]


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# -- txt ------------------------------------------------------------------------------------


def test_txt_fixture() -> None:
    [article], skips = read_all(KASPERSKY)
    assert skips == []
    assert article.title == "Diblokir, Kaspersky Akan Tutup Kantornya di AS"
    assert article.body.startswith("Kondisi perusahaan software antivirus Kaspersky Labs")
    assert "Baca juga" not in article.body
    for furniture in ("Terkini Lainnya", "Apa Itu Laptop Chromebook", "Emulator PC Pertama"):
        assert furniture not in article.body
    assert article.related == ("Antivirus Kaspersky Dilarang Dijual di Amerika Serikat",
                               "Eugene Kaspersky: Kepintaran AI Masih Jauh di Bawah Manusia")
    assert (article.date, article.url, article.source, article.category) == (None, None, None, None)
    assert article.path == str(KASPERSKY)
    assert re.fullmatch(r"doc-[0-9a-f]{16}", article.id)


def test_txt_single_line_is_a_body_without_title(tmp_path: Path) -> None:
    path = tmp_path / "satu.txt"
    path.write_text(f"\n\n{BODY}\n", encoding="utf-8")
    [article], _ = read_all(path)
    assert (article.title, article.body) == (None, BODY)


# -- JSON, JSON Lines, gzip ------------------------------------------------------------------------


def test_json_object(tmp_path: Path) -> None:
    path = tmp_path / "satu.json"
    path.write_text(json.dumps({"id": "k-1", "title": " Harga  Cabai ", "body": f"KOMPAS.com - {BODY}",
                                "date": "2024-07-20 14:05 WIB", "url": "https://www.kompas.com/r/1",
                                "category": "Ekonomi"}), encoding="utf-8")
    [article], skips = read_all(path)
    assert skips == []
    assert article == Article(id="k-1", body=BODY, title="Harga Cabai", date=datetime(2024, 7, 20, 14, 5),
                              url="https://www.kompas.com/r/1", source="kompas.com", category="Ekonomi",
                              path=str(path))


def test_json_array_numbers_items(tmp_path: Path) -> None:
    path = tmp_path / "banyak.json"
    records = [{"body": f"{BODY} {i}"} for i in range(3)]
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    articles, skips = read_all(path)
    assert skips == []
    assert [a.id for a in articles] == [article_id(None, None, str(path), n) for n in (1, 2, 3)]
    assert len({a.id for a in articles}) == 3


def test_json_array_bad_item_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "campur.json"
    path.write_text(f'[\n  {{"body": "{BODY}"}},\n  {{"url": "https://x.id/1"}},\n  "teks"\n]', encoding="utf-8")
    articles, skips = read_all(path)
    assert len(articles) == 1
    assert skips == [Skip(str(path), 3, "item 2: no title and no body"),
                     Skip(str(path), 4, "item 3: not a JSON object (got a string)")]


def test_jsonl_and_ndjson(tmp_path: Path) -> None:
    for name in ("a.jsonl", "a.ndjson"):
        path = write_jsonl(tmp_path / name, [{"id": "x1", "body": BODY}, {"id": "x2", "body": BODY}])
        articles, skips = read_all(path)
        assert ([a.id for a in articles], skips) == (["x1", "x2"], [])


def test_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "g1", "body": BODY, "source": "www.Detik.com"}) + "\n\n")
    [article], skips = read_all(path)
    assert (article.id, article.source, skips) == ("g1", "detik.com", [])


@pytest.mark.parametrize("suffix", [".txt.gz", ".json.gz", ".csv.gz", ".html.gz"])
def test_every_format_gzipped(tmp_path: Path, suffix: str) -> None:
    content = {
        ".txt.gz": f"Judul\n{BODY}",
        ".json.gz": json.dumps({"body": BODY}),
        ".csv.gz": f"title,body\nJudul,{BODY}\n",
        ".html.gz": f"<html><head><title>Judul</title></head><body><p>{BODY}</p></body></html>",
    }[suffix]
    path = tmp_path / f"a{suffix}"
    path.write_bytes(gzip.compress(content.encode("utf-8")))
    [article], skips = read_all(path)
    assert skips == [] and article.body == BODY


def test_malformed_json_line_is_skipped_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "rusak.jsonl"
    path.write_text(f'{{"id": "a", "body": "{BODY}"}}\n{{"id": "b" "body": 1}}\n[1, 2]\n'
                    f'{{"id": "c", "body": "  "}}\n{{"id": "d", "body": "{BODY}"}}\n', encoding="utf-8")
    articles, skips = read_all(path)
    assert [a.id for a in articles] == ["a", "d"]
    assert skips == [
        Skip(str(path), 2, "malformed JSON: Expecting ',' delimiter (column 12)"),
        Skip(str(path), 3, "not a JSON object (got an array)"),
        Skip(str(path), 4, "no title and no body"),
    ]
    assert str(skips[0]) == f"{path}:2: malformed JSON: Expecting ',' delimiter (column 12)"


def test_malformed_json_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rusak.json"
    path.write_text('{\n  "body": "x",\n  "title": oops\n}', encoding="utf-8")
    assert list(read_file(path)) == [Skip(str(path), 3, "malformed JSON: Expecting value (column 12)")]


# -- CSV ---------------------------------------------------------------------------------------------


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "berita.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Judul", "Isi", "Tanggal", "Link", "Kategori"])
        writer.writerow(["Harga Cabai", f"Surabaya - {BODY}\nBaca juga: Harga Bawang Turun\nLanjut.",
                         "Senin, 20/07/2024 14:00 WIB", "https://news.detik.com/d-1", "Ekonomi"])
        writer.writerow(["Tanpa Isi", "", "kemarin sore", "", ""])
        writer.writerow(["", "", "", "https://news.detik.com/d-2", ""])
        writer.writerow(["Ketiga", BODY, "", "", ""])
    articles, skips = read_all(path)
    first, title_only, third = articles
    assert first.title == "Harga Cabai"
    assert first.body == f"{BODY}\nLanjut."
    assert first.related == ("Harga Bawang Turun",)
    assert first.date == datetime(2024, 7, 20, 14, 0)
    assert (first.id, first.url, first.source, first.category) == (
        "https://news.detik.com/d-1", "https://news.detik.com/d-1", "news.detik.com", "Ekonomi")
    # a row with a title but no body is indexed by its title, with notes saying so
    assert (title_only.title, title_only.body, title_only.date) == ("Tanpa Isi", "", None)
    assert title_only.notes == ("no body (indexed by its title only)",
                                "unreadable date 'kemarin sore' (indexed without a date)")
    assert first.notes == ()
    # the first row spans lines 2-4 (a quoted multi-line body), so the empty row is on line 6
    assert skips == [Skip(str(path), 6, "no title and no body")]
    assert third.id == article_id(None, None, str(path), 4)


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_with_another_delimiter(tmp_path: Path, delimiter: str) -> None:
    # spreadsheets in locales with decimal commas export with semicolons
    path = tmp_path / "ekspor.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:  # with a BOM, as Excel writes
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(["id", "judul", "isi", "tanggal"])
        writer.writerow(["1", "Harga cabai", f"Harga naik 2,5%{delimiter} kata pedagang. {BODY}", "01/07/2024"])
        writer.writerow(["2", "Banjir", f"Banjir, lagi. {BODY}", "2024-07-02"])
    articles, skips = read_all(path)
    assert skips == [] and [a.id for a in articles] == ["1", "2"]
    assert articles[0].title == "Harga cabai" and articles[0].body.startswith("Harga naik 2,5%")
    assert " kata pedagang." in articles[0].body  # the delimiter inside quotes is text
    assert articles[0].date == datetime(2024, 7, 1)


def test_comma_csv_whose_text_holds_semicolons_and_tsv_files(tmp_path: Path) -> None:
    path = tmp_path / "koma.csv"
    path.write_text(f'title,body\nSatu; dua,"Isi; dengan titik koma. {BODY}"\n', encoding="utf-8")
    [article], skips = read_all(path)
    assert skips == [] and article.title == "Satu; dua"
    tsv = tmp_path / "tab.tsv"
    tsv.write_text(f"title\tbody\nJudul, koma\tIsi, dengan koma. {BODY}\n", encoding="utf-8")
    [article], skips = read_all(tsv)
    assert skips == [] and article.title == "Judul, koma"
    assert list(discover([tmp_path])) == [path, tsv]


def test_csv_without_a_body_column(tmp_path: Path) -> None:
    path = tmp_path / "salah.csv"
    path.write_text("judul,tanggal\nA,2024-01-01\n", encoding="utf-8")
    [skip] = read_file(path)
    assert isinstance(skip, Skip) and skip.line == 1 and skip.reason.startswith("no body column")


def test_csv_header_only(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_text("title,body\n", encoding="utf-8")
    assert list(read_file(path)) == [Skip(str(path), None, "no records (only a header row)")]


# -- HTML ----------------------------------------------------------------------------------------------


def test_html_with_trafilatura() -> None:
    pytest.importorskip("trafilatura")
    [article], skips = read_all(HTML)
    assert skips == []
    assert article.title == "Harga Cabai Naik Tajam"
    assert article.body.startswith("Harga cabai rawit di pasar tradisional Jakarta")  # dateline gone
    assert "Pedagang di Pasar Minggu" in article.body
    for furniture in ("Beranda", "Copyright", "var x", "Baca juga"):
        assert furniture not in article.body
    assert article.related == ("Harga Bawang Merah Turun di Pasar Induk",)
    assert article.url == article.id == "https://www.kompas.com/read/2024/07/20/harga-cabai"
    assert article.source == "kompas.com"
    assert article.date == datetime(2024, 7, 20, 14, 5)


def test_html_fallback_to_title_and_visible_text(tmp_path: Path) -> None:
    path = tmp_path / "kecil.htm"
    path.write_text("<html><head><title>Hanya &amp; Judul</title><style>p{color:red}</style></head>"
                    "<body><div>Teks pendek.</div><script>alert(1)</script></body></html>", encoding="utf-8")
    [article], skips = read_all(path)
    assert (article.title, article.body, skips) == ("Hanya & Judul", "Teks pendek.", [])


def test_html_fallback_keeps_the_article_and_drops_furniture() -> None:
    # the fallback (trafilatura found no text, or is not installed) on its own
    from searcher.readers.html import _fallback

    page = ("<html><head><title>Judul</title></head><body><nav><a>Beranda</a> <a>Menu</a></nav>"
            "<header>Situs Berita</header><article><h1>Judul</h1><p>Isi artikel tentang pemilu.</p>"
            "</article><aside>Terpopuler</aside><form><button>Cari</button></form></body></html>")
    assert _fallback(page) == ("Judul", "Judul\nIsi artikel tentang pemilu.")
    # no <article>: all the visible text but the furniture
    assert _fallback(page.replace("article>", "div>")) == \
        ("Judul", "Situs Berita\nJudul\nIsi artikel tentang pemilu.")


def test_html_without_text(tmp_path: Path) -> None:
    path = tmp_path / "kosong.html"
    path.write_text("<html><head><title>Judul</title></head><body><script>x()</script></body></html>",
                    encoding="utf-8")
    assert list(read_file(path)) == [Skip(str(path), None, "no body (no text found in the page)")]


# -- field aliases ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["id", "_id", "doc_id", "DocID"])
def test_id_aliases(tmp_path: Path, key: str) -> None:
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [{key: " id-7 ", "body": BODY}]))
    assert article.id == "id-7"


@pytest.mark.parametrize("key", ["title", "Judul", "HEADLINE"])
def test_title_aliases(tmp_path: Path, key: str) -> None:
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [{key: "Judul Berita", "body": BODY}]))
    assert article.title == "Judul Berita"


@pytest.mark.parametrize("key", ["body", "Content", "text", "isi", "article", "KONTEN"])
def test_body_aliases(tmp_path: Path, key: str) -> None:
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [{key: BODY}]))
    assert article.body == BODY


@pytest.mark.parametrize("key", ["date", "published", "published_at", "Tanggal", "datetime", "time", "pubDate"])
def test_date_aliases(tmp_path: Path, key: str) -> None:
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [{key: "2 Oct 2019", "body": BODY}]))
    assert article.date == datetime(2019, 10, 2)


@pytest.mark.parametrize("key", ["url", "Link", "source_url"])
def test_url_aliases(tmp_path: Path, key: str) -> None:
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [{key: " https://www.tempo.co/x ", "body": BODY}]))
    assert (article.url, article.source) == ("https://www.tempo.co/x", "tempo.co")


@pytest.mark.parametrize("key", ["source", "sumber", "Publisher", "media", "site"])
def test_source_aliases(tmp_path: Path, key: str) -> None:
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [{key: "WWW.Kompas.COM", "body": BODY}]))
    assert article.source == "kompas.com"


@pytest.mark.parametrize("key", ["category", "kategori", "Section", "rubrik", "channel"])
def test_category_aliases(tmp_path: Path, key: str) -> None:
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [{key: " Money / Whats New ", "body": BODY}]))
    assert article.category == "Money / Whats New"


def test_first_non_empty_alias_wins_and_body_lists_join(tmp_path: Path) -> None:
    record = {"body": "", "content": ["Paragraf satu.", "Paragraf dua."], "title": None, "judul": "Cadangan"}
    [article], _ = read_all(write_jsonl(tmp_path / "a.jsonl", [record]))
    assert (article.body, article.title) == ("Paragraf satu.\n\nParagraf dua.", "Cadangan")


def test_missing_title_stays_none_and_source_comes_from_the_url(tmp_path: Path) -> None:
    records = [{"title": None, "body": BODY, "url": "https://tekno.kompas.com/read/2024/07/20/judul-dari-url"},
               {"title": "  ", "body": BODY, "url": "https://www.cnnindonesia.com/x"},
               {"body": BODY}]
    articles, _ = read_all(write_jsonl(tmp_path / "a.jsonl", records))
    assert [a.title for a in articles] == [None, None, None]
    assert [a.source for a in articles] == ["tekno.kompas.com", "cnnindonesia.com", None]


# -- the id rule -------------------------------------------------------------------------------------


def test_article_id_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert article_id(" k-1 ", "https://x.id/1", "a.jsonl", 1) == "k-1"
    assert article_id(123, None, "a.jsonl", 1) == "123"
    assert article_id("  ", " https://x.id/1 ", "a.jsonl", 1) == "https://x.id/1"
    assert article_id(None, "", "a.jsonl", 1).startswith("doc-")
    fallback = article_id(None, None, "a.jsonl", 1)
    assert re.fullmatch(r"doc-[0-9a-f]{16}", fallback)
    assert fallback == article_id(None, None, "a.jsonl", 1)  # stable
    assert fallback != article_id(None, None, "a.jsonl", 2)  # distinct per position
    monkeypatch.chdir(tmp_path)  # the path is made absolute first
    assert article_id(None, None, "a.jsonl", 1) == article_id(None, None, str(tmp_path / "a.jsonl"), 1)


def test_fallback_ids_stable_across_reads_and_distinct_per_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"body": BODY}, {"body": BODY}, {"body": BODY, "url": "https://x.id/3"}])
    first = [a.id for a in read_all(path)[0]]
    second = [a.id for a in read_all(path)[0]]
    assert first == second
    assert len(set(first)) == 3
    assert first[:2] == [article_id(None, None, str(path), 1), article_id(None, None, str(path), 2)]
    assert first[2] == "https://x.id/3"


# -- whole-file problems ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kosong.jsonl", b"", "empty file"),
        ("spasi.txt", b" \n\t\n", "empty file"),
        ("biner.jsonl", b'{"body": "a"}\x00\x01\x02', "binary file"),
        ("latin1.txt", b"Judul\nHarga naik \xff lagi", "not UTF-8 (byte 0xff at offset 17)"),
        ("rusak.jsonl.gz", b"\x1f\x8b\x08\x00 bukan gzip", None),
        ("kosong.json", b"[]", "no records (empty array)"),
    ],
)
def test_whole_file_problems(tmp_path: Path, name: str, content: bytes, reason: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [skip] = read_file(path)
    assert isinstance(skip, Skip) and skip.path == str(path) and skip.line is None
    if reason is None:
        assert skip.reason.startswith("unreadable gzip")
    else:
        assert skip.reason == reason
    assert str(skip) == f"{path}: {skip.reason}"


def _big_jsonl(records: int) -> bytes:
    """JSON Lines of several MiB: more than one block of the streaming reader's checks."""
    return "".join(json.dumps({"id": f"r{i}", "body": f"{BODY} Nomor {i}. " + "Ç" * 700}, ensure_ascii=False)
                   + "\n" for i in range(records)).encode("utf-8")


@pytest.mark.parametrize("gzipped", [False, True])
def test_jsonl_whole_file_checks_span_blocks(tmp_path: Path, gzipped: bool) -> None:
    # JSON Lines files are checked and read a block at a time (searcher.readers.stream);
    # the answers must be those of decoding the whole file at once, wherever the bad byte is
    from searcher.readers.stream import BLOCK

    data = _big_jsonl(2000)
    assert len(data) > 2 * BLOCK
    cut = BLOCK - 1
    while data[cut] & 0xC0 != 0x80:  # a two-byte character straddles the first block's end
        cut += 1
    suffix = ".jsonl.gz" if gzipped else ".jsonl"

    def read(name: str, content: bytes) -> list[Article | Skip]:
        path = tmp_path / (name + suffix)
        path.write_bytes(gzip.compress(content) if gzipped else content)
        return list(read_file(path))

    assert len(read("utuh", data)) == 2000
    latin1 = data[:cut] + b"\xff" + data[cut + 1:]
    [skip] = read("latin1", latin1)
    with pytest.raises(UnicodeDecodeError) as whole:
        latin1.decode("utf-8")
    start = whole.value.start  # the character cut by the block's end, whose second byte is bad
    assert start == cut - 1
    assert skip.reason == f"not UTF-8 (byte 0x{latin1[start]:02x} at offset {start})"
    [skip] = read("biner", latin1 + b"\x00")  # a NUL byte wins, as for a whole-file check
    assert skip.reason == "binary file"
    [skip] = read("terpotong", data[:-1] + b"\xc3")  # a character cut by the end of the file
    assert skip.reason == f"not UTF-8 (byte 0xc3 at offset {len(data) - 1})"
    if gzipped:
        path = tmp_path / "rusak.jsonl.gz"
        path.write_bytes(gzip.compress(data)[:-4000])
        [skip] = read_file(path)
        assert skip.reason.startswith("unreadable gzip")


def test_jsonl_is_read_in_memory_bounded_by_a_block_not_the_file(tmp_path: Path) -> None:
    import tracemalloc

    from searcher.readers.stream import BLOCK

    path = tmp_path / "besar.jsonl.gz"
    data = _big_jsonl(8000)
    path.write_bytes(gzip.compress(data, compresslevel=1))
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 8000
    # a block, its decoded text and the decompressor's buffers; not the 12 MB of the file
    assert len(data) > 10 * BLOCK and peak < 5 * BLOCK, (len(data), peak)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.jsonl"
    assert list(read_file(path)) == [Skip(str(path), None, "no such file or directory")]


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "b", "body": BODY}).encode())
    [article], skips = read_all(path)
    assert (article.id, skips) == ("b", [])


# -- discover ---------------------------------------------------------------------------------------------


def test_discover(tmp_path: Path) -> None:
    (tmp_path / "b" / "dalam").mkdir(parents=True)
    (tmp_path / ".tersembunyi").mkdir()
    for name in ("b/dalam/z.csv", "b/a.txt", "a.jsonl.gz", "c.HTML", "catatan.pdf", ".rahasia.json",
                 ".tersembunyi/x.json", "data.json.bak"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = list(discover([tmp_path]))
    assert found == [tmp_path / "a.jsonl.gz", tmp_path / "c.HTML", tmp_path / "b" / "a.txt",
                     tmp_path / "b" / "dalam" / "z.csv"]


def test_discover_leaves_out_index_folders(tmp_path: Path) -> None:
    from searcher import SearchIndex

    SearchIndex.create_or_open(tmp_path / "ix")
    (tmp_path / "a.json").write_text("x", encoding="utf-8")
    (tmp_path / "arsip").mkdir()
    (tmp_path / "arsip" / "searcher.json").write_text("x", encoding="utf-8")  # an article file
    assert (tmp_path / "ix" / "searcher.json").exists()
    assert list(discover([tmp_path])) == [tmp_path / "a.json", tmp_path / "arsip" / "searcher.json"]
    [skip] = discover([tmp_path / "ix"])
    assert isinstance(skip, Skip) and "a searcher index" in skip.reason


def test_discover_explicit_files_missing_and_unsupported(tmp_path: Path) -> None:
    good = tmp_path / "a.ndjson"
    good.write_text("x", encoding="utf-8")
    pdf = tmp_path / "laporan.pdf"
    pdf.write_text("x", encoding="utf-8")
    found = list(discover([str(good), pdf, tmp_path / "hilang", good]))
    assert found[0] == good
    unsupported, missing = found[1], found[2]
    assert isinstance(unsupported, Skip) and unsupported.line is None
    assert unsupported.reason.startswith("unsupported file type (.pdf); supported: .txt, .json")
    assert missing == Skip(str(tmp_path / "hilang"), None, "no such file or directory")
    assert len(found) == 3  # a file reached twice is read once


def test_read_file_refuses_an_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_text("<a/>", encoding="utf-8")
    [skip] = read_file(path)
    assert isinstance(skip, Skip) and skip.reason.startswith("unsupported file type (.xml)")


def test_supported_suffixes() -> None:
    base = (".txt", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".html", ".htm")
    assert set(SUPPORTED_SUFFIXES) == set(base) | {s + ".gz" for s in base}


# -- stdin ---------------------------------------------------------------------------------------------------


def test_read_stream_binary() -> None:
    lines = [json.dumps({"id": "s1", "body": BODY}).encode(), b"{bukan json", b"",
             b'{"body": "caf\xe9"}', json.dumps({"body": BODY}).encode()]
    stream = io.BytesIO(b"\n".join(lines) + b"\n")
    items = list(read_stream(stream))
    assert [type(i).__name__ for i in items] == ["Article", "Skip", "Skip", "Article"]
    assert items[0].id == "s1" and items[0].path == "-"
    assert items[1].line == 2 and items[1].reason.startswith("malformed JSON")
    offset = len(lines[0]) + len(lines[1]) + len(lines[2]) + 3 + len(b'{"body": "caf')
    assert items[2] == Skip("-", 4, f"not UTF-8 (byte 0xe9 at offset {offset})")
    assert items[3].id == article_id(None, None, "-", 5)
    assert str(items[1]).startswith("-:2: malformed JSON")


def test_read_stream_text_with_a_name() -> None:
    stream = io.StringIO("\ufeff" + json.dumps({"judul": "J", "isi": BODY}) + "\n")
    [article] = read_stream(stream, name="masukan")
    assert (article.title, article.body, article.path) == ("J", BODY, "masukan")


# -- the shared corpus (only beside the developers' clones) ------------------------------------------------


def test_corpus_sample(tmp_path: Path) -> None:
    corpus = shared_path("corpus", "news-id.jsonl.gz")
    sample = gzip.decompress(corpus.read_bytes()).split(b"\n")[::80]  # ~390 records from every source set
    path = tmp_path / "sample.jsonl"
    path.write_bytes(b"\n".join(sample))
    raw = [json.loads(line) for line in sample if line]
    articles, skips = read_all(path)
    assert all(s.reason == "no body" for s in skips)
    assert len(articles) + len(skips) == len(raw)
    by_id = {r["id"]: r for r in raw}
    assert {a.id for a in articles} <= set(by_id)
    assert {a.id.split("-")[0] for a in articles} == {"clickid", "indosum", "insei", "kamigon", "detiksumm",
                                                      "detiksby"}
    for article in articles:
        record = by_id[article.id]
        assert (article.date is None) == (record["date"] is None), record["date"]
        assert article.title == (clean_text(record["title"]) or None)
        assert article.source == record["source"]
        for furniture in ("ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT", "Baca juga:"):
            assert furniture not in article.body


def test_read_stream_text_that_fails_to_decode_stops_with_a_skip() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b'{"body": "abc"}\n{"body": "\xff"}\n'), encoding="utf-8")
    items = list(read_stream(stream))
    assert isinstance(items[-1], Skip) and items[-1].line is None
    assert items[-1].reason.startswith("not UTF-8 (invalid start byte)")


def test_fallback_id_follows_symbolic_links(tmp_path: Path) -> None:
    real = write_jsonl(tmp_path / "asli.jsonl", [{"body": BODY}])
    link = tmp_path / "tautan.jsonl"
    link.symlink_to(real)
    assert read_all(link)[0][0].id == read_all(real)[0][0].id
