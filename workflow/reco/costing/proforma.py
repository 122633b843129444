"""Read and validate a costing pro forma workbook (xlsx), the way a service lead fills it in.

One workbook per site, named ``site_<ID>.xlsx``. Sheets (the header is row 1 of each; the
``Instructions`` sheet is for the person filling it in and is not read):

- ``Site``: two columns, ``field`` and ``value``: site_id, service_name, model_category,
  service_remit, financial_year, completed_by, ...
- ``Staff``: one line per role: role, staff_group, band_or_grade (AfC band or medical grade),
  wte (whole-time equivalents on the line, > 0 and <= 10), pct_time_on_service (0-100),
  actual_salary_gbp (annual FTE basic pay, if the site knows it), pay_point (bottom/mid/top,
  blank = the method's), time_type (direct/indirect), notes.
- ``NonStaff``: item_type (intervention, training, equipment, travel, premises), description,
  quantity, unit, unit_cost_gbp (blank only for travel in miles: priced at the NHS mileage
  rate), notes.
- ``SiteReported``: top-down amounts the site reported: description, category (staff_direct,
  staff_indirect, intervention, training, equipment, overheads, or reconciliation), amount_gbp,
  source, notes. At most one ``reconciliation`` line per site.
- ``Notes``: free text (one ``note`` column).

Every problem raises a :class:`RecoError` naming the workbook, sheet, Excel row and column and
saying what to do. Blank rows are skipped; row numbers are the ones Excel shows.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reco.costing.reference import normalise_band, normalise_grade
from reco.errors import InputError, ParseError, SchemaError

SITE_FIELDS: tuple[str, ...] = (
    "site_id",
    "service_name",
    "model_category",
    "service_remit",
    "financial_year",
    "perspective",
    "completed_by",
    "date_completed",
    "data_status",
)
REQUIRED_SITE_FIELDS = ("site_id", "model_category", "financial_year")

STAFF_COLUMNS: tuple[str, ...] = (
    "role",
    "staff_group",
    "band_or_grade",
    "wte",
    "pct_time_on_service",
    "actual_salary_gbp",
    "pay_point",
    "time_type",
    "notes",
)
NON_STAFF_COLUMNS: tuple[str, ...] = (
    "item_type",
    "description",
    "quantity",
    "unit",
    "unit_cost_gbp",
    "notes",
)
SITE_REPORTED_COLUMNS: tuple[str, ...] = (
    "description",
    "category",
    "amount_gbp",
    "source",
    "notes",
)
SHEETS: dict[str, tuple[str, ...]] = {
    "Site": ("field", "value"),
    "Staff": STAFF_COLUMNS,
    "NonStaff": NON_STAFF_COLUMNS,
    "SiteReported": SITE_REPORTED_COLUMNS,
    "Notes": ("note",),
}

STAFF_GROUPS: tuple[str, ...] = (
    "nurse",
    "doctor",
    "psychologist",
    "ahp",
    "social_worker",
    "support_worker",
    "peer_worker",
    "admin",
    "manager",
)
TIME_TYPES = ("direct", "indirect")
PAY_POINTS = ("bottom", "mid", "top")
ITEM_TYPES = ("intervention", "training", "equipment", "travel", "premises")
REPORTED_CATEGORIES = (
    "staff_direct",
    "staff_indirect",
    "intervention",
    "training",
    "equipment",
    "overheads",
    "reconciliation",
)
MODEL_CATEGORIES = ("Network", "Consultancy", "Lead and link")
MAX_WTE = 10.0


@dataclass(frozen=True)
class StaffLine:
    row: int  # Excel row number on the Staff sheet
    role: str
    staff_group: str
    band: str | None  # AfC band ("6", "8a") or None for a medical grade
    grade: str | None  # medical grade code ("CONSULTANT") or None
    band_or_grade: str  # as written
    wte: float
    pct_time: float
    actual_salary: float | None
    pay_point: str | None
    time_type: str
    notes: str


@dataclass(frozen=True)
class NonStaffLine:
    row: int
    item_type: str
    description: str
    quantity: float
    unit: str
    unit_cost: float | None
    notes: str


@dataclass(frozen=True)
class ReportedLine:
    row: int
    description: str
    category: str
    amount: float
    source: str
    notes: str


@dataclass
class ProForma:
    """One site's validated pro forma."""

    path: Path
    site: dict[str, str]
    staff: list[StaffLine] = field(default_factory=list)
    non_staff: list[NonStaffLine] = field(default_factory=list)
    reported: list[ReportedLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def site_id(self) -> str:
        return self.site["site_id"]

    @property
    def model_category(self) -> str:
        return self.site["model_category"]


def site_id_from_path(path: Path) -> str:
    """``site_A.xlsx`` -> ``"A"`` (the file naming rule for pro formas)."""
    stem = path.stem
    if not stem.startswith("site_") or len(stem) <= 5:
        raise InputError(
            "pro forma file name should be site_<ID>.xlsx",
            file=path,
            fix="rename the workbook, e.g. site_A.xlsx; the ID must match the Site sheet's site_id.",
        )
    return stem[5:]


def _read_sheet(path: Path, sheet: str) -> pl.DataFrame:
    columns = SHEETS[sheet]
    if not zipfile.is_zipfile(path):  # an .xlsx is a zip archive; anything else is not a workbook
        raise InputError(
            "not an Excel workbook (.xlsx)",
            file=path,
            fix="save the pro forma as an Excel workbook (.xlsx), e.g. from "
            "`reco cost template`; .xls, .csv and PDF copies cannot be read.",
        )
    try:
        df = pl.read_excel(
            path,
            sheet_name=sheet,
            engine="calamine",
            infer_schema_length=0,
            drop_empty_rows=False,
        )
    except ValueError as exc:
        if "sheet" in str(exc).lower():
            raise SchemaError(
                f"missing sheet {sheet!r}",
                file=path,
                sheet=sheet,
                fix=f"add a sheet named {sheet!r} with header row {', '.join(columns)} "
                "(`reco cost template` writes an empty pro forma with every sheet).",
            ) from exc
        raise
    df = df.rename({c: str(c).strip() for c in df.columns})
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(
            f"missing column(s) {', '.join(missing)} (row 1 is the header)",
            file=path,
            sheet=sheet,
            row=1,
            fix=f"the header row of sheet {sheet!r} must hold: {', '.join(columns)}.",
        )
    return df.select([pl.col(c).cast(pl.String) for c in columns])


def _rows(df: pl.DataFrame) -> list[tuple[int, dict[str, str | None]]]:
    """(Excel row, values) for each non-blank row; values stripped, '' -> None."""
    out = []
    for i, rec in enumerate(df.iter_rows(named=True)):
        clean = {
            k: (v.strip() if isinstance(v, str) and v.strip() else None) for k, v in rec.items()
        }
        if all(v is None for v in clean.values()):
            continue
        out.append((i + 2, clean))
    return out


class _Checker:
    """Parses cell values of one sheet, raising errors that name the cell."""

    def __init__(self, path: Path, sheet: str) -> None:
        self.path = path
        self.sheet = sheet

    def fail(self, row: int, column: str, what: str, fix: str) -> ParseError:
        return ParseError(what, file=self.path, sheet=self.sheet, row=row, column=column, fix=fix)

    def text(self, rec: dict, row: int, column: str, *, required: bool = True) -> str:
        value = rec[column]
        if value is None and required:
            raise self.fail(row, column, "empty cell", f"fill in {column}.")
        return value or ""

    def number(
        self,
        rec: dict,
        row: int,
        column: str,
        *,
        required: bool = True,
        low: float | None = None,
        high: float | None = None,
        low_inclusive: bool = True,
        hint: str = "",
    ) -> float | None:
        raw = rec[column]
        if raw is None:
            if required:
                raise self.fail(row, column, "empty cell", f"enter a number in {column}{hint}.")
            return None
        try:
            text = raw.replace(",", "").replace("£", "").strip()
            if column.startswith("pct_") and text.endswith("%"):  # "50%" typed as text
                text = text[:-1].strip()
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise self.fail(
                row,
                column,
                f"text {raw!r} where a number belongs",
                f"enter {column} as a plain number{hint} (no words, units or ranges).",
            )
        below = low is not None and (value < low if low_inclusive else value <= low)
        if low is not None and below:
            rel = ">=" if low_inclusive else ">"
            raise self.fail(
                row,
                column,
                f"{column} is {value:g}: it must be {rel} {low:g}"
                + (" (a negative cost)" if low == 0 and "gbp" in column else ""),
                f"correct the value{hint}; a cost or credit belongs in Notes, not as a negative amount."
                if "gbp" in column
                else f"correct the value{hint}.",
            )
        if high is not None and value > high:
            raise self.fail(
                row,
                column,
                f"{column} is {value:g}: it must be <= {high:g}",
                f"correct the value{hint}.",
            )
        return value

    def choice(
        self, rec: dict, row: int, column: str, allowed: tuple[str, ...], *, required: bool = True
    ) -> str | None:
        raw = rec[column]
        if raw is None:
            if required:
                raise self.fail(row, column, "empty cell", f"enter one of: {', '.join(allowed)}.")
            return None
        value = raw.strip().lower().replace(" ", "_").replace("-", "_")
        if value not in allowed:
            raise self.fail(
                row, column, f"unknown value {raw!r}", f"use one of: {', '.join(allowed)}."
            )
        return value


def read_proforma(path: str | Path) -> ProForma:
    """Read and validate one pro forma workbook."""
    path = Path(path)
    if not path.is_file():
        raise InputError("pro forma workbook not found", file=path, fix="check the path.")
    file_site = site_id_from_path(path)
    site = _read_site(path)
    if site["site_id"] != file_site:
        raise SchemaError(
            f"site_id {site['site_id']!r} does not match the file name (site_{file_site}.xlsx)",
            file=path,
            sheet="Site",
            fix="make the Site sheet's site_id and the file name agree.",
        )
    pf = ProForma(path=path, site=site)
    pf.staff = _read_staff(path)
    pf.non_staff = _read_non_staff(path)
    pf.reported = _read_reported(path)
    pf.notes = [rec["note"] for _, rec in _rows(_read_sheet(path, "Notes")) if rec["note"]]
    recs = [r for r in pf.reported if r.category == "reconciliation"]
    if len(recs) > 1:
        raise SchemaError(
            f"{len(recs)} reconciliation lines (rows {', '.join(str(r.row) for r in recs)})",
            file=path,
            sheet="SiteReported",
            row=recs[1].row,
            fix="keep at most one line with category reconciliation per site.",
        )
    if not (pf.staff or pf.non_staff or pf.reported):
        raise SchemaError(
            "the pro forma has no cost lines",
            file=path,
            fix="fill in at least one Staff, NonStaff or SiteReported line.",
        )
    return pf


def _read_site(path: Path) -> dict[str, str]:
    site: dict[str, str] = {}
    for row, rec in _rows(_read_sheet(path, "Site")):
        if rec["field"] is None:
            continue
        site[rec["field"]] = rec["value"] or ""
        if rec["field"] == "model_category" and rec["value"] not in MODEL_CATEGORIES:
            raise ParseError(
                f"unknown model category {rec['value']!r}",
                file=path,
                sheet="Site",
                row=row,
                column="value",
                fix=f"use one of: {', '.join(MODEL_CATEGORIES)}.",
            )
    for name in REQUIRED_SITE_FIELDS:
        if not site.get(name):
            raise SchemaError(
                f"missing field {name!r}",
                file=path,
                sheet="Site",
                fix=f"add a row with field {name!r} and its value.",
            )
    return site


def _read_staff(path: Path) -> list[StaffLine]:
    c = _Checker(path, "Staff")
    lines = []
    for row, rec in _rows(_read_sheet(path, "Staff")):
        group = c.choice(rec, row, "staff_group", STAFF_GROUPS)
        written = c.text(rec, row, "band_or_grade")
        band = normalise_band(written)
        grade = None if band is not None else normalise_grade(written)
        if band is None and grade is None:
            raise c.fail(
                row,
                "band_or_grade",
                f"unknown band or grade {written!r}",
                "write an Agenda for Change band (Band 1-9, 8a-8d) or a medical grade "
                "(FY1, FY2, CT1-2, ST3-5, ST6-8, Specialty doctor, Consultant).",
            )
        if grade is not None and group != "doctor":
            raise c.fail(
                row,
                "staff_group",
                f"medical grade {written!r} on a {group} line",
                "set staff_group to doctor, or give an AfC band.",
            )
        lines.append(
            StaffLine(
                row=row,
                role=c.text(rec, row, "role"),
                staff_group=group or "",
                band=band,
                grade=grade,
                band_or_grade=written,
                wte=c.number(
                    rec, row, "wte", low=0, low_inclusive=False, high=MAX_WTE,
                    hint=" (whole-time equivalents on this line, above 0 and at most 10)",
                )
                or 0.0,
                pct_time=c.number(
                    rec, row, "pct_time_on_service", low=0, high=100,
                    hint=" (per cent of their time spent on the service, 0-100)",
                )
                or 0.0,
                actual_salary=c.number(
                    rec, row, "actual_salary_gbp", required=False, low=0,
                    hint=" (annual full-time basic salary in GBP, or leave blank)",
                ),
                pay_point=c.choice(rec, row, "pay_point", PAY_POINTS, required=False),
                time_type=c.choice(rec, row, "time_type", TIME_TYPES) or "direct",
                notes=rec["notes"] or "",
            )
        )  # fmt: skip
    return lines


def _read_non_staff(path: Path) -> list[NonStaffLine]:
    c = _Checker(path, "NonStaff")
    lines = []
    for row, rec in _rows(_read_sheet(path, "NonStaff")):
        item = c.choice(rec, row, "item_type", ITEM_TYPES) or ""
        unit = (rec["unit"] or "").strip()
        unit_cost = c.number(rec, row, "unit_cost_gbp", required=False, low=0)
        if unit_cost is None and not (item == "travel" and unit.lower() == "miles"):
            raise c.fail(
                row,
                "unit_cost_gbp",
                "empty cell",
                "enter the cost per unit in GBP (only travel in miles may be left blank: it is "
                "priced at the NHS mileage rate).",
            )
        lines.append(
            NonStaffLine(
                row=row,
                item_type=item,
                description=c.text(rec, row, "description"),
                quantity=c.number(rec, row, "quantity", low=0) or 0.0,
                unit=unit,
                unit_cost=unit_cost,
                notes=rec["notes"] or "",
            )
        )
    return lines


def _read_reported(path: Path) -> list[ReportedLine]:
    c = _Checker(path, "SiteReported")
    lines = []
    for row, rec in _rows(_read_sheet(path, "SiteReported")):
        lines.append(
            ReportedLine(
                row=row,
                description=c.text(rec, row, "description"),
                category=c.choice(rec, row, "category", REPORTED_CATEGORIES) or "",
                amount=c.number(rec, row, "amount_gbp", low=0) or 0.0,
                source=rec["source"] or "",
                notes=rec["notes"] or "",
            )
        )
    return lines
