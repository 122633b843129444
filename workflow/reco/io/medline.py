"""PubMed/MEDLINE text (``.nbib``): ``PMID- `` records separated by blank lines.

Tags are up to four letters padded to four, then ``- ``; continuation lines start with spaces
(six in PubMed's own files). A record is a blank-line separated block with a ``PMID`` line; a
block with tags but no ``PMID`` is rejected, as is a last block cut off mid-record (the file
ends without a newline and the block has no ``SO`` line, which PubMed writes last).
"""

from __future__ import annotations

import re
from typing import Any

from reco.io.base import LineCounter, Parsed, collect_tags, first, trim_end, year_of

_FIELD = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?([^\n]*(?:\n[ \t]+\S[^\n]*)*)", re.M)
_BLOCK = re.compile(r"(?:^[ \t]*\n)+", re.M)
_TAGLINE = re.compile(r"^[A-Z][A-Z0-9]{1,3} *- ", re.M)
_PMID = re.compile(r"^PMID- ?\d", re.M)
_DOI = re.compile(r"^(.*?)\s*\[doi\]$", re.I)


def _tags(text: str, start: int, end: int) -> dict[str, list[str]]:
    return collect_tags(_FIELD, text, start, end)


def _doi(values: list[str] | None) -> str | None:
    for v in values or ():
        m = _DOI.match(v.strip())
        if m:
            return m.group(1)
    return None


def fields_of(tags: dict[str, list[str]]) -> dict[str, Any]:
    """MEDLINE tags to reco's fields (DOI from ``AID``/``LID`` ``[doi]`` values)."""
    g = tags.get
    pmid = first(g("PMID"))
    return {
        "native_id": pmid,
        "type": first(g("PT")),
        "title": first(g("TI")) or first(g("BTI")),
        "authors": [a for a in (g("AU") or g("FAU") or g("CN") or ()) if a],
        "year": year_of(first(g("DP"))),
        "journal": first(g("JT")),
        "journal_abbrev": first(g("TA")),
        "volume": first(g("VI")),
        "issue": first(g("IP")),
        "pages": first(g("PG")),
        "doi": _doi(g("AID")) or _doi(g("LID")),
        "pmid": pmid,
        "accession": first(g("PMC")),
        "issn": first(g("IS")),
        "abstract": first(g("AB")),
        "keywords": [k for k in (g("MH") or []) + (g("OT") or []) if k],
        "language": first(g("LA")),
        "notes": "\n".join(g("GN")) if g("GN") else None,
    }


def parse_nbib(text: str) -> Parsed:
    """Parse PubMed MEDLINE text into rows and rejected blocks."""
    out = Parsed(dialect="pubmed_nbib")
    lines = LineCounter(text)
    starts = [0] + [m.end() for m in _BLOCK.finditer(text)]
    ends = [m.start() for m in _BLOCK.finditer(text)] + [len(text)]
    ordinal = 0
    untagged = 0
    blocks = [(s, trim_end(text, s, e)) for s, e in zip(starts, ends, strict=True)]
    blocks = [(s, e) for s, e in blocks if e > s]
    for i, (s, e) in enumerate(blocks):
        if not _TAGLINE.search(text, s, e):
            untagged += 1
            continue
        ordinal += 1
        ls = lines.at(s)
        le = ls + text.count("\n", s, e)
        tags = _tags(text, s, e)
        reason = None
        if "PMID" not in tags:
            reason = "block of MEDLINE tags without a 'PMID- ' line (damaged or partial record)"
        elif i == len(blocks) - 1 and not text.endswith("\n") and "SO" not in tags:
            reason = "file ends inside this record (no 'SO' line and no final newline): truncated"
        out.add(ordinal, ls, le, text[s:e], row=None if reason else fields_of(tags), reason=reason)
    if untagged:
        out.warnings.append(f"{untagged} untagged text block(s) outside records were ignored")
    out.records_in = len(_PMID.findall(text)) + sum(
        1 for r in out.rejected if "without a 'PMID" in r["reason"]
    )
    return out
