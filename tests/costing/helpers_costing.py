"""Shared helpers for the costing tests: small pro formas written with the project's writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reco.costing.workbook import write_proforma

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "resources" / "reference" / "costing"


def staff(**over: Any) -> dict[str, Any]:
    row = {
        "role": "Dual diagnosis nurse",
        "staff_group": "nurse",
        "band_or_grade": "Band 6",
        "wte": 1,
        "pct_time_on_service": 50,
        "actual_salary_gbp": None,
        "pay_point": None,
        "time_type": "direct",
        "notes": None,
    }
    row.update(over)
    return row


def item(**over: Any) -> dict[str, Any]:
    row = {
        "item_type": "training",
        "description": "Course fees",
        "quantity": 2,
        "unit": "places",
        "unit_cost_gbp": 1800,
        "notes": None,
    }
    row.update(over)
    return row


def reported(**over: Any) -> dict[str, Any]:
    row = {
        "description": "Client activities",
        "category": "intervention",
        "amount_gbp": 1000,
        "source": "ledger",
        "notes": None,
    }
    row.update(over)
    return row


def site(site_id: str = "T", model: str = "Lead and link") -> dict[str, str]:
    return {
        "site_id": site_id,
        "model_category": model,
        "financial_year": "2021/22",
        "perspective": "NHS",
    }


def workbook(
    folder: Path,
    *,
    site_id: str = "T",
    staff_rows: list[dict[str, Any]] | None = None,
    items: list[dict[str, Any]] | None = None,
    reported_rows: list[dict[str, Any]] | None = None,
) -> Path:
    return write_proforma(
        folder / f"site_{site_id}.xlsx",
        site=site(site_id),
        staff=[staff()] if staff_rows is None else staff_rows,
        non_staff=items or [],
        reported=reported_rows or [],
    )
