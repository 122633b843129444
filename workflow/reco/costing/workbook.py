"""Write pro forma workbooks with openpyxl, byte for byte the same on every run.

openpyxl stamps the document properties with the current time and zipfile stamps every member
with the current time; both are fixed here (``FIXED_TIME``), so the same content always gives
the same bytes (the reconstruction test compares committed workbooks byte for byte).
Used by ``reco reconstruct`` (the six RECO pro formas) and ``reco cost template`` (a blank one).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reco.costing.proforma import (
    ITEM_TYPES,
    MODEL_CATEGORIES,
    PAY_POINTS,
    REPORTED_CATEGORIES,
    SHEETS,
    STAFF_GROUPS,
    TIME_TYPES,
)
from reco.fileio import atomic_path

#: Timestamp written into document properties and zip members.
FIXED_TIME = dt.datetime(2022, 6, 30, 12, 0, 0)

INSTRUCTIONS: tuple[str, ...] = (
    "COSMHAD service costing pro forma: annual costs for financial year 2021/22, NHS perspective",
    "",
    "Fill in one line per role or item. Row 1 of each sheet is the header: do not change it.",
    "Site: one value per field. model_category: " + ", ".join(MODEL_CATEGORIES) + ".",
    "Staff: role; staff_group (" + ", ".join(STAFF_GROUPS) + ");",
    "  band_or_grade: Agenda for Change band (Band 1-9, 8a-8d) or medical grade (FY1, FY2,",
    "  CT1-2, ST3-5, ST6-8, Specialty doctor, Consultant);",
    "  wte: whole-time equivalents on the line (several people may share a line), above 0, at most 10;",
    "  pct_time_on_service: per cent of that time spent on the dual diagnosis service (0-100):",
    "  type 40 for 40% (a cell formatted as a percentage would store 0.4);",
    "  actual_salary_gbp: annual full-time basic salary if you know it (else leave blank: the",
    "  national pay scale is used); pay_point: " + "/".join(PAY_POINTS) + " if known;",
    "  time_type: " + " or ".join(TIME_TYPES) + " (direct service delivery or supporting time).",
    "NonStaff: item_type (" + ", ".join(ITEM_TYPES) + "), description, quantity, unit,",
    "  unit_cost_gbp (actual cost per unit; travel in miles may be left blank).",
    "SiteReported: amounts from your own budget or ledger (top-down), with their category (",
    "  " + ", ".join(REPORTED_CATEGORIES) + ") and source.",
    "Notes: anything else we should know.",
)


def write_proforma(
    path: str | Path,
    *,
    site: Mapping[str, str],
    staff: Sequence[Mapping[str, Any]] = (),
    non_staff: Sequence[Mapping[str, Any]] = (),
    reported: Sequence[Mapping[str, Any]] = (),
    notes: Sequence[str] = (),
    creator: str = "reco",
    banner: str | None = None,
) -> Path:
    """Write a pro forma workbook (atomically, deterministically) and return its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.title = f"Costing pro forma, site {site.get('site_id', '')}"
    bold = Font(bold=True)

    ws = wb.active
    ws.title = "Instructions"
    lines = ([banner, ""] if banner else []) + list(INSTRUCTIONS)
    for text in lines:
        ws.append([text])
    ws.column_dimensions["A"].width = 110

    tables: dict[str, list[list[Any]]] = {
        "Site": [[k, v] for k, v in site.items()],
        "Staff": [[row.get(c) for c in SHEETS["Staff"]] for row in staff],
        "NonStaff": [[row.get(c) for c in SHEETS["NonStaff"]] for row in non_staff],
        "SiteReported": [[row.get(c) for c in SHEETS["SiteReported"]] for row in reported],
        "Notes": [[n] for n in notes],
    }
    for name, rows in tables.items():
        sheet = wb.create_sheet(name)
        sheet.append(list(SHEETS[name]))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
        for i, _ in enumerate(SHEETS[name]):
            sheet.column_dimensions[chr(ord("A") + i)].width = 70 if name == "Notes" else 22

    buffer = io.BytesIO()
    wb.save(buffer)
    target = Path(path)
    with atomic_path(target) as tmp:
        _rezip(buffer.getvalue(), tmp)
    return target


def _rezip(data: bytes, out: Path) -> None:
    """Copy a zip, giving every member the fixed timestamp and a fixed order and attributes."""
    stamp = FIXED_TIME.timetuple()[:6]
    fixed = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" at save time
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + fixed + rb"\g<2>",
                    content,
                )
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            member.create_system = 0
            dst.writestr(member, content, compresslevel=6)
