"""Bad input to the mapping sheet reader on small hand-made sheets: every error names file, row, column."""

from __future__ import annotations

from pathlib import Path

import pytest
from reco.errors import InputError, SchemaError
from reco.mapping.sheet import read_sheet
from reco.mapping.tables import epoc_summary
from reco.mapping.taxonomy import load_taxonomy

HEADER = "record_id,country,uk,setting,provider_type,model_id,model_category,epoc,note\n"
WORKS = {"a:1": "a:1", "b:7": "a:1", "c:2": "c:2", "d:3": "d:3"}


def _sheet(tmp: Path, body: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    p = tmp / "mapping.csv"
    p.write_bytes((header + body).encode(encoding))
    return p


GOOD = (
    "b:7,England,yes,community,mental_health_trust,M1,link_worker,"
    "DA1.1: link workers in teams | FA1.1: no dedicated funding,\n"
    "c:2,USA,no,,,,,,\n"
)


def test_good_sheet_resolves_records_to_works(tmp_path: Path) -> None:
    papers = read_sheet(_sheet(tmp_path, GOOD), WORKS)
    assert [p.work_id for p in papers] == ["a:1", "c:2"]
    assert papers[0].findings == [
        ("DA1.1", "link workers in teams"),
        ("FA1.1", "no dedicated funding"),
    ]
    assert papers[0].in_mapping and not papers[1].in_mapping


@pytest.mark.parametrize(
    ("body", "row", "column"),
    [
        ("c:2,USA,no,,,,,,\nz:9,USA,no,,,,,,\n", 2, "record_id"),  # unknown record
        ("a:1,USA,no,,,,,,\nb:7,USA,no,,,,,,\n", 2, "record_id"),  # two copies of one paper
        ("c:2,England,yes,,,M1,,,\n", 1, "setting"),  # model without setting
        ("c:2,USA,no,community,,,,,\n", 1, "setting"),  # model column without model_id
        ("c:2,USA,no,,,,,DA1.1: x,\n", 1, "epoc"),  # findings for a paper outside the mapping
        (
            "c:2,England,yes,community,mental_health_trust,M1,link_worker,DA1.1 no colon,\n",
            1,
            "epoc",
        ),
        ("c:2,USA,no,community,mental_health_trust,M1,link_worker,,\n", 1, "model_id"),
        ("c:2,,no,,,,,,\n", 1, "country"),
    ],
)
def test_errors_name_row_and_column(tmp_path: Path, body: str, row: int, column: str) -> None:
    with pytest.raises(SchemaError) as exc:
        read_sheet(_sheet(tmp_path, body), WORKS)
    assert (exc.value.row, exc.value.column) == (row, column)
    assert "mapping.csv" in str(exc.value) and exc.value.fix


def test_missing_column_empty_sheet_and_encoding(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="model_category"):
        read_sheet(
            _sheet(tmp_path, "c:2,USA,no,,,,,\n", HEADER.replace("model_category,", "")), WORKS
        )
    with pytest.raises(InputError, match="no data rows"):
        read_sheet(_sheet(tmp_path, ""), WORKS)
    with pytest.raises(InputError, match="UTF-8"):
        read_sheet(_sheet(tmp_path, "c:2,Österreich,no,,,,,,\n", encoding="latin-1"), WORKS)


def test_own_taxonomy(tmp_path: Path) -> None:
    tax = tmp_path / "tax.csv"
    tax.write_text("code,domain,category,subcategory\nX1,Delivery,Who,Peer workers\n")
    body = "c:2,Wales,yes,community,substance_use_service,M9,liaison_worker,X1: peer workers,\n"
    papers = read_sheet(_sheet(tmp_path, body), WORKS, tax)
    summary = epoc_summary(papers, load_taxonomy(tax))
    assert summary.filter(summary["n_models"] > 0)["model_category"].to_list() == ["liaison_worker"]
    with pytest.raises(SchemaError) as exc:
        read_sheet(_sheet(tmp_path, GOOD), WORKS, tax)  # DA1.1 is not in this taxonomy
    assert (exc.value.row, exc.value.column) == (1, "epoc")
