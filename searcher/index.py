"""Opening, creating and describing a searcher index directory.

An index directory holds a Whoosh index plus ``searcher.json``, which records the
schema and analyzer versions it was built with and its stemmer (``searcher`` or
``snowball``, chosen when the index is created; an index written before the choice
existed has no ``stemmer`` key and is a ``searcher`` one). :func:`open_whoosh`
refuses a directory that is missing, foreign, or built by another version, with a
typed error; asking for another stemmer than the index's is
:class:`~searcher.errors.StemmerMismatchError`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import FileIndex

from searcher.analysis import ANALYZER_VERSION, DEFAULT_STEMMER, STEMMERS
from searcher.errors import IndexNotFoundError, NotAnIndexError, SchemaMismatchError, StemmerMismatchError
from searcher.schema import SCHEMA_VERSION, build_schema, schema_stemmer

META_FILE = "searcher.json"
INDEX_NAME = "MAIN"
FORMAT_NAME = "searcher-index"


def default_index_path() -> Path:
    """Where the index lives unless told otherwise.

    ``$SEARCHER_INDEX`` if set, else ``$XDG_DATA_HOME/searcher/index``
    (``~/.local/share/searcher/index``).
    """
    env = os.environ.get("SEARCHER_INDEX")
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "searcher" / "index"


@dataclass(frozen=True, slots=True)
class IndexMeta:
    """What ``searcher.json`` records about an index."""

    schema_version: int
    analyzer_version: str
    created: str
    stemmer: str = DEFAULT_STEMMER

    @classmethod
    def current(cls, stemmer: str = DEFAULT_STEMMER) -> IndexMeta:
        return cls(SCHEMA_VERSION, ANALYZER_VERSION, datetime.now().isoformat(timespec="seconds"),
                   stemmer)

    def is_current(self) -> bool:
        return self.schema_version == SCHEMA_VERSION and self.analyzer_version == ANALYZER_VERSION


def read_meta(path: Path) -> IndexMeta:
    """Read ``searcher.json`` of an index directory, with typed errors."""
    if not path.exists():
        raise IndexNotFoundError(f"no index at {path}")
    if not path.is_dir():
        raise NotAnIndexError(f"{path} is a file, not an index directory")
    meta_path = path / META_FILE
    if not meta_path.exists():
        if any(path.iterdir()):
            raise NotAnIndexError(f"{path} is not a searcher index (it has no {META_FILE})")
        raise IndexNotFoundError(f"no index at {path} (the directory is empty)")
    try:
        raw = json.loads(meta_path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT_NAME:
            raise ValueError("format")
        meta = IndexMeta(int(raw["schema_version"]), str(raw["analyzer_version"]),
                         str(raw.get("created", "")), str(raw.get("stemmer", DEFAULT_STEMMER)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise NotAnIndexError(f"{meta_path} is not a valid searcher index description ({exc})") from exc
    if meta.stemmer not in STEMMERS:
        raise SchemaMismatchError(
            f"the index at {path} was built with the stemmer {meta.stemmer!r}, which this "
            f"version of searcher does not have ({', '.join(STEMMERS)}): reindex needed")
    return meta


def write_meta(path: Path, meta: IndexMeta) -> None:
    """Write ``searcher.json`` atomically (temp file, fsync, rename)."""
    data = {"format": FORMAT_NAME, "schema_version": meta.schema_version,
            "analyzer_version": meta.analyzer_version, "stemmer": meta.stemmer,
            "created": meta.created}
    atomic_write_text(path / META_FILE, json.dumps(data, indent=2) + "\n")


def atomic_write_text(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` so readers see the old or the new file, never half."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    fsync_dir(target.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_stemmer(path: Path, meta: IndexMeta, stemmer: str | None) -> None:
    """Raise :class:`StemmerMismatchError` when ``stemmer`` is given and not the index's."""
    if stemmer is None or stemmer == meta.stemmer:
        return
    if stemmer not in STEMMERS:
        raise ValueError(f"unknown stemmer {stemmer!r} (choose from {', '.join(STEMMERS)})")
    raise StemmerMismatchError(
        f"the index at {path} was built with the {meta.stemmer!r} stemmer, not {stemmer!r}; "
        "the stemmer of an index is fixed when it is created",
        hint=f"To change it, rebuild the index: `searcher index --rebuild --stemmer {stemmer} "
             f"PATH…` (or leave out --stemmer to keep {meta.stemmer!r}).")


def open_whoosh(path: Path, stemmer: str | None = None) -> FileIndex:
    """Open the Whoosh index of a searcher index directory, checking its version.

    With ``stemmer``, also check that the index was built with that stemmer.
    """
    meta = read_meta(path)
    if not meta.is_current():
        raise SchemaMismatchError(
            f"the index at {path} was built by an older searcher (schema {meta.schema_version}, "
            f"analyzer {meta.analyzer_version}; this version needs schema {SCHEMA_VERSION}, "
            f"analyzer {ANALYZER_VERSION}): reindex needed")
    check_stemmer(path, meta, stemmer)
    try:
        ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
    except whoosh_index.EmptyIndexError as exc:
        raise NotAnIndexError(f"{path} has {META_FILE} but no index files") from exc
    if schema_stemmer(ix.schema) != meta.stemmer:
        raise NotAnIndexError(
            f"{path}: {META_FILE} says stemmer {meta.stemmer!r} but the index's schema stems "
            f"with {schema_stemmer(ix.schema)!r}", hint="Rebuild it with `searcher index --rebuild PATH…`.")
    return ix


def create_whoosh(path: Path, stemmer: str = DEFAULT_STEMMER) -> FileIndex:
    """Create a new, empty index in ``path`` (which must be missing or empty).

    ``stemmer`` (``searcher`` or ``snowball``) is recorded in the schema and in
    ``searcher.json``; it cannot be changed later (rebuild instead).
    """
    if stemmer not in STEMMERS:
        raise ValueError(f"unknown stemmer {stemmer!r} (choose from {', '.join(STEMMERS)})")
    if path.exists() and any(path.iterdir()):
        raise NotAnIndexError(f"{path} is not empty; refusing to create an index there")
    path.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(path), build_schema(stemmer), indexname=INDEX_NAME)
    write_meta(path, IndexMeta.current(stemmer))
    return ix


def open_or_create_whoosh(path: Path, stemmer: str | None = None) -> FileIndex:
    """Open the index at ``path``, creating it when the directory is missing or empty.

    A new index gets ``stemmer`` (default: ``searcher``); an existing one must have
    been built with it when it is given (:class:`StemmerMismatchError` otherwise).
    """
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return create_whoosh(path, stemmer or DEFAULT_STEMMER)
    return open_whoosh(path, stemmer)
