"""The scoring model written the plain way: Whoosh's public reader API, Python floats.

This is the reference the fast path (:mod:`searcher.ranking.scorer`, NumPy over
decoded posting blocks) is tested against: it reads postings one at a time through
``reader.postings(field, term)`` matchers, field lengths through
``reader.doc_field_length`` and deletions through ``reader.is_deleted``, and
computes the formulas of the scorer's docstring per document in pure Python. Too
slow for a large index; meant for small test corpora.
"""

from __future__ import annotations

import math

from whoosh.reading import IndexReader

from searcher.ranking.fields import lead_term
from searcher.ranking.params import RankingParams
from searcher.ranking.scorer import QueryTerms, query_weight


def _postings(reader: IndexReader, fieldname: str, text: str) -> dict[int, float]:
    if (fieldname, text) not in reader:
        return {}
    m = reader.postings(fieldname, text)
    out = {}
    while m.is_active():
        out[m.id()] = m.weight()
        m.next()
    return out


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def reference_scores(reader: IndexReader, q: QueryTerms, p: RankingParams, *,
                     need: int = 1, coordinate: bool = True) -> dict[int, float]:
    """``{docnum: score}`` of the live documents with at least ``need`` query stems."""
    live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
    n = max(len(live), 1)

    def length(d: int, f: str) -> float:
        return float(reader.doc_field_length(d, f) or 0)

    titled = [d for d in live if length(d, "title") > 0]
    avg_title = sum(length(d, "title") for d in titled) / len(titled) if titled else 1.0
    avg_body = sum(length(d, "body") for d in live) / len(live) if live else 1.0
    avg_exact = sum(length(d, "exact") for d in live) / len(live) if live else 1.0
    alive = set(live)

    def b_norm(b: float, value: float, avg: float) -> float:
        return 1 - b + b * value / avg

    score: dict[int, float] = {}
    mass: dict[int, float] = {}
    count: dict[int, int] = {}
    total_mass = 0.0
    for stem, qcount in zip(q.stems, q.counts):
        body = {d: w for d, w in _postings(reader, "body", stem).items() if d in alive}
        title = {d: w for d, w in _postings(reader, "title", stem).items() if d in alive}
        lead = _postings(reader, "exact", lead_term(stem))
        docs = set(body) | set(title)
        w = _idf(n, len(docs))
        total_mass += w
        for d in docs:
            u = 1.0 if length(d, "title") > 0 else 1.0 + p.untitled_boost
            tfn = 0.0
            if d in body:
                tfn += u * body[d] / b_norm(p.body_b, length(d, "body"), avg_body)
            if d in title:
                tfn += p.title_weight * title[d] / b_norm(p.title_b, length(d, "title"), avg_title)
            tfn += p.lead_weight * lead.get(d, 0.0)
            score[d] = score.get(d, 0.0) + w * query_weight(qcount) * tfn * (p.k1 + 1) / (p.k1 + tfn)
            mass[d] = mass.get(d, 0.0) + w
            count[d] = count.get(d, 0) + 1
    extras = [(form, p.exact_weight, p.k1) for form in q.forms] if p.exact_weight else []
    extras += [(pair, p.pair_weight, p.pair_k1) for pair in q.pairs] if p.pair_weight else []
    for text, weight, k1 in extras:
        found = {d: w for d, w in _postings(reader, "exact", text).items() if d in alive}
        w = _idf(n, len(found))
        for d, tf in found.items():
            tfn = tf / b_norm(p.body_b, length(d, "exact"), avg_exact)
            score[d] = score.get(d, 0.0) + weight * w * tfn * (k1 + 1) / (k1 + tfn)
    out = {}
    for d, c in count.items():
        if c < need:
            continue
        s = score[d]
        if coordinate and p.coord_power and total_mass > 0:
            s *= (mass[d] / total_mass) ** p.coord_power
        out[d] = s
    return out


def reference_ranking(reader: IndexReader, q: QueryTerms, p: RankingParams, *,
                      need: int = 1) -> list[tuple[int, float]]:
    """``(docnum, score)`` best first (ties: lower docnum first)."""
    scores = reference_scores(reader, q, p, need=need)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
