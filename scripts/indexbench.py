"""Measure `searcher index` on a corpus: wall time, docs/s, CPU and peak memory of the process tree.

For each ``--jobs`` value: a fresh index of the corpus (copied to a work folder),
then, with ``--rerun-changed F``, a second run after changing a fraction F of the
articles (their body gets a sentence appended). ``--stock N`` also times Whoosh's
own writer (``add_document``, one process) on the first N articles, for comparison.
Peak memory is the largest sum of the resident sizes of the indexing process and
its workers, sampled every 0.1 s. Run it through scripts/indexbench.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-id.jsonl.gz"


def _tree_rss(tag: str) -> tuple[int, float]:
    """(resident bytes, CPU seconds) of the processes whose environment holds ``tag``."""
    rss = 0
    cpu = 0.0
    needle = f"SEARCHER_BENCH_TAG={tag}".encode()
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                if needle not in fh.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/statm") as fh:
                rss += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
            fields = stat[stat.rindex(b")") + 2:].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return rss, cpu


def run_index(index: Path, corpus: Path, jobs: int, batch: int, tag: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SEARCHER_BENCH_TAG=tag)
    cmd = [sys.executable, "-m", "searcher", "--index", str(index), "index", str(corpus),
           "--jobs", str(jobs), "--batch-size", str(batch), "--no-progress", "--json"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = 0
    cpu_seen: dict[str, float] = {}
    while proc.poll() is None:
        rss, cpu = _tree_rss(tag)
        peak = max(peak, rss)
        cpu_seen["last"] = max(cpu_seen.get("last", 0.0), cpu)
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"searcher index failed ({proc.returncode}):\n{err}")
    report = json.loads(out)
    docs = report["added"] + report["updated"]
    return {"wall_s": round(wall, 1), "written": docs, "unchanged": report["unchanged"],
            "docs_per_s": round((report["added"] + report["updated"] + report["unchanged"]) / wall, 1),
            "peak_rss_mb": round(peak / 2**20), "cpu_s_sampled": round(cpu_seen.get("last", 0.0), 1),
            "commits": report["commits"]}


def change_fraction(src: Path, dst: Path, fraction: float, seed: int = 1) -> int:
    rng = random.Random(seed)
    changed = 0
    with gzip.open(src, "rt", encoding="utf-8") as fin, gzip.open(dst, "wt", encoding="utf-8") as fout:
        for line in fin:
            if line.strip() and rng.random() < fraction:
                rec = json.loads(line)
                rec["body"] = f"{rec.get('body') or ''} Berita ini diperbarui."
                line = json.dumps(rec, ensure_ascii=False) + "\n"
                changed += 1
            fout.write(line)
    return changed


def stock(corpus: Path, n: int, work: Path) -> dict[str, float]:
    """Whoosh's own writer on the first n articles (read, clean, add_document, commit)."""
    from searcher.index import create_whoosh
    from searcher.indexing import document_fields
    from searcher.readers import Skip, read_file

    index = work / "stock-index"
    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    cpu0 = time.process_time()
    ix = create_whoosh(index)
    writer = ix.writer(limitmb=256)
    count = 0
    for item in read_file(corpus):
        if isinstance(item, Skip):
            continue
        writer.add_document(**document_fields(item))
        count += 1
        if count == n:
            break
    writer.commit()
    wall = time.perf_counter() - started
    return {"articles": count, "wall_s": round(wall, 1), "docs_per_s": round(count / wall, 1),
            "cpu_s": round(time.process_time() - cpu0, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--work", type=Path, default=Path("/tmp/searcher-indexbench"))
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch-size", type=int, default=5000)
    ap.add_argument("--rerun-changed", type=float, default=0.01, help="fraction changed (0: no re-run)")
    ap.add_argument("--stock", type=int, default=0, help="also time Whoosh's writer on N articles")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    corpus = args.work / ("corpus" + "".join(args.corpus.suffixes))
    results: dict[str, object] = {"corpus": str(args.corpus), "cpus": os.cpu_count(),
                                  "load_before": os.getloadavg()}
    for jobs in args.jobs:
        shutil.copyfile(args.corpus, corpus)
        index = args.work / f"index-j{jobs}"
        shutil.rmtree(index, ignore_errors=True)
        full = run_index(index, corpus, jobs, args.batch_size, f"j{jobs}-{os.getpid()}")
        print(f"jobs {jobs}: full index {json.dumps(full)}", flush=True)
        results[f"full_jobs{jobs}"] = full
        if args.rerun_changed:
            changed = change_fraction(args.corpus, corpus, args.rerun_changed)
            rerun = run_index(index, corpus, jobs, args.batch_size, f"r{jobs}-{os.getpid()}")
            rerun["articles_changed"] = changed
            print(f"jobs {jobs}: re-run, {changed} changed {json.dumps(rerun)}", flush=True)
            results[f"rerun_jobs{jobs}"] = rerun
    if args.stock:
        results["stock"] = stock(args.corpus, args.stock, args.work)
        print(f"stock Whoosh writer: {json.dumps(results['stock'])}", flush=True)
    results["load_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
