"""Building a Whoosh segment directly: the fast path of indexing.

Whoosh's own writer (``SegmentWriter.add_document``) makes a ``Token`` object per
token, encodes and pools every posting on its own, sorts the pool, and looks each
document's field length up again while writing. This module builds the same
segment with far less work per token:

1. **Analysis** (:class:`FieldPlan`): for fields whose analyzer it knows (the
   Indonesian analyzers of :mod:`searcher.analysis` and the ``exact`` field's
   :class:`~searcher.ranking.fields.ExactFormsAndPairs`, with the stemmer the
   analyzer names: ``searcher`` or ``snowball``) and whose format is
   Positions, Frequency or Existence, the text is split at whitespace and each
   chunk is looked up in a cache of its terms (``map`` over a dict, in C); only an
   unseen chunk goes through the :class:`~searcher.analysis.Analyzer`. Any other
   field goes through Whoosh's own ``field.index()``. Each process checks its
   first documents both ways and falls back to ``field.index()`` for a field whose
   analyzer no longer agrees (so an analyzer change can slow indexing, never
   change it).
2. **Accumulation** (:class:`FieldPostings`): per field, each document appends its
   terms' numbers (an ``array`` of 4-byte ints), weights and encoded values to flat
   lists — no Python object per posting; stored fields, lengths and columns go
   straight to Whoosh's per-document writer. At the end the postings are put in term
   order with one stable NumPy sort.
3. **Writing** (:meth:`SegmentBuilder.finish`): terms are written in order,
   :data:`WRITE_TERMS` at a time (so what writing holds besides the postings stays
   small), posting blocks in the W3 codec's layout (small blocks stay uncompressed,
   which the format marks per block), the term index byte for byte as Whoosh's
   ``OrderedHashWriter`` writes it; the files are assembled into one compound
   ``.seg`` file and fsynced. The caller then names the segment in a new TOC
   (:mod:`searcher.commits`).

Stock Whoosh reads the result like a segment it wrote itself, with the same
documents, stored fields, columns and postings; ``tests/test_indexing.py`` proves
it against ``add_document`` on a sample corpus.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import zlib
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from hashlib import md5
from itertools import accumulate, chain, compress, count, groupby, islice, repeat
from operator import add, and_, ge, itemgetter, methodcaller, ne, neg, sub
from typing import Any, NamedTuple

from whoosh import formats
from whoosh.codec import whoosh3
from whoosh.fields import FieldType, Schema, UnknownFieldError
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length, length_to_byte

from searcher.analysis import DEFAULT_STEMMER, STEMMERS, analyzer_for, default_analyzer
from searcher.analysis.pipeline import Analyzer, normalize
from searcher.postingarrays import ARRAYS_EXT, PostingArraysWriter

__all__ = ["FieldPlan", "SegmentBuilder", "build_segment", "encode_positions", "plan_schema"]

_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC
_TERMINFO = struct.Struct("!BfIBBfII")
_EXTENT = struct.Struct("!qi")
_BLOCK_LEN = struct.Struct("!i")
_USHORT = struct.Struct("!H")
_UINT = struct.Struct("!I")
_F32 = struct.Struct("f")
_KV_LENGTHS = struct.Struct("!ii")

#: posting blocks whose pickled data is at least this long are zlib-compressed.
#: Whoosh compresses every block; for a few postings that costs far more time
#: than it saves space, and each block records whether it is compressed.
COMPRESS_MIN = 512
#: the level recorded in a compressed block's info (readers only test it for zero).
COMPRESS_LEVEL = 1
#: zlib window and memory level for blocks: a block is at most a few KB, and zlib's
#: default state (32 KB window, 128 KB hash tables) costs more to set up than to use.
_ZLIB_WBITS = 12
_ZLIB_MEMLEVEL = 4


def compress_block(data: bytes) -> bytes:
    """``data`` zlib-compressed (a standard zlib stream; ``zlib.decompress`` reads it)."""
    c = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, _ZLIB_WBITS, _ZLIB_MEMLEVEL)
    return c.compress(data) + c.flush()
#: chunks the analysis cache of a process holds before it starts over: about 350
#: bytes each, so at most ~35 MB per worker (a corpus of 31k articles has 460k
#: distinct chunks; the frequent ones come back within a batch, and with this and the
#: analyzer's and stemmer's limits a worker building 30k articles peaked at 519 MiB
#: instead of 747 MiB, for ~5% more CPU)
CHUNK_CACHE_LIMIT = 100_000
#: documents per process whose fast analysis is checked against ``field.index()``.
VERIFY_DOCS = 50

#: ``pack_uint(n)`` for small n: the value of a Frequency posting.
_PACKED_UINT = [_UINT.pack(n) for n in range(4096)]
#: the Positions value of a single position p: ``pack_uint(1) + dumps([p], 2)``.
_SINGLE_POSITION = [_UINT.pack(1) + pickle.dumps([p], 2) for p in range(4096)]


_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_THIRD = itemgetter(2)
_LAST = itemgetter(-1)
_CONTENT = itemgetter(2)
_PREFIXES = itemgetter(3)


def encode_positions(positions: list[int]) -> bytes:
    """The Positions format's value of a sorted list of positions.

    Byte for byte what ``whoosh.formats.Positions.encode`` returns.
    """
    if len(positions) == 1 and positions[0] < 4096:
        return _SINGLE_POSITION[positions[0]]
    deltas = list(map(sub, positions, chain((0,), positions)))
    return _UINT.pack(len(deltas)) + pickle.dumps(deltas, 2)


def _f32(x: float) -> float:
    """``x`` rounded to a 32-bit float, as Whoosh stores weights."""
    return _F32.unpack(_F32.pack(x))[0]


# -- analysis ------------------------------------------------------------------------
try:
    from searcher.ranking.fields import PAIR_MARK as _PAIR_MARK
except ImportError:  # pragma: no cover - the ranking package is optional here
    _PAIR_MARK = "~"


class _ChunkCache(dict):  # type: ignore[type-arg]
    """``chunk → (stems, forms, content stems, pair prefixes)`` for whitespace-free chunks
    of text, filled on demand.

    One tokenization gives all: the stems are the terms of :meth:`Analyzer.spans`, the
    forms the normalised surface of the same tokens (what :meth:`Analyzer.exact_spans`
    gives; the two tokenize alike); the content stems are the stems of the tokens whose
    form is not a stopword, and each one's pair prefix is ``"~<stem> "`` (the ``exact``
    field's pair terms are prefix + next content stem).
    """

    def __init__(self, analyzer: Analyzer, hyphenated: set[str], limit: int = CHUNK_CACHE_LIMIT) -> None:
        super().__init__()
        self._spans = analyzer.spans
        self._stopwords = analyzer.stopwords
        self._hyphenated = hyphenated
        self._limit = limit

    def __missing__(self, chunk: str) -> tuple[tuple[str, ...], ...]:
        spans = self._spans(chunk)
        stems = tuple([t for t, _, _ in spans])
        forms = tuple([normalize(chunk[a:b]) for _, a, b in spans])
        stop = self._stopwords
        content = tuple([t for t, f in zip(stems, forms) if f not in stop])
        entry = (stems, forms, content, tuple([f"{_PAIR_MARK}{t} " for t in content]))
        if len(self) >= self._limit:
            self.clear()
            self._hyphenated.clear()
        self[chunk] = entry
        if any("-" in t for t in entry[0]):
            self._hyphenated.add(chunk)
        return entry


class FastTerms:
    """Term lists of text, computed chunk by chunk with a cache.

    Tokens never span whitespace (see :mod:`searcher.analysis.pipeline`), so the
    terms of a text are the terms of its whitespace-separated chunks in order.
    """

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer if analyzer is not None else default_analyzer()
        self.hyphenated: set[str] = set()
        self._cache = _ChunkCache(self.analyzer, self.hyphenated)

    def entries(self, chunks: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        return list(map(self._cache.__getitem__, chunks))

    def stemmed(self, chunks: list[str]) -> list[str]:
        """Stemmed terms (stopwords kept), as :meth:`Analyzer.spans` gives them."""
        return list(chain.from_iterable(map(_FIRST, map(self._cache.__getitem__, chunks))))

    def exact(self, chunks: list[str]) -> list[str]:
        """Lower-cased forms, as :meth:`Analyzer.exact_spans` gives them."""
        return list(chain.from_iterable(map(_SECOND, map(self._cache.__getitem__, chunks))))

    def pieces(self, terms: list[str], chunks: list[str]) -> list[tuple[int, str]]:
        """``(position, piece)`` of the pieces of hyphenated compounds among ``terms``."""
        if self.hyphenated.isdisjoint(chunks):
            return []
        parts = self.analyzer.parts
        return [(i, p) for i, t in enumerate(terms) if "-" in t for p in parts(t)]


#: ``(terms in position order, extra (position, term) tokens)`` of a value.
TermsFn = Callable[[FastTerms, str], tuple[list[str], list[tuple[int, str]]]]


def _stemmed_terms(fast: FastTerms, value: str) -> tuple[list[str], list[tuple[int, str]]]:
    # IndonesianAnalyzer in index mode: stems, plus compound pieces at the compound's position
    chunks = value.split()
    terms = fast.stemmed(chunks)
    return terms, fast.pieces(terms, chunks)


def _exact_terms(fast: FastTerms, value: str) -> tuple[list[str], list[tuple[int, str]]]:
    # ExactAnalyzer: lower-cased forms
    return fast.exact(value.split()), []


def _forms_and_pairs(fast: FastTerms, value: str) -> tuple[list[str], list[tuple[int, str]]]:
    # ExactFormsAndPairs in index mode: what fields.index_terms gives — the forms, the
    # pair terms of neighbouring content stems among the first PAIR_TOKENS tokens, the
    # lead terms of the content stems among the first LEAD_TOKENS tokens — from the chunk
    # cache's precomputed content stems
    from searcher.ranking.fields import LEAD_MARK, LEAD_TOKENS, PAIR_TOKENS, pair_terms

    entries = fast.entries(value.split())
    terms = list(chain.from_iterable(map(_SECOND, entries)))
    head, content, cut = _opening(fast, entries, PAIR_TOKENS)
    if cut:  # the last chunk straddles the limit: pair the stems one by one
        terms += pair_terms(content)
    elif len(content) > 1:  # whole chunks: each content stem's "~stem " prefix + the next stem
        after = islice(content, 1, None)
        terms += compress(map(add, chain.from_iterable(map(_PREFIXES, head)), after),
                          map(ne, content, islice(content, 1, None)))
    _, lead, _ = _opening(fast, entries, LEAD_TOKENS)
    terms += map(add, repeat(LEAD_MARK), lead)
    return terms, []


def _opening(fast: FastTerms, entries: list[Any], limit: int
             ) -> tuple[list[Any], list[str], bool]:
    """The chunk entries holding the first ``limit`` tokens, the content stems of exactly
    those tokens, and whether the last of the entries holds tokens past the limit."""
    seen = 0
    head = entries
    for i, entry in enumerate(entries):
        seen += len(entry[0])
        if seen >= limit:
            head = entries[:i + 1]
            break
    if seen <= limit:
        return head, list(chain.from_iterable(map(_CONTENT, head))), False
    stems = list(chain.from_iterable(map(_FIRST, head)))[:limit]
    forms = list(chain.from_iterable(map(_SECOND, head)))[:limit]
    stop = fast.analyzer.stopwords
    return head, [t for t, f in zip(stems, forms) if f not in stop], True


def _known_analyzers() -> dict[type, TermsFn]:
    from searcher.analysis.whoosh_analyzers import ExactAnalyzer, IndonesianAnalyzer

    known: dict[type, TermsFn] = {IndonesianAnalyzer: _stemmed_terms, ExactAnalyzer: _exact_terms}
    try:
        from searcher.ranking.fields import ExactFormsAndPairs
    except ImportError:  # pragma: no cover - the ranking package is optional here
        pass
    else:
        known[ExactFormsAndPairs] = _forms_and_pairs
    return known


_FAST_FORMATS = (formats.Positions, formats.Frequency, formats.Existence)
_CANARY = ("Pemerintah AS mengonfirmasi anak-anak Ma’ruf, COVID-19 dan e-KTP: harga "
           "Rp1.500,50 naik 3,5% di Jakarta—kata sang menteri (27/3). Anak-anak "
           "bermain-main; 19 COVID-19 covid. Self‐driving x-ray non-stop! yang yang di")

Postings = tuple[list[str], list[int], list[float], list[bytes]]


class FieldPlan:
    """How one schema field becomes postings, a stored value, a length and a column."""

    def __init__(self, name: str, field: FieldType, fast_terms: FastTerms) -> None:
        self.name = name
        self.field = field
        self.indexed = bool(field.indexed)
        self.scorable = bool(field.scorable)
        self.stored = bool(field.stored)
        self.column = field.column_type
        self.format = field.format
        self.terms_fn: TermsFn | None = None
        #: value → Whoosh's postings of it, for fields whose analysis is a pure function
        #: of the value that Whoosh does cheaply (ids, keywords, dates): see :func:`_memoizable`
        self.memo: dict[object, tuple[list[Any], list[int], list[float], list[bytes]]] | None = None
        self.fast_terms = fast_terms
        self.verify_left = VERIFY_DOCS
        if not self.indexed:
            return
        if field.vector or field.separate_spelling():
            raise UnsupportedSchema(f"field {name!r} has term vectors or a spelling field")
        analyzer = getattr(field, "analyzer", None)
        known = _known_analyzers()
        fn = known.get(type(analyzer))
        if (fn is not None and type(self.format) in _FAST_FORMATS
                and type(field).index is FieldType.index):
            self.terms_fn = fn
            if not self.agrees(_CANARY):
                self.terms_fn = None
        elif fn is None and _memoizable(field):
            self.memo = {}

    @property
    def fast(self) -> bool:
        """Whether this field is analysed here (or its values' postings are remembered)
        rather than by ``field.index()`` for every document."""
        return self.terms_fn is not None or self.memo is not None

    def stock(self, value: object, boost: float) -> dict[bytes, tuple[int, float, bytes]]:
        """``{term: (freq, weight, value)}`` from Whoosh's own ``field.index()``."""
        return {t: (f, w * boost, v) for t, f, w, v in self.field.index(value)}

    def agrees(self, value: object) -> bool:
        """Whether the fast analysis of ``value`` equals ``field.index(value)``."""
        if self.terms_fn is None:  # remembered postings (or none): Whoosh's own, by definition
            keys, freqs, weights, values = self.postings(value, 1.0)
        else:
            keys, freqs, weights, values = self.analyse(value, 1.0)
        mine = {_as_bytes(k): (f, float(w), v) for k, f, w, v in zip(keys, freqs, weights, values)}
        return mine == self.stock(value, 1.0)

    def analyse(self, value: Any, boost: float) -> Postings:
        """Unique terms of ``value`` with their frequencies, weights and encoded values."""
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not unicode or sequence")
        assert self.terms_fn is not None
        terms, extra = self.terms_fn(self.fast_terms, value)
        fb = self.format.field_boost * boost
        fmt = type(self.format)
        if fmt is formats.Positions:
            where: defaultdict[str, list[int]] = defaultdict(list)
            deque(map(list.append, map(where.__getitem__, terms), range(len(terms))), 0)
            for pos, piece in extra:
                ps = where[piece]
                ps.append(pos)
                if len(ps) > 1 and ps[-2] > pos:
                    ps.sort()
            keys = list(where)
            lists = list(where.values())
            freqs = list(map(len, lists))
            single = _SINGLE_POSITION
            values = [single[ps[0]] if len(ps) == 1 and ps[0] < 4096 else encode_positions(ps)
                      for ps in lists]
        else:
            counts = Counter(terms)
            if extra:
                counts.update(p for _, p in extra)
            keys = list(counts)
            if fmt is formats.Existence:
                freqs = [1] * len(keys)
                values = [emptybytes] * len(keys)
            else:
                freqs = list(counts.values())
                values = (list(map(_PACKED_UINT.__getitem__, freqs))
                          if not freqs or max(freqs) < 4096 else [_UINT.pack(f) for f in freqs])
        if fmt is formats.Existence:
            weights: list[float] = [fb] * len(keys)
        elif fb == 1.0:
            weights = freqs  # type: ignore[assignment]
        else:
            weights = [f * fb for f in freqs]
        return keys, freqs, weights, values

    def postings(self, value: object, boost: float) -> tuple[list[Any], list[int], list[float], list[bytes]]:
        """``(terms, freqs, weights, values)`` of ``value``, fast when possible.

        Terms are ``str`` from the fast path (encoded once per segment, when written)
        and UTF-8 ``bytes`` from ``field.index()``.
        """
        if self.terms_fn is not None:
            if self.verify_left > 0:
                self.verify_left -= 1
                if not self.agrees(value):
                    self.terms_fn = None  # the analyzer changed: use Whoosh's analysis from now on
            if self.terms_fn is not None:
                return self.analyse(value, boost)
        memo = self.memo
        if memo is not None and value.__class__ in _MEMO_TYPES:
            got = memo.get(value)
            if got is None:
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                got = memo[value] = self._stock_lists(value)
            if boost != 1.0:
                return got[0], got[1], [w * boost for w in got[2]], got[3]
            return got
        tbytes, freqs, weights, values = self._stock_lists(value)
        if boost != 1.0:
            weights = [w * boost for w in weights]
        return tbytes, freqs, weights, values

    def _stock_lists(self, value: object) -> tuple[list[Any], list[int], list[float], list[bytes]]:
        """``field.index(value)`` as ``(terms, freqs, weights, values)`` lists (unboosted)."""
        items = list(self.field.index(value))
        if not items:
            return [], [], [], []
        tbytes, freqs, weights, values = (list(x) for x in zip(*items))
        return tbytes, freqs, weights, values  # type: ignore[return-value]


#: distinct values per field whose postings :attr:`FieldPlan.memo` keeps (then it starts over).
#: The values that repeat (month, source, category) number hundreds; fields of unique
#: values (id, url, hash, date) only fill the memo, at ~450 bytes an entry, and a worker
#: sees half the corpus: 100,000 entries cost a worker ~110 MB at 126k articles.
MEMO_LIMIT = 10_000
#: value types whose postings may be remembered (hashable, immutable, compared by value)
_MEMO_TYPES = frozenset({str, datetime, int, float})


def _pure_whoosh_analyzer(analyzer: object) -> bool:
    """Whether ``analyzer`` is made only of Whoosh parts whose output depends on the text alone."""
    from whoosh.analysis import CompositeAnalyzer, IDTokenizer, LowercaseFilter, RegexTokenizer

    parts = analyzer.items if type(analyzer) is CompositeAnalyzer else [analyzer]  # type: ignore[attr-defined]
    return bool(parts) and all(type(p) in (IDTokenizer, RegexTokenizer, LowercaseFilter) for p in parts)


def _memoizable(field: FieldType) -> bool:
    """Whether ``field.index(value)`` is a pure function of ``value`` (so it may be remembered).

    Whoosh's ID and KEYWORD fields with their stock analyzers, and its NUMERIC and
    DATETIME fields; a subclass that changes ``index`` is not.
    """
    from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC

    kind = type(field)
    if kind in (NUMERIC, DATETIME):
        return True
    return (kind in (ID, KEYWORD) and type(field.format) in _FAST_FORMATS
            and _pure_whoosh_analyzer(getattr(field, "analyzer", None)))


class UnsupportedSchema(Exception):
    """The schema uses a feature the fast writer does not build (vectors, spelling)."""


_PLANS: dict[int, dict[str, FieldPlan]] = {}


def plan_schema(schema: Schema) -> dict[str, FieldPlan]:
    """A :class:`FieldPlan` for every field of ``schema`` (cached per process)."""
    key = id(schema)
    plans = _PLANS.get(key)
    if plans is None or set(plans) != set(schema.names()):
        # One FastTerms (one chunk cache) per stemmer: the text fields and the exact
        # field's pair and lead terms of an index all stem with the index's stemmer,
        # which its analyzers carry (``searcher index --stemmer``).
        by_stemmer: dict[str, FastTerms] = {}

        def fast_for(field: FieldType) -> FastTerms:
            stemmer = getattr(getattr(field, "analyzer", None), "stemmer", DEFAULT_STEMMER)
            if stemmer not in STEMMERS:
                stemmer = DEFAULT_STEMMER  # not one of ours: Whoosh's own analysis (no plan)
            fast = by_stemmer.get(stemmer)
            if fast is None:
                fast = by_stemmer[stemmer] = FastTerms(analyzer_for(stemmer))
            return fast

        plans = {name: FieldPlan(name, schema[name], fast_for(schema[name]))
                 for name in schema.names()}
        _PLANS.clear()
        _PLANS[key] = plans
    return plans


# -- the builder -----------------------------------------------------------------------
class _PrivateTempStorage(FileStorage):
    """The index folder, with Whoosh's scratch files in a folder of this segment's own.

    Whoosh's per-document writer puts its scratch file in ``MAIN.tmp``, a folder a
    stock writer deletes when it finishes; segments built side by side must not share it.
    """

    def __init__(self, folder: str, tempname: str) -> None:
        super().__init__(folder)
        self._tempname = tempname

    def temp_storage(self, name: str | None = None) -> FileStorage:
        return super().temp_storage(self._tempname)


class FieldPostings:
    """The postings of one field of a segment being built, gathered flat in document order.

    Each document appends its terms' numbers (a term is numbered when first seen, by a
    ``defaultdict`` whose factory is a C counter), their weights and encoded values, and
    its own number with how many terms it added: a few list and array extensions per
    document and no Python object per posting (4 bytes for the term number, two shared
    references for weight and value). :meth:`grouped` puts them in term order once, for
    writing, with a stable NumPy sort (so each term's postings stay in document order).
    """

    __slots__ = ("numbers", "tids", "weights", "values", "docs", "counts", "kinds")

    def __init__(self) -> None:
        #: term (``str`` from the fast path, UTF-8 ``bytes`` from ``field.index()``) → its number
        self.numbers: defaultdict[str | bytes, int] = defaultdict(count().__next__)
        self.tids = array("i")
        self.weights: list[float] = []
        self.values: list[bytes] = []
        self.docs = array("i")
        self.counts = array("i")
        #: 1: ``str`` terms seen, 2: ``bytes`` terms seen, 3: both
        self.kinds = 0

    def add(self, docnum: int, terms: list[Any], weights: list[float], values: list[bytes]) -> None:
        """Append the postings of document ``docnum`` (its unique terms, in any order)."""
        self.kinds |= 1 if terms[0].__class__ is str else 2
        if len(terms) > 1:  # itemgetter looks them all up in C (missing ones get numbered)
            self.tids.extend(itemgetter(*terms)(self.numbers))
        else:
            self.tids.append(self.numbers[terms[0]])
        self.weights += weights
        self.values += values
        self.docs.append(docnum)
        self.counts.append(len(terms))

    def grouped(self) -> tuple[list[bytes], GroupedPostings]:
        """The terms as UTF-8 in increasing order, and their postings in that order."""
        import numpy as np

        keys = list(self.numbers)
        tids = np.frombuffer(self.tids, dtype=np.intc)
        if self.kinds == 3:  # a field that left the fast path mid-segment: two spellings of a term
            bkeys = list(map(_as_bytes, keys))
            first: dict[bytes, int] = {}
            canon = np.fromiter(map(first.setdefault, bkeys, count()), dtype=np.intp, count=len(bkeys))
            tids = canon[tids]
            order = sorted(first.values(), key=bkeys.__getitem__)
        else:  # code point order of str is the byte order of its UTF-8
            order = sorted(range(len(keys)), key=keys.__getitem__)
            bkeys = list(map(str.encode, keys)) if self.kinds == 1 else keys
        rank = np.zeros(len(keys), dtype=np.intp)
        rank[np.array(order, dtype=np.intp)] = np.arange(len(order))
        ranks = rank[tids]
        perm = np.argsort(ranks, kind="stable")
        docs = np.repeat(np.frombuffer(self.docs, dtype=np.intc), np.frombuffer(self.counts, dtype=np.intc))
        grouped = GroupedPostings(docs[perm], _objects(self.weights)[perm], _objects(self.values)[perm],
                                  np.bincount(ranks, minlength=len(order)))
        return list(map(bkeys.__getitem__, order)), grouped


def _objects(items: list[Any]) -> Any:
    """``items`` as a NumPy array of references (8 bytes each; bytes stay bytes)."""
    import numpy as np

    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


class GroupedPostings(NamedTuple):
    """The postings of many terms in term order: term ``i`` has the next ``counts[i]``.

    Each term's document numbers ascend; ``weights`` and ``values`` go with them.
    Lists, or NumPy arrays (ints for ids and counts, objects for weights and values).
    """

    ids: Any
    weights: Any
    values: Any
    counts: Any

    def parts(self, terms: int) -> Iterator[tuple[int, int, GroupedPostings]]:
        """``(first term, end term, their postings as lists)`` for every ``terms`` terms."""
        import numpy as np

        counts = np.asarray(self.counts, dtype=np.intp)
        ends = np.cumsum(counts)
        for lo in range(0, len(counts), terms):
            hi = min(lo + terms, len(counts))
            a, b = int(ends[lo] - counts[lo]), int(ends[hi - 1])
            yield lo, hi, GroupedPostings(_as_list(self.ids[a:b]), _as_list(self.weights[a:b]),
                                          _as_list(self.values[a:b]), counts[lo:hi])


def _as_list(items: Any) -> list[Any]:
    return items if items.__class__ is list else items.tolist()


#: terms written at a time: what a segment's writing holds besides its postings stays small
WRITE_TERMS = 65_536


class SegmentBuilder:
    """Build one new segment of an index from documents (dicts of field values).

    Example::

        builder = SegmentBuilder(ix.storage, ix.schema, "MAIN")
        for fields in docs:
            builder.add(fields)
        segment = builder.finish()      # files written and fsynced; not yet in the TOC

    ``add`` takes the keyword fields of ``IndexWriter.add_document`` (including
    ``_stored_<name>``, ``_<name>_boost`` and ``_boost``).
    """

    def __init__(self, storage: FileStorage, schema: Schema, indexname: str) -> None:
        self.schema = schema
        self.plans = plan_schema(schema)
        self.codec = whoosh3.W3Codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.folder = storage.folder
        self.storage = _PrivateTempStorage(storage.folder, f".{self.segment.segment_id()}.tmp")
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        #: terms written at a time (see :data:`WRITE_TERMS`)
        self.write_terms = WRITE_TERMS
        #: field → its postings so far, flat and in document order
        self._postings: dict[str, FieldPostings] = {}
        #: field → per-document length as Whoosh reads it back (quantised), 0 for none
        self._lengths: dict[str, array] = {}
        self.closed = False

    def __len__(self) -> int:
        return self.docnum

    def add(self, fields: Mapping[str, object]) -> int:
        """Add one document; returns its number in this segment."""
        docnum = self.docnum
        plans = self.plans
        names = sorted(name for name in fields if not name.startswith("_"))
        for name in names:
            if name not in plans:
                raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
        docboost = float(fields["_boost"]) if "_boost" in fields else 1.0  # type: ignore[arg-type]
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                plan = plans[name]
                length = 0
                if plan.indexed:
                    boostkw = f"_{name}_boost"
                    boost = float(fields[boostkw]) if boostkw in fields else docboost  # type: ignore[arg-type]
                    length = self._index(plan, value, boost, docnum)
                custom = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, plan.field, custom if plan.stored else None, length)
                if plan.column is not None and custom is not None:
                    perdoc.add_column_value(name, plan.column, plan.field.to_column_value(custom))
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self.docnum += 1
        return docnum

    def _index(self, plan: FieldPlan, value: object, boost: float, docnum: int) -> int:
        name = plan.name
        acc = self._postings.get(name)
        if acc is None:
            acc = self._postings[name] = FieldPostings()
            self._lengths[name] = array("I")
        tbytes, freqs, weights, values = plan.postings(value, boost)
        if tbytes:
            acc.add(docnum, tbytes, weights, values)
        length = sum(freqs) if plan.scorable else 0
        lens = self._lengths[name]
        if len(lens) < docnum:
            lens.extend(repeat(0, docnum - len(lens)))
        lens.append(byte_to_length(length_to_byte(length)) if length else 0)
        return length

    # -- writing ---------------------------------------------------------------------
    def finish(self) -> whoosh3.W3Segment:
        """Write the segment's files, fsync them and return the segment (not yet committed)."""
        segment = self.segment
        self.perdoc.close()
        segment.set_doc_count(self.docnum)
        storage = self.storage
        terms = TermIndexWriter(segment.create_file(storage, whoosh3.W3Codec.TERMS_EXT))
        postings = PostingsWriter(segment.create_file(storage, whoosh3.W3Codec.POSTS_EXT),
                                  self.codec._blocklimit,
                                  PostingArraysWriter(segment.create_file(storage, ARRAYS_EXT)))
        for name in sorted(self._postings):
            acc = self._postings.pop(name)  # freed once written: the next field's peak is lower
            if not acc.counts:
                continue
            plan = self.plans[name]
            prefix = terms.start_field(name)
            lengths = self._lengths[name] if plan.scorable else None
            bkeys, grouped = acc.grouped()
            del acc
            fixed = plan.format.fixed_value_size()
            for lo, hi, part in grouped.parts(self.write_terms):
                rows = postings.write_grouped(part, lengths, fixed)
                terms.add_many(list(map(add, repeat(prefix), bkeys[lo:hi])), rows)
            del bkeys, grouped, part, rows
        self._postings.clear()
        postings.close()
        terms.close()
        segment.create_compound_file(storage)
        fsync_file(os.path.join(self.folder, segment.make_filename(segment.COMPOUND_EXT)))
        storage.temp_storage().destroy()
        self.closed = True
        return segment

    def cancel(self) -> None:
        """Remove whatever this builder wrote."""
        if not self.perdoc.is_closed:
            try:
                self.perdoc.close()
            except Exception:  # noqa: BLE001 - cleaning up after a failure
                pass
        remove_segment_files(self.folder, self.segment)
        self.closed = True


def _as_bytes(term: str | bytes) -> bytes:
    return term.encode("utf-8") if isinstance(term, str) else term


def remove_segment_files(folder: str, segment: Any) -> None:
    """Delete every file (and the scratch folder) of a segment that was never committed."""
    import shutil

    prefix = segment.segment_id() + "."
    for name in os.listdir(folder):
        if name.startswith(prefix):
            try:
                os.remove(os.path.join(folder, name))
            except OSError:
                pass
    shutil.rmtree(os.path.join(folder, f".{segment.segment_id()}.tmp"), ignore_errors=True)


class _LengthBytes(dict):  # type: ignore[type-arg]
    """``quantised length → its byte`` (``length_to_byte``), as a dict for ``map``."""

    def __missing__(self, length: int) -> int:
        return length_to_byte(length) if length else 0


_LENGTH_BYTE = _LengthBytes((byte_to_length(b), b) for b in range(256))
_LENGTH_BYTE[0] = 0


def _blobs(infos: list[bytes], datas: list[bytes]) -> list[bytes]:
    """Whole single-block posting lists: magic, last-block length (negative), info, data."""
    sizes = map(neg, map(add, map(len, infos), map(len, datas)))
    return list(map(emptybytes.join, zip(repeat(_MAGIC), map(_BLOCK_LEN.pack, sizes), infos, datas)))


class _Float32(dict):  # type: ignore[type-arg]
    """``weight → the 32-bit float Whoosh stores``, as a dict for ``map``."""

    def __missing__(self, w: float) -> float:
        got = self[w] = _f32(w)
        return got


class _MiniWeight(dict):  # type: ignore[type-arg]
    """``weight → what a one-posting block stores for it`` (``None`` for 1.0)."""

    def __missing__(self, w: float) -> float | None:
        w32 = _FLOAT32[w]
        got = self[w] = None if w32 == 1.0 else w32
        return got


class _MaxWeight(dict):  # type: ignore[type-arg]
    """``weight → the block's maximum weight as Whoosh records it`` (0 unless positive)."""

    def __missing__(self, w: float) -> float:
        got = self[w] = float(w) if w > 0 else 0
        return got


_FLOAT32 = _Float32()
_MINI_WEIGHT = _MiniWeight()
_MAX_WEIGHT = _MaxWeight()


class PostingsWriter:
    """Posting lists in the W3 codec's block layout; returns each term's info row.

    Terms whose postings fit in one block (nearly all) are encoded together with
    ``map`` over the whole batch, so the Python work per term is a few calls in C;
    terms with a single posting (most of them) take a shorter way still.
    """

    def __init__(self, postfile: Any, blocklimit: int, arrays: PostingArraysWriter | None = None) -> None:
        self.file = postfile
        self.blocklimit = blocklimit
        #: where lists of more than one block are also written as arrays (see postingarrays)
        self.arrays = arrays
        self.buf = bytearray()
        self.base = postfile.tell()

    def _spill(self) -> None:
        self.file.write(bytes(self.buf))
        self.base += len(self.buf)
        self.buf.clear()

    def write_grouped(self, grouped: GroupedPostings, lengths: array | None,
                      fixed: int | None) -> list[bytes]:
        """Write the postings of many terms (in term order); returns each term's info bytes."""
        import numpy as np

        counts = np.asarray(grouped.counts, dtype=np.intp)
        n = len(counts)
        if not n:
            return []
        ids, weights, values = grouped.ids, grouped.weights, grouped.values
        single = np.flatnonzero(counts == 1)
        if len(single) == n:
            return self._write_singles(ids, weights, values, lengths, fixed)
        ends = np.cumsum(counts)
        starts = ends - counts
        out: list[bytes] = [b""] * n
        if len(single):
            at = starts[single].tolist()
            rows = self._write_singles(list(map(ids.__getitem__, at)), list(map(weights.__getitem__, at)),
                                       list(map(values.__getitem__, at)), lengths, fixed)
            deque(map(out.__setitem__, single.tolist(), rows), 0)
        small = np.flatnonzero((counts > 1) & (counts <= self.blocklimit))
        if len(small):
            cuts = list(map(slice, starts[small].tolist(), ends[small].tolist()))
            rows = self._write_small(list(map(ids.__getitem__, cuts)), list(map(weights.__getitem__, cuts)),
                                     list(map(values.__getitem__, cuts)), lengths, fixed)
            deque(map(out.__setitem__, small.tolist(), rows), 0)
        for i in np.flatnonzero(counts > self.blocklimit).tolist():
            a, b = int(starts[i]), int(ends[i])
            out[i] = self.write(ids[a:b], weights[a:b], values[a:b], lengths, fixed)
        return out

    def _write_singles(self, ids: list[int], weights: list[float], values: list[bytes],
                       lengths: array | None, fixed: int | None) -> list[bytes]:
        # one posting per term: ((doc,), weight or None, (value,)) and its block header.
        # Single-posting terms of one document with the same weight and value (most of
        # them: the pair terms of a text) have byte-identical blocks and term-info rows
        # but for the block's offset, so each distinct (doc, weight, value) is built once.
        dumps = pickle.dumps
        keys = list(zip(ids, weights, values))
        uniq = list(dict.fromkeys(keys))
        ds = list(map(_FIRST, uniq))
        ws = list(map(_SECOND, uniq))
        if fixed is None or fixed < 0:
            mini_v: Iterable[object] = zip(map(_THIRD, uniq))
        elif fixed == 0:
            mini_v = repeat(None)
        else:
            mini_v = map(_THIRD, uniq)
        datas = list(map(dumps, zip(zip(ds), map(_MINI_WEIGHT.__getitem__, ws), mini_v), repeat(4)))
        if max(map(len, datas)) >= COMPRESS_MIN:  # long position lists: the general way
            return self._write_small(list(map(list, zip(ids))), list(map(list, zip(weights))),
                                     list(map(list, zip(values))), lengths, fixed)
        if lengths is not None:
            lbs = list(map(_LENGTH_BYTE.__getitem__, map(lengths.__getitem__, ds)))
        else:
            lbs = [0] * len(ds)
        maxw = list(map(_MAX_WEIGHT.__getitem__, ws))
        infos = list(map(dumps, zip(repeat(1), ds, maxw, repeat(0), lbs, lbs), repeat(2)))
        blobs = _blobs(infos, datas)
        rows = list(map(_TERMINFO.pack, repeat(0), map(_FLOAT32.__getitem__, ws),
                        repeat(1), lbs, lbs, maxw, ds, ds))
        if len(uniq) < len(keys):
            blob_of = dict(zip(uniq, blobs))
            row_of = dict(zip(uniq, rows))
            blobs = list(map(blob_of.__getitem__, keys))
            rows = list(map(row_of.__getitem__, keys))
        return self._append_blobs(blobs, rows)

    def _append(self, infos: list[bytes], datas: list[bytes], rows: Iterable[bytes]) -> list[bytes]:
        """Append single-block posting lists; returns the term-info rows with their extents."""
        return self._append_blobs(_blobs(infos, datas), rows)

    def _append_blobs(self, blobs: list[bytes], rows: Iterable[bytes]) -> list[bytes]:
        """Append whole single-block posting lists (:func:`_blobs`); returns the rows with extents."""
        bloblens = list(map(len, blobs))
        starts = accumulate(bloblens, initial=self.base + len(self.buf))
        self.buf += emptybytes.join(blobs)
        out = list(map(add, rows, map(_EXTENT.pack, starts, bloblens)))
        if len(self.buf) > 1 << 22:
            self._spill()
        return out

    def _write_small(self, idl: list[list[int]], wl: list[list[float]], vl: list[list[bytes]],
                     lengths: array | None, fixed: int | None) -> list[bytes]:
        # every term has one block: compute each part of the block for all terms at once
        if not idl:
            return []
        dumps = pickle.dumps
        ns = list(map(len, idl))
        f32 = list(map(array, repeat("f"), wl))  # Whoosh keeps weights as 32-bit floats
        ones = map(array.count, f32, repeat(1.0))
        firsts = list(map(_FIRST, f32))
        same = map(array.count, f32, firsts)
        mini_w = [None if c1 == n else (w0 if cs == n else tuple(a))
                  for c1, cs, n, w0, a in zip(ones, same, ns, firsts, f32)]
        totals = map(sum, f32)
        maxw = list(map(max, wl))
        if min(maxw) > 0:
            maxw = list(map(float, maxw))
        else:
            maxw = [float(m) if m > 0 else 0 for m in maxw]
        mini_ids = map(tuple, map(map, repeat(sub), idl, map(chain, repeat((0,)), idl)))
        if fixed is None or fixed < 0:
            mini_v: Iterable[object] = map(tuple, vl)
        elif fixed == 0:
            mini_v = repeat(None)
        else:
            mini_v = map(emptybytes.join, vl)
        datas = list(map(dumps, zip(mini_ids, mini_w, mini_v), repeat(4)))
        comps: list[int] | Iterable[int] = repeat(0)
        if max(map(len, datas)) >= COMPRESS_MIN:
            comps = [0] * len(datas)
            for i, data in enumerate(datas):
                if len(data) >= COMPRESS_MIN:
                    datas[i] = compress_block(data)
                    comps[i] = COMPRESS_LEVEL
        if lengths is not None:
            per_term = list(map(list, map(map, repeat(lengths.__getitem__), idl)))
            mins = list(map(min, per_term))
            if not min(mins):  # postings without a length: the block minimum ignores them
                mins = [min([x for x in p if x], default=0) for p in per_term]
            lbmin = list(map(_LENGTH_BYTE.__getitem__, mins))
            lbmax = list(map(_LENGTH_BYTE.__getitem__, map(max, per_term)))
        else:
            lbmin = lbmax = [0] * len(idl)  # type: ignore[assignment]
        infos = list(map(dumps, zip(ns, map(_LAST, idl), maxw, comps, lbmin, lbmax), repeat(2)))
        return self._append(infos, datas, map(_TERMINFO.pack, repeat(0), totals, ns, lbmin, lbmax,
                                              maxw, map(_FIRST, idl), map(_LAST, idl)))

    def write(self, ids: list[int], weights: list[float], values: list[bytes],
              lengths: array | None, fixed: int | None) -> bytes:
        """Write one term's postings (ids ascending); returns its term-info bytes."""
        buf = self.buf
        start = self.base + len(buf)
        buf += _MAGIC
        n = len(ids)
        limit = self.blocklimit
        total = 0.0
        max_weight: float = 0
        min_len: int | None = None
        max_len = 0
        for lo in range(0, n, limit):
            hi = min(lo + limit, n)
            bids = ids[lo:hi]
            count = hi - lo
            if lengths is not None:
                blens = list(map(lengths.__getitem__, bids))
                bmax = max(blens)
                nz = blens if min(blens) else [x for x in blens if x]
                bmin = min(nz) if nz else None
            else:
                bmin, bmax = None, 0
            if bmin is not None:
                min_len = bmin if min_len is None else min(min_len, bmin)
            max_len = max(max_len, bmax)
            bw = weights[lo:hi]
            bmaxw = max(bw)
            bmaxw = float(bmaxw) if bmaxw > 0 else 0
            max_weight = max(max_weight, bmaxw)
            fw = array("f", bw)
            total += sum(fw)
            first = fw[0]
            if fw.count(1.0) == count:
                mini_w: object = None
            elif fw.count(first) == count:
                mini_w = first
            else:
                mini_w = tuple(fw)
            if fixed is None or fixed < 0:
                mini_v: object = tuple(values[lo:hi])
            elif fixed == 0:
                mini_v = None
            else:
                mini_v = emptybytes.join(values[lo:hi])
            data = pickle.dumps((tuple(map(sub, bids, chain((0,), bids))), mini_w, mini_v), 4)
            comp = 0
            if len(data) >= COMPRESS_MIN:
                data = compress_block(data)
                comp = COMPRESS_LEVEL
            info = pickle.dumps((count, bids[-1], bmaxw, comp, length_to_byte(bmin),
                                 length_to_byte(bmax)), 2)
            size = len(info) + len(data)
            buf += _BLOCK_LEN.pack(-size if hi == n else size)
            buf += info
            buf += data
        row = _TERMINFO.pack(0, total, n, 0 if min_len is None else length_to_byte(min_len),
                             length_to_byte(max_len), max_weight, ids[0], ids[-1])
        length = self.base + len(buf) - start
        if len(buf) > 1 << 22:
            self._spill()
        if self.arrays is not None and n > limit:
            self.arrays.add(start, ids, weights)
        return row + _EXTENT.pack(start, length)

    def close(self) -> None:
        self._spill()
        self.file.close()
        if self.arrays is not None:
            self.arrays.close()


class TermIndexWriter:
    """The ``.trm`` term index, as Whoosh's ``OrderedHashWriter`` writes it, with less work per key.

    Keys are ``field number (2 bytes) + term bytes`` and must come in increasing order.
    """

    def __init__(self, dbfile: Any) -> None:
        self.hash = OrderedHashWriter(dbfile)  # writes the header
        self.fieldmap: dict[str, int] = {}
        self.hash.extras["fieldmap"] = self.fieldmap
        self.buf = bytearray()
        self.base = dbfile.tell()
        self.positions = array("q")
        self.lastkey = b""
        #: per hash bucket (low byte of the hash), the hashes and positions of its keys, in order
        #: (Whoosh keeps a tuple per key; arrays take 12 bytes)
        self.bucket_hashes = [array("I") for _ in range(256)]
        self.bucket_positions = [array("q") for _ in range(256)]

    def start_field(self, name: str) -> bytes:
        """The key prefix of field ``name`` (numbered in the order fields are started)."""
        if name not in self.fieldmap:
            self.fieldmap[name] = len(self.fieldmap)
        return _USHORT.pack(self.fieldmap[name])

    def add(self, key: bytes, value: bytes) -> None:
        self.add_many([key], [value])

    def add_many(self, keys: list[bytes], values: list[bytes]) -> None:
        """Add rows; ``keys`` ascending and greater than any key added before."""
        if not keys:
            return
        if keys[0] <= self.lastkey or any(map(ge, keys, islice(keys, 1, None))):
            raise ValueError("keys must increase")
        self.lastkey = keys[-1]
        buf = self.buf
        records = list(map(emptybytes.join, zip(map(_KV_LENGTHS.pack, map(len, keys), map(len, values)),
                                                keys, values)))
        positions = list(accumulate(map(len, records), initial=self.base + len(buf)))
        positions.pop()
        self.positions.extend(positions)
        buf += emptybytes.join(records)
        # filetables.md5_hash(key): the low 32 bits of the key's MD5
        hashes = list(map(int.from_bytes, map(_LOW4, map(_DIGEST, map(md5, keys))), repeat("big")))  # type: ignore[arg-type]
        # bucket = low byte of the hash; a stable sort keeps the keys' order within a bucket
        entries = sorted(zip(map(and_, hashes, repeat(255)), hashes, positions), key=_FIRST)
        for bucket, group in groupby(entries, key=_FIRST):
            rows = list(group)
            self.bucket_hashes[bucket].extend(map(_SECOND, rows))
            self.bucket_positions[bucket].extend(map(_THIRD, rows))
        if len(buf) > 1 << 22:
            self.hash.dbfile.write(bytes(buf))
            self.base += len(buf)
            buf.clear()

    def close(self) -> None:
        hw = self.hash
        hw.dbfile.write(bytes(self.buf))
        self.buf.clear()
        index = hw.index  # a GrowableArray("H"): give it the type its appends would have grown to
        top = self.positions[-1] if self.positions else 0
        typecode = "H" if top < 2**16 else "i" if top < 2**31 else "I" if top < 2**32 else "q"
        index.array = array(typecode, self.positions)
        hw.lastkey = self.lastkey
        hw._write_hashes = self._write_hashes  # type: ignore[method-assign]
        hw.close()

    def _write_hashes(self) -> None:
        # what HashWriter._write_hashes writes: per bucket, an open-addressing table of
        # (hash, position) pairs with twice as many slots as entries. Each table goes to
        # the file as soon as it is built: only one bucket's table (1/256 of them) is
        # held at a time, not all of them (24 bytes per term, twice over).
        hw = self.hash
        dbfile = hw.dbfile
        for bhashes, bpositions in zip(self.bucket_hashes, self.bucket_positions):
            numslots = 2 * len(bhashes)
            hw.directory.append((dbfile.tell(), numslots))
            if not numslots:
                continue
            hashes = [0] * numslots
            positions = [0] * numslots
            for h, p in zip(bhashes, bpositions):
                slot = (h >> 8) % numslots
                while positions[slot]:
                    slot = (slot + 1) % numslots
                hashes[slot] = h
                positions[slot] = p
            flat: list[int] = [0] * (2 * numslots)
            flat[0::2] = hashes
            flat[1::2] = positions
            dbfile.write(struct.pack("!" + "Iq" * numslots, *flat))


_LOW4 = itemgetter(slice(12, None))
_DIGEST = methodcaller("digest")


def fsync_file(path: str) -> None:
    """Flush a closed file's data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector.

    Building a segment allocates millions of small containers that live until the
    segment is written; with the collector on, its full passes over them cost more
    than the building itself. Nothing built here forms reference cycles.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_segment(storage: FileStorage, schema: Schema, indexname: str,
                  docs: Iterable[Mapping[str, object]]) -> whoosh3.W3Segment | None:
    """Build a segment from ``docs``; ``None`` when there are none."""
    with no_gc():
        builder = SegmentBuilder(storage, schema, indexname)
        try:
            for fields in docs:
                builder.add(fields)
            if not len(builder):
                builder.cancel()
                return None
            return builder.finish()
        except BaseException:
            builder.cancel()
            raise
