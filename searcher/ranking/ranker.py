"""From a query string to a ranked page of document numbers.

:func:`rank` decides which documents are candidates and in what order:

- **plain words** (:func:`searcher.query.plain_terms`): never go through Whoosh's
  matchers. A query with at most ``and_max_terms`` content words requires all of
  them; when no document has them all, it falls back to any of them (ranked by
  coordination), and is scored as a topic: ``short_body_b``, ``short_title_weight``
  and a freshness bonus (:mod:`searcher.ranking.freshness`). Longer text (pasted
  sentences) matches any word. Stopwords are left out unless the query has nothing
  else;
- **anything else** (phrases, ``NOT``, ``OR``, prefixes, fields, dates): Whoosh
  computes the set of matching documents from :func:`searcher.query.parse`'s query,
  and :func:`~searcher.ranking.scorer.score_query` scores them by the query's
  terms (without coordination: a prefix or an ``OR`` group is not a list of words
  that should all be there);
- an **empty** query lists every document, newest first.

Filters (dates, sources, categories) are a boolean mask over global document
numbers. ``sort="newest"``/``"oldest"`` orders the candidates by date (undated
last), ties by score. Near-duplicates are grouped afterwards
(:mod:`searcher.ranking.duplicates`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from searcher.query import parse, plain_terms, terms_of
from searcher.ranking.duplicates import DuplicateFinder
from searcher.ranking.fields import pair_terms
from searcher.ranking.freshness import apply_freshness
from searcher.ranking.matching import match_mask
from searcher.ranking.params import RankingParams
from searcher.ranking.scorer import QueryTerms, Scored, local_rerank, score_query
from searcher.ranking.view import NO_DATE, IndexView


@dataclass(slots=True)
class Ranking:
    """One page of a ranked result list."""

    docnums: list[int]
    scores: list[float]
    #: for each hit, the docnums of near-duplicates grouped under it
    duplicates: list[list[int]]
    #: matching documents (before grouping)
    total: int
    #: index terms and lower-cased word forms to highlight
    terms: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    #: every matching document (sorted global docnums), e.g. for facet counts
    matched: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: a short query that no document matched with all its words, answered with any
    relaxed: bool = False


def plain_query(text: str) -> tuple[QueryTerms, int, set[str]] | None:
    """Scoring terms of a plain-words query, its number of content words, and its forms.

    ``None`` when the query is not plain words (see :func:`searcher.query.plain_terms`).
    """
    tokens = plain_terms(text)
    if tokens is None:
        return None
    content = [t for t in tokens if not t.stopword]
    from searcher.analysis import default_analyzer

    if content:
        stems = [t.term for t in content]
    else:  # only stopwords: search them as words
        term = default_analyzer().term
        stems = [term(t.text) for t in tokens]
    counts: dict[str, int] = {}
    for s in stems:
        counts[s] = counts.get(s, 0) + 1
    forms = dict.fromkeys(t.text.lower() for t in (content or tokens))
    pairs = dict.fromkeys(pair_terms(stems))
    q = QueryTerms(stems=tuple(counts), counts=tuple(counts.values()),
                   forms=tuple(forms), pairs=tuple(pairs))
    return q, len(stems), set(forms)


def filter_mask(view: IndexView, searcher: Searcher, q: wq.Query | None) -> np.ndarray | None:
    """The documents a filter query allows, as a boolean mask (``None``: all)."""
    if q is None:
        return None
    return match_mask(view, searcher, q)


def rank(view: IndexView, searcher: Searcher, text: str, *, start: int, stop: int,
         sort: str = "relevance", allowed: np.ndarray | None = None,
         params: RankingParams | None = None, group_duplicates: bool = True,
         exhaustive: bool = False) -> Ranking:
    """Rank the documents for ``text`` and return hits ``start:stop`` (0-based)."""
    p = params or RankingParams()
    reader = searcher.reader()
    scored: Scored | None
    plain = plain_query(text)
    forms: set[str] = set()
    relaxed = False
    if plain is not None and plain[1]:
        q, n_words, forms = plain
        conjunctive = n_words <= p.and_max_terms
        need = len(q.stems) if conjunctive else 1
        if conjunctive:
            p = p.replace(body_b=p.short_body_b, title_weight=p.short_title_weight)
        depth = max(int(p.rerank_depth), 2 * stop)
        scored = score_query(view, reader, q, p, need=need, allowed=allowed,
                             prune=not exhaustive, depth=depth)
        if conjunctive and need > 1 and len(scored.ids) == 0:
            scored = score_query(view, reader, q, p, need=1, allowed=allowed,
                                 prune=not exhaustive, depth=depth)
            relaxed = len(scored.ids) > 0
        if conjunctive:
            apply_freshness(view, reader, scored.scores, scored.ids, p)
        if not conjunctive and sort == "relevance" and p.local_weight:
            local_rerank(view, reader, q, p, scored,
                         _order(view, reader, scored, sort, int(p.local_depth)))
        terms = set(q.stems)
    elif plain is not None:
        scored, terms = None, set()
    else:
        wq_query = parse(text, searcher.schema, reader=reader)
        if wq_query is wq.NullQuery:
            scored, terms = None, set()
        else:
            mask = match_mask(view, searcher, wq_query)
            if allowed is not None:
                mask &= allowed
            terms = terms_of(wq_query)
            q = QueryTerms(stems=tuple(sorted(terms)), counts=(1,) * len(terms))
            scored = score_query(view, reader, q, p, need=0, allowed=mask, coordinate=False)
    if scored is None:  # no words at all: every (allowed) document, newest first
        ids = np.flatnonzero(view.live if allowed is None else allowed)
        scored = Scored(ids=ids, scores=np.zeros(len(ids)), counts=np.zeros(len(ids), np.int32))
        if sort == "relevance":
            sort = "newest"
    total = len(scored.ids)
    if not group_duplicates:
        picked = _order(view, reader, scored, sort, stop)[start:stop]
        return Ranking(docnums=[int(scored.ids[i]) for i in picked],
                       scores=[float(scored.scores[i]) for i in picked],
                       duplicates=[[] for _ in picked], total=total, terms=terms, forms=forms,
                       matched=scored.ids, relaxed=relaxed)
    grouping = DuplicateFinder(view, searcher).grouping(scored.ids)
    depth = stop + stop // 2 + 10
    while True:  # look deeper until the page is full of groups or the list ends
        order = _order(view, reader, scored, sort, depth)
        groups = grouping.extend(order)  # each order starts with the previous one
        if len(groups) >= stop or len(order) >= total:
            break
        depth *= 2
    page = groups[start:stop]
    return Ranking(docnums=[int(scored.ids[g[0]]) for g in page],
                   scores=[float(scored.scores[g[0]]) for g in page],
                   duplicates=[[int(scored.ids[i]) for i in g[1:]] for g in page],
                   total=total, terms=terms, forms=forms, matched=scored.ids, relaxed=relaxed)


def _best(ids: np.ndarray, scores: np.ndarray, positions: np.ndarray, k: int | None) -> np.ndarray:
    """``positions`` by descending score then ascending id (only the first ``k`` when given)."""
    if k is not None and len(positions) > k:
        chosen = scores[positions]
        kth = -np.partition(-chosen, k - 1)[k - 1]
        positions = positions[chosen >= kth]  # ties at the cut all stay in
    return positions[np.lexsort((ids[positions], -scores[positions]))][:k]


def _order(view: IndexView, reader, scored: Scored, sort: str, k: int | None) -> np.ndarray:
    """Positions into ``scored`` in result order (only the first ``k`` when given)."""
    ids, scores = scored.ids, scored.scores
    if sort == "relevance" and scored.tier is not None:
        # tier 0 (the best candidates of a pruned long query) first, then the rest: the
        # order of lexsort((ids, -scores, tier)) without sorting every candidate
        head = _best(ids, scores, np.flatnonzero(scored.tier == 0), None)
        if k is not None and len(head) >= k:
            return head[:k]
        rest = _best(ids, scores, np.flatnonzero(scored.tier != 0), None if k is None else k - len(head))
        return np.concatenate([head, rest])
    if sort == "relevance":
        return _best(ids, scores, np.arange(len(ids)), k)
    dates = view.dates(reader)[ids]
    undated = dates == NO_DATE
    key = np.where(undated, 0, -dates if sort == "newest" else dates)
    return np.lexsort((ids, -scores, key, undated))[:k]
