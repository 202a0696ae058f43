"""The scoring model, vectorised over posting arrays (the fast path).

A query is scored from four signals, all computed from postings (no per-document
Python loop); ``docs/ranking.md`` has the same description with the tuned values
and the evaluation figures. The parameters are :class:`RankingParams`.

1. **BM25F over title and body** (stemmed terms). For a query stem ``t`` and a
   document ``d`` the field frequencies are combined before saturation::

       tf~(t,d) = title_weight * tf_title / B_title(d) + u(d) * tf_body / B_body(d)
                  + lead_weight * tf_lead
       B_f(d)   = 1 - b_f + b_f * len_f(d) / avglen_f
       bm25(t,d) = idf(t) * tf~ * (k1 + 1) / (k1 + tf~)
       idf(t)   = ln(1 + (N - df + 0.5) / (df + 0.5))

   ``df`` counts documents with ``t`` in title or body, ``N`` the live documents,
   ``avglen_title`` is the mean over documents *that have a title*. ``u(d)`` is
   ``1 + untitled_boost`` for an article without a title and 1 otherwise: its body
   is the only evidence it has, so it gets the weight the title would have had and
   is not buried under articles whose short title happens to match. ``tf_lead``
   counts ``t`` among the first words of the article (headline and opening, see
   :mod:`searcher.ranking.fields`): news says what it is about up front, and an
   untitled article's opening stands in for its missing headline.
2. **Exact forms**: for every word form typed (lower-cased, unstemmed), BM25 over
   the ``exact`` field (title and body forms, ``body_b`` normalisation), times
   ``exact_weight``; ``pemerintah`` then prefers *pemerintah* over *perintah*.
3. **Pairs (proximity)**: for every two neighbouring content words of the query,
   BM25 of the pair term ``"<stem> <stem>"`` in the ``exact`` field (see
   :mod:`searcher.ranking.fields`: neighbouring content words of the document,
   stopwords skipped), saturated with ``pair_k1``, times ``pair_weight``.
4. **Coordination**: the sum of the above is multiplied by
   ``(matched idf / query idf) ** coord_power``: the share of the query's idf mass
   (over distinct stems) that the document contains. Documents matching more of
   the distinct words, and the rarer ones, rank first.

5. **Local discrimination** (:func:`local_rerank`, long queries): the best
   ``local_depth`` candidates are re-scored by the query words that tell them apart
   (a local idf over those candidates), so among several articles on one story the
   one holding the summary's distinctive words wins.

A query word typed twice counts twice (``1 + ln(count)``). Which documents are
candidates is decided by the caller (:mod:`searcher.ranking.ranker`): all of the
words for short queries, any for long ones, or the set a complex query matched.

:func:`score_query` returns every candidate's score; the straightforward
pure-Python implementation of the same model in :mod:`searcher.ranking.reference`
is what tests compare it with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from searcher.ranking.fields import lead_term
from searcher.ranking.params import RankingParams
from searcher.ranking.postings import found_in
from searcher.ranking.view import IndexView


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """The scoring terms of a query.

    ``stems`` are the distinct stems (query order) with their ``counts``; ``forms``
    the distinct lower-cased word forms typed (exact signal); ``pairs`` the pair
    terms of neighbouring content words.
    """

    stems: tuple[str, ...]
    counts: tuple[int, ...]
    forms: tuple[str, ...] = ()
    pairs: tuple[str, ...] = ()


@dataclass(slots=True)
class Scored:
    """Scores of candidate documents (global docnums), not sorted."""

    ids: np.ndarray
    scores: np.ndarray
    #: distinct query stems each candidate contains
    counts: np.ndarray
    #: stems that occur in no live document
    missing: tuple[str, ...] = ()
    #: with pruning: 0 for candidates scored in full, 1 for the rest (ranked after)
    tier: np.ndarray | None = None


def idf(n: int, df: int | np.ndarray) -> float | np.ndarray:
    """BM25 idf, always positive: ``ln(1 + (N - df + 0.5) / (df + 0.5))``."""
    return np.log1p((n - df + 0.5) / (df + 0.5))


def _norms(view: IndexView, p: RankingParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-document factors: title weight / B_title, u / B_body, 1 / B_exact."""
    def title() -> np.ndarray:
        b = p.title_b
        return p.title_weight / (1 - b + b * view.lengths["title"] / view.avg_length["title"])

    def body() -> np.ndarray:
        b = p.body_b
        u = 1.0 + p.untitled_boost * (~view.titled)
        return u / (1 - b + b * view.lengths["body"] / view.avg_length["body"])

    def exact() -> np.ndarray:
        b = p.body_b
        return 1.0 / (1 - b + b * view.lengths["exact"] / view.avg_length["exact"])

    return (view.derived(("title", p.title_weight, p.title_b), title),
            view.derived(("body", p.body_b, p.untitled_boost), body),
            view.derived(("exact", p.body_b), exact))


def query_weight(count: int) -> float:
    """Weight of a stem typed ``count`` times."""
    return 1.0 + math.log(count) if count > 1 else 1.0


def score_query(view: IndexView, reader: IndexReader, q: QueryTerms, p: RankingParams, *,
                need: int = 1, allowed: np.ndarray | None = None,
                coordinate: bool = True, prune: bool = False, depth: int = 100) -> Scored:
    """Score every live document containing at least ``need`` distinct query stems.

    ``allowed`` (a boolean array over global docnums) restricts the candidates; with
    ``need=0`` the candidates are exactly the allowed documents (a complex query's
    match set), scored by whichever terms they contain.

    ``prune`` (long queries only, see :func:`common_stems`): stems in more than
    ``prune_df`` of the documents neither make candidates nor are scored for every
    document; they are added to the best ``depth`` candidates only. The others keep
    their partial scores and rank after them (``Scored.tier``). When the rarer stems
    find fewer than ``depth`` candidates, everything is scored (no pruning).
    """
    n_all = view.n_all
    n = max(view.n, 1)
    title_f, body_f, exact_f = _norms(view, p)
    k1 = p.k1
    lead_w = p.lead_weight
    score = np.zeros(n_all)
    mass = np.zeros(n_all)
    count = np.zeros(n_all, dtype=np.int32)
    scratch = np.zeros(n_all)
    total_mass = 0.0
    missing = []
    common = common_stems(view, reader, q, p) if prune and need <= 1 else {}
    skip_forms = set()
    # every candidate of a query needing all its stems holds the rarest one: its documents
    # are the candidates to check, not every document of the index
    rarest: np.ndarray | None = None
    for stem, qcount in zip(q.stems, q.counts):
        if stem in common:
            total_mass += float(idf(n, common[stem]))
            continue
        b_ids, b_tf = view.postings(reader, "body", stem)
        t_ids, t_tf = view.postings(reader, "title", stem)
        if len(t_ids) == 0:
            ids = b_ids
            tfn = b_tf * body_f[b_ids]
        else:
            scratch[b_ids] = b_tf * body_f[b_ids]
            scratch[t_ids] += t_tf * title_f[t_ids]
            ids = union_sorted(b_ids, t_ids)
            tfn = scratch[ids]
            scratch[ids] = 0.0
        if lead_w and len(ids):
            l_ids, l_tf = view.postings(reader, "exact", lead_term(stem))
            if len(l_ids):
                tfn = tfn + lead_w * _weights_at(ids, l_ids, l_tf)
        df = len(ids)
        if rarest is None or df < len(rarest):
            rarest = ids
        if df == 0:
            missing.append(stem)
            total_mass += float(idf(n, 0))
            continue
        w = float(idf(n, df))
        total_mass += w
        score[ids] += (w * query_weight(qcount)) * tfn * (k1 + 1) / (k1 + tfn)
        mass[ids] += w
        count[ids] += 1
    if common:
        skip_forms = {f for f in q.forms if _stem_of(f) in common}
    if p.exact_weight:
        for form in q.forms:
            if form in skip_forms:
                continue
            ids, tf = view.postings(reader, "exact", form)
            if len(ids):
                tfn = tf * exact_f[ids]
                score[ids] += (p.exact_weight * float(idf(n, len(ids)))) * tfn * (k1 + 1) / (k1 + tfn)
    if p.pair_weight:
        pk1 = p.pair_k1
        for pair in q.pairs:
            ids, tf = view.postings(reader, "exact", pair)
            if len(ids):
                tfn = tf * exact_f[ids]
                score[ids] += (p.pair_weight * float(idf(n, len(ids)))) * tfn * (pk1 + 1) / (pk1 + tfn)
    if need > 0 and need == len(q.stems) and rarest is not None and not common:
        ids = rarest[count[rarest] >= need].astype(np.int64)
        if allowed is not None:
            ids = ids[allowed[ids]]
    else:
        if need > 0:
            cand = count >= need
            if allowed is not None:
                cand &= allowed
        else:
            cand = allowed if allowed is not None else view.live.copy()
        ids = np.flatnonzero(cand)
    if common and len(ids) < depth:  # too few rare-word candidates: score everything
        return score_query(view, reader, q, p, need=need, allowed=allowed,
                           coordinate=coordinate, prune=False)
    coord = coordinate and p.coord_power and total_mass > 0
    if common and len(ids):
        top = ids
        if len(ids) > depth:
            prelim = score[ids] * (mass[ids] / total_mass) ** p.coord_power if coord else score[ids]
            top = np.sort(ids[np.argpartition(-prelim, depth - 1)[:depth]])
        _add_common(view, reader, q, p, common, top, score, mass, count,
                    (title_f, body_f, exact_f), n)
        tier = np.ones(len(ids), dtype=np.int8)
        tier[np.searchsorted(ids, top)] = 0
    else:
        tier = None
    scores = score[ids]
    if coord:
        scores = scores * (mass[ids] / total_mass) ** p.coord_power
    return Scored(ids=ids, scores=scores, counts=count[ids], missing=tuple(missing), tier=tier)


def union_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The union of two ascending arrays of distinct document numbers, ascending.

    The shorter one's numbers missing from the longer are found by binary search and
    the two runs merged by a stable sort (timsort merges them in linear time): no scan
    of an index-sized array, no full sort.
    """
    if len(b) > len(a):
        a, b = b, a
    if not len(b):
        return a
    extra = b[~found_in(a, b)]
    if not len(extra):
        return a
    out = np.concatenate([a, extra])
    out.sort(kind="stable")
    return out


def common_stems(view: IndexView, reader: IndexReader, q: QueryTerms,
                 p: RankingParams) -> dict[str, int]:
    """Stems of a long query found in more than ``prune_df`` of the documents, with df.

    Only for queries of more than ``prune_min_terms`` distinct stems, and never all
    of them (the rarest stem always makes candidates). Document frequencies are the
    term infos' estimates (:meth:`IndexView.doc_frequency`).
    """
    if len(q.stems) <= p.prune_min_terms:
        return {}
    limit = p.prune_df * view.n
    dfs = {stem: view.doc_frequency(reader, ("body", "title"), stem) for stem in q.stems}
    common = {stem: df for stem, df in dfs.items() if df > limit}
    if len(common) == len(dfs):
        common.pop(min(common, key=common.__getitem__))
    return common


def _add_common(view: IndexView, reader: IndexReader, q: QueryTerms, p: RankingParams,
                common: dict[str, int], top: np.ndarray, score: np.ndarray, mass: np.ndarray,
                count: np.ndarray, norms: tuple[np.ndarray, np.ndarray, np.ndarray],
                n: int) -> None:
    """Add the pruned stems' BM25F (and exact forms) to the documents ``top`` only."""
    k1 = p.k1
    title_f, body_f, exact_f = norms
    weights = dict(zip(q.stems, q.counts))
    for stem, df in common.items():
        tfn = (view.weights_for(reader, "body", stem, top) * body_f[top]
               + view.weights_for(reader, "title", stem, top) * title_f[top])
        if p.lead_weight:
            tfn += p.lead_weight * view.weights_for(reader, "exact", lead_term(stem), top)
        has = tfn > 0
        w = float(idf(n, df))
        score[top] += (w * query_weight(weights[stem])) * tfn * (k1 + 1) / (k1 + tfn)
        mass[top[has]] += w
        count[top[has]] += 1
    if p.exact_weight:
        for form in q.forms:
            if _stem_of(form) not in common:
                continue
            tf = view.weights_for(reader, "exact", form, top)
            df = view.doc_frequency(reader, ("exact",), form)
            tfn = tf * exact_f[top]
            score[top] += (p.exact_weight * float(idf(n, df))) * tfn * (k1 + 1) / (k1 + tfn)


def _weights_at(ids: np.ndarray, sub_ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``weights`` of ``sub_ids`` placed at their positions in ``ids`` (sorted; 0 elsewhere)."""
    out = np.zeros(len(ids))
    at = np.searchsorted(ids, sub_ids)
    ok = at < len(ids)
    ok[ok] = ids[at[ok]] == sub_ids[ok]
    out[at[ok]] = weights[ok]
    return out


def _stem_of(form: str) -> str:
    from searcher.analysis import default_analyzer

    return default_analyzer().term(form)


def local_rerank(view: IndexView, reader: IndexReader, q: QueryTerms, p: RankingParams,
                 scored: Scored, best: np.ndarray) -> None:
    """Re-rank the best ``local_depth`` candidates by the query words that tell them apart.

    A long query (a pasted summary) often finds several articles about the same story;
    its words common to all of them say nothing about which one it describes. Among the
    best *K* candidates, a stem found in *k* of them gets the local idf
    ``ln(1 + (K - k + 0.5) / (k + 0.5))``; each candidate gains
    ``local_weight * Σ local_idf · idf · sat(tf~)`` over the stems it contains. Only
    the *K* are raised, so they stay ahead of the rest. ``best`` holds their positions
    in ``scored``, in rank order.
    """
    if not p.local_weight or len(best) < 2:
        return
    scores = scored.scores
    order = best[np.argsort(scored.ids[best])]
    top = scored.ids[order]
    kk = len(top)
    title_f, body_f, _ = _norms(view, p)
    k1 = p.k1
    n = max(view.n, 1)
    add = np.zeros(kk)
    for stem in q.stems:
        tfn = (view.weights_for(reader, "body", stem, top) * body_f[top]
               + view.weights_for(reader, "title", stem, top) * title_f[top])
        has = tfn > 0
        k = int(has.sum())
        if k == 0:
            continue
        local = math.log1p((kk - k + 0.5) / (k + 0.5))
        df = view.doc_frequency(reader, ("body", "title"), stem)
        add[has] += local * float(idf(n, df)) * (tfn[has] * (k1 + 1) / (k1 + tfn[has]))
    scores[order] += p.local_weight * add
