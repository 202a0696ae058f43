"""The ranking parameters, declared once: name, default and meaning.

Every parameter is documented in ``docs/ranking.md`` (a test checks it) and can be
tried on the evaluation sets with ``scripts/eval --param NAME=VALUE``. A
:class:`RankingParams` is immutable and passed per call, so threads sharing an index
never see each other's settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace


def _p(default: float, help: str) -> float:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class RankingParams:
    """Weights of the scoring model of :mod:`searcher.ranking.scorer` (tuned on dev)."""

    k1: float = _p(1.2, "BM25F term-frequency saturation")
    title_weight: float = _p(4.0, "weight of a title occurrence relative to a body one")
    title_b: float = _p(0.3, "length normalisation of the title (0 none, 1 full)")
    body_b: float = _p(0.75, "length normalisation of the body (0 none, 1 full)")
    lead_weight: float = _p(1.0, "weight of an occurrence among the article's first words "
                                 "(headline and opening)")
    short_body_b: float = _p(0.0, "body length normalisation for short queries (at most "
                                    "and_max_terms content words)")
    short_title_weight: float = _p(16.0, "title_weight for short queries: a topic typed as a "
                                         "word or two is what an article is about when its "
                                         "title names it")
    recency_weight: float = _p(0.1, "short queries: a dated article's score is multiplied by "
                                    "1 + this × 2^(−age / recency_days), age counted from "
                                    "the newest date in the index")
    recency_days: float = _p(730.0, "half-life in days of that freshness bonus")
    untitled_boost: float = _p(1.0, "body weight multiplier of an article without a title "
                                    "(1 + this), so its body competes with title matches")
    exact_weight: float = _p(0.3, "weight of the unstemmed exact-form score")
    pair_weight: float = _p(1.0, "weight of the adjacent-pair (proximity) score")
    pair_k1: float = _p(1.2, "saturation of the pair frequency")
    coord_power: float = _p(1.0, "coordination: the score is multiplied by the matched "
                                 "share of the query's idf mass to this power")
    local_weight: float = _p(1.0, "long queries: weight of the local re-ranking of the best "
                                  "local_depth candidates by the words that tell them apart")
    local_depth: float = _p(10, "candidates the local re-ranking looks at")
    and_max_terms: float = _p(4, "plain queries with at most this many content words "
                                 "require all of them (then fall back to any)")
    rerank_depth: float = _p(100, "candidates re-ranked with the pair and exact signals "
                                  "(at least the requested page)")
    prune_df: float = _p(0.1, "long queries: words in more than this share of the "
                              "documents only re-rank candidates (query-term pruning)")
    prune_min_terms: float = _p(6, "pruning applies only to queries with more content "
                                    "words than this")

    def replace(self, **changes: float) -> RankingParams:
        """A copy with some parameters changed; unknown names raise ``ValueError``."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown ranking parameter(s): {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))})")
        return replace(self, **changes)

    def changed(self) -> dict[str, float]:
        """The parameters that differ from the defaults."""
        default = RankingParams()
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) != getattr(default, f.name)}

    @staticmethod
    def describe() -> list[tuple[str, float, str]]:
        """``(name, default, help)`` of every parameter."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(RankingParams)]
