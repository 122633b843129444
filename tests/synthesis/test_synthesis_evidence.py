"""Synthesis: evidence matrix and counts from the CMO sheet, agreement with screening, errors."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl
import pytest
import yaml
from helpers_extraction import drop_rows, edit_cell, set_status
from reco.errors import ConservationError, SchemaError
from reco.synthesis.run import run


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cluster(up: dict[str, Path]) -> dict[str, str]:
    dm = pl.read_csv(up["dedup_map"], infer_schema=False)
    return dict(zip(dm["record_id"], dm["cluster_id"], strict=True))


def _run(up: dict[str, Path], tmp: Path, sheet: Path | None = None, status: Path | None = None):
    return run(
        sheet or up["cmo_sheet"],
        up["theories"],
        up["dedup_map"],
        status or up["status"],
        tmp / "out",
        tmp / "synthesis.json",
    )


def test_coded_papers_equal_screening_includes(synth_built: dict, synth_up: dict) -> None:
    c = synth_built["counts"]
    status = pl.read_parquet(synth_up["status"])
    included = set(status.filter(pl.col("synthesis_extraction") == "include")["work_id"])
    mat = pl.read_parquet(synth_built["out"] / "evidence_matrix.parquet")
    assert set(mat["work_id"]) == included
    assert c["papers_included"] == c["screening_included"] == len(included)
    assert (mat["n_pts"] >= 1).all()
    # the matrix is PT x paper: one Int32 column per final PT
    pts = [f"PT{i}" for i in range(1, 12)]
    assert all(mat.schema[p] == pl.Int32 for p in pts)
    assert mat.select(pts).sum_horizontal().sum() == c["coded_rows"]


def test_matrix_counts_match_sheet_rows(synth_built: dict, synth_up: dict) -> None:
    rows = _rows(synth_up["cmo_sheet"])
    work = _cluster(synth_up)
    mat = pl.read_parquet(synth_built["out"] / "evidence_matrix.parquet")
    w = work[rows[-1]["record_id"]]
    pt = rows[-1]["pt"]
    n = sum(1 for r in rows if work[r["record_id"]] == w and r["pt"] == pt)
    assert mat.filter(pl.col("work_id") == w)[pt].item() == n


def test_per_pt_counts_by_role(synth_built: dict, synth_up: dict) -> None:
    rows = _rows(synth_up["cmo_sheet"])
    work = _cluster(synth_up)
    per = pl.read_csv(synth_built["out"] / "pt_counts.csv")
    for pt in ("PT2", "PT7"):
        prim = [r for r in rows if r["pt"] == pt and r["evidence_type"] == "primary"]
        row = per.filter(pl.col("pt") == pt).row(0, named=True)
        assert row["papers"] == len({work[r["record_id"]] for r in prim})
        for role in ("context", "mechanism_resource", "mechanism_reasoning", "outcome"):
            want = len({work[r["record_id"]] for r in prim if r["cmo_role"] == role})
            assert row[role] == want


def test_coded_paper_not_included_at_screening(synth_up: dict, tmp_path: Path) -> None:
    rows = _rows(synth_up["cmo_sheet"])
    work = _cluster(synth_up)[rows[0]["record_id"]]
    status = set_status(
        synth_up["status"], work, "synthesis_extraction", "exclude", tmp_path / "s.parquet"
    )
    with pytest.raises(SchemaError) as exc:
        _run(synth_up, tmp_path, status=status)
    assert exc.value.row == 1 and exc.value.column == "record_id"
    assert work in str(exc.value) and "cmo.csv" in str(exc.value)


def test_included_paper_without_coding(synth_up: dict, tmp_path: Path) -> None:
    rows = _rows(synth_up["cmo_sheet"])
    work = _cluster(synth_up)
    gone = work[rows[-1]["record_id"]]
    sheet = drop_rows(
        synth_up["cmo_sheet"], lambda r: work[r["record_id"]] != gone, tmp_path / "cmo.csv"
    )
    with pytest.raises(ConservationError) as exc:
        _run(synth_up, tmp_path, sheet=sheet)
    assert gone in str(exc.value)


def test_removing_one_paper_moves_counts_by_one(
    synth_up: dict, synth_built: dict, tmp_path: Path
) -> None:
    rows = _rows(synth_up["cmo_sheet"])
    work = _cluster(synth_up)
    gone = work[rows[-1]["record_id"]]
    pts = {r["pt"] for r in rows if work[r["record_id"]] == gone}
    sheet = drop_rows(
        synth_up["cmo_sheet"], lambda r: work[r["record_id"]] != gone, tmp_path / "cmo.csv"
    )
    status = set_status(
        synth_up["status"], gone, "synthesis_extraction", "exclude", tmp_path / "s.parquet"
    )
    c = _run(synth_up, tmp_path, sheet=sheet, status=status)
    before = synth_built["counts"]
    assert c["papers_included"] == before["papers_included"] - 1
    assert c["primary_papers"] == before["primary_papers"] - 1
    for pt, n in before["papers_per_pt"].items():
        assert c["papers_per_pt"][pt] == n - (1 if pt in pts else 0)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("pt", "PT12"),
        ("cmo_role", "mechanism"),
        ("judgement", "agree"),
        ("rigour", "5"),
        ("evidence_type", "review"),
    ],
)
def test_unknown_codes_name_row_and_column(
    synth_up: dict, tmp_path: Path, column: str, value: str
) -> None:
    bad = edit_cell(synth_up["cmo_sheet"], 5, column, value, tmp_path / "cmo.csv")
    with pytest.raises(SchemaError) as exc:
        _run(synth_up, tmp_path, sheet=bad)
    assert (exc.value.row, exc.value.column) == (5, column)
    assert repr(value) in str(exc.value)


def test_ref44_is_a_framework_not_evidence(synth_built: dict, synth_up: dict) -> None:
    c = synth_built["counts"]
    rows = _rows(synth_up["cmo_sheet"])
    work = _cluster(synth_up)
    ref44 = {work[r["record_id"]] for r in rows if r["ref_no"] == "44"}
    assert c["framework_papers"] == 1
    assert {work[r] for r in c["framework_records"]} == ref44
    assert c["cited_in_results"]["framework_refs"] == ["44"]
    assert c["primary_papers"] == c["papers_included"] - 1
    per = pl.read_csv(synth_built["out"] / "pt_counts.csv")
    # ref 44 is cited for PT1, PT7 and PT9: listed as framework there, not counted as a paper
    assert per.filter(pl.col("pt").is_in(["PT1", "PT7", "PT9"]))["framework_papers"].to_list() == [
        1,
        1,
        1,
    ]


def test_mixed_evidence_type_for_one_paper(synth_up: dict, tmp_path: Path) -> None:
    rows = _rows(synth_up["cmo_sheet"])
    i = next(
        n
        for n, r in enumerate(rows, 1)
        if r["ref_no"] == "44" and n > 1 and rows[n - 2]["ref_no"] == "44"
    )
    bad = edit_cell(synth_up["cmo_sheet"], i, "evidence_type", "primary", tmp_path / "cmo.csv")
    with pytest.raises(SchemaError) as exc:
        _run(synth_up, tmp_path, sheet=bad)
    assert (exc.value.row, exc.value.column) == (i, "evidence_type")


def test_heatmap_is_deterministic_svg(synth_built: dict, synth_up: dict, tmp_path: Path) -> None:
    first = (synth_built["out"] / "evidence_heatmap.svg").read_bytes()
    _run(synth_up, tmp_path)
    assert (tmp_path / "out" / "evidence_heatmap.svg").read_bytes() == first
    text = first.decode()
    assert "<dc:date>" not in text
    assert "PT10 Evaluation and quality improvement" in text and "Workforce" in text


def test_pt_table_and_trail_outputs(synth_built: dict) -> None:
    pt = pl.read_csv(synth_built["out"] / "pt_table.csv")
    assert pt["pt"].to_list() == [f"PT{i}" for i in range(1, 12)]
    assert pt.filter(pl.col("pt") == "PT6")["refs_cited_in_results"].item() == 0
    trail = pl.read_csv(synth_built["out"] / "theory_trail.csv")
    assert set(trail["final_pt"].drop_nulls()) == set(pt["pt"])


def test_counts_have_every_key_the_ledger_map_names(
    synth_built: dict, repo: Path, tmp_path: Path, synth_up: dict
) -> None:
    ledger_map = repo / "resources/reco/ledger_map.yaml"
    if not ledger_map.exists():
        pytest.skip("no ledger map")
    figures = yaml.safe_load(ledger_map.read_text())["figures"]
    from reco.mapping import tables

    mapping = tables.run(
        synth_up["mapping_sheet"],
        synth_up["dedup_map"],
        synth_up["status"],
        tmp_path / "m",
        tmp_path / "mapping.json",
    )
    numbers = {"synthesis": synth_built["counts"], "mapping": mapping}
    paths = [
        v for v in figures.values() if isinstance(v, str) and re.match(r"(mapping|synthesis)\.", v)
    ]
    assert paths
    for path in paths:
        node = numbers
        for part in path.split("."):
            assert part in node, f"{path}: {part!r} missing"
            node = node[part]
