"""Grouping near-duplicate articles in a ranked list.

The same wire story is often published by several outlets with a different
dateline, byline or closing line. Among the ranked hits, a document is grouped
under an earlier (better ranked) one when their bodies are near-identical:

1. a cheap pre-check from arrays already in memory: body lengths within
   :data:`LENGTH_RATIO` of each other and query scores within :data:`SCORE_RATIO`
   (near-identical texts score nearly the same for any query);
2. the fingerprint test, only for pairs that pass: the sets of word 3-shingles
   (lower-cased word forms of the body) share at least :data:`CONTAINMENT` of the
   smaller set. Fingerprints are computed from the stored body on first use and
   kept per index generation.

The best-ranked document of a group is the hit shown; the others are listed in
:attr:`searcher.results.Hit.duplicates` (ids, in rank order) and stay reachable
with ``group_duplicates=False`` or :meth:`searcher.SearchIndex.get`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from whoosh.searching import Searcher

from searcher.analysis import default_analyzer
from searcher.ranking.view import IndexView

LENGTH_RATIO = 0.8
SCORE_RATIO = 0.85
CONTAINMENT = 0.8
SHINGLE = 3
#: a hit is compared with at most this many group leaders ranked above it
MAX_COMPARISONS = 50

_fingerprints: dict[tuple, frozenset[int]] = {}
_lock = threading.Lock()
_MAX_FINGERPRINTS = 50_000


def fingerprint(text: str) -> frozenset[int]:
    """Hashes of the word 3-shingles of ``text`` (lower-cased word forms)."""
    words = default_analyzer().exact_terms(text)
    if len(words) < SHINGLE:
        return frozenset({hash(tuple(words))})
    return frozenset(hash(t) for t in zip(words, words[1:], words[2:]))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """``|a ∩ b| / min(|a|, |b|)``."""
    if not a or not b:
        return 0.0
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & big) / len(small)


class DuplicateFinder:
    """Groups near-duplicates among hits of one index generation."""

    def __init__(self, view: IndexView, searcher: Searcher) -> None:
        self.view = view
        self.searcher = searcher
        self.lengths = view.lengths["body"]

    def fingerprint(self, docnum: int) -> frozenset[int]:
        key = (self.view.key, docnum)
        got = _fingerprints.get(key)
        if got is None:
            fields = self.searcher.stored_fields(docnum)
            got = fingerprint(fields.get("body") or "")
            with _lock:
                if len(_fingerprints) >= _MAX_FINGERPRINTS:
                    _fingerprints.clear()
                _fingerprints[key] = got
        return got

    def group(self, ids: np.ndarray, scores: np.ndarray, order: Sequence[int]) -> list[list[int]]:
        """Groups of positions into ``ids`` in ``order``; each group's first is its leader."""
        pos = np.asarray(order, dtype=np.int64)
        m = len(pos)
        if m < 2:
            return [[int(i)] for i in pos]
        lengths = self.lengths[ids[pos]]
        sc = scores[pos]
        maybe = (np.minimum.outer(lengths, lengths) >= LENGTH_RATIO * np.maximum.outer(lengths, lengths))
        maybe &= np.minimum.outer(sc, sc) >= SCORE_RATIO * np.maximum.outer(sc, sc)
        maybe = np.triu(maybe, 1)
        if not maybe.any():
            return [[int(i)] for i in pos]
        leader_of = list(range(m))
        groups: dict[int, list[int]] = {}
        for j in range(m):
            for i in np.flatnonzero(maybe[:j, j])[-MAX_COMPARISONS:]:
                i = int(i)
                if leader_of[i] != i:
                    continue
                if containment(self.fingerprint(int(ids[pos[i]])),
                               self.fingerprint(int(ids[pos[j]]))) >= CONTAINMENT:
                    leader_of[j] = i
                    break
            groups.setdefault(leader_of[j], []).append(int(pos[j]))
        return [groups[k] for k in sorted(groups)]
