"""Building a Whoosh segment directly: the fast path of indexing.

Whoosh's own writer (``SegmentWriter.add_document``) turns every token into a
``Token`` object, encodes every posting on its own, pushes each one through a
sorting pool and looks each document's field length up again while writing. This
module builds the same segment with far less work per token:

1. **Analysis** (:class:`FieldPlan`): a field whose analyzer is searcher's
   Indonesian analyzer and whose format is Positions, Frequency or Existence is
   analysed straight into term lists: the text is split at whitespace and every
   chunk is looked up in a cache of its terms (``map`` over a dict, in C); only an
   unseen chunk goes through :class:`~searcher.analysis.Analyzer`. Any other field
   goes through Whoosh's own ``field.index()``. A self-check on sample text turns
   the fast path off for a field whose analyzer no longer agrees with it.
2. **Accumulation** (:class:`SegmentBuilder`): postings are gathered per field and
   term in arrays (document numbers, weights, encoded values); stored fields,
   lengths and columns go straight to Whoosh's per-document writer.
3. **Writing** (:meth:`SegmentBuilder.finish`): terms are written in order,
   posting blocks in the W3 codec's layout (small blocks are left uncompressed,
   which the format allows), the files are assembled into one compound ``.seg``
   file and fsynced. The caller adds the returned segment to the index's TOC
   (see :mod:`searcher.commits`).

The result is a segment stock Whoosh reads like one it wrote itself: the same
documents, stored fields, columns and postings (``tests/test_indexing.py`` proves
it against ``add_document`` on a sample corpus).
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from itertools import chain, repeat
from operator import attrgetter, sub
from typing import Any

from whoosh import formats
from whoosh.codec import whoosh3
from whoosh.fields import FieldType, Schema, UnknownFieldError
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length, length_to_byte

from searcher.analysis import default_analyzer
from searcher.analysis.pipeline import Analyzer

__all__ = ["FieldPlan", "SegmentBuilder", "encode_positions", "plan_schema"]

_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC
_TERMINFO = struct.Struct("!BfIBBfII")
_LONG_INT = struct.Struct("!qi")
_BLOCK_LEN = struct.Struct("!i")
_USHORT = struct.Struct("!H")
_UINT = struct.Struct("!I")

#: posting blocks whose pickled data is at least this long are zlib-compressed
#: (Whoosh compresses every block; for a handful of postings that costs more
#: than it saves, and the format marks each block's compression).
COMPRESS_MIN = 512
COMPRESS_LEVEL = 3

#: ``pack_uint(n)`` for small n: the value of a Frequency posting.
_PACKED_UINT = [_UINT.pack(n) for n in range(4096)]
#: the Positions value of a single position p: ``pack_uint(1) + dumps([p], 2)``.
_SINGLE_POSITION = [_UINT.pack(1) + pickle.dumps([p], 2) for p in range(4096)]


def encode_positions(positions: list[int]) -> bytes:
    """The Positions format's value for a sorted list of positions.

    Byte for byte what ``whoosh.formats.Positions.encode`` returns (cached for a
    single small position, the common case).
    """
    if len(positions) == 1:
        p = positions[0]
        if p < 4096:
            return _SINGLE_POSITION[p]
    deltas = list(map(sub, positions, chain((0,), positions)))
    return _UINT.pack(len(deltas)) + pickle.dumps(deltas, 2)


# -- analysis ------------------------------------------------------------------------
class ChunkTerms(dict):  # type: ignore[type-arg]
    """``chunk → tuple of terms`` for whitespace-free chunks of text, filled on demand."""

    def __init__(self, analyze: Callable[[str], list[tuple[str, int, int]]],
                 hyphenated: set[str], limit: int = 1_000_000) -> None:
        super().__init__()
        self._analyze = analyze
        self._hyphenated = hyphenated
        self._limit = limit

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        terms = tuple(t for t, _, _ in self._analyze(chunk))
        if len(self) >= self._limit:
            self.clear()
            self._hyphenated.clear()
        self[chunk] = terms
        if any("-" in t for t in terms):
            self._hyphenated.add(chunk)
        return terms


class FastTerms:
    """Term lists of text as the Whoosh adapters of :mod:`searcher.analysis` produce them.

    ``terms(text)`` equals the ``.text`` of the tokens the stemmed adapter yields in
    query mode, and ``exact(text)`` those of the exact adapter; the pieces of
    hyphenated compounds (index mode) come from :meth:`pieces`.
    """

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer if analyzer is not None else default_analyzer()
        self.hyphenated: set[str] = set()
        self._stemmed = ChunkTerms(self.analyzer.spans, self.hyphenated)
        self._exact = ChunkTerms(self.analyzer.exact_spans, set())

    def terms(self, text: str) -> tuple[list[str], list[str]]:
        """``(terms, chunks)``: stemmed terms of ``text`` and its whitespace chunks."""
        chunks = text.split()
        return list(chain.from_iterable(map(self._stemmed.__getitem__, chunks))), chunks

    def exact(self, text: str) -> list[str]:
        return list(chain.from_iterable(map(self._exact.__getitem__, text.split())))

    def pieces(self, terms: list[str]) -> list[tuple[int, str]]:
        """``(position, piece)`` for the pieces of hyphenated compound terms."""
        parts = self.analyzer.parts
        return [(i, p) for i, t in enumerate(terms) if "-" in t for p in parts(t)]


_FAST_FORMATS = (formats.Positions, formats.Frequency, formats.Existence)
_CANARY = ("Pemerintah AS mengonfirmasi anak-anak Ma’ruf, COVID-19 dan e-KTP: harga "
           "Rp1.500,50 naik 3,5% di Jakarta—kata sang menteri (27/3). Anak-anak "
           "bermain-main; 19 COVID-19 covid. Self‐driving x-ray non-stop!")


class FieldPlan:
    """How one schema field becomes postings, stored values, lengths and columns."""

    def __init__(self, name: str, field: FieldType, terms: FastTerms) -> None:
        self.name = name
        self.field = field
        self.indexed = bool(field.indexed)
        self.scorable = bool(field.scorable)
        self.stored = bool(field.stored)
        self.column = field.column_type
        self.format = field.format
        self.fast: str | None = None  # "stemmed" or "exact" when analysed here
        self.terms = terms
        if not self.indexed:
            return
        if field.vector or field.separate_spelling():
            raise UnsupportedSchema(f"field {name!r} has term vectors or a spelling field")
        analyzer = getattr(field, "analyzer", None)
        from searcher.analysis.whoosh_analyzers import IndonesianAnalyzer

        if (isinstance(analyzer, IndonesianAnalyzer)
                and type(analyzer).__call__ is IndonesianAnalyzer.__call__
                and type(self.format) in _FAST_FORMATS
                and type(field).index is FieldType.index):
            self.fast = "exact" if analyzer.exact else "stemmed"
            if self.postings(_CANARY, 1.0)[0] != self._stock_postings(_CANARY, 1.0):
                self.fast = None

    def _stock_postings(self, value: object, boost: float) -> dict[bytes, tuple[int, float, bytes]]:
        return {t: (f, w * boost, v) for t, f, w, v in self.field.index(value)}

    def postings(self, value: object, boost: float) -> tuple[dict[bytes, tuple[int, float, bytes]], int]:
        """``({term bytes: (freq, weight, value bytes)}, length)``: the slow, checkable form."""
        if self.fast is None:
            got = self._stock_postings(value, boost)
        else:
            keys, freqs, weights, values = self.analyse(value, boost)
            got = {k.encode("utf-8"): (f, w, v) for k, f, w, v in zip(keys, freqs, weights, values)}
        return got, sum(f for f, _, _ in got.values())

    def analyse(self, value: Any, boost: float) -> tuple[list[str], list[int], list[float], list[bytes]]:
        """Fast analysis: unique terms with their frequencies, weights and encoded values."""
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not unicode or sequence")
        fb = self.format.field_boost * boost
        fmt = type(self.format)
        if self.fast == "exact":
            terms = self.terms.exact(value)
            pieces: list[tuple[int, str]] = []
        else:
            terms, chunks = self.terms.terms(value)
            pieces = []
            if not self.terms.hyphenated.isdisjoint(chunks):
                pieces = self.terms.pieces(terms)
        if fmt is formats.Positions:
            where: defaultdict[str, list[int]] = defaultdict(list)
            deque(map(list.append, map(where.__getitem__, terms), range(len(terms))), 0)
            for pos, piece in pieces:
                ps = where[piece]
                ps.append(pos)
                if len(ps) > 1 and ps[-2] > pos:
                    ps.sort()
            keys = list(where)
            freqs = list(map(len, where.values()))
            values = list(map(encode_positions, where.values()))
        else:
            counts = Counter(terms)
            counts.update(p for _, p in pieces)
            keys = list(counts)
            if fmt is formats.Existence:
                freqs = [1] * len(keys)
                values = [emptybytes] * len(keys)
            else:
                freqs = list(counts.values())
                values = (list(map(_PACKED_UINT.__getitem__, freqs))
                          if not freqs or max(freqs) < 4096 else [_UINT.pack(f) for f in freqs])
        if fmt is formats.Existence:
            weights = [fb] * len(keys)
        elif fb == 1.0:
            weights = freqs  # type: ignore[assignment]
        else:
            weights = [f * fb for f in freqs]
        return keys, freqs, weights, values


class UnsupportedSchema(Exception):
    """The schema uses a feature the fast writer does not build (vectors, spelling)."""


def plan_schema(schema: Schema, terms: FastTerms | None = None) -> dict[str, FieldPlan]:
    """A :class:`FieldPlan` for every field of ``schema``."""
    terms = terms if terms is not None else FastTerms()
    return {name: FieldPlan(name, schema[name], terms) for name in schema.names()}


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


class _TermPostings:
    __slots__ = ("ids", "weights", "values")

    def __init__(self) -> None:
        self.ids = array("I")
        self.weights = array("d")
        self.values: list[bytes] = []


class SegmentBuilder:
    """Build one new segment of an index from documents (dicts of field values).

    Example::

        builder = SegmentBuilder(ix.storage, ix.schema, "MAIN")
        for fields in docs:
            builder.add(fields)
        segment = builder.finish()      # files written and fsynced; not yet in the TOC

    ``add`` takes the same keyword fields as ``IndexWriter.add_document``
    (including ``_stored_<name>``, ``_<name>_boost`` and ``_boost``).
    """

    def __init__(self, storage: FileStorage, schema: Schema, indexname: str,
                 plans: dict[str, FieldPlan] | None = None) -> None:
        self.schema = schema
        self.plans = plans if plans is not None else plan_schema(schema)
        self.codec = whoosh3.W3Codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.folder = storage.folder
        self.storage = _PrivateTempStorage(storage.folder, f".{self.segment.segment_id()}.tmp")
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        self._postings: dict[str, defaultdict[str | bytes, _TermPostings]] = {}
        self._lengths: dict[str, array] = {}
        self.closed = False

    def __len__(self) -> int:
        return self.docnum

    def _field_postings(self, name: str) -> defaultdict[str | bytes, _TermPostings]:
        acc = self._postings.get(name)
        if acc is None:
            acc = self._postings[name] = defaultdict(_TermPostings)
            self._lengths[name] = array("I")
        return acc

    def add(self, fields: Mapping[str, object]) -> int:
        """Add one document; returns its number in this segment."""
        docnum = self.docnum
        plans = self.plans
        names = sorted(name for name in fields if not name.startswith("_"))
        for name in names:
            if name not in plans:
                raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
        docboost = float(fields["_boost"]) if "_boost" in fields else 1.0
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
                    boost = float(fields[boostkw]) if boostkw in fields else docboost
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
        acc = self._field_postings(plan.name)
        if plan.fast is not None:
            keys, freqs, weights, values = plan.analyse(value, boost)
            entries = list(map(acc.__getitem__, keys))
        else:
            items = list(plan.field.index(value))
            if not items:
                freqs = []
            else:
                tbytes, freqs, weights, values = (list(x) for x in zip(*items))  # type: ignore[assignment]
                if boost != 1.0:
                    weights = [w * boost for w in weights]
            entries = list(map(acc.__getitem__, tbytes)) if items else []
        if entries:
            n = len(entries)
            deque(map(array.append, map(_ids_of, entries), repeat(docnum, n)), 0)
            deque(map(array.append, map(_weights_of, entries), weights), 0)
            deque(map(list.append, map(_values_of, entries), values), 0)
        length = sum(freqs) if plan.scorable else 0
        lens = self._lengths[plan.name]
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
        tifile = segment.create_file(storage, whoosh3.W3Codec.TERMS_EXT)
        postfile = segment.create_file(storage, whoosh3.W3Codec.POSTS_EXT)
        tindex = OrderedHashWriter(tifile)
        fieldmap: dict[str, int] = {}
        tindex.extras["fieldmap"] = fieldmap
        writer = _PostingsWriter(postfile, tindex, self.codec._blocklimit)
        for name in sorted(self._postings):
            acc = self._postings[name]
            if not acc:
                continue
            plan = self.plans[name]
            fieldid = fieldmap[name] = len(fieldmap)
            prefix = _USHORT.pack(fieldid)
            lengths = self._lengths[name] if plan.scorable else None
            fixed = plan.format.fixed_value_size()
            if plan.fast is not None:
                items = sorted((k.encode("utf-8"), v) for k, v in acc.items())  # type: ignore[union-attr]
            else:
                items = sorted(acc.items())  # type: ignore[arg-type]
            for tbytes, post in items:
                writer.write_term(prefix + tbytes, post, lengths, fixed)
        tindex.close()
        postfile.close()
        self._postings.clear()
        segment.create_compound_file(storage)
        _fsync_path(os.path.join(self.folder, segment.make_filename(segment.COMPOUND_EXT)))
        storage.temp_storage().destroy()
        self.closed = True
        return segment

    def cancel(self) -> None:
        """Remove whatever this builder wrote."""
        if not self.perdoc.is_closed:
            try:
                self.perdoc.close()
            except Exception:  # noqa: BLE001 - best effort
                pass
        prefix = self.segment.segment_id() + "."
        for name in os.listdir(self.folder):
            if name.startswith(prefix):
                try:
                    os.remove(os.path.join(self.folder, name))
                except OSError:
                    pass
        try:
            self.storage.temp_storage().destroy()
        except OSError:
            pass
        self.closed = True


_ids_of = attrgetter("ids")
_weights_of = attrgetter("weights")
_values_of = attrgetter("values")


class _PostingsWriter:
    """Posting lists in the W3 codec's block layout, plus their term-index rows."""

    def __init__(self, postfile: Any, tindex: OrderedHashWriter, blocklimit: int) -> None:
        self.file = postfile
        self.tindex = tindex
        self.blocklimit = blocklimit

    def write_term(self, key: bytes, post: _TermPostings, lengths: array | None,
                   fixed: int | None) -> None:
        ids, weights, values = post.ids, post.weights, post.values
        n = len(ids)
        file = self.file
        start = file.tell()
        file.write(_MAGIC)
        limit = self.blocklimit
        total_weight = 0.0
        max_weight = 0.0
        min_len: int | None = None
        max_len = 0
        for lo in range(0, n, limit):
            hi = min(lo + limit, n)
            bids = ids[lo:hi] if n > limit else ids
            bw = weights[lo:hi] if n > limit else weights
            count = hi - lo
            if lengths is not None:
                blens = list(map(lengths.__getitem__, bids))
                bmin, bmax = min(blens), max(blens)
                if bmin == 0:  # a posting without a length (not expected for a scorable field)
                    nz = [x for x in blens if x]
                    bmin = min(nz) if nz else None  # type: ignore[assignment]
            else:
                bmin, bmax = None, 0  # type: ignore[assignment]
            if bmin is not None:
                min_len = bmin if min_len is None else min(min_len, bmin)
            max_len = max(max_len, bmax)
            bmaxw = max(bw)
            if not bmaxw > 0:
                bmaxw = 0
            max_weight = max(max_weight, bmaxw)
            fw = array("f", bw)  # Whoosh keeps weights as 32-bit floats
            total_weight += sum(fw)
            first = fw[0]
            if first == 1.0 and fw.count(1.0) == count:
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
            mini_ids = tuple(map(sub, bids, chain((0,), bids)))
            data = pickle.dumps((mini_ids, mini_w, mini_v), 4)
            comp = 0
            if len(data) >= COMPRESS_MIN:
                data = zlib.compress(data, COMPRESS_LEVEL)
                comp = COMPRESS_LEVEL
            info = pickle.dumps((count, bids[-1], bmaxw, comp, length_to_byte(bmin),
                                 length_to_byte(bmax)), 2)
            size = len(info) + len(data)
            file.write(_BLOCK_LEN.pack(-size if hi == n else size))
            file.write(info)
            file.write(data)
        row = _TERMINFO.pack(0, total_weight, n, 0 if min_len is None else length_to_byte(min_len),
                             length_to_byte(max_len), max_weight, ids[0], ids[-1])
        self.tindex.add(key, row + _LONG_INT.pack(start, file.tell() - start))


def _fsync_path(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_segment(storage: FileStorage, schema: Schema, indexname: str,
                  docs: Iterable[Mapping[str, object]]) -> whoosh3.W3Segment | None:
    """Build a segment from ``docs``; ``None`` when there are none."""
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
