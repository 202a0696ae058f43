"""Kill `searcher index` at random moments on a real corpus; the index must survive each kill.

After every SIGKILL: the index opens, `check_index` finds no problem, no article
that was committed before is missing, and sampled articles hold a version that was
in the input. A last run without kills must then end with every article of the
corpus in the index (31,462 for the shared corpus). Exit status 0 when all of this
holds, 1 otherwise. Run it through scripts/faulttest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searcher import SearchIndex  # noqa: E402
from searcher.maintenance import check_index  # noqa: E402
from searcher.readers import Skip, read_file  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "news-id.jsonl.gz"


def live_ids(index: Path) -> set[str]:
    from whoosh import index as wi

    ix = wi.open_dir(str(index), indexname="MAIN")
    with ix.reader() as r:
        if not r.doc_count():
            return set()
        col = r.column_reader("id")
        return {col[d] for d in r.all_doc_ids()}


def _generation(index: Path) -> int:
    """The highest TOC generation in the index folder (-1: none)."""
    try:
        names = os.listdir(index)
    except OSError:
        return -1
    gens = [int(n[len("_MAIN_"):-len(".toc")]) for n in names
            if n.startswith("_MAIN_") and n.endswith(".toc") and n[6:-4].isdigit()]
    return max(gens, default=-1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="input file or folder")
    ap.add_argument("--index", type=Path, default=Path("/tmp/searcher-faulttest/index"),
                    help="index folder (deleted first)")
    ap.add_argument("--kills", type=int, default=20, help="SIGKILLs before the last run")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=1000, help="small, so commits are frequent")
    ap.add_argument("--min-wait", type=float, default=1.0, help="seconds before a kill, at least")
    ap.add_argument("--max-wait", type=float, default=40.0,
                    help="seconds before a kill, at most (every other round: seconds after "
                         "the round's first commit)")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    print(f"faulttest: corpus {args.corpus}, index {args.index}, seed {seed}", flush=True)
    articles = {a.id: a.body for a in read_file(args.corpus) if not isinstance(a, Skip)}
    print(f"faulttest: {len(articles)} articles in the corpus", flush=True)
    shutil.rmtree(args.index, ignore_errors=True)
    cmd = [sys.executable, "-m", "searcher", "--index", str(args.index), "index", str(args.corpus),
           "--jobs", str(args.jobs), "--batch-size", str(args.batch_size), "--no-progress", "--json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    committed: set[str] = set()
    failures = 0
    started = time.monotonic()
    for round_ in range(1, args.kills + 1):
        generation = _generation(args.index)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        began = time.monotonic()
        wait = rng.uniform(args.min_wait, args.max_wait)
        if round_ % 2 == 0:  # kill after this run has committed: during a later batch, commit or merge
            while proc.poll() is None and _generation(args.index) <= generation:
                time.sleep(0.2)
            wait = rng.uniform(0, min(10.0, args.max_wait))
        time.sleep(wait)
        wait = time.monotonic() - began
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if not (args.index / "searcher.json").exists():
            print(f"round {round_:2}: killed after {wait:5.1f} s, before the index existed", flush=True)
            continue
        report = check_index(args.index)
        now = live_ids(args.index)
        lost = committed - now
        index = SearchIndex(args.index)
        sample = rng.sample(sorted(now), min(50, len(now)))
        wrong = [i for i in sample if index.get(i).body != articles.get(i)]
        ok = report.ok and not lost and not wrong
        failures += not ok
        print(f"round {round_:2}: {'finished' if finished else 'killed'} after {wait:5.1f} s; "
              f"{len(now):6} articles, {report.segments} segment(s), generation {report.generation}; "
              f"{'ok' if ok else 'FAILED'}", flush=True)
        for problem in report.problems:
            print(f"    problem: {problem}", flush=True)
        if lost:
            print(f"    {len(lost)} committed article(s) lost, e.g. {sorted(lost)[:3]}", flush=True)
        if wrong:
            print(f"    {len(wrong)} article(s) with a body not in the input, e.g. {wrong[:3]}", flush=True)
        committed = now
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    summary = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
    now = live_ids(args.index)
    deep = check_index(args.index, postings=True)
    total = summary.get("added", 0) + summary.get("updated", 0) + summary.get("unchanged", 0)
    complete = proc.returncode == 0 and now == set(articles) and total == len(articles) and deep.ok
    print(f"last run: exit {proc.returncode}; added {summary.get('added')}, unchanged "
          f"{summary.get('unchanged')}; {len(now)} of {len(articles)} articles in the index; "
          f"check --postings {'ok' if deep.ok else 'FAILED'}", flush=True)
    print(f"faulttest: {'PASSED' if complete and not failures else 'FAILED'} "
          f"({failures} bad round(s), {time.monotonic() - started:.0f} s)", flush=True)
    return 0 if complete and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
