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
