"""The costing method as explicit choices, their base case, and the sensitivity/PSA settings.

The RECO report says only that "NHS pay scales" were used where actual costs were missing, so
every choice the published method leaves open is a named, configurable option here (config
``costing.method``), with the base case:

- salary basis: Agenda for Change (AfC) 2021/22 pay *mid-point* (mean of the band's bottom and
  top points; ``bottom``/``top``/``pssru_mean`` are the alternatives). The PSSRU mean is mean
  FTE basic pay by band (NHS Digital), not a pay-scale point: the two are different bases.
- on-costs: 2021/22 *employer* on-costs (13.8% NI above GBP8,840 and the full 20.68% NHS
  pension, which an NHS perspective counts even though 6.3% is paid centrally); ``pssru_2022``
  is the UCHSC 2022 method (13.25% above GBP9,880 + 20.6%); ``none`` leaves them out.
- overheads: PSSRU 2022 *community* rates (31.29% management/admin/estates + 45.40% non-staff,
  as shares of salary plus on-costs, plus capital per FTE); ``pssru_hospital`` uses the
  hospital rates; ``site_actual`` uses only the overhead lines the site reported; ``none``.
- price year 2021/22 (the financial year of Table 5); results can be inflated to a later year
  with the NHS Cost Inflation Index, 2024 edition.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from reco.errors import ConfigError

SALARY_BASES = ("bottom", "mid", "top", "pssru_mean")
PAY_POINT_STEPS = ("bottom", "mid", "top")
ON_COST_METHODS = ("employer", "pssru_2022", "none")
OVERHEAD_METHODS = ("pssru_community", "pssru_hospital", "site_actual", "none")
MID_POINT_RULES = ("mean_of_bottom_and_top", "intermediate_point")
NHSCII_INDICES = ("all", "pay", "prices")


@dataclass(frozen=True)
class Method:
    """How lines are priced (config ``costing.method``)."""

    price_year: str = "2021/22"
    salary_basis: str = "mid"
    mid_point: str = "mean_of_bottom_and_top"
    on_costs: str = "employer"
    apprenticeship_levy: bool = False
    overheads: str = "pssru_community"
    capital_overheads: bool = True
    max_reconciliation_share: float = 0.02

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def with_(self, **changes: Any) -> Method:
        return replace(self, **changes)


@dataclass(frozen=True)
class Inflation:
    """Where to inflate the totals to (config ``costing.inflation``)."""

    to_year: str | None = "2023/24"
    edition: int = 2024
    index: str = "all"


@dataclass(frozen=True)
class OneWay:
    """One-way sensitivity ranges (config ``costing.sensitivity``)."""

    wte_pct: float = 20.0  # every staff line's WTE x (1 -/+ wte_pct/100)
    on_costs_pct: float = 25.0  # the on-cost amount x (1 -/+ on_costs_pct/100)
    overhead_rate_pct: float = 25.0  # the PSSRU overhead rates x (1 -/+ ...)
    non_staff_pct: float = 20.0  # non-staff and site-reported amounts x (1 -/+ ...)


@dataclass(frozen=True)
class PSA:
    """Monte Carlo settings (config ``costing.psa``); distributions are documented in config."""

    draws: int = 5000
    seed: int = 20220331
    wte_cv: float = 0.10  # gamma, mean 1, per staff line
    pay_point: str = "triangular"  # triangular(bottom, mid, top) per pay-scale line, or fixed
    on_costs_sd_pct: float = 10.0  # normal multiplier on on-costs, sd in %
    overhead_rate_sd_pct: float = 15.0  # normal multiplier on overhead rates, sd in %
    non_staff_cv: float = 0.20  # gamma, mean 1, per non-staff / site-reported line
    interval: float = 0.95


@dataclass(frozen=True)
class Settings:
    """Everything the costing stage is configured with."""

    method: Method = field(default_factory=Method)
    inflation: Inflation = field(default_factory=Inflation)
    one_way: OneWay = field(default_factory=OneWay)
    psa: PSA = field(default_factory=PSA)


def _build(cls: type, data: dict[str, Any] | None, where: str) -> Any:
    data = dict(data or {})
    known = set(cls.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"unknown key(s) {', '.join(unknown)} in {where}",
            fix=f"use only: {', '.join(sorted(known))}.",
        )
    return cls(**data)


def settings_from_config(cfg: dict[str, Any] | None) -> Settings:
    """Build :class:`Settings` from the ``costing`` section of the config (defaults = base case)."""
    cfg = dict(cfg or {})
    method = _build(Method, cfg.get("method"), "costing.method")
    checks = (
        ("salary_basis", method.salary_basis, SALARY_BASES),
        ("on_costs", method.on_costs, ON_COST_METHODS),
        ("overheads", method.overheads, OVERHEAD_METHODS),
        ("mid_point", method.mid_point, MID_POINT_RULES),
    )
    for name, value, allowed in checks:
        if value not in allowed:
            raise ConfigError(
                f"costing.method.{name} is {value!r}", fix=f"use one of: {', '.join(allowed)}."
            )
    inflation = _build(Inflation, cfg.get("inflation"), "costing.inflation")
    if inflation.index not in NHSCII_INDICES:
        raise ConfigError(
            f"costing.inflation.index is {inflation.index!r}",
            fix=f"use one of: {', '.join(NHSCII_INDICES)}.",
        )
    one_way = _build(OneWay, cfg.get("sensitivity"), "costing.sensitivity")
    psa = _build(PSA, cfg.get("psa"), "costing.psa")
    if psa.pay_point not in ("triangular", "fixed"):
        raise ConfigError(
            f"costing.psa.pay_point is {psa.pay_point!r}", fix="use triangular or fixed."
        )
    if psa.draws < 10:
        raise ConfigError("costing.psa.draws must be at least 10", fix="set draws: 5000.")
    return Settings(method=method, inflation=inflation, one_way=one_way, psa=psa)
