"""EndNote XML (``<xml><records><record>...``): one ``<record>`` element per reference.

Record spans are found in the text (records do not nest), so each keeps its raw XML and line
span, and each is parsed on its own: a record whose XML is broken is rejected with the parser's
message instead of failing the file. Text inside ``<style>`` wrappers is taken as plain text.
The native id is none of the XML's (``rec-number`` is local to one EndNote library), so record
ids use the ordinal; ``accession-num`` is kept as the accession.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from reco.io.base import LineCounter, Parsed, year_of

_OPEN = re.compile(r"<record>|<record\s[^>]*>")
_CLOSE = "</record>"
_SPACE = re.compile(r"\s+")


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    value = _SPACE.sub(" ", "".join(el.itertext())).strip()
    return value or None


def _all(rec: ET.Element, path: str) -> list[str]:
    return [v for v in (_text(e) for e in rec.findall(path)) if v]


def fields_of(rec: ET.Element) -> dict[str, Any]:
    """One ``<record>`` element to reco's fields."""
    ref = rec.find("ref-type")
    journal = (
        _text(rec.find("periodical/full-title"))
        or _text(rec.find("titles/secondary-title"))
        or _text(rec.find("journal/full-title"))
    )
    abbrev = _text(rec.find("periodical/abbr-1")) or _text(rec.find("titles/alt-title"))
    accession = _text(rec.find("accession-num"))
    return {
        "native_id": None,
        "type": (ref.get("name") if ref is not None else None) or _text(ref),
        "title": _text(rec.find("titles/title")),
        "authors": _all(rec, "contributors/authors/author"),
        "year": year_of(_text(rec.find("dates/year"))),
        "journal": journal,
        "journal_abbrev": abbrev if abbrev != journal else None,
        "volume": _text(rec.find("volume")),
        "issue": _text(rec.find("number")),
        "pages": _text(rec.find("pages")),
        "doi": _text(rec.find("electronic-resource-num")),
        "pmid": accession if accession and accession.isdigit() else None,
        "accession": accession,
        "issn": _text(rec.find("isbn")),
        "abstract": _text(rec.find("abstract")),
        "keywords": _all(rec, "keywords/keyword"),
        "language": _text(rec.find("language")),
        "notes": _text(rec.find("notes")),
    }


def parse_endnote_xml(text: str, file: str | Path = "<text>") -> Parsed:
    """Parse EndNote XML text record by record."""
    out = Parsed(dialect="endnote_xml")
    lines = LineCounter(text)
    opens = [m for m in _OPEN.finditer(text)]
    for ordinal, m in enumerate(opens, 1):
        s = m.start()
        nxt = opens[ordinal].start() if ordinal < len(opens) else len(text)
        close = text.find(_CLOSE, s, nxt)
        e = close + len(_CLOSE) if close >= 0 else nxt
        ls = lines.at(s)
        le = ls + text.count("\n", s, e)
        raw = text[s:e]
        reason = None
        if close < 0:
            reason = "<record> without its </record> (truncated or damaged XML)"
        else:
            try:
                rec = ET.fromstring(raw)
            except ET.ParseError as exc:
                reason = f"broken XML in this record: {exc}"
        if reason:
            out.rejected.append(
                {"ordinal": ordinal, "line_start": ls, "line_end": le, "reason": reason, "raw": raw}
            )
            continue
        row = fields_of(rec)
        row.update(ordinal=ordinal, line_start=ls, line_end=le, raw=raw)
        out.rows.append(row)
    out.records_in = len(opens)
    return out
