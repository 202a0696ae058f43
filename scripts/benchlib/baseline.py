"""The plain-Whoosh baseline: what a stock Whoosh set-up for Indonesian does.

- schema: ``id`` (ID, stored, unique), ``title`` and ``body`` (TEXT, stored, positions);
- analyzer: ``RegexTokenizer() | LowercaseFilter() | StopFilter(Tala list) |
  PyStemmerFilter("indonesian")`` (Whoosh's own filters; the Tala stopword list is the
  one searcher ships in ``searcher/data/stopwords-tala.txt``);
- indexing: one process, the default ``ix.writer()``, ``add_document`` per raw JSON
  record (title + body as they are in the file, no cleaning), one commit;
- searching: the default BM25F weighting, ``MultifieldParser(["title", "body"])`` with
  ``AndGroup`` for short queries and ``OrGroup`` for sentence queries, top 10;
  snippets with ``hit.highlights("body")``.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import fields, index, qparser
from whoosh.analysis import LowercaseFilter, PyStemmerFilter, RegexTokenizer, StopFilter

ROOT = Path(__file__).resolve().parents[2]
STOPWORDS_FILE = ROOT / "searcher" / "data" / "stopwords-tala.txt"
FIELDS = ["title", "body"]


def stopwords() -> frozenset[str]:
    words = (line.split("#", 1)[0].strip().lower()
             for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w)


def schema() -> fields.Schema:
    analyzer = (RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=stopwords())
                | PyStemmerFilter("indonesian"))
    return fields.Schema(id=fields.ID(stored=True, unique=True),
                         title=fields.TEXT(analyzer=analyzer, stored=True),
                         body=fields.TEXT(analyzer=analyzer, stored=True))


def build(records, path: Path) -> int:
    """Index raw JSON records into a new Whoosh index at ``path``; return the count."""
    path.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(path), schema())
    writer = ix.writer()
    count = 0
    for record in records:
        writer.add_document(id=str(record.get("id")), title=record.get("title") or "",
                            body=record.get("body") or "")
        count += 1
    writer.commit()
    return count


class Baseline:
    """An open baseline index: ``search(text, sentence=False, highlight=False)``."""

    def __init__(self, path: Path) -> None:
        self.ix = index.open_dir(str(path))
        self.searcher = self.ix.searcher()  # default weighting: BM25F
        self.short_parser = qparser.MultifieldParser(FIELDS, self.ix.schema,
                                                     group=qparser.AndGroup)
        self.sentence_parser = qparser.MultifieldParser(FIELDS, self.ix.schema,
                                                        group=qparser.OrGroup)

    def search(self, text: str, *, sentence: bool = False, highlight: bool = False,
               limit: int = 10) -> tuple[int, list[tuple[str, str]]]:
        """(hits returned, [(id, snippet or "")]) for the top ``limit`` hits.

        The count is of the scored top hits (at most ``limit``): asking Whoosh for the
        exact total would make it count every match, which a plain search does not do.
        """
        parser = self.sentence_parser if sentence else self.short_parser
        results = self.searcher.search(parser.parse(text), limit=limit)
        hits = [(hit["id"], hit.highlights("body") if highlight else "") for hit in results]
        return results.scored_length(), hits
