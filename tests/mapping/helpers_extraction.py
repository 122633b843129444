"""Test helpers: stand-ins for the dedup and screening outputs, built from the planted truth.

The pipeline never reads ``resources/reco/truth``; tests may, to produce the ``dedup_map.csv``
and ``status.parquet`` that the dedup and screening stages would write for the reconstruction
(cluster_id = the lowest member record_id, as dedup defines it).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import polars as pl

STAGES = ("title_abstract", "mapping_fulltext", "synthesis_selection", "synthesis_extraction")


def upstream(truth: Path, out: Path) -> tuple[Path, Path]:
    """Write ``dedup_map.csv`` and ``status.parquet`` under ``out`` from the truth files."""
    out.mkdir(parents=True, exist_ok=True)
    members: dict[str, list[str]] = defaultdict(list)
    with open(truth / "duplicates.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            members[row["work_id"]].append(row["record_id"])
    cluster = {w: min(recs) for w, recs in members.items()}
    dedup_rows = [
        {
            "record_id": r,
            "source_id": r.split(":", 1)[1],
            "cluster_id": cluster[w],
            "kept": int(r == cluster[w]),
        }
        for w, recs in members.items()
        for r in recs
    ]
    dedup_map = out / "dedup_map.csv"
    pl.DataFrame(dedup_rows).sort("record_id").write_csv(dedup_map)
    status = pl.read_csv(truth / "screening.csv", infer_schema=False).with_columns(
        pl.col("work_id").replace_strict(cluster)
    )
    status = status.with_columns(
        [pl.when(pl.col(s) == "").then(None).otherwise(pl.col(s)).alias(s) for s in STAGES]
    )
    path = out / "status.parquet"
    status.write_parquet(path)
    return dedup_map, path


def cluster_of(truth: Path) -> dict[str, str]:
    """truth work_id -> the cluster_id the pipeline uses."""
    members: dict[str, list[str]] = defaultdict(list)
    with open(truth / "duplicates.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            members[row["work_id"]].append(row["record_id"])
    return {w: min(r) for w, r in members.items()}


def reconstruction_upstream(repo: Path, tmp: Path) -> dict[str, Path]:
    """A copy of the committed truth (plus the screening truth, regenerated if not committed) and
    the dedup/screening stand-ins built from it. Returns the paths the stages need."""
    import shutil

    from reco.reconstruct import Context, build

    res = repo / "resources" / "reco"
    out = tmp / "reco"
    shutil.copytree(res / "sources", out / "sources")
    shutil.copytree(res / "truth", out / "truth")
    if not (out / "truth" / "screening.csv").exists():
        build(Context(out=out, sources=out / "sources"), ["screening"])
    dedup_map, status = upstream(out / "truth", tmp / "upstream")
    return {
        "out": out,
        "truth": out / "truth",
        "dedup_map": dedup_map,
        "status": status,
        "mapping_sheet": res / "extraction" / "mapping.csv",
        "cmo_sheet": res / "extraction" / "cmo.csv",
        "theories": res / "theories",
    }


def set_status(status: Path, work_id: str, stage: str, decision: str | None, dest: Path) -> Path:
    """A copy of ``status`` with one work's decision at ``stage`` changed."""
    df = pl.read_parquet(status)
    assert work_id in df["work_id"].to_list()
    df = df.with_columns(
        pl.when(pl.col("work_id") == work_id)
        .then(pl.lit(decision, dtype=pl.String))
        .otherwise(pl.col(stage))
        .alias(stage)
    )
    df.write_parquet(dest)
    return dest


def drop_rows(sheet: Path, keep, dest: Path) -> Path:
    """A copy of a CSV sheet keeping the data rows for which ``keep(row_dict)`` is true."""
    with open(sheet, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = [r for r in reader if keep(r)]
    with open(dest, "w", encoding="utf-8", newline="") as handle:
        wr = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
    return dest


def edit_cell(sheet: Path, row: int, column: str, value: str, dest: Path) -> Path:
    """A copy of a CSV sheet with data row ``row`` (1-based) having ``column`` set to ``value``."""
    with open(sheet, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = list(reader)
    rows[row - 1][column] = value
    with open(dest, "w", encoding="utf-8", newline="") as handle:
        wr = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
    return dest
