"""``reco dedup``: link records of the same work; writes pairs, clusters, the dedup map and counts."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dedup",
        help="find duplicate records across exports (auditable pairs, clusters, kept records)",
        description="Deduplicate records: INPUT is a records.parquet written by `reco ingest` or "
        "raw export files (ingested on the fly; same result). Writes DIR/pairs.parquet, "
        "clusters.csv, dedup_map.csv (record_id,source_id,cluster_id,kept), review_pairs.csv "
        "and unique_records.parquet.",
    )
    p.add_argument(
        "inputs", nargs="+", type=Path, metavar="INPUT", help="records.parquet or exports"
    )
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--counts", type=Path, default=None, help="stage counts JSON (default DIR/counts.json)"
    )
    p.add_argument(
        "--decisions",
        type=Path,
        default=None,
        help="reviewers' decisions CSV (record_a,record_b,decision,who,note; decision same|different)",
    )
    p.add_argument(
        "--prefer",
        action="append",
        default=[],
        metavar="DATABASE",
        help="database preference for the kept record, most preferred first (repeatable)",
    )
    p.add_argument(
        "--database",
        default=None,
        help="database searched, for raw export INPUTs (default unknown)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from reco import fileio, records
    from reco.dedup.overrides import read_decisions
    from reco.dedup.pipeline import deduplicate
    from reco.errors import InputError
    from reco.progress import step

    frames = []
    raw = []
    for path in args.inputs:
        if not path.exists():
            raise InputError("input not found", file=path, fix="check the path.")
        if path.suffix == ".parquet":
            frames.append(records.read_table(path, records.RECORDS))
        else:
            raw.append(path)
    if raw:
        from reco.ingest import ExportSpec, ingest_files

        result = ingest_files(
            [ExportSpec(file=f, database=args.database or records.UNKNOWN_DATABASE) for f in raw]
        )
        frames.append(records.conform(result.records, records.RECORDS))
    recs = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    decisions = read_decisions(args.decisions)
    prefer = [db.strip() for item in args.prefer for db in item.split(",") if db.strip()]
    res = deduplicate(
        recs,
        decisions=decisions,
        decisions_path=args.decisions or "dedup_decisions.csv",
        database_preference=prefer,
        source=", ".join(str(p) for p in args.inputs),
    )
    out: Path = args.out
    fileio.write_parquet(res.pairs, out / "pairs.parquet")
    fileio.write_csv(res.clusters, out / "clusters.csv")
    fileio.write_csv(res.dedup_map, out / "dedup_map.csv")
    fileio.write_csv(res.review_pairs, out / "review_pairs.csv")
    fileio.write_parquet(res.unique_records, out / "unique_records.parquet")
    fileio.write_json(args.counts or out / "counts.json", res.counts)
    c = res.counts
    step(
        f"dedup: {c['records_in']} records -> {c['unique_records']} unique "
        f"({c['duplicates_removed']} duplicates removed, {c['pairs_sent_to_review']} pairs to review)"
    )
    return 0
