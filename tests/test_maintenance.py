"""Maintenance: merging segments, optimize, check, delete, rebuild after a format change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from searcher import SearchIndex
from searcher.cli import cli
from searcher.errors import SchemaMismatchError
from searcher.index import INDEX_NAME, create_whoosh
from searcher.indexing import document_fields
from searcher.readers import Skip, read_file
from searcher.segments import build_segment
from searcher.commits import write_toc

from .indexing_support import dump_index, generated_records, live_ids, run_cli, sample_records, write_jsonl

QUERIES = ["harga beras", "presiden", "sepak bola", "jakarta -banjir", '"kata dia"', "nomor5"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _hits(index: SearchIndex) -> list[list[tuple[str, float]]]:
    return [[(h.id, round(h.score, 6)) for h in index.search(q, limit=20).hits] for q in QUERIES]


def _whole_and_parts(tmp_path: Path, records: list[dict[str, object]],
                     cuts: tuple[tuple[int, int], ...]):
    """The documents of ``records``; ``whole/``, an index of them as one segment; and
    ``parts/``, an index (no TOC yet) with one segment per ``(start, end)`` of ``cuts``."""
    docs = [document_fields(a) for a in read_file(write_jsonl(tmp_path / "in.jsonl", records))
            if not isinstance(a, Skip)]
    whole = tmp_path / "whole"
    ix = create_whoosh(whole)
    write_toc(whole, INDEX_NAME, ix.schema, [build_segment(ix.storage, ix.schema, INDEX_NAME, docs)], 1)
    parts = tmp_path / "parts"
    ix = create_whoosh(parts)
    segments = [build_segment(ix.storage, ix.schema, INDEX_NAME, docs[a:b]) for a, b in cuts]
    return docs, whole, parts, ix, segments


def test_merged_segments_equal_one_segment_built_at_once(tmp_path: Path):
    records = sample_records(40, words=80) + generated_records(20)
    _, whole, parts, ix, segments = _whole_and_parts(tmp_path, records,
                                                     ((0, 7), (7, 30), (30, 31), (31, 60)))
    write_toc(parts, INDEX_NAME, ix.schema, segments, 1)
    index = SearchIndex(parts)
    before = _hits(index)
    assert index.optimize() == (4, 1)
    assert dump_index(parts) == dump_index(whole)
    assert _hits(index) == before == _hits(SearchIndex(whole))
    assert len(list(parts.glob("*.seg"))) == 1


@pytest.mark.parametrize(("batch_postings", "chunk_terms"), [(1, 200_000), (7, 1), (1000, 12), (1000, 200_000)])
def test_merge_written_in_batches_equals_one_segment_built_at_once(tmp_path: Path, batch_postings: int,
                                                                   chunk_terms: int):
    # a merge holds at most `batch_postings` postings before writing them (a field's
    # terms are cut anywhere: between two terms, or between two sources of one term),
    # and reads about `chunk_terms` term records of the sources at a time
    from searcher.merging import merge_segments

    records = sample_records(30, words=60) + generated_records(15)
    docs, whole, parts, ix, segments = _whole_and_parts(tmp_path, records,
                                                        ((0, 10), (10, 11), (11, 45)))
    merged, ids = merge_segments(ix.storage, ix.schema, INDEX_NAME, segments, batch_postings=batch_postings,
                                 chunk_terms=chunk_terms)
    assert merged is not None and ids == [d["id"] for d in docs]
    write_toc(parts, INDEX_NAME, ix.schema, [merged], 2)
    for seg in segments:
        for name in parts.glob(f"{seg.segment_id()}.*"):
            name.unlink()
    assert dump_index(parts) == dump_index(whole)
    assert _hits(SearchIndex(parts)) == _hits(SearchIndex(whole))


def test_a_segment_written_by_stock_whoosh_merges_like_ours(tmp_path: Path):
    # the merge reads term records in bulk, as Whoosh's writer lays them out too
    records = sample_records(20, words=50) + generated_records(10)
    docs, whole, parts, ix, _ = _whole_and_parts(tmp_path, records, ())
    writer = ix.writer()  # first: its commit removes files its TOC does not name
    for doc in docs[12:20]:
        writer.add_document(**doc)
    writer.commit(merge=False)
    stock = ix._segments()
    assert len(stock) == 1
    segments = [build_segment(ix.storage, ix.schema, INDEX_NAME, docs[a:b]) for a, b in ((0, 12), (20, 30))]
    write_toc(parts, INDEX_NAME, ix.schema, [segments[0], stock[0], segments[1]], ix.latest_generation() + 1)
    index = SearchIndex(parts)
    assert index.optimize() == (3, 1)
    assert dump_index(parts) == dump_index(whole)
    assert _hits(index) == _hits(SearchIndex(whole))


def test_optimize_drops_deleted_documents_and_keeps_results(tmp_path: Path):
    data = write_jsonl(tmp_path / "in.jsonl", generated_records(40))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.index_paths([data], batch_size=10, jobs=1)
    assert len(index._ix._segments()) == 4
    assert index.delete_ids(["gen-00003", "gen-00025", "nope"]) == ["gen-00003", "gen-00025"]
    before = _hits(index)
    result = run("--index", str(tmp_path / "ix"), "optimize")
    assert result.exit_code == 0, result.output
    assert "merged 4 segment(s) into 1; 38 documents" in result.output
    segs = index._ix._segments()
    assert len(segs) == 1 and segs[0].doc_count_all() == 38 and not segs[0].has_deletions()
    assert _hits(index) == before
    assert live_ids(tmp_path / "ix") == {f"gen-{i:05d}" for i in range(40)} - {"gen-00003", "gen-00025"}
    assert len(list((tmp_path / "ix").glob("*.seg"))) == 1


def test_check_passes_on_a_good_index_and_finds_damage(tmp_path: Path):
    data = write_jsonl(tmp_path / "data" / "in.jsonl", generated_records(30))
    ix = tmp_path / "ix"
    index = SearchIndex.create_or_open(ix)
    index.index_paths([data], batch_size=10, jobs=1)
    ok = run("--index", str(ix), "check")
    assert ok.exit_code == 0, ok.output
    assert "ok: 30 documents in 3 segment(s)" in ok.output
    report = json.loads(run("--index", str(ix), "check", "--json").output)
    assert report["ok"] and report["problems"] == [] and report["warnings"] == []

    # a stale cache entry (documents deleted) is a warning, not a problem
    index.delete_ids(["gen-00001"])
    warned = run("--index", str(ix), "check")
    assert warned.exit_code == 0 and "warning:" in warned.output and "files.json" in warned.output

    assert run("--index", str(ix), "check", "--postings").exit_code == 0
    # a truncated segment: found by the quick check
    segs = sorted(ix.glob("*.seg"), key=lambda p: p.stat().st_size)
    segs[0].write_bytes(segs[0].read_bytes()[:1000])
    bad = run("--index", str(ix), "check")
    assert bad.exit_code == 1 and "cannot be" in bad.output


def test_check_reports_a_broken_cache_and_leftovers(tmp_path: Path):
    data = write_jsonl(tmp_path / "in.jsonl", generated_records(5))
    ix = tmp_path / "ix"
    SearchIndex.create_or_open(ix).index_paths([data], jobs=1)
    (ix / "MAIN_zzzzzzzzzzzzzzzz.seg").write_bytes(b"left by a crash")
    (ix / "files.json").write_text("{not json")
    result = run("--index", str(ix), "check")
    assert result.exit_code == 1
    assert "files.json is unreadable" in result.output
    assert "left by an interrupted run" in result.output


def test_delete_command(tmp_path: Path):
    data = write_jsonl(tmp_path / "in.jsonl", generated_records(5))
    ix = str(tmp_path / "ix")
    run("--index", ix, "index", str(data))
    some = run("--index", ix, "delete", "gen-00001", "nope", "gen-00002")
    assert some.exit_code == 0
    assert "deleted 2" in some.output and "not in the index: nope" in some.output
    none = run("--index", ix, "delete", "nope", "gen-00001")
    assert none.exit_code == 1 and "deleted 0" in none.output
    assert "not in the index: nope, gen-00001" in none.output
    assert live_ids(Path(ix)) == {"gen-00000", "gen-00003", "gen-00004"}


def test_too_many_segments_are_merged(tmp_path: Path):
    from searcher.commits import MAX_SEGMENTS

    index = SearchIndex.create_or_open(tmp_path / "ix")
    for i in range(MAX_SEGMENTS + 3):
        data = write_jsonl(tmp_path / f"in{i}.jsonl", generated_records(2, prefix=f"r{i}"))
        index.index_paths([data], jobs=1)
        assert len(index._ix._segments()) <= MAX_SEGMENTS
    assert len(index) == 2 * (MAX_SEGMENTS + 3)
    assert run("--index", str(tmp_path / "ix"), "check").exit_code == 0


def test_schema_change_needs_rebuild_and_rebuild_swaps_atomically(tmp_path: Path):
    data = write_jsonl(tmp_path / "data" / "in.jsonl", generated_records(12))
    ix = tmp_path / "ix"
    index = SearchIndex.create_or_open(ix)
    index.index_paths([data], jobs=1)
    open_before = SearchIndex(ix)
    assert open_before.search("berita").total == 12
    meta = json.loads((ix / "searcher.json").read_text())
    meta["schema_version"] = 0
    (ix / "searcher.json").write_text(json.dumps(meta))

    with pytest.raises(SchemaMismatchError):
        SearchIndex(ix)
    refused = run_cli(ix, "index", str(tmp_path / "data"))
    assert refused.returncode == 1
    assert "searcher index --rebuild" in refused.stderr

    more = write_jsonl(tmp_path / "data" / "more.jsonl", generated_records(3, prefix="more"))
    rebuilt = run_cli(ix, "index", "--rebuild", str(tmp_path / "data"), "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["added"] == 15
    assert more.exists()
    assert SearchIndex(ix).search("berita").total == 15
    assert open_before.search("berita").total == 15, "an open index sees the new one"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ix.rebuild")]
    assert run("--index", str(ix), "check").exit_code == 0


def test_rebuild_refuses_a_foreign_folder(tmp_path: Path):
    folder = tmp_path / "stuff"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    data = write_jsonl(tmp_path / "in.jsonl", generated_records(2))
    result = run("--index", str(folder), "index", "--rebuild", str(data))
    assert result.exit_code == 1
    assert "not a searcher index" in result.output
    assert (folder / "notes.txt").read_text() == "mine"


@pytest.mark.xfail(strict=False, reason="check --postings decodes postings only; zeroed bytes that "
                   "land in stored fields or columns are not detected yet")
def test_check_postings_finds_overwritten_bytes(tmp_path: Path):
    data = write_jsonl(tmp_path / "data" / "in.jsonl", generated_records(30))
    ix = tmp_path / "ix"
    SearchIndex.create_or_open(ix).index_paths([data], batch_size=10, jobs=1)
    segs = sorted(ix.glob("*.seg"), key=lambda p: p.stat().st_size)
    raw = bytearray(segs[-1].read_bytes())
    raw[len(raw) // 3: len(raw) // 3 + 4000] = b"\x00" * 4000
    segs[-1].write_bytes(bytes(raw))
    bad = run("--index", str(ix), "check", "--postings")
    assert bad.exit_code == 1
    assert "problem:" in bad.output and "fix:" in bad.output and "--rebuild" in bad.output
