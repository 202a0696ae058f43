"""Kill `searcher index` at random moments on a real corpus; the index must survive each kill.

After every SIGKILL: the index opens, `check_index` finds no problem, no article
that was committed before is missing, and sampled articles hold a version that was
in the input. A last run without kills must then end with every article of the
corpus in the index (31,462 for the shared corpus), each in its last version, and
`check --postings` clean. Exit status 0 when all of this holds, 1 otherwise. Run it
through scripts/faulttest.

``--kills`` counts real kills: a round whose run ends before its kill does not count.
When that happens the index is complete, so the test gives the next rounds work again:
it indexes a copy of the corpus (beside the index) in which a seeded fraction of the
articles (``--change``) got a new body, and it shortens the longest wait to the
length of the run that ended, so that kills land inside the runs even when indexing
gets faster.
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
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]  # benchlib, and the searcher of this checkout

from benchlib import corpora  # noqa: E402
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


def bodies(path: Path) -> dict[str, str]:
    """id → body (cleaned, as indexed) of every article of ``path``."""
    return {a.id: a.body for a in read_file(path) if not isinstance(a, Skip)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="input file (JSON Lines, may be gzipped) or folder")
    ap.add_argument("--index", type=Path, default=Path("/tmp/searcher-faulttest/index"),
                    help="index folder (deleted first; the changed copies of the corpus go beside it)")
    ap.add_argument("--kills", type=int, default=20, help="SIGKILLs before the last run")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=1000, help="small, so commits are frequent")
    ap.add_argument("--min-wait", type=float, default=1.0, help="seconds before a kill, at least")
    ap.add_argument("--max-wait", type=float, default=40.0,
                    help="seconds before a kill, at most (every other round: seconds after "
                         "the round's first commit); shortened when a run ends before its kill")
    ap.add_argument("--change", type=float, default=0.3,
                    help="fraction of the articles changed when a run ends before its kill")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)
    print(f"faulttest: corpus {args.corpus}, index {args.index}, seed {seed}, "
          f"{args.kills} kills, --jobs {args.jobs}, --batch-size {args.batch_size}", flush=True)
    source = args.corpus
    current = bodies(source)
    allowed: dict[str, set[str]] = {i: {b} for i, b in current.items()}  # every version seen
    print(f"faulttest: {len(current)} articles in the corpus", flush=True)
    shutil.rmtree(args.index, ignore_errors=True)
    copy = args.index.parent / ("changed-" + args.corpus.name)
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def command() -> list[str]:
        return [sys.executable, "-m", "searcher", "--index", str(args.index), "index", str(source),
                "--jobs", str(args.jobs), "--batch-size", str(args.batch_size), "--no-progress",
                "--json"]

    committed: set[str] = set()
    failures = kills = round_ = 0
    max_wait = args.max_wait
    started = time.monotonic()
    while kills < args.kills and round_ < 4 * args.kills:
        round_ += 1
        generation = _generation(args.index)
        proc = subprocess.Popen(command(), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        began = time.monotonic()
        wait = rng.uniform(min(args.min_wait, max_wait / 2), max_wait)
        if round_ % 2 == 0:  # kill after this run has committed: during a later batch, commit or merge
            while proc.poll() is None and _generation(args.index) <= generation:
                time.sleep(0.2)
            wait = rng.uniform(0, min(10.0, max_wait))
        deadline = time.monotonic() + wait
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        wait = time.monotonic() - began
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        _, err = proc.communicate()
        if finished and proc.returncode != 0:
            print(f"round {round_:2}: the run failed (exit {proc.returncode}):\n"
                  f"{err.decode('utf-8', 'replace')[-2000:]}", flush=True)
            failures += 1
            break
        what = f"kill {kills:2}" if not finished else "finished"
        if not (args.index / "searcher.json").exists():
            print(f"round {round_:2}: {what} after {wait:5.1f} s, before the index existed", flush=True)
            continue
        report = check_index(args.index)
        now = live_ids(args.index)
        lost = committed - now
        index = SearchIndex(args.index)
        sample = rng.sample(sorted(now), min(50, len(now)))
        wrong = [i for i in sample if index.get(i).body not in allowed.get(i, ())]
        ok = report.ok and not lost and not wrong
        failures += not ok
        print(f"round {round_:2}: {what} after {wait:5.1f} s; "
              f"{len(now):6} articles, {report.segments} segment(s), generation {report.generation}; "
              f"{'ok' if ok else 'FAILED'}", flush=True)
        for problem in report.problems:
            print(f"    problem: {problem}", flush=True)
        if lost:
            print(f"    {len(lost)} committed article(s) lost, e.g. {sorted(lost)[:3]}", flush=True)
        if wrong:
            print(f"    {len(wrong)} article(s) with a body not in the input, e.g. {wrong[:3]}", flush=True)
        committed = now
        if finished and kills < args.kills:
            if not source.is_file():
                print("faulttest: the run ended before its kill; a folder cannot be changed, "
                      "so the remaining rounds may end too", flush=True)
                max_wait = max(0.5, wait * 0.8)
                continue
            changed = corpora.change_bodies(source, copy, args.change, rng,
                                            f"Pembaruan ke-{round_} dari redaksi.")
            source = copy
            current = bodies(source)
            for i, body in current.items():
                allowed.setdefault(i, set()).add(body)
            max_wait = max(0.5, wait * 0.8)
            print(f"    the run ended before its kill: next rounds index {copy.name} "
                  f"({changed} articles changed); waits up to {max_wait:.1f} s", flush=True)
    proc = subprocess.run(command(), cwd=ROOT, env=env, capture_output=True, text=True)
    summary = json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}
    now = live_ids(args.index)
    deep = check_index(args.index, postings=True)
    index = SearchIndex(args.index)
    stale = [i for i in rng.sample(sorted(now), min(500, len(now))) if index.get(i).body != current.get(i)]
    total = summary.get("added", 0) + summary.get("updated", 0) + summary.get("unchanged", 0)
    complete = (proc.returncode == 0 and now == set(current) and total == len(current) and deep.ok
                and not stale)
    print(f"last run: exit {proc.returncode}; added {summary.get('added')}, updated "
          f"{summary.get('updated')}, unchanged {summary.get('unchanged')}; {len(now)} of "
          f"{len(current)} articles in the index; {len(stale)} of 500 sampled not in their last "
          f"version; check --postings {'ok' if deep.ok else 'FAILED'}", flush=True)
    for problem in deep.problems:
        print(f"    problem: {problem}", flush=True)
    passed = complete and not failures and kills >= args.kills
    print(f"faulttest: {'PASSED' if passed else 'FAILED'} ({kills} kills in {round_} rounds, "
          f"{failures} bad round(s), {time.monotonic() - started:.0f} s)", flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
