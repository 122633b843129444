"""Read a tagged export in blocks of about 32 MB that end at a record's ``ER`` line, and find
their lines: the input of the vectorised RIS reader.

Blocks bound the memory a reader needs (a block is parsed and its text kept, never the file
twice over) and every regular record lies inside one block. CRLF becomes LF (a copy of the
block, only when it has CRLF); a lone CR (old Mac line ends, or inside a WoS field) becomes LF
in place, as Python's universal newlines read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

#: Bytes read at a time (about: a block ends at an ``ER`` line).
BLOCK = 32 << 20
#: Bytes scanned at a time when looking for line ends.
_PIECE = 4 << 20


def read_after(fh: BinaryIO, head: bytes, size: int) -> tuple[bytearray, bool]:
    """``head`` followed by up to ``size`` bytes read from ``fh`` (one buffer, no extra copy),
    and whether the end of the file was reached."""
    buf = bytearray(len(head) + size)
    buf[: len(head)] = head
    filled = len(head)
    with memoryview(buf) as view:
        while filled < len(buf):
            with view[filled:] as rest:
                got = fh.readinto(rest)
            if not got:
                break
            filled += got
    eof = filled < len(buf)
    del buf[filled:]
    return buf, eof


def _where(a: np.ndarray, test: np.ufunc, value: int) -> np.ndarray:
    """Offsets of the bytes ``x`` of ``a`` with ``test(x, value)`` (``np.equal``, ``np.less``),
    found in pieces of 4 MB with one reused mask (no array as large as ``a``)."""
    mask = np.empty(min(len(a), _PIECE), bool)
    found = [np.empty(0, np.int64)]
    for i in range(0, len(a), _PIECE):
        piece = a[i : i + _PIECE]
        m = mask[: len(piece)]
        test(piece, value, out=m)
        found.append(np.flatnonzero(m) + i)
    return np.concatenate(found)


def line_ends(buf: bytearray, end: int) -> tuple[bytearray, int, np.ndarray]:
    """``buf[:end]`` with LF line ends: the buffer, the block's end in it and its LF offsets.

    CRLF is replaced (a new buffer); lone CRs are turned into LF in ``buf`` itself.
    """
    a = np.frombuffer(buf, np.uint8, count=end)
    if buf.find(b"\r", 0, end) < 0:
        return buf, end, _where(a, np.equal, 10)
    ctrl = _where(a, np.less, 14)  # one pass finds both LF and CR
    kind = a[ctrl]
    cr = ctrl[kind == 13]
    after = cr + 1
    if (a[after[after < end]] == 10).any():
        del a
        lf = buf[:end].replace(b"\r\n", b"\n")
        return line_ends(lf, len(lf))
    a[cr] = 10
    return buf, end, ctrl[(kind == 10) | (kind == 13)]


def _after_last_er(buf: bytearray) -> tuple[int, int]:
    """Where the last complete ``ER`` line of ``buf`` ends (before its CR, LF or CRLF), and
    where the next line starts; ``(-1, -1)`` if there is none."""
    i = len(buf)
    while True:
        lf = buf.rfind(b"\nER  -", 0, i)
        i = max(lf, buf.rfind(b"\rER  -", max(lf, 0), i))
        if i < 0:
            return -1, -1
        ends = [p for p in (buf.find(b"\n", i + 1), buf.find(b"\r", i + 1)) if p >= 0]
        if ends:
            j = min(ends)
            crlf = buf[j] == 13 and j + 1 < len(buf) and buf[j + 1] == 10
            return j, j + 2 if crlf else j + 1


def blocks(fh: BinaryIO, size: int = BLOCK) -> Iterator[tuple[bytearray, int]]:
    """The file as blocks ``(buffer, end)``: the block is ``buffer[:end]``, without BOM; its
    line ends are as in the file (see :func:`line_ends`).

    Every block but the last ends with an ``ER`` line; the line break after it is left out
    (it separates two blocks), so that the blocks' lines are the file's lines.
    """
    pending = b""  # text after the last block, and a CR held back from the read
    first = True
    while True:
        buf, eof = read_after(fh, pending, size)
        if first:
            if buf.startswith(b"\xef\xbb\xbf"):
                del buf[:3]
            first = False
        carry = b""
        if not eof and buf.endswith(b"\r"):  # it may be the CR of a CRLF cut by the read
            del buf[-1:]
            carry = b"\r"
        if eof:
            yield buf, len(buf)
            return
        cut, rest = _after_last_er(buf)
        if cut < 0:  # no complete record yet: read more
            pending = bytes(buf) + carry
            continue
        pending = bytes(buf[rest:]) + carry
        yield buf, cut
