#!/usr/bin/env python3
"""Benchmarks: searcher against a plain-Whoosh baseline, at 31k and 315k articles.

    scripts/bench                              # 31k and 315k (builds the 315k corpus once)
    scripts/bench --scale 31k --quick          # a fast look: 200 short, 100 sentence queries
    scripts/bench --scale 3k,31k --out docs/benchmarks.md --plot docs/bench-scaling.png
    scripts/bench --scale 315k --skip-index    # re-run the queries on the built indexes
    scripts/bench --scale 315k --baseline-315k # also the baseline at 315k (~15 min)

For each scale it measures, through the public interfaces only (the ``searcher`` CLI in
child processes and ``SearchIndex.search``):

- indexing: ``searcher --index DIR index CORPUS --jobs N --no-progress`` for each N of
  ``--jobs`` (wall time spawn to exit, docs/s, peak memory), and the baseline;
- short-query latency (shared/bench/queries-short.txt) and sentence-query latency (the
  ``summ`` and ``dsumm`` dev queries): warm, one process, top 10, no snippets;
- snippets: the extra time of ``highlight=True`` for queries with 10 hits (p50);
- cold start: ``python -m searcher --index DIR search "harga beras"``, median of runs;
- index size on disk against the UTF-8 size of title + body.

Scales: ``3k`` (a sample of a tenth of the base corpus), ``31k`` (the base corpus),
``315k`` (ten copies, shuffled; see benchlib/corpora.py). The baseline is the stock
Whoosh set-up of benchlib/baseline.py; at 315k it runs only with ``--baseline-315k``,
otherwise the reference figures of shared/bench/README.md are shown, marked "ref.".

Corpora, indexes and results live in ``.bench/`` (gitignored): ``--skip-index`` reuses
the indexes; every run's figures are kept in ``.bench/results/`` so that ``--out`` and
``--plot`` can combine scales measured in different runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # benchlib, and the searcher of this checkout

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "_worker":
    from benchlib.workers import main as _worker_main

    _worker_main(sys.argv[2:])
    sys.exit(0)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from benchlib import corpora, machine, measure, report  # noqa: E402

PY = sys.executable
QUICK_SHORT, QUICK_SENTENCE, QUICK_COLD = 200, 100, 3
# Stock Whoosh takes seconds per long OR query at 31k (minutes at 315k): the baseline
# runs a seed-42 sample of the sentence queries (--baseline-sentence N).
BASELINE_SENTENCE, BASELINE_SENTENCE_SMALL = 100, 20
COLD_QUERY = "harga beras"
PAGE_TEMPLATE = ROOT / "docs" / "benchmarks.md"


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def shared_dir(arg: str | None) -> Path | None:
    if arg:
        return Path(arg)
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (candidate / "bench").is_dir():
            return candidate
    return None


def parse_scales(text: str) -> list[str]:
    aliases = {"both": ["31k", "315k"], "all": list(corpora.SCALES)}
    out: list[str] = []
    for part in text.split(","):
        part = part.strip().lower()
        for scale in aliases.get(part, [part]):
            if scale not in corpora.SCALES:
                raise SystemExit(f"scripts/bench: unknown scale {part!r}; use "
                                 f"{', '.join(corpora.SCALES)}, both or all")
            if scale not in out:
                out.append(scale)
    return sorted(out, key=corpora.SCALES.index)


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@dataclass
class Context:
    args: argparse.Namespace
    work: Path
    base: corpora.Corpus
    short_file: Path
    sentence_file: Path | None
    sentences: list[str]
    has_jobs: bool
    cold_runs: int
    notes: list[str] = field(default_factory=list)
    command: str = "scripts/bench"

    @property
    def key(self) -> str:
        return corpora._stem(self.base.path)

    def jobs_for(self, scale: str) -> list[int] | list[None]:
        if not self.has_jobs:
            return [None]
        jobs = sorted({int(j) for j in self.args.jobs.split(",") if j.strip()})
        if scale == "315k" and not self.args.jobs_given:
            jobs = jobs[-1:]
        return list(jobs)

    def baseline_for(self, scale: str) -> bool:
        if self.args.no_baseline:
            return False
        return scale != "315k" or self.args.baseline_315k

    def results_path(self, scale: str) -> Path:
        return self.work / "results" / f"{self.key}-{scale}.json"


# -- indexing -------------------------------------------------------------------------------
def _built_marker(dest: Path) -> Path:
    return dest.with_name(dest.name + ".built.json")


def _reuse(ctx: Context, dest: Path) -> dict | None:
    marker = _built_marker(dest)
    if ctx.args.skip_index and dest.is_dir() and marker.exists():
        fig = json.loads(marker.read_text())
        fig["reused"] = True
        return fig
    if ctx.args.skip_index:
        say(f"{dest} is not built yet; building it")
    return None


def index_searcher(ctx: Context, corpus: corpora.Corpus, dest: Path, jobs: int | None) -> dict:
    found = _reuse(ctx, dest)
    if found:
        return found
    shutil.rmtree(dest, ignore_errors=True)
    _built_marker(dest).unlink(missing_ok=True)
    argv = [PY, "-m", "searcher", "--index", str(dest), "index", str(corpus.path),
            "--no-progress", "--json"] + (["--jobs", str(jobs)] if jobs else [])
    say(f"{corpus.scale}: indexing with searcher{' --jobs ' + str(jobs) if jobs else ''} …")
    load = machine.load_average()
    run = measure.run(argv, cwd=ROOT).check("searcher index")
    try:
        summary = json.loads(run.stdout)
        documents = int(summary["added"]) + int(summary.get("updated", 0))
        skipped = int(summary.get("skipped", 0))
    except (ValueError, KeyError, TypeError):
        documents, skipped = corpus.documents, 0
        ctx.notes.append("searcher index --json printed no summary; document count assumed")
    return _finish_index(corpus, dest, run, documents, skipped, jobs, argv, load)


def index_baseline(ctx: Context, corpus: corpora.Corpus, dest: Path) -> dict:
    found = _reuse(ctx, dest)
    if found:
        return found
    shutil.rmtree(dest, ignore_errors=True)
    _built_marker(dest).unlink(missing_ok=True)
    argv = [PY, str(HERE / "bench.py"), "_worker", "baseline-index", "--corpus",
            str(corpus.path), "--index", str(dest)]
    say(f"{corpus.scale}: indexing with plain Whoosh …")
    load = machine.load_average()
    run = measure.run(argv, cwd=ROOT).check("baseline index")
    documents = json.loads(run.stdout)["documents"]
    return _finish_index(corpus, dest, run, documents, 0, None, argv, load)


def _finish_index(corpus: corpora.Corpus, dest: Path, run: measure.Run, documents: int,
                  skipped: int, jobs: int | None, argv: list[str], load_before: str) -> dict:
    fig: dict[str, object] = {"documents": documents, "skipped": skipped, "seconds": run.seconds,
           "docs_per_s": documents / run.seconds, "max_rss_mb": run.max_rss_mb,
           "tree_mb": run.tree_mb, "peak_mb": run.peak_mb, "size_bytes": dir_size(dest),
           "jobs": jobs, "command": shlex.join(argv), "date": time.strftime("%Y-%m-%d %H:%M"),
           "load_before": load_before, "load_after": machine.load_average()}
    _built_marker(dest).write_text(json.dumps(fig, indent=1) + "\n")
    say(f"  {documents:,} docs in {run.seconds:.1f} s = {documents / run.seconds:,.0f} docs/s; "
        f"peak {run.peak_mb:,.0f} MiB; index {dir_size(dest) / 2**20:,.1f} MiB"
        + (f"; {skipped} skipped" if skipped else ""))
    if documents < corpus.documents - skipped:
        raise RuntimeError(f"{dest}: indexed {documents} of {corpus.documents} articles")
    return fig


# -- queries ----------------------------------------------------------------------------------
def baseline_sentences(ctx: Context, scale: str) -> Path | None:
    """The baseline's sample of the sentence queries (see BASELINE_SENTENCE)."""
    n = ctx.args.baseline_sentence
    if n is None:
        n = BASELINE_SENTENCE_SMALL if ctx.args.quick or scale == "315k" else BASELINE_SENTENCE
    if not ctx.sentences or n == 0:
        return None
    if n >= len(ctx.sentences):
        return ctx.sentence_file
    path = ctx.work / "queries" / f"sentence-baseline-{n}.txt"
    path.write_text("\n".join(corpora.subsample(ctx.sentences, n)) + "\n", encoding="utf-8")
    return path


def latency(ctx: Context, engine: str, dest: Path, sentence_file: Path | None) -> dict:
    argv = [PY, str(HERE / "bench.py"), "_worker", "latency", "--engine", engine,
            "--index", str(dest), "--short", str(ctx.short_file)]
    if sentence_file:
        argv += ["--sentence", str(sentence_file)]
    say(f"  queries on {engine} ({dest.name}) …")
    run = measure.run(argv, cwd=ROOT).check(f"{engine} latency")
    data = json.loads(run.stdout)
    out: dict = {"rss_mb": run.max_rss_mb, "seconds": run.seconds}
    for key in ("short", "sentence"):
        if key not in data:
            continue
        part = data[key]
        hits = part["hits"]
        out[key] = {**measure.summary(part["ms"]),
                    "zero_hit": sum(1 for h in hits if h == 0) / max(len(hits), 1),
                    "errors": len(part["errors"]), "error_examples": part["errors"][:3]}
        if part["errors"]:
            ctx.notes.append(f"{engine}: {len(part['errors'])} {key} queries raised an error "
                             f"(e.g. {part['errors'][0]})")
    snip = data["snippets"]
    out["snippets"] = {"n": len(snip["extra_ms"]), "extra_p50": measure.median(snip["extra_ms"]),
                       "with_p50": measure.median(snip["with_ms"]),
                       "without_p50": measure.median(snip["without_ms"])}
    s = out["short"]
    say(f"    short p50 {s['p50']:.1f} / p95 {s['p95']:.1f} ms"
        + (f"; sentence p50 {out['sentence']['p50']:.1f} / p95 {out['sentence']['p95']:.1f} ms"
           if "sentence" in out else "")
        + f"; snippets +{out['snippets']['extra_p50']:.2f} ms")
    return out


def cold_start(ctx: Context, argv: list[str], what: str) -> dict:
    """Median wall time of ``argv`` from spawn to exit (after one untimed run)."""
    if ctx.cold_runs >= 3:
        measure.run(argv, cwd=ROOT, sample_memory=False).check(what)  # warms the disk cache
    times = [measure.run(argv, cwd=ROOT, sample_memory=False).check(what).seconds
             for _ in range(ctx.cold_runs)]
    say(f"  cold start {what}: median {measure.median(times):.2f} s")
    return {"median_s": measure.median(times), "runs": len(times), "all_s": times,
            "command": shlex.join(argv)}


def import_time(ctx: Context) -> float:
    """Median time to start Python and import the CLI module (part of the cold start)."""
    argv = [PY, "-c", "import searcher.cli"]
    return measure.median([measure.run(argv, cwd=ROOT, sample_memory=False).check(
        "import searcher.cli").seconds for _ in range(max(1, ctx.cold_runs))])


# -- one scale ----------------------------------------------------------------------------------
def run_scale(ctx: Context, scale: str) -> dict:
    corpus = corpora.build(scale, ctx.base, ctx.work)
    say(f"{scale}: {corpus.documents:,} articles, {corpus.raw_bytes / 2**20:,.1f} MiB of text "
        f"({corpus.path})")
    ctx.notes = []
    result: dict = {"scale": scale, "documents": corpus.documents, "raw_bytes": corpus.raw_bytes,
                    "corpus": str(corpus.path), "date": time.strftime("%Y-%m-%d %H:%M"),
                    "load_before": machine.load_average(), "index": {}, "queries": {},
                    "cold": {}}
    root = ctx.work / "index" / f"{ctx.key}-{scale}"
    root.mkdir(parents=True, exist_ok=True)
    names = []
    for jobs in ctx.jobs_for(scale):
        name = f"searcher-j{jobs}" if jobs else "searcher"
        result["index"][name] = index_searcher(ctx, corpus, root / name, jobs)
        names.append(name)
    baseline = ctx.baseline_for(scale)
    if baseline:
        result["index"]["baseline"] = index_baseline(ctx, corpus, root / "baseline")
    result["reused"] = any(f.get("reused") for f in result["index"].values())
    query_index = names[-1]
    result["query_index"] = query_index
    result["queries"]["searcher"] = latency(ctx, "searcher", root / query_index,
                                            ctx.sentence_file)
    if baseline:
        result["queries"]["baseline"] = latency(ctx, "baseline", root / "baseline",
                                                baseline_sentences(ctx, scale))
    if ctx.cold_runs:
        result["cold"]["searcher"] = cold_start(
            ctx, [PY, "-m", "searcher", "--index", str(root / query_index), "search", COLD_QUERY],
            "searcher search")
        result["cold"]["searcher"]["import_s"] = import_time(ctx)
        if baseline:
            result["cold"]["baseline"] = cold_start(
                ctx, [PY, str(HERE / "bench.py"), "_worker", "cold", "--index",
                      str(root / "baseline"), COLD_QUERY], "plain Whoosh")
    if not ctx.has_jobs:
        ctx.notes.append("`searcher index` has no --jobs option yet: indexed with its default")
    if scale == "315k" and not baseline and not ctx.args.no_baseline:
        ctx.notes.append("plain Whoosh not run at 315k (add --baseline-315k, ~15 min): "
                         "\"ref.\" figures are from shared/bench/README.md")
    if ctx.args.queries or ctx.args.quick:
        ctx.notes.append("query samples reduced with --quick/--queries: latencies are rough")
    result["notes"] = list(ctx.notes)
    result["command"] = ctx.command
    result["load_after"] = machine.load_average()
    path = ctx.results_path(scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n")
    return result


def collect(ctx: Context, fresh: list[dict]) -> list[dict]:
    """This run's results plus the latest saved results of other scales (same base corpus)."""
    by_scale = {r["scale"]: r for r in fresh}
    for scale in corpora.SCALES:
        path = ctx.results_path(scale)
        if scale not in by_scale and path.exists():
            by_scale[scale] = json.loads(path.read_text())
    return [by_scale[s] for s in corpora.SCALES if s in by_scale]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="both",
                        help="3k, 31k, 315k, a comma list, both (31k,315k; default) or all")
    parser.add_argument("--skip-index", action="store_true", help="reuse the built indexes")
    parser.add_argument("--quick", action="store_true",
                        help=f"samples of {QUICK_SHORT} short and {QUICK_SENTENCE} sentence "
                             f"queries, {QUICK_COLD} cold starts")
    parser.add_argument("--queries", type=int, metavar="N",
                        help="use a seed-42 sample of N queries of each kind")
    parser.add_argument("--jobs", help="searcher index --jobs values [default: 1,2; at 315k "
                                       "only the largest]")
    parser.add_argument("--baseline-sentence", type=int, metavar="N",
                        help=f"sentence queries for the baseline, a seed-42 sample (stock Whoosh "
                             f"takes seconds per query) [default: {BASELINE_SENTENCE}; "
                             f"{BASELINE_SENTENCE_SMALL} at 315k and with --quick]")
    parser.add_argument("--baseline-315k", action="store_true",
                        help="also run the plain-Whoosh baseline at 315k (about 15 minutes)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline")
    parser.add_argument("--cold-runs", type=int, help="cold-start runs [default: 10; --quick 3]")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: print (and --out/--plot) the saved results")
    parser.add_argument("--out", type=Path, help="rewrite the results section of this page")
    parser.add_argument("--plot", type=Path, help="write the scaling plot (PNG) here")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--shared", help="the shared/ folder [default: ../shared]")
    parser.add_argument("--corpus", type=Path, help="base corpus [default: "
                        "shared/corpus/news-id.jsonl.gz]")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="use a seed-42 sample of N articles of the base corpus as the base")
    parser.add_argument("--short-queries", type=Path,
                        help="one query per line [default: shared/bench/queries-short.txt]")
    parser.add_argument("--sentence-queries", type=Path, action="append",
                        help="qid<TAB>query file (repeatable) [default: shared/eval "
                             "summ-dev and dsumm-dev]")
    parser.add_argument("--work", type=Path, default=ROOT / ".bench",
                        help="work directory for corpora, indexes, results [default: .bench]")
    args = parser.parse_args()
    args.jobs_given = args.jobs is not None
    args.jobs = args.jobs or "1,2"
    scales = parse_scales(args.scale)

    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise SystemExit("scripts/bench: --plot needs matplotlib; install the bench extra: "
                             ".venv/bin/pip install -e '.[bench]'") from None
    shared = shared_dir(args.shared)

    def from_shared(*parts: str) -> Path:
        if shared is None:
            raise SystemExit(f"scripts/bench: no shared/ folder beside the clone for "
                             f"{'/'.join(parts)}; pass --shared DIR or the file options")
        return shared.joinpath(*parts)

    source = args.corpus or from_shared("corpus", "news-id.jsonl.gz")
    sentence_files = args.sentence_queries or [from_shared("eval", "summ-dev.queries.tsv"),
                                               from_shared("eval", "dsumm-dev.queries.tsv")]
    short_file = args.short_queries or from_shared("bench", "queries-short.txt")
    for path in [source, short_file, *sentence_files]:
        if not path.exists():
            raise SystemExit(f"scripts/bench: {path} does not exist")

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    if args.sample:
        source = corpora.sample_file(source, args.sample, work, f"sample{args.sample}")
    base = corpora.base_corpus(source, work)

    n_short = args.queries or (QUICK_SHORT if args.quick else None)
    n_sentence = args.queries or (QUICK_SENTENCE if args.quick else None)
    qdir = work / "queries"
    qdir.mkdir(parents=True, exist_ok=True)
    short = corpora.subsample(corpora.read_short(short_file), n_short)
    sentence = corpora.subsample(corpora.read_tsv(sentence_files), n_sentence)
    (qdir / "short.txt").write_text("\n".join(short) + "\n", encoding="utf-8")
    (qdir / "sentence.txt").write_text("\n".join(sentence) + "\n", encoding="utf-8")

    helptext = "" if args.report_only else measure.run(
        [PY, "-m", "searcher", "index", "--help"], cwd=ROOT,
        sample_memory=False).check("searcher index --help").stdout
    cold_runs = args.cold_runs if args.cold_runs is not None else (QUICK_COLD if args.quick
                                                                   else 10)
    ctx = Context(args=args, work=work, base=base, short_file=qdir / "short.txt",
                  sentence_file=(qdir / "sentence.txt") if sentence else None,
                  sentences=sentence,
                  has_jobs="--jobs" in helptext, cold_runs=cold_runs)
    say(f"base corpus {base.path}: {base.documents:,} articles; {len(short)} short and "
        f"{len(sentence)} sentence queries; load average {machine.load_average()}")

    command = " ".join(["scripts/bench", *map(shlex.quote, sys.argv[1:])])
    ctx.command = command
    described = machine.describe(PY, ROOT)  # before this run writes its plot and page
    fresh = []
    for scale in [] if args.report_only else scales:
        try:
            fresh.append(run_scale(ctx, scale))
        except RuntimeError as exc:
            raise SystemExit(f"scripts/bench: {exc}") from None
    results = collect(ctx, fresh)
    if args.json:
        print(json.dumps(results, indent=1))
    startup = measure.median([measure.run([PY, "-c", "pass"], sample_memory=False).seconds
                              for _ in range(5)])
    plot_ref = None
    if args.plot:
        report.plot(results, args.plot)
        say(f"wrote {args.plot}")
        if args.out:
            plot_ref = Path(os.path.relpath(args.plot.resolve(), args.out.resolve().parent))
    text = report.section(results, command=command, machine=described,
                          plot=plot_ref.as_posix() if plot_ref else None,
                          reference=report.reference_table(shared / "bench" / "README.md") if shared else "",
                          python_startup=startup)
    if not args.json:
        print(text)
    if args.out:
        template = PAGE_TEMPLATE.read_text(encoding="utf-8") if PAGE_TEMPLATE.exists() else ""
        report.write_page(args.out, text, template)
        say(f"wrote the results section of {args.out}")


if __name__ == "__main__":
    main()
