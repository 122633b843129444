"""The evidence map computed from the CMO coding rows: matrix, per-PT counts, tables, real-data check.

Evidence strength of a coded row is the lower of its rigour and relevance ratings (high -> strong,
moderate -> moderate, low -> weak); a paper's strength for a PT is the best of its rows. Papers
coded as ``framework`` are listed but never counted as evidence.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from reco.synthesis.coding import JUDGEMENTS, ROLES
from reco.synthesis.theories import SELFIE_LEVELS, Theories

RANK = {"high": 3, "moderate": 2, "low": 1}
STRENGTHS = ("strong", "moderate", "weak")
_BAND = {3: "strong", 2: "moderate", 1: "weak"}


def with_strength(coding: pl.DataFrame) -> pl.DataFrame:
    r = pl.min_horizontal(
        pl.col("rigour").replace_strict(RANK, return_dtype=pl.Int8),
        pl.col("relevance").replace_strict(RANK, return_dtype=pl.Int8),
    )
    return coding.with_columns(r.alias("strength_rank"))


def pairs(coding: pl.DataFrame) -> pl.DataFrame:
    """One row per (paper, PT): rows coded, roles, judgements, best strength, report refs."""
    c = with_strength(coding)
    return (
        c.group_by("work_id", "pt")
        .agg(
            pl.len().alias("n_rows"),
            pl.col("record_id").first(),
            pl.col("evidence_type").first(),
            pl.col("cmo_role").unique().sort().str.join("; ").alias("roles"),
            pl.col("judgement").unique().sort().str.join("; ").alias("judgements"),
            pl.col("strength_rank").max().alias("strength_rank"),
            pl.col("ref_no")
            .filter(pl.col("ref_no") != "")
            .unique()
            .sort()
            .str.join("; ")
            .alias("ref_nos"),
        )
        .with_columns(
            pl.col("strength_rank").replace_strict(_BAND, return_dtype=pl.String).alias("strength")
        )
        .sort("work_id", pl.col("pt").str.slice(2).cast(pl.Int32))
    )


def matrix(coding: pl.DataFrame, pts: list[str]) -> pl.DataFrame:
    """PT x paper: one row per work, one Int32 column per PT (number of coded CMO elements)."""
    base = coding.group_by("work_id").agg(
        pl.col("record_id").first(), pl.col("evidence_type").first()
    )
    wide = coding.group_by("work_id", "pt").len().pivot("pt", index="work_id", values="len")
    for pt in pts:
        if pt not in wide.columns:
            wide = wide.with_columns(pl.lit(0).alias(pt))
    wide = wide.with_columns([pl.col(pt).fill_null(0).cast(pl.Int32) for pt in pts])
    out = base.join(wide.select("work_id", *pts), on="work_id", how="left")
    return out.with_columns(
        pl.sum_horizontal(*[pl.col(p) > 0 for p in pts]).cast(pl.Int32).alias("n_pts")
    ).sort("work_id")


def pt_counts(coding: pl.DataFrame, th: Theories) -> pl.DataFrame:
    """Per PT: primary papers overall, by CMO role, by judgement and by evidence strength."""
    prim = coding.filter(pl.col("evidence_type") == "primary")
    pr = pairs(prim)
    rows = []
    for r in th.final.iter_rows(named=True):
        pt = r["pt"]
        sub = prim.filter(pl.col("pt") == pt)
        ps = pr.filter(pl.col("pt") == pt)
        row: dict[str, Any] = {
            "pt": pt,
            "title": r["title"],
            "selfie_level": r["selfie_level"],
            "papers": sub["work_id"].n_unique(),
        }
        for role in ROLES:
            row[role] = sub.filter(pl.col("cmo_role") == role)["work_id"].n_unique()
        for j in JUDGEMENTS:
            row[j] = sub.filter(pl.col("judgement") == j)["work_id"].n_unique()
        for s in STRENGTHS:
            row[s] = ps.filter(pl.col("strength") == s).height
        row["framework_papers"] = coding.filter(
            (pl.col("pt") == pt) & (pl.col("evidence_type") == "framework")
        )["work_id"].n_unique()
        rows.append(row)
    return pl.DataFrame(rows)


def pt_table(th: Theories, counts: pl.DataFrame, cited: dict[str, Any]) -> pl.DataFrame:
    """The final PT statements with their evidence counts (the report's PT table)."""
    per_pt = cited["distinct_refs_per_pt"]
    return (
        th.final.select(
            "pt",
            "title",
            "selfie_level",
            "context",
            "mechanism_resource",
            "mechanism_reasoning",
            "outcome",
        )
        .join(
            counts.select(
                "pt", "papers", "support", "refine", "refute", "strong", "moderate", "weak"
            ),
            on="pt",
            how="left",
        )
        .with_columns(
            pl.col("pt")
            .replace_strict(per_pt, default=0, return_dtype=pl.Int64)
            .alias("refs_cited_in_results")
        )
    )


def cited_check(coding: pl.DataFrame, pts: list[str]) -> dict[str, Any]:
    """From the rows that are citations of the published Results only (``cited_line`` set):
    distinct references per PT, explicit-only, and the PTs no reference is cited for."""
    c = coding.filter(pl.col("cited_line") != "")
    per = {pt: c.filter(pl.col("pt") == pt)["ref_no"].n_unique() for pt in pts}
    explicit = {
        pt: c.filter((pl.col("pt") == pt) & (pl.col("confidence") == "explicit"))[
            "ref_no"
        ].n_unique()
        for pt in pts
    }
    by_ref = c.group_by("ref_no").agg(pl.col("pt").n_unique().alias("n"))
    return {
        "rows": c.height,
        "refs_mapped": c["ref_no"].n_unique(),
        "ref_pt_pairs": c.select("ref_no", "pt").unique().height,
        "refs_on_more_than_one_pt": by_ref.filter(pl.col("n") > 1).height,
        "rows_by_confidence": {
            k: c.filter(pl.col("confidence") == k).height for k in ("explicit", "inferred")
        },
        "distinct_refs_per_pt": per,
        "explicit_refs_per_pt": explicit,
        "pts_without_cited_reference": [pt for pt in pts if per[pt] == 0],
        "framework_refs": sorted(
            c.filter(pl.col("evidence_type") == "framework")["ref_no"].unique().to_list(), key=int
        ),
    }


def counts(
    coding: pl.DataFrame,
    th: Theories,
    per_pt: pl.DataFrame,
    mat: pl.DataFrame,
    cited: dict[str, Any],
    status: dict[str, Any],
) -> dict[str, Any]:
    prim = mat.filter(pl.col("evidence_type") == "primary")
    fw = mat.filter(pl.col("evidence_type") == "framework")
    by_level = {
        lvl: per_pt.filter(pl.col("selfie_level") == lvl)["papers"].sum() for lvl in SELFIE_LEVELS
    }
    return {
        "papers_included": mat.height,
        "screening_included": sum(1 for d in status.values() if d == "include"),
        "primary_papers": prim.height,
        "framework_papers": fw.height,
        "framework_records": fw["record_id"].to_list(),
        "coded_rows": coding.height,
        "coded_pairs": int(mat["n_pts"].sum()),
        "papers_by_n_pts": {
            str(k): v
            for k, v in sorted((int(k), int(v)) for k, v in mat.group_by("n_pts").len().iter_rows())
        },
        "rows_by_provenance": dict(
            sorted((k or "unstated", v) for k, v in coding.group_by("provenance").len().iter_rows())
        ),
        "per_pt": {
            r["pt"]: {k: v for k, v in r.items() if k not in ("pt", "title", "selfie_level")}
            for r in per_pt.iter_rows(named=True)
        },
        "papers_per_pt": dict(zip(per_pt["pt"], per_pt["papers"], strict=True)),
        "papers_by_selfie_level_sum": by_level,
        "pts_without_evidence": per_pt.filter(pl.col("papers") == 0)["pt"].to_list(),
        "cited_in_results": cited,
    }
