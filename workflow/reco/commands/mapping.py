"""``reco map``: validate the literature-mapping sheet and build models.csv, Table 1 and the counts."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "map",
        help="literature mapping: service models and the EPOC table from the extraction sheet",
        description="Validate the per-paper mapping sheet against dedup and screening, group the "
        "papers into service models and summarise the EPOC findings (Table 1).",
    )
    verbs = p.add_subparsers(dest="map_command", metavar="VERB", required=True)
    for verb, text in (
        ("validate", "check the sheet (codes, records, agreement with screening); write nothing"),
        ("build", "check the sheet and write results/mapping/* and the counts file"),
    ):
        v = verbs.add_parser(verb, help=text, description=text)
        v.add_argument("--sheet", type=Path, default=Path("resources/reco/extraction/mapping.csv"))
        v.add_argument("--dedup-map", type=Path, default=Path("results/dedup/dedup_map.csv"))
        v.add_argument("--status", type=Path, default=Path("results/screening/status.parquet"))
        v.add_argument(
            "--taxonomy", type=Path, default=None, help="own EPOC taxonomy CSV (default: Table 1)"
        )
        if verb == "build":
            v.add_argument("--out", type=Path, default=Path("results/mapping"))
            v.add_argument("--counts", type=Path, default=Path("results/counts/mapping.json"))
        v.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from collections import defaultdict

    from reco.mapping import sheet, tables
    from reco.progress import step

    if args.map_command == "validate":
        works = sheet.read_work_map(args.dedup_map)
        papers = sheet.read_sheet(args.sheet, works, args.taxonomy)
        rows: dict[str, list[int]] = defaultdict(list)
        for p in papers:
            rows[p.work_id].append(p.row)
        status = sheet.read_status(args.status, tables.STAGE)
        sheet.check_against_screening(
            rows, status, tables.STAGE, file=args.sheet, what="mapping sheet"
        )
        step(f"{args.sheet}: {len(papers)} rows valid")
        return 0
    c = tables.run(args.sheet, args.dedup_map, args.status, args.out, args.counts, args.taxonomy)
    step(f"mapping: {c['papers']} papers, {c['models']} models, {c['categories']} categories")
    return 0
