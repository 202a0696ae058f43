"""The benchmark corpora and query sets.

Scales are defined relative to a base corpus (by default the 31,462 articles of
``shared/corpus/news-id.jsonl.gz``):

- ``3k``: a seed-42 sample of a tenth of the base, in corpus order;
- ``31k``: the base corpus itself (used in place, not copied);
- ``315k``: ten copies with ids ``<id>~c<k>``; copy 0 unchanged, copies 1–9 with the
  paragraphs (or, for one-paragraph bodies, the sentences) of each article shuffled
  (one ``random.Random(42)`` over copies 1–9 in order), as shared/bench/README.md asks.

Built corpora live in the work directory (``.bench/corpus/``, gitignored) with a
``.meta.json`` beside each: they are rebuilt only when the base file changes.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

SEED = 42
COPIES = 10
BUILD_VERSION = 1  # bump when the way a corpus is derived changes
SCALES = ("3k", "31k", "315k")

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Corpus:
    """One benchmark corpus: a JSON Lines file (gzipped) and its size."""

    scale: str
    path: Path
    documents: int
    raw_bytes: int  # UTF-8 bytes of title + body over all articles


def open_text(path: Path):
    """Open a .jsonl or .jsonl.gz file for reading text."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def change_bodies(src: Path, dst: Path, fraction: float, rng: random.Random, note: str) -> int:
    """Copy JSON Lines ``src`` (gzipped or not) to ``dst`` with about ``fraction`` of the
    bodies changed (``rng`` picks them); returns how many changed.

    ``note`` goes before the body: text appended at the end can fall in a tail that
    cleaning drops, and the article would not change at all. ``dst`` is written
    beside itself first and renamed into place.
    """
    opener = gzip.open if src.suffix == ".gz" else open
    tmp = dst.with_name(dst.name + ".tmp")
    changed = 0
    with opener(src, "rt", encoding="utf-8") as fin, opener(tmp, "wt", encoding="utf-8") as fout:
        for line in fin:
            if line.strip() and rng.random() < fraction:
                rec = json.loads(line)
                rec["body"] = f"{note}\n\n{rec.get('body') or ''}"
                line = json.dumps(rec, ensure_ascii=False) + "\n"
                changed += 1
            fout.write(line)
    tmp.replace(dst)
    return changed


def read_records(path: Path):
    """Yield the JSON objects of a JSON Lines file (blank lines skipped)."""
    with open_text(path) as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def raw_size(record: dict) -> int:
    """UTF-8 bytes of the title and body of one raw record."""
    return len((record.get("title") or "").encode("utf-8")) + len(
        (record.get("body") or "").encode("utf-8"))


def shuffled_body(body: str, rng: random.Random) -> str:
    """The body with its paragraphs, or else its lines, or else its sentences shuffled."""
    text = body.strip()
    for pattern, sep in ((_PARAGRAPH_BREAK, "\n\n"), (re.compile(r"\n+"), "\n"),
                         (_SENTENCE_BREAK, " ")):
        parts = [p for p in pattern.split(text) if p.strip()]
        if len(parts) >= 2:
            rng.shuffle(parts)
            return sep.join(parts)
    return body


def _source_key(path: Path) -> dict:
    stat = path.stat()
    return {"source": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "version": BUILD_VERSION}


def _cached(target: Path, key: dict) -> Corpus | None:
    meta = target.with_name(target.name + ".meta.json")
    if not (target.exists() and meta.exists()):
        return None
    try:
        data = json.loads(meta.read_text())
    except (OSError, ValueError):
        return None
    if data.get("key") != key:
        return None
    return Corpus(scale=data["scale"], path=target, documents=data["documents"],
                  raw_bytes=data["raw_bytes"])


def _save_meta(corpus: Corpus, key: dict) -> Corpus:
    meta = corpus.path.with_name(corpus.path.name + ".meta.json")
    data = {**asdict(corpus), "path": str(corpus.path), "key": key}
    meta.write_text(json.dumps(data, indent=1) + "\n")
    return corpus


def _write(target: Path, records) -> tuple[int, int]:
    """Write records as gzipped JSON Lines (atomically); return (count, raw bytes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    count = raw = 0
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
            raw += raw_size(record)
    tmp.replace(target)
    return count, raw


def sample_file(source: Path, size: int, work: Path, label: str) -> Path:
    """A seed-42 sample of ``size`` records of ``source`` (corpus order kept), cached."""
    key = {**_source_key(source), "sample": size}
    target = work / "corpus" / f"{_stem(source)}-{label}.jsonl.gz"
    if _cached(target, key) is None:
        total = sum(1 for _ in read_records(source))
        keep = set(random.Random(SEED).sample(range(total), min(size, total)))
        count, raw = _write(target, (r for i, r in enumerate(read_records(source)) if i in keep))
        _save_meta(Corpus(label, target, count, raw), key)
    return target


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".jsonl", ".ndjson", ".json"):
        name = name.removesuffix(suffix)
    return name


def base_corpus(source: Path, work: Path) -> Corpus:
    """The base corpus in place, with its document count and raw size (cached)."""
    key = _source_key(source)
    meta = work / "corpus" / f"{_stem(source)}-base.meta.json"
    if meta.exists():
        try:
            data = json.loads(meta.read_text())
            if data.get("key") == key:
                return Corpus("31k", source, data["documents"], data["raw_bytes"])
        except (OSError, ValueError):
            pass
    count = raw = 0
    for record in read_records(source):
        count += 1
        raw += raw_size(record)
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"scale": "31k", "path": str(source), "documents": count,
                                "raw_bytes": raw, "key": key}, indent=1) + "\n")
    return Corpus("31k", source, count, raw)


def copies(source: Path, work: Path, n: int = COPIES) -> Corpus:
    """Ten copies of ``source``: ids ``<id>~c<k>``, copies 1.. with shuffled bodies."""
    key = {**_source_key(source), "copies": n, "seed": SEED}
    target = work / "corpus" / f"{_stem(source)}-x{n}.jsonl.gz"
    found = _cached(target, key)
    if found is not None:
        return found

    def records():
        rng = random.Random(SEED)
        for k in range(n):
            for record in read_records(source):
                out = dict(record)
                out["id"] = f"{record.get('id')}~c{k}"
                if k:
                    out["body"] = shuffled_body(record.get("body") or "", rng)
                yield out

    count, raw = _write(target, records())
    return _save_meta(Corpus("315k", target, count, raw), key)


def build(scale: str, base: Corpus, work: Path) -> Corpus:
    """The corpus of one scale, derived from ``base`` (built once, then reused)."""
    if scale == "31k":
        return base
    if scale == "3k":
        size = max(1, round(base.documents / 10))
        path = sample_file(base.path, size, work, f"sample{size}")
        data = json.loads(path.with_name(path.name + ".meta.json").read_text())
        return Corpus("3k", path, data["documents"], data["raw_bytes"])
    if scale == "315k":
        return copies(base.path, work)
    raise ValueError(f"unknown scale {scale!r} (one of {', '.join(SCALES)})")


# -- query sets --------------------------------------------------------------------------
def read_short(path: Path) -> list[str]:
    """One query per line."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def read_tsv(paths: list[Path]) -> list[str]:
    """The query texts (second column) of ``qid<TAB>query`` files."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            qid, sep, text = line.partition("\t")
            text = (text if sep else qid).strip()
            if text:
                out.append(text)
    return out


def subsample(queries: list[str], n: int | None) -> list[str]:
    """A seed-42 sample of ``n`` queries (order kept), or all of them."""
    if not n or n >= len(queries):
        return list(queries)
    keep = sorted(random.Random(SEED).sample(range(len(queries)), n))
    return [queries[i] for i in keep]
