"""Merging segments into one, fast, and the policy that decides when.

Whoosh merges by re-adding every document of the old segments through its
writer's sorting pool. Segments of one index share a schema, so this module
copies instead: per-document columns (stored fields stay compressed, lengths stay
bytes) are copied value by value in the new document order, and each term's
posting blocks are decoded and re-blocked with their document numbers moved
(:meth:`searcher.segments.PostingsWriter.write_grouped` writes them,
:data:`BATCH_POSTINGS` at a time). The sources' term records are read in bulk
(:mod:`searcher.termindex`) and merged by one sort per key range, not term by term
through Whoosh's term objects; a one-posting list of a field without values (an id,
a date) is merged from its term record alone, and identical one-posting lists (the
pair terms of one text) are decoded once. Deleted documents are left out, which is
what optimizing an index means.

:func:`plan_merge` keeps the number of segments bounded: when a commit would leave
more than ``limit`` segments, the smallest ones are merged, so the cost of a
merge stays proportional to what is merged.
"""

from __future__ import annotations

import io
import math
import mmap
import pickle
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterator
from itertools import accumulate, chain, repeat
from typing import Any

import numpy as np
from whoosh import columns
from whoosh.codec import whoosh3
from whoosh.codec.base import Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length

from searcher.postingarrays import ARRAYS_EXT, PostingArraysWriter
from searcher.segments import (GroupedPostings, PostingsWriter, TermIndexWriter, _PrivateTempStorage,
                               fsync_file, no_gc, remove_segment_files)
from searcher.termindex import (DOC_FREQ, EXTENT_INFO_SIZE, FLAGS, MIN_ID, POSTINGS_LENGTH, POSTINGS_OFFSET,
                                WEIGHT, TermIndex)

__all__ = ["merge_segments", "plan_merge"]

_BLOCK_LEN = whoosh3.struct.Struct("!i")
#: size classes of segments grow by this factor (see :func:`plan_merge`)
LEVEL_BASE = 4
#: postings gathered before they are written, during a merge: as Python lists a posting
#: costs ~120 bytes, so a batch holds ~30 MB (a million held ~150 MB at every merge)
BATCH_POSTINGS = 250_000
#: term records read at a time from all sources together, during a merge (a key range of
#: the biggest source holding this many divided by the number of sources): a record in
#: Python costs ~200 bytes
CHUNK_TERMS = 200_000


def _level(docs: int) -> int:
    """A segment's size class: segments within a factor of :data:`LEVEL_BASE` share one."""
    return int(math.log(max(docs, 1), LEVEL_BASE))


def plan_merge(segments: list[Segment], limit: int) -> list[Segment]:
    """The segments to merge when there are more than ``limit``.

    All segments of the smallest size class that holds two or more: merges join
    segments of similar size, so each document is rewritten a few times over the
    life of an index (not once per commit), and the count drops back under
    ``limit``. With every class holding one segment, the smallest ones.
    """
    if len(segments) <= limit:
        return []
    levels: dict[int, list[Segment]] = {}
    for seg in segments:
        levels.setdefault(_level(seg.doc_count()), []).append(seg)
    for level in sorted(levels):
        if len(levels[level]) >= 2:
            return levels[level]
    return sorted(segments, key=lambda s: s.doc_count())[:len(segments) - limit + 1]


class _Source:
    """One segment being read for a merge."""

    def __init__(self, storage: FileStorage, seg: Segment, base: int) -> None:
        self.seg = seg
        codec = seg.codec()
        self.files = seg.open_compound_file(storage) if seg.is_compound() else storage
        self.perdoc = codec.per_document_reader(self.files, seg)
        self.terms = codec.terms_reader(self.files, seg)
        self.postfile = self.files.open_file(seg.make_filename(whoosh3.W3Codec.POSTS_EXT))
        deleted = set(seg.deleted_docs())
        self.live = [d for d in range(seg.doc_count_all()) if d not in deleted]
        #: old document number → new one (-1: deleted)
        self.docmap = array("i", repeat(-1, seg.doc_count_all()))
        for i, d in enumerate(self.live):
            self.docmap[d] = base + i
        self.shift = base if not deleted else None

    def column_names(self) -> list[str]:
        prefix = self.seg.segment_id() + "."
        names = self.files.list() if hasattr(self.files, "list") else []
        return [n[len(prefix):-len(whoosh3.W3Codec.COLUMN_EXT)] for n in names
                if n.startswith(prefix) and n.endswith(whoosh3.W3Codec.COLUMN_EXT)]

    def field_terms(self, fieldname: str) -> Iterator[tuple[bytes, Any]]:
        if fieldname not in self.terms.indexed_field_names():
            return
        for (fn, tbytes), info in self.terms.items_from(fieldname, b""):
            if fn != fieldname:
                return
            yield tbytes, info

    def renumber(self, ids: list[int], weights: list[float], values: list[bytes]
                 ) -> tuple[list[int], list[float], list[bytes]]:
        """Postings with their new document numbers, those of deleted documents left out."""
        if self.shift is not None:
            if self.shift:
                ids = [i + self.shift for i in ids]
            return ids, weights, values
        docmap = self.docmap
        new = list(map(docmap.__getitem__, ids))
        if -1 in new:
            keep = [i for i, d in enumerate(new) if d >= 0]
            return ([new[i] for i in keep], [weights[i] for i in keep], [values[i] for i in keep])
        return new, weights, values

    def release_pages(self) -> None:
        """Unmap the pages of this segment read so far (they stay in the page cache).

        Whoosh maps a compound segment file into memory; every page a merge touches
        then counts in this process's resident memory until the merge ends — as
        much as the segments merged (1 GB for 55,000 articles). A merge reads each
        part of a source once, so the pages are given back after each batch of postings.
        """
        mapped = getattr(self.files, "_source", None)
        if isinstance(mapped, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
            mapped.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        self.perdoc.close()
        self.terms.close()
        if self.files is not None and hasattr(self.files, "close") and self.seg.is_compound():
            self.files.close()


def _decode_postings(buf: bytes, fixed: int | None) -> tuple[list[int], list[float], list[bytes]]:
    """Decode a W3 posting list: ``(ids, weights, values)``."""
    if buf[:4] != whoosh3.WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a W3 posting list")
    stream = io.BytesIO(buf)
    stream.seek(4)
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    while True:
        (size,) = _BLOCK_LEN.unpack(stream.read(4))
        start = stream.tell()
        info = pickle.load(stream)
        data = stream.read(abs(size) - (stream.tell() - start))
        count, comp = info[0], info[3]
        if comp:
            data = zlib.decompress(data)
        mini_ids, mini_w, mini_v = pickle.loads(data)
        if size < 0 and not ids:  # the only block (nearly every posting list): no copies
            return _block(count, mini_ids, mini_w, mini_v, fixed)
        b_ids, b_w, b_v = _block(count, mini_ids, mini_w, mini_v, fixed)
        ids += b_ids
        weights += b_w
        values += b_v
        if size < 0:
            return ids, weights, values


def _block(count: int, mini_ids: Any, mini_w: Any, mini_v: Any, fixed: int | None
           ) -> tuple[list[int], list[float], list[bytes]]:
    """The postings of one decoded block (ids are stored as gaps)."""
    ids = list(accumulate(mini_ids))
    if mini_w is None:
        weights = [1.0] * count
    elif isinstance(mini_w, float):
        weights = [mini_w] * count
    else:
        weights = list(mini_w)
    if fixed is None or fixed < 0:
        values = list(mini_v)
    elif fixed == 0:
        values = [b""] * count
    else:
        values = [mini_v[i:i + fixed] for i in range(0, len(mini_v), fixed)]
    return ids, weights, values


def merge_segments(storage: FileStorage, schema: Schema, indexname: str, segments: list[Segment],
                   *, batch_postings: int = BATCH_POSTINGS, chunk_terms: int = CHUNK_TERMS
                   ) -> tuple[Segment | None, list[str]]:
    """Merge ``segments`` (in order) into one new segment, leaving deleted documents out.

    Returns the new segment (files written and fsynced, not yet in any TOC; ``None``
    when no document is live) and the ids of its documents by number. Postings are
    written ``batch_postings`` at a time (what the merge holds of them), and about
    ``chunk_terms`` term records read at a time.
    """
    with no_gc():
        return _merge(storage, schema, indexname, segments, batch_postings, chunk_terms)


def _merge(storage: FileStorage, schema: Schema, indexname: str, segments: list[Segment],
           batch_postings: int, chunk_terms: int) -> tuple[Segment | None, list[str]]:
    codec = whoosh3.W3Codec()
    new = codec.new_segment(storage, indexname)
    sources: list[_Source] = []
    base = 0
    try:
        for seg in segments:
            src = _Source(storage, seg, base)
            sources.append(src)
            base += len(src.live)
        if base == 0:
            return None, []
        private = _PrivateTempStorage(storage.folder, f".{new.segment_id()}.tmp")
        lengths = _copy_columns(private, schema, new, sources, base)
        ids = _read_new_ids(schema, sources)
        _merge_postings(private, schema, codec, new, sources, lengths, batch_postings, chunk_terms)
        new.set_doc_count(base)
        new.create_compound_file(private)
        fsync_file(f"{storage.folder}/{new.make_filename(new.COMPOUND_EXT)}")
        private.temp_storage().destroy()
        return new, ids
    except BaseException:
        remove_segment_files(storage.folder, new)
        raise
    finally:
        for src in sources:
            src.close()


def _column_type(schema: Schema, name: str) -> columns.Column | None:
    if name == "_stored":
        return columns.VarBytesColumn()  # the compressed pickles, copied as they are
    if name.startswith("_") and name.endswith("_len"):
        return whoosh3.LENGTHS_COLUMN
    if name in schema and schema[name].column_type:
        return schema[name].column_type
    if name.startswith("_") and (name.endswith("_vec") or name.endswith("_vecL")):
        raise ValueError("term vectors are not supported by the segment merger")
    return None  # a column of a field no longer in the schema


def _copy_columns(storage: FileStorage, schema: Schema, new: Segment, sources: list[_Source],
                  count: int) -> dict[str, array]:
    """Copy every column; returns the new per-document lengths of each scored field."""
    names = sorted({n for src in sources for n in src.column_names()})
    lengths: dict[str, array] = {}
    fieldlengths: defaultdict[str, int] = defaultdict(int)
    for name in names:
        coltype = _column_type(schema, name)
        if coltype is None:
            continue
        f = new.create_file(storage, f".{name}{whoosh3.W3Codec.COLUMN_EXT}")
        writer = coltype.writer(f)
        docnum = 0
        is_len = name.startswith("_") and name.endswith("_len") and name != "_stored"
        out = array("I") if is_len else None
        for src in sources:
            # value by value: a segment's whole column (its stored fields: hundreds of
            # MB in a large segment) is never held at once
            if src.perdoc.has_column(name):
                reader = src.perdoc.column_reader(name, coltype)
                values: Iterator[Any] = map(reader.__getitem__, src.live)
            else:
                values = repeat(coltype.default_value(), len(src.live))
            for v in values:
                writer.add(docnum, v)
                docnum += 1
                if out is not None:
                    out.append(byte_to_length(v) if v else 0)
            src.release_pages()
        writer.finish(count)
        f.close()
        if out is not None:
            lengths[name[1:-4]] = out
    for src in sources:
        seg_lengths = getattr(src.seg, "_fieldlengths", {}) or {}
        for field, total in seg_lengths.items():
            fieldlengths[field] += total
        if src.shift is None:  # some documents left out: take their lengths off
            deleted = [d for d in range(src.seg.doc_count_all()) if src.docmap[d] < 0]
            for field in seg_lengths:
                lenname = f"_{field}_len"
                if src.perdoc.has_column(lenname):
                    reader = src.perdoc.column_reader(lenname, whoosh3.LENGTHS_COLUMN)
                    fieldlengths[field] -= sum(byte_to_length(reader[d]) for d in deleted if reader[d])
    new._fieldlengths = fieldlengths
    return lengths


def _read_new_ids(schema: Schema, sources: list[_Source]) -> list[str]:
    ids: list[str] = []
    if "id" not in schema or not schema["id"].column_type:
        return ids
    field = schema["id"]
    for src in sources:
        if src.perdoc.has_column("id"):
            reader = src.perdoc.column_reader("id", field.column_type)
            ids.extend(field.from_column_value(reader[d]) for d in src.live)
    return ids


def _merge_postings(storage: FileStorage, schema: Schema, codec: whoosh3.W3Codec, new: Segment,
                    sources: list[_Source], lengths: dict[str, array], batch_postings: int,
                    chunk_terms: int) -> None:
    terms = TermIndexWriter(new.create_file(storage, whoosh3.W3Codec.TERMS_EXT))
    postings = PostingsWriter(new.create_file(storage, whoosh3.W3Codec.POSTS_EXT), codec._blocklimit,
                              PostingArraysWriter(new.create_file(storage, ARRAYS_EXT)))
    indexes = [TermIndex(src.terms) for src in sources]
    names = sorted({n for src in sources for n in src.terms.indexed_field_names() if n in schema})
    for name in names:
        field = schema[name]
        fixed = field.format.fixed_value_size()
        flens = lengths.get(name) if field.scorable else None
        prefix = terms.start_field(name)
        for batch, keys in _field_batches(name, fixed, prefix, sources, indexes, batch_postings, chunk_terms):
            terms.add_many(keys, postings.write_grouped(batch, flens, fixed))
            for src in sources:
                src.release_pages()
    postings.close()
    terms.close()


def _field_batches(name: str, fixed: int | None, prefix: bytes, sources: list[_Source],
                   indexes: list[TermIndex], batch_postings: int, chunk_terms: int
                   ) -> Iterator[tuple[GroupedPostings, list[bytes]]]:
    """The merged postings of field ``name``, in term order, about ``batch_postings`` at a time.

    The sources' term records are read in bulk (:class:`~searcher.termindex.TermIndex`),
    a key range at a time: ``chunk_terms`` divided by the number of sources terms of
    the biggest source, and the same range of the others. A term with one posting
    whose field stores no value (an id, a date) is merged from its term record alone;
    other postings are decoded. Terms left with no posting (all their documents
    deleted) are dropped.
    """
    counts = [ix.count(name) for ix in indexes]
    if not any(counts):
        return
    biggest = max(range(len(indexes)), key=counts.__getitem__)
    bounds = indexes[biggest].sample_keys(name, max(1, chunk_terms // len(indexes)))
    batch = GroupedPostings([], [], [], [])
    keys: list[bytes] = []
    b_ids, b_w, b_v, b_counts = batch
    for start, stop in zip([b"", *bounds], [*bounds, None]):
        parts = [(i, rec) for i, ix in enumerate(indexes)
                 if (rec := ix.records(name, start, stop)) is not None]
        if not parts:
            continue
        for _, rec in parts:
            if (rec.value_len != EXTENT_INFO_SIZE).any() or rec.gather(FLAGS, ">u1").any():
                # Whoosh 2.7 cannot write these (its inlining path fails), so no index has them
                raise ValueError(f"a segment's field {name!r} has postings inside its term index")
        allkeys = [key for _, rec in parts for key in rec.keys]
        owner = list(chain.from_iterable(repeat(sources[i], len(rec)) for i, rec in parts))
        dfs = np.concatenate([rec.gather(DOC_FREQ, ">u4") for _, rec in parts]).tolist()
        minids = np.concatenate([rec.gather(MIN_ID, ">u4") for _, rec in parts]).tolist()
        weights = np.concatenate([rec.gather(WEIGHT, ">f4") for _, rec in parts]).astype(float).tolist()
        offsets = np.concatenate([rec.gather(POSTINGS_OFFSET, ">i8") for _, rec in parts]).tolist()
        sizes = np.concatenate([rec.gather(POSTINGS_LENGTH, ">i4") for _, rec in parts]).tolist()
        # one-posting lists: the pair terms of one text mostly have byte-identical ones
        singles: dict[bytes, tuple[list[int], list[float], list[bytes]]] = {}
        current = None
        for k in sorted(range(len(allkeys)), key=allkeys.__getitem__):  # stable: sources in order
            src = owner[k]
            if dfs[k] != 1:
                ids, ws, vs = src.renumber(*_decode_postings(src.postfile.get(offsets[k], sizes[k]), fixed))
            elif fixed == 0:
                ids, ws, vs = src.renumber([minids[k]], [weights[k]], [b""])
            else:
                blob = src.postfile.get(offsets[k], sizes[k])
                got = singles.get(blob)
                if got is None:
                    got = singles[blob] = _decode_postings(blob, fixed)
                ids, ws, vs = src.renumber(*got)
            if not ids:
                continue
            key = allkeys[k]
            if key == current:  # the same term in a later source
                b_counts[-1] += len(ids)
            else:
                if len(b_ids) >= batch_postings:  # write in batches: memory stays bounded
                    yield batch, keys
                    batch, keys = GroupedPostings([], [], [], []), []
                    b_ids, b_w, b_v, b_counts = batch
                current = key
                keys.append(prefix + key)
                b_counts.append(len(ids))
            b_ids += ids
            b_w += ws
            b_v += vs
    if keys:
        yield batch, keys
