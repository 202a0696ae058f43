"""Indexing: the fast segment writer, incremental runs, parallel runs, the summary.

Real Whoosh indexes in tmp_path, the CLI as a subprocess where the issue asks for
real processes. No mocks.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as wi
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.formats import Positions

from searcher import SearchIndex
from searcher.article import Article
from searcher.cli import cli
from searcher.index import INDEX_NAME, create_whoosh
from searcher.indexing import document_fields
from searcher.readers import read_file
from searcher.segments import (FieldPostings, SegmentBuilder, TermIndexWriter, build_segment,
                               encode_positions, plan_schema)
from searcher.commits import write_toc

from .conftest import MINI
from .indexing_support import (documents, dump_index, generated_records, live_ids, run_cli,
                               sample_records, segment_contents, stock_and_fast, stored_by_id,
                               write_jsonl)

QUERIES = ["harga beras", "kaspersky", '"suku bunga"', "pemerintah -impor", "banjir OR gempa",
           "covid-19", "presiden jokowi", "sepak bola"]


def _edge_records() -> list[dict[str, object]]:
    return [
        {"id": "e-title-only", "title": "Gempa Guncang Lombok", "body": ""},
        {"id": "e-compounds", "title": "COVID-19 dan e-KTP",
         "body": "Vaksin COVID-19 untuk pemegang e-KTP; covid 19 dan anak-anak bermain-main. "
                 "Self‐driving x-ray non-stop, kata-kata yang yang di di."},
        {"id": "e-numbers", "body": "Harga naik Rp1.500,50 atau 3,5% pada 27/3 di Jakarta—Bandung."},
        {"id": "e-bad-date", "title": "Tanggal Aneh", "body": "Isi berita.", "date": "kemarin sore"},
        {"id": "e-long", "body": " ".join(["beras"] * 300 + ["jagung", "beras"] * 80)},
    ]


def _docs(records: list[dict[str, object]], tmp_path: Path) -> list[dict[str, object]]:
    return documents(tmp_path / "in.jsonl", records)


def test_fast_segment_equals_whoosh_add_document(tmp_path: Path):
    """The fast writer builds what Whoosh's own writer builds: terms, postings, stored
    fields, columns, lengths, statistics and search results."""
    records = [json.loads(line) for line in MINI.read_text("utf-8").splitlines() if line.strip()]
    records += sample_records(40, words=120) + _edge_records()
    stock, fast = stock_and_fast(tmp_path, _docs(records, tmp_path))

    plans = plan_schema(create_whoosh(tmp_path / "schema").schema)
    assert plans["body"].fast and plans["title"].fast, "the text fields must take the fast path"
    a, b = dump_index(stock), dump_index(fast)
    for key in a:
        assert a[key] == b[key], f"{key} differs"
    assert len(a["terms"]) > 3000
    s1, s2 = SearchIndex(stock), SearchIndex(fast)
    for q in QUERIES:
        r1, r2 = s1.search(q, limit=20), s2.search(q, limit=20)
        assert [(h.id, round(h.score, 6)) for h in r1.hits] == [(h.id, round(h.score, 6)) for h in r2.hits], q


def test_field_analysis_agrees_with_whoosh_on_sample_text():
    """Each fast-path field gives exactly ``field.index()``'s terms, weights and values."""
    from searcher.schema import build_schema

    plans = plan_schema(build_schema())
    texts = [r.get("title", "") + "\n" + r["body"] for r in sample_records(40)] + [
        str(r["body"]) for r in _edge_records()]
    fast = [p for p in plans.values() if p.terms_fn is not None]  # the analysed text fields
    assert {"title", "body", "exact"} <= {p.name for p in fast}
    for plan in fast:
        for text in texts:
            assert plan.agrees(text), (plan.name, text[:60])


def test_every_indexed_field_of_the_default_schema_takes_the_fast_path():
    """A field that silently falls back to Whoosh's ``field.index()`` per document makes
    indexing several times slower without changing a byte; fail loudly instead."""
    from searcher.schema import build_schema

    schema = build_schema()
    plans = plan_schema(schema)
    slow = [name for name, plan in plans.items() if plan.indexed and not plan.fast]
    assert not slow, f"fields off the fast path: {slow}"
    # remembered postings (ids, keywords, dates) are exactly Whoosh's, boosts included
    from datetime import datetime

    values = {"id": ["a1", "clickid-96687247de06"], "month": ["2024-07"], "path": ["/x/y.jsonl", ""],
              "source": ["tekno.kompas.com tekno kompas com", "Detik.COM"],
              "category": ["News/Nasional", "Tekno Sains"], "source_key": ["kompas.com"],
              "category_key": ["ekonomi"], "date": [datetime(2024, 7, 1, 9, 30), datetime(2019, 1, 1)]}
    for name, samples in values.items():
        plan = plans[name]
        assert plan.memo is not None, name
        for value in samples * 2:  # the second time from the memo
            for boost in (1.0, 2.5):
                terms, freqs, weights, encoded = plan.postings(value, boost)
                mine = {t: (f, w, v) for t, f, w, v in zip(terms, freqs, weights, encoded)}
                assert mine == plan.stock(value, boost), (name, value, boost)


def test_positions_encoding_is_byte_identical():
    rng = random.Random(5)
    fmt = Positions()
    for _ in range(500):
        n = rng.choice([1, 1, 1, 2, 3, 10, 200, 1500])
        positions = sorted(rng.sample(range(0, rng.choice([10, 5000, 100000])), k=min(n, 10)))
        assert encode_positions(positions) == fmt.encode(positions)


def test_term_index_is_byte_identical_to_whoosh(tmp_path: Path):
    rng = random.Random(7)
    keys = sorted({bytes([0, rng.randrange(3)]) + os.urandom(rng.randrange(1, 12)) for _ in range(3000)})
    values = [os.urandom(rng.randrange(0, 40)) for _ in keys]
    storage = FileStorage(str(tmp_path))
    ours = TermIndexWriter(storage.create_file("ours.trm"))
    ours.fieldmap.update({"a": 0, "b": 1, "c": 2})
    ours.add_many(keys[:1000], values[:1000])
    ours.add_many(keys[1000:], values[1000:])
    ours.close()
    theirs = OrderedHashWriter(storage.create_file("theirs.trm"))
    theirs.extras["fieldmap"] = {"a": 0, "b": 1, "c": 2}
    for k, v in zip(keys, values):
        theirs.add(k, v)
    theirs.close()
    assert (tmp_path / "ours.trm").read_bytes() == (tmp_path / "theirs.trm").read_bytes()


def test_segment_written_in_parts_equals_one_written_at_once(tmp_path: Path):
    """Terms are written a part at a time (memory stays small); any part size gives the same
    index (terms, postings, statistics) as writing every term at once, and so as Whoosh's
    writer (``test_fast_segment_equals_whoosh_add_document``)."""
    records = sample_records(30, words=150) + generated_records(140, words=20) + _edge_records()
    docs = _docs(records, tmp_path)
    dumps = []
    for name, part in (("whole", 10**9), ("parts", 7), ("tiny", 1)):
        ix = create_whoosh(tmp_path / name)
        builder = SegmentBuilder(ix.storage, ix.schema, INDEX_NAME)
        builder.write_terms = part
        for fields in docs:
            builder.add(fields)
        write_toc(tmp_path / name, INDEX_NAME, ix.schema, [builder.finish()], 1)
        dumps.append(dump_index(tmp_path / name))
    assert dumps[0] == dumps[1] == dumps[2]
    assert any(len(p[0]) > 128 for p in dumps[0]["terms"].values()), "a term of several blocks"


def test_field_postings_group_by_term_bytes_and_join_two_spellings():
    """Postings gathered flat come out grouped in UTF-8 order, each term's in document order;
    a term seen as ``str`` (fast path) and as ``bytes`` (Whoosh's analysis, after a field left
    the fast path) is one term."""
    acc = FieldPostings()
    acc.add(0, ["zebra", "apel", "ühr"], [1, 2, 1], [b"a", b"b", b"c"])
    acc.add(1, ["apel"], [3], [b"d"])
    acc.add(2, [b"apel", b"mangga"], [1.5, 1.0], [b"e", b"f"])
    acc.add(4, [b"zebra", "ab"], [2, 1], [b"g", b"h"])
    keys, grouped = acc.grouped()
    assert keys == [b"ab", b"apel", b"mangga", b"zebra", "ühr".encode()]
    assert list(grouped.counts) == [1, 3, 1, 2, 1]
    assert list(grouped.ids) == [4, 0, 1, 2, 2, 0, 4, 0]
    assert list(grouped.weights) == [1, 2, 3, 1.5, 1.0, 1, 2, 1]
    assert list(grouped.values) == [b"h", b"b", b"d", b"e", b"f", b"a", b"g", b"c"]


# -- incremental runs, real processes and files ------------------------------------------
def _corpus(folder: Path) -> dict[str, list[dict[str, object]]]:
    recs = generated_records(90, words=25)
    files = {"a.jsonl": recs[:30], "b.jsonl": recs[30:60], "sub/c.jsonl": recs[60:]}
    for name, rows in files.items():
        write_jsonl(folder / name, rows)
    return files


def _summary(proc) -> dict[str, object]:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_same_input_twice_changes_nothing(tmp_path: Path):
    data = tmp_path / "data"
    _corpus(data)
    index = tmp_path / "ix"
    first = _summary(run_cli(index, "index", str(data), "--json", "--jobs", "1"))
    assert (first["added"], first["updated"], first["removed"]) == (90, 0, 0)
    tocs = sorted(p.name for p in index.glob("_MAIN_*.toc"))
    cache = (index / "files.json").read_text()
    second = _summary(run_cli(index, "index", str(data), "--json"))
    assert (second["added"], second["updated"], second["unchanged"], second["removed"]) == (0, 0, 90, 0)
    assert second["files_unchanged"] == 3 and second["files_read"] == 0
    assert sorted(p.name for p in index.glob("_MAIN_*.toc")) == tocs, "no commit"
    assert (index / "files.json").read_text() == cache
    # touching a file without changing it: read again (mtime differs), nothing written
    os.utime(data / "a.jsonl", ns=(1, 1))
    third = _summary(run_cli(index, "index", str(data), "--json"))
    assert (third["added"], third["updated"], third["unchanged"]) == (0, 0, 90)
    assert sorted(p.name for p in index.glob("_MAIN_*.toc")) == tocs


def test_edit_add_delete_files_change_exactly_those_documents(tmp_path: Path):
    data = tmp_path / "data"
    files = _corpus(data)
    index = tmp_path / "ix"
    _summary(run_cli(index, "index", str(data), "--json"))
    before = stored_by_id(index)

    edited = [dict(r) for r in files["a.jsonl"]]
    edited[3]["body"] = "Isi yang sudah diubah sama sekali tentang harga cabai."
    write_jsonl(data / "a.jsonl", edited)
    write_jsonl(data / "d.jsonl", generated_records(5, prefix="new"))
    (data / "b.jsonl").unlink()

    run = _summary(run_cli(index, "index", str(data), "--json"))
    assert (run["added"], run["updated"], run["unchanged"], run["removed"]) == (5, 1, 59, 0)
    after = stored_by_id(index)
    changed = {i for i in after if i not in before or after[i] != before[i]}
    assert changed == {edited[3]["id"]} | {f"new-{i:05d}" for i in range(5)}
    assert set(before) <= set(after), "without --prune nothing is deleted"

    pruned = _summary(run_cli(index, "index", str(data), "--prune", "--json"))
    assert (pruned["added"], pruned["updated"], pruned["removed"]) == (0, 0, 30)
    assert live_ids(index) == set(after) - {r["id"] for r in files["b.jsonl"]}
    assert str(data / "b.jsonl") not in json.loads((index / "files.json").read_text())
    assert SearchIndex(index).search("harga cabai").hits[0].id == edited[3]["id"]


def _tocs(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("_MAIN_*.toc"))


def _write_txt(path: Path, rec: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{rec['title']}\n{rec['body']}\n", encoding="utf-8")


@pytest.mark.parametrize("prune", [False, True], ids=["keep", "prune"])
def test_one_run_of_edits_additions_and_deletions_changes_exactly_those_documents(
        tmp_path: Path, prune: bool):
    """A folder as cron sees it: one-article .txt files (ids from their path) and a feed
    whose records come and go. One run picks up every kind of change at once; a second
    run of the same input changes nothing, with or without --prune."""
    data, index = tmp_path / "data", tmp_path / "ix"
    texts = sample_records(6, words=30)
    for i, rec in enumerate(texts[:5]):
        _write_txt(data / "txt" / f"art{i}.txt", rec)
    feed = generated_records(8, words=20)
    write_jsonl(data / "feed.jsonl", feed)
    flags = ["--prune"] if prune else []
    first = _summary(run_cli(index, "index", str(data), "--json", *flags))
    assert (first["added"], first["skipped"]) == (13, 0)
    before = stored_by_id(index)
    by_file = {Path(str(f["path"])).name: i for i, f in before.items() if str(f["path"]).endswith(".txt")}

    _write_txt(data / "txt" / "art1.txt", {"title": texts[1]["title"],
                                           "body": "Isinya kini tentang panen raya cabai rawit."})
    (data / "txt" / "art3.txt").unlink()
    _write_txt(data / "txt" / "art5.txt", texts[5])
    edited = [dict(r) for r in feed]
    edited[2]["title"] = "Judul Baru: Pasar Murah Digelar"
    del edited[6]  # a record gone from a file that is still there
    edited.append(dict(generated_records(1, prefix="late")[0]))
    write_jsonl(data / "feed.jsonl", edited)

    run = _summary(run_cli(index, "index", str(data), "--json", *flags))
    gone = {by_file["art3.txt"], feed[6]["id"]}
    assert (run["added"], run["updated"], run["unchanged"], run["removed"], run["skipped"]) == \
        (2, 2, 9, len(gone) if prune else 0, 0)
    after = stored_by_id(index)
    new_ids = set(after) - set(before)
    assert len(new_ids) == 2 and "late-00000" in new_ids
    assert {str(after[i]["path"]) for i in new_ids} == {str((data / "txt" / "art5.txt").resolve()),
                                                        str((data / "feed.jsonl").resolve())}
    changed = {i for i in before if i in after and after[i] != before[i]}
    assert changed == {by_file["art1.txt"], feed[2]["id"]}
    assert set(before) - set(after) == (gone if prune else set())
    s = SearchIndex(index)
    assert [h.id for h in s.search("panen raya cabai").hits][:1] == [by_file["art1.txt"]]
    assert s.get(feed[2]["id"]).title == "Judul Baru: Pasar Murah Digelar"

    tocs, cache = _tocs(index), (index / "files.json").read_text()
    again = _summary(run_cli(index, "index", str(data), "--json", *flags))
    assert (again["added"], again["updated"], again["removed"], again["skipped"]) == (0, 0, 0, 0)
    assert again["unchanged"] == sum(Path(str(f["path"])).exists() for f in after.values())
    assert again["files_read"] == 0, "files.json knows every file unchanged (also after a prune)"
    assert _tocs(index) == tocs, "nothing to commit"
    assert (index / "files.json").read_text() == cache
    assert stored_by_id(index) == after


def test_incremental_runs_with_jobs_2_equal_jobs_1(tmp_path: Path):
    """Not only a fresh build: an update run (edits, additions, a pruned file) gives the
    same segments, documents and results with --jobs 2 as with --jobs 1."""
    data = tmp_path / "data"
    recs = generated_records(60, words=30)
    write_jsonl(data / "a.jsonl", recs[:30])
    write_jsonl(data / "b.jsonl", recs[30:50])
    write_jsonl(data / "c.jsonl", recs[50:])
    one, two = tmp_path / "one", tmp_path / "two"
    for index, jobs in ((one, "1"), (two, "2")):
        _summary(run_cli(index, "index", str(data), "--jobs", jobs, "--batch-size", "8", "--json"))

    edited = [dict(r) for r in recs[:30]]
    for rec in edited[::3]:  # 10 edits
        rec["body"] = f"{rec['body']} Pembaruan: harga cabai naik lagi."
    write_jsonl(data / "a.jsonl", edited + generated_records(14, words=30, prefix="more"))
    (data / "c.jsonl").unlink()
    reports = [_summary(run_cli(index, "index", str(data), "--jobs", jobs, "--batch-size", "8",
                                "--prune", "--json"))
               for index, jobs in ((one, "1"), (two, "2"))]
    r1, r2 = reports
    assert (r1["added"], r1["updated"], r1["unchanged"], r1["removed"]) == (14, 10, 40, 10)
    assert r1["commits"] >= 3, "more than one batch, so --jobs 2 uses its workers"
    for key in ("added", "updated", "unchanged", "removed", "skipped", "commits"):
        assert r1[key] == r2[key], key
    assert segment_contents(one) == segment_contents(two)
    assert dump_index(one) == dump_index(two)
    s1, s2 = SearchIndex(one), SearchIndex(two)
    for q in QUERIES + ["harga cabai"]:
        h1 = [(h.id, round(h.score, 6)) for h in s1.search(q, limit=15).hits]
        h2 = [(h.id, round(h.score, 6)) for h in s2.search(q, limit=15).hits]
        assert h1 == h2, q


def test_a_moved_article_takes_its_new_path(tmp_path: Path):
    data = tmp_path / "data"
    recs = generated_records(6)
    write_jsonl(data / "old.jsonl", recs)
    index = tmp_path / "ix"
    s = SearchIndex.create_or_open(index)
    s.index_paths([data], jobs=1)
    (data / "old.jsonl").rename(data / "new.jsonl")
    report = s.index_paths([data], prune=True, jobs=1)
    assert (report.updated, report.removed) == (6, 0)
    assert s.get(recs[0]["id"]).path == str((data / "new.jsonl").resolve())
    again = s.index_paths([data], prune=True, jobs=1)
    assert (again.unchanged, again.removed, again.files_unchanged) == (6, 0, 1)


def test_deleted_documents_make_the_file_cache_stale(tmp_path: Path):
    data = write_jsonl(tmp_path / "a.jsonl", generated_records(8))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    index.index_paths([data], jobs=1)
    assert index.delete_ids(["gen-00003"]) == ["gen-00003"]
    report = index.index_paths([data], jobs=1)
    assert (report.added, report.unchanged, report.files_unchanged) == (1, 7, 0)
    assert "gen-00003" in index


def test_bad_input_never_loses_what_was_indexed(tmp_path: Path):
    good = write_jsonl(tmp_path / "data" / "news.jsonl", generated_records(12))
    index = tmp_path / "ix"
    _summary(run_cli(index, "index", str(tmp_path / "data"), "--json"))
    # the file is overwritten by garbage: a whole-file skip, and --prune must keep its documents
    good.write_bytes(b"\x00\x01garbage")
    proc = run_cli(index, "index", str(tmp_path / "data"), "--prune", "--json")
    assert proc.returncode == 1  # nothing could be read
    assert json.loads(proc.stdout)["removed"] == 0
    assert len(live_ids(index)) == 12
    # a file with some bad lines: the good ones are read, nothing of the file is pruned
    rows = generated_records(12)
    text = "\n".join(json.dumps(r) for r in rows[:10]) + "\n{broken json\n"
    good.write_text(text, encoding="utf-8")
    proc = run_cli(index, "index", str(tmp_path / "data"), "--prune", "--json")
    out = json.loads(proc.stdout)
    assert proc.returncode == 0 and out["removed"] == 0 and out["skipped"] == 1
    assert len(live_ids(index)) == 12


def test_summary_counts_title_only_duplicates_and_unreadable_dates(tmp_path: Path):
    rows = generated_records(4) + [
        {"id": "t1", "title": "Hanya Judul Saja", "body": ""},
        {"id": "d1", "title": "Tanggal", "body": "Isi.", "date": "kemarin sore"},
        {"id": "gen-00001", "title": "Duplikat", "body": "Isi lain."},
        {"id": "x", "title": "", "body": ""},
    ]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "ix"), "index", str(path)])
    assert result.exit_code == 0, result.output
    assert "added 6, updated 0, unchanged 0, removed 0, skipped 2" in result.output
    assert "1 without a readable date" in result.output
    assert "duplicate id 'gen-00001'" in result.output
    index = SearchIndex(tmp_path / "ix")
    assert index.get("t1").title == "Hanya Judul Saja"
    assert index.search("judul").hits[0].id == "t1"
    assert index.get("gen-00001").title != "Duplikat", "the first occurrence is kept"


def test_jobs_2_builds_the_same_index_as_jobs_1(tmp_path: Path):
    data = write_jsonl(tmp_path / "in.jsonl", sample_records(120, words=50))
    one, two = tmp_path / "one", tmp_path / "two"
    r1 = _summary(run_cli(one, "index", str(data), "--jobs", "1", "--batch-size", "30", "--json"))
    r2 = _summary(run_cli(two, "index", str(data), "--jobs", "2", "--batch-size", "30", "--json"))
    assert r1["commits"] == r2["commits"] == 4
    for key in ("added", "updated", "unchanged", "skipped"):
        assert r1[key] == r2[key]
    a, b = segment_contents(one), segment_contents(two)
    assert len(a) == len(b) == 4
    assert a == b, "the same segments, byte for byte"
    s1, s2 = SearchIndex(one), SearchIndex(two)
    assert live_ids(one) == live_ids(two) and len(live_ids(one)) == r1["added"]
    for q in QUERIES:
        h1 = [(h.id, round(h.score, 6)) for h in s1.search(q, limit=15).hits]
        h2 = [(h.id, round(h.score, 6)) for h in s2.search(q, limit=15).hits]
        assert h1 == h2, q


def test_commits_happen_per_batch_and_the_cache_only_after_them(tmp_path: Path):
    recs = generated_records(50)
    write_jsonl(tmp_path / "data" / "a.jsonl", recs[:20])
    write_jsonl(tmp_path / "data" / "b.jsonl", recs[20:])
    index = SearchIndex.create_or_open(tmp_path / "ix")
    report = index.index_paths([tmp_path / "data"], batch_size=15, jobs=1)
    assert report.added == 50 and report.commits == 4
    cache = json.loads((tmp_path / "ix" / "files.json").read_text())
    assert {Path(p).name: e["documents"] for p, e in cache.items()} == {"a.jsonl": 20, "b.jsonl": 30}
    assert len(index) == 50


def test_gzip_and_stdin(tmp_path: Path):
    rows = generated_records(7)
    gz = tmp_path / "in.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    index = tmp_path / "ix"
    assert _summary(run_cli(index, "index", str(gz), "--json"))["added"] == 7
    more = "".join(json.dumps(r) + "\n" for r in generated_records(3, prefix="stdin"))
    out = _summary(run_cli(index, "index", "-", "--json", input=more))
    assert out["added"] == 3
    assert len(live_ids(index)) == 10


def test_api_add_uses_the_same_writer(tmp_path: Path):
    index = SearchIndex.create_or_open(tmp_path / "ix")
    report = index.add([Article(id="z1", title="Banjir di Semarang", body="Banjir merendam rumah."),
                        Article(id="z2", body="Gempa di Lombok.")])
    assert report.added == 2
    assert index.search("banjir").hits[0].id == "z1"
    again = index.add([Article(id="z1", title="Banjir di Semarang", body="Banjir merendam rumah.")])
    assert (again.added, again.unchanged) == (0, 1)
    changed = index.add([Article(id="z1", title="Banjir Surut", body="Air sudah surut.")])
    assert changed.updated == 1 and len(index) == 2
    assert index.get("z1").title == "Banjir Surut"
    ix = wi.open_dir(str(tmp_path / "ix"), indexname="MAIN")
    with ix.searcher() as s:
        assert s.document(id="z1")["title"] == "Banjir Surut"


def test_a_run_merges_once_at_its_end_in_parallel_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # 15 batches: no merge while the run goes on (a commit each), then one merge of all
    # 15 in groups of about MERGE_PART_DOCS documents, which --jobs 2 merges side by side
    # in worker processes and --jobs 1 one after the other: the same segments either way
    from searcher import commits

    monkeypatch.setattr(commits, "MERGE_PART_DOCS", 5)
    data = write_jsonl(tmp_path / "in.jsonl", sample_records(30, words=40))
    dumps = []
    for jobs in (1, 2):
        index = SearchIndex.create_or_open(tmp_path / f"ix{jobs}")
        report = index.index_paths([data], batch_size=2, jobs=jobs)
        assert report.added == 30 and report.commits == 15 + 1
        segments = index._ix._segments()
        assert sorted(s.doc_count() for s in segments) == [4, 4, 4, 6, 6, 6]
        assert len(list((tmp_path / f"ix{jobs}").glob("*.seg"))) == 6  # the merged ones are gone
        dumps.append(dump_index(tmp_path / f"ix{jobs}"))
        assert run_cli(tmp_path / f"ix{jobs}", "check").returncode == 0
    assert dumps[0] == dumps[1]


def test_a_writer_deletes_documents_of_segments_it_committed_and_merged(tmp_path: Path):
    # the writer reads the ids of the segments it commits only when a deletion needs them,
    # and reads every location again after a merge moved the documents
    from searcher.commits import IndexWriter
    from searcher.index import open_whoosh

    folder = tmp_path / "ix"
    index = SearchIndex.create_or_open(folder)
    index.index_paths([write_jsonl(tmp_path / "old.jsonl", generated_records(4))], jobs=1)
    ix = open_whoosh(folder)
    new = [a for a in read_file(write_jsonl(tmp_path / "new.jsonl", generated_records(4, prefix="new")))
           if isinstance(a, Article)]
    with IndexWriter.open(ix, folder) as writer:
        assert set(writer.load_columns(("hash",))) == {f"gen-{i:05d}" for i in range(4)}
        writer.commit([build_segment(ix.storage, writer.schema, ix.indexname, map(document_fields, new[:2]))],
                      merge=False)
        writer.commit([build_segment(ix.storage, writer.schema, ix.indexname, map(document_fields, new[2:]))],
                      merge=False)
        assert writer.delete_ids(["new-00001", "gen-00002", "nope"]) == ["new-00001", "gen-00002"]
        writer.commit(merge=False)
        writer.optimize()
        assert len(writer.segments) == 1
        assert writer.delete_ids(["new-00003", "gen-00000", "new-00001"]) == ["new-00003", "gen-00000"]
        writer.commit(merge=False)
    assert live_ids(folder) == {"gen-00001", "gen-00003", "new-00000", "new-00002"}


def test_an_indexing_run_keeps_no_record_per_new_article(tmp_path: Path):
    # a run remembers the documents the index held before it (to see what changed), not
    # the ones it adds: 315k new articles must not cost the indexing process per-article
    # records beyond their ids; files.json still counts every document of each file
    from searcher.commits import IndexWriter
    from searcher.index import open_whoosh
    from searcher.indexing import Indexer

    folder = tmp_path / "ix"
    SearchIndex.create_or_open(folder)
    first = write_jsonl(tmp_path / "a.jsonl", generated_records(6))
    with Indexer(open_whoosh(folder), folder, batch_size=2) as indexer:
        indexer.index_paths([first])
        assert indexer.known == {} and indexer.writer._locations == {}
        assert len(indexer.seen) == 6
    edited = generated_records(6)
    edited[1]["body"] = "Isi baru tentang harga cabai."
    write_jsonl(first, edited)
    second = write_jsonl(tmp_path / "b.jsonl", generated_records(3, prefix="b"))
    with Indexer(open_whoosh(folder), folder, batch_size=2) as indexer:
        report = indexer.index_paths([first, second])
        assert (report.added, report.updated, report.unchanged) == (3, 1, 5)
        assert set(indexer.known) == {f"gen-{i:05d}" for i in range(6)}
    entries = json.loads((folder / "files.json").read_text())
    assert {Path(k).name: v["documents"] for k, v in entries.items()} == {"a.jsonl": 6, "b.jsonl": 3}
    with IndexWriter.open(open_whoosh(folder), folder) as writer:
        assert len(writer.load_columns()) == 9


def test_merge_groups_are_balanced_and_bounded():
    from searcher.commits import merge_groups

    class Seg:
        def __init__(self, docs: int) -> None:
            self.docs = docs

        def doc_count(self) -> int:
            return self.docs

    def sizes(segments: list[Seg], chosen: list[Seg], **kw: int) -> list[list[int]]:
        return [[s.docs for s in g] for g in merge_groups(segments, chosen, **kw)]  # type: ignore[arg-type]

    units = [Seg(5000) for _ in range(63)]
    assert [sum(g) for g in sizes(units, units)] == [80_000, 80_000, 80_000, 75_000]
    assert sizes(units[:11], units[:11]) == [[5000] * 11]  # 55,000: one merge
    # never more groups than leave the index at the limit, nor a group of one segment
    big = [Seg(60_000) for _ in range(11)]
    assert sizes(big, big) == [[60_000] * 3] + [[60_000] * 2] * 4
    assert sizes(big, big[:3]) == [[60_000] * 3]
    mixed = [Seg(5000)] * 3 + [Seg(90_000)] + [Seg(5000)] * 3
    assert sizes(mixed, mixed) == [[5000, 5000, 5000, 90_000], [5000, 5000, 5000]]
    assert sizes(units[:20], units[:20], part_docs=10_000, limit=10) == [[5000] * 2] * 10


@pytest.mark.parametrize("batch", [1, 4])
def test_tiny_batches_give_one_segment_each_until_merged(tmp_path: Path, batch: int):
    from searcher.commits import MAX_SEGMENTS

    data = write_jsonl(tmp_path / "in.jsonl", generated_records(14))
    index = SearchIndex.create_or_open(tmp_path / "ix")
    report = index.index_paths([data], batch_size=batch, jobs=1)
    assert report.added == 14
    segments = index._ix._segments()
    assert len(segments) <= MAX_SEGMENTS
    assert sum(s.doc_count() for s in segments) == 14
    assert live_ids(tmp_path / "ix") == {f"gen-{i:05d}" for i in range(14)}
