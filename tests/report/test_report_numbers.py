"""numbers.json: stage counts merged by stage name, PRISMA derived from record tables, n/a for absent stages."""

from __future__ import annotations

import json
import shutil

import polars as pl
import pytest
from reco.errors import InputError
from reco.report import numbers
from report_fixture_paths import COUNTS


def test_top_level_keys_are_stage_names_plus_derived(tmp_path):
    data = numbers.collect(COUNTS, tmp_path)
    stages = sorted(p.stem for p in COUNTS.glob("*.json"))
    assert sorted(k for k in data if k not in numbers.DERIVED_KEYS) == stages
    assert data["meta"]["stages"] == stages
    assert data["dedup"] == json.loads((COUNTS / "dedup.json").read_text())  # copied unchanged


def test_prisma_from_counts_and_branches(tmp_path):
    flow = numbers.collect(COUNTS, tmp_path)["prisma"]
    ingest = json.loads((COUNTS / "ingest.json").read_text())
    assert flow["identification"]["databases_total"] == sum(ingest["records_by_database"].values())
    assert (
        flow["dedup"]["unique"] == json.loads((COUNTS / "dedup.json").read_text())["unique_records"]
    )
    assert flow["root"] == "title_abstract"
    assert flow["branches"] == [
        ["mapping_fulltext"],
        ["synthesis_selection", "synthesis_extraction"],
    ]
    assert flow["stage"]["synthesis_extraction"]["included"] == flow["included"]


def test_prisma_recomputed_from_record_tables(tmp_path):
    """Identification and duplicates come from the record tables when present, not the counts."""
    results = tmp_path / "results"
    (results / "ingest").mkdir(parents=True)
    (results / "dedup").mkdir()
    pl.DataFrame(
        {
            "database": ["Medline", "Medline", "EMBASE", "Citations"],
            "origin": ["database", "database", "database", "other"],
        }
    ).write_parquet(results / "ingest" / "records.parquet")
    pl.DataFrame(
        {
            "record_id": ["a", "b", "c", "d"],
            "source_id": ["1"] * 4,
            "cluster_id": ["a", "a", "c", "d"],
            "kept": [1, 0, 1, 1],
        }
    ).write_csv(results / "dedup" / "dedup_map.csv")
    flow = numbers.collect(COUNTS, results)["prisma"]
    assert flow["identification"]["databases"] == {"EMBASE": 1, "Medline": 2}
    assert flow["identification"]["other_total"] == 1
    assert flow["dedup"] | {} == {
        "available": True,
        "source": (results / "dedup" / "dedup_map.csv").as_posix(),
        "records_in": 4,
        "duplicates_removed": 1,
        "unique": 3,
    }


def test_absent_stage_reads_na_and_is_recorded(tmp_path):
    counts = tmp_path / "counts"
    counts.mkdir()
    shutil.copy(COUNTS / "ingest.json", counts)
    path = tmp_path / "numbers.json"
    numbers.write(path, numbers.collect(counts, tmp_path))
    n = numbers.load_numbers(path)
    assert str(n["dedup"]["unique_records"]) == "n/a"
    assert f"{n['costing']['annual_cost_total']:,}" == "n/a"
    assert n["prisma"]["dedup"]["available"] is False
    assert n["ingest"]["total"] == 360
    assert n.missing == ["dedup", "costing"]


def test_reserved_stage_name_is_an_error(tmp_path):
    (tmp_path / "prisma.json").write_text("{}")
    with pytest.raises(InputError, match="reserved"):
        numbers.read_counts(tmp_path)


def test_broken_counts_file_names_the_file(tmp_path):
    (tmp_path / "dedup.json").write_text("{not json")
    with pytest.raises(InputError) as err:
        numbers.read_counts(tmp_path)
    assert err.value.file.endswith("dedup.json")


def test_search_meta_from_config_exports():
    meta = numbers.search_meta(
        [
            {"database": "A", "origin": "database", "search_date": "2020-03-13"},
            {"database": "B", "origin": "database", "search_date": "2020-03-01"},
            {"database": "C", "origin": "other", "search_date": "2020-11-30"},
        ]
    )
    assert meta["last_database_search"] == "2020-03-13"
    assert meta["last_other_search"] == "2020-11-30"
    assert meta["databases_configured"] == 2
