"""Pandoc tables from polars frames: pipe tables for short cells, grid tables for long text.

Pandoc turns these into real tables in every output (HTML ``<table>``, Word tables in DOCX, Typst
``table`` in PDF). A report chunk ends with ``md_table(df)``: the returned object has
``_repr_markdown_``, so Quarto (through Jupyter) and the builtin renderer both insert it as Markdown.
Numbers are formatted once here: integers as digits, floats with a fixed number of decimals, nulls
as an en dash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

NULL = "–"


@dataclass(frozen=True)
class MarkdownTable:
    """A Markdown table string that notebooks and the builtin renderer display as Markdown."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def _visible(text: str) -> str:
    """Cell text as printed: Markdown links reduced to their text."""
    import re

    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def link(text: Any, url: str) -> str:
    """A Markdown link for a table cell (e.g. a count linked to the records behind it)."""
    return f"[{text}]({url})"


def note(text: str) -> MarkdownTable:
    """An italic line shown where a table cannot be built yet (displayed as Markdown)."""
    return MarkdownTable(f"*{text}*")


def cell(value: Any, decimals: int = 1) -> str:
    """One cell as text: nulls as an en dash, floats rounded, Markdown pipes escaped."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return NULL
        return f"{value:.{decimals}f}"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def _is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()


def pipe_table(
    df: pl.DataFrame,
    *,
    headers: Sequence[str] | None = None,
    decimals: int = 1,
    widths: Sequence[float] | None = None,
    right: Sequence[str] = (),
) -> MarkdownTable:
    """A pandoc pipe table: numeric columns (and those named in ``right``) right-aligned.

    ``widths`` (fractions summing to <= 1) make pandoc wrap long cells: the dash counts in the
    separator line set the relative column widths.
    """
    names = list(headers) if headers is not None else [c.replace("_", " ") for c in df.columns]
    if len(names) != df.width:
        raise ValueError(f"{len(names)} headers for {df.width} columns")
    numeric = [_is_numeric(dt) or c in right for c, dt in zip(df.columns, df.dtypes, strict=True)]
    rows = [[cell(v, decimals) for v in row] for row in df.iter_rows()]
    header = "| " + " | ".join(cell(h) for h in names) + " |"
    if widths:
        dashes = [max(3, round(w * 72)) for w in widths]
    else:  # relative widths from content: the longest cell, or the longest header word
        dashes = [
            2
            + max(
                3,
                min(40, max((len(_visible(r[i])) for r in rows), default=0)),
                max((len(w) for w in str(names[i]).split()), default=0),
            )
            for i in range(len(names))
        ]
    sep = (
        "|"
        + "|".join(
            ("-" * (d - 1) + ":") if num else (":" + "-" * (d - 1))
            for d, num in zip(dashes, numeric, strict=True)
        )
        + "|"
    )
    body = ["| " + " | ".join(r) + " |" for r in rows]
    return MarkdownTable("\n".join([header, sep, *body]))


def grid_table(
    df: pl.DataFrame,
    *,
    headers: Sequence[str] | None = None,
    widths: Sequence[int] | None = None,
    decimals: int = 1,
) -> MarkdownTable:
    """A pandoc grid table: cells wrap onto several lines (for long text such as PT statements).

    ``widths`` are column widths in characters (default: up to 40 per column).
    """
    names = list(headers) if headers is not None else df.columns
    rows = [[cell(v, decimals) for v in row] for row in df.iter_rows()]
    if widths is None:
        widths = [
            min(40, max(3, len(str(n)), *(len(r[i]) for r in rows))) for i, n in enumerate(names)
        ]
    numeric = [_is_numeric(dt) for dt in df.dtypes]

    def wrap(text: str, width: int) -> list[str]:
        return _wrap(text, width)

    def line(char: str, header: bool = False) -> str:
        parts = []
        for w, num in zip(widths, numeric, strict=True):
            seg = char * (w + 2)
            if header:
                seg = (char * (w + 1) + ":") if num else (":" + char * (w + 1))
            parts.append(seg)
        return "+" + "+".join(parts) + "+"

    def row_lines(values: Sequence[str]) -> list[str]:
        wrapped = [wrap(v, w) for v, w in zip(values, widths, strict=True)]
        height = max(len(c) for c in wrapped)
        out = []
        for k in range(height):
            cells = [
                _pad(c[k] if k < len(c) else "", w) for c, w in zip(wrapped, widths, strict=True)
            ]
            out.append("| " + " | ".join(cells) + " |")
        return out

    lines = [line("-"), *row_lines([str(n) for n in names]), line("=", header=True)]
    for r in rows:
        lines += row_lines(r)
        lines.append(line("-"))
    return MarkdownTable("\n".join(lines))


ZWSP = "\u200b"  # zero-width space: a break opportunity in long identifiers


def _width(text: str) -> int:
    return len(text) - text.count(ZWSP)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _wrap(text: str, width: int) -> list[str]:
    """Greedy wrap by display width; breaks at spaces and zero-width spaces, else mid-word."""
    import re

    tokens = [t for t in re.split(r"(?<=\u200b)| ", text) if t != ""]
    lines: list[str] = []
    current = ""
    for token in tokens:
        sep = "" if (not current or current.endswith(ZWSP)) else " "
        if _width(current + sep + token) <= width:
            current += sep + token
            continue
        if current:
            lines.append(current)
        while _width(token) > width:
            lines.append(token[:width])
            token = token[width:]
        current = token
    if current:
        lines.append(current)
    return lines or [""]


def md_table(df: pl.DataFrame, **kwargs: Any) -> MarkdownTable:
    """A grid table when any cell is longer than 40 characters, else a pipe table."""
    longest = max(
        (len(cell(v)) for row in df.iter_rows() for v in row),
        default=0,
    )
    if longest > 40 and "widths" not in kwargs:
        return grid_table(df, **kwargs)
    return pipe_table(df, **kwargs)
