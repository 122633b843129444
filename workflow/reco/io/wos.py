"""Web of Science exports: plain text (``FN``/``VR`` header, ``PT`` ... ``ER``, ``EF``) and tab-delimited.

Plain text: a two-letter tag and a space start a field; continuation lines start with three
spaces. In author and keyword fields each line is one value; elsewhere lines are joined with
spaces. A record runs from ``PT`` to ``ER``; one without ``ER`` (a file cut mid-record) is
rejected with its line span. Tab-delimited: a header row of the same tags, one record per line.
The same tag-to-field mapping serves both (:func:`fields_of`).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from typing import Any

from reco.errors import InputError
from reco.io.base import Parsed, add_blocks, first, pages_of, split_open_close, year_of

_BOUND = re.compile(r"^(PT|ER)(?: [^\n]*|[ \t]*)$", re.M)
_FIELD = re.compile(r"^([A-Z][A-Z0-9]) ([^\n]*(?:\n   [^\n]*)*)", re.M)
_TAGLINE = re.compile(r"^[A-Z][A-Z0-9] \S", re.M)
#: Fields whose continuation lines are separate values.
_PER_LINE = frozenset({"AU", "AF", "CA", "BE", "GP", "CR", "C1", "RI", "OI"})
_SEMI = re.compile(r"\s*;\s*")


def _split_semi(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or ():
        out += [p for p in _SEMI.split(v.strip()) if p]
    return out


def _first_doi(values: list[str] | None) -> str | None:
    """WoS DI; a record listing several DOIs ("10.x/r001; 10.x/r002") gives the first."""
    v = first(values)
    return _SEMI.split(v)[0].rstrip(";") if v else None


def fields_of(tags: dict[str, list[str]]) -> dict[str, Any]:
    """WoS tags (both export forms) to reco's fields."""
    g = tags.get
    ut = first(g("UT"))
    pages = pages_of(first(g("BP")), first(g("EP"))) or first(g("AR")) or first(g("PS"))
    return {
        "native_id": ut,
        "type": first(g("DT")) or first(g("PT")),
        "title": first(g("TI")),
        "authors": [a for a in (g("AU") or g("AF") or ()) if a],
        "year": year_of(first(g("PY"))) or year_of(first(g("EA"))) or year_of(first(g("PD"))),
        "journal": first(g("SO")),
        "journal_abbrev": first(g("JI")) or first(g("J9")),
        "volume": first(g("VL")),
        "issue": first(g("IS")),
        "pages": pages,
        "doi": _first_doi(g("DI")),
        "pmid": first(g("PM")),
        "accession": ut,
        "issn": first(g("SN")) or first(g("EI")),
        "abstract": first(g("AB")),
        "keywords": _split_semi(g("DE")) + _split_semi(g("ID")),
        "language": first(g("LA")),
        "notes": None,
    }


def _tags_plain(text: str, start: int, end: int) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for tag, value in _FIELD.findall(text, start, end):
        if "\n" in value:
            parts = [p.strip() for p in value.split("\n")]
            vals = (
                [p for p in parts if p] if tag in _PER_LINE else [" ".join(p for p in parts if p)]
            )
        else:
            vals = [value.strip()]
        tags.setdefault(tag, []).extend(vals)
    return tags


def parse_plaintext(text: str) -> Parsed:
    """Parse WoS plain text; records without ``ER`` are rejected."""
    out = Parsed(dialect="wos_plaintext")
    body = text
    blocks, untagged = split_open_close(
        body,
        _BOUND,
        "PT",
        re.compile(r"^(?!FN |VR |EF)[A-Z][A-Z0-9] \S", re.M),
        "'PT'",
        "'ER'",
        ignore=re.compile(r"^(?:FN|VR|EF)\b[^\n]*$", re.M),
    )
    add_blocks(out, body, blocks, lambda t, s, e: fields_of(_tags_plain(t, s, e)))
    if untagged:
        out.warnings.append(f"{untagged} untagged text block(s) outside records were ignored")
    if not re.search(r"^EF\s*$", text, re.M) and not out.rejected:
        out.warnings.append("no 'EF' end-of-file line: the export may be incomplete")
    out.records_in = sum(1 for m in _BOUND.finditer(text) if m.group(1) == "PT") + sum(
        1 for r in out.rejected if "no 'PT'" in r["reason"]
    )
    return out


def parse_tabdelimited(text: str, file: str | Path = "<text>") -> Parsed:
    """Parse WoS tab-delimited text: header of tags, one record per line."""
    out = Parsed(dialect="wos_tabdelimited")
    lines = text.split("\n")
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise InputError("no header row", file=file, fix="re-export the file with its header.")
    header = lines[header_at].lstrip("\ufeff").rstrip("\t").split("\t")
    if "TI" not in header:
        raise InputError(
            f"tab-delimited header without a TI column: {', '.join(header[:12])}",
            file=file,
            line=header_at + 1,
            fix="export from Web of Science as 'Tab delimited file' with full records.",
        )
    csv.field_size_limit(sys.maxsize)
    ordinal = 0
    width = len(header)
    for i in range(header_at + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        ordinal += 1
        cells = line.split("\t")
        if len(cells) < width and len(cells) < header.index("TI") + 1:
            out.rejected.append(
                {
                    "ordinal": ordinal,
                    "line_start": i + 1,
                    "line_end": i + 1,
                    "reason": f"row has {len(cells)} tab-separated cells, the header has {width} "
                    "(truncated row)",
                    "raw": line,
                }
            )
            continue
        tags: dict[str, list[str]] = {}
        for tag, cell in zip(header, cells, strict=False):
            cell = cell.strip()
            if not cell:
                continue
            if tag in ("AU", "AF", "CA", "BE"):
                tags[tag] = _split_semi([cell])
            else:
                tags[tag] = [cell]
        row = fields_of(tags)
        row.update(ordinal=ordinal, line_start=i + 1, line_end=i + 1, raw=line)
        out.rows.append(row)
    out.records_in = sum(1 for line in lines[header_at + 1 :] if line.strip())
    return out
