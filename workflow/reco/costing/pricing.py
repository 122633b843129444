"""The pricing engine: turn a validated pro forma into priced cost components and site totals.

Each pro forma line gives one or more priced rows (components), each recording the quantity,
the unit price used, where that price came from (site actual or a national table, with file,
source and year), whether the price is verified, and the cost in GBP (rounded to the penny):

- a Staff line gives ``salary`` and ``on_costs`` (category staff_direct or staff_indirect by
  its time type) and, under PSSRU overheads, ``overhead_mgmt_admin_estates``,
  ``overhead_non_staff`` and ``capital_overhead`` (category overheads). Quantity is the FTE on
  the service: wte x pct_time_on_service / 100. On-costs are computed on the full-time salary
  (the NI threshold is per person per year) and scaled by the FTE.
- a NonStaff line gives ``item``: quantity x unit cost; travel in miles without a unit cost is
  priced at the NHS mileage rate (UCHSC 2022). Categories: intervention, training, equipment,
  travel -> intervention (travel to deliver the service), premises -> overheads.
- a SiteReported line gives ``reported`` at the amount the site gave, in its category;
  the ``reconciliation`` line gives ``reconciliation``.
- Under PSSRU overheads, site-reported premises/overhead amounts would be counted twice (PSSRU
  rates already cover estates and non-staff overheads): they are kept as rows with cost 0 and
  basis ``excluded``. Under ``site_actual`` overheads they are counted and no PSSRU rate is.
"""

from __future__ import annotations

from dataclasses import dataclass

from reco.costing.methods import Method
from reco.costing.proforma import NonStaffLine, ProForma, ReportedLine, StaffLine
from reco.costing.reference import PSSRU_DOCTOR_ROWS, OnCostRule, PayScale, Price, Reference
from reco.errors import ConfigError, ParseError

#: Output categories of Table 5 costs, in order (reconciliation is kept apart from the six).
CATEGORIES: tuple[str, ...] = (
    "staff_direct",
    "staff_indirect",
    "intervention",
    "training",
    "equipment",
    "overheads",
)
ITEM_CATEGORY = {
    "intervention": "intervention",
    "training": "training",
    "equipment": "equipment",
    "travel": "intervention",
    "premises": "overheads",
}


@dataclass(frozen=True)
class Adjust:
    """Multipliers applied on top of the method (one-way sensitivity)."""

    wte: float = 1.0
    on_costs: float = 1.0
    overhead_rate: float = 1.0
    non_staff: float = 1.0
    pay_point: str | None = None  # force this pay point on pay-scale lines without one given


@dataclass(frozen=True)
class StaffInput:
    """Everything needed to price one staff line (shared by the engine and the PSA)."""

    line: StaffLine
    fte: float
    salary: Price
    salary_kind: str  # "actual", "pay_point" or "pssru_mean"
    scale: PayScale | None  # the pay scale, for pay-point lines
    point: str | None  # the pay point used
    on_cost_rule: OnCostRule | None
    overhead_rates: tuple[Price, Price] | None  # (management/admin/estates, non-staff)
    capital: Price | None


def on_cost_per_fte(salary: float, rule: OnCostRule | None, levy: bool) -> float:
    """Employer NI above the threshold + pension (+ apprenticeship levy) on a full-time salary."""
    if rule is None:
        return 0.0
    ni = max(0.0, salary - rule.ni_threshold) * rule.ni_rate
    return ni + salary * rule.pension_rate + (salary * rule.apprenticeship_levy if levy else 0.0)


def mid_point(scale: PayScale, rule: str) -> Price:
    """The band's mid-point: mean of bottom and top, or its intermediate point if it has one."""
    if rule == "intermediate_point" and scale.intermediate is not None:
        return scale.intermediate
    value = (scale.bottom.value + scale.top.value) / 2
    source = (
        f"mean of bottom {scale.bottom.value:,.0f} and top {scale.top.value:,.0f}: "
        f"{scale.bottom.source}" + ("" if scale.top.verified else f"; top: {scale.top.source}")
    )
    return Price(value, source, scale.bottom.year, scale.bottom.verified and scale.top.verified)


def point_price(scale: PayScale, point: str, method: Method) -> Price:
    if point == "bottom":
        return scale.bottom
    if point == "top":
        return scale.top
    return mid_point(scale, method.mid_point)


def _salary(
    pf: ProForma, line: StaffLine, ref: Reference, method: Method, adjust: Adjust
) -> tuple[Price, str, PayScale | None, str | None]:
    if line.actual_salary is not None:
        price = Price(
            line.actual_salary,
            f"site actual ({pf.path.name}, Staff row {line.row})",
            pf.site.get("financial_year", method.price_year),
        )
        return price, "actual", None, None
    if method.salary_basis == "pssru_mean" and adjust.pay_point is None:
        return _pssru_mean(pf, line, ref), "pssru_mean", None, None
    year = method.price_year
    if line.band is not None:
        scale = ref.afc.get((year, line.band))
        what = f"AfC band {line.band}"
    else:
        scale = ref.medical.get((year, line.grade or ""))
        what = f"medical grade {line.band_or_grade}"
    if scale is None:
        raise ParseError(
            f"no {year} pay scale for {what} in the reference tables",
            file=pf.path,
            sheet="Staff",
            row=line.row,
            column="band_or_grade",
            fix="enter the post's actual_salary_gbp, or price with costing.method.salary_basis "
            "pssru_mean (PSSRU mean pay by band/grade), or choose another price_year.",
        )
    point = line.pay_point or adjust.pay_point or method.salary_basis
    if point not in ("bottom", "mid", "top"):
        point = "mid"
    return point_price(scale, point, method), "pay_point", scale, point


def _pssru_mean(pf: ProForma, line: StaffLine, ref: Reference) -> Price:
    if line.grade is not None:
        key = ("11.3.2", PSSRU_DOCTOR_ROWS[line.grade])
    elif line.staff_group == "nurse" and ("9.2.1", line.band) in ref.pssru_salary:
        key = ("9.2.1", line.band or "")
    elif line.staff_group in ("admin", "manager") or ("8.2.1", line.band) not in ref.pssru_salary:
        key = ("12.2.4", line.band or "")
    else:
        key = ("8.2.1", line.band or "")
    price = ref.pssru_salary.get(key)
    if price is None:
        raise ParseError(
            f"no PSSRU 2022 mean salary for {line.band_or_grade} ({line.staff_group})",
            file=pf.path,
            sheet="Staff",
            row=line.row,
            column="band_or_grade",
            fix="enter the actual salary or use a pay-point salary basis.",
        )
    return price


def _overheads(
    line: StaffLine, ref: Reference, method: Method
) -> tuple[tuple[Price, Price] | None, Price | None]:
    if method.overheads not in ("pssru_community", "pssru_hospital"):
        return None, None
    setting = "community" if method.overheads == "pssru_community" else "hospital"
    rates = (
        ref.components[f"overhead_mgmt_{setting}"],
        ref.components[f"overhead_non_staff_{setting}"],
    )
    if not method.capital_overheads:
        return rates, None
    if line.grade is not None:
        capital = ref.components[
            "capital_consultant" if line.grade == "CONSULTANT" else "capital_doctor"
        ]
    elif line.staff_group == "nurse":
        capital = ref.components[f"capital_{setting}_nurse"]
    else:
        capital = ref.components[f"capital_{setting}_ahp"]
    return rates, capital


def staff_inputs(
    pf: ProForma, ref: Reference, method: Method, adjust: Adjust = Adjust()
) -> list[StaffInput]:
    """Resolve the salary, on-cost rule and overheads of every staff line."""
    if method.on_costs == "employer":
        rule = ref.on_costs.get(f"employer:{method.price_year}")
        if rule is None:
            raise ConfigError(
                f"no single employer on-cost rule for {method.price_year} in on_costs.csv",
                fix="choose a price_year with one NI rate all year (2021/22, 2023/24, 2024/25) "
                "or on_costs: pssru_2022.",
            )
    elif method.on_costs == "pssru_2022":
        rule = ref.on_costs["pssru_2022"]
    else:
        rule = None
    out = []
    for line in pf.staff:
        salary, kind, scale, point = _salary(pf, line, ref, method, adjust)
        rates, capital = _overheads(line, ref, method)
        out.append(
            StaffInput(
                line=line,
                fte=line.wte * line.pct_time / 100 * adjust.wte,
                salary=salary,
                salary_kind=kind,
                scale=scale,
                point=point,
                on_cost_rule=rule,
                overhead_rates=rates,
                capital=capital,
            )
        )
    return out


def _row(pf: ProForma, **values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "site_id": pf.site_id,
        "model_category": pf.model_category,
        "workbook": pf.path.name,
        "verified": True,
        "note": "",
    }
    base.update(values)
    return base


def price_proforma(
    pf: ProForma, ref: Reference, method: Method, adjust: Adjust = Adjust()
) -> list[dict[str, object]]:
    """Price every line of ``pf``: one dict per cost component (see module docstring)."""
    rows: list[dict[str, object]] = []
    for si in staff_inputs(pf, ref, method, adjust):
        rows.extend(_price_staff(pf, si, method, adjust))
    for line in pf.non_staff:
        rows.append(_price_non_staff(pf, line, ref, method, adjust))
    for line in pf.reported:
        rows.append(_price_reported(pf, line, method, adjust))
    return rows


def _price_staff(
    pf: ProForma, si: StaffInput, method: Method, adjust: Adjust
) -> list[dict[str, object]]:
    line = si.line
    category = f"staff_{line.time_type}"
    common = {
        "sheet": "Staff",
        "row": line.row,
        "line_type": "staff",
        "item": f"{line.role} ({line.band_or_grade})",
        "quantity": si.fte,
        "unit": "FTE on service",
    }
    basis = "site_actual" if si.salary_kind == "actual" else "national"
    point = f", pay point {si.point}" if si.point else ""
    rows = [
        _row(
            pf,
            **common,
            component="salary",
            category=category,
            unit_price=si.salary.value,
            cost=round(si.fte * si.salary.value, 2),
            price_basis=basis,
            price_source=si.salary.source + point,
            price_year=si.salary.year,
            verified=si.salary.verified,
        )
    ]
    oncost = on_cost_per_fte(si.salary.value, si.on_cost_rule, method.apprenticeship_levy)
    oncost *= adjust.on_costs
    rule = si.on_cost_rule
    rows.append(
        _row(
            pf,
            **common,
            component="on_costs",
            category=category,
            unit_price=oncost,
            cost=round(si.fte * oncost, 2),
            price_basis="national" if rule else "excluded",
            price_source=(rule.source if rule else "on-costs not included (method on_costs: none)")
            + (" + apprenticeship levy 0.5%" if rule and method.apprenticeship_levy else ""),
            price_year=rule.year if rule else method.price_year,
            verified=si.salary.verified,
        )
    )
    if si.overhead_rates is not None:
        base = si.salary.value + oncost
        for rate, name in zip(
            si.overhead_rates, ("overhead_mgmt_admin_estates", "overhead_non_staff"), strict=True
        ):
            unit = base * rate.value * adjust.overhead_rate
            rows.append(
                _row(
                    pf,
                    **common,
                    component=name,
                    category="overheads",
                    unit_price=unit,
                    cost=round(si.fte * unit, 2),
                    price_basis="national",
                    price_source=f"{rate.value * 100:.2f}% of salary + on-costs; {rate.source}",
                    price_year=rate.year,
                    verified=si.salary.verified,
                )
            )
    if si.capital is not None:
        unit = si.capital.value * adjust.overhead_rate
        rows.append(
            _row(
                pf,
                **common,
                component="capital_overhead",
                category="overheads",
                unit_price=unit,
                cost=round(si.fte * unit, 2),
                price_basis="national",
                price_source=f"GBP{si.capital.value:,.0f} per FTE; {si.capital.source}",
                price_year=si.capital.year,
            )
        )
    return rows


def _mileage_cost(miles: float, ref: Reference) -> float:
    band = ref.components["mileage_band_miles"].value
    first = ref.components["mileage_rate_first"].value
    after = ref.components["mileage_rate_after"].value
    return min(miles, band) * first + max(0.0, miles - band) * after


def _price_non_staff(
    pf: ProForma, line: NonStaffLine, ref: Reference, method: Method, adjust: Adjust
) -> dict[str, object]:
    category = ITEM_CATEGORY[line.item_type]
    common = {
        "sheet": "NonStaff",
        "row": line.row,
        "line_type": "non_staff",
        "item": f"{line.item_type}: {line.description}",
        "component": "item",
        "category": category,
        "quantity": line.quantity,
        "unit": line.unit,
    }
    if category == "overheads" and method.overheads.startswith("pssru"):
        return _row(
            pf,
            **common,
            unit_price=line.unit_cost or 0.0,
            cost=0.0,
            price_basis="excluded",
            price_source="covered by the PSSRU overhead rates (counted under overheads: site_actual)",
            price_year=pf.site.get("financial_year", ""),
        )
    if line.unit_cost is None:  # travel in miles: NHS mileage rate
        total = _mileage_cost(line.quantity, ref)
        first = ref.components["mileage_rate_first"]
        return _row(
            pf,
            **common,
            unit_price=total / line.quantity if line.quantity else first.value,
            cost=round(total * adjust.non_staff, 2),
            price_basis="national",
            price_source=f"NHS mileage rate 56p/mile to 3,500 miles, 20p after; {first.source}",
            price_year=first.year,
        )
    return _row(
        pf,
        **common,
        unit_price=line.unit_cost,
        cost=round(line.quantity * line.unit_cost * adjust.non_staff, 2),
        price_basis="site_actual",
        price_source=f"site actual ({pf.path.name}, NonStaff row {line.row})",
        price_year=pf.site.get("financial_year", ""),
    )


def _price_reported(
    pf: ProForma, line: ReportedLine, method: Method, adjust: Adjust
) -> dict[str, object]:
    reconciliation = line.category == "reconciliation"
    common = {
        "sheet": "SiteReported",
        "row": line.row,
        "line_type": "reconciliation" if reconciliation else "site_reported",
        "item": line.description,
        "component": "reconciliation" if reconciliation else "reported",
        "category": line.category,
        "quantity": 1.0,
        "unit": "GBP per year",
        "unit_price": line.amount,
        "price_year": pf.site.get("financial_year", ""),
    }
    source = f"{line.source or 'site reported'} ({pf.path.name}, SiteReported row {line.row})"
    if line.category == "overheads" and method.overheads.startswith("pssru"):
        return _row(
            pf,
            **common,
            cost=0.0,
            price_basis="excluded",
            price_source="covered by the PSSRU overhead rates (counted under overheads: site_actual)",
        )
    if reconciliation:
        return _row(
            pf,
            **common,
            cost=round(line.amount, 2),
            price_basis="reconciliation",
            price_source=source,
            note="reconstruction reconciliation line (see PROVENANCE.md)",
        )
    return _row(
        pf,
        **common,
        cost=round(line.amount * adjust.non_staff, 2),
        price_basis="site_actual",
        price_source=source,
    )


def site_total(rows: list[dict[str, object]]) -> float:
    return round(sum(float(r["cost"]) for r in rows), 2)  # type: ignore[arg-type]


def summarise(pf: ProForma, rows: list[dict[str, object]], method: Method) -> dict[str, object]:
    """One Table 5 row: cost by category, reconciliation, total and the shares by price basis."""
    total = site_total(rows)
    out: dict[str, object] = {"site_id": pf.site_id, "model_category": pf.model_category}
    for cat in (*CATEGORIES, "reconciliation"):
        out[cat] = round(sum(float(r["cost"]) for r in rows if r["category"] == cat), 2)  # type: ignore[arg-type]
    out["total"] = total

    def share(pred) -> float:  # type: ignore[no-untyped-def]
        part = sum(float(r["cost"]) for r in rows if pred(r))  # type: ignore[arg-type]
        return round(part / total, 4) if total else 0.0

    out["share_site_actual"] = share(lambda r: r["price_basis"] == "site_actual")
    out["share_national"] = share(lambda r: r["price_basis"] == "national")
    out["share_reconciliation"] = share(lambda r: r["price_basis"] == "reconciliation")
    out["share_unverified"] = share(lambda r: not r["verified"])
    out["reconciliation_within_limit"] = (
        out["share_reconciliation"] <= method.max_reconciliation_share
    )  # type: ignore[operator]
    out["n_staff_lines"] = len(pf.staff)
    out["n_non_staff_lines"] = len(pf.non_staff)
    out["n_site_reported_lines"] = len(pf.reported)
    out["fte_on_service"] = round(sum(s.wte * s.pct_time / 100 for s in pf.staff), 4)
    out["price_year"] = method.price_year
    return out
