"""Bad input to `reco screen simulate` / `rank`: a SchemaError naming file, row, column and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from reco.cli import main
from reco.errors import SchemaError
from reco.screening.data import read_labelled, read_labels, read_records

HEADER = "record_id,title,abstract,label_included\n"


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "record_id,title,label_included\n1,A,1\n2,B,0\n")
    with pytest.raises(SchemaError) as err:
        read_labelled(path)
    assert err.value.column == "abstract" and err.value.file == str(path)
    assert "What to do" in err.value.message()


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(SchemaError, match="empty") as err:
        read_labelled(path)
    assert err.value.file == str(path) and err.value.fix


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="no rows"):
        read_labelled(write(tmp_path, HEADER))


def test_no_relevant_label(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "1,A,x,0\n2,B,y,0\n")
    with pytest.raises(SchemaError, match="no relevant") as err:
        read_labelled(path)
    assert err.value.column == "label_included"


def test_no_irrelevant_label(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="no irrelevant"):
        read_labelled(write(tmp_path, HEADER + "1,A,x,1\n2,B,y,1\n"))


@pytest.mark.parametrize("bad", ["2", "yes", "", "0.5"])
def test_label_not_0_or_1(tmp_path: Path, bad: str) -> None:
    path = write(tmp_path, HEADER + f"1,A,x,1\n2,B,y,0\n3,C,z,{bad}\n")
    with pytest.raises(SchemaError) as err:
        read_labelled(path)
    assert err.value.row == 3 and err.value.column == "label_included"
    assert "row 3" in err.value.message() and "0 or 1" in err.value.message()


def test_duplicate_record_id(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="also on row 1") as err:
        read_labelled(write(tmp_path, HEADER + "1,A,x,1\n1,B,y,0\n"))
    assert err.value.row == 2


def test_ids_default_to_row_numbers(tmp_path: Path) -> None:
    data = read_labelled(write(tmp_path, "title,abstract,label_included\nA,x,1\nB,,0\n"))
    assert data.record_ids == ["0", "1"] and data.abstracts == ["x", ""]


def test_rank_label_for_unknown_record(tmp_path: Path) -> None:
    records = read_records(write(tmp_path, "record_id,title,abstract\na,T,x\nb,U,y\n", "r.csv"))
    labels = write(tmp_path, "record_id,label\na,1\nzz,0\n", "l.csv")
    with pytest.raises(SchemaError, match="'zz' is not in") as err:
        read_labels(labels, records)
    assert err.value.row == 2 and err.value.column == "record_id"


def test_rank_labels_missing_column(tmp_path: Path) -> None:
    records = read_records(write(tmp_path, "record_id,title,abstract\na,T,x\nb,U,y\n", "r.csv"))
    with pytest.raises(SchemaError) as err:
        read_labels(write(tmp_path, "record_id,decision\na,1\n", "l.csv"), records)
    assert err.value.column == "label"


def test_cli_exit_code_2_and_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEADER + "1,A,x,1\n2,B,y,maybe\n")
    code = main(["screen", "simulate", "--data", str(path), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "data.csv" in err and "row 2" in err and "label_included" in err and "What to do" in err
    assert not (tmp_path / "o").exists()
