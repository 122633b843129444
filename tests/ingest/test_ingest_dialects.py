"""Dialect details without a real sample (Cochrane CENTRAL RIS, plain CSV) and RIS tag variants.

Cochrane Library has no public real export here: the file below follows its documented RIS
layout (``ID  - CN-<8 digits>``, cochranelibrary.com URL); it shows the mapping, it does not
verify the dialect against a real export.
"""

from __future__ import annotations

import pytest
from reco.errors import ConfigError, InputError
from reco.ingest import ExportSpec, ingest_files
from reco.io.decode import decode_bytes
from reco.io.detect import detect

COCHRANE = """TY  - JOUR
ID  - CN-01750633
AU  - Drake, R E
AU  - Mueser, K T
TI  - Integrated treatment for dual disorders: a randomized trial
JO  - Psychiatric services
PY  - 2016
VL  - 67
IS  - 3
SP  - 281-9
KW  - *Alcoholism [therapy]
KW  - Humans
PM  - PUBMED 26567937
DO  - 10.5555/reco.cochrane.1
AB  - Objective: to compare integrated and parallel services.
UR  - https://www.cochranelibrary.com/central/doi/10.1002/central/CN-01750633/full
ER  -

TY  - JOUR
ID  - CN-01750634
AU  - Barrowclough, C
TI  - A second trial
JO  - BMJ
PY  - 2010
ER  -
"""


def _ingest(tmp_path, name, text, **kw):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return ingest_files([ExportSpec(file=p, **kw)])


def test_cochrane_ris_documented_layout(tmp_path):
    assert detect(COCHRANE) == "cochrane_ris"
    result = _ingest(tmp_path, "central_2020.ris", COCHRANE, database="Cochrane Library")
    df = result.records
    assert df["record_id"].to_list() == ["central_2020:CN-01750633", "central_2020:CN-01750634"]
    r = df.row(0, named=True)
    assert r["pmid"] == "26567937" and r["accession"] == "CN-01750633"
    assert r["pages"] == "281-9" and r["journal"] == "Psychiatric services"
    assert r["keywords"] == ["*Alcoholism [therapy]", "Humans"]
    assert r["database"] == "Cochrane Library" and r["dialect"] == "cochrane_ris"


RIS_VARIANTS = """TY  - JOUR
T1  - Title from T1
JF  - Journal of Dual Diagnosis
JA  - J Dual Diagn
Y1  - 2019/03/01/
SP  - 123
EP  - 129
AU  - One, A
ER  -
TY  - JOUR
TI  - Title from TI
T2  - Addiction
J2  - Addiction (Abingdon)
DA  - 2018/05/02
PY  - 2017
SP  - 2511-8
A1  - Two, B
ER  -
TY  - JOUR
TI  - Only JO
JO  - Drug Alcohol Depend
DA  - 2015
SP  - e1234
ER  -
"""


def test_ris_tag_variants(tmp_path):
    df = _ingest(tmp_path, "variants.ris", RIS_VARIANTS).records
    a, b, c = df.iter_rows(named=True)
    assert (a["title"], a["journal"], a["journal_abbrev"]) == (
        "Title from T1",
        "Journal of Dual Diagnosis",
        "J Dual Diagn",
    )
    assert (a["year"], a["pages"], a["authors"]) == (2019, "123-129", ["One, A"])
    assert (b["title"], b["journal"], b["journal_abbrev"]) == (
        "Title from TI",
        "Addiction",
        "Addiction (Abingdon)",
    )
    assert b["year"] == 2017  # PY wins over DA
    assert b["pages"] == "2511-8" and b["authors"] == ["Two, B"]  # A1 when no AU
    assert (c["journal"], c["year"], c["pages"]) == ("Drug Alcohol Depend", 2015, "e1234")


def test_csv_with_column_map(tmp_path):
    text = (
        "Ref,Article Title,Writers,Pub Year,Periodical,Digital Object Identifier\n"
        '17,"Assertive outreach, a trial",Smith J; Jones K,2004,Br J Psychiatry,10.5555/x.1\n'
        '18,"A multi-line\ntitle",Brown L,2011,Addiction,\n'
    )
    cmap = {
        "id": "Ref",
        "title": "Article Title",
        "authors": "Writers",
        "year": "Pub Year",
        "journal": "Periodical",
        "doi": "Digital Object Identifier",
    }
    result = _ingest(
        tmp_path, "handsearch.csv", text, dialect="csv", column_map=cmap, origin="other"
    )
    df = result.records
    assert df["record_id"].to_list() == ["handsearch:17", "handsearch:18"]
    a, b = df.iter_rows(named=True)
    assert a["title"] == "Assertive outreach, a trial" and a["authors"] == ["Smith J", "Jones K"]
    assert (a["year"], a["journal"], a["doi"]) == (2004, "Br J Psychiatry", "10.5555/x.1")
    assert b["title"] == "A multi-line\ntitle" and (b["line_start"], b["line_end"]) == (3, 4)
    assert b["doi"] is None
    assert result.counts["records_from_other_methods"] == 2


def test_csv_column_map_naming_a_missing_column(tmp_path):
    with pytest.raises(ConfigError, match="Titel"):
        _ingest(
            tmp_path, "x.csv", "Title,Year\nA,2001\n", dialect="csv", column_map={"title": "Titel"}
        )


def test_csv_without_title_column_asks_for_a_column_map(tmp_path):
    with pytest.raises(InputError) as exc:
        _ingest(tmp_path, "x.csv", "Name,When\nA,2001\n", dialect="csv")
    assert "column_map" in exc.value.fix


def test_csv_truncated_row_is_rejected(tmp_path):
    text = 'Title,Authors,Year\n"A",X,2001\n"B",Y,2002\n"C unfinished'
    result = _ingest(tmp_path, "cut.csv", text, dialect="csv")
    assert result.records.height == 2 and result.rejected.height == 1
    assert result.rejected.row(0, named=True)["line_start"] == 4


def test_decode_rules():
    assert decode_bytes("é".encode()).encoding == "utf-8"
    d = decode_bytes(b"Caf\xe9 \x93quoted\x94")
    assert d.text == "Café “quoted”" and d.encoding == "cp1252" and d.warnings
    assert decode_bytes(b"a\r\nb\rc\n").text == "a\nb\nc\n"


def test_utf8_head_tolerates_a_character_cut_at_the_edge():
    from reco.io.decode import utf8_head

    data = b"\xef\xbb\xbf" + "é".encode() * 10
    assert utf8_head(data, size=8) == "éé"  # BOM + 2.5 characters: the cut one is dropped
    assert utf8_head(b"ab\xe9cd", size=5) is None  # not UTF-8 inside the head


def test_ebsco_and_ovid_ris_use_an_when_there_is_no_id(tmp_path):
    from helpers_ingest import FIXTURES

    text = (FIXTURES / "ovid_ris" / "asreview_ovid_psycinfo.ris").read_text(encoding="utf-8")
    no_id = text.replace("ID  - 2019-65183-001", "AN  - 2019-65183-001")
    df = _ingest(tmp_path, "psycinfo.ris", no_id, dialect="ovid_ris").records
    assert df["record_id"][0] == "psycinfo:2019-65183-001"
    ebsco = "TY  - JOUR\nAN  - 150283836\nT1  - A title\nDP  - EBSCOhost\nER  - \n"
    assert detect(ebsco) == "ebsco_ris"
    df = _ingest(tmp_path, "cinahl.ris", ebsco).records
    assert df["record_id"][0] == "cinahl:150283836" and df["accession"][0] == "150283836"
    # a generic RIS does not take AN as the native id
    df = _ingest(tmp_path, "generic.ris", ebsco, dialect="ris").records
    assert df["record_id"][0] == "generic:1"


EBSCO_L3 = """TY  - JOUR
AN  - 150283836
T1  - Gambling and mood disorders.
L3  - 10.1080/16066359.2020.1867111
DP  - EBSCOhost
DB  - cin20
ER  -

TY  - JOUR
AN  - 150283837
T1  - A record whose L3 is not a DOI.
L3  - https://search.ebscohost.com/login.aspx?direct=true&db=cin20&AN=150283837
DP  - EBSCOhost
ER  -

TY  - JOUR
AN  - 150283838
T1  - DO wins over L3.
DO  - 10.5555/reco.do
L3  - 10.5555/reco.l3
DP  - EBSCOhost
ER  -
"""


@pytest.mark.parametrize("fast", [True, False])
def test_ebsco_writes_the_doi_in_l3(tmp_path, monkeypatch, fast):
    if not fast:  # the line-exact parser must agree with the vectorised reader
        monkeypatch.setattr("reco.ingest.parse_ris_file", lambda *a: None)
    df = _ingest(tmp_path, "cinahl.ris", EBSCO_L3).records
    assert df["doi"].to_list() == ["10.1080/16066359.2020.1867111", None, "10.5555/reco.do"]
    # L3 is "related records" in RIS: other dialects do not read a DOI from it
    df = _ingest(tmp_path, "generic.ris", EBSCO_L3, dialect="ris").records
    assert df["doi"].to_list() == [None, None, "10.5555/reco.do"]


@pytest.mark.parametrize(
    ("so", "volume", "issue", "pages"),
    [
        ("Advances in Dual Diagnosis. 13 (1) (pp 233-250), 2020. Date of Publication: 2020.",
         "13", "1", "233-250"),
        ("BMC Proceedings. Conference: PCD. Spain. 12 (Supplement 3) (no pagination), 2018.",
         "12", "Supplement 3", None),
        ("Addiction. 108 (2) :275-85, 2013", "108", "2", "275-85"),
        ("Journal of Dual Diagnosis. 12 (pp 1-9), 2019.", "12", None, "1-9"),
    ],
)  # fmt: skip
def test_ovid_so_citation(tmp_path, so, volume, issue, pages):
    text = f"<1. >\nVN  - Ovid Technologies\nUI  - 1\nTI  - A title.\nSO  - {so}\n"
    df = _ingest(tmp_path, "hmic.txt", text, dialect="ovid_tagged").records
    assert df.select("volume", "issue", "pages").row(0) == (volume, issue, pages)
