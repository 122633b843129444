"""Run the synthesis stage: read theories and the CMO sheet, check them, write every output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from reco.fileio import write_csv, write_json, write_parquet
from reco.mapping.sheet import read_status, read_work_map
from reco.records import EVIDENCE_PAIRS, conform
from reco.synthesis import coding as cmo
from reco.synthesis import evidence, theories
from reco.synthesis.figure import heatmap


def run(
    sheet: str | Path,
    theories_dir: str | Path,
    dedup_map: str | Path,
    status_path: str | Path,
    out: str | Path,
    counts_path: str | Path,
) -> dict[str, Any]:
    sheet, out = Path(sheet), Path(out)
    th = theories.load(theories_dir)
    works = read_work_map(dedup_map)
    coding = cmo.read_coding(sheet, works, th.pts)
    status = read_status(status_path, cmo.STAGE)
    cmo.check_screening(coding, status, sheet)
    mat = evidence.matrix(coding, th.pts)
    per_pt = evidence.pt_counts(coding, th)
    cited = evidence.cited_check(coding, th.pts)
    write_parquet(mat, out / "evidence_matrix.parquet")
    write_csv(conform(evidence.pairs(coding), EVIDENCE_PAIRS), out / "evidence_pairs.csv")
    write_csv(per_pt, out / "pt_counts.csv")
    write_csv(evidence.pt_table(th, per_pt, cited), out / "pt_table.csv")
    write_csv(theories.trail_table(th), out / "theory_trail.csv")
    write_csv(theories.theory_table(th), out / "theory_table.csv")
    write_csv(
        pl.DataFrame(
            [
                {"pt": k, "distinct_refs": v, "explicit_refs": cited["explicit_refs_per_pt"][k]}
                for k, v in cited["distinct_refs_per_pt"].items()
            ]
        ),
        out / "results_citations_per_pt.csv",
    )
    heatmap(per_pt, out / "evidence_heatmap.svg")
    result = theories.counts(th) | evidence.counts(coding, th, per_pt, mat, cited, status)
    write_json(counts_path, result)
    return result
