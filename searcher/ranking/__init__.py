"""Ranking: the scoring model, fast query evaluation and near-duplicate grouping.

- :mod:`~searcher.ranking.params`: :class:`RankingParams`, every weight in one place;
- :mod:`~searcher.ranking.fields`: what the ``exact`` field holds (forms and pairs);
- :mod:`~searcher.ranking.postings`, :mod:`~searcher.ranking.view`: whole posting
  lists and per-document arrays as NumPy arrays;
- :mod:`~searcher.ranking.scorer`: the scoring model (documented there and in
  ``docs/ranking.md``), vectorised;
- :mod:`~searcher.ranking.reference`: the same model written plainly, for tests;
- :mod:`~searcher.ranking.matching`, :mod:`~searcher.ranking.ranker`: candidates,
  order and pages; :mod:`~searcher.ranking.duplicates`: near-duplicate groups.

Only the parameters are imported here: the schema imports
:mod:`searcher.ranking.fields`, and opening an index must not pull in NumPy.
"""

from searcher.ranking.params import RankingParams

__all__ = ["RankingParams"]
