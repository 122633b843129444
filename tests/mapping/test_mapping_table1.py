"""Literature mapping on the committed reconstruction sheet: models, Table 1, counts and errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from helpers_extraction import drop_rows, edit_cell, reconstruction_upstream, set_status
from reco.errors import ConservationError, SchemaError
from reco.mapping import tables
from reco.mapping.taxonomy import EPOC


@pytest.fixture(scope="module")
def up(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return reconstruction_upstream(repo, tmp_path_factory.mktemp("mapping"))


@pytest.fixture(scope="module")
def built(up: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("mapping_out")
    counts = tables.run(
        up["mapping_sheet"], up["dedup_map"], up["status"], out, out / "counts.json"
    )
    return {"counts": counts, "out": out}


def _ledger(repo: Path) -> dict[str, object]:
    data = yaml.safe_load((repo / "resources/reco/sources/published_figures.yaml").read_text())
    return {f["key"]: f["value"] for f in data["figures"]}


def _sheet_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_counts_reproduce_published_mapping(built: dict, repo: Path) -> None:
    c, led = built["counts"], _ledger(repo)
    assert c["stage2_included"] == led["mapping.stage2_included"] == c["sheet_rows"]
    assert c["papers"] == led["mapping.uk_papers_included"]
    assert c["models"] == led["mapping.uk_service_models"]
    assert c["models_by_provider"] == {
        "mental_health_trust": led["mapping.models_mental_health_trusts"],
        "substance_use_service": led["mapping.models_substance_use_services"],
        "multiple_settings": led["mapping.models_multiple_settings"],
    }
    # "four by substance use services (three in the community and one specialist ward)"
    assert c["models_by_provider_setting"]["substance_use_service/community"] == 3
    assert c["models_by_provider_setting"]["substance_use_service/specialist_ward"] == 1
    assert c["categories"] == led["mapping.model_categories"]
    assert c["epoc"]["domains_with_findings"] == 4


def test_models_are_grouped_from_paper_rows(built: dict, up: dict[str, Path]) -> None:
    models = pl.read_csv(built["out"] / "models.csv")
    sheet = [r for r in _sheet_rows(up["mapping_sheet"]) if r["model_id"]]
    # one row per paper in the sheet, one row per model in the output
    assert len(sheet) == models["n_papers"].sum()
    assert models.height == len({r["model_id"] for r in sheet}) < len(sheet)
    for m in models.iter_rows(named=True):
        recs = [r["record_id"] for r in sheet if r["model_id"] == m["model_id"]]
        assert m["record_ids"].split("; ") == recs


def test_epoc_summary_has_table1_structure(built: dict) -> None:
    summary = pl.read_csv(built["out"] / "epoc_summary.csv")
    assert summary.height == len(EPOC) * 3
    assert summary["domain"].n_unique() == 4
    wide = pl.read_csv(built["out"] / "table1_epoc.csv")
    assert wide["code"].to_list() == [c.code for c in EPOC]
    # Table 1 has no supervision cell for network groups; the others are all reported
    cell = summary.filter(
        (pl.col("code") == "IS1.6") & (pl.col("model_category") == "network_group")
    )
    assert cell["n_models"].item() == 0
    assert summary.filter(pl.col("n_models") == 0).height == 1
    coord = summary.filter(pl.col("code") == "DA1.1").sort("model_category")
    assert [f.startswith("Specialist COSMHAD link") for f in coord["findings"]] == [
        False,
        True,
        False,
    ]


def test_unknown_epoc_code_names_row_and_column(up: dict[str, Path], tmp_path: Path) -> None:
    rows = _sheet_rows(up["mapping_sheet"])
    i = next(n for n, r in enumerate(rows, 1) if r["epoc"])
    bad = edit_cell(up["mapping_sheet"], i, "epoc", "DA9.9: made-up finding", tmp_path / "m.csv")
    with pytest.raises(SchemaError) as exc:
        tables.run(bad, up["dedup_map"], up["status"], tmp_path / "o", tmp_path / "c.json")
    assert exc.value.row == i and exc.value.column == "epoc"
    assert "DA9.9" in str(exc.value) and "m.csv" in str(exc.value)


def test_unknown_model_category_names_row_and_column(up: dict[str, Path], tmp_path: Path) -> None:
    rows = _sheet_rows(up["mapping_sheet"])
    i = next(n for n, r in enumerate(rows, 1) if r["model_id"])
    bad = edit_cell(up["mapping_sheet"], i, "model_category", "hub_and_spoke", tmp_path / "m.csv")
    with pytest.raises(SchemaError) as exc:
        tables.run(bad, up["dedup_map"], up["status"], tmp_path / "o", tmp_path / "c.json")
    assert (exc.value.row, exc.value.column) == (i, "model_category")


def test_uk_flag_must_agree_with_country(up: dict[str, Path], tmp_path: Path) -> None:
    rows = _sheet_rows(up["mapping_sheet"])
    i = next(n for n, r in enumerate(rows, 1) if r["country"] == "USA")
    bad = edit_cell(up["mapping_sheet"], i, "uk", "yes", tmp_path / "m.csv")
    with pytest.raises(SchemaError) as exc:
        tables.run(bad, up["dedup_map"], up["status"], tmp_path / "o", tmp_path / "c.json")
    assert (exc.value.row, exc.value.column) == (i, "uk")


def test_papers_of_one_model_must_agree(up: dict[str, Path], tmp_path: Path) -> None:
    rows = _sheet_rows(up["mapping_sheet"])
    ids = [r["model_id"] for r in rows if r["model_id"]]
    twice = next(m for m in ids if ids.count(m) == 2)
    second = [n for n, r in enumerate(rows, 1) if r["model_id"] == twice][1]
    other = "network" if rows[second - 1]["setting"] != "network" else "community"
    bad = edit_cell(up["mapping_sheet"], second, "setting", other, tmp_path / "m.csv")
    with pytest.raises(SchemaError) as exc:
        tables.run(bad, up["dedup_map"], up["status"], tmp_path / "o", tmp_path / "c.json")
    assert (exc.value.row, exc.value.column) == (second, "setting")


def _work_of(up: dict[str, Path], record_id: str) -> str:
    dm = pl.read_csv(up["dedup_map"], infer_schema=False)
    return dm.filter(pl.col("record_id") == record_id)["cluster_id"].item()


def test_sheet_paper_not_included_at_screening_is_an_error(
    up: dict[str, Path], tmp_path: Path
) -> None:
    rows = _sheet_rows(up["mapping_sheet"])
    work = _work_of(up, rows[6]["record_id"])
    status = set_status(up["status"], work, "mapping_fulltext", "exclude", tmp_path / "s.parquet")
    with pytest.raises(SchemaError) as exc:
        tables.run(
            up["mapping_sheet"], up["dedup_map"], status, tmp_path / "o", tmp_path / "c.json"
        )
    assert exc.value.row == 7 and exc.value.column == "record_id"
    assert work in str(exc.value) and "mapping.csv" in str(exc.value)


def test_included_paper_missing_from_sheet_is_an_error(up: dict[str, Path], tmp_path: Path) -> None:
    rows = _sheet_rows(up["mapping_sheet"])
    gone = rows[0]["record_id"]
    sheet = drop_rows(up["mapping_sheet"], lambda r: r["record_id"] != gone, tmp_path / "m.csv")
    with pytest.raises(ConservationError) as exc:
        tables.run(sheet, up["dedup_map"], up["status"], tmp_path / "o", tmp_path / "c.json")
    assert _work_of(up, gone) in str(exc.value)


@pytest.mark.parametrize("papers_of_model", [1, 2])
def test_removing_one_paper_moves_counts_by_one(
    up: dict[str, Path], built: dict, tmp_path: Path, papers_of_model: int
) -> None:
    rows = _sheet_rows(up["mapping_sheet"])
    ids = [r["model_id"] for r in rows if r["model_id"]]
    model = next(m for m in ids if ids.count(m) == papers_of_model)
    gone = next(r for r in rows if r["model_id"] == model)
    sheet = drop_rows(
        up["mapping_sheet"], lambda r: r is not gone and r != gone, tmp_path / "m.csv"
    )
    status = set_status(
        up["status"],
        _work_of(up, gone["record_id"]),
        "mapping_fulltext",
        "exclude",
        tmp_path / "s.parquet",
    )
    c = tables.run(sheet, up["dedup_map"], status, tmp_path / "o", tmp_path / "c.json")
    before = built["counts"]
    assert c["stage2_included"] == before["stage2_included"] - 1
    assert c["papers"] == before["papers"] - 1
    # a model with two papers survives; a model with one paper disappears
    assert c["models"] == before["models"] - (1 if papers_of_model == 1 else 0)
    prov = gone["provider_type"]
    assert c["models_by_provider"].get(prov, 0) == before["models_by_provider"][prov] - (
        1 if papers_of_model == 1 else 0
    )


def test_cli_build_and_bad_input_exit_codes(up: dict[str, Path], tmp_path: Path) -> None:
    args = [
        sys.executable,
        "-m",
        "reco",
        "map",
        "build",
        "--dedup-map",
        str(up["dedup_map"]),
        "--status",
        str(up["status"]),
        "--out",
        str(tmp_path / "o"),
        "--counts",
        str(tmp_path / "c.json"),
    ]
    ok = subprocess.run(
        [*args, "--sheet", str(up["mapping_sheet"])], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "o" / "models.csv").exists()
    bad = edit_cell(up["mapping_sheet"], 3, "uk", "maybe", tmp_path / "bad.csv")
    res = subprocess.run([*args, "--sheet", str(bad)], capture_output=True, text=True)
    assert res.returncode == 2
    assert "row 3" in res.stderr and "'uk'" in res.stderr
