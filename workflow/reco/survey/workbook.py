"""Audit returns workbook: the form layout, a byte-deterministic writer and a checked reader.

One sheet per return, as a service returned it: a header row ``Field | Response`` and one row per
form field (see :data:`FORM`). Multiple-choice answers are the ticked labels separated by ``;``.
The writer fixes the workbook properties (creator, created/modified dates) and the zip entry
timestamps so the same content always gives the same bytes. The reader uses polars' calamine
engine and checks every answer against the form's vocabularies; a problem names the file, the
sheet and the row.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reco.errors import InputError, SchemaError
from reco.fileio import atomic_path
from reco.survey import codes

#: Fixed workbook properties (the same bytes on every run).
FIXED_TIME = dt.datetime(2021, 1, 1, 0, 0, 0)
FIXED_CREATOR = "reco"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Field:
    label: str  # the question as printed on the form (column A)
    key: str  # the name the pipeline uses
    kind: str  # text | personal | date | number | single | multi
    vocab: Mapping[str, str] | None = None
    required: bool = True


#: The audit form, in the order its rows appear on every sheet.
FORM: tuple[Field, ...] = (
    Field("Organisation reference", "org_id", "text"),
    Field("Organisation name", "org_name", "text"),
    Field("Service name", "service_name", "text"),
    Field("Respondent name", "respondent_name", "personal", required=False),
    Field("Respondent e-mail", "respondent_email", "personal", required=False),
    Field("Respondent telephone", "respondent_phone", "personal", required=False),
    Field("Date returned", "date_returned", "date"),
    Field("Commissioned by", "commissioner", "single", codes.COMMISSIONERS, required=False),
    Field("Provided by", "provider", "single", codes.PROVIDERS, required=False),
    Field("Model of care", "model", "single", codes.MODELS, required=False),
    Field("Interventions offered", "interventions", "multi", codes.INTERVENTIONS, required=False),
    Field("Modes of delivery", "modes", "multi", codes.DELIVERY_MODES, required=False),
    Field("Dedicated staff (WTE)", "staff_wte", "number", required=False),
    Field("Note", "note", "text", required=False),
)
FORM_BY_LABEL = {f.label.casefold(): f for f in FORM}
HEADER = ("Field", "Response")


def write_workbook(
    sheets: Mapping[str, Sequence[Sequence[object]]],
    path: str | Path,
    *,
    title: str = "",
    description: str = "",
) -> None:
    """Write ``{sheet name: rows}`` to ``path`` as .xlsx with fixed properties and timestamps."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(title=name)
        for row in rows:
            ws.append(list(row))
        ws.column_dimensions["A"].width = 32
        ws.column_dimensions["B"].width = 60
    props = wb.properties
    props.creator = FIXED_CREATOR
    props.lastModifiedBy = FIXED_CREATOR
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.title = title or None
    props.description = description or None
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    raw.seek(0)
    with (
        atomic_path(path) as tmp,
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))


def form_rows(answers: Mapping[str, object]) -> list[list[object]]:
    """The rows of one return's sheet from ``{field key: answer}`` (lists are multiple choice)."""
    rows: list[list[object]] = [list(HEADER)]
    for f in FORM:
        value = answers.get(f.key)
        if isinstance(value, (list, tuple)):
            value = "; ".join(f.vocab[v] for v in value) if f.vocab else "; ".join(value)
        elif f.kind == "single" and value is not None and f.vocab:
            value = f.vocab[str(value)]
        rows.append([f.label, value])
    return rows


@dataclass
class Return:
    """One audit return (one sheet), answers as codes; ``personal`` fields are kept apart."""

    sheet: str
    answers: dict[str, object]
    rows: dict[str, int]  # field key -> sheet row, for messages


def read_returns(path: str | Path) -> list[Return]:
    """Read every sheet of the audit workbook and check it against :data:`FORM`."""
    import polars as pl

    p = Path(path)
    if not p.is_file():
        raise InputError(
            "audit returns workbook not found",
            file=p,
            fix="put the workbook at this path or set survey.audit_returns in the config.",
        )
    try:
        sheets = pl.read_excel(
            p, sheet_id=0, engine="calamine", has_header=False, infer_schema_length=0
        )
    except Exception as exc:  # calamine raises its own types for corrupt files
        raise InputError(
            f"cannot read the audit workbook: {exc}",
            file=p,
            fix="save it again as an Excel .xlsx workbook (one sheet per return).",
        ) from exc
    if not sheets:
        raise InputError(
            "the audit workbook has no sheets", file=p, fix="add one sheet per return."
        )
    return [_read_sheet(p, name, df.rows()) for name, df in sheets.items()]


def _read_sheet(path: Path, sheet: str, rows: list[tuple[object, ...]]) -> Return:
    if not rows or tuple(str(c or "").strip() for c in rows[0][:2]) != HEADER:
        raise SchemaError(
            f"sheet does not start with the header {' | '.join(HEADER)}",
            file=path,
            sheet=sheet,
            row=1,
            fix="every return sheet starts with the header row Field | Response in A1:B1.",
        )
    answers: dict[str, object] = {}
    where: dict[str, int] = {}
    for index, cells in enumerate(rows[1:], start=2):
        label = str(cells[0] or "").strip()
        value = str(cells[1]).strip() if len(cells) > 1 and cells[1] is not None else ""
        if not label:
            if value:
                raise SchemaError(
                    "answer without a field label",
                    file=path,
                    sheet=sheet,
                    row=index,
                    fix="put the question in column A or delete the stray answer.",
                )
            continue
        field = FORM_BY_LABEL.get(label.casefold())
        if field is None:
            raise SchemaError(
                f"unknown field {label!r}",
                file=path,
                sheet=sheet,
                row=index,
                column="A",
                fix=f"use the audit form's fields: {', '.join(f.label for f in FORM)}.",
            )
        if field.key in answers:
            raise SchemaError(
                f"field {label!r} appears twice (first on row {where[field.key]})",
                file=path,
                sheet=sheet,
                row=index,
                fix="keep one row per field.",
            )
        where[field.key] = index
        answers[field.key] = _parse(path, sheet, index, field, value)
    for field in FORM:
        if field.required and not answers.get(field.key):
            raise SchemaError(
                f"required field {field.label!r} is missing or empty",
                file=path,
                sheet=sheet,
                row=where.get(field.key),
                fix=f"fill in {field.label!r} on this return.",
            )
    return Return(sheet=sheet, answers=answers, rows=where)


def _parse(path: Path, sheet: str, row: int, field: Field, value: str) -> object:
    if not value:
        return [] if field.kind == "multi" else None
    if field.kind == "date":
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            raise SchemaError(
                f"{field.label} {value!r} is not a date",
                file=path,
                sheet=sheet,
                row=row,
                column="B",
                fix="enter the date as a date cell or as YYYY-MM-DD.",
            ) from None
    if field.kind == "number":
        try:
            number = float(value)
        except ValueError:
            raise SchemaError(
                f"{field.label} {value!r} is not a number",
                file=path,
                sheet=sheet,
                row=row,
                column="B",
                fix="enter a number (e.g. 1.5).",
            ) from None
        if not math.isfinite(number) or number < 0:
            # staff time (WTE) cannot be negative, NaN or infinite
            raise SchemaError(
                f"{field.label} {value!r} must be a number of zero or more",
                file=path,
                sheet=sheet,
                row=row,
                column="B",
                fix="enter the staff time as a positive number (e.g. 1.5), or leave it blank.",
            )
        return number
    if field.kind in ("single", "multi"):
        lookup = codes.label_to_code(field.vocab or {})
        parts = [v.strip() for v in value.split(";")] if field.kind == "multi" else [value]
        out = []
        for part in parts:
            if not part:
                continue
            found = lookup.get(part.casefold())
            if found is None:
                raise SchemaError(
                    f"unknown answer {part!r} to {field.label!r}",
                    file=path,
                    sheet=sheet,
                    row=row,
                    column="B",
                    fix=f"use one of: {'; '.join((field.vocab or {}).values())}.",
                )
            out.append(found)
        return out if field.kind == "multi" else out[0]
    return value
