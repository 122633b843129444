"""Typed errors, atomic writers and table validation: the contracts every stage relies on."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from reco import records
from reco.cli import main
from reco.errors import InputError, SchemaError
from reco.fileio import atomic_open, write_json, write_parquet


def test_error_message_names_location_and_fix() -> None:
    err = InputError("record has no ER line", file="a/b.ris", line=12, fix="re-export the file")
    assert (
        err.message() == "a/b.ris, line 12: record has no ER line\n  What to do: re-export the file"
    )


def test_cli_turns_reco_errors_into_exit_code_2(tmp_path: Path, capsys) -> None:
    code = main(["reconstruct", "--sources", str(tmp_path / "missing"), "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "missing" in err and "What to do" in err


def test_atomic_open_leaves_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("partial")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temporary file left behind


def test_write_json_is_byte_stable(tmp_path: Path) -> None:
    write_json(tmp_path / "a.json", {"b": 1, "a": {"d": 2, "c": 3}})
    write_json(tmp_path / "b.json", {"a": {"c": 3, "d": 2}, "b": 1})
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert json.loads((tmp_path / "a.json").read_text()) == {"a": {"c": 3, "d": 2}, "b": 1}


def test_write_parquet_is_deterministic(tmp_path: Path) -> None:
    df = pl.DataFrame({"record_id": ["x:1", "x:2"], "kept": [1, 0]})
    write_parquet(df, tmp_path / "a.parquet")
    write_parquet(df, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_record_id_rule() -> None:
    assert records.make_record_id("medline_ovid", "31234567", 5) == "medline_ovid:31234567"
    assert records.make_record_id("medline_ovid", "  ", 5) == "medline_ovid:5"
    assert records.make_record_id("medline_ovid", None, 5) == "medline_ovid:5"
    assert records.source_id_of("wos_core:WOS:000123") == "WOS:000123"


def test_validate_names_missing_column_and_file() -> None:
    df = pl.DataFrame({"record_id": ["a:1"], "source_id": ["1"], "kept": [1]})
    with pytest.raises(SchemaError) as info:
        records.validate(df, records.DEDUP_MAP, source="results/dedup/dedup_map.csv")
    msg = info.value.message()
    assert "results/dedup/dedup_map.csv" in msg and "cluster_id" in msg


def test_validate_names_row_of_mistyped_value() -> None:
    df = pl.DataFrame(
        {
            "record_id": ["a:1", "a:2"],
            "source_id": ["1", "2"],
            "cluster_id": ["a:1", "a:1"],
            "kept": ["1", "yes"],
        }
    )
    with pytest.raises(SchemaError) as info:
        records.validate(df, records.DEDUP_MAP, source="map.csv")
    assert info.value.row == 2 and info.value.column == "kept"


def test_validate_conforms_column_order_and_types() -> None:
    df = pl.DataFrame(
        {"kept": ["1"], "cluster_id": ["a:1"], "source_id": ["1"], "record_id": ["a:1"]}
    )
    out = records.validate(df, records.DEDUP_MAP, source="map.csv")
    assert out.columns == list(records.DEDUP_MAP)
    assert out.schema["kept"] == pl.Int8


def test_tables_doc_is_current(repo: Path) -> None:
    from reco.commands.tables import render

    doc = repo / "docs/tables.md"
    assert doc.read_text(encoding="utf-8") == render(), (
        "run: python -m reco tables --out docs/tables.md"
    )


def test_atomic_outputs_are_readable_like_ordinary_files(tmp_path: Path) -> None:
    import os

    write_json(tmp_path / "a.json", {})
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    assert os.stat(tmp_path / "a.json").st_mode & 0o777 == os.stat(plain).st_mode & 0o777
