"""Labelled screening data from a review's own decisions, for the retrospective simulation.

Joins the unique records (title, abstract of each work's kept record) with the title/abstract
outcome of each work from the tally, giving the ASReview/SYNERGY layout
``record_id, title, abstract, label_included`` that ``reco screen simulate`` reads. The labels are
the human decisions: the simulation only replays them in another order.
"""

from __future__ import annotations

import polars as pl

from reco.errors import SchemaError


def labelled_records(
    unique: pl.DataFrame, status: pl.DataFrame, stage: str = "title_abstract"
) -> pl.DataFrame:
    """One row per work: record_id (= work_id), title, abstract, label_included (1/0)."""
    if stage not in status.columns:
        raise SchemaError(
            f"status table has no stage {stage!r}",
            fix="run the screening tally with decision logs for that stage.",
        )
    out = unique.select("work_id", "title", "abstract").join(
        status.select("work_id", pl.col(stage).alias("decision")), on="work_id", how="left"
    )
    missing = out.filter(pl.col("decision").is_null())
    if missing.height:
        raise SchemaError(
            f"{missing.height} work(s) without a {stage} decision, e.g. {missing['work_id'][0]}",
            fix="every unique work needs a decision at the stage being simulated.",
        )
    return out.select(
        pl.col("work_id").alias("record_id"),
        pl.col("title").fill_null(""),
        pl.col("abstract").fill_null(""),
        (pl.col("decision") == "include").cast(pl.Int8).alias("label_included"),
    ).sort("record_id")
