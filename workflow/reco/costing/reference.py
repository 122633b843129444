"""Load the versioned unit-cost reference tables (resources/reference/costing/) into lookups.

Every value keeps its source and year, and whether it was read from a primary or secondary
source (``verified``) or computed by a stated rule in ``derived_values.csv`` (``verified=False``:
any line priced from such a value is flagged unverified in the output).

Tables (one CSV each, described in the folder's README.md): ``afc_pay_points.csv``,
``medical_pay_points.csv``, ``on_costs.csv``, ``pssru_2022_components.csv``,
``pssru_2022_band_costs.csv``, ``nhscii.csv``, ``derived_values.csv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from reco.errors import InputError, SchemaError

#: The files the loader needs, with the columns it reads from each.
FILES: dict[str, list[str]] = {
    "afc_pay_points.csv": ["year", "band", "point", "annual_salary_gbp", "source", "verification"],
    "medical_pay_points.csv": ["year", "grade", "point", "annual_salary_gbp", "source"],
    "on_costs.csv": ["year", "component", "rate_or_amount", "source"],
    "pssru_2022_components.csv": ["component", "value", "source"],
    "pssru_2022_band_costs.csv": ["table", "staff_group", "band_or_grade", "salary_gbp", "source"],
    "nhscii.csv": ["year", "index_pay", "index_prices", "index_all", "edition", "provisional"],
    "derived_values.csv": ["target_file", "year", "band_or_grade", "point", "value_gbp", "method"],
}

#: AfC bands in order (the pro forma may write "Band 6", "6", "AfC 8a", "8A").
AFC_BANDS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")

#: Medical grade codes a pro forma may use, and the grade names of medical_pay_points.csv they
#: stand for (matched as a prefix). Specialty doctor / associate specialist have no 2021/22 scale.
MEDICAL_GRADES: dict[str, str] = {
    "FY1": "Foundation doctor FY1",
    "FY2": "Foundation doctor FY2",
    "CT1-2": "StR core CT1-CT2",
    "ST1-2": "StR core CT1-CT2",
    "CT3": "StR CT3",
    "ST3-5": "StR CT3",
    "ST6-8": "StR ST6-ST8",
    "SPECIALTY DOCTOR": "Specialty doctor",
    "SPECIALIST": "Specialist",
    "ASSOCIATE SPECIALIST": "Associate specialist",
    "CONSULTANT": "Consultant (2003 contract",
}

#: Medical grade code -> the PSSRU 2022 Table 11.3.2 row giving its mean salary.
PSSRU_DOCTOR_ROWS: dict[str, str] = {
    "FY1": "Foundation doctor FY1",
    "FY2": "Foundation doctor FY2",
    "CT1-2": "Registrar",
    "ST1-2": "Registrar",
    "CT3": "Registrar",
    "ST3-5": "Registrar",
    "ST6-8": "Registrar",
    "SPECIALTY DOCTOR": "Associate specialist",
    "SPECIALIST": "Associate specialist",
    "ASSOCIATE SPECIALIST": "Associate specialist",
    "CONSULTANT": "Consultant: psychiatric",
}

UCHSC_2022 = "PSSRU/CHE Unit Costs of Health and Social Care 2022 (Jones et al. 2023)"


@dataclass(frozen=True)
class Price:
    """One reference value with where it came from."""

    value: float
    source: str  # short citation (file and origin)
    year: str  # price year of the value, e.g. "2021/22"
    verified: bool = True  # False when computed by a rule in derived_values.csv


@dataclass(frozen=True)
class PayScale:
    """The pay points of one AfC band or medical grade in one year."""

    bottom: Price
    top: Price
    intermediate: Price | None = None


@dataclass(frozen=True)
class OnCostRule:
    """Employer on-costs: NI at ``ni_rate`` above ``ni_threshold`` plus ``pension_rate`` of pay."""

    ni_rate: float
    ni_threshold: float
    pension_rate: float
    apprenticeship_levy: float
    source: str
    year: str


@dataclass
class Reference:
    """All lookups the pricing engine needs, built from the folder of CSVs."""

    folder: Path
    afc: dict[tuple[str, str], PayScale] = field(default_factory=dict)  # (year, band)
    medical: dict[tuple[str, str], PayScale] = field(default_factory=dict)  # (year, code)
    on_costs: dict[str, OnCostRule] = field(default_factory=dict)  # method key -> rule
    pssru_salary: dict[tuple[str, str], Price] = field(default_factory=dict)  # (table, band)
    components: dict[str, Price] = field(default_factory=dict)  # named PSSRU components
    nhscii: dict[tuple[int, str], dict[str, float]] = field(default_factory=dict)  # (ed, year)
    nhscii_source: dict[int, str] = field(default_factory=dict)

    def years_with_afc(self) -> list[str]:
        return sorted({year for year, _ in self.afc})


def normalise_band(text: object) -> str | None:
    """``"Band 8A"``, ``"afc 6"``, ``6`` -> ``"8a"``, ``"6"``; None when it is not an AfC band."""
    if text is None:
        return None
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = re.sub(r"^(afc\s*)?(band\s*)?", "", str(text).strip().lower()).strip()
    return s if s in AFC_BANDS else None


def normalise_grade(text: object) -> str | None:
    """A medical grade as written (``"Consultant"``, ``"st4"``, ``"ST3-5"``) -> its code, or None."""
    if text is None:
        return None
    s = re.sub(r"\s+", " ", str(text).strip().upper())
    if s in MEDICAL_GRADES:
        return s
    m = re.fullmatch(r"(CT|ST)\s*([1-8])", s)
    if m:
        n = int(m.group(2))
        if n <= 2:
            return f"{m.group(1)}1-2"
        if m.group(1) == "CT" or n <= 5:
            return "CT3" if m.group(1) == "CT" else "ST3-5"
        return "ST6-8"
    if s.startswith("CONSULTANT"):
        return "CONSULTANT"
    return None


def _read(folder: Path, name: str) -> pl.DataFrame:
    path = folder / name
    if not path.is_file():
        raise InputError(
            "reference table not found",
            file=path,
            fix="point --reference (config costing.reference_dir) at resources/reference/costing.",
        )
    df = pl.read_csv(path, infer_schema=False)
    missing = [c for c in FILES[name] if c not in df.columns]
    if missing:
        raise SchemaError(
            f"missing column(s) {', '.join(missing)}",
            file=path,
            fix="restore the file from the repository (resources/reference/costing).",
        )
    return df


def _money(text: str) -> float:
    return float(text.replace(",", "").strip())


def _pct(text: str, *, after_equals: bool = False) -> float:
    """The (last, if ``after_equals``) percentage in ``text`` as a fraction."""
    found = re.findall(r"(\d+(?:\.\d+)?)\s*%", text)
    if not found:
        raise SchemaError(f"no percentage in {text!r}", fix="restore the reference table.")
    return round(float(found[-1] if after_equals else found[0]) / 100, 6)


def load(folder: str | Path) -> Reference:
    """Load every reference table in ``folder``; raises InputError/SchemaError naming the file."""
    folder = Path(folder)
    ref = Reference(folder=folder)
    _load_afc(ref, folder)
    _load_medical(ref, folder)
    _load_on_costs(ref, folder)
    _load_pssru(ref, folder)
    _load_nhscii(ref, folder)
    return ref


def _load_afc(ref: Reference, folder: Path) -> None:
    points: dict[tuple[str, str], dict[str, Price]] = {}
    for row in _read(folder, "afc_pay_points.csv").iter_rows(named=True):
        band = normalise_band(row["band"])
        if band is None:
            continue
        price = Price(
            _money(row["annual_salary_gbp"]),
            f"afc_pay_points.csv: {row['source'].split(' http')[0]} ({row['verification']})",
            row["year"],
        )
        points.setdefault((row["year"], band), {})[row["point"]] = price
    for row in _read(folder, "derived_values.csv").iter_rows(named=True):
        if row["target_file"] != "afc_pay_points":
            continue
        band = normalise_band(row["band_or_grade"])
        if band is None:
            continue
        price = Price(
            _money(row["value_gbp"]),
            "derived_values.csv (NOT VERIFIED): 2022/23 value minus GBP1,400",
            row["year"],
            verified=False,
        )
        points.setdefault((row["year"], band), {}).setdefault(row["point"], price)
    for key, pts in points.items():
        bottom = pts.get("entry") or pts.get("spot")
        top = pts.get("top") or pts.get("spot")
        if bottom is None or top is None:
            continue  # an incomplete band is left out: asking for it is an error at pricing time
        ref.afc[key] = PayScale(bottom=bottom, top=top, intermediate=pts.get("intermediate"))


def _load_medical(ref: Reference, folder: Path) -> None:
    rows: dict[tuple[str, str], list[Price]] = {}
    records = [
        (r["year"], r["grade"], r["point"], _money(r["annual_salary_gbp"]), r["source"], True)
        for r in _read(folder, "medical_pay_points.csv").iter_rows(named=True)
    ]
    for r in _read(folder, "derived_values.csv").iter_rows(named=True):
        if r["target_file"] == "medical_pay_points":
            records.append(
                (r["year"], r["band_or_grade"], r["point"], _money(r["value_gbp"]), "", False)
            )
    for year, grade, _point, value, source, verified in records:
        for code, prefix in MEDICAL_GRADES.items():
            if grade.startswith(prefix):
                label = (
                    f"medical_pay_points.csv: {source.split(' http')[0][:90]}"
                    if verified
                    else "derived_values.csv (NOT VERIFIED): 2020/21 BMA value x 1.03"
                )
                rows.setdefault((year, code), []).append(Price(value, label, year, verified))
    for key, prices in rows.items():
        ordered = sorted(prices, key=lambda p: p.value)
        ref.medical[key] = PayScale(bottom=ordered[0], top=ordered[-1])


def _load_on_costs(ref: Reference, folder: Path) -> None:
    by_year: dict[str, dict[str, str]] = {}
    sources: dict[str, str] = {}
    for row in _read(folder, "on_costs.csv").iter_rows(named=True):
        by_year.setdefault(row["year"], {})[row["component"]] = row["rate_or_amount"]
        sources.setdefault(row["year"], "on_costs.csv: NHS Employers, GOV.UK/HMRC rates")
    for year, comp in by_year.items():
        needed = (
            "employer_NI_rate",
            "employer_NI_secondary_threshold",
            "NHS_pension_employer_rate",
        )
        if not all(k in comp for k in needed):
            continue
        rates = re.findall(r"(\d+(?:\.\d+)?)\s*%", comp["employer_NI_rate"])
        if len(rates) != 1:
            continue  # a rate that changed within the year (2022/23) is not a single rule
        threshold = re.search(r"GBP([\d,]+)/year", comp["employer_NI_secondary_threshold"])
        if threshold is None:
            continue
        levy = _pct(comp.get("apprenticeship_levy", "0%"))
        ref.on_costs[f"employer:{year}"] = OnCostRule(
            ni_rate=float(rates[0]) / 100,
            ni_threshold=_money(threshold.group(1)),
            pension_rate=round(_pct(comp["NHS_pension_employer_rate"], after_equals=True), 6),
            apprenticeship_levy=levy,
            source=f"on_costs.csv: employer NI {rates[0]}% above GBP{threshold.group(1)}, "
            f"NHS pension {comp['NHS_pension_employer_rate'].split(';')[0]} ({year})",
            year=year,
        )
    pssru = by_year.get("2021/22", {})
    if "PSSRU_2022_implied_NI" in pssru and "PSSRU_2022_oncost_method" in pssru:
        implied = pssru["PSSRU_2022_implied_NI"]
        threshold = re.search(r"GBP([\d,]+)", implied)
        ref.on_costs["pssru_2022"] = OnCostRule(
            ni_rate=_pct(implied),
            ni_threshold=_money(threshold.group(1)) if threshold else 0.0,
            pension_rate=_pct(pssru["PSSRU_2022_oncost_method"]),
            apprenticeship_levy=0.005,
            source="on_costs.csv: UCHSC 2022 method, NI 13.25% above GBP9,880 (inferred) + 20.6% "
            "superannuation",
            year="2021/22",
        )


def _load_pssru(ref: Reference, folder: Path) -> None:
    comps = {
        r["component"]: r["value"]
        for r in _read(folder, "pssru_2022_components.csv").iter_rows(named=True)
    }

    def put(name: str, value: float, note: str = "") -> None:
        ref.components[name] = Price(
            value, f"pssru_2022_components.csv: {UCHSC_2022} {name}{note}", "2021/22"
        )

    for setting in ("community", "hospital"):
        mgmt = float(comps[f"overhead_mgmt_admin_estates_{setting}"])
        put(f"overhead_mgmt_{setting}", round(mgmt / 100, 6))
        put(
            f"overhead_non_staff_{setting}",
            round(float(comps[f"overhead_non_staff_{setting}"]) / 100, 6),
        )
    put("capital_community_nurse", _money(comps["capital_overheads_community_nurse"]))
    put("capital_community_ahp", _money(comps["capital_overheads_community_AHP"]))
    put("capital_hospital_nurse", _money(comps["capital_overheads_hospital_nurse"]))
    ahp = re.findall(r"(\d{4})\s*\(", comps["capital_overheads_hospital_AHP"].replace(",", ""))
    put("capital_hospital_ahp", float(ahp[-1]))  # the bands 5-9 figure
    doc = re.findall(r"(\d{4})\s*\(", comps["capital_overheads_hospital_doctor"])
    put("capital_doctor", float(doc[0]))
    put("capital_consultant", float(doc[1]))
    travel = re.findall(r"(\d+)p\b", comps["travel"])
    limit = re.search(r"first ([\d,]+) miles", comps["travel"])
    put("mileage_rate_first", float(travel[0]) / 100)
    put("mileage_rate_after", float(travel[1]) / 100)
    put("mileage_band_miles", _money(limit.group(1)) if limit else 3500.0)
    for row in _read(folder, "pssru_2022_band_costs.csv").iter_rows(named=True):
        band = normalise_band(row["band_or_grade"])
        key = band if band is not None else row["band_or_grade"]
        ref.pssru_salary[(row["table"], key)] = Price(
            _money(row["salary_gbp"]),
            f"pssru_2022_band_costs.csv: {UCHSC_2022} Table {row['table']} mean basic salary",
            "2021/22",
        )


def _load_nhscii(ref: Reference, folder: Path) -> None:
    for row in _read(folder, "nhscii.csv").iter_rows(named=True):
        m = re.search(r"UCHSC (\d{4})", row["edition"])
        if m is None:
            continue
        edition = int(m.group(1))
        ref.nhscii[(edition, row["year"])] = {
            "pay": round(float(row["index_pay"]) / 100, 6),
            "prices": round(float(row["index_prices"]) / 100, 6),
            "all": round(float(row["index_all"]) / 100, 6),
            "provisional": row["provisional"].strip().lower() == "yes",
        }
        ref.nhscii_source[edition] = (
            f"nhscii.csv: PSSRU/CHE Unit Costs of Health and Social Care {edition}, Table 12.1.1"
        )
