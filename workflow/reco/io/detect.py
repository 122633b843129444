"""Which export dialect a file is in, decided from its content (never from its name alone).

Checks run from the most to the least specific signature on the first 256 kB of decoded text.
Within RIS, the database is told apart by fields each platform writes (``DB  - Embase``, an
``app.dimensions.ai`` URL, ``ID  - CN-`` ...); a RIS file with no such sign is plain ``ris``,
which parses the same way. A dialect is not a database: the database always comes from config.
"""

from __future__ import annotations

import re
from pathlib import Path

from reco.errors import InputError

DIALECTS = (
    "ris",
    "ovid_ris",
    "ovid_tagged",
    "ebsco_ris",
    "cochrane_ris",
    "proquest_ris",
    "wos_ris",
    "wos_plaintext",
    "wos_tabdelimited",
    "scopus_ris",
    "scopus_csv",
    "embase_ris",
    "embase_csv",
    "endnote_ris",
    "zotero_ris",
    "endnote_xml",
    "pubmed_nbib",
    "dimensions_ris",
    "scielo_ris",
    "csv",
)

_HEAD = 262144
#: A CSV is recognised by a title column among its headers (else set dialect: csv + column_map).
_CSV_TITLES = {"title", "article title", "primary title", "ti", "document title"}


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.M) is not None


def ris_subdialect(head: str) -> str:
    """The RIS dialect from platform-specific fields in the first records."""
    if _has(r"^\d+\.[ \t]*\n+TY  - ", head) or "ovidsp.ovid.com" in head:
        return "ovid_ris"
    if _has(r"^ID  - CN-\d{6,}", head) or "cochranelibrary.com" in head:
        return "cochrane_ris"
    if _has(r"^DB  - Embase", head) or "www.embase.com" in head:
        return "embase_ris"
    if _has(r"^(DB  - SciELO|DP  - http://www\.scielo\.org)", head):
        return "scielo_ris"
    if "app.dimensions.ai" in head:
        return "dimensions_ris"
    if _has(r"^DB  - Scopus", head) or "www.scopus.com" in head:
        return "scopus_ris"
    if "search.proquest.com" in head or "www.proquest.com" in head:
        return "proquest_ris"
    if _has(r"^(DP  - EBSCOhost|UR  - https?://search\.ebscohost\.com)", head):
        return "ebsco_ris"
    if _has(r"^(AN|UT)  - WOS:", head) or _has(r"^WE  - ", head):
        return "wos_ris"
    if _has(r"^ID  - \d+\n", head) and _has(r"^DP  - ", head):
        return "endnote_ris"
    if _has(r"^J2  - ", head) and _has(r"^DA  - ", head) and not _has(r"^ID  - ", head):
        return "zotero_ris"
    return "ris"


def detect(text: str, file: str | Path = "<text>") -> str:
    """The dialect of decoded export ``text``; :class:`InputError` when it is none we know."""
    head = text[:_HEAD].lstrip("\ufeff")
    stripped = head.lstrip()
    if stripped.startswith("<?xml") or stripped.startswith("<xml"):
        if "<record" in head and (
            "<ref-type" in head or "<rec-number" in head or "<titles" in head
        ):
            return "endnote_xml"
        raise InputError(
            "XML file that is not an EndNote XML export (no <record> with <ref-type>/<titles>)",
            file=file,
            line=1,
            fix="export the library from EndNote as 'XML', or export RIS instead.",
        )
    if _has(r"^FN ", head) and _has(r"^(PT|ER)( |$)", head):
        return "wos_plaintext"
    first_line = stripped.split("\n", 1)[0]
    if "\t" in first_line:
        cols = first_line.split("\t")
        if "UT" in cols or ("PT" in cols and "AU" in cols and "TI" in cols):
            return "wos_tabdelimited"
    if _has(r"^<\d+\. >[ \t]*$", head):
        return "ovid_tagged"
    if _has(r"^PMID- ?\d", head):
        return "pubmed_nbib"
    if _has(r"^TY  - ", head):
        return ris_subdialect(head)
    if _has(r"^(PT|AU|TI) [^\n]+\n(?:(?:[A-Z][A-Z0-9] |   )[^\n]*\n)*ER\s*$", head):
        return "wos_plaintext"
    if "," in first_line or ";" in first_line or "\t" in first_line:
        lower = first_line.lower()
        if "eid" in lower and ("source title" in lower or "author(s) id" in lower):
            return "scopus_csv"
        if "author names" in lower and "source" in lower and "emtree" in lower:
            return "embase_csv"
        cells = {c.strip().strip('"').strip().lower() for c in re.split(r"[,;\t]", lower)}
        if len(cells) >= 2 and cells & _CSV_TITLES:
            return "csv"
    raise InputError(
        "unknown export format: no RIS 'TY  - ', MEDLINE 'PMID- ', WoS 'FN'/'PT', Ovid '<1. >', "
        "EndNote XML or CSV header found",
        file=file,
        line=1,
        fix="export the records as RIS (or the database's tagged/plain-text format), or set "
        "'dialect:' for this export in the config (or --dialect) to one of: " + ", ".join(DIALECTS),
    )
