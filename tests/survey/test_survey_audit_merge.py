"""Audit returns are merged into services by computation: moving one return moves the count."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from reco.survey import audit, workbook
from reco.survey.inputs import by_key, read_register


@pytest.fixture()
def copy(repo: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "audit_returns.xlsx"
    shutil.copy(repo / "resources/reco/survey/audit_returns.xlsx", dst)
    return dst


@pytest.fixture(scope="module")
def register(repo: Path) -> dict:
    return by_key(read_register(repo / "resources/reco/survey/organisations.csv"), "org_id")


def services_of(path: Path, register: dict) -> list[dict]:
    returns = workbook.read_returns(path)
    audit.check_organisations(path, returns, register)
    return audit.merge(returns, register)


def set_org(path: Path, sheet: str, org: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    row = next(
        r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Organisation reference"
    )
    ws.cell(row, 2).value = org
    wb.save(path)


def test_returns_and_services_are_counted_not_typed(copy: Path, register: dict) -> None:
    returns = workbook.read_returns(copy)
    services = services_of(copy, register)
    assert len(services) == len({r.answers["org_id"] for r in returns})
    assert len(returns) > len(services)  # some organisations returned more than once


def test_moving_a_duplicate_return_to_a_new_organisation_adds_a_service(
    copy: Path, register: dict
) -> None:
    before = services_of(copy, register)
    merged = next(s for s in before if len(s["returns"]) > 1)
    used = {r.answers["org_id"] for r in workbook.read_returns(copy)}
    fresh = next(org for org in sorted(register) if org not in used)
    set_org(copy, merged["returns"][0], fresh)
    assert len(services_of(copy, register)) == len(before) + 1


def test_moving_a_single_return_onto_another_service_removes_one(
    copy: Path, register: dict
) -> None:
    before = services_of(copy, register)
    single = next(s for s in before if len(s["returns"]) == 1)
    other = next(s for s in before if s is not single)
    returns = {r.sheet: r for r in workbook.read_returns(copy)}
    set_org(copy, single["returns"][0], str(returns[other["returns"][0]].answers["org_id"]))
    assert len(services_of(copy, register)) == len(before) - 1


def test_merge_takes_union_of_choices_and_latest_single_answer(register: dict) -> None:
    def ret(sheet: str, day: int, **answers) -> workbook.Return:
        import datetime as dt

        base = {"org_id": "ORG0001", "date_returned": dt.date(2021, 1, day)}
        return workbook.Return(sheet=sheet, answers=base | answers, rows={})

    returns = [
        ret("Later", 20, model="lead_and_link", modes=["phone"], interventions=["cbt"]),
        ret("Earlier", 5, model="other", provider="substance_use", modes=["one_to_one"]),
    ]
    (service,) = audit.merge(returns, register)
    assert service["model"] == "lead_and_link"  # the later return wins
    assert service["provider"] == "substance_use"  # only the earlier return answers it
    assert service["modes"] == ["one_to_one", "phone"]
    assert service["interventions"] == ["cbt"]
    assert service["returns"] == ["Earlier", "Later"]
    assert service["conflicts"] and "model" in service["conflicts"][0]
    summary = audit.summarise(returns, [service])
    assert summary["returns"] == 2 and summary["services"] == 1
    assert summary["modes"]["phone"] == {"label": "Telephone", "n": 1, "pct": 100}
