"""Freshness: short keyword queries prefer newer articles among comparable matches.

Someone who types ``banjir`` or ``suku bunga`` into a news search means the news,
not the archive: among articles that match about equally well, the newer ones should
come first. For short queries (at most ``and_max_terms`` content words; see
:mod:`searcher.ranking.ranker`) the relevance score of a dated article is multiplied
by

    1 + recency_weight · 2 ^ (−age / recency_days)

where *age* is the number of days between the article's date and the newest date in
the index (not today: an archive indexed years later keeps its order). With the
defaults (0.1, 730 days) the newest articles gain 10 %, two-year-old ones 5 %, and
old ones nearly nothing; an undated article gains nothing. A much better match still
wins over a newer one: the factor only reorders close scores. Pasted sentences and
headlines (long queries) look for one article, not for news, and are not affected;
``recency_weight=0`` turns the prior off.
"""

from __future__ import annotations

import numpy as np

from searcher.ranking.params import RankingParams
from searcher.ranking.view import NO_DATE, IndexView

#: Whoosh's DATETIME ticks are microseconds.
_TICKS_PER_DAY = 86_400 * 10**6


def freshness_factors(view: IndexView, reader, p: RankingParams) -> np.ndarray:
    """``1 + recency_weight · 2^(−age/recency_days)`` per document (1 when undated)."""
    def make() -> np.ndarray:
        dates = view.dates(reader)
        dated = dates != NO_DATE
        out = np.ones(len(dates))
        if dated.any():
            newest = dates[dated].max()
            age = np.maximum(newest - dates[dated], 0) / _TICKS_PER_DAY
            out[dated] += p.recency_weight * np.exp2(-age / p.recency_days)
        return out

    return view.derived(("freshness", p.recency_weight, p.recency_days), make)


def apply_freshness(view: IndexView, reader, scores: np.ndarray, ids: np.ndarray,
                    p: RankingParams) -> None:
    """Multiply ``scores`` (of global docnums ``ids``) by their freshness factors."""
    if p.recency_weight and len(ids):
        scores *= freshness_factors(view, reader, p)[ids]
