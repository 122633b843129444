"""Vectorised RIS reader for well-formed files: the same rows as :mod:`reco.io.ris`, much faster.

The file is read in blocks (:mod:`reco.io.blocks`). In each block, numpy finds the lines (from
the LF offsets), reads the first 8 bytes of every line as one integer to tell tag lines and
their tags apart, numbers records from their ``TY``/``ER`` lines, and strips each value down to
a byte range. No value is copied: the columns are Arrow string views into the block
(:mod:`reco.io.views`), except the few values Python has to rewrite (continuation lines joined
with spaces, Unicode spaces stripped). Polars then maps tags to reco's fields in one pass.

It handles only *regular* files: valid UTF-8 without NUL bytes, every ``TY`` closed by exactly
one ``ER``, nothing but blank lines between records, no Ovid numbering. Anything else returns
``None`` and the caller uses the line-exact Python parser (:func:`reco.io.ris.parse_ris`),
which rejects and reports damaged records. A test checks that both give identical rows on
every real sample.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from reco.io import views
from reco.io.blocks import BLOCK, blocks, line_ends
from reco.io.ris import _ACCESSION, _NATIVE, DOI_IN_L3

#: The characters Python's str.strip() removes (Rust's whitespace lacks U+001C..U+001F).
_PY_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SINGLE = (
    "TY", "TI", "T1", "CT", "PY", "Y1", "DA", "JF", "T2", "JO", "JA", "J2", "J1", "JI", "J9",
    "VL", "IS", "SP", "EP", "DO", "DI", "L3", "SN", "LA", "DP", "AN", "ID", "UT", "U2",
)  # fmt: skip
_LISTS = ("AU", "A1", "KW")
_JOINED = {"AB": " ", "N2": " ", "N1": "\n"}
_XREF_TAGS = ("PM", "AN", "M1", "M3", "U1", "XR")
#: Tags any dialect reads (the values of other tags are never looked at).
_USED = frozenset(_SINGLE) | set(_LISTS) | set(_JOINED) | set(_XREF_TAGS)
_YEAR = r"(?:^|\D)(1[5-9]\d\d|20\d\d)(?:\D|$)"
_PMID_IN = r"(?i)^(\d{1,9})\s*\[PMID\]$"
_PUBMED_XREF = r"\bPUBMED\s+(\d{1,9})\b"
#: A run of (ASCII) whitespace holding a line break: where continuation lines are joined.
_BREAK = r"[\t\x0b\x0c\r\x1c-\x1f ]*\n[\t\n\x0b\x0c\r\x1c-\x1f ]*"


def _code(tag: str) -> int:
    """A tag's first two bytes as the little-endian integer the line scan computes."""
    return ord(tag[0]) | ord(tag[1]) << 8


def _lut(members: bytes | list[int], size: int = 256) -> np.ndarray:
    table = np.zeros(size, bool)
    table[list(members)] = True
    return table


_UPPER = _lut(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_UPPER_DIGIT = _lut(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
#: The ASCII bytes str.strip() removes.
_SPACE = _lut(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ")
_USED_CODE = _lut([_code(t) for t in _USED], 1 << 16)
_TY, _ER = _code("TY"), _code("ER")
#: Bytes 2..4 of a tag line, ``"  -"``, where the scan's integer holds them.
_DASH = int.from_bytes(b"  -", "little")
#: Blocks read but not yet parsed, at most (memory: about 32 MB of text each, plus arrays).
_IN_FLIGHT = 3


def parse_ris_file(path: str | Path, dialect: str) -> pl.DataFrame | None:
    """:func:`parse_ris_frame` on a file, read in blocks (never whole: less memory)."""
    with open(path, "rb") as fh:
        return _parse_blocks(blocks(fh), dialect)


def parse_ris_frame(
    data: bytes | list[bytes], dialect: str, block: int = BLOCK
) -> pl.DataFrame | None:
    """Rows of a regular RIS file as a frame, or None when the file needs the exact parser.

    ``data`` may be a one-item list, emptied here so that the bytes are freed early;
    ``block``: bytes read at a time (tests use small blocks to cut records often).
    """
    if isinstance(data, list):
        data = data.pop()
    return _parse_blocks(blocks(io.BytesIO(data), block), dialect)


def _parse_blocks(parts: Iterator[tuple[bytearray, int]], dialect: str) -> pl.DataFrame | None:
    """The rows of all blocks, or None if any is irregular.

    Blocks are parsed by two threads (numpy and Arrow release the GIL for most of the work)
    while the next block is read; at most ``_IN_FLIGHT`` blocks are held at a time.
    """
    tables = []
    rec0 = line0 = 0
    with ThreadPoolExecutor(2) as pool:
        pending: deque[Future] = deque()

        def take() -> bool:
            nonlocal rec0, line0
            got = pending.popleft().result()
            if got is None:
                return False
            table, n_lines, ty, er = got
            if table is not None:
                n = table.num_rows
                table = table.append_column("ordinal", views.numbers(np.arange(1, n + 1) + rec0))
                table = table.append_column("line_start", views.numbers(ty + line0 + 1))
                table = table.append_column("line_end", views.numbers(er + line0 + 1))
                tables.append(table)
                rec0 += n
            line0 += n_lines
            return True

        for buf, end in parts:
            pending.append(pool.submit(_parse_block, buf, end, dialect))
            del buf
            if len(pending) >= _IN_FLIGHT and not take():
                return None
        while pending:
            if not take():
                return None
    if not tables:
        return None  # no records
    frame = pl.from_arrow(pa.concat_tables(tables), rechunk=False)
    assert isinstance(frame, pl.DataFrame)
    return _fields(frame, dialect)


def _is_utf8(buf: bytearray, end: int) -> bool:
    """Whether ``buf[:end]`` is valid UTF-8 (Arrow's validator, without a copy)."""
    offsets = pa.py_buffer(np.array([0, end], np.int64))
    arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(buf)])
    try:
        arr.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _strip(a: np.ndarray, start: np.ndarray, stop: np.ndarray) -> None:
    """Move the ranges ``[start, stop)`` of ``a`` in over ASCII whitespace, in place."""
    idx = np.flatnonzero(start < stop)
    while len(idx):
        idx = idx[_SPACE[a[start[idx]]]]
        start[idx] += 1
        idx = idx[start[idx] < stop[idx]]
    idx = np.flatnonzero(start < stop)
    while len(idx):
        idx = idx[_SPACE[a[stop[idx] - 1]]]
        stop[idx] -= 1
        idx = idx[start[idx] < stop[idx]]


class _Values:
    """The values read in one block as byte ranges: buffer 0 is the block, buffer 1 holds the
    values Python rewrote."""

    def __init__(self, buf: bytearray, start: np.ndarray, stop: np.ndarray) -> None:
        self.buf = buf
        self.buffer = np.zeros(len(start), np.int8)
        self.offset = start
        self.length = stop - start
        self.extra = bytearray()
        self._data: list[np.ndarray] | None = None

    def text(self, i: int) -> str:
        o, n = int(self.offset[i]), int(self.length[i])
        src = self.buf if self.buffer[i] == 0 else self.extra
        return src[o : o + n].decode("utf-8")

    def set(self, i: int, text: str) -> None:
        self._data = None
        raw = text.encode("utf-8")
        self.buffer[i] = 1
        self.offset[i] = len(self.extra)
        self.length[i] = len(raw)
        self.extra += raw

    def append(self, chunk: np.ndarray) -> int:
        """Add the bytes of ``chunk`` to buffer 1; where they start in it."""
        self._data = None
        base = len(self.extra)
        self.extra += chunk.tobytes()
        return base

    def data(self) -> list[np.ndarray]:
        """The two buffers as numpy arrays (for :mod:`reco.io.views`)."""
        if self._data is None:
            extra = np.frombuffer(bytes(self.extra), np.uint8)
            self._data = [np.frombuffer(self.buf, np.uint8), extra]
        return self._data


_Block = tuple[pa.Table | None, int, np.ndarray, np.ndarray]


def _parse_block(buf: bytearray, end: int, dialect: str) -> _Block | None:
    """The records of ``buf[:end]`` as a table of tag columns (None if none), its number of
    lines and the lines (0-based) of each record's ``TY`` and ``ER``; None if the block is
    irregular."""
    buf, end, lfs = line_ends(buf, end)
    if buf.find(b"\x00", 0, end) >= 0 or not _is_utf8(buf, end):
        return None
    a = np.frombuffer(buf, np.uint8)
    n_lines = len(lfs) + 1
    starts = np.empty(n_lines, np.int64)
    starts[0] = 0
    starts[1:] = lfs + 1
    stops = np.empty(n_lines, np.int64)
    stops[:-1] = lfs
    stops[-1] = end
    head = views.words(a, starts)
    is_tag = (
        (stops - starts >= 5)
        & ((head >> 16) & 0xFFFFFF == _DASH)
        & _UPPER[head & 0xFF]
        & _UPPER_DIGIT[(head >> 8) & 0xFF]
    )
    code = (head & 0xFFFF).astype(np.uint16)
    del head
    tag_lines = np.flatnonzero(is_tag)
    tag_code = code[tag_lines]
    ty = tag_lines[tag_code == _TY]
    er = tag_lines[tag_code == _ER]
    if len(ty) != len(er) or (ty > er).any() or (er[:-1] > ty[1:]).any():
        return None  # a record without ER, a stray ER
    # inside[i]: line i lies in a record (from its TY line to its ER line)
    step = np.zeros(n_lines + 1, np.int8)
    step[ty] += 1
    step[er + 1] -= 1
    inside = np.cumsum(step[:-1], dtype=np.int8).astype(bool)
    if not inside[tag_lines].all():
        return None  # tagged lines outside records
    for i in np.flatnonzero(~inside & (stops > starts)):
        if buf[starts[i] : stops[i]].decode("utf-8").strip():
            return None  # text between records: the exact parser reports it
    if not len(ty):
        return None, n_lines, ty, er  # blank lines only
    read = tag_lines[_USED_CODE[tag_code]]
    start, stop = starts[read] + 5, stops[read]  # the value after "XY  -"
    _strip(a, start, stop)
    values = _Values(buf, start, stop)
    _python_strip(values, a)
    cont = np.flatnonzero(inside & ~is_tag & (stops > starts))
    if len(cont):
        owner = tag_lines[np.searchsorted(tag_lines, cont) - 1]
        keep = _USED_CODE[code[owner]]
        _join_continuations(values, read, (cont[keep], owner[keep]), starts, stops)
    fields = _Fields(values, code[read], np.searchsorted(ty, read, "right") - 1, len(ty))
    table = fields.table(dialect)
    raw = views.views(values.data(), np.zeros(len(ty), np.int8), starts[ty], stops[er] - starts[ty])
    table = table.append_column("raw", views.column(raw, values.data()))
    return table, n_lines, ty, er


def _python_strip(values: _Values, a: np.ndarray) -> None:
    """Values that begin or end with a non-ASCII character are stripped by Python (Unicode
    whitespace: NBSP, ideographic space, ...)."""
    start, stop = values.offset, values.offset + values.length
    some = np.flatnonzero(stop > start)
    odd = some[(a[start[some]] >= 0x80) | (a[stop[some] - 1] >= 0x80)]
    for i in odd:
        text = values.text(i)
        if text.strip() != text:
            values.set(i, text.strip())


def _join_continuations(
    values: _Values,
    read: np.ndarray,
    owner_of: tuple[np.ndarray, np.ndarray],
    starts: np.ndarray,
    stops: np.ndarray,
) -> None:
    """Lines without a tag continue the field above them: each is stripped, blank ones are
    skipped, and the rest are joined to the field with single spaces (for the fields read).

    ``owner_of``: the continuation lines and the tag line each continues. The joined values
    are built by numpy in one buffer; fields whose parts need Unicode-aware stripping, or
    whose own value was rewritten, are joined by Python.
    """
    cont, owner = owner_of
    a = np.frombuffer(values.buf, np.uint8)
    start, stop = starts[cont], stops[cont].copy()
    _strip(a, start, stop)
    keep = stop > start
    start, stop, owner = start[keep], stop[keep], owner[keep]
    if not len(start):
        return
    field = np.searchsorted(read, owner)
    odd = (
        (values.length[field] == 0)
        | (values.buffer[field] != 0)
        | (a[start] >= 0x80)
        | (a[stop - 1] >= 0x80)
    )
    by_python = np.unique(field[odd])
    lo = np.searchsorted(field, by_python)
    hi = np.searchsorted(field, by_python, side="right")
    for i, j0, j1 in zip(by_python, lo, hi, strict=True):
        parts = [values.text(i)] if values.length[i] else []
        parts += [values.buf[start[j] : stop[j]].decode("utf-8") for j in range(j0, j1)]
        values.set(i, " ".join(p.strip() for p in parts if p.strip()))
    plain = ~np.isin(field, by_python)
    # The others: the block from the field's value to the end of its last line, with each
    # run of whitespace holding a line break turned into one space.
    f, last = np.unique(field[plain][::-1], return_index=True)
    if not len(f):
        return
    end = stop[plain][::-1][last]
    block = values.data()[:1]  # the plain fields' values are all still in the block
    span = views.views(block, values.buffer[f], values.offset[f], end - values.offset[f])
    joined = (
        pl.Series(views.column(span, block))
        .str.replace_all(_BREAK, " ")
        .to_arrow(compat_level=pl.CompatLevel.oldest())
    )
    offsets = np.frombuffer(joined.buffers()[1], np.int64)[joined.offset :][: len(f) + 1]
    text = np.frombuffer(joined.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    base = values.append(text)
    values.buffer[f] = 1
    values.offset[f] = base + offsets[:-1] - offsets[0]
    values.length[f] = np.diff(offsets)


class _Fields:
    """Columns of tag values, one row per record, from the values read in a block."""

    def __init__(self, values: _Values, code: np.ndarray, rec: np.ndarray, n: int) -> None:
        self.n = n
        self.rec = rec
        self.data = values.data()
        self.length = values.length
        self.views = views.views(self.data, values.buffer, values.offset, values.length)
        order = np.argsort(code, kind="stable")  # by tag, then in file order
        self.order = order
        self.sorted_code = code[order]
        self.code = code

    def rows(self, tag: str, nonempty: bool = True) -> np.ndarray:
        """Indices of the values of ``tag``, in file order."""
        c = _code(tag)
        lo, hi = np.searchsorted(self.sorted_code, [c, c + 1])
        idx = self.order[lo:hi]
        return idx[self.length[idx] > 0] if nonempty else idx

    def strings(self, idx: np.ndarray) -> pa.Array:
        return views.column(self.views[idx], self.data)

    def firsts(self, tags: tuple[str, ...]) -> dict[str, pa.Array]:
        """For each of ``tags``, the first non-empty value in each record (null if none)."""
        rank = np.full(1 << 16, -1, np.int64)
        rank[[_code(t) for t in tags]] = np.arange(len(tags))
        idx = self.order[rank[self.sorted_code] >= 0]  # by tag, then in file order
        idx = idx[self.length[idx] > 0]
        slot = rank[self.code[idx]] * self.n + self.rec[idx]
        keep = np.ones(len(idx), bool)
        keep[1:] = slot[1:] != slot[:-1]
        rows, valid = views.scatter(len(tags) * self.n, slot[keep], self.views[idx[keep]])
        n = self.n
        return {
            t: views.column(rows[k * n : (k + 1) * n], self.data, valid[k * n : (k + 1) * n])
            for k, t in enumerate(tags)
        }

    def all(self, tag: str) -> pa.Array:
        """The non-empty values of ``tag`` of each record, as a list."""
        idx = self.rows(tag)
        return views.lists(self.n, self.rec[idx], self.strings(idx))

    def has(self, tag: str) -> pa.Array:
        """Whether each record has the tag at all (even empty)."""
        return views.numbers(np.bincount(self.rec[self.rows(tag, False)], minlength=self.n) > 0)

    def joined(self, tag: str, sep: str) -> pa.Array:
        """The non-empty values of ``tag`` of each record joined with ``sep`` (null if none)."""
        idx = self.rows(tag)
        r = self.rec[idx]
        if len(r) < 2 or (r[1:] != r[:-1]).all():  # at most one value per record: no copy
            rows, valid = views.scatter(self.n, r, self.views[idx])
            return views.column(rows, self.data, valid)
        lists = pl.from_arrow(views.lists(self.n, r, self.strings(idx)))
        assert isinstance(lists, pl.Series)
        return lists.list.join(sep).to_arrow().cast(pa.string_view())

    def matched(self, tag: str, pattern: str) -> pa.Array:
        """Per record, group 1 of ``pattern`` in the first value of ``tag`` that matches it."""
        idx = self.rows(tag)
        if not len(idx):
            return pa.nulls(self.n, pa.string_view())
        found = pl.DataFrame(
            {
                "rec": self.rec[idx],
                "hit": pl.Series(self.strings(idx)).str.extract(pattern, 1),
            }
        )
        found = found.drop_nulls().unique("rec", keep="first", maintain_order=True)
        out = pl.Series(values=[None] * self.n, dtype=pl.String)
        return out.scatter(found["rec"], found["hit"]).to_arrow().cast(pa.string_view())

    def table(self, dialect: str) -> pa.Table:
        cols = self.firsts(_SINGLE)
        cols |= {f"list_{t}": self.all(t) for t in _LISTS}
        cols |= {f"has_{t}": self.has(t) for t in ("AU", "AB")}
        cols |= {f"join_{t}": self.joined(t, sep) for t, sep in _JOINED.items()}
        cols["pm_u1"] = self.matched("U1", _PMID_IN)
        if dialect == "cochrane_ris":
            cols |= {f"x_{t}": self.matched(t, _PUBMED_XREF) for t in _XREF_TAGS}
        return pa.table(cols)


def _fields(out: pl.DataFrame, dialect: str) -> pl.DataFrame:
    """reco's fields from the tag columns, as :func:`reco.io.ris.fields_of` maps them."""
    c = pl.col
    native_tags = _NATIVE.get(dialect, ("ID",))
    acc_tags = _ACCESSION.get(dialect, ("AN",))
    if dialect == "cochrane_ris":
        pm_xref = pl.coalesce(*(f"x_{t}" for t in _XREF_TAGS))
    else:
        pm_xref = pl.lit(None, dtype=pl.String)
    doi_l3 = pl.lit(None, dtype=pl.String)
    if dialect == "ebsco_ris":
        doi_l3 = pl.when(c("L3").str.contains(DOI_IN_L3)).then("L3")
    journal = pl.coalesce("JF", "T2", "JO")
    abbrev = pl.coalesce(
        "JA",
        "J2",
        "J1",
        "JI",
        "J9",
        pl.when(c("JO").is_not_null() & (c("JO") != journal)).then("JO"),
    )
    sp, ep = c("SP").fill_null(""), c("EP").fill_null("")
    pages = (
        pl.when((sp == "No") & (ep == "Specified"))
        .then(None)
        .when((sp != "") & (ep != "") & (ep != sp))
        .then(pl.concat_str(sp, pl.lit("-"), ep))
        .when(sp != "")
        .then(sp)
        .when(ep != "")
        .then(ep)
    )
    authors = pl.when(c("has_AU")).then(c("list_AU")).otherwise(c("list_A1"))
    abstract = pl.when(c("has_AB")).then(c("join_AB")).otherwise(c("join_N2"))
    pmid = pl.coalesce(
        "pm_u1",
        pm_xref,
        pl.when((c("DP") == "NLM") & c("AN").str.contains(r"^\d+$")).then("AN"),
    )
    return out.select(
        native_id=pl.coalesce(*native_tags) if len(native_tags) > 1 else c(native_tags[0]),
        type=c("TY"),
        title=pl.coalesce("TI", "T1", "CT"),
        authors=authors,
        year=pl.coalesce("PY", "Y1", "DA").str.extract(_YEAR, 1).cast(pl.Int32),
        journal=pl.coalesce(journal, abbrev),
        journal_abbrev=abbrev,
        volume=c("VL"),
        issue=c("IS"),
        pages=pages,
        doi=pl.coalesce("DO", "DI", doi_l3),
        pmid=pmid,
        accession=pl.coalesce(*acc_tags) if len(acc_tags) > 1 else c(acc_tags[0]),
        issn=c("SN"),
        abstract=pl.when(abstract != "").then(abstract),
        keywords=c("list_KW"),
        language=c("LA"),
        notes=pl.when(c("join_N1") != "").then("join_N1"),
        ordinal=c("ordinal"),
        line_start=c("line_start"),
        line_end=c("line_end"),
        raw=c("raw"),
    )
