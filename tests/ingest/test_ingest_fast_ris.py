"""The vectorised RIS reader gives exactly the rows of the line-exact parser, or steps aside.

Every real RIS sample (fixtures, and ../shared when present) and variants with CRLF, CR-only
and BOM line ends are parsed both ways and compared column by column.
"""

from __future__ import annotations

import polars as pl
import pytest
from helpers_ingest import FIXTURES, manifest
from reco.ingest import _ROW_SCHEMA
from reco.io.decode import decode_bytes
from reco.io.detect import detect
from reco.io.ris import RIS_DIALECTS, parse_ris
from reco.io.ris_fast import parse_ris_frame


def both(data: bytes):
    text = decode_bytes(data).text
    dialect = detect(text)
    exact = parse_ris(text, dialect)
    fast = parse_ris_frame(data, dialect)
    return exact, fast


def check_same(data: bytes, name: str) -> None:
    exact, fast = both(data)
    if exact.rejected or exact.warnings or exact.dialect == "ovid_ris":
        assert fast is None, name  # irregular files go to the exact parser
        return
    assert fast is not None, name
    want = pl.DataFrame(
        {k: [r.get(k) for r in exact.rows] for k in _ROW_SCHEMA}, schema=_ROW_SCHEMA
    )
    got = fast.select(list(_ROW_SCHEMA)).cast(_ROW_SCHEMA)
    for col in _ROW_SCHEMA:
        assert got[col].to_list() == want[col].to_list(), (name, col)


RIS_ROWS = [r for r in manifest(FIXTURES) if r["dialect"] in RIS_DIALECTS]


@pytest.mark.parametrize("row", RIS_ROWS, ids=[r["path"] for r in RIS_ROWS])
def test_fast_equals_exact_on_fixtures(row):
    data = (FIXTURES / row["path"]).read_bytes()
    check_same(data, row["path"])
    body = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    check_same(body.replace(b"\n", b"\r\n"), row["path"] + " CRLF")
    check_same(body.replace(b"\n", b"\r"), row["path"] + " CR")
    check_same(b"\xef\xbb\xbf\n\n" + body, row["path"] + " BOM + blank lines")


def test_fast_equals_exact_on_shared(shared):
    folder = shared / "benchmarks" / "ingest"
    for row in manifest(folder):
        if row["dialect"] in RIS_DIALECTS:
            check_same((folder / row["path"]).read_bytes(), row["path"])


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[: t.rindex("ER  -")],  # last record without ER
        lambda t: t.replace("ER  -", "EX  -", 1),  # first record without ER
        lambda t: "stray text\n" + t,  # text before the first record
        lambda t: t + "\nAU  - Orphan, A\n",  # tagged line after the last record
    ],
)
def test_irregular_files_fall_back(mutate):
    text = (FIXTURES / "zotero_ris" / "asreview_pubmed_zotero.ris").read_text(encoding="utf-8")
    assert parse_ris_frame(mutate(text).encode(), "ris") is None


def test_not_utf8_falls_back():
    data = (FIXTURES / "zotero_ris" / "asreview_pubmed_zotero.ris").read_bytes()
    assert parse_ris_frame(data.replace(b"Rudnik", b"Rudn\xe9k"), "ris") is None


def test_fast_strips_whitespace_as_python_does():
    from reco.io.ris_fast import _PY_SPACE

    assert _PY_SPACE == "".join(chr(i) for i in range(0x110000) if chr(i).isspace())
    text = "TY  - JOUR\nTI  - Title\x1f \u3000\nAU  - \xa0Name, A\x1c\nER  - \n"
    check_same(text.encode("utf-8"), "unicode whitespace")
