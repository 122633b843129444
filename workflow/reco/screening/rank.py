"""Rank the records not yet screened, from the labels so far (``reco screen rank``).

The model (same default as the simulation) is fitted once on all labelled records and scores
the rest; the output lists unlabelled records best first, as CSV and as RIS with the rank in
an ``N1`` note so that a screening tool (Covidence, Rayyan, EPPI-Reviewer, ASReview) can sort
by it. Labelled records are not listed. Deterministic for a given seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from reco.fileio import atomic_open, write_csv
from reco.screening.data import Records
from reco.screening.simulate import ModelSpec, rank_pool


def rank_records(
    records: Records, labels: dict[int, int], spec: ModelSpec, seed: int = 0
) -> pl.DataFrame:
    """One row per unlabelled record: rank (1 = screen first), record_id, score, title."""
    labelled = np.asarray(sorted(labels), dtype=np.int64)
    y = np.asarray([labels[i] for i in labelled], dtype=np.int64)
    pool = np.setdiff1d(np.arange(len(records.record_ids)), labelled)
    if len(pool) == 0:  # everything is labelled: nothing left to rank
        return pl.DataFrame(
            schema={
                "rank": pl.Int64,
                "record_id": pl.String,
                "score": pl.Float64,
                "title": pl.String,
            }
        )
    X = spec.featurise(records.titles, records.abstracts)
    rng = np.random.default_rng(seed)
    picks, scores = rank_pool(X, labelled, y, pool, spec, len(pool), rng)
    return pl.DataFrame(
        {
            "rank": np.arange(1, len(picks) + 1, dtype=np.int64),
            "record_id": [records.record_ids[i] for i in pool[picks]],
            "score": np.round(scores[picks], 6),
            "title": [records.titles[i] for i in pool[picks]],
        }
    )


def _ris_value(text: str) -> str:
    return " ".join(text.split())


def write_ris(ranked: pl.DataFrame, records: Records, path: Path) -> None:
    """RIS file in rank order; ``N1`` carries the rank and score, ``ID`` the record_id."""
    abstract = dict(zip(records.record_ids, records.abstracts, strict=True))
    total = ranked.height
    with atomic_open(path) as out:
        for row in ranked.iter_rows(named=True):
            out.write("TY  - JOUR\n")
            out.write(f"ID  - {row['record_id']}\n")
            if row["title"]:
                out.write(f"TI  - {_ris_value(row['title'])}\n")
            if abstract[row["record_id"]]:
                out.write(f"AB  - {_ris_value(abstract[row['record_id']])}\n")
            out.write(
                f"N1  - reco screening rank {row['rank']} of {total} (score {row['score']:.6f})\n"
            )
            out.write("ER  - \n\n")


def write_ranked(ranked: pl.DataFrame, records: Records, out_dir: Path) -> list[Path]:
    csv_path = out_dir / "ranked.csv"
    ris_path = out_dir / "ranked.ris"
    write_csv(ranked, csv_path)
    write_ris(ranked, records, ris_path)
    return [csv_path, ris_path]
