"""Helpers shared by the indexing tests: corpora, index dumps, running the CLI."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "index_data" / "click-id-sample.jsonl.gz"


def sample_records(n: int, *, words: int | None = None) -> list[dict[str, Any]]:
    """The first ``n`` records of the bundled sample corpus (real Indonesian news).

    With ``words``, bodies are cut to that many words (faster to index).
    """
    out = []
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if words is not None:
                rec["body"] = " ".join(str(rec.get("body", "")).split()[:words])
            out.append(rec)
            if len(out) == n:
                break
    return out


def generated_records(n: int, *, words: int = 40, prefix: str = "gen") -> list[dict[str, Any]]:
    """``n`` short articles with unique ids built from sample text (recycled as needed)."""
    base = sample_records(min(n, 500), words=words)
    out = []
    for i in range(n):
        rec = dict(base[i % len(base)])
        rec["id"] = f"{prefix}-{i:05d}"
        rec["url"] = f"https://example.com/{prefix}/{i}"
        rec["body"] = f"{rec.get('body', '')} nomor{i % 97} berita"
        out.append(rec)
    return out


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def searcher_cmd(index: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "searcher", "--index", str(index), *args]


def run_cli(index: Path, *args: str, timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``searcher --index INDEX ARGS…`` as a real subprocess."""
    return subprocess.run(searcher_cmd(index, *args), capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=cli_env(), **kwargs)


def live_ids(index: Path) -> set[str]:
    """The ids of every live document (read with stock Whoosh)."""
    from whoosh import index as wi

    ix = wi.open_dir(str(index), indexname="MAIN")
    with ix.reader() as r:
        if not r.doc_count():
            return set()
        col = r.column_reader("id")
        return {col[d] for d in r.all_doc_ids()}


def stored_by_id(index: Path) -> dict[str, dict[str, Any]]:
    """The stored fields of every live document, by id."""
    from whoosh import index as wi

    ix = wi.open_dir(str(index), indexname="MAIN")
    with ix.reader() as r:
        return {f["id"]: f for f in (r.stored_fields(d) for d in r.all_doc_ids())}


def dump_index(index: Path) -> dict[str, Any]:
    """Everything a reader can see, keyed so two indexes with the same documents compare equal.

    Document numbers are replaced by ids; postings are decoded (frequencies,
    positions, weights); term statistics, stored fields, columns and field
    lengths are included.
    """
    from whoosh import index as wi

    ix = wi.open_dir(str(index), indexname="MAIN")
    out: dict[str, Any] = {}
    with ix.reader() as r:
        ids = r.column_reader("id")
        live = list(r.all_doc_ids())
        name = {d: ids[d] for d in live}
        out["ids"] = sorted(name.values())
        out["stored"] = {name[d]: r.stored_fields(d) for d in live}
        cols = {}
        for fn in r.schema.names():
            if r.has_column(fn):
                c = r.column_reader(fn, translate=False)
                cols[fn] = {name[d]: c[d] for d in live}
        out["columns"] = cols
        out["lengths"] = {fn: {name[d]: r.doc_field_length(d, fn) for d in live}
                          for fn in r.schema.names() if r.schema[fn].scorable}
        out["field_length"] = {fn: r.field_length(fn) for fn in r.schema.names()}
        terms: dict[tuple[str, bytes], Any] = {}
        for (fn, t), info in r:
            terms[(fn, t)] = [[], info.doc_frequency(), info.weight(), info.min_length(),
                              info.max_length(), info.max_weight(), info.min_id(), info.max_id()]
        deleted = {d for d in range(r.doc_count_all()) if r.is_deleted(d)}
        for fn, t, docnum, weight, value in r.iter_postings():
            if docnum in deleted:
                continue
            fmt = r.schema[fn].format
            row: list[Any] = [name[docnum], weight]
            if fmt.supports("positions") and value:
                row.append(tuple(fmt.decode_positions(value)))
            elif fmt.supports("frequency") and value:
                row.append(fmt.decode_frequency(value))
            terms[(fn, t)][0].append(tuple(row))
        for entry in terms.values():
            entry[0].sort()
        out["terms"] = terms
    return out


def documents(path: Path, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``add_document`` fields of ``records`` (written to ``path`` as JSON Lines and read back)."""
    from searcher.indexing import document_fields
    from searcher.readers import Skip, read_file

    return [document_fields(a) for a in read_file(write_jsonl(path, records)) if not isinstance(a, Skip)]


def stock_and_fast(tmp_path: Path, docs: list[dict[str, Any]]) -> tuple[Path, Path]:
    """Two indexes of ``docs``: ``stock/`` by Whoosh's own writer, ``fast/`` by searcher's
    segment writer (one segment each)."""
    from searcher.commits import write_toc
    from searcher.index import INDEX_NAME, create_whoosh
    from searcher.segments import build_segment

    stock = tmp_path / "stock"
    writer = create_whoosh(stock).writer()
    for fields in docs:
        writer.add_document(**fields)
    writer.commit()
    fast = tmp_path / "fast"
    ix = create_whoosh(fast)
    write_toc(fast, INDEX_NAME, ix.schema, [build_segment(ix.storage, ix.schema, INDEX_NAME, docs)], 1)
    return stock, fast


def segment_contents(index: Path) -> list[dict[str, bytes]]:
    """Each segment's files (``.trm``, ``.pst``, ``.<field>.col``…) by name without the segment id.

    Two indexes built from the same input the same way compare equal byte for byte.
    """
    from whoosh import index as wi

    ix = wi.open_dir(str(index), indexname="MAIN")
    out = []
    for seg in ix._segments():
        files = seg.open_compound_file(ix.storage)
        prefix = seg.segment_id()
        out.append({name[len(prefix):]: bytes(files.open_file(name).read())
                    for name in sorted(files.list())})
        files.close()
    return out
