"""clean_body / clean_text: spaces, furniture, video tails, "Baca juga" links, datelines."""

from __future__ import annotations

import pytest

from searcher.cleaning import clean_body, clean_text, normalize_spaces


def body(text: str) -> str:
    return clean_body(text)[0]


# -- spaces and mojibake -------------------------------------------------------------------


def test_odd_spaces_and_line_endings() -> None:
    raw = "Harga\u00a0beras  naik\t\tlagi.\r\nPasokan\u200b berkurang.\r\n\r\n\r\n\r\nPedagang ¬†mengeluh. "
    assert body(raw) == "Harga beras naik lagi.\nPasokan berkurang.\n\nPedagang mengeluh."


def test_mac_roman_mojibake_is_repaired() -> None:
    assert normalize_spaces("‚ÄúSaya tidak tahu,‚Äù kata dia ‚Äì Caf√©") == "“Saya tidak tahu,” kata dia – Café"
    assert normalize_spaces("rata‚Äërata") == "rata\u2011rata"
    assert normalize_spaces("harga‚Äé naik") == "harga naik"


def test_blank_runs_collapse_to_one_blank_line() -> None:
    assert body("Satu.\n\n\n\n\nDua.\n \n \nTiga.") == "Satu.\n\nDua.\n\nTiga."


def test_empty_and_furniture_only_bodies() -> None:
    assert clean_body("") == ("", ())
    assert clean_body(" \n\u00a0\n") == ("", ())
    assert clean_body("ADVERTISEMENT\nSCROLL TO CONTINUE WITH CONTENT") == ("", ())
    assert clean_body(", - , ,") == ("", ())


# -- page furniture ------------------------------------------------------------------------


def test_advertisement_and_scroll_lines_dropped() -> None:
    raw = "Paragraf satu.\nADVERTISEMENT\n  scroll to continue with content  \nParagraf dua.\nAdvertisement\n"
    assert body(raw) == "Paragraf satu.\nParagraf dua."


def test_inline_markers_removed_inside_a_paragraph() -> None:
    raw = "Harga naik tajam. ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT Pedagang mengeluh."
    assert body(raw) == "Harga naik tajam. Pedagang mengeluh."


def test_ordinary_word_advertisement_in_a_sentence_survives() -> None:
    raw = "Film itu berjudul The Advertisement dan tayang pekan depan."
    assert body(raw) == raw


def test_terkini_lainnya_and_everything_after_dropped() -> None:
    raw = "Isi berita.\nKalimat akhir.\nTerkini Lainnya\n- Apa Itu Laptop Chromebook\n- Judul Lain"
    assert body(raw) == "Isi berita.\nKalimat akhir."


def test_saksikan_live_line_dropped() -> None:
    assert body('Isi.\nSaksikan Live DetikPagi :\nLanjut.') == "Isi.\nLanjut."


# -- video teasers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "teaser",
    [
        "Simak juga Video: Utang Pinjol Warga +62 Tembus Angka Rp 80 T!",
        "Simak Video 'Polisi Nilai Permohonan Praperadilan Prematur':",
        "Lihat juga Video 'Kejati Kepri Tetapkan 2 Orang Tersangka':",
        'Tonton juga video "Mensos soal KPK Dalami Dugaan Korupsi" di sini:',
        "Tonton juga Video: Momen Pidato Trump soal Gaza Diinterupsi",
        "'Lihat juga Video: Hasan Nasbi Ikut Sidang Kabinet'",
    ],
)
def test_video_teaser_lines_dropped(teaser: str) -> None:
    raw = f"Paragraf pertama.\n\n{teaser}\n\nParagraf kedua."
    assert body(raw) == "Paragraf pertama.\n\nParagraf kedua."
    assert body(f"Paragraf pertama.\n\n{teaser}") == "Paragraf pertama."


def test_inline_video_tail_at_the_end_dropped() -> None:
    raw = ('Korban dilarikan ke rumah sakit," imbuhnya. Lihat Video \'WN Brunei Tewas Dianiaya di Blok M\':')
    assert body(raw) == 'Korban dilarikan ke rumah sakit," imbuhnya.'
    raw = "Seperti apa ubahan yang disematkan? Simak di video berikut"
    assert body(raw) == "Seperti apa ubahan yang disematkan?"


def test_video_in_ordinary_prose_kept() -> None:
    raw = "Ia baru tahu setelah melihat video di grup WhatsApp. Lihat video itu, katanya, membuat kaget."
    assert body(raw) == raw


# -- "Baca juga" links ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Antivirus Kaspersky Dilarang Dijual di Amerika Serikat",
        "Baca Juga : Antivirus Kaspersky Dilarang Dijual di Amerika Serikat.",
        "BACA JUGA: Antivirus Kaspersky Dilarang Dijual di Amerika Serikat",
        "[Baca juga: Antivirus Kaspersky Dilarang Dijual di Amerika Serikat]",
        "(Baca juga: \u00a0 Antivirus Kaspersky Dilarang Dijual di Amerika Serikat)",
    ],
)
def test_baca_juga_line_moves_to_related(line: str) -> None:
    text, related = clean_body(f"Paragraf satu.\n{line}\nParagraf dua.")
    assert text == "Paragraf satu.\nParagraf dua."
    assert related == ("Antivirus Kaspersky Dilarang Dijual di Amerika Serikat",)


def test_bare_baca_juga_takes_the_headline_lines_below() -> None:
    raw = ("Kata dia.\n\nBaca juga:\n\nDeretan Pesta Gay yang Digerebek Polisi\n\n"
           "Jerat Hukum untuk Mereka yang Pesta?\n\nDalam jumpa pers tersebut pemilik ikut dihadirkan. Semuanya "
           "dijejerkan dalam satu baris.")
    text, related = clean_body(raw)
    assert related == ("Deretan Pesta Gay yang Digerebek Polisi", "Jerat Hukum untuk Mereka yang Pesta?")
    assert text == ("Kata dia.\n\nDalam jumpa pers tersebut pemilik ikut dihadirkan. "
                    "Semuanya dijejerkan dalam satu baris.")


def test_bare_baca_juga_followed_by_body_text_loses_nothing() -> None:
    raw = "Skor 21 - 13.\n\nBaca juga:\n\nSetelah itu, giliran dua pemain tunggal putra bertanding."
    assert clean_body(raw) == ("Skor 21 - 13.\n\nSetelah itu, giliran dua pemain tunggal putra bertanding.", ())


def test_inline_baca_juga_after_a_sentence() -> None:
    raw = ("Itu berarti swafoto makin nyaman. Baca juga: Selamat Datang Galaxy S8 Tanpa Tombol Home \n\n"
           "Galaxy C9 Pro memiliki baterai 4.000 mAh.")
    text, related = clean_body(raw)
    assert related == ("Selamat Datang Galaxy S8 Tanpa Tombol Home",)
    assert text == "Itu berarti swafoto makin nyaman.\n\nGalaxy C9 Pro memiliki baterai 4.000 mAh."


def test_inline_baca_juga_glued_to_the_next_sentence() -> None:
    raw = ("Bila semua terbukti dan dilanjutkan dengan penahanan. BACA JUGA: Korupsi Massal di Kota "
           "MalangMaka akan runtuh kepercayaan masyarakat terhadap para calon wali kota.")
    text, related = clean_body(raw)
    assert related == ("Korupsi Massal di Kota Malang",)
    assert text == ("Bila semua terbukti dan dilanjutkan dengan penahanan. Maka akan runtuh kepercayaan "
                    "masyarakat terhadap para calon wali kota.")


def test_bracketed_link_inside_a_comma_joined_paragraph() -> None:
    raw = ("Itu disampaikannya di Misano. (Baca juga: Marquez Diminta Segera Akhiri Perburuan Gelar),"
           "Saat ini Marquez telah mengoleksi 275 poin.")
    text, related = clean_body(raw)
    assert related == ("Marquez Diminta Segera Akhiri Perburuan Gelar",)
    assert text == "Itu disampaikannya di Misano.,Saat ini Marquez telah mengoleksi 275 poin."


def test_link_whose_headline_was_lost_keeps_the_text_around_it() -> None:
    # CLICK-ID bodies: paragraphs joined by commas, the link text dropped by the crawler
    raw = "Dortmund punya semangat berlipat.,,Baca juga:,,Selain itu, materi pemain dianggap menjanjikan."
    assert clean_body(raw) == ("Dortmund punya semangat berlipat.,Selain itu, materi pemain dianggap menjanjikan.", ())
    raw = "Kata dia.,Baca Juga :,,Baca Juga :,,Pemilik rumah mengatakan BJ Habibie lahir di sini."
    assert clean_body(raw) == ("Kata dia.,Pemilik rumah mengatakan BJ Habibie lahir di sini.", ())


def test_a_long_tail_after_baca_juga_is_kept_as_text() -> None:
    raw = ("Kata dia. Baca juga: ini adalah kalimat biasa yang sangat panjang sekali dan terus berlanjut tanpa "
           "henti karena penulisnya suka menulis kalimat panjang tanpa tanda baca apa pun di tengahnya sampai "
           "akhir paragraf ini selesai juga")
    text, related = clean_body(raw)
    assert related == ()
    assert text.startswith("Kata dia. ini adalah kalimat biasa")
    assert text.endswith("sampai akhir paragraf ini selesai juga")


def test_baca_juga_in_an_ordinary_sentence_is_untouched() -> None:
    raw = "Naskah ini bisa dibaca juga di Tabloid BOLA. Ia meminta kami baca juga bukunya."
    assert clean_body(raw) == (raw, ())


def test_simak_juga_link_with_colon_is_related() -> None:
    text, related = clean_body("Isi.\nSIMAK JUGA: \u00a0 Arema Datangkan Pemain Naturalisasi\nLanjut.")
    assert (text, related) == ("Isi.\nLanjut.", ("Arema Datangkan Pemain Naturalisasi",))


# -- datelines --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "KOMPAS.com - ", "KOMPAS.com – ", "Jakarta, CNN Indonesia -- ", "Jakarta, CNN Indonesia - - ",
        "JAKARTA, KOMPAS.com - ", "Surabaya - ", "Jakarta (ANTARA) - ", "Jakarta (ANTARA News) - ",
        "TEMPO.CO, Jakarta - ", "Liputan6.com, Jakarta - ", "Bisnis.com, JAKARTA - ", "JAKARTA - ",
        "KOTA BANDUNG – ", "JAKARTA (Pos Kota) – ", "WEST BROMWICH, JUARA.net - ", "Merdeka.com - ",
        "- ", ", , - ", "-,", "–\n",
    ],
)
def test_dateline_stripped(prefix: str) -> None:
    assert body(f"{prefix}Harga cabai naik tajam pekan ini.") == "Harga cabai naik tajam pekan ini."


@pytest.mark.parametrize(
    "text",
    [
        "Baru - baru ini, rapper asal California meluncurkan album.",
        "GO - JEK akan melebarkan sayap ke Filipina.",
        "Musim 2016 - 2017 akhirnya harus disudahi dengan kekecewaan.",
        "Harga cabai di pasar tradisional naik lagi - tertinggi tahun ini.",
        "Mercedes - Benz meluncurkan E - Class terbaru rakitan pabrik Mercedes - Benz Wanaherang.",
        "Dia bilang: ya - Tidak ada masalah.",
    ],
)
def test_not_a_dateline(text: str) -> None:
    assert body(text) == text


# -- the kaspersky fixture and clean_text ---------------------------------------------------------------


def test_fixture_body(fixture_text: str) -> None:
    text, related = clean_body(fixture_text.split("\n", 1)[1])
    assert text.startswith("Kondisi perusahaan")
    assert "Baca juga" not in text and "Terkini Lainnya" not in text and "Chromebook" not in text
    assert text.endswith("juga dibantah.")
    assert related == ("Antivirus Kaspersky Dilarang Dijual di Amerika Serikat",
                       "Eugene Kaspersky: Kepintaran AI Masih Jauh di Bawah Manusia")


@pytest.fixture
def fixture_text() -> str:
    from pathlib import Path

    return (Path(__file__).parent / "fixtures" / "kompas-kaspersky.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Diblokir,\u00a0Kaspersky\n Tutup  Kantor ", "Diblokir, Kaspersky Tutup Kantor"),
        ("Judul\u200b ‚ÄúBaru‚Äù", "Judul “Baru”"),
        ("", ""), ("   ", ""), (None, ""), (2024, "2024"),
    ],
)
def test_clean_text(value: object, expected: str) -> None:
    assert clean_text(value) == expected


def test_trailing_furniture() -> None:
    assert body("Isi berita.,,,loading...") == "Isi berita."
    raw = "Korban dievakuasi. (fat/fat) pilgub jatim 2018 pilkada serentak 2018 jawa timur"
    assert body(raw) == "Korban dievakuasi. (fat/fat)"
    assert body("Harga naik (ant/dwi). Pedagang mengeluh.") == "Harga naik (ant/dwi). Pedagang mengeluh."
