"""What every export parser returns: parsed record rows, rejected records, warnings.

A parser turns decoded text into a :class:`Parsed`: one dict per kept record (the bibliographic
fields of ``records.RECORDS`` plus ``native_id``, ``ordinal``, ``line_start``, ``line_end``,
``raw``) and one dict per rejected record (``ordinal``, ``line_start``, ``line_end``, ``reason``,
``raw``). ``records_in`` is counted independently of the parse loop (from the format's record
markers) so that ingest can check records in = kept + rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Bibliographic fields a parser fills (names of records.RECORDS columns).
FIELDS = (
    "type",
    "title",
    "authors",
    "year",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "accession",
    "issn",
    "abstract",
    "keywords",
    "language",
    "notes",
)
#: Position fields every kept row carries besides FIELDS.
POSITION = ("native_id", "ordinal", "line_start", "line_end", "raw")

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


@dataclass
class Parsed:
    """The outcome of parsing one export."""

    dialect: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: records found by counting the format's record markers (independent of the parse loop)
    records_in: int = 0
    #: kept rows as a polars frame (the vectorised RIS reader) instead of ``rows``
    frame: Any = None

    def add(
        self,
        ordinal: int,
        line_start: int,
        line_end: int,
        raw: str,
        *,
        row: dict[str, Any] | None = None,
        reason: str | None = None,
    ) -> None:
        """Record one record: kept (``row``, its parsed fields) or rejected (``reason``)."""
        where = {"ordinal": ordinal, "line_start": line_start, "line_end": line_end, "raw": raw}
        if reason is not None:
            self.rejected.append({**where, "reason": reason})
        else:
            self.rows.append({**(row or {}), **where})


def year_of(value: str | None) -> int | None:
    """The first plausible 4-digit year in a date string ("2019//", "2016/09//", "OCT 17 2019")."""
    if not value:
        return None
    m = _YEAR.search(value)
    return int(m.group(1)) if m else None


def first(values: list[str] | None) -> str | None:
    """The first non-empty value of a repeated tag, stripped."""
    if values:
        for v in values:
            v = v.strip()
            if v:
                return v
    return None


def collect_tags(pattern: re.Pattern[str], text: str, start: int, end: int) -> dict[str, list[str]]:
    """``tag -> values`` of the ``(tag, value)`` matches of ``pattern`` in ``text[start:end]``;
    a value spanning continuation lines is joined with single spaces."""
    tags: dict[str, list[str]] = {}
    for tag, value in pattern.findall(text, start, end):
        if "\n" in value:
            value = " ".join(p.strip() for p in value.split("\n") if p.strip())
        else:
            value = value.strip()
        tags.setdefault(tag, []).append(value)
    return tags


def pages_of(start: str | None, end: str | None) -> str | None:
    """``SP``/``EP`` to one pages string; "123-9" in SP stays as it is; Ovid's "No"/"Specified" is none."""
    start = (start or "").strip()
    end = (end or "").strip()
    if start == "No" and end == "Specified":
        return None
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end or None


def line_span(text: str, start: int, end: int, line_start: int) -> int:
    """The last line of ``text[start:end]`` given its first line (``end`` exclusive)."""
    return line_start + text.count("\n", start, max(start, end - 1))


@dataclass
class Block:
    """A span of text that is one record (``reason`` None) or one rejected record."""

    start: int
    end: int
    line_start: int
    line_end: int
    reason: str | None = None


class LineCounter:
    """Line number of a text offset, for offsets visited in increasing order."""

    __slots__ = ("text", "pos", "line")

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line


def trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing blank lines and spaces of ``text[start:end]``."""
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return end


def split_open_close(
    text: str,
    bound: re.Pattern[str],
    open_tag: str,
    tagline: re.Pattern[str],
    start_name: str,
    end_name: str,
    ignore: re.Pattern[str] | None = None,
) -> tuple[list[Block], int]:
    """Records delimited by an opening and a closing line (RIS ``TY``/``ER``, WoS ``PT``/``ER``).

    ``bound`` matches both kinds of line with the tag in group 1. Returns the blocks in file order
    (kept and rejected) and the number of ignored untagged text blocks outside records (lines
    matching ``ignore``, such as file headers, are not counted). A record
    opened but not closed before the next opening line or the end of the file is rejected; tagged
    lines outside any record are rejected as one block (their opening line is missing).
    """
    lines = LineCounter(text)
    blocks: list[Block] = []
    open_at = -1
    prev_end = 0
    untagged = 0

    def block(s: int, e: int, reason: str | None) -> Block:
        ls = lines.at(s)
        return Block(s, e, ls, ls + text.count("\n", s, e), reason)

    def stray(s: int, e: int) -> None:
        nonlocal untagged
        chunk = text[s:e]
        if ignore is not None:
            chunk = ignore.sub("", chunk)
        if not chunk.strip():
            return
        m = tagline.search(text, s, e)
        if m is None:
            untagged += 1
            return
        blocks.append(
            block(
                m.start(),
                trim_end(text, m.start(), e),
                f"tagged lines outside a record (no {start_name} line before them): the start "
                "of this record is missing",
            )
        )

    for m in bound.finditer(text):
        pos = m.start()
        if m.group(1) == open_tag:
            if open_at >= 0:
                blocks.append(
                    block(
                        open_at,
                        trim_end(text, open_at, pos),
                        f"record has no {end_name} end line before the next {start_name} line "
                        "(truncated or damaged record)",
                    )
                )
            else:
                stray(prev_end, pos)
            open_at = pos
        else:
            if open_at < 0:
                stray(prev_end, pos)
                prev_end = m.end()
                continue
            blocks.append(block(open_at, m.end(), None))
            open_at = -1
            prev_end = m.end()
    if open_at >= 0:
        blocks.append(
            block(
                open_at,
                trim_end(text, open_at, len(text)),
                f"file ends inside this record (no {end_name} end line): the export is truncated",
            )
        )
    else:
        stray(prev_end, len(text))
    return blocks, untagged


def add_blocks(out: Parsed, text: str, blocks: list[Block], parse_block) -> None:  # noqa: ANN001
    """Append kept rows (``parse_block(text, start, end) -> dict``) and rejected rows to ``out``."""
    for ordinal, b in enumerate(blocks, 1):
        row = parse_block(text, b.start, b.end) if b.reason is None else None
        out.add(ordinal, b.line_start, b.line_end, text[b.start : b.end], row=row, reason=b.reason)
