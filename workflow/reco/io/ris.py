"""RIS and its database dialects (Ovid, EBSCO, Cochrane, ProQuest, WoS, Scopus, Embase.com, ...).

One pass over the decoded text: a compiled regex finds the ``TY``/``ER`` lines that open and close
records; a second one, run on each record's span, yields ``(tag, value)`` pairs with continuation
lines (lines without a tag) joined by single spaces. Dialects differ only in where the native id,
journal names, accession and PMID sit (see ``_DIALECT``); Ovid RIS adds numbered ``1.`` lines
before each record and tags after ``ER`` (handled by splitting on the numbers).

Records without an ``ER`` line (a truncated file, a cut-and-paste error) are rejected with their
line span, not guessed: their last fields may be cut. Tagged lines outside any ``TY``..``ER``
block are rejected as one record each block (no ``TY``).
"""

from __future__ import annotations

import re
from typing import Any

from reco.io.base import LineCounter, Parsed, first, pages_of, year_of

_BOUND = re.compile(r"^(TY|ER)  -[^\n]*", re.M)
_FIELD = re.compile(r"^([A-Z][A-Z0-9])  -[ ]?([^\n]*(?:\n(?![A-Z][A-Z0-9]  -)[^\n]*)*)", re.M)
_TAGLINE = re.compile(r"^[A-Z][A-Z0-9]  -", re.M)
_OVID_MARK = re.compile(r"^\d+\.[ \t]*$", re.M)
_PMID_IN = re.compile(r"^(\d{1,9})\s*\[PMID\]$", re.I)
#: Cochrane CENTRAL cross-references: "PUBMED 31234567" (in AN, M1, M3, U1, PM or XR).
_PUBMED_XREF = re.compile(r"\bPUBMED\s+(\d{1,9})\b")
#: EBSCOhost (CINAHL, Academic Search, ...) writes the DOI in ``L3`` ("related records").
DOI_IN_L3 = r"^10\.\d{4,9}/\S+$"
_DOI_IN_L3 = re.compile(DOI_IN_L3)

#: Per dialect: tags holding the native id (first present wins) and extra accession tags.
_NATIVE: dict[str, tuple[str, ...]] = {
    "ovid_ris": ("ID", "AN"),
    "ebsco_ris": ("ID", "AN"),
    "wos_ris": ("UT", "AN"),
}
_ACCESSION: dict[str, tuple[str, ...]] = {
    "embase_ris": ("AN", "U2"),
    "cochrane_ris": ("AN", "ID"),
    "wos_ris": ("UT", "AN"),
}

RIS_DIALECTS = (
    "ris",
    "ovid_ris",
    "ebsco_ris",
    "cochrane_ris",
    "proquest_ris",
    "wos_ris",
    "scopus_ris",
    "embase_ris",
    "endnote_ris",
    "zotero_ris",
    "dimensions_ris",
    "scielo_ris",
)


def _join(value: str) -> str:
    if "\n" not in value:
        return value.strip()
    return " ".join(part.strip() for part in value.split("\n") if part.strip())


def tags_of(text: str, start: int, end: int) -> dict[str, list[str]]:
    """All ``(tag, value)`` pairs of ``text[start:end]`` grouped by tag, in order."""
    tags: dict[str, list[str]] = {}
    for tag, value in _FIELD.findall(text, start, end):
        value = _join(value)
        lst = tags.get(tag)
        if lst is None:
            tags[tag] = [value]
        else:
            lst.append(value)
    return tags


def fields_of(tags: dict[str, list[str]], dialect: str) -> dict[str, Any]:
    """Map one record's RIS tags to reco's fields for ``dialect``."""
    g = tags.get
    journal = first(g("JF")) or first(g("T2")) or first(g("JO"))
    jo = first(g("JO"))
    abbrev = (
        first(g("JA"))
        or first(g("J2"))
        or first(g("J1"))
        or first(g("JI"))
        or first(g("J9"))
        or (jo if jo and jo != journal else None)
    )
    if journal is None:
        journal = abbrev
    authors = [a for a in (g("AU") or g("A1") or ()) if a]
    native = None
    for tag in _NATIVE.get(dialect, ("ID",)):
        native = first(g(tag))
        if native:
            break
    accession = None
    for tag in _ACCESSION.get(dialect, ("AN",)):
        accession = first(g(tag))
        if accession:
            break
    pmid = None
    for value in g("U1") or ():
        m = _PMID_IN.match(value.strip())
        if m:
            pmid = m.group(1)
            break
    if pmid is None and dialect == "cochrane_ris":
        for tag in ("PM", "AN", "M1", "M3", "U1", "XR"):
            for value in g(tag) or ():
                m = _PUBMED_XREF.search(value)
                if m:
                    pmid = m.group(1)
                    break
            if pmid:
                break
    if pmid is None and first(g("DP")) == "NLM":
        an = first(g("AN"))
        if an and an.isdigit():
            pmid = an
    doi = first(g("DO")) or first(g("DI"))
    if doi is None and dialect == "ebsco_ris":
        l3 = first(g("L3"))
        doi = l3 if l3 and _DOI_IN_L3.match(l3) else None
    abstract = g("AB") or g("N2")
    notes = g("N1")
    ab = " ".join(a for a in abstract if a) if abstract else None
    return {
        "native_id": native,
        "type": first(g("TY")),
        "title": first(g("TI")) or first(g("T1")) or first(g("CT")),
        "authors": authors,
        "year": year_of(first(g("PY")) or first(g("Y1")) or first(g("DA"))),
        "journal": journal,
        "journal_abbrev": abbrev,
        "volume": first(g("VL")),
        "issue": first(g("IS")),
        "pages": pages_of(first(g("SP")), first(g("EP"))),
        "doi": doi,
        "pmid": pmid,
        "accession": accession,
        "issn": first(g("SN")),
        "abstract": ab or None,
        "keywords": [k for k in (g("KW") or ()) if k],
        "language": first(g("LA")),
        "notes": "\n".join(n for n in notes if n) or None if notes else None,
    }


def _line_end(text: str, pos: int) -> int:
    """Offset just past the end of the line containing ``pos`` (without its newline)."""
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl


def _trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing blank lines and spaces of ``text[start:end]``."""
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return end


def parse_ris(text: str, dialect: str = "ris") -> Parsed:
    """Parse RIS text (any RIS dialect); Ovid RIS with numbered records is split on the numbers."""
    if dialect == "ovid_ris" and _OVID_MARK.search(text):
        return _parse_ovid_numbered(text)
    out = Parsed(dialect=dialect)
    lines = LineCounter(text)
    ordinal = 0
    open_at = -1
    prev_end = 0
    stray_text = 0

    def add(start: int, end: int, *, reason: str | None = None) -> None:
        """Record ``text[start:end]`` as the next record: parsed, or rejected with ``reason``."""
        nonlocal ordinal
        ordinal += 1
        ls = lines.at(start)
        row = None if reason else fields_of(tags_of(text, start, end), dialect)
        le = ls + text.count("\n", start, end)
        out.add(ordinal, ls, le, text[start:end], row=row, reason=reason)

    def stray(s: int, e: int) -> None:
        nonlocal stray_text
        if not text[s:e].strip():
            return
        m = _TAGLINE.search(text, s, e)
        if m is None:
            stray_text += 1
            return
        add(
            m.start(),
            _trim_end(text, s, e),
            reason="tagged lines outside a record (no 'TY  - ' line before them); "
            "the start of this record is missing",
        )

    for m in _BOUND.finditer(text):
        pos = m.start()
        if m.group(1) == "TY":
            if open_at >= 0:
                add(
                    open_at,
                    _trim_end(text, open_at, pos),
                    reason="record has no 'ER  -' end line before the next 'TY  -' line "
                    "(truncated or damaged record)",
                )
            else:
                stray(prev_end, pos)
            open_at = pos
        else:  # ER
            end = m.end()
            if open_at < 0:
                stray(prev_end, pos)
                prev_end = end
                continue
            add(open_at, end)
            open_at = -1
            prev_end = end
    if open_at >= 0:
        add(
            open_at,
            _trim_end(text, open_at, len(text)),
            reason="file ends inside this record (no 'ER  -' end line): the export is truncated",
        )
    else:
        stray(prev_end, len(text))
    if stray_text:
        out.warnings.append(
            f"{stray_text} block(s) of untagged text outside records were ignored (not records)"
        )
    out.records_in = _count_ty(text) + sum(1 for r in out.rejected if "no 'TY" in r["reason"])
    return out


def _count_ty(text: str) -> int:
    return sum(1 for m in _BOUND.finditer(text) if m.group(1) == "TY")


def _parse_ovid_numbered(text: str) -> Parsed:
    """Ovid RIS: each record starts at a line ``<n>.``; tags after ``ER`` (NL ...) belong to it."""
    out = Parsed(dialect="ovid_ris")
    lines = LineCounter(text)
    marks = [m.start() for m in _OVID_MARK.finditer(text)]
    head = text[: marks[0]]
    if _TAGLINE.search(head):
        out.warnings.append("tagged lines before the first numbered Ovid record were ignored")
    bounds = marks + [len(text)]
    for ordinal, (s, e) in enumerate(zip(bounds, bounds[1:], strict=False), 1):
        e = _trim_end(text, s, e)
        ls = lines.at(s)
        le = ls + text.count("\n", s, e)
        tags = tags_of(text, s, e)
        missing = " and ".join(t for t in ("TY", "ER") if t not in tags)
        reason = (
            f"numbered Ovid record without its {missing} line (truncated or damaged record)"
            if missing
            else None
        )
        row = None if missing else fields_of(tags, "ovid_ris")
        out.add(ordinal, ls, le, text[s:e], row=row, reason=reason)
    out.records_in = len(marks)
    return out
