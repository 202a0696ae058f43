"""The searcher command: contracts of its output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from searcher.cli import cli

from .conftest import FIXTURES, MINI


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_index_then_search_json_contract(tmp_path: Path):
    index = str(tmp_path / "ix")
    result = run("--index", index, "index", str(MINI))
    assert result.exit_code == 0, result.output
    assert "added 12, updated 0, unchanged 0, removed 0, skipped 0" in result.output
    again = run("--index", index, "index", str(MINI))
    assert "added 0, updated 0, unchanged 12" in again.output

    result = run("--index", index, "search", "harga beras", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) >= {"query", "total", "page", "hits", "took_ms"}
    assert data["query"] == "harga beras" and data["page"] == 1 and data["total"] == 2
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "url", "source", "date", "category", "score", "snippet"}
    assert hit["date"] is None or hit["date"].startswith("2024-")
    assert isinstance(hit["score"], float)


def test_search_plain_output_has_no_colour_when_piped(tmp_path: Path):
    index = str(tmp_path / "ix")
    run("--index", index, "index", str(MINI))
    result = run("--index", index, "search", "kaspersky")
    assert result.exit_code == 0
    assert "\x1b[" not in result.output
    assert "Kaspersky" in result.output and "a3" in result.output
    coloured = run("--index", index, "search", "kaspersky", "--color")
    assert "\x1b[" in coloured.output
    assert "\x1b[" not in run("--index", index, "search", "kaspersky", "--no-color").output


def test_search_missing_index_says_what_to_do(tmp_path: Path):
    result = run("--index", str(tmp_path / "none"), "search", "beras")
    assert result.exit_code == 1
    assert "no index at" in result.output and "searcher index" in result.output


def test_bad_query_exit_code(tmp_path: Path):
    index = str(tmp_path / "ix")
    run("--index", index, "index", str(MINI))
    result = run("--index", index, "search", '"unbalanced')
    assert result.exit_code == 1
    assert "quote" in result.output


def test_show_and_stats_json(tmp_path: Path):
    index = str(tmp_path / "ix")
    run("--index", index, "index", str(MINI))
    shown = json.loads(run("--index", index, "show", "a5", "--json").output)
    assert shown["id"] == "a5" and shown["source"] == "detik.com"
    assert run("--index", index, "show", "zzz").exit_code == 1
    stats = json.loads(run("--index", index, "stats", "--json").output)
    assert stats["documents"] == 12
    assert stats["schema_version"] >= 1
    text = run("--index", index, "stats").output
    assert f"sources:   {len(stats['sources'])}\n" in text and "  detik.com" in text
    bare = str(tmp_path / "bare")
    run("--index", bare, "index", "-", input='{"id": "b", "title": "Tanpa sumber", "body": "Isi."}\n')
    assert "sources:   none recorded" in run("--index", bare, "stats").output


def test_analyze_json_contract():
    result = run("analyze", "Harga beras naik Rp 2,8 miliar di AS", "--json")
    tokens = json.loads(result.output)
    assert [t["text"] for t in tokens][:3] == ["Harga", "beras", "naik"]
    by_text = {t["text"]: t for t in tokens}
    assert by_text["2,8"]["term"] == "2,8"
    assert by_text["AS"]["term"] == "as"
    assert by_text["di"]["term"] is None
    text = "Harga beras naik Rp 2,8 miliar di AS"
    assert all(text[t["start"]:t["end"]] == t["text"] for t in tokens)


def test_trec_batch_mode(tmp_path: Path):
    index = str(tmp_path / "ix")
    run("--index", index, "index", str(MINI))
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tharga beras\nq2\tkaspersky\n", encoding="utf-8")
    result = run("--index", index, "search", "--queries", str(queries), "--format", "trec",
                 "--limit", "100")
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0][:4] == ["q1", "Q0", lines[0][2], "1"]
    assert {line[0] for line in lines} == {"q1", "q2"}
    assert all(len(line) == 6 and line[5] == "searcher" for line in lines)


def test_index_missing_path_fails_but_indexes_the_rest(tmp_path: Path):
    index = str(tmp_path / "ix")
    result = run("--index", index, "index", str(MINI), str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 1
    assert "missing.jsonl" in result.output
    assert json.loads(run("--index", index, "stats", "--json").output)["documents"] == 12


def test_index_bad_lines_are_reported_and_the_rest_indexed(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x1", "title": "Satu", "body": "Isi berita satu."}\n'
                   '{"id": "x2", "title": broken\n'
                   '{"id": "x3", "body": "", "url": "https://x.id/3"}\n'
                   '{"id": "x4", "title": "Empat", "body": "", "date": "kemarin"}\n'
                   '{"id": "x5", "title": "Lima", "body": "Isi berita lima."}\n', encoding="utf-8")
    index = str(tmp_path / "ix")
    result = run("--index", index, "index", str(bad))
    assert result.exit_code == 0
    assert "added 3" in result.output and "skipped 2" in result.output
    assert f"{bad}:2: malformed JSON" in result.output
    assert f"{bad}:3: no title and no body" in result.output
    assert "x4: no body (indexed by its title only)" in result.output
    assert "1 without a readable date" in result.output


def test_an_index_inside_the_folder_being_indexed_is_not_read_as_articles(tmp_path: Path):
    folder = tmp_path / "berita"
    folder.mkdir()
    (folder / "mini.jsonl").write_bytes(MINI.read_bytes())
    index = str(folder / "ix")
    for expected in ("added 12,", "unchanged 12,"):  # the second run finds the index's own files
        result = run("--index", index, "index", str(folder))
        assert result.exit_code == 0, result.output
        assert expected in result.output and "skipped 0" in result.output, result.output
        assert "searcher.json" not in result.output and "files.json" not in result.output
    result = run("--index", index, "index", index)  # the index itself: nothing to read
    assert result.exit_code == 1
    assert f"{index}: a searcher index, not articles" in result.output


def test_index_stdin(tmp_path: Path):
    index = str(tmp_path / "ix")
    result = run("--index", index, "index", "-", input=MINI.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    assert "added 12" in result.output


def test_foreign_index_directory(tmp_path: Path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "data.txt").write_text("x")
    result = run("--index", str(foreign), "index", str(MINI))
    assert result.exit_code == 1 and "not a searcher index" in result.output
    assert (foreign / "data.txt").read_text() == "x"


def test_fixture_article_is_cleaned(tmp_path: Path):
    index = str(tmp_path / "ix")
    fixture = FIXTURES / "kompas-kaspersky.txt"
    assert run("--index", index, "index", str(fixture)).exit_code == 0
    hits = json.loads(run("--index", index, "search", "kaspersky", "--json").output)["hits"]
    assert len(hits) == 1
    article = json.loads(run("--index", index, "show", hits[0]["id"], "--json").output)
    assert article["title"] == "Diblokir, Kaspersky Akan Tutup Kantornya di AS"
    assert "Baca juga" not in article["body"]
    assert "Chromebook" not in article["body"] and "Terkini Lainnya" not in article["body"]


def test_python_dash_m_and_subprocess(tmp_path: Path):
    env_index = str(tmp_path / "ix")
    proc = subprocess.run([sys.executable, "-m", "searcher", "--index", env_index, "index", str(MINI)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([sys.executable, "-m", "searcher", "--index", env_index, "search", "beras",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["total"] >= 3
