"""Field-level checks against the real files: all 500 WoS plain-text records and both Ovid records.

The WoS check compares every record with a deliberately simple, separate reader of the plain-text
format (line by line, no regex), and specific records with values read off the file by hand.
"""

from __future__ import annotations

import pytest
from reco.ingest import ExportSpec, ingest_files

WOS = "wos_plaintext_r0001-0500.txt"


def _reference_wos(path):
    """Independent line-by-line reader: list of {tag: [lines]} per PT..ER record."""
    records, cur, tag = [], None, None
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("PT "):
            cur, tag = {}, None
        if cur is None:
            continue
        if line.rstrip() == "ER":
            records.append(cur)
            cur = None
            continue
        if line.startswith("   ") and tag:
            cur[tag].append(line.strip())
        elif len(line) > 3 and line[2] == " ":
            tag = line[:2]
            cur.setdefault(tag, []).append(line[3:].strip())
    return records


@pytest.fixture(scope="module")
def wos(shared):
    path = shared / "benchmarks" / "ingest" / WOS
    return path, ingest_files([ExportSpec(file=path, database="Web of Science")])


def test_all_500_wos_records_match_an_independent_reader(wos):
    path, result = wos
    ref = _reference_wos(path)
    df = result.records
    assert len(ref) == df.height == 500 and result.rejected.height == 0
    for rec, got in zip(ref, df.iter_rows(named=True), strict=True):
        assert got["title"] == " ".join(rec["TI"])
        assert got["authors"] == rec["AU"]
        assert got["year"] == int(rec["PY"][0])
        # a DI listing several DOIs over continuation lines gives the first one
        assert got["doi"] == (rec["DI"][0].split(";")[0] if "DI" in rec else None)
        assert got["source_id"] == rec["UT"][0] and got["accession"] == rec["UT"][0]
        assert got["pmid"] == (rec["PM"][0] if "PM" in rec else None)
        assert got["journal"] == rec["SO"][0]
        assert got["volume"] == (rec["VL"][0] if "VL" in rec else None)
        assert got["abstract"] == (" ".join(rec["AB"]) if "AB" in rec else None)
    assert df.get_column("record_id").n_unique() == 500


def test_specific_wos_records_as_in_the_file(wos):
    _, result = wos
    df = result.records
    r = df.row(249, named=True)  # record 250, lines 17687-17737 of the file
    assert r["record_id"] == "wos_plaintext_r0001-0500:WOS:000506192400017"
    assert (r["ordinal"], r["line_start"], r["line_end"]) == (250, 17687, 17737)
    assert r["title"] == (
        "Factors of patient satisfaction in adult outpatient departments of private wing and "
        "regular services in public hospitals of Addis Ababa, Ethiopia: a comparative "
        "cross-sectional study"
    )
    assert r["authors"] == ["Geberu, DM", "Biks, GA", "Gebremedhin, T", "Mekonnen, TH"]
    assert (r["year"], r["volume"], r["issue"], r["pages"]) == (2019, "19", "1", "869")
    assert r["doi"] == "10.1186/s12913-019-4685-x" and r["pmid"] == "31752821"
    assert (
        r["journal"] == "BMC HEALTH SERVICES RESEARCH"
        and r["journal_abbrev"] == "BMC Health Serv. Res."
    )
    assert (
        r["type"] == "Article" and r["language"] == "English" and r["database"] == "Web of Science"
    )
    assert r["raw"].startswith("PT J\nAU Geberu, DM\n") and r["raw"].endswith("\nER")
    first = df.row(0, named=True)
    assert first["source_id"] == "WOS:000515096600001" and first["pmid"] == "31891577"
    assert (first["volume"], first["issue"], first["pages"]) == ("14", "12", "e0207499")
    assert first["line_start"] == 3  # after the FN and VR header lines
    last = df.row(499, named=True)
    assert last["line_end"] == 34989 and last["doi"] == "10.1371/journal.pone.0223836"


@pytest.mark.parametrize(
    "name,first_end,second_start",
    [("ovid_embase_r3001-3002.txt", 73, 75), ("ovid_embase_citavi_r3001-3002.ovd", 70, 72)],
)
def test_both_ovid_tagged_records(shared, name, first_end, second_start):
    path = shared / "benchmarks" / "ingest" / name
    result = ingest_files([ExportSpec(file=path, database="Embase")])
    df = result.records
    assert df.height == 2 and result.rejected.height == 0
    a, b = df.row(0, named=True), df.row(1, named=True)
    stem = path.stem
    assert a["record_id"] == f"{stem}:621381829" and b["record_id"] == f"{stem}:621381823"
    assert (
        a["title"]
        == "Quality of life in patients with primary ciliary dyskinesia: A systematic review."
    )
    assert a["authors"] == ["Behan L.", "Rubbo B.", "Lucas J.S.", "Galvin A.D."]
    assert b["authors"] == ["Dyskinesia P.C.", "Server E.A."]
    assert a["year"] == b["year"] == 2018
    assert a["doi"] == b["doi"] == "http://dx.doi.org/10.1186/s12919-018-0099-8"
    assert a["issn"] == "1753-6561" and a["language"] == "English"
    assert a["type"] == "Conference Abstract"
    assert a["journal"] == "BMC Proceedings" and a["volume"] == "12"
    assert a["issue"] == "Supplement 3" and a["pages"] is None  # "(no pagination)"
    # the abstract's four paragraphs are one value in both flavours, with nothing lost
    assert a["abstract"].startswith("Background: As in most rare diseases")
    assert "patients. Method(s): We searched MEDLINE" in a["abstract"]
    assert a["abstract"].endswith("Interventions that ameliorate these issues need investigation.")
    assert "*Kartagener syndrome" in a["keywords"] and len(a["keywords"]) == 20
    assert (a["line_start"], a["line_end"], b["line_start"]) == (1, first_end, second_start)
    assert a["raw"].startswith("<3001. >\nVN  - Ovid Technologies")
    assert b["raw"].rstrip().endswith("CR  - Copyright 2018 Elsevier B.V., All rights reserved.")


def test_pubmed_nbib_fields_and_crlf(tmp_path):
    from helpers_ingest import FIXTURES

    # named CRLF upstream, but stored with LF: write the CRLF form too; both must parse alike
    path = FIXTURES / "pubmed_nbib" / "reflib_medline_language_CRLF.nbib"
    crlf = tmp_path / "crlf.nbib"
    crlf.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    df = ingest_files([ExportSpec(file=path)]).records
    df2 = ingest_files([ExportSpec(file=crlf)]).records
    assert df.drop("record_id", "source_file").equals(df2.drop("record_id", "source_file"))
    r = df.row(0, named=True)
    assert r["record_id"] == "reflib_medline_language_CRLF:" + r["pmid"]
    assert r["title"] == "Domain-general mechanisms of complex working memory span."
    assert r["authors"][0] == "Chein JM" and r["doi"] == "10.1016/j.neuroimage.2010.07.067"
    assert "\r" not in r["raw"] and r["raw"].startswith("PMID- ")
    # every record's raw text is exactly its lines of the file
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").split("\n")
    for row in df.iter_rows(named=True):
        assert row["raw"] == "\n".join(text[row["line_start"] - 1 : row["line_end"]])
