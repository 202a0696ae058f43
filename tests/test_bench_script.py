"""scripts/bench end to end at a tiny scale (12 short articles ×10 copies, 20 queries).

The harness runs as a subprocess, exactly as a developer runs it, on a corpus and query
files made here from the bundled index_data/ sample (no ../shared needed). Speed is not
checked (that is what the harness is for); what is checked is that every measurement
ran on the right data and that the page and plot are written.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "scripts" / "bench.py"
SAMPLES = ROOT / "index_data"


def _records(path: Path, n: int) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            out.append(json.loads(line))
            if len(out) == n:
                break
    return out


def _paragraphs(body: str) -> list[str]:
    return sorted(p.strip() for p in re.split(r"\n[ \t]*\n\s*", body.strip()) if p.strip())


def test_bench_runs_end_to_end_on_a_tiny_corpus(tmp_path: Path) -> None:
    # 10 one-paragraph click-id articles (with titles) + 2 multi-paragraph IndoSum ones,
    # shortened (indexing time grows with the text); 12 distinct articles, so that a
    # query can have 10 hits even when searcher folds the copies of an article together
    base = [{**r, "body": " ".join(r["body"].split()[:60])}
            for r in _records(SAMPLES / "click-id-sample.jsonl.gz", 10)]
    base += [{**r, "body": "\n\n".join(" ".join(p.split()[:30]) for p in _paragraphs(r["body"])[:4])}
             for r in _records(SAMPLES / "indosum-sample.jsonl.gz", 20)
             if r["body"].count("\n\n") >= 2][:2]
    assert len(base) == 12
    corpus = tmp_path / "base.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in base),
                      encoding="utf-8")
    short = [" ".join(re.findall(r"\w+", (r["title"] or r["body"]).lower())[:2]) for r in base]
    # stopwords only: (nearly) every article matches, so searcher has 10 hits to highlight
    short = (short * 2)[:17] + ["yang", "dan", "yang OR dan OR di OR ini OR itu"]
    (tmp_path / "short.txt").write_text("\n".join(short) + "\n", encoding="utf-8")
    sentences = [" ".join(r["body"].split()[:20]) for r in base[:5]]
    (tmp_path / "sent.tsv").write_text(
        "".join(f"s{i}\t{text}\n" for i, text in enumerate(sentences)), encoding="utf-8")
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\n## Latest results\n\n"
                    "<!-- bench:results:begin (generated) -->\nSTALE FIGURES\n"
                    "<!-- bench:results:end -->\n\n## Analysis\n\nTHE LEAD'S TEXT\n",
                    encoding="utf-8")
    plot = tmp_path / "scaling.png"
    can_plot = importlib.util.find_spec("matplotlib") is not None
    work = tmp_path / "work"

    argv = [sys.executable, str(BENCH), "--corpus", str(corpus), "--scale", "315k",
            "--baseline-315k", "--jobs", "1", "--short-queries", str(tmp_path / "short.txt"),
            "--sentence-queries", str(tmp_path / "sent.tsv"), "--cold-runs", "1",
            "--work", str(work), "--out", str(page)] + (["--plot", str(plot)] if can_plot else [])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]

    # the 315k-style corpus: ten copies, ids <id>~c<k>, copy 0 as is, others shuffled
    built = [json.loads(line) for line in
             gzip.open(work / "corpus" / "base-x10.jsonl.gz", "rt", encoding="utf-8")]
    assert [r["id"] for r in built] == [f"{r['id']}~c{k}" for k in range(10) for r in base]
    assert [r["body"] for r in built[:12]] == [r["body"] for r in base]
    multi = [(r, b) for r, b in zip(built[12:], base * 9) if "\n\n" in b["body"]]
    assert len(multi) == 18
    assert all(_paragraphs(r["body"]) == _paragraphs(b["body"]) for r, b in multi)
    assert any(r["body"] != b["body"] for r, b in multi)
    assert any(r["body"] != b["body"] for r, b in zip(built[12:], base * 9)
               if "\n" not in b["body"])  # one-paragraph bodies: sentences shuffled

    result = json.loads((work / "results" / "base-315k.json").read_text())
    assert result["documents"] == 120
    assert set(result["index"]) >= {"baseline"} and len(result["index"]) == 2
    for fig in result["index"].values():
        assert fig["documents"] == 120
        assert fig["docs_per_s"] > 0 and fig["peak_mb"] > 10 and fig["size_bytes"] > 0
    for engine in ("searcher", "baseline"):
        queries = result["queries"][engine]
        assert queries["short"]["n"] == 20 and queries["sentence"]["n"] == 5
        assert queries["sentence"]["zero_hit"] == 0  # each sentence is an article's opening
        assert queries["snippets"]["n"] > 0  # 10 copies: a matching query has 10 hits
        assert 0 < queries["short"]["p50"] <= queries["short"]["p95"]
        assert result["cold"][engine]["runs"] == 1

    out = done.stdout
    assert "| index throughput, searcher" in out and "| short queries p95" in out
    text = page.read_text(encoding="utf-8")
    assert "STALE FIGURES" not in text and "THE LEAD'S TEXT" in text
    assert "| cold start, spawn to exit" in text and "Machine: CPU" in text
    if can_plot:
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "](scaling.png)" in text
