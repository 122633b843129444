"""Small CSV tables a team writes by hand or exports from a tool (screening logs, labels, dedup
decisions): read them whatever the encoding and delimiter, and say where a row is broken.

Bytes are decoded as search exports are (:func:`reco.io.decode.decode_bytes`: BOM-aware UTF-8 and
UTF-16, Windows-1252 fallback with a warning); the delimiter is the commonest of ``,``, ``;`` and
tab in the header line; rows are read with the ``csv`` module, so an unclosed quote or a row with
more or fewer cells than the header is an error naming the file and line. Every cell is a string
(empty cells are null), as ``pl.read_csv(infer_schema=False)`` gives.
"""

from __future__ import annotations

import csv
import io
import logging
import sys
from pathlib import Path

import polars as pl

from reco.errors import InputError
from reco.io.decode import decode_bytes

log = logging.getLogger(__name__)

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def delimiter_of(header: str) -> str:
    """The commonest of comma, semicolon and tab in a header line (comma on a tie)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    return max(counts, key=counts.get)


def read_csv_table(
    path: str | Path, *, fix: str = "save it as CSV with a header row."
) -> pl.DataFrame:
    """The table in ``path`` (strings; a header and zero or more rows); ``fix`` ends any error."""
    path = Path(path)
    decoded = decode_bytes(path.read_bytes(), path)
    for warning in decoded.warnings:
        log.warning(warning)
    text = decoded.text.lstrip("\ufeff")
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputError("no header row (the file holds only blank lines)", file=path, fix=fix)
    delimiter = delimiter_of(lines[first])
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO("\n".join(lines[first:])), delimiter=delimiter, strict=True)
    start = 1  # the line (counted from the header) the row being read starts on
    try:
        header = [h.strip() for h in next(reader)]
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            raise InputError(
                f"column name(s) {', '.join(map(repr, twice))} appear more than once",
                file=path,
                line=first + 1,
                fix=fix,
            )
        rows: list[list[str]] = []
        start = reader.line_num + 1  # the line the next row starts on (quoted cells span lines)
        for cells in reader:
            if any(c.strip() for c in cells):
                while len(cells) > len(header) and not cells[-1].strip():
                    cells = cells[:-1]  # a trailing delimiter some tools write on data rows
                if len(cells) != len(header):
                    raise InputError(
                        f"row has {len(cells)} cell(s), the header {len(header)} "
                        f"({DELIMITERS[delimiter]}-separated): a cut row, a stray "
                        f"{DELIMITERS[delimiter]} or an unbalanced quote",
                        file=path,
                        line=start + first,
                        fix=fix,
                    )
                rows.append(cells)
            start = reader.line_num + 1
    except csv.Error as exc:
        what = (
            "a quote opened in the row starting here is never closed"
            if "unexpected end of data" in str(exc)
            else f"not readable as CSV ({exc})"
        )
        raise InputError(what, file=path, line=start + first, fix=fix) from None
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    return pl.DataFrame(
        {
            name: [c if c != "" else None for c in col]
            for name, col in zip(header, columns, strict=True)
        },
        schema=dict.fromkeys(header, pl.String),
    )
