"""``reco synth``: the realist-synthesis evidence map from the theories and the CMO coding sheet."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth",
        help="realist synthesis: PT x paper evidence matrix, PT tables, heat-map",
        description="Check the programme theories and the CMO coding sheet against dedup and "
        "screening, and write the evidence matrix, per-PT counts, tables and the heat-map.",
    )
    verbs = p.add_subparsers(dest="synth_command", metavar="VERB", required=True)
    v = verbs.add_parser("build", help="check the inputs and write results/synthesis/*")
    v.add_argument("--sheet", type=Path, default=Path("resources/reco/extraction/cmo.csv"))
    v.add_argument("--theories", type=Path, default=Path("resources/reco/theories"))
    v.add_argument("--dedup-map", type=Path, default=Path("results/dedup/dedup_map.csv"))
    v.add_argument("--status", type=Path, default=Path("results/screening/status.parquet"))
    v.add_argument("--out", type=Path, default=Path("results/synthesis"))
    v.add_argument("--counts", type=Path, default=Path("results/counts/synthesis.json"))
    v.set_defaults(func=run)
    t = verbs.add_parser("theories", help="check the theory files only (writes nothing)")
    t.add_argument("--theories", type=Path, default=Path("resources/reco/theories"))
    t.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reco.progress import step

    if args.synth_command == "theories":
        from reco.synthesis import theories

        th = theories.load(args.theories)
        step(f"{args.theories}: {th.drafts.height} drafts, {th.final.height} final PTs valid")
        return 0
    from reco.synthesis.run import run as build

    c = build(args.sheet, args.theories, args.dedup_map, args.status, args.out, args.counts)
    step(
        f"synthesis: {c['papers_included']} papers ({c['framework_papers']} framework), "
        f"{c['coded_rows']} coded rows, {c['final_pts']} PTs"
    )
    return 0
