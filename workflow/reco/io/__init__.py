"""Readers for search exports: one module per format family, chosen by :func:`parse`.

- ``decode``: bytes to text (BOMs, UTF-16, cp1252 fallback, line ends);
- ``detect``: the dialect from the content;
- ``ris``: RIS and its database dialects; ``ovid``: Ovid tagged text (``<n. >`` markers);
- ``medline``: PubMed/MEDLINE ``.nbib``; ``wos``: Web of Science plain text and tab-delimited;
- ``endnote_xml``: EndNote XML; ``table``: CSV (Scopus, Embase.com, or any CSV with a column map).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reco.errors import InputError
from reco.io.base import Parsed
from reco.io.detect import DIALECTS


def parse(
    text: str,
    dialect: str,
    file: str | Path = "<text>",
    column_map: dict[str, str] | None = None,
) -> Parsed:
    """Parse decoded ``text`` of ``file`` in ``dialect`` (already detected or configured)."""
    from reco.io import ris

    if dialect in ris.RIS_DIALECTS:
        return ris.parse_ris(text, dialect)
    if dialect == "ovid_tagged":
        from reco.io import ovid

        return ovid.parse_ovid_tagged(text)
    if dialect == "pubmed_nbib":
        from reco.io import medline

        return medline.parse_nbib(text)
    if dialect == "wos_plaintext":
        from reco.io import wos

        return wos.parse_plaintext(text)
    if dialect == "wos_tabdelimited":
        from reco.io import wos

        return wos.parse_tabdelimited(text, file)
    if dialect == "endnote_xml":
        from reco.io import endnote_xml

        return endnote_xml.parse_endnote_xml(text, file)
    if dialect in ("scopus_csv", "embase_csv", "csv"):
        from reco.io import table

        return table.parse_csv(text, dialect, file, column_map)
    raise InputError(
        f"unknown dialect {dialect!r}",
        file=file,
        fix="use 'auto' or one of: " + ", ".join(DIALECTS),
    )


__all__: list[Any] = ["parse", "Parsed", "DIALECTS"]
