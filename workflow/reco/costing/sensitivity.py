"""Sensitivity of the site totals: one-way ranges, tornado plots and a Monte Carlo PSA.

One-way (config ``costing.sensitivity``): each input is moved to its low and high value with
everything else at the base case, and the site total is repriced by the pricing engine:

- WTE on every staff line x (1 -/+ wte_pct%);
- pay point: every pay-scale line without a site-given pay point at the band's bottom / top;
- on-costs x (1 -/+ on_costs_pct%), and the on-cost method (PSSRU 2022 / employer plus the
  apprenticeship levy);
- overhead rates (PSSRU percentages and capital per FTE) x (1 -/+ overhead_rate_pct%);
- non-staff and site-reported amounts x (1 -/+ non_staff_pct%).

PSA (config ``costing.psa``), per draw: each staff line's FTE x Gamma(mean 1, cv wte_cv); each
pay-scale salary ~ Triangular(bottom, mid, top) (site actuals and site-given pay points fixed);
on-costs x Normal(1, on_costs_sd_pct%) and overhead rates x Normal(1, overhead_rate_sd_pct%),
one draw per site shared by its lines, truncated at 0; each non-staff or site-reported amount x
Gamma(mean 1, cv non_staff_cv); the reconciliation line is fixed. The generator is numpy's
PCG64 seeded with (seed, site): the same seed gives the same draws.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from reco.costing.methods import PSA, Method, OneWay
from reco.costing.pricing import Adjust, mid_point, price_proforma, site_total, staff_inputs
from reco.costing.proforma import ProForma
from reco.costing.reference import Reference
from reco.fileio import atomic_path


def one_way(
    pf: ProForma, ref: Reference, method: Method, ranges: OneWay
) -> list[dict[str, object]]:
    """Low and high totals for each input of the site (rows of sensitivity.csv)."""
    base = site_total(price_proforma(pf, ref, method))

    def total(m: Method = method, adjust: Adjust | None = None) -> float:
        return site_total(price_proforma(pf, ref, m, adjust or Adjust()))

    w, o, r, n = (
        ranges.wte_pct / 100,
        ranges.on_costs_pct / 100,
        ranges.overhead_rate_pct / 100,
        ranges.non_staff_pct / 100,
    )
    cases = [
        (
            f"WTE -/+{ranges.wte_pct:g}%",
            f"x{1 - w:g}",
            f"x{1 + w:g}",
            total(adjust=Adjust(wte=1 - w)),
            total(adjust=Adjust(wte=1 + w)),
        ),
        (
            "Pay point bottom/top",
            "bottom",
            "top",
            total(adjust=Adjust(pay_point="bottom")),
            total(adjust=Adjust(pay_point="top")),
        ),
        (
            f"On-costs -/+{ranges.on_costs_pct:g}%",
            f"x{1 - o:g}",
            f"x{1 + o:g}",
            total(adjust=Adjust(on_costs=1 - o)),
            total(adjust=Adjust(on_costs=1 + o)),
        ),
        (
            "On-cost method",
            "pssru_2022",
            "employer + apprenticeship levy",
            total(m=method.with_(on_costs="pssru_2022", apprenticeship_levy=False)),
            total(m=method.with_(on_costs="employer", apprenticeship_levy=True)),
        ),
        (
            f"Overhead rates -/+{ranges.overhead_rate_pct:g}%",
            f"x{1 - r:g}",
            f"x{1 + r:g}",
            total(adjust=Adjust(overhead_rate=1 - r)),
            total(adjust=Adjust(overhead_rate=1 + r)),
        ),
        (
            f"Non-staff amounts -/+{ranges.non_staff_pct:g}%",
            f"x{1 - n:g}",
            f"x{1 + n:g}",
            total(adjust=Adjust(non_staff=1 - n)),
            total(adjust=Adjust(non_staff=1 + n)),
        ),
    ]
    rows = []
    for name, low_setting, high_setting, low, high in cases:
        rows.append(
            {
                "site_id": pf.site_id,
                "parameter": name,
                "low_setting": low_setting,
                "high_setting": high_setting,
                "total_low": low,
                "total_base": base,
                "total_high": high,
                "change_low": round(low - base, 2),
                "change_high": round(high - base, 2),
                "swing": round(abs(high - low), 2),
            }
        )
    return rows


def tornado_svg(rows: list[dict[str, object]], path: str | Path, title: str) -> None:
    """A greyscale tornado plot of one site's one-way rows, written deterministically as SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = sorted(rows, key=lambda r: (float(r["swing"]), str(r["parameter"])))  # type: ignore[arg-type]
    base = float(ordered[0]["total_base"]) if ordered else 0.0  # type: ignore[arg-type]
    with matplotlib.rc_context(
        {"svg.hashsalt": "reco-costing", "svg.fonttype": "none", "font.size": 9}
    ):
        fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(ordered) + 1.4))
        for i, r in enumerate(ordered):
            low, high = float(r["total_low"]) - base, float(r["total_high"]) - base  # type: ignore[arg-type]
            ax.barh(i, low, color="0.75", edgecolor="black", linewidth=0.6)
            ax.barh(i, high, color="0.35", edgecolor="black", linewidth=0.6, hatch="//")
        ax.set_yticks(range(len(ordered)))
        ax.set_yticklabels([str(r["parameter"]) for r in ordered])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel(f"Change in annual cost (GBP) from the base case, {base:,.0f}")
        ax.set_title(title)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
        from matplotlib.patches import Patch

        ax.legend(
            handles=[
                Patch(facecolor="0.75", edgecolor="black", label="low value"),
                Patch(facecolor="0.35", edgecolor="black", hatch="//", label="high value"),
            ],
            loc="lower right",
            frameon=False,
        )
        fig.tight_layout()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="svg", metadata={"Date": None})
        plt.close(fig)


def _rng(seed: int, site_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(site_id.encode())])


def _gamma(rng: np.random.Generator, cv: float, size: tuple[int, ...]) -> np.ndarray:
    if cv <= 0:
        return np.ones(size)
    shape = 1 / cv**2
    return rng.gamma(shape, 1 / shape, size)


def _normal(rng: np.random.Generator, sd: float, size: int) -> np.ndarray:
    if sd <= 0:
        return np.ones(size)
    return np.clip(rng.normal(1.0, sd, size), 0.0, None)


def psa_draws(pf: ProForma, ref: Reference, method: Method, psa: PSA) -> np.ndarray:
    """Site totals of ``psa.draws`` Monte Carlo draws (see module docstring)."""
    rng = _rng(psa.seed, pf.site_id)
    n = psa.draws
    inputs = staff_inputs(pf, ref, method)
    rows = price_proforma(pf, ref, method)
    on_mult = _normal(rng, psa.on_costs_sd_pct / 100, n)
    ovh_mult = _normal(rng, psa.overhead_rate_sd_pct / 100, n)
    total = np.zeros(n)
    if inputs:
        fte = np.array([si.fte for si in inputs])[None, :] * _gamma(
            rng, psa.wte_cv, (n, len(inputs))
        )
        salary = np.empty((n, len(inputs)))
        for j, si in enumerate(inputs):
            scale = si.scale
            varies = (
                psa.pay_point == "triangular"
                and si.salary_kind == "pay_point"
                and si.line.pay_point is None
                and scale is not None
                and scale.top.value > scale.bottom.value
            )
            if varies and scale is not None:
                mode = mid_point(scale, method.mid_point).value
                salary[:, j] = rng.triangular(scale.bottom.value, mode, scale.top.value, n)
            else:
                salary[:, j] = si.salary.value
        rule = inputs[0].on_cost_rule
        if rule is not None:
            oncost = np.maximum(salary - rule.ni_threshold, 0) * rule.ni_rate
            oncost += salary * (
                rule.pension_rate + (rule.apprenticeship_levy if method.apprenticeship_levy else 0)
            )
            oncost *= on_mult[:, None]
        else:
            oncost = np.zeros_like(salary)
        rate = np.array(
            [sum(p.value for p in si.overhead_rates) if si.overhead_rates else 0.0 for si in inputs]
        )
        capital = np.array([si.capital.value if si.capital else 0.0 for si in inputs])
        per_fte = (salary + oncost) * (1 + rate[None, :] * ovh_mult[:, None])
        per_fte += capital[None, :] * ovh_mult[:, None]
        total += (fte * per_fte).sum(axis=1)
    varying = [
        float(r["cost"])  # type: ignore[arg-type]
        for r in rows
        if r["line_type"] in ("non_staff", "site_reported") and r["price_basis"] != "excluded"
    ]
    if varying:
        total += (
            np.array(varying)[None, :] * _gamma(rng, psa.non_staff_cv, (n, len(varying)))
        ).sum(axis=1)
    fixed = sum(float(r["cost"]) for r in rows if r["line_type"] == "reconciliation")  # type: ignore[arg-type]
    return total + fixed


def psa_summary(pf: ProForma, ref: Reference, method: Method, psa: PSA) -> dict[str, object]:
    """Mean, median and the central ``psa.interval`` interval of the site total."""
    draws = psa_draws(pf, ref, method, psa)
    tail = (1 - psa.interval) / 2
    lo, med, hi = np.quantile(draws, [tail, 0.5, 1 - tail])
    return {
        "site_id": pf.site_id,
        "model_category": pf.model_category,
        "draws": psa.draws,
        "seed": psa.seed,
        "base_total": site_total(price_proforma(pf, ref, method)),
        "mean": round(float(draws.mean()), 2),
        "sd": round(float(draws.std(ddof=1)), 2),
        "median": round(float(med), 2),
        "interval": psa.interval,
        "lower": round(float(lo), 2),
        "upper": round(float(hi), 2),
    }
