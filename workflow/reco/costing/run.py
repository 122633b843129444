"""The costing stage: price every site's pro forma and write results/costing/ and the counts.

Outputs (``out`` is results/costing):

- ``lines_priced.parquet``: one row per priced component of every pro forma line (schema
  ``COSTING_LINES`` in reco.records): price used, its source and year, basis, verified flag.
- ``table5_costs.csv``: one row per site: ``site``, ``service_model_category``,
  ``annual_cost_gbp`` (the total rounded to the pound, as Table 5 prints it), cost by
  category, reconciliation, exact total, shares by price basis, and the total inflated with
  the NHSCII to ``costing.inflation.to_year``.
- ``model_costs.csv``: cost per service model category (sites, total, mean, min, max).
- ``sensitivity.csv`` and ``tornado_<site>.svg``: one-way sensitivity per site.
- ``psa_summary.csv``: Monte Carlo mean, median and interval per site.
- the counts file (results/counts/costing.json): per-site totals and the keys the audit
  compares with the published ledger.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

from reco.costing import inflation, pricing, reference, sensitivity
from reco.costing.methods import Settings
from reco.costing.proforma import ProForma, read_proforma
from reco.errors import InputError
from reco.fileio import write_csv, write_json, write_parquet
from reco.progress import step, track
from reco.records import COSTING_LINES, conform


def read_all(paths: list[Path]) -> list[ProForma]:
    """Read and validate every pro forma, sorted by site id; site ids must be unique."""
    if not paths:
        raise InputError(
            "no pro forma workbooks given",
            fix="put site_<ID>.xlsx workbooks in resources/<review>/costing/ "
            "(`reco cost template` writes a blank one).",
        )
    forms = [read_proforma(p) for p in paths]
    seen: dict[str, Path] = {}
    for pf in forms:
        if pf.site_id in seen:
            raise InputError(
                f"site {pf.site_id!r} appears twice (also in {seen[pf.site_id]})",
                file=pf.path,
                fix="keep one pro forma per site.",
            )
        seen[pf.site_id] = pf.path
    return sorted(forms, key=lambda pf: pf.site_id)


def run(
    paths: list[Path],
    reference_dir: Path,
    settings: Settings,
    out: Path,
    counts: Path | None = None,
) -> dict[str, Any]:
    """Price, summarise and analyse every pro forma; write the outputs; return the counts."""
    ref = reference.load(reference_dir)
    method = settings.method
    forms = read_all(paths)
    step(f"costing: {len(forms)} pro formas, method {method.as_dict()}")

    infl = settings.inflation
    to_year = infl.to_year or method.price_year
    factor = inflation.factor(
        ref, method.price_year, to_year, edition=infl.edition, index=infl.index
    )
    provisional = inflation.provisional_years(ref, method.price_year, to_year, edition=infl.edition)

    all_rows: list[dict[str, object]] = []
    summaries, one_way, psa = [], [], []
    for pf in track(forms, "costing sites", len(forms)):
        rows = pricing.price_proforma(pf, ref, method)
        all_rows.extend(rows)
        summary = pricing.summarise(pf, rows, method)
        summary["inflated_to"] = to_year
        summary["inflation_factor"] = round(factor, 6)
        summary["total_inflated"] = round(float(summary["total"]) * factor, 2)  # type: ignore[arg-type]
        summaries.append(summary)
        site_rows = sensitivity.one_way(pf, ref, method, settings.one_way)
        one_way.extend(site_rows)
        sensitivity.tornado_svg(
            site_rows,
            out / f"tornado_{pf.site_id}.svg",
            f"Site {pf.site_id} ({pf.model_category}): one-way sensitivity",
        )
        psa.append(sensitivity.psa_summary(pf, ref, method, settings.psa))

    lines = conform(pl.DataFrame(all_rows, infer_schema_length=None), COSTING_LINES)
    write_parquet(lines, out / "lines_priced.parquet")
    table = pl.DataFrame(summaries).select(
        pl.col("site_id").alias("site"),
        pl.col("model_category").alias("service_model_category"),
        pl.col("total").round(0).cast(pl.Int64).alias("annual_cost_gbp"),
        pl.exclude("site_id", "model_category"),
    )
    write_csv(table, out / "table5_costs.csv")
    models = model_costs(table, factor)
    write_csv(models, out / "model_costs.csv")
    write_csv(pl.DataFrame(one_way), out / "sensitivity.csv")
    write_csv(pl.DataFrame(psa), out / "psa_summary.csv")

    result = counts_of(forms, table, models, psa, settings, factor, provisional, lines)
    if counts is not None:
        write_json(counts, result)
    return result


def model_costs(table: pl.DataFrame, factor: float) -> pl.DataFrame:
    """Cost per service model category (Table 5 categories)."""
    return (
        table.group_by("service_model_category")
        .agg(
            pl.len().alias("n_sites"),
            pl.col("site").sort().str.join(", ").alias("sites"),
            pl.col("total").sum().round(2).alias("total"),
            pl.col("total").mean().round(2).alias("mean"),
            pl.col("total").min().alias("min"),
            pl.col("total").max().alias("max"),
        )
        .with_columns((pl.col("total") * factor).round(2).alias("total_inflated"))
        .sort("service_model_category")
    )


def _slug(text: str) -> str:
    return text.strip().lower().replace(" ", "_")


def _approach(lines: pl.DataFrame) -> str:
    """Top-down (site-reported amounts), bottom-up (priced lines) or a mix, from the lines."""
    counted = lines.filter(pl.col("price_basis") != "excluded")
    top_down = counted.filter(pl.col("line_type") == "site_reported").height > 0
    bottom_up = counted.filter(pl.col("line_type").is_in(["staff", "non_staff"])).height > 0
    if top_down and bottom_up:
        return "mix of top-down and bottom-up"
    return "top-down" if top_down else "bottom-up"


def _pay_scale_source(lines: pl.DataFrame, settings: Settings) -> str:
    """How staff salaries were priced, from the salary rows (actual vs national scale)."""
    salary = lines.filter(pl.col("component") == "salary")
    national = salary.filter(pl.col("price_basis") == "national").height
    actual = salary.filter(pl.col("price_basis") == "site_actual").height
    method = settings.method
    basis = (
        "PSSRU 2022 mean pay"
        if method.salary_basis == "pssru_mean"
        else f"NHS pay scales (AfC/medical {method.price_year}, {method.salary_basis} point)"
    )
    if national and actual:
        return f"{basis} where actual costs unavailable ({actual} of {salary.height} staff lines actual)"
    return basis if national else "site actual salaries"


def counts_of(
    forms: list[ProForma],
    table: pl.DataFrame,
    models: pl.DataFrame,
    psa: list[dict[str, object]],
    settings: Settings,
    factor: float,
    provisional: list[str],
    lines: pl.DataFrame,
) -> dict[str, Any]:
    """The stage's numbers (results/counts/costing.json), keyed for the ledger audit."""
    totals = {r["site"]: r["annual_cost_gbp"] for r in table.iter_rows(named=True)}
    by_model = Counter(pf.model_category for pf in forms)
    cheapest = min(table.iter_rows(named=True), key=lambda r: r["total"])
    perspectives = sorted({pf.site.get("perspective", "") for pf in forms})
    years = sorted({pf.site.get("financial_year", "") for pf in forms})
    basis = lines.group_by("price_basis").agg(pl.col("cost").sum()).sort("price_basis")
    return {
        "sites": len(forms),
        "annual_cost": totals,
        "annual_cost_exact": {r["site"]: r["total"] for r in table.iter_rows(named=True)},
        "annual_cost_total": int(sum(totals.values())),
        "annual_cost_by_model": {
            _slug(r["service_model_category"]): r["total"] for r in models.iter_rows(named=True)
        },
        "sites_by_model": {_slug(k): v for k, v in sorted(by_model.items())},
        "model_of_site": {pf.site_id: pf.model_category for pf in forms},
        "cheapest_site": cheapest["site"],
        "cheapest_model": _slug(cheapest["service_model_category"]),
        "perspective": perspectives[0] if len(perspectives) == 1 else perspectives,
        "financial_year": years[0] if len(years) == 1 else years,
        "price_year": years[0] if len(years) == 1 else years,
        "approach": _approach(lines),
        "pay_scale_source": _pay_scale_source(lines, settings),
        "tool": sorted({pf.path.suffix.lstrip(".").lower() for pf in forms}),
        "reconciliation_gbp": {r["site"]: r["reconciliation"] for r in table.iter_rows(named=True)},
        "share_site_actual": {
            r["site"]: r["share_site_actual"] for r in table.iter_rows(named=True)
        },
        "share_unverified": {r["site"]: r["share_unverified"] for r in table.iter_rows(named=True)},
        "cost_by_price_basis": {
            r["price_basis"]: round(r["cost"], 2) for r in basis.iter_rows(named=True)
        },
        "priced_components": lines.height,
        "pro_forma_lines": sum(
            len(pf.staff) + len(pf.non_staff) + len(pf.reported) for pf in forms
        ),
        "method": settings.method.as_dict(),
        "inflation": {
            "to_year": settings.inflation.to_year,
            "edition": settings.inflation.edition,
            "index": settings.inflation.index,
            "factor": round(factor, 6),
            "provisional_years": provisional,
            "annual_cost_inflated": {
                r["site"]: r["total_inflated"] for r in table.iter_rows(named=True)
            },
        },
        "psa": {
            "draws": settings.psa.draws,
            "seed": settings.psa.seed,
            "interval": settings.psa.interval,
            "sites": {
                str(r["site_id"]): {"mean": r["mean"], "lower": r["lower"], "upper": r["upper"]}
                for r in psa
            },
        },
    }
