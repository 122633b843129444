"""CSV exports: Scopus CSV, Embase.com CSV, and any CSV with a column map.

Rows are read with the standard ``csv`` module so that each record keeps its line span (quoted
fields may hold newlines) and raw text. A row with fewer cells than the header (a file cut
mid-row) is rejected. Column maps name, for each reco field, the header holding it; the
generic ``csv`` dialect uses ``column_map`` from the config, falling back to common header names.
Embase.com CSV has no year/volume/pages/DOI columns: they are read from ``Source``
("Cancer (2004) 102:4 (253-258). Date of Publication: ...") and the OpenURL link (``id=doi:``).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from reco.errors import ConfigError, InputError
from reco.io.base import Parsed, pages_of, year_of
from reco.io.csvtable import delimiter_of

#: reco field -> header(s) holding it, per dialect (first non-empty wins; keywords join all).
SCOPUS = {
    "title": ["Title"],
    "authors": ["Authors", "Author full names"],
    "year": ["Year"],
    "journal": ["Source title"],
    "journal_abbrev": ["Abbreviated Source Title"],
    "volume": ["Volume"],
    "issue": ["Issue"],
    "doi": ["DOI"],
    "pmid": ["PubMed ID"],
    "accession": ["EID"],
    "issn": ["ISSN"],
    "abstract": ["Abstract"],
    "keywords": ["Author Keywords", "Index Keywords"],
    "language": ["Language of Original Document"],
    "type": ["Document Type"],
}
EMBASE = {
    "title": ["Title"],
    "authors": ["Author Names"],
    "year": ["Publication Year"],
    "journal": ["Source title", "Source Title"],
    "volume": ["Volume"],
    "issue": ["Issue"],
    "doi": ["DOI"],
    "pmid": ["Medline PMID", "PUI"],
    "accession": ["Embase Accession ID", "PUI"],
    "issn": ["ISSN"],
    "abstract": ["Abstract"],
    "keywords": ["Author Keywords", "Emtree Medical Index Terms", "Emtree Drug Index Terms"],
    "language": ["Article Language"],
    "type": ["Publication Type"],
}
#: Header names (lower case) tried for a plain CSV without a column map.
GENERIC = {
    "id": ["id", "record id", "record_id"],
    "title": ["title", "article title", "primary title", "ti"],
    "authors": ["authors", "author", "author names", "au"],
    "year": ["year", "publication year", "py", "pubyear"],
    "journal": ["journal", "source title", "journal/book", "secondary title", "source"],
    "volume": ["volume", "vl"],
    "issue": ["issue", "number", "is"],
    "pages": ["pages", "page", "pg"],
    "doi": ["doi", "do"],
    "pmid": ["pmid", "pubmed id"],
    "issn": ["issn", "sn"],
    "abstract": ["abstract", "ab"],
    "keywords": ["keywords", "author keywords", "kw"],
    "language": ["language", "la"],
    "type": ["type", "document type", "publication type"],
}
_INITIALS = re.compile(r"(?:^|\s)[A-Z][a-z]?\.?(?:[-.]?[A-Z]\.?)*$")
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s*(?P<volume>[^\s:(]+)?(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_KEYWORD_SPLIT = re.compile(r"\s*;\s*")
_COMMA_OUTSIDE_PARENS = re.compile(r"\s*,\s*(?![^()]*\))")


def split_authors(value: str | None) -> list[str]:
    """ "A; B" -> [A, B]; Scopus/Embase "Craig C., Villard M.-A." -> two names; else one name."""
    if not value or value.strip() in ("[No author name available]", ""):
        return []
    if ";" in value:
        return [p.strip() for p in value.split(";") if p.strip()]
    parts = [p.strip() for p in value.split(", ")]
    if len(parts) > 1 and all(_INITIALS.search(p) for p in parts):
        return parts
    return [value.strip()]


def _split_keywords(value: str) -> list[str]:
    sep = _KEYWORD_SPLIT if ";" in value else _COMMA_OUTSIDE_PARENS
    return [k for k in sep.split(value.strip()) if k]


def parse_csv(
    text: str, dialect: str, file: str | Path = "<text>", column_map: dict[str, str] | None = None
) -> Parsed:
    """Parse a CSV export in ``dialect`` (scopus_csv, embase_csv or csv with a column map)."""
    out = Parsed(dialect=dialect)
    text = text.lstrip("\ufeff")
    csv.field_size_limit(sys.maxsize)
    lines = text.split("\n")
    skip = 0
    while skip < len(lines) and not lines[skip].strip():
        skip += 1
    if skip == len(lines):
        raise InputError("CSV without a header row", file=file, fix="re-export with headers.")
    reader = csv.reader(io.StringIO("\n".join(lines[skip:])), delimiter=delimiter_of(lines[skip]))
    header = [h.strip() for h in next(reader)]
    mapping = _mapping(header, dialect, file, column_map)
    index = {h: i for i, h in reversed(list(enumerate(header)))}
    prev = reader.line_num
    ordinal = 0
    for cells in reader:
        start, end = prev + 1 + skip, reader.line_num + skip
        prev = reader.line_num
        raw = "\n".join(lines[start - 1 : end])
        if not any(c.strip() for c in cells):
            continue
        ordinal += 1
        if len(cells) < len(header):
            out.rejected.append(
                {
                    "ordinal": ordinal,
                    "line_start": start,
                    "line_end": end,
                    "reason": f"row has {len(cells)} cells, the header has {len(header)} "
                    "(truncated row or unbalanced quotes)",
                    "raw": raw,
                }
            )
            continue
        row = _fields(cells, index, mapping, dialect)
        row.update(ordinal=ordinal, line_start=start, line_end=end, raw=raw)
        out.rows.append(row)
    out.records_in = ordinal
    return out


def _mapping(
    header: list[str], dialect: str, file: str | Path, column_map: dict[str, str] | None
) -> dict[str, list[str]]:
    present = set(header)
    if column_map:
        bad = sorted(v for v in column_map.values() if v not in present)
        if bad:
            raise ConfigError(
                f"column_map names column(s) not in the CSV header: {', '.join(bad)}",
                file=file,
                line=1,
                fix=f"use header names from: {', '.join(header)}.",
            )
        return {k: [v] for k, v in column_map.items()}
    if dialect == "scopus_csv":
        base = SCOPUS
    elif dialect == "embase_csv":
        base = EMBASE
    else:
        lower = {h.lower(): h for h in reversed(header)}
        base = {}
        for fld, names in GENERIC.items():
            hits = [lower[n] for n in names if n in lower]
            if hits:
                base[fld] = hits[:1]
    mapping = {k: [h for h in v if h in present] for k, v in base.items()}
    mapping = {k: v for k, v in mapping.items() if v}
    if "title" not in mapping:
        raise InputError(
            f"no title column found in the CSV header ({', '.join(header[:15])})",
            file=file,
            line=1,
            fix="add 'column_map:' to this export in the config, e.g. {title: 'Article Title', "
            "authors: 'Author', year: 'Pub Year', doi: 'DOI'}.",
        )
    return mapping


def _fields(
    cells: list[str], index: dict[str, int], mapping: dict[str, list[str]], dialect: str
) -> dict[str, Any]:
    def get(field: str) -> str | None:
        for h in mapping.get(field, ()):
            v = cells[index[h]].strip()
            if v:
                return v
        return None

    keywords: list[str] = []
    for h in mapping.get("keywords", ()):
        v = cells[index[h]].strip()
        if v:
            keywords += _split_keywords(v)
    row: dict[str, Any] = {
        "native_id": get("id"),
        "type": get("type"),
        "title": get("title"),
        "authors": split_authors(get("authors")),
        "year": year_of(get("year")),
        "journal": get("journal"),
        "journal_abbrev": get("journal_abbrev"),
        "volume": get("volume"),
        "issue": get("issue"),
        "pages": get("pages"),
        "doi": get("doi"),
        "pmid": get("pmid"),
        "accession": get("accession"),
        "issn": get("issn"),
        "abstract": get("abstract"),
        "keywords": keywords,
        "language": get("language"),
        "notes": get("notes"),
    }
    if dialect == "scopus_csv":
        start = cells[index["Page start"]].strip() if "Page start" in index else ""
        end = cells[index["Page end"]].strip() if "Page end" in index else ""
        art = cells[index["Art. No."]].strip() if "Art. No." in index else ""
        row["pages"] = pages_of(start, end) or art or None
    elif dialect == "embase_csv":
        _embase_extras(row, cells, index)
    return row


def _embase_extras(row: dict[str, Any], cells: list[str], index: dict[str, int]) -> None:
    source = cells[index["Source"]].strip() if "Source" in index else ""
    m = _EMBASE_SOURCE.match(source)
    if m:
        row["journal"] = row["journal"] or m.group("journal")
        row["year"] = row["year"] or int(m.group("year"))
        row["volume"] = row["volume"] or m.group("volume")
        row["issue"] = row["issue"] or m.group("issue")
        row["pages"] = row["pages"] or m.group("pages")
    elif source:
        row["year"] = row["year"] or year_of(source)
    link = cells[index["Open URL Link"]].strip() if "Open URL Link" in index else ""
    if link:
        query = parse_qs(urlsplit(link).query)
        for ident in query.get("id", []):
            if ident.startswith("doi:") and not row["doi"]:
                row["doi"] = ident[4:]
        if not row["issn"] and query.get("issn"):
            row["issn"] = query["issn"][0]
        if query.get("stitle"):
            row["journal_abbrev"] = query["stitle"][0]
