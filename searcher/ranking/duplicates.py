"""Grouping near-duplicate articles in a ranked list.

The same wire story is often published by several outlets with a different
dateline, byline or closing line. Among the ranked hits, a document is grouped
under an earlier (better ranked) one when their texts are near-identical:

1. **candidates** from the signatures in memory (the ``exact`` field's column, see
   :func:`searcher.ranking.fields.signature`: the 8 smallest hashes of the text's
   word 4-shingles): two documents sharing at least :data:`SHARED_MIN` of the 8
   values. For texts with resemblance *r* each value is shared with probability
   about *r*, so near-identical texts almost always qualify and unrelated ones
   practically never; this costs a few array comparisons per page;
2. **confirmation** for candidate pairs only: the sets of word 3-shingles of the
   stored bodies have a resemblance (Jaccard) of at least :data:`RESEMBLANCE`.
   (Containment — one text inside the other — is not enough: news sites reuse
   background paragraphs in follow-up stories that are different articles.)

The best-ranked document of a group is the hit shown; the others are listed in
:attr:`searcher.results.Hit.duplicates` (ids, in rank order) and stay reachable
with ``group_duplicates=False`` or :meth:`searcher.SearchIndex.get`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from whoosh.searching import Searcher

from searcher.ranking.view import IndexView

SHARED_MIN = 3
RESEMBLANCE = 0.9
SHINGLE = 3

_fingerprints: dict[tuple, frozenset[int]] = {}
_lock = threading.Lock()
_MAX_FINGERPRINTS = 20_000


def fingerprint(text: str) -> frozenset[int]:
    """Hashes of the word 3-shingles of ``text`` (lower-cased, split at whitespace)."""
    words = text.lower().split()
    if len(words) < SHINGLE:
        return frozenset({hash(tuple(words))})
    return frozenset(hash(t) for t in zip(words, words[1:], words[2:]))


def resemblance(a: frozenset[int], b: frozenset[int]) -> float:
    """``|a ∩ b| / |a ∪ b|`` (Jaccard)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


class DuplicateFinder:
    """Groups near-duplicates among hits of one index generation."""

    def __init__(self, view: IndexView, searcher: Searcher) -> None:
        self.view = view
        self.searcher = searcher

    def fingerprint(self, docnum: int) -> frozenset[int]:
        key = (self.view.key, docnum)
        got = _fingerprints.get(key)
        if got is None:
            fields = self.view.stored(self.searcher.reader(), docnum)
            got = fingerprint(fields.get("body") or "")
            with _lock:
                if len(_fingerprints) >= _MAX_FINGERPRINTS:
                    _fingerprints.clear()
                _fingerprints[key] = got
        return got

    def candidates(self, docnums: np.ndarray) -> dict[int, list[int]]:
        """``j → [i, …]`` (positions, ``i < j``) of pairs whose signatures share enough values."""
        sig = self.view.signatures[docnums]
        holders: dict[int, list[int]] = {}
        shared: dict[tuple[int, int], int] = {}
        for j, row in enumerate(sig.tolist()):
            if not any(row):
                continue
            for value in set(row):
                seen = holders.setdefault(value, [])
                for i in seen:
                    shared[i, j] = shared.get((i, j), 0) + 1
                seen.append(j)
        out: dict[int, list[int]] = {}
        for (i, j), count in sorted(shared.items()):
            if count >= SHARED_MIN:
                out.setdefault(j, []).append(i)
        return out

    def group(self, ids: np.ndarray, scores: np.ndarray, order: Sequence[int]) -> list[list[int]]:
        """Groups of positions into ``ids`` in ``order``; each group's first is its leader."""
        pos = np.asarray(order, dtype=np.int64)
        m = len(pos)
        if m < 2:
            return [[int(i)] for i in pos]
        maybe = self.candidates(ids[pos])
        if not maybe:
            return [[int(i)] for i in pos]
        leader_of = list(range(m))
        for j in sorted(maybe):
            for i in maybe[j]:
                if leader_of[i] != i:
                    continue
                if resemblance(self.fingerprint(int(ids[pos[i]])),
                               self.fingerprint(int(ids[pos[j]]))) >= RESEMBLANCE:
                    leader_of[j] = i
                    break
        groups: dict[int, list[int]] = {}
        for j in range(m):
            groups.setdefault(leader_of[j], []).append(int(pos[j]))
        return [groups[k] for k in sorted(groups)]
