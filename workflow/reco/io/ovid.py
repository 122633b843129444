"""Ovid's own tagged text: records opened by ``<n. >`` lines, fields ``XX  - value``.

Two flavours exist: the EndNote/"direct export" text (long fields wrapped onto untagged lines)
and the Citavi ``.ovd`` file (one line per field); both parse the same way, continuation lines
being joined with spaces. The native id is ``AN`` (accession number) or, where the database
writes ``UI`` instead (Embase), ``UI``. Ovid writes the ISSN in ``IS`` and the citation in ``SO``;
volume, issue and pages come from ``VO``/``VI``, ``IP``, ``PG`` or, when absent, from ``SO``.
"""

from __future__ import annotations

import re
from typing import Any

from reco.io.base import LineCounter, Parsed, collect_tags, first, trim_end, year_of

_MARK = re.compile(r"^<(\d+)\. >[ \t]*$", re.M)
_FIELD = re.compile(r"^([A-Z][A-Z0-9])  - ?([^\n]*(?:\n(?![A-Z][A-Z0-9]  -)[^\n]*)*)", re.M)
_SO_JOURNAL = re.compile(r"^(.+?)\.\s+(?=Conference:|\d)")
#: "Journal. 13 (1) (pp 233-250), 2020.", "... 12 (3) :250-7, 2019", "... 12 (Supplement 3)
#: (no pagination), 2018": volume, issue (optional), pages (either form) and year.
_SO_CITATION = re.compile(
    r"\.\s+(\d+)\s*(?:\((?!pp\b|no pagination)([^)]*)\))?\s*"
    r"(?::\s*([^,\s]+)|\(pp\.?\s*([^)]*)\)|\(no pagination\))?\s*,\s*((?:1[5-9]|20)\d\d)"
)


def _tags(text: str, start: int, end: int) -> dict[str, list[str]]:
    return collect_tags(_FIELD, text, start, end)


def fields_of(tags: dict[str, list[str]]) -> dict[str, Any]:
    """Ovid tagged fields to reco's fields."""
    g = tags.get
    native = first(g("AN")) or first(g("UI"))
    so = first(g("SO")) or ""
    journal = first(g("JN")) or first(g("JT")) or first(g("JA"))
    if journal is None:
        m = _SO_JOURNAL.match(so)
        journal = m.group(1) if m else None
    volume, issue, pages = first(g("VO")) or first(g("VI")), first(g("IP")), first(g("PG"))
    cite = _SO_CITATION.search(so)
    if cite:
        volume = volume or cite.group(1)
        issue = issue or cite.group(2)
        pages = pages or cite.group(3) or cite.group(4)
    keywords = [k for k in (g("MH") or []) + (g("KW") or []) if k]
    return {
        "native_id": native,
        "type": first(g("PT")) or first(g("ST")),
        "title": first(g("TI")),
        "authors": [a for a in (g("AU") or g("FA") or ()) if a],
        "year": year_of(first(g("YR"))) or year_of(first(g("DP"))) or year_of(so),
        "journal": journal,
        "journal_abbrev": first(g("JA")) if journal != first(g("JA")) else None,
        "volume": volume,
        "issue": issue,
        "pages": pages,
        "doi": first(g("DO")),
        "pmid": first(g("PM")) or first(g("PMID")),
        "accession": native,
        "issn": first(g("IS")),
        "abstract": first(g("AB")),
        "keywords": keywords,
        "language": first(g("LG")) or first(g("LA")),
        "notes": None,
    }


def parse_ovid_tagged(text: str) -> Parsed:
    """Parse Ovid tagged text; a numbered block without any tag or title line is rejected."""
    out = Parsed(dialect="ovid_tagged")
    lines = LineCounter(text)
    marks = list(_MARK.finditer(text))
    bounds = [m.start() for m in marks] + [len(text)]
    for ordinal, (s, e) in enumerate(zip(bounds, bounds[1:], strict=False), 1):
        e = trim_end(text, s, e)
        ls = lines.at(s)
        le = ls + text.count("\n", s, e)
        body = text.find("\n", s)
        tags = _tags(text, body + 1, e) if 0 <= body < e else {}
        reason = None
        if not tags:
            reason = "Ovid record marker with no fields after it (truncated export)"
        elif "TI" not in tags and not ({"AN", "UI"} & set(tags)):
            reason = "Ovid record with neither a title (TI) nor an accession (AN/UI): damaged"
        elif ordinal == len(marks) and not text.endswith("\n") and len(tags) < 3:
            reason = "file ends inside this record: truncated"
        out.add(ordinal, ls, le, text[s:e], row=None if reason else fields_of(tags), reason=reason)
    head = text[: bounds[0]]
    if head.strip():
        out.warnings.append("text before the first '<1. >' record marker was ignored")
    out.records_in = len(marks)
    return out
