"""Tokenizer rules: numbers, currency, acronyms, hyphens, apostrophes, links, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searcher.analysis.pipeline import Analyzer
from searcher.analysis.tokenizer import TOKEN_RE, TOKEN_RE_LINKS, token_pattern, tokenize


def surfaces(text: str) -> list[str]:
    return [s for s, _, _ in tokenize(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # numbers keep decimal commas and thousand dots; other dots and commas end them
    ("naik 2,8 persen", ["naik", "2,8", "persen"]),
    ("sebanyak 5.000 orang", ["sebanyak", "5.000", "orang"]),
    ("pukul 08.30 WIB", ["pukul", "08.30", "WIB"]),
    ("Rp1.500.000,50", ["Rp", "1.500.000,50"]),
    ("setidaknya 50.", ["setidaknya", "50"]),
    ("1, 2, dan 3", ["1", "2", "dan", "3"]),
    ("2,5%", ["2,5", "%"]),
    ("tahun 2024-2025", ["tahun", "2024-2025"]),
    # currency glued to a number splits; with a space it is already two tokens
    ("Rp2,8 miliar", ["Rp", "2,8", "miliar"]),
    ("Rp 2,8 miliar", ["Rp", "2,8", "miliar"]),
    ("rp500 ribu", ["rp", "500", "ribu"]),
    ("Rp. 500", ["Rp", "500"]),
    ("US$5 juta", ["US", "$", "5", "juta"]),
    ("€20", ["€", "20"]),
    ("Rupiah menguat", ["Rupiah", "menguat"]),
    # acronyms and alphanumerics stay whole
    ("AS, PHK, DPR", ["AS", "PHK", "DPR"]),
    ("G20 dan 5G", ["G20", "dan", "5G"]),
    # hyphens join words (reduplication, e-KTP, COVID-19, clitics), also U+2010/U+2011
    ("e-KTP", ["e-KTP"]),
    ("e\u2011KTP", ["e\u2011KTP"]),
    ("COVID-19", ["COVID-19"]),
    ("ransomware-nya", ["ransomware-nya"]),
    ("anak-anak", ["anak-anak"]),
    ("ke-3 dan H-1", ["ke-3", "dan", "H-1"]),
    ("kata - kata", ["kata", "kata"]),
    ("-nya", ["nya"]),
    # apostrophes inside a word join it; quotes around words do not
    ("Ma'ruf Amin", ["Ma'ruf", "Amin"]),
    ("Ma\u2019ruf Amin", ["Ma\u2019ruf", "Amin"]),
    ("'kata' \u2018kata\u2019", ["kata", "kata"]),
    ("\u201cMulai 20 Juli,\u201d ujar", ["Mulai", "20", "Juli", "ujar"]),
    # a dot between letters is a boundary (missing space after a full stop, domains)
    ("akhir.Kemudian", ["akhir", "Kemudian"]),
    ("KOMPAS.com -", ["KOMPAS", "com"]),
    ("Jl. Sudirman", ["Jl", "Sudirman"]),
    # underscores and other symbols separate
    ("a_b #tagar @akun & c", ["a", "b", "tagar", "akun", "c"]),
])
def test_tokens(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Baca https://kompas.com/read/2024/07/01/abc-def?x=1. Lalu",
     ["Baca", "https://kompas.com/read/2024/07/01/abc-def?x=1", "Lalu"]),
    ("(lihat www.detik.com/berita)", ["lihat", "www.detik.com/berita"]),
    ("surel redaksi@kompas.com.", ["surel", "redaksi@kompas.com"]),
    ("HTTP://EXAMPLE.ORG/A", ["HTTP://EXAMPLE.ORG/A"]),
])
def test_links_are_one_token(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected


def test_links_leave_no_junk_terms() -> None:
    terms = Analyzer().terms("Sumber: https://www.kompas.com/tekno/read/2024/07/01/x dan a@b.co")
    assert "https" not in terms and "www" not in terms and "http" not in terms
    assert terms == ["sumber", "https://www.kompas.com/tekno/read/2024/07/01/x", "dan", "a@b.co"]


def test_link_pattern_only_when_needed() -> None:
    assert token_pattern("tanpa tautan") is TOKEN_RE
    assert token_pattern("lihat https://a.id") is TOKEN_RE_LINKS
    assert token_pattern("a@b.id") is TOKEN_RE_LINKS


def test_offsets() -> None:
    text = "Kasus COVID-19 di AS, Rp2,8 miliar (2,5%)."
    for s, a, b in tokenize(text):
        assert text[a:b] == s
    assert tokenize("Rp2,8") == [("Rp", 0, 2), ("2,8", 2, 5)]


_alphabet = st.sampled_from(list("abAB09 .,-'’%$\n\t@/:_()\u00a0\u2011é"))


@settings(max_examples=100, deadline=None)
@given(st.text(_alphabet, max_size=40))
def test_offsets_property(text: str) -> None:
    toks = tokenize(text)
    last = 0
    for s, a, b in toks:
        assert s and text[a:b] == s
        assert a >= last
        last = b
        assert not any(ch.isspace() for ch in s)


@settings(max_examples=100, deadline=None)
@given(st.text(_alphabet, max_size=40))
def test_analyzer_chunk_cache_agrees_with_tokenizer(text: str) -> None:
    analyzer = Analyzer()
    expected = [(analyzer.term(s), a, b) for s, a, b in tokenize(text)]
    assert analyzer.spans(text) == expected
    assert analyzer.spans(text) == expected  # second time from the cache
    assert analyzer.terms(text) == [t for t, _, _ in expected]
