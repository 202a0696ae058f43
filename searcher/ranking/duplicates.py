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

from searcher.ranking.postings import distinct_sorted, found_in
from searcher.ranking.view import IndexView

SHARED_MIN = 3
RESEMBLANCE = 0.9
SHINGLE = 3
#: with this many candidate leaders or more, a document's resemblances are computed at once
BATCH_FROM = 4

_fingerprints: dict[tuple, np.ndarray] = {}
_lock = threading.Lock()
#: fingerprints kept per process (an article's is ~2 KB: a sorted array of ~250 hashes;
#: as a frozenset of Python ints it was ~21 KB, 430 MB for a full cache)
_MAX_FINGERPRINTS = 20_000


def fingerprint(text: str) -> np.ndarray:
    """Hashes of the word 3-shingles of ``text`` (lower-cased, split at whitespace),
    distinct and ascending (``int64``)."""
    words = text.lower().split()
    if len(words) < SHINGLE:
        return np.array([hash(tuple(words))], dtype=np.int64)
    hashes = np.fromiter(map(hash, zip(words, words[1:], words[2:])), dtype=np.int64,
                         count=len(words) - SHINGLE + 1)
    hashes.sort()
    return distinct_sorted(hashes)


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """``|a ∩ b| / |a ∪ b|`` (Jaccard) of two :func:`fingerprint` arrays."""
    if not len(a) or not len(b):
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    common = int(np.count_nonzero(found_in(b, a)))
    return common / (len(a) + len(b) - common)


def resemblances(a: np.ndarray, others: list[np.ndarray]) -> np.ndarray:
    """``resemblance(a, b)`` for every ``b`` of ``others`` (non-empty fingerprints), at once."""
    sizes = np.fromiter(map(len, others), dtype=np.int64, count=len(others))
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    common = np.add.reduceat(found_in(a, np.concatenate(others)).astype(np.int64), starts)
    return common / (len(a) + sizes - common)


class DuplicateFinder:
    """Groups near-duplicates among hits of one index generation."""

    def __init__(self, view: IndexView, searcher: Searcher) -> None:
        self.view = view
        self.searcher = searcher

    def fingerprint(self, docnum: int) -> np.ndarray:
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

    def grouping(self, ids: np.ndarray) -> Grouping:
        """An empty grouping of positions into ``ids``, to :meth:`Grouping.extend`."""
        return Grouping(self, ids)


class Grouping:
    """Near-duplicate groups of a ranked list, grown as the list is read deeper.

    :meth:`extend` takes the order read so far (each call's order starts with the
    previous one's) and decides only the new positions: a position joins the first
    earlier leader it shares :data:`SHARED_MIN` signature values with and resembles,
    which depends on earlier positions only, so reading the list in steps gives the
    groups reading it at once gives.
    """

    def __init__(self, finder: DuplicateFinder, ids: np.ndarray) -> None:
        self.finder = finder
        self.ids = ids
        self.pos: list[int] = []  # positions into ids, in order
        self.leader_of: list[int] = []  # for each of them: the index (into pos) of its leader
        self.holders: dict[int, list[int]] = {}  # signature value → indices into pos holding it

    def extend(self, order: Sequence[int]) -> list[list[int]]:
        """The groups of ``order`` (which extends the previous call's), leaders first."""
        done = len(self.pos)
        new = [int(i) for i in order[done:]]
        if new:
            rows = self.finder.view.signatures[self.ids[np.asarray(new, dtype=np.int64)]].tolist()
            for position, row in zip(new, rows):
                self._add(position, row)
        groups: dict[int, list[int]] = {}
        for j, leader in enumerate(self.leader_of):
            groups.setdefault(leader, []).append(self.pos[j])
        return [groups[k] for k in sorted(groups)]

    def _add(self, position: int, row: list[int]) -> None:
        j = len(self.pos)
        self.pos.append(position)
        self.leader_of.append(j)
        if not any(row):
            return
        shared: dict[int, int] = {}
        for value in set(row):
            seen = self.holders.setdefault(value, [])
            for i in seen:
                shared[i] = shared.get(i, 0) + 1
            seen.append(j)
        finder, ids, pos, leader_of = self.finder, self.ids, self.pos, self.leader_of
        leaders = [i for i in sorted(i for i, count in shared.items() if count >= SHARED_MIN)
                   if leader_of[i] == i]
        if not leaders:
            return
        mine = finder.fingerprint(int(ids[position]))
        if len(leaders) < BATCH_FROM:
            for i in leaders:
                if resemblance(finder.fingerprint(int(ids[pos[i]])), mine) >= RESEMBLANCE:
                    leader_of[j] = i
                    return
            return
        # many candidates (a series of template articles: daily prices, weather): their
        # resemblances at once, the same numbers resemblance() gives one by one
        theirs = [finder.fingerprint(int(ids[pos[i]])) for i in leaders]
        similar = np.flatnonzero(resemblances(mine, theirs) >= RESEMBLANCE)
        if len(similar):
            leader_of[j] = leaders[int(similar[0])]
