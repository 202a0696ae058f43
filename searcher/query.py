"""Turning a user's query string into a Whoosh query.

The language (also in ``searcher search --help`` and the README):

- plain words: all of them must match when the query has at most
  :data:`AND_MAX_TERMS` content words; longer (pasted) text matches any word and
  ranks documents matching more words first (coordination, :data:`OR_SCALE`);
- ``"quoted phrases"`` (stopwords inside quotes count);
- ``-word`` or ``NOT word`` to exclude; ``+word`` to require a word in long text;
- ``OR`` between alternatives; ``AND`` to require both (the default for short
  queries); ``( … )`` to group. Only upper-case ``AND``/``OR``/``NOT`` are operators,
  ``or``/``and`` are words. ``NOT`` binds tightest, then ``OR``, then ``AND`` and
  juxtaposition: ``beras OR jagung impor`` is ``(beras OR jagung) impor``;
- ``kasper*``: words starting with ``kasper`` (the :data:`PREFIX_MAX_WORDS` most
  frequent of them, in any inflected form);
- fields: ``title:``, ``body:``, ``source:``, ``category:`` before a word, a phrase,
  a prefix or a group; ``source:`` matches a publisher or a label of its domain
  (``source:kompas`` finds ``tekno.kompas.com``), ``category:`` a category or a
  part of one (``category:nasional`` finds ``News/Nasional``). Field names other
  than these (``foo:bar``) are not fields: the text is searched as words
  (``foo bar``);
- ``date:2024``, ``date:2024-07``, ``date:2024-07-17`` (a year, month or day) and
  ranges ``date:2024-07-01..2024-07-15`` (either end may be left open).
  ``source:``, ``category:`` and ``date:`` are filters: they always apply, also in
  long text.

A query of plain words only (no syntax, :func:`plain_terms`) is ranked by
:mod:`searcher.ranking` straight from the postings, with the same rules; when no
document has every word of a short query, it falls back to any of them.

Stopwords are dropped from plain words unless the query has no other words, in
which case they are searched as words. A query with no words at all (empty, only
punctuation) parses to :data:`whoosh.query.NullQuery`; :class:`~searcher.SearchIndex`
lists every document for it, newest first.

Errors: in a short query (at most :data:`AND_MAX_TERMS` content words) an
unbalanced quote or parenthesis, an operator with nothing to apply to, a field
name followed by nothing, or a date that is not one raise
:class:`~searcher.errors.QueryError` with the ``position`` of the problem. Longer
text is taken to be pasted prose and is forgiving: such stray characters are
ignored. Nesting deeper than :data:`MAX_DEPTH` parentheses and queries longer than
:data:`MAX_QUERY_CHARS` characters are always errors.
"""

from __future__ import annotations

import calendar
import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.reading import IndexReader

from searcher.analysis import (AnalyzedToken, analysis_for, analyzer_for, current_stemmer,
                               default_analyzer)
from searcher.analysis.pipeline import normalize
from searcher.errors import QueryError
from searcher.schema import schema_stemmer

#: Queries with at most this many content words require all of them.
AND_MAX_TERMS = 4
#: Coordination bonus for the OR of a long query (see :class:`whoosh.query.Or`).
OR_SCALE = 0.9
TEXT_FIELDS = ("title", "body")
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}
#: Fields whose values are publisher or category names, not text.
KEYWORD_FIELDS = ("source", "category")
#: Field names a query may use before a colon (``date:`` is handled on its own).
QUERY_FIELDS = TEXT_FIELDS + KEYWORD_FIELDS
#: A prefix (``kasper*``) expands to at most this many words, the most frequent first.
PREFIX_MAX_WORDS = 64
#: Deepest nesting of parentheses accepted.
MAX_DEPTH = 32
#: Longest query accepted, in characters.
MAX_QUERY_CHARS = 20_000

_OPERATORS = ("AND", "OR", "NOT")
_FIELD_RE = re.compile(r"([A-Za-z]+):")  # at the start of a word
_DAY_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_EDGE_PUNCT_RE = re.compile(r"^[^\w]+|[^\w]+$")

# item signs: how a clause joins its neighbours
_PLAIN, _REQUIRED, _FILTER, _NEGATED = 1, 2, 3, -1


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # WORD PHRASE PREFIX DATE FIELD LP RP AND OR NOT MINUS PLUS
    text: str
    pos: int


@dataclass(frozen=True, slots=True)
class QueryWord:
    """A searched word of a query with its offsets in the query string."""

    text: str
    start: int
    end: int


# -- lexing ------------------------------------------------------------------------
_LEX_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<paren>[()])
  | (?P<quote>")
  | (?P<sign>[-+])(?=[^\W_]|["(])
  | (?P<word>[^\s()"]+)
""", re.VERBOSE)


def _lex(text: str) -> tuple[list[_Token], list[tuple[str, int]]]:
    """Tokens of ``text`` and the problems found (message, position), already repaired."""
    toks: list[_Token] = []
    problems: list[tuple[str, int]] = []
    i, n = 0, len(text)
    match = _LEX_RE.match
    while i < n:
        m = match(text, i)
        assert m is not None  # the pattern matches any character
        kind = m.lastgroup
        if kind == "space":
            i = m.end()
        elif kind == "paren":
            toks.append(_Token("LP" if text[i] == "(" else "RP", text[i], i))
            i += 1
        elif kind == "quote":
            close = text.find('"', i + 1)
            if close < 0:
                problems.append(('unbalanced quote: this " is never closed', i))
                i += 1
            else:
                toks.append(_Token("PHRASE", text[i + 1:close], i))
                i = close + 1
        elif kind == "sign":
            toks.append(_Token("MINUS" if text[i] == "-" else "PLUS", text[i], i))
            i += 1
        else:
            word = m.group()
            i = m.end()
            f = _FIELD_RE.match(word)
            name = f.group(1).lower() if f else ""
            if name in QUERY_FIELDS or name == "date":
                value = word[f.end():]  # type: ignore[union-attr]
                start = m.start()
                if not value and (i >= n or text[i] == ")" or text[i].isspace()):
                    problems.append((f"{f.group(0)} needs a value right after the colon "  # type: ignore[union-attr]
                                     f"(e.g. {name}:{'2024-07' if name == 'date' else 'banjir'})",
                                     start))
                    toks.append(_Token("WORD", f.group(1), start))  # type: ignore[union-attr]
                elif name == "date":
                    toks.append(_Token("DATE", value, start))
                else:
                    toks.append(_Token("FIELD", name, start))
                    i = start + f.end()  # type: ignore[union-attr]  # the value is lexed on its own
            elif word in _OPERATORS:
                toks.append(_Token(word, word, m.start()))
            elif len(word) > 1 and word.endswith("*"):
                toks.append(_Token("PREFIX", word[:-1], m.start()))
            else:
                toks.append(_Token("WORD", word, m.start()))
    return toks, problems


def _positive_text_tokens(toks: list[_Token]) -> Iterable[_Token]:
    """WORD/PHRASE tokens searched in text fields and not excluded."""
    field: str | None = None
    for k, tok in enumerate(toks):
        if tok.kind == "FIELD":
            field = tok.text
            continue
        if tok.kind in ("WORD", "PHRASE") and field not in KEYWORD_FIELDS:
            prev = toks[k - 1].kind if k else ""
            if prev == "FIELD":
                prev = toks[k - 2].kind if k > 1 else ""
            if prev not in ("MINUS", "NOT"):
                yield tok
        field = None


def query_words(text: str) -> list[QueryWord]:
    """The words a query searches in text fields (not excluded ones), with offsets.

    Used by did-you-mean to replace misspelt words in place:

    >>> [w.text for w in query_words('kaspersy "suku bunga" -impor source:kompas')]
    ['kaspersy', 'suku', 'bunga']
    """
    toks, _ = _lex(text[:MAX_QUERY_CHARS])
    out = []
    for tok in _positive_text_tokens(toks):
        offset = tok.pos + (1 if tok.kind == "PHRASE" else 0)
        for surface, a, b in _tokens(tok.text):
            out.append(QueryWord(surface, offset + a, offset + b))
    return out


def plain_terms(text: str) -> list[AnalyzedToken] | None:
    """The analysed words of a query made only of plain words, else ``None``.

    Plain: no operator, phrase, field, prefix, date or ``+``/``-`` sign, and
    balanced parentheses (grouping plain words changes nothing). The ranking fast
    path (:mod:`searcher.ranking.ranker`) scores such a query straight from the
    postings; any other query goes through :func:`parse`. Stopwords are included and
    marked (``stopword=True``, ``term=None``).

    >>> [t.text for t in plain_terms("Harga beras (naik) di pasar")]
    ['Harga', 'beras', 'naik', 'di', 'pasar']
    >>> plain_terms('"harga beras"') is None
    True
    """
    if len(text) > MAX_QUERY_CHARS:
        return None
    toks, problems = _lex(text)
    if problems:
        return None
    depth = 0
    for tok in toks:
        if tok.kind == "LP":
            depth += 1
        elif tok.kind == "RP":
            depth -= 1
            if depth < 0:
                return None
        elif tok.kind != "WORD":
            return None
    if depth:
        return None
    analyze = default_analyzer().analyze
    return [t for tok in toks if tok.kind == "WORD" for t in analyze(tok.text)]


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(t.text, t.start, t.end) for t in _analyze(text)]


def _analyze(text: str) -> tuple[AnalyzedToken, ...]:
    """The analysis of one word or phrase of a query with the current stemmer."""
    return _analyze_with(current_stemmer(), text)


@lru_cache(maxsize=8192)
def _analyze_with(stemmer: str, text: str) -> tuple[AnalyzedToken, ...]:
    """The analysis of one word or phrase of a query (cached: queries repeat)."""
    return tuple(analyzer_for(stemmer).analyze(text))


def _unique(qs: list[wq.Query]) -> list[wq.Query]:
    """``qs`` without repeats (by their text: Whoosh's own equality is slow on groups)."""
    seen: set[str] = set()
    out = []
    for q in qs:
        key = f"{type(q).__name__}:{q}"
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


# -- parsing -----------------------------------------------------------------------
def parse(text: str, schema: Schema, *, conjunctive: bool | None = None,
          reader: IndexReader | None = None) -> wq.Query:
    """Parse ``text`` into a Whoosh query; raises :class:`QueryError` when it cannot.

    ``conjunctive`` forces all plain words to be required (True) or any of them
    (False); by default it depends on the number of content words. With a
    ``reader``, prefixes expand to the index's words and ``category:`` matches
    parts of category names; without one they match index terms as they are.
    Words are analysed with the stemmer of ``schema``'s text fields.
    """
    with analysis_for(schema_stemmer(schema, default=current_stemmer())):
        return _parse(text, schema, conjunctive=conjunctive, reader=reader)


def _parse(text: str, schema: Schema, *, conjunctive: bool | None,
           reader: IndexReader | None) -> wq.Query:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(text)} characters; at most "
                         f"{MAX_QUERY_CHARS})", query=text, position=None,
                         hint="Search for a shorter passage.")
    toks, problems = _lex(text)
    positive = [t for tok in _positive_text_tokens(toks)
                for t in _analyze(tok.text) if tok.kind == "WORD"]
    phrase_words = [t for tok in _positive_text_tokens(toks) if tok.kind == "PHRASE"
                    for t in _analyze(tok.text)]
    n_content = sum(not t.stopword for t in positive + phrase_words)
    strict = n_content <= AND_MAX_TERMS
    if conjunctive is None:
        conjunctive = n_content <= AND_MAX_TERMS
    if strict and problems:
        message, pos = problems[0]
        raise QueryError(f"{message} (position {pos})", query=text, position=pos)
    drop_stops = any(not t.stopword for t in positive)
    q = _Parser(text, toks, schema, reader, strict=strict, conjunctive=conjunctive,
                drop_stopwords=drop_stops).parse()
    return wq.NullQuery if q is None else q  # built normalised: no empty or one-item groups


_Item = tuple[wq.Query | None, int]


class _Parser:
    """Recursive descent over the tokens: sequence → AND chain → OR chain → unary → primary."""

    def __init__(self, text: str, toks: list[_Token], schema: Schema, reader: IndexReader | None,
                 *, strict: bool, conjunctive: bool, drop_stopwords: bool) -> None:
        self.text = text
        self.toks = toks
        self.i = 0
        self.schema = schema
        self.reader = reader
        self.strict = strict
        self.conjunctive = conjunctive
        self.drop_stopwords = drop_stopwords
        self.analyzer = default_analyzer()
        self.prefixes: dict[str, list[str]] = {}

    # -- helpers ---------------------------------------------------------------------
    def problem(self, message: str, pos: int) -> None:
        if self.strict:
            raise QueryError(f"{message} (position {pos})", query=self.text, position=pos)

    def peek(self) -> _Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def at_operand_end(self) -> bool:
        tok = self.peek()
        return tok is None or tok.kind in ("RP", "AND", "OR")

    # -- grammar ---------------------------------------------------------------------
    def parse(self) -> wq.Query | None:
        return self.combine(self.sequence(0, None, closing=False), self.conjunctive)

    def sequence(self, depth: int, field: str | None, *, closing: bool) -> list[_Item]:
        items: list[_Item] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "RP":
                if closing:
                    break
                self.problem("unexpected ')': no '(' opens it", tok.pos)
                self.i += 1
            elif tok.kind in ("AND", "OR"):
                self.problem(f"{tok.kind} needs a word before it", tok.pos)
                self.i += 1
            else:
                items.append(self.and_chain(depth, field))
        return items

    def and_chain(self, depth: int, field: str | None) -> _Item:
        parts = [self.or_chain(depth, field)]
        while (tok := self.peek()) is not None and tok.kind == "AND":
            self.i += 1
            if self.at_operand_end():
                self.problem("AND needs a word after it", tok.pos)
                continue
            parts.append(self.or_chain(depth, field))
        if len(parts) == 1:
            return parts[0]
        sign = _FILTER if all(s == _FILTER for q, s in parts if q is not None) else _PLAIN
        return self.combine(parts, True), sign

    def or_chain(self, depth: int, field: str | None) -> _Item:
        parts = [self.unary(depth, field)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            if self.at_operand_end():
                self.problem("OR needs a word after it", tok.pos)
                continue
            parts.append(self.unary(depth, field))
        if len(parts) == 1:
            return parts[0]
        present = [(q, s) for q, s in parts if q is not None]
        if not present:
            return None, _PLAIN
        qs = [wq.Not(q) if s == _NEGATED else q for q, s in present]
        sign = _FILTER if all(s == _FILTER for _, s in present) else _PLAIN
        return (qs[0] if len(qs) == 1 else wq.Or(qs)), sign

    def unary(self, depth: int, field: str | None) -> _Item:
        negate = require = False
        last: _Token | None = None
        while (tok := self.peek()) is not None and tok.kind in ("NOT", "MINUS", "PLUS"):
            last = self.take()
            if tok.kind == "PLUS":
                require = True
            else:
                negate = not negate
        if self.at_operand_end():
            if last is not None:
                self.problem(f"{last.text} needs a word after it", last.pos)
            return None, _PLAIN
        q, is_filter = self.primary(depth, field)
        if negate:
            return q, _NEGATED
        return q, (_FILTER if is_filter else _REQUIRED if require else _PLAIN)

    def primary(self, depth: int, field: str | None) -> tuple[wq.Query | None, bool]:
        tok = self.take()
        kind = tok.kind
        if kind == "LP":
            if depth >= MAX_DEPTH:
                raise QueryError(f"parentheses nested more than {MAX_DEPTH} deep (position "
                                 f"{tok.pos})", query=self.text, position=tok.pos)
            items = self.sequence(depth + 1, field, closing=True)
            nxt = self.peek()
            if nxt is not None and nxt.kind == "RP":
                self.i += 1
            else:
                self.problem("unclosed '(': no ')' closes it", tok.pos)
            present = [s for q, s in items if q is not None]
            return self.combine(items, self.conjunctive), bool(present) and all(
                s == _FILTER for s in present)
        if kind == "FIELD":
            if self.at_operand_end():  # e.g. "title:AND"
                self.problem(f"{tok.text}: needs a value right after the colon", tok.pos)
                return None, False
            q, sign = self.unary(depth, tok.text)
            if q is not None and sign == _NEGATED:
                q = wq.AndNot(wq.Every(), q)
            return q, tok.text in KEYWORD_FIELDS
        if kind == "DATE":
            return self.date(tok), True
        if kind == "PHRASE":
            return self.phrase(tok.text, field), field in KEYWORD_FIELDS
        if kind == "PREFIX":
            return self.prefix(tok.text, field), field in KEYWORD_FIELDS
        # WORD (operators never reach here)
        return self.word(tok.text, field), field in KEYWORD_FIELDS

    # -- combining -------------------------------------------------------------------
    def group(self, qs: list[wq.Query], conjunctive: bool) -> wq.Query:
        qs = _unique(qs)  # a repeated clause adds nothing
        if len(qs) == 1:
            return qs[0]
        return wq.And(qs) if conjunctive else wq.Or(qs, scale=OR_SCALE)

    def combine(self, items: list[_Item], conjunctive: bool) -> wq.Query | None:
        """Join clauses: filters and required clauses AND, plain ones by the mode, minus the negated."""
        plain = [q for q, s in items if q is not None and s == _PLAIN]
        required = [q for q, s in items if q is not None and s == _REQUIRED]
        filters = [q for q, s in items if q is not None and s == _FILTER]
        negated = [q for q, s in items if q is not None and s == _NEGATED]
        if conjunctive:
            required, plain = required + plain, []
        base: wq.Query | None = None
        if required:
            base = self.group(required, True)
            if plain:
                base = wq.AndMaybe(base, self.group(plain, False))
        elif plain:
            base = self.group(plain, False)
        if filters:
            base = self.group(filters + ([base] if base is not None else []), True)
        if negated:
            negated = _unique(negated)
            excluded = negated[0] if len(negated) == 1 else wq.Or(negated)
            base = wq.AndNot(base if base is not None else wq.Every(), excluded)
        return base

    # -- leaves ----------------------------------------------------------------------
    def term_query(self, term: str, field: str | None) -> wq.Query:
        if field is not None:
            return wq.Term(field, term)
        return wq.Or([wq.Term(f, term, boost=FIELD_BOOSTS[f]) for f in TEXT_FIELDS])

    def word(self, text: str, field: str | None) -> wq.Query | None:
        if field in KEYWORD_FIELDS:
            return self.keyword(field, text)
        terms: list[str] = []
        for tok in _analyze(text):
            if tok.stopword and self.drop_stopwords and field is None:
                continue
            term = tok.term if tok.term is not None else self.analyzer.term(tok.text)
            if term not in terms:
                terms.append(term)
        if not terms:
            return None
        return self.group([self.term_query(t, field) for t in terms], self.conjunctive)

    def phrase(self, text: str, field: str | None) -> wq.Query | None:
        if field in KEYWORD_FIELDS:
            return self.keyword(field, text)
        terms = self.analyzer.terms(text)
        if not terms:
            return None
        if len(terms) == 1:
            return self.term_query(terms[0], field)
        if field is not None:
            return wq.Phrase(field, terms)
        return wq.Or([wq.Phrase(f, terms, boost=FIELD_BOOSTS[f]) for f in TEXT_FIELDS])

    def prefix(self, text: str, field: str | None) -> wq.Query | None:
        stem = _EDGE_PUNCT_RE.sub("", normalize(text))
        if not stem:
            return None
        if field == "source":
            return wq.Prefix("source", stem)
        if field == "category":
            return wq.Prefix("category_key", stem)
        if self.reader is None:
            fields = (field,) if field else TEXT_FIELDS
            qs: list[wq.Query] = [wq.Prefix(f, stem, boost=1.0 if field else FIELD_BOOSTS[f])
                                  for f in fields]
            return qs[0] if len(qs) == 1 else wq.Or(qs)
        words = self.prefixes.get(stem)
        if words is None:
            words = self.prefixes[stem] = expand_prefix(self.reader, stem)
        terms = list(dict.fromkeys(self.analyzer.term(w) for w in words))
        if not terms:
            return wq.Prefix("exact", stem)  # matches nothing, and says why
        return self.group([self.term_query(t, field) for t in terms], False)

    def keyword(self, field: str, value: str) -> wq.Query | None:
        value = " ".join(_EDGE_PUNCT_RE.sub("", value.lower()).split())
        if not value:
            return None
        if field == "source":
            return wq.Term("source", value.replace(" ", "_"))
        alts: list[wq.Query] = [wq.Term("category_key", value)]
        if " " not in value:
            alts.append(wq.Term("category", value))
        if self.reader is not None:
            alts += [wq.Term("category_key", key) for key in _keys_with_label(self.reader, value)
                     if key != value]
        return alts[0] if len(alts) == 1 else wq.Or(alts)

    def date(self, tok: _Token) -> wq.Query | None:
        bounds = date_range(tok.text)
        if bounds is None:
            self.problem(f"date:{tok.text} is not a date (use date:YYYY, date:YYYY-MM, "
                         f"date:YYYY-MM-DD or date:FROM..TO)", tok.pos)
            return self.word(tok.text, None)
        return wq.DateRange("date", *bounds)


# -- helpers on the index ------------------------------------------------------------
def expand_prefix(reader: IndexReader, prefix: str, limit: int = PREFIX_MAX_WORDS) -> list[str]:
    """The ``limit`` most frequent unstemmed index words starting with ``prefix``."""
    if "exact" not in reader.schema:
        return []
    # segment by segment: a multi-segment reader would look every word up in every segment
    freq: Counter[bytes | str] = Counter()
    for leaf, _ in reader.leaf_readers():
        for text, info in leaf.iter_prefix("exact", prefix):
            freq[text] += info.doc_frequency()
    best = heapq.nlargest(limit, ((n, text) for text, n in freq.items()))
    return [t.decode("utf-8") if isinstance(t, bytes) else t for _, t in best]


def _labels(key: str) -> set[str]:
    parts = {p.strip() for p in re.split(r"[/.]", key)}
    return parts | set(key.split()) | {w for p in parts for w in re.split(r"[\W_]+", p)}


def _keys_with_label(reader: IndexReader, label: str) -> list[str]:
    """Category keys in the index having ``label`` as a part (``news/nasional`` for nasional)."""
    if "category_key" not in reader.schema:
        return []
    keys = []
    for raw in reader.lexicon("category_key"):
        key = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if label in _labels(key):
            keys.append(key)
    return keys


def terms_of(q: wq.Query) -> set[str]:
    """The text-field terms of a query (for highlighting); excluded terms are left out."""
    out = set()
    for fieldname, text in _positive(q).iter_all_terms(phrases=True):
        if fieldname in TEXT_FIELDS:
            out.add(text if isinstance(text, str) else text.decode("utf-8"))
    return out


def _positive(q: wq.Query) -> wq.Query:
    """``q`` without its excluded (NOT) parts."""
    if isinstance(q, wq.AndNot):
        return _positive(q.a)
    if isinstance(q, wq.Not):
        return wq.NullQuery
    if q.is_leaf():
        return q
    return q.apply(_positive)


# -- dates ---------------------------------------------------------------------------
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
        if year < 1:
            return None
        return datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59, 999999)
    except ValueError:
        return None


def date_range(value: str) -> tuple[datetime | None, datetime | None] | None:
    """Bounds of ``date:`` values: ``2024-07`` or a range ``2024-07-01..2024-07-15``.

    Either end of a range may be empty (``2024-07..``); ``None`` when it is not a date.
    """
    if ".." not in value:
        return date_bounds(value)
    low, _, high = value.partition("..")
    start = date_bounds(low) if low else None
    end = date_bounds(high) if high else None
    if (low and start is None) or (high and end is None) or not (low or high):
        return None
    first = start[0] if start else None
    last = end[1] if end else None
    if first is not None and last is not None and first > last:
        return None
    return first, last
