"""Literature-mapping outputs computed from the per-paper rows: models, the EPOC table, the counts.

* ``models.csv`` - one row per service model, grouping the papers of the mapping by ``model_id``
  (a model's papers must agree on category, provider type and setting);
* ``epoc_summary.csv`` - Table 1 in long form: EPOC domain x subcategory x model category, with the
  number of models and papers reporting a finding and the findings themselves;
* ``table1_epoc.csv`` - the same, one row per subcategory and one column block per model category;
* ``papers.csv`` - the sheet's rows with the work each record resolved to;
* ``results/counts/mapping.json`` - every number the report quotes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from reco.errors import SchemaError
from reco.fileio import write_csv, write_json
from reco.mapping.sheet import (
    Paper,
    check_against_screening,
    read_sheet,
    read_status,
    read_work_map,
)
from reco.mapping.taxonomy import MODEL_CATEGORIES, Code, load_taxonomy
from reco.records import MAPPING_MODELS

#: The screening stage whose includes the sheet must cover.
STAGE = "mapping_fulltext"


def models_table(papers: list[Paper], sheet: Path) -> pl.DataFrame:
    """One row per model_id, from the papers in the mapping (the sheet has one row per paper)."""
    by_model: dict[str, list[Paper]] = defaultdict(list)
    for p in papers:
        if p.in_mapping:
            by_model[p.model_id].append(p)
    rows = []
    for model_id in sorted(by_model):
        group = by_model[model_id]
        first = group[0]
        for other in group[1:]:
            for col in ("model_category", "provider_type", "setting"):
                if getattr(other, col) != getattr(first, col):
                    raise SchemaError(
                        f"model {model_id}: {col} {getattr(other, col)!r} disagrees with row "
                        f"{first.row} ({getattr(first, col)!r})",
                        file=sheet,
                        row=other.row,
                        column=col,
                        fix="papers on one model must be coded alike; correct one of the rows",
                    )
        rows.append(
            {
                "model_id": model_id,
                "model_category": first.model_category,
                "provider_type": first.provider_type,
                "setting": first.setting,
                "n_papers": len(group),
                "record_ids": "; ".join(p.record_id for p in group),
                "work_ids": "; ".join(p.work_id for p in group),
                "countries": "; ".join(sorted({p.country for p in group})),
            }
        )
    return pl.DataFrame(rows, schema=MAPPING_MODELS)


def epoc_summary(papers: list[Paper], taxonomy: tuple[Code, ...]) -> pl.DataFrame:
    """Table 1 long: every code x model category, with models, papers and findings (zeros kept)."""
    models: dict[tuple[str, str], set[str]] = defaultdict(set)
    n_papers: Counter[tuple[str, str]] = Counter()
    texts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for p in papers:
        if not p.in_mapping:
            continue
        for code in {c for c, _ in p.findings}:
            n_papers[(code, p.model_category)] += 1
        for code, text in p.findings:
            models[(code, p.model_category)].add(p.model_id)
            if text:
                texts[(code, p.model_category)][text] += 1
    rows = []
    for c in taxonomy:
        for cat in MODEL_CATEGORIES:
            key = (c.code, cat)
            found = texts[key]
            rows.append(
                {
                    "domain": c.domain,
                    "category": c.category,
                    "subcategory": c.subcategory,
                    "code": c.code,
                    "model_category": cat,
                    "n_models": len(models[key]),
                    "n_papers": n_papers[key],
                    "models": "; ".join(sorted(models[key])),
                    "findings": " | ".join(
                        t for t, _ in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
                    ),
                }
            )
    return pl.DataFrame(rows)


def table1_wide(summary: pl.DataFrame) -> pl.DataFrame:
    """One row per subcategory; per model category its number of models and its findings, plus
    the findings common to every category (Table 1's merged cells)."""
    out = []
    for (_code,), g in summary.group_by(["code"], maintain_order=True):
        first = g.row(0, named=True)
        row: dict[str, Any] = {k: first[k] for k in ("domain", "category", "subcategory", "code")}
        sets = []
        for r in g.iter_rows(named=True):
            row[f"{r['model_category']}_models"] = r["n_models"]
            row[f"{r['model_category']}_findings"] = r["findings"]
            sets.append({t for t in r["findings"].split(" | ") if t})
        common = set.intersection(*sets) if sets else set()
        row["all_categories_findings"] = " | ".join(sorted(common))
        out.append(row)
    return pl.DataFrame(out)


def counts(
    papers: list[Paper], models: pl.DataFrame, summary: pl.DataFrame, status: dict[str, Any]
) -> dict[str, Any]:
    """Every number of the literature mapping, computed from the rows."""
    in_map = [p for p in papers if p.in_mapping]

    def tally(col: str) -> dict[str, int]:
        return dict(sorted(Counter(models[col].to_list()).items()))

    by_ps = Counter(
        f"{a}/{b}" for a, b in zip(models["provider_type"], models["setting"], strict=True)
    )
    with_findings = summary.filter(pl.col("n_models") > 0)
    return {
        "stage2_included": sum(1 for d in status.values() if d == "include"),
        "sheet_rows": len(papers),
        "uk_papers": sum(1 for p in papers if p.uk),
        "non_uk_papers": sum(1 for p in papers if not p.uk),
        "papers": len(in_map),
        "models": models.height,
        "models_by_provider": tally("provider_type"),
        "models_by_setting": tally("setting"),
        "models_by_provider_setting": dict(sorted(by_ps.items())),
        "models_by_category": tally("model_category"),
        "categories": models["model_category"].n_unique(),
        "papers_per_model": {
            str(k): v for k, v in sorted(Counter(models["n_papers"].to_list()).items())
        },
        "papers_by_country": dict(sorted(Counter(p.country for p in in_map).items())),
        "epoc": {
            "findings_coded": sum(len(p.findings) for p in in_map),
            "domains_with_findings": with_findings["domain"].n_unique(),
            "subcategories_with_findings": with_findings["code"].n_unique(),
            "subcategories_in_taxonomy": summary["code"].n_unique(),
            "cells_with_findings": with_findings.height,
        },
    }


def run(
    sheet: str | Path,
    dedup_map: str | Path,
    status_path: str | Path,
    out: str | Path,
    counts_path: str | Path,
    taxonomy: str | Path | None = None,
) -> dict[str, Any]:
    """Validate the sheet against dedup and screening, write the outputs, return the counts."""
    sheet, out = Path(sheet), Path(out)
    works = read_work_map(dedup_map)
    papers = read_sheet(sheet, works, taxonomy)
    status = read_status(status_path, STAGE)
    rows: dict[str, list[int]] = defaultdict(list)
    for p in papers:
        rows[p.work_id].append(p.row)
    check_against_screening(rows, status, STAGE, file=sheet, what="mapping sheet")
    codes = load_taxonomy(taxonomy)
    models = models_table(papers, sheet)
    summary = epoc_summary(papers, codes)
    write_csv(models, out / "models.csv")
    write_csv(summary, out / "epoc_summary.csv")
    write_csv(table1_wide(summary), out / "table1_epoc.csv")
    write_csv(
        pl.DataFrame(
            [
                {
                    "row": p.row,
                    "record_id": p.record_id,
                    "work_id": p.work_id,
                    "country": p.country,
                    "uk": p.uk,
                    "in_mapping": p.in_mapping,
                    "model_id": p.model_id,
                    "model_category": p.model_category,
                    "epoc_codes": "; ".join(c for c, _ in p.findings),
                }
                for p in papers
            ]
        ),
        out / "papers.csv",
    )
    result = counts(papers, models, summary, status)
    write_json(counts_path, result)
    return result
