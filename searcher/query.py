"""Turning a user's query string into a Whoosh query.

The language (also in ``searcher search --help``):

- plain words: all of them must match when the query has at most
  :data:`AND_MAX_TERMS` content words; longer (pasted) text matches any word and
  ranks documents matching more words first;
- ``"quoted phrases"``; ``-word`` or ``NOT word`` to exclude; ``OR``; ``( … )``;
- ``kasper*`` prefix; ``title:``, ``source:``, ``category:`` fields;
- ``date:2024-07`` (a year, month or day).

Stopwords are dropped from plain words unless the query has nothing else.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema

from searcher.analysis import default_analyzer
from searcher.errors import QueryError

#: Queries with at most this many content words require all of them.
AND_MAX_TERMS = 4
TEXT_FIELDS = ("title", "body")
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}


def _parser(schema: Schema, conjunctive: bool) -> qparser.QueryParser:
    group = qparser.AndGroup if conjunctive else qparser.OrGroup.factory(0.9)
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=FIELD_BOOSTS,
                                      group=group)
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.remove_plugin_class(qparser.BoostPlugin)
    return parser


def content_words(text: str) -> list[str]:
    """The non-stopword words of ``text`` (surface forms)."""
    analyzer = default_analyzer()
    return [t.text for t in analyzer.analyze(text) if not t.stopword]


def parse(text: str, schema: Schema, *, conjunctive: bool | None = None) -> wq.Query:
    """Parse ``text`` into a Whoosh query; raises :class:`QueryError` when it cannot."""
    if text.count('"') % 2:
        raise QueryError(f'unbalanced quote in query: {text!r}', query=text,
                         position=text.rfind('"'))
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            raise QueryError(f"unexpected ')' at position {i} in query: {text!r}", query=text, position=i)
    if depth:
        raise QueryError(f"unclosed '(' in query: {text!r}", query=text, position=text.rfind("("))
    dates: list[wq.Query] = []

    def take_date(m: re.Match[str]) -> str:
        bounds = date_bounds(m.group(1))
        if bounds is None:
            raise QueryError(f"{m.group(0)!r} is not a date (use date:YYYY, date:YYYY-MM or "
                             f"date:YYYY-MM-DD)", query=text, position=m.start())
        dates.append(wq.DateRange("date", *bounds))
        return " "

    text_only = _DATE_TERM_RE.sub(take_date, text)
    words = content_words(text_only)
    if conjunctive is None:
        conjunctive = len(words) <= AND_MAX_TERMS
    q = _parser(schema, conjunctive).parse(text_only) if text_only.strip() else wq.NullQuery
    stems = {default_analyzer().term(w) for w in default_analyzer().stopwords}
    if words:
        q = _drop_stopword_terms(q, stems)
    if dates:
        q = wq.And([wq.Every() if q is wq.NullQuery else q, *dates]).normalize()
    return q


def _drop_stopword_terms(q: wq.Query, stops: set[str]) -> wq.Query:
    """Remove bare stopword terms from a parsed query (phrases keep theirs)."""
    def drop(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Term) and node.fieldname in TEXT_FIELDS and node.text in stops:
            return wq.NullQuery
        return node if node.is_leaf() else node.apply(drop)
    return drop(q).normalize()


def terms_of(q: wq.Query) -> set[str]:
    """The text-field terms of a query (for highlighting)."""
    out = set()
    for fieldname, text in q.iter_all_terms(phrases=True):
        if fieldname in TEXT_FIELDS:
            out.add(text if isinstance(text, str) else text.decode("utf-8"))
    return out


_DATE_TERM_RE = re.compile(r"(?<!\S)date:(\S+)")
_DAY_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def date_bounds(value: str) -> tuple[datetime, datetime] | None:
    """First and last moment of a year, month or day written ``YYYY[-MM[-DD]]``."""
    m = _DAY_RE.match(value.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day is not None:
            start = datetime(year, int(month), int(day))
            return start, start.replace(hour=23, minute=59, second=59, microsecond=999999)
        if month is not None:
            last = calendar.monthrange(year, int(month))[1]
            return datetime(year, int(month), 1), datetime(year, int(month), last, 23, 59, 59, 999999)
        return datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59, 999999)
    except ValueError:
        return None
