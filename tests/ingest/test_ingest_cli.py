"""``reco ingest`` end to end: the files it writes and the conservation check in counts.json."""

from __future__ import annotations

import json

import polars as pl
from helpers_ingest import FIXTURES
from reco import records
from reco.cli import main


def test_cli_writes_records_rejected_and_counts(tmp_path):
    a = FIXTURES / "wos_ris" / "asreview_web_of_science.ris"
    b = FIXTURES / "ovid_ris" / "asreview_ovid_psycinfo.ris"
    spec = json.dumps(
        [
            {"file": str(a), "database": "Web of Science", "origin": "database"},
            {"file": str(b), "database": "PsycInfo", "dialect": "ovid_ris"},
        ]
    )
    out = tmp_path / "ingest"
    counts = tmp_path / "counts" / "ingest.json"
    rc = main(["ingest", "--spec", spec, "--out", str(out), "--counts", str(counts)])
    assert rc == 0
    df = records.read_table(out / "records.parquet", records.RECORDS)
    assert df.height == 16
    assert df.get_column("database").to_list() == ["Web of Science"] * 10 + ["PsycInfo"] * 6
    assert df.get_column("record_id")[0] == "asreview_web_of_science:WOS:000444108200009"
    assert df.get_column("record_id")[10] == "asreview_ovid_psycinfo:2019-65183-001"
    per_file = json.loads((out / "counts.json").read_text())["files"]
    assert per_file[str(a)] == {
        "records_in": 10,
        "kept": 10,
        "rejected": 0,
        "dialect": "wos_ris",
        "database": "Web of Science",
    }
    stage = json.loads(counts.read_text())
    assert stage["records_per_database"] == {"Web of Science": 10, "PsycInfo": 6}
    assert stage["total"] == 16 and stage["rejected"] == 0
    assert stage["records_from_databases"] == 16 and stage["records_from_other_methods"] == 0
    rej = pl.read_csv(out / "rejected.csv")
    assert rej.columns == list(records.REJECTED) and rej.height == 0


def test_cli_database_flag_and_origin_other(tmp_path):
    f = FIXTURES / "zotero_ris" / "asreview_pubmed_zotero.ris"
    out = tmp_path / "o"
    counts = tmp_path / "c.json"
    rc = main(["ingest", str(f), "--out", str(out), "--origin", "other", "--counts", str(counts)])
    assert rc == 0
    df = pl.read_parquet(out / "records.parquet")
    assert set(df.get_column("database")) == {"unknown"}  # never guessed from the dialect
    stage = json.loads(counts.read_text())
    assert stage["records_from_other_methods"] == 6 and stage["records_from_databases"] == 0


def test_cli_missing_export_exits_2_naming_file(tmp_path, capsys):
    rc = main(["ingest", str(tmp_path / "nope.ris"), "--out", str(tmp_path / "o")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "nope.ris" in err and "not found" in err and "What to do" in err
    assert not (tmp_path / "o" / "records.parquet").exists()
