"""Pro forma validation: each bad input gives an error naming workbook, sheet, row and a fix."""

from __future__ import annotations

import pytest
from helpers_costing import item, reported, staff, workbook
from openpyxl import load_workbook
from reco.cli import main
from reco.costing.proforma import read_proforma
from reco.errors import InputError, ParseError, RecoError, SchemaError


def _error(path) -> RecoError:
    with pytest.raises(RecoError) as err:
        read_proforma(path)
    return err.value


def _assert_names(err: RecoError, path, sheet: str, row: int, column: str | None = None) -> None:
    msg = err.message()
    assert str(path) in msg
    assert f"sheet {sheet!r}" in msg
    assert f"row {row}" in msg
    if column:
        assert f"column {column!r}" in msg
    assert err.fix, "every error says what to do"


def test_a_valid_workbook_reads(tmp_path):
    pf = read_proforma(workbook(tmp_path, items=[item()], reported_rows=[reported()]))
    assert pf.site_id == "T" and len(pf.staff) == 1 and pf.staff[0].band == "6"
    assert pf.staff[0].row == 2 and pf.non_staff[0].row == 2


@pytest.mark.parametrize(
    ("over", "column", "words"),
    [
        ({"band_or_grade": "Band 10"}, "band_or_grade", "unknown band or grade"),
        ({"band_or_grade": "Registrar-ish"}, "band_or_grade", "unknown band or grade"),
        ({"wte": 0}, "wte", "must be > 0"),
        ({"wte": -1}, "wte", "must be > 0"),
        ({"wte": 12}, "wte", "must be <= 10"),
        ({"pct_time_on_service": 120}, "pct_time_on_service", "must be <= 100"),
        ({"pct_time_on_service": -5}, "pct_time_on_service", "must be >= 0"),
        ({"actual_salary_gbp": -30000}, "actual_salary_gbp", "negative cost"),
        ({"wte": "half"}, "wte", "where a number belongs"),
        ({"pct_time_on_service": "about 10%"}, "pct_time_on_service", "where a number belongs"),
        ({"staff_group": "surgeon"}, "staff_group", "unknown value"),
        ({"pay_point": "middle-ish"}, "pay_point", "unknown value"),
    ],
)
def test_staff_line_errors(tmp_path, over, column, words):
    # the bad line is the second staff line: Excel row 3
    path = workbook(tmp_path, staff_rows=[staff(), staff(**over)])
    err = _error(path)
    assert isinstance(err, ParseError)
    assert words in err.message()
    _assert_names(err, path, "Staff", 3, column)


def test_percent_typed_as_text_is_read(tmp_path):
    pf = read_proforma(workbook(tmp_path, staff_rows=[staff(pct_time_on_service="40%")]))
    assert pf.staff[0].pct_time == 40.0


def test_negative_non_staff_cost(tmp_path):
    path = workbook(tmp_path, items=[item(unit_cost_gbp=-50)])
    err = _error(path)
    assert "negative cost" in err.message()
    _assert_names(err, path, "NonStaff", 2, "unit_cost_gbp")


def test_negative_site_reported_amount(tmp_path):
    path = workbook(tmp_path, reported_rows=[reported(), reported(amount_gbp=-10)])
    err = _error(path)
    assert "negative cost" in err.message()
    _assert_names(err, path, "SiteReported", 3, "amount_gbp")


def test_text_in_an_amount(tmp_path):
    path = workbook(tmp_path, reported_rows=[reported(amount_gbp="£1,200 approx")])
    _assert_names(_error(path), path, "SiteReported", 2, "amount_gbp")


def test_missing_unit_cost_is_allowed_only_for_mileage(tmp_path):
    path = workbook(tmp_path, items=[item(unit_cost_gbp=None)])
    _assert_names(_error(path), path, "NonStaff", 2, "unit_cost_gbp")


def test_missing_sheet(tmp_path):
    path = workbook(tmp_path)
    wb = load_workbook(path)
    del wb["NonStaff"]
    wb.save(path)
    err = _error(path)
    assert isinstance(err, SchemaError) and "missing sheet 'NonStaff'" in err.message()
    assert str(path) in err.message() and "reco cost template" in (err.fix or "")


def test_missing_column(tmp_path):
    path = workbook(tmp_path)
    wb = load_workbook(path)
    wb["Staff"]["D1"] = "whole time equivalent"  # header "wte" renamed
    wb.save(path)
    err = _error(path)
    assert isinstance(err, SchemaError) and "missing column(s) wte" in err.message()
    _assert_names(err, path, "Staff", 1)


def test_blank_rows_are_skipped_and_rows_keep_excel_numbers(tmp_path):
    path = workbook(tmp_path, staff_rows=[staff(), {k: None for k in staff()}, staff(wte=11)])
    _assert_names(_error(path), path, "Staff", 4, "wte")


def test_two_reconciliation_lines(tmp_path):
    path = workbook(
        tmp_path,
        reported_rows=[reported(category="reconciliation"), reported(category="reconciliation")],
    )
    err = _error(path)
    assert "2 reconciliation lines" in err.message()
    _assert_names(err, path, "SiteReported", 3)


def test_site_id_must_match_file_name(tmp_path):
    path = workbook(tmp_path)
    renamed = path.with_name("site_Q.xlsx")
    path.rename(renamed)
    with pytest.raises(SchemaError, match="does not match the file name"):
        read_proforma(renamed)


def test_unknown_model_category(tmp_path):
    path = workbook(tmp_path)
    wb = load_workbook(path)
    ws = wb["Site"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "model_category":
            row[1].value = "Hub and spoke"
    wb.save(path)
    err = _error(path)
    assert "unknown model category" in err.message()


def test_cli_reports_the_error_and_exits_2(tmp_path, capsys):
    path = workbook(tmp_path, staff_rows=[staff(band_or_grade="Band 12")])
    code = main(["cost", "price", "--proformas", str(path), "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "sheet 'Staff'" in err and "row 2" in err and "What to do" in err
    assert not (tmp_path / "out" / "table5_costs.csv").exists()


def test_missing_workbook_and_empty_folder(tmp_path, capsys):
    with pytest.raises(InputError):
        read_proforma(tmp_path / "site_Z.xlsx")
    assert main(["cost", "price", "--proformas", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "no site_<ID>.xlsx" in capsys.readouterr().err
