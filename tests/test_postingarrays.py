"""Long posting lists stored as arrays beside Whoosh's blocks (searcher.postingarrays)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from whoosh import index as whoosh_index

from searcher import SearchIndex
from searcher.cli import cli
from searcher.index import INDEX_NAME
from searcher.postingarrays import ARRAYS_EXT, BLOCK_POSTINGS, arrays_of
from searcher.ranking.postings import _read_blocks, read_postings

from .indexing_support import (documents, dump_index, generated_records, run_cli, stock_and_fast,
                               write_jsonl)

QUERIES = ["berita", "nomor5 berita", "harga beras", '"kata dia"', "presiden -jakarta"]


def _long_lists(path: Path):
    """``(segment reader, field, term, postings offset)`` of every list longer than a block."""
    ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
    with ix.reader() as reader:
        leaves = [r for r, _ in reader.leaf_readers()] if not reader.is_atomic() else [reader]
        for r in leaves:
            for (field, tbytes), info in r._terms.items():
                if not info.is_inlined() and info.doc_frequency() > BLOCK_POSTINGS:
                    yield r, field, tbytes, info.extent()[0]


def _check_arrays(path: Path) -> int:
    """Every long list's arrays equal its decoded blocks; returns how many were compared."""
    compared = 0
    held: dict[int, int] = {}
    for r, field, tbytes, offset in _long_lists(path):
        arrays = arrays_of(r)
        assert arrays is not None, f"segment {r._segid} has no posting arrays"
        held[r._segid] = len(arrays)
        got = arrays.find(offset, r.doc_count_all())
        assert got is not None, (field, tbytes)
        b_ids, b_weights = _read_blocks(r._terms._postfile, offset)
        assert got[0].dtype == b_ids.dtype and got[1].dtype == b_weights.dtype
        assert got[0].tolist() == b_ids.tolist(), (field, tbytes)
        assert got[1].tolist() == b_weights.tolist(), (field, tbytes)
        if field in ("body", "title", "exact"):
            ids, weights = read_postings(r, field, tbytes.decode("utf-8"))
            assert ids.tolist() == b_ids.tolist() and weights.tolist() == b_weights.tolist()
        compared += 1
    assert sum(held.values()) == compared  # no array without its list
    return compared


def _hits(index: SearchIndex) -> list[list[tuple[str, float]]]:
    return [[(h.id, round(h.score, 6)) for h in index.search(q, limit=20).hits] for q in QUERIES]


def test_built_and_merged_segments_hold_arrays_equal_to_their_blocks(tmp_path: Path):
    data = write_jsonl(tmp_path / "in.jsonl", generated_records(420, words=30))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.index_paths([data], batch_size=210, jobs=1)
    assert len(index._ix._segments()) == 2
    built = _check_arrays(tmp_path / "ix")
    assert built >= 10  # "berita", common words, the source…: lists of 210 postings
    before = _hits(index)
    assert index.optimize() == (2, 1)
    merged = _check_arrays(tmp_path / "ix")
    assert merged >= built // 2
    assert _hits(index) == before
    assert CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "check", "--postings"]).exit_code == 0


def test_a_segment_without_arrays_gives_the_same_results(tmp_path: Path):
    """Stock Whoosh writes no arrays (its lists are decoded block by block): same index
    contents, same hits and scores as searcher's segment with arrays."""
    stock, fast = stock_and_fast(tmp_path, documents(tmp_path / "in.jsonl", generated_records(300, words=30)))
    stock_lists = [arrays_of(r) for r, *_ in _long_lists(stock)]
    assert len(stock_lists) >= 10 and stock_lists == [None] * len(stock_lists)
    assert _check_arrays(fast) >= 10
    assert dump_index(stock) == dump_index(fast)
    assert _hits(SearchIndex(stock)) == _hits(SearchIndex(fast))


def test_damaged_arrays_are_found_by_check_and_never_used(tmp_path: Path):
    data = write_jsonl(tmp_path / "in.jsonl", generated_records(300, words=30))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.index_paths([data], jobs=1)
    seg = index._ix._segments()[0]
    files = seg.open_compound_file(index._ix.storage)
    name = seg.make_filename(ARRAYS_EXT)
    start, _ = files.range(name)
    member = bytes(files.open_file(name).read())
    files.close()
    del index
    first = min(_long_lists(tmp_path / "ix"), key=lambda item: item[3])  # the first list held
    assert first[1] == "body"
    query = first[2].decode("utf-8")

    def hits() -> tuple[int, list[tuple[str, float]]]:  # a new process: nothing cached
        result = run_cli(tmp_path / "ix", "search", query, "--json", "--limit", "100")
        assert result.returncode == 0, result.stderr
        found = json.loads(result.stdout)
        return found["total"], [(hit["id"], hit["score"]) for hit in found["hits"]]

    before = hits()
    assert before[0] > 128 and len(before[1]) == 100
    path = tmp_path / "ix" / seg.make_filename(seg.COMPOUND_EXT)
    raw = bytearray(path.read_bytes())
    assert raw[start:start + 16] == member[:16]
    raw[start:start + 8] = b"\xff" * 8  # that list's first two document numbers: -1, -1
    path.write_bytes(bytes(raw))
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "check", "--postings"])
    assert result.exit_code != 0
    assert "damaged posting list" in result.output
    assert hits() == before  # the blocks were read instead
