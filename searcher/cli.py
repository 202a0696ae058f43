"""The ``searcher`` command: a thin layer over :class:`searcher.SearchIndex`.

Only this module prints and exits. Library errors become a message and a hint on
stderr and exit code 1; usage errors exit with 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from searcher.analysis import DEFAULT_STEMMER, STEMMERS, analyzer_for
from searcher.engine import SORTS, SearchIndex
from searcher.errors import QueryError, SearcherError
from searcher.index import default_index_path
from searcher.indexing import DEFAULT_BATCH, IndexReport
from searcher.results import Hit, SearchResults

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "index_data"


def fail(exc: SearcherError) -> click.ClickException:
    """A click error carrying the library error's message and hint."""
    message = str(exc)
    if isinstance(exc, QueryError) and exc.position is not None and exc.query:
        message += "\n" + caret_lines(exc.query, exc.position)
    if exc.hint:
        message += f"\n{exc.hint}"
    return click.ClickException(message)


def caret_lines(query: str, position: int, width: int = 72) -> str:
    """The query (or the part around ``position``) with a caret under ``position``."""
    flat = "".join(" " if ch.isspace() else ch for ch in query)
    start = max(0, min(position - width // 2, len(flat) - width))
    shown = flat[start:start + width]
    lead = "…" if start > 0 else ""
    tail = "…" if start + width < len(flat) else ""
    return f"  {lead}{shown}{tail}\n  {' ' * (len(lead) + position - start)}^"


@contextmanager
def handled() -> Iterator[None]:
    """Turn library errors into clean CLI failures."""
    try:
        yield
    except SearcherError as exc:
        raise fail(exc) from None


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def parse_day(value: str | None, *, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM``/``YYYY``) from an option; ``end`` gives the last moment."""
    if value is None:
        return None
    from searcher.query import date_bounds

    bounds = date_bounds(value)
    if bounds is None:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    return bounds[1] if end else bounds[0]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index_path", type=click.Path(file_okay=False, path_type=Path),
              envvar="SEARCHER_INDEX", show_envvar=True,
              help=f"Index directory [default: {default_index_path()}].")
@click.version_option(package_name="searcher")
@click.pass_context
def cli(ctx: click.Context, index_path: Path | None) -> None:
    """Full-text search for Indonesian news articles.

    \b
    Quick start:
      searcher index articles/         # index files and folders
      searcher search "harga beras"    # ranked hits with snippets
    """
    ctx.obj = index_path


def open_index(ctx: click.Context) -> SearchIndex:
    with handled():
        return SearchIndex(ctx.obj)


# -- index -------------------------------------------------------------------------
@cli.command("index")
@click.argument("paths", nargs=-1, type=str)
@click.option("--prune", is_flag=True, help="Remove documents whose file or record is gone.")
@click.option("--rebuild", is_flag=True,
              help="Build a new index of PATHS beside the old one and swap it in "
                   "(needed after an upgrade changes the index format).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes that analyse and write [default: one per CPU].")
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH, show_default=True,
              help="Articles per commit; a crash loses at most the batches in flight.")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds to wait for another indexing run to finish.")
@click.option("--stemmer", type=click.Choice(STEMMERS), default=None,
              help="Stemmer of a new index (or of the rebuilt one with --rebuild): searcher, "
                   "the lexicon-guided Indonesian stemmer, or snowball, plain PyStemmer "
                   f"[default: {DEFAULT_STEMMER}; an existing index keeps its own].")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--strict", is_flag=True, help="Exit 1 if any file or record was skipped.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar [default: on a terminal].")
@click.pass_context
def index_cmd(ctx: click.Context, paths: tuple[str, ...], prune: bool, rebuild: bool,
              jobs: int | None, batch_size: int, wait: float, stemmer: str | None,
              as_json: bool, strict: bool, progress: bool | None) -> None:
    """Add new, update changed (and with --prune drop deleted) articles.

    PATHS are files or folders (searched recursively) of .txt, .json, .jsonl,
    .csv, .tsv or .html files, optionally gzipped; "-" reads JSON Lines from stdin.
    Hidden files and folders and index folders (the index itself, when it lives
    inside a folder given) are left out.
    Without PATHS the bundled sample corpus (index_data/) is indexed.
    Running it again on the same input changes nothing.

    The stemmer is chosen when the index is created (--stemmer) and kept: giving
    another one for an existing index is an error; --rebuild --stemmer NAME
    changes it.

    Exit status: 0 when the input was indexed (skipped records are listed on
    stderr), 1 when a named path is missing or nothing at all could be read.
    """
    if not paths:
        if not DEFAULT_DATA.is_dir():
            raise click.UsageError("no PATHS given and the bundled index_data/ folder is not there")
        paths = (str(DEFAULT_DATA),)
    if "-" in paths and len(paths) > 1:
        raise click.UsageError('"-" (stdin) cannot be combined with other paths')
    if rebuild and paths == ("-",):
        raise click.UsageError("--rebuild needs files or folders (stdin cannot be read twice)")
    show = sys.stderr.isatty() if progress is None else progress
    options: dict[str, Any] = dict(wait=wait, jobs=jobs, batch_size=batch_size)
    if rebuild:
        with progress_bar(show) as tick, handled():
            report = SearchIndex.rebuild(ctx.obj, paths, progress=tick, stemmer=stemmer,
                                         **options)
    else:
        with handled():
            index = SearchIndex.create_or_open(ctx.obj, stemmer=stemmer)
        with progress_bar(show) as tick, handled():
            if paths == ("-",):
                report = index.index_stream(sys.stdin.buffer, progress=tick, **options)
            else:
                report = index.index_paths(paths, prune=prune, progress=tick, **options)
    print_report(report, as_json)
    missing = any(s.line is None and "no such file" in s.reason for s in report.skipped)
    nothing = report.skipped and not (report.added or report.updated or report.unchanged)
    if missing or nothing or (strict and report.skipped):
        sys.exit(1)


@contextmanager
def progress_bar(show: bool) -> Iterator[Callable[[int], None] | None]:
    if not show:
        yield None
        return
    from tqdm import tqdm

    with tqdm(unit=" articles", file=sys.stderr, dynamic_ncols=True, smoothing=0.1) as bar:
        yield bar.update


def print_report(report: IndexReport, as_json: bool) -> None:
    for skip in report.skipped:
        click.echo(f"skipped {skip}", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if as_json:
        emit_json(report.to_dict())
        return
    line = (f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"removed {report.removed}, skipped {len(report.skipped)}")
    if report.undated:
        line += f"; {report.undated} without a readable date"
    click.echo(line)


# -- search ------------------------------------------------------------------------
QUERY_HELP = """Search the index.

\b
Query language:
  harga beras          all words must match (up to 4 words, any inflected
                       form; if none has all, most of them, and it says
                       so); title matches first, newer articles first among
                       close matches; longer text matches any word, best
                       matches first
  "suku bunga"         a phrase (stopwords inside quotes count)
  -impor  NOT impor    exclude a word, a "phrase" or a ( group )
  beras OR jagung      either; OR binds tighter than AND and spaces:
                       beras OR jagung impor = (beras OR jagung) impor
  a AND b  ( … )       both (the default in short queries); grouping
  +impor               require a word in long text
  kasper*              words starting with kasper
  title:kaspersky      one field: title: body: source:kompas category:tekno
                       (foo:bar with any other name searches the words)
  date:2024-07         a year, month or day; date:2024-07-01..2024-07-15
\b
Only upper-case AND, OR, NOT are operators (and, or are words). A query of
only stopwords searches them; an empty query lists every article, newest first.
A stray quote, bracket or operator is an error in a short query and ignored in
longer text. With few results a corrected query is suggested ("Did you mean").
"""


@cli.command("search", help=QUERY_HELP)
@click.argument("query", required=False)
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--since", help="Only articles on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only articles on or before this date (YYYY-MM-DD).")
@click.option("--source", "sources", multiple=True, help="Only this publisher (repeatable).")
@click.option("--category", "categories", multiple=True, help="Only this category (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--color/--no-color", default=None, help="Highlight matches [default: on a terminal].")
@click.option("--queries", type=click.File("r", encoding="utf-8"),
              help="Batch mode: read qid<TAB>query lines from FILE.")
@click.option("--format", "fmt", type=click.Choice(["trec", "json"]), default="trec",
              show_default=True, help="Batch output format (with --queries).")
@click.option("--tag", default="searcher", show_default=True, help="Run tag in TREC output.")
@click.option("--facets", is_flag=True,
              help="Also count all results by source, category and month.")
@click.pass_context
def search_cmd(ctx: click.Context, query: str | None, limit: int, page: int, sort: str,
               since: str | None, until: str | None, sources: tuple[str, ...],
               categories: tuple[str, ...], as_json: bool, color: bool | None,
               queries: Any, fmt: str, tag: str, facets: bool) -> None:
    if (query is None) == (queries is None):
        raise click.UsageError("give a QUERY or --queries FILE (not both)")
    index = open_index(ctx)
    options: dict[str, Any] = dict(limit=limit, page=page, sort=sort, since=parse_day(since),
                                   until=parse_day(until, end=True), sources=sources,
                                   categories=categories)
    if queries is not None:
        run_batch(index, queries, fmt, tag, options)
        return
    assert query is not None
    with handled():
        results = index.search(query, facets=facets, **options)
    if as_json:
        emit_json(results.to_dict())
    else:
        print_results(results, color)


def run_batch(index: SearchIndex, lines: Any, fmt: str, tag: str, options: dict[str, Any]) -> None:
    options = {**options, "highlight": False, "suggest": fmt == "json"}
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        qid, sep, text = line.partition("\t")
        if not sep:
            raise click.ClickException(f"{lines.name}:{lineno}: expected qid<TAB>query")
        with handled():
            results = index.search(text, **options)
        if fmt == "json":
            click.echo(json.dumps({"qid": qid, **results.to_dict()}, ensure_ascii=False))
            continue
        for hit in results.hits:
            click.echo(f"{qid} Q0 {hit.id} {hit.rank} {hit.score:.4f} {tag}")


def print_results(results: SearchResults, color: bool | None) -> None:
    if not results.hits:
        click.echo(f"No results for {results.query!r}.")
        if results.suggestion:
            click.echo(f"Did you mean: {results.suggestion}?")
        if results.facets is not None and results.total:
            click.echo(format_facets(results.facets))
        return
    if results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}?")
    if results.relaxed:
        click.echo("No article has all of these words; showing articles with some of them.")
    first = results.hits[0].rank
    click.echo(f"{results.total} results ({results.took_ms:.0f} ms); "
               f"showing {first}–{first + len(results.hits) - 1}", color=color)
    if results.facets is not None:
        click.echo(format_facets(results.facets), color=color)
    for hit in results.hits:
        click.echo(format_hit(hit), color=color)


def format_facets(facets: dict[str, dict[str, int]], top: int = 8) -> str:
    """A compact block: one line per facet, its ``top`` values with counts."""
    lines = []
    for name, label in (("source", "sources"), ("category", "categories"), ("month", "months")):
        counts = facets.get(name) or {}
        shown = " · ".join(f"{value} {n}" for value, n in list(counts.items())[:top])
        more = f" · +{len(counts) - top} more" if len(counts) > top else ""
        lines.append(f"  {label + ':':<12}{shown or '—'}{more}")
    return "\n".join(lines)


def format_hit(hit: Hit) -> str:
    title = hit.title or "(untitled)"
    meta = " · ".join(x for x in (hit.source, hit.date.date().isoformat() if hit.date else None) if x)
    lines = [f"{hit.rank:>3}. " + click.style(title, bold=True) + (f"  [{meta}]" if meta else "")]
    if hit.snippet is not None:
        mark_on = "\x1b[1;33m"
        mark_off = "\x1b[0m"
        lines.append("     " + hit.snippet.marked(mark_on, mark_off))
    lines.append(click.style(f"     {hit.id}", dim=True))
    return "\n".join(lines)


# -- show / stats / analyze -----------------------------------------------------------
@cli.command("show")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.pass_context
def show_cmd(ctx: click.Context, doc_id: str, as_json: bool) -> None:
    """Print one article by its id."""
    index = open_index(ctx)
    with handled():
        article = index.get(doc_id)
    if as_json:
        emit_json(article.to_dict())
        return
    click.echo(click.style(article.title or "(untitled)", bold=True))
    meta = [article.source, article.date.isoformat(sep=" ") if article.date else None,
            article.category, article.url]
    click.echo(" · ".join(m for m in meta if m))
    click.echo()
    click.echo(article.body)
    if article.related:
        click.echo()
        for headline in article.related:
            click.echo(f"Baca juga: {headline}")


@cli.command("similar")
@click.argument("doc_id")
@click.option("--limit", "-n", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "hits": [...]} as JSON.')
@click.option("--color/--no-color", default=None, help="Highlight matches [default: on a terminal].")
@click.pass_context
def similar_cmd(ctx: click.Context, doc_id: str, limit: int, as_json: bool,
                color: bool | None) -> None:
    """List articles related to article DOC_ID (more like this).

    The article's most distinctive words are searched together; the article
    itself and its near-duplicates are left out. Hits are in the shape of
    `searcher search --json`.
    """
    index = open_index(ctx)
    with handled():
        article = index.get(doc_id)
        hits = index.similar(doc_id, limit=limit)
    if as_json:
        emit_json({"id": doc_id, "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        click.echo(f"No articles like {doc_id!r} found.")
        return
    click.echo(f"Articles like: {article.title or doc_id}", color=color)
    for hit in hits:
        click.echo(format_hit(hit), color=color)


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.pass_context
def stats_cmd(ctx: click.Context, as_json: bool) -> None:
    """Documents, sources, date range, size and version of the index."""
    index = open_index(ctx)
    with handled():
        stats = index.stats()
    if as_json:
        emit_json(stats.to_dict())
        return
    click.echo(f"index:     {stats.path}")
    click.echo(f"documents: {stats.documents}")
    span = "—"
    if stats.first_date and stats.last_date:
        span = f"{stats.first_date.date()} … {stats.last_date.date()}"
    click.echo(f"dates:     {span} ({stats.undated} undated)")
    click.echo(f"size:      {stats.size_bytes / 1e6:.1f} MB in {stats.segments} segment(s)")
    click.echo(f"schema:    {stats.schema_version} (analyzer {stats.analyzer_version}, "
               f"stemmer {stats.stemmer})")
    if not stats.sources:
        click.echo("sources:   none recorded")
        return
    shown = list(stats.sources.items())[:20]
    more = len(stats.sources) - len(shown)
    click.echo(f"sources:   {len(stats.sources)}" + (f" (the {len(shown)} largest below)" if more else ""))
    for name, count in shown:
        click.echo(f"  {count:>7}  {name}")


# -- check / optimize / delete -------------------------------------------------------------
@cli.command("check")
@click.option("--postings", is_flag=True,
              help="Also decode every posting list and compare the copies queries read "
                   "(slower; finds damage inside segments).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.pass_context
def check_cmd(ctx: click.Context, postings: bool, as_json: bool) -> None:
    """Verify the index: every segment, stored document, id and cache entry.

    Prints each problem with the command that fixes it. Exit status 1 when a
    problem was found (warnings alone exit 0). Changes nothing.
    """
    index = open_index(ctx)
    with handled():
        report = index.check(postings=postings)
    if as_json:
        emit_json(report.to_dict())
    else:
        for problem in report.problems:
            click.echo(f"problem: {problem.message}\n  fix: {problem.fix}", err=True)
        for warning in report.warnings:
            click.echo(f"warning: {warning.message}\n  fix: {warning.fix}", err=True)
        verdict = "ok" if report.ok else f"{len(report.problems)} problem(s)"
        click.echo(f"{verdict}: {report.documents} documents in {report.segments} segment(s) "
                   f"(generation {report.generation})")
    if not report.ok:
        sys.exit(1)


@cli.command("optimize")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds to wait for another indexing run to finish.")
@click.pass_context
def optimize_cmd(ctx: click.Context, wait: float) -> None:
    """Merge all segments into one, dropping deleted documents (faster searches)."""
    index = open_index(ctx)
    with handled():
        before, after = index.optimize(wait=wait)
    click.echo(f"merged {before} segment(s) into {after}; {len(index)} documents")


@cli.command("delete")
@click.argument("ids", nargs=-1, required=True)
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds to wait for another indexing run to finish.")
@click.pass_context
def delete_cmd(ctx: click.Context, ids: tuple[str, ...], wait: float) -> None:
    """Delete the articles with these IDS (one commit).

    Exit status 1 when none of the ids is in the index. A deleted article comes
    back if its file is indexed again.
    """
    index = open_index(ctx)
    with handled():
        found = index.delete_ids(ids, wait=wait)
    missing = [i for i in dict.fromkeys(ids) if i not in set(found)]
    click.echo(f"deleted {len(found)}")
    if missing:
        click.echo(f"not in the index: {', '.join(missing)}", err=True)
    if not found:
        sys.exit(1)


@cli.command("analyze")
@click.argument("text")
@click.option("--explain", is_flag=True, help="Show which rule produced each term.")
@click.option("--json", "as_json", is_flag=True, help="Print the tokens as JSON.")
@click.option("--stemmer", type=click.Choice(STEMMERS), default=DEFAULT_STEMMER, show_default=True,
              help="Analyse as an index built with this stemmer would.")
def analyze_cmd(text: str, explain: bool, as_json: bool, stemmer: str) -> None:
    """Show how TEXT is split into tokens and index terms."""
    tokens = analyzer_for(stemmer).analyze(text, explain=explain)
    if as_json:
        rows = []
        for t in tokens:
            row: dict[str, Any] = {"text": t.text, "term": t.term, "start": t.start, "end": t.end}
            if explain:
                row["rule"] = t.rule
            rows.append(row)
        emit_json(rows)
        return
    for t in tokens:
        term = t.term if t.term is not None else "(stopword)"
        line = f"{t.text:<20} {term}"
        if explain:
            line = f"{line:<42} {t.rule}"
        click.echo(line)


# -- serve -------------------------------------------------------------------------------
@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--allow-indexing", is_flag=True,
              help="Accept POST /api/articles (needs --token).")
@click.option("--token", envvar="SEARCHER_TOKEN", show_envvar=True,
              help="Bearer token that POST /api/articles must send.")
@click.option("--max-body-mb", type=click.FloatRange(min=0.001), default=10.0, show_default=True,
              help="Largest POST body accepted, in MB.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]),
              default="info", show_default=True)
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, allow_indexing: bool, token: str | None,
              max_body_mb: float, log_level: str) -> None:
    """Serve the search page at / and the JSON API at /api/ (see /openapi.json).

    Read-only unless started with --allow-indexing and a token. New articles
    indexed meanwhile (by `searcher index` or the API) are served without a restart.
    """
    from searcher.web import ServerSettings, bind, serve

    if allow_indexing and not token:
        raise click.UsageError("--allow-indexing needs a token: pass --token TOKEN or set "
                               "SEARCHER_TOKEN (clients send `Authorization: Bearer TOKEN`)")
    with handled():
        index = SearchIndex.create_or_open(ctx.obj) if allow_indexing else SearchIndex(ctx.obj)
    settings = ServerSettings(allow_indexing=allow_indexing, token=token if allow_indexing else None,
                              max_body_bytes=int(max_body_mb * 1024 * 1024))
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}\n"
                                   f"Pick another port with --port, or stop the program using it.")
    where = sock.getsockname()
    shown = f"[{where[0]}]" if ":" in where[0] else where[0]
    mode = "indexing allowed with the token" if allow_indexing else "read-only"
    click.echo(f"searcher: serving {index.path} ({len(index)} articles, {mode}) on "
               f"http://{shown}:{where[1]}/ — Ctrl-C to stop", err=True)
    serve(index, settings, sock=sock, log_level=log_level)

