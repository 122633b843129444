"""Pricing engine: single lines against hand calculations from the reference tables."""

from __future__ import annotations

import csv

import pytest
from helpers_costing import REFERENCE, REPO, item, reported, staff, workbook
from openpyxl import load_workbook
from reco.costing import inflation, pricing, reference
from reco.costing.methods import Method
from reco.costing.proforma import read_proforma
from reco.errors import ConfigError, ParseError


@pytest.fixture(scope="module")
def ref() -> reference.Reference:
    return reference.load(REFERENCE)


def _rows(path, ref, method=None):
    return pricing.price_proforma(read_proforma(path), ref, method or Method())


def _by_component(rows):
    return {r["component"]: r for r in rows}


def test_reference_values_used_by_the_hand_calculations_are_the_tables(ref):
    with open(REFERENCE / "afc_pay_points.csv", encoding="utf-8") as f:
        afc = {
            (r["year"], r["band"], r["point"]): int(r["annual_salary_gbp"])
            for r in csv.DictReader(f)
        }
    assert afc[("2021/22", "6", "entry")] == 32306
    assert afc[("2021/22", "6", "top")] == 39027
    assert afc[("2021/22", "7", "entry")] == 40057
    assert afc[("2021/22", "7", "top")] == 45839
    rule = ref.on_costs["employer:2021/22"]
    assert (rule.ni_rate, rule.ni_threshold, rule.pension_rate) == (0.138, 8840.0, 0.2068)
    assert ref.components["overhead_mgmt_community"].value == 0.3129
    assert ref.components["overhead_non_staff_community"].value == 0.454
    assert ref.components["capital_community_nurse"].value == 5366


def test_band6_nurse_half_time_base_case_by_hand(tmp_path, ref):
    # Band 6 nurse, WTE 1, 50% on the service -> 0.5 FTE; AfC 2021/22 mid-point:
    #   mid = (32,306 + 39,027) / 2 = 35,666.50              salary cost 0.5 x 35,666.50 = 17,833.25
    #   NI  = 13.8% x (35,666.50 - 8,840) = 3,702.057
    #   pension = 20.68% x 35,666.50 = 7,375.8322
    #   on-costs per FTE = 11,077.8892                      cost 0.5 x 11,077.8892 = 5,538.94
    #   salary + on-costs = 46,744.3892
    #   management/admin/estates 31.29% = 14,626.3194       cost 7,313.16
    #   non-staff 45.40% = 21,221.9527                       cost 10,610.98
    #   capital (community nurse) 5,366                      cost 2,683.00
    #   total = 43,979.33
    rows = _rows(workbook(tmp_path), ref)
    c = _by_component(rows)
    assert c["salary"]["unit_price"] == 35666.50
    assert c["salary"]["cost"] == 17833.25
    assert c["on_costs"]["unit_price"] == pytest.approx(11077.8892, abs=1e-6)
    assert c["on_costs"]["cost"] == 5538.94
    assert c["overhead_mgmt_admin_estates"]["cost"] == 7313.16
    assert c["overhead_non_staff"]["cost"] == 10610.98
    assert c["capital_overhead"]["cost"] == 2683.00
    assert pricing.site_total(rows) == 43979.33
    assert {r["category"] for r in rows} == {"staff_direct", "overheads"}
    assert all(r["price_year"] == "2021/22" for r in rows)
    assert "afc_pay_points.csv" in c["salary"]["price_source"]
    assert c["salary"]["price_basis"] == "national" and c["salary"]["verified"] is True


def test_actual_salary_pssru_on_costs_and_no_overheads_by_hand(tmp_path, ref):
    # Actual salary 50,000, WTE 2 at 25% -> 0.5 FTE; UCHSC 2022 on-cost method, no overheads:
    #   NI 13.25% x (50,000 - 9,880) = 5,315.90; superannuation 20.6% x 50,000 = 10,300
    #   per FTE 50,000 + 15,615.90 = 65,615.90 -> 0.5 FTE = 32,807.95
    path = workbook(
        tmp_path, staff_rows=[staff(wte=2, pct_time_on_service=25, actual_salary_gbp=50000)]
    )
    rows = _rows(path, ref, Method(on_costs="pssru_2022", overheads="none"))
    c = _by_component(rows)
    assert c["salary"]["price_basis"] == "site_actual"
    assert c["on_costs"]["cost"] == 7807.95
    assert pricing.site_total(rows) == 32807.95
    assert set(c) == {"salary", "on_costs"}


def test_pssru_mean_salary_basis_uses_mean_pay_not_a_pay_point(tmp_path, ref):
    # PSSRU 2022 Table 9.2.1 community nurse band 6 mean basic salary 36,415 (not 35,666.50)
    path = workbook(tmp_path, staff_rows=[staff(pct_time_on_service=100)])
    c = _by_component(_rows(path, ref, Method(salary_basis="pssru_mean", overheads="none")))
    assert c["salary"]["unit_price"] == 36415
    assert "Table 9.2.1" in c["salary"]["price_source"]


def test_unverified_pay_points_are_flagged(tmp_path, ref):
    # Band 8a top (2021/22) is only in derived_values.csv (53,219): the mid-point uses it.
    path = workbook(tmp_path, staff_rows=[staff(band_or_grade="Band 8a", pct_time_on_service=100)])
    c = _by_component(_rows(path, ref, Method(overheads="none")))
    assert c["salary"]["unit_price"] == (47126 + 53219) / 2
    assert c["salary"]["verified"] is False
    assert "NOT VERIFIED" in c["salary"]["price_source"]
    bottom = _by_component(_rows(path, ref, Method(salary_basis="bottom", overheads="none")))
    assert bottom["salary"]["unit_price"] == 47126 and bottom["salary"]["verified"] is True


def test_specialty_doctor_without_2021_22_scale_asks_for_actual_salary(tmp_path, ref):
    path = workbook(
        tmp_path, staff_rows=[staff(staff_group="doctor", band_or_grade="Specialty doctor")]
    )
    with pytest.raises(ParseError) as err:
        _rows(path, ref)
    assert "row 2" in err.value.message() and "actual_salary_gbp" in err.value.message()


def test_non_staff_mileage_and_premises(tmp_path, ref):
    # 5,000 miles: 3,500 x 0.56 + 1,500 x 0.20 = 1,960 + 300 = 2,260
    path = workbook(
        tmp_path,
        staff_rows=[],
        items=[
            item(item_type="travel", quantity=5000, unit="miles", unit_cost_gbp=None),
            item(item_type="premises", quantity=12, unit="months", unit_cost_gbp=1000),
        ],
        reported_rows=[reported(category="overheads", amount_gbp=500)],
    )
    rows = _rows(path, ref)
    travel, premises, overhead = rows
    assert travel["cost"] == 2260.0 and travel["category"] == "intervention"
    assert travel["price_basis"] == "national"
    # under PSSRU overheads, the site's premises/overheads would be counted twice: excluded
    assert premises["cost"] == 0.0 and premises["price_basis"] == "excluded"
    assert overhead["cost"] == 0.0
    actual = _rows(path, ref, Method(overheads="site_actual"))
    assert [r["cost"] for r in actual] == [2260.0, 12000.0, 500.0]


def test_one_pay_point_step_changes_the_site_total_by_hand(tmp_path, ref, repo):
    # Committed site A: Staff row 2 is 8 band 6 link workers at 5% -> 0.4 FTE, priced at mid.
    # Moving it to the top point (39,027) changes the salary by 39,027 - 35,666.50 = 3,360.50;
    # on-costs follow at 13.8% + 20.68% (both points above the NI threshold), overheads at
    # 31.29% + 45.40% of salary + on-costs, capital unchanged:
    #   3,360.50 x 1.3448 = 4,519.1004; x 1.7669 = 7,984.9755; x 0.4 FTE = 3,193.99
    src = repo / "resources" / "reco" / "costing" / "site_A.xlsx"
    base = pricing.site_total(_rows(src, ref))
    wb = load_workbook(src)
    ws = wb["Staff"]
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("band_or_grade") + 1).value == "Band 6"
    assert (
        ws.cell(2, header.index("wte") + 1).value,
        ws.cell(2, header.index("pct_time_on_service") + 1).value,
    ) == (8, 5)
    ws.cell(2, header.index("pay_point") + 1).value = "top"
    moved = tmp_path / "site_A.xlsx"
    wb.save(moved)
    expected = 0.4 * 3360.50 * (1 + 0.138 + 0.2068) * (1 + 0.3129 + 0.4540)
    assert round(expected, 2) == 3193.99
    assert pricing.site_total(_rows(moved, ref)) - base == pytest.approx(expected, abs=0.05)


def test_inflation_factors_match_the_reference_table(ref):
    # 2024 edition, pay and prices: 2022/23 +7.32%, 2023/24 +4.31%
    with open(REFERENCE / "nhscii.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["edition"].startswith("UCHSC 2024")]
    rise = {r["year"]: float(r["index_all"]) for r in rows}
    assert (rise["2022/23"], rise["2023/24"]) == (7.32, 4.31)
    f = inflation.factor(ref, "2021/22", "2023/24", edition=2024, index="all")
    assert f == pytest.approx(1.0732 * 1.0431, abs=1e-12)
    assert inflation.factor(ref, "2021/22", "2022/23", edition=2024, index="pay") == pytest.approx(
        1.0741
    )
    assert inflation.factor(ref, "2021/22", "2021/22", edition=2024, index="all") == 1.0
    # the 2022 edition's provisional 2021/22 rise (2.72%) differs from the 2024 edition's (2.58%)
    assert inflation.factor(ref, "2020/21", "2021/22", edition=2022, index="all") == pytest.approx(
        1.0272
    )
    assert inflation.factor(ref, "2020/21", "2021/22", edition=2024, index="all") == pytest.approx(
        1.0258
    )
    with pytest.raises(ConfigError):
        inflation.factor(ref, "2021/22", "2024/25", edition=2024, index="all")
    with pytest.raises(ConfigError):
        inflation.factor(ref, "2023/24", "2021/22", edition=2024, index="all")


def test_every_committed_line_records_price_source_and_year(ref, repo):
    for path in sorted((repo / "resources" / "reco" / "costing").glob("site_*.xlsx")):
        for r in _rows(path, ref):
            assert r["price_source"] and r["price_year"], r
            assert r["price_basis"] in {"site_actual", "national", "excluded", "reconciliation"}


def test_unknown_site_id_layout(tmp_path):
    assert REPO.is_dir()
    bad = tmp_path / "proforma.xlsx"
    bad.write_bytes(b"")
    from reco.errors import InputError

    with pytest.raises(InputError, match="site_<ID>.xlsx"):
        read_proforma(bad)
