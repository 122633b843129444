"""Arrow string columns that point into byte buffers instead of copying out of them.

A fast reader finds each value as a byte range ``(buffer, offset, length)`` of the file's
blocks. Arrow's *string view* layout (16 bytes per value: length, a 4-byte prefix and either the
whole value when it has at most 12 bytes or its buffer and offset) stores exactly that, so a
column of a million values is built with a few numpy gathers and polars imports it without
copying the text. The caller guarantees every range lies inside its buffer and is valid UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

#: Values of at most this many bytes sit inside their view (Arrow's string view layout).
_INLINE = 12
#: _KEEP[k]: the mask of the low k bytes of a 64-bit word (k = 0..8).
_KEEP = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], np.uint64)


def words(data: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """The 8 bytes of ``data`` at each offset as little-endian integers (zero past the end)."""
    last = len(data) - 8
    every = np.ndarray((max(last + 1, 0),), dtype="<u8", buffer=data, strides=(1,))
    if not len(offset) or offset.max() <= last:
        return every[offset]
    out = np.zeros(len(offset), np.uint64)
    ok = offset <= last
    out[ok] = every[offset[ok]]
    for i in np.flatnonzero(~ok):
        s = int(offset[i])
        out[i] = int.from_bytes(data[s : s + 8].tobytes().ljust(8, b"\0"), "little")
    return out


def views(
    data: Sequence[np.ndarray], buffer: np.ndarray, offset: np.ndarray, length: np.ndarray
) -> np.ndarray:
    """The views (``(n, 2)`` uint64) of the ranges ``data[buffer][offset:offset + length]``."""
    n = len(offset)
    out = np.zeros((n, 2), np.uint64)
    length = length.astype(np.uint64)
    for b, arr in enumerate(data):
        rows = np.flatnonzero(buffer == b)
        if not len(rows):
            continue
        off, size = offset[rows], length[rows]
        head = words(arr, off)  # bytes 0..7
        prefix = head & _KEEP[np.minimum(size, 4)]
        out[rows, 0] = size | (prefix << np.uint64(32))
        # the buffer and offset of long values; bytes 4..11 of short ones
        out[rows, 1] = np.uint64(b) | (off.astype(np.uint64) << np.uint64(32))
        short = np.flatnonzero(size <= _INLINE)
        if len(short):
            keep = _KEEP[np.clip(size[short].astype(np.int64) - 4, 0, 8)]
            out[rows[short], 1] = words(arr, off[short] + 4) & keep
    return out


def column(
    view_rows: np.ndarray, data: Sequence[np.ndarray], valid: np.ndarray | None = None
) -> pa.Array:
    """A ``string_view`` array of ``view_rows`` (from :func:`views`) over ``data``;
    rows where ``valid`` is False are null."""
    n = len(view_rows)
    mask = None
    if valid is not None and not valid.all():
        mask = pa.py_buffer(np.packbits(valid, bitorder="little"))
    buffers = [mask, pa.py_buffer(np.ascontiguousarray(view_rows))]
    buffers += [pa.py_buffer(arr) for arr in data]
    return pa.Array.from_buffers(pa.string_view(), n, buffers)


def scatter(n: int, rows: np.ndarray, view_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Views for ``n`` rows with ``view_rows`` placed at ``rows``, the others empty; and the
    validity mask (True where placed)."""
    out = np.zeros((n, 2), np.uint64)
    out[rows] = view_rows
    valid = np.zeros(n, bool)
    valid[rows] = True
    return out, valid


def lists(n: int, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """A ``list<string_view>`` array of ``n`` rows; ``values[i]`` belongs to row ``rows[i]``
    (``rows`` sorted)."""
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
    return pa.ListArray.from_arrays(numbers(offsets), values)


def numbers(values: np.ndarray) -> pa.Array:
    """A numpy array of numbers or booleans as an Arrow array, without a copy of numbers
    (``pa.array`` on numpy would import pandas: slow on first use)."""
    if values.dtype == bool:
        bits = pa.py_buffer(np.packbits(values, bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, bits])
    kind = pa.from_numpy_dtype(values.dtype)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])
