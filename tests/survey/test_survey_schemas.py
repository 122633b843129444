"""Every survey input is checked against its schema; each problem names file, row/sheet and fix.

Each test copies the committed inputs, breaks one thing, and checks the error type and that the
message names the file, the line (or sheet and row) and the offending value.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from reco.cli import main
from reco.errors import InputError, RecoError, SchemaError
from reco.survey.run import Inputs, load


def inputs_in(folder: Path) -> Inputs:
    return Inputs(
        organisations=folder / "organisations.csv",
        requests=folder / "requests.csv",
        coding=folder / "response_coding.csv",
        audit_returns=folder / "audit_returns.xlsx",
        recruitment=folder / "recruitment_log.csv",
    )


@pytest.fixture()
def folder(repo: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "survey"
    shutil.copytree(repo / "resources/reco/survey", dst)
    return dst


def edit_csv(path: Path, change: Callable[[list[dict[str, str]]], int]) -> int:
    """Apply ``change`` to the rows; returns the file line of the changed row (header = 1)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    index = change(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return index + 2


def first(rows: list[dict[str, str]], **where: str) -> int:
    return next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in where.items()))


def expect(folder: Path, error: type[RecoError], *fragments: str) -> RecoError:
    with pytest.raises(error) as info:
        load(inputs_in(folder))
    message = info.value.message()
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert info.value.fix, "every error says what to do"
    return info.value


def test_committed_inputs_are_valid(folder: Path) -> None:
    data = load(inputs_in(folder))
    assert len(data.returns) > len({r.answers["org_id"] for r in data.returns})


def test_unknown_organisation_type(folder: Path) -> None:
    def change(rows):
        rows[3]["org_type"] = "parish_council"
        return 3

    line = edit_csv(folder / "organisations.csv", change)
    expect(folder, SchemaError, "organisations.csv", f"line {line}", "'parish_council'", "org_type")


def test_unknown_outcome_code(folder: Path) -> None:
    def change(rows):
        i = first(rows, outcome="not_held")
        rows[i]["outcome"] = "declined"
        return i

    line = edit_csv(folder / "requests.csv", change)
    expect(folder, SchemaError, "requests.csv", f"line {line}", "'declined'", "outcome")


def test_response_dated_before_its_request(folder: Path) -> None:
    def change(rows):
        i = first(rows, outcome="info_provided")
        rows[i]["date_responded"] = "2020-01-02"
        return i

    line = edit_csv(folder / "requests.csv", change)
    expect(folder, SchemaError, "requests.csv", f"line {line}", "before its request", "2020-01-02")


def test_bad_date(folder: Path) -> None:
    def change(rows):
        rows[0]["date_sent"] = "16/03/2020"
        return 0

    expect_line = edit_csv(folder / "requests.csv", change)
    expect(folder, SchemaError, f"line {expect_line}", "16/03/2020", "YYYY-MM-DD")


def test_request_to_organisation_not_in_register(folder: Path) -> None:
    def change(rows):
        rows[5]["org_id"] = "ORG9999"
        return 5

    line = edit_csv(folder / "requests.csv", change)
    expect(
        folder,
        SchemaError,
        "requests.csv",
        f"line {line}",
        "ORG9999",
        "not in the organisation register",
    )


def test_coded_response_from_organisation_never_contacted(folder: Path) -> None:
    def change(rows):
        rows[7]["org_id"] = "ORG9998"
        return 7

    line = edit_csv(folder / "response_coding.csv", change)
    expect(folder, SchemaError, "response_coding.csv", f"line {line}", "ORG9998", "never contacted")


def test_coded_row_for_a_request_without_information(folder: Path) -> None:
    with open(folder / "requests.csv", encoding="utf-8") as handle:
        silent = next(r for r in csv.DictReader(handle) if r["outcome"] == "no_response")

    def change(rows):
        rows[0]["request_id"] = silent["request_id"]
        rows[0]["org_id"] = silent["org_id"]
        return 0

    edit_csv(folder / "response_coding.csv", change)
    expect(folder, SchemaError, "response_coding.csv", "line 2", "no_response")


def test_response_with_information_left_uncoded(folder: Path) -> None:
    removed = {}

    def change(rows):
        removed.update(rows.pop(10))
        return 10

    edit_csv(folder / "response_coding.csv", change)
    expect(
        folder,
        SchemaError,
        "response_coding.csv",
        removed["request_id"],
        "no row in the coding sheet",
    )


def test_unknown_category(folder: Path) -> None:
    def change(rows):
        rows[4]["category"] = "maybe"
        return 4

    line = edit_csv(folder / "response_coding.csv", change)
    expect(folder, SchemaError, f"line {line}", "'maybe'", "specific, none, unclear")


def test_recruitment_unknown_type_and_staff_without_role(folder: Path) -> None:
    original = (folder / "recruitment_log.csv").read_text(encoding="utf-8")

    def change(rows):
        i = first(rows, participant_type="carer")
        rows[i]["participant_type"] = "relative"
        return i

    line = edit_csv(folder / "recruitment_log.csv", change)
    expect(folder, SchemaError, "recruitment_log.csv", f"line {line}", "'relative'")
    (folder / "recruitment_log.csv").write_text(original, encoding="utf-8")

    def change2(rows):
        i = first(rows, participant_type="staff")
        rows[i]["staff_role"] = ""
        return i

    line = edit_csv(folder / "recruitment_log.csv", change2)
    expect(folder, SchemaError, f"line {line}", "staff_role")


def test_missing_column(folder: Path) -> None:
    path = folder / "organisations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = [",".join(line.split(",")[:3]) for line in lines]  # drops nation and region
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    expect(folder, SchemaError, "organisations.csv", "line 1", "nation")


def test_empty_and_non_utf8_files(folder: Path) -> None:
    path = folder / "recruitment_log.csv"
    path.write_text("", encoding="utf-8")
    expect(folder, InputError, "recruitment_log.csv", "empty")
    path.write_bytes("participant_id,site\nA-01,Sit\xe9 A\n".encode("latin-1"))
    expect(folder, InputError, "recruitment_log.csv", "not UTF-8")


def _sheet_row(ws, label: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_audit_unknown_answer_names_sheet_and_row(folder: Path) -> None:
    path = folder / "audit_returns.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[2]
    row = _sheet_row(ws, "Provided by")
    ws.cell(row, 2).value = "A charity"
    wb.save(path)
    expect(
        folder, SchemaError, "audit_returns.xlsx", f"sheet {ws.title!r}", f"row {row}", "A charity"
    )


def test_audit_return_from_unknown_organisation(folder: Path) -> None:
    path = folder / "audit_returns.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = _sheet_row(ws, "Organisation reference")
    ws.cell(row, 2).value = "ORG0000"
    wb.save(path)
    expect(
        folder,
        SchemaError,
        f"sheet {ws.title!r}",
        f"row {row}",
        "ORG0000",
        "not in the organisation register",
    )


def test_audit_unknown_field_and_missing_required(folder: Path) -> None:
    path = folder / "audit_returns.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[1]
    ws.cell(_sheet_row(ws, "Model of care"), 1).value = "Model"
    ws.cell(_sheet_row(ws, "Date returned"), 2).value = None
    wb.save(path)
    expect(folder, SchemaError, f"sheet {ws.title!r}", "unknown field 'Model'")
    ws.cell(_sheet_row(ws, "Model"), 1).value = "Model of care"
    wb.save(path)
    expect(folder, SchemaError, f"sheet {ws.title!r}", "Date returned")


def test_cli_prints_the_error_and_exits_2(folder: Path, capsys: pytest.CaptureFixture) -> None:
    def change(rows):
        rows[0]["wave"] = "3"
        return 0

    edit_csv(folder / "requests.csv", change)
    assert main(["survey", "validate", "--inputs", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "requests.csv" in err and "line 2" in err and "'3'" in err and "What to do" in err


def test_multiline_note_keeps_line_numbers_right(folder: Path) -> None:
    """A quoted note spanning two lines is one row; later errors still name the right line."""

    def change(rows):
        rows[0]["notes"] = "first line\nsecond line"
        rows[2]["outcome"] = "lost"
        return 2

    edit_csv(folder / "requests.csv", change)
    text = (folder / "requests.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(text, start=1) if ",lost," in t)
    assert line == 5  # header, row 1 on two lines, row 2, row 3
    expect(folder, SchemaError, f"line {line}", "'lost'")


def test_repeated_column_and_nul_byte(folder: Path) -> None:
    path = folder / "organisations.csv"
    original = path.read_text(encoding="utf-8")
    header, rest = original.split("\n", 1)
    path.write_text(header + ",nation\n" + rest, encoding="utf-8")
    expect(folder, SchemaError, "organisations.csv", "line 1", "repeats column(s) nation")
    path.write_text(original.replace(",england,", ",eng\0land,", 1), encoding="utf-8")
    with pytest.raises(RecoError):
        load(inputs_in(folder))
